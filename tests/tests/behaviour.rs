//! Behaviour of the *generated* crate `vsphere-api` (`generated/`), as a user of it sees it:
//! the models of `appliance::recovery::reconciliation::job`, the sans-IO `Operation`s (request
//! building and response decoding, in both `ApiMode`s), the typed vAPI errors and the async
//! `Client` against a local mock server.
//!
//! Everything here is offline and deterministic: the only network traffic goes to a
//! `wiremock::MockServer` (or a closed port) on 127.0.0.1.

use serde_json::{Value, json};
use vsphere_api::appliance::recovery::reconciliation::job::{self, CreateSpec, Info, Status};
use vsphere_api::runtime::SESSION_HEADER;
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::vapi::std::localization_param::DateTimeFormat;
use vsphere_api::{ApiError, ApiMode, Client, Error, Operation, Secret, SessionId};
use wiremock::matchers::{basic_auth, body_json, header, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const JOB_API_PATH: &str = "/api/appliance/recovery/reconciliation/job";
const JOB_REST_PATH: &str = "/rest/appliance/recovery/reconciliation/job";

/// The example `Info` of the seed page `shared/seeds/get-reconciliation-job.txt` ("Get
/// Reconciliation Job"), with every one of its fields kept.
///
/// Adapted minimally where the page shows placeholders that are not valid values of the spec:
/// - `end_time`, `start_time` and both `params.key.dt` were `"string"`; they are `date-time`
///   fields, so they are real RFC 3339 timestamps here.
/// - both `params.key.l.params` were `"StdLocalizationParam Object"`; that field is a map of
///   `LocalizationParam`, so it is a real nested map (`{"key": {"s": "string"}}`) here.
///
/// Everything else (the `"string"` values, `0`s, `"SHORT_DATE"`, `"NONE"`, `"error": {}`) is
/// exactly as on the page. `seed_example_matches_the_seed_page` checks that claim.
const SEED_INFO: &str = r#"{
  "cancelable": false,
  "description": {
    "args": ["string"],
    "default_message": "string",
    "id": "string",
    "localized": "string",
    "params": {
      "key": {
        "d": 0,
        "dt": "2024-05-01T10:00:00Z",
        "format": "SHORT_DATE",
        "i": 0,
        "l": {
          "id": "string",
          "params": { "key": { "s": "string" } }
        },
        "precision": 0,
        "s": "string"
      }
    }
  },
  "end_time": "2024-05-01T10:05:30Z",
  "error": {},
  "messages": [
    {
      "args": ["string"],
      "default_message": "string",
      "id": "string",
      "localized": "string",
      "params": {
        "key": {
          "d": 0,
          "dt": "2024-05-01T10:00:00Z",
          "format": "SHORT_DATE",
          "i": 0,
          "l": {
            "id": "string",
            "params": { "key": { "s": "string" } }
          },
          "precision": 0,
          "s": "string"
        }
      }
    }
  ],
  "operation": "string",
  "parent": "string",
  "progress": 0,
  "service": "string",
  "start_time": "2024-05-01T10:00:00Z",
  "status": "NONE",
  "target": {
    "id": "string",
    "type": "string"
  }
}"#;

type JobOperation = Operation<Info, VapiError>;
type JobResult = Result<Info, Error<VapiError>>;

fn seed_info_json() -> Value {
    serde_json::from_str(SEED_INFO).expect("SEED_INFO is JSON")
}

/// A small valid `Info` body, as a running job reports it.
fn info_json(status: &str) -> Value {
    json!({
        "description": {
            "args": [],
            "default_message": "Reconciliation of the appliance",
            "id": "com.vmware.appliance.recovery.reconciliation.description"
        },
        "messages": [],
        "operation": "reconcile",
        "progress": 42,
        "service": "com.vmware.appliance.recovery.reconciliation.job",
        "status": status
    })
}

fn message_json(id: &str, text: &str) -> Value {
    json!({ "args": ["job"], "default_message": text, "id": id })
}

fn not_found_messages() -> Value {
    json!([message_json("com.vmware.api.vcenter.not_found", "The job was not found.")])
}

/// `op.decode` with a numeric status (this crate has no direct `http` dependency; the target
/// type `http::StatusCode` is inferred from `Operation::decode`).
fn decode(op: &JobOperation, mode: ApiMode, status: u16, body: &[u8]) -> JobResult {
    op.decode(mode, status.try_into().expect("a valid HTTP status"), body)
}

