//! Robustness: "The generator must not panic on any file, nor on any part of one: run it on each
//! real file with a tenth of its paths removed at random (seeded, a few seeds), and on each file
//! truncated at a random byte; each run ends in generated code or in a clear error with a pointer."
//!
//! - [`removing_a_tenth_of_the_paths`]: every spec file of `../shared/specs/*/`, three seeds.
//!   Generated code must have one function per operation left in the spec.
//! - [`truncating_at_a_random_byte`]: every spec file cut short at a seeded-random byte, three
//!   seeds. A clear error names the file, a pointer and, for JSON, the line and column.
//! - [`truncating_and_closing`]: the same cuts, with the open objects and arrays then closed, so
//!   that the generator sees a valid document that is a part of the real one.
//! - [`targeted_mutations`]: hand-made damage to a small spec, one kind at a time.
//! - The remaining tests pin defects found here and since fixed (path keys without `/`, text
//!   after the JSON document, where invalid UTF-8 starts, operations at the crate root, namespaces
//!   named like a built-in feature, recursive unions, an unquoted YAML version).
//!
//! Every generation runs under `catch_unwind`. Failures are collected and reported together, each
//! with the file, the seed and what went wrong (for a panic: its message and location). Set
//! `ROBUSTNESS_FILE=vcenter` to limit the file-based tests to files whose `folder/file` contains
//! the text; `--nocapture` shows the outcome of every run.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Instant;

use serde_json::{Value, json};
use vsphere_codegen::{Config, Error, Generated, Severity};

/// The fixed seeds of the file-based tests.
const SEEDS: [u64; 3] = [0x5EED_0001, 0x00C0_FFEE, 0x2024_0607];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// ---------------------------------------------------------------------------------------------
// A seeded PRNG (splitmix64): small, and the same on every platform.

struct SplitMix64(u64);

impl SplitMix64 {
    /// The stream of `seed` for one file, so that files do not share their random choices.
    fn for_file(seed: u64, label: &str) -> Self {
        // FNV-1a of the label.
        let hash = label
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3));
        Self(seed ^ hash)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `k` distinct indices of `0..n`, sorted (a partial Fisher-Yates shuffle).
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all.sort_unstable();
        all
    }

    /// A byte offset to cut `len` bytes at: neither 0 nor `len`.
    fn cut(&mut self, len: usize) -> usize {
        1 + self.below(len - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// Running the generator.

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records each panic's message and location for the failure report, then lets the default hook
/// print it as usual (with a backtrace under `RUST_BACKTRACE=1`).
fn install_panic_recorder() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                "(no message)".to_owned()
            };
            let location =
                info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())).unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("PANIC at {location}: {message}")));
            default(info);
        }));
    });
}

/// How one generation ended.
enum Outcome {
    Generated(Box<Generated>),
    Failed(Error),
    Panicked(String),
}

impl Outcome {
    /// One line for logs.
    fn summary(&self) -> String {
        match self {
            Outcome::Generated(g) => {
                format!("generated {} functions, {} warnings", g.report.functions(), g.warnings.len())
            }
            Outcome::Failed(e) => format!("error: {}", e.to_string().lines().nth(1).unwrap_or_default()),
            Outcome::Panicked(p) => p.clone(),
        }
    }
}

/// Runs `Config::new().generate_from` on one file, catching panics.
fn generate(label: &str, bytes: Vec<u8>) -> Outcome {
    generate_with(Config::new(), label, bytes)
}

fn generate_with(config: Config, label: &str, bytes: Vec<u8>) -> Outcome {
    install_panic_recorder();
    let inputs = [(label.to_owned(), bytes)];
    match catch_unwind(AssertUnwindSafe(|| config.generate_from(&inputs))) {
        Ok(Ok(generated)) => Outcome::Generated(Box::new(generated)),
        Ok(Err(error)) => Outcome::Failed(error),
        Err(_) => Outcome::Panicked(LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "PANIC".to_owned())),
    }
}

/// Generated code: `src/lib.rs` among non-empty files, and every warning naming the file and a
/// pointer.
fn check_generated(label: &str, generated: &Generated) -> Result<(), String> {
    if !generated.files.iter().any(|(path, _)| path == "src/lib.rs") {
        return Err(format!("generated no src/lib.rs among {} files", generated.files.len()));
    }
    if let Some((path, _)) = generated.files.iter().find(|(_, text)| text.trim().is_empty()) {
        return Err(format!("generated an empty {path}"));
    }
    if let Some(w) = generated.warnings.iter().find(|w| !w.to_string().contains(&format!("{label}#"))) {
        return Err(format!("a warning without file and pointer: {w}"));
    }
    Ok(())
}

/// A clear error: spec diagnostics only, at least one error, each naming the file and a pointer
/// (`label#/...`, or `label#` for the whole document) and saying something.
fn check_error(label: &str, error: &Error) -> Result<(), String> {
    let Error::Spec(diagnostics) = error else {
        return Err(format!("not a spec error: {error}"));
    };
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    if errors.is_empty() {
        return Err(format!("a spec error without an error diagnostic: {error}"));
    }
    for d in errors {
        let line = d.to_string();
        if d.file != label || !line.contains(&format!("{label}#")) {
            return Err(format!("an error that does not name `{label}` and a pointer: {line}"));
        }
        if d.message.trim().len() < 10 {
            return Err(format!("an error that says too little: {line}"));
        }
    }
    Ok(())
}

