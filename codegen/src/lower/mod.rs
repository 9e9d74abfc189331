//! Lower: loaded documents to the IR.
//!
//! Two phases, as in typify. First every operation and every component schema becomes draft
//! nodes (types whose references point at other nodes) and draft operations. Then the rooms of
//! the second phase each do one job: [`identity`] decides which nodes are one Rust type and names
//! them, [`recursion`] boxes cycles, [`gates`] decides feature gates, [`ops::replacement`] writes
//! the deprecation notes, and [`modules`] builds the module tree.

mod directions;
mod gates;
mod graph;
mod identity;
mod modules;
pub(crate) mod ops;
pub(crate) mod place;
mod recursion;
pub(crate) mod schema;
mod unions;
mod vapi;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{SchemaKind, Type};

use crate::diag::{Diagnostics, Kind};
use crate::ir::{Crate, FileId, ModPath, Operation, Source, Surface, Ty, TypeId, TypeKind};
use crate::load::Document;
use crate::pointer::Pointer;
use crate::report::FileCounts;
use crate::vendor::Replacement;
use place::Placer;

/// A draft type: a schema that needs a Rust type of its own.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub file: FileId,
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
    /// Named in the `/rest` scheme of the 7.0 specs (`vapi.std.errors.not_found`), which yields a
    /// colliding name to the `/api` scheme.
    pub rest_scheme: bool,
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
    /// The union's members are named in the `/rest` scheme.
    pub rest_scheme: bool,
    /// A union of the vAPI standard errors: every standard tag gets a variant.
    pub standard: bool,
}

/// A lowered operation whose types still point at nodes.
#[derive(Debug, Clone)]
pub(crate) struct OpDraft {
    pub file: FileId,
    pub pointer: Pointer,
    pub module: ModPath,
    pub namespace: String,
    pub replacement: Option<Replacement>,
    /// The spec deprecates it (`deprecated: true` or `x-vmw-deprecated`); its note is written
    /// once every operation is named.
    pub deprecated_by_spec: bool,
    /// The Rust path of the operation that replaces it, once resolved.
    pub replaced_by: Option<String>,
    pub op: Operation,
}

/// The state of the first phase.
pub(crate) struct Lowerer<'a> {
    pub docs: &'a [Document],
    pub diags: &'a mut Diagnostics,
    pub placer: &'a Placer,
    pub nodes: Vec<Node>,
    /// The type of each component, once lowered (`None` while it is being lowered).
    comp: BTreeMap<(FileId, String), Option<Ty>>,
    /// Unions by file and key: the base schema's name, or `#family:...` for a vAPI error family
    /// without a base in this document.
    pub unions: BTreeMap<(FileId, String), UnionPlan>,
    /// The node of each union, once built.
    pub union_nodes: BTreeMap<(FileId, String), TypeId>,
    /// Union members and the discriminator property their union carries for them.
    pub members: BTreeMap<(FileId, String), String>,
    pub envelopes: BTreeSet<(FileId, String)>,
    pub free_forms: Vec<usize>,
    pub untyped_errors: Vec<usize>,
    /// `(method, path)` of every operation of every document.
    pub routes: &'a Routes,
}

/// `(method, path)` of every operation of every document.
pub(crate) type Routes = BTreeSet<(crate::ir::HttpMethod, String)>;

impl<'a> Lowerer<'a> {
    fn new(docs: &'a [Document], diags: &'a mut Diagnostics, placer: &'a Placer, routes: &'a Routes) -> Self {
        Lowerer {
            docs,
            diags,
            placer,
            nodes: Vec::new(),
            comp: BTreeMap::new(),
            unions: BTreeMap::new(),
            union_nodes: BTreeMap::new(),
            members: BTreeMap::new(),
            envelopes: BTreeSet::new(),
            free_forms: vec![0; docs.len()],
            untyped_errors: vec![0; docs.len()],
            routes,
        }
    }

