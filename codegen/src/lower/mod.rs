//! Lower: loaded documents to the IR.
//!
//! Two phases, as in typify: first every operation and every component schema is turned into
//! draft nodes (types whose references point at other nodes), then `identity` decides which
//! nodes are one Rust type, names them, breaks recursion with `Box` and gates them by feature.

mod identity;
pub(crate) mod ops;
pub mod place;
pub(crate) mod schema;

use std::collections::{BTreeMap, HashMap, HashSet};

use openapiv3::{ReferenceOr, SchemaKind, Type};

use crate::diag::Diagnostics;
use crate::ir::{Crate, ModPath, Operation, Ty, TypeId, TypeKind};
use crate::load::Document;
use crate::names;
use crate::pointer::Pointer;
use crate::vendor::Replacement;
use place::Placer;

/// A draft type: a schema that needs a Rust type of its own.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub doc: usize,
    pub pointer: Pointer,
    /// The module and name it asks for.
    pub want: (ModPath, String),
    /// Filled in once lowered; references are node ids.
    pub kind: Option<TypeKind>,
    pub doc_lines: Vec<String>,
    /// Vendor extensions of the schema, rendered.
    pub extensions: Vec<(String, String)>,
    /// Never shares its type with another node (operation parameter structs).
    pub unique: bool,
}

/// A tagged union found in a document: the discriminator and each tag's component.
#[derive(Debug, Clone)]
pub(crate) struct UnionPlan {
    /// The schema that declares the union (the `ERROR` base of a vAPI error family), if any.
    pub base: Option<String>,
    /// Where the union type goes.
    pub want: (ModPath, String),
    pub property: String,
    /// Tag and component name, in enum or mapping order.
    pub variants: Vec<(String, String)>,
}

/// A lowered operation whose types still point at nodes.
#[derive(Debug, Clone)]
pub(crate) struct OpDraft {
    pub doc: usize,
    pub pointer: Pointer,
    pub module: ModPath,
    pub namespace: String,
    pub replacement: Option<Replacement>,
    pub op: Operation,
}

/// Counts the report gives per input file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCounts {
    /// Operations in the spec.
    pub operations: usize,
    /// Functions generated for them (equal to `operations`).
    pub functions: usize,
    /// Extra `*_legacy` entry points from `x-vmw-doc-deprecated-*`.
    pub legacy_twins: usize,
    /// Component schemas in the spec.
    pub schemas: usize,
    /// Rust types this file contributes to (shared types count for every file).
    pub types: usize,
    /// `serde_json::Value` fallbacks where the spec is free-form or a schema is absent.
    pub free_form: usize,
    /// Operations whose error responses have unrelated types (error body left as JSON).
    pub untyped_errors: usize,
}

pub(crate) struct Lowerer<'a> {
    pub docs: &'a [Document],
    pub diags: &'a mut Diagnostics,
    pub placer: Placer,
    pub nodes: Vec<Node>,
    comp: HashMap<(usize, String), Option<Ty>>,
    /// Unions by document and key: the base schema's name, or `#family:...` for a vAPI error
    /// family without a base in this document.
    pub unions: HashMap<(usize, String), UnionPlan>,
    /// The node of each union, once built.
    pub union_nodes: HashMap<(usize, String), TypeId>,
    pub members: HashMap<(usize, String), String>,
    pub envelopes: HashSet<(usize, String)>,
    pub free_forms: Vec<usize>,
    pub untyped_errors: Vec<usize>,
    /// `(method, path)` of every operation of every document.
    pub routes: HashSet<(String, String)>,
}

