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

/// An error body parsed by the rules in the [module docs](super): the JSON it holds (the
/// `/rest` envelope's `value`), and the tag the envelope's `type` gives.
fn parse_error_body(body: &[u8], envelope: bool) -> (Option<Value>, Option<String>) {
    match serde_json::from_slice::<Value>(body.trim_ascii()).ok() {
        Some(Value::Object(mut map)) if envelope && map.contains_key("type") && map.contains_key("value") => {
            let tag = map.get("type").and_then(Value::as_str).map(wire::vapi_type_to_tag);
            (map.remove("value"), tag)
        }
        other => (other, None),
    }
}

#[cfg(feature = "client-no-provider")]
/// The standard error tag a body names itself: the `/rest` envelope's `type`, or the vAPI
/// discriminator `error_type`.
fn body_tag(body: &[u8], envelope: bool) -> Option<String> {
    let (value, tag) = parse_error_body(body, envelope);
    tag.or_else(|| value?.get("error_type")?.as_str().map(str::to_owned))
}

#[cfg(feature = "client-no-provider")]
/// The standard error a response stands for: the tag its body names, else the one its status
/// implies (see [`status_tag`]). The client uses it to recognise an expired session and a
/// service that is not available, whatever the operation's error type.
pub(super) fn error_tag(body: &[u8], envelope: bool, status: http::StatusCode) -> Option<String> {
    body_tag(body, envelope).or_else(|| status_tag(status).map(str::to_owned))
}

#[cfg(feature = "client-no-provider")]
/// Whether an error body is a vAPI error (it names its type), rather than a bare status page.
pub(super) fn is_vapi_error(body: &[u8], envelope: bool) -> bool {
    body_tag(body, envelope).is_some()
}

/// Decodes an error body by the rules in the [module docs](super): the `/rest` envelope is
/// unwrapped (its `type` becomes the tag), a tag the body lacks comes from the status, and a body
/// that is empty or not JSON stands for `{}` when the status implies a tag. `None` when nothing
/// fits `E`.
pub(super) fn decode_error<E: ErrorBody>(body: &[u8], envelope: bool, status: http::StatusCode) -> Option<E> {
    let (mut value, envelope_tag) = parse_error_body(body, envelope);
    if let Some(property) = E::DISCRIMINATOR {
        let tag = envelope_tag.or_else(|| status_tag(status).map(str::to_owned));
        if value.is_none() && tag.is_some() {
            value = Some(Value::Object(serde_json::Map::new()));
        }
        if let (Some(Value::Object(map)), Some(tag)) = (&mut value, tag) {
            map.entry(property.to_owned()).or_insert(Value::String(tag));
        }
    }
    E::deserialize(wire::Tolerant(&value?)).ok()
}

#[cfg(feature = "client-no-provider")]
/// Decodes the `error` of a failed task: a vAPI error structure, or (as the 7.0.3 spec types it)
/// a string, which may hold that structure as JSON. `None` when nothing fits `E`.
pub(super) fn decode_task_error<E: ErrorBody>(raw: &Value) -> Option<E> {
    let value = match raw {
        Value::String(text) => serde_json::from_str::<Value>(text).unwrap_or_else(|_| raw.clone()),
        other => other.clone(),
    };
    serde_json::from_value(value).ok()
}

