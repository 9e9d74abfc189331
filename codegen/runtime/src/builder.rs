//! Configuring a [`Client`]: where it connects, how it logs in, its limits and its TLS.

use std::sync::Arc;
use std::time::Duration;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use super::client::{Client, Inner};
use super::retry::RetryPolicy;
use super::session::Sessions;
use super::{tls, ApiMode, Secret, SessionId};

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
    /// The base URL is not an absolute `https://` URL with a host.
    #[error("the base URL is not an absolute URL with a host (such as https://vcenter.example.com): {0}")]
    BaseUrl(String),
    /// The base URL is `http://`: credentials and session ids would cross the network in clear.
    #[error(
        "the base URL is http://, which sends credentials and session ids in clear; use https://, or, \
         for a test server, ClientBuilder::danger_allow_insecure_http(true)"
    )]
    InsecureUrl,
    /// No TLS crypto provider: the cargo feature `client` (aws-lc-rs) is off, none was given to
    /// [`ClientBuilder::crypto_provider`], and the program installed no process-wide default.
    #[error(
        "no TLS crypto provider: turn on the cargo feature `client` (aws-lc-rs), or give one to \
         `ClientBuilder::crypto_provider`"
    )]
    NoCryptoProvider,
    /// An option that configures the HTTP client was set together with
    /// [`ClientBuilder::http_client`], which brings an HTTP client already configured.
    #[error("`ClientBuilder::{0}` does not apply to an HTTP client given with `ClientBuilder::http_client`")]
    GivenHttpClient(&'static str),
    /// The TLS configuration was refused (for example no protocol version the provider supports).
    #[error("the TLS configuration was refused: {0}")]
    Tls(#[from] rustls::Error),
    /// The HTTP client rejected the configuration.
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

/// Configures a [`Client`].
///
/// # Limits
///
/// Every wait has a limit and every retry a cap: a connect timeout (30 s), a request timeout per
/// attempt, body included (5 min; [`Operation::timeout`](super::Operation::timeout) sets another
/// for one call), a response body limit (64 MiB), retries as [`RetryPolicy::default`] says, and a
/// deadline for waiting on a task (1 h) polled every 1 s, growing to every 10 s.
///
/// # Sessions
///
/// With [`ClientBuilder::credentials`] and no session, the client logs in on its first call, and
/// logs in again when a call finds the session expired (an `Unauthenticated` answer, whatever
/// its body or surface): once, for all the clones and concurrent calls that meet the same
/// expiry, then the call is sent once more. With a bare session id, an expired session is the
/// call's error.
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
pub struct ClientBuilder {
    base_url: String,
    session: Option<SessionId>,
    credentials: Option<(String, Secret)>,
    mode: ApiMode,
    root_certificates: Vec<CertificateDer<'static>>,
    accept_invalid_certificates: bool,
    allow_insecure_http: bool,
    crypto_provider: Option<Arc<CryptoProvider>>,
    http_client: Option<reqwest::Client>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    settings: Settings,
}

/// The limits and policies a client applies to every call.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    pub(super) timeout: Duration,
    pub(super) body_limit: u64,
    pub(super) retry: RetryPolicy,
    pub(super) task_polling: (Duration, Duration),
    pub(super) task_deadline: Duration,
    /// The connect timeout of the HTTP client the builder made (`None` for a given client).
    pub(super) connect_timeout: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            body_limit: 64 << 20,
            retry: RetryPolicy::default(),
            task_polling: (Duration::from_secs(1), Duration::from_secs(10)),
            task_deadline: Duration::from_secs(3600),
            connect_timeout: None,
        }
    }
}

