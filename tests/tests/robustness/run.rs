//! Running the generator on one input, catching panics, and the checks every outcome must pass.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use vsphere_codegen::{Config, Error, Generated, Severity};

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records each panic's message and location for the failure report, then lets the default hook
/// print it as usual (with a backtrace under `RUST_BACKTRACE=1`).
fn install_panic_recorder() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                "(no message)".to_owned()
            };
            let location =
                info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())).unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("PANIC at {location}: {message}")));
            default(info);
        }));
    });
}

/// How one generation ended.
pub enum Outcome {
    Generated(Box<Generated>),
    Failed(Error),
    Panicked(String),
}

impl Outcome {
    /// One line for logs.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Generated(g) => {
                format!("generated {} functions, {} warnings", g.report.functions(), g.warnings.len())
            }
            Outcome::Failed(e) => format!("error: {}", e.to_string().lines().nth(1).unwrap_or_default()),
            Outcome::Panicked(p) => p.clone(),
        }
    }
}

/// Runs `Config::new().generate_from` on one file, catching panics.
pub fn generate(label: &str, bytes: Vec<u8>) -> Outcome {
    generate_with(Config::new(), label, bytes)
}

/// [`generate`] with a configuration of one's own.
pub fn generate_with(config: Config, label: &str, bytes: Vec<u8>) -> Outcome {
    install_panic_recorder();
    let inputs = [(label.to_owned(), bytes)];
    match catch_unwind(AssertUnwindSafe(|| config.generate_from(&inputs))) {
        Ok(Ok(generated)) => Outcome::Generated(Box::new(generated)),
        Ok(Err(error)) => Outcome::Failed(error),
        Err(_) => Outcome::Panicked(LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "PANIC".to_owned())),
    }
}

/// Generated code: `src/lib.rs` among non-empty files, and every warning naming the file and a
/// pointer.
pub fn check_generated(label: &str, generated: &Generated) -> Result<(), String> {
    if !generated.files.iter().any(|(path, _)| path == "src/lib.rs") {
        return Err(format!("generated no src/lib.rs among {} files", generated.files.len()));
    }
    if let Some((path, _)) = generated.files.iter().find(|(_, text)| text.trim().is_empty()) {
        return Err(format!("generated an empty {path}"));
    }
    if let Some(w) = generated.warnings.iter().find(|w| !w.to_string().contains(&format!("{label}#"))) {
        return Err(format!("a warning without file and pointer: {w}"));
    }
    Ok(())
}

/// A clear error: spec diagnostics only, at least one error, each naming the file and a pointer
/// (`label#/...`, or `label#` for the whole document) and saying something.
pub fn check_error(label: &str, error: &Error) -> Result<(), String> {
    let Error::Spec(diagnostics) = error else {
        return Err(format!("not a spec error: {error}"));
    };
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    if errors.is_empty() {
        return Err(format!("a spec error without an error diagnostic: {error}"));
    }
    for d in errors {
        let line = d.to_string();
        if d.file != label || !line.contains(&format!("{label}#")) {
            return Err(format!("an error that does not name `{label}` and a pointer: {line}"));
        }
        if d.message.trim().len() < 10 {
            return Err(format!("an error that says too little: {line}"));
        }
    }
    Ok(())
}

/// The check shared by the file-based tests: no panic; generated code with `operations`
/// functions (when known), or a clear error.
pub fn check_outcome(label: &str, outcome: &Outcome, operations: Option<usize>) -> Result<(), String> {
    match outcome {
        Outcome::Generated(generated) => check_generated(label, generated).and_then(|()| match operations {
            Some(n) if generated.report.functions() != n => {
                Err(format!("{} functions for {n} operations left in the spec", generated.report.functions()))
            }
            _ => Ok(()),
        }),
        Outcome::Failed(error) => check_error(label, error),
        Outcome::Panicked(panic) => Err(panic.clone()),
    }
}
