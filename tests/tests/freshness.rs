//! Generation is deterministic and holds no host data.
//!
//! That the committed `generated/` is what `spec/` gives is checked against git's copy by
//! `codegen/tests/regeneration.rs` (`check_passes_on_the_committed_crate`): the working tree's
//! `generated/` has been rewritten by the build before any test runs, so it proves nothing.

use vsphere_codegen::Config;
use vsphere_tests::{workspace_config, workspace_root};

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
