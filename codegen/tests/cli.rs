//! The command line: `generate`, `generate --check`, and failures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vsphere-codegen"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn out_dir(name: &str) -> PathBuf {
    let dir = root().join("target/test-scratch").join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run(args: &[&str]) -> Output {
    bin().args(args).current_dir(root()).output().expect("run vsphere-codegen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn generate_writes_a_crate_and_reports_per_file() {
    let out = out_dir("generate");
    let out_s = out.to_string_lossy().into_owned();
    let output = run(&["generate", "--out", &out_s, "spec/vsphere-fragment.yaml"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("vsphere-fragment.yaml: 2 operations -> 2 functions"), "{stdout}");
    assert!(out.join("Cargo.toml").is_file() && out.join("src/lib.rs").is_file());
    assert!(out.join("src/appliance/recovery/reconciliation/job.rs").is_file());
    // No workspace hook unless asked for.
    assert!(!out.join("build.rs").exists() && !out.join("regenerate").exists());
}

#[test]
fn check_passes_when_fresh_and_names_stale_files() {
    let out = out_dir("check");
    let out_s = out.to_string_lossy().into_owned();
    let args = ["generate", "--out", &out_s, "spec/vsphere-fragment.yaml"];
    assert!(run(&args).status.success());
    let check = ["generate", "--check", "--out", &out_s, "spec/vsphere-fragment.yaml"];
    let fresh = run(&check);
    assert!(fresh.status.success(), "a fresh crate checks clean: {}", text(&fresh.stderr));

    // An edited file, a missing file and a leftover generated file are all named.
    let job = out.join("src/appliance/recovery/reconciliation/job.rs");
    std::fs::write(&job, "// edited\n").expect("edit");
    std::fs::remove_file(out.join("src/vapi.rs")).expect("remove");
    let leftover = std::fs::read_to_string(out.join("src/appliance.rs")).expect("read");
    std::fs::write(out.join("src/old_service.rs"), leftover).expect("write leftover");
    let before = std::fs::read(&job).expect("read");
    let stale = run(&check);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = text(&stale.stderr);
    for name in
        ["src/appliance/recovery/reconciliation/job.rs", "src/vapi.rs", "src/old_service.rs (no longer generated)"]
    {
        assert!(stderr.contains(name), "`{name}` should be named:\n{stderr}");
    }
    assert_eq!(std::fs::read(&job).expect("read"), before, "--check writes nothing");

    // Writing again repairs all three.
    assert!(run(&args).status.success());
    assert!(run(&check).status.success());
    assert!(!out.join("src/old_service.rs").exists(), "stale generated files are removed");
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let out = out_dir("unchanged");
    let out_s = out.to_string_lossy().into_owned();
    let args = ["generate", "--out", &out_s, "spec/vsphere-fragment.yaml"];
    assert!(run(&args).status.success());
    let job = out.join("src/appliance/recovery/reconciliation/job.rs");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    std::fs::File::options().write(true).open(&job).expect("open").set_modified(old).expect("set mtime");
    assert!(run(&args).status.success());
    assert_eq!(std::fs::metadata(&job).expect("stat").modified().expect("mtime"), old);
}

#[test]
fn a_bad_spec_fails_with_a_pointer_and_writes_nothing() {
    let out = out_dir("bad");
    let out_s = out.to_string_lossy().into_owned();
    let output = run(&["generate", "--out", &out_s, "tests/fixtures/malformed.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("malformed.yaml#/paths/~1api~1vcenter~1vm/get/parameters/0"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_directory_of_specs_makes_one_crate() {
    let out = out_dir("dir");
    let out_s = out.to_string_lossy().into_owned();
    let output = run(&["generate", "--out", &out_s, "spec"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("vsphere-fragment.yaml:"));
}
