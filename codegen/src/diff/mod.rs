//! What changed in the generated Rust API between two sets of specs, and the semver bump the
//! generated crate needs.
//!
//! The diff works on the IR, not on the JSON: both sides run load -> validate -> lower
//! ([`crate::pipeline::lower`]), then [`surface`] reduces each crate to its public Rust surface
//! (functions and types by Rust path, type expressions spelled out, each type's direction of use),
//! [`compare`] and [`types`] compare the two surfaces, [`verdict`] holds the rules that class a
//! change as breaking, additive or patch, [`semver`] turns the strongest class into a bump, and
//! [`markdown`] renders the report. Nothing here iterates a hash map: every list is sorted.

mod compare;
mod markdown;
mod semver;
mod surface;
mod types;
mod verdict;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::diag::Error;

/// Compares the generated Rust API of two spec sets: what `old` generates against what `new`
/// does. The semver bump is computed from `old`'s crate version
/// ([`Config::crate_version`]).
///
/// Both sides are read and lowered, at the same time on two threads (nothing is emitted or
/// written). A spec error on either side is [`Error::Diff`], naming the side (the old side's
/// when both fail).
pub fn diff(old: &Config, new: &Config) -> Result<ApiDiff, Error> {
    let lowered = |side: &'static str, config: &Config| {
        config.lower().map_err(|source| Error::Diff { side, source: Box::new(source) })
    };
    // The sides are independent: lower them at the same time.
    let (old_ir, new_ir) = std::thread::scope(|scope| {
        let old_side = scope.spawn(|| lowered("old", old));
        let new_ir = lowered("new", new);
        (old_side.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), new_ir)
    });
    let (old_ir, new_ir) = (old_ir?, new_ir?);
    let (old_surface, new_surface) = (
        surface::Surface::new(&old_ir.krate, old_ir.warnings.len()),
        surface::Surface::new(&new_ir.krate, new_ir.warnings.len()),
    );
    let compared = compare::compare(&old_surface, &new_surface);
    let summary = Summary::new(&compared.changes, compared.doc_only);
    let bump = semver::bump(&old.settings().crate_version, summary.strongest());
    Ok(ApiDiff {
        format: 1,
        old: old_surface.summary(),
        new: new_surface.summary(),
        summary,
        changes: compared.changes,
        bump,
    })
}

/// The changes of the generated API between two spec sets: [`ApiDiff::to_markdown`] for a pull
/// request, [`ApiDiff::to_json`] for tools.
///
/// # The JSON shape (`format` 1)
///
/// [`ApiDiff::to_json`] serialises this struct field by field, with `snake_case` names and
/// values:
///
/// ```text
/// {
///   "format": 1,
///   "old": {"files": ["cis.json"], "functions": 56, "types": 120, "warnings": 3},
///   "new": {...the same...},
///   "summary": {
///     "breaking": 2, "additive": 5, "patch": 1, "doc_only": 4,
///     "by_kind": {"field_added": {"breaking": 1, "additive": 1, "patch": 0}, ...}
///   },
///   "changes": [{
///     "item": "cis::tagging::category::CreateSpec",  // Rust path of the function or type (or the feature)
///     "member": "owner",                // field, enum value, variant or argument; null for the item
///     "kind": "field_added",            // see ChangeKind
///     "verdict": "breaking",            // breaking | additive | patch
///     "old": null,                      // the old side, as Rust (a type, a name, a route); null when absent
///     "new": "String",                  // the new side, the same way
///     "reason": "callers build `CreateSpec` (...)",
///     "since": "vSphere API 7.0.1",     // the spec's "Available since"/"added in" note, if any
///     "deprecated": null                // the deprecation note, if the item is deprecated
///   }],
///   "bump": {"level": "minor", "change": "breaking", "from": "0.1.0", "to": "0.2.0", "note": "..."}
/// }
/// ```
///
/// `changes` is sorted by `item`, `member` and `kind`; `by_kind` lists only kinds that occur.
/// New fields may be added to this shape; existing ones keep their meaning while `format` is 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ApiDiff {
    /// The version of this shape (1).
    pub format: u32,
    /// The old side.
    pub old: SideSummary,
    /// The new side.
    pub new: SideSummary,
    /// Counts.
    pub summary: Summary,
    /// Every listed change, sorted by item, member and kind.
    pub changes: Vec<Change>,
    /// The semver bump the generated crate needs.
    pub bump: Bump,
}

impl ApiDiff {
    /// The report as Markdown, for a pull request.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// The report as pretty-printed JSON (the shape is above), with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    }

    /// Whether the two sides generate the same API, documentation included.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.summary.doc_only == 0
    }
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SideSummary {
    /// The spec files' labels, in input order.
    pub files: Vec<String>,
    /// Public functions (legacy entry points included).
    pub functions: usize,
    /// Public types.
    pub types: usize,
    /// Warnings while lowering.
    pub warnings: usize,
}

/// How a change affects callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Neither breaks nor adds API: behaviour or wire details (a route, an argument name).
    Patch,
    /// New API; code that compiled still compiles and behaves the same.
    Additive,
    /// Code that compiled against the old crate may no longer compile, or may now fail.
    Breaking,
}

impl Verdict {
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Patch => "patch",
            Verdict::Additive => "additive",
            Verdict::Breaking => "breaking",
        }
    }
}

