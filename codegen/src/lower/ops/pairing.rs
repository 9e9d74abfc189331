//! Pairing: every `/api` operation that a `/rest` operation names as its replacement
//! (`x-vmw-deprecated`) gets that operation as its legacy route, with the translation of its
//! inputs derived from both operations' lowered types.
//!
//! The route (method, path template, fixed query such as `?~action=get`) is the `/rest`
//! operation's own, never rewritten. Each input of the `/api` operation is then found on the
//! `/rest` side, by name and confirmed by shape:
//! - a path, query or header parameter: a `/rest` parameter of the same name (in any place), a
//!   query parameter that prefixes it (`filter.names` for `names`), or a top-level key of the
//!   `/rest` body (`client_token`);
//! - the request body: the `/rest` body itself, or the one key of it that holds it
//!   (`{"spec": ...}`); fields of the body may move out of it first, to a path parameter of their
//!   name or to a dotted query parameter (`loc_spec.location`, from the body field `loc_spec`'s
//!   `location` or from a body field `location`).
//!
//! Shapes are compared structurally, where a map on `/api` may be a `[{"key", "value"}]` list on
//! `/rest` (7.0 encodes maps that way); the places of such maps in the `/rest` body are listed
//! so that the runtime rewrites them (inside a recursive type, down to three turns of its
//! cycle). Results must agree the same way (they decode tolerantly).
//! A pair that none of this bridges keeps no legacy route: it gets a warning naming both
//! operations, and in legacy mode its call fails with `Error::Unavailable`.

use std::collections::{BTreeMap, BTreeSet};

use super::replacement::{self, Index};
use crate::diag::Diagnostics;
use crate::diag::Kind;
use crate::ir::{Field, LegacyRoute, Location, Param, Surface, Target, Translation, Ty, TypeKind};
use crate::load::Document;
use crate::lower::{Node, OpDraft};
use crate::vendor;

/// How many turns of a recursive type's cycle get their maps listed (a localizable message's
/// parameters nest messages: three levels reach further than any message vCenter sends).
const NESTING: usize = 3;

/// How one `/rest` operation's link ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Sent as it is: same inputs, same shapes.
    Identical,
    /// Bridged by moving, renaming, wrapping or re-encoding inputs.
    Translated,
    /// Not bridged, for this kind of reason.
    Unbridged(&'static str),
}

/// Gives paired `/api` operations their legacy routes; returns the outcome of every link, by the
/// index of the `/rest` draft that declares it.
pub(crate) fn pair(
    docs: &[Document],
    nodes: &[Node],
    diags: &mut Diagnostics,
    drafts: &mut [OpDraft],
) -> Vec<(usize, Outcome)> {
    let index = Index::new(drafts);
    let mut outcomes = Vec::new();
    let mut paired: BTreeMap<usize, usize> = BTreeMap::new();
    for from in 0..drafts.len() {
        let rest = &drafts[from];
        let Some(link) = rest.replacement.clone() else { continue };
        if rest.op.surface != Surface::Rest || !rest.op.is_from_spec() {
            continue;
        }
        let outcome = match replacement::resolve(&index, drafts, from, &link) {
            None => Outcome::Unbridged("the replacement names no operation"),
            Some(to) if drafts[to].op.surface != Surface::Api => {
                Outcome::Unbridged("the replacement is not an `/api` operation")
            }
            Some(to) if drafts[to].op.legacy.is_some() => {
                let reason = match paired.get(&to) {
                    Some(_) => "another `/rest` operation names the same replacement",
                    None => "the replacement has a legacy twin of its own",
                };
                warn_unbridged(docs, diags, drafts, (from, to), reason);
                Outcome::Unbridged(reason)
            }
            Some(to) => {
                let outcome = bridge(docs, nodes, diags, drafts, (from, to));
                paired.insert(to, from);
                outcome
            }
        };
        outcomes.push((from, outcome));
    }
    outcomes
}

