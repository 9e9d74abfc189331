//! Flows against vcsim (govmomi 0.24.2) with crates generated from the real specs: the acceptance
//! test of "every vCenter, one program".
//!
//! Each test generates a crate from `cis.json` + `content.json` of one spec folder, builds a small
//! binary beside it whose `main.rs` is a flow program kept in `tests/vcsim/flows/`, and runs it
//! against a fresh vcsim once per [`ApiMode`](vsphere_api::ApiMode) it names: `auto` (the client
//! must find `/rest` at login, as vcsim serves no `/api/session`) and `legacy`. The program
//! prints one line per step and panics, with the server's answer, on any unexpected result; the
//! test checks that it exited 0 and printed every step's line in order.
//!
//! - `vsphere-7.0.3-api`: the `/api` functions, sent to their `/rest` twins.
//! - `vsphere-7.0.3-oas3`: the `/rest` functions of VMware's own generator's specs.
//!
//! The binaries build in [`check_target_dir`], shared with the other generated-crate tests, so
//! their dependencies compile once. Each test prints how long generating, building and running
//! took. Skipped (SKIPPED printed) without `../shared/specs` or without Go/govmomi; under
//! `CI=true` either is a failure.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vsphere_codegen::Config;
use vsphere_tests::vcsim::Vcsim;
use vsphere_tests::{
    assert_ok, cargo_in, check_target_dir, scratch, shared_specs, workspace_root, write_check_workspace,
};

/// How long one run of a flow program may take (it usually takes well under a second).
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// The lines every flow prints, in order: each is a prefix of one line of its output.
const STEPS: &[&str] = &[
    "client: https://127.0.0.1:",
    "logged in: surface Legacy",
    "categories before: 0",
    "category created: urn:vmomi:InventoryServiceCategory:",
    "categories listed: 1",
    "category got: urn:vmomi:InventoryServiceCategory:",
    "category create again: AlreadyExists",
    "tags of the fresh category: 0",
    "tag created: urn:vmomi:InventoryServiceTag:",
    "tag got: urn:vmomi:InventoryServiceTag:",
    "tags of the category: 1",
    "attached tags before: 0",
    "tag attached: urn:vmomi:InventoryServiceTag:",
    "attached tags listed: urn:vmomi:InventoryServiceTag:",
    "libraries before: 0",
    "library created: ",
    "libraries listed: 1",
    "library get: ",
    "local library get: ",
    "library get (missing): NotFound",
    "category get (missing): NotFound",
    "logged out",
    "category list after logout: Unauthenticated",
    "flow complete",
];

/// One flow: a crate generated from a spec folder and the program that drives it.
struct Flow {
    /// The test's name, for messages and scratch directories.
    test: &'static str,
    /// The folder under `../shared/specs`.
    folder: &'static str,
    /// The generated crate's package name; the program calls it `vsphere`.
    crate_name: &'static str,
    /// The program, relative to `tests/vcsim/flows/`.
    program: &'static str,
    /// Dependencies of the program besides the generated crate and tokio, as manifest lines.
    extra_dependencies: &'static [&'static str],
}

