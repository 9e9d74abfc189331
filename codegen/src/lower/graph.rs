//! The reference graph of draft types: which types a type or an operation mentions, and what is
//! reachable from a set of operations.

use std::collections::VecDeque;

use crate::ir::{Operation, TypeId, TypeKind};

/// The types a kind mentions, in field order.
pub(crate) fn kind_refs(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                f.ty.named(&mut out);
            }
            if let Some(a) = &s.additional {
                a.ty.named(&mut out);
            }
        }
        TypeKind::Enum(_) => {}
        TypeKind::Union(u) => out.extend(u.variants.iter().map(|v| v.ty)),
        TypeKind::Untagged(vs) => {
            for v in vs {
                v.ty.named(&mut out);
            }
        }
        TypeKind::Params(fields) => {
            for f in fields {
                f.ty.named(&mut out);
            }
        }
    }
    out
}

/// The types an operation's signature mentions.
pub(crate) fn op_refs(op: &Operation) -> Vec<TypeId> {
    let mut out = op_sent_refs(op);
    out.extend(op_received_refs(op));
    out
}

/// The types an operation sends: its parameters (the optional ones' struct too) and its body.
pub(crate) fn op_sent_refs(op: &Operation) -> Vec<TypeId> {
    let mut out = Vec::new();
    for p in &op.params {
        p.field.ty.named(&mut out);
    }
    if let Some(optional) = &op.optional {
        out.push(optional.ty);
    }
    if let Some(body) = &op.body {
        body.ty.named(&mut out);
    }
    out
}

/// The types an operation receives: its result, its task's result and its error.
pub(crate) fn op_received_refs(op: &Operation) -> Vec<TypeId> {
    let mut out = Vec::new();
    op.response.named(&mut out);
    if let Some(task) = &op.task {
        task.named(&mut out);
    }
    op.error.ty.named(&mut out);
    out
}

/// Marks every node reachable from `roots` through `refs`.
pub(crate) fn reach(refs: &[Vec<TypeId>], roots: impl IntoIterator<Item = TypeId>) -> Vec<bool> {
    let mut seen = vec![false; refs.len()];
    let mut queue: VecDeque<TypeId> = roots.into_iter().collect();
    while let Some(t) = queue.pop_front() {
        if std::mem::replace(&mut seen[t.0], true) {
            continue;
        }
        queue.extend(refs[t.0].iter().copied());
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_follows_references_and_survives_cycles() {
        // 0 -> 1 -> 2 -> 1, 3 alone.
        let refs = vec![vec![TypeId(1)], vec![TypeId(2)], vec![TypeId(1)], vec![]];
        assert_eq!(reach(&refs, [TypeId(0)]), [true, true, true, false]);
        assert_eq!(reach(&refs, [TypeId(2)]), [false, true, true, false]);
        assert_eq!(reach(&refs, []), [false; 4]);
    }
}
