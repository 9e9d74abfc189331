//! The real vSphere specs in `../shared/specs`: every folder generates one crate that compiles
//! with warnings denied, with all features, its default ones and a single namespace feature, and has one
//! function per operation. A few representative services are snapshotted.
//!
//! Without `../shared/specs` these tests print SKIPPED; under `CI=true` that is a failure.

use std::collections::BTreeMap;
use std::path::Path;

use vsphere_codegen::Config;
use vsphere_tests::{assert_ok, cargo_in, scratch, shared_specs, write_check_workspace};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Operations per spec file, counted from the raw document, independently of the generator.
fn count_operations(dir: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("spec folder").flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let doc: serde_json::Value = match ext.as_str() {
            "json" => serde_json::from_str(&text).expect("valid JSON"),
            "yaml" | "yml" => serde_yaml::from_str(&text).expect("valid YAML"),
            _ => continue,
        };
        let count = doc["paths"]
            .as_object()
            .map(|paths| paths.values().map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count()).sum())
            .unwrap_or(0);
        out.insert(path.file_name().unwrap_or_default().to_string_lossy().into_owned(), count);
    }
    out
}

/// Generates the folder's crate, checks the operation counts, and checks it compiles.
fn corpus(folder: &str, namespace: &str) -> Option<vsphere_codegen::Generated> {
    let specs = shared_specs(&format!("corpus {folder}"))?.join(folder);
    let root = scratch(&format!("corpus-{folder}"));
    let generated = Config::new()
        .spec_dir(&specs)
        .crate_name(format!("corpus-{}", folder.replace('.', "-")))
        .out_dir(root.join("crate"))
        .write()
        .unwrap_or_else(|e| panic!("{folder}: {e}"));
    println!("{}", generated.report);

    let expected = count_operations(&specs);
    for file in &generated.report.files {
        assert_eq!(
            file.counts.functions, expected[&file.label],
            "{folder}/{}: generated functions must equal the spec's operations",
            file.label
        );
        assert_eq!(file.counts.operations, expected[&file.label], "{folder}/{}: operations counted", file.label);
    }
    assert_eq!(generated.report.functions(), expected.values().sum::<usize>());
    assert!(
        generated.report.features.iter().any(|f| f == namespace),
        "{folder}: no feature `{namespace}` in {:?}",
        generated.report.features
    );

    write_check_workspace(&root, &["crate"]);
    let all = cargo_in(&root, &["check", "--quiet", "--all-features"]);
    assert_ok(&all, &format!("{folder}: cargo check --all-features"));
    // The default features: each type with the serde traits of the way it travels only.
    let default = cargo_in(&root, &["check", "--quiet"]);
    assert_ok(&default, &format!("{folder}: cargo check"));
    let one = cargo_in(&root, &["check", "--quiet", "--no-default-features", "--features", namespace]);
    assert_ok(&one, &format!("{folder}: cargo check --no-default-features --features {namespace}"));
    println!(
        "{folder}: cargo check all features {:.1} s, `{namespace}` only {:.1} s",
        all.elapsed.as_secs_f64(),
        one.elapsed.as_secs_f64()
    );
    Some(generated)
}

fn file<'g>(generated: &'g vsphere_codegen::Generated, path: &str) -> &'g str {
    generated
        .files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("{path} was not generated"))
}

#[test]
fn vsphere_7_0_3_api() {
    let Some(generated) = corpus("vsphere-7.0.3-api", "vcenter") else { return };
    // Representative services, pinned: the VM service and the appliance recovery services.
    insta::assert_snapshot!("api_vcenter_vm", file(&generated, "src/vcenter/vm.rs"));
    for (path, text) in generated.files.iter().filter(|(p, _)| p.starts_with("src/appliance/recovery")) {
        insta::assert_snapshot!(format!("api_{}", path.trim_start_matches("src/").replace(['/', '.'], "_")), text);
    }
    // One error union for every `/api` operation, one for every `/rest` one.
    let errors = file(&generated, "src/vapi/std/errors.rs");
    assert!(errors.contains("pub enum Error {") && errors.contains("pub enum ErrorLegacy {"));
    for tag in ["ALREADY_IN_DESIRED_STATE", "CANCELED", "NOT_FOUND", "UNEXPECTED_INPUT", "UNVERIFIED_PEER"] {
        assert!(errors.contains(&format!("Some(\"{tag}\") =>")), "the standard error {tag} has a variant");
    }
    let vm = file(&generated, "src/vcenter/vm.rs");
    assert!(vm.contains("pub fn get(vm: &str) -> Operation<Info, errors::Error>"), "{vm}");
    assert!(vm.contains(".legacy(Legacy::get(\"/rest/vcenter/vm/{vm}\"))"), "`get` is paired with its /rest twin");
    assert!(vm.contains("(\"names\", Target::Query(\"filter.names\"))"), "`list` renames its filter on /rest");
    assert!(vm.contains("note = \"use `crate::vcenter::vm::get`\""), "the /rest twin names its replacement");
    // 513 of the 514 links bridge; the one whose pointer names nothing cannot.
    let links: usize = generated.report.files.iter().map(|f| f.counts.links).sum();
    let bridged: usize =
        generated.report.files.iter().map(|f| f.counts.links_identical + f.counts.links_translated).sum();
    assert_eq!((links, bridged), (514, 513), "{}", generated.report);
}

#[test]
fn vsphere_7_0_3_oas3() {
    let Some(generated) = corpus("vsphere-7.0.3-oas3", "vcenter") else { return };
    insta::assert_snapshot!("oas3_vcenter_vm", file(&generated, "src/vcenter/vm.rs"));
    // The defects SOURCE.txt lists are tolerated with warnings, each naming its pointer.
    let kinds: Vec<&str> = generated.warnings.iter().map(|w| w.kind.name()).collect();
    for kind in ["boolean-required", "dangling-ref", "missing-schema", "ref-siblings"] {
        assert!(kinds.contains(&kind), "expected `{kind}` warnings");
    }
    assert!(generated.warnings.iter().all(|w| w.to_string().contains(".json#/")), "every warning names a pointer");
}

#[test]
fn vsphere_9_1_fragment() {
    let Some(generated) = corpus("vsphere-9.1-fragment", "appliance") else { return };
    // The discriminator maps to 23 schemas that the fragment leaves out: warned, not fatal.
    let missing = generated.warnings.iter().filter(|w| w.kind.name() == "discriminator-mapping").count();
    assert!(missing >= 23, "expected warnings for the absent error subtypes, got {missing}");
    let job = file(&generated, "src/appliance/recovery/reconciliation/job.rs");
    assert!(job.contains("pub status: Status,"), "the 9.x `For more information see` enum link types `status`");
}
