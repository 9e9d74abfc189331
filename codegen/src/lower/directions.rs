//! Which way each type travels: sent (in a request), received (in a response or an error), or
//! both. The emitter implements `Serialize` for what is sent and `Deserialize` for what is received
//! (a cargo feature adds the other direction everywhere): half the serde code of a type that
//! only travels one way is code nobody calls.

use crate::ir::{Directions, Operation, TypeDef, TypeId};
use crate::lower::graph::{kind_refs, op_received_refs, op_sent_refs, reach};

/// Sets every type's directions from the operations that use it, through the types that contain
/// it. A type no operation reaches (a component nothing uses) travels both ways, as a user who
/// names it may want.
pub(crate) fn assign<'a>(types: &mut [TypeDef], operations: impl IntoIterator<Item = &'a Operation>) {
    let refs: Vec<Vec<TypeId>> = types.iter().map(|t| kind_refs(&t.kind)).collect();
    let (mut sent_roots, mut received_roots) = (Vec::new(), Vec::new());
    for op in operations {
        sent_roots.extend(op_sent_refs(op));
        received_roots.extend(op_received_refs(op));
    }
    let sent = reach(&refs, sent_roots.iter().copied());
    let received = reach(&refs, received_roots.iter().copied());
    // What no operation reaches travels both ways, and so does everything it contains.
    let unreached: Vec<TypeId> = (0..types.len()).filter(|&i| !sent[i] && !received[i]).map(TypeId).collect();
    let sent = reach(&refs, sent_roots.into_iter().chain(unreached.iter().copied()));
    let received = reach(&refs, received_roots.into_iter().chain(unreached));
    for (i, t) in types.iter_mut().enumerate() {
        t.directions = Directions { sent: sent[i], received: received[i] };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Body, BodyEncoding, ErrorSpec, Gate, HttpMethod, Surface, Ty};

    fn def(refs: &[usize]) -> TypeDef {
        TypeDef::referring_to("m", refs)
    }

    fn operation(body: Option<usize>, response: Option<usize>) -> Operation {
        Operation {
            ident: "op".into(),
            doc: vec![],
            method: HttpMethod::Post,
            path: "/api/x".into(),
            surface: Surface::Api,
            params: vec![],
            optional: None,
            body: body.map(|b| Body {
                ty: Ty::Named(TypeId(b)),
                facets: Default::default(),
                encoding: BodyEncoding::Json,
            }),
            response: response.map_or(Ty::Unit, |r| Ty::Named(TypeId(r))),
            task: None,
            error: ErrorSpec { ty: Ty::Json, documented: vec![] },
            legacy: None,
            twin_of: None,
            deprecated: None,
            since: None,
            rust_path: "x::op".into(),
            gate: Gate::Always,
            source: "x.yaml".into(),
            extensions: vec![],
        }
    }

    #[test]
    fn each_type_travels_the_ways_its_operations_and_containers_take_it() {
        // 0 is sent and holds 1; 2 is received and holds 1 and 3; 4 is unused and holds 5.
        let mut types = vec![def(&[1]), def(&[]), def(&[1, 3]), def(&[]), def(&[5]), def(&[])];
        assign(&mut types, &[operation(Some(0), Some(2))]);
        let ways: Vec<(bool, bool)> = types.iter().map(|t| (t.directions.sent, t.directions.received)).collect();
        assert_eq!(
            ways,
            [(true, false), (true, true), (false, true), (false, true), (true, true), (true, true)],
            "an unused type and what it holds travel both ways"
        );
    }
}