/// Lowers the documents into one crate.
pub fn lower(docs: &[Document], diags: &mut Diagnostics) -> (Crate, Vec<FileCounts>) {
    let mut sites = ops::sites(docs);
    let mut lowerer = Lowerer {
        docs,
        diags,
        placer: Placer::default(),
        nodes: Vec::new(),
        comp: HashMap::new(),
        unions: HashMap::new(),
        union_nodes: HashMap::new(),
        members: HashMap::new(),
        envelopes: HashSet::new(),
        free_forms: vec![0; docs.len()],
        untyped_errors: vec![0; docs.len()],
        routes: sites.iter().map(|s| (s.method.to_owned(), s.full_path.clone())).collect(),
    };
    for site in &sites {
        lowerer.placer.add_module(&site.module);
    }
    for d in docs {
        for name in schema_names(d) {
            lowerer.placer.add_schema_name(name);
        }
    }
    for doc in 0..docs.len() {
        lowerer.find_unions(doc);
    }
    ops::assign_names(&mut lowerer, &mut sites);
    let mut drafts = Vec::new();
    for site in &sites {
        drafts.extend(lowerer.operation(site));
    }
    for (doc, d) in docs.iter().enumerate() {
        for name in schema_names(d) {
            let key = (doc, name.to_owned());
            if !lowerer.comp.contains_key(&key) && (lowerer.envelopes.contains(&key) || lowerer.is_envelope(doc, name))
            {
                continue;
            }
            lowerer.component_ty(doc, name);
        }
    }
    let mut counts: Vec<FileCounts> = docs
        .iter()
        .enumerate()
        .map(|(doc, d)| FileCounts {
            operations: sites.iter().filter(|s| s.doc == doc).count(),
            functions: drafts.iter().filter(|o| o.doc == doc && o.op.from_spec).count(),
            legacy_twins: drafts.iter().filter(|o| o.doc == doc && !o.op.from_spec).count(),
            schemas: schema_names(d).len(),
            types: 0,
            free_form: lowerer.free_forms[doc],
            untyped_errors: lowerer.untyped_errors[doc],
        })
        .collect();
    let krate = identity::finish(docs, lowerer.nodes, drafts, lowerer.diags, &mut counts);
    (krate, counts)
}

fn schema_names(d: &Document) -> Vec<&str> {
    let mut names: Vec<&str> =
        d.api.components.as_ref().map(|c| c.schemas.keys().map(String::as_str).collect()).unwrap_or_default();
    names.sort_unstable();
    names
}

