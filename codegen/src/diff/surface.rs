//! The public Rust surface of a lowered crate: every function and type by Rust path, with type
//! expressions spelled as the generated code spells them, and how each type is used (built by
//! callers, read by them, or both).

use std::collections::{BTreeMap, BTreeSet};

use super::SideSummary;
use crate::ir::{
    Crate, Gate, LegacyRoute, Module, Operation, Param, Target, Translation, Ty, TypeDef, TypeId, TypeKind,
};
use crate::names;

/// One crate's surface.
pub(super) struct Surface {
    pub files: Vec<String>,
    pub warnings: usize,
    pub features: BTreeSet<String>,
    pub functions: BTreeMap<String, Function>,
    pub types: BTreeMap<String, Type>,
}

/// A generated function.
pub(super) struct Function {
    /// `GET /api/vcenter/vm/{}`: the method and path template, parameter names left out.
    pub route: String,
    /// The route as the function sends it, parameter names included.
    pub shown_route: String,
    /// Path and required parameters, in argument order.
    pub args: Vec<Arg>,
    /// The body argument's type (`&T`).
    pub body: Option<String>,
    /// The optional-parameters argument's type (`&GetParams`).
    pub optional: Option<String>,
    pub result: String,
    pub error: String,
    pub deprecated: Option<String>,
    pub legacy: Option<Legacy>,
    pub features: BTreeSet<String>,
    pub doc: Vec<String>,
    pub since: Option<String>,
}

/// The `/rest` route of a function in `ApiMode::Legacy`.
#[derive(PartialEq, Eq)]
pub(super) struct Legacy {
    /// `POST /rest/...`, or why there is none (`unavailable: ...`).
    pub route: String,
    /// How inputs move there: ` (body as {"spec": ...})`, or empty.
    pub moves: String,
    /// Whether calls can take it.
    pub available: bool,
}

impl Legacy {
    pub fn text(&self) -> String {
        format!("{}{}", self.route, self.moves)
    }
}

/// A positional argument.
pub(super) struct Arg {
    pub name: String,
    pub ty: String,
}

/// A generated type.
pub(super) struct Type {
    pub shape: Shape,
    pub doc: Vec<String>,
    pub since: Option<String>,
    pub features: BTreeSet<String>,
    pub usage: Usage,
    /// The JSON pointers (without the file) of the schemas or operation it stands for.
    pub origins: BTreeSet<String>,
}

/// How callers meet a type: the first function (by path) that has it in an input, and in an
/// output. Neither: no function uses it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Usage {
    pub built_for: Option<String>,
    pub read_from: Option<String>,
}

/// What a type is.
pub(super) enum Shape {
    /// A struct (`params`: the optional parameters of a function), its fields and flattened map
    /// by Rust name.
    Struct { members: BTreeMap<String, Member>, default: bool, params: bool },
    /// An open enum: known values by variant name, and the catch-all variant.
    Enum { values: BTreeMap<String, Value>, catch_all: String },
    /// A tagged or untagged union: variants by name, and the catch-all variant (tagged only).
    Union { variants: BTreeMap<String, Variant>, catch_all: Option<String> },
}

impl Shape {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Shape::Struct { params: true, .. } => "parameters struct",
            Shape::Struct { .. } => "struct",
            Shape::Enum { .. } => "enum",
            Shape::Union { catch_all: Some(_), .. } => "tagged union",
            Shape::Union { .. } => "untagged union",
        }
    }
}

/// A struct field.
pub(super) struct Member {
    /// The Rust type, `Option` and `Box` included.
    pub ty: String,
    /// Whether the Rust type is `Option<...>`.
    pub optional: bool,
    /// On the wire: its name, and how an unset value goes (`omitted`, `null`, `required`).
    pub wire: String,
    pub deprecated: bool,
    pub doc: Vec<String>,
    pub since: Option<String>,
}

/// A known enum value.
pub(super) struct Value {
    pub wire: String,
    pub doc: Vec<String>,
}

/// A union variant: its payload type and tag.
pub(super) struct Variant {
    pub ty: String,
    pub tag: Option<String>,
}

