//! Decoding responses in current mode: success bodies, typed vAPI errors, and bodies that do not
//! fit.

use serde_json::json;
use vsphere_api::appliance::recovery::reconciliation::job::{self, Status};
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Error};

use crate::support::{decode, expect_api_error, info_json, message_json, not_found_messages, sample_spec};

#[test]
fn success_body_decodes_into_info() {
    let body = serde_json::to_vec(&info_json("RUNNING")).expect("JSON");
    let info = decode(&job::get(), ApiMode::Current, 200, &body).expect("decodes");
    assert_eq!(info.status, Status::Running);
    assert_eq!(info.progress, 42);

    // create answers 201; any 2xx is a success.
    let info = decode(&job::create(&sample_spec()), ApiMode::Current, 201, &body).expect("decodes");
    assert_eq!(info.status, Status::Running);
}

#[test]
fn not_found_error_body_decodes_into_the_not_found_variant() {
    let body =
        serde_json::to_vec(&json!({ "error_type": "NOT_FOUND", "messages": not_found_messages() })).expect("JSON");
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 404, &body));

    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.body, body, "the raw body is kept");
    assert_eq!(api.operation, "appliance::recovery::reconciliation::job::get");
    match api.error.as_ref() {
        Some(VapiError::NotFound(not_found)) => {
            assert_eq!(not_found.messages.len(), 1);
            assert_eq!(not_found.messages[0].id, "com.vmware.api.vcenter.not_found");
            assert_eq!(not_found.messages[0].default_message, "The job was not found.");
            assert_eq!(not_found.messages[0].args, vec!["job".to_owned()]);
            assert_eq!(not_found.data, None);
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(api.error.as_ref().and_then(VapiError::tag), Some("NOT_FOUND"));
}

#[test]
fn error_body_without_error_type_gets_the_tag_its_status_implies() {
    // Statuses that stand for one standard error imply it; 400 and 500 stand for many.
    let body = serde_json::to_vec(&json!({ "messages": not_found_messages() })).expect("JSON");
    for (status, tag) in [
        (401, "UNAUTHENTICATED"),
        (403, "UNAUTHORIZED"),
        (404, "NOT_FOUND"),
        (409, "CONCURRENT_CHANGE"),
        (503, "SERVICE_UNAVAILABLE"),
        (504, "TIMED_OUT"),
    ] {
        for op in [job::get(), job::create(&sample_spec())] {
            let api = expect_api_error(decode(&op, ApiMode::Current, status, &body));
            let error = api.error.as_ref().unwrap_or_else(|| panic!("status {status}: no typed error"));
            assert_eq!(error.tag(), Some(tag), "status {status}");
            assert!(!matches!(error, VapiError::Unrecognized(_)), "status {status}: {error:?}");
            assert_eq!(api.body, body, "the raw body is kept, without the implied tag");
        }
    }
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 404, &body));
    match api.error.as_ref() {
        Some(VapiError::NotFound(not_found)) => {
            assert_eq!(not_found.messages[0].id, "com.vmware.api.vcenter.not_found")
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    for status in [400, 500] {
        // No tag and an ambiguous status: the catch-all keeps the object.
        let api = expect_api_error(decode(&job::get(), ApiMode::Current, status, &body));
        match &api.error {
            Some(error @ VapiError::Unrecognized(value)) => {
                assert_eq!(error.tag(), None);
                assert_eq!(value["messages"][0]["id"], "com.vmware.api.vcenter.not_found");
            }
            other => panic!("status {status}: expected the catch-all, got {other:?}"),
        }
    }
}

#[test]
fn an_empty_or_plain_text_body_gets_the_error_its_status_implies() {
    // A dead session answers 401 with nothing; a router 404 answers with plain text.
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 401, b""));
    assert!(matches!(api.error, Some(VapiError::Unauthenticated(_))), "got {:?}", api.error);
    assert!(api.body.is_empty());
    let api = expect_api_error(decode(&job::get(), ApiMode::Legacy, 404, b"404 page not found"));
    match &api.error {
        Some(VapiError::NotFound(not_found)) => assert!(not_found.messages.is_empty()),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(api.body, b"404 page not found", "the raw body is kept");
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 500, b"<html>oops</html>"));
    assert!(api.error.is_none(), "an ambiguous status with no body stays untyped: {:?}", api.error);
}

#[test]
fn every_standard_error_has_its_variant() {
    // The fragment declares 6 of the 25 standard errors; the others carry the base fields.
    let error = |tag: &str| {
        let body = serde_json::to_vec(&json!({ "error_type": tag, "messages": [] })).expect("JSON");
        expect_api_error(decode(&job::get(), ApiMode::Current, 400, &body)).error
    };
    assert!(matches!(error("ALREADY_EXISTS"), Some(VapiError::AlreadyExists(_))));
    assert!(matches!(error("RESOURCE_BUSY"), Some(VapiError::ResourceBusy(_))));
    assert!(matches!(error("UNVERIFIED_PEER"), Some(VapiError::UnverifiedPeer(_))));
    for tag in ["ALREADY_EXISTS", "RESOURCE_BUSY", "UNVERIFIED_PEER", "CANCELED", "TIMED_OUT"] {
        assert_eq!(error(tag).as_ref().and_then(VapiError::tag), Some(tag));
    }
}

