//! Repairs the real-world defects of VMware's published specs before strict parsing, each with a
//! warning that names the JSON pointer and what was done:
//!
//! - `"required": true|false` inside a schema (Swagger 2 style): `true` becomes an entry of the
//!   parent's `required` list, `false` is dropped.
//! - `$ref` with sibling keys (OpenAPI 3.0 ignores siblings): a `description`, `nullable`,
//!   `readOnly` or `deprecated` next to the `$ref` is kept by rewriting the node to
//!   `allOf: [{$ref}]` beside them, the form the 9.x specs use; other siblings are dropped.
//! - a response without the required `description` gets an empty one.
//! - an operation's `$ref` to a request body that does not exist (213 in VMware's 7.0.3 `oas3`
//!   files, all repaired): to `requestBodies/Xxx_task` when it names `XxxTask`, or to the schema
//!   of the same name as a JSON body, when either exists.
//! - a non-array `required`, a non-object `properties`, `items` or `additionalProperties`, and
//!   other nodes of the wrong JSON type are dropped.

use serde_json::{Map, Value};

use crate::diag::{Diagnostics, Kind};
use crate::pointer::Pointer;

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Repairs `doc` in place.
pub fn repair(label: &str, doc: &mut Value, diags: &mut Diagnostics) {
    let mut r = Repair { label, diags };
    let root = Pointer::root();
    let Some(obj) = doc.as_object_mut() else { return };
    if let Some(Value::Object(components)) = obj.get_mut("components") {
        let at = root.push("components");
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for (name, schema) in schemas.iter_mut() {
                r.schema(schema, &mut at.push("schemas").push(name));
            }
        }
        for kind in ["parameters", "requestBodies", "responses", "headers"] {
            if let Some(Value::Object(items)) = components.get_mut(kind) {
                for (name, item) in items.iter_mut() {
                    let mut item_at = at.push(kind).push(name);
                    match kind {
                        "requestBodies" => r.request_body(item, &mut item_at),
                        "responses" => r.response(item, &mut item_at),
                        _ => r.parameter(item, &mut item_at),
                    }
                }
            }
        }
    }
    dangling_request_bodies(obj, &mut r);
    if let Some(Value::Object(paths)) = obj.get_mut("paths") {
        let at = root.push("paths");
        for path in paths.keys().filter(|k| !k.starts_with('/') && !k.starts_with("x-")) {
            r.diags.error(r.label, &at.push(path), Kind::Shape, "a path must start with `/`");
        }
        for (path, item) in paths.iter_mut() {
            let mut at = at.push(path);
            let Some(item) = item.as_object_mut() else { continue };
            r.parameter_list(item, &mut at);
            for method in HTTP_METHODS {
                let Some(Value::Object(op)) = item.get_mut(*method) else { continue };
                at.below(&[method], |at| r.operation(op, at));
            }
        }
    }
}

