//! Type identity, names, recursion and gates: the second phase of lowering.
//!
//! **Identity.** Two nodes are one Rust type when they ask for the same module and name and have
//! the same shape, where shape compares everything but docs and compares references by the
//! identity of their targets (partition refinement to a fixed point, as in DFA minimisation). So
//! `vapi.std.errors.not_found` and `VapiStdErrorsNotFound`, or the copies of a type in several
//! files, share one type when, and only when, they are structurally identical.
//!
//! **Names.** When different types ask for one name, the one used by a current (non-deprecated)
//! operation, then the one first in file and pointer order, keeps it; a type only deprecated
//! operations use gets the suffix `Legacy`, anything else `2`, `3`, ... The choice depends only
//! on the input, so it is stable across runs.
//!
//! **Recursion.** A field whose type contains the struct itself by value (directly or through
//! `Option`) is boxed; `Vec` and maps already break the cycle.
//!
//! **Gates.** A type used only by one namespace's operations (or by none), and living in that
//! namespace, is compiled only with that namespace's feature; everything else is always compiled.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use super::{FileCounts, Node, OpDraft};
use crate::diag::{Diagnostics, Kind};
use crate::ir::{
    Crate, Field, Gate, ModPath, Module, Operation, Source, Ty, TypeDef, TypeId, TypeKind, UntaggedVariant,
};
use crate::load::Document;
use crate::names;

