//! Values that must never be printed: session identifiers and passwords.

use std::fmt;

/// A vCenter session identifier, sent in the `vmware-api-session-id` header.
///
/// Its `Debug` output is redacted and it has no `Display`: a session id ends up in a log only if
/// the program calls [`SessionId::expose`] on purpose.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct SessionId(String);

impl SessionId {
    /// Wraps a session identifier obtained from `POST /api/session` or elsewhere.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The identifier itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId(<redacted>)")
    }
}

/// A secret string field of the API (a schema property with `format: password`).
///
/// It serializes as the plain string the server expects, but its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        let session = SessionId::new("0123-session");
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{session:?}"), "SessionId(<redacted>)");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(<redacted>))");
        assert_eq!((session.expose(), secret.expose()), ("0123-session", "hunter2"));
    }

    #[test]
    fn secrets_travel_as_plain_strings() {
        assert_eq!(serde_json::to_string(&Secret::from(String::from("pw"))).unwrap(), r#""pw""#);
        let back: Secret = serde_json::from_str(r#""pw""#).unwrap();
        assert_eq!(back, Secret::new("pw"));
        let session: SessionId = serde_json::from_str(r#""abc""#).unwrap();
        assert_eq!(session, SessionId::new("abc"));
    }
}
