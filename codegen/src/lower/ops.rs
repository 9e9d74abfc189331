//! Operations to functions.
//!
//! Naming (stable, documented in ARCHITECTURE.md): the function lives in the module of its path
//! ([`super::place::operation_module`]) and is named, in order of preference, by
//! `x-vmw-doc-operation`; by `operationId` (in vSphere specs the vAPI operation name: `get`,
//! `list`, `create$task`; in 9.x specs `Service_name`, of which the part after the service is
//! taken); by the path's `action` query (`?action=clone`); or by method and path (`get`/`list`,
//! `create`, `set`, `update`, `delete`). A `vmw-task=true` query adds `_task`; a deprecated `/rest`
//! operation with an `x-vmw-deprecated` replacement adds `_legacy`. Names left equal within a
//! module after that get `_{method}` and then a number, in path order, with a warning.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response, StatusCode};

use super::schema::{Hint, SRef};
use super::{Lowerer, Node, OpDraft, place};
use crate::diag::Kind;
use crate::docs;
use crate::ir::{
    ErrorSpec, Field, LegacyRoute, Location, ModPath, Operation, Param, PathPart, PathTemplate, Ty, TypeId, TypeKind,
};
use crate::names;
use crate::pointer::Pointer;
use crate::vendor::{self, OperationExtensions};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The header the client fills with the session id; never a function argument.
const SESSION_HEADER: &str = "vmware-api-session-id";

/// What pass one learns of an operation.
pub(crate) struct OpSite<'a> {
    pub doc: usize,
    pub path_key: &'a str,
    pub method: &'static str,
    pub item: &'a PathItem,
    pub op: &'a openapiv3::Operation,
    pub at: Pointer,
    pub full_path: String,
    pub module: ModPath,
    pub ext: OperationExtensions,
    pub ident: String,
}

/// Every operation of every document, in document, path and method order.
pub(crate) fn sites<'a>(docs: &'a [crate::load::Document]) -> Vec<OpSite<'a>> {
    let mut out = Vec::new();
    for (doc, d) in docs.iter().enumerate() {
        let prefix = server_prefix(&d.api);
        let mut paths: Vec<(&String, &ReferenceOr<PathItem>)> = d.api.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        for (path_key, item) in paths {
            let ReferenceOr::Item(item) = item else { continue };
            for method in METHODS {
                let Some(op) = operation_of(item, method) else { continue };
                let at = Pointer::root().push("paths").push(path_key).push(method);
                let full_path = format!("{prefix}{path_key}");
                let module = place::operation_module(&full_path);
                let ext = d.vendor.operation(&at);
                out.push(OpSite { doc, path_key, method, item, op, at, full_path, module, ext, ident: String::new() });
            }
        }
    }
    out
}

fn operation_of<'a>(item: &'a PathItem, method: &str) -> Option<&'a openapiv3::Operation> {
    match method {
        "get" => item.get.as_ref(),
        "put" => item.put.as_ref(),
        "post" => item.post.as_ref(),
        "delete" => item.delete.as_ref(),
        "options" => item.options.as_ref(),
        "head" => item.head.as_ref(),
        "patch" => item.patch.as_ref(),
        "trace" => item.trace.as_ref(),
        _ => None,
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

fn query_pairs(query: &str) -> BTreeMap<&str, &str> {
    query.split('&').filter(|kv| !kv.is_empty()).map(|kv| kv.split_once('=').unwrap_or((kv, ""))).collect()
}

/// The unsuffixed base name of an operation (see the module docs).
fn base_name(site: &OpSite) -> String {
    if let Some(name) = &site.ext.doc_operation {
        return names::snake(name);
    }
    let (path, query) = site.full_path.split_once('?').unwrap_or((&site.full_path, ""));
    let pairs = query_pairs(query);
    let mut name = match site.op.operation_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            let id = match id.rfind('.') {
                Some(dot) => id[dot..].split_once('_').map(|(_, rest)| rest).unwrap_or(&id[dot + 1..]),
                None => id,
            };
            names::snake(id)
        }
        None => match pairs.get("action").or_else(|| pairs.get("~action")) {
            Some(action) => names::snake(action),
            None => {
                let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                let item = last.contains('{');
                match site.method {
                    "get" if item => "get".to_owned(),
                    "get" => "list".to_owned(),
                    "post" => "create".to_owned(),
                    "put" => "set".to_owned(),
                    "patch" => "update".to_owned(),
                    other => other.to_owned(),
                }
            }
        },
    };
    if pairs.get("vmw-task") == Some(&"true") && !name.ends_with("_task") {
        name.push_str("_task");
    }
    if site.ext.replacement.is_some() {
        name.push_str("_legacy");
    }
    name
}

