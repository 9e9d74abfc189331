//! `vsphere-codegen`: the command line.
//!
//! Exit codes: 0 success; 1 `generate --check` found stale files; 2 any other failure (errors
//! in the specs, denied warnings, I/O, output that cannot be written). Nothing here panics on
//! a failed write: every write to stdout and stderr is checked.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use vsphere_codegen::{Config, Error, Generated};

/// Generation allocates and frees millions of small strings and vectors on every core; mimalloc
/// takes about a third off the whole run against glibc's allocator, for a fifth more peak memory
/// (ARCHITECTURE.md, "Generation"). It is built without transparent huge pages
/// (`no_thp`): they save a few page faults on an idle machine and cost a compaction stall on each
/// fault on a busy one. A build script that uses the library keeps its own allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "vsphere-codegen", version, about = "Generates a typed Rust crate from vSphere OpenAPI specs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a complete crate for one or more spec files (JSON or YAML).
    Generate(GenerateArgs),
    /// Prints what changed in the generated Rust API between two sets of specs, each change
    /// classed as breaking, additive or patch, and the semver bump the crate needs.
    Diff(DiffArgs),
    /// Measures generation and the `cargo check` time of the generated crate, per corpus.
    ///
    /// Each INPUT (a spec file, or a directory of them) is one corpus. Prints load, lowering and
    /// emitting times (the best of --runs), lines emitted, and the time `cargo check -j1` takes
    /// on the generated crate once its dependencies are built. No threshold is asserted.
    Bench(BenchArgs),
}

#[derive(Args)]
struct GenerateArgs {
    /// The crate directory to write.
    #[arg(long)]
    out: PathBuf,
    /// Write nothing; exit non-zero naming the files that differ from what the specs give.
    #[arg(long)]
    check: bool,
    /// Fail on any spec warning (exit 2, naming every pointer), writing nothing.
    #[arg(long)]
    deny_warnings: bool,
    /// The generated package's name.
    #[arg(long, default_value = "vsphere-api")]
    crate_name: String,
    /// Print every warning, not only the counts, and the time each phase took.
    #[arg(long, short)]
    verbose: bool,
    /// Also emit the workspace hook (build.rs and the regenerate shim) that regenerates from
    /// this spec directory, relative to the crate, during `cargo build`.
    #[arg(long, value_name = "SPEC_DIR")]
    workspace_hook: Option<String>,
    /// Spec files, or directories of them.
    #[arg(required = true)]
    specs: Vec<PathBuf>,
}

#[derive(Args)]
struct DiffArgs {
    /// The report's format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// The version of the crate the OLD specs generate, from which the bump is computed
    /// (default: the generator's default, 0.1.0).
    #[arg(long, value_name = "VERSION")]
    crate_version: Option<String>,
    /// The old spec files, or directories of them.
    #[arg(required = true, value_name = "OLD")]
    old: Vec<PathBuf>,
    /// The new spec files, or directories of them (after `--`).
    #[arg(last = true, required = true, value_name = "NEW")]
    new: Vec<PathBuf>,
}

/// The format of the `diff` report.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Markdown, for a pull request.
    Markdown,
    /// JSON, for tooling (the shape is documented in `vsphere_codegen::ApiDiff`).
    Json,
}

#[derive(Args)]
struct BenchArgs {
    /// Generation runs per corpus; the fastest is reported.
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Skip the `cargo check` timing.
    #[arg(long)]
    no_check: bool,
    /// Time `cargo check --no-default-features --features NAMESPACE` for these namespaces only
    /// (default: every namespace of the corpus).
    #[arg(long = "feature", value_name = "NAMESPACE")]
    features: Vec<String>,
    /// Where generated crates and their build go.
    #[arg(long, default_value = "target/bench")]
    work_dir: PathBuf,
    /// Resolve the generated crates' dependencies from this `Cargo.lock` (such as the workspace's),
    /// so that timings compare like with like; without it, the newest versions are used.
    #[arg(long, value_name = "FILE")]
    lockfile: Option<PathBuf>,
    /// Spec files, or directories of them.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

/// Why a command failed: its exit code, and what to say on stderr.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn new(message: impl fmt::Display) -> Failure {
        Failure { code: 2, message: message.to_string() }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let code = if matches!(error, Error::Stale { .. }) { 1 } else { 2 };
        Failure { code, message: error.to_string() }
    }
}

/// Writes `text` to stdout and flushes it.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::new(format!("vsphere-codegen: cannot write to standard output: {e}")))
}

