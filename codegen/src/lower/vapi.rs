//! What the generator knows of the vAPI standard errors, whatever subset a spec declares.
//!
//! Every vSphere API answers with the same family of errors, told apart by `error_type`. The
//! 7.0.3 specs list all 25 tags in their `error_type` enum but declare structs for only the
//! errors each file's operations document (20 across the folder); the 9.x specs map some tags to
//! schemas they leave out. So a crate generated from any subset gets a variant for every standard
//! tag: a tag whose struct no input declares carries the base error's fields.

/// The standard vAPI error tags, in the order of VMware's `error_type` enum.
pub(crate) const STANDARD_TAGS: [&str; 25] = [
    "ERROR",
    "ALREADY_EXISTS",
    "ALREADY_IN_DESIRED_STATE",
    "CANCELED",
    "CONCURRENT_CHANGE",
    "FEATURE_IN_USE",
    "INTERNAL_SERVER_ERROR",
    "INVALID_ARGUMENT",
    "INVALID_ELEMENT_CONFIGURATION",
    "INVALID_ELEMENT_TYPE",
    "INVALID_REQUEST",
    "NOT_ALLOWED_IN_CURRENT_STATE",
    "NOT_FOUND",
    "OPERATION_NOT_FOUND",
    "RESOURCE_BUSY",
    "RESOURCE_IN_USE",
    "RESOURCE_INACCESSIBLE",
    "SERVICE_UNAVAILABLE",
    "TIMED_OUT",
    "UNABLE_TO_ALLOCATE_RESOURCE",
    "UNAUTHENTICATED",
    "UNAUTHORIZED",
    "UNEXPECTED_INPUT",
    "UNSUPPORTED",
    "UNVERIFIED_PEER",
];

/// The discriminator of the standard errors.
pub(crate) const PROPERTY: &str = "error_type";

/// The modules the standard errors live in, known to placement whatever the input, so that
/// `VapiStdErrorsNotFound` is `vapi::std::errors::NotFound` even in a file that has no other
/// `vapi` name.
pub(crate) const MODULES: [&[&str]; 3] = [&["vapi"], &["vapi", "std"], &["vapi", "std", "errors"]];

/// Whether a union with this discriminator and these tags is the standard error family.
pub(crate) fn is_standard(property: &str, tags: &[&str]) -> bool {
    property == PROPERTY && tags.iter().any(|t| STANDARD_TAGS.contains(t))
}

/// The standard tags a union does not list yet, in enum order.
pub(crate) fn missing(listed: &[&str]) -> Vec<&'static str> {
    STANDARD_TAGS.into_iter().filter(|t| !listed.contains(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_families_are_recognised_by_property_and_tags() {
        assert!(is_standard("error_type", &["NOT_FOUND"]));
        assert!(!is_standard("error_type", &["SOMETHING_ELSE"]));
        assert!(!is_standard("kind", &["NOT_FOUND"]));
    }

    #[test]
    fn missing_tags_keep_the_enum_order() {
        let listed: Vec<&str> =
            STANDARD_TAGS.iter().copied().filter(|t| *t != "CANCELED" && *t != "UNSUPPORTED").collect();
        assert_eq!(missing(&listed), ["CANCELED", "UNSUPPORTED"]);
        assert_eq!(missing(&[]).len(), 25);
    }
}
