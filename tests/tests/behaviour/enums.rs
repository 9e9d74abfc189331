//! Open enums: unknown values decode into `Unrecognized` and encode back unchanged.

use serde_json::json;
use vsphere_api::appliance::recovery::reconciliation::job::{Info, Status};
use vsphere_api::vapi::std::localization_param::DateTimeFormat;

use crate::support::info_json;

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