pub(crate) fn finish(
    docs: &[Document],
    mut nodes: Vec<Node>,
    mut drafts: Vec<OpDraft>,
    diags: &mut Diagnostics,
    counts: &mut [FileCounts],
) -> Crate {
    for node in &mut nodes {
        if node.kind.is_none() {
            node.kind = Some(TypeKind::Struct(crate::ir::Struct { fields: Vec::new(), additional: None }));
        }
    }
    let refs: Vec<Vec<TypeId>> = nodes.iter().map(|n| kind_refs(n.kind.as_ref().expect("filled above"))).collect();
    let op_refs: Vec<Vec<TypeId>> = drafts.iter().map(|d| op_refs(&d.op)).collect();

    // Reachability: from current operations, and per namespace.
    let current = reach(
        &refs,
        drafts.iter().zip(&op_refs).filter(|(d, _)| d.op.deprecated.is_none()).flat_map(|(_, r)| r.iter().copied()),
    );
    let deprecated = reach(
        &refs,
        drafts.iter().zip(&op_refs).filter(|(d, _)| d.op.deprecated.is_some()).flat_map(|(_, r)| r.iter().copied()),
    );
    let namespaces: BTreeSet<String> = drafts.iter().map(|d| d.namespace.clone()).collect();
    let mut used_by: Vec<BTreeSet<String>> = vec![BTreeSet::new(); nodes.len()];
    for ns in &namespaces {
        let seen = reach(
            &refs,
            drafts.iter().zip(&op_refs).filter(|(d, _)| &d.namespace == ns).flat_map(|(_, r)| r.iter().copied()),
        );
        for (i, s) in seen.iter().enumerate() {
            if *s {
                used_by[i].insert(ns.clone());
            }
        }
    }
    let deprecated_only: Vec<bool> = (0..nodes.len()).map(|i| deprecated[i] && !current[i]).collect();

    // Identity by partition refinement. Unions that ask for one name and discriminator are one
    // type when their tags agree on payload types: each file's copy of a vAPI error family lists
    // only the errors that file uses, and the crate gets one union with all of them.
    let shapes: Vec<String> = nodes.iter().map(|n| shape(n.kind.as_ref().expect("filled above"))).collect();
    let is_union: Vec<bool> = nodes.iter().map(|n| matches!(n.kind, Some(TypeKind::Union(_)))).collect();
    let mut cluster: Vec<usize> = vec![0; nodes.len()];
    let mut class = refine(&nodes, &shapes, &refs, &is_union, &cluster);
    for _ in 0..8 {
        // Group by name and discriminator (not by current class, so cluster numbers are stable).
        let mut groups: BTreeMap<(&ModPath, &str, &str), Vec<usize>> = BTreeMap::new();
        for i in (0..nodes.len()).filter(|&i| is_union[i]) {
            let property = shapes[i].split('{').next().unwrap_or("");
            groups.entry((&nodes[i].want.0, nodes[i].want.1.as_str(), property)).or_default().push(i);
        }
        let mut changed = false;
        for (_, mut members) in groups {
            members.sort_by(|&a, &b| {
                (legacy_scheme(&nodes[a].pointer), nodes[a].doc, &nodes[a].pointer).cmp(&(
                    legacy_scheme(&nodes[b].pointer),
                    nodes[b].doc,
                    &nodes[b].pointer,
                ))
            });
            let mut clusters: Vec<BTreeMap<&str, usize>> = Vec::new();
            for m in members {
                let Some(TypeKind::Union(u)) = &nodes[m].kind else { continue };
                let tags: Vec<(&str, usize)> = u.variants.iter().map(|v| (v.tag.as_str(), class[v.ty.0])).collect();
                let fits = |c: &BTreeMap<&str, usize>| tags.iter().all(|(t, k)| c.get(t).is_none_or(|have| have == k));
                let index = match clusters.iter().position(fits) {
                    Some(index) => index,
                    None => {
                        clusters.push(BTreeMap::new());
                        clusters.len() - 1
                    }
                };
                clusters[index].extend(tags.iter().copied());
                if cluster[m] != index {
                    cluster[m] = index;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
        class = refine(&nodes, &shapes, &refs, &is_union, &cluster);
    }
    let class_count = class.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); class_count];
    for (i, c) in class.iter().enumerate() {
        members[*c].push(i);
    }
    for m in &mut members {
        m.sort_by(|&a, &b| {
            (deprecated_only[a], nodes[a].doc, &nodes[a].pointer).cmp(&(
                deprecated_only[b],
                nodes[b].doc,
                &nodes[b].pointer,
            ))
        });
    }
    let rep: Vec<usize> = members.iter().map(|m| m[0]).collect();
    let class_deprecated: Vec<bool> = members.iter().map(|m| m.iter().all(|&i| deprecated_only[i])).collect();

    // Names.
    let mut wants: BTreeMap<(ModPath, String), Vec<usize>> = BTreeMap::new();
    for (c, &r) in rep.iter().enumerate() {
        wants.entry(nodes[r].want.clone()).or_default().push(c);
    }
    let mut final_names: Vec<String> = vec![String::new(); class_count];
    let mut taken: BTreeMap<ModPath, BTreeSet<String>> = BTreeMap::new();
    for (module, name) in wants.keys() {
        taken.entry(module.clone()).or_default().insert(name.clone());
    }
    for ((module, name), mut classes) in wants {
        let legacy_scheme = |c: usize| legacy_scheme(&nodes[rep[c]].pointer);
        classes.sort_by(|&a, &b| {
            (class_deprecated[a] || legacy_scheme(a), nodes[rep[a]].doc, &nodes[rep[a]].pointer).cmp(&(
                class_deprecated[b] || legacy_scheme(b),
                nodes[rep[b]].doc,
                &nodes[rep[b]].pointer,
            ))
        });
        let first = classes[0];
        final_names[first] = name.clone();
        for &c in &classes[1..] {
            let in_module = taken.entry(module.clone()).or_default();
            let legacy = format!("{name}Legacy");
            let chosen = if (class_deprecated[c] || (legacy_scheme(c) && !legacy_scheme(first)))
                && !in_module.contains(&legacy)
            {
                legacy
            } else {
                names::disambiguate(&name, |n| in_module.contains(n))
            };
            in_module.insert(chosen.clone());
            let node = &nodes[rep[c]];
            let kept = &nodes[rep[first]];
            diags.warn(
                &docs[node.doc].label,
                &node.pointer,
                Kind::NameCollision,
                format!(
                    "`{}::{name}` is already {}{} with a different shape; this one is `{chosen}`",
                    module.join("::"),
                    docs[kept.doc].label,
                    kept.pointer
                ),
            );
            final_names[c] = chosen;
        }
    }

    // Types.
    let remap = |ty: &Ty| -> Ty { remap_ty(ty, &class) };
    let mut types: Vec<TypeDef> = (0..class_count)
        .map(|c| {
            let node = &nodes[rep[c]];
            let mut origins: Vec<String> =
                members[c].iter().map(|&i| format!("{}{}", docs[nodes[i].doc].label, nodes[i].pointer)).collect();
            origins.sort();
            origins.dedup();
            let mut kind = remap_kind(node.kind.as_ref().expect("filled above"), &class);
            if let TypeKind::Union(u) = &mut kind {
                for &other in &members[c][1..] {
                    if let Some(TypeKind::Union(more)) = &nodes[other].kind {
                        for v in &more.variants {
                            if !u.variants.iter().any(|have| have.tag == v.tag) {
                                let mut v = v.clone();
                                v.ty = TypeId(class[v.ty.0]);
                                v.ident = names::disambiguate(&v.ident, |n| {
                                    u.variants.iter().any(|have| have.ident == n) || n == u.other
                                });
                                u.variants.push(v);
                            }
                        }
                    }
                }
            }
            TypeDef {
                module: node.want.0.clone(),
                name: final_names[c].clone(),
                doc: node.doc_lines.clone(),
                kind,
                gate: Gate::Always,
                origins,
                extensions: node.extensions.clone(),
            }
        })
        .collect();
    for draft in &mut drafts {
        remap_op(&mut draft.op, &remap);
    }

    box_recursion(&mut types);

    // Gates.
    let features: BTreeSet<String> = namespaces.clone();
    for (c, t) in types.iter_mut().enumerate() {
        let used: BTreeSet<&String> = members[c].iter().flat_map(|&i| used_by[i].iter()).collect();
        let home = t.module.first().cloned().unwrap_or_default();
        let only_home = used.iter().all(|u| **u == home);
        t.gate = if features.contains(&home) && only_home { Gate::Feature(home) } else { Gate::Always };
    }
    loop {
        let mut changed = false;
        for c in 0..types.len() {
            let mut referenced = Vec::new();
            kind_named(&types[c].kind, &mut referenced);
            let gate = types[c].gate.clone();
            for r in referenced {
                if let Gate::Feature(f) = &types[r.0].gate {
                    if gate != Gate::Feature(f.clone()) {
                        types[r.0].gate = Gate::Always;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }

    // Replacement notes need every operation's Rust path.
    let by_pointer: HashMap<(usize, String), String> = drafts
        .iter()
        .filter(|d| d.op.from_spec)
        .map(|d| ((d.doc, d.pointer.to_string()), d.op.rust_path.clone()))
        .collect();
    for draft in &mut drafts {
        if draft.op.deprecated.as_deref() != Some("") {
            continue;
        }
        let note = match &draft.replacement {
            Some(r) => {
                let key = r.pointer.to_string();
                let same = by_pointer.get(&(draft.doc, key.clone())).cloned();
                let any = || by_pointer.iter().filter(|((_, p), _)| *p == key).map(|(_, v)| v.clone()).min();
                // VMware's pointers sometimes differ from the `/api` path key in its query part
                // (`?action=change` for `?action=change&vmw-task=true`, `?library_id` for no
                // query): the one operation of the same file and method whose path key extends the
                // pointer's, or that the pointer's extends, by query text is the replacement.
                let extended = || {
                    let tokens: Vec<String> = r.pointer.tokens().collect();
                    let [paths, path, method] = tokens.as_slice() else { return None };
                    if paths != "paths" {
                        return None;
                    }
                    let found: Vec<&String> = by_pointer
                        .iter()
                        .filter(|((doc, p), _)| {
                            let t: Vec<String> =
                                crate::pointer::Pointer::parse(p).map(|p| p.tokens().collect()).unwrap_or_default();
                            // The extra query text may not name an action: `?action=find` is
                            // another operation, `&vmw-task=true` or `?library_id` are not.
                            let extends = |long: &str, short: &str| {
                                long.len() > short.len()
                                    && long.starts_with(short)
                                    && (short.contains('?') || long[short.len()..].starts_with('?'))
                                    && !long[short.len()..].contains("action=")
                            };
                            *doc == draft.doc
                                && t.len() == 3
                                && t[2] == *method
                                && (extends(&t[1], path) || extends(path, &t[1]))
                        })
                        .map(|(_, v)| v)
                        .collect();
                    match found.as_slice() {
                        [one] => Some((*one).clone()),
                        _ => None,
                    }
                };
                match same.or_else(any).or_else(extended) {
                    Some(path) => format!("use `crate::{path}`"),
                    None => {
                        diags.warn(
                            &docs[draft.doc].label,
                            &draft.pointer.push(crate::vendor::DEPRECATED),
                            Kind::Extension,
                            format!("the replacement {} names no operation of the input files", r.pointer),
                        );
                        format!("replaced by {}{}", r.file.as_deref().unwrap_or(""), r.pointer)
                    }
                }
            }
            None => "deprecated by the spec".to_owned(),
        };
        draft.op.deprecated = Some(note);
    }

    // Modules.
    let mut modules: BTreeMap<ModPath, Module> = BTreeMap::new();
    modules.insert(Vec::new(), Module::default());
    let ensure = |modules: &mut BTreeMap<ModPath, Module>, path: &ModPath| {
        for len in 1..=path.len() {
            let prefix = path[..len].to_vec();
            modules.entry(prefix.clone()).or_insert_with(|| Module {
                path: prefix.clone(),
                gate: Gate::Always,
                ..Module::default()
            });
            let parent = path[..len - 1].to_vec();
            modules.get_mut(&parent).expect("parents are inserted first").children.insert(path[len - 1].clone());
        }
    };
    for (c, t) in types.iter().enumerate() {
        ensure(&mut modules, &t.module);
        let m = modules.get_mut(&t.module).expect("just ensured");
        m.types.push(TypeId(c));
        for origin in &t.origins {
            m.sources.insert(origin.split('#').next().unwrap_or("").to_owned());
        }
    }
    let mut feature_files: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for draft in drafts {
        ensure(&mut modules, &draft.module);
        feature_files.entry(draft.namespace.clone()).or_default().insert(draft.op.source.clone());
        let m = modules.get_mut(&draft.module).expect("just ensured");
        m.sources.insert(draft.op.source.clone());
        m.operations.push(draft.op);
    }
    for m in modules.values_mut() {
        m.types.sort_by(|a, b| types[a.0].name.cmp(&types[b.0].name));
        m.operations.sort_by(|a, b| a.ident.trim_start_matches("r#").cmp(b.ident.trim_start_matches("r#")));
    }
    let paths: Vec<ModPath> = modules.keys().rev().cloned().collect();
    for path in paths {
        if path.is_empty() {
            continue;
        }
        let m = &modules[&path];
        let mut gates: BTreeSet<Gate> = m.types.iter().map(|t| types[t.0].gate.clone()).collect();
        gates.extend(m.operations.iter().map(|o| o.gate.clone()));
        for child in &m.children {
            let mut p = path.clone();
            p.push(child.clone());
            gates.insert(modules[&p].gate.clone());
        }
        let gate = match (gates.len(), gates.iter().next()) {
            (1, Some(g)) => g.clone(),
            _ => Gate::Always,
        };
        modules.get_mut(&path).expect("exists").gate = gate;
    }
    // Sources of intermediate modules: what their children have.
    let paths: Vec<ModPath> = modules.keys().rev().cloned().collect();
    for path in paths {
        if path.is_empty() {
            continue;
        }
        let sources = modules[&path].sources.clone();
        let parent = path[..path.len() - 1].to_vec();
        modules.get_mut(&parent).expect("parent exists").sources.extend(sources);
    }

    for (doc, d) in docs.iter().enumerate() {
        counts[doc].types =
            types.iter().filter(|t| t.origins.iter().any(|o| o.split('#').next() == Some(d.label.as_str()))).count();
    }
    Crate {
        sources: docs
            .iter()
            .map(|d| Source {
                label: d.label.clone(),
                sha256: d.sha256.clone(),
                title: d.api.info.title.clone(),
                version: d.api.info.version.clone(),
                extensions: d
                    .vendor
                    .extras(&crate::pointer::Pointer::root())
                    .iter()
                    .map(|(k, v)| (k.clone(), crate::vendor::render(v)))
                    .collect(),
            })
            .collect(),
        types,
        modules,
        features: feature_files,
    }
}

/// Whether a node comes from a schema named in the `/rest` naming scheme of the 7.0 specs
/// (dotted, lowercase first: `vapi.std.errors.not_found`), which loses a name to the `/api`
/// scheme (`VapiStdErrorsNotFound`).
fn legacy_scheme(pointer: &crate::pointer::Pointer) -> bool {
    let tokens: Vec<String> = pointer.tokens().take(3).collect();
    match tokens.as_slice() {
        [components, schemas, name] if components == "components" && schemas == "schemas" => {
            super::place::rest_scheme(name)
        }
        _ => false,
    }
}

/// Partition refinement to a fixed point: nodes start in classes of equal name and shape, and
/// split while their references lead to different classes. Unions start in classes of equal
/// name, discriminator and `cluster`, and do not split by their variants.
fn refine(nodes: &[Node], shapes: &[String], refs: &[Vec<TypeId>], is_union: &[bool], cluster: &[usize]) -> Vec<usize> {
    let mut class: Vec<usize> = {
        let mut keys: HashMap<(bool, usize, &ModPath, &str, &str, usize), usize> = HashMap::new();
        nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let shape = if is_union[i] { shapes[i].split('{').next().unwrap_or("") } else { shapes[i].as_str() };
                let key = (n.unique, if n.unique { i } else { 0 }, &n.want.0, n.want.1.as_str(), shape, cluster[i]);
                let next = keys.len();
                *keys.entry(key).or_insert(next)
            })
            .collect()
    };
    loop {
        let mut keys: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
        let next: Vec<usize> = (0..nodes.len())
            .map(|i| {
                let signature = if is_union[i] { Vec::new() } else { refs[i].iter().map(|r| class[r.0]).collect() };
                let n = keys.len();
                *keys.entry((class[i], signature)).or_insert(n)
            })
            .collect();
        let before = class.iter().collect::<BTreeSet<_>>().len();
        let after = keys.len();
        class = next;
        if after == before {
            return class;
        }
    }
}

/// Marks every node reachable from `roots`.
fn reach(refs: &[Vec<TypeId>], roots: impl Iterator<Item = TypeId>) -> Vec<bool> {
    let mut seen = vec![false; refs.len()];
    let mut queue: VecDeque<TypeId> = roots.collect();
    while let Some(t) = queue.pop_front() {
        if std::mem::replace(&mut seen[t.0], true) {
            continue;
        }
        queue.extend(refs[t.0].iter().copied());
    }
    seen
}

fn kind_named(kind: &TypeKind, out: &mut Vec<TypeId>) {
    match kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                f.ty.named(out);
            }
            if let Some(a) = &s.additional {
                a.named(out);
            }
        }
        TypeKind::Enum(_) => {}
        TypeKind::Union(u) => out.extend(u.variants.iter().map(|v| v.ty)),
        TypeKind::Untagged(vs) => {
            for v in vs {
                v.ty.named(out);
            }
        }
        TypeKind::Params(fields) => {
            for f in fields {
                f.ty.named(out);
            }
        }
    }
}

