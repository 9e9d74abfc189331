//! One output, whoever runs it: the CLI and `cargo build` (the workspace hook) write the same
//! bytes for every file both write, whatever the working directory and however the paths are
//! spelled, and `generate --check` passes on the committed crate.

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{committed_generated, files_below as files};

mod common;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn run(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vsphere-codegen")).args(args).current_dir(cwd).output().expect("run the CLI")
}

#[test]
fn check_passes_on_the_committed_crate() {
    // Git's copy, not the working tree, which the build has just rewritten.
    let Some(committed) = committed_generated(&root(), &scratch("regeneration-committed")) else { return };
    let output = run(&root(), &["generate", "--check", "--out", &committed.to_string_lossy(), "spec/"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the committed generated/ is not what spec/ gives: run `cargo build` and commit generated/:\n{stderr}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("checked"));
}

#[test]
fn the_cli_and_the_build_write_the_same_bytes_wherever_they_run() {
    let committed = root().join("generated");
    let out = scratch("regeneration-cli");
    let absolute_spec = root().join("spec");
    // Relative paths from the workspace, and absolute ones from elsewhere.
    let relative = run(&root(), &["generate", "--out", "target/test-scratch/regeneration-cli/a", "spec/"]);
    assert!(relative.status.success(), "{}", String::from_utf8_lossy(&relative.stderr));
    let elsewhere = std::env::temp_dir();
    let b = out.join("b");
    let absolute = run(&elsewhere, &["generate", "--out", &b.to_string_lossy(), &absolute_spec.to_string_lossy()]);
    assert!(absolute.status.success(), "{}", String::from_utf8_lossy(&absolute.stderr));

    let a = out.join("a");
    let written = files(&a);
    assert_eq!(written, files(&b), "the two runs wrote different files");
    assert!(written.contains(&"API.md".to_owned()) && written.contains(&"src/lib.rs".to_owned()));
    for path in &written {
        let (x, y) = (std::fs::read(a.join(path)).expect("a"), std::fs::read(b.join(path)).expect("b"));
        assert_eq!(x, y, "{path} depends on where or how the CLI was run");
        let theirs = std::fs::read_to_string(committed.join(path)).expect("the build wrote it too");
        let ours = String::from_utf8(x).expect("UTF-8");
        if path == "Cargo.toml" {
            // The build's manifest is the CLI's plus the workspace hook's lines, and nothing else.
            let extra: Vec<&str> = theirs.lines().filter(|l| !ours.lines().any(|o| o == *l)).collect();
            assert!(
                extra.iter().all(|l| l.contains("regenerate") || l.starts_with("[build-dependencies]")),
                "{extra:?}"
            );
            assert!(ours.lines().all(|l| theirs.contains(l)), "the CLI's manifest has lines the build's has not");
        } else {
            assert_eq!(ours, theirs, "{path}: the CLI and `cargo build` disagree");
        }
    }
    // The hook's own files are the build's only.
    for hook in ["build.rs", "regenerate/Cargo.toml", "regenerate/src/lib.rs"] {
        assert!(!written.contains(&hook.to_owned()) && committed.join(hook).is_file(), "{hook}");
    }
}

#[test]
fn regenerating_the_committed_crate_with_the_cli_changes_nothing() {
    let Some(copy) = committed_generated(&root(), &scratch("regeneration-copy")) else { return };
    let read = |p: &String| std::fs::read(copy.join(p)).expect("read");
    let before: Vec<(String, Vec<u8>)> = files(&copy)
        .into_iter()
        .map(|p| {
            let bytes = read(&p);
            (p, bytes)
        })
        .collect();
    let output = run(&root(), &["generate", "--out", &copy.to_string_lossy(), "spec/"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let after = files(&copy);
    let changed: Vec<&str> = before
        .iter()
        .filter(|(path, bytes)| !after.contains(path) || read(path) != *bytes)
        .map(|(path, _)| path.as_str())
        .chain(after.iter().filter(|p| !before.iter().any(|(b, _)| b == *p)).map(String::as_str))
        .collect();
    assert!(changed.is_empty(), "a teammate's CLI regeneration of a clone would change {changed:?}");
}
