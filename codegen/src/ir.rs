//! The intermediate representation: plain data, ordered collections, no `openapiv3` types.
//!
//! Lowering ([`crate::lower`]) builds it; emitting ([`crate::emit`]) reads it. Every Rust name in
//! here is final and valid; emitting decides layout only.

use std::collections::{BTreeMap, BTreeSet};

/// A module path of Rust identifiers, such as `["appliance", "recovery"]`.
pub type ModPath = Vec<String>;

/// An index into [`Crate::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    /// `()`: no body.
    Unit,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `String`.
    String,
    /// `runtime::Secret` (`format: password`).
    Secret,
    /// `chrono::DateTime<Utc>` (`format: date-time`).
    DateTime,
    /// `serde_json::Value`: the spec itself is free-form here.
    Json,
    /// A generated type.
    Named(TypeId),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
}

impl Ty {
    /// The generated types this expression mentions.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Vec(inner) | Ty::Map(inner) => inner.named(out),
            _ => {}
        }
    }
}

/// Whether an item is compiled only with one cargo feature.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gate {
    /// Always compiled.
    #[default]
    Always,
    /// Compiled with this namespace feature.
    Feature(String),
}

/// The whole generated crate.
#[derive(Debug, Clone, Default)]
pub struct Crate {
    /// The spec files, in input order.
    pub sources: Vec<Source>,
    /// Every generated type; [`TypeId`] indexes this.
    pub types: Vec<TypeDef>,
    /// Every module, including intermediate ones; the root is the empty path.
    pub modules: BTreeMap<ModPath, Module>,
    /// Namespace features, with the files that contribute to each.
    pub features: BTreeMap<String, BTreeSet<String>>,
}

/// One spec file.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its label, such as `spec/vcenter.yaml`.
    pub label: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Document-level vendor extensions, rendered, by key.
    pub extensions: Vec<(String, String)>,
}

/// One Rust module: a vSphere service or namespace.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The module's path.
    pub path: ModPath,
    /// The generated types defined here, sorted by name.
    pub types: Vec<TypeId>,
    /// The operations defined here, sorted by function name.
    pub operations: Vec<Operation>,
    /// Child modules.
    pub children: BTreeSet<String>,
    /// The gate of the whole module (and of its `mod` declaration).
    pub gate: Gate,
    /// The spec files that contributed.
    pub sources: BTreeSet<String>,
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Where it lives.
    pub module: ModPath,
    /// Its name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Its gate (emitted only when it differs from the module's).
    pub gate: Gate,
    /// `file#pointer` of every schema it stands for.
    pub origins: Vec<String>,
    /// Vendor extensions (`x-` keys) of the schema, rendered, by key.
    pub extensions: Vec<(String, String)>,
}

/// The shape of a generated type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with serde derives.
    Struct(Struct),
    /// An open string enum: unknown values land in the catch-all variant.
    Enum(Enum),
    /// A tagged union dispatched on a discriminator property, open as well.
    Union(Union),
    /// `oneOf`/`anyOf` without discriminator: tried in order.
    Untagged(Vec<UntaggedVariant>),
    /// The optional parameters of one operation (no serde).
    Params(Vec<Field>),
}

/// A struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields, sorted by wire name.
    pub fields: Vec<Field>,
    /// `additionalProperties` next to properties, as a flattened map.
    pub additional: Option<Ty>,
}

/// A struct field or an operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust identifier.
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Type, without the `Option` for optional fields.
    pub ty: Ty,
    /// Required by the spec (`Option` otherwise).
    pub required: bool,
    /// `nullable: true`: `Option` even when required, serialised as `null`.
    pub nullable: bool,
    /// Boxed to break a recursive type.
    pub boxed: bool,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Deprecated in the spec.
    pub deprecated: bool,
    /// Vendor extensions (`x-` keys) of the property or parameter, rendered, by key.
    pub extensions: Vec<(String, String)>,
}

