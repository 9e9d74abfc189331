//! Every Rust identifier the generator emits is decided here.
//!
//! Rules, in one place:
//! - snake_case for modules, functions and fields; UpperCamelCase for types and variants.
//! - A wire name that already has delimiters (`trusted_CA`, `size_MiB`, `add-to-used-by`) is split
//!   only at its delimiters, so acronyms stay whole (`trusted_ca`, `size_mib`); a wire name without
//!   delimiters (`defaultMessage`) is split at its humps.
//! - Keywords become raw identifiers (`r#type`); `self`, `super`, `crate` and `Self`, which cannot
//!   be raw, get a trailing underscore; a leading digit gets a prefix (`_` for snake, `V` for camel).
//! - A field whose Rust name differs from its wire name carries exactly one
//!   `#[serde(rename = "...")]`, computed by [`field`].

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of every edition, which need `r#` as identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Splits a wire name into lowercase words (see the module rules).
fn words(name: &str) -> Vec<String> {
    let has_delimiters = name.chars().any(|c| !c.is_ascii_alphanumeric());
    if has_delimiters {
        name.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase())
            .collect()
    } else {
        name.to_snake_case().split('_').filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }
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
    let mut out = words(name).join("_");
    if out.is_empty() {
        out.push_str("value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    escape(out)
}

/// An UpperCamelCase identifier (type, variant) for a wire name.
pub fn camel(name: &str) -> String {
    let has_delimiters = name.chars().any(|c| !c.is_ascii_alphanumeric());
    let mut out = if has_delimiters {
        words(name).iter().map(|w| w.to_upper_camel_case()).collect::<String>()
    } else {
        name.to_upper_camel_case()
    };
    if out.is_empty() {
        out.push_str("Value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    escape(out)
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
        let boundary = (c.is_ascii_uppercase() && prev.is_ascii_lowercase())
            || (c.is_ascii_uppercase() && prev.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            || (c.is_ascii_alphabetic() && prev.is_ascii_digit() && c.is_ascii_uppercase())
            || !c.is_ascii_alphanumeric()
            || !prev.is_ascii_alphanumeric();
        if boundary {
            bounds.push(at);
        }
    }
    bounds.push(name.len());
    bounds
        .windows(2)
        .map(|w| &name[w[0]..w[1]])
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Lowercase alphanumerics only: the key under which two naming schemes meet
/// (`vapi.std.errors.not_found` and `VapiStdErrorsNotFound` both fold to `vapistderrorsnotfound`).
pub fn fold(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The identifier of a struct field and, when it differs from the wire name, the rename.
pub fn field(wire: &str) -> (String, Option<String>) {
    let ident = snake(wire);
    let unraw = ident.strip_prefix("r#").unwrap_or(&ident);
    let rename = (unraw != wire).then(|| wire.to_owned());
    (ident, rename)
}

/// The identifier of an enum variant and, when it differs from the wire value, the rename.
pub fn variant(wire: &str) -> (String, Option<String>) {
    let ident = camel(wire);
    let rename = (ident != wire).then(|| wire.to_owned());
    (ident, rename)
}

/// Adds `_2`, `_3`, ... (or `2`, `3` for camel names) until `taken` says the name is free.
pub fn disambiguate(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    // `self_` becomes `self_2`, not `self__2` (which rustc's lints reject).
    let stem = base.strip_prefix("r#").unwrap_or(base).trim_end_matches('_');
    let camel = stem.starts_with(|c: char| c.is_ascii_uppercase());
    for n in 2.. {
        let candidate = if camel { format!("{stem}{n}") } else { format!("{stem}_{n}") };
        if !taken(&candidate) {
            return candidate;
        }
    }
    unreachable!("an unbounded counter always finds a free name")
}

/// Whether `ident` (possibly raw) is a valid Rust identifier for `syn`.
pub fn is_valid(ident: &str) -> bool {
    let bare = ident.strip_prefix("r#").unwrap_or(ident);
    let mut chars = bare.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
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
        ] {
            assert_eq!(camel(wire), rust, "camel({wire:?})");
            assert!(is_valid(&camel(wire)), "{rust} is valid");
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
        assert_eq!(variant("NOT_FOUND"), ("NotFound".into(), Some("NOT_FOUND".into())));
        assert_eq!(variant("Linear"), ("Linear".into(), None));
    }

    #[test]
    fn folds_both_schemes_together() {
        assert_eq!(fold("vapi.std.errors.not_found"), fold("VapiStdErrorsNotFound"));
        assert_eq!(fold("vapi.std.errors.error.type"), fold("VapiStdErrorsErrorType"));
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