/// Assigns every operation (and every legacy twin entry point) a unique name in its module.
pub(crate) fn assign_names(lowerer: &mut Lowerer, sites: &mut [OpSite]) {
    let mut by_module: BTreeMap<ModPath, BTreeSet<String>> = BTreeMap::new();
    let mut order: Vec<usize> = (0..sites.len()).collect();
    order.sort_by(|&a, &b| {
        (&sites[a].module, &sites[a].path_key, sites[a].method, sites[a].doc).cmp(&(
            &sites[b].module,
            &sites[b].path_key,
            sites[b].method,
            sites[b].doc,
        ))
    });
    // Names straight from the spec go first, so that a collision renames the derived one.
    let mut bases: Vec<String> = sites.iter().map(base_name).collect();
    for &i in &order {
        let taken = by_module.entry(sites[i].module.clone()).or_default();
        let base = std::mem::take(&mut bases[i]);
        let mut ident = base.clone();
        let twin_fn = lowerer.twin_function(&sites[i].ext);
        if taken.contains(&ident) || (twin_fn && taken.contains(&format!("{base}_legacy"))) {
            ident = names::disambiguate(&format!("{base}_{}", sites[i].method), |n| taken.contains(n));
            let label = lowerer.docs[sites[i].doc].label.clone();
            lowerer.diags.warn(
                &label,
                &sites[i].at,
                Kind::NameCollision,
                format!(
                    "another operation in module `{}` is already named `{base}`; this one is `{ident}`",
                    sites[i].module.join("::")
                ),
            );
        }
        taken.insert(ident.clone());
        if twin_fn {
            let twin = names::disambiguate(&format!("{ident}_legacy"), |n| taken.contains(n));
            taken.insert(twin);
        }
        sites[i].ident = ident;
    }
}

impl Lowerer<'_> {
    /// Whether an operation's `x-vmw-doc-deprecated-*` twin needs a `*_legacy` function of its
    /// own: it has a twin, and the spec does not already describe that `/rest` operation.
    fn twin_function(&self, ext: &OperationExtensions) -> bool {
        ext.legacy.as_ref().is_some_and(|twin| !self.routes.contains(&(twin.method.clone(), twin.path.clone())))
    }
}

