//! The legacy twin that `x-vmw-doc-deprecated-method` and `-path` name (the 9.x specs), and its
//! deprecated `*_legacy` entry point.

use super::{OpCtx, path_template, template_names};
use crate::diag::Kind;
use crate::docs;
use crate::ir::{LegacyRoute, Operation, Surface, Translation};
use crate::lower::Lowerer;
use crate::names;
use crate::vendor::{self, OperationExtensions};

impl Lowerer<'_> {
    /// Whether an operation's `x-vmw-doc-deprecated-*` twin needs a `*_legacy` function of its
    /// own: it has a twin, and the spec does not already describe that `/rest` operation.
    pub(crate) fn twin_function(&self, ext: &OperationExtensions) -> bool {
        ext.legacy.as_ref().is_some_and(|twin| !self.routes.contains(&(twin.method, twin.path.clone())))
    }

    /// The legacy route `x-vmw-doc-deprecated-*` names. Its body is wrapped as `{"spec": ...}`,
    /// the vAPI `/rest` convention for a structure parameter (the spec does not say so; the docs
    /// do). `None`, with a warning, when the twin's path names a parameter the operation lacks.
    pub(super) fn doc_twin_route(&mut self, cx: &OpCtx, path_names: &[String], has_body: bool) -> Option<LegacyRoute> {
        let twin = cx.site.ext.legacy.as_ref()?;
        let (path, query) = match twin.path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (twin.path.as_str(), None),
        };
        if let Some(name) = template_names(path).into_iter().find(|n| !path_names.contains(n)) {
            let message = format!(
                "the legacy path names parameter `{name}`, which the operation does not have; \
                 the legacy twin is ignored"
            );
            self.warn(cx.file(), &cx.at().push(vendor::DOC_DEPRECATED_PATH), Kind::Extension, message);
            return None;
        }
        let translation = Translation { wrap: has_body.then(|| "spec".to_owned()), ..Translation::default() };
        let query = query.map(|q| super::encode_allowed(q, super::QUERY_LITERAL));
        Some(LegacyRoute::Route { method: twin.method, path: path_template(path, query.as_deref()), translation })
    }
}

/// The deprecated `*_legacy` entry point of an operation with a doc twin: the same call, always
/// sent to the legacy route.
pub(super) fn entry_point(cx: &OpCtx, op: &Operation) -> Option<Operation> {
    let Some(LegacyRoute::Route { method, path, .. }) = &op.legacy else { return None };
    let ident = names::legacy_fn(&op.ident);
    let own = names::unraw(&op.ident);
    let doc = vec![
        format!("The legacy twin of [`{own}`]: {}.", docs::code(&format!("{method} {path}"))),
        String::new(),
        format!(
            "For vCenter releases before 7.0 U2, which serve only `/rest`; \
             a client in `ApiMode::Legacy` sends [`{own}`] this way too."
        ),
    ];
    Some(Operation {
        doc,
        method: *method,
        path: path.clone(),
        surface: Surface::Rest,
        legacy: None,
        twin_of: Some(op.ident.clone()),
        deprecated: Some(format!("the `/rest` surface is deprecated; use `crate::{}`", cx.rust_path)),
        rust_path: names::rust_path(&cx.site.module, &ident),
        ident,
        ..op.clone()
    })
}
