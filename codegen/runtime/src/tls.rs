//! The client's own TLS configuration: the crypto provider it is given (never installed
//! process-wide), the platform's roots and the caller's, checked by rustls-platform-verifier.
//! See [`ClientBuilder`](super::ClientBuilder) for the order in which the provider is chosen.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;

use super::ClientError;

/// The provider this client's TLS uses: the one given, else the process-wide default, else the
/// crate's own (aws-lc-rs, with the cargo feature `client`).
pub(super) fn crypto_provider(given: Option<Arc<CryptoProvider>>) -> Option<Arc<CryptoProvider>> {
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
pub(super) fn tls_config(
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
    #[cfg(feature = "client")]
    use super::*;

    #[test]
    #[cfg(feature = "client")]
    fn a_given_crypto_provider_comes_first() {
        let given = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let chosen = crypto_provider(Some(given.clone())).expect("a provider");
        assert!(Arc::ptr_eq(&given, &chosen));
        let own = crypto_provider(None).expect("the crate's own provider, aws-lc-rs");
        let names: Vec<String> = own.kx_groups.iter().map(|g| format!("{:?}", g.name())).collect();
        assert_eq!(names.first().map(String::as_str), Some("X25519MLKEM768"), "post-quantum first: {names:?}");
    }

    #[test]
    #[cfg(feature = "client")]
    fn the_configuration_verifies_unless_told_not_to() {
        let config = tls_config(None, Vec::new(), false).expect("a configuration");
        assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
        assert!(format!("{:?}", config).contains("Verifier"), "the platform verifier");
        let lab = tls_config(None, Vec::new(), true).expect("a configuration");
        assert!(format!("{:?}", lab).contains("AcceptAnyCertificate"));
    }
}
