//! Write: format token streams, add headers, write only what changed, remove stale files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diag::Error;
use crate::emit::{Aside, Content, DOC_MARKER, EmittedFile, MARK, TEXT_MARKER};

/// Doc comments are wrapped to fit this many columns, indentation and `/// ` included.
const DOC_WIDTH: usize = 100;

/// Formats every file and adds its header. Fails only if the generator emitted invalid Rust.
pub fn render(files: Vec<EmittedFile>) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let header = &file.header;
        let text = match file.content {
            Content::Rust(tokens, aside) => {
                let parsed: syn::File = syn::parse2(tokens)
                    .map_err(|e| Error::Internal { file: file.path.clone(), message: e.to_string() })?;
                let text = put_back(&prettyplease::unparse(&parsed), &aside).ok_or_else(|| Error::Internal {
                    file: file.path.clone(),
                    message: "a doc or text marker was lost".to_owned(),
                })?;
                format!("// {header}\n\n{}", space_items(&text))
            }
            Content::RustText(text) => format!("// {header}\n\n{text}"),
            Content::Text(text) => format!("# {header}\n\n{text}"),
            Content::Markdown(text) => format!("<!-- {header} -->\n\n{text}"),
        };
        out.push((file.path, text));
    }
    Ok(out)
}

/// Replaces every `///@@doc:N` line with doc block `N`, indented alike and wrapped to
/// [`DOC_WIDTH`] columns, and every top-level `__vsphere_codegen_text!(N);` line with text `N`;
/// `None` if a marker is malformed or unknown, or a text is not put back (a generator bug).
fn put_back(text: &str, aside: &Aside) -> Option<String> {
    let Aside { docs, texts } = aside;
    let marker = format!("///{DOC_MARKER}");
    let text_marker = format!("{TEXT_MARKER}!(");
    let mut out = String::with_capacity(
        text.len()
            + docs.iter().map(|d| d.iter().map(|l| l.len() + 16).sum::<usize>()).sum::<usize>()
            + texts.iter().map(String::len).sum::<usize>(),
    );
    let mut texts_put_back = 0;
    for line in text.lines() {
        if let Some(index) = line.strip_prefix(&text_marker).and_then(|rest| rest.strip_suffix(");")) {
            out.push_str(texts.get(index.parse::<usize>().ok()?)?);
            texts_put_back += 1;
            continue;
        }
        let trimmed = line.trim_start();
        let Some(index) = trimmed.strip_prefix(&marker) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let indent = &line[..line.len() - trimmed.len()];
        doc_comment(docs.get(index.parse::<usize>().ok()?)?, indent, &mut out);
    }
    (texts_put_back == texts.len()).then_some(out)
}

/// Writes `lines` as a doc comment (`/// line`) at `indent`, wrapped to [`DOC_WIDTH`] columns
/// (fenced code as it is).
pub(crate) fn doc_comment(lines: &[String], indent: &str, out: &mut String) {
    let width = DOC_WIDTH.saturating_sub(indent.len() + 4).max(40);
    let mut fenced = false;
    for doc_line in lines {
        if doc_line.starts_with("```") {
            fenced = !fenced;
        }
        let pieces = if fenced { vec![doc_line.clone()] } else { crate::docs::wrap(doc_line, width) };
        for piece in pieces {
            out.push_str(indent);
            out.push_str("///");
            if !piece.is_empty() {
                out.push(' ');
                out.push_str(&piece);
            }
            out.push('\n');
        }
    }
}

/// Whether a top-level line is a `use` of this crate (`use crate::...`), possibly gated.
fn crate_use(line: &str) -> bool {
    line.starts_with("use crate::")
}

/// Puts a blank line between top-level items, after the module docs, after the `use` block and
/// between outside and this crate's imports; prettyplease leaves none. Comment lines (docs,
/// examples in them) are left together.
fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        if let Some(p) = i.checked_sub(1).map(|j| lines[j]) {
            if blank_between(p, line, lines.get(i + 1).copied()) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn blank_between(p: &str, line: &str, next: Option<&str>) -> bool {
    let top = !line.is_empty() && !line.starts_with(char::is_whitespace);
    if !top {
        return false;
    }
    if p.starts_with("//!") {
        return !line.starts_with("//!");
    }
    if p.starts_with("//") && line.starts_with("//") {
        return false;
    }
    let p_use = p.starts_with("use ");
    let starts_use =
        line.starts_with("use ") || (line.starts_with("#[cfg(") && next.is_some_and(|n| n.starts_with("use ")));
    if p_use && starts_use {
        let this_crate = crate_use(line) || (line.starts_with("#[cfg(") && next.is_some_and(crate_use));
        return this_crate && !crate_use(p);
    }
    let ended = (p.ends_with('}') || p.ends_with(';')) && !p.starts_with(char::is_whitespace) || p.ends_with(");");
    let both_mod = (p.starts_with("pub mod ") && (line.starts_with("pub mod ") || line.starts_with("#[cfg(")))
        || (p.starts_with("#[cfg(") && line.starts_with("pub mod "));
    ended && !both_mod
}

/// Writes `files` under `dir`, touching only files whose content changed, and removes generated
/// `.rs` files under `dir/src` that are no longer produced.
pub fn write_dir(dir: &Path, files: &[(String, String)]) -> Result<(), Error> {
    // A directory that did not exist holds nothing to compare with or to remove.
    let fresh = !dir.exists();
    // Each directory once, parents first; then the files on every core: creating hundreds of
    // files is most of a first run's time on some file systems.
    let parents: BTreeSet<PathBuf> =
        files.iter().filter_map(|(p, _)| dir.join(p).parent().map(Path::to_path_buf)).collect();
    for parent in &parents {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io { path: parent.clone(), source })?;
    }
    for written in crate::parallel::map(files, |(path, text)| write_if_changed(&dir.join(path), text, fresh)) {
        written?;
    }
    if fresh {
        return Ok(());
    }
    let keep: BTreeSet<PathBuf> = files.iter().map(|(p, _)| dir.join(p)).collect();
    for stale in generated_files(&dir.join("src"), &keep)? {
        std::fs::remove_file(&stale).map_err(|source| Error::Io { path: stale.clone(), source })?;
    }
    remove_empty_dirs(&dir.join("src"));
    Ok(())
}

