//! Wire rules used by generated code: URL encoding, `/rest` envelopes, tolerant decoding of lists
//! and maps, and tagged unions. Not part of the stable API.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
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

/// The text of a path, query or header value: strings as they are, numbers and booleans as
/// JSON writes them, anything structured as JSON text; `None` for `null` (an unset optional).
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => Some(value.to_string()),
    }
}

/// A query parameter's name: the spec's, or one made by flattening a structure.
pub type QueryName = Cow<'static, str>;

/// The query pairs of one parameter: an array gives one pair per element (`explode`) or one
/// comma-joined pair; `null` gives none; a structure is JSON text.
pub fn query_pairs(name: &'static str, value: &Value, explode: bool) -> Vec<(QueryName, String)> {
    let name = Cow::Borrowed(name);
    match value {
        Value::Array(items) if explode => items.iter().filter_map(text).map(|v| (name.clone(), v)).collect(),
        Value::Array(items) => vec![(name, items.iter().filter_map(text).collect::<Vec<_>>().join(","))],
        other => text(other).map(|v| (name, v)).into_iter().collect(),
    }
}

/// The query pairs of one parameter on the `/rest` surface, which flattens structures the vAPI
/// way: a structure's fields are `name.field`, a list of structures' elements are `name.1.field`,
/// `name.2.field`, ...; lists of values repeat the parameter.
pub fn rest_query_pairs(name: QueryName, value: &Value) -> Vec<(QueryName, String)> {
    match value {
        Value::Object(map) => {
            map.iter().flat_map(|(k, v)| rest_query_pairs(Cow::Owned(format!("{name}.{k}")), v)).collect()
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| rest_query_pairs(Cow::Owned(format!("{name}.{}", i + 1)), item))
            .collect(),
        Value::Array(items) => items.iter().filter_map(text).map(|v| (name.clone(), v)).collect(),
        other => text(other).map(|v| (name, v)).into_iter().collect(),
    }
}

/// A form-encoded body (`application/x-www-form-urlencoded`) from a JSON object: a pair per
/// field, a list repeats its field, `null` sends nothing, values as in a query.
pub fn form(fields: &Value) -> Result<String, String> {
    let Value::Object(fields) = fields else { return Err("a form-encoded body must be an object".to_owned()) };
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        match value {
            Value::Array(items) => items.iter().filter_map(text).for_each(|v| {
                serializer.append_pair(name, &v);
            }),
            other => {
                if let Some(v) = text(other) {
                    serializer.append_pair(name, &v);
                }
            }
        }
    }
    Ok(serializer.finish())
}

/// Replaces every `{name}` of a path template (before its fixed query) with the encoded value
/// that `value` gives; a name it does not know is left as it is.
pub fn fill_template(template: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let (path, query) = match template.find('?') {
        Some(at) => template.split_at(at),
        None => (template, ""),
    };
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        match value(name) {
            Some(v) => out.push_str(&segment(&v)),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.push_str(query);
    out
}

/// The names of a path template's `{name}` parameters, in order.
pub fn template_names(template: &str) -> Vec<&str> {
    let path = template.split('?').next().unwrap_or(template);
    path.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name)).collect()
}

