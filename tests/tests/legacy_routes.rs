//! Sans-IO: for every `/api` operation of `vsphere-7.0.3-api` that has a legacy route, the request
//! built in `ApiMode::Legacy` is one the paired `/rest` operation of the spec accepts.
//!
//! The test reads both sides independently of the generator's own model:
//!
//! - the generated crate (made in memory) is parsed with `syn`, and every `pub fn` that builds an
//!   `Operation` with `.legacy(Legacy::..)` gives its static data: route, input calls, legacy chain;
//! - the spec files are read as plain JSON; sample inputs come from the `/api` operation's schemas;
//! - the same calls, fed the samples, are replayed on `vsphere_runtime::Operation`, and the request
//!   it builds in legacy mode is checked against the `/rest` operation: method, path template
//!   (`id:` prefixes, fixed query items), declared and required query parameters, the request
//!   body against its schema, and that every sampled input reaches the request.
//!
//! Needs `../shared/specs`; without it the test prints SKIPPED (under `CI=true` that is a failure).

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::Value;
use vsphere_codegen::Config;

use extract::{Function, Input, Place};
use spec::{Op, Spec};

/// The specs this test covers, below `../shared/specs`.
const FOLDER: &str = "vsphere-7.0.3-api";

/// The base URL the requests are built for.
const BASE: &str = "https://vc.example.com";

/// Reads the generated functions: their routes, input calls and legacy chains.
mod extract {
    use syn::visit::Visit;
    use syn::{Expr, Item, ItemFn, Lit, Stmt, Visibility};

