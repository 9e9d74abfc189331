//! Support code shared by every generated operation.
//!
//! The generated functions only *describe* a call: each returns an [`Operation`] that knows how to
//! become an [`http::Request`] and how to decode the [`http::Response`] body into a typed value or
//! a typed [`Error`]. Nothing here performs I/O except [`Client`] (cargo feature `client`, on by
//! default), so the same operations work with any HTTP stack and are unit-testable offline.

mod error;
mod operation;
mod secret;

#[cfg(feature = "client")]
mod client;

#[doc(hidden)]
pub mod wire;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, ClientError};
pub use error::{ApiError, Error};
pub use operation::{ApiMode, Operation, Route};
pub use secret::{Secret, SessionId};

/// The HTTP header that carries the vCenter session identifier.
pub const SESSION_HEADER: &str = "vmware-api-session-id";
