//! Sans-IO operations: build the HTTP request, decode the HTTP response.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::wire;
use super::{ApiError, Error, SESSION_HEADER, SessionId};

/// Which of vCenter's two REST surfaces a call is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiMode {
    /// The `/api` surface of vSphere 7.0 U2 and later.
    #[default]
    Current,
    /// The deprecated `/rest` surface, the only one that vCenter releases before 7.0 U2 serve.
    ///
    /// Operations that have a legacy twin are sent to the twin's method and path, their
    /// `{"value": ...}` envelopes are unwrapped and their `{"type": ..., "value": ...}` errors are
    /// decoded into the same error types. Operations without a twin are sent unchanged.
    Legacy,
}

/// The method, path and wire conventions of one way to call an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    method: http::Method,
    path: String,
    envelope: bool,
    body_key: Option<&'static str>,
}

impl Route {
    /// A route of the current `/api` surface: bodies are sent and received as they are.
    pub fn new(method: http::Method, path: String) -> Self {
        Self { method, path, envelope: false, body_key: None }
    }

    /// A route of the legacy `/rest` surface: results come wrapped in `{"value": ...}` and errors
    /// in `{"type": ..., "value": ...}`.
    pub fn legacy(method: http::Method, path: String) -> Self {
        Self { method, path, envelope: true, body_key: None }
    }

    /// Sends the request body wrapped as `{"<key>": body}`, as `/rest` operations expect.
    pub fn with_body_key(mut self, key: &'static str) -> Self {
        self.body_key = Some(key);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The path, with path parameters encoded and the query string fixed by the spec, if any.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether responses on this route are wrapped in the `/rest` envelopes.
    pub fn is_legacy(&self) -> bool {
        self.envelope
    }
}

/// Static facts about an operation's error responses, used to decode them.
#[derive(Debug, Clone, Copy)]
struct ErrorTags {
    /// The discriminator property of the error type, if it is a tagged union.
    property: &'static str,
    /// The discriminator value that each documented status implies (status 0: any other).
    by_status: &'static [(u16, &'static str)],
}

/// One call of a vSphere operation, ready to be turned into an HTTP request.
///
/// `T` is the decoded result, `E` the decoded error body. Build one with the generated function
/// of the operation, send it with [`Client::send`](crate::runtime::Client) or with any HTTP client
/// through [`Operation::http_request`] and [`Operation::decode`].
#[must_use = "an operation does nothing until it is sent"]
pub struct Operation<T, E = serde_json::Value> {
    name: &'static str,
    route: Route,
    legacy: Option<Route>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Result<Vec<u8>, String>>,
    errors: Option<ErrorTags>,
    types: PhantomData<fn() -> (T, E)>,
}

impl<T, E> Operation<T, E> {
    /// Starts an operation; generated code calls this.
    #[doc(hidden)]
    pub fn new(name: &'static str, route: Route) -> Self {
        Self {
            name,
            route,
            legacy: None,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            errors: None,
            types: PhantomData,
        }
    }

    /// Sets the `/rest` twin used in [`ApiMode::Legacy`]; generated code calls this.
    #[doc(hidden)]
    pub fn with_legacy(mut self, route: Route) -> Self {
        self.legacy = Some(route);
        self
    }

    /// Adds one query parameter; generated code calls this.
    #[doc(hidden)]
    pub fn with_query(mut self, name: &'static str, value: String) -> Self {
        self.query.push((name, value));
        self
    }

    /// Adds one query parameter per value (an exploded array); generated code calls this.
    #[doc(hidden)]
    pub fn with_query_all(mut self, name: &'static str, values: impl IntoIterator<Item = String>) -> Self {
        self.query.extend(values.into_iter().map(|value| (name, value)));
        self
    }