    /// The loaded document of a file.
    pub(crate) fn doc(&self, file: FileId) -> &'a Document {
        &self.docs[file.0]
    }

    /// A file's label, for diagnostics.
    pub(crate) fn label(&self, file: FileId) -> &'a str {
        &self.docs[file.0].label
    }

    /// Records a warning about `file` at `at`.
    pub(crate) fn warn(&mut self, file: FileId, at: &Pointer, kind: Kind, message: impl Into<String>) {
        let label = self.label(file);
        self.diags.warn(label, at, kind, message);
    }

    /// The unrecognised vendor extensions of the object at `at`, rendered and sorted.
    pub(crate) fn extensions(&self, file: FileId, at: &Pointer) -> Vec<(String, String)> {
        self.doc(file).vendor.extras(at).iter().map(|(k, v)| (k.clone(), crate::vendor::render(v))).collect()
    }

    /// Lowers every component schema of `file` that no operation reached, except `/rest`
    /// envelopes.
    fn lower_components(&mut self, file: FileId) {
        for name in schema_names(self.doc(file)) {
            let key = (file, name.to_owned());
            if !self.comp.contains_key(&key) && (self.envelopes.contains(&key) || self.is_envelope(file, name)) {
                continue;
            }
            self.component_ty(file, name);
        }
    }

    /// Whether a component is a `/rest` envelope that nothing needs once unwrapped: named in the
    /// `/rest` scheme (`vcenter.VM_resp`, `vapi.std.errors.not_found_error`) and shaped
    /// `{value}` or `{type, value}`.
    fn is_envelope(&self, file: FileId, name: &str) -> bool {
        let Some(schema) = self.resolve_item(file, name) else { return false };
        let SchemaKind::Type(Type::Object(o)) = &schema.schema_kind else { return false };
        let mut keys: Vec<&str> = o.properties.keys().map(String::as_str).collect();
        keys.sort_unstable();
        place::rest_scheme(name)
            && (keys == ["value"] && name.ends_with("_resp") || keys == ["type", "value"] && name.ends_with("_error"))
    }
}

/// Every file, in input order.
pub(crate) fn file_ids(docs: &[Document]) -> impl Iterator<Item = FileId> + use<> {
    (0..docs.len()).map(FileId)
}

/// Lowers the documents into one crate.
pub fn lower(docs: &[Document], diags: &mut Diagnostics) -> (Crate, Vec<FileCounts>) {
    let mut sites = ops::sites(docs);
    let mut placer = Placer::default();
    place::learn(&mut placer, docs, &sites);
    let routes: Routes = sites.iter().map(|s| (s.method, s.full_path.clone())).collect();
    let mut lowerer = Lowerer::new(docs, diags, &placer, &routes);
    ops::assign_names(&mut lowerer, &mut sites);
    let mut drafts = first_phase(&mut lowerer, &sites);
    ops::tasks::link(&mut drafts);
    let mut counts = file_counts(&lowerer, &sites, &drafts);
    let Lowerer { nodes, diags, .. } = lowerer;
    // Identity reads the operations' types, which the `/rest` pairing leaves as they are: the two
    // run side by side.
    let roots = identity::roots(&drafts);
    let ((resolved, identity_diags), links) = crate::parallel::join(
        || {
            let mut identity_diags = Diagnostics::default();
            (identity::resolve(docs, &nodes, &roots, &mut identity_diags), identity_diags)
        },
        || ops::pairing::pair(docs, &nodes, diags, &mut drafts),
    );
    diags.append(identity_diags);
    for (from, outcome) in links {
        let c = &mut counts[drafts[from].file.0];
        c.links += 1;
        match outcome {
            ops::pairing::Outcome::Identical => c.links_identical += 1,
            ops::pairing::Outcome::Translated => c.links_translated += 1,
            ops::pairing::Outcome::Unbridged(why) => *c.links_unbridged.entry(why.to_owned()).or_default() += 1,
        }
    }
    let has_api_surface = drafts.iter().any(|d| d.op.surface == Surface::Api);
    for draft in &mut drafts {
        identity::remap_op(&mut draft.op, &resolved.class);
    }
    let mut types = resolved.types;
    recursion::box_cycles(&mut types);
    let namespaces: BTreeSet<String> = drafts.iter().map(|d| d.namespace.clone()).collect();
    gates::assign(&mut types, &resolved.used_by, &namespaces);
    directions::assign(&mut types, drafts.iter().map(|d| &d.op));
    ops::replacement::note(docs, &mut drafts, diags);
    ops::docs::finish(&mut drafts);
    let (modules, features) = modules::build(&types, drafts);
    for (file, d) in docs.iter().enumerate() {
        counts[file].types =
            types.iter().filter(|t| t.origins.iter().any(|o| o.split('#').next() == Some(d.label.as_str()))).count();
    }
    let sources = docs.iter().map(source).collect();
    (Crate { sources, types, modules, features, has_api_surface }, counts)
}