/// The check shared by the file-based tests: no panic; generated code with `operations`
/// functions (when known), or a clear error.
fn check_outcome(label: &str, outcome: &Outcome, operations: Option<usize>) -> Result<(), String> {
    match outcome {
        Outcome::Generated(generated) => check_generated(label, generated).and_then(|()| match operations {
            Some(n) if generated.report.functions() != n => {
                Err(format!("{} functions for {n} operations left in the spec", generated.report.functions()))
            }
            _ => Ok(()),
        }),
        Outcome::Failed(error) => check_error(label, error),
        Outcome::Panicked(panic) => Err(panic.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// Spec files.

/// Every `.json`, `.yaml` and `.yml` file of every folder of `dir`, as (label, path), sorted;
/// the label is `folder/file`, and `ROBUSTNESS_FILE` filters it.
fn spec_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let filter = std::env::var("ROBUSTNESS_FILE").unwrap_or_default();
    let mut out = Vec::new();
    for folder in std::fs::read_dir(dir).expect("read the shared specs").flatten() {
        let folder = folder.path();
        if !folder.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&folder).expect("read a spec folder").flatten() {
            let path = file.path();
            if !matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
                continue;
            }
            let label = format!(
                "{}/{}",
                folder.file_name().expect("a folder name").to_string_lossy(),
                path.file_name().expect("a file name").to_string_lossy()
            );
            if label.contains(&filter) {
                out.push((label, path));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty() || !filter.is_empty(), "no spec files in {}", dir.display());
    out
}

fn is_json(label: &str) -> bool {
    label.ends_with(".json")
}

/// Operations of a spec: HTTP methods under every path item.
fn json_operations(doc: &Value) -> usize {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return 0 };
    paths
        .iter()
        .filter(|(key, _)| !key.starts_with("x-"))
        .filter_map(|(_, item)| item.as_object())
        .map(|item| item.keys().filter(|k| METHODS.contains(&k.as_str())).count())
        .sum()
}

/// Removes a tenth (rounded up) of the `paths` entries, chosen by `rng`; the removed keys.
fn remove_json_paths(doc: &mut Value, rng: &mut SplitMix64) -> Vec<String> {
    let paths = doc.get_mut("paths").and_then(Value::as_object_mut).expect("a shared spec has `paths`");
    let mut keys: Vec<String> = paths.keys().filter(|k| !k.starts_with("x-")).cloned().collect();
    keys.sort();
    let removed: Vec<String> =
        rng.sample(keys.len(), keys.len().div_ceil(10)).into_iter().map(|i| keys[i].clone()).collect();
    for key in &removed {
        paths.remove(key);
    }
    removed
}

/// A block-style YAML spec read as lines: its path items and their methods. Good enough for the
/// specs at hand (the tests crate has no YAML parser); [`yaml_paths`] says `None` otherwise.
struct YamlPaths<'t> {
    lines: Vec<&'t str>,
    /// Each path item's key and lines (key line to the line before the next key).
    items: Vec<(String, std::ops::Range<usize>)>,
    /// Indentation of method keys.
    method_indent: usize,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn yaml_paths(text: &str) -> Option<YamlPaths<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim_end() == "paths:")? + 1;
    let end = (start..lines.len())
        .find(|&i| !lines[i].is_empty() && !lines[i].starts_with([' ', '#']))
        .unwrap_or(lines.len());
    let content = |i: &usize| !lines[*i].trim().is_empty() && !lines[*i].trim_start().starts_with('#');
    let key_indent = indent(lines[(start..end).find(content)?]);
    let starts: Vec<usize> = (start..end).filter(|i| content(i) && indent(lines[*i]) == key_indent).collect();
    let mut items = Vec::new();
    for (n, &s) in starts.iter().enumerate() {
        let key = lines[s].trim().strip_suffix(':')?.trim_matches(['"', '\'']).to_owned();
        items.push((key, s..starts.get(n + 1).copied().unwrap_or(end)));
    }
    let first = &items.first()?.1;
    let method_indent = indent(lines[(first.start + 1..first.end).find(content)?]);
    Some(YamlPaths { lines, items, method_indent })
}

/// [`remove_json_paths`] for YAML text: the changed text, the removed keys and the operations left.
fn remove_yaml_paths(text: &str, rng: &mut SplitMix64) -> Option<(String, Vec<String>, usize)> {
    let parsed = yaml_paths(text)?;
    let n = parsed.items.len();
    let chosen = rng.sample(n, n.div_ceil(10));
    let mut keep = vec![true; parsed.lines.len()];
    let mut removed = Vec::new();
    let mut operations = 0;
    for (i, (key, range)) in parsed.items.iter().enumerate() {
        if chosen.contains(&i) {
            removed.push(key.clone());
            keep[range.clone()].iter_mut().for_each(|k| *k = false);
        } else {
            operations += parsed.lines[range.clone()]
                .iter()
                .filter(|l| indent(l) == parsed.method_indent)
                .filter(|l| l.trim().strip_suffix(':').is_some_and(|k| METHODS.contains(&k)))
                .count();
        }
    }
    let mut out: String = parsed.lines.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| format!("{l}\n")).collect();
    if removed.len() == n {
        // `paths:` with nothing below would be `null`; keep it a mapping.
        out = out.replacen("\npaths:\n", "\npaths: {}\n", 1);
    }
    Some((out, removed, operations))
}

/// Cuts a JSON text back to the last point where all open objects and arrays can be closed (just
/// after a `{` or `[`, just before a `,`, just after a `}` or `]`) and closes them: a valid
/// document that is a part of the whole. `None` if the text is already complete.
fn close_json_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut closers: Vec<u8> = Vec::new();
    let mut safe: Option<(usize, Vec<u8>)> = None;
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in prefix.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                closers.push(if b == b'{' { b'}' } else { b']' });
                safe = Some((i + 1, closers.clone()));
            }
            b'}' | b']' => {
                closers.pop();
                if closers.is_empty() {
                    return None;
                }
                safe = Some((i + 1, closers.clone()));
            }
            b',' => safe = Some((i, closers.clone())),
            _ => {}
        }
    }
    let (at, closers) = safe?;
    let mut out = prefix[..at].to_vec();
    out.extend(closers.iter().rev());
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// 1. A tenth of the paths removed.