#[test]
fn an_explicit_error_type_wins_over_the_status_table() {
    let body = serde_json::to_vec(&json!({
        "error_type": "FEATURE_IN_USE",
        "messages": [message_json("com.vmware.appliance.backup.running", "A backup is running.")],
        "data": { "job": "backup-17" }
    }))
    .expect("JSON");
    let api = expect_api_error(decode(&job::create(&sample_spec()), ApiMode::Current, 400, &body));
    match api.error.as_ref() {
        Some(VapiError::FeatureInUse(error)) => {
            assert_eq!(error.data, Some(json!({ "job": "backup-17" })));
            assert_eq!(error.messages[0].default_message, "A backup is running.");
        }
        other => panic!("expected FeatureInUse, got {other:?}"),
    }
}

#[test]
fn unauthenticated_error_keeps_its_challenge() {
    let body = serde_json::to_vec(&json!({
        "error_type": "UNAUTHENTICATED",
        "messages": [message_json("vapi.method.authentication.required", "Authentication required.")],
        "challenge": "Basic realm=\"VAPI endpoint\",SIGN realm=\"x\""
    }))
    .expect("JSON");
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 401, &body));
    match api.error.as_ref() {
        Some(VapiError::Unauthenticated(error)) => {
            assert_eq!(error.challenge.as_deref(), Some("Basic realm=\"VAPI endpoint\",SIGN realm=\"x\""));
        }
        other => panic!("expected Unauthenticated, got {other:?}"),
    }
}

#[test]
fn unknown_error_type_decodes_to_unrecognized_keeping_the_json() {
    let sent = json!({
        "error_type": "QUOTA_EXCEEDED",
        "messages": [message_json("com.vmware.vapi.std.errors.quota_exceeded", "Over quota.")],
        "data": { "retry_after": 5 }
    });
    let body = serde_json::to_vec(&sent).expect("JSON");
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 503, &body));
    match api.error.as_ref() {
        Some(VapiError::Unrecognized(value)) => assert_eq!(*value, sent, "kept exactly as sent"),
        other => panic!("expected Unrecognized, got {other:?}"),
    }
    let error = api.error.as_ref().expect("decoded");
    assert_eq!(error.tag(), Some("QUOTA_EXCEEDED"));
    assert_eq!(serde_json::to_value(error).expect("encodes"), sent, "encodes back unchanged");
}

#[test]
fn non_json_error_body_keeps_the_raw_body_only() {
    let body = b"<html><body>502 Bad Gateway</body></html>";
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 502, body));
    assert!(api.error.is_none(), "no typed error for an HTML body: {:?}", api.error);
    assert_eq!(api.body, body.to_vec());
    assert_eq!(api.status.as_u16(), 502);

    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 500, b""));
    assert!(api.error.is_none());
    assert!(api.body.is_empty());
}

#[test]
fn success_body_that_does_not_fit_is_a_decode_error() {
    let body = br#"{"status": "RUNNING", "progress": "half"}"#;
    match decode(&job::get(), ApiMode::Current, 200, body) {
        Err(Error::Decode { operation, status, body: kept, source }) => {
            assert_eq!(operation, "appliance::recovery::reconciliation::job::get");
            assert_eq!(status.as_u16(), 200);
            assert_eq!(kept, body.to_vec());
            assert!(!source.to_string().is_empty());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }

    // An empty 200 is not an Info either.
    let result = decode(&job::get(), ApiMode::Current, 200, b"");
    assert!(matches!(result, Err(Error::Decode { .. })), "got {result:?}");

    // In current mode a `/rest` envelope is not unwrapped.
    let wrapped = serde_json::to_vec(&json!({ "value": info_json("RUNNING") })).expect("JSON");
    let result = decode(&job::get(), ApiMode::Current, 200, &wrapped);
    assert!(matches!(result, Err(Error::Decode { .. })), "got {result:?}");
}

#[test]
fn decoded_errors_encode_back_with_their_tag() {
    let sent = json!({ "error_type": "NOT_FOUND", "messages": not_found_messages() });
    let error: VapiError = serde_json::from_value(sent.clone()).expect("decodes");
    assert!(matches!(error, VapiError::NotFound(_)));
    assert_eq!(serde_json::to_value(&error).expect("encodes"), sent);
}

/// Forward compatibility: a known tag whose fields no longer fit the typed payload (a newer
/// vCenter changed them) keeps the whole object in the catch-all variant instead of failing.
#[test]
fn known_error_type_whose_fields_do_not_fit_is_kept_whole() {
    let body = json!({"error_type": "NOT_FOUND", "messages": "not a list"});
    let error: VapiError = serde_json::from_value(body.clone()).expect("decodes");
    assert_eq!(error, VapiError::Unrecognized(body.clone()));
    assert_eq!(error.tag(), Some("NOT_FOUND"));
    assert_eq!(serde_json::to_value(&error).expect("encodes"), body);
}
