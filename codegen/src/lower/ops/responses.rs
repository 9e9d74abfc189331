//! Responses: the success type and the error type of an operation.

use openapiv3::{ReferenceOr, Response, StatusCode};

use super::OpCtx;
use crate::diag::Kind;
use crate::ir::{ErrorSpec, FileId, StatusKey, Surface, Ty};
use crate::lower::schema::{Hint, SRef, component_pointer};
use crate::lower::{Lowerer, UnionPlan};
use crate::pointer::Pointer;

/// One documented error response.
struct ErrorResponse {
    status: StatusKey,
    /// The component schema of the body (after unwrapping a `/rest` envelope).
    component: Option<String>,
    /// The body's type, if it has one.
    ty: Option<Ty>,
    description: String,
}

/// A lowered response body: its type, and the component it names.
type Payload = (Ty, Option<String>);

/// The JSON media type of a content map, if any.
pub(crate) fn json_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&String, &openapiv3::MediaType)> {
    content.iter().find(|(media, _)| {
        let m = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*"
    })
}

fn status_key(code: &StatusCode) -> StatusKey {
    match code {
        StatusCode::Code(c) => StatusKey::Code(*c),
        StatusCode::Range(r) => StatusKey::Range(u8::try_from(*r).unwrap_or(u8::MAX)),
    }
}

impl<'a> Lowerer<'a> {
    /// The success type (the first 2xx response's body, `()` without one) and the error spec.
    pub(super) fn responses(&mut self, cx: &OpCtx<'_, 'a>) -> (Ty, ErrorSpec) {
        let op = cx.site.op;
        let mut codes: Vec<(StatusKey, &'a ReferenceOr<Response>)> =
            op.responses.responses.iter().map(|(c, r)| (status_key(c), r)).collect();
        codes.sort_by_key(|(k, _)| k.order());
        codes.extend(op.responses.default.as_ref().map(|r| (StatusKey::Default, r)));
        let mut success: Option<Ty> = None;
        let mut errors: Vec<ErrorResponse> = Vec::new();
        for (status, response) in codes {
            let r_at = cx.at().push("responses").push(status.to_string());
            let Some((response, r_at)) = self.response(cx.file(), response, &r_at) else { continue };
            if status.is_success() {
                if success.is_none() {
                    let body = self.response_body(cx, response, &r_at, &cx.hint.child("Response"), false);
                    success = Some(body.map(|(ty, _)| ty).unwrap_or(Ty::Unit));
                }
            } else {
                let body = self.response_body(cx, response, &r_at, &cx.hint.child("Error"), true);
                let (ty, component) = body.map_or((None, None), |(ty, c)| (Some(ty), c));
                errors.push(ErrorResponse { status, component, ty, description: response.description.clone() });
            }
        }
        let error = self.error_spec(cx.file(), &errors, cx.surface);
        (success.unwrap_or(Ty::Unit), error)
    }

    /// A response, following a `$ref` to `#/components/responses`.
    fn response(
        &mut self,
        file: FileId,
        r: &'a ReferenceOr<Response>,
        at: &Pointer,
    ) -> Option<(&'a Response, Pointer)> {
        match r {
            ReferenceOr::Item(r) => Some((r, at.clone())),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/");
                match name.and_then(|n| self.doc(file).api.components.as_ref()?.responses.get(n).map(|r| (n, r))) {
                    Some((n, ReferenceOr::Item(r))) => {
                        Some((r, Pointer::root().push("components").push("responses").push(n)))
                    }
                    _ => {
                        let message = format!("`$ref: {reference}` points nowhere; the response is ignored");
                        self.warn(file, at, Kind::DanglingRef, message);
                        None
                    }
                }
            }
        }
    }

