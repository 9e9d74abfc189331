//! Building requests (sans-IO) in current mode: method, URL, headers, JSON bodies, secrets, and
//! request errors.

use serde_json::Value;
use vsphere_api::appliance::recovery::reconciliation::job::{self, CreateSpec};
use vsphere_api::runtime::SESSION_HEADER;
use vsphere_api::{ApiMode, Error, Secret, SessionId};

use crate::support::{JOB_API_PATH, JOB_REST_PATH, sample_spec, sample_spec_json};

#[test]
fn get_builds_a_current_request_with_a_sensitive_session_header() {
    let session = SessionId::new("abc");
    let request =
        job::get().http_request("https://vc.example.com", Some(&session), ApiMode::Current).expect("request builds");

    assert_eq!(request.method().as_str(), "GET");
    assert_eq!(request.uri().to_string(), "https://vc.example.com/api/appliance/recovery/reconciliation/job");
    let session_header = request.headers().get("vmware-api-session-id").expect("session header is set");
    assert_eq!(session_header.to_str().expect("ASCII"), "abc");
    assert!(session_header.is_sensitive(), "the session header must be marked sensitive");
    assert_eq!(request.headers().get("accept").expect("accept is set"), "application/json");
    assert!(request.headers().get("content-type").is_none(), "a GET without body has no content type");
    assert!(request.body().is_empty());
    assert_eq!(request.headers().get_all(SESSION_HEADER).iter().count(), 1);

    let debug = format!("{request:?}");
    assert!(!debug.contains("abc"), "the session id leaks through Debug: {debug}");
    assert!(debug.contains("Sensitive"), "Debug shows the header as sensitive: {debug}");
}

#[test]
fn get_without_a_session_sends_no_session_header() {
    let request = job::get().http_request("https://vc.example.com", None, ApiMode::Current).expect("builds");
    assert!(request.headers().get(SESSION_HEADER).is_none());
}

#[test]
fn a_trailing_slash_or_a_path_prefix_in_the_base_url_is_handled() {
    let request = job::get().http_request("https://vc.example.com/", None, ApiMode::Current).expect("builds");
    assert_eq!(request.uri().to_string(), "https://vc.example.com/api/appliance/recovery/reconciliation/job");

    let request = job::get().http_request("https://proxy.example.com:8443/vc1", None, ApiMode::Legacy).expect("builds");
    assert_eq!(
        request.uri().to_string(),
        "https://proxy.example.com:8443/vc1/rest/appliance/recovery/reconciliation/job"
    );
}

#[test]
fn operation_describes_its_routes() {
    let op = job::get();
    assert_eq!(op.name(), "appliance::recovery::reconciliation::job::get");
    let current = op.route(ApiMode::Current).expect("a current route");
    assert_eq!(current.method().as_str(), "GET");
    assert_eq!(current.path(), JOB_API_PATH);
    assert!(!current.is_legacy());
    let legacy = op.route(ApiMode::Legacy).expect("a legacy route");
    assert_eq!(legacy.path(), JOB_REST_PATH);
    assert!(legacy.is_legacy());
    assert_eq!(op.legacy_route().map(|r| r.route().path()), Some(JOB_REST_PATH));
    assert_eq!(op.route(ApiMode::Auto), op.route(ApiMode::Current), "sans-IO, Auto is Current");

    let create = job::create(&CreateSpec::default());
    assert_eq!(create.name(), "appliance::recovery::reconciliation::job::create");
    assert_eq!(create.route(ApiMode::Current).map(|r| r.method().as_str()), Some("POST"));
    assert_eq!(create.route(ApiMode::Legacy).map(|r| r.method().as_str()), Some("POST"));
    assert_eq!(create.route(ApiMode::Legacy).map(|r| r.path()), Some(JOB_REST_PATH));
    assert_eq!(create.legacy_route().and_then(|r| r.body_key()), Some("spec"));

    #[allow(deprecated)]
    let legacy = job::get_legacy();
    assert_eq!(legacy.name(), "appliance::recovery::reconciliation::job::get_legacy");
    for mode in [ApiMode::Auto, ApiMode::Current, ApiMode::Legacy] {
        let route = legacy.route(mode).expect("the twin's route");
        assert_eq!(route.path(), JOB_REST_PATH, "{mode:?}");
        assert!(route.is_legacy());
    }
    assert_eq!(ApiMode::default(), ApiMode::Auto);
}

#[test]
fn create_builds_a_post_with_a_json_body() {
    let request = job::create(&sample_spec())
        .http_request("https://vc.example.com", Some(&SessionId::new("abc")), ApiMode::Current)
        .expect("request builds");
    assert_eq!(request.method().as_str(), "POST");
    assert_eq!(request.uri().to_string(), format!("https://vc.example.com{JOB_API_PATH}"));
    assert_eq!(request.headers().get("content-type").expect("content type"), "application/json");
    assert_eq!(request.headers().get("accept").expect("accept"), "application/json");
    let body: Value = serde_json::from_slice(request.body()).expect("the body is JSON");
    assert_eq!(body, sample_spec_json());
}

#[test]
fn create_spec_password_is_redacted_in_debug_but_sent_in_the_body() {
    let spec = sample_spec();
    let password = "Sup3r-S3cret-pw!";

    let debug = format!("{spec:?}");
    assert!(!debug.contains(password), "CreateSpec Debug shows the password: {debug}");
    assert!(debug.contains("administrator@vsphere.local"), "non-secret fields stay visible: {debug}");
    assert!(!format!("{:?}", Secret::new(password)).contains(password));
    assert_eq!(Secret::from(password).expose(), password);

    let op = job::create(&spec);
    let op_debug = format!("{op:?}");
    assert!(!op_debug.contains(password), "Operation Debug shows the password: {op_debug}");

    for mode in [ApiMode::Current, ApiMode::Legacy] {
        let request = op.http_request("https://vc.example.com", None, mode).expect("builds");
        let body = String::from_utf8(request.body().clone()).expect("UTF-8 body");
        assert!(body.contains(password), "the JSON body carries the password in {mode:?}: {body}");
    }

    // The secret round-trips through JSON as a plain string.
    let decoded: CreateSpec = serde_json::from_value(sample_spec_json()).expect("decodes");
    assert_eq!(decoded, spec);
}

#[test]
fn an_operation_can_be_cloned_and_built_again() {
    let op = job::create(&sample_spec());
    let copy = op.clone();
    let a = op.http_request("https://vc", None, ApiMode::Legacy).expect("builds");
    let b = copy.http_request("https://vc", None, ApiMode::Legacy).expect("builds");
    assert_eq!(a.uri(), b.uri());
    assert_eq!(a.body(), b.body());
}

#[test]
fn invalid_base_url_or_session_id_is_a_request_error_that_does_not_echo_the_session() {
    let result = job::get().http_request("not a url", None, ApiMode::Current);
    match result {
        Err(Error::Request { operation, reason }) => {
            assert_eq!(operation, "appliance::recovery::reconciliation::job::get");
            assert!(!reason.is_empty());
        }
        other => panic!("expected Error::Request, got {other:?}"),
    }

    let bad_session = SessionId::new("abc\r\nX-Injected: 1");
    let error = job::get()
        .http_request("https://vc.example.com", Some(&bad_session), ApiMode::Current)
        .expect_err("a session id with a line break is refused");
    assert!(matches!(error, Error::Request { .. }), "got {error:?}");
    assert_eq!(error.status(), None);
    let text = format!("{error} {error:?}");
    assert!(!text.contains("X-Injected"), "the error echoes the session id: {text}");
}
