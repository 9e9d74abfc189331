//! `newest-versions`: what a user gets, built at the newest semver-compatible versions of every
//! dependency, not at the versions `Cargo.lock` pins.
//!
//! The test suite resolves every crate it builds from the workspace's `Cargo.lock`, so that
//! nothing published after a commit changes that commit's outcome. A user's project resolves the
//! newest compatible versions instead; this check does exactly that, in one place, and CI runs
//! it as a step of its own (`.ci/run`): a scratch workspace holding copies of the generator, the
//! runtime, the fragment's crate (as the CLI writes it, with no workspace hook) and the whole
//! `vsphere-7.0.3-api` crate; `cargo update`; the versions it resolved; then build, clippy and
//! rustdoc with warnings denied, the client without aws-lc-rs, and the runtime's unit tests.
//!
//! When a step fails, the report names the crates the failure points at, with the version
//! resolved and the one `Cargo.lock` pins, and lists every other crate that moved.
//!
//! Run: `cargo run -p vsphere-tests --bin newest-versions` (needs `../shared/specs`).

use std::path::Path;
use std::process::{Command, ExitCode};

use serde_json::Value;
use vsphere_codegen::Config;
use vsphere_tests::{Locked, cargo, locked_packages, shared_specs, workspace_root};

/// The scratch workspace's members, by directory.
const MEMBERS: &[&str] = &["codegen", "codegen/runtime", "generated", "corpus"];

fn main() -> ExitCode {
    let Some(specs) = shared_specs("newest-versions") else { return ExitCode::SUCCESS };
    let root = workspace_root().join("target/newest-versions");
    let ws = root.join("workspace");
    let _ = std::fs::remove_dir_all(&ws);
    write_workspace(&ws, &specs);

    println!("newest-versions: resolving the newest semver-compatible versions in {}", ws.display());
    if let Err(failure) = run(&ws, &root.join("target"), "cargo update", &["update"], &[]) {
        return fail(&failure, &[]);
    }
    let pinned = read_lock(&workspace_root().join("Cargo.lock"));
    let resolved = read_lock(&ws.join("Cargo.lock"));
    let moved = report_versions(&ws, &pinned, &resolved);

    let warnings = [("RUSTFLAGS", "-D warnings"), ("RUSTDOCFLAGS", "-D warnings")];
    let steps: &[(&str, &[&str])] = &[
        ("build", &["build", "--workspace", "--all-targets"]),
        ("clippy", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        ("rustdoc", &["doc", "--workspace", "--no-deps"]),
        (
            "the client without aws-lc-rs",
            &["check", "-p", "vsphere-api", "--no-default-features", "--features", "client-no-provider,full"],
        ),
        ("the runtime's unit tests", &["test", "-p", "vsphere-runtime"]),
    ];
    for (name, args) in steps {
        if let Err(failure) = run(&ws, &root.join("target"), name, args, &warnings) {
            return fail(&failure, &blame(&failure.stderr, &resolved, &pinned));
        }
    }
    if let Err(failure) = declared_rust_version_resolves(&ws, &root.join("target")) {
        return fail(&failure, &[]);
    }
    println!("newest-versions: passed ({} crates newer than Cargo.lock)", moved.len());
    ExitCode::SUCCESS
}

/// The `rust-version` the crates declare is one their dependencies can meet: resolved the way a
/// user on that toolchain resolves (cargo's MSRV-aware fallback), every package that the
/// generated crates and the generator build with (dev-dependencies aside) declares at most it.
/// (No older toolchain can be installed here; that the code itself needs no newer Rust is argued
/// next to each `rust-version` field.)
fn declared_rust_version_resolves(ws: &Path, target: &Path) -> Result<(), Failure> {
    let fallback = [("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback")];
    let step = "resolution for the declared rust-version";
    run(ws, target, step, &["update"], &fallback)?;
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(ws)
        .output()
        .expect("run cargo metadata");
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    // `1.85` and `1.85.0` are one version: compare three numbers.
    let version = |text: &str| -> [u32; 3] {
        let mut parts = text.split('.').map(|n| n.parse().unwrap_or(0));
        [parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0)]
    };
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let by_id = |id: &str| packages.iter().find(|p| p["id"] == id);
    let mut declared: Vec<(String, String)> = Vec::new();
    for id in metadata["workspace_members"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        let package = by_id(id).expect("a member's package");
        let rust_version = package["rust_version"].as_str().unwrap_or("none").to_owned();
        declared.push((package["name"].as_str().unwrap_or_default().to_owned(), rust_version));
    }
    let floor = declared.iter().map(|(_, v)| v.clone()).min_by_key(|v| version(v)).unwrap_or_default();
    let mut newer = Vec::new();
    let mut highest = (String::new(), String::new());
    for id in reachable(&metadata) {
        let Some(package) = by_id(&id) else { continue };
        let (name, needs) = (package["name"].as_str().unwrap_or_default(), package["rust_version"].as_str());
        let Some(needs) = needs else { continue };
        if version(needs) > version(&highest.1) {
            highest = (format!("{name} {}", package["version"].as_str().unwrap_or_default()), needs.to_owned());
        }
        if version(needs) > version(&floor) {
            newer.push(format!("{name} {} needs Rust {needs}", package["version"].as_str().unwrap_or_default()));
        }
    }
    let declared: Vec<String> = declared.iter().map(|(n, v)| format!("{n} {v}")).collect();
    println!("newest-versions: declared rust-version: {}", declared.join(", "));
    println!(
        "newest-versions: resolved for Rust {floor}, the highest a dependency declares: {} ({})",
        highest.1, highest.0
    );
    if newer.is_empty() {
        return Ok(());
    }
    Err(Failure {
        step: step.to_owned(),
        command: "cargo update (MSRV-aware fallback), then cargo metadata".to_owned(),
        stderr: format!("error: no version compatible with Rust {floor}: {}", newer.join(", ")),
    })
}

