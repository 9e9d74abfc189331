//! Operations to functions.
//!
//! Naming (stable, documented in ARCHITECTURE.md): the function lives in the module of its path
//! ([`super::place::operation_module`]) and is named, in order of preference, by
//! `x-vmw-doc-operation`; by `operationId` (in vSphere specs the vAPI operation name: `get`,
//! `list`, `create$task`; in 9.x specs `Service_name`, of which the part after the service is
//! taken); by the path's `action` query (`?action=clone`); or by method and path (`get`/`list`,
//! `create`, `set`, `update`, `delete`). A task operation (a `vmw-task=true` query, or a name
//! ending in `$Task`) is named as its non-task form plus `_task`; a deprecated `/rest`
//! operation with an `x-vmw-deprecated` replacement adds `_legacy`. Names left equal within a
//! module after that get `_{method}` and then a number, in path order, with a warning.
//!
//! The rooms: [`params`] (arguments and the optional-parameter struct), [`responses`] (result
//! and error types), [`docs`], [`twin`] (the `x-vmw-doc-deprecated-*` legacy route and its
//! `*_legacy` entry point), [`pairing`] (the `/rest` twins that name their `/api` replacement),
//! and [`replacement`] (deprecation notes).

pub(crate) mod docs;
pub(crate) mod pairing;
mod params;
pub(crate) mod replacement;
mod responses;
pub(crate) mod tasks;
mod twin;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{PathItem, ReferenceOr};

use super::schema::Hint;
use super::{Lowerer, OpDraft, place};
use crate::diag::Kind;
use crate::ir::{FileId, Gate, HttpMethod, Location, ModPath, Operation, Param, Surface};
use crate::load::Document;
use crate::names;
use crate::pointer::Pointer;
use crate::vendor::{self, OperationExtensions};

/// What pass one learns of an operation.
pub(crate) struct OpSite<'a> {
    pub file: FileId,
    pub path_key: &'a str,
    pub method: HttpMethod,
    pub item: &'a PathItem,
    pub op: &'a openapiv3::Operation,
    pub at: Pointer,
    /// The path key with the server URL's path in front, and its query.
    pub full_path: String,
    pub module: ModPath,
    pub ext: OperationExtensions,
    pub ident: String,
}

impl OpSite<'_> {
    /// The path key's query says `vmw-task=true`.
    fn has_task_query(&self) -> bool {
        let query = self.full_path.split_once('?').map_or("", |(_, query)| query);
        query_pairs(query).get("vmw-task") == Some(&"true")
    }

    /// The operation starts a vCenter task: `vmw-task=true`, or a name ending in `$Task`.
    pub(crate) fn is_task(&self) -> bool {
        let named = |name: Option<&str>| name.is_some_and(|n| names::strip_task(n.trim()).1);
        self.has_task_query() || named(self.ext.doc_operation.as_deref()) || named(self.op.operation_id.as_deref())
    }
}

/// What lowering one operation hands from room to room.
pub(crate) struct OpCtx<'s, 'a> {
    pub site: &'s OpSite<'a>,
    /// The path without its query.
    pub path: String,
    /// The fixed query of the path key, percent-encoded.
    pub query: Option<String>,
    pub surface: Surface,
    /// The name inline schemas of this operation build on (`Create` for `create`).
    pub hint: Hint,
    /// `a::b::create`.
    pub rust_path: String,
}

impl<'s, 'a> OpCtx<'s, 'a> {
    fn new(site: &'s OpSite<'a>) -> Self {
        let (path, query) = match site.full_path.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(encode_allowed(q, QUERY_LITERAL))),
            None => (site.full_path.clone(), None),
        };
        let surface = if path.starts_with("/rest/") || path == "/rest" { Surface::Rest } else { Surface::Api };
        OpCtx {
            site,
            path,
            query,
            surface,
            hint: Hint { module: site.module.clone(), name: names::camel(&site.ident) },
            rust_path: names::rust_path(&site.module, &site.ident),
        }
    }

    pub fn file(&self) -> FileId {
        self.site.file
    }

    pub fn at(&self) -> &Pointer {
        &self.site.at
    }

    pub fn namespace(&self) -> String {
        self.site.module.first().cloned().unwrap_or_default()
    }
}

