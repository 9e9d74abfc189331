//! Type identity and names: which draft nodes are one Rust type, and what each type is called.
//!
//! **Identity.** Two nodes are one Rust type when they ask for the same module and name and have
//! the same shape, where shape compares everything but docs and compares references by the
//! identity of their targets (partition refinement to a fixed point, as in DFA minimisation). So
//! `vapi.std.errors.not_found` and `VapiStdErrorsNotFound`, or the copies of a type in several
//! files, share one type when, and only when, they are structurally identical. Unions that ask
//! for one name and discriminator are one type when their tags agree on payload types; a
//! variant that only stands in for an absent member (the base error's fields) agrees with any.
//!
//! **Names.** When different types ask for one name, the one used by a current (non-deprecated)
//! operation, then the one first in file and pointer order, keeps it; a type only deprecated
//! operations use, or one named in the `/rest` scheme, gets `Legacy`, anything else `2`, `3`, ...
//! The choice depends only on the input, so it is stable across runs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::graph::{kind_refs, op_refs, reach};
use super::{Node, OpDraft};
use crate::diag::{Diagnostics, Kind};
use crate::ir::{Field, ModPath, Operation, Struct, Ty, TypeDef, TypeId, TypeKind};
use crate::load::Document;
use crate::names;
use crate::pointer::Pointer;

/// The outcome: the types, the class of every node, and the namespaces that use each type.
pub(crate) struct Resolved {
    pub types: Vec<TypeDef>,
    pub class: Vec<usize>,
    pub used_by: Vec<BTreeSet<String>>,
}

/// What the operations make of each node.
struct Usage {
    /// Reached only from deprecated operations.
    deprecated_only: Vec<bool>,
    /// The namespaces whose operations reach it.
    used_by: Vec<BTreeSet<String>>,
}

/// What identity needs of an operation: the types it refers to, whether it is deprecated, and
/// its namespace (taken before the drafts move on, so that the `/rest` pairing can change them
/// meanwhile).
pub(crate) struct Root {
    refs: Vec<TypeId>,
    deprecated: bool,
    namespace: String,
}

/// The roots of every draft operation.
pub(crate) fn roots(drafts: &[OpDraft]) -> Vec<Root> {
    drafts
        .iter()
        .map(|d| Root {
            refs: op_refs(&d.op),
            deprecated: d.op.deprecated.is_some() || d.deprecated_by_spec,
            namespace: d.namespace.clone(),
        })
        .collect()
}

pub(crate) fn resolve(docs: &[Document], nodes: &[Node], roots: &[Root], diags: &mut Diagnostics) -> Resolved {
    let empty = TypeKind::Struct(Struct { fields: Vec::new(), additional: None, tag: None });
    let kinds: Vec<&TypeKind> = nodes.iter().map(|n| n.kind.as_ref().unwrap_or(&empty)).collect();
    let refs: Vec<Vec<TypeId>> = kinds.iter().map(|k| kind_refs(k)).collect();
    let usage = usage(&refs, roots);
    let class = classes(nodes, &kinds, &refs);
    let class_count = class.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); class_count];
    for (i, c) in class.iter().enumerate() {
        members[*c].push(i);
    }
    for m in &mut members {
        m.sort_by(|&a, &b| {
            (usage.deprecated_only[a], nodes[a].file, &nodes[a].pointer).cmp(&(
                usage.deprecated_only[b],
                nodes[b].file,
                &nodes[b].pointer,
            ))
        });
    }
    let candidates: Vec<Candidate> = members
        .iter()
        .map(|m| {
            let rep = &nodes[m[0]];
            Candidate {
                want: rep.want.clone(),
                deprecated: m.iter().all(|&i| usage.deprecated_only[i]),
                rest: rep.rest_scheme || rest_scheme_pointer(&rep.pointer),
                order: (rep.file.0, rep.pointer.clone()),
            }
        })
        .collect();
    let (final_names, collisions) = choose_names(&candidates);
    for (c, kept, chosen) in collisions {
        let (node, kept) = (&nodes[members[c][0]], &nodes[members[kept][0]]);
        let (module, name) = (node.want.0.join("::"), &node.want.1);
        let message = format!(
            "`{module}::{name}` is already {}{} with a different shape; this one is `{chosen}`",
            docs[kept.file.0].label, kept.pointer
        );
        diags.warn(&docs[node.file.0].label, &node.pointer, Kind::NameCollision, message);
    }
    let types = (0..class_count).map(|c| type_def(docs, nodes, &kinds, &members[c], &class, &final_names[c])).collect();
    let used_by = members.iter().map(|m| m.iter().flat_map(|&i| usage.used_by[i].iter().cloned()).collect()).collect();
    Resolved { types, class, used_by }
}

