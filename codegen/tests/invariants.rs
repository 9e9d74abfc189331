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

/// The codemap's rows: each row's first cell (the paths it is about) and the whole row.
fn codemap_rows(architecture: &str) -> Vec<(Vec<String>, String)> {
    let codemap = architecture.split("## Codemap").nth(1).and_then(|s| s.split("\n## ").next()).unwrap_or_default();
    codemap
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let first = row.split('|').nth(1).unwrap_or_default();
            let paths = first.split('`').skip(1).step_by(2).map(str::to_owned).collect();
            (paths, row.to_owned())
        })
        .collect()
}

/// Whether a codemap row names `file` (a path from the workspace root): in full, or by its file
/// name in a row whose first cell names a directory (or a file of the directory) it is under.
fn named(rows: &[(Vec<String>, String)], file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    rows.iter().any(|(paths, row)| {
        row.contains(&format!("`{file}`"))
            || paths.iter().any(|p| {
                let dir = if p.ends_with('/') { p.as_str() } else { p.rsplit_once('/').map_or("", |(d, _)| d) };
                let dir = dir.trim_end_matches('/');
                !dir.is_empty() && file.starts_with(&format!("{dir}/")) && row.contains(&format!("`{name}`"))
            })
    })
}

#[test]
fn the_codemap_names_every_source_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("read ARCHITECTURE.md");
    let rows = codemap_rows(&architecture);
    assert!(rows.len() >= 20, "the codemap's rows were not found");
    let mut missing = Vec::new();
    for dir in ["codegen/src", "codegen/runtime/src"] {
        let files = sources(&root.join(dir));
        assert!(files.len() >= 10, "the sources of {dir} were not found");
        for path in files {
            let file = path.strip_prefix(&root).expect("below the root").to_string_lossy().replace('\\', "/");
            if !named(&rows, &file) {
                missing.push(file);
            }
        }
    }
    assert!(missing.is_empty(), "ARCHITECTURE.md's codemap does not name these files: {missing:?}");
}

#[test]
fn a_file_is_named_by_its_directorys_row() {
    let rows = codemap_rows(
        "## Codemap\n| where | what |\n| `a/b/` | `c.rs` does |\n| `a/d.rs`, `e.rs` | x |\n## Invariants\n",
    );
    assert!(named(&rows, "a/b/c.rs"));
    assert!(named(&rows, "a/e.rs"));
    assert!(named(&rows, "a/d.rs"));
    assert!(!named(&rows, "a/b/f.rs"));
    assert!(!named(&rows, "z/c.rs"));
}