/// The ids of every package the workspace's members build with: normal and build dependencies,
/// transitively (dev-dependencies of members are left out).
fn reachable(metadata: &Value) -> Vec<String> {
    let nodes = metadata["resolve"]["nodes"].as_array().cloned().unwrap_or_default();
    let mut seen: Vec<String> = Vec::new();
    let mut stack: Vec<String> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id.clone());
        let Some(node) = nodes.iter().find(|n| n["id"] == id.as_str()) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let kinds = dep["dep_kinds"].as_array().cloned().unwrap_or_default();
            if kinds.iter().any(|k| k["kind"].as_str() != Some("dev")) {
                stack.push(dep["pkg"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    seen
}

/// Copies of the generator and the runtime, and two generated crates, in a workspace of their own
/// (the repository's workspace tables, with these members).
fn write_workspace(ws: &Path, specs: &Path) {
    copy_dir(&workspace_root().join("codegen"), &ws.join("codegen"));
    Config::new()
        .spec_dir(workspace_root().join("spec"))
        .out_dir(ws.join("generated"))
        .write()
        .unwrap_or_else(|e| panic!("generate the fragment's crate: {e}"));
    Config::new()
        .spec_dir(specs.join("vsphere-7.0.3-api"))
        .crate_name("vsphere-all")
        .out_dir(ws.join("corpus"))
        .write()
        .unwrap_or_else(|e| panic!("generate vsphere-7.0.3-api: {e}"));
    let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).expect("read Cargo.toml");
    let members: Vec<String> = MEMBERS.iter().map(|m| format!("\"{m}\"")).collect();
    let members = format!("members = [{}]", members.join(", "));
    let manifest: Vec<String> = manifest
        .lines()
        .filter(|line| !line.starts_with("default-members"))
        .map(|line| if line.starts_with("members = ") { members.clone() } else { line.to_owned() })
        .collect();
    std::fs::write(ws.join("Cargo.toml"), manifest.join("\n") + "\n").expect("write the workspace manifest");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &target);
            }
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

