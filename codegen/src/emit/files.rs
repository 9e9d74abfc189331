//! The crate's fixed files: manifest, crate root, runtime, and the workspace build hook.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Content, EmittedFile, header, ident, inner_doc};
use crate::docs;
use crate::ir::{Crate, LegacyRoute, Operation, Surface};
use crate::names;
use crate::settings::{Settings, WorkspaceHook};

/// The runtime crate's sources (`codegen/runtime/src`), copied into `src/runtime/` of every
/// generated crate, less their unit tests; `settings.rs` is written anew per crate.
const RUNTIME: &[(&str, &str)] = &[
    ("src/runtime.rs", include_str!("../../runtime/src/lib.rs")),
    ("src/runtime/builder.rs", include_str!("../../runtime/src/builder.rs")),
    ("src/runtime/client.rs", include_str!("../../runtime/src/client.rs")),
    ("src/runtime/error.rs", include_str!("../../runtime/src/error.rs")),
    ("src/runtime/operation.rs", include_str!("../../runtime/src/operation.rs")),
    ("src/runtime/retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("src/runtime/route.rs", include_str!("../../runtime/src/route.rs")),
    ("src/runtime/secret.rs", include_str!("../../runtime/src/secret.rs")),
    ("src/runtime/session.rs", include_str!("../../runtime/src/session.rs")),
    ("src/runtime/task.rs", include_str!("../../runtime/src/task.rs")),
    ("src/runtime/tls.rs", include_str!("../../runtime/src/tls.rs")),
    ("src/runtime/trace.rs", include_str!("../../runtime/src/trace.rs")),
    ("src/runtime/wait.rs", include_str!("../../runtime/src/wait.rs")),
    ("src/runtime/wire.rs", include_str!("../../runtime/src/wire.rs")),
];

/// The line that opens a runtime file's unit tests, which run in the runtime crate only.
const TESTS: &str = "\n#[cfg(test)]\nmod tests {";

/// A runtime source without its unit tests.
pub(crate) fn without_tests(source: &str) -> &str {
    match source.find(TESTS) {
        Some(at) => &source[..=at],
        None => source,
    }
}

pub(crate) fn crate_files(krate: &Crate, settings: &Settings) -> Vec<EmittedFile> {
    let labels: Vec<&str> = krate.sources.iter().map(|s| s.label.as_str()).collect();
    let manifest = manifest(krate, settings);
    let manifest = if settings.workspace_hook.is_some() { with_hook(&manifest) } else { manifest };
    let mut out =
        vec![EmittedFile { path: "Cargo.toml".to_owned(), header: header(&labels), content: Content::Text(manifest) }];
    for (path, text) in RUNTIME {
        out.push(runtime_file(path, without_tests(text).to_owned()));
    }
    out.push(runtime_file("src/runtime/settings.rs", runtime_settings(krate)));
    out.push(EmittedFile {
        path: "API.md".to_owned(),
        header: header(&labels),
        content: Content::Markdown(api_index(krate, &settings.crate_name)),
    });
    if let Some(hook) = &settings.workspace_hook {
        out.extend(hook_files(hook, &labels));
    }
    out
}

fn runtime_file(path: &str, text: String) -> EmittedFile {
    EmittedFile { path: path.to_owned(), header: header(&[]), content: Content::RustText(text) }
}

/// `src/runtime/settings.rs`: what the runtime needs to know of this crate.
fn runtime_settings(krate: &Crate) -> String {
    format!(
        "//! What the generator knows about this crate, for its runtime.

/// Whether the crate's specs hold operations of the `/api` surface. A crate generated only from
/// `/rest` specs logs in on `/rest` whatever the mode.
pub(super) const HAS_API_SURFACE: bool = {};
",
        krate.has_api_surface
    )
}

/// `API.md`: every operation, a table per namespace, for reviewers of a regeneration.
fn api_index(krate: &Crate, crate_name: &str) -> String {
    let mut out = format!("# The operations of `{crate_name}`\n\n");
    out.push_str(
        "Every function, by namespace: its HTTP route, the `/rest` route a client in `ApiMode::Legacy`\n\
         takes, its deprecation and the vSphere release the spec says introduced it. Generated with the\n\
         crate: a regeneration's diff of this file is the list of what it added, removed or moved.\n",
    );
    for ns in krate.features.keys() {
        let mut rows: Vec<&Operation> =
            krate.modules.iter().filter(|(p, _)| p.first() == Some(ns)).flat_map(|(_, m)| &m.operations).collect();
        rows.sort_by(|a, b| a.rust_path.cmp(&b.rust_path));
        out.push_str(&format!("\n## `{}`\n\n", names::unraw(ns)));
        out.push_str("| Function | HTTP | In `ApiMode::Legacy` | Deprecated | Since |\n|---|---|---|---|---|\n");
        for op in rows {
            out.push_str(&index_row(op));
        }
    }
    out
}

fn index_row(op: &Operation) -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let legacy = match (&op.twin_of, &op.legacy) {
        (Some(_), _) => "always the `/rest` route".to_owned(),
        (None, Some(LegacyRoute::Route { method, path, .. })) => format!("`{method} {path}`"),
        (None, Some(LegacyRoute::Unavailable(reason))) => format!("not available: {}", cell(reason)),
        (None, None) if op.surface == Surface::Rest => "the same".to_owned(),
        (None, None) => "sent unchanged".to_owned(),
    };
    format!(
        "| `{}` | `{} {}` | {legacy} | {} | {} |\n",
        op.rust_path,
        op.method,
        op.path,
        op.deprecated.as_deref().map(cell).unwrap_or_default(),
        op.since.as_deref().unwrap_or_default()
    )
}

