//! The error of a call: what the server said, or why there was no usable answer.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::wire;

/// The type an operation's error body decodes into.
///
/// Generated error unions set [`ErrorBody::DISCRIMINATOR`] to their tag property (`error_type`),
/// so that a body without a tag, an empty body or one that is not JSON still decodes into the
/// variant that the HTTP status implies (see [`status_tag`]).
pub trait ErrorBody: DeserializeOwned {
    /// The property that tells the variants apart, if this is a tagged union.
    const DISCRIMINATOR: Option<&'static str> = None;
}

impl ErrorBody for Value {}
impl ErrorBody for String {}
impl ErrorBody for bool {}
impl ErrorBody for i32 {}
impl ErrorBody for i64 {}
impl ErrorBody for f32 {}
impl ErrorBody for f64 {}
impl ErrorBody for () {}
impl ErrorBody for super::Secret {}
impl ErrorBody for chrono::DateTime<chrono::Utc> {}
impl<T: DeserializeOwned> ErrorBody for Vec<T> {}
impl<T: DeserializeOwned> ErrorBody for std::collections::BTreeMap<String, T> {}

/// The standard vAPI error that an HTTP status implies on its own, where VMware's mapping is
/// one-to-one: 401 `UNAUTHENTICATED`, 403 `UNAUTHORIZED`, 404 `NOT_FOUND`, 409
/// `CONCURRENT_CHANGE`, 503 `SERVICE_UNAVAILABLE` and 504 `TIMED_OUT`. Other statuses (400 and
/// 500 stand for many errors each) imply none.
pub fn status_tag(status: http::StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        401 => "UNAUTHENTICATED",
        403 => "UNAUTHORIZED",
        404 => "NOT_FOUND",
        409 => "CONCURRENT_CHANGE",
        503 => "SERVICE_UNAVAILABLE",
        504 => "TIMED_OUT",
        _ => return None,
    })
}

/// Decodes an error body by the rules in the [module docs](super): the `/rest` envelope is
/// unwrapped (its `type` becomes the tag), a tag the body lacks comes from the status, and a body
/// that is empty or not JSON stands for `{}` when the status implies a tag. `None` when nothing
/// fits `E`.
pub(super) fn decode_error<E: ErrorBody>(body: &[u8], envelope: bool, status: http::StatusCode) -> Option<E> {
    let parsed = serde_json::from_slice::<Value>(body.trim_ascii()).ok();
    let (mut value, mut tag) = match parsed {
        Some(Value::Object(mut map)) if envelope && map.contains_key("type") && map.contains_key("value") => {
            let tag = map.get("type").and_then(Value::as_str).map(wire::vapi_type_to_tag);
            (map.remove("value"), tag)
        }
        other => (other, None),
    };
    if let Some(property) = E::DISCRIMINATOR {
        if tag.is_none() {
            tag = status_tag(status).map(str::to_owned);
        }
        if value.is_none() && tag.is_some() {
            value = Some(Value::Object(serde_json::Map::new()));
        }
        if let (Some(Value::Object(map)), Some(tag)) = (&mut value, tag) {
            map.entry(property.to_owned()).or_insert(Value::String(tag));
        }
    }
    E::deserialize(wire::Tolerant(&value?)).ok()
}