/// Joins the base URL, the path (which may carry a fixed query) and the query parameters.
pub fn join_uri(base_url: &str, path: &str, query: &[(QueryName, String)]) -> String {
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

/// Rewrites the maps at `path` into the `/rest` surface's `[{"key": k, "value": v}]` lists.
///
/// `path` is a list of object keys separated by `/`, where `*` stands for every element of a list
/// or every value of a map (`spec/disks/*/tags`). Convert the deepest paths first: once a map is a
/// list, its values are no longer reachable by `*`.
pub fn maps_to_pairs(value: &mut Value, path: &str) {
    let path = path.trim_start_matches('/');
    let (step, rest) = path.split_once('/').unwrap_or((path, ""));
    match (step, value) {
        ("", value @ Value::Object(_)) => {
            let Value::Object(map) = std::mem::take(value) else { return };
            *value = Value::Array(map.into_iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect());
        }
        ("*", Value::Array(items)) => items.iter_mut().for_each(|item| maps_to_pairs(item, rest)),
        ("*", Value::Object(map)) => map.values_mut().for_each(|item| maps_to_pairs(item, rest)),
        (key, Value::Object(map)) if !key.is_empty() => {
            if let Some(child) = map.get_mut(key) {
                maps_to_pairs(child, rest);
            }
        }
        _ => {}
    }
}

/// Takes the value at the dotted `path` of an object out of it (`loc_spec.location`); an object
/// left empty by that is removed too.
pub fn take_field(value: &mut Value, path: &str) -> Option<Value> {
    let Value::Object(map) = value else { return None };
    match path.split_once('.') {
        None => map.remove(path),
        Some((head, rest)) => {
            let child = map.get_mut(head)?;
            let taken = take_field(child, rest);
            if child.as_object().is_some_and(Map::is_empty) {
                map.remove(head);
            }
            taken
        }
    }
}

/// The pairs of a `/rest` map, if `value` is a `[{"key": k, "value": v}]` list (an empty list is
/// an empty map; other fields of an element are ignored, as everywhere).
fn pair_list(value: &Value) -> Option<Vec<(&str, &Value)>> {
    let Value::Array(items) = value else { return None };
    items.iter().map(|item| Some((item.get("key")?.as_str()?, item.get("value")?))).collect()
}

/// Decodes a success body. An empty body or `null` decodes as `T` from `null` when `T` accepts
/// it (`()`, `Option`), else as an empty list or map (see [`Empty`]); a map sent as a `/rest`
/// `[{"key", "value"}]` list decodes as the map, at any depth (see [`Tolerant`]).
///
/// With `envelope` (the `/rest` surface), a body that is not empty must be an object with a
/// `value`: a body without one is an error rather than an empty result, which would invent data.
pub fn decode_success<T: DeserializeOwned>(body: &[u8], envelope: bool) -> Result<T, serde_json::Error> {
    let body = body.trim_ascii();
    let mut value = if body.is_empty() { Value::Null } else { serde_json::from_slice::<Value>(body)? };
    if envelope && !body.is_empty() {
        value = match value {
            Value::Object(mut map) if map.contains_key("value") => map.remove("value").unwrap_or(Value::Null),
            _ => return Err(de::Error::custom("the /rest response has no `value`: expected {\"value\": ...}")),
        };
    }
    decode_value(value)
}

/// Decodes a JSON value by the rules of [`decode_success`].
pub fn decode_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    if value.is_null() {
        return T::deserialize(&Value::Null).or_else(|error| T::deserialize(Empty).map_err(|_| error));
    }
    T::deserialize(Tolerant(&value))
}

/// A deserializer of a JSON value that reads a `/rest` `[{"key": k, "value": v}]` list (an empty
/// list too) wherever a map is asked for, at any depth: in a map's values (`claim_map`, a map of
/// maps of lists), in lists, in structs. Everything else it reads as `serde_json` does. A list
/// asked for as a list stays a list, so a list of structs with fields `key` and `value` is one.
#[derive(Debug, Clone, Copy)]
pub struct Tolerant<'v>(pub &'v Value);

impl<'de> de::IntoDeserializer<'de, serde_json::Error> for Tolerant<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Tolerant<'de> {
    fn visit_object<V: Visitor<'de>>(map: &'de Map<String, Value>, visitor: V) -> Result<V::Value, serde_json::Error> {
        visitor.visit_map(de::value::MapDeserializer::new(map.iter().map(|(k, v)| (k.as_str(), Tolerant(v)))))
    }
}

impl<'de> Deserializer<'de> for Tolerant<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(de::value::SeqDeserializer::new(items.iter().map(Tolerant))),
            Value::Object(map) => Self::visit_object(map, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match pair_list(self.0) {
            Some(pairs) => {
                visitor.visit_map(de::value::MapDeserializer::new(pairs.into_iter().map(|(k, v)| (k, Tolerant(v)))))
            }
            None => self.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(map) => Self::visit_object(map, visitor),
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        seq tuple tuple_struct identifier ignored_any
    }
}

/// `com.vmware.vapi.std.errors.not_found` becomes `NOT_FOUND`.
pub fn vapi_type_to_tag(kind: &str) -> String {
    kind.rsplit('.').next().unwrap_or(kind).to_ascii_uppercase()
}

/// A deserializer of nothing, for collections only: a list decodes as empty, a map as empty,
/// `Option` as `None` and `()` as `()`; anything else (a struct, a string, a number) is an error.
/// This is the written rule "an absent or `null` list or map is empty", and nothing more.
#[derive(Debug, Clone, Copy)]
pub struct Empty;