    /// Where an input call of a generated function puts its value on the `/api` route.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Place {
        Path,
        Query,
        QueryJoined,
        Header,
        Body,
    }

    /// One input call: `.query("names", &params.names)`, `.body(body)`, ...
    #[derive(Debug, Clone)]
    pub struct Input {
        pub place: Place,
        /// The wire name; empty for the body.
        pub name: String,
        /// Whether the value is a field of the optional parameters, `&params.x`.
        pub optional: bool,
    }

    /// Where a `Legacy` chain sends an input or a body field.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Target {
        Path(String),
        Query(String),
        Body(String),
    }

    /// The argument of `.legacy(..)`.
    #[derive(Debug, Clone, Default)]
    pub struct LegacyChain {
        pub method: String,
        pub path: String,
        pub wrap: Option<String>,
        pub inputs: Vec<(String, Target)>,
        pub fields: Vec<(String, Target)>,
        pub maps: Vec<String>,
    }

    /// A generated function with a legacy route.
    #[derive(Debug, Clone)]
    pub struct Function {
        /// The operation name given to `Operation::new`, such as `vcenter::vm::list`.
        pub name: String,
        /// The generated file it is in.
        pub file: String,
        pub method: String,
        pub path: String,
        pub inputs: Vec<Input>,
        pub legacy: LegacyChain,
    }

    /// What the generated crate holds.
    #[derive(Debug, Default)]
    pub struct Extraction {
        pub functions: Vec<Function>,
        /// `pub fn`s that call `.legacy(..)` and `.no_legacy(..)`.
        pub with_legacy: usize,
        pub with_no_legacy: usize,
        /// Files or functions that could not be read, and why.
        pub unreadable: Vec<(String, String)>,
    }

    /// Reads every generated module file (the embedded runtime excluded).
    pub fn extract(files: &[(String, String)]) -> Extraction {
        let mut out = Extraction::default();
        let modules = files.iter().filter(|(path, _)| path.starts_with("src/") && path.ends_with(".rs"));
        for (path, text) in modules.filter(|(path, _)| !path.starts_with("src/runtime")) {
            match syn::parse_file(text) {
                Ok(file) => read_items(path, &file.items, &mut out),
                Err(e) => out.unreadable.push((path.clone(), format!("does not parse: {e}"))),
            }
        }
        out
    }

    fn read_items(path: &str, items: &[Item], out: &mut Extraction) {
        for item in items {
            match item {
                Item::Fn(function) if matches!(function.vis, Visibility::Public(_)) => read_fn(path, function, out),
                Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        read_items(path, items, out);
                    }
                }
                _ => {}
            }
        }
    }

    fn read_fn(path: &str, function: &ItemFn, out: &mut Extraction) {
        let mut calls = Calls::default();
        calls.visit_item_fn(function);
        out.with_no_legacy += usize::from(calls.no_legacy > 0);
        if calls.legacy == 0 {
            return;
        }
        out.with_legacy += 1;
        match read_function(path, function) {
            Ok(function) => out.functions.push(function),
            Err(reason) => out.unreadable.push((format!("{path}: fn {}", function.sig.ident), reason)),
        }
    }

    /// Counts the `.legacy(..)` and `.no_legacy(..)` calls of a function.
    #[derive(Default)]
    struct Calls {
        legacy: usize,
        no_legacy: usize,
    }

    impl<'ast> Visit<'ast> for Calls {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            match call.method.to_string().as_str() {
                "legacy" => self.legacy += 1,
                "no_legacy" => self.no_legacy += 1,
                _ => {}
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }

    /// `let route = Route::<m>(..); Operation::new(name, route).<input calls>.legacy(..)`.
    fn read_function(path: &str, function: &ItemFn) -> Result<Function, String> {
        let stmts = &function.block.stmts;
        let Some(Stmt::Expr(tail, None)) = stmts.last() else { return Err("no tail expression".into()) };
        let (root, calls) = unchain(tail);
        let args = call_of(root, &["Operation", "new"])?;
        let [name, route] = args.as_slice() else { return Err("`Operation::new` takes two arguments".into()) };
        let (method, route_path) = constructor(local(stmts, route), "Route")?;
        let mut out = Function {
            name: lit_str(name)?,
            file: path.to_owned(),
            method,
            path: route_path,
            inputs: Vec::new(),
            legacy: LegacyChain::default(),
        };
        for (method, args) in calls {
            match method.as_str() {
                "legacy" => out.legacy = read_legacy(args.first().ok_or("`.legacy()` without argument")?)?,
                "body" => out.inputs.push(Input { place: Place::Body, name: String::new(), optional: false }),
                "path" | "query" | "query_joined" | "header" => out.inputs.push(read_input(&method, &args)?),
                other => return Err(format!("unexpected call `.{other}(..)`")),
            }
        }
        Ok(out)
    }

    fn read_input(method: &str, args: &[&Expr]) -> Result<Input, String> {
        let place = match method {
            "path" => Place::Path,
            "query" => Place::Query,
            "query_joined" => Place::QueryJoined,
            _ => Place::Header,
        };
        let [name, value] = args else { return Err(format!("`.{method}()` takes two arguments")) };
        Ok(Input { place, name: lit_str(name)?, optional: is_params_field(value) })
    }

    /// `Legacy::<m>(path).wrap(..).inputs(&[..]).fields(&[..]).maps(&[..])`.
    fn read_legacy(expr: &Expr) -> Result<LegacyChain, String> {
        let (root, calls) = unchain(expr);
        let (method, path) = constructor(root, "Legacy")?;
        let mut out = LegacyChain { method, path, ..LegacyChain::default() };
        for (method, args) in calls {
            let [arg] = args.as_slice() else { return Err(format!("`.{method}()` takes one argument")) };
            match method.as_str() {
                "wrap" => out.wrap = Some(lit_str(arg)?),
                "inputs" => out.inputs = targets(arg)?,
                "fields" => out.fields = targets(arg)?,
                "maps" => out.maps = elements(arg)?.into_iter().map(lit_str).collect::<Result<_, _>>()?,
                other => return Err(format!("unexpected call `Legacy::..{other}(..)`")),
            }
        }
        Ok(out)
    }

    /// `&[("name", Target::Query("filter.name")), ..]`.
    fn targets(expr: &Expr) -> Result<Vec<(String, Target)>, String> {
        let mut out = Vec::new();
        for element in elements(expr)? {
            let Expr::Tuple(tuple) = element else { return Err("a target is not a tuple".into()) };
            let [from, to] = tuple.elems.iter().collect::<Vec<_>>()[..] else {
                return Err("a target is not a pair".into());
            };
            out.push((lit_str(from)?, target(to)?));
        }
        Ok(out)
    }

    fn target(expr: &Expr) -> Result<Target, String> {
        let Expr::Call(call) = expr else { return Err("a target is not `Target::..(..)`".into()) };
        let path = path_of(&call.func);
        let name = lit_str(call.args.first().ok_or("a target without a name")?)?;
        match path.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["Target", "Path"] => Ok(Target::Path(name)),
            ["Target", "Query"] => Ok(Target::Query(name)),
            ["Target", "Body"] => Ok(Target::Body(name)),
            _ => Err(format!("unknown target `{}`", path.join("::"))),
        }
    }

    /// The receiver at the root of a method chain, and the calls on it in order.
    fn unchain(mut expr: &Expr) -> (&Expr, Vec<(String, Vec<&Expr>)>) {
        let mut calls = Vec::new();
        while let Expr::MethodCall(call) = expr {
            calls.push((call.method.to_string(), call.args.iter().collect()));
            expr = &call.receiver;
        }
        calls.reverse();
        (expr, calls)
    }

    /// The arguments of a call of the function at `path`.
    fn call_of<'a>(expr: &'a Expr, path: &[&str]) -> Result<Vec<&'a Expr>, String> {
        match expr {
            Expr::Call(call) if path_of(&call.func) == path => Ok(call.args.iter().collect()),
            _ => Err(format!("the chain does not start with `{}(..)`", path.join("::"))),
        }
    }

    /// `<ty>::<method>("path")`: the method and the path.
    fn constructor(expr: &Expr, ty: &str) -> Result<(String, String), String> {
        let Expr::Call(call) = expr else { return Err(format!("not a `{ty}::<method>(..)` call")) };
        let path = path_of(&call.func);
        let [owner, method] = path.as_slice() else { return Err(format!("not a `{ty}::<method>(..)` call")) };
        if owner != ty || call.args.len() != 1 {
            return Err(format!("not a `{ty}::<method>(path)` call"));
        }
        Ok((method.clone(), lit_str(&call.args[0])?))
    }

    /// The initialiser of the local variable `expr` names, if it is one (`route`).
    fn local<'a>(stmts: &'a [Stmt], expr: &'a Expr) -> &'a Expr {
        let Expr::Path(path) = expr else { return expr };
        let Some(name) = path.path.get_ident() else { return expr };
        let init = stmts.iter().rev().find_map(|stmt| match stmt {
            Stmt::Local(local) => match &local.pat {
                syn::Pat::Ident(pat) if pat.ident == *name => local.init.as_ref().map(|init| &*init.expr),
                _ => None,
            },
            _ => None,
        });
        init.unwrap_or(expr)
    }

    fn path_of(expr: &Expr) -> Vec<String> {
        match expr {
            Expr::Path(path) => path.path.segments.iter().map(|s| s.ident.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    /// The elements of `&[..]` or `[..]`.
    fn elements(expr: &Expr) -> Result<Vec<&Expr>, String> {
        match expr {
            Expr::Reference(reference) => elements(&reference.expr),
            Expr::Array(array) => Ok(array.elems.iter().collect()),
            _ => Err("not an array".into()),
        }
    }

    /// `&params.x`.
    fn is_params_field(expr: &Expr) -> bool {
        let Expr::Reference(reference) = expr else { return false };
        let Expr::Field(field) = &*reference.expr else { return false };
        path_of(&field.base) == ["params"]
    }

    fn lit_str(expr: &Expr) -> Result<String, String> {
        match expr {
            Expr::Lit(lit) => match &lit.lit {
                Lit::Str(text) => Ok(text.value()),
                _ => Err("not a string literal".into()),
            },
            _ => Err("not a string literal".into()),
        }
    }
}

/// The spec files, read as plain JSON.
mod spec {
    use std::path::Path;

    use serde_json::Value;

    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// Every spec file of a folder, by file name.
    pub struct Spec {
        files: Vec<(String, Value)>,
    }

    /// One operation of a spec file.
    #[derive(Clone, Copy)]
    pub struct Op<'a> {
        /// The document the operation is in (its `$ref`s point into it).
        pub doc: &'a Value,
        pub key: &'a str,
        pub method: &'a str,
        op: &'a Value,
    }

    /// A parameter of an operation.
    #[derive(Clone, Copy)]
    pub struct Param<'a> {
        pub name: &'a str,
        pub place: &'a str,
        pub required: bool,
        pub schema: &'a Value,
    }

    impl Spec {
        pub fn load(dir: &Path) -> Spec {
            let mut files = Vec::new();
            for entry in std::fs::read_dir(dir).expect("the spec folder").flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).expect("a spec file");
                    let doc = serde_json::from_str(&text).expect("valid JSON");
                    files.push((path.file_name().unwrap_or_default().to_string_lossy().into_owned(), doc));
                }
            }
            files.sort_by(|a, b| a.0.cmp(&b.0));
            Spec { files }
        }

        /// Every operation of every file.
        pub fn operations(&self) -> impl Iterator<Item = Op<'_>> {
            self.files.iter().flat_map(|(_, doc)| {
                let paths = doc["paths"].as_object().into_iter().flatten();
                paths.flat_map(move |(key, item)| {
                    METHODS.iter().filter_map(move |m| item.get(*m).map(|op| Op { doc, key, method: m, op }))
                })
            })
        }

        /// The operation at `method` (any case) and the path key a generated template stands for.
        pub fn find(&self, method: &str, template: &str) -> Option<Op<'_>> {
            self.find_sending(method, template, &[])
        }

        /// [`Spec::find`] for a call that sends the required query parameters `sent`: a key whose
        /// query is their bare names (`.../file?name`) is the template without them.
        pub fn find_sending(&self, method: &str, template: &str, sent: &[&str]) -> Option<Op<'_>> {
            let (method, key) = (method.to_ascii_lowercase(), percent_decode(template));
            let bare = |query: &str| query.split('&').all(|name| !name.contains('=') && sent.contains(&name));
            let named = self.operations().find(|op| {
                op.method == method && op.key.split_once('?').is_some_and(|(base, query)| base == key && bare(query))
            });
            named.or_else(|| self.operations().find(|op| op.method == method && op.key == key))
        }

        /// The links: `/rest` operations that name their `/api` replacement.
        pub fn links(&self) -> usize {
            self.operations().filter(|op| op.key.starts_with("/rest") && op.replacement().is_some()).count()
        }
    }

    impl<'a> Op<'a> {
        /// `GET /rest/vcenter/vm`.
        pub fn label(&self) -> String {
            format!("{} {}", self.method.to_ascii_uppercase(), self.key)
        }

        /// The `/api` operation a deprecated one names: `(path key, method)` of its pointer.
        pub fn replacement(&self) -> Option<(String, String)> {
            let pointer = self.op["x-vmw-deprecated"]["replacement"].as_str()?;
            let (_, inner) = pointer.split_once("#/paths/")?;
            let (key, method) = inner.rsplit_once('/')?;
            Some((key.replace("~1", "/").replace("~0", "~"), method.to_owned()))
        }

        pub fn params(&self) -> Vec<Param<'a>> {
            let list = self.op["parameters"].as_array().into_iter().flatten();
            list.map(|p| resolve(self.doc, p))
                .map(|p| Param {
                    name: p["name"].as_str().unwrap_or_default(),
                    place: p["in"].as_str().unwrap_or_default(),
                    required: p["required"].as_bool().unwrap_or(false),
                    schema: &p["schema"],
                })
                .collect()
        }

        pub fn param(&self, place: &str, name: &str) -> Option<Param<'a>> {
            self.params().into_iter().find(|p| p.place == place && p.name == name)
        }

        /// The request body's schema (JSON, or the first content type) and whether it is required.
        pub fn body(&self) -> Option<(&'a Value, bool)> {
            let body = resolve(self.doc, self.op.get("requestBody")?);
            let content = body["content"].as_object()?;
            let schema = content.get("application/json").or_else(|| content.values().next())?;
            Some((&schema["schema"], body["required"].as_bool().unwrap_or(false)))
        }
    }

    /// The schema a local `$ref` chain ends at (the schema itself if it is none).
    pub fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else { break };
            match target.strip_prefix('#').and_then(|pointer| doc.pointer(pointer)) {
                Some(next) => schema = next,
                None => break,
            }
        }
        schema
    }

    /// `text` with every `%XX` decoded (as UTF-8, lossily).
    pub fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0;
        while at < bytes.len() {
            let hex = bytes.get(at + 1..at + 3).and_then(|h| std::str::from_utf8(h).ok());
            match hex.filter(|_| bytes[at] == b'%').and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(byte) => {
                    out.push(byte);
                    at += 3;
                }
                None => {
                    out.push(bytes[at]);
                    at += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Sample values drawn from a schema.
mod sample {
    use serde_json::{Map, Value, json};

    use super::spec::resolve;

    /// Schemas entered by `$ref` up to this depth get every property; deeper, only the required
    /// ones (which ends recursive schemas).
    const FULL_DEPTH: usize = 4;
    /// Past this depth nothing more is added, required or not.
    const MAX_DEPTH: usize = 8;

    /// A value for `schema`; `name` is the parameter or property it is for.
    pub fn sample(doc: &Value, schema: &Value, name: &str) -> Value {
        at(doc, schema, name, 0)
    }

    fn at(doc: &Value, schema: &Value, name: &str, depth: usize) -> Value {
        let depth = depth + usize::from(schema.get("$ref").is_some());
        let schema = resolve(doc, schema);
        if let Some(first) = schema["enum"].get(0) {
            return first.clone();
        }
        match schema["type"].as_str() {
            Some("string") if schema["format"] == "date-time" => json!("2024-01-02T03:04:05Z"),
            Some("string") => json!(format!("s-{name}")),
            Some("integer") => json!(7),
            Some("number") => json!(7.5),
            Some("boolean") => json!(true),
            Some("array") if depth <= MAX_DEPTH => json!([at(doc, &schema["items"], name, depth)]),
            Some("array") => json!([]),
            _ => object(doc, schema, depth),
        }
    }

    /// Every property (the required ones only, deep down), or one entry `"k"` of a map.
    fn object(doc: &Value, schema: &Value, depth: usize) -> Value {
        let mut out = Map::new();
        let required: Vec<&str> =
            schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if let Some(properties) = schema["properties"].as_object() {
            for (key, property) in properties {
                if depth <= FULL_DEPTH || (depth <= MAX_DEPTH && required.contains(&key.as_str())) {
                    out.insert(key.clone(), at(doc, property, key, depth));
                }
            }
        } else if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object() && depth <= MAX_DEPTH)
        {
            out.insert("k".to_owned(), at(doc, values, "k", depth));
        }
        Value::Object(out)
    }
}

/// Whether a value fits a schema: types, properties, required properties, items, enums, maps.
mod validate {
    use serde_json::Value;

    use super::spec::resolve;

    /// Appends what does not fit to `out`, each naming the place `at`.
    pub fn check(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
        let schema = resolve(doc, schema);
        let enumeration = schema["enum"].as_array().filter(|_| !value.is_null());
        if let Some(values) = enumeration.filter(|values| !values.contains(value)) {
            out.push(format!("{at}: {value} is not one of the enum {}", Value::Array(values.clone())));
        }
        let is_object = schema.get("properties").is_some() || schema.get("additionalProperties").is_some();
        match schema["type"].as_str() {
            Some("array") => array(doc, schema, value, at, out),
            Some("object") => object(doc, schema, value, at, out),
            None if is_object => object(doc, schema, value, at, out),
            None => {}
            Some(ty) if !fits(ty, value) => out.push(format!("{at}: expected {ty}, got {}", kind(value))),
            Some(_) => {}
        }
    }

    fn array(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
        let Some(items) = value.as_array() else {
            return out.push(format!("{at}: expected array, got {}", kind(value)));
        };
        for (index, item) in items.iter().enumerate() {
            check(doc, &schema["items"], item, &format!("{at}[{index}]"), out);
        }
    }

    fn object(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
        let Some(map) = value.as_object() else {
            return out.push(format!("{at}: expected object, got {}", kind(value)));
        };
        let properties = schema["properties"].as_object();
        for (key, item) in map {
            let place = format!("{at}.{key}");
            match (properties.and_then(|p| p.get(key)), schema.get("additionalProperties")) {
                (Some(property), _) => check(doc, property, item, &place, out),
                (None, Some(values @ Value::Object(_))) => check(doc, values, item, &place, out),
                (None, Some(Value::Bool(true))) => {}
                (None, _) if properties.is_none() => {}
                (None, _) => out.push(format!("{at}: `{key}` is not a property of the schema")),
            }
        }
        for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !map.contains_key(key) {
                out.push(format!("{at}: the required `{key}` is missing"));
            }
        }
    }

    /// Whether the text of a query or path parameter fits its schema.
    pub fn text_fits(doc: &Value, schema: &Value, text: &str) -> bool {
        let schema = resolve(doc, schema);
        if let Some(values) = schema["enum"].as_array() {
            return values.iter().any(|v| v.as_str() == Some(text));
        }
        match schema["type"].as_str() {
            Some("array") => text_fits(doc, &schema["items"], text),
            Some("integer") => text.parse::<i64>().is_ok(),
            Some("number") => text.parse::<f64>().is_ok(),
            Some("boolean") => matches!(text, "true" | "false"),
            Some("object") => false,
            _ => true,
        }
    }

    fn fits(ty: &str, value: &Value) -> bool {
        match ty {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        }
    }

    fn kind(value: &Value) -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// Replays a generated function on the runtime itself.
mod replay {
    use serde_json::Value;
    use vsphere_runtime::{ApiMode, Legacy, Method, Operation, Route, Target};

    use super::extract::{self, Function, Input, Place};

    /// The request the function's calls, fed `inputs`, give in legacy mode.
    pub fn request(function: &Function, inputs: &[(Input, Value)]) -> Result<http::Request<Vec<u8>>, String> {
        let route = Route::new(method(&function.method)?, leak(&function.path));
        let mut op = Operation::<Value, Value>::new(leak(&function.name), route);
        for (input, value) in inputs {
            let name = leak(&input.name);
            op = match input.place {
                Place::Path => op.path(name, value),
                Place::Query => op.query(name, value),
                Place::QueryJoined => op.query_joined(name, value),
                Place::Header => op.header(name, value),
                Place::Body => op.body(value),
            };
        }
        op = op.legacy(legacy(&function.legacy)?);
        op.http_request(super::BASE, None, ApiMode::Legacy).map_err(|e| format!("the request does not build: {e}"))
    }

    fn legacy(chain: &extract::LegacyChain) -> Result<Legacy, String> {
        let mut legacy = Legacy::new(method(&chain.method)?, leak(&chain.path))
            .inputs(targets(&chain.inputs))
            .fields(targets(&chain.fields))
            .maps(Box::leak(chain.maps.iter().map(|m| leak(m)).collect::<Vec<_>>().into_boxed_slice()));
        if let Some(key) = &chain.wrap {
            legacy = legacy.wrap(leak(key));
        }
        Ok(legacy)
    }

    fn targets(list: &[(String, extract::Target)]) -> &'static [(&'static str, Target)] {
        let targets = list.iter().map(|(from, to)| {
            let to = match to {
                extract::Target::Path(name) => Target::Path(leak(name)),
                extract::Target::Query(name) => Target::Query(leak(name)),
                extract::Target::Body(name) => Target::Body(leak(name)),
            };
            (leak(from), to)
        });
        Box::leak(targets.collect::<Vec<_>>().into_boxed_slice())
    }

    fn method(name: &str) -> Result<Method, String> {
        Ok(match name {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            other => return Err(format!("unknown method `{other}`")),
        })
    }

    /// `'static` text for the runtime's static data (this is a test: the leak is bounded).
    fn leak(text: &str) -> &'static str {
        Box::leak(text.to_owned().into_boxed_str())
    }
}