/// Bridges one pair, or records why not.
fn bridge(
    docs: &[Document],
    nodes: &[Node],
    diags: &mut Diagnostics,
    drafts: &mut [OpDraft],
    (from, to): (usize, usize),
) -> Outcome {
    let (api, rest) = (&drafts[to].op, &drafts[from].op);
    let result = Bridge { nodes }.translation(api, rest);
    match result {
        Ok((translation, result_maps)) => {
            let identical = translation == Translation::default() && !result_maps;
            let route = LegacyRoute::Route { method: rest.method, path: rest.path.clone(), translation };
            drafts[to].op.legacy = Some(route);
            if identical { Outcome::Identical } else { Outcome::Translated }
        }
        Err(why) => {
            warn_unbridged(docs, diags, drafts, (from, to), &why.detail);
            drafts[to].op.legacy = Some(LegacyRoute::Unavailable(why.detail.clone()));
            Outcome::Unbridged(why.kind)
        }
    }
}

fn warn_unbridged(
    docs: &[Document],
    diags: &mut Diagnostics,
    drafts: &[OpDraft],
    (from, to): (usize, usize),
    why: &str,
) {
    let (rest, api) = (&drafts[from], &drafts[to]);
    let message = format!(
        "`{} {}` names `{} {}` ({}{}) as its replacement, but it cannot be its legacy route: {why}",
        rest.op.method, rest.op.path, api.op.method, api.op.path, docs[api.file.0].label, api.pointer
    );
    diags.warn(&docs[rest.file.0].label, &rest.pointer.push(vendor::DEPRECATED), Kind::Pairing, message);
}

/// Why a pair cannot be bridged: a kind for the report, a detail for the warning.
struct Unbridged {
    kind: &'static str,
    detail: String,
}

fn unbridged(kind: &'static str, detail: String) -> Unbridged {
    Unbridged { kind, detail }
}

/// The comparison of both sides, over the draft nodes.
struct Bridge<'n> {
    nodes: &'n [Node],
}

/// One input of the `/rest` side.
struct RestInput<'o> {
    name: &'o str,
    location: Location,
    ty: &'o Ty,
    required: bool,
}

impl<'n> Bridge<'n> {
    /// The translation, and whether results need maps decoded from key/value lists.
    fn translation(
        &self,
        api: &crate::ir::Operation,
        rest: &crate::ir::Operation,
    ) -> Result<(Translation, bool), Unbridged> {
        let mut t = Translation::default();
        let rest_inputs = inputs(rest);
        let rest_body = self.body_fields(rest)?;
        let mut fed: BTreeSet<String> = BTreeSet::new();
        for p in api.params.iter().chain(api.optional.iter().flat_map(|o| &o.params)) {
            let (target, key) = self.param_target(p, &rest_inputs, &rest_body, &fed)?;
            if let Some(target) = target {
                t.inputs.push((p.field.wire.clone(), target));
            }
            fed.insert(key);
        }
        self.body(api, rest, &rest_inputs, &rest_body, &mut fed, &mut t)?;
        if let Some(input) = rest_inputs.iter().find(|i| i.required && !fed.contains(&place_key(i.location, i.name))) {
            return Err(unbridged(
                "no counterpart",
                format!("the `/rest` parameter `{}` has no counterpart", input.name),
            ));
        }
        if let Some(name) =
            rest_body.iter().find(|(name, f)| f.required && !fed.contains(&body_key(name))).map(|(n, _)| n)
        {
            return Err(unbridged("no counterpart", format!("the `/rest` body's `{name}` has no counterpart")));
        }
        let mut result_maps = Vec::new();
        if !self.same(&api.response, &rest.response, "", &mut result_maps, &mut Vec::new()) {
            return Err(unbridged("results differ", "the results differ".to_owned()));
        }
        t.maps.sort_by(|a, b| b.matches('/').count().cmp(&a.matches('/').count()).then(a.cmp(b)));
        t.inputs.sort();
        t.fields.sort();
        Ok((t, !result_maps.is_empty()))
    }

