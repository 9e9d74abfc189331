//! The generated crate, copied out of the workspace, builds on its own: no generator, no spec,
//! no build script that writes into `src/`.

use std::path::Path;

use vsphere_tests::{assert_ok, cargo, check_target_dir, files_below, pin_to_workspace_lock, workspace_root};

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
    pin_to_workspace_lock(&krate);
    let before = files_below(&krate);

    for args in [
        &["build", "--quiet"][..],
        &["build", "--quiet", "--no-default-features"],
        &["build", "--quiet", "--features", "regenerate"],
    ] {
        let output = cargo()
            .args(args)
            .arg("--locked")
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

/// A vendoring user's workspace: the whole `vsphere-7.0.3-api` crate and the fragment's crate as
/// the CLI writes them (no workspace hook) are members beside the user's own crate. It resolves
/// and builds, and the user's `cargo fmt` (often `cargo fmt --check` in their CI) leaves the
/// vendored crates byte for byte as generated, whatever their rustfmt settings: the crate root is
/// written as rustfmt prints it, and every module below it is `#[rustfmt::skip]`.
#[test]
fn a_vendoring_workspace_builds_and_its_cargo_fmt_changes_nothing() {
    if cargo().args(["fmt", "--version"]).output().map(|o| !o.status.success()).unwrap_or(true) {
        assert!(std::env::var("CI").is_err(), "rustfmt is not installed; CI=true makes that a failure");
        println!("SKIPPED: a_vendoring_workspace_builds_and_its_cargo_fmt_changes_nothing: rustfmt is not installed");
        return;
    }
    let Some(specs) = vsphere_tests::shared_specs("a vendoring workspace") else { return };
    let user = vsphere_tests::scratch("vendoring-workspace");
    let generate = |config: vsphere_codegen::Config, dir: &str| {
        config.out_dir(user.join("vendor").join(dir)).write().unwrap_or_else(|e| panic!("{dir}: {e}"));
    };
    generate(
        vsphere_codegen::Config::new().spec_dir(specs.join("vsphere-7.0.3-api")).crate_name("vsphere-all"),
        "vsphere-all",
    );
    generate(vsphere_codegen::Config::new().spec_dir(workspace_root().join("spec")), "vsphere-api");
    std::fs::create_dir_all(user.join("src")).expect("create the user's crate");
    std::fs::write(user.join("src/main.rs"), USER_MAIN_UNFORMATTED).expect("write main.rs");
    std::fs::write(
        user.join("Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nvsphere-api = { path = \"vendor/vsphere-api\" }\n\n\
         [workspace]\nmembers = [\"vendor/vsphere-all\"]\n",
    )
    .expect("write the user's manifest");
    pin_to_workspace_lock(&user);
    let build = vsphere_tests::cargo_in(&user, &["build", "--quiet", "-p", "user"]);
    assert_ok(&build, "cargo build of the vendoring user's crate");

    let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        files_below(dir).into_iter().map(|p| (p.clone(), std::fs::read(dir.join(&p)).expect("read"))).collect()
    };
    let vendor = user.join("vendor");
    let before = snapshot(&vendor);
    assert!(before.len() > 300, "the whole API is hundreds of files: {}", before.len());
    // rustfmt's defaults, this repository's settings, settings far from both, and the 2024 style
    // (which sorts imports differently); stable options only.
    for settings in [
        "",
        "max_width = 120\nuse_small_heuristics = \"Max\"\n",
        "max_width = 80\nhard_tabs = true\n",
        "style_edition = \"2024\"\n",
    ] {
        std::fs::write(user.join("src/main.rs"), USER_MAIN_UNFORMATTED).expect("write main.rs");
        std::fs::write(user.join("rustfmt.toml"), settings).expect("write rustfmt.toml");
        let output = cargo().args(["fmt", "--all"]).current_dir(&user).output().expect("run cargo fmt");
        assert!(output.status.success(), "cargo fmt failed:\n{}", String::from_utf8_lossy(&output.stderr));
        let main = std::fs::read_to_string(user.join("src/main.rs")).expect("main.rs");
        assert_ne!(main, USER_MAIN_UNFORMATTED, "cargo fmt did not run on the user's own code ({settings:?})");
        let after = snapshot(&vendor);
        assert_eq!(before.len(), after.len(), "cargo fmt added or removed files ({settings:?})");
        let changed: Vec<&str> = before.iter().zip(&after).filter(|(b, a)| b != a).map(|(b, _)| b.0.as_str()).collect();
        assert!(changed.is_empty(), "cargo fmt rewrote vendored files with rustfmt.toml {settings:?}: {changed:?}");
    }
}

/// The vendoring user's own code, which their `cargo fmt` does format.
const USER_MAIN_UNFORMATTED: &str = "fn   main( ) { let _client = vsphere_api::Client::builder(\"https://vc\"); }\n";
