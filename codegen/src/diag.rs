//! Problems found in a spec, each naming the JSON pointer of the offending node.

use std::fmt;
use std::path::PathBuf;

use crate::pointer::Pointer;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Generation went on; the output says what was done instead.
    Warning,
    /// Generation stopped; nothing was written.
    Error,
}

/// What kind of problem; reports count warnings by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The file is not JSON or YAML, or not an OpenAPI 3.0 document.
    Syntax,
    /// A node does not have the shape OpenAPI requires.
    Shape,
    /// `"required": true|false` inside a schema (a Swagger 2 leftover).
    BooleanRequired,
    /// A `$ref` that points nowhere.
    DanglingRef,
    /// A `$ref` with sibling keys, which OpenAPI 3.0 ignores.
    RefSiblings,
    /// A media type without a schema.
    MissingSchema,
    /// A discriminator mapping that names an absent schema.
    DiscriminatorMapping,
    /// A construct this generator does not support; the output falls back to something looser.
    Unsupported,
    /// Two things want one Rust name; one got another name.
    NameCollision,
    /// A parameter problem (undeclared path parameter, duplicate, ...).
    Parameter,
    /// A vendor extension with an unexpected value.
    Extension,
    /// A `/rest` operation names an `/api` replacement that cannot be its legacy route.
    Pairing,
}

impl Kind {
    /// A short, stable name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Syntax => "syntax",
            Kind::Shape => "shape",
            Kind::BooleanRequired => "boolean-required",
            Kind::DanglingRef => "dangling-ref",
            Kind::RefSiblings => "ref-siblings",
            Kind::MissingSchema => "missing-schema",
            Kind::DiscriminatorMapping => "discriminator-mapping",
            Kind::Unsupported => "unsupported",
            Kind::NameCollision => "name-collision",
            Kind::Parameter => "parameter",
            Kind::Extension => "extension",
            Kind::Pairing => "pairing",
        }
    }
}

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// The spec file's label (as given in the output header).
    pub file: String,
    /// Where in the file.
    pub pointer: Pointer,
    /// How bad.
    pub severity: Severity,
    /// What kind.
    pub kind: Kind,
    /// What was found, what was expected, and (for warnings) what was done.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}[{}]: {}{}: {}", self.kind.name(), self.file, self.pointer, self.message)
    }
}

/// Collects the problems of one generation run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Takes in the diagnostics of another run (another file's, loaded on another thread).
    pub fn append(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Records a warning.
    pub fn warn(&mut self, file: &str, pointer: &Pointer, kind: Kind, message: impl Into<String>) {
        self.push(file, pointer, Severity::Warning, kind, message.into());
    }

    /// Records an error.
    pub fn error(&mut self, file: &str, pointer: &Pointer, kind: Kind, message: impl Into<String>) {
        self.push(file, pointer, Severity::Error, kind, message.into());
    }

    fn push(&mut self, file: &str, pointer: &Pointer, severity: Severity, kind: Kind, message: String) {
        self.items.push(Diagnostic { file: file.to_owned(), pointer: pointer.clone(), severity, kind, message });
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All problems, sorted by file, pointer and message, without duplicates.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The specs have errors; nothing was written.
    #[error("{}", render(.0, Severity::Error, "error(s) in the spec"))]
    Spec(Vec<Diagnostic>),
    /// Warnings were denied (`deny_warnings`); nothing was written.
    #[error("{}", render(.0, Severity::Warning, "warning(s), denied"))]
    DeniedWarnings(Vec<Diagnostic>),
    /// The configuration cannot work (no output directory, for example).
    #[error("configuration: {0}")]
    Config(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Check mode: the output directory differs from what the specs give.
    #[error("{} is stale; these files differ from what the specs give:\n{}", .dir.display(), listed(.files))]
    Stale {
        /// The output directory.
        dir: PathBuf,
        /// The files that would change, relative to `dir`.
        files: Vec<String>,
    },
    /// `diff`: one side's specs could not be lowered.
    #[error("the {side} specs: {source}")]
    Diff {
        /// `old` or `new`.
        side: &'static str,
        /// What went wrong on that side.
        #[source]
        source: Box<Error>,
    },
    /// The generator produced Rust it cannot parse: a bug in the generator, not in the spec.
    #[error("internal error: generated {file} does not parse: {message}")]
    Internal {
        /// The generated file.
        file: String,
        /// The parser's message.
        message: String,
    },
}

/// One indented line per file.
fn listed(files: &[String]) -> String {
    files.iter().map(|f| format!("  {f}")).collect::<Vec<_>>().join("\n")
}

fn render(diagnostics: &[Diagnostic], severity: Severity, what: &str) -> String {
    let shown: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.severity == severity).collect();
    let mut out = format!("{} {what}; nothing was written", shown.len());
    for d in shown {
        out.push('\n');
        out.push_str(&d.to_string());
    }
    out
}