impl Surface {
    pub fn new(krate: &Crate, warnings: usize) -> Surface {
        let usage = usage(krate);
        let mut functions = BTreeMap::new();
        let mut types = BTreeMap::new();
        for module in krate.modules.values() {
            let features = module_features(krate, module);
            for op in &module.operations {
                functions.insert(op_path(module, op), function(krate, op, &features));
            }
            for id in &module.types {
                let Some(def) = krate.types.get(id.0) else { continue };
                let used = usage.get(id).cloned().unwrap_or_default();
                types.insert(type_path(def), type_surface(krate, def, &features, used));
            }
        }
        Surface {
            files: krate.sources.iter().map(|s| s.label.clone()).collect(),
            warnings,
            features: krate.features.keys().cloned().collect(),
            functions,
            types,
        }
    }

    pub fn summary(&self) -> SideSummary {
        SideSummary {
            files: self.files.clone(),
            functions: self.functions.len(),
            types: self.types.len(),
            warnings: self.warnings,
        }
    }
}

fn op_path(module: &Module, op: &Operation) -> String {
    names::rust_path(&module.path, &op.ident)
}

fn type_path(def: &TypeDef) -> String {
    names::rust_path(&def.module, &def.name)
}

/// The features a module's items need through the module and its ancestors' declarations.
fn module_features(krate: &Crate, module: &Module) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for depth in 1..=module.path.len() {
        if let Some(Gate::Feature(f)) = krate.modules.get(&module.path[..depth]).map(|m| &m.gate) {
            out.insert(f.clone());
        }
    }
    out
}

fn with_gate(mut features: BTreeSet<String>, gate: &Gate) -> BTreeSet<String> {
    if let Gate::Feature(f) = gate {
        features.insert(f.clone());
    }
    features
}

fn function(krate: &Crate, op: &Operation, features: &BTreeSet<String>) -> Function {
    Function {
        route: format!("{} {}", op.method, anonymous(&op.path)),
        shown_route: format!("{} {}", op.method, op.path),
        args: op.params.iter().map(|p| arg(krate, p)).collect(),
        body: op.body.as_ref().map(|b| arg_ty(krate, &b.ty)),
        optional: op.optional.as_ref().map(|o| format!("&{}", named(krate, o.ty))),
        result: match &op.task {
            Some(task) => format!("Task<{}, {}>", ty(krate, task), ty(krate, &op.error.ty)),
            None => ty(krate, &op.response),
        },
        error: ty(krate, &op.error.ty),
        deprecated: op.deprecated.clone(),
        legacy: op.legacy.as_ref().map(legacy),
        features: with_gate(features.clone(), &op.gate),
        since: since(&op.doc),
        doc: op.doc.clone(),
    }
}

fn arg(krate: &Crate, p: &Param) -> Arg {
    Arg { name: names::unraw(&p.field.ident).to_owned(), ty: arg_ty(krate, &p.field.ty) }
}

/// A path template with its parameter names left out: `/api/vm/{vm}` is `/api/vm/{}`.
pub(super) fn anonymous(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn legacy(route: &LegacyRoute) -> Legacy {
    match route {
        LegacyRoute::Route { method, path, translation } => {
            Legacy { route: format!("{method} {path}"), moves: moves(translation), available: true }
        }
        LegacyRoute::Unavailable(reason) => {
            Legacy { route: format!("unavailable: {reason}"), moves: String::new(), available: false }
        }
    }
}

/// How inputs move to the legacy route, as a suffix: ` (body as {"spec": ...}; ...)`.
fn moves(t: &Translation) -> String {
    let mut parts = Vec::new();
    if let Some(key) = &t.wrap {
        parts.push(format!("body as {{\"{key}\": ...}}"));
    }
    for (from, to) in t.inputs.iter().chain(&t.fields) {
        let to = match to {
            Target::Path(name) => format!("path parameter `{name}`"),
            Target::Query(name) => format!("query parameter `{name}`"),
            Target::Body(name) => format!("body key `{name}`"),
        };
        parts.push(format!("`{from}` as {to}"));
    }
    if !t.maps.is_empty() {
        parts.push(format!("maps as lists at {}", t.maps.join(", ")));
    }
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join("; ")) }
}

/// The Rust path of a generated type, or a placeholder (never a panic) for a dangling id.
fn named(krate: &Crate, id: TypeId) -> String {
    krate.types.get(id.0).map_or_else(|| format!("<type #{}>", id.0), type_path)
}

