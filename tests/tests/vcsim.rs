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
    let text = error.to_string();
    assert!(
        text.starts_with("could not send `runtime::Client::login`: ") && text.contains("UnknownIssuer"),
        "the message names the operation and the cause: {text}"
    );
}

/// Credentials given once: the client logs in on first use (finding vcsim's `/rest` session
/// service in `ApiMode::Auto`), another client deletes that session behind its back, and the
/// next call logs in again, once, and succeeds. Logout then ends the new session on the surface
/// it was made on, which another client can see.
#[tokio::test]
async fn an_expired_session_is_renewed_once_and_logged_out_on_its_surface() {
    let Some(vcsim) = Vcsim::start("vcsim::an_expired_session_is_renewed_once") else { return };
    let builder = || Client::builder(vcsim.url()).add_root_certificate_pem(vcsim.ca_pem()).expect("our CA");
    let client = builder().credentials("user", "pass").build().expect("build client");
    let (traces, _guard) = vsphere_tests::capture_traces();

    let info = client.send(session_info()).await.unwrap_or_else(|e| panic!("first call: {e:?}\n{}", vcsim.log_tail()));
    assert_eq!(info["user"], "user");
    assert_eq!(client.mode(), ApiMode::Legacy, "vcsim serves sessions on /rest only");
    let first = client.session().expect("logged in on first use");

    // Another program ends the session.
    let other = builder().mode(ApiMode::Legacy).build().expect("build client").with_session(first.clone());
    other.logout().await.expect("the other client deletes the session");
    let gone = other.send(session_info()).await.expect_err("the session is gone");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(401));

    let info =
        client.send(session_info()).await.unwrap_or_else(|e| panic!("after expiry: {e:?}\n{}", vcsim.log_tail()));
    assert_eq!(info["user"], "user");
    let second = client.session().expect("a new session");
    assert_ne!(first, second, "the client logged in again");
    client.send(session_info()).await.expect("the new session goes on");
    assert_eq!(client.session(), Some(second.clone()), "no further login");
    let logins = traces.text().matches("vsphere: logged in with the client's credentials").count();
    assert_eq!(logins, 2, "the login on first use and exactly one renewal:\n{}", traces.text());
    assert!(!traces.text().contains(second.expose()) && !traces.text().contains(first.expose()));

    client.logout().await.expect("logout");
    assert!(client.session().is_none());
    let checker = builder().mode(ApiMode::Legacy).build().expect("build client").with_session(second);
    let ended = checker.send(session_info()).await.expect_err("the session outlived its logout");
    assert_eq!(ended.status().map(|s| s.as_u16()), Some(401), "after logout: {ended:?}");
}
