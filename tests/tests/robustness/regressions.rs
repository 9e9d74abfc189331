//! Defects found by the robustness tests and since fixed, each pinned by a test of its own: path
//! keys without `/`, text after the JSON document, where invalid UTF-8 starts, an unquoted YAML
//! version, operations at the crate root, namespaces named like a built-in feature, recursive
//! unions.

use serde_json::{Value, json};
use vsphere_codegen::{Config, Error, Generated, Kind, Severity};

use crate::base::{JSON, YAML, insert, mutated, mutated_text, rename_path, set, yaml};
use crate::run::{Outcome, check_error, generate, generate_with};

const GET_200_SCHEMA: &str = "/paths/~1vcenter~1vm~1{vm}/get/responses/200/content/application~1json/schema";

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

/// The text of a generated file.
fn file<'g>(generated: &'g Generated, path: &str) -> &'g str {
    let files: Vec<&str> = generated.files.iter().map(|(p, _)| p.as_str()).collect();
    generated
        .files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| panic!("no generated {path} among {files:?}"))
}

/// Repair reports it (`repair.rs`): one error, of kind `shape`, at the key itself.
#[test]
fn a_path_key_without_a_leading_slash_is_an_error() {
    let outcome = generate(JSON, mutated(|d| rename_path(d, "/vcenter/vm", "vcenter/vm")));
    let Outcome::Failed(Error::Spec(diagnostics)) = &outcome else {
        panic!("expected a spec error, got {}", outcome.summary())
    };
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(lines, ["error[shape]: mutated.json#/paths/vcenter~1vm: a path must start with `/`"]);
    let d = &diagnostics[0];
    assert_eq!((d.severity, d.kind, d.file.as_str()), (Severity::Error, Kind::Shape, JSON));
    assert_eq!(d.pointer.to_string(), "#/paths/vcenter~1vm");
}