impl<'a> Lowerer<'a> {
    /// Lowers one operation; returns its draft and, if it has a legacy twin, the twin's draft.
    pub(crate) fn operation(&mut self, site: &OpSite<'a>) -> Vec<OpDraft> {
        let docs = self.docs;
        let d = &docs[site.doc];
        let label = d.label.clone();
        let op = site.op;
        let (path, query) = match site.full_path.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(encode_fixed_query(q))),
            None => (site.full_path.clone(), None),
        };
        let enveloped = path.starts_with("/rest/") || path == "/rest";
        let fn_hint = Hint { module: site.module.clone(), name: names::camel(&site.ident) };
        let rust_path = rust_path(&site.module, &site.ident);

        // Parameters: path-level ones, overridden by operation-level ones of the same name and place.
        let mut declared: Vec<(Pointer, &'a Parameter)> = Vec::new();
        let item_at = Pointer::root().push("paths").push(site.path_key).push("parameters");
        for (list, list_at) in [(&site.item.parameters, item_at), (&op.parameters, site.at.push("parameters"))] {
            for (i, p) in list.iter().enumerate() {
                let p_at = list_at.push(i.to_string());
                let Some(param) = self.parameter(site.doc, p, &p_at) else { continue };
                let data = param.parameter_data_ref();
                let same = |(_, q): &(Pointer, &Parameter)| {
                    let qd = q.parameter_data_ref();
                    qd.name == data.name && std::mem::discriminant(*q) == std::mem::discriminant(param)
                };
                declared.retain(|x| !same(x));
                declared.push((p_at, param));
            }
        }

        let template = parse_template(&path);
        let mut params: Vec<Param> = Vec::new();
        let mut optional: Vec<Param> = Vec::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut template_names: Vec<String> = Vec::new();
        for part in &template {
            if let RawPart::Param(name) = part {
                if !template_names.contains(name) {
                    template_names.push(name.clone());
                }
            }
        }
        let mut path_idents: BTreeMap<String, String> = BTreeMap::new();
        // Path parameters in template order first.
        for name in &template_names {
            let found = declared
                .iter()
                .find(|(_, p)| matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == *name);
            let (ty, doc_lines, deprecated) = match found {
                Some((p_at, p)) => {
                    let data = p.parameter_data_ref();
                    let ty = self.param_ty(site.doc, &data.format, p_at, &fn_hint.child(&data.name));
                    (ty, docs::lines(data.description.as_deref().unwrap_or("")), data.deprecated.unwrap_or(false))
                }
                None => {
                    self.diags.warn(
                        &label,
                        &site.at,
                        Kind::Parameter,
                        format!("path parameter `{name}` is not declared; taken as a string"),
                    );
                    (Ty::String, Vec::new(), false)
                }
            };
            let ident = names::disambiguate(&names::snake(name), |n| taken.contains(n));
            taken.insert(ident.clone());
            path_idents.insert(name.clone(), ident.clone());
            params.push(Param {
                field: Field {
                    ident,
                    wire: name.clone(),
                    ty,
                    required: true,
                    nullable: false,
                    boxed: false,
                    doc: doc_lines,
                    deprecated,
                    extensions: Vec::new(),
                },
                location: Location::Path,
                explode: false,
            });
        }
        for (p_at, p) in &declared {
            let data = p.parameter_data_ref();
            let (location, explode) = match p {
                Parameter::Path { .. } => {
                    if !template_names.contains(&data.name) {
                        self.diags.warn(
                            &label,
                            p_at,
                            Kind::Parameter,
                            format!("path parameter `{}` does not appear in the path; ignored", data.name),
                        );
                    }
                    continue;
                }
                Parameter::Query { style, .. } => {
                    if !matches!(style, openapiv3::QueryStyle::Form) {
                        self.diags.warn(
                            &label,
                            p_at,
                            Kind::Unsupported,
                            format!("query style {style:?} is not supported; sent as form style"),
                        );
                    }
                    (Location::Query, data.explode.unwrap_or(true))
                }
                Parameter::Header { .. } => {
                    if data.name.eq_ignore_ascii_case(SESSION_HEADER) {
                        continue;
                    }
                    (Location::Header, false)
                }
                Parameter::Cookie { .. } => {
                    self.diags.warn(
                        &label,
                        p_at,
                        Kind::Unsupported,
                        format!("cookie parameter `{}` is not supported; the function does not send it", data.name),
                    );
                    continue;
                }
            };
            let ty = self.param_ty(site.doc, &data.format, p_at, &fn_hint.child(&data.name));
            let ident =
                names::disambiguate(&names::snake(&data.name), |n| taken.contains(n) || n == "body" || n == "params");
            taken.insert(ident.clone());
            let param = Param {
                field: Field {
                    ident,
                    wire: data.name.clone(),
                    ty,
                    required: data.required,
                    nullable: false,
                    boxed: false,
                    doc: docs::lines(data.description.as_deref().unwrap_or("")),
                    deprecated: data.deprecated.unwrap_or(false),
                    extensions: self.extensions(site.doc, p_at),
                },
                location,
                explode,
            };
            if data.required { params.push(param) } else { optional.push(param) }
        }

        let body = op
            .request_body
            .as_ref()
            .map(|b| self.request_body(site.doc, b, &site.at.push("requestBody"), &fn_hint.child("Body")));

        // Responses.
        let mut success: Option<(u16, Ty)> = None;
        let mut errors: Vec<ErrorResponse> = Vec::new();
        let mut codes: Vec<(u16, &StatusCode, &'a ReferenceOr<Response>)> =
            op.responses.responses.iter().map(|(c, r)| (status_sort(c), c, r)).collect();
        codes.sort_by_key(|(k, _, _)| *k);
        for (_, code, response) in codes {
            let r_at = site.at.push("responses").push(code.to_string());
            let is_success = match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            };
            let Some((response, r_at)) = self.response(site.doc, response, &r_at) else { continue };
            if is_success {
                if success.is_none() {
                    let ty =
                        self.response_body(site.doc, response, &r_at, &fn_hint.child("Response"), enveloped, false);
                    success = Some((status_code(code), ty.map(|(ty, _)| ty).unwrap_or(Ty::Unit)));
                }
            } else {
                let body = self.response_body(site.doc, response, &r_at, &fn_hint.child("Error"), enveloped, true);
                let (ty, component) = match body {
                    Some((ty, component)) => (Some(ty), component),
                    None => (None, None),
                };
                errors.push(ErrorResponse {
                    status: status_code(code),
                    label: code.to_string(),
                    component,
                    ty,
                    description: response.description.clone(),
                });
            }
        }
        if let Some(default) = &op.responses.default {
            let r_at = site.at.push("responses").push("default");
            if let Some((response, r_at)) = self.response(site.doc, default, &r_at) {
                let body = self.response_body(site.doc, response, &r_at, &fn_hint.child("Error"), enveloped, true);
                let (ty, component) = match body {
                    Some((ty, component)) => (Some(ty), component),
                    None => (None, None),
                };
                errors.push(ErrorResponse {
                    status: 0,
                    label: "default".to_owned(),
                    component,
                    ty,
                    description: response.description.clone(),
                });
            }
        }
        let response = success.map(|(_, ty)| ty).unwrap_or(Ty::Unit);
        let error = self.error_spec(site.doc, &errors, enveloped);

        let deprecated = if site.ext.replacement.is_some() || op.deprecated { Some(String::new()) } else { None };

        // Docs.
        let mut doc_lines = Vec::new();
        if let Some(summary) = &op.summary {
            docs::append_paragraph(&mut doc_lines, summary);
        }
        if let Some(description) = &op.description {
            if op.summary.as_deref() != Some(description.as_str()) {
                docs::append_paragraph(&mut doc_lines, description);
            }
        }
        let method = site.method.to_ascii_uppercase();
        doc_lines.push(String::new());
        doc_lines.push(format!("HTTP: {}", docs::code(&format!("{method} {}", site.full_path))));

        let optional_struct = if optional.is_empty() {
            None
        } else {
            let id = TypeId(self.nodes.len());
            let name = format!("{}Params", names::camel(&site.ident).trim_start_matches("r#"));
            self.nodes.push(Node {
                doc: site.doc,
                pointer: site.at.clone(),
                want: (site.module.clone(), name),
                kind: Some(TypeKind::Params(optional.iter().map(|p| p.field.clone()).collect())),
                doc_lines: vec![format!("The optional parameters of {}.", docs::code(&rust_path))],
                extensions: Vec::new(),
                unique: true,
            });
            Some((id, optional))
        };

        let legacy = site.ext.legacy.as_ref().and_then(|twin| {
            let twin_template = parse_template(twin.path.split('?').next().unwrap_or(&twin.path));
            let mut parts = Vec::new();
            for part in twin_template {
                match part {
                    RawPart::Literal(text) => parts.push(PathPart::Literal(text)),
                    RawPart::Param(name) => match path_idents.get(&name) {
                        Some(ident) => parts.push(PathPart::Param(ident.clone())),
                        None => {
                            self.diags.warn(&label, &site.at.push(vendor::DOC_DEPRECATED_PATH), Kind::Extension, format!("the legacy path names parameter `{name}`, which the operation does not have; the legacy twin is ignored"));
                            return None;
                        }
                    },
                }
            }
            let query = twin.path.split_once('?').map(|(_, q)| encode_fixed_query(q));
            Some(LegacyRoute {
                method: twin.method.to_ascii_uppercase(),
                path: PathTemplate { parts, query },
                body_key: body.as_ref().map(|_| "spec".to_owned()),
            })
        });

        let twin_in_spec = site.ext.legacy.is_some() && !self.twin_function(&site.ext);
        if let Some(twin) = &legacy {
            doc_lines.push(String::new());
            let callable = if twin_in_spec {
                "the spec describes it as an operation of its own".to_owned()
            } else {
                format!("callable as [`{}_legacy`]", site.ident.trim_start_matches("r#"))
            };
            doc_lines.push(format!(
                "Legacy twin: {}, taken by clients in `ApiMode::Legacy` (vCenter before 7.0 U2); {callable}. Its result comes wrapped in {}, which is unwrapped{}.",
                docs::code(&format!("{} {}", twin.method, twin.path.display())),
                docs::code("{\"value\": ...}"),
                if twin.body_key.is_some() { "; the request body is sent as `{\"spec\": ...}`, the vAPI convention for `/rest`" } else { "" },
            ));
        }
        if !error.documented.is_empty() {
            doc_lines.push(String::new());
            doc_lines.push("# Errors".to_owned());
            doc_lines.push(String::new());
            for (status, description) in &error.documented {
                let text = docs::lines(description).into_iter().filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
                if text.is_empty() {
                    doc_lines.push(format!("- `{status}`"));
                } else {
                    doc_lines.push(format!("- `{status}`: {text}"));
                }
            }
        }
        let mut extras: Vec<(String, String)> =
            site.ext.other.iter().map(|(k, v)| (k.clone(), vendor::render(v))).collect();
        if let Some(name) = &site.ext.doc_operation {
            extras.push((vendor::DOC_OPERATION.to_owned(), name.clone()));
        }
        if let Some(twin) = &site.ext.legacy {
            extras.push((vendor::DOC_DEPRECATED_METHOD.to_owned(), twin.method.clone()));
            extras.push((vendor::DOC_DEPRECATED_PATH.to_owned(), twin.path.clone()));
        }
        if let Some(r) = &site.ext.replacement {
            extras.push((
                vendor::DEPRECATED.to_owned(),
                format!("replacement: {}{}", r.file.as_deref().unwrap_or(""), r.pointer),
            ));
        }
        extras.sort();

        let namespace = site.module.first().cloned().unwrap_or_default();
        let operation = Operation {
            ident: site.ident.clone(),
            doc: doc_lines,
            method: method.clone(),
            path: PathTemplate { parts: to_parts(&parse_template(&path), &path_idents), query },
            params,
            optional: optional_struct,
            body,
            response,
            error,
            enveloped,
            body_key: None,
            legacy: legacy.clone(),
            deprecated,
            rust_path: rust_path.clone(),
            gate: crate::ir::Gate::Feature(namespace.clone()),
            from_spec: true,
            source: label.clone(),
            extensions: extras,
        };
        let mut out = vec![OpDraft {
            doc: site.doc,
            pointer: site.at.clone(),
            module: site.module.clone(),
            namespace: namespace.clone(),
            replacement: site.ext.replacement.clone(),
            op: operation.clone(),
        }];
        if let Some(twin) = legacy.filter(|_| !twin_in_spec) {
            let twin_ident = format!("{}_legacy", site.ident.trim_start_matches("r#"));
            let mut twin_op = operation;
            twin_op.doc = vec![
                format!(
                    "The legacy twin of [`{}`]: {}.",
                    site.ident.trim_start_matches("r#"),
                    docs::code(&format!("{} {}", twin.method, twin.path.display()))
                ),
                String::new(),
                format!(
                    "For vCenter releases before 7.0 U2, which serve only `/rest`. The result comes wrapped in {} and is unwrapped here. A client in `ApiMode::Legacy` sends [`{}`] this way too.",
                    docs::code("{\"value\": ...}"),
                    site.ident.trim_start_matches("r#")
                ),
            ];
            twin_op.ident = twin_ident.clone();
            twin_op.method = twin.method.clone();
            twin_op.path = twin.path.clone();
            twin_op.enveloped = true;
            twin_op.legacy = None;
            twin_op.deprecated = Some(format!("the `/rest` surface is deprecated; use `crate::{rust_path}`"));
            twin_op.rust_path = self::rust_path(&site.module, &twin_ident);
            twin_op.from_spec = false;
            twin_op.body_key = twin.body_key.clone();
            out.push(OpDraft {
                doc: site.doc,
                pointer: site.at.clone(),
                module: site.module.clone(),
                namespace,
                replacement: None,
                op: twin_op,
            });
        }
        out
    }

    fn parameter(&mut self, doc: usize, p: &'a ReferenceOr<Parameter>, at: &Pointer) -> Option<&'a Parameter> {
        let docs = self.docs;
        match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/");
                let found = name.and_then(|n| docs[doc].api.components.as_ref()?.parameters.get(n));
                match found {
                    Some(ReferenceOr::Item(p)) => Some(p),
                    _ => {
                        let label = docs[doc].label.clone();
                        self.diags.warn(
                            &label,
                            at,
                            Kind::DanglingRef,
                            format!("`$ref: {reference}` does not lead to a parameter; the parameter is left out"),
                        );
                        None
                    }
                }
            }
        }
    }

    fn param_ty(&mut self, doc: usize, format: &'a ParameterSchemaOrContent, at: &Pointer, hint: &Hint) -> Ty {
        match format {
            ParameterSchemaOrContent::Schema(schema) => self.schema_ty(doc, schema.into(), &at.push("schema"), hint),
            ParameterSchemaOrContent::Content(content) => match content
                .iter()
                .next()
                .and_then(|(media, m)| m.schema.as_ref().map(|s| (media, s)))
            {
                Some((media, schema)) => {
                    self.schema_ty(doc, schema.into(), &at.push("content").push(media).push("schema"), hint)
                }
                None => {
                    let label = self.docs[doc].label.clone();
                    self.diags.warn(&label, at, Kind::MissingSchema, "a parameter without a schema; taken as a string");
                    Ty::String
                }
            },
        }
    }

    fn request_body(
        &mut self,
        doc: usize,
        body: &'a ReferenceOr<RequestBody>,
        at: &Pointer,
        hint: &Hint,
    ) -> (Ty, bool) {
        let docs = self.docs;
        let label = docs[doc].label.clone();
        let (body, at) = match body {
            ReferenceOr::Item(b) => (b, at.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/");
                match name.and_then(|n| docs[doc].api.components.as_ref()?.request_bodies.get(n).map(|b| (n, b))) {
                    Some((n, ReferenceOr::Item(b))) => {
                        (b, Pointer::root().push("components").push("requestBodies").push(n))
                    }
                    _ => {
                        self.diags.warn(
                            &label,
                            at,
                            Kind::DanglingRef,
                            format!("`$ref: {reference}` points nowhere; the request body is `serde_json::Value`"),
                        );
                        return (self.free_form(doc), true);
                    }
                }
            }
        };
        match json_media(&body.content) {
            Some((media, m)) => match &m.schema {
                Some(schema) => (
                    self.schema_ty(doc, schema.into(), &at.push("content").push(media).push("schema"), hint),
                    body.required,
                ),
                None => {
                    self.diags.warn(
                        &label,
                        &at.push("content").push(media),
                        Kind::MissingSchema,
                        "a request body media type without a schema; the body is `serde_json::Value`",
                    );
                    (self.free_form(doc), body.required)
                }
            },
            None => {
                if !body.content.is_empty() {
                    let kinds: Vec<&str> = body.content.keys().map(String::as_str).collect();
                    self.diags.warn(
                        &label,
                        &at.push("content"),
                        Kind::Unsupported,
                        format!(
                            "only JSON request bodies are supported, found {}; sent as JSON `serde_json::Value`",
                            kinds.join(", ")
                        ),
                    );
                }
                (self.free_form(doc), body.required)
            }
        }
    }

    fn response(&mut self, doc: usize, r: &'a ReferenceOr<Response>, at: &Pointer) -> Option<(&'a Response, Pointer)> {
        let docs = self.docs;
        match r {
            ReferenceOr::Item(r) => Some((r, at.clone())),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/");
                match name.and_then(|n| docs[doc].api.components.as_ref()?.responses.get(n).map(|r| (n, r))) {
                    Some((n, ReferenceOr::Item(r))) => {
                        Some((r, Pointer::root().push("components").push("responses").push(n)))
                    }
                    _ => {
                        let label = docs[doc].label.clone();
                        self.diags.warn(
                            &label,
                            at,
                            Kind::DanglingRef,
                            format!("`$ref: {reference}` points nowhere; the response is ignored"),
                        );
                        None
                    }
                }
            }
        }
    }

    /// The type of a response body (unwrapping `/rest` envelopes), and its component name.
    fn response_body(
        &mut self,
        doc: usize,
        r: &'a Response,
        at: &Pointer,
        hint: &Hint,
        enveloped: bool,
        error: bool,
    ) -> Option<(Ty, Option<String>)> {
        let label = self.docs[doc].label.clone();
        let (media, m) = match json_media(&r.content) {
            Some(found) => found,
            None if r.content.is_empty() => return None,
            None => {
                let kinds: Vec<&str> = r.content.keys().map(String::as_str).collect();
                self.diags.warn(
                    &label,
                    &at.push("content"),
                    Kind::Unsupported,
                    format!(
                        "only JSON responses are supported, found {}; decoded as `serde_json::Value`",
                        kinds.join(", ")
                    ),
                );
                return Some((self.free_form(doc), None));
            }
        };
        let s_at = at.push("content").push(media).push("schema");
        let Some(schema) = &m.schema else {
            self.diags.warn(
                &label,
                &at.push("content").push(media),
                Kind::MissingSchema,
                "a media type without a schema; the body decodes as `serde_json::Value`",
            );
            return Some((self.free_form(doc), None));
        };
        let mut sref = SRef::from(schema);
        let mut component = match sref {
            SRef::Ref(reference) => self.component_name(doc, reference, &s_at),
            SRef::Item(_) => None,
        };
        if matches!(sref, SRef::Ref(_)) && component.is_none() {
            return Some((self.free_form(doc), None));
        }
        if enveloped {
            if let Some(name) = &component {
                let wanted: &[&str] = if error { &["type", "value"] } else { &["value"] };
                if let Some((inner, inner_at)) = self.envelope(doc, name, wanted) {
                    self.envelopes.insert((doc, name.clone()));
                    let inner_component = match inner {
                        SRef::Ref(reference) => self.component_name(doc, reference, &inner_at),
                        SRef::Item(_) => None,
                    };
                    if matches!(inner, SRef::Ref(_)) && inner_component.is_none() {
                        return Some((self.free_form(doc), None));
                    }
                    sref = inner;
                    component = inner_component;
                    let ty = self.schema_ty(doc, sref, &inner_at, hint);
                    return Some((ty, component));
                }
            }
        }
        Some((self.schema_ty(doc, sref, &s_at, hint), component))
    }

    /// The `value` of a `/rest` envelope: an object whose properties are exactly `wanted`.
    fn envelope(&self, doc: usize, name: &str, wanted: &[&str]) -> Option<(SRef<'a>, Pointer)> {
        let schema = self.resolve_item(doc, name)?;
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) = &schema.schema_kind else { return None };
        let mut keys: Vec<&str> = o.properties.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut wanted = wanted.to_vec();
        wanted.sort_unstable();
        if keys != wanted {
            return None;
        }
        let value = o.properties.get("value")?;
        Some((SRef::from(value), super::schema::component_pointer(name).push("properties").push("value")))
    }

    /// Decides the error type of an operation from its error responses.
    ///
    /// An operation that documents no typed error still gets its document's standard-error
    /// union (of its surface: the `/rest` scheme's for `/rest` operations), since vCenter answers
    /// any call with those errors; the union's catch-all variant keeps anything else.
    fn error_spec(&mut self, doc: usize, errors: &[ErrorResponse], enveloped: bool) -> ErrorSpec {
        let documented: Vec<(String, String)> =
            errors.iter().map(|e| (e.label.clone(), e.description.clone())).collect();
        let typed: Vec<&ErrorResponse> = errors.iter().filter(|e| e.ty.is_some()).collect();
        if typed.is_empty() {
            let mut plans: Vec<(&String, &super::UnionPlan)> =
                self.unions.iter().filter(|(k, _)| k.0 == doc).map(|(k, p)| (&k.1, p)).collect();
            plans.sort_by(|a, b| a.0.cmp(b.0));
            let standard = plans.iter().find(|(_, p)| {
                p.property == "error_type"
                    && p.variants.first().is_some_and(|(_, c)| place::rest_scheme(c) == enveloped)
            });
            if let Some((key, plan)) = standard {
                let (key, property) = ((*key).clone(), plan.property.clone());
                let ty = self.union_ty(doc, &key);
                return ErrorSpec { ty, tags: Some((property, Vec::new())), documented };
            }
            return ErrorSpec { ty: Ty::Json, tags: None, documented };
        }
        // A union that covers every error response's component.
        let components: Vec<&str> = typed.iter().filter_map(|e| e.component.as_deref()).collect();
        if components.len() == typed.len() {
            let mut plans: Vec<(&(usize, String), &super::UnionPlan)> =
                self.unions.iter().filter(|(k, _)| k.0 == doc).collect();
            plans.sort_by(|a, b| a.0.cmp(b.0));
            let found = plans.into_iter().find(|(_, plan)| {
                components.iter().all(|c| plan.base.as_deref() == Some(*c) || plan.variants.iter().any(|(_, t)| t == c))
            });
            if let Some(((_, key), plan)) = found {
                let (key, plan) = (key.clone(), plan.clone());
                let ty = self.union_ty(doc, &key);
                let mut by_status = Vec::new();
                for e in &typed {
                    let component = e.component.as_deref().unwrap_or_default();
                    if let Some((tag, _)) = plan.variants.iter().find(|(_, t)| t == component) {
                        by_status.push((e.status, tag.clone()));
                    }
                }
                return ErrorSpec { ty, tags: Some((plan.property.clone(), by_status)), documented };
            }
        }
        let mut distinct: Vec<&Ty> = typed.iter().filter_map(|e| e.ty.as_ref()).collect();
        distinct.dedup();
        distinct.sort();
        distinct.dedup();
        if distinct.len() == 1 {
            return ErrorSpec { ty: distinct[0].clone(), tags: None, documented };
        }
        self.untyped_errors[doc] += 1;
        ErrorSpec { ty: Ty::Json, tags: None, documented }
    }
}

