//! The models of `appliance::recovery::reconciliation::job`: the seed example decodes with every
//! field, round-trips, and matches the seed page; required and optional fields; timestamps.

use serde_json::{Value, json};
use vsphere_api::appliance::recovery::reconciliation::job::{Info, Status};
use vsphere_api::vapi::std::localization_param::DateTimeFormat;

use crate::support::{SEED_INFO, info_json, seed_info_json};

/// Numbers compared by value (`0` and `0.0` are the same JSON number), everything else as is.
fn normalize_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("finite number")),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, normalize_numbers(v))).collect()),
        other => other,
    }
}

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

    for required in ["description", "operation", "progress", "service", "status"] {
        let mut body = info_json("RUNNING");
        body.as_object_mut().expect("object").remove(required);
        let error = serde_json::from_value::<Info>(body).expect_err("a required scalar or object is missing");
        assert!(error.to_string().contains(&format!("missing field `{required}`")), "{error}");
    }
}

#[test]
fn a_required_list_that_is_absent_or_null_decodes_as_empty() {
    // Servers leave out empty lists (vcsim does); a spec cannot promise what servers send.
    for messages in [None, Some(json!(null)), Some(json!([]))] {
        let mut body = info_json("RUNNING");
        match messages {
            None => drop(body.as_object_mut().expect("object").remove("messages")),
            Some(value) => body["messages"] = value,
        }
        let info: Info = serde_json::from_value(body).expect("decodes");
        assert!(info.messages.is_empty());
        // Encoding is unchanged: required lists are always sent.
        assert_eq!(serde_json::to_value(&info).expect("encodes")["messages"], json!([]));
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
    let Some(seeds) = vsphere_tests::shared_dir("seed_example_matches_the_seed_page", "seeds") else { return };
    let page = seeds.join("get-reconciliation-job.txt");
    let text = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
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
