//! The invariants of ARCHITECTURE.md that a compiler cannot see, checked on the sources (the
//! others: `clippy.toml` disallows `HashMap` and `HashSet`; the freshness and regeneration tests
//! pin determinism).

use std::path::{Path, PathBuf};

mod common;

/// The Rust sources below `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    common::files_below(dir).into_iter().filter(|p| p.ends_with(".rs")).map(|p| dir.join(p)).collect()
}

/// The code of a source file: comments and the unit tests left out.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read source");
    let text = text.split("\n#[cfg(test)]\nmod tests {").next().unwrap_or_default();
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn nothing_after_lowering_sees_the_spec() {
    let mut offenders = Vec::new();
    let after: Vec<PathBuf> = sources(&src().join("emit"))
        .into_iter()
        .chain(sources(&src().join("contract")))
        .chain(["write.rs", "ir.rs", "names.rs", "docs.rs"].map(|f| src().join(f)))
        .collect();
    assert!(after.len() >= 11, "the emitters and the contract calls were not found");
    for path in after {
        if code(&path).contains("openapiv3") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "these files see openapiv3 types: {offenders:?}");
}

#[test]
fn only_vendor_reads_extension_keys() {
    let mut offenders = Vec::new();
    for path in sources(&src()) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        // `vendor.rs` reads them; `repair.rs` and `load.rs` only skip them while walking JSON.
        if matches!(name, "vendor.rs" | "repair.rs" | "load.rs") {
            continue;
        }
        if code(&path).contains("\"x-") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "these files read `x-` keys themselves: {offenders:?}");
}

#[test]
fn the_runtime_says_no_crate_path() {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    let files = sources(&runtime);
    assert!(files.len() >= 7, "the runtime's sources were not found");
    for path in files {
        assert!(!code(&path).contains("crate::"), "{}: embedded, `crate::` means another crate", path.display());
    }
}