/// The first message of a vAPI error (`messages[0].default_message`), or the text of a plain
/// string error, for error texts.
fn vapi_message(error: &Value) -> Option<String> {
    match error {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(parsed @ Value::Object(_)) => vapi_message(&parsed),
            _ => Some(text.clone()),
        },
        Value::Object(map) => map
            .get("messages")
            .and_then(|m| m.get(0))
            .and_then(|m| m.get("default_message"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

/// At most `limit` characters of `text`, with `...` when cut.
fn cut(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

/// The innermost cause of an error chain: the most specific thing that went wrong.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// An error response from vCenter: a non-2xx status, with the body decoded when possible.
///
/// `Debug` shows the body as text, cut after 2,000 characters; `Display` after 300.
#[derive(Clone)]
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

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("error", &self.error)
            .field("body", &cut(&String::from_utf8_lossy(&self.body), 2000))
            .finish()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` failed with HTTP {}", self.operation, self.status)?;
        let body = String::from_utf8_lossy(&self.body);
        let body = body.trim();
        if !body.is_empty() {
            write!(f, ": {}", cut(body, 300))?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}

/// Which limit a call ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// The connection to the vCenter was not made in time (`ClientBuilder::connect_timeout`).
    Connect,
    /// The response, body included, did not arrive in time (`ClientBuilder::timeout`, or
    /// `Operation::timeout` for one call).
    Request,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Connect => "connect timeout",
            Limit::Request => "request timeout",
        })
    }
}

/// Why a call did not produce its result.
///
/// No variant holds a request's URL or body: a `format: password` value that a `/rest` twin takes
/// in its query never reaches an error's `Display`, `Debug` or source chain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError<E>>),
    /// The request could not be built (an invalid base URL or header value, a path parameter
    /// left empty, or a body that does not serialize).
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
    #[error("could not send `{operation}`: {}", root_cause(source.as_ref()))]
    Transport {
        /// The Rust path of the operation.
        operation: &'static str,
        /// The HTTP client's error, without the request's URL.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// A limit ran out before the answer arrived.
    #[error("`{operation}` got no answer within the {limit} of {}", seconds(*after))]
    Timeout {
        /// The Rust path of the operation.
        operation: &'static str,
        /// Which limit.
        limit: Limit,
        /// How long it was.
        after: std::time::Duration,
    },
    /// The response body is larger than the client accepts (`ClientBuilder::body_limit`); it was
    /// not read.
    #[error("the response of `{operation}` is larger than the body limit of {limit} bytes")]
    BodyTooLarge {
        /// The Rust path of the operation.
        operation: &'static str,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The server answered with success but the body does not fit the declared type.
    #[error("could not decode the HTTP {status} response of `{operation}`: {source}")]
    Decode {
        /// The Rust path of the operation.
        operation: &'static str,
        /// The HTTP status.
        status: http::StatusCode,
        /// The raw response body (empty for an operation that creates a session, whose answer is
        /// the session id).
        body: Vec<u8>,
        /// What did not fit.
        #[source]
        source: serde_json::Error,
    },
    /// The session had expired, and logging in again with the client's credentials failed.
    #[error("`{operation}`: the session expired, and logging in again failed: {source}")]
    Login {
        /// The Rust path of the operation.
        operation: &'static str,
        /// Why the login failed.
        #[source]
        source: Box<Error<Value>>,
    },
    /// The vCenter task ended in `FAILED`.
    #[error("task `{task}` failed{}", vapi_message(raw).map(|m| format!(": {m}")).unwrap_or_default())]
    TaskFailed {
        /// The task's identifier.
        task: String,
        /// The task's error, decoded into the operation's error type when it fits (boxed: an
        /// error union is large, and `Result<T, Error<E>>` should not be).
        error: Option<Box<E>>,
        /// The task's error as the server sent it: a vAPI error structure or a string.
        raw: Value,
    },
    /// Waiting for a task ran past its deadline (`ClientBuilder::task_deadline`, or
    /// `Wait::deadline`); the task may still be running.
    #[error("task `{task}` did not end within {}", seconds(*waited))]
    TaskTimeout {
        /// The task's identifier.
        task: String,
        /// How long the client waited.
        waited: std::time::Duration,
    },
}

/// A duration for people: `300 s`, `1.5 s`, `250 ms`.
fn seconds(duration: std::time::Duration) -> String {
    if duration < std::time::Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

impl<E> Error<E> {
    /// The Rust path of the operation that failed (`runtime::Client::wait` for a task).
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api(api) => api.operation,
            Error::Request { operation, .. }
            | Error::Unavailable { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Login { operation, .. } => operation,
            Error::TaskFailed { .. } | Error::TaskTimeout { .. } => WAIT,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The decoded error: the one the server sent (or its status implies), or a failed task's.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(api) => api.error.as_ref(),
            Error::TaskFailed { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// Whether a limit ran out ([`Error::Timeout`], [`Error::TaskTimeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::TaskTimeout { .. })
    }
}

/// The operation name that task errors carry.
pub(super) const WAIT: &str = "runtime::Client::wait";

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
            body: "é".repeat(2500).into_bytes(),
        }));
        assert_eq!(api.operation(), "vcenter::vm::get");
        assert_eq!(api.status(), Some(status(404)));
        assert!(matches!(api.api_error(), Some(Vapi::NotFound { .. })));
        let text = api.to_string();
        assert!(text.starts_with("`vcenter::vm::get` failed with HTTP 404 Not Found: é") && text.ends_with("..."));
        let debug = format!("{api:?}");
        assert!(debug.contains("body: \"éé") && debug.chars().count() < 2200 && debug.ends_with("...\" })"), "{debug}");
        let unavailable: Error<Vapi> = Error::Unavailable { operation: "x::y", reason: "no twin" };
        assert_eq!(unavailable.to_string(), "`x::y` is not available on the /rest surface: no twin");
        assert_eq!(unavailable.status(), None);
        assert!(unavailable.api_error().is_none());
    }
}