/// A built request, taken apart.
struct Wire {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    json: bool,
}

impl Wire {
    fn parse(request: &http::Request<Vec<u8>>) -> Result<Wire, String> {
        let uri = request.uri();
        let query = uri.query().unwrap_or_default().split('&').filter(|pair| !pair.is_empty());
        let query =
            query.map(|pair| pair.split_once('=').unwrap_or((pair, ""))).map(|(n, v)| (form_decode(n), form_decode(v)));
        let headers =
            request.headers().iter().map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into()));
        let body = match request.body().as_slice() {
            [] => None,
            bytes => Some(serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON: {e}"))?),
        };
        Ok(Wire {
            method: request.method().as_str().to_owned(),
            path: uri.path().to_owned(),
            query: query.collect(),
            headers: headers.collect(),
            body,
            json: request.headers().get(http::header::CONTENT_TYPE).is_some_and(|v| v == "application/json"),
        })
    }
}

/// A query name or value as `application/x-www-form-urlencoded` writes it, decoded.
fn form_decode(text: &str) -> String {
    spec::percent_decode(&text.replace('+', " "))
}

/// Samples a value for every input call from the `/api` operation's schemas, and reports the
/// calls and the operation's inputs that do not correspond.
fn sample_inputs(function: &Function, api: Op<'_>) -> (Vec<(Input, Value)>, Vec<String>) {
    let (mut sampled, mut problems) = (Vec::new(), Vec::new());
    for input in &function.inputs {
        let schema = match input.place {
            Place::Body => api.body().map(|(schema, _)| schema),
            place => api.param(place_in(place), &input.name).map(|p| p.schema),
        };
        match schema {
            Some(schema) => {
                let name = if input.place == Place::Body { "body" } else { &input.name };
                sampled.push((input.clone(), sample::sample(api.doc, schema, name)));
            }
            None => problems.push(format!("sends {} that {} does not declare", describe(input), api.label())),
        }
    }
    for param in api.params() {
        let sent = function
            .inputs
            .iter()
            .find(|i| i.place != Place::Body && place_in(i.place) == param.place && i.name == param.name);
        match sent {
            None => problems.push(format!(
                "does not send the {} parameter `{}` of {}",
                param.place,
                param.name,
                api.label()
            )),
            Some(input) if input.optional == param.required => problems.push(format!(
                "{} is {} but `{}` is {} in {}",
                describe(input),
                if input.optional { "an optional field" } else { "a required argument" },
                param.name,
                if param.required { "required" } else { "optional" },
                api.label()
            )),
            Some(_) => {}
        }
    }
    if api.body().is_some() && !function.inputs.iter().any(|i| i.place == Place::Body) {
        problems.push(format!("does not send the request body of {}", api.label()));
    }
    (sampled, problems)
}

