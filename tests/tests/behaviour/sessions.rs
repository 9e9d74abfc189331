//! Sessions that renew: the client logs in on first use with its credentials, logs in once more
//! when the session expires (once for all concurrent callers), never loops, and logs out on the
//! surface it logged in on.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use vsphere_api::appliance::recovery::reconciliation::job;
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Error, SessionId};
use wiremock::matchers::{basic_auth, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{JOB_API_PATH, JOB_REST_PATH, builder, info_json, received, session_of};

/// `POST /api/session`: answers with `id` for `user:pass`, and counts the logins.
async fn mount_login(server: &MockServer, id: &'static str) {
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .and(basic_auth("user", "pass"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!(id)))
        .mount(server)
        .await;
}

/// A client in `ApiMode::Current` whose session `s-expired` has expired, with the credentials
/// `user:pass` to renew it.
fn expired_with_credentials(server: &MockServer) -> vsphere_api::Client {
    builder(server)
        .mode(ApiMode::Current)
        .session(SessionId::new("s-expired"))
        .credentials("user", "pass")
        .build()
        .expect("client builds")
}

/// `GET` of the job: 200 for the session `valid`, 401 for any other.
async fn mount_job_for(server: &MockServer, valid: &'static str) {
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(move |request: &Request| match session_of(request).as_deref() {
            Some(session) if session == valid => ResponseTemplate::new(200).set_body_json(info_json("RUNNING")),
            _ => ResponseTemplate::new(401).set_body_json(json!({"error_type": "UNAUTHENTICATED", "messages": []})),
        })
        .mount(server)
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn credentials_log_in_on_first_use() {
    let server = MockServer::start().await;
    mount_login(&server, "s-new").await;
    mount_job_for(&server, "s-new").await;
    let client = builder(&server).mode(ApiMode::Current).credentials("user", "pass").build().unwrap();
    assert!(client.session().is_none());
    client.send(job::get()).await.expect("logged in, then the call");
    client.send(job::get()).await.expect("the same session again");
    assert_eq!(received(&server, "POST", "/api/session").await.len(), 1, "one login for two calls");
    let gets = received(&server, "GET", JOB_API_PATH).await;
    assert!(gets.iter().all(|r| session_of(r).as_deref() == Some("s-new")), "{gets:?}");
    assert_eq!(client.session().as_ref().map(SessionId::expose), Some("s-new"));
}

#[tokio::test(flavor = "current_thread")]
async fn an_expired_session_is_renewed_once_and_the_call_sent_again() {
    let server = MockServer::start().await;
    mount_login(&server, "s-new").await;
    mount_job_for(&server, "s-new").await;
    let client = expired_with_credentials(&server);
    let info = client.send(job::get()).await.expect("renewed, then answered");
    assert_eq!(info.progress, 42);
    let sessions: Vec<Option<String>> = received(&server, "GET", JOB_API_PATH).await.iter().map(session_of).collect();
    assert_eq!(sessions, [Some("s-expired".to_owned()), Some("s-new".to_owned())]);
    let logins = received(&server, "POST", "/api/session").await;
    assert_eq!(logins.len(), 1);
    assert!(session_of(&logins[0]).is_none(), "the login carries credentials, not the old session");
}

#[tokio::test(flavor = "current_thread")]
async fn a_401_right_after_a_renewal_is_the_error_no_loop() {
    let server = MockServer::start().await;
    mount_login(&server, "s-new").await;
    mount_job_for(&server, "never-valid").await;
    let client = expired_with_credentials(&server);
    let error = client.send(job::get()).await.expect_err("still unauthenticated");
    assert!(matches!(error.api_error(), Some(VapiError::Unauthenticated(_))), "got {error:?}");
    assert_eq!(received(&server, "POST", "/api/session").await.len(), 1, "exactly one re-login");
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 2, "the call and its one retry");
}

#[tokio::test(flavor = "current_thread")]
async fn a_bare_session_id_is_not_renewed() {
    let server = MockServer::start().await;
    mount_login(&server, "s-new").await;
    mount_job_for(&server, "s-new").await;
    let client = builder(&server).mode(ApiMode::Current).session(SessionId::new("s-expired")).build().unwrap();
    let error = client.send(job::get()).await.expect_err("no credentials to renew with");
    assert!(matches!(error.api_error(), Some(VapiError::Unauthenticated(_))), "got {error:?}");
    assert!(received(&server, "POST", "/api/session").await.is_empty());
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_calls_meeting_one_expiry_cause_one_login() {
    let server = MockServer::start().await;
    let logins = Arc::new(AtomicUsize::new(0));
    let counted = logins.clone();
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(move |_: &Request| {
            counted.fetch_add(1, Ordering::SeqCst);
            // A login that takes a while, so that the other calls meet the expiry meanwhile.
            ResponseTemplate::new(201).set_body_json(json!("s-new")).set_delay(Duration::from_millis(100))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(|request: &Request| match session_of(request).as_deref() {
            Some("s-new") => ResponseTemplate::new(200).set_body_json(info_json("RUNNING")),
            // Every call in flight meets the expired session before any login has ended.
            _ => ResponseTemplate::new(401).set_delay(Duration::from_millis(50)),
        })
        .mount(&server)
        .await;
    let client = expired_with_credentials(&server);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let clone = client.clone();
        calls.spawn(async move { clone.send(job::get()).await });
    }
    let mut succeeded = 0;
    while let Some(result) = calls.join_next().await {
        result.expect("the task ran").expect("every call succeeds after the renewal");
        succeeded += 1;
    }
    assert_eq!(succeeded, 20);
    assert_eq!(logins.load(Ordering::SeqCst), 1, "exactly one login for twenty calls");
    let gets = received(&server, "GET", JOB_API_PATH).await;
    let renewed = gets.iter().filter(|r| session_of(r).as_deref() == Some("s-new")).count();
    let expired = gets.iter().filter(|r| session_of(r).as_deref() == Some("s-expired")).count();
    assert_eq!((expired, renewed), (20, 20), "every call met the expiry, then succeeded");
}

#[tokio::test(flavor = "current_thread")]
async fn a_rest_expiry_is_renewed_on_rest() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .and(basic_auth("user", "pass"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": "s-new"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .respond_with(|request: &Request| match session_of(request).as_deref() {
            Some("s-new") => ResponseTemplate::new(200).set_body_json(json!({"value": info_json("RUNNING")})),
            // The /rest surface says it with its envelope, and with a status that is not 401.
            _ => ResponseTemplate::new(400).set_body_json(json!({
                "type": "com.vmware.vapi.std.errors.unauthenticated",
                "value": {"messages": []}
            })),
        })
        .mount(&server)
        .await;
    let client = builder(&server)
        .mode(ApiMode::Legacy)
        .session(SessionId::new("s-expired"))
        .credentials("user", "pass")
        .build()
        .unwrap();
    client.send(job::get()).await.expect("renewed on /rest");
    assert_eq!(received(&server, "POST", "/rest/com/vmware/cis/session").await.len(), 1);
    assert!(received(&server, "POST", "/api/session").await.is_empty(), "a Legacy client never tries /api");
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_renewal_says_so_without_the_password() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error_type": "UNAUTHENTICATED"})))
        .mount(&server)
        .await;
    mount_job_for(&server, "s-new").await;
    let client = builder(&server)
        .mode(ApiMode::Current)
        .session(SessionId::new("s-expired"))
        .credentials("user", "Pa55-w0rd-never-shown")
        .build()
        .unwrap();
    let error = client.send(job::get()).await.expect_err("the login fails");
    let Error::Login { operation, source } = &error else { panic!("got {error:?}") };
    assert_eq!(*operation, "appliance::recovery::reconciliation::job::get");
    assert_eq!(source.status().map(|s| s.as_u16()), Some(401));
    for text in [error.to_string(), format!("{error:?}"), format!("{client:?}")] {
        assert!(!text.contains("Pa55-w0rd-never-shown"), "{text}");
    }
    assert!(error.to_string().contains("the session expired, and logging in again failed"), "{error}");
}

#[tokio::test(flavor = "current_thread")]
async fn auto_mode_with_credentials_logs_in_and_out_on_rest_for_a_rest_only_vcenter() {
    let server = MockServer::start().await;
    // No /api at all: every /api path is a plain 404.
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .and(basic_auth("user", "pass"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": "s-rest"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("vmware-api-session-id", "s-rest"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": info_json("RUNNING")})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/rest/com/vmware/cis/session"))
        .and(header("vmware-api-session-id", "s-rest"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).credentials("user", "pass").build().unwrap();
    client.send(job::get()).await.expect("logged in on /rest, then the call on /rest");
    assert_eq!(client.mode(), ApiMode::Legacy);
    client.logout().await.expect("logged out where the session was made");
    assert!(client.session().is_none());
    assert_eq!(received(&server, "POST", "/api/session").await.len(), 1, "one probe of /api");
    assert!(received(&server, "DELETE", "/api/session").await.is_empty(), "no logout on /api");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn auto_mode_with_a_given_session_finds_the_rest_surface_on_the_first_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("vmware-api-session-id", "s-given"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": info_json("RUNNING")})))
        .mount(&server)
        .await;
    let client = builder(&server).session(SessionId::new("s-given")).build().unwrap();
    let info = client.send(job::get()).await.expect("found /rest, not a NotFound");
    assert_eq!(info.progress, 42);
    assert_eq!(client.mode(), ApiMode::Legacy, "remembered");
    client.send(job::get()).await.expect("straight to /rest");
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 1, "/api was tried once only");
    assert_eq!(received(&server, "GET", JOB_REST_PATH).await.len(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn auto_mode_keeps_api_when_its_404_is_a_vapi_not_found() {
    let server = MockServer::start().await;
    let not_found = json!({"error_type": "NOT_FOUND", "messages": []});
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found))
        .mount(&server)
        .await;
    let client = builder(&server).session(SessionId::new("s-given")).build().unwrap();
    let error = client.send(job::get()).await.expect_err("the job does not exist");
    assert!(matches!(error.api_error(), Some(VapiError::NotFound(_))), "got {error:?}");
    assert_eq!(client.mode(), ApiMode::Current, "a vAPI NotFound comes from /api");
    assert!(received(&server, "GET", JOB_REST_PATH).await.is_empty(), "no /rest probe");
}
