//! An async client over `reqwest` with rustls: TLS verified unless you opt out by name.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

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
    /// A PEM certificate block could not be read.
    #[error("a PEM certificate could not be read: {0}")]
    Certificate(String),
    /// No TLS crypto provider: the cargo feature `client` (aws-lc-rs) is off, none was given to
    /// [`ClientBuilder::crypto_provider`], and the program installed no process-wide default.
    #[error(
        "no TLS crypto provider: turn on the cargo feature `client` (aws-lc-rs), or give one to \
         `ClientBuilder::crypto_provider`"
    )]
    NoCryptoProvider,
    /// The TLS configuration was refused (for example no protocol version the provider supports).
    #[error("the TLS configuration was refused: {0}")]
    Tls(#[from] rustls::Error),
    /// The HTTP client rejected the configuration.
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

/// Configures a [`Client`].
///
/// # The TLS crypto provider
///
/// rustls leaves its cryptography to a [`CryptoProvider`]. This client never installs a
/// process-wide default behind its caller's back: it gives its provider to its own TLS
/// configuration only, chosen in this order:
///
/// 1. the provider given to [`ClientBuilder::crypto_provider`];
/// 2. else the process-wide default, when the program installed one
///    ([`CryptoProvider::install_default`]), so that a program that chose a provider (a FIPS
///    build, for instance) gets it here too;
/// 3. else, with the cargo feature `client` (on by default), aws-lc-rs, which offers the
///    post-quantum hybrid key exchange `X25519MLKEM768` first.
///
/// The feature `client-no-provider` is the client without aws-lc-rs, for targets that cannot
/// build it: the program then brings its provider by 1 or 2, and [`ClientBuilder::build`] fails
/// with [`ClientError::NoCryptoProvider`] when there is none.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    session: Option<SessionId>,
    credentials: Option<(String, Secret)>,
    mode: ApiMode,
    root_certificates: Vec<CertificateDer<'static>>,
    accept_invalid_certificates: bool,
    crypto_provider: Option<Arc<CryptoProvider>>,
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
            crypto_provider: None,
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
        let certificates = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ClientError::Certificate(e.to_string()))?;
        if certificates.is_empty() {
            return Err(ClientError::NoCertificate);
        }
        // Parsed now, so that a broken certificate fails here and not at the first call.
        let mut store = rustls::RootCertStore::empty();
        for certificate in &certificates {
            store.add(certificate.clone()).map_err(|e| ClientError::Certificate(e.to_string()))?;
        }
        self.root_certificates.extend(certificates);
        Ok(self)
    }

    /// The rustls crypto provider of this client's TLS configuration, instead of the process-wide
    /// default or the crate's own (see [`ClientBuilder`]). Nothing is installed
    /// process-wide.
    pub fn crypto_provider(mut self, provider: Arc<CryptoProvider>) -> Self {
        self.crypto_provider = Some(provider);
        self
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
        let tls = tls_config(self.crypto_provider, self.root_certificates, self.accept_invalid_certificates)?;
        let redirects = reqwest::redirect::Policy::custom(|attempt| match hop(attempt.previous(), attempt.url()) {
            Hop::Follow => attempt.follow(),
            Hop::Stop => attempt.stop(),
            Hop::TooMany => attempt.error("too many redirects"),
        });
        let mut builder =
            reqwest::Client::builder().user_agent(self.user_agent).redirect(redirects).tls_backend_preconfigured(tls);
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

/// The provider this client's TLS uses: the one given, else the process-wide default, else the
/// crate's own (aws-lc-rs, with the cargo feature `client`).
fn crypto_provider(given: Option<Arc<CryptoProvider>>) -> Option<Arc<CryptoProvider>> {
    given.or_else(|| CryptoProvider::get_default().cloned()).or_else(own_provider)
}

#[cfg(feature = "client")]
fn own_provider() -> Option<Arc<CryptoProvider>> {
    Some(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

#[cfg(not(feature = "client"))]
fn own_provider() -> Option<Arc<CryptoProvider>> {
    None
}

/// This client's TLS configuration: the platform's roots and `roots` checked by
/// rustls-platform-verifier, or nothing checked when the caller opted out by name.
fn tls_config(
    provider: Option<Arc<CryptoProvider>>,
    roots: Vec<CertificateDer<'static>>,
    accept_invalid_certificates: bool,
) -> Result<rustls::ClientConfig, ClientError> {
    let provider = crypto_provider(provider).ok_or(ClientError::NoCryptoProvider)?;
    let builder =
        rustls::ClientConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions()?;
    let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = if accept_invalid_certificates {
        Arc::new(AcceptAnyCertificate(provider))
    } else if roots.is_empty() {
        Arc::new(rustls_platform_verifier::Verifier::new(provider)?)
    } else {
        Arc::new(with_extra_roots(roots, provider)?)
    };
    let mut config = builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(not(target_os = "android"))]
fn with_extra_roots(
    roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, ClientError> {
    Ok(rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)?)
}

/// Android's platform verifier takes no roots but the system's.
#[cfg(target_os = "android")]
fn with_extra_roots(
    _roots: Vec<CertificateDer<'static>>,
    _provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, ClientError> {
    Err(ClientError::Certificate("extra root certificates are not supported on Android".to_owned()))
}

/// What [`ClientBuilder::danger_accept_invalid_certificates`] asks for: any certificate for any
/// name. Signatures are still checked, so that the handshake itself is sound.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, certificate, signature, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, certificate, signature, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
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
    #[cfg(feature = "client")]
    fn the_client_installs_no_process_wide_crypto_provider() {
        let client = Client::builder("https://vc.example.com").build();
        assert!(client.is_ok(), "{client:?}");
        assert!(CryptoProvider::get_default().is_none(), "building a client installed a process-wide provider");
    }

    #[test]
    #[cfg(feature = "client")]
    fn a_given_crypto_provider_comes_first() {
        let given = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let chosen = crypto_provider(Some(given.clone())).expect("a provider");
        assert!(Arc::ptr_eq(&given, &chosen));
        let own = crypto_provider(None).expect("the crate's own provider, aws-lc-rs");
        let names: Vec<String> = own.kx_groups.iter().map(|g| format!("{:?}", g.name())).collect();
        assert_eq!(names.first().map(String::as_str), Some("X25519MLKEM768"), "post-quantum first: {names:?}");
        let built = Client::builder("https://vc.example.com").crypto_provider(given).build();
        assert!(built.is_ok(), "{built:?}");
    }

    #[test]
    #[cfg(not(feature = "client"))]
    fn without_a_provider_the_client_says_so() {
        let error = Client::builder("https://vc.example.com").build().expect_err("no provider");
        assert!(matches!(error, ClientError::NoCryptoProvider), "{error}");
        assert!(error.to_string().contains("ClientBuilder::crypto_provider"), "{error}");
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
