//! The copy of a corpus that Prism is given: every file of the corpus merged into one document,
//! changed only where Prism needs it, each change counted.
//!
//! - **Path keys with a query** (`/api/vcenter/vm?action=clone`): Prism routes on the URL path
//!   only, so the query becomes a path segment (`/api/vcenter/vm/action=clone`); the proxy
//!   ([`super::proxy`]) moves the same query pairs into the path of each request.
//! - **Dangling `$ref`s** (5 of the 8 `vsphere-7.0.3-oas3` files), which make Prism refuse the file:
//!   `requestBodies/XxxTask` becomes a copy of `requestBodies/Xxx_task`; `requestBodies/N` the body
//!   of `schemas/N`; anything else an empty schema.
//! - **Boolean `required`** inside a schema: removed (ajv cannot compile the schema, and Prism then
//!   skips body validation silently).
//! - **Media types without a schema** in responses (`application/json: {}`): removed, so Prism
//!   answers with an empty body instead of a 500.
//! - **Routing check**: every response of every operation gets a header
//!   `x-contract-operation: <METHOD> <original key>` (an enum of one value, which Prism sends as
//!   it is), so the test sees which operation Prism matched.
//! - **Strict request bodies**: object schemas reached from a request body get
//!   `additionalProperties: false` (unless they say otherwise, or take part in `allOf`, `oneOf`,
//!   `anyOf`), so that a misspelled or extra field is a violation.
//! - **Recursion in responses**: json-schema-faker stops following a recursive `$ref` three levels
//!   down and leaves `{}` there, which breaks the schema's required properties (Prism then answers
//!   500, or, where its own check misses it, sends a body no client can decode). In schemas that
//!   no request reaches, the property that closes a cycle is cut (an optional one removed, a
//!   required list or map left empty), so responses nest one level less deep instead.
//! - **Merging**: component names get the file's stem as a prefix (`vcenter--vcenter.VM.Info`),
//!   `$ref`s follow; document-level `security` moves into the operations; `servers` is dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// The HTTP methods of a path item.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The component kinds `$ref`s point into.
const KINDS: &[&str] =
    &["schemas", "responses", "parameters", "examples", "requestBodies", "headers", "links", "callbacks"];

/// A path key whose query became a path segment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueryKey {
    /// The lowercase method.
    pub method: String,
    /// The key's path, without its query.
    pub path: String,
    /// The key's query (`action=clone&vmw-task=true`, `~action=get`, or a bare name).
    pub query: String,
}

/// A corpus rewritten for Prism.
pub struct Rewritten {
    /// The merged document.
    pub doc: Value,
    /// The keys whose query became a path segment.
    pub keys: Vec<QueryKey>,
    /// What was changed, counted by kind.
    pub changes: BTreeMap<&'static str, usize>,
    /// `METHOD key` of every operation, with the keys as the specs spell them.
    pub routes: BTreeSet<String>,
    /// Cycles of response schemas that could not be cut: a required property of the schema's own
    /// type, which no finite value satisfies (a defect of the spec), by pointer.
    pub endless: Vec<String>,
}

/// Merges and rewrites the documents `(stem, document)` of a corpus.
pub fn corpus(files: Vec<(String, Value)>) -> Result<Rewritten, String> {
    let mut out = Rewritten {
        doc: json!({"openapi": "3.0.3", "paths": {}, "components": {}}),
        keys: Vec::new(),
        changes: BTreeMap::new(),
        routes: BTreeSet::new(),
        endless: Vec::new(),
    };
    for (stem, mut doc) in files {
        if let Some(info) = doc.get("info") {
            out.doc["info"] = info.clone();
        }
        repair_refs(&mut doc, &mut out.changes);
        boolean_required(&mut doc, &mut out.changes);
        drop_schemaless_media(&mut doc, &mut out.changes);
        strict_request_bodies(&mut doc, &mut out.changes);
        prefix_components(&mut doc, &stem);
        let security = doc.get("security").cloned();
        let paths = doc.get_mut("paths").and_then(Value::as_object_mut).map(std::mem::take).unwrap_or_default();
        for (key, mut item) in paths {
            mark_operations(&key, &mut item, security.as_ref(), &mut out.changes);
            for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
                out.routes.insert(format!("{} {key}", method.to_ascii_uppercase()));
            }
            let new_key = match key.split_once('?') {
                Some((path, query)) => {
                    for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
                        let key =
                            QueryKey { method: (*method).to_owned(), path: path.to_owned(), query: query.to_owned() };
                        out.keys.push(key);
                    }
                    *out.changes.entry("path keys: query moved into the path").or_default() += 1;
                    format!("{path}/{query}")
                }
                None => key.clone(),
            };
            if out.doc["paths"].get(&new_key).is_some() {
                return Err(format!("{stem}: the path key {new_key} (from {key}) is taken"));
            }
            out.doc["paths"][new_key] = item;
        }
        merge_components(&mut out.doc, doc.get("components"), &stem)?;
    }
    out.endless = break_recursion(&mut out.doc, &mut out.changes);
    out.keys.sort();
    Ok(out)
}

