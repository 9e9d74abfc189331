//! The intermediate representation: plain data, ordered collections, no `openapiv3` types.
//!
//! Lowering ([`crate::lower`]) builds it; emitting ([`crate::emit`]) reads it. Every Rust name in
//! here is final and valid; emitting decides layout only.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A module path of Rust identifiers, such as `["appliance", "recovery"]`.
pub type ModPath = Vec<String>;

/// An index into [`Crate::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// An input spec file: an index into [`Crate::sources`] (and into the loaded documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

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

    /// Whether values are passed by value (`Copy` scalars) rather than by reference.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64)
    }

    /// The Rust spelling of `()` and the scalars, which every module spells alike.
    pub fn primitive(&self) -> Option<&'static str> {
        Some(match self {
            Ty::Unit => "()",
            Ty::Bool => "bool",
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
            _ => return None,
        })
    }
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order OpenAPI lists them in a path item.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The key of the method in an OpenAPI path item (`get`).
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The method from a path-item key or a vendor extension, in any case.
    pub fn parse(text: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.into_iter().find(|m| m.key().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key().to_ascii_uppercase())
    }
}

/// A key of an operation's `responses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    /// One status code, such as `404`.
    Code(u16),
    /// A range such as `4XX`: the first digit.
    Range(u8),
    /// `default`: every status not listed.
    Default,
}

impl StatusKey {
    /// The order responses are listed in: by status, a range after its codes, `default` last.
    pub fn order(self) -> u32 {
        match self {
            StatusKey::Code(code) => u32::from(code) * 10,
            StatusKey::Range(digit) => u32::from(digit) * 1000 + 999,
            StatusKey::Default => u32::MAX,
        }
    }

    /// Whether the key stands for success (2xx).
    pub fn is_success(self) -> bool {
        match self {
            StatusKey::Code(code) => (200..300).contains(&code),
            StatusKey::Range(digit) => digit == 2,
            StatusKey::Default => false,
        }
    }
}

impl fmt::Display for StatusKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusKey::Code(code) => write!(f, "{code}"),
            StatusKey::Range(digit) => write!(f, "{digit}XX"),
            StatusKey::Default => f.write_str("default"),
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
    /// The spec files, in input order; [`FileId`] indexes this.
    pub sources: Vec<Source>,
    /// Every generated type; [`TypeId`] indexes this.
    pub types: Vec<TypeDef>,
    /// Every module, including intermediate ones; the root is the empty path.
    pub modules: BTreeMap<ModPath, Module>,
    /// Namespace features, with the labels of the files that contribute to each.
    pub features: BTreeMap<String, BTreeSet<String>>,
    /// Whether any operation is on the `/api` surface (a crate of `/rest` operations only logs in
    /// on `/rest`).
    pub has_api_surface: bool,
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
    /// The labels of the spec files that contributed.
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
    /// Which way it travels (see `lower::directions`).
    pub directions: Directions,
}

#[cfg(test)]
impl TypeDef {
    /// A struct `T` in module `module` with a field `f{i}` of type `TypeId(i)` for each of `refs`.
    pub(crate) fn referring_to(module: &str, refs: &[usize]) -> TypeDef {
        let fields = refs.iter().map(|r| Field::plain(&format!("f{r}"), Ty::Named(TypeId(*r)))).collect();
        TypeDef {
            module: vec![module.to_owned()],
            name: "T".into(),
            doc: vec![],
            kind: TypeKind::Struct(Struct { fields, additional: None, tag: None }),
            gate: Gate::Always,
            origins: vec![],
            extensions: vec![],
            directions: Directions::default(),
        }
    }
}

/// Which way a type travels between the client and vCenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Directions {
    /// In a request: path, query or header parameters, or a body (it needs `Serialize`).
    pub sent: bool,
    /// In a response: a result, a task's result or an error (it needs `Deserialize`).
    pub received: bool,
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
    pub additional: Option<Additional>,
    /// A member of a tagged union encodes its tag on its own too: `(property, tag)`.
    pub tag: Option<(String, String)>,
}

/// The flattened map of a struct's `additionalProperties`.
#[derive(Debug, Clone, PartialEq)]
pub struct Additional {
    /// The field's identifier.
    pub ident: String,
    /// The map's value type.
    pub ty: Ty,
}

/// A struct field or an operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust identifier.
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// `#[serde(rename)]`: the wire name, where the identifier does not spell it.
    pub rename: Option<String>,
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
    /// What the schema says about its values beyond the type.
    pub facets: Facets,
}

