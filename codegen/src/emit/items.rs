//! Generated types: structs, open enums, tagged unions, untagged unions, parameter structs.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Ctx, ident};
use crate::docs;
use crate::ir::{Enum, Field, Struct, Ty, TypeDef, TypeId, TypeKind, Union, UntaggedVariant};
use crate::names;

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
    let doc = ctx.doc(&doc);
    let name = ident(&t.name);
    let item = match &t.kind {
        TypeKind::Struct(s) => strukt(ctx, &name, s, doc, &gate),
        TypeKind::Enum(e) => open_enum(ctx, &name, e, doc, &gate),
        TypeKind::Union(u) => union(ctx, &name, u, doc, &gate),
        TypeKind::Untagged(variants) => untagged(ctx, &name, variants, doc, &gate),
        TypeKind::Params(fields) => params(ctx, &name, fields, doc, &gate),
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

fn field_tokens(ctx: &Ctx, f: &Field) -> TokenStream {
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
    let doc = ctx.doc(&lines);
    let name = ident(&f.ident);
    let mut ty = ctx.ty(&f.ty);
    if f.boxed {
        let b = ctx.prelude("Box");
        ty = quote! { #b<#ty> };
    }
    if f.optional() {
        let option = ctx.prelude("Option");
        ty = quote! { #option<#ty> };
    }
    let args = serde_args(ctx, f);
    let serde = (!args.is_empty()).then(|| quote! { #[serde(#(#args),*)] });
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

/// The serde arguments of a field: its rename, the tolerant decoding of collections (absent or
/// `null` lists and maps are empty; maps also decode from `/rest` key/value lists), and leaving
/// out unset optional fields.
fn serde_args(ctx: &Ctx, f: &Field) -> Vec<TokenStream> {
    let mut args = Vec::new();
    if let Some(wire) = &f.rename {
        args.push(quote! { rename = #wire });
    }
    let with = |function: &str| format!("{}::{function}", ctx.import_text("wire"));
    let tolerant = match (&f.ty, f.optional()) {
        (Ty::Vec(_), false) => Some(with("list")),
        (Ty::Map(_), false) => Some(with("map")),
        (Ty::Map(_), true) => Some(with("option_map")),
        _ => None,
    };
    if let Some(function) = tolerant {
        args.push(quote! { default, deserialize_with = #function });
    }
    if f.optional() && (!f.nullable || !f.required) {
        let skip = format!("{}::is_none", ctx.prelude_text("Option"));
        args.push(quote! { skip_serializing_if = #skip });
    }
    args
}

fn strukt(ctx: &Ctx, name: &Ident, s: &Struct, doc: TokenStream, gate: &TokenStream) -> TokenStream {
    let (ser, de) = (ctx.import("Serialize"), ctx.import("Deserialize"));
    let default = s.fields.iter().all(Field::optional).then(|| quote! { Default, });
    let tag = s.tag.as_ref().map(|(property, tag)| quote! { #[serde(tag = #property, rename = #tag)] });
    let fields = s.fields.iter().map(|f| field_tokens(ctx, f));
    let additional = s.additional.as_ref().map(|a| {
        let (map, string, ty) = (ctx.import("BTreeMap"), ctx.prelude("String"), ctx.ty(&a.ty));
        let field = ident(&a.ident);
        quote! {
            /// Properties not named above (`additionalProperties`).
            #[serde(flatten)]
            pub #field: #map<#string, #ty>,
        }
    });
    quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq, #default #ser, #de)]
        #tag
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn params(ctx: &Ctx, name: &Ident, fields: &[Field], doc: TokenStream, gate: &TokenStream) -> TokenStream {
    let fields = fields.iter().map(|f| {
        let (d, id, option, ty) = (ctx.doc(&f.doc), ident(&f.ident), ctx.prelude("Option"), ctx.ty(&f.ty));
        quote! { #d pub #id: #option<#ty>, }
    });
    quote! {
        #doc
        #gate
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name { #(#fields)* }
    }
}

fn untagged(
    ctx: &Ctx,
    name: &Ident,
    variants: &[UntaggedVariant],
    doc: TokenStream,
    gate: &TokenStream,
) -> TokenStream {
    let (ser, de) = (ctx.import("Serialize"), ctx.import("Deserialize"));
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
        #[derive(Debug, Clone, PartialEq, #ser, #de)]
        #[serde(untagged)]
        pub enum #name { #(#vs)* }
    }
}

/// An open enum: the known wire values, and a catch-all variant that keeps any other value.
/// `as_str` and `From<&str>` spell the wire values; `Serialize` and `Deserialize` go through
/// them (written out, not derived: a derive with a variant-level `untagged` costs the crate's
/// check time about a tenth).
fn open_enum(ctx: &Ctx, name: &Ident, e: &Enum, doc: TokenStream, gate: &TokenStream) -> TokenStream {
    let (string, from, result, fmt) =
        (ctx.prelude("String"), ctx.prelude("From"), ctx.prelude("Result"), ctx.import("fmt"));
    let (ser, de, serializer, deserializer) =
        (ctx.import("Serialize"), ctx.import("Deserialize"), ctx.import("Serializer"), ctx.import("Deserializer"));
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|v| {
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
        let (d, id) = (ctx.doc(&lines), ident(&v.ident));
        quote! { #d #id, }
    });
    let to_str = e.variants.iter().map(|v| {
        let (id, wire) = (ident(&v.ident), &v.wire);
        quote! { Self::#id => #wire, }
    });
    let from_str = e.variants.iter().map(|v| {
        let (id, wire) = (ident(&v.ident), &v.wire);
        quote! { #wire => Self::#id, }
    });
    let wire = ctx.import("wire");
    quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept exactly as the server sent it.
            #other(#string),
        }

        #gate
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#other(value) => value,
                }
            }
        }

        #gate
        impl #from<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#other(other.to_owned()),
                }
            }
        }

        #gate
        impl #fmt::Display for #name {
            fn fmt(&self, f: &mut #fmt::Formatter<'_>) -> #fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #gate
        impl #ser for #name {
            fn serialize<S: #serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #gate
        impl<'de> #de<'de> for #name {
            fn deserialize<D: #deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                #wire::open_enum(deserializer)
            }
        }
    }
}

fn union(ctx: &Ctx, name: &Ident, u: &Union, doc: TokenStream, gate: &TokenStream) -> TokenStream {
    let (value, result, option, some, ok) =
        (ctx.import("Value"), ctx.prelude("Result"), ctx.prelude("Option"), ctx.prelude("Some"), ctx.prelude("Ok"));
    let wire = ctx.import("wire");
    let (ser, de, serializer, deserializer) =
        (ctx.import("Serialize"), ctx.import("Deserialize"), ctx.import("Serializer"), ctx.import("Deserializer"));
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
    let encode = arms(&|id, tag| quote! { Self::#id(payload) => #wire::tagged(serializer, #property, #tag, payload), });
    let decode = arms(&|id, tag| quote! { #some(#tag) => #wire::variant_or(value, Self::#id, Self::#other), });
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
        impl #ser for #name {
            fn serialize<S: #serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Self::#other(value) => value.serialize(serializer),
                }
            }
        }

        #gate
        impl<'de> #de<'de> for #name {
            fn deserialize<D: #deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = #value::deserialize(deserializer)?;
                #ok(match #wire::tag(&value, #property).as_deref() {
                    #(#decode)*
                    _ => Self::#other(value),
                })
            }
        }
    }
}