/// Every `$ref` string of a document.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.insert(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The value a local `$ref` points to.
fn resolve<'v>(doc: &'v Value, reference: &str) -> Option<&'v Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// Adds what dangling `#/components/...` references name (see the module docs).
fn repair_refs(doc: &mut Value, changes: &mut BTreeMap<&'static str, usize>) {
    let mut all = BTreeSet::new();
    refs(doc, &mut all);
    for reference in all {
        if resolve(doc, &reference).is_some() {
            continue;
        }
        let Some(rest) = reference.strip_prefix("#/components/") else { continue };
        let Some((kind, name)) = rest.split_once('/') else { continue };
        let name = name.replace("~1", "/").replace("~0", "~");
        let (added, change) = match kind {
            "requestBodies" => {
                let twin = name.strip_suffix("Task").map(|n| format!("{n}_task"));
                let twin = twin.and_then(|t| doc["components"]["requestBodies"].get(&t).cloned());
                match twin {
                    Some(body) => (body, "dangling requestBodies/XxxTask: copy of Xxx_task"),
                    None if doc["components"]["schemas"].get(&name).is_some() => {
                        let schema = json!({"$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"))});
                        (
                            json!({"content": {"application/json": {"schema": schema}}}),
                            "dangling requestBodies/N: the body of schemas/N",
                        )
                    }
                    None => {
                        (json!({"content": {"application/json": {"schema": {}}}}), "dangling requestBodies: any JSON")
                    }
                }
            }
            _ => (json!({}), "dangling $ref: an empty schema"),
        };
        if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
            let entries = components.entry(kind).or_insert_with(|| json!({}));
            if let Some(entries) = entries.as_object_mut() {
                entries.insert(name, added);
                *changes.entry(change).or_default() += 1;
            }
        }
    }
}

/// Turns `"required": true|false` inside schemas into what the generator reads it as: `true`
/// names the property in its parent's `required` list, `false` goes (parameters and request
/// bodies, where `required` is the OpenAPI keyword, are not schemas).
fn boolean_required(doc: &mut Value, changes: &mut BTreeMap<&'static str, usize>) {
    fn walk(value: &mut Value, schema: bool, changes: &mut BTreeMap<&'static str, usize>) {
        match value {
            Value::Object(map) => {
                if schema {
                    let mut named = Vec::new();
                    if let Some(Value::Object(props)) = map.get_mut("properties") {
                        for (name, prop) in props.iter_mut() {
                            if let Some(Value::Bool(required)) = prop.as_object_mut().and_then(|p| p.remove("required"))
                            {
                                *changes
                                    .entry("boolean `required` of a property: moved to the parent's list")
                                    .or_default() += 1;
                                if required {
                                    named.push(Value::String(name.clone()));
                                }
                            }
                        }
                    }
                    if !named.is_empty() {
                        let list = map.entry("required").or_insert_with(|| json!([]));
                        if let Value::Array(list) = list {
                            list.extend(named);
                        }
                    }
                    if map.get("required").is_some_and(Value::is_boolean) {
                        map.remove("required");
                        *changes.entry("boolean `required` in a schema: removed").or_default() += 1;
                    }
                }
                for (key, child) in map.iter_mut() {
                    walk(child, schema || key == "schema" || key == "schemas", changes);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, schema, changes)),
            _ => {}
        }
    }
    walk(doc, false, changes);
}

