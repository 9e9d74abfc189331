//! Load: bytes (JSON or YAML) to a repaired `openapiv3::OpenAPI` plus typed vendor extensions.
//!
//! This is the only module that reads `x-` keys (see [`crate::vendor`]) and the only one that
//! sees raw JSON. Known real-world defects are repaired here with a warning each
//! ([`crate::repair`]); anything else that does not fit OpenAPI 3.0 is an error naming the JSON
//! pointer of the node.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostics, Kind};
use crate::pointer::Pointer;
use crate::vendor::{self, Vendor};

/// One loaded spec file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The label used in output headers and messages, such as `spec/vcenter.yaml`.
    pub label: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The parsed document, after repairs.
    pub api: openapiv3::OpenAPI,
    /// Every vendor extension, typed.
    pub vendor: Vendor,
    /// For each component schema, the pointers of the objects whose `$ref` names it.
    pub schema_refs: BTreeMap<String, Vec<Pointer>>,
}

/// Parses `bytes` as a spec file called `label`. Problems go to `diags`; `None` means errors.
pub fn load(label: &str, bytes: &[u8], diags: &mut Diagnostics) -> Option<Document> {
    let sha256 = hex(&Sha256::digest(bytes));
    let value = prepare(label, bytes, diags)?;
    let mut schema_refs = BTreeMap::new();
    let vendor = vendor::read(label, &value, diags, &mut |map, at, _| schema_ref(map, at, &mut schema_refs));
    // The value is given away: its strings move into the document instead of being copied. Only a
    // document that does not fit needs it again, parsed anew, for the pointer of the error. (The
    // plain deserializer first: the path tracking costs a fifth of loading.) openapiv3 holds a few
    // `expect`s; a panic inside it must not take the generator down.
    let api = match catch_unwind(AssertUnwindSafe(|| openapiv3::OpenAPI::deserialize(value))) {
        Ok(Ok(api)) => api,
        Ok(Err(_)) => {
            let mut again = Diagnostics::default();
            deserialize_tracked(label, &prepare(label, bytes, &mut again)?, diags)?
        }
        Err(_) => {
            diags.error(label, &Pointer::root(), Kind::Shape, "not valid OpenAPI 3.0 (the parser gave up)");
            return None;
        }
    };
    Some(Document { label: label.to_owned(), sha256, api, vendor, schema_refs })
}

/// The document as JSON, repaired, its version checked.
fn prepare(label: &str, bytes: &[u8], diags: &mut Diagnostics) -> Option<Value> {
    let mut value = parse_value(label, bytes, diags)?;
    crate::repair::repair(label, &mut value, diags);
    check_version(label, &mut value, diags)?;
    Some(value)
}

/// Records the pointer of `map` under the component schema its `$ref` names, if it names one.
fn schema_ref(map: &serde_json::Map<String, Value>, at: &Pointer, out: &mut BTreeMap<String, Vec<Pointer>>) {
    if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(SCHEMA_PREFIX)) {
        match out.get_mut(name) {
            Some(pointers) => pointers.push(at.clone()),
            None => {
                out.insert(name.to_owned(), vec![at.clone()]);
            }
        }
    }
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// JSON when the first non-blank byte is `{`, YAML otherwise.
fn parse_value(label: &str, bytes: &[u8], diags: &mut Diagnostics) -> Option<Value> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column = good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
            diags.error(
                label,
                &Pointer::root(),
                Kind::Syntax,
                format!(
                    "the file is not UTF-8 text: invalid byte at offset {} (line {line} column {column})",
                    e.valid_up_to()
                ),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        // As for OpenAPI below: plain first, the path-tracking parse only for an error's pointer.
        if let Ok(value) = serde_json::from_str::<Value>(text) {
            return Some(value);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, Value>(&mut de) {
            Ok(v) => match de.end() {
                Ok(()) => Some(v),
                Err(e) => {
                    diags.error(
                        label,
                        &Pointer::root(),
                        Kind::Syntax,
                        format!("text after the JSON document at line {} column {}", e.line(), e.column()),
                    );
                    None
                }
            },
            Err(e) => {
                let pointer = path_to_pointer(e.path());
                let inner = e.into_inner();
                diags.error(
                    label,
                    &pointer,
                    Kind::Syntax,
                    format!("invalid JSON at line {} column {}: {inner}", inner.line(), inner.column()),
                );
                None
            }
        }
    } else {
        let de = serde_yaml::Deserializer::from_str(text);
        let mut yaml = match serde_path_to_error::deserialize::<_, serde_yaml::Value>(de) {
            Ok(v) => v,
            Err(e) => {
                let pointer = path_to_pointer(e.path());
                diags.error(label, &pointer, Kind::Syntax, format!("invalid YAML: {}", e.into_inner()));
                return None;
            }
        };
        if let Err(e) = yaml.apply_merge() {
            diags.error(label, &Pointer::root(), Kind::Syntax, format!("invalid YAML merge key: {e}"));
            return None;
        }
        yaml_to_json(label, yaml, &Pointer::root(), diags)
    }
}

