//! `vsphere-codegen`: the command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

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
        /// Prefix spec file names with this in headers and messages (the workspace uses `spec/`).
        #[arg(long, default_value = "")]
        label_prefix: String,
        /// Also emit the workspace hook (build.rs and the regenerate shim) that regenerates from
        /// this spec directory, relative to the crate, during `cargo build`.
        #[arg(long, value_name = "SPEC_DIR")]
        workspace_hook: Option<String>,
        /// Spec files, or directories of them.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate { out, check, crate_name, verbose, label_prefix, workspace_hook, specs } => {
            let mut config = Config::new().out_dir(&out).with_crate_name(crate_name).label_prefix(label_prefix);
            let mut shown = Vec::new();
            for spec in &specs {
                shown.push(spec.display().to_string());
                config = if spec.is_dir() { config.spec_dir(spec) } else { config.spec(spec) };
            }
            config = match &workspace_hook {
                Some(spec_dir) => config.workspace_build(spec_dir.clone(), "../../codegen").regenerate_command("cargo build"),
                None => config.regenerate_command(format!("vsphere-codegen generate --out {} {}", out.display(), shown.join(" "))),
            };
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
