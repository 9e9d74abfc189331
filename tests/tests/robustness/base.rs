//! The inputs the targeted cases start from, and the edits they make: JSON-pointer patches on the
//! base spec, and text edits.

use serde_json::Value;

/// The label of an input that is JSON.
pub const JSON: &str = "mutated.json";
/// The label of an input that is YAML.
pub const YAML: &str = "mutated.yaml";

/// `tests/fixtures/robustness/base.json`: a small spec in the shape of the official 9.x files,
/// with three operations, a path parameter, a query array, an enum, an `allOf` wrapper, a map and
/// a discriminated error family.
pub fn base() -> Value {
    let path = vsphere_tests::workspace_root().join("tests/fixtures/robustness/base.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The workspace's own YAML spec, `spec/vsphere-fragment.yaml`.
pub fn workspace_spec() -> String {
    let path = vsphere_tests::workspace_root().join("spec/vsphere-fragment.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `tests/fixtures/robustness/base.yaml`: a YAML spec that does not change under the cases.
pub fn base_yaml() -> String {
    let path = vsphere_tests::workspace_root().join("tests/fixtures/robustness/base.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A pointer's parent and its last token, unescaped (`/a/b~1c` gives `/a` and `b/c`).
fn split(pointer: &str) -> (&str, String) {
    let (parent, token) = pointer.rsplit_once('/').unwrap_or_else(|| panic!("`{pointer}` is no JSON pointer"));
    (parent, token.replace("~1", "/").replace("~0", "~"))
}

/// The object at `pointer`, which must be there.
fn object<'d>(doc: &'d mut Value, pointer: &str) -> &'d mut serde_json::Map<String, Value> {
    doc.pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("the input has no object at `{pointer}`"))
}

/// Replaces the node at `pointer`, which must be there.
pub fn set(doc: &mut Value, pointer: &str, value: Value) {
    *doc.pointer_mut(pointer).unwrap_or_else(|| panic!("the input has no `{pointer}`")) = value;
}

/// Sets the key that `pointer` ends in, in the object above it, adding the key if absent.
pub fn insert(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = split(pointer);
    object(doc, parent).insert(key, value);
}

/// Removes the key that `pointer` ends in, which must be there.
pub fn remove(doc: &mut Value, pointer: &str) -> Value {
    let (parent, key) = split(pointer);
    object(doc, parent).remove(&key).unwrap_or_else(|| panic!("the input has no `{pointer}`"))
}

/// Moves the path item `from` (a key of `paths`, unescaped) to the key `to`.
pub fn rename_path(doc: &mut Value, from: &str, to: &str) {
    let paths = object(doc, "/paths");
    let item = paths.remove(from).unwrap_or_else(|| panic!("the input has no path `{from}`"));
    paths.insert(to.to_owned(), item);
}

/// Copies the path item `from` to the key `to`.
pub fn copy_path(doc: &mut Value, from: &str, to: &str) {
    let paths = object(doc, "/paths");
    let item = paths.get(from).cloned().unwrap_or_else(|| panic!("the input has no path `{from}`"));
    paths.insert(to.to_owned(), item);
}

/// Nests the schema at `pointer` in `depth` array schemas.
pub fn wrap_in_arrays(doc: &mut Value, pointer: &str, depth: usize) {
    let slot = doc.pointer_mut(pointer).unwrap_or_else(|| panic!("the input has no `{pointer}`"));
    for _ in 0..depth {
        let inner = slot.take();
        *slot = serde_json::json!({"type": "array", "items": inner});
    }
}

/// Replaces the first `find` in `text`, which must be there.
pub fn replace(text: &str, find: &str, with: &str) -> String {
    assert!(text.contains(find), "the input does not contain {find:?}");
    text.replacen(find, with, 1)
}

/// [`base`] changed by `mutate`, as pretty-printed JSON.
pub fn mutated(mutate: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut doc = base();
    mutate(&mut doc);
    serde_json::to_vec_pretty(&doc).expect("serialize")
}

/// [`mutated`], then changed as text.
pub fn mutated_text(mutate: impl FnOnce(&mut Value), edit: impl FnOnce(&str) -> String) -> Vec<u8> {
    let text = String::from_utf8(mutated(mutate)).expect("JSON is UTF-8");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    edited.into_bytes()
}

/// The workspace's own YAML spec, changed as text.
pub fn yaml(edit: impl FnOnce(&str) -> String) -> Vec<u8> {
    let text = workspace_spec();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    edited.into_bytes()
}