/// YAML allows non-string keys (`200:`); JSON pointers and OpenAPI want strings.
fn yaml_to_json(label: &str, yaml: serde_yaml::Value, at: &Pointer, diags: &mut Diagnostics) -> Option<Value> {
    use serde_yaml::Value as Y;
    Some(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                match n.as_f64().and_then(serde_json::Number::from_f64) {
                    Some(f) => Value::Number(f),
                    None => {
                        diags.error(label, at, Kind::Syntax, format!("the number {n} has no JSON form"));
                        return None;
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(yaml_to_json(label, item, &at.push(i.to_string()), diags)?);
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (key, item) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => {
                        diags.error(
                            label,
                            at,
                            Kind::Syntax,
                            format!("a mapping key must be a scalar, found {other:?}"),
                        );
                        return None;
                    }
                };
                let value = yaml_to_json(label, item, &at.push(&key), diags)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(label, tagged.value, at, diags)?,
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer.push(index.to_string()),
            Segment::Map { key } => pointer.push(key),
            Segment::Enum { variant } => pointer.push(variant),
            Segment::Unknown => break,
        };
    }
    pointer
}

/// Parses `value` as a `T`; on failure, the pointer (below `at`) and the message.
fn try_parse<T: serde::de::DeserializeOwned>(value: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    match catch_unwind(AssertUnwindSafe(|| serde_path_to_error::deserialize::<_, T>(value))) {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => {
            let mut pointer = at.clone();
            for token in path_to_pointer(e.path()).tokens() {
                pointer = pointer.push(token);
            }
            Some((pointer, e.into_inner().to_string()))
        }
        Err(_) => Some((at.clone(), "the parser gave up".to_owned())),
    }
}

/// Finds the deepest node that fails to parse, for a precise pointer: openapiv3 flattens maps
/// (paths, components), which hides the path from serde.
fn locate(doc: &Value) -> Option<(Pointer, String)> {
    type Check = fn(&Value, &Pointer) -> Option<(Pointer, String)>;
    let root = Pointer::root();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths.iter().filter(|(k, _)| !k.starts_with("x-")) {
            let at = root.push("paths").push(path);
            let Some(item_obj) = item.as_object() else {
                return Some((at, "a path item must be an object".to_owned()));
            };
            for (key, value) in item_obj {
                let at = at.push(key);
                let found = match key.as_str() {
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                        locate_operation(value, &at)
                    }
                    "parameters" => try_parse::<Vec<openapiv3::ReferenceOr<openapiv3::Parameter>>>(value, &at),
                    _ => None,
                };
                if found.is_some() {
                    return found;
                }
            }
            if let Some(found) = try_parse::<openapiv3::PathItem>(item, &at) {
                return Some(found);
            }
        }
    }
    if let Some(Value::Object(components)) = doc.get("components") {
        let at = root.push("components");
        let kinds: [(&str, Check); 5] = [
            ("schemas", |v, at| try_parse::<openapiv3::ReferenceOr<openapiv3::Schema>>(v, at)),
            ("parameters", |v, at| try_parse::<openapiv3::ReferenceOr<openapiv3::Parameter>>(v, at)),
            ("requestBodies", |v, at| try_parse::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(v, at)),
            ("responses", |v, at| try_parse::<openapiv3::ReferenceOr<openapiv3::Response>>(v, at)),
            ("securitySchemes", |v, at| try_parse::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(v, at)),
        ];
        for (kind, check) in kinds {
            if let Some(Value::Object(items)) = components.get(kind) {
                for (name, item) in items {
                    if let Some(found) = check(item, &at.push(kind).push(name)) {
                        return Some(found);
                    }
                }
            }
        }
    }
    for (key, check) in [
        ("info", (|v, at| try_parse::<openapiv3::Info>(v, at)) as Check),
        ("servers", |v, at| try_parse::<Vec<openapiv3::Server>>(v, at)),
        ("tags", |v, at| try_parse::<Vec<openapiv3::Tag>>(v, at)),
    ] {
        if let Some(value) = doc.get(key) {
            if let Some(found) = check(value, &root.push(key)) {
                return Some(found);
            }
        }
    }
    None
}

