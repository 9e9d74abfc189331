//! Contract tests: Stoplight Prism, a validator we did not write, judges the requests the
//! generated code builds for every operation, and the generated types decode what Prism answers.
//!
//! For each corpus (`spec/`, `vsphere-7.0.3-api`, `vsphere-7.0.3-oas3` of `../shared/specs`):
//!
//! 1. generate the crate, and the contract calls (`vsphere-codegen`'s feature `contract`): one
//!    call per operation, with required inputs only and with every input, values made from the
//!    schemas and built through the generated types;
//! 2. build the calls program (`tests/contract/program.rs`) against the crate;
//! 3. give Prism one document of the corpus's files, rewritten where Prism needs it
//!    ([`rewrite`]), and put the rewriting proxy ([`proxy`]) in front of it;
//! 4. run the program in `ApiMode::Current` (every operation, against its own route) and in
//!    `ApiMode::Legacy` (every `/api` operation paired with a `/rest` twin, against the twin);
//! 5. judge every answer ([`judge`]): a request violation, a wrong route or an undecodable
//!    response fails the test, unless `tests/contract/allow-list.yaml` names it as the spec's
//!    fault; every allow-list entry must still match something.
//!
//! Each corpus prints `contract: <corpus> <Mode>: N operations, C covered, V violations, L left
//! out` per mode (on standard error, so that `cargo test` shows it), what was left out and why,
//! and its timings. Without Node or npm the tests print SKIPPED; under `CI=true` that is a failure.

#[path = "../../contract/http1.rs"]
mod http1;
mod judge;
mod prism;
mod proxy;
mod rewrite;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;
use vsphere_codegen::Config;
use vsphere_tests::{
    assert_ok, cargo_in, check_target_dir, scratch, shared_specs, workspace_root, write_check_workspace,
};

/// A corpus: a name for the lines, and its spec files.
struct Corpus {
    /// `spec`, or the folder's name.
    name: &'static str,
    /// A short name for crates and scratch directories.
    short: &'static str,
    /// The spec folder.
    dir: PathBuf,
}

/// Writes a line to standard error past the test harness' capture, so that `cargo test` shows it.
fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// Prism's CLI, or `None` after printing SKIPPED (a panic under CI).
fn prism_cli(test: &str) -> Option<PathBuf> {
    match prism::install() {
        Ok(cli) => Some(cli),
        Err(prism::Unavailable::Skip(reason)) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("{test}: Prism is unavailable, and CI=true makes that a failure: {reason}");
            }
            say(&format!("SKIPPED: {test}: Prism is unavailable: {reason}"));
            println!("SKIPPED: {test}: Prism is unavailable: {reason}");
            None
        }
        Err(prism::Unavailable::Failed(reason)) => panic!("{test}: {reason}"),
    }
}

/// The spec files of a folder, by name.
fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .collect();
    files.sort();
    files
}

/// A spec file as JSON.
fn read_spec(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        _ => serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    }
}

/// The allow-list, and which of its entries matched something.
fn allow_list() -> Vec<judge::Allowed> {
    let path = workspace_root().join("tests/contract/allow-list.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let entries: Option<Vec<judge::Allowed>> =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let entries = entries.unwrap_or_default();
    for entry in &entries {
        assert!(
            entry.reason.split_whitespace().count() >= 10,
            "{}: every entry says why the spec is wrong: {entry:?}",
            path.display()
        );
    }
    entries
}

/// What one corpus's run shares between its modes.
struct Run<'r> {
    corpus: &'r Corpus,
    executable: PathBuf,
    proxy: proxy::Proxy,
    prism: &'r prism::Prism,
    routes: &'r std::collections::BTreeSet<String>,
    allow: Vec<judge::Allowed>,
    used: Vec<bool>,
    failures: Vec<String>,
}

impl Corpus {
    fn run(&self, test: &str) {
        let Some(cli) = prism_cli(test) else { return };
        let started = Instant::now();
        let root = scratch(&format!("contract-{}", self.short));
        let files = spec_files(&self.dir);
        let binary = self.generate(&root, &files);
        let generated = started.elapsed();

        // Prism loads the rewritten corpus while the program builds.
        let (document, rewritten) = self.prism_document(&root, &files);
        let prism_started = Instant::now();
        let prism = prism::Prism::start(&cli, &document, root.join("prism.log"));
        let prism_ready = prism_started.elapsed();
        let build = cargo_in(&root, &["build", "--quiet", "--bin", &binary]);
        assert_ok(&build, &format!("{}: cargo build of the contract calls", self.name));

        let allow = allow_list();
        let mut run = Run {
            corpus: self,
            executable: check_target_dir().join("debug").join(format!("{binary}{}", std::env::consts::EXE_SUFFIX)),
            proxy: proxy::Proxy::start(rewritten.keys.clone(), prism.address()).expect("start the proxy"),
            prism: &prism,
            routes: &rewritten.routes,
            used: vec![false; allow.len()],
            allow,
            failures: Vec::new(),
        };
        let mut timings = vec![
            format!("generate {:.1} s", generated.as_secs_f64()),
            format!("Prism ready {:.1} s", prism_ready.as_secs_f64()),
            format!("build {:.1} s", build.elapsed.as_secs_f64()),
        ];
        timings.extend([("Current", "current"), ("Legacy", "legacy")].map(|(mode, arg)| run.mode(mode, arg)));
        for (entry, used) in run.allow.iter().zip(&run.used) {
            if entry.corpus == self.name && !used {
                run.failures.push(format!("allow-list entry matches nothing (remove it): {entry:?}"));
            }
        }
        timings.push(format!("Prism {} RSS {} MiB", prism::VERSION, prism.rss_mib()));
        timings.push(format!("proxy moved {} key queries", run.proxy.moved()));
        say(&format!("    {}: {} ({:.1} s in all)", self.name, timings.join(", "), started.elapsed().as_secs_f64()));
        let failures = std::mem::take(&mut run.failures);
        drop(run);
        drop(prism);
        assert!(failures.is_empty(), "{} contract violations:\n{}", failures.len(), failures.join("\n"));
    }

