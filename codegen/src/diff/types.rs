//! Comparison of types: structs field by field, enums value by value, unions variant by variant,
//! each classed by how callers use the type ([`super::verdict`]).

use std::collections::{BTreeMap, BTreeSet};

use super::compare::{Collector, Item};
use super::surface::{Member, Shape, Surface, Type, Usage, Value, Variant};
use super::verdict;
use super::{ChangeKind, Verdict};

/// Old type path to new: a type only the old side has and one only the new side has that stand
/// for the same spec node (JSON pointer, whatever the file), each the only such type on its side.
pub(super) fn renames(old: &Surface, new: &Surface) -> BTreeMap<String, String> {
    let by_origin = |side: &Surface, other: &Surface| {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (path, t) in side.types.iter().filter(|(p, _)| !other.types.contains_key(*p)) {
            for origin in &t.origins {
                out.entry(origin.clone()).or_default().insert(path.clone());
            }
        }
        out
    };
    let (gone, came) = (by_origin(old, new), by_origin(new, old));
    let mut pairs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (origin, from) in &gone {
        if let (Some(from), Some(to)) = (single(from), came.get(origin).and_then(single)) {
            pairs.entry(from.to_owned()).or_default().insert(to.to_owned());
        }
    }
    let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
    for to in pairs.values().flatten() {
        *claimed.entry(to.clone()).or_default() += 1;
    }
    pairs
        .into_iter()
        .filter_map(|(from, to)| {
            single(&to).filter(|t| claimed.get(*t) == Some(&1)).map(|t| (from.clone(), t.to_owned()))
        })
        .collect()
}

fn single(set: &BTreeSet<String>) -> Option<&str> {
    if set.len() == 1 { set.first().map(String::as_str) } else { None }
}

pub(super) fn compare(c: &mut Collector, old: &Surface, new: &Surface) {
    for (path, o) in &old.types {
        let renamed = c.renamed.get(path).and_then(|to| new.types.get_key_value(to)).map(|(p, n)| (p.clone(), n));
        match (new.types.get(path), renamed) {
            (Some(n), _) => ty(c, path, o, n),
            (None, Some((to, n))) => {
                let it = Item { path: &to, since: n.since.as_deref(), deprecated: None };
                let why =
                    format!("code that names `{path}` no longer compiles; it stands for the same part of the spec");
                c.push(&it, None, ChangeKind::TypeRenamed, (Verdict::Breaking, why), Some(path), Some(&to));
                ty(c, &to, o, n);
            }
            (None, None) => {
                let it = Item { path, since: o.since.as_deref(), deprecated: None };
                let why = (Verdict::Breaking, "code that names it no longer compiles".to_owned());
                c.push(&it, None, ChangeKind::TypeRemoved, why, Some(o.shape.kind_name()), None);
            }
        }
    }
    let renamed: BTreeSet<String> = c.renamed.values().cloned().collect();
    for (path, n) in new.types.iter().filter(|(path, _)| !old.types.contains_key(*path) && !renamed.contains(*path)) {
        let it = Item { path, since: n.since.as_deref(), deprecated: None };
        let why = (Verdict::Additive, "a new type".to_owned());
        c.push(&it, None, ChangeKind::TypeAdded, why, None, Some(n.shape.kind_name()));
    }
}

