//! The Markdown report: a summary, the changes by class and kind, a legend of the rules, and the
//! semver bump last.

use std::fmt::Write as _;

use super::{ApiDiff, Change, ChangeKind, SideSummary, Verdict};

/// The `snake_case` name of a kind: its serde name.
pub(super) fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::FeatureAdded => "feature_added",
        ChangeKind::FeatureRemoved => "feature_removed",
        ChangeKind::FunctionAdded => "function_added",
        ChangeKind::FunctionRemoved => "function_removed",
        ChangeKind::FunctionRenamed => "function_renamed",
        ChangeKind::ParameterAdded => "parameter_added",
        ChangeKind::ParameterRemoved => "parameter_removed",
        ChangeKind::ParameterRetyped => "parameter_retyped",
        ChangeKind::ParametersReordered => "parameters_reordered",
        ChangeKind::ParameterRenamed => "parameter_renamed",
        ChangeKind::BodyChanged => "body_changed",
        ChangeKind::ResultChanged => "result_changed",
        ChangeKind::ErrorChanged => "error_changed",
        ChangeKind::DeprecationAdded => "deprecation_added",
        ChangeKind::DeprecationRemoved => "deprecation_removed",
        ChangeKind::DeprecationChanged => "deprecation_changed",
        ChangeKind::LegacyRouteAdded => "legacy_route_added",
        ChangeKind::LegacyRouteRemoved => "legacy_route_removed",
        ChangeKind::LegacyRouteChanged => "legacy_route_changed",
        ChangeKind::RouteChanged => "route_changed",
        ChangeKind::GateChanged => "gate_changed",
        ChangeKind::TypeAdded => "type_added",
        ChangeKind::TypeRemoved => "type_removed",
        ChangeKind::TypeRenamed => "type_renamed",
        ChangeKind::TypeKindChanged => "type_kind_changed",
        ChangeKind::DefaultAdded => "default_added",
        ChangeKind::DefaultRemoved => "default_removed",
        ChangeKind::FieldAdded => "field_added",
        ChangeKind::FieldRemoved => "field_removed",
        ChangeKind::FieldRetyped => "field_retyped",
        ChangeKind::FieldMadeRequired => "field_made_required",
        ChangeKind::FieldMadeOptional => "field_made_optional",
        ChangeKind::FieldWireChanged => "field_wire_changed",
        ChangeKind::FieldDeprecated => "field_deprecated",
        ChangeKind::EnumValueAdded => "enum_value_added",
        ChangeKind::EnumValueRemoved => "enum_value_removed",
        ChangeKind::EnumValueWireChanged => "enum_value_wire_changed",
        ChangeKind::VariantAdded => "variant_added",
        ChangeKind::VariantRemoved => "variant_removed",
        ChangeKind::VariantChanged => "variant_changed",
    }
}

/// How the report calls a kind.
fn kind_label(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::FeatureAdded => "cargo feature added",
        ChangeKind::FeatureRemoved => "cargo feature removed",
        ChangeKind::FunctionAdded => "function added",
        ChangeKind::FunctionRemoved => "function removed",
        ChangeKind::FunctionRenamed => "function renamed",
        ChangeKind::ParameterAdded => "argument added",
        ChangeKind::ParameterRemoved => "argument removed",
        ChangeKind::ParameterRetyped => "argument retyped",
        ChangeKind::ParametersReordered => "arguments reordered",
        ChangeKind::ParameterRenamed => "argument renamed",
        ChangeKind::BodyChanged => "body changed",
        ChangeKind::ResultChanged => "result type changed",
        ChangeKind::ErrorChanged => "error type changed",
        ChangeKind::DeprecationAdded => "deprecated",
        ChangeKind::DeprecationRemoved => "no longer deprecated",
        ChangeKind::DeprecationChanged => "deprecation note changed",
        ChangeKind::LegacyRouteAdded => "legacy route added",
        ChangeKind::LegacyRouteRemoved => "legacy route removed",
        ChangeKind::LegacyRouteChanged => "legacy route changed",
        ChangeKind::RouteChanged => "route changed",
        ChangeKind::GateChanged => "features needed changed",
        ChangeKind::TypeAdded => "type added",
        ChangeKind::TypeRemoved => "type removed",
        ChangeKind::TypeRenamed => "type renamed",
        ChangeKind::TypeKindChanged => "type changed kind",
        ChangeKind::DefaultAdded => "`Default` derived",
        ChangeKind::DefaultRemoved => "`Default` no longer derived",
        ChangeKind::FieldAdded => "field added",
        ChangeKind::FieldRemoved => "field removed",
        ChangeKind::FieldRetyped => "field retyped",
        ChangeKind::FieldMadeRequired => "field made required",
        ChangeKind::FieldMadeOptional => "field made optional",
        ChangeKind::FieldWireChanged => "field changed on the wire",
        ChangeKind::FieldDeprecated => "field deprecated",
        ChangeKind::EnumValueAdded => "enum value added",
        ChangeKind::EnumValueRemoved => "enum value removed",
        ChangeKind::EnumValueWireChanged => "enum value changed on the wire",
        ChangeKind::VariantAdded => "union variant added",
        ChangeKind::VariantRemoved => "union variant removed",
        ChangeKind::VariantChanged => "union variant changed",
    }
}

