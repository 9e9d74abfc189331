//! VMware's vendor extensions, read in one place into typed structs.
//!
//! Known extensions and what the generator does with them:
//! - `x-vmw-doc-operation: get`: the operation's function name in its service module.
//! - `x-vmw-doc-deprecated-method` and `x-vmw-doc-deprecated-path`: the operation's legacy twin
//!   on the `/rest` surface; it becomes a `#[deprecated]` `*_legacy` function and the route that a
//!   client in legacy mode takes.
//! - `x-vmw-deprecated: {replacement: "file#/paths/..."}`: the `/api` operation that replaces a
//!   deprecated `/rest` one; it becomes `#[deprecated(note = ...)]` naming the replacement.
//!
//! Every other `x-` key, anywhere, is kept with its JSON pointer and shown in the docs of what it
//! annotates. An unexpected value of a known extension is a warning, never a failure.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diag::{Diagnostics, Kind};
use crate::ir::HttpMethod;
use crate::pointer::Pointer;

/// Extensions this generator acts on.
pub const DOC_OPERATION: &str = "x-vmw-doc-operation";
/// The legacy twin's HTTP method.
pub const DOC_DEPRECATED_METHOD: &str = "x-vmw-doc-deprecated-method";
/// The legacy twin's path.
pub const DOC_DEPRECATED_PATH: &str = "x-vmw-doc-deprecated-path";
/// The replacement of a deprecated operation.
pub const DEPRECATED: &str = "x-vmw-deprecated";

/// Extensions without special meaning, kept to be shown in the docs: key to JSON value.
pub type Extras = BTreeMap<String, Value>;

/// The `/rest` twin of an operation (`x-vmw-doc-deprecated-method` and `-path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyTwin {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path, such as `/rest/appliance/recovery/reconciliation/job`.
    pub path: String,
}

/// Where the replacement of a deprecated operation is (`x-vmw-deprecated.replacement`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The file part before `#`, such as `api_vcenter.json`, if any.
    pub file: Option<String>,
    /// The pointer to the replacing operation, such as `#/paths/~1api~1vcenter~1vm/get`.
    pub pointer: Pointer,
}

/// The extensions of one operation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationExtensions {
    /// `x-vmw-doc-operation`.
    pub doc_operation: Option<String>,
    /// `x-vmw-doc-deprecated-method` and `-path`.
    pub legacy: Option<LegacyTwin>,
    /// `x-vmw-deprecated`.
    pub replacement: Option<Replacement>,
    /// Every other `x-` key of the operation.
    pub other: Extras,
}

/// Every vendor extension of one document.
#[derive(Debug, Clone, Default)]
pub struct Vendor {
    /// Operations, by the pointer of the operation object (`#/paths/~1x/get`).
    pub operations: BTreeMap<Pointer, OperationExtensions>,
    /// Every other object carrying `x-` keys, by its pointer.
    pub other: BTreeMap<Pointer, Extras>,
}

impl Vendor {
    /// The extensions of the operation at `pointer` (empty if it has none).
    pub fn operation(&self, pointer: &Pointer) -> OperationExtensions {
        self.operations.get(pointer).cloned().unwrap_or_default()
    }

    /// The unrecognised extensions of the object at `pointer`.
    pub fn extras(&self, pointer: &Pointer) -> Extras {
        self.other.get(pointer).cloned().unwrap_or_default()
    }
}

/// Reads every `x-` key of `doc`, and shows `also` every object of `doc` on the way (its pointer,
/// and whether it lies inside an example or an extension), for a reader that needs one more walk
/// of the document.
pub fn read(
    label: &str,
    doc: &Value,
    diags: &mut Diagnostics,
    also: &mut impl FnMut(&serde_json::Map<String, Value>, &Pointer, bool),
) -> Vendor {
    let mut vendor = Vendor::default();
    collect(doc, &mut vendor.other, also);
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for method in HttpMethod::ALL {
                let at = Pointer::root().push("paths").push(path).push(method.key());
                if item.get(method.key()).is_some_and(Value::is_object) {
                    let extras = vendor.other.remove(&at).unwrap_or_default();
                    let ext = operation(label, &at, method, extras, diags);
                    vendor.operations.insert(at, ext);
                }
            }
        }
    }
    vendor
}

