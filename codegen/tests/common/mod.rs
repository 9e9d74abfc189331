//! What the generator's integration tests share.

use std::path::Path;

/// Every file below `dir`, as sorted paths relative to it with `/` separators.
pub fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("below dir").to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// A copy of `generated/` as git has it (the index: what is committed, plus what is staged), in
/// `scratch`, or `None` outside a git checkout (SKIPPED is printed; under `CI=true` that is a
/// failure).
///
/// `cargo build` rewrites `generated/` from `spec/` before any test runs, so a test that read the
/// working tree could not find a stale commit: only git's copy tells what a clone gets.
#[allow(dead_code, reason = "each test target uses some of these helpers")]
pub fn committed_generated(root: &Path, scratch: &Path) -> Option<std::path::PathBuf> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let listed = Command::new("git").args(["ls-files", "-z", "--", "generated"]).current_dir(root).output();
    let listed = match listed {
        Ok(output) if output.status.success() && !output.stdout.is_empty() => output.stdout,
        _ => {
            assert!(std::env::var("CI").is_err(), "not a git checkout: cannot read the committed generated/");
            println!("SKIPPED: not a git checkout, so there is no committed generated/ to compare with");
            return None;
        }
    };
    let prefix = format!("{}/", scratch.display());
    let mut child = Command::new("git")
        .args(["checkout-index", "--force", "-z", "--stdin", "--prefix", &prefix])
        .current_dir(root)
        .stdin(Stdio::piped())
        .spawn()
        .expect("run git checkout-index");
    child.stdin.take().expect("stdin").write_all(&listed).expect("list the files");
    assert!(child.wait().expect("git checkout-index").success(), "git checkout-index failed");
    Some(scratch.join("generated"))
}
