//! The generated crate, copied out of the workspace, builds on its own: no generator, no spec,
//! no build script that writes into `src/`.

use std::path::Path;

use vsphere_tests::{assert_ok, cargo, check_target_dir, files_below, workspace_root};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &target);
            }
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

#[test]
fn vendored_copy_builds_outside_the_workspace() {
    let vendor = std::env::temp_dir().join(format!("vsphere-api-vendored-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&vendor);
    let krate = vendor.join("vsphere-api");
    copy_dir(&workspace_root().join("generated"), &krate);
    // Same dependency versions as the workspace, so the build does not depend on what the
    // registry has published since.
    std::fs::copy(workspace_root().join("Cargo.lock"), krate.join("Cargo.lock")).expect("copy lock file");
    let before = files_below(&krate);

    for args in [
        &["build", "--quiet"][..],
        &["build", "--quiet", "--no-default-features"],
        &["build", "--quiet", "--features", "regenerate"],
    ] {
        let output = cargo()
            .args(args)
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", check_target_dir())
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .expect("run cargo");
        let run = vsphere_tests::Run {
            ok: output.status.success(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: Default::default(),
        };
        assert_ok(&run, &format!("cargo {} in the vendored copy", args.join(" ")));
    }
    // Building changed nothing in the crate (Cargo.lock aside).
    let after: Vec<String> = files_below(&krate);
    assert_eq!(before, after, "building the vendored copy added or removed files");
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).expect("manifest");
    assert!(!manifest.contains("../codegen"), "the manifest names the generator's path");
    let _ = std::fs::remove_dir_all(&vendor);
}