impl<'de> Deserializer<'de> for Empty {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Unit, &visitor))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(de::value::SeqDeserializer::new(std::iter::empty::<()>()))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(de::value::MapDeserializer::new(std::iter::empty::<((), ())>()))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_none()
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit_struct newtype_struct tuple tuple_struct struct enum identifier ignored_any
    }
}

/// `Deserialize` for an open enum: any JSON string, through the enum's `From<&str>` (a known
/// variant, or the catch-all keeping the value); anything but a string is an error.
pub fn open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct OpenEnum<T>(PhantomData<T>);
    impl<'de, T: for<'a> From<&'a str>> Visitor<'de> for OpenEnum<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }
    deserializer.deserialize_str(OpenEnum(PhantomData))
}

/// The tag of a tagged union's JSON object; used by generated `Deserialize` impls.
pub fn tag(value: &Value, property: &str) -> Option<String> {
    match value.get(property) {
        Some(Value::String(tag)) => Some(tag.clone()),
        _ => None,
    }
}

/// Decodes one variant of a tagged union from its JSON object, or, when the object does not
/// fit the variant's type, keeps it whole in the catch-all variant.
pub fn variant_or<T: DeserializeOwned, U>(
    value: Value,
    wrap: impl FnOnce(T) -> U,
    other: impl FnOnce(Value) -> U,
) -> U {
    match T::deserialize(Tolerant(&value)) {
        Ok(payload) => wrap(payload),
        Err(_) => other(value),
    }
}

/// Encodes one variant of a tagged union, adding its tag.
pub fn tagged<T: Serialize, S: serde::Serializer>(
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
    value.serialize(serializer)
}

/// A value as JSON, or why it has none (a map with keys that are not strings, a failing
/// `Serialize`); generated types always have one.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// The JSON object of a struct being decoded, taken apart field by field: what generated
/// `Deserialize` impls are written with. It holds the decoding rules of the [module
/// docs](super) in one place (absent or `null` lists and maps are empty, `/rest` key/value lists
/// are maps, unknown fields are ignored), and costs the compiler a tenth of what serde's derive
/// does per struct.
#[derive(Debug)]
pub struct Fields {
    object: Map<String, Value>,
}

/// Why a field could not be decoded; its text names the field (`field `name`: ...`).
#[derive(Debug)]
pub struct FieldError(String);

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes a struct named `name` from a JSON object with `build`, which takes its fields from a
/// [`Fields`]; anything but an object is an error.
pub fn object<'de, D, T>(
    deserializer: D,
    name: &'static str,
    build: impl FnOnce(&mut Fields) -> Result<T, FieldError>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    match Value::deserialize(deserializer)? {
        Value::Object(object) => build(&mut Fields { object }).map_err(de::Error::custom),
        other => Err(de::Error::custom(format_args!("invalid type: {}, expected struct {name}", kind(&other)))),
    }
}

/// How serde names a JSON value's type in its messages.
fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

impl Fields {
    /// Decodes a field's value, reading `/rest` key/value lists as maps at any depth ([`Tolerant`]).
    fn decode<T: DeserializeOwned>(name: &str, value: &Value) -> Result<T, FieldError> {
        T::deserialize(Tolerant(value)).map_err(|e| FieldError(format!("field `{name}`: {e}")))
    }

    /// A field that must be there (`null` is then whatever `T` makes of it).
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, FieldError> {
        match self.object.remove(name) {
            Some(value) => Self::decode(name, &value),
            None => Err(FieldError(format!("missing field `{name}`"))),
        }
    }

