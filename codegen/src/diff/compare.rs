//! Comparison of two surfaces: features, then functions (renames found by route), then types
//! ([`super::types`]). Each item's changes are collected in order and sorted at the end.

use std::collections::{BTreeMap, BTreeSet};

use super::surface::{Function, Surface};
use super::verdict::{self, Ruling};
use super::{Change, ChangeKind, Verdict};

/// The changes, sorted, and the number of items whose documentation alone changed.
pub(super) struct Compared {
    pub changes: Vec<Change>,
    pub doc_only: usize,
}

/// The item a change is about, with the spec's notes on it.
pub(super) struct Item<'a> {
    pub path: &'a str,
    pub since: Option<&'a str>,
    pub deprecated: Option<&'a str>,
}

/// Gathers changes and counts documentation-only ones.
#[derive(Default)]
pub(super) struct Collector {
    changes: Vec<Change>,
    doc_only: usize,
    /// Renamed types, old path to new, for notes on the changes they cause.
    pub renamed: BTreeMap<String, String>,
}

impl Collector {
    /// `"; it follows from the rename of `A` to `B`"` when `new` is `old` with renamed types
    /// substituted, else nothing.
    pub fn rename_note(&self, old: &str, new: &str) -> String {
        let mut used = Vec::new();
        let substituted = substitute(old, &self.renamed, &mut used);
        if substituted != new || used.is_empty() {
            return String::new();
        }
        let renames: Vec<String> = used.iter().map(|(a, b)| format!("`{a}` to `{b}`")).collect();
        format!("; this follows from the rename of {}", renames.join(", "))
    }

    /// How many changes so far: a mark for [`Collector::docs`].
    pub fn mark(&self) -> usize {
        self.changes.len()
    }

    /// Records a change of `item` (or of its `member`), from `old` to `new`.
    pub fn push(
        &mut self,
        item: &Item,
        member: Option<&str>,
        kind: ChangeKind,
        (verdict, reason): Ruling,
        old: Option<&str>,
        new: Option<&str>,
    ) {
        self.changes.push(Change {
            item: item.path.to_owned(),
            member: member.map(str::to_owned),
            kind,
            verdict,
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
            reason,
            since: item.since.map(str::to_owned),
            deprecated: item.deprecated.map(str::to_owned),
        });
    }

    /// Counts a documentation-only change when the docs differ and nothing was recorded since
    /// `mark`.
    pub fn docs(&mut self, mark: usize, old: &[String], new: &[String]) {
        if self.changes.len() == mark && old != new {
            self.doc_only += 1;
        }
    }

    fn finish(mut self) -> Compared {
        self.changes.sort();
        self.changes.dedup();
        Compared { changes: self.changes, doc_only: self.doc_only }
    }
}