/// Every operation of every document, in document, path and method order.
pub(crate) fn sites(docs: &[Document]) -> Vec<OpSite<'_>> {
    let mut out = Vec::new();
    for (file, d) in docs.iter().enumerate() {
        let prefix = server_prefix(&d.api);
        let mut paths: Vec<(&String, &ReferenceOr<PathItem>)> = d.api.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        for (path_key, item) in paths {
            let ReferenceOr::Item(item) = item else { continue };
            for method in HttpMethod::ALL {
                let Some(op) = operation_of(item, method) else { continue };
                let at = Pointer::root().push("paths").push(path_key).push(method.key());
                let full_path = format!("{prefix}{path_key}");
                let module = place::operation_module(&full_path);
                let ext = d.vendor.operation(&at);
                let file = FileId(file);
                out.push(OpSite { file, path_key, method, item, op, at, full_path, module, ext, ident: String::new() });
            }
        }
    }
    out
}

fn operation_of(item: &PathItem, method: HttpMethod) -> Option<&openapiv3::Operation> {
    match method {
        HttpMethod::Get => item.get.as_ref(),
        HttpMethod::Put => item.put.as_ref(),
        HttpMethod::Post => item.post.as_ref(),
        HttpMethod::Delete => item.delete.as_ref(),
        HttpMethod::Options => item.options.as_ref(),
        HttpMethod::Head => item.head.as_ref(),
        HttpMethod::Patch => item.patch.as_ref(),
        HttpMethod::Trace => item.trace.as_ref(),
    }
}

/// The path of the first server URL (`https://{host}/api` gives `/api`).
fn server_prefix(api: &openapiv3::OpenAPI) -> String {
    let Some(server) = api.servers.first() else { return String::new() };
    let url = server.url.as_str();
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map(|j| &url[i + 3 + j..]).unwrap_or(""),
        None => url,
    };
    if path.starts_with('/') { path.trim_end_matches('/').to_owned() } else { String::new() }
}

pub(crate) fn query_pairs(query: &str) -> BTreeMap<&str, &str> {
    query.split('&').filter(|kv| !kv.is_empty()).map(|kv| kv.split_once('=').unwrap_or((kv, ""))).collect()
}

/// The unsuffixed base name of an operation (see the module docs).
fn base_name(site: &OpSite) -> String {
    if let Some(name) = &site.ext.doc_operation {
        return names::operation_fn(name, site.has_task_query());
    }
    let (path, query) = site.full_path.split_once('?').unwrap_or((&site.full_path, ""));
    let pairs = query_pairs(query);
    let mut name = match site.op.operation_id.as_deref().map(str::trim).filter(|s| !names::is_blank(s)) {
        Some(id) => {
            let id = match id.rfind('.') {
                Some(dot) => id[dot..].split_once('_').map(|(_, rest)| rest).unwrap_or(&id[dot + 1..]),
                None => id,
            };
            names::operation_fn(id, site.has_task_query())
        }
        None => match pairs.get("action").or_else(|| pairs.get("~action")) {
            Some(action) => names::operation_fn(action, site.has_task_query()),
            None => names::operation_fn(&method_name(site.method, path), site.has_task_query()),
        },
    };
    if site.ext.replacement.is_some() {
        name = names::legacy_fn(&name);
    }
    name
}

/// The name an operation gets from its method and path alone.
fn method_name(method: HttpMethod, path: &str) -> String {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    match method {
        HttpMethod::Get if last.contains('{') => "get",
        HttpMethod::Get => "list",
        HttpMethod::Post => "create",
        HttpMethod::Put => "set",
        HttpMethod::Patch => "update",
        other => other.key(),
    }
    .to_owned()
}