#[test]
fn removing_a_tenth_of_the_paths() {
    let Some(dir) = vsphere_tests::shared_specs("removing_a_tenth_of_the_paths") else { return };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (label, path) in spec_files(&dir) {
        let bytes = std::fs::read(&path).expect("read a spec");
        for seed in SEEDS {
            let mut rng = SplitMix64::for_file(seed, &label);
            let (mutated, removed, operations) = if is_json(&label) {
                let mut doc: Value = serde_json::from_slice(&bytes).expect("a shared JSON spec parses");
                let removed = remove_json_paths(&mut doc, &mut rng);
                let operations = json_operations(&doc);
                (serde_json::to_vec_pretty(&doc).expect("serialize"), removed, operations)
            } else {
                let text = std::str::from_utf8(&bytes).expect("a shared YAML spec is UTF-8");
                let Some((text, removed, operations)) = remove_yaml_paths(text, &mut rng) else {
                    failures.push(format!("{label}: the test does not know this YAML layout; teach `yaml_paths`"));
                    break;
                };
                (text.into_bytes(), removed, operations)
            };
            runs += 1;
            let context =
                format!("{label} (seed {seed:#x}; removed {} paths, first {:?})", removed.len(), removed.first());
            let outcome = generate(&label, mutated);
            eprintln!("{context}: {}", outcome.summary());
            if let Err(why) = check_outcome(&label, &outcome, Some(operations)) {
                failures.push(format!("{context}: {why}"));
            }
        }
    }
    eprintln!("removing_a_tenth_of_the_paths: {runs} runs in {:.1?}", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 2. Truncated at a random byte.

#[test]
fn truncating_at_a_random_byte() {
    let Some(dir) = vsphere_tests::shared_specs("truncating_at_a_random_byte") else { return };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (label, path) in spec_files(&dir) {
        let bytes = std::fs::read(&path).expect("read a spec");
        for seed in SEEDS {
            let at = SplitMix64::for_file(seed, &label).cut(bytes.len());
            runs += 1;
            let context = format!("{label} (seed {seed:#x}; cut at byte {at} of {})", bytes.len());
            let outcome = generate(&label, bytes[..at].to_vec());
            eprintln!("{context}: {}", outcome.summary());
            // A YAML file cut short can still be a valid document, so generated code is fine too.
            let result = check_outcome(&label, &outcome, None).and_then(|()| match &outcome {
                Outcome::Failed(error) if is_json(&label) => {
                    let text = error.to_string();
                    if text.contains(" line ") && text.contains(" column ") {
                        Ok(())
                    } else {
                        Err(format!("a JSON syntax error without line and column: {text}"))
                    }
                }
                _ => Ok(()),
            });
            if let Err(why) = result {
                failures.push(format!("{context}: {why}"));
            }
        }
    }
    eprintln!("truncating_at_a_random_byte: {runs} runs in {:.1?}", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// The cuts of [`truncating_at_a_random_byte`] (same seeds, same offsets) on the JSON files, with
/// the open objects and arrays closed: every run parses, and reaches validation and lowering with
/// a spec whose later paths and components are missing.
#[test]
fn truncating_and_closing() {
    let Some(dir) = vsphere_tests::shared_specs("truncating_and_closing") else { return };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (label, path) in spec_files(&dir).into_iter().filter(|(label, _)| is_json(label)) {
        let bytes = std::fs::read(&path).expect("read a spec");
        for seed in SEEDS {
            let at = SplitMix64::for_file(seed, &label).cut(bytes.len());
            let context = format!("{label} (seed {seed:#x}; cut at byte {at} of {} and closed)", bytes.len());
            let Some(closed) = close_json_prefix(&bytes[..at]) else { continue };
            let doc: Value = match serde_json::from_slice(&closed) {
                Ok(doc) => doc,
                Err(e) => {
                    failures.push(format!("{context}: the test closed the cut badly: {e}"));
                    continue;
                }
            };
            runs += 1;
            let outcome = generate(&label, closed);
            eprintln!("{context}: {}", outcome.summary());
            if let Err(why) = check_outcome(&label, &outcome, Some(json_operations(&doc))) {
                failures.push(format!("{context}: {why}"));
            }
        }
    }
    eprintln!("truncating_and_closing: {runs} runs in {:.1?}", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 3. Targeted mutations.

/// What a targeted case must end in, beyond "no panic".
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Generated code or a clear error: either will do.
    Either,
    /// Generated code with this many functions.
    Functions(usize),
    /// Generated code with a warning that contains each of these texts (a pointer, words).
    Warning(&'static [&'static str]),
    /// A clear error with a diagnostic that contains each of these texts. Pointers are given as
    /// the prefix `label#/...` so that a more precise pointer still passes.
    Error(&'static [&'static str]),
}

/// A small spec in the shape of the official 9.x files: three operations, a path parameter, a
/// query array, an enum, an `allOf` wrapper, a map, a discriminated error family.
fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Robustness", "version": "1.0"},
        "servers": [{"url": "https://{host}/api", "variables": {"host": {"default": "localhost"}}}],
        "paths": {
            "/vcenter/vm/{vm}": {
                "get": {
                    "operationId": "Vcenter.VM_get",
                    "parameters": [{"name": "vm", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "The VM.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Vcenter.VM.Info"}}}},
                        "404": {"description": "No such VM.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Vapi.Std.Errors.NotFound"}}}}
                    }
                },
                "patch": {
                    "operationId": "Vcenter.VM_update",
                    "parameters": [{"name": "vm", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}}}},
                    "responses": {"204": {"description": "Updated."}}
                }
            },
            "/vcenter/vm": {
                "get": {
                    "operationId": "Vcenter.VM_list",
                    "parameters": [{"name": "names", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}],
                    "responses": {
                        "200": {"description": "The VMs.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Vcenter.VM.Summary"}}}}}
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Vcenter.VM.PowerState": {"type": "string", "enum": ["POWERED_OFF", "POWERED_ON", "SUSPENDED"]},
                "Vcenter.VM.Summary": {
                    "type": "object",
                    "required": ["vm", "name", "power_state"],
                    "properties": {
                        "vm": {"type": "string"},
                        "name": {"type": "string"},
                        "power_state": {"$ref": "#/components/schemas/Vcenter.VM.PowerState"},
                        "memory_size_MiB": {"type": "integer", "format": "int64"}
                    }
                },
                "Vcenter.VM.Info": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "power_state": {"description": "The power state.", "allOf": [{"$ref": "#/components/schemas/Vcenter.VM.PowerState"}]},
                        "tags": {"type": "object", "additionalProperties": {"type": "string"}}
                    }
                },
                "Vcenter.VM.UpdateSpec": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Vapi.Std.Errors.Error": {
                    "type": "object",
                    "required": ["error_type"],
                    "properties": {"error_type": {"type": "string"}, "messages": {"type": "array", "items": {"type": "string"}}},
                    "discriminator": {"propertyName": "error_type", "mapping": {"NOT_FOUND": "#/components/schemas/Vapi.Std.Errors.NotFound"}}
                },
                "Vapi.Std.Errors.NotFound": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Vapi.Std.Errors.Error"},
                        {"type": "object", "properties": {"detail": {"type": "string"}}}
                    ]
                }
            }
        }
    })
}

/// Pointers into [`base`] (RFC 6901, as `serde_json::Value::pointer` takes them).
const PATHS: &str = "/paths";
const VM: &str = "/paths/~1vcenter~1vm~1{vm}";
const VMS: &str = "/paths/~1vcenter~1vm";
const SCHEMAS: &str = "/components/schemas";
const INFO: &str = "/components/schemas/Vcenter.VM.Info";
const UPDATE_SPEC: &str = "/components/schemas/Vcenter.VM.UpdateSpec";
const POWER_STATE: &str = "/components/schemas/Vcenter.VM.PowerState";
const ERROR: &str = "/components/schemas/Vapi.Std.Errors.Error";
const GET_200_SCHEMA: &str = "/paths/~1vcenter~1vm~1{vm}/get/responses/200/content/application~1json/schema";

fn set(doc: &mut Value, pointer: &str, value: Value) {
    *doc.pointer_mut(pointer).unwrap_or_else(|| panic!("the base spec has {pointer}")) = value;
}

/// Sets `parent`'s `key`, adding it if absent.
fn insert(doc: &mut Value, parent: &str, key: &str, value: Value) {
    doc.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("the base spec has the object {parent}"))
        .insert(key.to_owned(), value);
}

fn remove(doc: &mut Value, parent: &str, key: &str) -> Value {
    doc.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|o| o.remove(key))
        .unwrap_or_else(|| panic!("the base spec has {parent}/{key}"))
}

/// Moves a path item to another key.
fn rename_path(doc: &mut Value, from: &str, to: &str) {
    let item = remove(doc, PATHS, from);
    insert(doc, PATHS, to, item);
}

/// [`base`] changed by `mutate`, as JSON text.
fn mutated(mutate: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut doc = base();
    mutate(&mut doc);
    serde_json::to_vec_pretty(&doc).expect("serialize")
}

/// [`mutated`], then changed as text.
fn mutated_text(mutate: impl FnOnce(&mut Value), edit: impl FnOnce(&str) -> String) -> Vec<u8> {
    let text = String::from_utf8(mutated(mutate)).expect("JSON is UTF-8");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    edited.into_bytes()
}

/// The workspace's own YAML spec (`spec/vsphere-fragment.yaml`), changed as text.
fn yaml(edit: impl FnOnce(&str) -> String) -> Vec<u8> {
    let path = vsphere_tests::workspace_root().join("spec/vsphere-fragment.yaml");
    let text = std::fs::read_to_string(&path).expect("read the workspace spec");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    edited.into_bytes()
}

/// Nests `schema` in `depth` arrays.
fn nested_arrays(depth: usize) -> Value {
    (0..depth).fold(json!({"type": "string"}), |inner, _| json!({"type": "array", "items": inner}))
}

/// An object schema with a string property of each name.
fn properties(names: &[&str]) -> Value {
    Value::Object(names.iter().map(|n| ((*n).to_owned(), json!({"type": "string"}))).collect())
}

type Case = (&'static str, &'static str, Vec<u8>, Expect);