fn usage(refs: &[Vec<TypeId>], ops: &[Root]) -> Usage {
    let roots = |keep: &dyn Fn(&Root) -> bool| -> Vec<TypeId> {
        ops.iter().filter(|r| keep(r)).flat_map(|r| r.refs.iter().copied()).collect()
    };
    let current = reach(refs, roots(&|r| !r.deprecated));
    let deprecated = reach(refs, roots(&|r| r.deprecated));
    let mut used_by: Vec<BTreeSet<String>> = vec![BTreeSet::new(); refs.len()];
    let namespaces: BTreeSet<&String> = ops.iter().map(|r| &r.namespace).collect();
    for ns in namespaces {
        for (i, seen) in reach(refs, roots(&|r| &r.namespace == ns)).into_iter().enumerate() {
            if seen {
                used_by[i].insert(ns.clone());
            }
        }
    }
    let deprecated_only = (0..refs.len()).map(|i| deprecated[i] && !current[i]).collect();
    Usage { deprecated_only, used_by }
}

/// Whether a node sits in a component named in the `/rest` scheme of the 7.0 specs.
fn rest_scheme_pointer(pointer: &Pointer) -> bool {
    let tokens: Vec<String> = pointer.tokens().take(3).collect();
    match tokens.as_slice() {
        [components, schemas, name] if components == "components" && schemas == "schemas" => {
            super::place::rest_scheme(name)
        }
        _ => false,
    }
}

/// The class of every node: refinement, with unions clustered by name, discriminator and
/// agreeing tags, until the clusters hold.
fn classes(nodes: &[Node], kinds: &[&TypeKind], refs: &[Vec<TypeId>]) -> Vec<usize> {
    let keys: Vec<String> = nodes
        .iter()
        .zip(kinds)
        .map(|(n, kind)| {
            let shape = match kind {
                TypeKind::Union(u) => format!("union[{}]", u.property),
                other => shape(other),
            };
            format!("{}\u{0}{}\u{0}{shape}", n.want.0.join("::"), n.want.1)
        })
        .collect();
    let unique: Vec<bool> = nodes.iter().map(|n| n.unique).collect();
    let is_union: Vec<bool> = kinds.iter().map(|k| matches!(k, TypeKind::Union(_))).collect();
    let mut cluster: Vec<usize> = vec![0; nodes.len()];
    let mut class = refine(&keys, &unique, refs, &is_union, &cluster);
    for _ in 0..8 {
        if !cluster_unions(nodes, kinds, &class, &mut cluster) {
            break;
        }
        class = refine(&keys, &unique, refs, &is_union, &cluster);
    }
    class
}