/// Assigns every operation (and every legacy twin entry point) a unique name in its module.
pub(crate) fn assign_names(lowerer: &mut Lowerer, sites: &mut [OpSite]) {
    for site in sites.iter() {
        if site.op.operation_id.as_deref().is_some_and(names::is_blank) {
            let message = "the `operationId` has no letter or digit; the function is named from the path instead";
            lowerer.warn(site.file, &site.at.push("operationId"), Kind::Shape, message);
        }
    }
    let mut by_module: BTreeMap<ModPath, BTreeSet<String>> = BTreeMap::new();
    let mut order: Vec<usize> = (0..sites.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&sites[a], &sites[b]);
        (&x.module, x.path_key, x.method, x.file).cmp(&(&y.module, y.path_key, y.method, y.file))
    });
    let bases: Vec<String> = sites.iter().map(base_name).collect();
    for i in order {
        let taken = by_module.entry(sites[i].module.clone()).or_default();
        let base = &bases[i];
        let mut ident = base.clone();
        let twin_fn = lowerer.twin_function(&sites[i].ext);
        if taken.contains(&ident) || (twin_fn && taken.contains(&names::legacy_fn(base))) {
            ident = names::disambiguate(&names::method_fn(base, sites[i].method), |n| taken.contains(n));
            let module = sites[i].module.join("::");
            let message =
                format!("another operation in module `{module}` is already named `{base}`; this one is `{ident}`");
            lowerer.warn(sites[i].file, &sites[i].at, Kind::NameCollision, message);
        }
        taken.insert(ident.clone());
        if twin_fn {
            let twin = names::disambiguate(&names::legacy_fn(&ident), |n| taken.contains(n));
            taken.insert(twin);
        }
        sites[i].ident = ident;
    }
}

impl<'a> Lowerer<'a> {
    /// Lowers one operation; returns its draft and, if it has a legacy twin entry point, the
    /// twin's draft.
    pub(crate) fn operation(&mut self, site: &OpSite<'a>) -> Vec<OpDraft> {
        let cx = OpCtx::new(site);
        let params = self.params(&cx);
        let body = site.op.request_body.as_ref().map(|b| self.request_body(&cx, b));
        let (response, error) = self.responses(&cx);
        let optional = self.optional_struct(&cx, params.optional);
        let legacy = self.doc_twin_route(&cx, &params.path_names, body.is_some());
        let twin_in_spec = site.ext.legacy.is_some() && !self.twin_function(&site.ext);
        let operation = Operation {
            ident: site.ident.clone(),
            doc: docs::spec_text(site.op),
            method: site.method,
            path: path_template(&cx.path, route_query(cx.query.as_deref(), &params.args).as_deref()),
            surface: cx.surface,
            params: params.args,
            optional,
            body,
            response,
            task: site.is_task().then_some(crate::ir::Ty::Json),
            error,
            legacy,
            twin_of: None,
            deprecated: None,
            since: docs::since(site.op),
            rust_path: cx.rust_path.clone(),
            gate: Gate::Feature(cx.namespace()),
            source: self.label(cx.file()).to_owned(),
            extensions: site.ext.other.iter().map(|(k, v)| (k.clone(), vendor::render(v))).collect(),
        };
        let twin = (!twin_in_spec).then(|| twin::entry_point(&cx, &operation)).flatten();
        let draft = |op: Operation, deprecated: bool| OpDraft {
            file: cx.file(),
            pointer: site.at.clone(),
            module: site.module.clone(),
            namespace: cx.namespace(),
            replacement: if deprecated { site.ext.replacement.clone() } else { None },
            deprecated_by_spec: deprecated,
            replaced_by: None,
            op,
        };
        let deprecated = site.ext.replacement.is_some() || site.op.deprecated;
        let mut out = vec![draft(operation, deprecated)];
        out.extend(twin.map(|op| draft(op, false)));
        out
    }
}

