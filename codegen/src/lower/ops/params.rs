//! Parameters, the optional-parameter struct, and the request body.

use openapiv3::{Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody};

use super::{OpCtx, template_names};
use crate::diag::Kind;
use crate::docs;
use crate::ir::{Body, BodyEncoding, Facets, Field, Location, Optional, Param, Ty, TypeId, TypeKind};
use crate::lower::schema::Hint;
use crate::lower::{Lowerer, Node};
use crate::names;
use crate::pointer::Pointer;

/// The header the client fills with the session id; never a function argument.
const SESSION_HEADER: &str = "vmware-api-session-id";

/// The parameters of one operation, sorted for the function's signature.
pub(crate) struct Params {
    /// Path parameters in template order, then required query and header parameters.
    pub args: Vec<Param>,
    /// Optional query and header parameters.
    pub optional: Vec<Param>,
    /// The path template's parameter names.
    pub path_names: Vec<String>,
}

/// Argument names the generated function uses itself.
const RESERVED_ARGS: [&str; 2] = ["body", "params"];

impl<'a> Lowerer<'a> {
    /// The parameters of an operation: declared ones, path ones in template order first.
    pub(super) fn params(&mut self, cx: &OpCtx<'_, 'a>) -> Params {
        let declared = self.declared(cx);
        let path_names = template_names(&cx.path);
        let mut params = Params { args: Vec::new(), optional: Vec::new(), path_names };
        for name in params.path_names.clone() {
            let param = self.path_param(cx, &declared, &name, &params.args);
            params.args.push(param);
        }
        for (p_at, p) in &declared {
            let data = p.parameter_data_ref();
            let Some((location, explode)) = self.location(cx, p, p_at, &params.path_names) else { continue };
            let taken = |n: &str| params.args.iter().chain(&params.optional).any(|q| q.field.ident == n);
            let ident = names::disambiguate(&names::snake(&data.name), |n| taken(n) || RESERVED_ARGS.contains(&n));
            if names::is_blank(&data.name) {
                self.warn(
                    cx.file(),
                    p_at,
                    Kind::Parameter,
                    "the parameter name has no letter or digit; its argument is named `value`",
                );
            }
            let ty = self.param_ty(cx, &data.format, p_at, &cx.hint.child(&data.name));
            let param = Param { field: self.param_field(cx, ident, data, ty, p_at), location, explode };
            if data.required { params.args.push(param) } else { params.optional.push(param) }
        }
        params
    }

