//! The pipeline, without I/O: spec files in, a crate's files and figures out.
//!
//! load -> validate -> lower -> emit -> render, each stage handing the next plain data. [`lower`]
//! stops after lowering, for tools that read the IR (the API diff).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, Error, Kind, Severity};
use crate::ir::Crate;
use crate::pointer::Pointer;
use crate::report::{FileCounts, Report};
use crate::settings::Settings;

/// A generated crate, in memory.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct Timings {
    /// Parsing, repairing and reading vendor extensions.
    pub load: Duration,
    /// Validation and lowering to the IR.
    pub lower: Duration,
    /// Token streams, formatting and headers.
    pub emit: Duration,
}

/// A lowered crate: the IR of the specs, before anything is emitted. The loaded documents are
/// dropped once lowered: nothing after lowering reads the specs, and emitting reuses their memory.
pub(crate) struct Lowered {
    /// The IR.
    pub krate: Crate,
    /// Figures per input file, from lowering.
    pub counts: Vec<FileCounts>,
    /// Warnings, sorted.
    pub warnings: Vec<Diagnostic>,
    /// Time spent loading.
    pub load: Duration,
    /// Time spent validating and lowering.
    pub lower: Duration,
}

/// Runs load -> validate -> lower on spec files `(label, bytes)`, and stops there. Denied
/// warnings (`settings.deny_warnings`) fail here, before anything is emitted.
pub(crate) fn lower(inputs: &[(String, Vec<u8>)], settings: &Settings) -> Result<Lowered, Error> {
    let mut diags = Diagnostics::default();
    if inputs.is_empty() {
        diags.error("(no input)", &Pointer::root(), Kind::Syntax, "no spec files were given");
        return Err(Error::Spec(diags.into_sorted()));
    }
    let started = Instant::now();
    let mut labels = BTreeSet::new();
    let mut unique = Vec::new();
    for (label, bytes) in inputs {
        if labels.insert(label.clone()) {
            unique.push((label.as_str(), bytes.as_slice()));
        } else {
            diags.error(label, &Pointer::root(), Kind::Syntax, "two input files have this name");
        }
    }
    let mut docs = Vec::new();
    for (doc, file_diags) in crate::parallel::map_heaviest_first(
        &unique,
        |(_, bytes)| bytes.len(),
        |(label, bytes)| {
            let mut file_diags = Diagnostics::default();
            (crate::load::load(label, bytes, &mut file_diags), file_diags)
        },
    ) {
        diags.append(file_diags);
        docs.extend(doc);
    }
    stop_on_errors(&diags)?;
    let load = started.elapsed();
    let started = Instant::now();
    crate::validate::validate(&docs, &mut diags);
    stop_on_errors(&diags)?;
    let (krate, counts) = crate::lower::lower(&docs, &mut diags);
    stop_on_errors(&diags)?;
    let warnings: Vec<Diagnostic> =
        diags.into_sorted().into_iter().filter(|d| d.severity == Severity::Warning).collect();
    if settings.deny_warnings && !warnings.is_empty() {
        return Err(Error::DeniedWarnings(warnings));
    }
    Ok(Lowered { krate, counts, warnings, load, lower: started.elapsed() })
}

/// Generates a crate from spec files `(label, bytes)`.
pub(crate) fn generate(inputs: &[(String, Vec<u8>)], settings: &Settings) -> Result<Generated, Error> {
    let Lowered { krate, counts, warnings, load, lower } = lower(inputs, settings)?;
    let started = Instant::now();
    let files = crate::emit::emit_rendered(&krate, settings)?;
    let emit = started.elapsed();
    let report = Report::new(&krate, &counts, &warnings, &files);
    Ok(Generated { files, report, warnings, timings: Timings { load, lower, emit } })
}

fn stop_on_errors(diags: &Diagnostics) -> Result<(), Error> {
    if diags.has_errors() { Err(Error::Spec(diags.clone().into_sorted())) } else { Ok(()) }
}