/// The connect timeout of the HTTP client the builder makes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Shows what is configured; the credentials and the session as `<redacted>` (as [`Client`]'s
/// `Debug` does).
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("session", &self.session.as_ref().map(|_| "<redacted>"))
            .field("credentials", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("mode", &self.mode)
            .field("root_certificates", &self.root_certificates.len())
            .field("accept_invalid_certificates", &self.accept_invalid_certificates)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("http_client", &self.http_client.as_ref().map(|_| "<given>"))
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
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

impl ClientBuilder {
    pub(super) fn new(base_url: String) -> Self {
        Self {
            base_url,
            session: None,
            credentials: None,
            mode: ApiMode::Auto,
            root_certificates: Vec::new(),
            accept_invalid_certificates: false,
            allow_insecure_http: false,
            crypto_provider: None,
            http_client: None,
            connect_timeout: None,
            user_agent: None,
            settings: Settings::default(),
        }
    }

    /// Sends this session id with every call.
    pub fn session(mut self, session: SessionId) -> Self {
        self.session = Some(session);
        self
    }

    /// The user name and password the client logs in with: on its first call when it has no
    /// session, and again when the session expires (see [Sessions](Self#sessions)). An operation
    /// that creates a session, such as the generated `session::create()`, sends them too (HTTP
    /// basic authentication); no other call does.
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
    /// default or the crate's own (see [`ClientBuilder`]). Nothing is installed process-wide.
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

    /// **Allows an `http://` base URL**, over which credentials, session ids and every body
    /// cross the network in clear. For a local test server only; [`ClientBuilder::build`]
    /// refuses `http://` otherwise.
    pub fn danger_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends calls with this HTTP client, for a proxy or TLS stack of your own.
    ///
    /// You then own what that client does: its TLS roots and verification, its proxy, its
    /// connect timeout, its `User-Agent`, and its redirects. Build it with
    /// `redirect(reqwest::redirect::Policy::none())` (or a policy that stays within the
    /// vCenter's origin): a client that follows a redirect elsewhere takes the session header
    /// with it. This client still sends the session header only to the base URL, refuses an
    /// answer that arrives from another origin, and applies its request timeout, body limit,
    /// retries and session renewal. The options that configure an HTTP client
    /// (`add_root_certificate_pem`, `danger_accept_invalid_certificates`, `crypto_provider`,
    /// `connect_timeout`, `user_agent`) make [`ClientBuilder::build`] fail beside this one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How long making the connection may take (default 30 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt of a call may take, from sending the request to the end of the
    /// response body (default 5 min). `Operation::timeout` sets another for one call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The largest response body the client reads (default 64 MiB); a larger one is an
    /// `Error::BodyTooLarge`, and is not read.
    pub fn body_limit(mut self, bytes: u64) -> Self {
        self.settings.body_limit = bytes;
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::default`]; [`RetryPolicy::none`]
    /// turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// How often `Client::wait` asks how a task is doing: after `first`, then twice as long each
    /// time, at most every `max` (default 1 s growing to 10 s).
    pub fn task_polling(mut self, first: Duration, max: Duration) -> Self {
        self.settings.task_polling = (first, max.max(first));
        self
    }

    /// How long `Client::wait` waits for a task to end before it gives up with
    /// `Error::TaskTimeout` (default 1 h).
    pub fn task_deadline(mut self, deadline: Duration) -> Self {
        self.settings.task_deadline = deadline;
        self
    }

    /// Sets the `User-Agent` header (default `<this crate>/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Builds the client.
    ///
    /// Redirects are followed (up to 10) only within the vCenter's origin: the session header is
    /// never sent to another host, port or scheme. A redirect elsewhere is returned as the 3xx
    /// response, an `Error::Api`.
    pub fn build(self) -> Result<Client, ClientError> {
        let origin = self.origin()?;
        let mut settings = self.settings.clone();
        let http = match self.http_client.clone() {
            Some(given) => {
                self.refuse_http_client_options()?;
                given
            }
            None => {
                settings.connect_timeout = Some(self.connect_timeout.unwrap_or(CONNECT_TIMEOUT));
                self.own_http_client()?
            }
        };
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let inner = Inner::new(http, base_url, origin, self.credentials, self.mode, settings);
        Ok(Client::from_parts(Arc::new(inner), Arc::new(Sessions::new(self.session))))
    }

    /// The base URL's origin, after checking that it is `https://` (or allowed `http://`).
    fn origin(&self) -> Result<reqwest::Url, ClientError> {
        let url = reqwest::Url::parse(&self.base_url).map_err(|e| ClientError::BaseUrl(e.to_string()))?;
        match url.scheme() {
            _ if url.host().is_none() => Err(ClientError::BaseUrl("no host".to_owned())),
            "https" => Ok(url),
            "http" if self.allow_insecure_http => Ok(url),
            "http" => Err(ClientError::InsecureUrl),
            other => Err(ClientError::BaseUrl(format!("the scheme `{other}` is not https"))),
        }
    }

    fn refuse_http_client_options(&self) -> Result<(), ClientError> {
        let set = [
            ("add_root_certificate_pem", !self.root_certificates.is_empty()),
            ("danger_accept_invalid_certificates", self.accept_invalid_certificates),
            ("crypto_provider", self.crypto_provider.is_some()),
            ("connect_timeout", self.connect_timeout.is_some()),
            ("user_agent", self.user_agent.is_some()),
        ];
        match set.iter().find(|(_, on)| *on) {
            Some((name, _)) => Err(ClientError::GivenHttpClient(name)),
            None => Ok(()),
        }
    }

    fn own_http_client(&self) -> Result<reqwest::Client, ClientError> {
        let tls = tls::tls_config(
            self.crypto_provider.clone(),
            self.root_certificates.clone(),
            self.accept_invalid_certificates,
        )?;
        let redirects = reqwest::redirect::Policy::custom(|attempt| match hop(attempt.previous(), attempt.url()) {
            Hop::Follow => attempt.follow(),
            Hop::Stop => attempt.stop(),
            Hop::TooMany => attempt.error("too many redirects"),
        });
        let user_agent = self
            .user_agent
            .clone()
            .unwrap_or_else(|| concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned());
        Ok(reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(redirects)
            .connect_timeout(self.connect_timeout.unwrap_or(CONNECT_TIMEOUT))
            .tls_backend_preconfigured(tls)
            .build()?)
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
    fn the_builder_redacts_as_the_client_does() {
        let builder = ClientBuilder::new("https://vc.example.com".into())
            .credentials("administrator@vsphere.local", "hunter2")
            .session(SessionId::new("s3cr3t"));
        let text = format!("{builder:?}");
        assert!(!text.contains("hunter2") && !text.contains("s3cr3t") && !text.contains("administrator"), "{text}");
        assert!(text.contains("credentials: Some(\"<redacted>\")"), "{text}");
    }

    #[test]
    fn http_is_refused_unless_allowed_by_name() {
        let refused = ClientBuilder::new("http://vc.example.com".into()).build();
        assert!(matches!(refused, Err(ClientError::InsecureUrl)), "{refused:?}");
        for bad in ["vc.example.com", "ftp://vc.example.com", "https://"] {
            assert!(matches!(ClientBuilder::new(bad.into()).build(), Err(ClientError::BaseUrl(_))), "{bad}");
        }
        #[cfg(feature = "client")]
        assert!(ClientBuilder::new("http://127.0.0.1:8080".into()).danger_allow_insecure_http(true).build().is_ok());
    }

    #[cfg(feature = "client")]
    fn given_http_client() -> reqwest::Client {
        let tls = tls::tls_config(None, Vec::new(), false).unwrap();
        reqwest::Client::builder().tls_backend_preconfigured(tls).build().unwrap()
    }

    #[test]
    #[cfg(feature = "client")]
    fn options_of_a_given_http_client_are_refused() {
        let given = ClientBuilder::new("https://vc".into())
            .http_client(given_http_client())
            .danger_accept_invalid_certificates(true)
            .build();
        assert!(matches!(given, Err(ClientError::GivenHttpClient("danger_accept_invalid_certificates"))), "{given:?}");
        let plain = ClientBuilder::new("https://vc".into()).http_client(given_http_client()).build();
        assert!(plain.is_ok(), "{plain:?}");
    }

    #[test]
    fn pem_roots_are_validated() {
        assert!(matches!(
            ClientBuilder::new("https://vc".into()).add_root_certificate_pem(b"not pem"),
            Err(ClientError::NoCertificate)
        ));
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(ClientBuilder::new("https://vc".into()).add_root_certificate_pem(broken).is_err());
    }

    #[test]
    #[cfg(feature = "client")]
    fn the_client_installs_no_process_wide_crypto_provider() {
        let client = ClientBuilder::new("https://vc.example.com".into()).build();
        assert!(client.is_ok(), "{client:?}");
        assert!(CryptoProvider::get_default().is_none(), "building a client installed a process-wide provider");
        let given = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let built = ClientBuilder::new("https://vc.example.com".into()).crypto_provider(given).build();
        assert!(built.is_ok(), "{built:?}");
    }

    #[test]
    #[cfg(not(feature = "client"))]
    fn without_a_provider_the_client_says_so() {
        let error = ClientBuilder::new("https://vc.example.com".into()).build().expect_err("no provider");
        assert!(matches!(error, ClientError::NoCryptoProvider), "{error}");
        assert!(error.to_string().contains("ClientBuilder::crypto_provider"), "{error}");
    }
}