/// Writes `text` to stderr and flushes it.
fn eprint(text: &str) -> Result<(), Failure> {
    let mut err = io::stderr().lock();
    err.write_all(text.as_bytes())
        .and_then(|()| err.flush())
        .map_err(|e| Failure::new(format!("vsphere-codegen: cannot write to standard error: {e}")))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help, version and usage errors: clap's own text and exit code.
        Err(error) => {
            let code = u8::try_from(error.exit_code()).unwrap_or(2);
            return if error.print().is_ok() { ExitCode::from(code) } else { ExitCode::from(2) };
        }
    };
    let result = match cli.command {
        Command::Generate(args) => generate(&args),
        Command::Diff(args) => diff(&args),
        Command::Bench(args) => bench_all(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // If stderr is gone too, the exit code is all that is left to say it.
            let _ = eprint(&format!("{}\n", failure.message));
            ExitCode::from(failure.code)
        }
    }
}

/// A configuration reading these spec files and directories.
fn with_specs(mut config: Config, specs: &[PathBuf]) -> Config {
    for spec in specs {
        config = if spec.is_dir() { config.spec_dir(spec) } else { config.spec(spec) };
    }
    config
}

fn generate(args: &GenerateArgs) -> Result<(), Failure> {
    let config = Config::new().out_dir(&args.out).crate_name(args.crate_name.clone()).deny_warnings(args.deny_warnings);
    let mut config = with_specs(config, &args.specs);
    if let Some(spec_dir) = &args.workspace_hook {
        config = config.workspace_hook(spec_dir.clone(), "../../codegen");
    }
    let started = Instant::now();
    let generated = if args.check { config.check()? } else { config.write()? };
    if args.verbose {
        let warnings: String = generated.warnings.iter().map(|w| format!("{w}\n")).collect();
        eprint(&warnings)?;
        let t = generated.timings;
        eprint(&format!("phases: load {:.0?}, lower {:.0?}, emit {:.0?}\n", t.load, t.lower, t.emit))?;
    }
    let verb = if args.check { "checked" } else { "generated" };
    print(&format!("{}\n{verb} {} in {:.0?}\n", generated.report, args.out.display(), started.elapsed()))
}

fn diff(args: &DiffArgs) -> Result<(), Failure> {
    let mut old = with_specs(Config::new(), &args.old);
    if let Some(version) = &args.crate_version {
        old = old.crate_version(version.clone());
    }
    let new = with_specs(Config::new(), &args.new);
    let started = Instant::now();
    let report = vsphere_codegen::diff(&old, &new)?;
    let elapsed = started.elapsed();
    print(&match args.format {
        Format::Markdown => report.to_markdown(),
        Format::Json => report.to_json(),
    })?;
    let s = &report.summary;
    let to = report.bump.to.as_deref().unwrap_or("?");
    eprint(&format!(
        "diff: {} breaking, {} additive, {} patch, {} documentation-only; bump {} ({} -> {to}); {}\n",
        s.breaking,
        s.additive,
        s.patch,
        s.doc_only,
        report.bump.level.name(),
        report.bump.from,
        millis(elapsed)
    ))
}

