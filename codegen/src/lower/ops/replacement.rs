//! `x-vmw-deprecated` replacements: which operation a deprecated one names, and the
//! `#[deprecated]` note that says so.
//!
//! VMware's pointers name the replacing `/api` operation as `<file>#/paths/<key>/<method>`. They
//! do not always hit: 14 of the 514 in 7.0.3 name the wrong file (`api_cis.json` for
//! `/api/session`), 8 differ from the path key in its query text (`?action=change` for
//! `?action=change&vmw-task=true`, `?library_id` for no query), and 2 name the plain operation
//! where the `/rest` one is the `vmw-task=true` variant. [`resolve`] tries, in order: the exact
//! pointer in the same file, in any file, then the one operation of the same file and method
//! whose key extends the pointer's (or the pointer's extends it) by query text that names no
//! action; a `vmw-task=true` operation then prefers the task variant of what it found.

use std::collections::BTreeMap;

use super::query_pairs;
use crate::diag::{Diagnostics, Kind};
use crate::ir::FileId;
use crate::load::Document;
use crate::lower::OpDraft;
use crate::pointer::Pointer;
use crate::vendor::{self, Replacement};

/// The operations the spec describes, by pointer, for [`resolve`].
pub(crate) struct Index {
    by_pointer: BTreeMap<String, Vec<usize>>,
    /// The `(path key, method)` of every pointer of `by_pointer`, in its order, with its drafts.
    routes: Vec<((String, String), Vec<usize>)>,
}

impl Index {
    pub(crate) fn new(drafts: &[OpDraft]) -> Self {
        let mut by_pointer: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, d) in drafts.iter().enumerate().filter(|(_, d)| d.op.is_from_spec()) {
            by_pointer.entry(d.pointer.to_string()).or_default().push(i);
        }
        let routes =
            by_pointer.iter().filter_map(|(p, ids)| Some((route(&Pointer::parse(p)?)?, ids.clone()))).collect();
        Index { by_pointer, routes }
    }
}

/// The draft that `replacement`, found on the operation `from`, names.
pub(crate) fn resolve(index: &Index, drafts: &[OpDraft], from: usize, replacement: &Replacement) -> Option<usize> {
    let file = drafts[from].file;
    let key = replacement.pointer.to_string();
    let exact = index.by_pointer.get(&key).map(Vec::as_slice).unwrap_or_default();
    let found = exact
        .iter()
        .copied()
        .find(|&i| drafts[i].file == file)
        .or_else(|| exact.iter().copied().min_by(|&a, &b| drafts[a].op.rust_path.cmp(&drafts[b].op.rust_path)))
        .or_else(|| by_query_text(index, drafts, file, &replacement.pointer))?;
    Some(task_variant(index, drafts, from, found).unwrap_or(found))
}

/// The pointer's `(path key, method)`.
fn route(pointer: &Pointer) -> Option<(String, String)> {
    let tokens: Vec<String> = pointer.tokens().collect();
    match tokens.as_slice() {
        [paths, key, method] if paths == "paths" => Some((key.clone(), method.clone())),
        _ => None,
    }
}

/// Whether `long` is `short` plus query text that names no action (`&vmw-task=true`,
/// `?library_id`); `?action=find` would be another operation.
fn extends(long: &str, short: &str) -> bool {
    long.len() > short.len()
        && long.starts_with(short)
        && (short.contains('?') || long[short.len()..].starts_with('?'))
        && !long[short.len()..].contains("action=")
}

fn by_query_text(index: &Index, drafts: &[OpDraft], file: FileId, pointer: &Pointer) -> Option<usize> {
    let (key, method) = route(pointer)?;
    let found: Vec<usize> = index
        .routes
        .iter()
        .filter(|((k, m), _)| *m == method && (extends(k, &key) || extends(&key, k)))
        .flat_map(|(_, ids)| ids)
        .copied()
        .filter(|&i| drafts[i].file == file)
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// For a `vmw-task=true` operation whose replacement is not one: the replacement's own
/// `vmw-task=true` variant, if the spec has it.
fn task_variant(index: &Index, drafts: &[OpDraft], from: usize, found: usize) -> Option<usize> {
    let is_task = |d: &OpDraft| {
        let key = route(&d.pointer).map(|(k, _)| k).unwrap_or_default();
        key.split_once('?').is_some_and(|(_, q)| query_pairs(q).get("vmw-task") == Some(&"true"))
    };
    if !is_task(&drafts[from]) || is_task(&drafts[found]) {
        return None;
    }
    let (key, method) = route(&drafts[found].pointer)?;
    let joiner = if key.contains('?') { '&' } else { '?' };
    let task = Pointer::root().push("paths").push(format!("{key}{joiner}vmw-task=true")).push(method);
    let ids = index.by_pointer.get(&task.to_string())?;
    ids.iter().copied().find(|&i| drafts[i].file == drafts[found].file)
}

/// Writes the `#[deprecated]` note of every operation the spec deprecates: the Rust path of its
/// replacement, or, with a warning, the pointer that names no operation.
pub(crate) fn note(docs: &[Document], drafts: &mut [OpDraft], diags: &mut Diagnostics) {
    let index = Index::new(drafts);
    for i in 0..drafts.len() {
        if !drafts[i].deprecated_by_spec {
            continue;
        }
        let note = match drafts[i].replacement.clone() {
            Some(r) => match resolve(&index, drafts, i, &r) {
                Some(target) => {
                    let path = drafts[target].op.rust_path.clone();
                    drafts[i].replaced_by = Some(path.clone());
                    format!("use `crate::{path}`")
                }
                None => {
                    let d = &drafts[i];
                    let message = format!("the replacement {} names no operation of the input files", r.pointer);
                    diags.warn(&docs[d.file.0].label, &d.pointer.push(vendor::DEPRECATED), Kind::Extension, message);
                    format!("replaced by {}{}", r.file.as_deref().unwrap_or(""), r.pointer)
                }
            },
            None => "deprecated by the spec".to_owned(),
        };
        drafts[i].op.deprecated = Some(note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_text_extensions_that_name_no_action() {
        assert!(extends("/api/vcenter/vm?action=clone&vmw-task=true", "/api/vcenter/vm?action=clone"));
        assert!(extends("/api/content/library/item?library_id", "/api/content/library/item"));
        assert!(!extends("/api/vcenter/vm?action=find", "/api/vcenter/vm"));
        assert!(!extends("/api/vcenter/vm/x", "/api/vcenter/vm"));
        assert!(!extends("/api/vcenter/vm", "/api/vcenter/vm"));
    }

    #[test]
    fn pointers_give_their_route() {
        let p = Pointer::parse("#/paths/~1api~1vcenter~1vm?action=clone/post").unwrap();
        assert_eq!(route(&p), Some(("/api/vcenter/vm?action=clone".to_owned(), "post".to_owned())));
        assert_eq!(route(&Pointer::parse("#/components/schemas/X").unwrap()), None);
    }
}