fn expect_api_error(result: JobResult) -> Box<ApiError<VapiError>> {
    match result {
        Err(Error::Api(api)) => api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// Numbers compared by value (`0` and `0.0` are the same JSON number), everything else as is.
fn normalize_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("finite number")),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, normalize_numbers(v))).collect()),
        other => other,
    }
}

fn sample_spec() -> CreateSpec {
    CreateSpec {
        ignore_warnings: Some(true),
        sso_admin_user_name: Some("administrator@vsphere.local".to_owned()),
        sso_admin_user_password: Some(Secret::new("Sup3r-S3cret-pw!")),
    }
}

fn sample_spec_json() -> Value {
    json!({
        "ignore_warnings": true,
        "sso_admin_user_name": "administrator@vsphere.local",
        "sso_admin_user_password": "Sup3r-S3cret-pw!"
    })
}

fn client(server: &MockServer, mode: ApiMode) -> Client {
    Client::builder(server.uri()).mode(mode).build().expect("client builds")
}

// ---------------------------------------------------------------------------------------------
// 1. The seed example
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_example_decodes_into_info_with_every_field() {
    let info: Info = serde_json::from_str(SEED_INFO).expect("the seed example decodes into Info");

    assert_eq!(info.cancelable, Some(false));
    assert_eq!(info.status, Status::None);
    assert_eq!(info.operation, "string");
    assert_eq!(info.service, "string");
    assert_eq!(info.parent.as_deref(), Some("string"));
    assert_eq!(info.progress, 0);
    assert_eq!(info.error, Some(json!({})));
    assert_eq!(info.start_time.map(|t| t.to_rfc3339()), Some("2024-05-01T10:00:00+00:00".to_owned()));
    assert_eq!(info.end_time.map(|t| t.to_rfc3339()), Some("2024-05-01T10:05:30+00:00".to_owned()));
    let target = info.target.as_ref().expect("target is set");
    assert_eq!((target.id.as_str(), target.r#type.as_str()), ("string", "string"));

    assert_eq!(info.messages.len(), 1);
    for message in std::iter::once(&info.description).chain(&info.messages) {
        assert_eq!(message.args, vec!["string".to_owned()]);
        assert_eq!(message.default_message, "string");
        assert_eq!(message.id, "string");
        assert_eq!(message.localized.as_deref(), Some("string"));
        let params = message.params.as_ref().expect("params are set");
        let param = &params["key"];
        assert_eq!(param.d, Some(0.0));
        assert_eq!(param.i, Some(0));
        assert_eq!(param.precision, Some(0));
        assert_eq!(param.s.as_deref(), Some("string"));
        assert_eq!(param.format, Some(DateTimeFormat::ShortDate));
        assert_eq!(param.dt.map(|t| t.timestamp()), Some(1_714_557_600));
        let nested = param.l.as_ref().expect("l is set");
        assert_eq!(nested.id, "string");
        let nested_params = nested.params.as_ref().expect("nested params are set");
        assert_eq!(nested_params["key"].s.as_deref(), Some("string"));
    }
}

#[test]
fn seed_example_round_trips() {
    let info: Info = serde_json::from_str(SEED_INFO).expect("decodes");

    // Typed round trip: serialize, deserialize, same value.
    let encoded = serde_json::to_string(&info).expect("encodes");
    let decoded: Info = serde_json::from_str(&encoded).expect("re-decodes");
    assert_eq!(decoded, info);

    // Wire round trip: the model keeps every field of the example, so the JSON it writes is the
    // JSON it read. Numbers compare by value: `"d": 0` is an f64 in the model and comes back
    // as `0.0`, which is the same JSON number.
    let reencoded: Value = serde_json::from_str(&encoded).expect("JSON");
    assert_eq!(normalize_numbers(reencoded.clone()), normalize_numbers(seed_info_json()));
    // Integers stay integers.
    assert_eq!(reencoded["progress"], json!(0));
    assert_eq!(reencoded["description"]["params"]["key"]["i"], json!(0));
    // Timestamps come back in the same RFC 3339 spelling.
    assert_eq!(reencoded["start_time"], json!("2024-05-01T10:00:00Z"));
    assert_eq!(reencoded["end_time"], json!("2024-05-01T10:05:30Z"));
}

#[test]
fn info_leaves_out_unset_optional_fields_and_requires_required_ones() {
    let info: Info = serde_json::from_value(info_json("RUNNING")).expect("minimal Info decodes");
    assert_eq!(info.cancelable, None);
    assert_eq!(info.end_time, None);
    assert_eq!(info.target, None);
    assert_eq!(serde_json::to_value(&info).expect("encodes"), info_json("RUNNING"));

    for required in ["description", "messages", "operation", "progress", "service", "status"] {
        let mut body = info_json("RUNNING");
        body.as_object_mut().expect("object").remove(required);
        assert!(serde_json::from_value::<Info>(body).is_err(), "Info without `{required}` must not decode");
    }
}

#[test]
fn info_timestamps_with_an_offset_are_converted_to_utc() {
    let mut body = info_json("SUCCEEDED");
    body["start_time"] = json!("2024-05-01T12:00:00.250+02:00");
    let info: Info = serde_json::from_value(body).expect("decodes");
    let start = info.start_time.expect("start_time is set");
    assert_eq!(start.to_rfc3339(), "2024-05-01T10:00:00.250+00:00");
    assert_eq!(serde_json::to_value(&info).expect("encodes")["start_time"], "2024-05-01T10:00:00.250Z");
}

/// The constant above is the seed page's example with only the documented substitutions.
#[test]
fn seed_example_matches_the_seed_page() {
    let page = vsphere_tests::workspace_root().join("../shared/seeds/get-reconciliation-job.txt");
    let Ok(text) = std::fs::read_to_string(&page) else {
        println!("SKIPPED: seed_example_matches_the_seed_page: {} is absent", page.display());
        return;
    };
    // The example is the first top-level JSON object after "Info Structure".
    let from = text.find("Info Structure").expect("the page shows the Info structure");
    let rest = &text[from..];
    let start = rest.find('{').expect("an example object");
    let mut depth = 0usize;
    let mut end = None;
    for (index, c) in rest[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(start + index + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let mut seed: Value =
        serde_json::from_str(&rest[start..end.expect("a balanced object")]).expect("seed example is JSON");

    // The substitutions documented on SEED_INFO, and nothing else.
    for (pointer, placeholder, value) in [
        ("/end_time", json!("string"), json!("2024-05-01T10:05:30Z")),
        ("/start_time", json!("string"), json!("2024-05-01T10:00:00Z")),
        ("/description/params/key/dt", json!("string"), json!("2024-05-01T10:00:00Z")),
        ("/messages/0/params/key/dt", json!("string"), json!("2024-05-01T10:00:00Z")),
        ("/description/params/key/l/params", json!("StdLocalizationParam Object"), json!({ "key": { "s": "string" } })),
        ("/messages/0/params/key/l/params", json!("StdLocalizationParam Object"), json!({ "key": { "s": "string" } })),
    ] {
        let slot = seed.pointer_mut(pointer).unwrap_or_else(|| panic!("seed has {pointer}"));
        assert_eq!(*slot, placeholder, "seed value at {pointer}");
        *slot = value;
    }
    assert_eq!(seed, seed_info_json());
}

// ---------------------------------------------------------------------------------------------
// 2. Open enums
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_status_decodes_into_unrecognized_and_encodes_back_unchanged() {
    let status: Status = serde_json::from_value(json!("PAUSED")).expect("an unknown status decodes");
    assert_eq!(status, Status::Unrecognized("PAUSED".to_owned()));
    assert_eq!(serde_json::to_value(&status).expect("encodes"), json!("PAUSED"));
    assert_eq!(status.as_str(), "PAUSED");
    assert_eq!(status.to_string(), "PAUSED");

    // Inside an Info, too: a newer vCenter's status does not break decoding.
    let info: Info = serde_json::from_value(info_json("PAUSED")).expect("Info with unknown status decodes");
    assert_eq!(info.status, Status::Unrecognized("PAUSED".to_owned()));
    assert_eq!(serde_json::to_value(&info).expect("encodes"), info_json("PAUSED"));

    // Case matters: the wire values are upper case.
    assert_eq!(Status::from("running"), Status::Unrecognized("running".to_owned()));
}

#[test]
fn known_status_values_map_to_their_variants_and_all_spellings_agree() {
    let known = [
        ("NONE", Status::None),
        ("RUNNING", Status::Running),
        ("SUCCEEDED", Status::Succeeded),
        ("FAILED", Status::Failed),
        ("PAUSED", Status::Unrecognized("PAUSED".to_owned())),
    ];
    for (wire, variant) in known {
        let decoded: Status = serde_json::from_value(json!(wire)).expect("decodes");
        assert_eq!(decoded, variant, "decoding {wire}");
        assert_eq!(Status::from(wire), variant, "From<&str> for {wire}");
        assert_eq!(variant.as_str(), wire, "as_str of {variant:?}");
        assert_eq!(variant.to_string(), wire, "Display of {variant:?}");
        assert_eq!(serde_json::to_value(&variant).expect("encodes"), json!(wire), "encoding {variant:?}");
    }
    // A status is a string on the wire; anything else is a decoding error.
    assert!(serde_json::from_value::<Status>(json!(1)).is_err());
    assert!(serde_json::from_value::<Status>(json!(null)).is_err());
}

#[test]
fn unknown_date_time_format_is_kept_too() {
    let format: DateTimeFormat = serde_json::from_value(json!("ISO_WEEK")).expect("decodes");
    assert_eq!(format, DateTimeFormat::Unrecognized("ISO_WEEK".to_owned()));
    assert_eq!(serde_json::to_value(&format).expect("encodes"), json!("ISO_WEEK"));
    assert_eq!(DateTimeFormat::from("FULL_DATE_TIME"), DateTimeFormat::FullDateTime);
    assert_eq!(DateTimeFormat::FullDateTime.to_string(), "FULL_DATE_TIME");
}

// ---------------------------------------------------------------------------------------------
// 3. Building the GET request
// ---------------------------------------------------------------------------------------------

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
    assert_eq!(op.route(ApiMode::Current).method().as_str(), "GET");
    assert_eq!(op.route(ApiMode::Current).path(), JOB_API_PATH);
    assert!(!op.route(ApiMode::Current).is_legacy());
    assert_eq!(op.route(ApiMode::Legacy).path(), JOB_REST_PATH);
    assert!(op.route(ApiMode::Legacy).is_legacy());
    assert_eq!(op.legacy_route().map(|r| r.path()), Some(JOB_REST_PATH));
    assert!(op.query().is_empty());

    let create = job::create(&CreateSpec::default());
    assert_eq!(create.name(), "appliance::recovery::reconciliation::job::create");
    assert_eq!(create.route(ApiMode::Current).method().as_str(), "POST");
    assert_eq!(create.route(ApiMode::Legacy).method().as_str(), "POST");
    assert_eq!(create.route(ApiMode::Legacy).path(), JOB_REST_PATH);

    #[allow(deprecated)]
    let legacy = job::get_legacy();
    assert_eq!(legacy.name(), "appliance::recovery::reconciliation::job::get_legacy");
    assert_eq!(legacy.legacy_route(), None, "a legacy twin has no twin of its own");
    for mode in [ApiMode::Current, ApiMode::Legacy] {
        assert_eq!(legacy.route(mode).path(), JOB_REST_PATH);
        assert!(legacy.route(mode).is_legacy());
    }
    assert_eq!(ApiMode::default(), ApiMode::Current);
}

// ---------------------------------------------------------------------------------------------
// 4. Building the POST request; secrets
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 5. Decoding, current mode
// ---------------------------------------------------------------------------------------------

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
    // `get` documents only `default`, which is ERROR: any status decodes to the Error variant.
    let body = serde_json::to_vec(&json!({ "messages": not_found_messages() })).expect("JSON");
    for status in [503, 404, 500] {
        let api = expect_api_error(decode(&job::get(), ApiMode::Current, status, &body));
        match api.error.as_ref() {
            Some(VapiError::Error(base)) => {
                assert_eq!(base.messages.len(), 1);
                assert_eq!(base.messages[0].id, "com.vmware.api.vcenter.not_found");
            }
            other => panic!("status {status}: expected the Error variant, got {other:?}"),
        }
        assert_eq!(api.body, body, "the raw body is kept, without the implied tag");
    }

    // `create` documents 400 and `default`, both ERROR.
    for status in [400, 500] {
        let api = expect_api_error(decode(&job::create(&sample_spec()), ApiMode::Current, status, &body));
        assert!(
            matches!(api.error, Some(VapiError::Error(_))),
            "create, status {status}: expected the Error variant, got {:?}",
            api.error
        );
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
        "error_type": "RESOURCE_BUSY",
        "messages": [message_json("com.vmware.vapi.std.errors.resource_busy", "Busy.")],
        "data": { "retry_after": 5 }
    });
    let body = serde_json::to_vec(&sent).expect("JSON");
    let api = expect_api_error(decode(&job::get(), ApiMode::Current, 503, &body));
    match api.error.as_ref() {
        Some(VapiError::Unrecognized(value)) => assert_eq!(*value, sent, "kept exactly as sent"),
        other => panic!("expected Unrecognized, got {other:?}"),
    }
    let error = api.error.as_ref().expect("decoded");
    assert_eq!(error.tag(), Some("RESOURCE_BUSY"));
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

// ---------------------------------------------------------------------------------------------
// 6. Decoding, legacy mode
// ---------------------------------------------------------------------------------------------

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
        "type": "com.vmware.vapi.std.errors.resource_busy",
        "value": { "messages": [] }
    }))
    .expect("JSON");
    let api = expect_api_error(decode(&job::get(), ApiMode::Legacy, 503, &body));
    match api.error.as_ref() {
        Some(error @ VapiError::Unrecognized(value)) => {
            assert_eq!(error.tag(), Some("RESOURCE_BUSY"));
            assert_eq!(value["messages"], json!([]));
        }
        other => panic!("expected Unrecognized, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 7. The async client against a mock server
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn client_get_in_current_mode_sends_the_session_and_decodes_info() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .and(header("vmware-api-session-id", "s-1"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("RUNNING")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    let info = client.send(job::get()).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    assert_eq!(info.progress, 42);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_get_in_legacy_mode_uses_rest_and_unwraps_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": seed_info_json() })))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder(server.uri())
        .mode(ApiMode::Legacy)
        .session(SessionId::new("s-1"))
        .build()
        .expect("client builds");
    assert_eq!(client.mode(), ApiMode::Legacy);
    let info = client.send(job::get()).await.expect("the call succeeds");
    assert_eq!(info, serde_json::from_str::<Info>(SEED_INFO).expect("decodes"));
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_create_in_legacy_mode_posts_the_spec_wrapper() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOB_REST_PATH))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({ "spec": sample_spec_json() })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("RUNNING") })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Legacy).with_session(SessionId::new("s-1"));
    let info = client.send(job::create(&sample_spec())).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_create_in_current_mode_posts_the_bare_spec() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOB_API_PATH))
        .and(header("content-type", "application/json"))
        .and(body_json(sample_spec_json()))
        .respond_with(ResponseTemplate::new(201).set_body_json(info_json("RUNNING")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    let info = client.send(job::create(&sample_spec())).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_turns_a_404_not_found_into_the_not_found_variant() {
    let server = MockServer::start().await;
    let body = json!({ "error_type": "NOT_FOUND", "messages": not_found_messages() });
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_json(body.clone()))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    let error = client.send(job::get()).await.expect_err("the call fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.operation(), "appliance::recovery::reconciliation::job::get");
    match error.api_error() {
        Some(VapiError::NotFound(not_found)) => {
            assert_eq!(not_found.messages[0].default_message, "The job was not found.");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let Error::Api(api) = &error else { panic!("expected Error::Api, got {error:?}") };
    assert_eq!(serde_json::from_slice::<Value>(&api.body).expect("JSON"), body);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_login_in_current_mode_posts_basic_auth_to_api_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .and(basic_auth("user", "pass"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("sess-123")))
        .expect(1)
        .mount(&server)
        .await;

    // Even a client that already has a session logs in with the credentials only.
    let client = client(&server, ApiMode::Current).with_session(SessionId::new("old-session"));
    let session = client.login("user", "pass").await.expect("login succeeds");
    assert_eq!(session.expose(), "sess-123");

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers.get("authorization").expect("authorization header"), "Basic dXNlcjpwYXNz");
    assert!(requests[0].headers.get(SESSION_HEADER).is_none(), "login sends no session id");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_login_in_legacy_mode_posts_to_the_cis_session_and_unwraps_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .and(basic_auth("user", "pass"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": "sess-456" })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Legacy);
    let session = client.login("user", "pass").await.expect("login succeeds");
    assert_eq!(session.expose(), "sess-456");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_login_with_wrong_credentials_is_an_api_error() {
    let server = MockServer::start().await;
    let body = json!({
        "error_type": "UNAUTHENTICATED",
        "messages": [message_json("vapi.security.authentication.invalid", "Invalid credentials.")]
    });
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(401).set_body_json(body.clone()))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server, ApiMode::Current).login("user", "wrong").await.expect_err("login fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.operation(), "runtime::Client::login");
    assert_eq!(error.api_error(), Some(&body), "login errors are kept as JSON");
    assert!(!error.to_string().contains("wrong"), "the password is not in the error");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_logout_deletes_the_session_in_both_modes() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/session"))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/rest/com/vmware/cis/session"))
        .and(header("vmware-api-session-id", "s-2"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    client(&server, ApiMode::Current)
        .with_session(SessionId::new("s-1"))
        .logout()
        .await
        .expect("current logout succeeds");
    client(&server, ApiMode::Legacy)
        .with_session(SessionId::new("s-2"))
        .logout()
        .await
        .expect("legacy logout succeeds");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn deprecated_get_legacy_reaches_rest_even_in_current_mode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("SUCCEEDED") })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    #[allow(deprecated)]
    let op = job::get_legacy();
    let info = client.send(op).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Succeeded);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn deprecated_create_legacy_wraps_the_spec_even_in_current_mode() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOB_REST_PATH))
        .and(body_json(json!({ "spec": sample_spec_json() })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("RUNNING") })))
        .expect(1)
        .mount(&server)
        .await;

    #[allow(deprecated)]
    let op = job::create_legacy(&sample_spec());
    let info = client(&server, ApiMode::Current).send(op).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_debug_does_not_show_the_session_id() {
    let server = MockServer::start().await;
    let secret = "s-1-7f3a9c-very-secret-session";
    let with_session = client(&server, ApiMode::Current).with_session(SessionId::new(secret));
    let debug = format!("{with_session:?}");
    assert!(!debug.contains(secret), "Client Debug shows the session id: {debug}");
    assert!(debug.contains("redacted"), "Client Debug says there is a session: {debug}");
    assert!(!format!("{:?}", SessionId::new(secret)).contains(secret));
    assert_eq!(with_session.session().map(SessionId::expose), Some(secret));

    let builder = Client::builder(server.uri()).session(SessionId::new(secret));
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(secret), "ClientBuilder Debug shows the session id: {builder_debug}");
}

