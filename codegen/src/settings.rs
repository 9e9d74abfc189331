//! The generator's settings: plain data, handed down to the pipeline. Nothing below
//! [`Config`](crate::Config) knows a builder exists.

/// What the generated crate is called and carries, besides what the specs say.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// The generated package's name (default `vsphere-api`).
    pub crate_name: String,
    /// The generated package's version (default `0.1.0`).
    pub crate_version: String,
    /// Emit the workspace hook that regenerates the crate during `cargo build`.
    pub workspace_hook: Option<WorkspaceHook>,
    /// Every warning is an error: the run fails, naming every pointer, and writes nothing.
    pub deny_warnings: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            crate_name: "vsphere-api".to_owned(),
            crate_version: "0.1.0".to_owned(),
            workspace_hook: None,
            deny_warnings: false,
        }
    }
}

/// The workspace hook: `build.rs` and a shim crate that regenerate during workspace builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceHook {
    /// The spec directory, relative to the generated crate.
    pub spec_dir: String,
    /// The generator crate, relative to the shim (`<crate>/regenerate`).
    pub codegen_from_shim: String,
}
