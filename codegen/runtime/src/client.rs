//! An async client over `reqwest` with rustls: TLS verified unless you opt out by name, sessions
//! that renew, retries, limits on every wait and body, and a `tracing` span per call.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::builder::{ClientBuilder, Settings};
use super::error::{error_tag, is_vapi_error, Limit};
use super::retry::{self, Failure, Jitter};
use super::session::{Current, Sessions};
use super::settings::HAS_API_SURFACE;
use super::{trace, ApiMode, Error, ErrorBody, Legacy, Method, Operation, Route, Secret, SessionId, Surface};

/// Sends [`Operation`]s to one vCenter.
///
/// Cheap to clone: clones share the connection pool, the session (and its renewal), and what
/// [`ApiMode::Auto`] found out. The session id and the credentials are never printed: `Debug`
/// shows only whether there are any. See [`ClientBuilder`] for sessions, limits and retries.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    sessions: Arc<Sessions>,
}

/// What a client and all its clones share.
pub(super) struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// The base URL, whose origin every answer must come from.
    origin: reqwest::Url,
    credentials: Option<(String, Secret)>,
    mode: ApiMode,
    /// For [`ApiMode::Auto`]: the surface that answered.
    found: AtomicU8,
    settings: Settings,
}

const UNKNOWN: u8 = 0;
const FOUND_CURRENT: u8 = 1;
const FOUND_LEGACY: u8 = 2;

impl Inner {
    pub(super) fn new(
        http: reqwest::Client,
        base_url: String,
        origin: reqwest::Url,
        credentials: Option<(String, Secret)>,
        mode: ApiMode,
        settings: Settings,
    ) -> Self {
        Self { http, base_url, origin, credentials, mode, found: AtomicU8::new(UNKNOWN), settings }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("session", &self.sessions.snapshot().id.map(|_| "<redacted>"))
            .field("credentials", &self.inner.credentials.as_ref().map(|_| "<redacted>"))
            .field("mode", &self.mode())
            .finish()
    }
}

/// A response, read: where it came from and what it said.
#[derive(Debug)]
pub(super) struct Answer {
    mode: ApiMode,
    status: http::StatusCode,
    body: Vec<u8>,
    /// The body is in the `/rest` envelopes.
    envelope: bool,
    retry_after: Option<Duration>,
}

impl Answer {
    /// The standard error an error answer stands for (see `error_tag`).
    fn tag(&self) -> Option<String> {
        if self.status.is_success() {
            None
        } else {
            error_tag(&self.body, self.envelope, self.status)
        }
    }

    fn is_unauthenticated(&self) -> bool {
        self.tag().as_deref() == Some("UNAUTHENTICATED")
    }

    /// A plain 404: no vAPI error in the body, so the surface itself is missing.
    fn is_missing_surface(&self) -> bool {
        self.status == http::StatusCode::NOT_FOUND && !is_vapi_error(&self.body, self.envelope)
    }

    fn failure(&self) -> Failure {
        Failure::Status {
            status: self.status.as_u16(),
            service_unavailable: self.tag().as_deref() == Some("SERVICE_UNAVAILABLE"),
            retry_after: self.retry_after,
        }
    }

    fn decode<T: DeserializeOwned, E: ErrorBody>(&self, operation: &Operation<T, E>) -> Result<T, Error<E>> {
        operation.decode(self.mode, self.status, &self.body)
    }
}

/// What one call has done so far, for its span.
#[derive(Debug, Default)]
pub(super) struct CallState {
    attempts: u32,
    status: Option<u16>,
}

/// User name and password, for a route that creates a session.
type Credentials<'a> = Option<(&'a str, &'a str)>;

