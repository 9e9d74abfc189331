//! Feature gates: a type that the operations of exactly one namespace use is compiled only with
//! that namespace's feature, wherever it lives (`vcenter` types only `hvc` uses are `hvc`'s); a
//! type no operation uses is gated by its own namespace's feature, if it has one; anything else
//! is always compiled, and so is everything an always-compiled type, or a type of another
//! feature, refers to (to a fixed point).

use std::collections::BTreeSet;

use super::graph::kind_refs;
use crate::ir::{Gate, TypeDef};

/// Sets every type's gate from the namespaces that use it (`used_by`, by type); `features` are
/// the namespaces that have operations.
pub(crate) fn assign(types: &mut [TypeDef], used_by: &[BTreeSet<String>], features: &BTreeSet<String>) {
    let initial: Vec<Gate> = types
        .iter()
        .zip(used_by)
        .map(|(t, used)| {
            let home = t.module.first();
            match used.len() {
                1 => Gate::Feature(used.iter().next().cloned().unwrap_or_default()),
                0 => home.filter(|h| features.contains(*h)).map_or(Gate::Always, |h| Gate::Feature(h.clone())),
                _ => Gate::Always,
            }
        })
        .collect();
    for (t, gate) in types.iter_mut().zip(initial) {
        t.gate = gate;
    }
    propagate(types);
}

/// A type referred to by a type of another gate is always compiled.
fn propagate(types: &mut [TypeDef]) {
    loop {
        let mut changed = false;
        for c in 0..types.len() {
            let gate = types[c].gate.clone();
            for r in kind_refs(&types[c].kind) {
                if matches!(&types[r.0].gate, Gate::Feature(_)) && types[r.0].gate != gate {
                    types[r.0].gate = Gate::Always;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(module: &str, refs: &[usize]) -> TypeDef {
        TypeDef::referring_to(module, refs)
    }

    fn used(namespaces: &[&str]) -> BTreeSet<String> {
        namespaces.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn gates_follow_the_namespaces_that_use_a_type() {
        let mut types = vec![
            def("vcenter", &[]), // used by hvc only
            def("vapi", &[]),    // used by two namespaces
            def("stats", &[]),   // unused, its namespace is a feature
            def("oauth2", &[]),  // unused, no such feature
            def("hvc", &[5]),    // hvc's, refers to 5
            def("vcenter", &[]), // used by vcenter only, but referred to by hvc's 4
        ];
        let used_by =
            [used(&["hvc"]), used(&["hvc", "vcenter"]), used(&[]), used(&[]), used(&["hvc"]), used(&["vcenter"])];
        let features = used(&["hvc", "stats", "vapi", "vcenter"]);
        assign(&mut types, &used_by, &features);
        let gates: Vec<Gate> = types.iter().map(|t| t.gate.clone()).collect();
        let f = |n: &str| Gate::Feature(n.to_owned());
        assert_eq!(gates, [f("hvc"), Gate::Always, f("stats"), Gate::Always, f("hvc"), Gate::Always]);
    }
}