/// `build.rs` and the `regenerate/` shim: regeneration during workspace builds.
fn hook_files(hook: &WorkspaceHook, labels: &[&str]) -> Vec<EmittedFile> {
    let spec_dir = &hook.spec_dir;
    let build = format!(
        r#"//! Regenerates `src/` from `{spec_dir}` during workspace builds (cargo feature `regenerate`,
//! which the workspace turns on). A vendored copy of this crate builds without it: the feature
//! is off, and this script then does nothing.

#[rustfmt::skip]
fn main() {{
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "regenerate")]
    vsphere_api_regenerate::regenerate(env!("CARGO_MANIFEST_DIR"), "{spec_dir}");
}}
"#
    );
    let shim_manifest = format!(
        r#"[package]
name = "vsphere-api-regenerate"
version = "0.1.0"
edition = "2021"
publish = false
description = "Build-time link from vsphere-api to the vsphere-codegen workspace that generates it."

[features]
# Turned on by the workspace only; a vendored copy never resolves the generator.
workspace = ["dep:vsphere-codegen"]

[dependencies]
vsphere-codegen = {{ path = "{codegen}", optional = true, default-features = false }}
"#,
        codegen = hook.codegen_from_shim
    );
    let shim = format!(
        r#"//! Links `vsphere-api`'s build script to the generator when built inside the workspace.
//!
//! The generator is an optional dependency of this crate, enabled by the workspace (feature
//! `workspace`), so `vsphere-api`'s manifest never names the generator's path: a vendored copy
//! resolves and builds without it.

/// Regenerates the crate at `manifest_dir` from the spec files in `spec_dir` (relative to it),
/// writing only files whose content changed. Inside the workspace only; elsewhere a warning.
#[rustfmt::skip]
pub fn regenerate(manifest_dir: &str, spec_dir: &str) {{
    #[cfg(feature = "workspace")]
    {{
        let root = std::path::Path::new(manifest_dir);
        let result = vsphere_codegen::Config::new()
            .spec_dir(root.join(spec_dir))
            .workspace_hook(spec_dir, "{codegen}")
            .out_dir(root)
            .run_in_build_script();
        if let Err(error) = result {{
            eprintln!("{{error}}");
            std::process::exit(1);
        }}
    }}
    #[cfg(not(feature = "workspace"))]
    {{
        let _ = (manifest_dir, spec_dir);
        println!(
            "cargo:warning=the `regenerate` feature works only inside the vsphere-codegen workspace; \
             nothing regenerated"
        );
    }}
}}
"#,
        codegen = hook.codegen_from_shim
    );
    let file = |path: &str, content: Content| EmittedFile { path: path.to_owned(), header: header(labels), content };
    vec![
        file("build.rs", Content::RustText(build)),
        file("regenerate/Cargo.toml", Content::Text(shim_manifest)),
        file("regenerate/src/lib.rs", Content::RustText(shim)),
    ]
}