    /// Adds one header; generated code calls this.
    #[doc(hidden)]
    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sets the JSON request body; generated code calls this.
    #[doc(hidden)]
    pub fn with_json_body<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(serde_json::to_vec(body).map_err(|e| e.to_string()));
        self
    }

    /// Declares the error discriminator and what each status implies; generated code calls this.
    #[doc(hidden)]
    pub fn with_error_tags(
        mut self,
        property: &'static str,
        by_status: &'static [(u16, &'static str)],
    ) -> Self {
        self.errors = Some(ErrorTags { property, by_status });
        self
    }

    /// The Rust path of the generated function, for example `vcenter::vm::get`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The route this operation takes in `mode`.
    pub fn route(&self, mode: ApiMode) -> &Route {
        match (mode, &self.legacy) {
            (ApiMode::Legacy, Some(legacy)) => legacy,
            _ => &self.route,
        }
    }

    /// The `/rest` twin of this operation, if it has one.
    pub fn legacy_route(&self) -> Option<&Route> {
        self.legacy.as_ref()
    }

    /// The query parameters set on this call, in order.
    pub fn query(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// Builds the HTTP request for this call.
    ///
    /// `base_url` is the vCenter address, such as `https://vcenter.example.com`. The session
    /// header is marked sensitive, so `http`'s `Debug` output does not show it.
    pub fn http_request(
        &self,
        base_url: &str,
        session: Option<&SessionId>,
        mode: ApiMode,
    ) -> Result<http::Request<Vec<u8>>, Error<E>> {
        let route = self.route(mode);
        let uri = wire::join_uri(base_url, &route.path, &self.query);
        let mut builder = http::Request::builder()
            .method(route.method.clone())
            .uri(uri)
            .header(http::header::ACCEPT, "application/json");
        if let Some(session) = session {
            let mut value = http::HeaderValue::from_str(session.expose())
                .map_err(|_| self.request_error("the session id is not a valid header value"))?;
            value.set_sensitive(true);
            builder = builder.header(SESSION_HEADER, value);
        }
        for (name, value) in &self.headers {
            builder = builder.header(*name, value.as_str());
        }
        let body = match &self.body {
            None => Vec::new(),
            Some(Err(reason)) => return Err(self.request_error(reason)),
            Some(Ok(json)) => {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
                match route.body_key {
                    Some(key) => wire::wrap_body(key, json),
                    None => json.clone(),
                }
            }
        };
        builder.body(body).map_err(|e| self.request_error(&e.to_string()))
    }

    fn request_error(&self, reason: &str) -> Error<E> {
        Error::Request { operation: self.name, reason: reason.to_owned() }
    }
}

impl<T: DeserializeOwned, E: DeserializeOwned> Operation<T, E> {
    /// Decodes the HTTP response of this call, sent in `mode`.
    ///
    /// Any 2xx status is a success. Any other status is an [`Error::Api`] that carries the status,
    /// the raw body and, when the body decodes, the typed error.
    pub fn decode(&self, mode: ApiMode, status: http::StatusCode, body: &[u8]) -> Result<T, Error<E>> {
        let route = self.route(mode);
        if status.is_success() {
            return wire::decode_success(body, route.envelope).map_err(|source| Error::Decode {
                operation: self.name,
                status,
                body: body.to_vec(),
                source,
            });
        }
        let (property, by_status) = match self.errors {
            Some(tags) => (Some(tags.property), tags.by_status),
            None => (None, &[][..]),
        };
        let tag = by_status
            .iter()
            .find(|(code, _)| *code == status.as_u16())
            .or_else(|| by_status.iter().find(|(code, _)| *code == 0))
            .map(|(_, tag)| *tag);
        let error = wire::decode_error(body, route.envelope, property, tag);
        Err(Error::Api(Box::new(ApiError { operation: self.name, status, error, body: body.to_vec() })))
    }
}

impl<T, E> Clone for Operation<T, E> {
    fn clone(&self) -> Self {
        Self {
            name: self.name,
            route: self.route.clone(),
            legacy: self.legacy.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            errors: self.errors,
            types: PhantomData,
        }
    }
}

/// Shows the operation's routes and query; header values and the body are left out because they
/// may hold secrets.
impl<T, E> fmt::Debug for Operation<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        let body_len = match &self.body {
            Some(Ok(json)) => Some(json.len()),
            _ => None,
        };
        f.debug_struct("Operation")
            .field("name", &self.name)
            .field("route", &self.route)
            .field("legacy", &self.legacy)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &body_len)
            .finish()
    }
}