/// The spec's `in` for an input place.
fn place_in(place: Place) -> &'static str {
    match place {
        Place::Path => "path",
        Place::Query | Place::QueryJoined => "query",
        Place::Header => "header",
        Place::Body => "body",
    }
}

fn describe(input: &Input) -> String {
    match input.place {
        Place::Body => "a request body".to_owned(),
        place => format!("the {} input `{}`", place_in(place), input.name),
    }
}

/// The path template and the fixed query items of a `/rest` path key.
fn split_key(key: &str) -> (&str, Vec<(&str, Option<&str>)>) {
    let (path, query) = key.split_once('?').unwrap_or((key, ""));
    let items = query.split('&').filter(|item| !item.is_empty());
    (path, items.map(|item| item.split_once('=').map_or((item, None), |(n, v)| (n, Some(v)))).collect())
}

/// Matches the request path against the `/rest` path template: the value of every `{p}` (with
/// its segment's literal prefix, such as `id:`, and suffix checked), or what differs.
fn match_path(template: &str, path: &str) -> Result<BTreeMap<String, String>, String> {
    let (want, got): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if want.len() != got.len() {
        return Err(format!("the path `{path}` does not have the segments of `{template}`"));
    }
    let mut values = BTreeMap::new();
    for (want, got) in want.iter().zip(&got) {
        let got = spec::percent_decode(got);
        let Some((prefix, rest)) = want.split_once('{') else {
            if *want != got {
                return Err(format!("the path `{path}` has `{got}` where `{template}` has `{want}`"));
            }
            continue;
        };
        let (name, suffix) = rest.split_once('}').unwrap_or((rest, ""));
        let value = got.strip_prefix(prefix).and_then(|v| v.strip_suffix(suffix)).filter(|v| !v.is_empty());
        match value {
            Some(value) if value != format!("{{{name}}}") => values.insert(name.to_owned(), value.to_owned()),
            _ => return Err(format!("the path `{path}` does not fill `{want}` of `{template}`")),
        };
    }
    Ok(values)
}