/// The targeted cases: name, input label, bytes, expectation.
fn cases() -> Vec<Case> {
    use Expect::{Either, Error, Functions, Warning};
    let j = "mutated.json";
    let y = "mutated.yaml";
    let mut cases: Vec<Case> = vec![
        ("the unmutated base", j, mutated(|_| {}), Functions(3)),
        ("the workspace's own YAML spec", y, yaml(|t| format!("{t}\n")), Functions(2)),
    ];
    // Nodes of the wrong JSON type.
    cases.extend([
        (
            "a component schema that is a number",
            j,
            mutated(|d| set(d, UPDATE_SPEC, json!(42))),
            Warning(&["mutated.json#/components/schemas/Vcenter.VM.UpdateSpec", "must be an object"]),
        ),
        (
            "a property schema that is a number",
            j,
            mutated(|d| set(d, &format!("{INFO}/properties/name"), json!(42))),
            Warning(&["mutated.json#/components/schemas/Vcenter.VM.Info/properties/name", "must be an object"]),
        ),
        (
            "a property schema that is `true`",
            j,
            mutated(|d| set(d, &format!("{INFO}/properties/name"), json!(true))),
            Error(&["mutated.json#/components/schemas/Vcenter.VM.Info", "boolean"]),
        ),
        (
            "a response schema that is `false`",
            j,
            mutated(|d| set(d, GET_200_SCHEMA, json!(false))),
            Error(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/get/responses/200", "boolean"]),
        ),
        (
            "`paths` that is an array",
            j,
            mutated(|d| set(d, PATHS, json!([1, 2]))),
            Error(&["mutated.json#/paths", "sequence"]),
        ),
        (
            "`paths` that is a string",
            j,
            mutated(|d| set(d, PATHS, json!("/vcenter/vm"))),
            Error(&["mutated.json#/paths", "string"]),
        ),
        ("no `paths`", j, mutated(|d| drop(remove(d, "", "paths"))), Error(&["mutated.json#", "`paths`"])),
        (
            "a path item that is a number",
            j,
            mutated(|d| set(d, VMS, json!(7))),
            Error(&["mutated.json#/paths/~1vcenter~1vm", "object"]),
        ),
        (
            "a path item that is null",
            j,
            mutated(|d| set(d, VMS, Value::Null)),
            Error(&["mutated.json#/paths/~1vcenter~1vm", "object"]),
        ),
        (
            "an operation that is a string",
            j,
            mutated(|d| set(d, &format!("{VMS}/get"), json!("list"))),
            Error(&["mutated.json#/paths/~1vcenter~1vm/get", "object"]),
        ),
        (
            "`responses` that is an array",
            j,
            mutated(|d| set(d, &format!("{VMS}/get/responses"), json!([]))),
            Error(&["mutated.json#/paths/~1vcenter~1vm/get/responses"]),
        ),
        (
            "`parameters` that is an object",
            j,
            mutated(|d| set(d, &format!("{VMS}/get/parameters"), json!({"name": "x"}))),
            Error(&["mutated.json#/paths/~1vcenter~1vm/get/parameters"]),
        ),
        (
            "a parameter `in: sideways`",
            j,
            mutated(|d| set(d, &format!("{VMS}/get/parameters/0/in"), json!("sideways"))),
            Error(&["mutated.json#/paths/~1vcenter~1vm/get/parameters/0", "sideways"]),
        ),
        (
            "`components` that is an array",
            j,
            mutated(|d| set(d, "/components", json!([]))),
            Error(&["mutated.json#/components"]),
        ),
        (
            "`components/schemas` that is a number",
            j,
            mutated(|d| set(d, SCHEMAS, json!(5))),
            Error(&["mutated.json#/components/schemas"]),
        ),
        (
            "`required` that is a string",
            j,
            mutated(|d| set(d, &format!("{INFO}/required"), json!("name"))),
            Warning(&["mutated.json#/components/schemas/Vcenter.VM.Info/required"]),
        ),
        (
            "`properties` that is an array",
            j,
            mutated(|d| set(d, &format!("{INFO}/properties"), json!(["name"]))),
            Warning(&["mutated.json#/components/schemas/Vcenter.VM.Info/properties"]),
        ),
        (
            "an array without `items`",
            j,
            mutated(|d| drop(remove(d, &format!("{VMS}/get/parameters/0/schema"), "items"))),
            Warning(&["mutated.json#/paths/~1vcenter~1vm/get/parameters/0/schema", "items"]),
        ),
        ("a server URL that is no URL", j, mutated(|d| set(d, "/servers/0/url", json!("::::{"))), Either),
    ]);
    // References.
    cases.extend([
        ("a `$ref` to #/nowhere", j, mutated(|d| set(d, GET_200_SCHEMA, json!({"$ref": "#/nowhere"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/get/responses/200/content/application~1json/schema", "#/nowhere"])),
        ("a `$ref` to an absent schema", j, mutated(|d| set(d, GET_200_SCHEMA, json!({"$ref": "#/components/schemas/Absent"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/get/responses/200/content/application~1json/schema", "Absent"])),
        ("a `$ref` to another file", j, mutated(|d| set(d, GET_200_SCHEMA, json!({"$ref": "other.json#/components/schemas/Vcenter.VM.Info"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/get/responses/200/content/application~1json/schema", "other.json"])),
        ("a `$ref` to a URL", j, mutated(|d| set(d, GET_200_SCHEMA, json!({"$ref": "https://example.com/x.json#/a"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/get/responses/200/content/application~1json/schema"])),
        ("a `$ref` that is a number", j, mutated(|d| set(d, GET_200_SCHEMA, json!({"$ref": 5}))), Either),
        ("an empty `$ref`", j, mutated(|d| set(d, GET_200_SCHEMA, json!({"$ref": ""}))), Either),
        ("a schema `$ref` to a path item", j, mutated(|d| set(d, GET_200_SCHEMA, json!({"$ref": "#/paths/~1vcenter~1vm"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/get/responses/200/content/application~1json/schema"])),
        ("a path item `$ref`", j, mutated(|d| set(d, VMS, json!({"$ref": "#/paths/~1vcenter~1vm~1{vm}"}))), Error(&["mutated.json#/paths/~1vcenter~1vm", "`$ref`"])),
        ("a parameter `$ref` to nowhere", j, mutated(|d| set(d, &format!("{VMS}/get/parameters/0"), json!({"$ref": "#/components/parameters/Absent"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm/get/parameters/0", "Absent"])),
        ("a request body `$ref` to nowhere", j, mutated(|d| set(d, &format!("{VM}/patch/requestBody"), json!({"$ref": "#/components/requestBodies/Absent"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/patch/requestBody", "Absent"])),
        ("a response `$ref` to nowhere", j, mutated(|d| set(d, &format!("{VM}/get/responses/200"), json!({"$ref": "#/components/responses/Absent"}))), Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}/get/responses/200", "Absent"])),
        ("a discriminator mapping to #/nowhere", j, mutated(|d| set(d, &format!("{ERROR}/discriminator/mapping/NOT_FOUND"), json!("#/nowhere"))), Warning(&["mutated.json#/components/schemas/Vapi.Std.Errors.Error/discriminator/mapping/NOT_FOUND"])),
        ("a discriminator mapping to its own schema", j, mutated(|d| set(d, &format!("{ERROR}/discriminator/mapping/NOT_FOUND"), json!("#/components/schemas/Vapi.Std.Errors.Error"))), Either),
        ("a discriminator on a missing property", j, mutated(|d| set(d, &format!("{ERROR}/discriminator/propertyName"), json!("kind"))), Warning(&["mutated.json#/components/schemas/Vapi.Std.Errors.Error/discriminator", "`kind`"])),
        ("a discriminator without variants", j, mutated(|d| {
            set(d, &format!("{ERROR}/discriminator"), json!({"propertyName": "error_type"}));
            set(d, "/components/schemas/Vapi.Std.Errors.NotFound", json!({"type": "object", "properties": {"error_type": {"type": "string"}}}));
        }), Either),
        ("a discriminator on a `oneOf`", j, mutated(|d| {
            insert(d, SCHEMAS, "U", json!({"oneOf": [{"$ref": "#/components/schemas/Vcenter.VM.Info"}, {"$ref": "#/components/schemas/Vcenter.VM.Summary"}], "discriminator": {"propertyName": "name"}}));
            set(d, GET_200_SCHEMA, json!({"$ref": "#/components/schemas/U"}));
        }), Either),
    ]);
    // Cycles. (Unions that contain themselves are boxed: see `recursive_unions_are_boxed`.)
    cases.extend([
        ("an `allOf` that references itself", j, mutated(|d| set(d, UPDATE_SPEC, json!({"allOf": [{"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}]}))), Warning(&["mutated.json#/components/schemas/Vcenter.VM.UpdateSpec", "itself"])),
        ("a `$ref` to itself", j, mutated(|d| set(d, UPDATE_SPEC, json!({"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}))), Warning(&["mutated.json#/components/schemas/Vcenter.VM.UpdateSpec", "itself"])),
        ("a `$ref` cycle of two aliases", j, mutated(|d| {
            insert(d, SCHEMAS, "A", json!({"$ref": "#/components/schemas/B"}));
            insert(d, SCHEMAS, "B", json!({"$ref": "#/components/schemas/A"}));
            set(d, &format!("{INFO}/properties/name"), json!({"$ref": "#/components/schemas/A"}));
        }), Warning(&["mutated.json#/components/schemas/", "itself"])),
        ("an `allOf` cycle of two schemas", j, mutated(|d| {
            insert(d, SCHEMAS, "A", json!({"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"a": {"type": "string"}}}]}));
            insert(d, SCHEMAS, "B", json!({"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"b": {"type": "string"}}}]}));
            set(d, GET_200_SCHEMA, json!({"$ref": "#/components/schemas/A"}));
        }), Either),
        ("a `oneOf` that contains itself", j, mutated(|d| set(d, UPDATE_SPEC, json!({"oneOf": [{"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}, {"type": "string"}]}))), Either),
        ("an `anyOf` that contains itself", j, mutated(|d| set(d, UPDATE_SPEC, json!({"anyOf": [{"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}, {"type": "string"}]}))), Either),
        ("a `oneOf` cycle of two schemas", j, mutated(|d| {
            insert(d, SCHEMAS, "A", json!({"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "string"}]}));
            insert(d, SCHEMAS, "B", json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "integer"}]}));
            set(d, GET_200_SCHEMA, json!({"$ref": "#/components/schemas/A"}));
        }), Either),
        ("an array of itself", j, mutated(|d| set(d, UPDATE_SPEC, json!({"type": "array", "items": {"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}}))), Either),
        ("a map of itself", j, mutated(|d| set(d, UPDATE_SPEC, json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}}))), Either),
        ("a required property of its own type", j, mutated(|d| set(d, UPDATE_SPEC, json!({"type": "object", "required": ["me"], "properties": {"me": {"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}}}))), Functions(3)),
        ("nesting 40 arrays deep", j, mutated(|d| set(d, &format!("{UPDATE_SPEC}/properties/name"), nested_arrays(40))), Functions(3)),
    ]);
    // Compositions and enums.
    cases.extend([
        ("an empty `oneOf`", j, mutated(|d| set(d, UPDATE_SPEC, json!({"oneOf": []}))), Either),
        ("an empty `allOf`", j, mutated(|d| set(d, UPDATE_SPEC, json!({"allOf": []}))), Either),
        ("a `oneOf` of one type thrice", j, mutated(|d| set(d, UPDATE_SPEC, json!({"oneOf": [{"type": "string"}, {"type": "string", "format": "date-time"}, {"type": "string"}]}))), Either),
        ("a `oneOf` of one schema twice", j, mutated(|d| set(d, UPDATE_SPEC, json!({"oneOf": [{"$ref": "#/components/schemas/Vcenter.VM.Info"}, {"$ref": "#/components/schemas/Vcenter.VM.Info"}]}))), Either),
        ("an `allOf` of conflicting types", j, mutated(|d| set(d, UPDATE_SPEC, json!({"allOf": [{"type": "string"}, {"type": "object", "properties": {"name": {"type": "integer"}}}, {"type": "object", "properties": {"name": {"type": "string"}}}]}))), Warning(&["mutated.json#/components/schemas/Vcenter.VM.UpdateSpec/allOf"])),
        ("a non-string enum", j, mutated(|d| set(d, &format!("{POWER_STATE}/enum"), json!([1, true, null, "ON"]))), Either),
        ("an enum of objects", j, mutated(|d| set(d, &format!("{POWER_STATE}/enum"), json!([{"a": 1}]))), Either),
        ("an empty enum", j, mutated(|d| set(d, &format!("{POWER_STATE}/enum"), json!([]))), Either),
        ("an enum that is a string", j, mutated(|d| set(d, &format!("{POWER_STATE}/enum"), json!("ON"))), Warning(&["mutated.json#/components/schemas/Vcenter.VM.PowerState/enum"])),
        ("an integer enum", j, mutated(|d| set(d, POWER_STATE, json!({"type": "integer", "enum": [1, 2, 3]}))), Functions(3)),
        ("enum values that fold to one name", j, mutated(|d| set(d, &format!("{POWER_STATE}/enum"), json!(["a-b", "a_b", "A B", "aB", "AB"]))), Functions(3)),
        ("enum values that are no identifiers", j, mutated(|d| set(d, &format!("{POWER_STATE}/enum"), json!(["", "1", "-", "Self", "self", "_", "😀", "type"]))), Functions(3)),
    ]);
    // Names.
    cases.extend([
        (
            "property names that are no identifiers",
            j,
            mutated(|d| {
                set(
                    d,
                    &format!("{UPDATE_SPEC}/properties"),
                    properties(&[
                        "", "1", "-", "self", "Self", "super", "crate", "_", "😀", "type", "a-b", "a_b", "A B",
                        "r#type",
                    ]),
                )
            }),
            Functions(3),
        ),
        (
            "schema names that are no identifiers",
            j,
            mutated(|d| {
                let names = [
                    "",
                    "1",
                    "Self",
                    "self",
                    "😀",
                    "a b",
                    ".",
                    "Vcenter.VM.",
                    "...",
                    "Option",
                    "String",
                    "Vec",
                    "Result",
                    "a/b",
                    "a~b",
                ];
                let mut props = serde_json::Map::new();
                for (i, name) in names.into_iter().enumerate() {
                    insert(d, SCHEMAS, name, json!({"type": "object", "properties": {"x": {"type": "string"}}}));
                    let escaped = name.replace('~', "~0").replace('/', "~1");
                    props.insert(format!("p{i}"), json!({"$ref": format!("#/components/schemas/{escaped}")}));
                }
                set(d, &format!("{UPDATE_SPEC}/properties"), Value::Object(props));
            }),
            Functions(3),
        ),
        (
            "schema names that fold to one",
            j,
            mutated(|d| {
                insert(
                    d,
                    SCHEMAS,
                    "vcenter.VM.info",
                    json!({"type": "object", "properties": {"x": {"type": "integer"}}}),
                );
                insert(
                    d,
                    SCHEMAS,
                    "VcenterVMInfo",
                    json!({"type": "object", "properties": {"y": {"type": "boolean"}}}),
                );
                set(
                    d,
                    &format!("{UPDATE_SPEC}/properties"),
                    json!({
                        "a": {"$ref": "#/components/schemas/vcenter.VM.info"},
                        "b": {"$ref": "#/components/schemas/VcenterVMInfo"},
                        "c": {"$ref": "#/components/schemas/Vcenter.VM.Info"}
                    }),
                );
            }),
            Warning(&["mutated.json#/components/schemas/", "name-collision"]),
        ),
        (
            "operationIds that are no identifiers",
            j,
            mutated(|d| {
                set(d, &format!("{VMS}/get/operationId"), json!(""));
                set(d, &format!("{VM}/get/operationId"), json!("😀"));
                set(d, &format!("{VM}/patch/operationId"), json!("self"));
            }),
            Functions(3),
        ),
        (
            "one operationId twice",
            j,
            mutated(|d| {
                set(d, &format!("{VMS}/get/operationId"), json!("get"));
                set(d, &format!("{VM}/get/operationId"), json!("get"));
            }),
            Warning(&["mutated.json#/paths/", "name-collision"]),
        ),
        (
            "no operationIds",
            j,
            mutated(|d| {
                for (item, method) in [(VMS, "get"), (VM, "get"), (VM, "patch")] {
                    remove(d, &format!("{item}/{method}"), "operationId");
                }
            }),
            Functions(3),
        ),
        (
            "parameter names that are no identifiers",
            j,
            mutated(|d| {
                set(
                    d,
                    &format!("{VMS}/get/parameters"),
                    json!([
                        {"name": "", "in": "query", "schema": {"type": "string"}},
                        {"name": "self", "in": "query", "schema": {"type": "string"}},
                        {"name": "😀", "in": "header", "schema": {"type": "string"}},
                        {"name": "a-b", "in": "query", "schema": {"type": "string"}},
                        {"name": "a_b", "in": "query", "schema": {"type": "string"}},
                        {"name": "filter.names", "in": "query", "schema": {"type": "string"}},
                        {"name": "a_b", "in": "query", "schema": {"type": "string"}}
                    ]),
                );
            }),
            Warning(&["mutated.json#/paths/~1vcenter~1vm/get/parameters/6", "twice"]),
        ),
    ]);
    // Path keys.
    cases.extend([
        (
            "a path key without a leading slash",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm", "vcenter/vm")),
            Error(&["mutated.json#/paths/vcenter~1vm", "start with `/`"]),
        ),
        (
            "an empty path key",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm", "")),
            Error(&["mutated.json#/paths/", "start with `/`"]),
        ),
        (
            "unbalanced braces in a path",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm/{vm}", "/vcenter/vm/{vm")),
            Error(&["mutated.json#/paths/~1vcenter~1vm~1{vm", "unbalanced"]),
        ),
        (
            "a closing brace alone in a path",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm", "/vcenter/vm}")),
            Error(&["mutated.json#/paths/~1vcenter~1vm}", "unbalanced"]),
        ),
        (
            "nested braces in a path",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm/{vm}", "/vcenter/vm/{{vm}}")),
            Error(&["mutated.json#/paths/~1vcenter~1vm~1{{vm}}", "unbalanced"]),
        ),
        (
            "an empty template parameter",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm/{vm}", "/vcenter/vm/{}")),
            Warning(&["mutated.json#/paths/~1vcenter~1vm~1{}/get", "not declared"]),
        ),
        (
            "an undeclared path parameter",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm/{vm}", "/vcenter/vm/{vm}/disk/{disk}")),
            Warning(&["mutated.json#/paths/~1vcenter~1vm~1{vm}~1disk~1{disk}/get", "`disk`"]),
        ),
        (
            "a declared path parameter missing from the template",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm/{vm}", "/vcenter/vm/one")),
            Warning(&["mutated.json#/paths/~1vcenter~1vm~1one/get/parameters/0", "`vm`"]),
        ),
        (
            "one template parameter twice",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm/{vm}", "/vcenter/vm/{vm}/{vm}")),
            Either,
        ),
        (
            "a path with a query string",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm", "/vcenter/vm?action=list&vmw-task=true")),
            Functions(3),
        ),
        (
            "a path with `?~action=`",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm", "/vcenter/vm?~action=")),
            Functions(3),
        ),
        ("a path with non-ASCII", j, mutated(|d| rename_path(d, "/vcenter/vm", "/vcenter/vm/😀/ä")), Functions(3)),
        (
            "path segments that are keywords",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm", "/vcenter/self/super/crate/type/Self")),
            Functions(3),
        ),
        (
            "a path segment that starts with a digit",
            j,
            mutated(|d| rename_path(d, "/vcenter/vm", "/vcenter/1vm/2")),
            Functions(3),
        ),
        ("a path segment of punctuation", j, mutated(|d| rename_path(d, "/vcenter/vm", "/vcenter/--/x")), Functions(3)),
        ("a namespace of punctuation", j, mutated(|d| rename_path(d, "/vcenter/vm", "/--/x")), Functions(3)),
        ("a namespace named `runtime`", j, mutated(|d| rename_path(d, "/vcenter/vm", "/runtime/x")), Functions(3)),
        ("a path that is only `/`", j, mutated(|d| rename_path(d, "/vcenter/vm", "/")), Either),
        (
            "paths that differ only in case",
            j,
            mutated(|d| {
                let item = d.pointer(VMS).cloned().expect("the base spec has /vcenter/vm");
                insert(d, PATHS, "/vcenter/VM", item);
            }),
            Functions(4),
        ),
    ]);
    // Whole documents and bytes.
    cases.extend([
        ("an empty document `{}`", j, b"{}".to_vec(), Error(&["mutated.json#", "`openapi`"])),
        (
            "a document that is a JSON array",
            j,
            br#"[{"openapi": "3.0.3"}]"#.to_vec(),
            Error(&["mutated.json#", "object"]),
        ),
        ("a document that is a JSON string", j, br#""openapi""#.to_vec(), Error(&["mutated.json#", "object"])),
        ("a document that is `null`", j, b"null".to_vec(), Error(&["mutated.json#", "object"])),
        ("an empty file", j, Vec::new(), Error(&["mutated.json#"])),
        ("a file of blanks", j, b" \n\t\n".to_vec(), Error(&["mutated.json#"])),
        ("a byte-order mark alone", j, "\u{feff}".as_bytes().to_vec(), Error(&["mutated.json#"])),
        (
            "Swagger 2.0",
            j,
            br#"{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}"#.to_vec(),
            Error(&["mutated.json#", "Swagger 2.0"]),
        ),
        ("OpenAPI 3.1", j, mutated(|d| set(d, "/openapi", json!("3.1.0"))), Error(&["mutated.json#/openapi", "3.1.0"])),
        (
            "an `openapi` version that is a number",
            j,
            mutated(|d| set(d, "/openapi", json!(3.0))),
            Warning(&["mutated.json#/openapi", "number"]),
        ),
        ("no `info`", j, mutated(|d| drop(remove(d, "", "info"))), Error(&["mutated.json#", "`info`"])),
        (
            "a number out of range",
            j,
            mutated_text(
                |d| insert(d, &format!("{UPDATE_SPEC}/properties/name"), "maximum", json!(1)),
                |t| t.replacen("\"maximum\": 1", "\"maximum\": 1e400", 1),
            ),
            Error(&[
                "mutated.json#/components/schemas/Vcenter.VM.UpdateSpec/properties/name/maximum",
                " line ",
                " column ",
                "out of range",
            ]),
        ),
        (
            "nesting deeper than the JSON parser goes",
            j,
            mutated(|d| set(d, &format!("{UPDATE_SPEC}/properties/name"), nested_arrays(200))),
            Error(&[
                "mutated.json#/components/schemas/Vcenter.VM.UpdateSpec/properties/name/items",
                " line ",
                " column ",
                "recursion limit",
            ]),
        ),
        ("a lone `}` at the end", j, mutated_text(|_| {}, |t| format!("{t} }}")), Either),
        (
            "non-UTF-8 bytes",
            j,
            {
                let mut b = mutated(|_| {});
                let at = b.len() / 2;
                b.splice(at..at, [0xFF, 0xFE]);
                b
            },
            Error(&["mutated.json#", "UTF-8"]),
        ),
        (
            "a NUL byte",
            j,
            {
                let mut b = mutated(|_| {});
                b.insert(1, 0);
                b
            },
            Error(&["mutated.json#", "line 1 column 2"]),
        ),
    ]);
    // YAML, from the workspace's spec.
    cases.extend([
        (
            "a tab in YAML indentation",
            y,
            yaml(|t| t.replacen("\n  /api/", "\n\t/api/", 1)),
            Error(&["mutated.yaml#", "invalid YAML", " line ", " column "]),
        ),
        (
            "a YAML line indented by one space too many",
            y,
            yaml(|t| t.replacen("\n    get:", "\n     get:", 1)),
            Error(&["mutated.yaml#/paths", "invalid YAML", " line ", " column "]),
        ),
        (
            "a YAML line indented by one space too few",
            y,
            yaml(|t| t.replacen("\n      operationId:", "\n     operationId:", 1)),
            Error(&["mutated.yaml#/paths/~1api~1appliance~1recovery~1reconciliation~1job", "invalid YAML", " line "]),
        ),
        (
            "an unterminated YAML quote",
            y,
            yaml(|t| t.replacen("\"200\":", "\"200:", 1)),
            Error(&["mutated.yaml#/paths", "invalid YAML", " line "]),
        ),
        (
            "a duplicate YAML key",
            y,
            yaml(|t| t.replacen("\ninfo:\n", "\ninfo:\n  title: twice\n", 1)),
            Error(&["mutated.yaml#/info", "duplicate", " line "]),
        ),
        (
            "two YAML documents",
            y,
            yaml(|t| format!("{t}\n---\nopenapi: 3.0.3\n")),
            Error(&["mutated.yaml#", "more than one document"]),
        ),
        (
            "a YAML merge of a scalar",
            y,
            yaml(|t| t.replacen("\ninfo:\n", "\ninfo:\n  <<: 5\n", 1)),
            Error(&["mutated.yaml#", "merge"]),
        ),
        (
            "a YAML sequence as a mapping key",
            y,
            yaml(|t| t.replacen("\ninfo:\n", "\ninfo:\n  ? [a, b]\n  : c\n", 1)),
            Error(&["mutated.yaml#/info", "key"]),
        ),
        (
            "a YAML `.nan`",
            y,
            yaml(|t| t.replacen("\ninfo:\n", "\ninfo:\n  x-nan: .nan\n", 1)),
            Error(&["mutated.yaml#/info/x-nan", "JSON"]),
        ),
        (
            "an undefined YAML alias",
            y,
            yaml(|t| t.replacen("\ninfo:\n", "\ninfo:\n  x-alias: *nothing\n", 1)),
            Error(&["mutated.yaml#/info/x-alias", "anchor"]),
        ),
        (
            "a YAML alias bomb",
            y,
            yaml(|t| {
                let mut bomb = String::from("\nx-bomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
                for i in 1..9 {
                    let p = format!("*a{}", i - 1);
                    bomb.push_str(&format!("  a{i}: &a{i} [{}]\n", [p.as_str(); 10].join(", ")));
                }
                t.replacen("\npaths:\n", &format!("{bomb}paths:\n"), 1)
            }),
            Error(&["mutated.yaml#/x-bomb", "limit"]),
        ),
        ("a YAML tag", y, yaml(|t| t.replacen("\ninfo:\n", "\ninfo:\n  x-tagged: !custom {a: 1}\n", 1)), Functions(2)),
        (
            "an unquoted YAML `openapi: 3.0`",
            y,
            yaml(|t| t.replacen("openapi: 3.0.3", "openapi: 3.0", 1)),
            Warning(&["mutated.yaml#/openapi", "number"]),
        ),
        (
            "a YAML document that is a sequence",
            y,
            b"- openapi: 3.0.3\n- paths: {}\n".to_vec(),
            Error(&["mutated.yaml#", "object"]),
        ),
        ("a YAML document that is a scalar", y, b"openapi\n".to_vec(), Error(&["mutated.yaml#", "object"])),
        (
            "a YAML `paths` that is a sequence",
            y,
            yaml(|t| t.replacen("\npaths:\n  /api/", "\npaths:\n  - /api/", 1)),
            Error(&["mutated.yaml#/paths", "sequence"]),
        ),
    ]);
    cases
}

/// Checks a targeted case's outcome against its expectation.
fn check_expectation(label: &str, outcome: &Outcome, expect: Expect) -> Result<(), String> {
    let contains_all = |line: &str, texts: &[&str]| texts.iter().all(|t| line.contains(t));
    match (outcome, expect) {
        (Outcome::Panicked(panic), _) => Err(panic.clone()),
        (Outcome::Generated(g), Expect::Either) => check_generated(label, g),
        (Outcome::Failed(e), Expect::Either) => check_error(label, e),
        (Outcome::Generated(g), Expect::Functions(n)) => check_generated(label, g).and_then(|()| {
            let functions = g.report.functions();
            if functions == n { Ok(()) } else { Err(format!("{functions} functions, expected {n}")) }
        }),
        (Outcome::Generated(g), Expect::Warning(texts)) => check_generated(label, g).and_then(|()| {
            if g.warnings.iter().any(|w| contains_all(&format!("{w} {}", w.kind.name()), texts)) {
                Ok(())
            } else {
                Err(format!("no warning contains all of {texts:?}"))
            }
        }),
        (Outcome::Failed(e), Expect::Error(texts)) => check_error(label, e).and_then(|()| {
            let Error::Spec(diagnostics) = e else { unreachable!("check_error accepts only spec errors") };
            if diagnostics.iter().any(|d| d.severity == Severity::Error && contains_all(&d.to_string(), texts)) {
                Ok(())
            } else {
                Err(format!("no error contains all of {texts:?}"))
            }
        }),
        (Outcome::Failed(e), _) => Err(format!("expected {expect:?}, got the error {e}")),
        (Outcome::Generated(_), _) => Err(format!("expected {expect:?}, got generated code")),
    }
}

#[test]
fn targeted_mutations() {
    let started = Instant::now();
    let mut failures = Vec::new();
    let cases = cases();
    let count = cases.len();
    for (name, label, bytes, expect) in cases {
        let outcome = generate(label, bytes);
        match &outcome {
            Outcome::Generated(g) => {
                let warnings: Vec<String> = g.warnings.iter().map(ToString::to_string).collect();
                eprintln!("{name}: {}; {}", outcome.summary(), warnings.join(" | "));
            }
            _ => eprintln!("{name}: {}", outcome.summary()),
        }
        if let Err(why) = check_expectation(label, &outcome, expect) {
            failures.push(format!("{name} ({label}): {why}"));
        }
    }
    eprintln!("targeted_mutations: {count} cases in {:.1?}", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Known defects: each test fails today and passes once its defect is fixed.

fn generated_or_panic(outcome: Outcome) -> Generated {
    match outcome {
        Outcome::Generated(g) => *g,
        Outcome::Failed(e) => panic!("expected generated code, got the error {e}"),
        Outcome::Panicked(p) => panic!("{p}"),
    }
}

/// The keys of the `[features]` table of a generated `Cargo.toml`.
fn feature_keys(generated: &Generated) -> Vec<String> {
    let (_, manifest) = generated.files.iter().find(|(p, _)| p == "Cargo.toml").expect("a generated Cargo.toml");
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[features]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.split('=').next().unwrap_or_default().trim().to_owned())
        .collect()
}

#[test]

fn a_path_key_without_a_leading_slash_is_an_error() {
    let outcome = generate("mutated.json", mutated(|d| rename_path(d, "/vcenter/vm", "vcenter/vm")));
    let said = match &outcome {
        Outcome::Generated(g) => g.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        Outcome::Failed(e) => e.to_string(),
        Outcome::Panicked(p) => panic!("{p}"),
    };
    assert!(
        said.contains("mutated.json#/paths/vcenter~1vm"),
        "nothing names the path key `vcenter/vm`; {}; said: {said:?}",
        outcome.summary()
    );
}

#[test]

fn text_after_the_json_document_is_an_error() {
    let mut failures = Vec::new();
    for (what, tail) in [("a lone `}`", " }"), ("a second document", "\n{\"openapi\": \"3.0.3\"}")] {
        let outcome = generate("mutated.json", mutated_text(|_| {}, |t| format!("{t}{tail}")));
        let result = match &outcome {
            Outcome::Failed(e) => check_error("mutated.json", e)
                .and_then(|()| if e.to_string().contains(" line ") { Ok(()) } else { Err(format!("no line in {e}")) }),
            other => Err(format!("expected a syntax error, got {}", other.summary())),
        };
        if let Err(why) = result {
            failures.push(format!("{what} after the document: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]

fn the_utf8_error_says_where() {
    // A file cut in the middle of a multi-byte character, as a truncated download is.
    let text = String::from_utf8(mutated(|d| set(d, "/info/title", json!("Robustness ä")))).expect("UTF-8");
    let at = text.find('ä').expect("the title") + 1;
    let outcome = generate("mutated.json", text.as_bytes()[..at].to_vec());
    let Outcome::Failed(e) = &outcome else { panic!("expected an error, got {}", outcome.summary()) };
    let message = e.to_string();
    assert!(
        message.contains("line") || message.contains("byte"),
        "the error does not say where the bad byte is: {message}"
    );
}

#[test]
fn an_unquoted_yaml_version_is_read_with_a_warning() {
    let outcome = generate("mutated.yaml", yaml(|t| t.replacen("openapi: 3.0.3", "openapi: 3.0", 1)));
    let Outcome::Generated(g) = &outcome else { panic!("expected generated code, got {}", outcome.summary()) };
    assert!(g.warnings.iter().any(|w| w.to_string().contains("mutated.yaml#/openapi")), "{:?}", g.warnings);
}

#[test]
fn an_operation_at_the_crate_root_gets_the_root_module() {
    let mut failures = Vec::new();
    let cases = [
        ("path `/` under server `/api`", mutated(|d| rename_path(d, "/vcenter/vm", "/"))),
        (
            "path `/api` without servers",
            mutated(|d| {
                set(d, "/servers", json!([]));
                rename_path(d, "/vcenter/vm", "/api");
            }),
        ),
    ];
    for (what, bytes) in cases {
        let generated = generated_or_panic(generate("mutated.json", bytes));
        let keys = feature_keys(&generated);
        if keys.iter().any(String::is_empty) {
            failures.push(format!("{what}: an empty feature name in Cargo.toml: {keys:?}"));
        }
        if let Some((path, _)) = generated.files.iter().find(|(_, t)| t.contains("feature = \"\"")) {
            failures.push(format!("{what}: `#[cfg(feature = \"\")]` in {path}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]

fn a_namespace_named_like_a_built_in_feature_is_renamed() {
    let mut failures = Vec::new();
    for (namespace, config) in [
        ("client", Config::new()),
        ("full", Config::new()),
        ("default", Config::new()),
        ("regenerate", Config::new().workspace_build("../spec", "../../codegen")),
    ] {
        let bytes = mutated(|d| rename_path(d, "/vcenter/vm", &format!("/{namespace}/x")));
        let generated = generated_or_panic(generate_with(config, "mutated.json", bytes));
        let keys = feature_keys(&generated);
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != keys.len() {
            failures.push(format!("namespace `{namespace}`: a feature is declared twice: {keys:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]

fn recursive_unions_are_boxed() {
    let mut failures = Vec::new();
    let cases = [
        (
            "oneOf",
            mutated(|d| {
                set(
                    d,
                    UPDATE_SPEC,
                    json!({"oneOf": [{"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}, {"type": "string"}]}),
                )
            }),
            &["UpdateSpec(UpdateSpec)"][..],
        ),
        (
            "anyOf",
            mutated(|d| {
                set(
                    d,
                    UPDATE_SPEC,
                    json!({"anyOf": [{"$ref": "#/components/schemas/Vcenter.VM.UpdateSpec"}, {"type": "string"}]}),
                )
            }),
            &["UpdateSpec(UpdateSpec)"][..],
        ),
        (
            "oneOf A -> B -> A",
            mutated(|d| {
                insert(d, SCHEMAS, "A", json!({"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "string"}]}));
                insert(d, SCHEMAS, "B", json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "integer"}]}));
                set(d, GET_200_SCHEMA, json!({"$ref": "#/components/schemas/A"}));
            }),
            &["B(crate::b::B)", "A(crate::a::A)"][..],
        ),
    ];
    // The cycle is infinite when every variant on it holds its type unboxed.
    for (what, bytes, unboxed) in cases {
        let generated = generated_or_panic(generate("mutated.json", bytes));
        if unboxed.iter().all(|v| generated.files.iter().any(|(_, t)| t.contains(v))) {
            failures.push(format!("{what}: the variants {unboxed:?} make an infinitely large type"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
