//! Helpers shared by the workspace's integration tests (see `tests/tests/`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub mod vcsim;

/// The workspace root (the directory holding `Cargo.toml`, `spec/`, `generated/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// `../shared/<name>` beside the project (the real specs, `specs`, or the seed pages, `seeds`), if
/// present.
///
/// When absent, prints `SKIPPED` in capitals and returns `None`; under CI (`CI=true`) absence is
/// a failure instead.
pub fn shared_dir(test: &str, name: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared").join(name);
    if dir.is_dir() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{test}: ../shared/{name} is absent, and CI=true makes that a failure");
    }
    eprintln!("SKIPPED: {test}: ../shared/{name} is absent");
    println!("SKIPPED: {test}: ../shared/{name} is absent");
    None
}

/// `../shared/specs`, the real vSphere specs: [`shared_dir`] with `specs`.
pub fn shared_specs(test: &str) -> Option<PathBuf> {
    shared_dir(test, "specs")
}

/// A scratch directory under `target/`, emptied first.
pub fn scratch(name: &str) -> PathBuf {
    let dir = workspace_root().join("target").join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The cargo that runs the tests.
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// The target directory shared by every crate the tests generate and check, so that their
/// dependencies compile once.
pub fn check_target_dir() -> PathBuf {
    workspace_root().join("target").join("generated-check")
}

/// Wraps crate directories in a workspace of their own at `dir` (so that cargo does not take them
/// for members of this one), resolved from this workspace's `Cargo.lock`: see [`pin_to_workspace_lock`].
pub fn write_check_workspace(dir: &Path, members: &[&str]) {
    let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write check workspace manifest");
    pin_to_workspace_lock(dir);
}

/// A package that a lock file pins: name, version and source (empty for path packages).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Locked {
    /// The package's name.
    pub name: String,
    /// Its exact version.
    pub version: String,
    /// `registry+...`, `git+...`, or empty for a path package.
    pub source: String,
}

/// The packages of a `Cargo.lock` text, sorted.
pub fn locked_packages(lock: &str) -> Vec<Locked> {
    let mut out = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|line| line.strip_prefix(key).and_then(|rest| rest.strip_prefix(" = ")))
                .map(|value| value.trim_matches('"').to_owned())
                .unwrap_or_default()
        };
        out.push(Locked { name: field("name"), version: field("version"), source: field("source") });
    }
    out.sort();
    out
}

/// Makes the workspace rooted at `dir` resolve from this workspace's `Cargo.lock`, so that what a
/// test builds there cannot change with what the registry publishes after a commit.
///
/// Copies the lock file in, lets `cargo update --workspace` adjust only the entries of the
/// scratch workspace's own members (every registry package keeps its pinned version), and then
/// checks that every package from a registry or git is one the workspace's lock pins, naming any
/// that is not. Builds in `dir` then pass `--locked` ([`cargo_in`] does).
pub fn pin_to_workspace_lock(dir: &Path) {
    let lock = workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock")).expect("copy the workspace's Cargo.lock");
    let output =
        cargo().args(["update", "--workspace", "--quiet"]).current_dir(dir).output().expect("run cargo update");
    assert!(
        output.status.success(),
        "cargo update --workspace in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let pinned = locked_packages(&std::fs::read_to_string(&lock).expect("read Cargo.lock"));
    let resolved = locked_packages(&std::fs::read_to_string(dir.join("Cargo.lock")).expect("read the scratch lock"));
    let unpinned: Vec<String> = resolved
        .iter()
        .filter(|p| !p.source.is_empty() && !pinned.contains(p))
        .map(|p| format!("{} {}", p.name, p.version))
        .collect();
    assert!(
        unpinned.is_empty(),
        "{} needs packages that the workspace's Cargo.lock does not pin: {}. Depend on them from a \
         workspace member (tests/Cargo.toml) so that the lock file pins them.",
        dir.display(),
        unpinned.join(", ")
    );
}

/// The outcome of a cargo run.
pub struct Run {
    /// Whether cargo exited with success.
    pub ok: bool,
    /// Its standard error.
    pub stderr: String,
    /// How long it took.
    pub elapsed: Duration,
}

/// Runs `cargo <args>` in `dir` with warnings denied, the shared target directory and `--locked`
/// (see [`pin_to_workspace_lock`]).
pub fn cargo_in(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let (command, rest) = args.split_first().expect("a cargo command");
    let output = cargo()
        .arg(command)
        .arg("--locked")
        .args(rest)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", check_target_dir())
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    Run {
        ok: output.status.success(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// Asserts that a cargo run succeeded, showing its errors if not.
pub fn assert_ok(run: &Run, what: &str) {
    assert!(run.ok, "{what} failed:\n{}", tail(&run.stderr, 120));
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

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

/// The configuration the workspace's own `generated/` is built with (see `generated/build.rs`).
pub fn workspace_config() -> vsphere_codegen::Config {
    vsphere_codegen::Config::new()
        .spec_dir(workspace_root().join("spec"))
        .workspace_hook("../spec", "../../codegen")
        .out_dir(workspace_root().join("generated"))
}

/// Every fixture spec in `tests/fixtures/` except the malformed one, as `(name, path)` by name.
pub fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(workspace_root().join("tests/fixtures"))
        .expect("tests/fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
        .map(|p| (p.file_stem().unwrap_or_default().to_string_lossy().into_owned(), p))
        .filter(|(name, _)| name != "malformed")
        .collect();
    out.sort();
    out
}

/// What `tracing` recorded on this thread since [`capture_traces`], as the `fmt` subscriber
/// writes it: events at `DEBUG` and above, and every span with its fields when it closes.
#[derive(Clone, Default)]
pub struct Traces(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Traces {
    /// Everything recorded so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

impl std::io::Write for Traces {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Records `tracing` output of this thread (a current-thread runtime's tasks included) until the
/// guard is dropped.
pub fn capture_traces() -> (Traces, tracing::subscriber::DefaultGuard) {
    let traces = Traces::default();
    let writer = traces.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    (traces, tracing::subscriber::set_default(subscriber))
}