fn read_lock(path: &Path) -> Vec<Locked> {
    locked_packages(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A step that failed: its name, its command line and its standard error.
struct Failure {
    step: String,
    command: String,
    stderr: String,
}

/// Runs `cargo <args>` in `ws` with its own target directory.
fn run(ws: &Path, target: &Path, step: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), Failure> {
    println!("\n-- newest-versions: {step}: cargo {}", args.join(" "));
    let mut command: Command = cargo();
    command.args(args).current_dir(ws).env("CARGO_TARGET_DIR", target).env_remove("CARGO_ENCODED_RUSTFLAGS");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run cargo");
    if output.status.success() {
        return Ok(());
    }
    Err(Failure {
        step: step.to_owned(),
        command: format!("cargo {}", args.join(" ")),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Prints the direct dependencies of the generated crates and the generator at the versions
/// resolved, and every crate that moved from `Cargo.lock`; returns the moved ones as
/// `(resolved, pinned version)`.
fn report_versions(ws: &Path, pinned: &[Locked], resolved: &[Locked]) -> Vec<(Locked, String)> {
    let mut direct: Vec<String> = Vec::new();
    for manifest in ["generated/Cargo.toml", "codegen/Cargo.toml", "Cargo.toml"] {
        let text = std::fs::read_to_string(ws.join(manifest)).unwrap_or_default();
        let mut in_dependencies = false;
        for line in text.lines() {
            if line.starts_with('[') {
                in_dependencies = line.contains("dependencies]");
            } else if let Some((name, _)) = line.split_once(" = ").filter(|_| in_dependencies) {
                let name = name.trim().trim_end_matches(".workspace").to_owned();
                if !name.starts_with('#') && !direct.contains(&name) {
                    direct.push(name);
                }
            }
        }
    }
    direct.sort();
    println!("newest-versions: direct dependencies of the generated crates and the generator, as resolved:");
    for name in &direct {
        for package in resolved.iter().filter(|p| &p.name == name && !p.source.is_empty()) {
            let pinned_version = version_in(pinned, &package.name, &package.version);
            let note = match pinned_version {
                Some(v) if v == package.version => String::new(),
                Some(v) => format!(" (Cargo.lock: {v})"),
                None => " (not in Cargo.lock)".to_owned(),
            };
            println!("  {} {}{note}", package.name, package.version);
        }
    }
    let moved: Vec<(Locked, String)> = resolved
        .iter()
        .filter(|p| !p.source.is_empty() && !pinned.contains(p))
        .map(|p| (p.clone(), version_in(pinned, &p.name, &p.version).unwrap_or_else(|| "none".to_owned())))
        .collect();
    println!("newest-versions: {} crates resolve to a version Cargo.lock does not pin:", moved.len());
    for (package, was) in &moved {
        println!("  {} {} (Cargo.lock: {was})", package.name, package.version);
    }
    moved
}

/// The version of `name` that `lock` pins, preferring the same major line as `near`.
fn version_in(lock: &[Locked], name: &str, near: &str) -> Option<String> {
    let major = |v: &str| v.split('.').take(if v.starts_with("0.") { 2 } else { 1 }).collect::<Vec<_>>().join(".");
    let candidates: Vec<&Locked> = lock.iter().filter(|p| p.name == name).collect();
    candidates.iter().find(|p| major(&p.version) == major(near)).or(candidates.first()).map(|p| p.version.clone())
}

/// The crates a failure's messages point at: a dependency's source path
/// (`.../registry/src/<index>/<name>-<version>/...`), or a path into a crate
/// (`` `rustls::crypto::...` ``) in a message about a deprecated or missing item.
fn blame(stderr: &str, resolved: &[Locked], pinned: &[Locked]) -> Vec<String> {
    let mut named: Vec<String> = Vec::new();
    for package in resolved.iter().filter(|p| !p.source.is_empty()) {
        let source_path = format!("/{}-{}/", package.name, package.version);
        let item_path = format!("`{}::", package.name.replace('-', "_"));
        let mentioned = stderr.lines().any(|line| {
            line.contains(&source_path)
                || (line.contains(&item_path)
                    && ["deprecated", "cannot find", "not found", "no method", "no function", "private"]
                        .iter()
                        .any(|w| line.contains(w)))
        });
        if mentioned {
            let was = version_in(pinned, &package.name, &package.version).unwrap_or_else(|| "none".to_owned());
            let line = format!("{} {} (Cargo.lock: {was})", package.name, package.version);
            if !named.contains(&line) {
                named.push(line);
            }
        }
    }
    named
}

fn fail(failure: &Failure, blamed: &[String]) -> ExitCode {
    let errors: Vec<&str> = failure
        .stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning") || l.trim_start().starts_with("-->"))
        .take(40)
        .collect();
    eprintln!("\nnewest-versions: FAILED at {} (`{}`)", failure.step, failure.command);
    if blamed.is_empty() {
        eprintln!(
            "newest-versions: the errors name no dependency; see the crates listed above as newer than Cargo.lock"
        );
    } else {
        eprintln!("newest-versions: the errors point at: {}", blamed.join(", "));
    }
    eprintln!(
        "{}\n--- the last lines of cargo's output:\n{}",
        errors.join("\n"),
        vsphere_tests::tail(&failure.stderr, 60)
    );
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locked(name: &str, version: &str) -> Locked {
        Locked { name: name.to_owned(), version: version.to_owned(), source: "registry+https://x".to_owned() }
    }

    #[test]
    fn a_failure_is_blamed_on_the_crate_its_errors_name() {
        let resolved = [locked("rustls", "0.23.48"), locked("serde", "1.0.229"), locked("hyper-util", "0.1.21")];
        let pinned = [locked("rustls", "0.23.46"), locked("serde", "1.0.229"), locked("hyper-util", "0.1.20")];
        let deprecated = "error: use of deprecated function `rustls::crypto::ring::default_provider`: no support \
                          for post-quantum algorithms\n   --> crate/src/runtime/client.rs:281:39";
        assert_eq!(blame(deprecated, &resolved, &pinned), ["rustls 0.23.48 (Cargo.lock: 0.23.46)"]);
        let inside = "error[E0308]: mismatched types\n  --> /root/.cargo/registry/src/index.crates.io-x/hyper-util-0.1.21/src/lib.rs:3:1";
        assert_eq!(blame(inside, &resolved, &pinned), ["hyper-util 0.1.21 (Cargo.lock: 0.1.20)"]);
        assert!(blame("error: function `x` is never used\n --> codegen/src/lib.rs:1:1", &resolved, &pinned).is_empty());
    }
}