fn locate_operation(op: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    let Some(obj) = op.as_object() else { return Some((at.clone(), "an operation must be an object".to_owned())) };
    if let Some(Value::Array(params)) = obj.get("parameters") {
        for (i, p) in params.iter().enumerate() {
            if let Some(found) =
                try_parse::<openapiv3::ReferenceOr<openapiv3::Parameter>>(p, &at.push("parameters").push(i.to_string()))
            {
                return Some(found);
            }
        }
    }
    if let Some(body) = obj.get("requestBody") {
        if let Some(found) = try_parse::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(body, &at.push("requestBody"))
        {
            return Some(found);
        }
    }
    if let Some(Value::Object(responses)) = obj.get("responses") {
        for (code, r) in responses.iter().filter(|(k, _)| !k.starts_with("x-")) {
            if let Some(found) =
                try_parse::<openapiv3::ReferenceOr<openapiv3::Response>>(r, &at.push("responses").push(code))
            {
                return Some(found);
            }
        }
    }
    try_parse::<openapiv3::Operation>(op, at)
}

/// Checks that `value` is an OpenAPI 3.0 document, reading a numeric version as its text.
fn check_version(label: &str, value: &mut Value, diags: &mut Diagnostics) -> Option<()> {
    if !value.is_object() {
        diags.error(label, &Pointer::root(), Kind::Shape, "expected an OpenAPI document (a JSON object)");
        return None;
    }
    let version = match value.get("openapi") {
        Some(Value::String(v)) => Some(v.clone()),
        // `openapi: 3.0` in YAML is a number; take it as the version it spells.
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let (Some(v), Some(Value::Number(_))) = (&version, value.get("openapi")) {
        diags.warn(
            label,
            &Pointer::root().push("openapi"),
            Kind::Shape,
            format!("the version is a number; read it as \"{v}\" (quote it in YAML)"),
        );
        if let Value::Object(map) = value {
            map.insert("openapi".to_owned(), Value::String(v.clone()));
        }
    }
    match version.as_deref() {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) => {
            diags.error(
                label,
                &Pointer::root().push("openapi"),
                Kind::Unsupported,
                format!(
                    "OpenAPI version {v} is not supported; expected 3.0.x (convert Swagger 2.0 with swagger2openapi)"
                ),
            );
            return None;
        }
        None => {
            let msg = if value.get("swagger").is_some() {
                "this is a Swagger 2.0 document; convert it to OpenAPI 3.0 first (for example with swagger2openapi)"
            } else {
                "missing the `openapi` version field; expected an OpenAPI 3.0.x document"
            };
            diags.error(label, &Pointer::root(), Kind::Shape, msg);
            return None;
        }
    }
    Some(())
}

/// Deserialises `value` tracking the path; errors name the deepest pointer serde could track.
fn deserialize_tracked(label: &str, value: &Value, diags: &mut Diagnostics) -> Option<openapiv3::OpenAPI> {
    // openapiv3 holds a few `expect`s; a panic inside it must not take the generator down.
    match catch_unwind(AssertUnwindSafe(|| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value))) {
        Ok(Ok(api)) => Some(api),
        Ok(Err(e)) => {
            let (pointer, message) =
                locate(value).unwrap_or_else(|| (path_to_pointer(e.path()), e.into_inner().to_string()));
            diags.error(label, &pointer, Kind::Shape, format!("not valid OpenAPI 3.0: {message}"));
            None
        }
        Err(_) => {
            diags.error(label, &Pointer::root(), Kind::Shape, "not valid OpenAPI 3.0 (the parser gave up)");
            None
        }
    }
}