/// The method, the path template and the path parameters.
fn check_route(rest: Op<'_>, wire: &Wire, problems: &mut Vec<String>) -> BTreeMap<String, String> {
    if !wire.method.eq_ignore_ascii_case(rest.method) {
        problems.push(format!(
            "sent as {} where {} is {}",
            wire.method,
            rest.label(),
            rest.method.to_ascii_uppercase()
        ));
    }
    let (template, _) = split_key(rest.key);
    let values = match_path(template, &wire.path).unwrap_or_else(|reason| {
        problems.push(reason);
        BTreeMap::new()
    });
    for param in rest.params().iter().filter(|p| p.place == "path") {
        match values.get(param.name) {
            None if param.required => {
                problems.push(format!("the required path parameter `{}` is not in the path", param.name))
            }
            Some(value) if !validate::text_fits(rest.doc, param.schema, value) => {
                problems.push(format!("the path parameter `{}` = `{value}` does not fit its schema", param.name))
            }
            _ => {}
        }
    }
    for name in values.keys().filter(|name| rest.param("path", name).is_none()) {
        problems.push(format!("the path parameter `{name}` is not declared by {}", rest.label()));
    }
    values
}

/// The fixed query items, the declared query parameters and the required ones.
fn check_query(rest: Op<'_>, wire: &Wire, problems: &mut Vec<String>) {
    let mut query = wire.query.clone();
    for (name, value) in split_key(rest.key).1 {
        let at = query.iter().position(|(n, v)| n == name && value.is_none_or(|value| v == value));
        match at {
            Some(at) => {
                query.remove(at);
            }
            None => problems.push(format!(
                "the fixed query item `{name}{}` is missing",
                value.map(|v| format!("={v}")).unwrap_or_default()
            )),
        }
    }
    for (name, value) in &query {
        let Some(param) = rest.param("query", name) else {
            match indexed_field(rest, name) {
                Some(schema) if validate::text_fits(rest.doc, schema, value) => {}
                Some(_) => problems.push(format!("the query parameter `{name}` = `{value}` does not fit its schema")),
                None => problems.push(format!("the query parameter `{name}` is not declared by {}", rest.label())),
            }
            continue;
        };
        if !validate::text_fits(rest.doc, param.schema, value) {
            problems.push(format!("the query parameter `{name}` = `{value}` does not fit its schema"));
        }
        let repeated = query.iter().filter(|(n, _)| n == name).count() > 1;
        if repeated && spec::resolve(rest.doc, param.schema)["type"] != "array" {
            problems.push(format!("the query parameter `{name}` is repeated but is not an array"));
        }
    }
    for param in rest.params().iter().filter(|p| p.place == "query" && p.required) {
        if !wire.query.iter().any(|(n, _)| n == param.name) {
            problems.push(format!("the required query parameter `{}` is missing", param.name));
        }
    }
}