/// Sections with more entries than this are folded in `<details>`.
const FOLD_OVER: usize = 25;

pub(super) fn render(diff: &ApiDiff) -> String {
    let mut out = String::from("# Changes to the generated API\n\n");
    let _ = writeln!(out, "- old: {}\n- new: {}\n", side(&diff.old), side(&diff.new));
    if diff.is_empty() {
        out.push_str("No changes: both spec sets generate the same Rust API, documentation included.\n\n");
    } else {
        summary(&mut out, diff);
        for verdict in [Verdict::Breaking, Verdict::Additive, Verdict::Patch] {
            section(&mut out, &diff.changes, verdict);
        }
    }
    out.push_str(LEGEND);
    bump(&mut out, diff);
    out
}

fn side(s: &SideSummary) -> String {
    let files: Vec<String> = s.files.iter().map(|f| code(f)).collect();
    let warnings = match s.warnings {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    };
    format!("{} ({} functions, {} types{warnings})", files.join(", "), s.functions, s.types)
}

fn summary(out: &mut String, diff: &ApiDiff) {
    let s = &diff.summary;
    let _ = writeln!(
        out,
        "**{} breaking, {} additive, {} patch-level changes; {} documentation-only (counted, not listed).**\n",
        s.breaking, s.additive, s.patch, s.doc_only
    );
    out.push_str("| change | breaking | additive | patch |\n|---|---:|---:|---:|\n");
    for kind in kinds(&diff.changes) {
        if let Some(c) = s.by_kind.get(kind_name(kind)) {
            let _ = writeln!(out, "| {} | {} | {} | {} |", kind_label(kind), c.breaking, c.additive, c.patch);
        }
    }
    out.push('\n');
}

