//! Every Rust identifier the generator emits is decided here, suffixes included.
//!
//! Rules, in one place:
//! - snake_case for modules, functions and fields; UpperCamelCase for types and variants.
//! - Names are NFKC-normalised first (`ﬁle` is `file`) and keep every letter and digit of any
//!   script; anything else is a word delimiter.
//! - A wire name that already has delimiters (`trusted_CA`, `size_MiB`, `add-to-used-by`) is split
//!   only at its delimiters, so acronyms stay whole (`trusted_ca`, `size_mib`); a wire name without
//!   delimiters (`defaultMessage`) is split at its humps.
//! - Keywords become raw identifiers (`r#type`); `self`, `super`, `crate` and `Self`, which cannot
//!   be raw, get a trailing underscore; a leading digit gets a prefix (`_` for snake, `V` for camel).
//! - A name with no letter or digit at all gets a placeholder (`value`, `Value`), and the caller
//!   warns, naming the pointer ([`is_blank`] tells).
//! - A field whose Rust name differs from its wire name carries exactly one
//!   `#[serde(rename = "...")]`, computed by [`field`] and kept in the IR.
//! - Every suffix the generator adds (`_legacy`, `_task`, `Params`, `Legacy`, `Base`, the
//!   catch-all variant, the flattened map) comes from a function below.

use heck::{ToSnakeCase, ToUpperCamelCase};
use unicode_normalization::UnicodeNormalization;

use crate::ir::{HttpMethod, ModPath};

/// Strict and reserved keywords of every edition, which need `r#` as identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// The top-level module that holds the runtime; a namespace of that name gets another.
pub const RUNTIME: &str = "runtime";

/// Top-level names that would shadow the runtime or a crate the generated code uses, or whose
/// namespace feature would clash with a feature of the generated crate.
const RESERVED_TOP: &[&str] = &[
    RUNTIME,
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "http",
    "chrono",
    "reqwest",
    "rustls",
    "thiserror",
    "percent_encoding",
    "form_urlencoded",
    "client",
    "full",
    "default",
    "regenerate",
];

/// The module of operations whose path has no namespace (`/` or `/api` itself).
pub const ROOT_SERVICE: &str = "root";

/// The catch-all variant of open enums and unions.
const OTHER: &str = "Unrecognized";

/// The flattened `additionalProperties` map of a struct.
const ADDITIONAL: &str = "additional_properties";

fn normalized(name: &str) -> String {
    // NFKC leaves ASCII as it is; nearly every name is ASCII, and normalizing is not free.
    if name.is_ascii() { name.to_owned() } else { name.nfkc().collect() }
}

/// Splits a wire name into lowercase words (see the module rules).
fn words(name: &str) -> Vec<String> {
    let name = normalized(name);
    if name.chars().any(|c| !c.is_alphanumeric()) {
        name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    } else {
        name.to_snake_case().split('_').filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }
}

/// Whether a name has no letter or digit at all, so that it folds to nothing.
pub fn is_blank(name: &str) -> bool {
    !normalized(name).chars().any(char::is_alphanumeric)
}

/// Makes `candidate` a valid identifier: raw for keywords, suffixed where raw is impossible.
fn escape(candidate: String) -> String {
    if NOT_RAW.contains(&candidate.as_str()) {
        format!("{candidate}_")
    } else if KEYWORDS.contains(&candidate.as_str()) {
        format!("r#{candidate}")
    } else {
        candidate
    }
}