fn millis(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn bench_all(args: &BenchArgs) -> Result<(), Failure> {
    for input in &args.inputs {
        bench(input, args)
            .map_err(|f| Failure { code: f.code, message: format!("{}: {}", input.display(), f.message) })?;
    }
    Ok(())
}

fn bench(input: &Path, args: &BenchArgs) -> Result<(), Failure> {
    let name = input.file_name().map(|n| n.to_string_lossy().replace('.', "-")).unwrap_or_else(|| "corpus".to_owned());
    let config = with_specs(Config::new(), &[input.to_path_buf()]);
    let mut sources = Vec::new();
    for path in config.spec_files()? {
        let bytes = std::fs::read(&path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
        let label = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        sources.push((label, bytes));
    }
    let bytes: usize = sources.iter().map(|(_, b)| b.len()).sum();
    let total = |g: &Generated| g.timings.load + g.timings.lower + g.timings.emit;
    let mut best = config.generate_from(&sources)?;
    for _ in 1..args.runs.max(1) {
        let generated = config.generate_from(&sources)?;
        if total(&generated) < total(&best) {
            best = generated;
        }
    }
    let (t, report) = (best.timings, &best.report);
    print(&format!(
        "{name}: {} spec files ({:.1} MB), {} operations, {} types, {} files, {} lines of Rust\n",
        sources.len(),
        bytes as f64 / 1e6,
        report.operations(),
        report.types,
        report.files_emitted,
        report.rust_lines
    ))?;
    print(&format!(
        "  load {}, generate {} (lower {}, emit {}), total {} (best of {}, {} build)\n",
        millis(t.load),
        millis(t.lower + t.emit),
        millis(t.lower),
        millis(t.emit),
        millis(total(&best)),
        args.runs.max(1),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    ))?;
    if args.no_check { Ok(()) } else { bench_check(&name, &best, args) }
}

/// Writes the generated crate under the work directory and times a non-incremental `cargo check`
/// on it once its dependencies are built (after touching `src/lib.rs`): with its default features
/// (every namespace and the client), then with each namespace alone (`--feature` picks some).
/// With GNU time at `/usr/bin/time`, also the peak memory of the largest process (rustc).
fn bench_check(name: &str, generated: &Generated, args: &BenchArgs) -> Result<(), Failure> {
    let krate = write_bench_crate(name, generated, args)?;
    let checker = Checker {
        krate: &krate,
        target_dir: std::path::absolute(args.work_dir.join("target")).map_err(Failure::new)?,
        lib_rs: generated.files.iter().find(|(p, _)| p == "src/lib.rs").map(|(_, t)| t.as_str()).unwrap_or_default(),
    };
    print(&format!("  {}\n", checker.check(&[])?.describe("cargo check, default features (all namespaces, client)")))?;
    let namespaces: Vec<&String> = if args.features.is_empty() {
        generated.report.features.iter().collect()
    } else {
        args.features.iter().collect()
    };
    for feature in namespaces {
        if !generated.report.features.contains(feature) {
            print(&format!("  (no namespace `{feature}` in this corpus)\n"))?;
            continue;
        }
        let run = checker.check(&["--no-default-features", "--features", feature])?;
        print(&format!("  {}\n", run.describe(&format!("cargo check, `{feature}` alone"))))?;
    }
    Ok(())
}

/// Writes the generated crate (a workspace of its own) under the work directory.
fn write_bench_crate(name: &str, generated: &Generated, args: &BenchArgs) -> Result<PathBuf, Failure> {
    let krate = args.work_dir.join("crates").join(name);
    let _ = std::fs::remove_dir_all(&krate);
    for (path, text) in &generated.files {
        let target = krate.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(Failure::new)?;
        }
        let text = if path == "Cargo.toml" { format!("{text}\n[workspace]\n") } else { text.clone() };
        std::fs::write(&target, text).map_err(Failure::new)?;
    }
    if let Some(lockfile) = &args.lockfile {
        std::fs::copy(lockfile, krate.join("Cargo.lock"))
            .map_err(|e| Failure::new(format!("{}: {e}", lockfile.display())))?;
    }
    Ok(krate)
}

/// Runs timed `cargo check`s on one bench crate.
struct Checker<'a> {
    krate: &'a Path,
    target_dir: PathBuf,
    lib_rs: &'a str,
}

/// One timed check: how long it took and, when GNU time could tell, the peak resident memory of
/// the largest process (in KiB).
struct CheckRun {
    took: Duration,
    peak_kib: Option<u64>,
}

impl CheckRun {
    fn describe(&self, what: &str) -> String {
        let peak = match self.peak_kib {
            Some(kib) => format!(", peak {} MiB", kib / 1024),
            None => String::new(),
        };
        format!("{what}: {:.1} s{peak}", self.took.as_secs_f64())
    }
}

/// GNU time, which reports the peak memory of the largest process it waited for.
const GNU_TIME: &str = "/usr/bin/time";

impl Checker<'_> {
    /// Builds the dependencies (untimed), touches `src/lib.rs`, then times the crate's check.
    fn check(&self, extra: &[&str]) -> Result<CheckRun, Failure> {
        let mut args = vec!["check", "--quiet"];
        args.extend_from_slice(extra);
        self.run(&args, false)?;
        std::fs::write(self.krate.join("src/lib.rs"), self.lib_rs).map_err(Failure::new)?;
        self.run(&args, true)
    }

    fn run(&self, args: &[&str], measured: bool) -> Result<CheckRun, Failure> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let timed = measured && Path::new(GNU_TIME).is_file();
        let mut command = if timed { Process::new(GNU_TIME) } else { Process::new(&cargo) };
        if timed {
            command.arg("-v").arg(&cargo);
        }
        let started = Instant::now();
        let output = command
            .args(args)
            .current_dir(self.krate)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            // Incremental state would turn the timed run into a replay of the previous one.
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .map_err(Failure::new)?;
        let took = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(Failure::new(format!("cargo {} failed:\n{stderr}", args.join(" "))));
        }
        let peak_kib = stderr
            .lines()
            .find_map(|line| line.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|kib| kib.trim().parse().ok());
        Ok(CheckRun { took, peak_kib })
    }
}
