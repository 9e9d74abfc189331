//! Wire-format helpers used by generated code: URL encoding, `/rest` envelopes, open enums and
//! tagged unions. Not part of the stable API.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Characters escaped in a path segment: everything but RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'$')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes one path parameter so that it stays one path segment.
pub fn segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Joins the base URL, the route's path (which may carry a fixed query) and the query parameters.
pub fn join_uri(base_url: &str, path: &str, query: &[(&'static str, String)]) -> String {
    let mut uri = String::with_capacity(base_url.len() + path.len() + 16 * query.len());
    uri.push_str(base_url.trim_end_matches('/'));
    uri.push_str(path);
    if !query.is_empty() {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in query {
            serializer.append_pair(name, value);
        }
        uri.push(if path.contains('?') { '&' } else { '?' });
        uri.push_str(&serializer.finish());
    }
    uri
}

/// Wraps an encoded JSON body as `{"<key>": body}`.
pub fn wrap_body(key: &str, json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + key.len() + 5);
    out.push(b'{');
    out.extend_from_slice(Value::from(key).to_string().as_bytes());
    out.push(b':');
    out.extend_from_slice(json);
    out.push(b'}');
    out
}

/// Decodes a success body; an empty body decodes as JSON `null` (so `()` and `Option` accept it).
pub fn decode_success<T: DeserializeOwned>(body: &[u8], envelope: bool) -> Result<T, serde_json::Error> {
    let body = body.trim_ascii();
    if body.is_empty() {
        return serde_json::from_value(Value::Null);
    }
    if envelope {
        let value = match serde_json::from_slice::<Value>(body)? {
            Value::Object(mut map) => map.remove("value").unwrap_or(Value::Null),
            other => other,
        };
        return serde_json::from_value(value);
    }
    serde_json::from_slice(body)
}

/// Decodes an error body, tolerating what older servers send.
///
/// `/rest` errors (`{"type": "com.vmware.vapi.std.errors.not_found", "value": {...}}`) are
/// unwrapped and their type becomes the discriminator (`NOT_FOUND`). A body without a
/// discriminator gets the one its HTTP status implies (`tag`). Returns `None` when the body is not
/// JSON or does not fit `E`; the caller keeps the raw body either way.
pub fn decode_error<E: DeserializeOwned>(
    body: &[u8],
    envelope: bool,
    property: Option<&str>,
    tag: Option<&str>,
) -> Option<E> {
    let mut value: Value = serde_json::from_slice(body.trim_ascii()).ok()?;
    let mut tag = tag.map(str::to_owned);
    if envelope {
        if let Value::Object(map) = &mut value {
            if let (Some(Value::String(kind)), Some(inner)) = (map.get("type"), map.get("value")) {
                tag = Some(vapi_type_to_tag(kind));
                value = inner.clone();
            }
        }
    }
    if let (Some(property), Some(tag), Value::Object(map)) = (property, tag, &mut value) {
        map.entry(property.to_owned()).or_insert(Value::String(tag));
    }
    serde_json::from_value(value).ok()
}

/// `com.vmware.vapi.std.errors.not_found` becomes `NOT_FOUND`.
fn vapi_type_to_tag(kind: &str) -> String {
    kind.rsplit('.').next().unwrap_or(kind).to_ascii_uppercase()
}

/// The tag of a tagged union's JSON object; used by generated `Deserialize` impls.
pub fn tag(value: &Value, property: &str) -> Option<String> {
    match value {
        Value::Object(map) => match map.get(property) {
            Some(Value::String(tag)) => Some(tag.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Decodes one variant of a tagged union from its JSON object, or, when the object does not
/// fit the variant's type, keeps it whole in the catch-all variant.
pub fn variant_or<T: DeserializeOwned, U>(value: Value, wrap: impl FnOnce(T) -> U, other: impl FnOnce(Value) -> U) -> U {
    match T::deserialize(&value) {
        Ok(payload) => wrap(payload),
        Err(_) => other(value),
    }
}

/// Encodes one variant of a tagged union, adding its tag.
pub fn tagged<T: serde::Serialize, S: serde::Serializer>(
    serializer: S,
    property: &str,
    tag: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    use serde::ser::Error as _;
    let mut value = serde_json::to_value(payload).map_err(S::Error::custom)?;
    match &mut value {
        Value::Object(map) => {
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
        }
        _ => {
            let mut map = Map::new();
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
            value = Value::Object(map);
        }
    }
    serde::Serialize::serialize(&value, serializer)
}

/// Encodes a structured query or path parameter as JSON text.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Generated types serialise infallibly (string map keys only); an error would yield "".
    serde_json::to_string(value).unwrap_or_default()
}

/// Formats a date-time query parameter as RFC 3339.
pub fn date_time(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Joins a non-exploded array query parameter with commas.
pub fn join<I: IntoIterator<Item = String>>(values: I) -> String {
    let mut out = String::new();
    for (index, value) in values.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&value);
    }
    out
}
