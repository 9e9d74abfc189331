//! Task operations and their result types: a `*_task` function's `Task<T, E>` takes `T` from
//! the success type of its non-task form in the same module (`clone_task` from `clone`,
//! `clone_task_legacy` from `clone_legacy`), and stays `serde_json::Value` without one.

use crate::lower::OpDraft;

/// The name of the non-task form of a task function: `_task` taken out of it.
fn non_task_name(ident: &str) -> Option<String> {
    if let Some(base) = ident.strip_suffix("_task") {
        return Some(base.to_owned());
    }
    ident.strip_suffix("_task_legacy").map(|base| format!("{base}_legacy"))
}

/// Gives every task operation the result type of its non-task form.
pub(crate) fn link(drafts: &mut [OpDraft]) {
    let mut results = Vec::new();
    for (at, draft) in drafts.iter().enumerate() {
        let Some(base) = draft.op.task.as_ref().and(non_task_name(&draft.op.ident)) else { continue };
        let twin = drafts.iter().find(|d| d.module == draft.module && d.op.task.is_none() && d.op.ident == base);
        if let Some(twin) = twin {
            results.push((at, twin.op.response.clone()));
        }
    }
    for (at, result) in results {
        drafts[at].op.task = Some(result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_functions_name_their_non_task_form() {
        assert_eq!(non_task_name("clone_task").as_deref(), Some("clone"));
        assert_eq!(non_task_name("create_precheck_task").as_deref(), Some("create_precheck"));
        assert_eq!(non_task_name("clone_task_legacy").as_deref(), Some("clone_legacy"));
        assert_eq!(non_task_name("clone_task_post"), None, "a disambiguated name has no twin by name");
        assert_eq!(non_task_name("list"), None);
    }
}
