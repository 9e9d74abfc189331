//! Generated types: structs, open enums, tagged unions, untagged unions, parameter structs.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::layout::{self, arm, field_line, fits, impl_line};
use super::{Ctx, ident};
use crate::docs;
use crate::ir::{Directions, Enum, Field, Struct, Ty, TypeDef, TypeId, TypeKind, Union, UntaggedVariant};
use crate::names;

/// The cargo feature that gives every type both serde traits, not only the direction it travels.
pub(crate) const ALL_SERDE: &str = "all-serde";

/// Which of the two serde traits a type implements: the directions it travels always, the other
/// one with the feature [`ALL_SERDE`].
#[derive(Clone, Copy)]
struct Serde {
    ser: bool,
    de: bool,
}

impl Serde {
    fn of(directions: Directions) -> Self {
        Serde { ser: directions.sent, de: directions.received }
    }

    /// The derive list entries of the traits always implemented, and a `cfg_attr` derive of the
    /// others.
    fn derives(self, ctx: &Ctx) -> (TokenStream, TokenStream) {
        let always = match (self.ser, self.de) {
            (true, true) => {
                let (ser, de) = (ctx.import("Serialize"), ctx.import("Deserialize"));
                quote! { #ser, #de }
            }
            (true, false) => ctx.import("Serialize"),
            (false, true) => ctx.import("Deserialize"),
            (false, false) => quote! {},
        };
        let (ser, de) = (ctx.full("Serialize"), ctx.full("Deserialize"));
        let optional = match (self.ser, self.de) {
            (true, true) => quote! {},
            (true, false) => quote! { #[cfg_attr(feature = #ALL_SERDE, derive(#de))] },
            (false, true) => quote! { #[cfg_attr(feature = #ALL_SERDE, derive(#ser))] },
            (false, false) => quote! { #[cfg_attr(feature = #ALL_SERDE, derive(#ser, #de))] },
        };
        (always, optional)
    }

    /// The `cfg` of a written-out impl of one of the traits: none when it is always implemented.
    fn gate(always: bool) -> TokenStream {
        if always {
            quote! {}
        } else {
            quote! { #[cfg(feature = #ALL_SERDE)] }
        }
    }

    /// [`Serde::gate`] as a line of text.
    fn gate_text(always: bool) -> String {
        if always { String::new() } else { format!("#[cfg(feature = {})]\n", lit(ALL_SERDE)) }
    }

    /// How code of an impl spells an importable item: imported when the impl is always there, by
    /// its full path behind the feature.
    fn path(ctx: &Ctx, always: bool, name: &'static str) -> TokenStream {
        super::path_tokens(&Self::path_text(ctx, always, name))
    }

    /// [`Serde::path`] as text.
    fn path_text(ctx: &Ctx, always: bool, name: &'static str) -> String {
        if always { ctx.import_text(name) } else { Ctx::full_text(name) }
    }
}

/// A Rust string literal of `text`, escaped.
pub(super) fn lit(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// A method's first line, at the indentation of an impl's items (see [`layout::signature`]).
fn signature(head: &str, params: &[&str], output: &str) -> String {
    layout::signature("    ", head, params, output)
}

pub(crate) fn type_def(ctx: &Ctx, id: TypeId, t: &TypeDef, gate: TokenStream) -> TokenStream {
    let mut doc = t.doc.clone();
    if !t.origins.is_empty() {
        if !doc.is_empty() {
            doc.push(String::new());
        }
        let origins: Vec<String> = t.origins.iter().map(|o| docs::code(o)).collect();
        let what = if matches!(t.kind, TypeKind::Params(_)) { "Operation" } else { "Schema" };
        doc.push(format!("{what}: {}.", origins.join(", ")));
    }
    doc.extend(super::extension_lines(&t.extensions, false));
    let name = ident(&t.name);
    let serde = Serde::of(t.directions);
    let gate_text = ctx.cfg_text(&t.gate);
    let item = match &t.kind {
        TypeKind::Struct(s) => ctx.text(strukt(ctx, &name, s, &doc, &gate_text, serde)),
        TypeKind::Enum(e) => ctx.text(open_enum(ctx, &name, e, &doc, &gate_text, serde)),
        TypeKind::Union(u) => union(ctx, &name, u, ctx.doc(&doc), &gate, serde),
        TypeKind::Untagged(variants) => untagged(ctx, &name, variants, ctx.doc(&doc), &gate, serde),
        TypeKind::Params(fields) => ctx.text(params(ctx, &name, fields, &doc, &gate_text)),
    };
    let error_body = ctx.error_types.contains(&id).then(|| error_body(ctx, &name, &t.kind, &gate));
    quote! { #item #error_body }
}

/// `impl ErrorBody`: the decoding rules of an operation's error type.
fn error_body(ctx: &Ctx, name: &Ident, kind: &TypeKind, gate: &TokenStream) -> TokenStream {
    let trait_ = ctx.import("ErrorBody");
    match kind {
        TypeKind::Union(u) => {
            let (option, some) = (ctx.prelude("Option"), ctx.prelude("Some"));
            let property = &u.property;
            quote! {
                #gate
                impl #trait_ for #name {
                    const DISCRIMINATOR: #option<&'static str> = #some(#property);
                }
            }
        }
        _ => quote! { #gate impl #trait_ for #name {} },
    }
}

/// A field of a struct, as text: its docs and `pub name: Type,`.
fn field_text(ctx: &Ctx, f: &Field, out: &mut String) {
    let mut lines = f.doc.clone();
    if f.deprecated {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push("Deprecated by the spec.".to_owned());
    }
    let mut extensions = super::extension_lines(&f.extensions, false);
    if lines.is_empty() && !extensions.is_empty() {
        extensions.remove(0);
    }
    lines.extend(extensions);
    let mut ty = ctx.ty_text(&f.ty);
    if f.boxed {
        ty = format!("{}<{ty}>", ctx.prelude_text("Box"));
    }
    if f.optional() {
        ty = format!("{}<{ty}>", ctx.prelude_text("Option"));
    }
    crate::write::doc_comment(&lines, "    ", out);
    out.push_str(&field_line(&ident(&f.ident), &ty));
}

/// How a written-out `Serialize` puts a field in the object's `wire::Writer`: an optional field
/// is left out when `None`, unless the spec requires it (then `null`).
fn encode_field(f: &Field) -> (&'static str, Vec<String>) {
    let (name, wire) = (ident(&f.ident), lit(&f.wire));
    let method = if f.optional() && (!f.nullable || !f.required) { "optional" } else { "field" };
    (method, vec![wire, format!("&self.{name}")])
}

/// How a written-out `Deserialize` takes a field from the object's `wire::Fields`: absent or
/// `null` collections are empty (required ones) or `None` (optional ones), maps also decode from
/// `/rest` key/value lists, other optional fields are `None` when absent or `null`.
fn decode_field(f: &Field) -> (String, String) {
    let (name, wire) = (ident(&f.ident), lit(&f.wire));
    let method = match (&f.ty, f.optional()) {
        (Ty::Map(_), true) => "option_map",
        (_, true) => "optional",
        (Ty::Vec(_), false) => "list",
        (Ty::Map(_), false) => "map",
        (_, false) => "required",
    };
    (name.to_string(), format!("{method}({wire})"))
}

/// A struct and its serde impls, as text (see [`super::Aside`]); `gate` is the item's `cfg`.
fn strukt(ctx: &Ctx, name: &Ident, s: &Struct, doc: &[String], gate: &str, serde: Serde) -> String {
    let derive = if s.fields.iter().all(Field::optional) {
        "Debug, Clone, PartialEq, Default"
    } else {
        "Debug, Clone, PartialEq"
    };
    let mut fields = String::new();
    for f in &s.fields {
        field_text(ctx, f, &mut fields);
    }
    if let Some(a) = &s.additional {
        let (map, string, ty) = (ctx.import_text("BTreeMap"), ctx.prelude_text("String"), ctx.ty_text(&a.ty));
        fields.push_str("    /// Properties not named above (`additionalProperties`).\n");
        fields.push_str(&field_line(&ident(&a.ident), &format!("{map}<{string}, {ty}>")));
    }
    let mut out = struct_item(doc, gate, derive, name, &fields);
    out.push_str(&serialize_struct(ctx, name, s, gate, serde.ser));
    out.push_str(&deserialize_struct(ctx, name, s, gate, serde.de));
    out
}

/// A struct's `Serialize`, written out over `wire::Writer`: a call per field.
fn serialize_struct(ctx: &Ctx, name: &Ident, s: &Struct, gate: &str, always: bool) -> String {
    let (ser, serializer, wire) = (
        Serde::path_text(ctx, always, "Serialize"),
        Serde::path_text(ctx, always, "Serializer"),
        Serde::path_text(ctx, always, "wire"),
    );
    let result = ctx.prelude_text("Result");
    let mut calls: Vec<(&str, Vec<String>)> = Vec::new();
    calls.extend(s.tag.as_ref().map(|(property, tag)| ("tag", vec![lit(property), lit(tag)])));
    calls.extend(s.fields.iter().map(encode_field));
    calls.extend(s.additional.as_ref().map(|a| ("rest", vec![format!("&self.{}", ident(&a.ident))])));
    calls.push(("serialize", vec!["serializer".to_owned()]));
    let head = format!("fn serialize<S: {serializer}>");
    let mut out = format!("{gate}{}{}", Serde::gate_text(always), impl_line(&format!("impl {ser}"), name));
    out.push_str(&signature(&head, &["&self", "serializer: S"], &format!("{result}<S::Ok, S::Error>")));
    out.push_str(&format!("        {wire}::Writer::new()\n"));
    for (method, args) in calls {
        let line = format!("            .{method}({})\n", args.join(", "));
        if fits(&line) {
            out.push_str(&line);
        } else {
            let args: String = args.iter().map(|a| format!("                {a},\n")).collect();
            out.push_str(&format!("            .{method}(\n{args}            )\n"));
        }
    }
    out.push_str("    }\n}\n");
    out
}

/// A struct's `Deserialize`, written out over `wire::object`: a line per field.
fn deserialize_struct(ctx: &Ctx, name: &Ident, s: &Struct, gate: &str, always: bool) -> String {
    let (de, deserializer, wire) = (
        Serde::path_text(ctx, always, "Deserialize"),
        Serde::path_text(ctx, always, "Deserializer"),
        Serde::path_text(ctx, always, "wire"),
    );
    let (result, ok) = (ctx.prelude_text("Result"), ctx.prelude_text("Ok"));
    let label = lit(&name.to_string());
    let head = format!("fn deserialize<D: {deserializer}<'de>>");
    let mut out = format!("{gate}{}{}", Serde::gate_text(always), impl_line(&format!("impl<'de> {de}<'de>"), name));
    out.push_str(&signature(&head, &["deserializer: D"], &format!("{result}<Self, D::Error>")));
    let empty = s.fields.is_empty() && s.additional.is_none();
    let one_line = format!("        {wire}::object(deserializer, {label}, |_| {ok}(Self {{}}))\n");
    if empty && fits(&one_line) {
        out.push_str(&one_line);
        out.push_str("    }\n}\n");
        return out;
    }
    let closure = if empty { "|_|" } else { "|fields|" };
    let opening = format!("        {wire}::object(deserializer, {label}, {closure} {{\n");
    // The closure's body, at the indentation of the call's arguments.
    let (open, body, close) = if fits(&opening) {
        (opening, "            ", "        })\n".to_owned())
    } else {
        let open = format!(
            "        {wire}::object(\n            deserializer,\n            {label},\n            {closure} {{\n"
        );
        (open, "                ", "            },\n        )\n".to_owned())
    };
    out.push_str(&open);
    if let Some((property, _)) = s.tag.as_ref().filter(|_| s.additional.is_some()) {
        out.push_str(&format!("{body}fields.skip({});\n", lit(property)));
    }
    out.push_str(&format!("{body}{ok}(Self {{\n"));
    for (field, call) in s.fields.iter().map(decode_field) {
        let line = format!("{body}    {field}: fields.{call}?,\n");
        if fits(&line) {
            out.push_str(&line);
        } else {
            out.push_str(&format!("{body}    {field}: fields\n{body}        .{call}?,\n"));
        }
    }
    if let Some(a) = &s.additional {
        out.push_str(&format!("{body}    {}: fields.rest()?,\n", ident(&a.ident)));
    }
    out.push_str(&format!("{body}}})\n{close}"));
    out.push_str("    }\n}\n");
    out
}

/// The struct of an operation's optional parameters, as text.
fn params(ctx: &Ctx, name: &Ident, fields: &[Field], doc: &[String], gate: &str) -> String {
    let mut lines = String::new();
    for f in fields {
        crate::write::doc_comment(&f.doc, "    ", &mut lines);
        let (option, ty) = (ctx.prelude_text("Option"), ctx.ty_text(&f.ty));
        lines.push_str(&field_line(&ident(&f.ident), &format!("{option}<{ty}>")));
    }
    struct_item(doc, gate, "Debug, Clone, Default, PartialEq", name, &lines)
}

/// A struct's definition as text: its docs, `cfg`, derives, and its field lines (`{}` without).
fn struct_item(doc: &[String], gate: &str, derive: &str, name: &Ident, fields: &str) -> String {
    let mut out = String::new();
    crate::write::doc_comment(doc, "", &mut out);
    let body = if fields.is_empty() { "{}".to_owned() } else { format!("{{\n{fields}}}") };
    out.push_str(&format!("{gate}#[derive({derive})]\npub struct {name} {body}\n"));
    out
}

fn untagged(
    ctx: &Ctx,
    name: &Ident,
    variants: &[UntaggedVariant],
    doc: TokenStream,
    gate: &TokenStream,
    serde: Serde,
) -> TokenStream {
    let (derives, optional) = serde.derives(ctx);
    let vs = variants.iter().map(|v| {
        let id = ident(&v.ident);
        let mut ty = ctx.ty(&v.ty);
        if v.boxed {
            let b = ctx.prelude("Box");
            ty = quote! { #b<#ty> };
        }
        quote! { #id(#ty), }
    });
    quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq, #derives)]
        #optional
        #[serde(untagged)]
        pub enum #name { #(#vs)* }
    }
}

/// An open enum: the known wire values, and a catch-all variant that keeps any other value.
/// `as_str` and `From<&str>` spell the wire values; `Serialize` and `Deserialize` go through
/// them (written out, not derived: a derive with a variant-level `untagged` costs the crate's
/// check time about a tenth). All of it as text (see [`super::Aside`]).
fn open_enum(ctx: &Ctx, name: &Ident, e: &Enum, doc: &[String], gate: &str, serde: Serde) -> String {
    let mut out = String::new();
    crate::write::doc_comment(doc, "", &mut out);
    out.push_str(&format!("{gate}#[derive(Debug, Clone, PartialEq, Eq, Hash)]\npub enum {name} {{\n"));
    for v in &e.variants {
        let mut lines = v.doc.clone();
        if names::fold(&v.ident) != names::fold(&v.wire) {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(if v.wire.is_empty() {
                "On the wire: the empty string.".to_owned()
            } else {
                format!("On the wire: {}.", docs::code(&v.wire))
            });
        }
        crate::write::doc_comment(&lines, "    ", &mut out);
        out.push_str(&format!("    {},\n", ident(&v.ident)));
    }
    out.push_str("    /// A value this version of the crate does not know, kept exactly as the server sent it.\n");
    out.push_str(&format!("    {}({}),\n}}\n", ident(&e.other), ctx.prelude_text("String")));
    out.push_str(&open_enum_impls(ctx, name, e, gate, serde));
    out
}

/// The impls of an open enum, as text: `as_str`, `From<&str>`, `Display`, and the serde traits.
fn open_enum_impls(ctx: &Ctx, name: &Ident, e: &Enum, gate: &str, serde: Serde) -> String {
    let (from, result, fmt) = (ctx.prelude_text("From"), ctx.prelude_text("Result"), ctx.import_text("fmt"));
    let (ser, serializer) =
        (Serde::path_text(ctx, serde.ser, "Serialize"), Serde::path_text(ctx, serde.ser, "Serializer"));
    let (de, deserializer) =
        (Serde::path_text(ctx, serde.de, "Deserialize"), Serde::path_text(ctx, serde.de, "Deserializer"));
    let wire = Serde::path_text(ctx, serde.de, "wire");
    let other = ident(&e.other);
    let mut to_str = String::new();
    let mut from_str = String::new();
    for v in &e.variants {
        let (id, wire) = (ident(&v.ident), lit(&v.wire));
        to_str.push_str(&arm(&format!("Self::{id}"), &wire));
        from_str.push_str(&arm(&wire, &format!("Self::{id}")));
    }
    let (ser_gate, de_gate) = (Serde::gate_text(serde.ser), Serde::gate_text(serde.de));
    let serialize = signature(
        &format!("fn serialize<S: {serializer}>"),
        &["&self", "serializer: S"],
        &format!("{result}<S::Ok, S::Error>"),
    );
    let deserialize = signature(
        &format!("fn deserialize<D: {deserializer}<'de>>"),
        &["deserializer: D"],
        &format!("{result}<Self, D::Error>"),
    );
    let display = signature("fn fmt", &["&self", &format!("f: &mut {fmt}::Formatter<'_>")], &format!("{fmt}::Result"));
    let from_impl = impl_line(&format!("impl {from}<&str>"), name);
    let display_impl = impl_line(&format!("impl {fmt}::Display"), name);
    let ser_impl = impl_line(&format!("impl {ser}"), name);
    let de_impl = impl_line(&format!("impl<'de> {de}<'de>"), name);
    format!(
        "{gate}impl {name} {{
    /// The value on the wire.
    pub fn as_str(&self) -> &str {{
        match self {{
{to_str}            Self::{other}(value) => value,
        }}
    }}
}}
{gate}{from_impl}    fn from(value: &str) -> Self {{
        match value {{
{from_str}            other => Self::{other}(other.to_owned()),
        }}
    }}
}}
{gate}{display_impl}{display}        f.write_str(self.as_str())
    }}
}}
{gate}{ser_gate}{ser_impl}{serialize}        serializer.serialize_str(self.as_str())
    }}
}}
{gate}{de_gate}{de_impl}{deserialize}        {wire}::open_enum(deserializer)
    }}
}}
"
    )
}

