//! `vsphere_codegen::diff`: what changed in the generated Rust API between two spec sets.
//!
//! The fixture pair `tests/fixtures/diff/{old,new}.yaml` makes one change of each class; every
//! change is pinned with its verdict, and the Markdown and JSON reports are snapshotted. The real
//! corpora (`../shared/specs`, SKIPPED when absent, a failure under `CI=true`): 7.0.3 against
//! itself reports nothing at all, and the same `cis` API from two generators is pinned.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use vsphere_codegen::{ApiDiff, ChangeKind, Config, Error, Level, Verdict};
use vsphere_tests::{shared_specs, workspace_root};

fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(name)
}

fn fixture_diff(version: &str) -> ApiDiff {
    let old = Config::new().spec(fixture("diff/old.yaml")).crate_version(version);
    let new = Config::new().spec(fixture("diff/new.yaml"));
    vsphere_codegen::diff(&old, &new).expect("the fixture pair diffs")
}

/// Every change as `(kind, item[::member]) -> verdict`.
fn verdicts(diff: &ApiDiff) -> BTreeMap<(ChangeKind, String), Verdict> {
    diff.changes
        .iter()
        .map(|c| {
            let subject = match &c.member {
                Some(m) => format!("{}::{m}", c.item),
                None => c.item.clone(),
            };
            ((c.kind, subject), c.verdict)
        })
        .collect()
}

/// No change is empty: each says what it was or what it is, and the two differ.
fn assert_changes_are_real(diff: &ApiDiff) {
    for c in &diff.changes {
        assert!(c.old.is_some() || c.new.is_some(), "a change with neither side: {c:?}");
        assert_ne!(c.old, c.new, "a change whose sides are equal: {c:?}");
        assert!(!c.reason.is_empty(), "a change without a reason: {c:?}");
    }
}

#[test]
fn the_fixture_pair_has_one_change_of_each_class_with_its_verdict() {
    use ChangeKind as K;
    use Verdict::{Additive, Breaking};
    let diff = fixture_diff("0.1.0");
    let expected: Vec<(ChangeKind, &str, Verdict)> = vec![
        (K::FunctionAdded, "vcenter::vm::clone", Additive),
        (K::FunctionRemoved, "vcenter::vm::unregister", Breaking),
        (K::FunctionRenamed, "vcenter::vm::register_vm", Breaking),
        (K::ParameterAdded, "vcenter::vm::list::datacenter", Breaking),
        (K::BodyChanged, "vcenter::vm::update::body", Breaking),
        (K::ResultChanged, "vcenter::vm::count::count", Breaking),
        (K::ErrorChanged, "vcenter::vm::delete", Breaking),
        (K::DeprecationAdded, "vcenter::vm::relocate", Additive),
        (K::TypeAdded, "vcenter::vm::CloneSpec", Additive),
        (K::TypeRemoved, "vcenter::vm::UnregisterSpec", Breaking),
        // A new field in a type callers build breaks struct literals, required or not ...
        (K::FieldAdded, "vcenter::vm::UpdateSpec::reason", Breaking),
        (K::FieldAdded, "vcenter::vm::UpdateSpec::notes", Breaking),
        // ... and an optional one in a type callers only read does not.
        (K::FieldAdded, "vcenter::vm::Info::annotation", Additive),
        (K::FieldRemoved, "vcenter::vm::Info::legacy_id", Breaking),
        (K::FieldRetyped, "vcenter::vm::Info::memory_mib", Breaking),
        (K::FieldMadeRequired, "vcenter::vm::Info::name", Breaking),
        (K::FieldMadeOptional, "vcenter::vm::Summary::power_state", Breaking),
        // Enums are exhaustive: a new value breaks a `match` in code that reads the enum, and
        // only there.
        (K::EnumValueAdded, "vcenter::vm::PowerState::Suspended", Breaking),
        (K::EnumValueAdded, "vcenter::vm::BootMode::EfiSecure", Additive),
        (K::EnumValueRemoved, "vcenter::vm::GuestFamily::Netware", Breaking),
        (K::VariantAdded, "vcenter::vm::Placement::PoolPlacement", Breaking),
        (K::VariantRemoved, "vcenter::vm::Placement::ClusterPlacement", Breaking),
    ];
    let expected: BTreeMap<(ChangeKind, String), Verdict> =
        expected.into_iter().map(|(k, s, v)| ((k, s.to_owned()), v)).collect();
    assert_eq!(verdicts(&diff), expected, "exactly these changes, with these verdicts");
    assert_changes_are_real(&diff);

    let s = &diff.summary;
    assert_eq!((s.breaking, s.additive, s.patch, s.doc_only), (17, 5, 0, 1), "the Error description changed");
    assert_eq!(diff.bump.change, Some(Breaking));
    assert_eq!((diff.bump.level, diff.bump.to.as_deref()), (Level::Minor, Some("0.2.0")), "0.x: breaking is minor");
    assert!(diff.bump.note.contains("0.x"), "{}", diff.bump.note);

    let renamed = diff.changes.iter().find(|c| c.kind == K::FunctionRenamed).expect("a rename");
    assert_eq!(
        (renamed.old.as_deref(), renamed.new.as_deref()),
        (Some("vcenter::vm::register"), Some("vcenter::vm::register_vm"))
    );
    let since = |item: &str, member: Option<&str>| {
        let c = diff.changes.iter().find(|c| c.item == item && c.member.as_deref() == member).expect("the change");
        c.since.clone()
    };
    assert_eq!(since("vcenter::vm::clone", None).as_deref(), Some("vSphere API 8.0"));
    assert_eq!(since("vcenter::vm::Info", Some("annotation")).as_deref(), Some("vSphere API 8.0U1"));
    let relocate = diff.changes.iter().find(|c| c.kind == K::DeprecationAdded).expect("a deprecation");
    assert_eq!(relocate.new.as_deref(), Some("deprecated by the spec"));
}