    /// Generates the crate and the contract calls, and writes the calls program beside them;
    /// returns the program's name.
    fn generate(&self, root: &Path, files: &[PathBuf]) -> String {
        let crate_name = format!("contract-{}", self.short);
        let mut config = Config::new().crate_name(&crate_name).out_dir(root.join("crate"));
        for file in files {
            config = config.spec(file);
        }
        config.write().unwrap_or_else(|e| panic!("{}: generate: {e}", self.name));
        let calls = config.contract_calls().unwrap_or_else(|e| panic!("{}: contract calls: {e}", self.name));
        write_program(root, &crate_name, &calls.source)
    }

    /// Writes Prism's copy of the corpus ([`rewrite`]); its path, and what the rewriting knows.
    fn prism_document(&self, root: &Path, files: &[PathBuf]) -> (PathBuf, rewrite::Rewritten) {
        let documents: Vec<(String, Value)> = files
            .iter()
            .map(|f| (f.file_stem().unwrap_or_default().to_string_lossy().into_owned(), read_spec(f)))
            .collect();
        let rewritten = rewrite::corpus(documents).unwrap_or_else(|e| panic!("{}: rewrite: {e}", self.name));
        let changes: Vec<String> = rewritten.changes.iter().map(|(what, n)| format!("{n} × {what}")).collect();
        say(&format!("    {}: Prism's copy: {}", self.name, changes.join("; ")));
        for at in &rewritten.endless {
            say(&format!("    {}: no finite value satisfies {at} (a required property of its own type)", self.name));
        }
        let document = root.join("prism.json");
        std::fs::write(&document, serde_json::to_vec(&rewritten.doc).expect("JSON")).expect("write the Prism document");
        (document, rewritten)
    }
}

impl Run<'_> {
    /// Runs the calls in one mode, prints its line and what was left out, and keeps the
    /// violations; returns how long it took.
    fn mode(&mut self, mode: &str, arg: &str) -> String {
        let name = self.corpus.name;
        let started = Instant::now();
        let output = Command::new(&self.executable)
            .args([self.proxy.url().as_str(), arg])
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", self.executable.display()));
        assert!(
            output.status.success(),
            "{name}: the calls program failed ({}):\n{}\n--- Prism\n{}",
            output.status,
            vsphere_tests::tail(&String::from_utf8_lossy(&output.stderr), 40),
            self.prism.log_tail()
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let tally = judge::judge(&stdout, name, mode, self.routes, &self.allow, &mut self.used)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        say(&tally.line(name, mode));
        if tally.not_in_mode > 0 {
            say(&format!(
                "    {} operations have no /rest twin: ApiMode::{mode} sends them as Current does",
                tally.not_in_mode
            ));
        }
        for (why, functions) in tally.left_out() {
            say(&format!("    left out: {} × {why}: {}", functions.len(), functions.join(", ")));
        }
        for (function, violation) in &tally.allowed {
            say(&format!("    allow-listed: {function}: {violation}"));
        }
        for (function, verdict) in &tally.verdicts {
            if let judge::Verdict::Violations(reports) = verdict {
                self.failures.push(format!("{name} {mode} {function}:\n  {}", reports.join("\n  ")));
            }
        }
        format!("{mode} {} requests {:.1} s", tally.requests, started.elapsed().as_secs_f64())
    }
}

/// Writes the calls program's crate beside the generated one, and the workspace around both;
/// returns the binary's name.
fn write_program(root: &Path, crate_name: &str, calls: &str) -> String {
    let binary = format!("{crate_name}-calls");
    let dir = root.join("calls");
    std::fs::create_dir_all(dir.join("src")).expect("create the calls crate");
    let manifest = format!(
        "[package]\nname = \"{binary}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         vsphere = {{ package = \"{crate_name}\", path = \"../crate\", default-features = false, features = [\"full\"] }}\n\
         http = \"1\"\nserde = \"1\"\nserde_json = \"1\"\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write the calls manifest");
    let contract = workspace_root().join("tests/contract");
    std::fs::copy(contract.join("program.rs"), dir.join("src/main.rs")).expect("copy the calls program");
    std::fs::copy(contract.join("http1.rs"), dir.join("src/http1.rs")).expect("copy http1.rs");
    std::fs::write(dir.join("src/calls.rs"), calls).expect("write calls.rs");
    write_check_workspace(root, &["crate", "calls"]);
    binary
}

#[test]
fn spec_fragment() {
    Corpus { name: "spec", short: "spec", dir: workspace_root().join("spec") }.run("contract::spec_fragment");
}

#[test]
fn vsphere_7_0_3_api() {
    let Some(specs) = shared_specs("contract::vsphere_7_0_3_api") else { return };
    Corpus { name: "vsphere-7.0.3-api", short: "api", dir: specs.join("vsphere-7.0.3-api") }
        .run("contract::vsphere_7_0_3_api");
}

#[test]
fn vsphere_7_0_3_oas3() {
    let Some(specs) = shared_specs("contract::vsphere_7_0_3_oas3") else { return };
    Corpus { name: "vsphere-7.0.3-oas3", short: "oas3", dir: specs.join("vsphere-7.0.3-oas3") }
        .run("contract::vsphere_7_0_3_oas3");
}
