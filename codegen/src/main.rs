//! `vsphere-codegen`: the command line.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use vsphere_codegen::{Config, Error};

#[derive(Parser)]
#[command(name = "vsphere-codegen", version, about = "Generates a typed Rust crate from vSphere OpenAPI specs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a complete crate for one or more spec files (JSON or YAML).
    Generate {
        /// The crate directory to write.
        #[arg(long)]
        out: PathBuf,
        /// Write nothing; exit non-zero naming the files that differ from what the specs give.
        #[arg(long)]
        check: bool,
        /// The generated package's name.
        #[arg(long, default_value = "vsphere-api")]
        crate_name: String,
        /// Print every warning, not only the counts.
        #[arg(long, short)]
        verbose: bool,
        /// Also emit the workspace hook (build.rs and the regenerate shim) that regenerates from
        /// this spec directory, relative to the crate, during `cargo build`.
        #[arg(long, value_name = "SPEC_DIR")]
        workspace_hook: Option<String>,
        /// Spec files, or directories of them.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
    },
    /// Measures generation and the `cargo check` time of the generated crate, per corpus.
    ///
    /// Each INPUT (a spec file, or a directory of them) is one corpus. Prints load, lowering and
    /// emitting times (the best of --runs), lines emitted, and the time `cargo check -j1` takes
    /// on the generated crate once its dependencies are built. No threshold is asserted.
    Bench {
        /// Generation runs per corpus; the fastest is reported.
        #[arg(long, default_value_t = 5)]
        runs: u32,
        /// Skip the `cargo check` timing.
        #[arg(long)]
        no_check: bool,
        /// Also time `cargo check -j1 --no-default-features --features NAMESPACE`.
        #[arg(long = "feature", value_name = "NAMESPACE")]
        features: Vec<String>,
        /// Where generated crates and their build go.
        #[arg(long, default_value = "target/bench")]
        work_dir: PathBuf,
        /// Spec files, or directories of them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Bench { runs, no_check, features, work_dir, inputs } => {
            for input in &inputs {
                if let Err(error) = bench(input, runs.max(1), !no_check, &features, &work_dir) {
                    eprintln!("{}: {error}", input.display());
                    return ExitCode::from(2);
                }
            }
            ExitCode::SUCCESS
        }
        Command::Generate { out, check, crate_name, verbose, workspace_hook, specs } => {
            let mut config = Config::new().out_dir(&out).crate_name(crate_name);
            for spec in &specs {
                config = if spec.is_dir() { config.spec_dir(spec) } else { config.spec(spec) };
            }
            if let Some(spec_dir) = &workspace_hook {
                config = config.workspace_hook(spec_dir.clone(), "../../codegen");
            }
            let started = Instant::now();
            let result = if check { config.check() } else { config.write() };
            match result {
                Ok(generated) => {
                    if verbose {
                        for warning in &generated.warnings {
                            eprintln!("{warning}");
                        }
                    }
                    println!("{}", generated.report);
                    let verb = if check { "checked" } else { "generated" };
                    println!("{verb} {} in {:.0?}", out.display(), started.elapsed());
                    ExitCode::SUCCESS
                }
                Err(error @ Error::Stale { .. }) => {
                    eprintln!("{error}");
                    ExitCode::from(1)
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn millis(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn bench(input: &Path, runs: u32, check: bool, features: &[String], work_dir: &Path) -> Result<(), String> {
    let name = input.file_name().map(|n| n.to_string_lossy().replace('.', "-")).unwrap_or_else(|| "corpus".to_owned());
    let config = if input.is_dir() { Config::new().spec_dir(input) } else { Config::new().spec(input) };
    let mut sources = Vec::new();
    for path in config.spec_files().map_err(|e| e.to_string())? {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let label = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        sources.push((label, bytes));
    }
    let bytes: usize = sources.iter().map(|(_, b)| b.len()).sum();
    let mut best: Option<vsphere_codegen::Generated> = None;
    for _ in 0..runs {
        let generated = config.generate_from(&sources).map_err(|e| e.to_string())?;
        let total = |g: &vsphere_codegen::Generated| g.timings.load + g.timings.lower + g.timings.emit;
        if best.as_ref().is_none_or(|b| total(&generated) < total(b)) {
            best = Some(generated);
        }
    }
    let generated = best.expect("at least one run");
    let t = generated.timings;
    let report = &generated.report;
    println!(
        "{name}: {} spec files ({:.1} MB), {} operations, {} types, {} files, {} lines of Rust",
        sources.len(),
        bytes as f64 / 1e6,
        report.operations(),
        report.types,
        report.files_emitted,
        report.rust_lines
    );
    println!(
        "  load {}, generate {} (lower {}, emit {}), total {} (best of {runs}, {} build)",
        millis(t.load),
        millis(t.lower + t.emit),
        millis(t.lower),
        millis(t.emit),
        millis(t.load + t.lower + t.emit),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    if !check {
        return Ok(());
    }
    let krate = work_dir.join("crates").join(&name);
    let _ = std::fs::remove_dir_all(&krate);
    for (path, text) in &generated.files {
        let target = krate.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let text = if path == "Cargo.toml" { format!("{text}\n[workspace]\n") } else { text.clone() };
        std::fs::write(&target, text).map_err(|e| e.to_string())?;
    }
    let target_dir = std::path::absolute(work_dir.join("target")).map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let run = |args: &[&str]| -> Result<Duration, String> {
        let started = Instant::now();
        let output = Process::new(&cargo)
            .args(args)
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!("cargo {} failed:\n{}", args.join(" "), String::from_utf8_lossy(&output.stderr)));
        }
        Ok(started.elapsed())
    };
    let touch = || {
        std::fs::write(
            krate.join("src/lib.rs"),
            generated.files.iter().find(|(p, _)| p == "src/lib.rs").map(|(_, t)| t.as_str()).unwrap_or_default(),
        )
    };
    run(&["check", "--quiet"])?;
    touch().map_err(|e| e.to_string())?;
    let all = run(&["check", "--quiet", "-j1"])?;
    println!("  cargo check -j1, all features: {:.1} s (dependencies already built)", all.as_secs_f64());
    for feature in features {
        if !generated.report.features.contains(feature) {
            println!("  (no namespace `{feature}` in this corpus)");
            continue;
        }
        run(&["check", "--quiet", "--no-default-features", "--features", feature])?;
        touch().map_err(|e| e.to_string())?;
        let one = run(&["check", "--quiet", "-j1", "--no-default-features", "--features", feature])?;
        println!("  cargo check -j1, feature {feature} only: {:.1} s", one.as_secs_f64());
    }
    Ok(())
}