/// Characters a path literal may hold as they are (RFC 3986 `pchar`, plus `/` and `%`).
const PATH_LITERAL: &str = "-._~!$&'()*+,;=:@/%";
/// Characters a fixed query may hold as they are.
const QUERY_LITERAL: &str = "-._~!$&'()*+,;=:@/?%";

/// The path template of a route: literal text percent-encoded, `{name}` kept for each parameter,
/// then the fixed query.
pub(crate) fn path_template(path: &str, query: Option<&str>) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        out.push_str(&encode_allowed(&rest[..open], PATH_LITERAL));
        out.push_str(&rest[open..=close]);
        rest = &rest[close + 1..];
    }
    out.push_str(&encode_allowed(rest, PATH_LITERAL));
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The fixed query a route sends: the path key's query without the bare names of required query
/// parameters. A key such as `.../file?name` says that the operation takes `name`, which the call
/// sends with its value; sending the bare name too would send the parameter twice
/// (`?name&name=a.ovf`).
fn route_query(query: Option<&str>, args: &[Param]) -> Option<String> {
    let declared = |name: &str| args.iter().any(|p| p.location == Location::Query && p.field.wire == name);
    let kept: Vec<&str> = query?.split('&').filter(|part| part.contains('=') || !declared(part)).collect();
    (!kept.is_empty()).then(|| kept.join("&"))
}

/// The parameter names of a path template, in order, without repeats.
pub(crate) fn template_names(path: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = path.split('?').next().unwrap_or(path);
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        let name = &rest[open + 1..close];
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = &rest[close + 1..];
    }
    names
}

fn encode_allowed(text: &str, allowed: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || allowed.contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Ty};

    #[test]
    fn templates_encode_literals_and_keep_parameters() {
        assert_eq!(
            path_template("/api/vcenter/vm/{vm}/tools", Some("action=x")),
            "/api/vcenter/vm/{vm}/tools?action=x"
        );
        assert_eq!(path_template("/rest/a b/id:{tag_id}", None), "/rest/a%20b/id:{tag_id}");
        assert_eq!(path_template("/api/x/{open", None), "/api/x/%7Bopen");
        assert_eq!(template_names("/a/{x}/b/{y}/{x}?q={z}"), ["x", "y"]);
    }

    #[test]
    fn bare_names_of_required_query_parameters_leave_the_fixed_query() {
        let arg = |name: &str, location| Param { field: Field::plain(name, Ty::String), location, explode: true };
        let args = [arg("name", Location::Query), arg("id", Location::Path)];
        assert_eq!(route_query(Some("name"), &args), None, "`?name` and `name=...` would send `name` twice");
        assert_eq!(route_query(Some("action=get&name"), &args).as_deref(), Some("action=get"));
        assert_eq!(route_query(Some("id"), &args).as_deref(), Some("id"), "not a query parameter: kept");
        assert_eq!(route_query(Some("flag"), &args).as_deref(), Some("flag"), "not a parameter: kept");
        assert_eq!(
            route_query(Some("action=clone&vmw-task=true"), &args).as_deref(),
            Some("action=clone&vmw-task=true")
        );
        assert_eq!(route_query(None, &args), None);
    }

    #[test]
    fn names_from_method_and_path() {
        assert_eq!(method_name(HttpMethod::Get, "/api/vcenter/vm/{vm}"), "get");
        assert_eq!(method_name(HttpMethod::Get, "/api/vcenter/vm"), "list");
        assert_eq!(method_name(HttpMethod::Post, "/api/vcenter/vm"), "create");
        assert_eq!(method_name(HttpMethod::Put, "/api/x"), "set");
        assert_eq!(method_name(HttpMethod::Patch, "/api/x"), "update");
        assert_eq!(method_name(HttpMethod::Delete, "/api/x/{y}"), "delete");
    }
}