/// An error response from vCenter: a non-2xx status, with the body decoded when possible.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The Rust path of the operation, for example `vcenter::vm::get`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: http::StatusCode,
    /// The decoded error; `None` when neither the body nor the status says which error it is.
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
    /// The operation cannot be sent on the surface the client uses: its `/rest` twin takes
    /// inputs that the `/api` function does not have (or the other way round).
    #[error("`{operation}` is not available on the /rest surface: {reason}")]
    Unavailable {
        /// The Rust path of the operation.
        operation: &'static str,
        /// Why the generator could not pair it with its `/rest` twin.
        reason: &'static str,
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
            | Error::Unavailable { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. } => operation,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Request { .. } | Error::Unavailable { .. } | Error::Transport { .. } => None,
        }
    }

    /// The decoded error, when the server sent one of the declared type or its status implies one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(api) => api.error.as_ref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    /// A small stand-in for a generated vAPI error union.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "error_type")]
    enum Vapi {
        #[serde(rename = "NOT_FOUND")]
        NotFound {
            #[serde(default)]
            messages: Vec<String>,
        },
        #[serde(rename = "UNAUTHENTICATED")]
        Unauthenticated { challenge: Option<String> },
        #[serde(rename = "ALREADY_EXISTS")]
        AlreadyExists {},
        #[serde(rename = "ERROR")]
        Error {},
    }

    impl ErrorBody for Vapi {
        const DISCRIMINATOR: Option<&'static str> = Some("error_type");
    }

    fn status(code: u16) -> http::StatusCode {
        http::StatusCode::from_u16(code).unwrap()
    }

    #[test]
    fn the_tag_in_the_body_wins_over_the_status() {
        let body = br#"{"error_type": "ALREADY_EXISTS", "messages": []}"#;
        assert_eq!(decode_error::<Vapi>(body, false, status(404)), Some(Vapi::AlreadyExists {}));
    }

    #[test]
    fn a_body_without_a_tag_takes_the_status_tag() {
        let body = br#"{"messages": ["gone"]}"#;
        assert_eq!(
            decode_error::<Vapi>(body, false, status(404)),
            Some(Vapi::NotFound { messages: vec!["gone".into()] })
        );
        assert_eq!(decode_error::<Vapi>(body, false, status(400)), None, "400 stands for many errors");
    }

    #[test]
    fn an_empty_or_non_json_body_takes_the_status_tag() {
        assert_eq!(decode_error::<Vapi>(b"", false, status(401)), Some(Vapi::Unauthenticated { challenge: None }));
        assert_eq!(
            decode_error::<Vapi>(b"404 page not found", false, status(404)),
            Some(Vapi::NotFound { messages: vec![] })
        );
        assert_eq!(decode_error::<Vapi>(b"", false, status(500)), None);
        assert_eq!(decode_error::<Value>(b"", false, status(404)), None, "untagged types get nothing invented");
    }

    #[test]
    fn rest_envelopes_give_their_type_as_the_tag() {
        let body = br#"{"type": "com.vmware.vapi.std.errors.already_exists", "value": {"messages": []}}"#;
        assert_eq!(decode_error::<Vapi>(body, true, status(400)), Some(Vapi::AlreadyExists {}));
        // The same body on the /api surface is not an envelope.
        assert_eq!(decode_error::<Value>(body, false, status(400)), Some(serde_json::from_slice(body).unwrap()));
        let untyped = br#"{"type": "com.vmware.vapi.std.errors.not_found", "value": {"messages": ["x"]}}"#;
        assert_eq!(decode_error::<Value>(untyped, true, status(404)), Some(json!({"messages": ["x"]})));
    }

    #[test]
    fn status_tags_are_the_one_to_one_ones() {
        let tags: Vec<(u16, &str)> = (100..600).filter_map(|c| status_tag(status(c)).map(|t| (c, t))).collect();
        assert_eq!(
            tags,
            [
                (401, "UNAUTHENTICATED"),
                (403, "UNAUTHORIZED"),
                (404, "NOT_FOUND"),
                (409, "CONCURRENT_CHANGE"),
                (503, "SERVICE_UNAVAILABLE"),
                (504, "TIMED_OUT")
            ]
        );
    }

    #[test]
    fn accessors_and_messages() {
        let api: Error<Vapi> = Error::Api(Box::new(ApiError {
            operation: "vcenter::vm::get",
            status: status(404),
            error: Some(Vapi::NotFound { messages: vec![] }),
            body: "é".repeat(400).into_bytes(),
        }));
        assert_eq!(api.operation(), "vcenter::vm::get");
        assert_eq!(api.status(), Some(status(404)));
        assert!(matches!(api.api_error(), Some(Vapi::NotFound { .. })));
        let text = api.to_string();
        assert!(text.starts_with("`vcenter::vm::get` failed with HTTP 404 Not Found: é") && text.ends_with("..."));
        let unavailable: Error<Vapi> = Error::Unavailable { operation: "x::y", reason: "no twin" };
        assert_eq!(unavailable.to_string(), "`x::y` is not available on the /rest surface: no twin");
        assert_eq!(unavailable.status(), None);
        assert!(unavailable.api_error().is_none());
    }
}
