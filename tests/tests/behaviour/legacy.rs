//! Legacy mode (`/rest`): requests go to the twin path, bodies are wrapped as `spec`, and the
//! `{"value": ...}` and `{"type", "value"}` envelopes are unwrapped.

use serde_json::{Value, json};
use vsphere_api::appliance::recovery::reconciliation::job::{self, CreateSpec, Info};
use vsphere_api::runtime::SESSION_HEADER;
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Error, SessionId};

use crate::support::{
    JOB_REST_PATH, SEED_INFO, decode, expect_api_error, info_json, message_json, not_found_messages, sample_spec,
    sample_spec_json, seed_info_json,
};

#[test]
fn get_in_legacy_mode_goes_to_the_rest_path() {
    let session = SessionId::new("abc");
    let request =
        job::get().http_request("https://vc.example.com", Some(&session), ApiMode::Legacy).expect("request builds");
    assert_eq!(request.method().as_str(), "GET");
    assert_eq!(request.uri().to_string(), "https://vc.example.com/rest/appliance/recovery/reconciliation/job");
    assert!(request.headers().get(SESSION_HEADER).expect("session header").is_sensitive());
    assert!(request.body().is_empty());
}

#[test]
fn create_in_legacy_mode_wraps_the_body_as_spec() {
    let request = job::create(&sample_spec())
        .http_request("https://vc.example.com", Some(&SessionId::new("abc")), ApiMode::Legacy)
        .expect("request builds");
    assert_eq!(request.method().as_str(), "POST");
    assert_eq!(request.uri().to_string(), format!("https://vc.example.com{JOB_REST_PATH}"));
    assert_eq!(request.headers().get("content-type").expect("content type"), "application/json");
    let body: Value = serde_json::from_slice(request.body()).expect("the body is JSON");
    assert_eq!(body, json!({ "spec": sample_spec_json() }));

    // An empty spec is still sent, as `{}` (the body is required).
    let empty = job::create(&CreateSpec::default());
    let current = empty.http_request("https://vc", None, ApiMode::Current).expect("builds");
    assert_eq!(serde_json::from_slice::<Value>(current.body()).expect("JSON"), json!({}));
    let legacy = empty.http_request("https://vc", None, ApiMode::Legacy).expect("builds");
    assert_eq!(serde_json::from_slice::<Value>(legacy.body()).expect("JSON"), json!({ "spec": {} }));
}

#[test]
fn legacy_success_envelope_is_unwrapped() {
    let body = serde_json::to_vec(&json!({ "value": seed_info_json() })).expect("JSON");
    let info = decode(&job::get(), ApiMode::Legacy, 200, &body).expect("decodes");
    let expected: Info = serde_json::from_str(SEED_INFO).expect("decodes");
    assert_eq!(info, expected);

    // A legacy body that is not an envelope does not fit.
    let bare = serde_json::to_vec(&info_json("RUNNING")).expect("JSON");
    let result = decode(&job::get(), ApiMode::Legacy, 200, &bare);
    assert!(matches!(result, Err(Error::Decode { .. })), "got {result:?}");
}

#[test]
fn legacy_error_envelope_decodes_into_the_typed_error() {
    let body = serde_json::to_vec(&json!({
        "type": "com.vmware.vapi.std.errors.not_found",
        "value": { "messages": not_found_messages() }
    }))
    .expect("JSON");
    let api = expect_api_error(decode(&job::get(), ApiMode::Legacy, 404, &body));
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.body, body);
    match api.error.as_ref() {
        Some(VapiError::NotFound(not_found)) => {
            assert_eq!(not_found.messages[0].default_message, "The job was not found.");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }

    // The envelope's type wins over the status table (which says ERROR for 400).
    let body = serde_json::to_vec(&json!({
        "type": "com.vmware.vapi.std.errors.not_allowed_in_current_state",
        "value": { "messages": [message_json("com.vmware.appliance.no_restore", "No restore.")] }
    }))
    .expect("JSON");
    let api = expect_api_error(decode(&job::create(&sample_spec()), ApiMode::Legacy, 400, &body));
    assert!(matches!(api.error, Some(VapiError::NotAllowedInCurrentState(_))), "got {:?}", api.error);
}

#[test]
fn legacy_error_of_an_unknown_type_is_unrecognized() {
    let body = serde_json::to_vec(&json!({
        "type": "com.vmware.vapi.std.errors.quota_exceeded",
        "value": { "messages": [] }
    }))
    .expect("JSON");
    let api = expect_api_error(decode(&job::get(), ApiMode::Legacy, 503, &body));
    match api.error.as_ref() {
        Some(error @ VapiError::Unrecognized(value)) => {
            assert_eq!(error.tag(), Some("QUOTA_EXCEEDED"));
            assert_eq!(value["messages"], json!([]));
        }
        other => panic!("expected Unrecognized, got {other:?}"),
    }
}
