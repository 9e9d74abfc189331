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
    // Items are gathered by module (one lookup each), and the tree is made of the few hundred
    // modules after.
    let mut staged: BTreeMap<ModPath, Module> = BTreeMap::new();
    for (c, t) in types.iter().enumerate() {
        let m = staged_module(&mut staged, &t.module);
        m.types.push(TypeId(c));
        for origin in &t.origins {
            add_source(&mut m.sources, origin.split('#').next().unwrap_or(""));
        }
    }
    let mut features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for OpDraft { namespace, module, op, .. } in drafts {
        add_source(features.entry(namespace).or_default(), &op.source);
        let m = staged_module(&mut staged, &module);
        add_source(&mut m.sources, &op.source);
        m.operations.push(op);
    }
    let mut modules: BTreeMap<ModPath, Module> = BTreeMap::new();
    modules.insert(Vec::new(), Module::default());
    for (path, mut module) in staged {
        module.types.sort_by(|a, b| types[a.0].name.cmp(&types[b.0].name));
        module.operations.sort_by(|a, b| names::unraw(&a.ident).cmp(names::unraw(&b.ident)));
        let m = ensure(&mut modules, &path);
        m.types = module.types;
        m.operations = module.operations;
        m.sources = module.sources;
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

/// The staged module at `path`, created empty when new.
fn staged_module<'m>(staged: &'m mut BTreeMap<ModPath, Module>, path: &ModPath) -> &'m mut Module {
    if !staged.contains_key(path) {
        staged.insert(path.clone(), Module::default());
    }
    staged.get_mut(path).unwrap_or_else(|| unreachable!("the module was just staged"))
}

/// Adds `label` to `labels`, allocating only when it is new.
fn add_source(labels: &mut BTreeSet<String>, label: &str) {
    if !labels.contains(label) {
        labels.insert(label.to_owned());
    }
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
        let mut gates: BTreeSet<&Gate> = m.types.iter().map(|t| &types[t.0].gate).collect();
        gates.extend(m.operations.iter().map(|o| &o.gate));
        for child in &m.children {
            let mut p = path.clone();
            p.push(child.clone());
            gates.extend(modules.get(&p).map(|c| &c.gate));
        }
        let gate = match (gates.len(), gates.into_iter().next()) {
            (1, Some(g)) => g.clone(),
            _ => Gate::Always,
        };
        if let Some(m) = modules.get_mut(path) {
            m.gate = gate;
        }
    }
}
