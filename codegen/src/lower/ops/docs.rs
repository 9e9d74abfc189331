//! The doc comment of an operation's function: what the spec says, the routes, the arguments,
//! the documented errors.
//!
//! The spec's own text is taken when the operation is lowered ([`spec_text`]); the rest is
//! written once every operation is final ([`finish`]), since pairing gives `/api` operations the
//! legacy routes that the routes line names.

use std::collections::BTreeSet;

use crate::docs;
use crate::ir::{LegacyRoute, ModPath, Operation, Ty};
use crate::lower::OpDraft;
use crate::names;

/// The summary and description of an operation, as doc lines.
pub(super) fn spec_text(op: &openapiv3::Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &op.summary {
        docs::append_paragraph(&mut lines, summary);
    }
    if let Some(description) = op.description.as_ref().filter(|d| op.summary.as_ref() != Some(*d)) {
        docs::append_paragraph(&mut lines, description);
    }
    lines
}

/// The release an operation's text says introduced it: "Available since vSphere API 7.0.2."
pub(super) fn since(op: &openapiv3::Operation) -> Option<String> {
    const MARK: &str = "vailable since vSphere API ";
    [&op.summary, &op.description].into_iter().flatten().find_map(|text| {
        let start = text.find(MARK)? + MARK.len();
        let version: String = text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
        let version = version.trim_end_matches('.');
        (!version.is_empty()).then(|| version.to_owned())
    })
}

/// Completes the docs of every operation that the spec describes: the routes line, the
/// arguments and the documented errors.
pub(crate) fn finish(drafts: &mut [OpDraft]) {
    let twins: BTreeSet<(ModPath, String)> =
        drafts.iter().filter_map(|d| d.op.twin_of.clone().map(|of| (d.module.clone(), of))).collect();
    for draft in drafts.iter_mut().filter(|d| d.op.is_from_spec()) {
        let callable = twins.contains(&(draft.module.clone(), draft.op.ident.clone()));
        let replaced_by = draft.replaced_by.clone();
        let op = &mut draft.op;
        let mut lines = match &replaced_by {
            // The replacement's docs say what the call does; this one only says where it goes.
            Some(path) => vec![format!("The deprecated `/rest` form of `crate::{path}`.")],
            None => std::mem::take(&mut op.doc),
        };
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(routes_line(op, callable));
        if let Some(result) = &op.task {
            lines.push(String::new());
            lines.push(task_line(result));
        }
        if replaced_by.is_none() {
            section(&mut lines, "Arguments", arguments(op));
            section(&mut lines, "Errors", errors(op));
        }
        op.doc = lines;
    }
}

/// What a task operation gives: a `Task`, and what its result decodes into.
fn task_line(result: &Ty) -> String {
    let result = if matches!(result, Ty::Json) {
        "as the `serde_json::Value` the server sends (the spec has no non-task form of this \
         operation to type it by)"
    } else {
        "typed as this operation's non-task form returns it"
    };
    format!(
        "Starts a vCenter task and gives its `Task` at once: `Client::wait` waits for the task to \
         end and gives its result {result}; `Client::cancel` stops it."
    )
}

/// `HTTP: ...`, and where the call goes on the `/rest` surface.
fn routes_line(op: &Operation, callable: bool) -> String {
    let own = docs::code(&format!("{} {}", op.method, op.path));
    match &op.legacy {
        None => format!("HTTP: {own}."),
        Some(LegacyRoute::Route { method, path, translation }) => {
            let twin = docs::code(&format!("{method} {path}"));
            let body = match &translation.wrap {
                Some(key) => format!(", the body as {}", docs::code(&format!("{{\"{key}\": ...}}"))),
                None => String::new(),
            };
            let entry = if callable {
                format!(" (also callable as [`{}`])", names::legacy_fn(&op.ident))
            } else {
                String::new()
            };
            format!("HTTP: {own}; in `ApiMode::Legacy`, {twin}{body}{entry}.")
        }
        Some(LegacyRoute::Unavailable(reason)) => format!("HTTP: {own}. Not available in `ApiMode::Legacy`: {reason}."),
    }
}

fn arguments(op: &Operation) -> Vec<String> {
    op.params
        .iter()
        .filter(|p| !p.field.doc.is_empty())
        .map(|p| format!("- `{}`: {}", names::unraw(&p.field.ident), p.field.doc.join(" ")))
        .collect()
}

fn errors(op: &Operation) -> Vec<String> {
    op.error
        .documented
        .iter()
        .map(|(status, description)| {
            let text = docs::lines(description).into_iter().filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
            if text.is_empty() { format!("- `{status}`") } else { format!("- `{status}`: {text}") }
        })
        .collect()
}

fn section(lines: &mut Vec<String>, heading: &str, items: Vec<String>) {
    if items.is_empty() {
        return;
    }
    lines.extend([String::new(), format!("# {heading}"), String::new()]);
    lines.extend(items);
}