#[test]
fn the_fixture_reports_are_pinned() {
    let diff = fixture_diff("0.1.0");
    let markdown = diff.to_markdown();
    assert!(markdown.trim_end().lines().last().is_some_and(|l| l.starts_with("**minor**")), "ends with the bump");
    insta::assert_snapshot!("fixture_markdown", markdown);
    let json = diff.to_json();
    let value: serde_json::Value = serde_json::from_str(&json).expect("the JSON parses");
    assert_eq!(value["format"], 1);
    assert_eq!(value["bump"]["level"], "minor");
    assert_eq!(value["changes"].as_array().map(Vec::len), Some(diff.changes.len()));
    insta::assert_snapshot!("fixture_json", json);
}

#[test]
fn the_bump_follows_the_old_crate_version() {
    let bump = |version: &str| fixture_diff(version).bump;
    let b = bump("1.4.2");
    assert_eq!((b.level, b.to.as_deref()), (Level::Major, Some("2.0.0")));
    let b = bump("0.0.3");
    assert_eq!((b.level, b.to.as_deref()), (Level::Patch, Some("0.0.4")));
    let b = bump("2.0.0-beta.1");
    assert_eq!((b.level, b.to), (Level::Major, None), "no next version for a pre-release");
}

#[test]
fn a_spec_against_itself_has_no_change_and_needs_no_release() {
    let spec = Config::new().spec(fixture("diff/old.yaml"));
    let diff = vsphere_codegen::diff(&spec, &spec).expect("diffs");
    assert!(diff.is_empty(), "{:#?}", diff.changes);
    assert_eq!((diff.bump.level, diff.bump.change), (Level::None, None));
    assert!(diff.to_markdown().contains("No changes"), "{}", diff.to_markdown());
}

#[test]
fn the_diff_is_deterministic() {
    assert_eq!(fixture_diff("0.1.0"), fixture_diff("0.1.0"));
    assert_eq!(fixture_diff("0.1.0").to_json(), fixture_diff("0.1.0").to_json());
}