    /// Where an `/api` parameter goes: `None` for the same name and place; the key it feeds.
    fn param_target(
        &self,
        p: &Param,
        rest_inputs: &[RestInput],
        rest_body: &BTreeMap<String, &Field>,
        fed: &BTreeSet<String>,
    ) -> Result<(Option<Target>, String), Unbridged> {
        let name = p.field.wire.as_str();
        let differs = |why: String| unbridged("shapes differ", why);
        if let Some(input) =
            rest_inputs.iter().find(|i| i.name == name && !fed.contains(&place_key(i.location, i.name)))
        {
            if !self.same(&p.field.ty, input.ty, "", &mut Vec::new(), &mut Vec::new()) {
                return Err(differs(format!("the parameter `{name}` has another shape on `/rest`")));
            }
            let target = (input.location != p.location).then(|| to_target(input.location, name));
            return Ok((target, place_key(input.location, name)));
        }
        let suffix = format!(".{name}");
        let prefixed: Vec<&RestInput> =
            rest_inputs.iter().filter(|i| i.location == Location::Query && i.name.ends_with(&suffix)).collect();
        if let [input] = prefixed.as_slice() {
            if self.same(&p.field.ty, input.ty, "", &mut Vec::new(), &mut Vec::new()) {
                return Ok((Some(Target::Query(input.name.to_owned())), place_key(Location::Query, input.name)));
            }
        }
        if let Some(field) = rest_body.get(name) {
            if !self.same(&p.field.ty, &field.ty, "", &mut Vec::new(), &mut Vec::new()) {
                return Err(differs(format!("the parameter `{name}` has another shape in the `/rest` body")));
            }
            return Ok((Some(Target::Body(name.to_owned())), body_key(name)));
        }
        Err(unbridged("no counterpart", format!("the parameter `{name}` has no counterpart on `/rest`")))
    }

    /// How the `/api` body reaches the `/rest` body (and parameters).
    fn body(
        &self,
        api: &crate::ir::Operation,
        rest: &crate::ir::Operation,
        rest_inputs: &[RestInput],
        rest_body: &BTreeMap<String, &'n Field>,
        fed: &mut BTreeSet<String>,
        t: &mut Translation,
    ) -> Result<(), Unbridged> {
        let Some(body) = &api.body else { return Ok(()) };
        let left: BTreeMap<&String, &Field> =
            rest_body.iter().filter(|(k, _)| !fed.contains(&body_key(k))).map(|(k, f)| (k, *f)).collect();
        let api_fields = self.struct_fields(&body.ty);
        let moved = match api_fields {
            Some(fields) => self.move_fields_out(fields, rest_inputs, fed, t),
            None => BTreeSet::new(),
        };
        let remaining: Option<Vec<&Field>> =
            api_fields.map(|fields| fields.iter().filter(|f| !moved.contains(&f.wire)).collect());
        if remaining.as_ref().is_some_and(Vec::is_empty) && left.is_empty() {
            return Ok(());
        }
        if rest.body.is_none() || matches!(rest.body.as_ref().map(|b| &b.ty), Some(Ty::Json)) {
            let why = "the `/rest` twin takes no body that the `/api` body can fill";
            return Err(unbridged("no counterpart", why.to_owned()));
        }
        // What is left of the body, compared with one `/rest` type; the maps found, relative to it.
        let fits = |rest_ty: &Ty, maps: &mut Vec<String>| match &remaining {
            Some(fields) if !moved.is_empty() => self.same_fields(fields, rest_ty, maps),
            _ => self.same(&body.ty, rest_ty, "", maps, &mut Vec::new()),
        };
        let holders: Vec<(&&String, &&Field)> = left.iter().filter(|(_, f)| fits(&f.ty, &mut Vec::new())).collect();
        if let [(key, field)] = holders.as_slice() {
            let mut maps = Vec::new();
            fits(&field.ty, &mut maps);
            t.maps.extend(maps.into_iter().map(|m| if m.is_empty() { (**key).clone() } else { format!("{key}/{m}") }));
            t.wrap = Some((**key).clone());
            fed.insert(body_key(key));
            return Ok(());
        }
        match &remaining {
            Some(fields) => self.key_for_key(fields, &left, fed, t),
            None => Err(unbridged("shapes differ", "the `/api` body does not match the `/rest` body".to_owned())),
        }
    }

    /// Moves `/api` body fields out to the `/rest` parameters nothing else feeds; the top-level
    /// fields that left the body (a field all of whose fields moved goes too).
    fn move_fields_out(
        &self,
        fields: &'n [Field],
        rest_inputs: &[RestInput],
        fed: &mut BTreeSet<String>,
        t: &mut Translation,
    ) -> BTreeSet<String> {
        let mut moved: BTreeSet<String> = BTreeSet::new();
        for input in rest_inputs {
            if fed.contains(&place_key(input.location, input.name)) {
                continue;
            }
            let taken: BTreeSet<&str> = moved.iter().map(String::as_str).collect();
            let Some((source, ty)) = self.field_source(fields, input.name, &taken) else { continue };
            if self.same(ty, input.ty, "", &mut Vec::new(), &mut Vec::new()) {
                t.fields.push((source.clone(), to_target(input.location, input.name)));
                if !source.contains('.') {
                    moved.insert(source);
                }
                fed.insert(place_key(input.location, input.name));
            }
        }
        for f in fields {
            let Some(inner) = self.struct_fields(&f.ty) else { continue };
            let gone = inner.iter().all(|g| t.fields.iter().any(|(s, _)| *s == format!("{}.{}", f.wire, g.wire)));
            if !inner.is_empty() && gone {
                moved.insert(f.wire.clone());
            }
        }
        moved
    }