fn kind_refs(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    kind_named(kind, &mut out);
    out
}

fn op_refs(op: &Operation) -> Vec<TypeId> {
    let mut out = Vec::new();
    for p in &op.params {
        p.field.ty.named(&mut out);
    }
    if let Some((id, _)) = &op.optional {
        out.push(*id);
    }
    if let Some((ty, _)) = &op.body {
        ty.named(&mut out);
    }
    op.response.named(&mut out);
    op.error.ty.named(&mut out);
    out
}

/// Everything about a kind but its docs, with references written as `#`.
fn shape(kind: &TypeKind) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let field = |s: &mut String, f: &Field| {
        let _ = write!(s, "{}:{}:{}:{}:{};", f.ident, f.wire, ty_shape(&f.ty), f.required, f.nullable);
    };
    match kind {
        TypeKind::Struct(st) => {
            s.push_str("struct{");
            for f in &st.fields {
                field(&mut s, f);
            }
            if let Some(a) = &st.additional {
                let _ = write!(s, "..{}", ty_shape(a));
            }
            s.push('}');
        }
        TypeKind::Enum(e) => {
            s.push_str("enum{");
            for v in &e.variants {
                let _ = write!(s, "{}={};", v.ident, v.wire);
            }
            let _ = write!(s, "{}}}", e.other);
        }
        TypeKind::Union(u) => {
            let _ = write!(s, "union[{}]{{", u.property);
            for v in &u.variants {
                let _ = write!(s, "{}={}:#;", v.ident, v.tag);
            }
            let _ = write!(s, "{}}}", u.other);
        }
        TypeKind::Untagged(vs) => {
            s.push_str("untagged{");
            for v in vs {
                let _ = write!(s, "{}:{};", v.ident, ty_shape(&v.ty));
            }
            s.push('}');
        }
        TypeKind::Params(fields) => {
            s.push_str("params{");
            for f in fields {
                field(&mut s, f);
            }
            s.push('}');
        }
    }
    s
}