    /// An optional field: absent or `null` is `None`.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, FieldError> {
        match self.object.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => Self::decode(name, &value).map(Some),
        }
    }

    /// A required list: absent or `null` is empty.
    pub fn list<T: DeserializeOwned>(&mut self, name: &str) -> Result<Vec<T>, FieldError> {
        Ok(self.optional(name)?.unwrap_or_default())
    }

    /// A required map: absent or `null` is empty, and a `/rest` key/value list is the map it
    /// spells.
    pub fn map<V: DeserializeOwned>(&mut self, name: &str) -> Result<BTreeMap<String, V>, FieldError> {
        Ok(self.option_map(name)?.unwrap_or_default())
    }

    /// An optional map: absent or `null` is `None`, and a `/rest` key/value list is a map.
    pub fn option_map<V: DeserializeOwned>(&mut self, name: &str) -> Result<Option<BTreeMap<String, V>>, FieldError> {
        self.optional(name)
    }

    /// Leaves a field out (a union member's tag, which its union reads).
    pub fn skip(&mut self, name: &str) {
        self.object.remove(name);
    }

    /// Every field not taken yet (`additionalProperties`).
    pub fn rest<V: DeserializeOwned>(&mut self) -> Result<BTreeMap<String, V>, FieldError> {
        std::mem::take(&mut self.object)
            .into_iter()
            .map(|(key, value)| Ok((key.clone(), Self::decode(&key, &value)?)))
            .collect()
    }
}

/// A struct being encoded as a JSON object, field by field: what generated `Serialize` impls are
/// written with (a line per field, where serde's derive writes several). Fields come out in the
/// order of a JSON map (by name), as the bodies this crate sends always did.
#[derive(Debug, Default)]
#[must_use = "a writer does nothing until it serializes"]
pub struct Writer {
    object: Map<String, Value>,
    /// The first field that could not be encoded, and why.
    error: Option<String>,
}

impl Writer {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// A union member's tag (`"error_type": "NOT_FOUND"`).
    pub fn tag(mut self, property: &str, tag: &str) -> Self {
        self.object.insert(property.to_owned(), Value::String(tag.to_owned()));
        self
    }

