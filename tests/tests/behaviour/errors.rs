//! Error accessors, messages and auto traits.

use serde_json::{Value, json};
use vsphere_api::appliance::recovery::reconciliation::job::{self};
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Client, Error, SessionId};

use crate::support::{JobOperation, decode, not_found_messages};

#[test]
fn error_accessors_agree_with_the_variant() {
    let body =
        serde_json::to_vec(&json!({ "error_type": "NOT_FOUND", "messages": not_found_messages() })).expect("JSON");
    let error = decode(&job::get(), ApiMode::Current, 404, &body).expect_err("fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(matches!(error.api_error(), Some(VapiError::NotFound(_))));
    assert_eq!(error.operation(), "appliance::recovery::reconciliation::job::get");

    let error = decode(&job::get(), ApiMode::Current, 200, b"[]").expect_err("fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.api_error().is_none());
    assert!(std::error::Error::source(&error).is_some(), "a decode error keeps the serde error");

    let error = decode(&job::get(), ApiMode::Current, 500, b"oops").expect_err("fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(error.api_error().is_none());
}

#[test]
fn api_error_display_names_the_operation_the_status_and_the_body() {
    let body =
        serde_json::to_vec(&json!({ "error_type": "NOT_FOUND", "messages": not_found_messages() })).expect("JSON");
    let error = decode(&job::get(), ApiMode::Current, 404, &body).expect_err("fails");
    let text = error.to_string();
    assert!(text.contains("appliance::recovery::reconciliation::job::get"), "{text}");
    assert!(text.contains("404"), "{text}");
    assert!(text.contains("The job was not found."), "the body is shown: {text}");

    // Display of the ApiError itself is the same text.
    let Error::Api(api) = &error else { panic!("expected Error::Api") };
    assert_eq!(api.to_string(), text);

    // A long body is cut after 300 characters.
    let long = "x".repeat(1000);
    let error = decode(&job::get(), ApiMode::Current, 500, long.as_bytes()).expect_err("fails");
    let text = error.to_string();
    assert!(text.ends_with("..."), "{text}");
    assert!(text.contains(&"x".repeat(300)) && !text.contains(&"x".repeat(301)), "{text}");

    // An empty body adds nothing after the status.
    let error = decode(&job::get(), ApiMode::Current, 503, b"  ").expect_err("fails");
    assert!(error.to_string().ends_with("503 Service Unavailable"), "{error}");
}

#[test]
fn decode_error_display_names_the_operation_and_status() {
    let error = decode(&job::get(), ApiMode::Current, 200, b"{}").expect_err("fails");
    let text = error.to_string();
    assert!(text.contains("appliance::recovery::reconciliation::job::get"), "{text}");
    assert!(text.contains("200"), "{text}");
}

#[test]
fn api_error_display_cuts_a_long_multibyte_body_on_a_character_boundary() {
    let long = "é".repeat(1000);
    let error = decode(&job::get(), ApiMode::Current, 500, long.as_bytes()).expect_err("fails");
    let text = error.to_string();
    assert!(text.ends_with("..."), "{text}");
    assert_eq!(text.matches('é').count(), 300, "{text}");
}

#[test]
fn errors_operations_and_clients_are_thread_safe_and_boxable() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Error<VapiError>>();
    assert_send_sync::<Error<Value>>();
    assert_send_sync::<JobOperation>();
    assert_send_sync::<Client>();
    assert_send_sync::<SessionId>();

    // `?` into `Box<dyn Error + Send + Sync>`, as in the crate's own example.
    let error = decode(&job::get(), ApiMode::Current, 404, b"").expect_err("fails");
    let boxed: Box<dyn std::error::Error + Send + Sync> = error.into();
    assert!(boxed.to_string().contains("404"));
}

/// Users return `Result<T, Error<E>>` from their own functions: it stays under clippy's
/// `result_large_err` threshold (128 bytes), because every variant that holds the error union
/// (80 bytes here) boxes it.
#[test]
fn the_error_type_stays_small_whatever_the_union() {
    let union = std::mem::size_of::<vsphere_api::vapi::std::errors::Error>();
    let error = std::mem::size_of::<vsphere_api::Error<vsphere_api::vapi::std::errors::Error>>();
    assert!(error <= 128, "Error<E> is {error} bytes (the union is {union})");
}