/// What a schema says about its values beyond their Rust type: the spec's example, the formats
/// the type does not carry (`uri`, `ipv4`, ...), a pattern, bounds. The generated code does not
/// use them; tools that make values do (the contract calls, feature `contract`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    /// `example`, else `default`, else the first of a number's `enum`.
    pub example: Option<serde_json::Value>,
    /// `format`, unless the type says it already (`date-time`, `password`, `int32`, ...).
    pub format: Option<String>,
    /// `pattern`: an ECMA-262 regular expression a string matches.
    pub pattern: Option<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum`, made inclusive for integers (`exclusiveMinimum` adds one).
    pub minimum: Option<f64>,
    /// `maximum`, made inclusive for integers (`exclusiveMaximum` takes one away).
    pub maximum: Option<f64>,
    /// The facets of an array's items, or of a map's values.
    pub items: Option<Box<Facets>>,
}

impl Field {
    /// A required, undocumented field named like its wire name.
    pub(crate) fn plain(name: &str, ty: Ty) -> Field {
        Field {
            ident: name.to_owned(),
            wire: name.to_owned(),
            rename: None,
            ty,
            required: true,
            nullable: false,
            boxed: false,
            doc: Vec::new(),
            deprecated: false,
            extensions: Vec::new(),
            facets: Facets::default(),
        }
    }

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
    /// The payload stands in for a member no input declares: the base error's fields.
    pub fallback: bool,
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

/// The optional parameters of an operation, gathered in a generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Optional {
    /// The struct.
    pub ty: TypeId,
    /// The parameters, in field order.
    pub params: Vec<Param>,
}

/// An operation's JSON request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Its type.
    pub ty: Ty,
    /// What its schema says about its values beyond the type.
    pub facets: Facets,
    /// How it is sent.
    pub encoding: BodyEncoding,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`: the object's fields as form pairs.
    Form,
}

/// Which of vCenter's REST surfaces a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    /// `/api`: bodies as they are.
    Api,
    /// `/rest`: results in `{"value": ...}`, errors in `{"type", "value"}`.
    Rest,
}

/// Where an input of an `/api` operation goes on its `/rest` twin.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// The path parameter of this name.
    Path(String),
    /// The query parameter of this name.
    Query(String),
    /// This top-level key of the request body.
    Body(String),
}

/// How an `/api` operation is sent to its `/rest` twin.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Translation {
    /// What is left of the `/api` body goes under this key.
    pub wrap: Option<String>,
    /// Parameters (by wire name) that move or are renamed.
    pub inputs: Vec<(String, Target)>,
    /// Fields of the `/api` body (dotted paths) that move out of it.
    pub fields: Vec<(String, Target)>,
    /// Places in the `/rest` body where maps are sent as key/value lists, deepest first.
    pub maps: Vec<String>,
}

/// The `/rest` side of an `/api` operation.
#[derive(Debug, Clone, PartialEq)]
pub enum LegacyRoute {
    /// Sent there in legacy mode.
    Route {
        /// The twin's method.
        method: HttpMethod,
        /// The twin's path template (encoded literals, `{wire}` parameters, fixed query).
        path: String,
        /// How the inputs move.
        translation: Translation,
    },
    /// Paired, but not translatable: the reason, for the error a legacy-mode call returns.
    Unavailable(String),
}

/// How the error body of an operation decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorSpec {
    /// The Rust type of the decoded error body.
    pub ty: Ty,
    /// Documented error responses: status key and description.
    pub documented: Vec<(StatusKey, String)>,
}

/// One function of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Function name.
    pub ident: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template: literal text percent-encoded, `{wire}` for each path parameter, and the
    /// fixed query of the spec's path key, if any.
    pub path: String,
    /// The surface of the operation's own route.
    pub surface: Surface,
    /// Path, required query and header parameters, in argument order.
    pub params: Vec<Param>,
    /// Optional query and header parameters, gathered in a generated struct.
    pub optional: Option<Optional>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// The success type.
    pub response: Ty,
    /// The operation starts a vCenter task (`vmw-task=true`, or a 9.x `$Task` name): it answers
    /// with the task's identifier, and this is the type of the task's result: the success type of
    /// its non-task form in the same module, else `serde_json::Value`.
    pub task: Option<Ty>,
    /// The error type.
    pub error: ErrorSpec,
    /// The route taken in legacy mode.
    pub legacy: Option<LegacyRoute>,
    /// A `*_legacy` entry point derived from this function of the same module: always sent to
    /// that function's legacy route.
    pub twin_of: Option<String>,
    /// `#[deprecated(note = ...)]`.
    pub deprecated: Option<String>,
    /// The release the spec says introduced it ("Available since vSphere API 7.0.2" gives
    /// `7.0.2`).
    pub since: Option<String>,
    /// The Rust path used in messages, such as `appliance::recovery::reconciliation::job::get`.
    pub rust_path: String,
    /// Gate.
    pub gate: Gate,
    /// The label of the spec file.
    pub source: String,
    /// Vendor extensions (`x-` keys) of the operation that the generator does not act on,
    /// rendered, by key.
    pub extensions: Vec<(String, String)>,
}

impl Operation {
    /// Whether the spec describes this operation (not a derived `*_legacy` entry point).
    pub fn is_from_spec(&self) -> bool {
        self.twin_of.is_none()
    }
}