#[tokio::test(flavor = "current_thread")]
async fn client_sends_a_user_agent_and_trims_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .and(header_regex("user-agent", r"^vsphere-api/\d+\.\d+\.\d+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("NONE")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("user-agent", "my-tool/1.0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("NONE") })))
        .expect(1)
        .mount(&server)
        .await;

    let with_slash = format!("{}/", server.uri());
    let default_agent = Client::builder(with_slash.as_str()).build().expect("builds");
    assert_eq!(default_agent.base_url(), server.uri());
    assert_eq!(default_agent.session(), None);
    default_agent.send(job::get()).await.expect("the call succeeds");

    let custom = Client::builder(with_slash).mode(ApiMode::Legacy).user_agent("my-tool/1.0").build().expect("builds");
    custom.send(job::get()).await.expect("the call succeeds");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_reports_an_unreachable_server_as_a_transport_error() {
    // A port that was just free: connecting to it is refused at once.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let client = Client::builder(format!("http://127.0.0.1:{port}")).build().expect("builds");
    let error = client.send(job::get()).await.expect_err("nobody listens");
    assert!(matches!(error, Error::Transport { .. }), "got {error:?}");
    assert_eq!(error.status(), None);
    assert!(error.api_error().is_none());
    assert_eq!(error.operation(), "appliance::recovery::reconciliation::job::get");
    assert!(std::error::Error::source(&error).is_some(), "the transport error keeps its cause");
}

