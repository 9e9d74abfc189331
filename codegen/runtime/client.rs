//! An async client over `reqwest` with rustls: TLS verified unless you opt out by name.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::{ApiMode, Error, Operation, Route, SessionId};

/// Sends [`Operation`]s to one vCenter.
///
/// Cheap to clone: clones share the connection pool. The session id is never printed: `Debug`
/// shows only whether there is one.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Arc<str>,
    session: Option<SessionId>,
    mode: ApiMode,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("session", &self.session)
            .field("mode", &self.mode)
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
    mode: ApiMode,
    root_certificates: Vec<reqwest::Certificate>,
    accept_invalid_certificates: bool,
    timeout: Option<Duration>,
    user_agent: String,
}

impl Client {
    /// Starts configuring a client for the vCenter at `base_url`, such as
    /// `https://vcenter.example.com`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            session: None,
            mode: ApiMode::Current,
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

    /// The surface this client calls.
    pub fn mode(&self) -> ApiMode {
        self.mode
    }

    /// The vCenter address.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one operation and decodes its result.
    pub async fn send<T, E>(&self, operation: Operation<T, E>) -> Result<T, Error<E>>
    where
        T: DeserializeOwned,
        E: DeserializeOwned,
    {
        let request = operation.http_request(&self.base_url, self.session.as_ref(), self.mode)?;
        let transport = |source: reqwest::Error| Error::Transport {
            operation: operation.name(),
            source: Box::new(source),
        };
        let request = reqwest::Request::try_from(request).map_err(transport)?;
        let response = self.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?;
        operation.decode(self.mode, status, &body)
    }

    /// Logs in with a user name and password (HTTP basic authentication) and returns the new
    /// session id: `POST /api/session`, or `POST /rest/com/vmware/cis/session` in legacy mode.
    ///
    /// Use the id with [`Client::with_session`].
    pub async fn login(&self, username: &str, password: &str) -> Result<SessionId, Error<serde_json::Value>> {
        let operation = Operation::<SessionId, serde_json::Value>::new(
            "runtime::Client::login",
            Route::new(http::Method::POST, "/api/session".to_owned()),
        )
        .with_legacy(Route::legacy(http::Method::POST, "/rest/com/vmware/cis/session".to_owned()));
        let request = operation.http_request(&self.base_url, None, self.mode)?;
        let transport = |source: reqwest::Error| Error::Transport {
            operation: operation.name(),
            source: Box::new(source),
        };
        let request = reqwest::Request::try_from(request).map_err(transport)?;
        let mut request = reqwest::RequestBuilder::from_parts(self.http.clone(), request)
            .basic_auth(username, Some(password))
            .build()
            .map_err(transport)?;
        if let Some(value) = request.headers_mut().get_mut(http::header::AUTHORIZATION) {
            value.set_sensitive(true);
        }
        let response = self.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?;
        operation.decode(self.mode, status, &body)
    }

    /// Ends this client's session: `DELETE /api/session`, or `DELETE /rest/com/vmware/cis/session`
    /// in legacy mode.
    pub async fn logout(&self) -> Result<(), Error<serde_json::Value>> {
        let operation = Operation::<(), serde_json::Value>::new(
            "runtime::Client::logout",
            Route::new(http::Method::DELETE, "/api/session".to_owned()),
        )
        .with_legacy(Route::legacy(http::Method::DELETE, "/rest/com/vmware/cis/session".to_owned()));
        self.send(operation).await
    }
}

impl ClientBuilder {
    /// Sends this session id with every call.
    pub fn session(mut self, session: SessionId) -> Self {
        self.session = Some(session);
        self
    }

    /// Chooses the surface to call; [`ApiMode::Legacy`] for vCenter releases before 7.0 U2.
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
        let redirects = reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt.previous().last().is_some_and(|from| from.origin() == attempt.url().origin());
            if attempt.previous().len() > 10 {
                attempt.error("too many redirects")
            } else if same_origin {
                attempt.follow()
            } else {
                attempt.stop()
            }
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
            mode: self.mode,
        })
    }
}
