//! Scratch workspaces resolve from this workspace's `Cargo.lock`: what a test builds cannot change
//! with what the registry publishes after a commit.

use std::path::Path;

use vsphere_tests::{Locked, locked_packages, scratch, workspace_root, write_check_workspace};

fn write_crate(dir: &Path, dependency: &str) {
    std::fs::create_dir_all(dir.join("src")).expect("create the crate");
    let manifest = format!(
        "[package]\nname = \"pinned\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{dependency}\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write the manifest");
    std::fs::write(dir.join("src/lib.rs"), "").expect("write lib.rs");
}

fn workspace_version(name: &str) -> String {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).expect("Cargo.lock");
    let found: Vec<Locked> = locked_packages(&lock).into_iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "one {name} in Cargo.lock: {found:?}");
    found[0].version.clone()
}

#[test]
fn a_scratch_workspace_gets_the_versions_the_lock_file_pins() {
    let root = scratch("lockfile-pinned");
    write_crate(&root.join("pinned"), "serde_json = \"1\"\nhttp = \"1\"");
    write_check_workspace(&root, &["pinned"]);
    let resolved = locked_packages(&std::fs::read_to_string(root.join("Cargo.lock")).expect("scratch lock"));
    for name in ["serde_json", "http", "itoa"] {
        let version = resolved.iter().find(|p| p.name == name).map(|p| p.version.clone());
        assert_eq!(version, Some(workspace_version(name)), "{name}");
    }
    assert!(resolved.iter().any(|p| p.name == "pinned" && p.source.is_empty()), "the member is in the lock");
    assert!(!resolved.iter().any(|p| p.name == "vsphere-codegen"), "this workspace's members are not");
}

#[test]
#[should_panic(expected = "needs packages that the workspace's Cargo.lock does not pin: serde 1.0.100")]
fn a_version_the_lock_file_does_not_pin_is_named() {
    assert_ne!(workspace_version("serde"), "1.0.100");
    let root = scratch("lockfile-unpinned");
    write_crate(&root.join("pinned"), "serde = \"=1.0.100\"");
    write_check_workspace(&root, &["pinned"]);
}