    /// The `/api` body's fields are the `/rest` body's keys, one for one.
    fn key_for_key(
        &self,
        fields: &[&Field],
        left: &BTreeMap<&String, &Field>,
        fed: &mut BTreeSet<String>,
        t: &mut Translation,
    ) -> Result<(), Unbridged> {
        let names: BTreeSet<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
        let keys: BTreeSet<&str> = left.keys().map(|k| k.as_str()).collect();
        if names != keys {
            return Err(unbridged("shapes differ", "the `/api` body does not match the `/rest` body".to_owned()));
        }
        for f in fields {
            let mut maps = Vec::new();
            if !self.same(&f.ty, &left[&f.wire].ty, &f.wire, &mut maps, &mut Vec::new()) {
                let why = format!("the body field `{}` has another shape on `/rest`", f.wire);
                return Err(unbridged("shapes differ", why));
            }
            t.maps.extend(maps);
            fed.insert(body_key(&f.wire));
        }
        Ok(())
    }

    /// An `/api` body field that feeds the `/rest` parameter `name`: a field of that name, the
    /// field `b` of a body field `a` for `a.b`, or a field `b` for `a.b`.
    fn field_source(&self, fields: &'n [Field], name: &str, moved: &BTreeSet<&str>) -> Option<(String, &'n Ty)> {
        let free = |f: &&Field| !moved.contains(f.wire.as_str());
        if let Some(f) = fields.iter().filter(free).find(|f| f.wire == name) {
            return Some((f.wire.clone(), &f.ty));
        }
        let (head, tail) = name.split_once('.')?;
        let nested = fields.iter().filter(free).find(|f| f.wire == head).and_then(|f| self.struct_fields(&f.ty));
        if let Some(g) = nested.and_then(|inner| inner.iter().find(|g| g.wire == tail)) {
            return Some((name.to_owned(), &g.ty));
        }
        fields.iter().filter(free).find(|f| f.wire == tail).map(|f| (f.wire.clone(), &f.ty))
    }

    /// Whether the fields of the `/api` body (less moved ones) match a `/rest` struct type.
    fn same_fields(&self, fields: &[&Field], rest: &Ty, maps: &mut Vec<String>) -> bool {
        let Some(rest_fields) = self.struct_fields(rest) else { return false };
        let names: BTreeSet<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
        let rest_names: BTreeSet<&str> = rest_fields.iter().map(|f| f.wire.as_str()).collect();
        names == rest_names
            && fields.iter().all(|f| {
                let other = rest_fields.iter().find(|g| g.wire == f.wire).map(|g| &g.ty);
                other.is_some_and(|o| self.same(&f.ty, o, &f.wire, maps, &mut Vec::new()))
            })
    }