/// `ty` with every renamed type path replaced, whole paths only; the renames used go to `used`.
fn substitute(ty: &str, renamed: &BTreeMap<String, String>, used: &mut Vec<(String, String)>) -> String {
    let mut out = String::with_capacity(ty.len());
    let mut word = String::new();
    let mut flush = |word: &mut String, out: &mut String| {
        match renamed.get(word.as_str()) {
            Some(to) => {
                used.push((word.clone(), to.clone()));
                out.push_str(to);
            }
            None => out.push_str(word),
        }
        word.clear();
    };
    for ch in ty.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == ':' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

pub(super) fn compare(old: &Surface, new: &Surface) -> Compared {
    let mut c = Collector { renamed: super::types::renames(old, new), ..Collector::default() };
    features(&mut c, &old.features, &new.features);
    functions(&mut c, old, new);
    super::types::compare(&mut c, old, new);
    c.finish()
}

fn features(c: &mut Collector, old: &BTreeSet<String>, new: &BTreeSet<String>) {
    for gone in old.difference(new) {
        let item = Item { path: gone, since: None, deprecated: None };
        let why = "manifests that enable this feature no longer resolve".to_owned();
        c.push(&item, None, ChangeKind::FeatureRemoved, (Verdict::Breaking, why), Some(gone), None);
    }
    for added in new.difference(old) {
        let item = Item { path: added, since: None, deprecated: None };
        let why = "a new cargo feature (in `full`, the default)".to_owned();
        c.push(&item, None, ChangeKind::FeatureAdded, (Verdict::Additive, why), None, Some(added));
    }
}

fn item<'a>(path: &'a str, f: &'a Function) -> Item<'a> {
    Item { path, since: f.since.as_deref(), deprecated: f.deprecated.as_deref() }
}

fn functions(c: &mut Collector, old: &Surface, new: &Surface) {
    let renames = renames(old, new);
    for (path, o) in &old.functions {
        if let Some(n) = new.functions.get(path) {
            function(c, path, o, n);
        } else if let Some((to, n)) = renames.get(path.as_str()).and_then(|to| new.functions.get_key_value(*to)) {
            let why = format!("calls to `{path}` no longer compile; the route is the same, `{}`", n.shown_route);
            c.push(&item(to, n), None, ChangeKind::FunctionRenamed, (Verdict::Breaking, why), Some(path), Some(to));
            function(c, to, o, n);
        } else {
            let why = "calls to it no longer compile".to_owned();
            c.push(
                &item(path, o),
                None,
                ChangeKind::FunctionRemoved,
                (Verdict::Breaking, why),
                Some(&o.shown_route),
                None,
            );
        }
    }
    let renamed: BTreeSet<&str> = renames.values().copied().collect();
    let old_routes: BTreeMap<&str, &str> = old.functions.iter().map(|(p, f)| (f.route.as_str(), p.as_str())).collect();
    for (path, n) in &new.functions {
        if !old.functions.contains_key(path) && !renamed.contains(path.as_str()) {
            let why = match old_routes.get(n.route.as_str()) {
                Some(before) => format!("a new function, on the route `{before}` used to send"),
                None => "a new function".to_owned(),
            };
            c.push(
                &item(path, n),
                None,
                ChangeKind::FunctionAdded,
                (Verdict::Additive, why),
                None,
                Some(&n.shown_route),
            );
        }
    }
}

/// Old function path to new: a function only the old side has, and one only the new side has,
/// that send the same route (method and path template), each the only function of its side to
/// send it.
fn renames<'a>(old: &'a Surface, new: &'a Surface) -> BTreeMap<&'a str, &'a str> {
    let by_route = |s: &'a Surface| {
        let mut routes: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for (path, f) in &s.functions {
            routes.entry(f.route.as_str()).or_default().push(path.as_str());
        }
        routes
    };
    let (old_routes, new_routes) = (by_route(old), by_route(new));
    let mut out = BTreeMap::new();
    for (route, olds) in &old_routes {
        let (&[from], Some(&[to])) = (olds.as_slice(), new_routes.get(route).map(Vec::as_slice)) else { continue };
        if !new.functions.contains_key(from) && !old.functions.contains_key(to) {
            out.insert(from, to);
        }
    }
    out
}

/// Compares one function's signature, route, deprecation and features.
fn function(c: &mut Collector, path: &str, o: &Function, n: &Function) {
    let mark = c.mark();
    let it = item(path, n);
    arguments(c, &it, o, n);
    let note = |c: &Collector, a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => c.rename_note(a, b),
        _ => String::new(),
    };
    if o.body != n.body {
        let why = format!(
            "the body argument changed; calls no longer compile{}",
            note(c, o.body.as_deref(), n.body.as_deref())
        );
        let why = (Verdict::Breaking, why);
        c.push(&it, Some("body"), ChangeKind::BodyChanged, why, o.body.as_deref(), n.body.as_deref());
    }
    optional(c, &it, o, n);
    if o.result != n.result {
        let why = format!("code that uses the result no longer compiles{}", c.rename_note(&o.result, &n.result));
        let why = (Verdict::Breaking, why);
        c.push(&it, None, ChangeKind::ResultChanged, why, Some(&o.result), Some(&n.result));
    }
    if o.error != n.error {
        let why = format!("code that inspects the error no longer compiles{}", c.rename_note(&o.error, &n.error));
        let why = (Verdict::Breaking, why);
        c.push(&it, None, ChangeKind::ErrorChanged, why, Some(&o.error), Some(&n.error));
    }
    deprecation(c, &it, o, n);
    legacy(c, &it, o, n);
    route(c, &it, o, n);
    if o.features != n.features {
        let why = verdict::gate(&o.features, &n.features);
        let (from, to) = (verdict::features_text(&o.features), verdict::features_text(&n.features));
        c.push(&it, None, ChangeKind::GateChanged, why, Some(&from), Some(&to));
    }
    c.docs(mark, &o.doc, &n.doc);
}

