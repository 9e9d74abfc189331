//! Behaviour of the *generated* crate `vsphere-api` (`generated/`), as a user of it sees it:
//! the models of `appliance::recovery::reconciliation::job`, the sans-IO `Operation`s (request
//! building and response decoding, in both `ApiMode`s), the typed vAPI errors and the async
//! `Client` against a local mock server.
//!
//! Everything here is offline and deterministic: the only network traffic goes to a
//! `wiremock::MockServer` (or a closed port) on 127.0.0.1.
//!
//! One module per topic: [`models`], [`enums`], [`requests`], [`decoding`], [`legacy`],
//! [`client`], [`errors`], [`sessions`] (renewal), [`tasks`] (typed tasks and waiting),
//! [`hostile`] (servers that misbehave), [`tracing`] (spans and events) and [`example`]
//! (the README's); [`support`] holds what they share.

mod client;
mod decoding;
mod enums;
mod errors;
mod example;
mod hostile;
mod legacy;
mod models;
mod requests;
mod sessions;
mod support;
mod tasks;
mod tracing;