/// A type expression as the generated code has it (generated types by their full path).
pub(super) fn ty(krate: &Crate, t: &Ty) -> String {
    match t {
        Ty::Unit | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => t.primitive().unwrap_or_default().to_owned(),
        Ty::String => "String".to_owned(),
        Ty::Secret => "runtime::Secret".to_owned(),
        Ty::DateTime => "DateTime<Utc>".to_owned(),
        Ty::Json => "serde_json::Value".to_owned(),
        Ty::Named(id) => named(krate, *id),
        Ty::Vec(inner) => format!("Vec<{}>", ty(krate, inner)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", ty(krate, inner)),
    }
}

/// An argument's type, borrowed the way the generated signature borrows it.
fn arg_ty(krate: &Crate, t: &Ty) -> String {
    match t {
        _ if t.is_scalar() => ty(krate, t),
        Ty::String => "&str".to_owned(),
        Ty::Vec(inner) => format!("&[{}]", ty(krate, inner)),
        other => format!("&{}", ty(krate, other)),
    }
}

fn type_surface(krate: &Crate, def: &TypeDef, features: &BTreeSet<String>, usage: Usage) -> Type {
    Type {
        shape: shape(krate, &def.kind),
        since: since(&def.doc),
        doc: def.doc.clone(),
        features: with_gate(features.clone(), &def.gate),
        usage,
        origins: def.origins.iter().filter_map(|o| o.split_once('#')).map(|(_, p)| p.to_owned()).collect(),
    }
}

fn shape(krate: &Crate, kind: &TypeKind) -> Shape {
    match kind {
        TypeKind::Struct(s) => {
            let mut members: BTreeMap<String, Member> = s.fields.iter().map(|f| field(krate, f, false)).collect();
            if let Some(a) = &s.additional {
                let ty = format!("BTreeMap<String, {}>", ty(krate, &a.ty));
                let wire = "any other property (flattened)".to_owned();
                let member = Member { ty, optional: false, wire, deprecated: false, doc: Vec::new(), since: None };
                members.insert(names::unraw(&a.ident).to_owned(), member);
            }
            let default = s.fields.iter().all(crate::ir::Field::optional);
            Shape::Struct { members, default, params: false }
        }
        TypeKind::Params(fields) => {
            let members = fields.iter().map(|f| field(krate, f, true)).collect();
            Shape::Struct { members, default: true, params: true }
        }
        TypeKind::Enum(e) => {
            let values = e
                .variants
                .iter()
                .map(|v| (names::unraw(&v.ident).to_owned(), Value { wire: v.wire.clone(), doc: v.doc.clone() }))
                .collect();
            Shape::Enum { values, catch_all: names::unraw(&e.other).to_owned() }
        }
        TypeKind::Union(u) => {
            let variants = u
                .variants
                .iter()
                .map(|v| {
                    let ty = boxed(named(krate, v.ty), v.boxed);
                    (names::unraw(&v.ident).to_owned(), Variant { ty, tag: Some(v.tag.clone()) })
                })
                .collect();
            Shape::Union { variants, catch_all: Some(names::unraw(&u.other).to_owned()) }
        }
        TypeKind::Untagged(vs) => {
            let variants = vs
                .iter()
                .map(|v| {
                    (names::unraw(&v.ident).to_owned(), Variant { ty: boxed(ty(krate, &v.ty), v.boxed), tag: None })
                })
                .collect();
            Shape::Union { variants, catch_all: None }
        }
    }
}

fn boxed(ty: String, boxed: bool) -> String {
    if boxed { format!("Box<{ty}>") } else { ty }
}

/// A field by its Rust name. Parameter-struct fields are always `Option`.
fn field(krate: &Crate, f: &crate::ir::Field, params: bool) -> (String, Member) {
    let optional = params || f.optional();
    let inner = boxed(ty(krate, &f.ty), f.boxed);
    let ty = if optional { format!("Option<{inner}>") } else { inner };
    let unset = match (params || !f.required, f.nullable) {
        (true, _) => "omitted when unset",
        (false, true) => "sent as null when unset",
        (false, false) => "always sent",
    };
    let wire = format!("`{}`, {unset}", f.wire);
    let member = Member { ty, optional, wire, deprecated: f.deprecated, doc: f.doc.clone(), since: since(&f.doc) };
    (names::unraw(&f.ident).to_owned(), member)
}

/// The spec's version note in doc lines: "Available since vSphere API 7.0.1" or "This property
/// was added in __vSphere API 6.7__", as `vSphere API 7.0.1`.
pub(super) fn since(doc: &[String]) -> Option<String> {
    let text: String = doc.join(" ").chars().filter(|c| !matches!(c, '*' | '_' | '`')).collect();
    let lower = text.to_ascii_lowercase();
    for marker in ["available since vsphere api ", "added in vsphere api "] {
        if let Some(at) = lower.find(marker) {
            let rest = &text[at + marker.len()..];
            let version: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
            let version = version.trim_end_matches('.');
            if version.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(format!("vSphere API {version}"));
            }
        }
    }
    None
}