/// What changed. The `snake_case` name is the JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// A cargo feature (namespace) appeared.
    FeatureAdded,
    /// A cargo feature disappeared.
    FeatureRemoved,
    /// A function appeared.
    FunctionAdded,
    /// A function disappeared.
    FunctionRemoved,
    /// A function has a new name for the same route (method and path template).
    FunctionRenamed,
    /// A positional argument appeared (or the optional-parameters argument).
    ParameterAdded,
    /// A positional argument disappeared.
    ParameterRemoved,
    /// An argument has another type.
    ParameterRetyped,
    /// Arguments are in another order.
    ParametersReordered,
    /// An argument has another name, at the same position with the same type.
    ParameterRenamed,
    /// The request body appeared, disappeared or has another type.
    BodyChanged,
    /// The success type changed.
    ResultChanged,
    /// The error type changed.
    ErrorChanged,
    /// The function became `#[deprecated]`.
    DeprecationAdded,
    /// The function is no longer `#[deprecated]`.
    DeprecationRemoved,
    /// The deprecation note changed.
    DeprecationChanged,
    /// The function gained a `/rest` route for `ApiMode::Legacy`.
    LegacyRouteAdded,
    /// The function lost its `/rest` route.
    LegacyRouteRemoved,
    /// The `/rest` route (or how inputs are moved to it) changed.
    LegacyRouteChanged,
    /// The same function now sends another method or path.
    RouteChanged,
    /// The cargo features an item needs changed.
    GateChanged,
    /// A type appeared.
    TypeAdded,
    /// A type disappeared.
    TypeRemoved,
    /// A type has a new Rust path for the same schema (or operation) of the spec.
    TypeRenamed,
    /// A type became another kind of item (struct, enum, union).
    TypeKindChanged,
    /// A struct now derives `Default`.
    DefaultAdded,
    /// A struct no longer derives `Default`.
    DefaultRemoved,
    /// A struct field appeared.
    FieldAdded,
    /// A struct field disappeared.
    FieldRemoved,
    /// A struct field has another type.
    FieldRetyped,
    /// An `Option<T>` field became `T`.
    FieldMadeRequired,
    /// A `T` field became `Option<T>`.
    FieldMadeOptional,
    /// A field keeps its Rust type but changes on the wire (name, `null` or omitted).
    FieldWireChanged,
    /// A field became deprecated in the spec.
    FieldDeprecated,
    /// An enum value appeared.
    EnumValueAdded,
    /// An enum value disappeared.
    EnumValueRemoved,
    /// An enum value keeps its variant but changes on the wire.
    EnumValueWireChanged,
    /// A union variant appeared.
    VariantAdded,
    /// A union variant disappeared.
    VariantRemoved,
    /// A union variant carries another type, or another tag.
    VariantChanged,
}

impl ChangeKind {
    /// The `snake_case` name (the JSON value).
    pub fn name(self) -> &'static str {
        markdown::kind_name(self)
    }
}

/// One change of the generated API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// The Rust path of the function or type (`cis::tagging::category::get`), or the feature.
    pub item: String,
    /// The field, enum value, variant or argument, if the change is to one.
    pub member: Option<String>,
    /// What changed.
    pub kind: ChangeKind,
    /// Breaking, additive or patch.
    pub verdict: Verdict,
    /// The old side, spelled as Rust (a type, a path, a route), when there is one.
    pub old: Option<String>,
    /// The new side, the same way.
    pub new: Option<String>,
    /// Why the verdict is what it is.
    pub reason: String,
    /// The spec's "Available since" note of the item (new side, or old for removals).
    pub since: Option<String>,
    /// The item's deprecation note, if it is deprecated (new side, or old for removals).
    pub deprecated: Option<String>,
}

/// Counts of a kind of change, by verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Counts {
    /// Breaking changes.
    pub breaking: usize,
    /// Additive changes.
    pub additive: usize,
    /// Patch-level changes.
    pub patch: usize,
}

impl Counts {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Breaking => self.breaking += 1,
            Verdict::Additive => self.additive += 1,
            Verdict::Patch => self.patch += 1,
        }
    }
}

/// The figures of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Breaking changes.
    pub breaking: usize,
    /// Additive changes.
    pub additive: usize,
    /// Patch-level changes.
    pub patch: usize,
    /// Items (functions, types, fields, values) whose documentation is all that changed;
    /// counted, not listed.
    pub doc_only: usize,
    /// Counts per kind of change (its `snake_case` name), only kinds that occur.
    pub by_kind: BTreeMap<String, Counts>,
}

impl Summary {
    fn new(changes: &[Change], doc_only: usize) -> Summary {
        let mut total = Counts::default();
        let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
        for change in changes {
            total.add(change.verdict);
            by_kind.entry(change.kind.name().to_owned()).or_default().add(change.verdict);
        }
        Summary { breaking: total.breaking, additive: total.additive, patch: total.patch, doc_only, by_kind }
    }

    /// The strongest class of change, or `None` when nothing changed at all.
    pub fn strongest(&self) -> Option<Verdict> {
        if self.breaking > 0 {
            Some(Verdict::Breaking)
        } else if self.additive > 0 {
            Some(Verdict::Additive)
        } else if self.patch > 0 || self.doc_only > 0 {
            Some(Verdict::Patch)
        } else {
            None
        }
    }
}

/// Which part of a version to increase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Nothing changed: no release needed.
    None,
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Level {
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// The semver bump the generated crate needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Bump {
    /// The part of the version to increase.
    pub level: Level,
    /// The strongest class of change (`None` when nothing changed).
    pub change: Option<Verdict>,
    /// The old crate version.
    pub from: String,
    /// The version to release, when `from` is a plain `x.y.z`.
    pub to: Option<String>,
    /// How the level follows from the change under Cargo's semver rules (the `0.x` rule).
    pub note: String,
}
