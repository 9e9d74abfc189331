//! Every fixture's generated crate compiles, and passes clippy, with warnings denied.

use vsphere_codegen::Config;
use vsphere_tests::{assert_ok, cargo_in, fixtures, scratch, write_check_workspace};

#[test]
fn every_fixture_crate_passes_clippy_with_warnings_denied() {
    let root = scratch("fixtures-compile");
    let mut members = Vec::new();
    for (name, path) in fixtures() {
        Config::new()
            .spec(&path)
            .crate_name(format!("fixture-{}", name.replace('_', "-")))
            .out_dir(root.join(&name))
            .write()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        members.push(name);
    }
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    write_check_workspace(&root, &members);
    let run = cargo_in(&root, &["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"]);
    assert_ok(&run, "cargo clippy on the fixture crates");
    // Without default features (no client, no namespaces) they compile too.
    let run = cargo_in(&root, &["check", "--workspace", "--no-default-features", "--quiet"]);
    assert_ok(&run, "cargo check --no-default-features on the fixture crates");
    // With both serde traits on every type (`all-serde`), whose code is behind that feature.
    let run = cargo_in(&root, &["clippy", "--workspace", "--features", "all-serde", "--quiet", "--", "-D", "warnings"]);
    assert_ok(&run, "cargo clippy --features all-serde on the fixture crates");
}