impl Field {
    /// Whether the Rust type is wrapped in `Option`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// An open enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Known values.
    pub variants: Vec<Variant>,
    /// The catch-all variant holding any other value.
    pub other: String,
}

/// One known enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust identifier.
    pub ident: String,
    /// Value on the wire.
    pub wire: String,
    /// Doc lines.
    pub doc: Vec<String>,
}

/// A tagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The discriminator property on the wire, such as `error_type`.
    pub property: String,
    /// Known tags, each with its payload type.
    pub variants: Vec<UnionVariant>,
    /// The catch-all variant holding the whole JSON object of an unknown tag.
    pub other: String,
}

/// One variant of an untagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant {
    /// Rust identifier.
    pub ident: String,
    /// The payload type.
    pub ty: Ty,
    /// Boxed to break a recursive type.
    pub boxed: bool,
}

/// One variant of a tagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust identifier.
    pub ident: String,
    /// The tag value on the wire.
    pub tag: String,
    /// The payload struct.
    pub ty: TypeId,
    /// Boxed to break a recursive type.
    pub boxed: bool,
}

/// A path with parameters: literal text and parameter identifiers in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The parts.
    pub parts: Vec<PathPart>,
    /// The fixed query string from the spec's path key (already encoded), if any.
    pub query: Option<String>,
}

/// Part of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// A path parameter, by Rust identifier.
    Param(String),
}

impl PathTemplate {
    /// The template as the spec writes it, with `{ident}` for parameters.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                PathPart::Literal(text) => out.push_str(text),
                PathPart::Param(ident) => {
                    out.push('{');
                    out.push_str(ident.strip_prefix("r#").unwrap_or(ident));
                    out.push('}');
                }
            }
        }
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        out
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The field-like description (identifier, wire name, type, docs).
    pub field: Field,
    /// Where it goes.
    pub location: Location,
    /// Arrays in the query: repeated (`true`) or comma-joined.
    pub explode: bool,
}

/// The route of an operation's legacy twin.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyRoute {
    /// Uppercase HTTP method.
    pub method: String,
    /// The twin's path.
    pub path: PathTemplate,
    /// The twin wraps the request body as `{"<key>": body}`.
    pub body_key: Option<String>,
}

/// How the error body of an operation decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorSpec {
    /// The Rust type of the decoded error body.
    pub ty: Ty,
    /// For a tagged union: the discriminator and the tag each status implies (0: default).
    pub tags: Option<(String, Vec<(u16, String)>)>,
    /// Documented error responses: status (or `default`), description.
    pub documented: Vec<(String, String)>,
}

/// One function of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Function name.
    pub ident: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Uppercase HTTP method.
    pub method: String,
    /// The path.
    pub path: PathTemplate,
    /// Path, required query and header parameters, in argument order.
    pub params: Vec<Param>,
    /// Optional query and header parameters, gathered in a generated struct.
    pub optional: Option<(TypeId, Vec<Param>)>,
    /// The JSON request body.
    pub body: Option<(Ty, bool)>,
    /// The success type.
    pub response: Ty,
    /// The error type.
    pub error: ErrorSpec,
    /// This operation's own route is on the `/rest` surface (envelopes unwrapped).
    pub enveloped: bool,
    /// This operation's own route wraps the request body as `{"<key>": body}`.
    pub body_key: Option<String>,
    /// The route taken in legacy mode.
    pub legacy: Option<LegacyRoute>,
    /// `#[deprecated(note = ...)]`.
    pub deprecated: Option<String>,
    /// The Rust path used in messages, such as `appliance::recovery::reconciliation::job::get`.
    pub rust_path: String,
    /// Gate.
    pub gate: Gate,
    /// Counts toward the spec's operations (false for the extra `*_legacy` entry points).
    pub from_spec: bool,
    /// The spec file.
    pub source: String,
    /// Vendor extensions (`x-` keys) of the operation, rendered, by key.
    pub extensions: Vec<(String, String)>,
}
