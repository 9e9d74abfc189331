//! The generated client against VMware's vCenter simulator (vcsim, govmomi 0.24.2): a server we
//! did not write. See `vsphere_tests::vcsim` for the harness.
//!
//! Skipped (with `SKIPPED` printed) where Go or govmomi cannot be installed; a failure under CI.

use serde_json::Value;
use vsphere_api::runtime::{Method, Route};
use vsphere_api::{ApiMode, Client, Error, Operation};
use vsphere_tests::vcsim::Vcsim;

/// `GET /rest/com/vmware/cis/session`: who the session belongs to. The generated crate has no
/// `cis` namespace, so this is an operation built by hand, as generated code would build it.
fn session_info() -> Operation<Value, Value> {
    Operation::new("tests::cis::session::get", Route::rest(Method::Get, "/rest/com/vmware/cis/session"))
}

/// Logs in over TLS trusting only our CA, uses the session, logs out, and sees the session die.
#[tokio::test]
async fn login_over_verified_tls_then_logout() {
    let Some(vcsim) = Vcsim::start("vcsim::login_over_verified_tls_then_logout") else { return };
    let client = Client::builder(vcsim.url())
        .add_root_certificate_pem(vcsim.ca_pem())
        .expect("our CA is a PEM certificate")
        .mode(ApiMode::Legacy)
        .build()
        .expect("build client");

    let session = client.login("user", "pass").await.unwrap_or_else(|e| panic!("login: {e:?}\n{}", vcsim.log_tail()));
    assert!(!session.expose().trim().is_empty(), "login returned an empty session id");

    let authed = client.with_session(session);
    let info = authed.send(session_info()).await.expect("session get with the new session");
    assert_eq!(info["user"], "user", "the session is not the one we logged in with: {info}");

    authed.logout().await.expect("logout");
    let after = authed.send(session_info()).await.expect_err("the session outlived its logout");
    assert_eq!(after.status().map(|s| s.as_u16()), Some(401), "after logout: {after:?}");

    // vcsim turns away an empty password, as vCenter does.
    let refused = client.login("user", "").await.expect_err("login with an empty password");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401), "empty password: {refused:?}");
}

/// Without our CA the same server is refused: verification is on and the harness's certificate is
/// trusted only because the test says so (rustls: `UnknownIssuer`).
#[tokio::test]
async fn untrusted_certificate_is_refused() {
    let Some(vcsim) = Vcsim::start("vcsim::untrusted_certificate_is_refused") else { return };
    let client = Client::builder(vcsim.url()).mode(ApiMode::Legacy).build().expect("build client");
    let error = match client.login("user", "pass").await {
        Err(error @ Error::Transport { .. }) => error,
        other => panic!("expected a TLS failure without our CA, got {other:?}"),
    };
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(e) = source {
        chain.push(e.to_string());
        source = e.source();
    }
    let chain = chain.join(": ");
    assert!(chain.contains("UnknownIssuer"), "not refused for its issuer: {chain}");
}