/// One documented error response.
struct ErrorResponse {
    /// The status code; 0 for `default` and ranges.
    status: u16,
    /// The status as the spec writes it (`404`, `4XX`, `default`).
    label: String,
    /// The component schema of the body (after unwrapping a `/rest` envelope).
    component: Option<String>,
    /// The body's type, if it has one.
    ty: Option<Ty>,
    description: String,
}

/// The JSON media type of a content map, if any.
fn json_media(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Option<(&String, &openapiv3::MediaType)> {
    content.iter().find(|(media, _)| {
        let m = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*"
    })
}

fn status_sort(code: &StatusCode) -> u16 {
    match code {
        StatusCode::Code(c) => *c,
        StatusCode::Range(r) => r * 100 + 99,
    }
}

fn status_code(code: &StatusCode) -> u16 {
    match code {
        StatusCode::Code(c) => *c,
        StatusCode::Range(_) => 0,
    }
}

/// `a::b::get`.
pub(crate) fn rust_path(module: &ModPath, ident: &str) -> String {
    let mut parts: Vec<&str> = module.iter().map(|s| s.trim_start_matches("r#")).collect();
    parts.push(ident.trim_start_matches("r#"));
    parts.join("::")
}

enum RawPart {
    Literal(String),
    Param(String),
}

fn parse_template(path: &str) -> Vec<RawPart> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        match rest[open..].find('}') {
            Some(close) => {
                if open > 0 {
                    parts.push(RawPart::Literal(rest[..open].to_owned()));
                }
                parts.push(RawPart::Param(rest[open + 1..open + close].to_owned()));
                rest = &rest[open + close + 1..];
            }
            None => break,
        }
    }
    if !rest.is_empty() {
        parts.push(RawPart::Literal(rest.to_owned()));
    }
    parts
}

fn to_parts(raw: &[RawPart], idents: &BTreeMap<String, String>) -> Vec<PathPart> {
    raw.iter()
        .map(|p| match p {
            RawPart::Literal(text) => PathPart::Literal(encode_literal(text)),
            RawPart::Param(name) => match idents.get(name) {
                Some(ident) => PathPart::Param(ident.clone()),
                None => PathPart::Literal(format!("{{{name}}}")),
            },
        })
        .collect()
}

/// Percent-encodes characters that may not appear literally in a path.
fn encode_literal(text: &str) -> String {
    encode_allowed(text, "-._~!$&'()*+,;=:@/%")
}

/// Percent-encodes characters that may not appear literally in a query.
fn encode_fixed_query(query: &str) -> String {
    encode_allowed(query, "-._~!$&'()*+,;=:@/?%")
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
