//! Boxing the by-value references that close a cycle, found with Tarjan's strongly connected
//! components. `Vec` and maps already break a cycle; a field, a tagged variant or an untagged
//! variant that holds a type of its own component by value gets a `Box`.

use crate::ir::{Ty, TypeDef, TypeKind};

/// Boxes every by-value reference that stays inside a cycle.
pub(crate) fn box_cycles(types: &mut [TypeDef]) {
    let by_value: Vec<Vec<usize>> = types.iter().map(|t| by_value(&t.kind)).collect();
    let comp = tarjan(&by_value);
    let mut size = vec![0usize; types.len()];
    for c in &comp {
        size[*c] += 1;
    }
    for (i, t) in types.iter_mut().enumerate() {
        let cyclic = |j: usize| comp[j] == comp[i] && (size[comp[i]] > 1 || by_value[i].contains(&i));
        let named = |ty: &Ty| matches!(ty, Ty::Named(id) if cyclic(id.0));
        match &mut t.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| f.boxed = named(&f.ty)),
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| v.boxed = cyclic(v.ty.0)),
            TypeKind::Untagged(vs) => vs.iter_mut().for_each(|v| v.boxed = named(&v.ty)),
            TypeKind::Enum(_) | TypeKind::Params(_) => {}
        }
    }
}

/// The types a kind holds by value.
fn by_value(kind: &TypeKind) -> Vec<usize> {
    let named = |ty: &Ty| match ty {
        Ty::Named(id) => Some(id.0),
        _ => None,
    };
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty)).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| v.ty.0).collect(),
        TypeKind::Untagged(vs) => vs.iter().filter_map(|v| named(&v.ty)).collect(),
        TypeKind::Enum(_) | TypeKind::Params(_) => Vec::new(),
    }
}

/// The strongly connected component of every node of `graph` (adjacency lists), numbered in the
/// order Tarjan's algorithm closes them. Iterative, so deep graphs do not overflow the stack.
pub(crate) fn tarjan(graph: &[Vec<usize>]) -> Vec<usize> {
    let n = graph.len();
    let mut index: Vec<Option<usize>> = vec![None; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![0; n];
    let (mut next, mut comps) = (0, 0);
    for root in 0..n {
        if index[root].is_some() {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v].is_none() {
                index[v] = Some(next);
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = graph[v].get(*child) {
                *child += 1;
                match index[w] {
                    None => work.push((w, 0)),
                    Some(wi) if on_stack[w] => low[v] = low[v].min(wi),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if Some(low[v]) == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comps;
                    if w == v {
                        break;
                    }
                }
                comps += 1;
            }
        }
    }
    comp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_small_graphs() {
        // 0 <-> 1 form a cycle; 2 points into it; 3 points at itself; 4 is alone.
        let graph = vec![vec![1], vec![0], vec![0], vec![3], vec![]];
        let comp = tarjan(&graph);
        assert_eq!(comp[0], comp[1]);
        assert_ne!(comp[2], comp[0]);
        assert_ne!(comp[3], comp[4]);
        let mut distinct = comp.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 4);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let mut graph: Vec<Vec<usize>> = (0..n).map(|i| vec![i + 1]).collect();
        graph[n - 1] = vec![0];
        let comp = tarjan(&graph);
        assert!(comp.iter().all(|&c| c == comp[0]), "one cycle through every node");
    }

    #[test]
    fn only_by_value_references_in_a_cycle_are_boxed() {
        use crate::ir::{Field, Struct};
        let field = Field::plain;
        let def = |fields: Vec<Field>| TypeDef {
            module: vec![],
            name: "T".into(),
            doc: vec![],
            kind: TypeKind::Struct(Struct { fields, additional: None, tag: None }),
            gate: Default::default(),
            origins: vec![],
            extensions: vec![],
            directions: Default::default(),
        };
        use crate::ir::TypeId;
        let mut types = vec![
            // 0: a self-reference, and a list of itself.
            def(vec![field("me", Ty::Named(TypeId(0))), field("many", Ty::Vec(Box::new(Ty::Named(TypeId(0)))))]),
            // 1 -> 2 -> 1.
            def(vec![field("next", Ty::Named(TypeId(2)))]),
            def(vec![field("back", Ty::Named(TypeId(1))), field("plain", Ty::Named(TypeId(3)))]),
            def(vec![]),
        ];
        box_cycles(&mut types);
        let boxed = |t: &TypeDef| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.boxed).collect::<Vec<_>>(),
            _ => vec![],
        };
        assert_eq!(boxed(&types[0]), [true, false]);
        assert_eq!(boxed(&types[1]), [true]);
        assert_eq!(boxed(&types[2]), [true, false]);
    }
}