fn ty_shape(ty: &Ty) -> String {
    match ty {
        Ty::Named(_) => "#".to_owned(),
        Ty::Vec(inner) => format!("[{}]", ty_shape(inner)),
        Ty::Map(inner) => format!("{{{}}}", ty_shape(inner)),
        other => format!("{other:?}"),
    }
}

fn remap_ty(ty: &Ty, class: &[usize]) -> Ty {
    match ty {
        Ty::Named(id) => Ty::Named(TypeId(class[id.0])),
        Ty::Vec(inner) => Ty::Vec(Box::new(remap_ty(inner, class))),
        Ty::Map(inner) => Ty::Map(Box::new(remap_ty(inner, class))),
        other => other.clone(),
    }
}

fn remap_field(f: &Field, class: &[usize]) -> Field {
    Field { ty: remap_ty(&f.ty, class), ..f.clone() }
}

fn remap_kind(kind: &TypeKind, class: &[usize]) -> TypeKind {
    match kind {
        TypeKind::Struct(s) => TypeKind::Struct(crate::ir::Struct {
            fields: s.fields.iter().map(|f| remap_field(f, class)).collect(),
            additional: s.additional.as_ref().map(|a| remap_ty(a, class)),
        }),
        TypeKind::Enum(e) => TypeKind::Enum(e.clone()),
        TypeKind::Union(u) => {
            let mut u = u.clone();
            for v in &mut u.variants {
                v.ty = TypeId(class[v.ty.0]);
            }
            TypeKind::Union(u)
        }
        TypeKind::Untagged(vs) => {
            TypeKind::Untagged(vs.iter().map(|v| UntaggedVariant { ty: remap_ty(&v.ty, class), ..v.clone() }).collect())
        }
        TypeKind::Params(fields) => TypeKind::Params(fields.iter().map(|f| remap_field(f, class)).collect()),
    }
}