/// The operations of a path item.
fn operations(item: &mut Value) -> impl Iterator<Item = (&String, &mut Value)> {
    item.as_object_mut().into_iter().flat_map(|m| m.iter_mut()).filter(|(k, _)| METHODS.contains(&k.as_str()))
}

/// Removes response media types that have no schema, and `content` left empty.
fn drop_schemaless_media(doc: &mut Value, changes: &mut BTreeMap<&'static str, usize>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        for (_, op) in operations(item) {
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            for response in responses.values_mut() {
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else { continue };
                let before = content.len();
                content.retain(|_, media| media.get("schema").is_some());
                if content.len() < before {
                    *changes.entry("response media type without a schema: removed").or_default() += 1;
                }
                let emptied = content.is_empty();
                if let (true, Some(r)) = (emptied, response.as_object_mut()) {
                    r.remove("content");
                }
            }
        }
    }
}

/// Adds `additionalProperties: false` to the object schemas that request bodies reach.
fn strict_request_bodies(doc: &mut Value, changes: &mut BTreeMap<&'static str, usize>) {
    let mut roots: Vec<String> = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object).cloned().unwrap_or_default();
    for (key, item) in &paths {
        for method in METHODS {
            if item.get(*method).and_then(|op| op.get("requestBody")).is_some() {
                let key = key.replace('~', "~0").replace('/', "~1");
                roots.push(format!("#/paths/{key}/{method}/requestBody"));
            }
        }
    }
    let members = composed_members(doc);
    let mut seen = BTreeSet::new();
    let mut strict = BTreeSet::new();
    while let Some(at) = roots.pop() {
        if !seen.insert(at.clone()) {
            continue;
        }
        let Some(node) = resolve(doc, &at) else { continue };
        if let Some(Value::String(target)) = node.get("$ref") {
            roots.push(target.clone());
            continue;
        }
        let composed = ["allOf", "oneOf", "anyOf"].iter().any(|k| node.get(*k).is_some());
        let Some(map) = node.as_object() else { continue };
        let open = map.get("additionalProperties").is_some() || composed || members.contains(&at);
        if map.get("properties").is_some() && !open {
            strict.insert(at.clone());
        }
        for (key, child) in map {
            match (key.as_str(), child) {
                ("content", Value::Object(media)) => {
                    roots.extend(
                        media
                            .keys()
                            .map(|m| format!("{at}/content/{}/schema", m.replace('~', "~0").replace('/', "~1"))),
                    );
                }
                ("properties", Value::Object(props)) => {
                    roots.extend(
                        props.keys().map(|p| format!("{at}/properties/{}", p.replace('~', "~0").replace('/', "~1"))),
                    );
                }
                ("items" | "additionalProperties", Value::Object(_)) => roots.push(format!("{at}/{key}")),
                _ => {}
            }
        }
    }
    for at in strict {
        if let Some(Value::Object(map)) = at.strip_prefix('#').and_then(|p| doc.pointer_mut(p)) {
            map.insert("additionalProperties".to_owned(), Value::Bool(false));
            *changes.entry("request-body object schema: additionalProperties false").or_default() += 1;
        }
    }
}