/// Writes `text` to `target` unless it holds exactly that already (not looked at when `fresh`:
/// the file did not exist).
fn write_if_changed(target: &Path, text: &str, fresh: bool) -> Result<(), Error> {
    if !fresh && std::fs::read(target).ok().as_deref() == Some(text.as_bytes()) {
        return Ok(());
    }
    std::fs::write(target, text).map_err(|source| Error::Io { path: target.to_path_buf(), source })
}

/// The files under `dir` that differ from `files`, are missing, or are stale generated files.
pub fn stale_files(dir: &Path, files: &[(String, String)]) -> Result<Vec<String>, Error> {
    let mut stale = Vec::new();
    for (path, text) in files {
        if std::fs::read(dir.join(path)).ok().as_deref() != Some(text.as_bytes()) {
            stale.push(path.clone());
        }
    }
    let keep: BTreeSet<PathBuf> = files.iter().map(|(p, _)| dir.join(p)).collect();
    for file in generated_files(&dir.join("src"), &keep)? {
        let rel = file.strip_prefix(dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        stale.push(format!("{rel} (no longer generated)"));
    }
    stale.sort();
    Ok(stale)
}

/// Every `.rs` file below `dir`, outside `keep`, whose header says this generator wrote it.
fn generated_files(dir: &Path, keep: &BTreeSet<PathBuf>) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io { path: d.clone(), source })?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !keep.contains(&path) {
                let head =
                    std::fs::read(&path).map(|b| b.into_iter().take(80).collect::<Vec<u8>>()).unwrap_or_default();
                if String::from_utf8_lossy(&head).contains(MARK) {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_empty_dirs(&path);
            let _ = std::fs::remove_dir(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_spaced_but_doc_examples_are_not() {
        let lines = |items: &[&str]| items.iter().map(|l| format!("{l}\n")).collect::<String>();
        let docs = ["//! Docs.", "//! ```", "//! let a = 1;", "//! let b = 2;", "//! ```"];
        let uses = ["use ::serde::Serialize;", "use ::std::fmt;"];
        let items = ["pub mod a;", "pub mod b;"];
        let text = [
            &docs[..],
            &uses,
            &["use crate::runtime::Operation;"],
            &items,
            &["pub fn f() {}", "/// Doc.", "pub struct S;"],
        ]
        .map(lines)
        .concat();
        let expected = [
            lines(&docs),
            lines(&uses),
            lines(&["use crate::runtime::Operation;"]),
            lines(&items),
            lines(&["pub fn f() {}"]),
            lines(&["/// Doc.", "pub struct S;"]),
        ]
        .join("\n");
        assert_eq!(space_items(&text), expected);
    }

    #[test]
    fn gated_crate_imports_start_their_group() {
        let text = "use ::std::fmt;\n#[cfg(feature = \"x\")]\nuse crate::a::b;\nuse crate::c::d;\n";
        assert_eq!(
            space_items(text),
            "use ::std::fmt;\n\n#[cfg(feature = \"x\")]\nuse crate::a::b;\nuse crate::c::d;\n"
        );
    }

    #[test]
    fn docs_are_expanded_and_wrapped_to_their_indentation() {
        let long = "word ".repeat(30).trim_end().to_owned();
        let text = format!("    ///{DOC_MARKER}0\n    pub x: i32,\n");
        let docs = vec![vec![
            long,
            String::new(),
            "```".into(),
            "a long example line that stays whole whatever its length is, as code should".into(),
            "```".into(),
        ]];
        let out = put_back(&text, &Aside { docs, texts: Vec::new() }).unwrap();
        assert!(out.lines().all(|l| l.len() <= DOC_WIDTH || l.contains("example line")), "{out}");
        assert!(out.contains("    ///\n    /// ```\n"), "{out}");
        assert!(put_back(&format!("///{DOC_MARKER}7\n"), &Aside::default()).is_none());
    }

    #[test]
    fn texts_are_put_back_each_once() {
        let aside = Aside { docs: Vec::new(), texts: vec!["impl A {}\n".into(), "impl B {\n}\n".into()] };
        let text = format!("struct A;\n{TEXT_MARKER}!(1);\n{TEXT_MARKER}!(0);\n");
        assert_eq!(put_back(&text, &aside).unwrap(), "struct A;\nimpl B {\n}\nimpl A {}\n");
        // A text never put back, or a marker of no text, is a generator bug.
        assert!(put_back(&format!("{TEXT_MARKER}!(0);\n"), &aside).is_none());
        assert!(put_back(&format!("{TEXT_MARKER}!(2);\n"), &aside).is_none());
    }
}
