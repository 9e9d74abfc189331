//! Figures about one generation run, per input file.

use std::collections::BTreeMap;
use std::fmt;

use crate::diag::Diagnostic;
use crate::ir::Crate;
use crate::load::Document;
use crate::lower::FileCounts;

/// Figures for one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file's label.
    pub label: String,
    /// Counts from lowering.
    pub counts: FileCounts,
    /// Warnings by kind.
    pub warnings: BTreeMap<&'static str, usize>,
}

/// Figures for a whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Per input file, in input order.
    pub files: Vec<FileReport>,
    /// Rust types in the crate (shared types once).
    pub types: usize,
    /// Modules in the crate.
    pub modules: usize,
    /// Namespace features.
    pub features: Vec<String>,
    /// Files written.
    pub files_emitted: usize,
    /// Lines of Rust emitted.
    pub rust_lines: usize,
}

impl Report {
    pub(crate) fn new(
        docs: &[Document],
        krate: &Crate,
        counts: &[FileCounts],
        warnings: &[Diagnostic],
        files: &[(String, String)],
    ) -> Self {
        let files_report = docs
            .iter()
            .zip(counts)
            .map(|(d, c)| {
                let mut by_kind = BTreeMap::new();
                for w in warnings.iter().filter(|w| w.file == d.label) {
                    *by_kind.entry(w.kind.name()).or_insert(0) += 1;
                }
                FileReport { label: d.label.clone(), counts: c.clone(), warnings: by_kind }
            })
            .collect();
        Report {
            files: files_report,
            types: krate.types.len(),
            modules: krate.modules.len(),
            features: krate.features.keys().cloned().collect(),
            files_emitted: files.len(),
            rust_lines: files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, t)| t.lines().count()).sum(),
        }
    }

    /// Operations in all specs.
    pub fn operations(&self) -> usize {
        self.files.iter().map(|f| f.counts.operations).sum()
    }

    /// Functions generated for them.
    pub fn functions(&self) -> usize {
        self.files.iter().map(|f| f.counts.functions).sum()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            let c = &file.counts;
            write!(
                f,
                "{}: {} operations -> {} functions (+{} legacy twins), {} schemas -> {} types, {} free-form fallbacks, {} untyped error sets",
                file.label,
                c.operations,
                c.functions,
                c.legacy_twins,
                c.schemas,
                c.types,
                c.free_form,
                c.untyped_errors
            )?;
            if file.warnings.is_empty() {
                writeln!(f, ", no warnings")?;
            } else {
                let parts: Vec<String> = file.warnings.iter().map(|(k, n)| format!("{k} {n}")).collect();
                writeln!(f, ", warnings: {}", parts.join(", "))?;
            }
        }
        write!(
            f,
            "total: {} operations, {} functions, {} types in {} modules, features [{}], {} files, {} lines of Rust",
            self.operations(),
            self.functions(),
            self.types,
            self.modules,
            self.features.join(", "),
            self.files_emitted,
            self.rust_lines
        )
    }
}