/// The `[features]` table: the client, `full`, one per namespace, and the workspace hook.
fn features(krate: &Crate) -> String {
    let namespaces: Vec<String> = krate.features.keys().map(|n| format!("\"{}\"", names::unraw(n))).collect();
    let mut out = String::from("default = [\"client\", \"tracing\", \"full\"]\n");
    out.push_str(&runtime_manifest().features);
    out.push_str(&format!(
        "# `Serialize` and `Deserialize` on every type. Without it a type implements the direction it\n\
         # travels: `Serialize` for what requests send, `Deserialize` for what responses bring (turn\n\
         # it on to store or print results as JSON).\n{} = []\n",
        super::items::ALL_SERDE
    ));
    out.push_str("# Every namespace.\n");
    out.push_str(&format!("full = [{}]\n", namespaces.join(", ")));
    for (ns, files) in &krate.features {
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "# Operations of `{}` ({}).\n{} = []\n",
            names::unraw(ns),
            files.join(", "),
            names::unraw(ns)
        ));
    }
    out
}

/// The manifest lines of the workspace hook (a run without the hook keeps them in a crate that
/// has them: see `Config::write`).
pub(crate) const HOOK_FEATURE: &str = "# Workspace builds only: regenerate src/ from the specs first (see build.rs).\n\
                                       regenerate = [\"dep:vsphere-api-regenerate\"]\n";
/// The build dependency of the workspace hook.
pub(crate) const HOOK_DEPENDENCY: &str =
    "\n[build-dependencies]\nvsphere-api-regenerate = { path = \"regenerate\", optional = true }\n";

/// A manifest (as written, header included) with the workspace hook's lines added.
pub(crate) fn with_hook(manifest: &str) -> String {
    match manifest.find("\n[dependencies]") {
        Some(at) => format!("{}{HOOK_FEATURE}{}{HOOK_DEPENDENCY}", &manifest[..at], &manifest[at..]),
        None => manifest.to_owned(),
    }
}

fn manifest(krate: &Crate, settings: &Settings) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "{version}"
edition = "2021"
# Rust 1.85: the client's rustls-platform-verifier 0.7 declares 1.85 in every release. The code
# itself needs 1.70 (`Option::is_some_and`).
rust-version = "1.85"
description = "Typed bindings for the vSphere Automation REST API, generated by vsphere-codegen."
publish = false

[features]
{features}
{dependencies}"#,
        name = settings.crate_name,
        version = settings.crate_version,
        features = features(krate),
        dependencies = runtime_manifest().dependencies,
    )
}

/// The runtime crate's manifest, whose client features and `[dependencies]` table every
/// generated crate's manifest repeats: one list for both.
const RUNTIME_MANIFEST: &str = include_str!("../../runtime/Cargo.toml");
/// The line after which the runtime's manifest is shared with generated crates.
const SHARED_MARK: &str = "# --- shared with generated crates ---\n";

/// The shared parts of [`RUNTIME_MANIFEST`].
struct RuntimeManifest {
    /// The feature lines after [`SHARED_MARK`], comments included.
    features: String,
    /// The `[dependencies]` table, header included, up to the next table.
    dependencies: String,
}

fn runtime_manifest() -> RuntimeManifest {
    let shared = RUNTIME_MANIFEST.split_once(SHARED_MARK).map_or("", |(_, rest)| rest);
    let (features, dependencies) = shared.split_once("\n[dependencies]\n").unwrap_or((shared, ""));
    let dependencies = dependencies.split_once("\n[").map_or(dependencies, |(table, _)| table);
    RuntimeManifest {
        features: format!("{}\n", features.trim_end()),
        dependencies: format!("[dependencies]\n{}\n", dependencies.trim_end()),
    }
}