fn union(ctx: &Ctx, name: &Ident, u: &Union, doc: TokenStream, gate: &TokenStream, serde: Serde) -> TokenStream {
    let (ser_gate, de_gate) = (Serde::gate(serde.ser), Serde::gate(serde.de));
    let (value, result, option, some, ok) =
        (ctx.import("Value"), ctx.prelude("Result"), ctx.prelude("Option"), ctx.prelude("Some"), ctx.prelude("Ok"));
    let (ser, serializer) = (Serde::path(ctx, serde.ser, "Serialize"), Serde::path(ctx, serde.ser, "Serializer"));
    let (de, deserializer) = (Serde::path(ctx, serde.de, "Deserialize"), Serde::path(ctx, serde.de, "Deserializer"));
    let (ser_wire, de_wire) = (Serde::path(ctx, serde.ser, "wire"), Serde::path(ctx, serde.de, "wire"));
    let property = &u.property;
    let other = ident(&u.other);
    let variants = u.variants.iter().map(|v| {
        let tag = docs::code(&format!("{property}: {}", v.tag));
        let line = if v.fallback { format!("{tag}, with the base error's fields.") } else { format!("{tag}.") };
        let (d, id) = (ctx.doc(&[line]), ident(&v.ident));
        let mut ty = ctx.type_path(v.ty);
        if v.boxed {
            let b = ctx.prelude("Box");
            ty = quote! { #b<#ty> };
        }
        quote! { #d #id(#ty), }
    });
    let arms = |f: &dyn Fn(&Ident, &str) -> TokenStream| -> Vec<TokenStream> {
        u.variants.iter().map(|v| f(&ident(&v.ident), &v.tag)).collect()
    };
    let tags = arms(&|id, tag| quote! { Self::#id(_) => #some(#tag), });
    let encode =
        arms(&|id, tag| quote! { Self::#id(payload) => #ser_wire::tagged(serializer, #property, #tag, payload), });
    let decode = arms(&|id, tag| quote! { #some(#tag) => #de_wire::variant_or(value, Self::#id, Self::#other), });
    let other_doc = format!(
        " A value of `{property}` this version of the crate does not know, none, or a known one whose \
         fields do not fit: the whole object, kept as sent."
    );
    quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            #[doc = #other_doc]
            #other(#value),
        }

        #gate
        impl #name {
            /// The discriminator on the wire.
            pub fn tag(&self) -> #option<&str> {
                match self {
                    #(#tags)*
                    Self::#other(value) => value.get(#property).and_then(#value::as_str),
                }
            }
        }

        #gate
        #ser_gate
        impl #ser for #name {
            fn serialize<S: #serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Self::#other(value) => #ser::serialize(value, serializer),
                }
            }
        }

        #gate
        #de_gate
        impl<'de> #de<'de> for #name {
            fn deserialize<D: #deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <#value as #de<'de>>::deserialize(deserializer)?;
                #ok(match #de_wire::tag(&value, #property).as_deref() {
                    #(#decode)*
                    _ => Self::#other(value),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::ir::{Additional, Crate};

    /// The two serde impls of `s`, always implemented, in an empty crate's root module.
    fn impls(s: &Struct) -> (String, String) {
        let (krate, root, errors) = (Crate::default(), Vec::new(), BTreeSet::new());
        let ctx = Ctx::new(&krate, &root, &errors);
        let name = ident("Member");
        (serialize_struct(&ctx, &name, s, "", true), deserialize_struct(&ctx, &name, s, "", true))
    }

    #[test]
    fn a_tagged_member_with_other_properties_skips_its_tag_among_them() {
        let s = Struct {
            fields: vec![Field::plain("r#type", Ty::String)],
            additional: Some(Additional { ident: "additional_properties".into(), ty: Ty::I64 }),
            tag: Some(("kind".into(), "DISK \"A\"".into())),
        };
        let (ser, de) = impls(&s);
        assert!(ser.contains("            .tag(\"kind\", \"DISK \\\"A\\\"\")\n"), "{ser}");
        assert!(ser.contains("            .field(\"r#type\", &self.r#type)\n"), "{ser}");
        assert!(ser.contains("            .rest(&self.additional_properties)\n            .serialize(serializer)\n"));
        assert!(de.contains("            fields.skip(\"kind\");\n            Ok(Self {\n"), "{de}");
        assert!(
            de.contains("                additional_properties: fields.rest()?,\n            })\n        })\n"),
            "{de}"
        );
    }

    #[test]
    fn an_empty_struct_takes_no_fields_and_every_line_fits() {
        let (ser, de) = impls(&Struct { fields: vec![], additional: None, tag: None });
        assert!(de.contains("        wire::object(deserializer, \"Member\", |_| Ok(Self {}))\n"), "{de}");
        assert!(ser.contains("        wire::Writer::new()\n            .serialize(serializer)\n"), "{ser}");
        for line in ser.lines().chain(de.lines()) {
            assert!(line.len() <= 100, "{line}");
        }
    }

    #[test]
    fn lines_past_100_columns_break_as_rustfmt_breaks_them() {
        let long = "default_kubernetes_service_content_library_image";
        let s = Struct { fields: vec![Field::plain(long, Ty::String)], additional: None, tag: None };
        let (krate, root, errors) = (Crate::default(), Vec::new(), BTreeSet::new());
        let ctx = Ctx::new(&krate, &root, &errors);
        let name = ident("ComponentsInventoryClusterHaClusterResourcePercentageOfTheAll");
        let (ser, de) = (serialize_struct(&ctx, &name, &s, "", true), deserialize_struct(&ctx, &name, &s, "", true));
        assert!(
            ser.contains(&format!(
                "            .field(\n                \"{long}\",\n                &self.{long},\n            )\n"
            )),
            "{ser}"
        );
        assert!(de.contains("        wire::object(\n            deserializer,\n            \"Components"), "{de}");
        assert!(
            de.contains(&format!(
                "                    {long}: fields\n                        .required(\"{long}\")?,\n"
            )),
            "{de}"
        );
        assert!(de.ends_with("                })\n            },\n        )\n    }\n}\n"), "{de}");
        for line in ser.lines().chain(de.lines()) {
            assert!(line.len() <= 100, "{line}");
        }
    }

    #[test]
    fn a_long_signature_takes_a_parameter_a_line() {
        let short = signature("fn f<S: Serializer>", &["&self", "serializer: S"], "Result<S::Ok, S::Error>");
        assert_eq!(short, "    fn f<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n");
        let long = signature(
            "fn serialize<S: ::serde::Serializer>",
            &["&self", "serializer: S"],
            "::std::result::Result<S::Ok, S::Error>",
        );
        assert_eq!(
            long,
            "    fn serialize<S: ::serde::Serializer>(\n        &self,\n        serializer: S,\n    ) -> \
             ::std::result::Result<S::Ok, S::Error> {\n"
        );
    }
}
