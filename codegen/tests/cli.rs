//! The command line: `generate`, `generate --check`, `--deny-warnings`, `diff`, and failures
//! (a bad spec, a full disk on stdout).

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
    assert!(stdout.contains("vsphere-fragment.yaml: 7 operations -> 7 functions"), "{stdout}");
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

    // Writing again repairs all three, and leaves a file the generator did not write alone.
    std::fs::write(out.join("src/hand_written.rs"), "// mine\n").expect("write");
    assert!(run(&args).status.success());
    assert!(run(&check).status.success());
    assert!(!out.join("src/old_service.rs").exists(), "stale generated files are removed");
    assert_eq!(std::fs::read_to_string(out.join("src/hand_written.rs")).expect("kept"), "// mine\n");
    assert!(job.exists() && out.join("src/vapi.rs").exists());
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

const OLD: &str = "tests/fixtures/diff/old.yaml";
const NEW: &str = "tests/fixtures/diff/new.yaml";

#[test]
fn diff_prints_a_markdown_report_ending_with_the_bump() {
    let output = run(&["diff", OLD, "--", NEW]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("# Changes to the generated API\n"), "{stdout}");
    assert!(
        stdout.contains("- `vcenter::vm::register_vm`: `vcenter::vm::register` → `vcenter::vm::register_vm`."),
        "{stdout}"
    );
    assert!(stdout.contains("## Breaking changes (17)") && stdout.contains("## Additive changes (5)"), "{stdout}");
    let last = stdout.trim_end().lines().last().unwrap_or_default();
    assert!(last.starts_with("**minor**: `0.1.0` → `0.2.0`."), "{last}");
    // The one-line summary goes to stderr, so that stdout is only the report.
    assert!(
        text(&output.stderr).starts_with("diff: 17 breaking, 5 additive, 0 patch, 1 documentation-only; bump minor")
    );
}

#[test]
fn diff_json_parses_and_takes_the_crate_version() {
    let output = run(&["diff", "--format", "json", "--crate-version", "1.2.3", OLD, "--", NEW]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(report["format"], 1);
    assert_eq!(report["summary"]["breaking"], 17);
    assert_eq!((report["bump"]["level"].as_str(), report["bump"]["to"].as_str()), (Some("major"), Some("2.0.0")));
    let renamed = report["changes"]
        .as_array()
        .and_then(|changes| changes.iter().find(|c| c["kind"] == "function_renamed"))
        .expect("a rename");
    assert_eq!(
        (renamed["old"].as_str(), renamed["verdict"].as_str()),
        (Some("vcenter::vm::register"), Some("breaking"))
    );
}

#[test]
fn diff_of_a_spec_with_itself_says_so() {
    let output = run(&["diff", OLD, "--", OLD]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("No changes"), "{}", text(&output.stdout));
}

#[test]
fn diff_needs_both_sides_and_names_a_bad_one() {
    let missing = run(&["diff", OLD]);
    assert_eq!(missing.status.code(), Some(2), "no `-- NEW`");
    assert!(text(&missing.stderr).contains("<NEW>..."), "{}", text(&missing.stderr));
    let bad = run(&["diff", OLD, "--", "tests/fixtures/malformed.yaml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).starts_with("the new specs: "), "{}", text(&bad.stderr));
    assert!(bad.stdout.is_empty(), "no report on failure");
}

#[test]
fn deny_warnings_fails_naming_every_pointer_and_writes_nothing() {
    let spec = "tests/fixtures/defects.json";
    // The fixture does have warnings: without the flag it generates.
    let allowed = out_dir("warnings-allowed");
    let output = run(&["generate", "--out", &allowed.to_string_lossy(), spec]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("boolean-required"), "{}", text(&output.stdout));

    let denied = out_dir("warnings-denied");
    let output = run(&["generate", "--deny-warnings", "--out", &denied.to_string_lossy(), spec]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("8 warning(s), denied; nothing was written\n"), "{stderr}");
    for pointer in [
        "defects.json#/components/schemas/vcenter.folder.summary/properties/folder/required",
        "defects.json#/paths/~1rest~1vcenter~1folder/post/responses/404/content/application~1json/schema",
    ] {
        assert!(stderr.contains(pointer), "`{pointer}` should be named:\n{stderr}");
    }
    assert_eq!(stderr.lines().filter(|l| l.starts_with("warning[")).count(), 8, "{stderr}");
    assert!(!denied.exists(), "nothing is written");
    assert!(output.stdout.is_empty());
}

/// Runs with stdout on `/dev/full`, where every write fails.
fn run_to_full_disk(args: &[&str]) -> Output {
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    bin().args(args).current_dir(root()).stdout(full).stderr(std::process::Stdio::piped()).output().expect("run")
}

#[test]
fn a_full_stdout_is_an_error_not_a_panic() {
    let out = out_dir("full");
    let out_s = out.to_string_lossy().into_owned();
    for args in [
        vec!["generate", "--out", &out_s, "spec/vsphere-fragment.yaml"],
        vec!["diff", OLD, "--", NEW],
        vec!["diff", "--format", "json", OLD, "--", NEW],
        vec!["--help"],
    ] {
        let output = run_to_full_disk(&args);
        let stderr = text(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        if args[0] != "--help" {
            assert!(stderr.contains("cannot write to standard output"), "{args:?}: {stderr}");
        }
    }
}
