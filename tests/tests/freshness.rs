//! The committed `generated/` is what `spec/` gives, and generation is deterministic.

use vsphere_codegen::{Config, Error};
use vsphere_tests::{workspace_config, workspace_root};

#[test]
fn committed_generated_crate_is_fresh() {
    match workspace_config().check() {
        Ok(_) => {}
        Err(Error::Stale { files, .. }) => {
            panic!("generated/ is stale; run `cargo build` to regenerate it. Files that differ:\n{}", files.join("\n"))
        }
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn two_runs_give_byte_identical_output() {
    let first = workspace_config().generate().expect("first run");
    let second = workspace_config().generate().expect("second run");
    assert_eq!(first.files, second.files);
    // Also for all fixtures at once (many modules, collisions, unions).
    let all_fixtures = || {
        let mut config = Config::new();
        for (_, path) in vsphere_tests::fixtures() {
            config = config.spec(path);
        }
        config.generate().expect("fixtures generate together")
    };
    assert_eq!(all_fixtures().files, all_fixtures().files);
}

#[test]
fn output_holds_no_host_data() {
    let generated = workspace_config().generate().expect("generates");
    let root = workspace_root().to_string_lossy().into_owned();
    for (path, text) in &generated.files {
        assert!(!text.contains(&root), "{path} contains the absolute path {root}");
        assert!(!text.contains('\r'), "{path} has CR line endings");
        assert!(text.ends_with('\n'), "{path} does not end with a newline");
    }
}
