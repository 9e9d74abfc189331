//! The error of a call: what the server said, or why there was no usable answer.

use std::fmt;

/// An error response from vCenter: a non-2xx status, with the body decoded when possible.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The Rust path of the operation, for example `vcenter::vm::get`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: http::StatusCode,
    /// The decoded error body; `None` when the body is empty, not JSON, or not of the declared type.
    pub error: Option<E>,
    /// The raw response body.
    pub body: Vec<u8>,
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` failed with HTTP {}", self.operation, self.status)?;
        let body = String::from_utf8_lossy(&self.body);
        let body = body.trim();
        if !body.is_empty() {
            const LIMIT: usize = 300;
            match body.char_indices().nth(LIMIT) {
                Some((cut, _)) => write!(f, ": {}...", &body[..cut])?,
                None => write!(f, ": {body}")?,
            }
        }
        Ok(())
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}

/// Why a call did not produce its result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError<E>>),
    /// The request could not be built (an invalid base URL or header value, or a body that does
    /// not serialize).
    #[error("could not build the request of `{operation}`: {reason}")]
    Request {
        /// The Rust path of the operation.
        operation: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The request could not be sent or the response could not be read.
    #[error("could not send `{operation}`")]
    Transport {
        /// The Rust path of the operation.
        operation: &'static str,
        /// The HTTP client's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The server answered with success but the body does not fit the declared type.
    #[error("could not decode the HTTP {status} response of `{operation}`")]
    Decode {
        /// The Rust path of the operation.
        operation: &'static str,
        /// The HTTP status.
        status: http::StatusCode,
        /// The raw response body.
        body: Vec<u8>,
        /// What did not fit.
        #[source]
        source: serde_json::Error,
    },
}

impl<E> Error<E> {
    /// The Rust path of the operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api(api) => api.operation,
            Error::Request { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. } => operation,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Request { .. } | Error::Transport { .. } => None,
        }
    }

    /// The decoded error body, when the server sent one of the declared type.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(api) => api.error.as_ref(),
            _ => None,
        }
    }
}