/// A snake_case identifier (module, function, field, parameter) for a wire name.
pub fn snake(name: &str) -> String {
    let mut out = if is_plain_snake(name) { name.to_owned() } else { words(name).join("_") };
    if out.is_empty() {
        out.push_str("value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    escape(out)
}

/// Whether `name` is its own snake_case words: lowercase ASCII words of letters and digits joined
/// by single underscores (without one, letters only, where no case rule can split it).
fn is_plain_snake(name: &str) -> bool {
    let bytes = name.as_bytes();
    let joined = bytes.contains(&b'_');
    !bytes.is_empty()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || *b == b'_' || (joined && b.is_ascii_digit()))
        && !name.starts_with('_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// An UpperCamelCase identifier (type, variant) for a wire name.
pub fn camel(name: &str) -> String {
    let normal = normalized(name);
    let mut out = if normal.chars().any(|c| !c.is_alphanumeric()) {
        words(&normal).iter().map(|w| w.to_upper_camel_case()).collect::<String>()
    } else {
        normal.to_upper_camel_case()
    };
    if out.is_empty() {
        out.push_str("Value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    escape(out)
}

/// An identifier without its `r#`.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The UpperCamelCase words of an identifier that is already CamelCase (`VcenterVMInfo` gives
/// `Vcenter`, `VM`, `Info`), used to place CamelCase schema names in modules.
pub fn camel_words(name: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    let mut bounds = vec![0];
    for i in 1..chars.len() {
        let (at, c) = chars[i];
        let prev = chars[i - 1].1;
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let boundary = (c.is_uppercase() && prev.is_lowercase())
            || (c.is_uppercase() && prev.is_uppercase() && next.is_some_and(char::is_lowercase))
            || (c.is_alphabetic() && prev.is_ascii_digit() && c.is_uppercase())
            || !c.is_alphanumeric()
            || !prev.is_alphanumeric();
        if boundary {
            bounds.push(at);
        }
    }
    bounds.push(name.len());
    bounds
        .windows(2)
        .map(|w| &name[w[0]..w[1]])
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Lowercase letters and digits only: the key under which two naming schemes meet
/// (`vapi.std.errors.not_found` and `VapiStdErrorsNotFound` both fold to `vapistderrorsnotfound`).
pub fn fold(name: &str) -> String {
    normalized(name).chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The identifier of a struct field and, when it differs from the wire name, the rename.
pub fn field(wire: &str) -> (String, Option<String>) {
    let ident = snake(wire);
    let rename = (unraw(&ident) != wire).then(|| wire.to_owned());
    (ident, rename)
}

/// The identifier of an enum variant.
pub fn variant(wire: &str) -> String {
    camel(wire)
}

/// One snake_case module segment, avoiding the runtime's and built-in features' names at the
/// top level.
pub fn segment(raw: &str, top: bool) -> String {
    let s = snake(raw);
    if top && RESERVED_TOP.contains(&s.as_str()) { format!("{s}_") } else { s }
}

/// `a::b::get`.
pub fn rust_path(module: &ModPath, ident: &str) -> String {
    let mut parts: Vec<&str> = module.iter().map(|s| unraw(s)).collect();
    parts.push(unraw(ident));
    parts.join("::")
}

/// A function name with `_task` (`vmw-task=true` operations).
pub fn task_fn(name: &str) -> String {
    if name.ends_with("_task") { name.to_owned() } else { format!("{}_task", unraw(name)) }
}

/// An operation name without its task suffix (`createPrecheck$Task` is `createPrecheck`, the
/// 7.0.3 `create$task` is `create`), and whether it had one.
pub fn strip_task(name: &str) -> (&str, bool) {
    const SUFFIX: &str = "$task";
    match name.len().checked_sub(SUFFIX.len()) {
        Some(at) if name.is_char_boundary(at) && name[at..].eq_ignore_ascii_case(SUFFIX) => (&name[..at], true),
        _ => (name, false),
    }
}

/// The function name of an operation name: snake_case, and a task operation (`$Task`, or
/// `task` when the path says `vmw-task=true`) named as its non-task form plus `_task`, so that
/// its words survive (`createPrecheck$Task` is `create_precheck_task`).
pub fn operation_fn(name: &str, task: bool) -> String {
    let (name, suffix) = strip_task(name);
    let ident = snake(name);
    if task || suffix { task_fn(&ident) } else { ident }
}

/// The deprecated `*_legacy` entry point of a function.
pub fn legacy_fn(ident: &str) -> String {
    format!("{}_legacy", unraw(ident))
}

/// A colliding function name with its method (`get_post`).
pub fn method_fn(ident: &str, method: HttpMethod) -> String {
    format!("{}_{}", unraw(ident), method.key())
}

/// The struct of an operation's optional parameters.
pub fn params_type(op_ident: &str) -> String {
    format!("{}Params", unraw(&camel(op_ident)))
}

/// A type name for an inline schema below `parent` (`CreateSpec` + `disks` is `CreateSpecDisks`).
pub fn child_type(parent: &str, suffix: &str) -> String {
    format!("{parent}{}", unraw(&camel(suffix)))
}

/// A type only deprecated `/rest` operations use, beside one that keeps the plain name.
pub fn legacy_type(name: &str) -> String {
    format!("{name}Legacy")
}

/// The struct of a union base's own fields (`ErrorBase`).
pub fn base_type(union: &str) -> String {
    format!("{union}Base")
}

/// The union type of a vAPI error family, named like its `ERROR` value.
pub fn error_union() -> String {
    camel("ERROR")
}

/// The catch-all variant of an enum or union, free among `taken`.
pub fn other_variant(taken: impl Fn(&str) -> bool) -> String {
    disambiguate(OTHER, taken)
}

/// The flattened `additionalProperties` field of a struct, free among `taken`.
pub fn additional_field(taken: impl Fn(&str) -> bool) -> String {
    if taken(ADDITIONAL) { format!("{ADDITIONAL}_") } else { ADDITIONAL.to_owned() }
}

/// The contract calls' builder of a generated type, by its index among the crate's types.
#[cfg(feature = "contract")]
pub fn contract_builder(type_index: usize) -> String {
    format!("build_{type_index}")
}

/// The contract calls' function of an operation, by its index among the calls.
#[cfg(feature = "contract")]
pub fn contract_call(index: usize) -> String {
    format!("call_{index}")
}

/// Adds `_2`, `_3`, ... (or `2`, `3` for camel names) until `taken` says the name is free.
pub fn disambiguate(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    // `self_` becomes `self_2`, not `self__2` (which rustc's lints reject).
    let stem = unraw(base).trim_end_matches('_');
    let camel = stem.starts_with(char::is_uppercase);
    for n in 2.. {
        let candidate = if camel { format!("{stem}{n}") } else { format!("{stem}_{n}") };
        if !taken(&candidate) {
            return candidate;
        }
    }
    unreachable!("an unbounded counter always finds a free name")
}

/// Whether `ident` (possibly raw) is a valid Rust identifier.
pub fn is_valid(ident: &str) -> bool {
    let bare = unraw(ident);
    let mut chars = bare.chars();
    matches!(chars.next(), Some(c) if c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue)
        && bare != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_table() {
        for (wire, rust) in [
            ("cancelable", "cancelable"),
            ("default_message", "default_message"),
            ("trusted_CA", "trusted_ca"),
            ("size_MiB", "size_mib"),
            ("defaultMessage", "default_message"),
            ("add-to-used-by", "add_to_used_by"),
            ("create$task", "create_task"),
            ("filter.names", "filter_names"),
            ("type", "r#type"),
            ("override", "r#override"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("2fa", "_2fa"),
            ("", "value"),
            ("VM", "vm"),
            ("certificate-management", "certificate_management"),
            ("gen", "r#gen"),
            ("ﬁle_x\u{200d}y", "file_x_y"),
            ("größe", "größe"),
            ("Ärger-Maß", "ärger_maß"),
        ] {
            assert_eq!(snake(wire), rust, "snake({wire:?})");
            assert!(is_valid(&snake(wire)), "{rust} is valid");
        }
    }

    #[test]
    fn camel_table() {
        for (wire, rust) in [
            ("info", "Info"),
            ("VM_resp", "VmResp"),
            ("dynamic_ID", "DynamicId"),
            ("LocalizationParam", "LocalizationParam"),
            ("SHORT_DATE", "ShortDate"),
            ("NONE", "None"),
            ("Self", "Self_"),
            ("VMX_03", "Vmx03"),
            ("2.0", "V20"),
            ("*", "Value"),
            ("ipv4", "Ipv4"),
            ("ﬁle", "File"),
            ("größe", "Größe"),
        ] {
            assert_eq!(camel(wire), rust, "camel({wire:?})");
            assert!(is_valid(&camel(wire)), "{rust} is valid");
        }
    }

    #[test]
    fn blank_names_are_told_apart() {
        for blank in ["", "*", "--", "\u{200d}", " "] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for name in ["a", "2", "ﬁ", "ß"] {
            assert!(!is_blank(name), "{name:?}");
        }
    }

    #[test]
    fn plain_snake_names_are_their_own_words() {
        for name in ["guest_os", "vm", "a1_b2", "x_9", "power_on_task"] {
            assert!(is_plain_snake(name), "{name}");
            assert_eq!(words(name).join("_"), name);
        }
        for name in ["vm2", "_a", "a_", "a__b", "Vm", "a-b", "", "ünder"] {
            assert!(!is_plain_snake(name), "{name}");
        }
    }

    #[test]
    fn camel_words_table() {
        assert_eq!(camel_words("VcenterVMInfo"), ["Vcenter", "VM", "Info"]);
        assert_eq!(camel_words("VapiStdErrorsNotFound"), ["Vapi", "Std", "Errors", "Not", "Found"]);
        assert_eq!(camel_words("Oauth2ErrorsErrorType"), ["Oauth2", "Errors", "Error", "Type"]);
        assert_eq!(camel_words("VcenterVmGuestOS"), ["Vcenter", "Vm", "Guest", "OS"]);
        assert_eq!(camel_words("ApplianceHealthDatabaseInfo"), ["Appliance", "Health", "Database", "Info"]);
    }

    #[test]
    fn renames_only_when_the_wire_name_differs() {
        assert_eq!(field("status"), ("status".into(), None));
        assert_eq!(field("type"), ("r#type".into(), None));
        assert_eq!(field("trusted_CA"), ("trusted_ca".into(), Some("trusted_CA".into())));
        assert_eq!(variant("NOT_FOUND"), "NotFound");
    }

    #[test]
    fn folds_both_schemes_together() {
        assert_eq!(fold("vapi.std.errors.not_found"), fold("VapiStdErrorsNotFound"));
        assert_eq!(fold("vapi.std.errors.error.type"), fold("VapiStdErrorsErrorType"));
    }

    #[test]
    fn suffixes() {
        assert_eq!(legacy_fn("r#type"), "type_legacy");
        assert_eq!(task_fn("clone"), "clone_task");
        for (name, task, rust) in [
            ("createPrecheck$Task", false, "create_precheck_task"),
            ("createPrecheck", false, "create_precheck"),
            ("startRansomwareRecovery$Task", false, "start_ransomware_recovery_task"),
            ("addLabel$Task", false, "add_label_task"),
            ("addLabel$TASK", false, "add_label_task"),
            ("create$task", false, "create_task"),
            ("clone", true, "clone_task"),
            ("clone$Task", true, "clone_task"),
            ("list", false, "list"),
            ("$Task", false, "value_task"),
            ("ü$Task", false, "ü_task"),
        ] {
            assert_eq!(operation_fn(name, task), rust, "operation_fn({name:?}, {task})");
        }
        assert_eq!(task_fn("create_task"), "create_task");
        assert_eq!(method_fn("get", HttpMethod::Post), "get_post");
        assert_eq!(params_type("list"), "ListParams");
        assert_eq!(params_type("type"), "TypeParams");
        assert_eq!(child_type("CreateSpec", "disks"), "CreateSpecDisks");
        assert_eq!(legacy_type("Info"), "InfoLegacy");
        assert_eq!(base_type("Error"), "ErrorBase");
        assert_eq!(error_union(), "Error");
        assert_eq!(other_variant(|n| n == "Unrecognized"), "Unrecognized2");
        assert_eq!(additional_field(|n| n == "additional_properties"), "additional_properties_");
        assert_eq!(segment("runtime", true), "runtime_");
        assert_eq!(segment("runtime", false), "runtime");
        assert_eq!(rust_path(&vec!["a".into(), "r#type".into()], "r#fn"), "a::type::fn");
    }

    #[test]
    fn disambiguates() {
        let taken = ["Info", "Info2", "get"];
        assert_eq!(disambiguate("Info", |n| taken.contains(&n)), "Info3");
        assert_eq!(disambiguate("get", |n| taken.contains(&n)), "get_2");
        assert_eq!(disambiguate("list", |n| taken.contains(&n)), "list");
        assert_eq!(disambiguate("self_", |n| n == "self_"), "self_2");
        assert_eq!(disambiguate("Self_", |n| n == "Self_"), "Self2");
    }
}
