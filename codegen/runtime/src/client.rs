//! An async client over `reqwest` with rustls: TLS verified unless you opt out by name.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::settings::HAS_API_SURFACE;
use super::{ApiMode, Error, ErrorBody, Legacy, Method, Operation, Route, Secret, SessionId};

/// Sends [`Operation`]s to one vCenter.
///
/// Cheap to clone: clones share the connection pool and what [`ApiMode::Auto`] found out. The
/// session id and the credentials are never printed: `Debug` shows only whether there are any.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Arc<str>,
    session: Option<SessionId>,
    credentials: Option<Arc<(String, Secret)>>,
    mode: ApiMode,
    /// For [`ApiMode::Auto`]: the surface that answered at login, shared by clones.
    found: Arc<AtomicU8>,
}

const UNKNOWN: u8 = 0;
const FOUND_CURRENT: u8 = 1;
const FOUND_LEGACY: u8 = 2;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("session", &self.session)
            .field("credentials", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("mode", &self.mode())
            .finish()
    }
}

/// Why a [`Client`] could not be configured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The PEM text holds no certificate.
    #[error("no PEM certificate found (expected a `-----BEGIN CERTIFICATE-----` block)")]
    NoCertificate,
    /// The HTTP client rejected the configuration (for example a malformed certificate).
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    session: Option<SessionId>,
    credentials: Option<(String, Secret)>,
    mode: ApiMode,
    root_certificates: Vec<reqwest::Certificate>,
    accept_invalid_certificates: bool,
    timeout: Option<Duration>,
    user_agent: String,
}

/// What a redirect policy does with one more hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hop {
    Follow,
    /// Hand the 3xx back to the caller.
    Stop,
    TooMany,
}

/// The redirect policy: at most 10 hops, and only within the origin of the previous URL, so that
/// the session header and credentials never reach another host, port or scheme.
fn hop(previous: &[reqwest::Url], next: &reqwest::Url) -> Hop {
    if previous.len() > 10 {
        Hop::TooMany
    } else if previous.last().is_some_and(|from| from.origin() == next.origin()) {
        Hop::Follow
    } else {
        Hop::Stop
    }
}

impl Client {
    /// Starts configuring a client for the vCenter at `base_url`, such as
    /// `https://vcenter.example.com`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            session: None,
            credentials: None,
            mode: ApiMode::Auto,
            root_certificates: Vec::new(),
            accept_invalid_certificates: false,
            timeout: None,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// This client, sending `session` with every call.
    pub fn with_session(&self, session: SessionId) -> Self {
        Self { session: Some(session), ..self.clone() }
    }

    /// The session id this client sends, if any.
    pub fn session(&self) -> Option<&SessionId> {
        self.session.as_ref()
    }

    /// The surface this client calls: as configured, or, for [`ApiMode::Auto`], what login found
    /// (`Auto` until then, which calls `/api`).
    pub fn mode(&self) -> ApiMode {
        match (self.mode, self.found.load(Ordering::Relaxed)) {
            (ApiMode::Auto, FOUND_CURRENT) => ApiMode::Current,
            (ApiMode::Auto, FOUND_LEGACY) => ApiMode::Legacy,
            (mode, _) => mode,
        }
    }

    /// The vCenter address.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one operation and decodes its result.
    ///
    /// An operation that creates a session (`POST /api/session`, `POST /rest/com/vmware/cis/session`)
    /// carries the credentials of [`ClientBuilder::credentials`], and in [`ApiMode::Auto`] finds the
    /// surface as [`Client::login`] does.
    pub async fn send<T: DeserializeOwned, E: ErrorBody>(&self, operation: Operation<T, E>) -> Result<T, Error<E>> {
        let credentials = self.credentials.as_ref().map(|c| (c.0.as_str(), c.1.expose()));
        self.execute(&operation, credentials).await
    }