/// Which types each function's inputs and outputs reach, recorded with the first function (by
/// Rust path) that reaches them.
fn usage(krate: &Crate) -> BTreeMap<TypeId, Usage> {
    let mut ops: Vec<(String, &Operation)> =
        krate.modules.values().flat_map(|m| m.operations.iter().map(move |op| (op_path(m, op), op))).collect();
    ops.sort_by(|a, b| a.0.cmp(&b.0));
    let mut built: BTreeMap<TypeId, String> = BTreeMap::new();
    let mut read: BTreeMap<TypeId, String> = BTreeMap::new();
    for (path, op) in &ops {
        let mut inputs = Vec::new();
        for p in &op.params {
            p.field.ty.named(&mut inputs);
        }
        if let Some(body) = &op.body {
            body.ty.named(&mut inputs);
        }
        inputs.extend(op.optional.as_ref().map(|o| o.ty));
        reach(krate, inputs, path, &mut built);
        let mut outputs = Vec::new();
        op.response.named(&mut outputs);
        if let Some(task) = &op.task {
            task.named(&mut outputs);
        }
        op.error.ty.named(&mut outputs);
        reach(krate, outputs, path, &mut read);
    }
    let mut out: BTreeMap<TypeId, Usage> = BTreeMap::new();
    for (id, path) in built {
        out.entry(id).or_default().built_for = Some(path);
    }
    for (id, path) in read {
        out.entry(id).or_default().read_from = Some(path);
    }
    out
}

/// Marks every type reachable from `roots` with `path`, unless already marked (whoever marked
/// it also marked what it reaches).
fn reach(krate: &Crate, roots: Vec<TypeId>, path: &str, marks: &mut BTreeMap<TypeId, String>) {
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        if marks.contains_key(&id) {
            continue;
        }
        marks.insert(id, path.to_owned());
        if let Some(def) = krate.types.get(id.0) {
            stack.extend(members(&def.kind));
        }
    }
}

/// The generated types a type's members mention.
fn members(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|f| f.ty.named(&mut out));
            if let Some(a) = &s.additional {
                a.ty.named(&mut out);
            }
        }
        TypeKind::Params(fields) => fields.iter().for_each(|f| f.ty.named(&mut out)),
        TypeKind::Enum(_) => {}
        TypeKind::Union(u) => out.extend(u.variants.iter().map(|v| v.ty)),
        TypeKind::Untagged(vs) => vs.iter().for_each(|v| v.ty.named(&mut out)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_both_phrasings() {
        let lines = |s: &str| vec![s.to_owned()];
        assert_eq!(since(&lines("Available since vSphere API 6.7.")).as_deref(), Some("vSphere API 6.7"));
        assert_eq!(
            since(&lines("This property was added in __vSphere API 7.0.1.0__.")).as_deref(),
            Some("vSphere API 7.0.1.0")
        );
        assert_eq!(since(&lines("Added in vSphere API 8.0U1")).as_deref(), Some("vSphere API 8.0U1"));
        assert_eq!(since(&lines("Available since vSphere API.")), None);
        assert_eq!(since(&lines("Some text")), None);
    }

    #[test]
    fn anonymous_routes_drop_parameter_names() {
        assert_eq!(anonymous("/api/vm/{vm}/disk/{disk}?action=x"), "/api/vm/{}/disk/{}?action=x");
        assert_eq!(anonymous("/api/x"), "/api/x");
    }
}