impl Client {
    /// Starts configuring a client for the vCenter at `base_url`, such as
    /// `https://vcenter.example.com`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url.into())
    }

    pub(super) fn from_parts(inner: Arc<Inner>, sessions: Arc<Sessions>) -> Self {
        Self { inner, sessions }
    }

    /// This client, sending `session` with every call (its own session: the clones of this
    /// client keep theirs). With credentials, it is renewed like any other.
    pub fn with_session(&self, session: SessionId) -> Self {
        Self { inner: self.inner.clone(), sessions: Arc::new(Sessions::new(Some(session))) }
    }

    /// The session id this client sends, if any.
    pub fn session(&self) -> Option<SessionId> {
        self.sessions.snapshot().id
    }

    /// The surface this client calls: as configured, or, for [`ApiMode::Auto`], what it found
    /// (`Auto` until then, which calls `/api` first).
    pub fn mode(&self) -> ApiMode {
        match (self.inner.mode, self.inner.found.load(Ordering::Relaxed)) {
            (ApiMode::Auto, FOUND_CURRENT) => ApiMode::Current,
            (ApiMode::Auto, FOUND_LEGACY) => ApiMode::Legacy,
            (mode, _) => mode,
        }
    }

    /// The vCenter address.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub(super) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Sends one operation and decodes its result.
    ///
    /// With credentials, the client logs in first when it has no session, and once more when the
    /// session has expired. An operation that creates a session (`POST /api/session`, `POST
    /// /rest/com/vmware/cis/session`) carries the credentials instead of the session. In
    /// [`ApiMode::Auto`] the first call finds the surface: a plain 404 from `/api` (no vAPI error
    /// in its body) means a `/rest`-only vCenter, and the client calls `/rest` from then on.
    pub async fn send<T: DeserializeOwned, E: ErrorBody>(&self, operation: Operation<T, E>) -> Result<T, Error<E>> {
        let (span, started) = self.span(&operation);
        let mut state = CallState::default();
        let result = trace::within(&span, self.call(&operation, &mut state)).await;
        trace::finish(&span, state.status, state.attempts, started.elapsed());
        result
    }

    /// Logs in with a user name and password (HTTP basic authentication) and returns the new
    /// session id: `POST /api/session`, or `POST /rest/com/vmware/cis/session` on the `/rest`
    /// surface. In [`ApiMode::Auto`] a 404 from `/api` means a `/rest`-only vCenter, and the
    /// client calls `/rest` from then on.
    ///
    /// Use the id with [`Client::with_session`]; or let the client log in by itself with
    /// [`ClientBuilder::credentials`].
    pub async fn login(&self, username: &str, password: &str) -> Result<SessionId, Error<Value>> {
        self.log_in(username, password).await.map(|(id, _)| id)
    }

    /// Ends this client's session on the surface it was made on: `DELETE /api/session`, or
    /// `DELETE /rest/com/vmware/cis/session`. A client without a session has nothing to end.
    pub async fn logout(&self) -> Result<(), Error<Value>> {
        let current = self.sessions.snapshot();
        let Some(id) = current.id.clone() else { return Ok(()) };
        let operation = logout_operation();
        let (span, started) = self.span(&operation);
        let mut state = CallState::default();
        let answer = trace::within(&span, async {
            match current.surface {
                Some(surface) => self.exchange(&operation, surface, Some(&id), None, &mut state).await,
                None => self.routed(&operation, Some(&id), None, &mut state).await,
            }
        })
        .await;
        trace::finish(&span, state.status, state.attempts, started.elapsed());
        self.sessions.clear(current.generation);
        answer?.decode(&operation)
    }

    /// The span of one call, and when it started.
    fn span<T, E>(&self, operation: &Operation<T, E>) -> (trace::Span, Instant) {
        let route = operation.route(self.send_mode()).copied();
        let surface = match route.map(|r| r.surface()) {
            Some(Surface::Rest) => "rest",
            _ => "api",
        };
        let (method, template) = route.map_or(("", ""), |r| (r.method().as_str(), r.path()));
        (trace::call(operation.name(), method, template, surface), Instant::now())
    }

    /// One call: a session first when the client has credentials and none, and, when the session
    /// turns out expired, one renewal and one more try.
    async fn call<T: DeserializeOwned, E: ErrorBody>(
        &self,
        operation: &Operation<T, E>,
        state: &mut CallState,
    ) -> Result<T, Error<E>> {
        if operation.route_in(self.send_mode())?.creates_session() {
            let credentials =
                self.inner.credentials.as_ref().map(|(user, password)| (user.as_str(), password.expose()));
            return self.routed(operation, None, credentials, state).await?.decode(operation);
        }
        let mut renewed = false;
        loop {
            let current = self.current_session(operation.name()).await?;
            let answer = self.routed(operation, current.id.as_ref(), None, state).await?;
            if answer.is_unauthenticated() && self.inner.credentials.is_some() && !renewed {
                self.renew(current.generation, operation.name()).await?;
                renewed = true;
                continue;
            }
            return answer.decode(operation);
        }
    }

    /// The session to send: with credentials and none yet, after logging in.
    async fn current_session<E>(&self, operation: &'static str) -> Result<Current, Error<E>> {
        let current = self.sessions.snapshot();
        if current.id.is_some() || self.inner.credentials.is_none() {
            return Ok(current);
        }
        self.renew(current.generation, operation).await?;
        Ok(self.sessions.snapshot())
    }

    /// Logs in with the client's credentials, unless another call already has since the session
    /// of generation `seen`: single-flight, for the client and all its clones.
    async fn renew<E>(&self, seen: u64, operation: &'static str) -> Result<(), Error<E>> {
        let Some((user, password)) = &self.inner.credentials else { return Ok(()) };
        let _renewing = self.sessions.renewal.lock().await;
        if self.sessions.snapshot().generation != seen {
            return Ok(());
        }
        match self.log_in(user, password.expose()).await {
            Ok((id, surface)) => {
                self.sessions.replace(id, surface);
                trace::logged_in(operation, if surface == ApiMode::Legacy { "rest" } else { "api" });
                Ok(())
            }
            Err(source) => Err(Error::Login { operation, source: Box::new(source) }),
        }
    }

    /// A login, and the surface it was made on.
    async fn log_in(&self, username: &str, password: &str) -> Result<(SessionId, ApiMode), Error<Value>> {
        let operation = login_operation();
        let (span, started) = self.span(&operation);
        let mut state = CallState::default();
        let credentials = Some((username, password));
        let answer = trace::within(&span, self.routed(&operation, None, credentials, &mut state)).await;
        trace::finish(&span, state.status, state.attempts, started.elapsed());
        let answer = answer?;
        Ok((answer.decode(&operation)?, answer.mode))
    }

    /// The mode calls are sent in before [`ApiMode::Auto`] has found the surface: `/api` first.
    fn send_mode(&self) -> ApiMode {
        match self.mode() {
            _ if !HAS_API_SURFACE => ApiMode::Legacy,
            ApiMode::Auto => ApiMode::Current,
            mode => mode,
        }
    }

    /// Sends `operation` in this client's mode; in [`ApiMode::Auto`], while the surface is
    /// unknown, finds it: a plain 404 from `/api` sends the call to its `/rest` twin, and
    /// whichever surface answered is remembered.
    async fn routed<T, E>(
        &self,
        operation: &Operation<T, E>,
        session: Option<&SessionId>,
        credentials: Credentials<'_>,
        state: &mut CallState,
    ) -> Result<Answer, Error<E>> {
        let probing = self.inner.mode == ApiMode::Auto
            && self.inner.found.load(Ordering::Relaxed) == UNKNOWN
            && HAS_API_SURFACE
            && operation.legacy_route().is_some()
            && operation.route(ApiMode::Current).is_some_and(|r| r.surface() == Surface::Api);
        let answer = self.exchange(operation, self.send_mode(), session, credentials, state).await?;
        if !probing {
            return Ok(answer);
        }
        if !answer.is_missing_surface() {
            self.inner.found.store(FOUND_CURRENT, Ordering::Relaxed);
            return Ok(answer);
        }
        let legacy = self.exchange(operation, ApiMode::Legacy, session, credentials, state).await?;
        if !legacy.is_missing_surface() {
            self.inner.found.store(FOUND_LEGACY, Ordering::Relaxed);
        }
        Ok(legacy)
    }

    /// Sends `operation` in `mode`, and again (as the retry policy says) when an idempotent call
    /// meets a failure that waiting may cure.
    async fn exchange<T, E>(
        &self,
        operation: &Operation<T, E>,
        mode: ApiMode,
        session: Option<&SessionId>,
        credentials: Credentials<'_>,
        state: &mut CallState,
    ) -> Result<Answer, Error<E>> {
        let policy = self.inner.settings.retry;
        let idempotent = operation.is_idempotent();
        let mut jitter = Jitter::new();
        let mut attempt = 0;
        loop {
            attempt += 1;
            state.attempts += 1;
            let result = self.attempt(operation, mode, session, credentials).await;
            let failure = match &result {
                Ok(answer) => {
                    state.status = Some(answer.status.as_u16());
                    (!answer.status.is_success()).then(|| answer.failure())
                }
                Err((_, failure)) => Some(failure.clone()),
            };
            let Some(failure) = failure.filter(|_| idempotent) else { return result.map_err(|(error, _)| error) };
            let Some(delay) = policy.next(attempt, &failure, &mut jitter) else {
                return result.map_err(|(error, _)| error);
            };
            trace::retry(operation.name(), attempt, &failure.to_string(), delay);
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: the request built for `mode`, sent, and its answer read within the limits.
    async fn attempt<T, E>(
        &self,
        operation: &Operation<T, E>,
        mode: ApiMode,
        session: Option<&SessionId>,
        credentials: Credentials<'_>,
    ) -> Result<Answer, (Error<E>, Failure)> {
        let route = *operation.route_in(mode).map_err(|e| (e, Failure::Other))?;
        let creates_session = route.creates_session();
        let session = if creates_session { None } else { session };
        let request = operation.http_request(&self.inner.base_url, session, mode).map_err(|e| (e, Failure::Other))?;
        let name = operation.name();
        let mut request = reqwest::Request::try_from(request).map_err(|e| self.send_error(name, e))?;
        if let (true, Some((username, password))) = (creates_session, credentials) {
            request = reqwest::RequestBuilder::from_parts(self.inner.http.clone(), request)
                .basic_auth(username, Some(password))
                .build()
                .map_err(|e| self.send_error(name, e))?;
            if let Some(value) = request.headers_mut().get_mut(http::header::AUTHORIZATION) {
                value.set_sensitive(true);
            }
        }
        let limit = operation.own_timeout().unwrap_or(self.inner.settings.timeout);
        let envelope = route.surface() == Surface::Rest;
        match tokio::time::timeout(limit, self.round_trip(request, name)).await {
            Ok(Ok((status, body, retry_after))) => Ok(Answer { mode, status, body, envelope, retry_after }),
            Ok(Err(failed)) => Err(failed),
            Err(_) => Err((Error::Timeout { operation: name, limit: Limit::Request, after: limit }, Failure::Other)),
        }
    }

    /// Sends a request and reads its answer, body included, up to the body limit.
    async fn round_trip<E>(
        &self,
        request: reqwest::Request,
        operation: &'static str,
    ) -> Result<(http::StatusCode, Vec<u8>, Option<Duration>), (Error<E>, Failure)> {
        let mut response = self.inner.http.execute(request).await.map_err(|e| self.send_error(operation, e))?;
        if response.url().origin() != self.inner.origin.origin() {
            let source = "the HTTP client followed a redirect to another origin; its answer was discarded";
            return Err((Error::Transport { operation, source: source.into() }, Failure::Other));
        }
        let status = response.status();
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| retry::retry_after(value, std::time::SystemTime::now().into()));
        let limit = self.inner.settings.body_limit;
        let too_large = || (Error::BodyTooLarge { operation, limit }, Failure::Other);
        if response.content_length().is_some_and(|length| length > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.send_error(operation, e))? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body, retry_after))
    }

    /// The error of a request that could not be sent or read: its URL (which may carry a
    /// secret in its query) taken out, a connect timeout told apart.
    fn send_error<E>(&self, operation: &'static str, error: reqwest::Error) -> (Error<E>, Failure) {
        let failure = if error.is_connect() { Failure::Connect } else { Failure::Other };
        if let (true, true, Some(after)) = (error.is_connect(), error.is_timeout(), self.inner.settings.connect_timeout)
        {
            return (Error::Timeout { operation, limit: Limit::Connect, after }, failure);
        }
        (Error::Transport { operation, source: Box::new(error.without_url()) }, failure)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connect => f.write_str("connect error"),
            Failure::Status { status, .. } => write!(f, "HTTP {status}"),
            Failure::Other => f.write_str("transport error"),
        }
    }
}

