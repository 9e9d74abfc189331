//! Snapshots (insta) of what the generator writes: the report for `spec/` (its files are the
//! committed `generated/`, which `freshness.rs` pins), the output for each fixture spec in
//! `tests/fixtures/` (one per feature), and the error a malformed spec gives. Review changes with
//! `cargo insta review`; under `CI=true` a mismatch fails.

use std::path::{Path, PathBuf};

use vsphere_codegen::{Config, Generated};
use vsphere_tests::{fixtures, workspace_config, workspace_root};

fn fixture_dir() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// One text for a whole generated crate, without the runtime (the same for every spec).
fn render(generated: &Generated) -> String {
    let mut out = String::new();
    out.push_str("=== report\n");
    out.push_str(&generated.report.to_string());
    out.push_str("\n\n=== warnings\n");
    for w in &generated.warnings {
        out.push_str(&w.to_string());
        out.push('\n');
    }
    for (path, text) in &generated.files {
        if path.starts_with("src/runtime") {
            continue;
        }
        out.push_str(&format!("\n=== {path}\n"));
        out.push_str(text);
    }
    out
}

fn generate_fixture(path: &Path) -> Generated {
    Config::new().spec(path).generate().unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The report of `spec/`: its figures, and no warnings. The files themselves are pinned by the
/// committed `generated/` (see `freshness.rs`), not snapshotted a second time.
#[test]
fn spec_generates_without_warnings_with_the_pinned_report() {
    let generated = workspace_config().generate().expect("spec/ generates");
    assert!(generated.warnings.is_empty(), "spec/ should generate without warnings: {:#?}", generated.warnings);
    insta::assert_snapshot!("spec_report", generated.report.to_string());
}

#[test]
fn each_fixture() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 10, "expected a fixture per feature, found {}", fixtures.len());
    for (name, path) in fixtures {
        let generated = generate_fixture(&path);
        insta::assert_snapshot!(format!("fixture__{name}"), render(&generated));
    }
}

#[test]
fn malformed_spec_names_the_pointer() {
    let error = Config::new().spec(fixture_dir().join("malformed.yaml")).generate().expect_err("the spec is malformed");
    let text = error.to_string();
    assert!(text.contains("malformed.yaml#/paths/~1api~1vcenter~1vm/get/parameters/0"), "{text}");
    insta::assert_snapshot!("malformed_error", text);
}

#[test]
fn a_malformed_spec_leaves_the_output_untouched() {
    let out = vsphere_tests::scratch("malformed-untouched");
    std::fs::write(out.join("marker"), "kept").expect("write marker");
    let result = Config::new().spec(fixture_dir().join("malformed.yaml")).out_dir(&out).write();
    assert!(result.is_err());
    assert_eq!(vsphere_tests::files_below(&out), ["marker"]);
}
