//! Stable public paths: the Rust path of a type does not depend on which other files are
//! generated with it. The vAPI standard errors have one home, `vapi::std::errors`, for every
//! single file and subset of the real specs; `stats` types live under `stats`; a type only one
//! namespace uses compiles only with that namespace's feature.
//!
//! Without `../shared/specs` these tests print SKIPPED; under `CI=true` that is a failure.

use std::path::Path;

use vsphere_codegen::{Config, Generated};
use vsphere_tests::shared_specs;

fn generate(dir: &Path, files: &[&str]) -> Generated {
    let config = files.iter().fold(Config::new(), |config, file| config.spec(dir.join(file)));
    config.generate().unwrap_or_else(|e| panic!("{files:?}: {e}"))
}

fn file<'g>(generated: &'g Generated, path: &str) -> Option<&'g str> {
    generated.files.iter().find(|(p, _)| p == path).map(|(_, t)| t.as_str())
}

/// Whether any operation of these files is on the given surface (`/api` or `/rest`).
fn has_surface(dir: &Path, files: &[&str], prefix: &str) -> bool {
    files.iter().any(|f| {
        let text = std::fs::read_to_string(dir.join(f)).expect("spec file");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        doc["paths"].as_object().is_some_and(|paths| paths.keys().any(|k| k.starts_with(prefix)))
    })
}

#[test]
fn the_standard_errors_have_one_home_whatever_the_input() {
    let Some(specs) = shared_specs("paths::the_standard_errors_have_one_home_whatever_the_input") else { return };
    let api = specs.join("vsphere-7.0.3-api");
    let singles = [
        "appliance.json",
        "cis.json",
        "content.json",
        "esx.json",
        "hvc.json",
        "session.json",
        "stats.json",
        "vapi.json",
        "vcenter.json",
    ];
    let mut sets: Vec<Vec<&str>> = singles.iter().map(|f| vec![*f]).collect();
    sets.push(vec!["cis.json", "content.json"]);
    sets.push(vec!["esx.json", "vapi.json"]);
    sets.push(vec!["hvc.json", "session.json", "stats.json"]);
    sets.push(singles.to_vec());
    let mut failures = Vec::new();
    for files in &sets {
        let generated = generate(&api, files);
        let Some(errors) = file(&generated, "src/vapi/std/errors.rs") else {
            failures.push(format!("{files:?}: no src/vapi/std/errors.rs"));
            continue;
        };
        let expect = [
            (has_surface(&api, files, "/api"), "pub enum Error {", "    NotFound("),
            (has_surface(&api, files, "/rest"), "pub enum ErrorLegacy {", "    NotFound("),
        ];
        for (present, union, variant) in expect {
            if present && !(errors.contains(union) && errors.contains(variant)) {
                failures.push(format!(
                    "{files:?}: `{}` or its `{}` is not in vapi::std::errors",
                    union.trim(),
                    variant.trim()
                ));
            }
        }
        // Every standard error has its variant, declared by the input or not.
        let standard =
            ["ALREADY_IN_DESIRED_STATE", "CANCELED", "INVALID_REQUEST", "OPERATION_NOT_FOUND", "UNEXPECTED_INPUT"];
        for tag in standard {
            if !errors.contains(&format!("Some(\"{tag}\") =>")) {
                failures.push(format!("{files:?}: no variant for {tag}"));
            }
        }
        for stray in ["src/vapi.rs", "src/vapi/std.rs"] {
            if file(&generated, stray).is_none() {
                failures.push(format!("{files:?}: {stray} is missing"));
            }
        }
        if generated.files.iter().any(|(p, t)| p != "src/vapi/std/errors.rs" && t.contains("pub enum Error2 {")) {
            failures.push(format!("{files:?}: a second error union"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_rest_only_specs_name_their_errors_alike() {
    let Some(specs) = shared_specs("paths::the_rest_only_specs_name_their_errors_alike") else { return };
    let oas3 = specs.join("vsphere-7.0.3-oas3");
    for files in [vec!["cis.json"], vec!["vapi.json"], vec!["cis.json", "content.json"]] {
        let generated = generate(&oas3, &files);
        let errors = file(&generated, "src/vapi/std/errors.rs").unwrap_or_else(|| panic!("{files:?}: no vapi errors"));
        assert!(errors.contains("pub enum Error {") && errors.contains("    AlreadyExists("), "{files:?}");
    }
}

#[test]
fn stats_types_live_under_stats_and_namespace_only_types_are_gated() {
    let Some(specs) = shared_specs("paths::stats_types_live_under_stats_and_namespace_only_types_are_gated") else {
        return;
    };
    let api = specs.join("vsphere-7.0.3-api");
    let generated = generate(&api, &["stats.json", "vcenter.json", "hvc.json", "vapi.json"]);
    assert!(file(&generated, "src/vstats.rs").is_none(), "no top-level `vstats`");
    let acq_specs = file(&generated, "src/stats/acq_specs.rs").expect("src/stats/acq_specs.rs");
    assert!(acq_specs.contains("pub struct Info {"), "`VstatsAcqSpecsInfo` is `stats::acq_specs::Info`");
    // vcenter types that only `hvc` operations use compile only with `hvc`.
    let hvc_gated = generated
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("src/vcenter/") || p == "src/vcenter.rs")
        .map(|(_, t)| t.matches("#[cfg(feature = \"hvc\")]").count())
        .sum::<usize>();
    assert!(hvc_gated > 0, "no vcenter type is gated by `hvc`");
    let manifest = file(&generated, "Cargo.toml").expect("manifest");
    assert!(!manifest.contains("vstats"), "{manifest}");
}