/// A list of structures in a `/rest` query goes the vAPI way, `name.<n>.<field>`: the schema
/// of that field, when `name` is a declared query parameter holding a list of objects.
fn indexed_field<'a>(rest: Op<'a>, name: &str) -> Option<&'a Value> {
    let (list, rest_of_name) = rest
        .params()
        .into_iter()
        .filter(|p| p.place == "query")
        .find_map(|p| name.strip_prefix(p.name).and_then(|r| r.strip_prefix('.')).map(|r| (p, r)))?;
    let (index, field) = rest_of_name.split_once('.')?;
    index.parse::<usize>().ok().filter(|n| *n >= 1)?;
    let items = spec::resolve(rest.doc, &spec::resolve(rest.doc, list.schema)["items"]);
    items["properties"].get(field).map(|schema| spec::resolve(rest.doc, schema))
}

/// The request body against the `/rest` request body.
fn check_body(rest: Op<'_>, wire: &Wire, problems: &mut Vec<String>) {
    match (rest.body(), &wire.body) {
        (None, None) => {}
        (None, Some(body)) => problems.push(format!("sends the body {body} but {} takes none", rest.label())),
        (Some((_, true)), None) => problems.push(format!("sends no body but {} requires one", rest.label())),
        (Some(_), None) => {}
        (Some((schema, _)), Some(body)) => {
            validate::check(rest.doc, schema, body, "body", problems);
            if !wire.json {
                problems.push("the body is not sent as application/json".to_owned());
            }
        }
    }
}