/// Partition refinement to a fixed point: nodes start in classes of equal key (module, name and
/// shape; unions: module, name, discriminator and `cluster`), and split while their references
/// lead to different classes. Unions do not split by their variants. A `unique` node is a class
/// of its own.
pub(crate) fn refine(
    keys: &[String],
    unique: &[bool],
    refs: &[Vec<TypeId>],
    is_union: &[bool],
    cluster: &[usize],
) -> Vec<usize> {
    let mut start: BTreeMap<(bool, usize, &str, usize), usize> = BTreeMap::new();
    let mut class: Vec<usize> = (0..keys.len())
        .map(|i| {
            let key = (unique[i], if unique[i] { i } else { 0 }, keys[i].as_str(), cluster[i]);
            let next = start.len();
            *start.entry(key).or_insert(next)
        })
        .collect();
    loop {
        let mut split: BTreeMap<(usize, Vec<usize>), usize> = BTreeMap::new();
        let next: Vec<usize> = (0..keys.len())
            .map(|i| {
                let signature = if is_union[i] { Vec::new() } else { refs[i].iter().map(|r| class[r.0]).collect() };
                let n = split.len();
                *split.entry((class[i], signature)).or_insert(n)
            })
            .collect();
        let before = class.iter().collect::<BTreeSet<_>>().len();
        let after = split.len();
        class = next;
        if after == before {
            return class;
        }
    }
}

/// Puts the unions of one module, name and discriminator in clusters whose tags agree on their
/// payload's class (in `/api`-scheme, file and pointer order); true when a cluster changed.
fn cluster_unions(nodes: &[Node], kinds: &[&TypeKind], class: &[usize], cluster: &mut [usize]) -> bool {
    let mut groups: BTreeMap<(&ModPath, &str, &str), Vec<usize>> = BTreeMap::new();
    for (i, kind) in kinds.iter().enumerate() {
        if let TypeKind::Union(u) = kind {
            groups.entry((&nodes[i].want.0, nodes[i].want.1.as_str(), u.property.as_str())).or_default().push(i);
        }
    }
    let mut changed = false;
    for (_, mut group) in groups {
        group.sort_by(|&a, &b| {
            let key = |n: &Node| (n.rest_scheme || rest_scheme_pointer(&n.pointer), n.file, n.pointer.clone());
            key(&nodes[a]).cmp(&key(&nodes[b]))
        });
        let mut clusters: Vec<BTreeMap<&str, usize>> = Vec::new();
        for m in group {
            let TypeKind::Union(u) = &kinds[m] else { continue };
            let tags: Vec<(&str, usize)> =
                u.variants.iter().filter(|v| !v.fallback).map(|v| (v.tag.as_str(), class[v.ty.0])).collect();
            let fits = |c: &BTreeMap<&str, usize>| tags.iter().all(|(t, k)| c.get(t).is_none_or(|have| have == k));
            let index = clusters.iter().position(fits).unwrap_or_else(|| {
                clusters.push(BTreeMap::new());
                clusters.len() - 1
            });
            clusters[index].extend(tags.iter().copied());
            if cluster[m] != index {
                cluster[m] = index;
                changed = true;
            }
        }
    }
    changed
}

/// A type that wants a name.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub want: (ModPath, String),
    /// Only deprecated operations use it.
    pub deprecated: bool,
    /// Named in the `/rest` scheme.
    pub rest: bool,
    /// File and pointer, for a stable order.
    pub order: (usize, Pointer),
}

/// The final name of every candidate, and the collisions: `(candidate, the one that kept the
/// name, the name chosen instead)`.
pub(crate) fn choose_names(candidates: &[Candidate]) -> (Vec<String>, Vec<(usize, usize, String)>) {
    let mut wants: BTreeMap<&(ModPath, String), Vec<usize>> = BTreeMap::new();
    for (c, candidate) in candidates.iter().enumerate() {
        wants.entry(&candidate.want).or_default().push(c);
    }
    let mut taken: BTreeMap<&ModPath, BTreeSet<String>> = BTreeMap::new();
    for (module, name) in wants.keys() {
        taken.entry(module).or_default().insert(name.clone());
    }
    let mut names_out = vec![String::new(); candidates.len()];
    let mut collisions = Vec::new();
    for ((module, name), mut group) in wants {
        group.sort_by(|&a, &b| {
            let key = |c: &Candidate| (c.deprecated || c.rest, c.order.clone());
            key(&candidates[a]).cmp(&key(&candidates[b]))
        });
        let first = group[0];
        names_out[first] = name.clone();
        for &c in &group[1..] {
            let in_module = taken.entry(module).or_default();
            let legacy = names::legacy_type(name);
            let wants_legacy = candidates[c].deprecated || (candidates[c].rest && !candidates[first].rest);
            let chosen = if wants_legacy && !in_module.contains(&legacy) {
                legacy
            } else {
                names::disambiguate(name, |n| in_module.contains(n))
            };
            in_module.insert(chosen.clone());
            collisions.push((c, first, chosen.clone()));
            names_out[c] = chosen;
        }
    }
    (names_out, collisions)
}

