//! The targeted cases as data: `tests/fixtures/robustness/targeted.yaml` (its header describes the
//! format), each an input, a list of patches and the exact outcome, checked by [`check`].

use std::time::Instant;

use serde::Deserialize;
use serde_json::Value;
use vsphere_codegen::{Diagnostic, Error, Generated, Severity};

use crate::base::{self, JSON, YAML};
use crate::run::{Outcome, check_error, check_generated, generate};

/// One case of the data file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    input: Input,
    #[serde(default)]
    patches: Vec<Patch>,
    expect: Expect,
}

/// What a case starts from.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Input {
    /// `base.json`, labelled `mutated.json`.
    #[default]
    Base,
    /// The workspace's YAML spec, labelled `mutated.yaml`.
    Spec,
    /// `base.yaml` (the workspace's spec as it was when the YAML cases were written, kept so that
    /// their line numbers hold while `spec/` grows), labelled `mutated.yaml`.
    BaseYaml,
    /// This text, labelled `mutated.json`.
    Json(String),
    /// This text, labelled `mutated.yaml`.
    Yaml(String),
}

/// One edit; see the data file's header.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Patch {
    Set { at: String, value: Value },
    Insert { at: String, value: Value },
    Remove(String),
    RenamePath { from: String, to: String },
    CopyPath { from: String, to: String },
    WrapInArrays { at: String, depth: usize },
    Replace { find: String, with: String },
    Append(String),
    InsertBytes { at: usize, bytes: Vec<u8> },
}

/// The outcome a case must have.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Generated code with this many functions.
    functions: Option<usize>,
    /// A spec error with exactly these error diagnostics.
    #[serde(default)]
    errors: Vec<Expected>,
    /// Exactly these warnings (with generated code, or alongside the errors).
    #[serde(default)]
    warnings: Vec<Expected>,
    /// Texts in generated files.
    #[serde(default)]
    output: Vec<Output>,
}

/// An expected diagnostic.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// `Kind::name`, as in `error[kind]`.
    kind: String,
    /// The exact pointer (RFC 6901, without `#`).
    at: Option<String>,
    /// Or the start of the pointer, where its depth is up to a parser.
    at_prefix: Option<String>,
    /// Texts the message contains.
    #[serde(default)]
    says: Texts,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Texts {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Texts {
    fn all(&self) -> &[String] {
        match self {
            Texts::None => &[],
            Texts::One(text) => std::slice::from_ref(text),
            Texts::Many(texts) => texts,
        }
    }
}

impl Expected {
    /// As the data file writes it.
    fn as_data(&self) -> String {
        let at = match (&self.at, &self.at_prefix) {
            (Some(at), _) => format!("at: {at:?}"),
            (None, Some(prefix)) => format!("at_prefix: {prefix:?}"),
            (None, None) => "at: ?".to_owned(),
        };
        format!("{{kind: {}, {at}, says: {:?}}}", self.kind, self.says.all())
    }
}

/// A text that a generated file contains.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Output {
    file: String,
    contains: String,
}

/// The cases of the data file, in its order. A case that does not fit the format fails here,
/// naming it.
fn cases() -> Vec<Case> {
    let path = vsphere_tests::workspace_root().join("tests/fixtures/robustness/targeted.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Through `serde_json::Value`, so that enums are written as one-key maps and values are JSON.
    let raw: Vec<Value> = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<Case> = raw
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let name = value.get("name").cloned().unwrap_or(Value::Null);
            serde_json::from_value(value).unwrap_or_else(|e| panic!("{}: case {i} ({name}): {e}", path.display()))
        })
        .collect();
    for case in &cases {
        let expect = &case.expect;
        let fails = !expect.errors.is_empty();
        assert!(expect.functions.is_some() != fails, "{}: expect `functions` or `errors`, not both", case.name);
        assert!(!fails || expect.output.is_empty(), "{}: `output` needs generated code", case.name);
        for d in expect.errors.iter().chain(&expect.warnings) {
            assert!(d.at.is_some() != d.at_prefix.is_some(), "{}: give a diagnostic `at` or `at_prefix`", case.name);
        }
    }
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        panic!("two cases are named {:?}", pair[0]);
    }
    cases
}

/// The input of a case while it is being patched.
enum Doc {
    Json(Value),
    Bytes(Vec<u8>),
}

impl Doc {
    fn json(&mut self) -> &mut Value {
        match self {
            Doc::Json(value) => value,
            Doc::Bytes(_) => panic!("a JSON patch needs `input: base` and must come before text edits"),
        }
    }

    fn bytes(&mut self) -> &mut Vec<u8> {
        if let Doc::Json(value) = self {
            *self = Doc::Bytes(serde_json::to_vec_pretty(value).expect("serialize"));
        }
        match self {
            Doc::Bytes(bytes) => bytes,
            Doc::Json(_) => unreachable!("converted above"),
        }
    }

    fn edit_text(&mut self, edit: impl FnOnce(&str) -> String) {
        let bytes = self.bytes();
        let text = std::str::from_utf8(bytes).expect("a text edit needs UTF-8 text");
        let edited = edit(text);
        assert_ne!(edited, text, "the edit changed nothing");
        *bytes = edited.into_bytes();
    }
}