/// Every sampled input value reaches the request: in the path, the query, a header or the body.
fn check_coverage(
    sampled: &[(Input, Value)],
    wire: &Wire,
    path: &BTreeMap<String, String>,
    problems: &mut Vec<String>,
) {
    let mut sent = BTreeMap::<String, usize>::new();
    let texts = path.values().chain(wire.query.iter().map(|(_, v)| v)).chain(wire.headers.iter().map(|(_, v)| v));
    for text in texts {
        *sent.entry(text.clone()).or_default() += 1;
    }
    let mut leaves = Vec::new();
    if let Some(body) = &wire.body {
        collect_leaves(body, "body", &mut leaves);
    }
    for (text, _) in leaves {
        *sent.entry(text).or_default() += 1;
    }
    let mut wanted = Vec::new();
    for (input, value) in sampled {
        let name = if input.place == Place::Body {
            "body".to_owned()
        } else {
            format!("{} `{}`", place_in(input.place), input.name)
        };
        collect_leaves(value, &name, &mut wanted);
    }
    for (text, from) in wanted {
        match sent.get_mut(&text) {
            Some(count) if *count > 0 => *count -= 1,
            _ => problems.push(format!("the input {from} = `{text}` does not reach the request")),
        }
    }
}

/// The text of every scalar in `value`, with where it is.
fn collect_leaves(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::String(text) => out.push((text.clone(), at.to_owned())),
        Value::Bool(_) | Value::Number(_) => out.push((value.to_string(), at.to_owned())),
        Value::Array(items) => items.iter().for_each(|item| collect_leaves(item, &format!("{at}[]"), out)),
        Value::Object(map) => map.iter().for_each(|(key, item)| collect_leaves(item, &format!("{at}.{key}"), out)),
    }
}

