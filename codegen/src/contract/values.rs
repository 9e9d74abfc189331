//! Scalar values for the contract calls: from the spec's example where it gives one, else from the
//! type and its facets (formats, patterns, bounds), drawn from a generator with a fixed seed.

use proc_macro2::TokenStream;
use quote::quote;

use super::pattern;
use crate::ir::{Facets, Ty};

/// The seed of every run: the calls are the same bytes for the same specs.
const SEED: u64 = 0x5eed_0c0d_e13e_2026;

/// A small deterministic generator (splitmix64).
pub(super) struct Draw(u64);

impl Default for Draw {
    fn default() -> Self {
        Draw(SEED)
    }
}

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The text of a string value: the example, else one that fits the format, the pattern or the
/// name, padded or cut to the length bounds.
pub(super) fn string_text(name: &str, facets: &Facets, draw: &mut Draw) -> String {
    if let Some(serde_json::Value::String(example)) = &facets.example {
        return example.clone();
    }
    let n = draw.below(1000);
    let mut text = match facets.format.as_deref() {
        Some("uri" | "url" | "uri-reference" | "iri") => format!("https://example.com/{}/{n}", slug(name)),
        Some("ipv4") => format!("192.0.2.{}", n % 250 + 1),
        Some("ipv6") => format!("2001:db8::{:x}", n + 1),
        Some("hostname" | "idn-hostname") => format!("host-{n}.example.com"),
        Some("email" | "idn-email") => format!("user{n}@example.com"),
        Some("uuid") => format!("00000000-0000-4000-8000-{n:012}"),
        Some("date") => format!("2024-01-{:02}", n % 28 + 1),
        Some("time") => format!("12:{:02}:00Z", n % 60),
        Some("byte") => "c2FtcGxl".to_owned(),
        Some("int64" | "int32") => n.to_string(),
        _ => match facets.pattern.as_deref().and_then(pattern::sample) {
            Some(matching) => matching,
            None => format!("{}-{n}", slug(name)),
        },
    };
    if let Some(max) = facets.max_length {
        text = text.chars().take(max).collect();
    }
    while text.chars().count() < facets.min_length.unwrap_or(0) {
        text.push('x');
    }
    text
}

/// A name as lowercase letters, digits and dashes (`filter.names` gives `filter-names`).
fn slug(name: &str) -> String {
    let slug: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let slug = slug.trim_matches('-');
    if slug.is_empty() { "value".to_owned() } else { slug.to_owned() }
}

/// A number within the facets' bounds: the example, else a small one.
fn number(facets: &Facets, draw: &mut Draw, integer: bool) -> f64 {
    if let Some(example) = facets.example.as_ref().and_then(serde_json::Value::as_f64) {
        return example;
    }
    let small = if integer { (draw.below(100) + 1) as f64 } else { draw.below(100) as f64 + 0.5 };
    match (facets.minimum, facets.maximum) {
        (Some(lo), Some(hi)) if lo <= hi => {
            let mid = lo + (hi - lo) / 2.0;
            if integer { mid.floor() } else { mid }
        }
        (Some(lo), _) => lo + small,
        (None, Some(hi)) => hi - small,
        (None, None) => small,
    }
}