    /// A field that is always written (`null` for a `None` that the spec requires).
    pub fn field<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.object.insert(name.to_owned(), value);
            }
            Err(e) => {
                self.error.get_or_insert_with(|| format!("field `{name}`: {e}"));
            }
        }
        self
    }

    /// An optional field: left out when `None`.
    pub fn optional<T: Serialize>(self, name: &str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.field(name, value),
            None => self,
        }
    }

    /// The fields of `additionalProperties`.
    pub fn rest<V: Serialize>(self, map: &BTreeMap<String, V>) -> Self {
        map.iter().fold(self, |writer, (name, value)| writer.field(name, value))
    }

    /// Serializes the object, or the first field's error.
    pub fn serialize<S: serde::Serializer>(self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(serde::ser::Error::custom(error)),
            None => self.object.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn segments_keep_only_unreserved_characters() {
        assert_eq!(segment("vm-42"), "vm-42");
        assert_eq!(segment("a/b c?d#e"), "a%2Fb%20c%3Fd%23e");
        assert_eq!(segment("urn:vmomi:Tag:x"), "urn%3Avmomi%3ATag%3Ax");
        assert_eq!(segment("dé"), "d%C3%A9");
        assert_eq!(segment("~._-"), "~._-");
    }

    #[test]
    fn templates_fill_named_parameters_before_the_fixed_query() {
        let value = |name: &str| match name {
            "vm" => Some("vm 1".to_owned()),
            "disk" => Some("2000".to_owned()),
            _ => None,
        };
        assert_eq!(
            fill_template("/api/vcenter/vm/{vm}/hardware/disk/{disk}?action=x", value),
            "/api/vcenter/vm/vm%201/hardware/disk/2000?action=x"
        );
        assert_eq!(
            fill_template("/rest/com/vmware/cis/tagging/tag/id:{vm}?~action=add", value),
            "/rest/com/vmware/cis/tagging/tag/id:vm%201?~action=add"
        );
        assert_eq!(fill_template("/api/x/{unknown}", value), "/api/x/{unknown}");
        assert_eq!(fill_template("/api/x/{open", value), "/api/x/{open");
    }

    #[test]
    fn uris_join_base_path_fixed_query_and_parameters() {
        let query = [(Cow::Borrowed("names"), "a b".to_owned()), (Cow::Borrowed("names"), "c&d".to_owned())];
        assert_eq!(
            join_uri("https://vc/", "/api/vcenter/vm", &query),
            "https://vc/api/vcenter/vm?names=a+b&names=c%26d"
        );
        assert_eq!(
            join_uri("https://vc", "/api/vcenter/vm?action=clone", &query[..1]),
            "https://vc/api/vcenter/vm?action=clone&names=a+b"
        );
        assert_eq!(join_uri("https://vc/prefix", "/api/x", &[]), "https://vc/prefix/api/x");
    }

    fn pairs(items: Vec<(QueryName, String)>) -> Vec<(String, String)> {
        items.into_iter().map(|(k, v)| (k.into_owned(), v)).collect()
    }

    fn owned(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn query_values_render_by_json_type() {
        assert_eq!(pairs(query_pairs("n", &json!(null), true)), owned(&[]));
        assert_eq!(pairs(query_pairs("n", &json!("x"), true)), owned(&[("n", "x")]));
        assert_eq!(pairs(query_pairs("n", &json!(7), true)), owned(&[("n", "7")]));
        assert_eq!(pairs(query_pairs("n", &json!(true), true)), owned(&[("n", "true")]));
        assert_eq!(pairs(query_pairs("n", &json!(["a", "b"]), true)), owned(&[("n", "a"), ("n", "b")]));
        assert_eq!(pairs(query_pairs("n", &json!(["a", "b"]), false)), owned(&[("n", "a,b")]));
        assert_eq!(pairs(query_pairs("n", &json!({"k": 1}), true)), owned(&[("n", r#"{"k":1}"#)]));
    }

    #[test]
    fn rest_queries_flatten_structures_the_vapi_way() {
        let targets = json!([{"id": "vm-1", "type": "VirtualMachine"}, {"id": "h-2", "type": "HostSystem"}]);
        assert_eq!(
            pairs(rest_query_pairs(Cow::Borrowed("filter_spec.targets"), &targets)),
            owned(&[
                ("filter_spec.targets.1.id", "vm-1"),
                ("filter_spec.targets.1.type", "VirtualMachine"),
                ("filter_spec.targets.2.id", "h-2"),
                ("filter_spec.targets.2.type", "HostSystem"),
            ])
        );
        let spec = json!({"names": ["a", "b"], "limit": 3, "unset": null});
        assert_eq!(
            pairs(rest_query_pairs(Cow::Borrowed("spec"), &spec)),
            owned(&[("spec.limit", "3"), ("spec.names", "a"), ("spec.names", "b")])
        );
    }

    #[test]
    fn rest_envelopes_are_unwrapped_and_empty_collections_tolerated() {
        let info: BTreeMap<String, i32> = decode_success(br#"{"value": {"a": 1}}"#, true).unwrap();
        assert_eq!(info["a"], 1);
        let empty: Vec<String> = decode_success(br#"{"value": null}"#, true).unwrap();
        assert!(empty.is_empty());
        let empty: Vec<String> = decode_success(b"", false).unwrap();
        assert!(empty.is_empty());
        let empty: BTreeMap<String, String> = decode_success(b"null", false).unwrap();
        assert!(empty.is_empty());
        let unit: () = decode_success(b"", true).unwrap();
        assert_eq!(unit, ());
        let none: Option<String> = decode_success(b"null", false).unwrap();
        assert_eq!(none, None);
        // Nothing else is invented: a struct or a string from null is an error.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Info {
            name: Option<String>,
        }
        assert!(decode_success::<Info>(b"null", false).is_err());
        assert!(decode_success::<String>(br#"{"value": null}"#, true).is_err());
    }

    #[test]
    fn a_rest_body_without_its_value_is_an_error_not_an_empty_result() {
        for body in [&br#"{}"#[..], br#"{"values": [1]}"#, br#"[1, 2]"#, br#""text""#] {
            let error = decode_success::<Vec<i32>>(body, true).expect_err("no value, no result");
            assert!(error.to_string().contains("has no `value`"), "{error}");
            assert!(decode_success::<Option<String>>(body, true).is_err());
        }
        assert_eq!(decode_success::<Vec<i32>>(br#"{"value": [1]}"#, true).unwrap(), [1]);
    }

    #[test]
    fn a_map_result_decodes_from_rest_pairs() {
        let map: BTreeMap<String, i32> =
            decode_success(br#"{"value": [{"key": "a", "value": 1}, {"key": "b", "value": 2}]}"#, true).unwrap();
        assert_eq!(map, BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]));
        assert!(decode_success::<BTreeMap<String, i32>>(br#"[{"key": "a"}]"#, false).is_err());
    }

    #[test]
    fn rest_pairs_decode_as_maps_at_any_depth() {
        #[derive(Debug, PartialEq)]
        struct Provider {
            claim_map: BTreeMap<String, BTreeMap<String, Vec<String>>>,
            lists: Vec<BTreeMap<String, i32>>,
            nested: Option<Box<Provider>>,
        }
        impl<'de> Deserialize<'de> for Provider {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                object(deserializer, "Provider", |fields| {
                    Ok(Provider {
                        claim_map: fields.map("claim_map")?,
                        lists: fields.list("lists")?,
                        nested: fields.optional("nested")?,
                    })
                })
            }
        }
        let body = br#"{"value": {
            "claim_map": [{"key": "groups", "value": [{"key": "admins", "value": ["a", "b"]}]}, {"key": "none", "value": []}],
            "lists": [[{"key": "x", "value": 1}], {"y": 2}],
            "nested": {"claim_map": {"k": {"l": []}}, "lists": []}
        }}"#;
        let provider: Provider = decode_success(body, true).unwrap();
        assert_eq!(provider.claim_map["groups"]["admins"], ["a", "b"]);
        assert!(provider.claim_map["none"].is_empty(), "an empty list is an empty map");
        assert_eq!((provider.lists[0]["x"], provider.lists[1]["y"]), (1, 2));
        let nested = provider.nested.as_deref().unwrap();
        assert!(nested.claim_map["k"]["l"].is_empty() && nested.lists.is_empty());
        // A list asked for as a list stays one, even of key/value structs.
        #[derive(Debug, PartialEq, Deserialize)]
        struct KeyValue {
            key: String,
            value: i32,
        }
        let list: Vec<KeyValue> = decode_success(br#"[{"key": "a", "value": 1}]"#, false).unwrap();
        assert_eq!(list, [KeyValue { key: "a".into(), value: 1 }]);
        let map: BTreeMap<String, Option<String>> = decode_success(br#"{"a": null, "b": "x"}"#, false).unwrap();
        assert_eq!(map, BTreeMap::from([("a".into(), None), ("b".into(), Some("x".into()))]));
        assert!(decode_success::<BTreeMap<String, i32>>(br#"[{"key": "a", "value": 1}, 2]"#, false).is_err());
        let extra: BTreeMap<String, BTreeMap<String, i32>> =
            decode_success(br#"[{"key": "a", "value": [{"key": "b", "value": 2, "x": 0}], "y": 1}]"#, false).unwrap();
        assert_eq!(extra["a"]["b"], 2);
    }

    /// A struct decoded as generated code decodes one.
    #[derive(Debug, PartialEq)]
    struct Sample {
        names: Vec<String>,
        params: BTreeMap<String, i32>,
        extra: Option<BTreeMap<String, i32>>,
        id: String,
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer, "Sample", |fields| {
                Ok(Sample {
                    names: fields.list("names")?,
                    params: fields.map("params")?,
                    extra: fields.option_map("extra")?,
                    id: fields.required("id")?,
                })
            })
        }
    }

    #[test]
    fn required_collections_may_be_absent_or_null() {
        let absent: Sample = serde_json::from_str(r#"{"id": "x"}"#).unwrap();
        assert_eq!(absent, Sample { names: vec![], params: BTreeMap::new(), extra: None, id: "x".into() });
        let null: Sample =
            serde_json::from_str(r#"{"id": "x", "names": null, "params": null, "extra": null}"#).unwrap();
        assert_eq!(null, absent);
        // A missing required scalar is still an error that names it.
        let error = serde_json::from_str::<Sample>(r#"{"names": []}"#).unwrap_err().to_string();
        assert!(error.contains("missing field `id`"), "{error}");
        let error = serde_json::from_str::<Sample>(r#"{"id": 7}"#).unwrap_err().to_string();
        assert!(error.starts_with("field `id`: invalid type: integer `7`, expected a string"), "{error}");
        let error = serde_json::from_str::<Sample>(r#"[1]"#).unwrap_err().to_string();
        assert!(error.starts_with("invalid type: sequence, expected struct Sample"), "{error}");
    }

    #[test]
    fn maps_decode_from_objects_and_rest_pairs() {
        let object: Sample = serde_json::from_str(r#"{"id": "x", "params": {"a": 1}, "extra": {"b": 2}}"#).unwrap();
        let pairs: Sample = serde_json::from_str(
            r#"{"id": "x", "params": [{"key": "a", "value": 1}], "extra": [{"key": "b", "value": 2}]}"#,
        )
        .unwrap();
        assert_eq!(object, pairs);
        assert_eq!(pairs.params["a"], 1);
        assert!(serde_json::from_str::<Sample>(r#"{"id": "x", "params": [{"key": "a"}]}"#).is_err());
        let extra: Sample =
            serde_json::from_str(r#"{"id": "x", "params": [{"key": "a", "value": 1, "note": "ignored"}]}"#).unwrap();
        assert_eq!(extra.params["a"], 1, "unknown fields of a pair are ignored, as everywhere");
        assert!(serde_json::from_str::<Sample>(r#"{"id": "x", "params": "a"}"#).is_err());
    }

    #[test]
    fn maps_are_rewritten_as_pairs_at_their_paths() {
        let mut body = json!({"spec": {"tags": {"a": 1}, "disks": [{"p": {"k": "v"}}, {"q": 1}]}, "other": {"x": 1}});
        maps_to_pairs(&mut body, "spec/tags");
        maps_to_pairs(&mut body, "spec/disks/*/p");
        maps_to_pairs(&mut body, "spec/absent/x");
        let tags = json!([{"key": "a", "value": 1}]);
        let disks = json!([{"p": [{"key": "k", "value": "v"}]}, {"q": 1}]);
        assert_eq!(body, json!({"spec": {"tags": tags, "disks": disks}, "other": {"x": 1}}));
        // Maps inside the values of maps: the deepest first.
        let mut nested = json!({"params": {"p": {"l": {"params": {"q": 1}}}}});
        maps_to_pairs(&mut nested, "params/*/l/params");
        maps_to_pairs(&mut nested, "params");
        assert_eq!(nested, json!({"params": [{"key": "p", "value": {"l": {"params": [{"key": "q", "value": 1}]}}}]}));
        let mut top = json!({"a": true});
        maps_to_pairs(&mut top, "");
        assert_eq!(top, json!([{"key": "a", "value": true}]));
    }

    #[test]
    fn fields_are_taken_out_by_dotted_path() {
        let mut body = json!({"loc_spec": {"location": "sftp://x", "user": "u"}, "other": 1});
        assert_eq!(take_field(&mut body, "loc_spec.location"), Some(json!("sftp://x")));
        assert_eq!(take_field(&mut body, "loc_spec.user"), Some(json!("u")));
        assert_eq!(body, json!({"other": 1}), "an emptied object goes too");
        assert_eq!(take_field(&mut body, "absent.x"), None);
        assert_eq!(take_field(&mut json!([1]), "x"), None);
    }

    #[test]
    fn open_enums_come_from_any_string() {
        #[derive(Debug, PartialEq)]
        enum Power {
            On,
            Other(String),
        }
        impl From<&str> for Power {
            fn from(value: &str) -> Self {
                match value {
                    "ON" => Self::On,
                    other => Self::Other(other.to_owned()),
                }
            }
        }
        let decode = |value: Value| open_enum::<_, Power>(value);
        assert_eq!(decode(json!("ON")).unwrap(), Power::On);
        assert_eq!(decode(json!("DIMMED")).unwrap(), Power::Other("DIMMED".to_owned()));
        assert!(decode(json!(1)).is_err(), "a number is not a wire value");
        assert!(decode(Value::Null).is_err(), "null is not a wire value");
    }

    #[test]
    fn vapi_types_become_tags() {
        assert_eq!(vapi_type_to_tag("com.vmware.vapi.std.errors.not_found"), "NOT_FOUND");
        assert_eq!(vapi_type_to_tag("already_exists"), "ALREADY_EXISTS");
    }

    #[test]
    fn tagged_variants_carry_their_tag() {
        let value = serde_json::to_value(TaggedPayload { messages: vec![] }).unwrap();
        assert_eq!(value, json!({"error_type": "NOT_FOUND", "messages": []}));
        assert_eq!(tag(&value, "error_type").as_deref(), Some("NOT_FOUND"));
        assert_eq!(tag(&json!({"error_type": 1}), "error_type"), None);
        let kept: Result<Sample, Value> = variant_or(json!({"x": 1}), Ok, Err);
        assert_eq!(kept, Err(json!({"x": 1})));
    }

    #[derive(Debug)]
    struct TaggedPayload {
        messages: Vec<String>,
    }

    impl Serialize for TaggedPayload {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            tagged(serializer, "error_type", "NOT_FOUND", &json!({"messages": self.messages}))
        }
    }
}
