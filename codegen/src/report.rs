//! Figures about one generation run, per input file.

use std::collections::BTreeMap;
use std::fmt;

use crate::diag::Diagnostic;
use crate::ir::Crate;

/// Counts the report gives per input file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCounts {
    /// Operations in the spec.
    pub operations: usize,
    /// Functions generated for them (equal to `operations`).
    pub functions: usize,
    /// Extra `*_legacy` entry points from `x-vmw-doc-deprecated-*`.
    pub legacy_twins: usize,
    /// Component schemas in the spec.
    pub schemas: usize,
    /// Rust types this file contributes to (shared types count for every file).
    pub types: usize,
    /// `serde_json::Value` fallbacks where the spec is free-form or a schema is absent.
    pub free_form: usize,
    /// Operations whose error responses have unrelated types (error body left as JSON).
    pub untyped_errors: usize,
    /// `/rest` operations whose `x-vmw-deprecated` names an `/api` replacement.
    pub links: usize,
    /// ... that became the replacement's legacy route with identical wire shapes.
    pub links_identical: usize,
    /// ... that became its legacy route, bridged by moving, renaming, wrapping or re-encoding.
    pub links_translated: usize,
    /// ... left without a legacy route, by reason.
    pub links_unbridged: BTreeMap<String, usize>,
}

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
        krate: &Crate,
        counts: &[FileCounts],
        warnings: &[Diagnostic],
        files: &[(String, String)],
    ) -> Self {
        let files_report = krate
            .sources
            .iter()
            .zip(counts)
            .map(|(source, c)| {
                let mut by_kind = BTreeMap::new();
                for w in warnings.iter().filter(|w| w.file == source.label) {
                    *by_kind.entry(w.kind.name()).or_insert(0) += 1;
                }
                FileReport { label: source.label.clone(), counts: c.clone(), warnings: by_kind }
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
                "{}: {} operations -> {} functions (+{} legacy twins), {} schemas -> {} types, \
                 {} free-form fallbacks, {} untyped error sets",
                file.label,
                c.operations,
                c.functions,
                c.legacy_twins,
                c.schemas,
                c.types,
                c.free_form,
                c.untyped_errors
            )?;
            if c.links > 0 {
                write!(
                    f,
                    ", {} /rest links ({} identical, {} bridged by translation, {} unbridged",
                    c.links,
                    c.links_identical,
                    c.links_translated,
                    c.links_unbridged.values().sum::<usize>()
                )?;
                let reasons: Vec<String> = c.links_unbridged.iter().map(|(k, n)| format!("{k} {n}")).collect();
                if !reasons.is_empty() {
                    write!(f, ": {}", reasons.join(", "))?;
                }
                write!(f, ")")?;
            }
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