/// Points operations' `$ref`s to request bodies that do not exist at what they mean (see the
/// module docs).
fn dangling_request_bodies(doc: &mut Map<String, Value>, r: &mut Repair) {
    const PREFIX: &str = "#/components/requestBodies/";
    let components = doc.get("components");
    let bodies =
        components.and_then(|c| c.get("requestBodies")).and_then(Value::as_object).cloned().unwrap_or_default();
    let has_schema = |name: &str| components.and_then(|c| c.get("schemas")).is_some_and(|s| s.get(name).is_some());
    let mut fixes: Vec<(String, String, Value, String)> = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else { return };
    for (path, item) in paths {
        for method in HTTP_METHODS {
            let Some(Value::String(reference)) = item.get(*method).and_then(|op| op.get("requestBody")?.get("$ref"))
            else {
                continue;
            };
            let Some(name) = reference.strip_prefix(PREFIX).map(|n| n.replace("~1", "/").replace("~0", "~")) else {
                continue;
            };
            if bodies.contains_key(&name) {
                continue;
            }
            let task = name.strip_suffix("Task").map(|n| format!("{n}_task")).filter(|t| bodies.contains_key(t));
            let (fixed, message) = match task {
                Some(task) => (
                    serde_json::json!({ "$ref": format!("{PREFIX}{}", task.replace('~', "~0").replace('/', "~1")) }),
                    format!("`$ref: {reference}` points nowhere; used `requestBodies/{task}`"),
                ),
                None if has_schema(&name) => {
                    let schema = format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"));
                    let body = serde_json::json!({"content": {"application/json": {"schema": {"$ref": schema}}}});
                    (body, format!("`$ref: {reference}` points nowhere; used the schema `{name}` as a JSON body"))
                }
                None => continue,
            };
            fixes.push((path.clone(), (*method).to_owned(), fixed, message));
        }
    }
    for (path, method, fixed, message) in fixes {
        let at = Pointer::root().push("paths").push(&path).push(&method).push("requestBody");
        if let Some(body) =
            doc.get_mut("paths").and_then(|p| p.get_mut(&path)?.get_mut(&method)?.get_mut("requestBody"))
        {
            *body = fixed;
            r.warn(&at, Kind::DanglingRef, message);
        }
    }
}

struct Repair<'a> {
    label: &'a str,
    diags: &'a mut Diagnostics,
}