    /// Path-level parameters, overridden by operation-level ones of the same name and place.
    fn declared(&mut self, cx: &OpCtx<'_, 'a>) -> Vec<(Pointer, &'a Parameter)> {
        let site = cx.site;
        let mut declared: Vec<(Pointer, &'a Parameter)> = Vec::new();
        let item_at = Pointer::root().push("paths").push(site.path_key).push("parameters");
        for (list, list_at) in [(&site.item.parameters, item_at), (&site.op.parameters, site.at.push("parameters"))] {
            for (i, p) in list.iter().enumerate() {
                let p_at = list_at.push(i.to_string());
                let Some(param) = self.parameter(cx, p, &p_at) else { continue };
                let data = param.parameter_data_ref();
                declared.retain(|(_, q)| {
                    q.parameter_data_ref().name != data.name
                        || std::mem::discriminant(*q) != std::mem::discriminant(param)
                });
                declared.push((p_at, param));
            }
        }
        declared
    }

    /// A path parameter of the template, declared or not.
    fn path_param(
        &mut self,
        cx: &OpCtx<'_, 'a>,
        declared: &[(Pointer, &'a Parameter)],
        name: &str,
        taken: &[Param],
    ) -> Param {
        let found =
            declared.iter().find(|(_, p)| matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name);
        let ident = names::disambiguate(&names::snake(name), |n| taken.iter().any(|p| p.field.ident == n));
        let field = match found {
            Some((p_at, p)) => {
                let data = p.parameter_data_ref();
                let ty = self.param_ty(cx, &data.format, p_at, &cx.hint.child(&data.name));
                Field { extensions: Vec::new(), ..self.param_field(cx, ident, data, ty, p_at) }
            }
            None => {
                let message = format!("path parameter `{name}` is not declared; taken as a string");
                self.warn(cx.file(), cx.at(), Kind::Parameter, message);
                Field { ident, ..Field::plain(name, Ty::String) }
            }
        };
        Param { field: Field { required: true, ..field }, location: crate::ir::Location::Path, explode: false }
    }

    fn param_field(
        &self,
        cx: &OpCtx<'_, 'a>,
        ident: String,
        data: &openapiv3::ParameterData,
        ty: Ty,
        at: &Pointer,
    ) -> Field {
        Field {
            ident,
            wire: data.name.clone(),
            rename: None,
            ty,
            required: data.required,
            nullable: false,
            boxed: false,
            doc: docs::lines(data.description.as_deref().unwrap_or("")),
            deprecated: data.deprecated.unwrap_or(false),
            extensions: self.extensions(cx.file(), at),
            facets: self.param_facets(cx, &data.format),
        }
    }

    /// The facets of a parameter's schema.
    fn param_facets(&self, cx: &OpCtx, format: &'a ParameterSchemaOrContent) -> Facets {
        let schema = match format {
            ParameterSchemaOrContent::Schema(schema) => Some(schema),
            ParameterSchemaOrContent::Content(content) => content.values().next().and_then(|m| m.schema.as_ref()),
        };
        schema.map(|s| self.facets(cx.file(), s.into())).unwrap_or_default()
    }

    /// Where a declared parameter goes; `None` for path parameters (handled in template order),
    /// the session header and unsupported cookies.
    fn location(&mut self, cx: &OpCtx, p: &Parameter, at: &Pointer, path_names: &[String]) -> Option<(Location, bool)> {
        let data = p.parameter_data_ref();
        match p {
            Parameter::Path { .. } => {
                if !path_names.contains(&data.name) {
                    let message = format!("path parameter `{}` does not appear in the path; ignored", data.name);
                    self.warn(cx.file(), at, Kind::Parameter, message);
                }
                None
            }
            Parameter::Query { style, .. } => {
                if !matches!(style, QueryStyle::Form) {
                    let message = format!("query style {style:?} is not supported; sent as form style");
                    self.warn(cx.file(), at, Kind::Unsupported, message);
                }
                Some((Location::Query, data.explode.unwrap_or(true)))
            }
            Parameter::Header { .. } if data.name.eq_ignore_ascii_case(SESSION_HEADER) => None,
            Parameter::Header { .. } => Some((Location::Header, false)),
            Parameter::Cookie { .. } => {
                let message =
                    format!("cookie parameter `{}` is not supported; the function does not send it", data.name);
                self.warn(cx.file(), at, Kind::Unsupported, message);
                None
            }
        }
    }

    /// A declared parameter, following a `$ref` to `#/components/parameters`.
    fn parameter(&mut self, cx: &OpCtx, p: &'a ReferenceOr<Parameter>, at: &Pointer) -> Option<&'a Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/");
                let found = name.and_then(|n| self.doc(cx.file()).api.components.as_ref()?.parameters.get(n));
                match found {
                    Some(ReferenceOr::Item(p)) => Some(p),
                    _ => {
                        let message =
                            format!("`$ref: {reference}` does not lead to a parameter; the parameter is left out");
                        self.warn(cx.file(), at, Kind::DanglingRef, message);
                        None
                    }
                }
            }
        }
    }

    fn param_ty(&mut self, cx: &OpCtx, format: &'a ParameterSchemaOrContent, at: &Pointer, hint: &Hint) -> Ty {
        let file = cx.file();
        match format {
            ParameterSchemaOrContent::Schema(schema) => self.schema_ty(file, schema.into(), &at.push("schema"), hint),
            ParameterSchemaOrContent::Content(content) => {
                match content.iter().next().and_then(|(media, m)| m.schema.as_ref().map(|s| (media, s))) {
                    Some((media, schema)) => {
                        self.schema_ty(file, schema.into(), &at.push("content").push(media).push("schema"), hint)
                    }
                    None => {
                        self.warn(file, at, Kind::MissingSchema, "a parameter without a schema; taken as a string");
                        Ty::String
                    }
                }
            }
        }
    }

    /// The generated struct of an operation's optional parameters, if it has any.
    pub(super) fn optional_struct(&mut self, cx: &OpCtx, optional: Vec<Param>) -> Option<Optional> {
        if optional.is_empty() {
            return None;
        }
        let id = TypeId(self.nodes.len());
        self.nodes.push(Node {
            file: cx.file(),
            pointer: cx.at().clone(),
            want: (cx.site.module.clone(), names::params_type(&cx.site.ident)),
            kind: Some(TypeKind::Params(optional.iter().map(|p| p.field.clone()).collect())),
            doc_lines: vec![format!("The optional parameters of {}.", docs::code(&cx.rust_path))],
            extensions: Vec::new(),
            unique: true,
            rest_scheme: false,
        });
        Some(Optional { ty: id, params: optional })
    }

    /// The request body's type, following a `$ref` to `#/components/requestBodies`.
    pub(super) fn request_body(&mut self, cx: &OpCtx, body: &'a ReferenceOr<RequestBody>) -> Body {
        let file = cx.file();
        let at = cx.at().push("requestBody");
        let (body, at) = match body {
            ReferenceOr::Item(b) => (b, at),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/");
                let found =
                    name.and_then(|n| self.doc(file).api.components.as_ref()?.request_bodies.get(n).map(|b| (n, b)));
                match found {
                    Some((n, ReferenceOr::Item(b))) => {
                        (b, Pointer::root().push("components").push("requestBodies").push(n))
                    }
                    _ => {
                        let message =
                            format!("`$ref: {reference}` points nowhere; the request body is `serde_json::Value`");
                        self.warn(file, &at, Kind::DanglingRef, message);
                        return Body {
                            ty: self.free_form(file),
                            facets: Facets::default(),
                            encoding: BodyEncoding::Json,
                        };
                    }
                }
            }
        };
        let hint = cx.hint.child("Body");
        let (media, encoding) = match super::responses::json_media(&body.content) {
            Some(found) => (Some(found), BodyEncoding::Json),
            None => (form_media(&body.content), BodyEncoding::Form),
        };
        let Some((media, m)) = media else {
            if !body.content.is_empty() {
                let kinds: Vec<&str> = body.content.keys().map(String::as_str).collect();
                let message = format!(
                    "only JSON and form-encoded request bodies are supported, found {}; sent as JSON \
                     `serde_json::Value`",
                    kinds.join(", ")
                );
                self.warn(file, &at.push("content"), Kind::Unsupported, message);
            }
            return Body { ty: self.free_form(file), facets: Facets::default(), encoding: BodyEncoding::Json };
        };
        let Some(schema) = &m.schema else {
            let message = "a request body media type without a schema; the body is `serde_json::Value`";
            self.warn(file, &at.push("content").push(media), Kind::MissingSchema, message);
            return Body { ty: self.free_form(file), facets: Facets::default(), encoding };
        };
        let facets = self.facets(file, schema.into());
        let ty = self.schema_ty(file, schema.into(), &at.push("content").push(media).push("schema"), &hint);
        Body { ty, facets, encoding }
    }
}

/// The `application/x-www-form-urlencoded` media type of a content map, if any.
fn form_media(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Option<(&String, &openapiv3::MediaType)> {
    content.iter().find(|(media, _)| {
        media.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}
