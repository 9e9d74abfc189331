//! The crate's fixed files: manifest, crate root, runtime, and the workspace build hook.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Content, EmittedFile, inner_doc};
use crate::config::Config;
use crate::docs;
use crate::ir::{Crate, Operation};

/// The runtime, copied verbatim.
const RUNTIME: &[(&str, &str)] = &[
    ("src/runtime.rs", include_str!("../../runtime/mod.rs")),
    ("src/runtime/client.rs", include_str!("../../runtime/client.rs")),
    ("src/runtime/error.rs", include_str!("../../runtime/error.rs")),
    ("src/runtime/operation.rs", include_str!("../../runtime/operation.rs")),
    ("src/runtime/secret.rs", include_str!("../../runtime/secret.rs")),
    ("src/runtime/wire.rs", include_str!("../../runtime/wire.rs")),
];

pub(crate) fn crate_files(krate: &Crate, config: &Config) -> Vec<EmittedFile> {
    let all: Vec<String> = krate.sources.iter().map(|s| s.label.clone()).collect();
    let mut out = vec![EmittedFile {
        path: "Cargo.toml".to_owned(),
        sources: all.clone(),
        content: Content::Text(manifest(krate, config)),
    }];
    for (path, text) in RUNTIME {
        out.push(EmittedFile {
            path: (*path).to_owned(),
            sources: Vec::new(),
            content: Content::RustText((*text).to_owned()),
        });
    }
    if let Some(ws) = config.workspace() {
        let spec_dir = &ws.spec_dir;
        let build = format!(
            r#"//! Regenerates `src/` from `{spec_dir}` during workspace builds (cargo feature `regenerate`,
//! which the workspace turns on). A vendored copy of this crate builds without it: the feature
//! is off, and this script then does nothing.

fn main() {{
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "regenerate")]
    vsphere_api_regenerate::regenerate(env!("CARGO_MANIFEST_DIR"), "{spec_dir}");
}}
"#
        );
        out.push(EmittedFile { path: "build.rs".to_owned(), sources: all.clone(), content: Content::RustText(build) });
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
vsphere-codegen = {{ path = "{codegen}", optional = true }}
"#,
            codegen = ws.codegen_from_shim
        );
        out.push(EmittedFile {
            path: "regenerate/Cargo.toml".to_owned(),
            sources: all.clone(),
            content: Content::Text(shim_manifest),
        });
        let shim = r#"//! Links `vsphere-api`'s build script to the generator when built inside the workspace.
//!
//! The generator is an optional dependency of this crate, enabled by the workspace (feature
//! `workspace`), so `vsphere-api`'s manifest never names the generator's path: a vendored copy
//! resolves and builds without it.

/// Regenerates the crate at `manifest_dir` from the spec files in `spec_dir` (relative to it),
/// writing only files whose content changed. Inside the workspace only; elsewhere a warning.
pub fn regenerate(manifest_dir: &str, spec_dir: &str) {
    #[cfg(feature = "workspace")]
    {
        let root = std::path::Path::new(manifest_dir);
        let result = vsphere_codegen::Config::new()
            .spec_dir(root.join(spec_dir))
            .label_prefix("spec/")
            .regenerate_command("cargo build")
            .workspace_build(spec_dir, "../../codegen")
            .out_dir(root)
            .run_in_build_script();
        if let Err(error) = result {
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
    #[cfg(not(feature = "workspace"))]
    {
        let _ = (manifest_dir, spec_dir);
        println!("cargo:warning=the `regenerate` feature works only inside the vsphere-codegen workspace; nothing regenerated");
    }
}
"#;
        out.push(EmittedFile {
            path: "regenerate/src/lib.rs".to_owned(),
            sources: all,
            content: Content::RustText(shim.to_owned()),
        });
    }
    out
}