    /// The fields of a struct type, if it is one.
    fn struct_fields(&self, ty: &Ty) -> Option<&'n [Field]> {
        match ty {
            Ty::Named(id) => match &self.nodes[id.0].kind {
                Some(TypeKind::Struct(s)) => Some(&s.fields),
                _ => None,
            },
            _ => None,
        }
    }

    /// The top-level properties of the `/rest` body.
    fn body_fields(&self, rest: &crate::ir::Operation) -> Result<BTreeMap<String, &'n Field>, Unbridged> {
        match rest.body.as_ref().map(|b| &b.ty) {
            None => Ok(BTreeMap::new()),
            Some(ty) => match self.struct_fields(ty) {
                Some(fields) => Ok(fields.iter().map(|f| (f.wire.clone(), f)).collect()),
                None => Err(unbridged("shapes differ", "the `/rest` body is not an object".to_owned())),
            },
        }
    }

    /// Whether two types have one wire shape, a map on `/api` matching a key/value list on
    /// `/rest` (its place, below `path`, goes to `maps`). Cycles compare equal.
    fn same(&self, api: &Ty, rest: &Ty, path: &str, maps: &mut Vec<String>, seen: &mut Vec<(usize, usize)>) -> bool {
        let below = |step: &str| if path.is_empty() { step.to_owned() } else { format!("{path}/{step}") };
        match (api, rest) {
            (Ty::Json, _) | (_, Ty::Json) => true,
            // Strings on the wire: a date-time, a password or an enum value is one too.
            (a, b) if self.is_text(a) && self.is_text(b) => true,
            (Ty::Vec(a), Ty::Vec(b)) | (Ty::Map(a), Ty::Map(b)) => self.same(a, b, &below("*"), maps, seen),
            (Ty::Map(a), Ty::Vec(b)) => match self.pair_value(b) {
                Some(value) => {
                    let inner = self.same(a, value, &below("*"), maps, seen);
                    maps.push(path.to_owned());
                    inner
                }
                None => false,
            },
            (Ty::Named(a), Ty::Named(b)) => {
                let pair = (a.0, b.0);
                // A cycle compares equal; its maps are listed down to `NESTING` turns of it (one
                // descent at a time: siblings each get their own).
                if a == b || seen.iter().filter(|p| **p == pair).count() >= NESTING {
                    return true;
                }
                seen.push(pair);
                let (ka, kb) = (self.nodes[a.0].kind.as_ref(), self.nodes[b.0].kind.as_ref());
                let same = self.same_kind(ka, kb, path, maps, seen);
                seen.pop();
                same
            }
            (a, b) => a == b,
        }
    }

    fn same_kind(
        &self,
        api: Option<&TypeKind>,
        rest: Option<&TypeKind>,
        path: &str,
        maps: &mut Vec<String>,
        seen: &mut Vec<(usize, usize)>,
    ) -> bool {
        let below = |step: &str| if path.is_empty() { step.to_owned() } else { format!("{path}/{step}") };
        match (api, rest) {
            (Some(TypeKind::Struct(a)), Some(TypeKind::Struct(b))) => {
                a.fields.len() == b.fields.len()
                    && a.fields.iter().all(|f| {
                        b.fields
                            .iter()
                            .find(|g| g.wire == f.wire)
                            .is_some_and(|g| self.same(&f.ty, &g.ty, &below(&f.wire), maps, seen))
                    })
            }
            (Some(TypeKind::Enum(a)), Some(TypeKind::Enum(b))) => {
                a.variants.iter().map(|v| &v.wire).collect::<BTreeSet<_>>()
                    == b.variants.iter().map(|v| &v.wire).collect()
            }
            (Some(TypeKind::Union(a)), Some(TypeKind::Union(b))) => a.property == b.property,
            (Some(TypeKind::Untagged(a)), Some(TypeKind::Untagged(b))) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| self.same(&x.ty, &y.ty, path, maps, seen))
            }
            _ => false,
        }
    }

    /// The value type of a `/rest` key/value pair struct (`{key: string, value: T}`; the key
    /// may be an enum).
    fn pair_value<'t>(&'t self, element: &Ty) -> Option<&'t Ty> {
        let Ty::Named(id) = element else { return None };
        let Some(TypeKind::Struct(s)) = &self.nodes[id.0].kind else { return None };
        match s.fields.as_slice() {
            [k, v] if k.wire == "key" && self.is_text(&k.ty) && v.wire == "value" => Some(&v.ty),
            _ => None,
        }
    }

    /// Whether values of the type travel as JSON strings.
    fn is_text(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String | Ty::Secret | Ty::DateTime => true,
            Ty::Named(id) => matches!(self.nodes[id.0].kind, Some(TypeKind::Enum(_))),
            _ => false,
        }
    }
}

/// The `/rest` side's parameters.
fn inputs(rest: &crate::ir::Operation) -> Vec<RestInput<'_>> {
    rest.params
        .iter()
        .chain(rest.optional.iter().flat_map(|o| &o.params))
        .map(|p| RestInput { name: &p.field.wire, location: p.location, ty: &p.field.ty, required: p.field.required })
        .collect()
}

fn to_target(location: Location, name: &str) -> Target {
    match location {
        Location::Path => Target::Path(name.to_owned()),
        Location::Query | Location::Header => Target::Query(name.to_owned()),
    }
}

fn place_key(location: Location, name: &str) -> String {
    format!("{location:?}:{name}")
}

fn body_key(name: &str) -> String {
    format!("Body:{name}")
}