#[test]
fn a_bad_side_is_named() {
    let good = Config::new().spec(fixture("diff/old.yaml"));
    let bad = Config::new().spec(fixture("malformed.yaml"));
    let error = vsphere_codegen::diff(&good, &bad).expect_err("the new side is malformed");
    assert!(matches!(error, Error::Diff { side: "new", .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.starts_with("the new specs: ") && text.contains("malformed.yaml#/paths"), "{text}");
    let error = vsphere_codegen::diff(&bad, &good).expect_err("the old side is malformed");
    assert!(matches!(error, Error::Diff { side: "old", .. }), "{error:?}");
}

/// Prints the figures of a corpus diff: counts by verdict and kind, the bump, the time.
fn figures(what: &str, diff: &ApiDiff, started: Instant) {
    let s = &diff.summary;
    println!(
        "{what}: {} breaking, {} additive, {} patch, {} documentation-only; bump {} ({} -> {}); {:.1} s",
        s.breaking,
        s.additive,
        s.patch,
        s.doc_only,
        diff.bump.level.name(),
        diff.bump.from,
        diff.bump.to.as_deref().unwrap_or("?"),
        started.elapsed().as_secs_f64()
    );
    for (kind, counts) in &s.by_kind {
        println!("  {kind}: {} breaking, {} additive, {} patch", counts.breaking, counts.additive, counts.patch);
    }
}

#[test]
fn the_7_0_3_corpus_against_itself_reports_no_change_at_all() {
    let Some(specs) = shared_specs("diff 7.0.3 against itself") else { return };
    let corpus = Config::new().spec_dir(specs.join("vsphere-7.0.3-api"));
    let started = Instant::now();
    let diff = vsphere_codegen::diff(&corpus, &corpus).expect("the corpus diffs");
    figures("vsphere-7.0.3-api against itself", &diff, started);
    assert!(diff.old.functions > 1000 && diff.old.types > 1000, "the whole corpus was read: {:?}", diff.old);
    assert!(diff.is_empty(), "{} changes, {} doc-only: {:#?}", diff.changes.len(), diff.summary.doc_only, diff.changes);
    assert_eq!(diff.bump.level, Level::None);
}

/// The same `cis` API from two generators: VMware's 7.0.3 OpenAPI output (`/rest` only) and the
/// Swagger conversion that has both surfaces. Every difference is real in the generated Rust API
/// (see the snapshot): the `/rest` functions move to `*_legacy` twins, their old names now send
/// `/api` with the `/rest` route as their legacy route, the `/rest` shapes get `Legacy` names,
/// and the converted spec marks envelope fields required where VMware's output does not.
#[test]
fn the_oas3_cis_against_the_api_cis() {
    let Some(specs) = shared_specs("diff cis, oas3 against api") else { return };
    let old = Config::new().spec(specs.join("vsphere-7.0.3-oas3/cis.json"));
    let new = Config::new().spec(specs.join("vsphere-7.0.3-api/cis.json"));
    let started = Instant::now();
    let diff = vsphere_codegen::diff(&old, &new).expect("cis diffs");
    figures("cis.json, oas3 against api", &diff, started);
    assert_changes_are_real(&diff);
    let count = |kind: ChangeKind| diff.changes.iter().filter(|c| c.kind == kind).count();
    // Each /rest function whose name now sends /api keeps its old route as its legacy route,
    // and a new `*_legacy` function sends it.
    let moved = count(ChangeKind::RouteChanged);
    assert!(moved > 20, "{moved}");
    assert_eq!(count(ChangeKind::LegacyRouteAdded), moved);
    let takeovers = diff
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::FunctionAdded && c.reason.contains("used to send"))
        .count();
    assert_eq!(takeovers, moved, "every moved route is taken by a new `*_legacy` function");
    // Types that stand for the same schema under a new name are renames, not removals.
    assert_eq!(count(ChangeKind::TypeRemoved), 0, "{:#?}", diff.changes);
    assert!(count(ChangeKind::TypeRenamed) > 0);
    assert_eq!(diff.bump.level, Level::Minor);
    insta::assert_snapshot!("cis_oas3_against_api", diff.to_markdown());
}
