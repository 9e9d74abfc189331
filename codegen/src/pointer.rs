//! RFC 6901 JSON pointers, displayed as URI fragments (`#/components/schemas/X/properties/y`).

use std::fmt;

/// A JSON pointer into one spec document.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The whole document.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses a URI-fragment pointer such as `#/components/schemas/Foo` (the `#` is optional).
    pub fn parse(fragment: &str) -> Option<Self> {
        let raw = fragment.strip_prefix('#').unwrap_or(fragment);
        if raw.is_empty() || raw.starts_with('/') { Some(Self(raw.to_owned())) } else { None }
    }

    /// This pointer extended by one reference token (escaped here).
    pub fn push(&self, token: impl AsRef<str>) -> Self {
        let token = token.as_ref();
        let mut raw = String::with_capacity(self.0.len() + token.len() + 1);
        raw.push_str(&self.0);
        Self::escape_onto(&mut raw, token);
        Self(raw)
    }

    /// Extends this pointer in place by one token, for a walk of a whole document that should not
    /// allocate a pointer per node; [`Pointer::ascend`] with the returned length undoes it.
    pub fn descend(&mut self, token: &str) -> usize {
        let len = self.0.len();
        Self::escape_onto(&mut self.0, token);
        len
    }

    /// Runs `f` with this pointer extended in place by `tokens`, and restores it.
    pub fn below<R>(&mut self, tokens: &[&str], f: impl FnOnce(&mut Pointer) -> R) -> R {
        let len = self.0.len();
        for token in tokens {
            Self::escape_onto(&mut self.0, token);
        }
        let result = f(self);
        self.0.truncate(len);
        result
    }

    /// Undoes a [`Pointer::descend`].
    pub fn ascend(&mut self, len: usize) {
        self.0.truncate(len);
    }

    fn escape_onto(raw: &mut String, token: &str) {
        raw.push('/');
        if !token.contains(['~', '/']) {
            raw.push_str(token);
            return;
        }
        for c in token.chars() {
            match c {
                '~' => raw.push_str("~0"),
                '/' => raw.push_str("~1"),
                c => raw.push(c),
            }
        }
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~"))
    }

    /// Whether this pointer is `prefix` or below it (token by token: `/a/bc` is not below `/a/b`).
    pub fn starts_with(&self, prefix: &Pointer) -> bool {
        self.0 == prefix.0 || self.0.strip_prefix(&prefix.0).is_some_and(|rest| rest.starts_with('/'))
    }

    /// The pointer as RFC 6901 text, without the leading `#`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Calls `visit` with every JSON object at or below `value`, its pointer (`at` is `value`'s) and
/// whether it lies inside a member whose key `aside` marks (an example, an extension: a walk can
/// treat what is there as data, not as spec). One pointer is extended and restored in place on
/// the way down, so that a walk of a whole document allocates a pointer only where `visit` keeps
/// one.
pub fn walk_objects(
    value: &serde_json::Value,
    at: &mut Pointer,
    aside: &impl Fn(&str) -> bool,
    visit: &mut impl FnMut(&serde_json::Map<String, serde_json::Value>, &Pointer, bool),
) {
    walk(value, at, false, aside, visit);
}

fn walk(
    value: &serde_json::Value,
    at: &mut Pointer,
    inside_aside: bool,
    aside: &impl Fn(&str) -> bool,
    visit: &mut impl FnMut(&serde_json::Map<String, serde_json::Value>, &Pointer, bool),
) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            visit(map, at, inside_aside);
            for (key, child) in map {
                walk_below(child, key, at, inside_aside || aside(key), aside, visit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk_below(child, &i.to_string(), at, inside_aside, aside, visit);
            }
        }
        _ => {}
    }
}

/// [`walk`] of `child`, a member `token` of the value at `at` (scalars are skipped).
fn walk_below(
    child: &serde_json::Value,
    token: &str,
    at: &mut Pointer,
    inside_aside: bool,
    aside: &impl Fn(&str) -> bool,
    visit: &mut impl FnMut(&serde_json::Map<String, serde_json::Value>, &Pointer, bool),
) {
    if child.is_object() || child.is_array() {
        let len = at.descend(token);
        walk(child, at, inside_aside, aside, visit);
        at.ascend(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descending_in_place_is_pushing() {
        let mut at = Pointer::root().push("paths");
        let len = at.descend("/api/vm~x");
        assert_eq!(at, Pointer::root().push("paths").push("/api/vm~x"));
        at.ascend(len);
        assert_eq!(at, Pointer::root().push("paths"));
    }

    #[test]
    fn a_walk_visits_every_object_with_its_pointer_and_whether_it_lies_aside() {
        let doc = serde_json::json!({"a": [{"b": 1}, 2, {"aside": {"c": {"d": [{}]}}}], "d~/": {}});
        let mut seen = Vec::new();
        walk_objects(&doc, &mut Pointer::root(), &|key| key == "aside", &mut |_, at, aside| {
            seen.push(format!("{at} {aside}"))
        });
        assert_eq!(
            seen,
            [
                "# false",
                "#/a/0 false",
                "#/a/2 false",
                "#/a/2/aside true",
                "#/a/2/aside/c true",
                "#/a/2/aside/c/d/0 true",
                "#/d~0~1 false"
            ]
        );
    }

    #[test]
    fn prefixes_are_whole_tokens() {
        let base = Pointer::root().push("components").push("schemas").push("U");
        assert!(base.push("oneOf").push("0").starts_with(&base));
        assert!(base.starts_with(&base));
        assert!(!Pointer::root().push("components").push("schemas").push("Union").starts_with(&base));
        assert!(!Pointer::root().push("paths").starts_with(&base));
    }

    #[test]
    fn escapes_and_round_trips() {
        let p = Pointer::root().push("paths").push("/api/vcenter/vm?action=clone").push("a~b");
        assert_eq!(p.to_string(), "#/paths/~1api~1vcenter~1vm?action=clone/a~0b");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["paths", "/api/vcenter/vm?action=clone", "a~b"]);
        assert_eq!(Pointer::parse(&p.to_string()), Some(p));
        assert_eq!(Pointer::parse("other.json#/x"), None);
    }
}
