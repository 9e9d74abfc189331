//! What the client tells `tracing`: a span per call with the operation, method, path template,
//! surface, status, attempts and duration, events for the re-login and the retry; and none of the
//! session ids, the password, the bodies or the query values.

use std::time::Duration;

use serde_json::json;
use vsphere_api::appliance::recovery::reconciliation::job;
use vsphere_api::{ApiMode, RetryPolicy, SessionId};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{JOB_API_PATH, builder, info_json, session_of};

#[tokio::test(flavor = "current_thread")]
async fn a_call_is_one_span_with_its_route_and_outcome_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("session-id-NEW-4f7e")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(|request: &Request| match session_of(request).as_deref() {
            Some("session-id-NEW-4f7e") => ResponseTemplate::new(200).set_body_json(info_json("RUNNING")),
            _ => ResponseTemplate::new(401),
        })
        .mount(&server)
        .await;
    let client = builder(&server)
        .mode(ApiMode::Current)
        .session(SessionId::new("session-id-OLD-9a1c"))
        .credentials("administrator@vsphere.local", "Tr4cing-pa55word")
        .retry_policy(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .expect("builds");

    let (traces, _guard) = vsphere_tests::capture_traces();
    client.send(job::get()).await.expect("retried, renewed, answered");
    let text = traces.text();

    for expected in [
        "vsphere.call",
        "appliance::recovery::reconciliation::job::get",
        "http.request.method=\"GET\"",
        "url.template=\"/api/appliance/recovery/reconciliation/job\"",
        "vsphere.surface=\"api\"",
        "http.response.status_code=200",
        "vsphere.attempts=3",
        "vsphere.duration_ms=",
        "runtime::Client::login",
        "http.response.status_code=201",
        "vsphere: retrying",
        "vsphere.retry_reason=\"HTTP 503\"",
        "vsphere: logged in with the client's credentials",
    ] {
        assert!(text.contains(expected), "the traces lack {expected:?}:\n{text}");
    }
    for secret in [
        "session-id-OLD-9a1c",
        "session-id-NEW-4f7e",
        "Tr4cing-pa55word",
        "administrator@vsphere.local",
        "Reconciliation of the appliance",
        "Basic ",
    ] {
        assert!(!text.contains(secret), "the traces show {secret:?}:\n{text}");
    }
}
