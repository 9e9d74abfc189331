//! Robustness: "The generator must not panic on any file, nor on any part of one: run it on each
//! real file with a tenth of its paths removed at random (seeded, a few seeds), and on each file
//! truncated at a random byte; each run ends in generated code or in a clear error with a pointer."
//!
//! - [`files`]: every spec file of `../shared/specs/*/`, three seeds each: a tenth of the paths
//!   removed (generated code must have one function per operation left in the spec); truncated at
//!   a random byte (a clear error names the file, a pointer and, for JSON, the line and column);
//!   truncated with the open objects and arrays then closed, so that the generator sees a valid
//!   document that is a part of the real one.
//! - [`targeted`]: hand-made damage to a small spec, one kind at a time, each with its exact
//!   outcome, as data in `tests/fixtures/robustness/targeted.yaml`.
//! - [`regressions`]: defects found here and since fixed, one test each.
//!
//! Every generation runs under `catch_unwind` ([`run`]). Failures are collected and reported
//! together, each with the file, the seed or case and what went wrong (for a panic: its message and
//! location). Set `ROBUSTNESS_FILE=vcenter` to limit the file-based tests to files whose
//! `folder/file` contains the text; `--nocapture` shows the outcome of every run.

mod base;
mod files;
mod regressions;
mod run;
mod targeted;
