//! The generator's one entry point: a `Config` builder in the prost-build style.
//!
//! ```no_run
//! // build.rs of a crate that keeps its generated bindings in `src/` (or use OUT_DIR):
//! vsphere_codegen::Config::new()
//!     .spec("specs/vcenter.json")
//!     .out_dir("generated")
//!     .run_in_build_script()
//!     .expect("vSphere bindings");
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, Error, Kind, Severity};
use crate::pointer::Pointer;
use crate::report::Report;
use crate::write;

/// The workspace hook: `build.rs` and a shim crate that regenerate during workspace builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// The spec directory, relative to the generated crate.
    pub spec_dir: String,
    /// The generator crate, relative to the shim (`<crate>/regenerate`).
    pub codegen_from_shim: String,
}

/// What to generate and where.
#[derive(Debug, Clone)]
pub struct Config {
    specs: Vec<PathBuf>,
    spec_dirs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    crate_name: String,
    crate_version: String,
    label_prefix: String,
    command: String,
    workspace: Option<Workspace>,
}

/// A generated crate, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file: path relative to the crate root, and its content.
    pub files: Vec<(String, String)>,
    /// Figures per input file.
    pub report: Report,
    /// Warnings, sorted.
    pub warnings: Vec<Diagnostic>,
    /// How long each phase took (not part of the output; for benchmarks).
    pub timings: Timings,
}

/// Wall-clock time of each phase of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Parsing, repairing and reading vendor extensions.
    pub load: Duration,
    /// Validation and lowering to the IR.
    pub lower: Duration,
    /// Token streams, formatting and headers.
    pub emit: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// A configuration with no specs, for the crate `vsphere-api`.
    pub fn new() -> Self {
        Self {
            specs: Vec::new(),
            spec_dirs: Vec::new(),
            out_dir: None,
            crate_name: "vsphere-api".to_owned(),
            crate_version: "0.1.0".to_owned(),
            label_prefix: String::new(),
            command: "vsphere-codegen generate".to_owned(),
            workspace: None,
        }
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
    pub fn crate_name(&self) -> &str {
        &self.crate_name
    }

    /// Sets the generated package's name.
    pub fn with_crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = name.into();
        self
    }

    /// The generated package's version.
    pub fn crate_version(&self) -> &str {
        &self.crate_version
    }

    /// Prefixes spec file names in headers and messages (the workspace uses `spec/`).
    pub fn label_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.label_prefix = prefix.into();
        self
    }

    /// The command named in every file header as the way to regenerate.
    pub fn regenerate_command(mut self, command: impl Into<String>) -> Self {
        self.command = command.into();
        self
    }

    /// The command named in file headers.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// Emits the workspace hook (`build.rs`, `regenerate/`, feature `regenerate`).
    pub fn workspace_build(mut self, spec_dir: impl Into<String>, codegen_from_shim: impl Into<String>) -> Self {
        self.workspace = Some(Workspace { spec_dir: spec_dir.into(), codegen_from_shim: codegen_from_shim.into() });
        self
    }

    /// The workspace hook, if on.
    pub fn workspace(&self) -> Option<&Workspace> {
        self.workspace.as_ref()
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

    fn label(&self, path: &Path) -> String {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        format!("{}{name}", self.label_prefix)
    }

    /// Reads the spec files and generates the crate in memory.
    pub fn generate(&self) -> Result<Generated, Error> {
        let mut inputs = Vec::new();
        for path in self.spec_files()? {
            let bytes = std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
            inputs.push((self.label(&path), bytes));
        }
        self.generate_from(&inputs)
    }

    /// Generates the crate from in-memory spec files `(label, bytes)`; no I/O.
    pub fn generate_from(&self, inputs: &[(String, Vec<u8>)]) -> Result<Generated, Error> {
        let mut diags = Diagnostics::default();
        if inputs.is_empty() {
            diags.error("(no input)", &Pointer::root(), Kind::Syntax, "no spec files were given");
            return Err(Error::Spec(diags.into_sorted()));
        }
        let started = Instant::now();
        let mut labels = std::collections::BTreeSet::new();
        let mut docs = Vec::new();
        for (label, bytes) in inputs {
            if !labels.insert(label.clone()) {
                diags.error(label, &Pointer::root(), Kind::Syntax, "two input files have this name");
                continue;
            }
            if let Some(doc) = crate::load::load(label, bytes, &mut diags) {
                docs.push(doc);
            }
        }
        if diags.has_errors() {
            return Err(Error::Spec(diags.into_sorted()));
        }
        let load = started.elapsed();
        let started = Instant::now();
        crate::validate::validate(&docs, &mut diags);
        if diags.has_errors() {
            return Err(Error::Spec(diags.into_sorted()));
        }
        let (krate, counts) = crate::lower::lower(&docs, &mut diags);
        if diags.has_errors() {
            return Err(Error::Spec(diags.into_sorted()));
        }
        let lower = started.elapsed();
        let started = Instant::now();
        let emitted = crate::emit::emit(&krate, self);
        let files = write::render(emitted, &krate, self)?;
        let emit = started.elapsed();
        let diagnostics = diags.into_sorted();
        let warnings: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.severity == Severity::Warning).collect();
        let report = Report::new(&docs, &krate, &counts, &warnings, &files);
        Ok(Generated { files, report, warnings, timings: Timings { load, lower, emit } })
    }

    fn out(&self) -> Result<&Path, Error> {
        self.out_dir.as_deref().ok_or_else(|| Error::Io {
            path: PathBuf::new(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no output directory was configured"),
        })
    }

    /// Generates and writes the crate; only changed files are rewritten, stale generated files
    /// are removed. On any error nothing is written.
    pub fn write(&self) -> Result<Generated, Error> {
        let generated = self.generate()?;
        write::write_dir(self.out()?, &generated.files)?;
        Ok(generated)
    }

    /// Writes nothing; fails with [`Error::Stale`] naming the files that differ.
    pub fn check(&self) -> Result<Generated, Error> {
        let generated = self.generate()?;
        let stale = write::stale_files(self.out()?, &generated.files)?;
        if stale.is_empty() {
            Ok(generated)
        } else {
            Err(Error::Stale { dir: self.out()?.to_path_buf(), files: stale, command: self.command.clone() })
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