/// What is wrong with one function's legacy request; empty when nothing is.
fn check_function(spec: &Spec, function: &Function, notes: &mut Vec<String>) -> Vec<String> {
    let sent: Vec<&str> = function
        .inputs
        .iter()
        .filter(|i| matches!(i.place, Place::Query | Place::QueryJoined) && !i.optional)
        .map(|i| i.name.as_str())
        .collect();
    let Some(api) = spec.find_sending(&function.method, &function.path, &sent) else {
        return vec![format!("no operation {} {} in the spec", function.method.to_ascii_uppercase(), function.path)];
    };
    let legacy = &function.legacy;
    let rest = match spec.find(&legacy.method, &legacy.path) {
        Some(rest) if rest.key.starts_with("/rest") => rest,
        _ => {
            return vec![format!(
                "no /rest operation {} {} in the spec",
                legacy.method.to_ascii_uppercase(),
                legacy.path
            )];
        }
    };
    if rest.replacement() != Some((api.key.to_owned(), api.method.to_owned())) {
        notes.push(format!(
            "{}: {} names {:?} as its replacement, not {}",
            function.name,
            rest.label(),
            rest.replacement(),
            api.label()
        ));
    }
    let (sampled, mut problems) = sample_inputs(function, api);
    let wire = match replay::request(function, &sampled).and_then(|request| Wire::parse(&request)) {
        Ok(wire) => wire,
        Err(reason) => {
            problems.push(reason);
            return problems;
        }
    };
    let path = check_route(rest, &wire, &mut problems);
    check_query(rest, &wire, &mut problems);
    check_body(rest, &wire, &mut problems);
    check_coverage(&sampled, &wire, &path, &mut problems);
    problems
}

#[test]
fn legacy_requests_match_the_rest_operations_of_the_spec() {
    let Some(specs) = vsphere_tests::shared_specs("legacy_routes") else { return };
    let started = Instant::now();
    let dir = specs.join(FOLDER);
    let generated = Config::new().spec_dir(&dir).generate().unwrap_or_else(|e| panic!("{FOLDER}: {e}"));
    let generation = started.elapsed();
    let extraction = extract::extract(&generated.files);
    let parsing = started.elapsed() - generation;
    let spec = Spec::load(&dir);
    let links = spec.links();
    println!(
        "{FOLDER}: {links} links in the spec; functions with `.legacy(`: {}, with `.no_legacy(`: {}",
        extraction.with_legacy, extraction.with_no_legacy
    );
    assert!(
        extraction.with_legacy * 100 >= links * 95,
        "only {} functions of {links} links have a legacy route",
        extraction.with_legacy
    );

    let checking = Instant::now();
    let mut failures: Vec<(String, String)> = extraction.unreadable.clone();
    let mut notes = Vec::new();
    for function in &extraction.functions {
        let label = format!("{} ({})", function.name, function.file);
        failures
            .extend(check_function(&spec, function, &mut notes).into_iter().map(|problem| (label.clone(), problem)));
    }
    for note in &notes {
        println!("note: {note}");
    }
    let failed: std::collections::BTreeSet<&str> = failures.iter().map(|(f, _)| f.as_str()).collect();
    println!(
        "checked {} functions in {:.1?} (generating the crate: {:.1?}, parsing it: {:.1?}): \
         {} failures in {} functions",
        extraction.functions.len(),
        checking.elapsed(),
        generation,
        parsing,
        failures.len(),
        failed.len()
    );
    let report: Vec<String> = failures.iter().map(|(function, problem)| format!("{function}: {problem}")).collect();
    assert!(
        failures.is_empty(),
        "{} legacy requests do not match their /rest operation:\n{}",
        failed.len(),
        report.join("\n")
    );
}