/// The crate root: docs, `mod` declarations (from the root module's tokens) and re-exports.
pub(crate) fn lib_rs(krate: &Crate, settings: &Settings, module: TokenStream) -> TokenStream {
    let mut lines = vec!["Typed bindings for the vSphere Automation REST API.".to_owned(), String::new()];
    lines.extend(sources_lines(krate));
    lines.extend(OVERVIEW.iter().map(|l| (*l).to_owned()));
    lines.extend(feature_lines(krate));
    let crate_ident = settings.crate_name.replace('-', "_");
    if let Some(example) = example(krate, &crate_ident) {
        lines.extend(["".to_owned(), "# Example".to_owned(), String::new()]);
        lines.extend(example);
    }
    let doc = inner_doc(&lines);
    // One name per `use`: a list could outgrow a user's `max_width`, and rustfmt would wrap it.
    let client = ["Client", "ClientBuilder", "ClientError", "RetryPolicy"].map(|name| {
        let name = ident(name);
        quote! { #[cfg(feature = "client-no-provider")] pub use runtime::#name; }
    });
    let always = ["ApiError", "ApiMode", "Error", "Operation", "Secret", "SessionId", "Task"].map(|name| {
        let name = ident(name);
        quote! { pub use runtime::#name; }
    });
    quote! {
        #doc
        #![forbid(unsafe_code)]
        #[rustfmt::skip]
        pub mod runtime;
        #module
        #(#client)*
        #(#always)*
        /// The `http` crate, whose `Request` and `StatusCode` are part of this crate's API.
        pub use runtime::http;
    }
}

/// "Generated by `vsphere-codegen` from: ..." and how to regenerate.
fn sources_lines(krate: &Crate) -> Vec<String> {
    let mut lines = vec!["Generated by `vsphere-codegen` from:".to_owned(), String::new()];
    for s in &krate.sources {
        lines.push(format!(
            "- {}: {} {} (sha256 {})",
            docs::code(&s.label),
            docs::lines(&s.title).join(" "),
            docs::code(&s.version),
            docs::code(&s.sha256)
        ));
        lines.extend(s.extensions.iter().map(|(key, value)| format!("  - `{key}`: {}", docs::code(value))));
    }
    lines.extend(
        [
            "",
            "Do not edit the generated files: regenerate the crate from its specs with",
            "`vsphere-codegen generate --out <this crate's directory> <the spec files or folders>`,",
            "or, in the workspace that carries the generator, with `cargo build`.",
        ]
        .map(str::to_owned),
    );
    lines
}

const OVERVIEW: &[&str] = &[
    "",
    "Every operation is a function in the module of its vSphere namespace that returns an",
    "[`Operation`]: a description of the call that builds its HTTP request and decodes its",
    "response. Send it with [`Client::send`](crate::runtime::Client::send) (cargo feature",
    "`client`, on by default), or with any HTTP client through [`Operation::http_request`] and",
    "[`Operation::decode`]. Errors are [`Error`]s; the server's own error body is decoded into the",
    "operation's error type, with the HTTP status and the raw body kept beside it.",
    "",
    "The client finds the surface the vCenter serves at login ([`ApiMode::Auto`]): `/api`, or the",
    "`/rest` surface of releases before 7.0 U2, where every operation paired with a `/rest` twin",
    "is sent with its inputs moved as the twin expects. Enums are open and decoding is tolerant",
    "(see [`runtime`]), so a newer vCenter does not break an older client.",
    "",
    "`API.md`, beside the manifest, lists every operation with its routes; read a regeneration's",
    "diff of it first.",
    "",
    "# Cargo features",
    "",
    "- `client` (default): the async `Client`, over reqwest with rustls and aws-lc-rs as its",
    "  crypto provider. TLS is verified unless `ClientBuilder::danger_accept_invalid_certificates`",
    "  says otherwise.",
    "- `client-no-provider`: the same client without aws-lc-rs, for targets that cannot build it;",
    "  the program gives the provider (`ClientBuilder::crypto_provider`).",
    "- `tracing` (default): a span per call, events for re-logins, retries and task progress.",
    "- `all-serde`: `Serialize` and `Deserialize` on every type. Without it a type implements the",
    "  direction it travels: `Serialize` if requests send it, `Deserialize` if responses bring it.",
    "- `full` (default): every namespace below. Turn default features off and pick namespaces to",
    "  compile only what you use; types shared between namespaces are always available.",
];

fn feature_lines(krate: &Crate) -> Vec<String> {
    krate
        .features
        .iter()
        .map(|(ns, files)| {
            let ops: usize = krate
                .modules
                .iter()
                .filter(|(p, _)| p.first() == Some(ns))
                .map(|(_, m)| m.operations.iter().filter(|o| o.is_from_spec()).count())
                .sum();
            let count = if ops == 1 { "1 operation".to_owned() } else { format!("{ops} operations") };
            let files: Vec<String> = files.iter().map(|f| docs::code(f)).collect();
            format!("- `{}`: {count} from {}.", names::unraw(ns), files.join(", "))
        })
        .collect()
}

/// A doc example calling the first operation without arguments, if there is one: one that also
/// works against a `/rest`-only vCenter when the crate has one.
fn example(krate: &Crate, crate_ident: &str) -> Option<Vec<String>> {
    let mut candidates: Vec<&Operation> = krate
        .modules
        .values()
        .flat_map(|m| m.operations.iter())
        .filter(|o| o.is_from_spec() && o.params.is_empty() && o.body.is_none() && o.optional.is_none())
        .filter(|o| o.deprecated.is_none())
        .collect();
    candidates.sort_by(|a, b| a.rust_path.cmp(&b.rust_path));
    let on_rest = |o: &&Operation| o.surface == Surface::Rest || matches!(o.legacy, Some(LegacyRoute::Route { .. }));
    let op = candidates.iter().copied().find(on_rest).or_else(|| candidates.first().copied())?;
    let lines = [
        "```no_run".to_owned(),
        "# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!("use {crate_ident}::{{Client, SessionId}};"),
        String::new(),
        "let client = Client::builder(\"https://vcenter.example.com\").build()?;".to_owned(),
        "// Log in (on `/api`, or on `/rest` for an older vCenter), or reuse a session id you have.".to_owned(),
        "let session: SessionId = client.login(\"administrator@vsphere.local\", \"secret\").await?;".to_owned(),
        "let client = client.with_session(session);".to_owned(),
        format!("let result = client.send({crate_ident}::{}()).await?;", op.rust_path),
        "println!(\"{result:?}\");".to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ];
    Some(lines.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_copies_leave_out_the_unit_tests() {
        for (path, text) in RUNTIME {
            let copy = without_tests(text);
            assert!(!copy.contains("#[cfg(test)]"), "{path} keeps a test module");
            assert!(copy.ends_with('\n'), "{path} ends with a newline");
            let code = copy.lines().filter(|l| !l.trim_start().starts_with("//"));
            assert!(
                code.clone().all(|l| !l.contains("crate::")),
                "{path}: `crate::` means another crate once embedded"
            );
        }
        assert_eq!(without_tests("a\n#[cfg(test)]\nmod tests {\n}\n"), "a\n");
    }

    #[test]
    fn generated_manifests_take_the_runtime_dependencies_and_client_features() {
        let shared = runtime_manifest();
        let table = |text: &str, name: &str| -> Vec<String> {
            let start = text.find(&format!("\n[{name}]\n")).map(|at| at + name.len() + 4).unwrap_or(text.len());
            let body = &text[start..];
            let body = body.split_once("\n[").map_or(body, |(b, _)| b);
            body.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
        };
        let dependencies = table(RUNTIME_MANIFEST, "dependencies");
        assert!(dependencies.iter().any(|l| l.starts_with("reqwest = ")), "{dependencies:?}");
        assert_eq!(table(&format!("\n{}", shared.dependencies), "dependencies"), dependencies);
        let features: Vec<String> =
            table(RUNTIME_MANIFEST, "features").into_iter().filter(|l| !l.starts_with("default =")).collect();
        assert_eq!(features.len(), 3, "client, client-no-provider and tracing: {features:?}");
        assert!(features.iter().all(|f| shared.features.contains(f.as_str())), "{}", shared.features);
    }
}