fn section(out: &mut String, changes: &[Change], verdict: Verdict) {
    let these: Vec<&Change> = changes.iter().filter(|c| c.verdict == verdict).collect();
    if these.is_empty() {
        return;
    }
    let title = match verdict {
        Verdict::Breaking => "Breaking changes",
        Verdict::Additive => "Additive changes",
        Verdict::Patch => "Patch-level changes",
    };
    let _ = writeln!(out, "## {title} ({})\n", these.len());
    for kind in kinds(changes) {
        let of_kind: Vec<&&Change> = these.iter().filter(|c| c.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {} ({})\n", capitalised(kind_label(kind)), of_kind.len());
        let fold = of_kind.len() > FOLD_OVER;
        if fold {
            let _ = writeln!(out, "<details><summary>{} entries</summary>\n", of_kind.len());
        }
        for change in of_kind {
            out.push_str(&line(change));
        }
        out.push_str(if fold { "\n</details>\n\n" } else { "\n" });
    }
}

/// The kinds that occur, in report order (the order `ChangeKind` declares them in).
fn kinds(changes: &[Change]) -> Vec<ChangeKind> {
    let set: std::collections::BTreeSet<ChangeKind> = changes.iter().map(|c| c.kind).collect();
    set.into_iter().collect()
}

fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One change: its subject, the old and new sides, why, and the spec's notes.
fn line(c: &Change) -> String {
    let subject = match (&c.member, c.kind) {
        (None, _) => code(&c.item),
        (Some(m), ChangeKind::BodyChanged) if m == "body" => format!("{} body", code(&c.item)),
        (Some(m), k) if is_argument(k) => format!("{} argument {}", code(&c.item), code(m)),
        (Some(m), _) => code(&format!("{}::{m}", c.item)),
    };
    let sides = match (&c.old, &c.new) {
        // A feature names itself.
        (Some(side), None) | (None, Some(side)) if *side == c.item => String::new(),
        (Some(o), Some(n)) => format!(": {} → {}", code(o), code(n)),
        (None, Some(n)) => format!(": {}", code(n)),
        (Some(o), None) => format!(": was {}", code(o)),
        (None, None) => String::new(),
    };
    let mut text = format!("- {subject}{sides}. {}.", capitalised(&c.reason));
    if let Some(since) = &c.since {
        let _ = write!(text, " _Since {since}._");
    }
    let about_deprecation =
        matches!(c.kind, ChangeKind::DeprecationAdded | ChangeKind::DeprecationChanged | ChangeKind::FieldDeprecated);
    if let Some(note) = c.deprecated.as_ref().filter(|_| !about_deprecation) {
        let _ = write!(text, " _Deprecated: {}._", one_line(note));
    }
    text.push('\n');
    text
}

fn is_argument(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::ParameterAdded
            | ChangeKind::ParameterRemoved
            | ChangeKind::ParameterRetyped
            | ChangeKind::ParameterRenamed
            | ChangeKind::BodyChanged
    )
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline code that survives backticks in the text.
fn code(text: &str) -> String {
    let text = one_line(text);
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

fn bump(out: &mut String, diff: &ApiDiff) {
    let b = &diff.bump;
    let level = b.level.name();
    let to = b.to.as_deref().map_or_else(|| "the next such version".to_owned(), code);
    let _ = writeln!(out, "## Semver\n\n**{level}**: {} → {to}. {}.", code(&b.from), capitalised(&b.note));
}

const LEGEND: &str = "## How changes are classed

- **Breaking**: code that compiled against the old crate may not compile, or may fail at run
  time. **Additive**: new API; code that compiled still compiles and behaves the same.
  **Patch**: neither (a route's spelling, an argument's name, a wire detail, a note).
  Documentation-only changes are counted, not listed.
- Items are compared by Rust path (module path and name), as the generated code has them.
  A function is *renamed* when both sides have one function each on its route (method and path
  template) under different names; a function whose route changes under the same name is
  breaking, because calls go elsewhere.
- How callers use a type decides what a change to it does: a type is *built* when it is reachable
  from a function's arguments (parameters, body, optional parameters) and *read* when it is
  reachable from a result or an error type; a type no function uses counts as both.
- Struct fields: a new field in a struct callers build is breaking, `Option` or not: a struct
  literal must name every field, and `..Default::default()` helps only literals that use it
  (cargo-semver-checks' `constructible_struct_adds_field`). In a struct callers only read, a new
  field is additive, on the assumption that callers do not build response values by literal or
  destructure them without `..`; a new non-`Option` field there still means replies from servers
  that leave it out no longer decode. Removed, retyped, made required (`Option<T>` to `T`) and
  made optional (`T` to `Option<T>`) fields are breaking in every direction.
- Enums and unions are open (an unknown value decodes into the catch-all variant,
  `Unrecognized`), but they are not `#[non_exhaustive]`: a `match` that names every variant
  needs no wildcard arm. So a new value breaks such a `match`, and a value that used to arrive
  as `Unrecognized` arrives as the new variant: breaking for types callers read, additive for
  types they only build. A removed value is breaking: code that names it no longer compiles,
  though decoding still works.
- `#[deprecated]` added is additive (a warning, not an error). A legacy route (`ApiMode::Legacy`)
  added is additive, removed is breaking. Needing more cargo features is breaking for builds
  without them.

";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_the_serde_names() {
        // Every kind, in declaration order.
        let kinds = [
            ChangeKind::FeatureAdded,
            ChangeKind::FeatureRemoved,
            ChangeKind::FunctionAdded,
            ChangeKind::FunctionRemoved,
            ChangeKind::FunctionRenamed,
            ChangeKind::ParameterAdded,
            ChangeKind::ParameterRemoved,
            ChangeKind::ParameterRetyped,
            ChangeKind::ParametersReordered,
            ChangeKind::ParameterRenamed,
            ChangeKind::BodyChanged,
            ChangeKind::ResultChanged,
            ChangeKind::ErrorChanged,
            ChangeKind::DeprecationAdded,
            ChangeKind::DeprecationRemoved,
            ChangeKind::DeprecationChanged,
            ChangeKind::LegacyRouteAdded,
            ChangeKind::LegacyRouteRemoved,
            ChangeKind::LegacyRouteChanged,
            ChangeKind::RouteChanged,
            ChangeKind::GateChanged,
            ChangeKind::TypeAdded,
            ChangeKind::TypeRemoved,
            ChangeKind::TypeRenamed,
            ChangeKind::TypeKindChanged,
            ChangeKind::DefaultAdded,
            ChangeKind::DefaultRemoved,
            ChangeKind::FieldAdded,
            ChangeKind::FieldRemoved,
            ChangeKind::FieldRetyped,
            ChangeKind::FieldMadeRequired,
            ChangeKind::FieldMadeOptional,
            ChangeKind::FieldWireChanged,
            ChangeKind::FieldDeprecated,
            ChangeKind::EnumValueAdded,
            ChangeKind::EnumValueRemoved,
            ChangeKind::EnumValueWireChanged,
            ChangeKind::VariantAdded,
            ChangeKind::VariantRemoved,
            ChangeKind::VariantChanged,
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).expect("serialise");
            assert_eq!(json, format!("\"{}\"", kind_name(kind)));
        }
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a `b` c"), "`` a `b` c ``");
        assert_eq!(code("Vec<T>"), "`Vec<T>`");
    }
}