/// Positional arguments. The same types in the same order with other names is a rename (Rust
/// arguments are positional); otherwise arguments are matched by name.
fn arguments(c: &mut Collector, it: &Item, o: &Function, n: &Function) {
    let types = |f: &Function| f.args.iter().map(|a| a.ty.clone()).collect::<Vec<_>>();
    if types(o) == types(n) {
        for (a, b) in o.args.iter().zip(&n.args).filter(|(a, b)| a.name != b.name) {
            let why = (Verdict::Patch, "arguments are positional: calls still compile".to_owned());
            c.push(it, Some(&b.name), ChangeKind::ParameterRenamed, why, Some(&a.name), Some(&b.name));
        }
        return;
    }
    let find = |f: &Function, name: &str| f.args.iter().find(|a| a.name == name).map(|a| a.ty.clone());
    for a in &o.args {
        match find(n, &a.name) {
            None => {
                let why = (Verdict::Breaking, "calls pass an argument too many".to_owned());
                c.push(it, Some(&a.name), ChangeKind::ParameterRemoved, why, Some(&a.ty), None);
            }
            Some(ty) if ty != a.ty => {
                let why =
                    (Verdict::Breaking, format!("calls pass a value of the old type{}", c.rename_note(&a.ty, &ty)));
                c.push(it, Some(&a.name), ChangeKind::ParameterRetyped, why, Some(&a.ty), Some(&ty));
            }
            Some(_) => {}
        }
    }
    for b in n.args.iter().filter(|b| find(o, &b.name).is_none()) {
        let why = (Verdict::Breaking, "calls lack this argument".to_owned());
        c.push(it, Some(&b.name), ChangeKind::ParameterAdded, why, None, Some(&b.ty));
    }
    // The arguments both sides have, in each side's order.
    let common = |f: &Function, other: &Function| -> Vec<String> {
        f.args.iter().filter(|a| find(other, &a.name).is_some()).map(|a| a.name.clone()).collect()
    };
    let (before, after) = (common(o, n), common(n, o));
    if before != after {
        let why = (Verdict::Breaking, "calls pass arguments in the old order".to_owned());
        c.push(it, None, ChangeKind::ParametersReordered, why, Some(&before.join(", ")), Some(&after.join(", ")));
    }
}

/// The `params: &{Op}Params` argument of optional parameters.
fn optional(c: &mut Collector, it: &Item, o: &Function, n: &Function) {
    let (kind, why) = match (&o.optional, &n.optional) {
        (None, Some(_)) => (ChangeKind::ParameterAdded, "calls lack the `params` argument"),
        (Some(_), None) => (ChangeKind::ParameterRemoved, "calls pass an argument too many"),
        (Some(a), Some(b)) if a != b => (ChangeKind::ParameterRetyped, "calls pass a value of the old type"),
        _ => return,
    };
    let note = match (&o.optional, &n.optional) {
        (Some(a), Some(b)) => c.rename_note(a, b),
        _ => String::new(),
    };
    let why = (Verdict::Breaking, format!("{why}{note}"));
    c.push(it, Some("params"), kind, why, o.optional.as_deref(), n.optional.as_deref());
}

fn deprecation(c: &mut Collector, it: &Item, o: &Function, n: &Function) {
    let (kind, why) = match (&o.deprecated, &n.deprecated) {
        (None, Some(_)) => {
            (ChangeKind::DeprecationAdded, (Verdict::Additive, "calls now warn (`#[deprecated]`); they still compile"))
        }
        (Some(_), None) => (ChangeKind::DeprecationRemoved, (Verdict::Patch, "calls no longer warn")),
        (Some(a), Some(b)) if a != b => (ChangeKind::DeprecationChanged, (Verdict::Patch, "only the note changed")),
        _ => return,
    };
    let why = (why.0, why.1.to_owned());
    c.push(it, None, kind, why, o.deprecated.as_deref(), n.deprecated.as_deref());
}

/// The legacy route: gaining one is additive, losing one breaks calls in `ApiMode::Legacy`.
fn legacy(c: &mut Collector, it: &Item, o: &Function, n: &Function) {
    if o.legacy == n.legacy {
        return;
    }
    let available = |f: &Function| f.legacy.as_ref().is_some_and(|l| l.available);
    let (kind, why) = match (available(o), available(n)) {
        (false, true) => {
            (ChangeKind::LegacyRouteAdded, (Verdict::Additive, "calls in `ApiMode::Legacy` now reach `/rest`"))
        }
        (true, false) => (
            ChangeKind::LegacyRouteRemoved,
            (Verdict::Breaking, "calls in `ApiMode::Legacy` that reached `/rest` now fail"),
        ),
        _ => (ChangeKind::LegacyRouteChanged, (Verdict::Patch, "calls in `ApiMode::Legacy` are sent differently")),
    };
    let text = |f: &Function| f.legacy.as_ref().map(|l| l.text());
    c.push(it, None, kind, (why.0, why.1.to_owned()), text(o).as_deref(), text(n).as_deref());
}

/// The same function sends another route. When its new legacy route is the old route, calls in
/// `ApiMode::Legacy` still go where they went.
fn route(c: &mut Collector, it: &Item, o: &Function, n: &Function) {
    if o.route == n.route {
        return;
    }
    let kept = n.legacy.as_ref().is_some_and(|l| l.available && l.route == o.shown_route);
    let why = if kept {
        "calls are sent to another endpoint; only a client in `ApiMode::Legacy` still sends them to the old one"
    } else {
        "calls are sent to another endpoint: servers that serve only the old one fail them"
    };
    let why = (Verdict::Breaking, why.to_owned());
    c.push(it, None, ChangeKind::RouteChanged, why, Some(&o.shown_route), Some(&n.shown_route));
}