/// Records the `x-` keys of every object of `doc` (not inside examples or extensions), showing
/// `also` every object.
fn collect(
    doc: &Value,
    out: &mut BTreeMap<Pointer, Extras>,
    also: &mut impl FnMut(&serde_json::Map<String, Value>, &Pointer, bool),
) {
    let aside = |key: &str| key.starts_with("x-") || matches!(key, "example" | "examples" | "enum" | "default");
    crate::pointer::walk_objects(doc, &mut Pointer::root(), &aside, &mut |map, at, inside_aside| {
        also(map, at, inside_aside);
        if inside_aside {
            return;
        }
        let extras: Extras =
            map.iter().filter(|(k, _)| k.starts_with("x-")).map(|(k, v)| (k.clone(), v.clone())).collect();
        if !extras.is_empty() {
            out.insert(at.clone(), extras);
        }
    });
}

fn operation(
    label: &str,
    at: &Pointer,
    method: HttpMethod,
    mut other: Extras,
    diags: &mut Diagnostics,
) -> OperationExtensions {
    let mut ext = OperationExtensions::default();
    if let Some(v) = other.remove(DOC_OPERATION) {
        match v.as_str().map(str::trim) {
            Some(name) if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-$.".contains(c)) => {
                ext.doc_operation = Some(name.to_owned());
            }
            _ => diags.warn(
                label,
                &at.push(DOC_OPERATION),
                Kind::Extension,
                format!("expected an operation name, found {v}; named from path and method instead"),
            ),
        }
    }
    let legacy_method = other.remove(DOC_DEPRECATED_METHOD);
    let legacy_path = other.remove(DOC_DEPRECATED_PATH);
    match (legacy_method, legacy_path) {
        (None, None) => {}
        (method_value, Some(path_value)) => {
            let twin_method = match &method_value {
                None => {
                    let message = format!(
                        "`{DOC_DEPRECATED_PATH}` without `{DOC_DEPRECATED_METHOD}`; assumed the twin uses `{}`",
                        method.key()
                    );
                    diags.warn(label, at, Kind::Extension, message);
                    Some(method)
                }
                Some(v) => match v.as_str().and_then(HttpMethod::parse) {
                    Some(m) => Some(m),
                    None => {
                        diags.warn(
                            label,
                            &at.push(DOC_DEPRECATED_METHOD),
                            Kind::Extension,
                            format!("expected an HTTP method, found {v}; the legacy twin is ignored"),
                        );
                        None
                    }
                },
            };
            let twin_path = match path_value.as_str() {
                Some(p) if p.starts_with('/') => Some(p.to_owned()),
                _ => {
                    diags.warn(
                        label,
                        &at.push(DOC_DEPRECATED_PATH),
                        Kind::Extension,
                        format!("expected a path starting with `/`, found {path_value}; the legacy twin is ignored"),
                    );
                    None
                }
            };
            if let (Some(method), Some(path)) = (twin_method, twin_path) {
                ext.legacy = Some(LegacyTwin { method, path });
            }
        }
        (Some(_), None) => {
            diags.warn(
                label,
                &at.push(DOC_DEPRECATED_METHOD),
                Kind::Extension,
                format!("`{DOC_DEPRECATED_METHOD}` without `{DOC_DEPRECATED_PATH}`; the legacy twin is ignored"),
            );
        }
    }
    if let Some(v) = other.remove(DEPRECATED) {
        let replacement = v.get("replacement").and_then(Value::as_str).and_then(|r| {
            let (file, fragment) = match r.split_once('#') {
                Some((file, fragment)) => ((!file.is_empty()).then(|| file.to_owned()), fragment),
                None => (None, r),
            };
            Pointer::parse(fragment).map(|pointer| Replacement { file, pointer })
        });
        match replacement {
            Some(r) => ext.replacement = Some(r),
            None => {
                let message = format!(
                    "expected `{{\"replacement\": \"file#/paths/...\"}}`, found {v}; \
                     the deprecation note names no replacement"
                );
                diags.warn(label, &at.push(DEPRECATED), Kind::Extension, message);
            }
        }
    }
    ext.other = other;
    ext
}

/// Renders an extension value for a doc line: strings plain, anything else as compact JSON.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