    /// Logs in with a user name and password (HTTP basic authentication) and returns the new
    /// session id: `POST /api/session`, or `POST /rest/com/vmware/cis/session` on the `/rest`
    /// surface. In [`ApiMode::Auto`] a 404 from `/api` means a `/rest`-only vCenter, and the
    /// client calls `/rest` from then on.
    ///
    /// Use the id with [`Client::with_session`].
    pub async fn login(&self, username: &str, password: &str) -> Result<SessionId, Error<Value>> {
        let operation =
            Operation::<SessionId, Value>::new("runtime::Client::login", Route::api(Method::Post, "/api/session"))
                .legacy(Legacy::new(Method::Post, "/rest/com/vmware/cis/session"));
        self.execute(&operation, Some((username, password))).await
    }

    /// Ends this client's session: `DELETE /api/session`, or `DELETE /rest/com/vmware/cis/session`
    /// on the `/rest` surface.
    pub async fn logout(&self) -> Result<(), Error<Value>> {
        let operation =
            Operation::<(), Value>::new("runtime::Client::logout", Route::api(Method::Delete, "/api/session"))
                .legacy(Legacy::new(Method::Delete, "/rest/com/vmware/cis/session"));
        self.execute(&operation, None).await
    }

    /// Sends `operation` in this client's mode, probing the surface when it creates a session in
    /// [`ApiMode::Auto`].
    async fn execute<T: DeserializeOwned, E: ErrorBody>(
        &self,
        operation: &Operation<T, E>,
        credentials: Option<(&str, &str)>,
    ) -> Result<T, Error<E>> {
        let mode = match self.mode() {
            _ if !HAS_API_SURFACE => ApiMode::Legacy,
            ApiMode::Auto => ApiMode::Current,
            mode => mode,
        };
        let probing = self.mode() == ApiMode::Auto && HAS_API_SURFACE && operation.route_in(mode)?.creates_session();
        let (status, body) = self.exchange(operation, mode, credentials).await?;
        if probing && status == http::StatusCode::NOT_FOUND && operation.legacy_route().is_some() {
            let (status, body) = self.exchange(operation, ApiMode::Legacy, credentials).await?;
            if status.is_success() {
                self.found.store(FOUND_LEGACY, Ordering::Relaxed);
            }
            return operation.decode(ApiMode::Legacy, status, body.as_ref());
        }
        if probing && status.is_success() {
            self.found.store(FOUND_CURRENT, Ordering::Relaxed);
        }
        operation.decode(mode, status, body.as_ref())
    }

    /// One request and its response. Credentials go only to a route that creates a session,
    /// which gets no session header.
    async fn exchange<T, E>(
        &self,
        operation: &Operation<T, E>,
        mode: ApiMode,
        credentials: Option<(&str, &str)>,
    ) -> Result<(http::StatusCode, impl AsRef<[u8]>), Error<E>> {
        let creates_session = operation.route_in(mode)?.creates_session();
        let session = if creates_session { None } else { self.session.as_ref() };
        let request = operation.http_request(&self.base_url, session, mode)?;
        let transport =
            |source: reqwest::Error| Error::Transport { operation: operation.name(), source: Box::new(source) };
        let mut request = reqwest::Request::try_from(request).map_err(transport)?;
        if let (true, Some((username, password))) = (creates_session, credentials) {
            request = reqwest::RequestBuilder::from_parts(self.http.clone(), request)
                .basic_auth(username, Some(password))
                .build()
                .map_err(transport)?;
            if let Some(value) = request.headers_mut().get_mut(http::header::AUTHORIZATION) {
                value.set_sensitive(true);
            }
        }
        let response = self.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?;
        Ok((status, body))
    }
}

impl ClientBuilder {
    /// Sends this session id with every call.
    pub fn session(mut self, session: SessionId) -> Self {
        self.session = Some(session);
        self
    }

    /// The user name and password that operations creating a session send (HTTP basic
    /// authentication), such as the generated `session::create()`. They go with no other call.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    /// Chooses the surface to call (default [`ApiMode::Auto`]); [`ApiMode::Legacy`] for vCenter
    /// releases before 7.0 U2.
    pub fn mode(mut self, mode: ApiMode) -> Self {
        self.mode = mode;
        self
    }