#[test]
fn text_after_the_json_document_is_an_error() {
    let mut failures = Vec::new();
    for (what, tail) in [("a lone `}`", " }"), ("a second document", "\n{\"openapi\": \"3.0.3\"}")] {
        let outcome = generate(JSON, mutated_text(|_| {}, |t| format!("{t}{tail}")));
        let result = match &outcome {
            Outcome::Failed(e) => check_error(JSON, e).and_then(|()| {
                let text = e.to_string();
                if text.contains("text after the JSON document at line ") {
                    Ok(())
                } else {
                    Err(format!("not the error for text after the document, with its line: {text}"))
                }
            }),
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
    let outcome = generate(JSON, text.as_bytes()[..at].to_vec());
    let Outcome::Failed(e) = &outcome else { panic!("expected an error, got {}", outcome.summary()) };
    let message = e.to_string();
    assert!(
        message.contains("line") || message.contains("byte"),
        "the error does not say where the bad byte is: {message}"
    );
}

#[test]
fn an_unquoted_yaml_version_is_read_with_a_warning() {
    let outcome = generate(YAML, yaml(|t| t.replacen("openapi: 3.0.3", "openapi: 3.0", 1)));
    let Outcome::Generated(g) = &outcome else { panic!("expected generated code, got {}", outcome.summary()) };
    assert!(g.warnings.iter().any(|w| w.to_string().contains("mutated.yaml#/openapi")), "{:?}", g.warnings);
}

/// An operation whose path is the server's prefix itself goes to module `root`, with a feature of
/// that name (not an empty one).
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
        let generated = generated_or_panic(generate(JSON, bytes));
        let keys = feature_keys(&generated);
        if !keys.iter().any(|k| k == "root") {
            failures.push(format!("{what}: no feature `root` in Cargo.toml: {keys:?}"));
        }
        if keys.iter().any(String::is_empty) {
            failures.push(format!("{what}: an empty feature name in Cargo.toml: {keys:?}"));
        }
        match generated.files.iter().find(|(p, _)| p == "src/root.rs") {
            Some((_, text)) if text.contains("pub fn list(") => {}
            Some(_) => failures.push(format!("{what}: src/root.rs has no `list`")),
            None => failures.push(format!("{what}: no src/root.rs")),
        }
        if let Some((path, _)) = generated.files.iter().find(|(_, t)| t.contains("feature = \"\"")) {
            failures.push(format!("{what}: `#[cfg(feature = \"\")]` in {path}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A namespace named like a feature the generated crate defines itself gets a trailing `_`, so
/// that no feature is declared twice.
#[test]
fn a_namespace_named_like_a_built_in_feature_is_renamed() {
    let mut failures = Vec::new();
    for (namespace, config) in [
        ("client", Config::new()),
        ("full", Config::new()),
        ("default", Config::new()),
        ("regenerate", Config::new().workspace_hook("../spec", "../../codegen")),
    ] {
        let bytes = mutated(|d| rename_path(d, "/vcenter/vm", &format!("/{namespace}/x")));
        let generated = generated_or_panic(generate_with(config, JSON, bytes));
        let keys = feature_keys(&generated);
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != keys.len() {
            failures.push(format!("namespace `{namespace}`: a feature is declared twice: {keys:?}"));
        }
        if !keys.contains(&format!("{namespace}_")) {
            failures.push(format!("namespace `{namespace}`: no feature `{namespace}_`: {keys:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `{kind: [{"$ref": to}, {"type": other}]}`: a union of the schema `to` and a simple type.
fn union(kind: &str, to: &str, other: &str) -> Value {
    let to = json!({"$ref": format!("#/components/schemas/{to}")});
    json!({kind: [to, {"type": other}]})
}

/// A union on a cycle holds the next type on the cycle in a `Box`, or the type would be infinitely
/// large. (A union that lists itself directly drops that variant instead, with a warning: see the
/// cases "a `oneOf` that contains itself" and "an `anyOf` that contains itself" in
/// `targeted.yaml`.)
#[test]
fn recursive_unions_are_boxed() {
    let mut failures = Vec::new();
    let cases = [
        (
            "oneOf A -> B -> A",
            mutated(|d| {
                insert(d, "/components/schemas/A", union("oneOf", "B", "string"));
                insert(d, "/components/schemas/B", union("oneOf", "A", "integer"));
                set(d, GET_200_SCHEMA, json!({"$ref": "#/components/schemas/A"}));
            }),
            vec![
                ("src/a.rs", "pub enum A {\n    B(Box<b::B>),\n    String(String),\n}"),
                ("src/b.rs", "pub enum B {\n    A(Box<a::A>),\n    Integer(i64),\n}"),
            ],
        ),
        (
            "anyOf A -> B -> A",
            mutated(|d| {
                insert(d, "/components/schemas/A", union("anyOf", "B", "string"));
                insert(d, "/components/schemas/B", union("anyOf", "A", "integer"));
                set(d, GET_200_SCHEMA, json!({"$ref": "#/components/schemas/A"}));
            }),
            vec![
                ("src/a.rs", "pub enum A {\n    B(Box<b::B>),\n    String(String),\n}"),
                ("src/b.rs", "pub enum B {\n    A(Box<a::A>),\n    Integer(i64),\n}"),
            ],
        ),
        (
            "a struct with a union that holds the struct",
            mutated(|d| {
                let next = union("oneOf", "Vcenter.VM.UpdateSpec", "string");
                let spec = json!({"type": "object", "required": ["next"], "properties": {"next": next}});
                set(d, "/components/schemas/Vcenter.VM.UpdateSpec", spec);
            }),
            vec![
                ("src/vcenter/vm.rs", "pub struct UpdateSpec {\n    pub next: Box<UpdateSpecNext>,\n}"),
                (
                    "src/vcenter/vm.rs",
                    "pub enum UpdateSpecNext {\n    UpdateSpec(Box<UpdateSpec>),\n    String(String),\n}",
                ),
            ],
        ),
    ];
    for (what, bytes, expected) in cases {
        let generated = generated_or_panic(generate(JSON, bytes));
        for (path, text) in expected {
            let actual = file(&generated, path);
            if !actual.contains(text) {
                failures.push(format!("{what}: {path} does not contain {text:?}; it is:\n{actual}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