impl Lowerer<'_> {
    /// The unrecognised vendor extensions of the object at `at`, rendered and sorted.
    pub(crate) fn extensions(&self, doc: usize, at: &Pointer) -> Vec<(String, String)> {
        self.docs[doc].vendor.extras(at).iter().map(|(k, v)| (k.clone(), crate::vendor::render(v))).collect()
    }

    /// Whether a component is a `/rest` envelope that nothing needs once unwrapped: named in the
    /// `/rest` scheme (`vcenter.VM_resp`, `vapi.std.errors.not_found_error`) and shaped
    /// `{value}` or `{type, value}`.
    fn is_envelope(&self, doc: usize, name: &str) -> bool {
        let rest_scheme = place::rest_scheme(name);
        let Some(schema) = self.resolve_item(doc, name) else { return false };
        let SchemaKind::Type(Type::Object(o)) = &schema.schema_kind else { return false };
        let mut keys: Vec<&str> = o.properties.keys().map(String::as_str).collect();
        keys.sort_unstable();
        rest_scheme
            && (keys == ["value"] && name.ends_with("_resp") || keys == ["type", "value"] && name.ends_with("_error"))
    }

    /// Finds tagged unions: schemas with a `discriminator`, and vAPI standard-error families.
    ///
    /// The 7.0.3 specs have no discriminator, yet every standard error carries `error_type`, an
    /// enum whose values name the errors (`NOT_FOUND` for `VapiStdErrorsNotFound`). The error
    /// structs of one module whose `error_type` property refers to one enum, and whose placed names
    /// fold to that enum's values, form a family: a union named like the `ERROR` value (`Error`),
    /// exactly as the 9.x specs declare it. The `ERROR` member, if the file has it, is the union's
    /// own schema; files with only some members still get the union, and identity merges the
    /// unions of all files into one type.
    fn find_unions(&mut self, doc: usize) {
        let docs = self.docs;
        let d = &docs[doc];
        let Some(components) = &d.api.components else { return };
        let mut schemas: Vec<(&String, &ReferenceOr<openapiv3::Schema>)> = components.schemas.iter().collect();
        schemas.sort_by(|a, b| a.0.cmp(b.0));
        // Declared discriminators.
        for (name, schema) in &schemas {
            let ReferenceOr::Item(schema) = schema else { continue };
            let Some(disc) = &schema.schema_data.discriminator else { continue };
            let mut variants: Vec<(String, String)> = Vec::new();
            if !disc.mapping.is_empty() {
                for (tag, target) in &disc.mapping {
                    let target = target.strip_prefix("#/components/schemas/").unwrap_or(target);
                    variants.push((tag.clone(), target.to_owned()));
                }
            } else {
                let parts = match &schema.schema_kind {
                    SchemaKind::OneOf { one_of } => one_of.as_slice(),
                    SchemaKind::AnyOf { any_of } => any_of.as_slice(),
                    _ => &[],
                };
                for part in parts {
                    if let ReferenceOr::Reference { reference } = part {
                        if let Some(target) = reference.strip_prefix("#/components/schemas/") {
                            variants.push((target.to_owned(), target.to_owned()));
                        }
                    }
                }
                // Subtypes that include this schema with `allOf`.
                for (other, s) in &schemas {
                    let ReferenceOr::Item(s) = s else { continue };
                    if let SchemaKind::AllOf { all_of } = &s.schema_kind {
                        let includes = all_of.iter().any(|p| matches!(p, ReferenceOr::Reference { reference } if reference.strip_prefix("#/components/schemas/") == Some(name.as_str())));
                        if includes {
                            variants.push(((*other).clone(), (*other).clone()));
                        }
                    }
                }
            }
            if variants.is_empty() {
                continue;
            }
            for (_, target) in &variants {
                if target != *name {
                    self.members.insert((doc, target.clone()), disc.property_name.clone());
                }
            }
            let want = self.placer.place(name);
            self.unions.insert(
                (doc, (*name).clone()),
                UnionPlan { base: Some((*name).clone()), want, property: disc.property_name.clone(), variants },
            );
        }
        // vAPI standard-error families: members are the objects whose `error_type` refers to a
        // string enum and whose folded names are one common prefix plus a folded enum value
        // (`vapistderrors` + `notfound`); the prefix most members share wins.
        let mut by_enum: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, schema) in &schemas {
            let ReferenceOr::Item(schema) = schema else { continue };
            let SchemaKind::Type(Type::Object(o)) = &schema.schema_kind else { continue };
            let Some(enum_name) = o.properties.get("error_type").and_then(referenced_component) else { continue };
            if string_enum(d, enum_name).is_some() {
                by_enum.entry(enum_name.to_owned()).or_default().push((*name).clone());
            }
        }
        let mut families: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
        for (enum_name, members) in by_enum {
            let values = string_enum(d, &enum_name).unwrap_or_default();
            let folded: Vec<(String, String)> = values.iter().map(|v| (names::fold(v), v.clone())).collect();
            let mut prefixes: BTreeMap<String, usize> = BTreeMap::new();
            for member in &members {
                let f = names::fold(member);
                for (fv, _) in &folded {
                    if let Some(prefix) = f.strip_suffix(fv.as_str()) {
                        *prefixes.entry(prefix.to_owned()).or_default() += 1;
                    }
                }
            }
            let mut ranked: Vec<(String, usize)> = prefixes.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
            for member in &members {
                let f = names::fold(member);
                let hit = ranked.iter().find_map(|(prefix, _)| {
                    let rest = f.strip_prefix(prefix.as_str())?;
                    folded.iter().find(|(fv, _)| fv == rest).map(|(_, tag)| (prefix.clone(), tag.clone()))
                });
                if let Some((prefix, tag)) = hit {
                    families.entry((enum_name.clone(), prefix)).or_default().push((tag, member.clone()));
                }
            }
        }
        for ((enum_name, prefix), mut members) in families {
            let base = members.iter().find(|(tag, _)| tag == "ERROR").map(|(_, b)| b.clone());
            if base.as_ref().is_some_and(|b| self.unions.contains_key(&(doc, b.clone()))) {
                continue;
            }
            let order = string_enum(d, &enum_name).unwrap_or_default();
            members.sort_by_key(|(tag, _)| order.iter().position(|v| v == tag));
            for (_, member) in &members {
                if Some(member) != base.as_ref() {
                    self.members.insert((doc, member.clone()), "error_type".to_owned());
                }
            }
            let module = self.placer.place(base.as_deref().unwrap_or(&members[0].1)).0;
            let key = base.clone().unwrap_or_else(|| format!("#family:{enum_name}:{prefix}"));
            let want = (module, names::camel("ERROR"));
            self.unions
                .insert((doc, key), UnionPlan { base, want, property: "error_type".to_owned(), variants: members });
        }
    }
}

/// The component a property refers to: `$ref` itself, or the `allOf: [$ref]` wrapper that
/// carries a description beside it.
fn referenced_component(property: &ReferenceOr<Box<openapiv3::Schema>>) -> Option<&str> {
    let reference = match property {
        ReferenceOr::Reference { reference } => reference,
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => reference,
                _ => return None,
            },
            _ => return None,
        },
    };
    reference.strip_prefix("#/components/schemas/")
}

/// The values of a component that is a string enum.
fn string_enum(d: &Document, name: &str) -> Option<Vec<String>> {
    let schema = d.api.components.as_ref()?.schemas.get(name)?;
    match schema {
        ReferenceOr::Item(openapiv3::Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. })
            if !s.enumeration.is_empty() =>
        {
            Some(s.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}
