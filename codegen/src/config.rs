//! The generator's entry point for build scripts and the CLI: a `Config` builder in the
//! prost-build style, over the plain [`Settings`] and the pure [`pipeline`](crate::pipeline).
//!
//! ```no_run
//! // build.rs of a crate that keeps its generated bindings in `vsphere-api/` (or use OUT_DIR):
//! vsphere_codegen::Config::new()
//!     .spec("specs/vcenter.json")
//!     .out_dir("vsphere-api")
//!     .run_in_build_script()
//!     .expect("vSphere bindings");
//! ```

use std::path::{Path, PathBuf};

use crate::diag::Error;
use crate::pipeline::{self, Generated};
use crate::settings::{Settings, WorkspaceHook};
use crate::write;

/// What to generate and where.
#[derive(Debug, Clone, Default)]
pub struct Config {
    specs: Vec<PathBuf>,
    spec_dirs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    settings: Settings,
}

impl Config {
    /// A configuration with no specs, for the crate `vsphere-api` 0.1.0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a spec file (JSON or YAML).
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.specs.push(path.into());
        self
    }

    /// Adds every `.json`, `.yaml` and `.yml` file of a directory, in name order.
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec_dirs.push(dir.into());
        self
    }

    /// Where [`Config::write`] puts the crate.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The generated package's name (default `vsphere-api`).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.settings.crate_name = name.into();
        self
    }

    /// The generated package's version (default `0.1.0`).
    pub fn crate_version(mut self, version: impl Into<String>) -> Self {
        self.settings.crate_version = version.into();
        self
    }

    /// Emits the workspace hook (`build.rs`, `regenerate/`, feature `regenerate`) that
    /// regenerates from `spec_dir` (relative to the crate) with the generator at
    /// `codegen_from_shim` (relative to `<crate>/regenerate`).
    pub fn workspace_hook(mut self, spec_dir: impl Into<String>, codegen_from_shim: impl Into<String>) -> Self {
        self.settings.workspace_hook =
            Some(WorkspaceHook { spec_dir: spec_dir.into(), codegen_from_shim: codegen_from_shim.into() });
        self
    }

    /// Makes every warning an error: the run fails, naming every pointer, and writes nothing.
    pub fn deny_warnings(mut self, deny: bool) -> Self {
        self.settings.deny_warnings = deny;
        self
    }

    /// The settings handed to the pipeline.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The spec files, in order: explicit files first, then each directory's files by name.
    pub fn spec_files(&self) -> Result<Vec<PathBuf>, Error> {
        let mut files = self.specs.clone();
        for dir in &self.spec_dirs {
            let entries = std::fs::read_dir(dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml"))
                })
                .collect();
            found.sort();
            files.extend(found);
        }
        Ok(files)
    }

    /// Reads the spec files and generates the crate in memory.
    pub fn generate(&self) -> Result<Generated, Error> {
        self.generate_from(&self.read_inputs()?)
    }

    /// The spec files as `(label, bytes)`, in [`Config::spec_files`] order.
    pub(crate) fn read_inputs(&self) -> Result<Vec<(String, Vec<u8>)>, Error> {
        let mut inputs = Vec::new();
        for path in self.spec_files()? {
            let bytes = std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
            inputs.push((label(&path), bytes));
        }
        Ok(inputs)
    }

    /// Reads the spec files and runs the pipeline up to the IR, emitting nothing.
    pub(crate) fn lower(&self) -> Result<pipeline::Lowered, Error> {
        pipeline::lower(&self.read_inputs()?, &self.settings)
    }

    /// The contract calls of the specs (feature `contract`, for tests): one call of every
    /// operation with values made from its schemas, as a Rust module for a program that depends
    /// on the generated crate under the name `vsphere`. See [`ContractCalls`](crate::ContractCalls).
    #[cfg(feature = "contract")]
    pub fn contract_calls(&self) -> Result<crate::ContractCalls, Error> {
        let inputs = self.read_inputs()?;
        let lowered = pipeline::lower(&inputs, &self.settings)?;
        let labels: Vec<String> = inputs.into_iter().map(|(label, _)| label).collect();
        crate::contract::calls(&lowered.krate, &labels)
    }

    /// Generates the crate from in-memory spec files `(label, bytes)`; no I/O.
    pub fn generate_from(&self, inputs: &[(String, Vec<u8>)]) -> Result<Generated, Error> {
        pipeline::generate(inputs, &self.settings)
    }

    fn out(&self) -> Result<&Path, Error> {
        self.out_dir
            .as_deref()
            .ok_or_else(|| Error::Config("no output directory was configured (`Config::out_dir`)".to_owned()))
    }

    /// Generates and writes the crate; only changed files are rewritten, stale generated files
    /// are removed. On any error nothing is written.
    pub fn write(&self) -> Result<Generated, Error> {
        let out = self.out()?.to_path_buf();
        let mut generated = self.generate()?;
        self.keep_hook(&out, &mut generated);
        write::write_dir(&out, &generated.files)?;
        Ok(generated)
    }

    /// Writes nothing; fails with [`Error::Stale`] naming the files that differ.
    pub fn check(&self) -> Result<Generated, Error> {
        let out = self.out()?.to_path_buf();
        let mut generated = self.generate()?;
        self.keep_hook(&out, &mut generated);
        let stale = write::stale_files(&out, &generated.files)?;
        if stale.is_empty() { Ok(generated) } else { Err(Error::Stale { dir: out, files: stale }) }
    }

    /// Without a hook of its own, a run keeps the workspace hook of a crate that has one: the
    /// crate's manifest is left as it is when it is exactly this run's plus the hook's lines.
    fn keep_hook(&self, out: &Path, generated: &mut Generated) {
        if self.settings.workspace_hook.is_some() {
            return;
        }
        let Ok(existing) = std::fs::read_to_string(out.join("Cargo.toml")) else { return };
        if let Some((_, manifest)) = generated.files.iter_mut().find(|(p, _)| p == "Cargo.toml") {
            if crate::emit::with_hook(manifest) == existing {
                *manifest = existing;
            }
        }
    }

    /// [`Config::write`] for a build script: prints `cargo:rerun-if-changed` for every spec file
    /// (and directory) and `cargo:warning` for spec warnings.
    pub fn run_in_build_script(&self) -> Result<Generated, Error> {
        for dir in &self.spec_dirs {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
        for file in self.spec_files()? {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let generated = self.write()?;
        for warning in generated.warnings.iter().take(20) {
            println!("cargo:warning={warning}");
        }
        if generated.warnings.len() > 20 {
            println!("cargo:warning=... and {} more spec warnings", generated.warnings.len() - 20);
        }
        Ok(generated)
    }
}

/// A spec file's label in headers and messages: its file name (`vsphere-fragment.yaml`), the
/// same however and wherever the path was written.
fn label(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