/// What the first phase gives for one file.
struct FilePart {
    nodes: Vec<Node>,
    /// How many of `nodes` the operations made (the rest are components no operation reached).
    from_operations: usize,
    drafts: Vec<OpDraft>,
    free_forms: usize,
    untyped_errors: usize,
    diags: Diagnostics,
}

/// The first phase, each file on its own (in parallel: files share no nodes), then merged into
/// `lowerer`: the nodes the operations of every file made, in file order, then the components no
/// operation reached, as one pass over the files in order would number them.
fn first_phase(lowerer: &mut Lowerer, sites: &[ops::OpSite]) -> Vec<OpDraft> {
    let (docs, placer, routes) = (lowerer.docs, lowerer.placer, lowerer.routes);
    let files: Vec<FileId> = file_ids(docs).collect();
    let weight = |file: &FileId| sites.iter().filter(|s| s.file == *file).count() + schema_names(&docs[file.0]).len();
    let parts = crate::parallel::map_heaviest_first(&files, weight, |&file| {
        let mut diags = Diagnostics::default();
        let mut part = Lowerer::new(docs, &mut diags, placer, routes);
        unions::find(&mut part, file);
        let mut drafts = Vec::new();
        for site in sites.iter().filter(|s| s.file == file) {
            drafts.extend(part.operation(site));
        }
        let from_operations = part.nodes.len();
        part.lower_components(file);
        let (free_forms, untyped_errors) = (part.free_forms[file.0], part.untyped_errors[file.0]);
        FilePart { nodes: part.nodes, from_operations, drafts, free_forms, untyped_errors, diags }
    });
    let mut first = 0;
    let mut later = parts.iter().map(|p| p.from_operations).sum::<usize>();
    let mut numbered: Vec<(Vec<usize>, FilePart)> = Vec::with_capacity(parts.len());
    for part in parts {
        let id: Vec<usize> = (0..part.nodes.len())
            .map(
                |local| if local < part.from_operations { first + local } else { later + local - part.from_operations },
            )
            .collect();
        first += part.from_operations;
        later += part.nodes.len() - part.from_operations;
        numbered.push((id, part));
    }
    let mut nodes: Vec<Option<Node>> = (0..later).map(|_| None).collect();
    let mut drafts = Vec::new();
    for (file, (id, part)) in numbered.into_iter().enumerate() {
        for (local, mut node) in part.nodes.into_iter().enumerate() {
            if let Some(kind) = &mut node.kind {
                identity::remap_kind(kind, &id);
            }
            nodes[id[local]] = Some(node);
        }
        for mut draft in part.drafts {
            identity::remap_op(&mut draft.op, &id);
            drafts.push(draft);
        }
        lowerer.free_forms[file] += part.free_forms;
        lowerer.untyped_errors[file] += part.untyped_errors;
        lowerer.diags.append(part.diags);
    }
    lowerer.nodes =
        nodes.into_iter().map(|n| n.unwrap_or_else(|| unreachable!("every node is numbered once"))).collect();
    drafts
}

fn file_counts(lowerer: &Lowerer, sites: &[ops::OpSite], drafts: &[OpDraft]) -> Vec<FileCounts> {
    file_ids(lowerer.docs)
        .map(|file| FileCounts {
            operations: sites.iter().filter(|s| s.file == file).count(),
            functions: drafts.iter().filter(|o| o.file == file && o.op.is_from_spec()).count(),
            legacy_twins: drafts.iter().filter(|o| o.file == file && !o.op.is_from_spec()).count(),
            schemas: schema_names(lowerer.doc(file)).len(),
            types: 0,
            free_form: lowerer.free_forms[file.0],
            untyped_errors: lowerer.untyped_errors[file.0],
            ..FileCounts::default()
        })
        .collect()
}

fn source(d: &Document) -> Source {
    Source {
        label: d.label.clone(),
        sha256: d.sha256.clone(),
        title: d.api.info.title.clone(),
        version: d.api.info.version.clone(),
        extensions: d
            .vendor
            .extras(&Pointer::root())
            .iter()
            .map(|(k, v)| (k.clone(), crate::vendor::render(v)))
            .collect(),
    }
}

/// The component schema names of a document, sorted.
pub(crate) fn schema_names(d: &Document) -> Vec<&str> {
    let mut names: Vec<&str> =
        d.api.components.as_ref().map(|c| c.schemas.keys().map(String::as_str).collect()).unwrap_or_default();
    names.sort_unstable();
    names
}