    /// Trusts the PEM-encoded root certificates in `pem` (for example the vCenter's VMCA root, or
    /// a bundle) in addition to the platform's trust store. Fails when `pem` holds none.
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Result<Self, ClientError> {
        let certificates = reqwest::Certificate::from_pem_bundle(pem)?;
        if certificates.is_empty() {
            return Err(ClientError::NoCertificate);
        }
        self.root_certificates.extend(certificates);
        Ok(self)
    }

    /// **Turns off TLS certificate verification.** Anyone on the network path can then read and
    /// change the traffic, session ids included. Prefer [`ClientBuilder::add_root_certificate_pem`]
    /// with the vCenter's root certificate; use this only against a lab vCenter you control.
    pub fn danger_accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.accept_invalid_certificates = accept;
        self
    }

    /// Gives up on a call after `timeout` (no limit by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    ///
    /// Redirects are followed (up to 10) only within the vCenter's origin: the session header is
    /// never sent to another host, port or scheme. A redirect elsewhere is returned as the 3xx
    /// response, an [`Error::Api`].
    pub fn build(self) -> Result<Client, ClientError> {
        // rustls needs a process-wide crypto provider; install ring's unless the program already
        // installed one (then this returns an error that changes nothing).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let redirects = reqwest::redirect::Policy::custom(|attempt| match hop(attempt.previous(), attempt.url()) {
            Hop::Follow => attempt.follow(),
            Hop::Stop => attempt.stop(),
            Hop::TooMany => attempt.error("too many redirects"),
        });
        let mut builder = reqwest::Client::builder().user_agent(self.user_agent).redirect(redirects);
        for certificate in self.root_certificates {
            builder = builder.add_root_certificate(certificate);
        }
        if self.accept_invalid_certificates {
            builder = builder.danger_accept_invalid_certs(true);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        Ok(Client {
            http: builder.build()?,
            base_url: Arc::from(self.base_url.trim_end_matches('/')),
            session: self.session,
            credentials: self.credentials.map(Arc::new),
            mode: self.mode,
            found: Arc::new(AtomicU8::new(UNKNOWN)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap()
    }

    #[test]
    fn redirects_stay_within_the_origin() {
        let from = [url("https://vc.example.com/api/session")];
        assert_eq!(hop(&from, &url("https://vc.example.com/api/other?x=1")), Hop::Follow);
        assert_eq!(hop(&from, &url("https://evil.example.com/api/session")), Hop::Stop);
        assert_eq!(hop(&from, &url("https://vc.example.com:8443/api/session")), Hop::Stop, "another port");
        assert_eq!(hop(&from, &url("http://vc.example.com/api/session")), Hop::Stop, "another scheme");
        assert_eq!(hop(&[], &url("https://vc.example.com/")), Hop::Stop);
        let many: Vec<reqwest::Url> = (0..11).map(|i| url(&format!("https://vc.example.com/{i}"))).collect();
        assert_eq!(hop(&many, &url("https://vc.example.com/x")), Hop::TooMany);
        assert_eq!(hop(&many[..10], &url("https://vc.example.com/x")), Hop::Follow);
    }

    #[test]
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
    fn auto_mode_remembers_what_login_found_across_clones() {
        let client = Client::builder("https://vc.example.com").build().unwrap();
        let clone = client.with_session(SessionId::new("x"));
        assert_eq!(client.mode(), ApiMode::Auto);
        client.found.store(FOUND_LEGACY, Ordering::Relaxed);
        assert_eq!(clone.mode(), ApiMode::Legacy);
        let fixed = Client::builder("https://vc.example.com").mode(ApiMode::Current).build().unwrap();
        fixed.found.store(FOUND_LEGACY, Ordering::Relaxed);
        assert_eq!(fixed.mode(), ApiMode::Current, "an explicit mode is kept");
    }

    #[test]
    fn pem_roots_are_validated() {
        assert!(matches!(
            Client::builder("https://vc").add_root_certificate_pem(b"not pem"),
            Err(ClientError::NoCertificate)
        ));
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(Client::builder("https://vc").add_root_certificate_pem(broken).is_err());
    }
}
