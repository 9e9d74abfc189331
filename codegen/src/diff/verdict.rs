//! The rules that class a change, each with the reason the report gives. Everything that depends
//! on how callers use a type (built for a request, read from a response) is decided here.

use std::collections::BTreeSet;

use super::Verdict;
use super::surface::Usage;

/// A verdict and its reason.
pub(super) type Ruling = (Verdict, String);

/// How a type is met, for reasons: "callers build `X` (an input of `f`)".
fn built(name: &str, usage: &Usage) -> Option<String> {
    match (&usage.built_for, &usage.read_from) {
        (Some(f), _) => Some(format!("callers build `{name}` (an input of `{f}`)")),
        (None, None) => Some(format!("no function uses `{name}`, so callers may build it")),
        (None, Some(_)) => None,
    }
}

fn read(name: &str, usage: &Usage) -> Option<String> {
    match (&usage.read_from, &usage.built_for) {
        (Some(f), _) => Some(format!("callers read `{name}` (an output of `{f}`)")),
        (None, None) => Some(format!("no function uses `{name}`, so callers may read it")),
        (None, Some(_)) => None,
    }
}

/// A field appeared. Breaking where callers build the struct: a struct literal must name every
/// field (`..Default::default()` helps only literals that use it). Where callers only read it,
/// additive.
pub(super) fn field_added(name: &str, usage: &Usage, optional: bool) -> Ruling {
    if let Some(why) = built(name, usage) {
        return (Verdict::Breaking, format!("{why}: a struct literal must now name this field"));
    }
    let why = read(name, usage).unwrap_or_default();
    let note =
        if optional { String::new() } else { "; replies from servers that leave it out no longer decode".to_owned() };
    (Verdict::Additive, format!("{why} and never build it: reading code still compiles{note}"))
}

/// A field disappeared, changed type or `Option`-ness: reads and literals both stop compiling.
pub(super) fn field_broken(what: &str) -> Ruling {
    (Verdict::Breaking, format!("code that reads or builds this field no longer compiles ({what})"))
}

/// An enum value or union variant appeared. The generated enums are exhaustive (not
/// `#[non_exhaustive]`): a `match` without a wildcard arm stops compiling, and a value that
/// decoded into the catch-all now decodes into the new variant. That breaks code that reads the
/// type; code that only builds it is unaffected.
pub(super) fn variant_added(name: &str, usage: &Usage, catch_all: Option<&str>) -> Ruling {
    if let Some(why) = read(name, usage) {
        let before = match catch_all {
            Some(v) => format!(", and this value no longer arrives as `{v}`"),
            None => ", and values that decoded as another variant may now decode as this one".to_owned(),
        };
        let reason =
            format!("{why}: `{name}` is exhaustive, so a `match` on it without a wildcard no longer compiles{before}");
        return (Verdict::Breaking, reason);
    }
    let why = built(name, usage).unwrap_or_default();
    (Verdict::Additive, format!("{why} and never read it: nothing matches on it"))
}

/// An enum value or union variant disappeared: code that names it stops compiling (decoding
/// still works: the value lands in the catch-all).
pub(super) fn variant_removed(catch_all: Option<&str>) -> Ruling {
    let still = match catch_all {
        Some(v) => format!(" (the value itself still decodes, into `{v}`)"),
        None => String::new(),
    };
    (Verdict::Breaking, format!("code that names this variant no longer compiles{still}"))
}

/// The cargo features an item needs changed. More features: breaking for builds that do not
/// enable them; fewer: additive.
pub(super) fn gate(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Ruling {
    if new.is_subset(old) {
        (Verdict::Additive, "it now compiles with fewer features".to_owned())
    } else {
        let extra: Vec<String> = new.difference(old).map(|f| format!("`{f}`")).collect();
        (Verdict::Breaking, format!("builds without feature {} lose it", extra.join(", ")))
    }
}

/// The features an item needs, as a report says it.
pub(super) fn features_text(features: &BTreeSet<String>) -> String {
    if features.is_empty() {
        "always compiled".to_owned()
    } else {
        let names: Vec<&str> = features.iter().map(String::as_str).collect();
        let word = if names.len() == 1 { "feature" } else { "features" };
        format!("{word} {}", names.join(" + "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(built: bool, read: bool) -> Usage {
        Usage { built_for: built.then(|| "m::create".to_owned()), read_from: read.then(|| "m::get".to_owned()) }
    }

    /// (built, read) -> the verdict of an optional field added, of a required one, of an enum
    /// value added. A type used both ways counts as both; one no function uses, as both too.
    #[test]
    fn direction_decides_additions() {
        use Verdict::{Additive, Breaking};
        let cases = [
            ((true, false), [Breaking, Breaking, Additive]),
            ((false, true), [Additive, Additive, Breaking]),
            ((true, true), [Breaking, Breaking, Breaking]),
            ((false, false), [Breaking, Breaking, Breaking]),
        ];
        for ((built, read), expected) in cases {
            let u = usage(built, read);
            let got = [
                field_added("T", &u, true).0,
                field_added("T", &u, false).0,
                variant_added("T", &u, Some("Unrecognized")).0,
            ];
            assert_eq!(got, expected, "built {built}, read {read}");
        }
        let (_, reason) = field_added("T", &usage(false, true), false);
        assert!(reason.contains("no longer decode"), "a required field in a reply says what it costs: {reason}");
    }

    #[test]
    fn more_features_break_fewer_do_not() {
        let set = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<BTreeSet<String>>();
        assert_eq!(gate(&set(&[]), &set(&["vcenter"])).0, Verdict::Breaking);
        assert_eq!(gate(&set(&["vcenter"]), &set(&[])).0, Verdict::Additive);
        assert_eq!(gate(&set(&["esx"]), &set(&["vcenter"])).0, Verdict::Breaking);
        assert_eq!(features_text(&set(&[])), "always compiled");
        assert_eq!(features_text(&set(&["a", "b"])), "features a + b");
    }
}