impl Repair<'_> {
    fn warn(&mut self, at: &Pointer, kind: Kind, message: impl Into<String>) {
        self.diags.warn(self.label, at, kind, message);
    }

    /// `$ref` siblings on a non-schema object (parameter, body, response) are dropped.
    fn plain_ref(&mut self, node: &mut Map<String, Value>, at: &Pointer) -> bool {
        if !node.contains_key("$ref") {
            return false;
        }
        if node.len() > 1 {
            let dropped: Vec<String> = node.keys().filter(|k| *k != "$ref").cloned().collect();
            node.retain(|k, _| k == "$ref");
            self.warn(
                at,
                Kind::RefSiblings,
                format!("`$ref` has sibling keys, which OpenAPI 3.0 ignores: dropped {}", dropped.join(", ")),
            );
        }
        true
    }

    fn operation(&mut self, op: &mut Map<String, Value>, at: &mut Pointer) {
        self.parameter_list(op, at);
        if let Some(body) = op.get_mut("requestBody") {
            at.below(&["requestBody"], |at| self.request_body(body, at));
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (code, response) in responses.iter_mut() {
                if !code.starts_with("x-") {
                    at.below(&["responses", code], |at| self.response(response, at));
                }
            }
        }
    }

    fn parameter_list(&mut self, owner: &mut Map<String, Value>, at: &mut Pointer) {
        if let Some(Value::Array(params)) = owner.get_mut("parameters") {
            for (i, param) in params.iter_mut().enumerate() {
                at.below(&["parameters", &i.to_string()], |at| self.parameter(param, at));
            }
        }
    }

    fn parameter(&mut self, param: &mut Value, at: &mut Pointer) {
        let Some(obj) = param.as_object_mut() else { return };
        if self.plain_ref(obj, at) {
            return;
        }
        if let Some(schema) = obj.get_mut("schema") {
            at.below(&["schema"], |at| self.schema(schema, at));
        }
        self.content(obj, at);
    }

    fn content(&mut self, owner: &mut Map<String, Value>, at: &mut Pointer) {
        if let Some(Value::Object(content)) = owner.get_mut("content") {
            for (media, item) in content.iter_mut() {
                if let Some(schema) = item.as_object_mut().and_then(|item| item.get_mut("schema")) {
                    at.below(&["content", media, "schema"], |at| self.schema(schema, at));
                }
            }
        }
    }

    fn request_body(&mut self, body: &mut Value, at: &mut Pointer) {
        let Some(obj) = body.as_object_mut() else { return };
        if self.plain_ref(obj, at) {
            return;
        }
        self.content(obj, at);
    }

    fn response(&mut self, response: &mut Value, at: &mut Pointer) {
        let Some(obj) = response.as_object_mut() else { return };
        if self.plain_ref(obj, at) {
            return;
        }
        if !obj.contains_key("description") {
            obj.insert("description".to_owned(), Value::String(String::new()));
            self.warn(at, Kind::Shape, "a response needs a `description`; used an empty one");
        }
        self.content(obj, at);
        if let Some(Value::Object(headers)) = obj.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                at.below(&["headers", name], |at| self.parameter(header, at));
            }
        }
    }

    fn schema(&mut self, schema: &mut Value, at: &mut Pointer) {
        let Some(obj) = schema.as_object_mut() else {
            if let Value::Bool(any) = schema {
                // JSON Schema (and OpenAPI 3.1) allow it; 3.0 does not, and `false` would mean
                // that no value is valid. An error here, at the schema's own pointer; the node is
                // then emptied so that the rest of the document is still checked.
                let write = if *any { "`{}`" } else { "`{\"not\": {}}`" };
                let message = format!("a boolean schema (`{any}`) is not OpenAPI 3.0; write {write}");
                self.diags.error(self.label, at, Kind::Shape, message);
            } else {
                self.warn(at, Kind::Shape, "a schema must be an object; treated as free-form");
            }
            *schema = Value::Object(Map::new());
            return;
        };
        if obj.get("$ref").is_some_and(|r| !r.is_string()) {
            let found = obj.remove("$ref").unwrap_or_default();
            self.warn(&at.push("$ref"), Kind::Shape, format!("`$ref` must be a string, found {found}; ignored"));
            if obj.is_empty() {
                return;
            }
        }
        if obj.contains_key("$ref") && obj.len() > 1 {
            self.ref_siblings(obj, at);
            return;
        }
        self.required_list(obj, at);
        self.properties(obj, at);
        self.children(obj, at);
        self.enumeration(obj, at);
        if let Some(Value::Object(d)) = obj.get("discriminator") {
            if !d.get("propertyName").is_some_and(Value::is_string) {
                obj.remove("discriminator");
                self.warn(&at.push("discriminator"), Kind::Shape, "a discriminator needs a `propertyName`; ignored");
            }
        }
    }

    /// `required` that is not a list: a boolean (Swagger 2 style) or anything else.
    fn required_list(&mut self, obj: &mut Map<String, Value>, at: &Pointer) {
        let Some(required) = obj.get("required").filter(|r| !r.is_array()).cloned() else { return };
        obj.remove("required");
        let message = if required.is_boolean() {
            format!(
                "`\"required\": {required}` on a schema (Swagger 2 style) instead of a list of property names; dropped"
            )
        } else {
            format!("`required` must be a list of property names, found {required}; ignored")
        };
        let kind = if required.is_boolean() { Kind::BooleanRequired } else { Kind::Shape };
        self.warn(&at.push("required"), kind, message);
    }

    /// Repairs every property; `required: <bool>` on a property (Swagger 2 style) is meant for
    /// the parent's list.
    fn properties(&mut self, obj: &mut Map<String, Value>, at: &mut Pointer) {
        let Some(Value::Object(props)) = obj.get_mut("properties") else {
            if obj.get("properties").is_some_and(|p| !p.is_object()) {
                obj.remove("properties");
                self.warn(&at.push("properties"), Kind::Shape, "`properties` must be an object; ignored");
            }
            return;
        };
        let mut promote = Vec::new();
        for (name, prop) in props.iter_mut() {
            at.below(&["properties", name], |prop_at| {
                if let Some(Value::Bool(flag)) = prop.as_object_mut().and_then(|p| p.remove("required")) {
                    let message = if flag {
                        promote.push(name.clone());
                        "`\"required\": true` inside a schema (Swagger 2 style); made the property required in its parent"
                    } else {
                        "`\"required\": false` inside a schema (Swagger 2 style); dropped, the property stays optional"
                    };
                    self.warn(&prop_at.push("required"), Kind::BooleanRequired, message);
                }
                self.schema(prop, prop_at);
            });
        }
        if promote.is_empty() {
            return;
        }
        if let Value::Array(list) = obj.entry("required").or_insert_with(|| Value::Array(Vec::new())) {
            for name in promote {
                if !list.iter().any(|v| v.as_str() == Some(&name)) {
                    list.push(Value::String(name));
                }
            }
        }
    }

    /// Repairs the schemas below this one: `items`, `not`, `additionalProperties` and the parts of
    /// `allOf`, `oneOf` and `anyOf`.
    fn children(&mut self, obj: &mut Map<String, Value>, at: &mut Pointer) {
        for key in ["items", "not"] {
            if let Some(child) = obj.get_mut(key) {
                if child.is_object() {
                    at.below(&[key], |at| self.schema(child, at));
                } else {
                    obj.remove(key);
                    self.warn(&at.push(key), Kind::Shape, format!("`{key}` must be a schema object; ignored"));
                }
            }
        }
        if let Some(child) = obj.get_mut("additionalProperties") {
            if child.is_object() {
                at.below(&["additionalProperties"], |at| self.schema(child, at));
            } else if !child.is_boolean() {
                obj.remove("additionalProperties");
                let message = "`additionalProperties` must be a boolean or a schema; ignored";
                self.warn(&at.push("additionalProperties"), Kind::Shape, message);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            match obj.get_mut(key) {
                Some(Value::Array(parts)) => {
                    for (i, part) in parts.iter_mut().enumerate() {
                        at.below(&[key, &i.to_string()], |at| self.schema(part, at));
                    }
                }
                Some(_) => {
                    obj.remove(key);
                    self.warn(&at.push(key), Kind::Shape, format!("`{key}` must be a list of schemas; ignored"));
                }
                None => {}
            }
        }
    }

    /// `enum` that is no list is dropped; in a string schema (or one without a type), a value
    /// that is not a string is dropped with a warning at its index, and an enum left empty goes.
    fn enumeration(&mut self, obj: &mut Map<String, Value>, at: &Pointer) {
        let textual = obj.get("type").is_none_or(|t| t == "string");
        let values = match obj.get_mut("enum") {
            None => return,
            Some(Value::Array(values)) if !values.is_empty() && values.iter().all(Value::is_string) => return,
            Some(Value::Array(values)) if textual => std::mem::take(values),
            Some(Value::Array(_)) => return,
            Some(_) => {
                obj.remove("enum");
                self.warn(&at.push("enum"), Kind::Shape, "`enum` must be a list; ignored");
                return;
            }
        };
        let mut kept = Vec::with_capacity(values.len());
        for (i, value) in values.into_iter().enumerate() {
            if value.is_string() {
                kept.push(value);
            } else {
                let message = format!("an enum value must be a string, found {value}; left out");
                self.warn(&at.push("enum").push(i.to_string()), Kind::Shape, message);
            }
        }
        if kept.is_empty() {
            obj.remove("enum");
            self.warn(&at.push("enum"), Kind::Shape, "an enum without string values; the schema is a plain string");
        } else {
            obj.insert("enum".to_owned(), Value::Array(kept));
        }
    }

    fn ref_siblings(&mut self, obj: &mut Map<String, Value>, at: &Pointer) {
        const KEPT: &[&str] = &["description", "nullable", "readOnly", "writeOnly", "deprecated", "title"];
        let reference = obj.remove("$ref").unwrap_or(Value::Null);
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        let mut wrapper = Map::new();
        for (key, value) in std::mem::take(obj) {
            if KEPT.contains(&key.as_str()) {
                kept.push(key.clone());
                wrapper.insert(key, value);
            } else if key.starts_with("x-") {
                wrapper.insert(key, value);
            } else {
                dropped.push(key);
            }
        }
        let mut target = Map::new();
        target.insert("$ref".to_owned(), reference);
        if kept.is_empty() {
            *obj = target;
        } else {
            wrapper.insert("allOf".to_owned(), Value::Array(vec![Value::Object(target)]));
            *obj = wrapper;
        }
        let mut message = String::from("`$ref` has sibling keys, which OpenAPI 3.0 ignores:");
        if !kept.is_empty() {
            message.push_str(&format!(" kept {} (as `allOf: [$ref]`)", kept.join(", ")));
        }
        if !dropped.is_empty() {
            if !kept.is_empty() {
                message.push(';');
            }
            message.push_str(&format!(" dropped {}", dropped.join(", ")));
        }
        self.warn(at, Kind::RefSiblings, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, Vec<String>) {
        let mut diags = Diagnostics::default();
        repair("t.json", &mut doc, &mut diags);
        (doc, diags.into_sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn boolean_required_is_promoted_or_dropped() {
        let (doc, warnings) = run(json!({"components": {"schemas": {"S": {"type": "object", "properties": {
            "a": {"type": "string", "required": true},
            "b": {"type": "string", "required": false}
        }}}}}));
        assert_eq!(doc["components"]["schemas"]["S"]["required"], json!(["a"]));
        assert!(doc["components"]["schemas"]["S"]["properties"]["b"].get("required").is_none());
        assert_eq!(warnings.len(), 2);
        assert!(warnings[1].contains("#/components/schemas/S/properties/b/required"), "{warnings:?}");
    }

    #[test]
    fn ref_siblings_keep_the_description() {
        let (doc, warnings) = run(json!({"components": {"schemas": {"S": {"type": "object", "properties": {
            "a": {"$ref": "#/components/schemas/T", "description": "doc", "type": "string"}
        }}}}}));
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["a"],
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "doc"})
        );
        assert_eq!(
            warnings,
            ["warning[ref-siblings]: t.json#/components/schemas/S/properties/a: `$ref` has sibling keys, \
                 which OpenAPI 3.0 ignores: kept description (as `allOf: [$ref]`); dropped type"]
        );
    }

    #[test]
    fn dangling_request_bodies_point_at_what_they_mean() {
        let op = |name: &str| json!({"post": {"requestBody": {"$ref": format!("#/components/requestBodies/{name}")}}});
        let (doc, warnings) = run(json!({
            "paths": {"/a": op("ImportTask"), "/b": op("vcenter.vm_create"), "/c": op("Gone"), "/d": op("Import_task")},
            "components": {
                "requestBodies": {"Import_task": {"content": {"application/json": {"schema": {"type": "string"}}}}},
                "schemas": {"vcenter.vm_create": {"type": "object"}}
            }
        }));
        let body = |path: &str| doc["paths"][path]["post"]["requestBody"].clone();
        assert_eq!(body("/a"), json!({"$ref": "#/components/requestBodies/Import_task"}));
        assert_eq!(
            body("/b"),
            json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/vcenter.vm_create"}}}})
        );
        assert_eq!(body("/c"), json!({"$ref": "#/components/requestBodies/Gone"}), "nothing it could mean: left");
        assert_eq!(body("/d"), json!({"$ref": "#/components/requestBodies/Import_task"}));
        assert_eq!(
            warnings,
            [
                "warning[dangling-ref]: t.json#/paths/~1a/post/requestBody: `$ref: #/components/requestBodies/ImportTask` \
                 points nowhere; used `requestBodies/Import_task`",
                "warning[dangling-ref]: t.json#/paths/~1b/post/requestBody: `$ref: \
                 #/components/requestBodies/vcenter.vm_create` points nowhere; used the schema `vcenter.vm_create` as a \
                 JSON body",
            ]
        );
    }

    #[test]
    fn responses_get_a_description() {
        let (doc, _) = run(json!({"paths": {"/x": {"get": {"responses": {"200": {}}}}}}));
        assert_eq!(doc["paths"]["/x"]["get"]["responses"]["200"]["description"], json!(""));
    }
}