fn manifest(krate: &Crate, config: &Config) -> String {
    let mut features = String::new();
    let namespaces: Vec<&String> = krate.features.keys().collect();
    features.push_str("default = [\"client\", \"full\"]\n");
    features.push_str("# The async client: reqwest with rustls (ring), TLS verified by default.\n");
    features.push_str("client = [\"dep:reqwest\", \"dep:rustls\"]\n");
    features.push_str("# Every namespace.\n");
    features.push_str(&format!(
        "full = [{}]\n",
        namespaces.iter().map(|n| format!("\"{}\"", n.trim_start_matches("r#"))).collect::<Vec<_>>().join(", ")
    ));
    for (ns, files) in &krate.features {
        features.push_str(&format!(
            "# Operations of `{}` ({}).\n",
            ns.trim_start_matches("r#"),
            files.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
        features.push_str(&format!("{} = []\n", ns.trim_start_matches("r#")));
    }
    let (regen_feature, regen_dep) = if config.workspace().is_some() {
        (
            "# Workspace builds only: regenerate src/ from the specs first (see build.rs).\nregenerate = [\"dep:vsphere-api-regenerate\"]\n",
            "\n[build-dependencies]\nvsphere-api-regenerate = { path = \"regenerate\", optional = true }\n",
        )
    } else {
        ("", "")
    };
    format!(
        r#"[package]
name = "{name}"
version = "{version}"
edition = "2021"
rust-version = "1.82"
description = "Typed bindings for the vSphere Automation REST API, generated by vsphere-codegen."
publish = false

[features]
{features}{regen_feature}
[dependencies]
chrono = {{ version = "0.4", default-features = false, features = ["std", "serde"] }}
form_urlencoded = "1"
http = "1"
percent-encoding = "2"
reqwest = {{ version = "0.13", default-features = false, features = ["rustls-no-provider"], optional = true }}
rustls = {{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"], optional = true }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
thiserror = "2"
{regen_dep}"#,
        name = config.crate_name(),
        version = config.crate_version(),
    )
}

/// The crate root: docs, `mod` declarations (from the root module's tokens) and re-exports.
pub(crate) fn lib_rs(krate: &Crate, config: &Config, module: TokenStream) -> TokenStream {
    let mut lines = vec![
        "Typed bindings for the vSphere Automation REST API.".to_owned(),
        String::new(),
        "Generated by `vsphere-codegen` from:".to_owned(),
        String::new(),
    ];
    for s in &krate.sources {
        lines.push(format!(
            "- {}: {} {} (sha256 {})",
            docs::code(&s.label),
            docs::lines(&s.title).join(" "),
            docs::code(&s.version),
            docs::code(&s.sha256)
        ));
        for (key, value) in &s.extensions {
            lines.push(format!("  - `{key}`: {}", docs::code(value)));
        }
    }
    lines.extend(
        [
            "",
            "Every operation is a function in the module of its vSphere namespace that returns an",
            "[`Operation`]: a description of the call that builds its HTTP request and decodes its",
            "response. Send it with [`Client::send`](crate::runtime::Client) (cargo feature `client`, on",
            "by default), or with any HTTP client through [`Operation::http_request`] and",
            "[`Operation::decode`]. Errors are [`Error`]s; the server's own error body is decoded into the",
            "operation's error type, with the HTTP status and the raw body kept beside it.",
            "",
            "Enums are open: a value this crate does not know decodes into a catch-all variant and",
            "encodes back unchanged, so a newer vCenter does not break an older client.",
            "",
            "# Cargo features",
            "",
            "- `client` (default): the async `Client`, over reqwest with rustls. TLS is verified unless",
            "  `ClientBuilder::danger_accept_invalid_certificates` says otherwise.",
            "- `full` (default): every namespace below. Turn default features off and pick namespaces to",
            "  compile only what you use; types shared between namespaces are always available.",
        ]
        .map(str::to_owned),
    );
    for (ns, files) in &krate.features {
        let ops: usize = krate
            .modules
            .iter()
            .filter(|(p, _)| p.first() == Some(ns))
            .map(|(_, m)| m.operations.iter().filter(|o| o.from_spec).count())
            .sum();
        lines.push(format!(
            "- `{}`: {} from {}.",
            ns.trim_start_matches("r#"),
            if ops == 1 { "1 operation".to_owned() } else { format!("{ops} operations") },
            files.iter().map(|f| docs::code(f)).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(example) = example(krate, &config.crate_name().replace('-', "_")) {
        lines.push(String::new());
        lines.push("# Example".to_owned());
        lines.push(String::new());
        lines.extend(example);
    }
    let doc = inner_doc(&lines);
    quote! {
        #doc
        #![forbid(unsafe_code)]
        pub mod runtime;
        #module
        #[cfg(feature = "client")]
        pub use runtime::{Client, ClientBuilder, ClientError};
        pub use runtime::{ApiError, ApiMode, Error, Operation, Secret, SessionId};
    }
}

/// A doc example calling the first operation without arguments, if there is one.
fn example(krate: &Crate, crate_ident: &str) -> Option<Vec<String>> {
    let op: &Operation = krate
        .modules
        .values()
        .flat_map(|m| m.operations.iter())
        .filter(|o| {
            o.from_spec && o.params.is_empty() && o.body.is_none() && o.optional.is_none() && o.deprecated.is_none()
        })
        .min_by(|a, b| a.rust_path.cmp(&b.rust_path))?;
    Some(
        [
            "```no_run".to_owned(),
            "# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
            format!("use {crate_ident}::{{Client, SessionId}};"),
            String::new(),
            "let client = Client::builder(\"https://vcenter.example.com\").build()?;".to_owned(),
            "// Log in with a user name and password, or reuse a session id you already have.".to_owned(),
            "let session: SessionId = client.login(\"administrator@vsphere.local\", \"secret\").await?;".to_owned(),
            "let client = client.with_session(session);".to_owned(),
            format!("let result = client.send({crate_ident}::{}()).await?;", op.rust_path),
            "println!(\"{result:?}\");".to_owned(),
            "# Ok(())".to_owned(),
            "# }".to_owned(),
            "```".to_owned(),
        ]
        .to_vec(),
    )
}
