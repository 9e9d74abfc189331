//! `vsphere-codegen`: generates a typed Rust crate from vSphere Automation REST API specs.
//!
//! The pipeline runs one way: load (JSON or YAML, with VMware's defects repaired and vendor
//! extensions read into typed structs) -> validate -> lower (to a plain-data IR) -> emit (token
//! streams) -> write (formatted, headed, written only when changed). [`Config`] drives it, from a
//! build script, the CLI, or a test; [`Settings`] are what it hands down.
//!
//! The public surface is what a build script or the CLI uses: [`Config`], [`Settings`],
//! [`Generated`] with its [`Report`], the diagnostics ([`Diagnostic`], [`Error`]), and the API
//! diff ([`diff()`], which gives an [`ApiDiff`]: its [`Change`]s and the semver [`Bump`]). Everything
//! else is internal, so that the crates it is built on (`openapiv3` among them) are not part of
//! its semver.

mod config;
#[cfg(feature = "contract")]
mod contract;
mod diag;
mod diff;
mod docs;
mod emit;
mod ir;
mod load;
mod lower;
mod names;
mod parallel;
mod pipeline;
mod pointer;
mod repair;
mod report;
mod settings;
mod validate;
mod vendor;
mod write;

pub use config::Config;
#[cfg(feature = "contract")]
pub use contract::ContractCalls;
pub use diag::{Diagnostic, Error, Kind, Severity};
pub use diff::{ApiDiff, Bump, Change, ChangeKind, Counts, Level, SideSummary, Summary, Verdict, diff};
pub use pipeline::{Generated, Timings};
pub use pointer::Pointer;
pub use report::{FileCounts, FileReport, Report};
pub use settings::{Settings, WorkspaceHook};