    /// The type of a response body (unwrapping `/rest` envelopes), and its component name.
    fn response_body(
        &mut self,
        cx: &OpCtx,
        r: &'a Response,
        at: &Pointer,
        hint: &Hint,
        error: bool,
    ) -> Option<Payload> {
        let file = cx.file();
        let (media, m) = match json_media(&r.content) {
            Some(found) => found,
            None if r.content.is_empty() => return None,
            None => {
                let kinds: Vec<&str> = r.content.keys().map(String::as_str).collect();
                let message = format!(
                    "only JSON responses are supported, found {}; decoded as `serde_json::Value`",
                    kinds.join(", ")
                );
                self.warn(file, &at.push("content"), Kind::Unsupported, message);
                return Some((self.free_form(file), None));
            }
        };
        let s_at = at.push("content").push(media).push("schema");
        let Some(schema) = &m.schema else {
            let message = "a media type without a schema; the body decodes as `serde_json::Value`";
            self.warn(file, &at.push("content").push(media), Kind::MissingSchema, message);
            return Some((self.free_form(file), None));
        };
        let sref = SRef::from(schema);
        if let SRef::Ref(reference) = sref {
            if self.inner_schema(file, reference).is_some() {
                return Some((self.schema_ty(file, sref, &s_at, hint), None));
            }
        }
        let component = match sref {
            SRef::Ref(reference) => match self.component_name(file, reference, &s_at) {
                Some(name) => Some(name),
                None => return Some((self.free_form(file), None)),
            },
            SRef::Item(_) => None,
        };
        if cx.surface == Surface::Rest {
            if let Some(payload) = component.as_deref().and_then(|name| self.unwrap_envelope(file, name, hint, error)) {
                return Some(payload);
            }
        }
        Some((self.schema_ty(file, sref, &s_at, hint), component))
    }

    /// The type inside a `/rest` envelope component, if `name` is one.
    fn unwrap_envelope(&mut self, file: FileId, name: &str, hint: &Hint, error: bool) -> Option<Payload> {
        let wanted: &[&str] = if error { &["type", "value"] } else { &["value"] };
        let (inner, inner_at) = self.envelope(file, name, wanted)?;
        self.envelopes.insert((file, name.to_owned()));
        let component = match inner {
            SRef::Ref(reference) => match self.component_name(file, reference, &inner_at) {
                Some(name) => Some(name),
                None => return Some((self.free_form(file), None)),
            },
            SRef::Item(_) => None,
        };
        Some((self.schema_ty(file, inner, &inner_at, hint), component))
    }

    /// The `value` of a `/rest` envelope: an object whose properties are exactly `wanted`.
    fn envelope(&self, file: FileId, name: &str, wanted: &[&str]) -> Option<(SRef<'a>, Pointer)> {
        let schema = self.resolve_item(file, name)?;
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) = &schema.schema_kind else { return None };
        let mut keys: Vec<&str> = o.properties.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut wanted = wanted.to_vec();
        wanted.sort_unstable();
        if keys != wanted {
            return None;
        }
        let value = o.properties.get("value")?;
        Some((SRef::from(value), component_pointer(name).push("properties").push("value")))
    }

    /// Decides the error type of an operation from its error responses.
    ///
    /// An operation that documents no typed error still gets its document's standard-error
    /// union (of its surface: the `/rest` scheme's for `/rest` operations), since vCenter answers
    /// any call with those errors; the union's catch-all variant keeps anything else.
    fn error_spec(&mut self, file: FileId, errors: &[ErrorResponse], surface: Surface) -> ErrorSpec {
        let documented: Vec<_> = errors.iter().map(|e| (e.status, e.description.clone())).collect();
        let typed: Vec<&ErrorResponse> = errors.iter().filter(|e| e.ty.is_some()).collect();
        let plans: Vec<(String, UnionPlan)> =
            self.unions.iter().filter(|(k, _)| k.0 == file).map(|(k, p)| (k.1.clone(), p.clone())).collect();
        let ty = if typed.is_empty() {
            let rest = surface == Surface::Rest;
            match plans.iter().find(|(_, p)| p.standard && p.rest_scheme == rest) {
                Some((key, _)) => self.union_ty(file, key),
                None => Ty::Json,
            }
        } else if let Some((key, _)) = covering_union(&plans, &typed) {
            self.union_ty(file, key)
        } else {
            let mut distinct: Vec<&Ty> = typed.iter().filter_map(|e| e.ty.as_ref()).collect();
            distinct.sort();
            distinct.dedup();
            match distinct.as_slice() {
                [one] => (*one).clone(),
                _ => {
                    self.untyped_errors[file.0] += 1;
                    Ty::Json
                }
            }
        };
        ErrorSpec { ty, documented }
    }
}

/// The first union (by key) that covers every typed error response's component.
fn covering_union<'p>(plans: &'p [(String, UnionPlan)], typed: &[&ErrorResponse]) -> Option<&'p (String, UnionPlan)> {
    let components: Vec<&str> = typed.iter().filter_map(|e| e.component.as_deref()).collect();
    if components.len() != typed.len() {
        return None;
    }
    plans.iter().find(|(_, plan)| {
        components.iter().all(|c| plan.base.as_deref() == Some(*c) || plan.variants.iter().any(|(_, t)| t == c))
    })
}