/// `POST /api/session` (`/rest/com/vmware/cis/session`).
fn login_operation() -> Operation<SessionId, Value> {
    Operation::new("runtime::Client::login", Route::api(Method::Post, "/api/session"))
        .legacy(Legacy::new(Method::Post, "/rest/com/vmware/cis/session"))
}

/// `DELETE /api/session` (`/rest/com/vmware/cis/session`).
fn logout_operation() -> Operation<(), Value> {
    Operation::new("runtime::Client::logout", Route::api(Method::Delete, "/api/session"))
        .legacy(Legacy::new(Method::Delete, "/rest/com/vmware/cis/session"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "client")]
    fn client() -> Client {
        Client::builder("https://vc.example.com/").build().unwrap()
    }

    #[test]
    #[cfg(feature = "client")]
    fn debug_redacts_the_session_and_the_credentials() {
        let client = Client::builder("https://vc.example.com/")
            .credentials("administrator@vsphere.local", "hunter2")
            .session(SessionId::new("s3cr3t"))
            .build()
            .unwrap();
        let text = format!("{client:?}");
        assert!(!text.contains("hunter2") && !text.contains("s3cr3t") && !text.contains("administrator"), "{text}");
        assert!(text.contains("<redacted>") && text.contains("Auto"), "{text}");
        assert_eq!(client.base_url(), "https://vc.example.com");
    }

    #[test]
    #[cfg(feature = "client")]
    fn auto_mode_remembers_what_it_found_across_clones() {
        let client = client();
        let clone = client.with_session(SessionId::new("x"));
        assert_eq!(client.mode(), ApiMode::Auto);
        client.inner.found.store(FOUND_LEGACY, Ordering::Relaxed);
        assert_eq!(clone.mode(), ApiMode::Legacy);
        let fixed = Client::builder("https://vc.example.com").mode(ApiMode::Current).build().unwrap();
        fixed.inner.found.store(FOUND_LEGACY, Ordering::Relaxed);
        assert_eq!(fixed.mode(), ApiMode::Current, "an explicit mode is kept");
    }

    #[test]
    #[cfg(feature = "client")]
    fn clones_share_the_session_and_with_session_does_not() {
        let client = client();
        let clone = client.clone();
        client.sessions.replace(SessionId::new("a"), ApiMode::Current);
        assert_eq!(clone.session().map(|s| s.expose().to_owned()), Some("a".to_owned()));
        let other = client.with_session(SessionId::new("b"));
        client.sessions.replace(SessionId::new("c"), ApiMode::Current);
        assert_eq!(other.session().map(|s| s.expose().to_owned()), Some("b".to_owned()));
    }

    #[test]
    fn answers_say_what_they_stand_for() {
        let answer = |status: u16, body: &str, envelope: bool| Answer {
            mode: ApiMode::Current,
            status: http::StatusCode::from_u16(status).unwrap(),
            body: body.as_bytes().to_vec(),
            envelope,
            retry_after: None,
        };
        assert!(answer(401, "", false).is_unauthenticated());
        let rest = r#"{"type": "com.vmware.vapi.std.errors.unauthenticated", "value": {}}"#;
        assert!(answer(400, rest, true).is_unauthenticated());
        assert!(!answer(403, "", false).is_unauthenticated());
        assert!(answer(404, "404 page not found", false).is_missing_surface());
        assert!(!answer(404, r#"{"error_type": "NOT_FOUND", "messages": []}"#, false).is_missing_surface());
        let unavailable = answer(500, r#"{"error_type": "SERVICE_UNAVAILABLE"}"#, false).failure();
        assert_eq!(unavailable, Failure::Status { status: 500, service_unavailable: true, retry_after: None });
    }
}