// ---------------------------------------------------------------------------------------------
// 8. Error accessors and messages
// ---------------------------------------------------------------------------------------------

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

#[tokio::test(flavor = "current_thread")]
async fn client_reports_an_unusable_base_url_as_an_error_without_status() {
    for base in ["not a url", "vc.example.com"] {
        let client = Client::builder(base).build().expect("the builder does not validate the address");
        let error = client.send(job::get()).await.expect_err("nothing to send to");
        assert!(matches!(error, Error::Request { .. } | Error::Transport { .. }), "{base}: got {error:?}");
        assert_eq!(error.status(), None, "{base}");
    }
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

#[tokio::test(flavor = "current_thread")]
async fn client_futures_are_send() {
    fn assert_send<F: Send>(future: F) -> F {
        future
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("NONE")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("s")))
        .mount(&server)
        .await;
    let client = client(&server, ApiMode::Current);
    // A multi-threaded runtime's `spawn` needs `Send` futures.
    assert_send(client.send(job::get())).await.expect("succeeds");
    assert_send(client.login("u", "p")).await.expect("succeeds");
}

/// A redirect to another origin (here: another port) must not carry the session id there:
/// either the client does not follow it, or it drops `vmware-api-session-id` on the way, as
/// reqwest does for `Authorization` and `Cookie`.
#[tokio::test(flavor = "current_thread")]
async fn client_does_not_forward_the_session_id_across_origins_on_redirect() {
    let vcenter = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/collect", elsewhere.uri())))
        .mount(&vcenter)
        .await;
    Mock::given(method("GET"))
        .and(path("/collect"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("NONE")))
        .mount(&elsewhere)
        .await;

    let client = client(&vcenter, ApiMode::Current).with_session(SessionId::new("s-secret"));
    let _ = client.send(job::get()).await;

    let seen = elsewhere.received_requests().await.expect("recording is on");
    for request in &seen {
        assert!(
            request.headers.get(SESSION_HEADER).is_none(),
            "the session id was sent to {}{} after a redirect from {}",
            elsewhere.uri(),
            request.url.path(),
            vcenter.uri()
        );
    }
}