fn remap_op(op: &mut Operation, remap: &impl Fn(&Ty) -> Ty) {
    for p in &mut op.params {
        p.field.ty = remap(&p.field.ty);
    }
    if let Some((id, params)) = &mut op.optional {
        if let Ty::Named(new) = remap(&Ty::Named(*id)) {
            *id = new;
        }
        for p in params {
            p.field.ty = remap(&p.field.ty);
        }
    }
    if let Some((ty, _)) = &mut op.body {
        *ty = remap(ty);
    }
    op.response = remap(&op.response);
    op.error.ty = remap(&op.error.ty);
}

/// Boxes the by-value references that close a cycle (Tarjan's strongly connected components).
fn box_recursion(types: &mut [TypeDef]) {
    let n = types.len();
    let by_value: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Ty::Named(id) => Some(id.0),
                    _ => None,
                })
                .collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| v.ty.0).collect(),
            TypeKind::Untagged(vs) => vs
                .iter()
                .filter_map(|v| match &v.ty {
                    Ty::Named(id) => Some(id.0),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let comp = tarjan(&by_value);
    let mut size = vec![0usize; n];
    for c in &comp {
        size[*c] += 1;
    }
    for i in 0..n {
        let cyclic = |j: usize| comp[j] == comp[i] && (size[comp[i]] > 1 || by_value[i].contains(&i));
        match &mut types[i].kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.boxed = matches!(&f.ty, Ty::Named(id) if cyclic(id.0));
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.boxed = cyclic(v.ty.0);
                }
            }
            TypeKind::Untagged(vs) => {
                for v in vs {
                    v.boxed = matches!(&v.ty, Ty::Named(id) if cyclic(id.0));
                }
            }
            _ => {}
        }
    }
}

fn tarjan(graph: &[Vec<usize>]) -> Vec<usize> {
    struct State<'g> {
        graph: &'g [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        comp: Vec<usize>,
        comps: usize,
    }
    let n = graph.len();
    let mut st = State {
        graph,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        comp: vec![0; n],
        comps: 0,
    };
    // Iterative DFS to survive deep graphs.
    for root in 0..n {
        if st.index[root].is_some() {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && st.index[v].is_none() {
                st.index[v] = Some(st.next);
                st.low[v] = st.next;
                st.next += 1;
                st.stack.push(v);
                st.on_stack[v] = true;
            }
            if *child < st.graph[v].len() {
                let w = st.graph[v][*child];
                *child += 1;
                match st.index[w] {
                    None => work.push((w, 0)),
                    Some(wi) if st.on_stack[w] => st.low[v] = st.low[v].min(wi),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                st.low[parent] = st.low[parent].min(st.low[v]);
            }
            if Some(st.low[v]) == st.index[v] {
                while let Some(w) = st.stack.pop() {
                    st.on_stack[w] = false;
                    st.comp[w] = st.comps;
                    if w == v {
                        break;
                    }
                }
                st.comps += 1;
            }
        }
    }
    st.comp
}