/// The type's short name, for reasons.
fn short(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// One type both sides have: first what is the type's own (its kind, `Default`, features,
/// documentation), then its members, each an item of its own.
fn ty(c: &mut Collector, path: &str, o: &Type, n: &Type) {
    let mark = c.mark();
    let it = Item { path, since: n.since.as_deref(), deprecated: None };
    // What breaks is code written against the old crate, so the old side's uses decide (a type
    // no function used then counts as built and read).
    let usage = o.usage.clone();
    let same_kind = match (&o.shape, &n.shape) {
        (Shape::Struct { default: od, params: op, .. }, Shape::Struct { default: nd, params: np, .. }) if op == np => {
            default(c, &it, *od, *nd);
            true
        }
        (Shape::Enum { catch_all: oc, .. }, Shape::Enum { catch_all: nc, .. }) => oc == nc,
        (Shape::Union { catch_all: oc, .. }, Shape::Union { catch_all: nc, .. }) => oc == nc,
        _ => false,
    };
    if !same_kind {
        let why = format!("code that builds, reads or matches `{}` no longer compiles", short(path));
        let why = (Verdict::Breaking, why);
        c.push(&it, None, ChangeKind::TypeKindChanged, why, Some(&kind_text(&o.shape)), Some(&kind_text(&n.shape)));
    }
    if o.features != n.features {
        let why = verdict::gate(&o.features, &n.features);
        let (from, to) = (verdict::features_text(&o.features), verdict::features_text(&n.features));
        c.push(&it, None, ChangeKind::GateChanged, why, Some(&from), Some(&to));
    }
    c.docs(mark, &o.doc, &n.doc);
    if !same_kind {
        return;
    }
    match (&o.shape, &n.shape) {
        (Shape::Struct { members: om, .. }, Shape::Struct { members: nm, .. }) => members(c, &it, &usage, om, nm),
        (Shape::Enum { values: ov, catch_all }, Shape::Enum { values: nv, .. }) => {
            values(c, &it, &usage, ov, nv, catch_all);
        }
        (Shape::Union { variants: ov, catch_all }, Shape::Union { variants: nv, .. }) => {
            variants(c, &it, &usage, ov, nv, catch_all.as_deref());
        }
        _ => {}
    }
}

/// A shape's kind, with its catch-all variant where it has one (a renamed catch-all is a kind
/// change too: code that names it no longer compiles).
fn kind_text(shape: &Shape) -> String {
    match shape {
        Shape::Enum { catch_all, .. } | Shape::Union { catch_all: Some(catch_all), .. } => {
            format!("{} (catch-all `{catch_all}`)", shape.kind_name())
        }
        _ => shape.kind_name().to_owned(),
    }
}

fn member_item<'a>(it: &Item<'a>, m: &'a Member) -> Item<'a> {
    Item { path: it.path, since: m.since.as_deref(), deprecated: m.deprecated.then_some("deprecated by the spec") }
}

fn members(
    c: &mut Collector,
    it: &Item,
    usage: &Usage,
    old: &BTreeMap<String, Member>,
    new: &BTreeMap<String, Member>,
) {
    let name = short(it.path);
    for (field, o) in old.iter().filter(|(f, _)| !new.contains_key(*f)) {
        let why = verdict::field_broken("it was removed");
        c.push(&member_item(it, o), Some(field), ChangeKind::FieldRemoved, why, Some(&o.ty), None);
    }
    for (field, n) in new.iter().filter(|(f, _)| !old.contains_key(*f)) {
        let why = verdict::field_added(name, usage, n.optional);
        c.push(&member_item(it, n), Some(field), ChangeKind::FieldAdded, why, None, Some(&n.ty));
    }
    for (field, o) in old {
        if let Some(n) = new.get(field) {
            member(c, it, field, o, n);
        }
    }
}

/// One field both sides have: its Rust type first, then its wire form, then its deprecation.
fn member(c: &mut Collector, it: &Item, field: &str, o: &Member, n: &Member) {
    let mark = c.mark();
    let at = member_item(it, n);
    if o.ty != n.ty {
        let inner = |m: &Member| m.ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')).map(str::to_owned);
        let (kind, what) = if o.optional && !n.optional && inner(o).as_deref() == Some(&n.ty) {
            (ChangeKind::FieldMadeRequired, "`Option` was dropped")
        } else if !o.optional && n.optional && inner(n).as_deref() == Some(&o.ty) {
            (ChangeKind::FieldMadeOptional, "it is now an `Option`")
        } else {
            (ChangeKind::FieldRetyped, "its type changed")
        };
        let (verdict, reason) = verdict::field_broken(what);
        let why = (verdict, format!("{reason}{}", c.rename_note(&o.ty, &n.ty)));
        c.push(&at, Some(field), kind, why, Some(&o.ty), Some(&n.ty));
    } else if o.wire != n.wire {
        let why = (Verdict::Patch, "the Rust type is the same; what goes on the wire changed".to_owned());
        c.push(&at, Some(field), ChangeKind::FieldWireChanged, why, Some(&o.wire), Some(&n.wire));
    }
    if !o.deprecated && n.deprecated {
        let why =
            (Verdict::Patch, "documented as deprecated; not `#[deprecated]` in Rust, so calls do not warn".to_owned());
        c.push(&at, Some(field), ChangeKind::FieldDeprecated, why, None, Some("deprecated by the spec"));
    }
    c.docs(mark, &o.doc, &n.doc);
}

fn default(c: &mut Collector, it: &Item, old: bool, new: bool) {
    let name = short(it.path);
    let (kind, why) = match (old, new) {
        (true, false) => (
            ChangeKind::DefaultRemoved,
            (Verdict::Breaking, format!("`{name}::default()` and `..Default::default()` no longer compile")),
        ),
        (false, true) => (ChangeKind::DefaultAdded, (Verdict::Additive, format!("`{name}::default()` now compiles"))),
        _ => return,
    };
    let text = |d: bool| if d { "derives Default" } else { "no Default" };
    c.push(it, None, kind, why, Some(text(old)), Some(text(new)));
}

fn values(
    c: &mut Collector,
    it: &Item,
    usage: &Usage,
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
    catch_all: &str,
) {
    let name = short(it.path);
    let at = |v: &'_ Value| super::surface::since(&v.doc);
    for (variant, o) in old.iter().filter(|(v, _)| !new.contains_key(*v)) {
        let since = at(o);
        let item = Item { path: it.path, since: since.as_deref(), deprecated: None };
        let why = verdict::variant_removed(Some(catch_all));
        c.push(&item, Some(variant), ChangeKind::EnumValueRemoved, why, Some(&o.wire), None);
    }
    for (variant, n) in new.iter().filter(|(v, _)| !old.contains_key(*v)) {
        let since = at(n);
        let item = Item { path: it.path, since: since.as_deref(), deprecated: None };
        let why = verdict::variant_added(name, usage, Some(catch_all));
        c.push(&item, Some(variant), ChangeKind::EnumValueAdded, why, None, Some(&n.wire));
    }
    for (variant, o) in old {
        let Some(n) = new.get(variant) else { continue };
        if o.wire != n.wire {
            let why = (Verdict::Patch, "the variant is the same; its value on the wire changed".to_owned());
            c.push(it, Some(variant), ChangeKind::EnumValueWireChanged, why, Some(&o.wire), Some(&n.wire));
        } else {
            c.docs(c.mark(), &o.doc, &n.doc);
        }
    }
}

fn variants(
    c: &mut Collector,
    it: &Item,
    usage: &Usage,
    old: &BTreeMap<String, Variant>,
    new: &BTreeMap<String, Variant>,
    catch_all: Option<&str>,
) {
    let name = short(it.path);
    for (variant, o) in old.iter().filter(|(v, _)| !new.contains_key(*v)) {
        let why = verdict::variant_removed(catch_all);
        c.push(it, Some(variant), ChangeKind::VariantRemoved, why, Some(&o.ty), None);
    }
    for (variant, n) in new.iter().filter(|(v, _)| !old.contains_key(*v)) {
        let why = verdict::variant_added(name, usage, catch_all);
        c.push(it, Some(variant), ChangeKind::VariantAdded, why, None, Some(&n.ty));
    }
    for (variant, o) in old {
        let Some(n) = new.get(variant) else { continue };
        if o.ty != n.ty {
            let note = c.rename_note(&o.ty, &n.ty);
            let why =
                (Verdict::Breaking, format!("code that builds or destructures this variant no longer compiles{note}"));
            c.push(it, Some(variant), ChangeKind::VariantChanged, why, Some(&o.ty), Some(&n.ty));
        } else if o.tag != n.tag {
            let why = (Verdict::Patch, "the payload is the same; its tag on the wire changed".to_owned());
            let tag = |v: &Variant| v.tag.as_ref().map(|t| format!("tag {t}"));
            c.push(it, Some(variant), ChangeKind::VariantChanged, why, tag(o).as_deref(), tag(n).as_deref());
        }
    }
}