/// The type of one class, from its first member; a union gathers the tags of all members.
fn type_def(
    docs: &[Document],
    nodes: &[Node],
    kinds: &[&TypeKind],
    members: &[usize],
    class: &[usize],
    name: &str,
) -> TypeDef {
    let node = &nodes[members[0]];
    let mut origins: Vec<String> =
        members.iter().map(|&i| format!("{}{}", docs[nodes[i].file.0].label, nodes[i].pointer)).collect();
    origins.sort();
    origins.dedup();
    let mut kind = remapped_kind(kinds[members[0]], class);
    if let TypeKind::Union(u) = &mut kind {
        for &other in &members[1..] {
            let TypeKind::Union(more) = kinds[other] else { continue };
            for v in &more.variants {
                let ty = crate::ir::TypeId(class[v.ty.0]);
                match u.variants.iter_mut().find(|have| have.tag == v.tag) {
                    Some(have) if have.fallback && !v.fallback => {
                        have.ty = ty;
                        have.fallback = false;
                    }
                    Some(_) => {}
                    None => {
                        let mut v = v.clone();
                        v.ty = ty;
                        v.ident =
                            names::disambiguate(&v.ident, |n| u.variants.iter().any(|h| h.ident == n) || n == u.other);
                        u.variants.push(v);
                    }
                }
            }
        }
    }
    TypeDef {
        module: node.want.0.clone(),
        name: name.to_owned(),
        doc: node.doc_lines.clone(),
        kind,
        gate: Default::default(),
        origins,
        extensions: node.extensions.clone(),
        directions: Default::default(),
    }
}