/// The login credentials are not forwarded across origins either (this one reqwest handles).
#[tokio::test(flavor = "current_thread")]
async fn client_login_does_not_forward_credentials_across_origins_on_redirect() {
    let vcenter = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/collect", elsewhere.uri())))
        .mount(&vcenter)
        .await;
    Mock::given(path("/collect"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("s")))
        .mount(&elsewhere)
        .await;

    let _ = client(&vcenter, ApiMode::Current).login("user", "pass").await;

    let seen = elsewhere.received_requests().await.expect("recording is on");
    for request in &seen {
        assert!(request.headers.get("authorization").is_none(), "credentials were forwarded to {}", elsewhere.uri());
    }
}

#[test]
fn api_error_display_cuts_a_long_multibyte_body_on_a_character_boundary() {
    let long = "é".repeat(1000);
    let error = decode(&job::get(), ApiMode::Current, 500, long.as_bytes()).expect_err("fails");
    let text = error.to_string();
    assert!(text.ends_with("..."), "{text}");
    assert_eq!(text.matches('é').count(), 300, "{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn client_timeout_gives_up_on_a_slow_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(info_json("NONE")).set_delay(std::time::Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let client = Client::builder(server.uri()).timeout(std::time::Duration::from_millis(100)).build().expect("builds");
    // The mock answers after 30 s; the timeout turns that into a transport error (no wall-clock
    // assertion: a client without the timeout would get the answer, which fails `expect_err`).
    let error = client.send(job::get()).await.expect_err("times out");
    assert!(matches!(error, Error::Transport { .. }), "got {error:?}");
}

/// A PEM block whose content is not base64 is refused (when the client is built).
#[test]
fn a_broken_pem_root_certificate_is_refused() {
    let pem = b"-----BEGIN CERTIFICATE-----\n!!! not base64 !!!\n-----END CERTIFICATE-----\n";
    let result =
        Client::builder("https://vc.example.com").add_root_certificate_pem(pem).and_then(|builder| builder.build());
    assert!(result.is_err(), "a broken PEM block was accepted as a root certificate");
}

/// Input with no PEM certificate in it at all (a DER file, a path passed by mistake) should be an
/// error too: `add_root_certificate_pem` returns a `Result` and promises to trust "this" root.
#[test]
fn a_root_certificate_that_is_not_pem_is_refused() {
    let result = Client::builder("https://vc.example.com")
        .add_root_certificate_pem(b"this is not a certificate")
        .and_then(|builder| builder.build());
    assert!(result.is_err(), "input without any certificate was accepted as a root certificate");
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