/// The schemas that are parts of an `allOf`, `oneOf` or `anyOf` anywhere (by `$ref` target or
/// pointer): `additionalProperties: false` would reject the other parts' properties.
fn composed_members(doc: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, at: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let child_at = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                    if let ("allOf" | "oneOf" | "anyOf", Value::Array(parts)) = (key.as_str(), child) {
                        for (i, part) in parts.iter().enumerate() {
                            match part.get("$ref") {
                                Some(Value::String(target)) => out.insert(target.clone()),
                                _ => out.insert(format!("{child_at}/{i}")),
                            };
                        }
                    }
                    walk(child, &child_at, out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(doc, "#", &mut out);
    out
}

/// The `$ref` targets inside a value, with the pointer (relative to the value) of each.
fn refs_at(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push((at.to_owned(), target.clone()));
            }
            for (key, child) in map {
                refs_at(child, &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| refs_at(v, &format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// The component schemas that requests reach (request bodies and parameters), by `$ref`.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut todo = Vec::new();
    for item in doc["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        for (key, part) in item.as_object().into_iter().flatten() {
            let parts = match key.as_str() {
                "parameters" => vec![part],
                m if METHODS.contains(&m) => vec![&part["requestBody"], &part["parameters"]],
                _ => continue,
            };
            for part in parts {
                let mut found = Vec::new();
                refs_at(part, "", &mut found);
                todo.extend(found.into_iter().map(|(_, target)| target));
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(target) = todo.pop() {
        if seen.insert(target.clone()) {
            let mut found = Vec::new();
            if let Some(node) = resolve(doc, &target) {
                refs_at(node, "", &mut found);
            }
            todo.extend(found.into_iter().map(|(_, t)| t));
        }
    }
    seen
}

/// Cuts the property that closes each cycle of component schemas that no request reaches (see
/// the module docs): the back edges of a depth-first walk, in name order. Returns the places
/// that could not be cut (a required property that is neither a list nor a map).
fn break_recursion(doc: &mut Value, changes: &mut BTreeMap<&'static str, usize>) -> Vec<String> {
    const SCHEMAS: &str = "#/components/schemas/";
    let requested = request_schemas(doc);
    let names: Vec<String> =
        doc["components"]["schemas"].as_object().map(|s| s.keys().cloned().collect()).unwrap_or_default();
    let edges: BTreeMap<String, Vec<(String, String)>> = names
        .iter()
        .map(|name| {
            let mut found = Vec::new();
            refs_at(&doc["components"]["schemas"][name.as_str()], "", &mut found);
            (format!("{SCHEMAS}{}", name.replace('~', "~0").replace('/', "~1")), found)
        })
        .collect();
    // Iterative depth-first walk: 0 unseen, 1 on the stack, 2 done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    let mut back: Vec<(String, String)> = Vec::new();
    for start in edges.keys() {
        if state.get(start.as_str()).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        state.insert(start, 1);
        while let Some((node, next)) = stack.pop() {
            let out = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            match out.get(next) {
                None => {
                    state.insert(node, 2);
                }
                Some((at, target)) => {
                    stack.push((node, next + 1));
                    match state.get(target.as_str()).copied().unwrap_or(0) {
                        1 => back.push((format!("{node}{at}"), target.clone())),
                        0 if edges.contains_key(target) => {
                            let target = edges.get_key_value(target).map(|(k, _)| k.as_str()).unwrap_or_default();
                            state.insert(target, 1);
                            stack.push((target, 0));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let mut endless = Vec::new();
    for (at, _) in back {
        let component: String = at.splitn(5, '/').take(4).collect::<Vec<_>>().join("/");
        if requested.contains(&component) {
            continue;
        }
        if cut(doc, &at) {
            *changes.entry("recursive response schema: cycle cut for json-schema-faker").or_default() += 1;
        } else {
            endless.push(at);
        }
    }
    endless
}

/// Cuts the outermost property of the component schema that leads to the `$ref` at `at` (so that
/// inner objects, such as a `/rest` map's `{"key", "value"}` entries, stay whole): an optional one
/// is removed; a required list or map is left empty (`maxItems`/`maxProperties` 0). False when
/// there is no such property.
fn cut(doc: &mut Value, at: &str) -> bool {
    let component_end = at.match_indices('/').nth(3).map_or(at.len(), |(i, _)| i);
    let Some(split) = at[component_end..].find("/properties/").map(|i| i + component_end) else { return false };
    let (owner, rest) = at.split_at(split);
    let rest = &rest["/properties/".len()..];
    let (property, inner) = rest.split_once('/').unwrap_or((rest, ""));
    let name = property.replace("~1", "/").replace("~0", "~");
    let Some(Value::Object(node)) = owner.strip_prefix('#').and_then(|p| doc.pointer_mut(p)) else { return false };
    let required = node.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|n| n == &name));
    if !required {
        return node.get_mut("properties").and_then(Value::as_object_mut).and_then(|p| p.remove(&name)).is_some();
    }
    let Some(Value::Object(prop)) = node.get_mut("properties").and_then(|p| p.get_mut(&name)) else { return false };
    let limit = match inner.split('/').next() {
        Some("items") => "maxItems",
        Some("additionalProperties") => "maxProperties",
        _ => return false,
    };
    prop.insert(limit.to_owned(), json!(0));
    true
}

/// Renames every component to `<stem>--<name>`, and every `$ref` into them.
fn prefix_components(doc: &mut Value, stem: &str) {
    fn walk(value: &mut Value, stem: &str) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get_mut("$ref") {
                    for kind in KINDS {
                        let prefix = format!("#/components/{kind}/");
                        if let Some(name) = r.strip_prefix(&prefix) {
                            *r = format!("{prefix}{stem}--{name}");
                            break;
                        }
                    }
                }
                map.values_mut().for_each(|v| walk(v, stem));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, stem)),
            _ => {}
        }
    }
    walk(doc, stem);
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else { return };
    for kind in KINDS {
        if let Some(Value::Object(entries)) = components.get_mut(*kind) {
            let renamed: Map<String, Value> =
                std::mem::take(entries).into_iter().map(|(name, v)| (format!("{stem}--{name}"), v)).collect();
            *entries = renamed;
        }
    }
}

/// Gives every response of the path item's operations the routing header, and the document's
/// `security` to operations without their own.
fn mark_operations(key: &str, item: &mut Value, security: Option<&Value>, changes: &mut BTreeMap<&'static str, usize>) {
    for (method, op) in operations(item) {
        let Some(op) = op.as_object_mut() else { continue };
        if let (Some(security), false) = (security, op.contains_key("security")) {
            op.insert("security".to_owned(), security.clone());
        }
        let mark = format!("{} {key}", method.to_ascii_uppercase());
        let header = json!({"schema": {"type": "string", "enum": [mark]}});
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
        for response in responses.values_mut() {
            if let Some(r) = response.as_object_mut() {
                let headers = r.entry("headers").or_insert_with(|| json!({}));
                headers["x-contract-operation"] = header.clone();
                *changes.entry("responses marked with x-contract-operation").or_default() += 1;
            }
        }
    }
}

/// Adds a file's (prefixed) components to the merged document; security schemes are merged by
/// name and must agree.
fn merge_components(merged: &mut Value, components: Option<&Value>, stem: &str) -> Result<(), String> {
    let Some(Value::Object(components)) = components else { return Ok(()) };
    for (kind, entries) in components {
        let Value::Object(entries) = entries else { continue };
        for (name, value) in entries {
            let slot = &mut merged["components"][kind.as_str()][name.as_str()];
            match slot {
                Value::Null => *slot = value.clone(),
                same if same == value => {}
                _ => return Err(format!("{stem}: components/{kind}/{name} differs from another file's")),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(doc: Value) -> Rewritten {
        match corpus(vec![("f".to_owned(), doc)]) {
            Ok(rewritten) => rewritten,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn query_keys_become_path_segments_and_every_response_names_its_operation() {
        let out = one(json!({"paths": {
            "/api/vm?action=clone&vmw-task=true": {"post": {"responses": {"202": {"description": "id"}}}},
            "/api/vm/{vm}": {"get": {"responses": {"200": {"description": "vm"}}}},
        }}));
        let paths = out.doc["paths"].as_object().expect("paths");
        assert_eq!(paths.keys().collect::<Vec<_>>(), ["/api/vm/action=clone&vmw-task=true", "/api/vm/{vm}"]);
        assert_eq!(
            out.keys,
            [QueryKey { method: "post".into(), path: "/api/vm".into(), query: "action=clone&vmw-task=true".into() }]
        );
        let mark =
            &paths["/api/vm/action=clone&vmw-task=true"]["post"]["responses"]["202"]["headers"]["x-contract-operation"];
        assert_eq!(mark["schema"]["enum"], json!(["POST /api/vm?action=clone&vmw-task=true"]));
        assert!(
            out.routes.contains("GET /api/vm/{vm}") && out.routes.contains("POST /api/vm?action=clone&vmw-task=true")
        );
    }

    #[test]
    fn dangling_refs_are_added_and_components_prefixed() {
        let out = one(json!({
            "paths": {"/rest/x": {"post": {
                "requestBody": {"$ref": "#/components/requestBodies/x.create"},
                "responses": {"200": {"description": "ok", "content": {"application/json": {}}}}
            }}, "/rest/y": {"post": {
                "requestBody": {"$ref": "#/components/requestBodies/YTask"},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/gone"}}}}}
            }}},
            "components": {
                "schemas": {"x.create": {"type": "object", "properties": {"spec": {"type": "string", "required": true}}}},
                "requestBodies": {"Y_task": {"content": {"application/json": {"schema": {"type": "string"}}}}}
            }
        }));
        let components = &out.doc["components"];
        assert_eq!(
            components["requestBodies"]["f--x.create"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/f--x.create"
        );
        assert_eq!(components["requestBodies"]["f--YTask"], components["requestBodies"]["f--Y_task"]);
        assert_eq!(components["schemas"]["f--gone"], json!({}));
        let create = &components["schemas"]["f--x.create"];
        assert_eq!(create["required"], json!(["spec"]), "a property's `required: true` moves to its parent's list");
        assert_eq!(create["properties"]["spec"], json!({"type": "string"}));
        assert_eq!(create["additionalProperties"], json!(false), "a request body's object is strict");
        assert!(out.doc["paths"]["/rest/x"]["post"]["responses"]["200"].get("content").is_none());
        assert_eq!(out.changes["response media type without a schema: removed"], 1);
    }

    #[test]
    fn strictness_spares_composed_schemas() {
        let out = one(json!({
            "paths": {"/api/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Both"}}}},
                "responses": {"204": {"description": "done"}}
            }}},
            "components": {"schemas": {
                "Both": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"b": {"type": "string"}}}]},
                "A": {"type": "object", "properties": {"a": {"type": "string"}}},
            }}
        }));
        let schemas = &out.doc["components"]["schemas"];
        assert!(schemas["f--A"].get("additionalProperties").is_none());
        assert!(schemas["f--Both"].get("additionalProperties").is_none());
    }

    #[test]
    fn cycles_in_response_schemas_are_cut_and_request_schemas_kept() {
        let out = one(json!({
            "paths": {"/api/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tree"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}}}
            }}},
            "components": {"schemas": {
                "Tree": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}}},
                "Message": {"type": "object", "required": ["params"], "properties": {
                    "params": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Param"}}
                }},
                "Param": {"type": "object", "required": ["kind"], "properties": {
                    "kind": {"type": "string"},
                    "nested": {"$ref": "#/components/schemas/Message"}
                }},
            }}
        }));
        let schemas = &out.doc["components"]["schemas"];
        assert!(schemas["f--Tree"]["properties"].get("children").is_some(), "a request reaches it: kept");
        assert_eq!(
            schemas["f--Message"]["properties"]["params"]["additionalProperties"]["$ref"],
            "#/components/schemas/f--Param"
        );
        assert!(
            schemas["f--Param"]["properties"].get("nested").is_none(),
            "the optional property that closes the cycle"
        );
        assert_eq!(out.changes["recursive response schema: cycle cut for json-schema-faker"], 1);
        assert!(out.endless.is_empty());
        let endless = one(json!({"paths": {}, "components": {"schemas": {
            "Info": {"type": "object", "required": ["info"], "properties": {"info": {"$ref": "#/components/schemas/Info"}}}
        }}}));
        assert_eq!(
            endless.endless,
            ["#/components/schemas/f--Info/properties/info"],
            "no finite value: left, and named"
        );
    }

    #[test]
    fn files_merge_and_clashing_keys_fail() {
        let doc = |key: &str| json!({"paths": {key: {"get": {"responses": {"200": {"description": "x"}}}}}, "security": [{"s": []}]});
        let merged = corpus(vec![("a".into(), doc("/api/a")), ("b".into(), doc("/api/b"))]).expect("merged");
        assert_eq!(merged.doc["paths"]["/api/b"]["get"]["security"], json!([{"s": []}]));
        assert!(corpus(vec![("a".into(), doc("/api/a?action=x")), ("b".into(), doc("/api/a/action=x"))]).is_err());
    }
}
