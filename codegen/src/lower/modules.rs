//! The module tree: every type and function in the module it asks for, every intermediate
//! module created, items sorted, and each module gated when its whole subtree shares one gate.

use std::collections::{BTreeMap, BTreeSet};

use super::OpDraft;
use crate::ir::{Gate, ModPath, Module, TypeDef, TypeId};
use crate::names;

/// The modules, and the namespace features with the labels of the files that feed each.
pub(crate) fn build(
    types: &[TypeDef],
    drafts: Vec<OpDraft>,
) -> (BTreeMap<ModPath, Module>, BTreeMap<String, BTreeSet<String>>) {
    let mut modules: BTreeMap<ModPath, Module> = BTreeMap::new();
    modules.insert(Vec::new(), Module::default());
    for (c, t) in types.iter().enumerate() {
        let m = ensure(&mut modules, &t.module);
        m.types.push(TypeId(c));
        m.sources.extend(t.origins.iter().map(|o| o.split('#').next().unwrap_or("").to_owned()));
    }
    let mut features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for draft in drafts {
        features.entry(draft.namespace.clone()).or_default().insert(draft.op.source.clone());
        let m = ensure(&mut modules, &draft.module);
        m.sources.insert(draft.op.source.clone());
        m.operations.push(draft.op);
    }
    for m in modules.values_mut() {
        m.types.sort_by(|a, b| types[a.0].name.cmp(&types[b.0].name));
        m.operations.sort_by(|a, b| names::unraw(&a.ident).cmp(names::unraw(&b.ident)));
    }
    gate_modules(&mut modules, types);
    // Intermediate modules list what their children come from.
    let paths: Vec<ModPath> = modules.keys().rev().cloned().collect();
    for path in paths.iter().filter(|p| !p.is_empty()) {
        let sources = modules[path].sources.clone();
        if let Some(parent) = modules.get_mut(&path[..path.len() - 1]) {
            parent.sources.extend(sources);
        }
    }
    (modules, features)
}

/// The module at `path`, creating it and its parents.
fn ensure<'m>(modules: &'m mut BTreeMap<ModPath, Module>, path: &ModPath) -> &'m mut Module {
    for len in 1..=path.len() {
        let prefix = path[..len].to_vec();
        modules.entry(prefix.clone()).or_insert_with(|| Module { path: prefix, ..Module::default() });
        if let Some(parent) = modules.get_mut(&path[..len - 1]) {
            parent.children.insert(path[len - 1].clone());
        }
    }
    modules.entry(path.clone()).or_default()
}

/// Gates each module whose items and children all share one gate (deepest first).
fn gate_modules(modules: &mut BTreeMap<ModPath, Module>, types: &[TypeDef]) {
    let paths: Vec<ModPath> = modules.keys().rev().cloned().collect();
    for path in paths.iter().filter(|p| !p.is_empty()) {
        let m = &modules[path];
        let mut gates: BTreeSet<Gate> = m.types.iter().map(|t| types[t.0].gate.clone()).collect();
        gates.extend(m.operations.iter().map(|o| o.gate.clone()));
        for child in &m.children {
            let mut p = path.clone();
            p.push(child.clone());
            gates.extend(modules.get(&p).map(|c| c.gate.clone()));
        }
        let gate = match (gates.len(), gates.into_iter().next()) {
            (1, Some(g)) => g,
            _ => Gate::Always,
        };
        if let Some(m) = modules.get_mut(path) {
            m.gate = gate;
        }
    }
}
