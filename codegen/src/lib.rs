//! `vsphere-codegen`: generates a typed Rust crate from vSphere Automation REST API specs.
//!
//! The pipeline runs one way: [`load`] (JSON or YAML, with VMware's defects repaired and vendor
//! extensions read into typed structs) -> [`validate`] -> [`lower`] (to the plain-data [`ir`]) ->
//! [`emit`] (token streams) -> [`write`](mod@write) (formatted, headed, written only when changed).
//! [`Config`] drives it, from a build script, the CLI, or a test.

pub mod config;
pub mod diag;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod pointer;
pub mod repair;
pub mod report;
pub mod validate;
pub mod vendor;
pub mod write;

pub use config::{Config, Generated, Timings};
pub use diag::{Diagnostic, Error, Kind, Severity};
pub use report::Report;