/// Everything about a kind but its docs, with references written as `#`.
fn shape(kind: &TypeKind) -> String {
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
                let _ = write!(s, "..{}", ty_shape(&a.ty));
            }
            if let Some((property, tag)) = &st.tag {
                let _ = write!(s, "@{property}={tag}");
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

fn remap_ty(ty: &mut Ty, class: &[usize]) {
    match ty {
        Ty::Named(id) => *id = TypeId(class[id.0]),
        Ty::Vec(inner) | Ty::Map(inner) => remap_ty(inner, class),
        _ => {}
    }
}

/// `kind` with its types pointed at their classes.
fn remapped_kind(kind: &TypeKind, class: &[usize]) -> TypeKind {
    let mut kind = kind.clone();
    remap_kind(&mut kind, class);
    kind
}

/// Points the types `kind` refers to at their classes.
pub(crate) fn remap_kind(kind: &mut TypeKind, class: &[usize]) {
    match kind {
        TypeKind::Struct(s) => {
            for f in &mut s.fields {
                remap_ty(&mut f.ty, class);
            }
            if let Some(a) = &mut s.additional {
                remap_ty(&mut a.ty, class);
            }
        }
        TypeKind::Enum(_) => {}
        TypeKind::Union(u) => {
            for v in &mut u.variants {
                v.ty = TypeId(class[v.ty.0]);
            }
        }
        TypeKind::Untagged(vs) => {
            for v in vs {
                remap_ty(&mut v.ty, class);
            }
        }
        TypeKind::Params(fields) => {
            for f in fields {
                remap_ty(&mut f.ty, class);
            }
        }
    }
}

/// Points an operation's types at their classes.
pub(crate) fn remap_op(op: &mut Operation, class: &[usize]) {
    for p in &mut op.params {
        remap_ty(&mut p.field.ty, class);
    }
    if let Some(optional) = &mut op.optional {
        optional.ty = TypeId(class[optional.ty.0]);
        for p in &mut optional.params {
            remap_ty(&mut p.field.ty, class);
        }
    }
    if let Some(body) = &mut op.body {
        remap_ty(&mut body.ty, class);
    }
    remap_ty(&mut op.response, class);
    if let Some(task) = &mut op.task {
        remap_ty(task, class);
    }
    remap_ty(&mut op.error.ty, class);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn refinement_splits_equal_shapes_whose_references_differ() {
        // 0 and 1 look alike but point at 2 and 3, which differ; 4 and 5 are alike all the way.
        let keys = keys(&["a", "a", "leaf-x", "leaf-y", "b", "b"]);
        let refs = vec![vec![TypeId(2)], vec![TypeId(3)], vec![], vec![], vec![TypeId(2)], vec![TypeId(2)]];
        let class = refine(&keys, &[false; 6], &refs, &[false; 6], &[0; 6]);
        assert_ne!(class[0], class[1]);
        assert_eq!(class[4], class[5]);
        assert_ne!(class[2], class[3]);
    }

    #[test]
    fn refinement_keeps_unique_nodes_apart_and_unions_whole() {
        let keys = keys(&["p", "p", "u", "u", "x", "y"]);
        let refs = vec![vec![], vec![], vec![TypeId(4)], vec![TypeId(5)], vec![], vec![]];
        let class = refine(
            &keys,
            &[true, true, false, false, false, false],
            &refs,
            &[false, false, true, true, false, false],
            &[0; 6],
        );
        assert_ne!(class[0], class[1], "unique nodes never share");
        assert_eq!(class[2], class[3], "unions do not split by their variants");
        let clustered =
            refine(&keys, &[false; 6], &refs, &[false, false, true, true, false, false], &[0, 0, 0, 1, 0, 0]);
        assert_ne!(clustered[2], clustered[3], "but by their cluster");
    }

    #[test]
    fn a_recursive_type_is_one_class() {
        // Two copies of `Node { next: Node }` from two files are one type.
        let keys = keys(&["node", "node"]);
        let refs = vec![vec![TypeId(0)], vec![TypeId(1)]];
        let class = refine(&keys, &[false; 2], &refs, &[false; 2], &[0; 2]);
        assert_eq!(class[0], class[1]);
    }

    fn candidate(module: &str, name: &str, deprecated: bool, rest: bool, file: usize) -> Candidate {
        Candidate {
            want: (vec![module.to_owned()], name.to_owned()),
            deprecated,
            rest,
            order: (file, Pointer::root().push(name)),
        }
    }

    #[test]
    fn names_prefer_current_api_types_then_file_order() {
        let candidates = [
            candidate("vm", "Info", true, true, 0),
            candidate("vm", "Info", false, false, 1),
            candidate("vm", "Info", false, false, 2),
            candidate("vm", "Spec", false, false, 0),
        ];
        let (names, collisions) = choose_names(&candidates);
        assert_eq!(names, ["InfoLegacy", "Info", "Info2", "Spec"]);
        assert_eq!(collisions, [(2, 1, "Info2".to_owned()), (0, 1, "InfoLegacy".to_owned())]);
    }

    #[test]
    fn a_rest_scheme_type_alone_keeps_the_plain_name() {
        let (names, collisions) = choose_names(&[candidate("errors", "Error", false, true, 0)]);
        assert_eq!(names, ["Error"]);
        assert!(collisions.is_empty());
    }

    #[test]
    fn legacy_falls_back_to_a_number_when_taken() {
        let candidates = [
            candidate("vm", "Info", false, false, 0),
            candidate("vm", "InfoLegacy", false, false, 0),
            candidate("vm", "Info", true, false, 1),
        ];
        let (names, _) = choose_names(&candidates);
        assert_eq!(names, ["Info", "InfoLegacy", "Info2"]);
    }
}