/// The label and bytes of a case.
fn build(case: &Case) -> (&'static str, Vec<u8>) {
    let (label, mut doc) = match &case.input {
        Input::Base => (JSON, Doc::Json(base::base())),
        Input::Spec => (YAML, Doc::Bytes(base::workspace_spec().into_bytes())),
        Input::BaseYaml => (YAML, Doc::Bytes(base::base_yaml().into_bytes())),
        Input::Json(text) => (JSON, Doc::Bytes(text.clone().into_bytes())),
        Input::Yaml(text) => (YAML, Doc::Bytes(text.clone().into_bytes())),
    };
    for patch in &case.patches {
        match patch {
            Patch::Set { at, value } => base::set(doc.json(), at, value.clone()),
            Patch::Insert { at, value } => base::insert(doc.json(), at, value.clone()),
            Patch::Remove(at) => drop(base::remove(doc.json(), at)),
            Patch::RenamePath { from, to } => base::rename_path(doc.json(), from, to),
            Patch::CopyPath { from, to } => base::copy_path(doc.json(), from, to),
            Patch::WrapInArrays { at, depth } => base::wrap_in_arrays(doc.json(), at, *depth),
            Patch::Replace { find, with } => doc.edit_text(|t| base::replace(t, find, with)),
            Patch::Append(tail) => doc.edit_text(|t| format!("{t}{tail}")),
            Patch::InsertBytes { at, bytes } => {
                let doc = doc.bytes();
                assert!(*at <= doc.len(), "insert_bytes at {at} is past the end ({} bytes)", doc.len());
                doc.splice(at..at, bytes.iter().copied());
            }
        }
    }
    (label, std::mem::take(doc.bytes()))
}

/// A diagnostic as the data file writes it, to show what came instead.
fn as_data(d: &Diagnostic) -> String {
    let pointer = d.pointer.to_string();
    let at = pointer.strip_prefix('#').unwrap_or(&pointer);
    format!("{{kind: {}, at: {at:?}, says: {:?}}}", d.kind.name(), d.message)
}

fn matches(expected: &Expected, d: &Diagnostic) -> bool {
    let pointer = d.pointer.to_string();
    let at = pointer.strip_prefix('#').unwrap_or(&pointer);
    d.kind.name() == expected.kind
        && expected.at.as_deref().is_none_or(|want| at == want)
        && expected.at_prefix.as_deref().is_none_or(|want| at.starts_with(want))
        && expected.says.all().iter().all(|text| d.message.contains(text.as_str()))
}

/// The diagnostics of one severity are exactly the expected ones: each expected one matches its
/// own actual one, and none is left over.
fn compare(what: &str, expected: &[Expected], actual: &[&Diagnostic]) -> Result<(), String> {
    let mut left: Vec<&Diagnostic> = actual.to_vec();
    let mut missing = Vec::new();
    for want in expected {
        match left.iter().position(|d| matches(want, d)) {
            Some(i) => drop(left.remove(i)),
            None => missing.push(want.as_data()),
        }
    }
    if missing.is_empty() && left.is_empty() {
        return Ok(());
    }
    let actual: Vec<String> = actual.iter().map(|d| format!("\n      - {}", as_data(d))).collect();
    Err(format!(
        "{what}: missing {missing:?}, unexpected {:?}; the {what} were:{}",
        left.iter().map(|d| as_data(d)).collect::<Vec<_>>(),
        if actual.is_empty() { " none".to_owned() } else { actual.concat() }
    ))
}

fn of(severity: Severity, diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics.iter().filter(|d| d.severity == severity).collect()
}

fn check_output(expect: &Expect, generated: &Generated) -> Result<(), String> {
    for want in &expect.output {
        let Some((_, text)) = generated.files.iter().find(|(path, _)| *path == want.file) else {
            let files: Vec<&str> = generated.files.iter().map(|(path, _)| path.as_str()).collect();
            return Err(format!("no generated {} among {files:?}", want.file));
        };
        if !text.contains(&want.contains) {
            return Err(format!("{} does not contain {:?}; it is:\n{text}", want.file, want.contains));
        }
    }
    Ok(())
}

/// Checks a case's outcome against its expectation: the general checks of [`check_generated`] and
/// [`check_error`], then the exact functions, diagnostics and output texts.
fn check(label: &str, outcome: &Outcome, expect: &Expect) -> Result<(), String> {
    match (outcome, expect.functions) {
        (Outcome::Panicked(panic), _) => Err(panic.clone()),
        (Outcome::Generated(g), Some(functions)) => {
            check_generated(label, g)?;
            if g.report.functions() != functions {
                return Err(format!("{} functions, expected {functions}", g.report.functions()));
            }
            compare("warnings", &expect.warnings, &of(Severity::Warning, &g.warnings))?;
            check_output(expect, g)
        }
        (Outcome::Failed(e), None) => {
            check_error(label, e)?;
            let Error::Spec(diagnostics) = e else { unreachable!("check_error accepts only spec errors") };
            compare("errors", &expect.errors, &of(Severity::Error, diagnostics))?;
            compare("warnings", &expect.warnings, &of(Severity::Warning, diagnostics))
        }
        (Outcome::Generated(g), None) => Err(format!(
            "expected an error, got generated code ({}); its warnings: {:?}",
            outcome.summary(),
            g.warnings.iter().map(as_data).collect::<Vec<_>>()
        )),
        (Outcome::Failed(e), Some(_)) => Err(format!("expected generated code, got the error {e}")),
    }
}

#[test]
fn targeted_mutations() {
    let started = Instant::now();
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let (label, bytes) = build(case);
        let outcome = generate(label, bytes);
        eprintln!("{}: {}", case.name, outcome.summary());
        if let Err(why) = check(label, &outcome, &case.expect) {
            failures.push(format!("{} ({label}): {why}", case.name));
        }
    }
    eprintln!("targeted_mutations: {} cases in {:.1?}", cases.len(), started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}
