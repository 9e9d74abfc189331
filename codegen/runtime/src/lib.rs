//! Support code shared by every generated operation.
//!
//! The generated functions only *describe* a call: each returns an [`Operation`] that knows how to
//! become an [`http::Request`] and how to decode the response body into a typed value or a typed
//! [`Error`]. Nothing here performs I/O except `Client` (cargo feature `client`, on by default), so
//! the same operations work with any HTTP stack and are unit-testable offline.
//!
//! # One program, both surfaces
//!
//! vCenter serves its API twice: `/api` (vSphere 7.0 U2 and later) and the deprecated `/rest`
//! (every release before, and the only one some servers have). An operation carries its own
//! [`Route`] and, when the spec pairs it with a `/rest` twin, a [`Legacy`] description of how the
//! same call is sent there: the twin's method and path, and where each input goes. [`ApiMode`]
//! picks the surface; [`ApiMode::Auto`] (the default) finds it at login.
//!
//! # Decoding rules
//!
//! - A list or map that is absent or `null` decodes as empty, even where the spec says it is
//!   required: a spec cannot promise what servers send, and servers that leave out empty fields
//!   are common. Nothing else is invented: a missing required scalar or object is still an error
//!   that names the field. Encoding is unchanged.
//! - A map also decodes from the `/rest` surface's `[{"key": k, "value": v}]` list.
//! - `/rest` envelopes (`{"value": ...}`, and `{"type": ..., "value": ...}` for errors) are
//!   unwrapped.
//! - An error body is decoded by its discriminator (`error_type`, or the `/rest` `type`). A body
//!   without one, an empty body, or a body that is not JSON gets the error the HTTP status implies
//!   where that is unambiguous (see [`status_tag`]), and keeps the raw body either way.
//!
//! This file is the root of the `vsphere-runtime` crate and, copied by the generator, the
//! `runtime` module of every generated crate. Paths and links inside it are therefore relative
//! (`self::`, `super::`), never `crate::`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod operation;
mod route;
mod secret;
mod task;

#[cfg(feature = "client-no-provider")]
mod builder;
#[cfg(feature = "client-no-provider")]
mod client;
#[cfg(feature = "client-no-provider")]
mod retry;
#[cfg(feature = "client-no-provider")]
mod session;
#[cfg(feature = "client-no-provider")]
mod settings;
#[cfg(feature = "client-no-provider")]
mod tls;
#[cfg(feature = "client-no-provider")]
mod trace;
#[cfg(feature = "client-no-provider")]
mod wait;

#[doc(hidden)]
pub mod wire;

#[cfg(feature = "client-no-provider")]
pub use self::builder::{ClientBuilder, ClientError};
#[cfg(feature = "client-no-provider")]
pub use self::client::Client;
pub use self::error::{status_tag, ApiError, Error, ErrorBody, Limit};
pub use self::operation::{ApiMode, Operation};
#[cfg(feature = "client-no-provider")]
pub use self::retry::RetryPolicy;
pub use self::route::{Legacy, Method, Route, Surface, Target};
pub use self::secret::{Secret, SessionId};
pub use self::task::{Task, TaskInfo, TaskProgress, TaskStatus};
#[cfg(feature = "client-no-provider")]
pub use self::wait::Wait;
/// The `http` crate, whose types (`http::Request`, `http::StatusCode`) are part of this API.
pub use ::http;

/// The HTTP header that carries the vCenter session identifier.
pub const SESSION_HEADER: &str = "vmware-api-session-id";