/// An integer literal without a suffix (the field's type decides), with its sign.
fn signed<T: Into<u64>>(negative: bool, magnitude: T) -> TokenStream {
    let magnitude = proc_macro2::Literal::u64_unsuffixed(magnitude.into());
    if negative {
        quote! { -#magnitude }
    } else {
        quote! { #magnitude }
    }
}

/// The expression of a scalar value of `ty` (a string, number, boolean, date-time, secret or
/// free-form JSON); `None` for any other type.
pub(super) fn scalar(ty: &Ty, name: &str, facets: &Facets, draw: &mut Draw) -> Option<TokenStream> {
    Some(match ty {
        Ty::Bool => {
            let value = match &facets.example {
                Some(serde_json::Value::Bool(b)) => *b,
                _ => draw.below(2) == 0,
            };
            quote! { #value }
        }
        Ty::I32 => {
            let value = number(facets, draw, true).clamp(i32::MIN.into(), i32::MAX.into()) as i32;
            signed(value < 0, value.unsigned_abs())
        }
        Ty::I64 => {
            // JSON Schema validators read numbers as doubles: stay within 2^53.
            let value = number(facets, draw, true).clamp(-9_007_199_254_740_991.0, 9_007_199_254_740_991.0) as i64;
            signed(value < 0, value.unsigned_abs())
        }
        Ty::F32 | Ty::F64 => {
            let value = number(facets, draw, false);
            let magnitude = proc_macro2::Literal::f64_unsuffixed(value.abs());
            if value < 0.0 {
                quote! { -#magnitude }
            } else {
                quote! { #magnitude }
            }
        }
        Ty::String => {
            let text = string_text(name, facets, draw);
            quote! { #text.to_owned() }
        }
        Ty::Secret => {
            let text = string_text(name, facets, draw);
            quote! { vsphere::Secret::new(#text) }
        }
        Ty::DateTime => {
            let text = match &facets.example {
                Some(serde_json::Value::String(s)) => s.clone(),
                _ => format!("2024-0{}-{:02}T10:{:02}:00Z", draw.below(9) + 1, draw.below(28) + 1, draw.below(60)),
            };
            quote! { #text.parse().expect("a date-time") }
        }
        Ty::Json => {
            let text = facets.example.as_ref().map_or_else(|| "{}".to_owned(), serde_json::Value::to_string);
            quote! { serde_json::from_str(#text).expect("JSON") }
        }
        Ty::Unit | Ty::Named(_) | Ty::Vec(_) | Ty::Map(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(format: Option<&str>, pattern: Option<&str>) -> String {
        let facets =
            Facets { format: format.map(str::to_owned), pattern: pattern.map(str::to_owned), ..Facets::default() };
        string_text("filter.names", &facets, &mut Draw::default())
    }

    #[test]
    fn strings_follow_the_example_the_format_the_pattern_or_the_name() {
        let example = Facets { example: Some(serde_json::json!("vm-42")), ..Facets::default() };
        assert_eq!(string_text("vm", &example, &mut Draw::default()), "vm-42");
        assert!(text(Some("uri"), None).starts_with("https://example.com/filter-names/"));
        let ip = text(Some("ipv4"), None);
        assert!(ip.starts_with("192.0.2.") && ip.parse::<std::net::Ipv4Addr>().is_ok(), "{ip}");
        assert!(text(Some("ipv6"), None).parse::<std::net::Ipv6Addr>().is_ok());
        assert_eq!(text(None, Some("^[a-f]{4}$")), "aaaa");
        assert!(text(None, None).starts_with("filter-names-"));
        let bounded = Facets { min_length: Some(40), max_length: Some(40), ..Facets::default() };
        assert_eq!(string_text("n", &bounded, &mut Draw::default()).len(), 40);
    }

    #[test]
    fn numbers_stay_within_bounds() {
        let mut draw = Draw::default();
        let bounded = Facets { minimum: Some(10.0), maximum: Some(20.0), ..Facets::default() };
        assert_eq!(number(&bounded, &mut draw, true), 15.0);
        let above = Facets { minimum: Some(1000.0), ..Facets::default() };
        assert!(number(&above, &mut draw, true) > 1000.0);
        let below = Facets { maximum: Some(-5.0), ..Facets::default() };
        assert!(number(&below, &mut draw, true) < -5.0);
        let example = Facets { example: Some(serde_json::json!(7)), ..Facets::default() };
        assert_eq!(number(&example, &mut draw, true), 7.0);
    }

    #[test]
    fn draws_are_the_same_every_run() {
        let (mut a, mut b) = (Draw::default(), Draw::default());
        let first: Vec<usize> = (0..8).map(|_| a.below(1000)).collect();
        assert_eq!(first, (0..8).map(|_| b.below(1000)).collect::<Vec<_>>());
        assert!(first.windows(2).any(|w| w[0] != w[1]), "{first:?}");
    }
}