/// What one flow cost.
struct Timings {
    generate: Duration,
    build: Duration,
    runs: Vec<(&'static str, Duration)>,
}

impl Flow {
    fn run(&self) {
        let Some(specs) = shared_specs(self.test) else { return };
        // One fresh vcsim per mode, so that each run starts from an empty inventory. Started
        // first, so that a machine without Go skips before spending a build.
        let mut servers = Vec::new();
        for mode in ["auto", "legacy"] {
            let Some(vcsim) = Vcsim::start(&format!("{}::{mode}", self.test)) else { return };
            servers.push((mode, vcsim));
        }

        let root = scratch(&format!("vcsim-flows-{}", self.crate_name));
        let started = Instant::now();
        let specs = specs.join(self.folder);
        Config::new()
            .spec(specs.join("cis.json"))
            .spec(specs.join("content.json"))
            .crate_name(self.crate_name)
            .out_dir(root.join("crate"))
            .write()
            .unwrap_or_else(|e| panic!("{}: generate from {}: {e}", self.test, specs.display()));
        let generate = started.elapsed();

        let binary = self.write_program(&root);
        let build = cargo_in(&root, &["build", "--quiet", "--bin", &binary]);
        assert_ok(&build, &format!("{}: cargo build of the flow program", self.test));
        let executable = check_target_dir().join("debug").join(format!("{binary}{}", std::env::consts::EXE_SUFFIX));

        let mut timings = Timings { generate, build: build.elapsed, runs: Vec::new() };
        for (mode, vcsim) in &servers {
            let started = Instant::now();
            let output = run_flow(&executable, vcsim, mode);
            timings.runs.push((mode, started.elapsed()));
            self.check_output(vcsim, mode, &output);
            println!("--- {} ({mode})\n{}", self.test, output.stdout.trim_end());
        }
        println!(
            "{}: generate {:.1} s, build {:.1} s, {}",
            self.test,
            timings.generate.as_secs_f64(),
            timings.build.as_secs_f64(),
            timings
                .runs
                .iter()
                .map(|(mode, took)| format!("run {mode} {:.2} s", took.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    /// Writes the program's crate beside the generated one and the workspace around both;
    /// returns the binary's name.
    fn write_program(&self, root: &Path) -> String {
        let binary = format!("{}-flow", self.crate_name);
        let dir = root.join("flow");
        std::fs::create_dir_all(dir.join("src")).expect("create the flow crate");
        let mut manifest = format!(
            "[package]\nname = \"{binary}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nvsphere = {{ package = \"{}\", path = \"../crate\" }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n",
            self.crate_name
        );
        for line in self.extra_dependencies {
            manifest.push_str(line);
            manifest.push('\n');
        }
        std::fs::write(dir.join("Cargo.toml"), manifest).expect("write the flow manifest");
        let program = workspace_root().join("tests/vcsim/flows").join(self.program);
        std::fs::copy(&program, dir.join("src/main.rs"))
            .unwrap_or_else(|e| panic!("copy {} into the flow crate: {e}", program.display()));
        let support = workspace_root().join("tests/vcsim/flows/support.rs");
        std::fs::copy(&support, dir.join("src/support.rs")).expect("copy the flows' support module");
        // Resolved from the workspace's own lock file: the versions the rest of the suite is
        // tested with.
        write_check_workspace(root, &["crate", "flow"]);
        binary
    }

    /// Asserts that the run exited 0 and printed every step, in order.
    fn check_output(&self, vcsim: &Vcsim, mode: &str, output: &Output) {
        let context = || {
            format!(
                "{} ({mode}), exit {}:\n--- stdout\n{}\n--- stderr\n{}\n--- vcsim log\n{}",
                self.test,
                output.status,
                output.stdout,
                output.stderr,
                vcsim.log_tail()
            )
        };
        assert!(output.status == "0", "the flow failed: {}", context());
        let lines: Vec<&str> = output.stdout.lines().collect();
        let mut next = 0;
        for step in STEPS {
            match lines[next..].iter().position(|line| line.starts_with(step)) {
                Some(at) => next += at + 1,
                None => panic!("the flow did not print {step:?} (after line {next}): {}", context()),
            }
        }
        // The values the harness handed over reached the server and came back.
        let has = |prefix: &str, part: &str| lines.iter().any(|l| l.starts_with(prefix) && l.contains(part));
        assert!(has("tag attached: ", &format!(" to {}", vcsim.vm())), "the tag went to another VM: {}", context());
        assert!(has("library get: ", vcsim.datastore()), "the library is on another datastore: {}", context());
    }
}

/// The outcome of one run of a flow program.
struct Output {
    /// The exit code, or how it ended otherwise.
    status: String,
    stdout: String,
    stderr: String,
}

/// Runs the flow program against `vcsim` in `mode`, killing it after [`RUN_TIMEOUT`].
fn run_flow(executable: &PathBuf, vcsim: &Vcsim, mode: &str) -> Output {
    let ca = vcsim.dir().join("ca.pem");
    let mut child = Command::new(executable)
        .env("VCSIM_URL", vcsim.url())
        .env("VCSIM_CA_PEM", &ca)
        .env("VCSIM_DATASTORE", vcsim.datastore())
        .env("VCSIM_VM", vcsim.vm())
        .env("FLOW_MODE", mode)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {}: {e}", executable.display()));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + RUN_TIMEOUT;
    let status = loop {
        match child.try_wait().expect("wait for the flow program") {
            Some(status) => break status.code().map_or_else(|| status.to_string(), |code| code.to_string()),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break format!("killed after {RUN_TIMEOUT:?}");
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    Output { status, stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() }
}

/// The `/api` functions of `vsphere-7.0.3-api`, which vcsim answers on their `/rest` twins.
#[test]
fn api_functions_against_vcsim() {
    Flow {
        test: "vcsim_flows::api_functions_against_vcsim",
        folder: "vsphere-7.0.3-api",
        crate_name: "vcsim-flows-api",
        program: "api.rs",
        extra_dependencies: &[],
    }
    .run();
}

/// The `/rest` functions of `vsphere-7.0.3-oas3` (VMware's own generator's specs).
#[test]
fn rest_functions_against_vcsim() {
    Flow {
        test: "vcsim_flows::rest_functions_against_vcsim",
        folder: "vsphere-7.0.3-oas3",
        crate_name: "vcsim-flows-rest",
        program: "rest.rs",
        extra_dependencies: &[],
    }
    .run();
}
