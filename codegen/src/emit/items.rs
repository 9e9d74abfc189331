//! Generated types: structs, open enums, tagged unions, untagged unions, parameter structs.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, ident};
use crate::docs;
use crate::ir::{Enum, Field, Struct, TypeDef, TypeKind, Union};

pub(crate) fn type_def(ctx: &Ctx, t: &TypeDef, gate: TokenStream) -> TokenStream {
    let mut doc = t.doc.clone();
    if doc.is_empty() {
        doc.push(format!("The `{}` schema.", t.name));
    }
    if !t.origins.is_empty() {
        doc.push(String::new());
        let origins: Vec<String> = t.origins.iter().map(|o| docs::code(o)).collect();
        let what = if matches!(t.kind, TypeKind::Params(_)) { "Operation" } else { "Schema" };
        doc.push(format!("{what}: {}.", origins.join(", ")));
    }
    doc.extend(super::extension_lines(&t.extensions, false));
    let doc = ctx.doc(&doc);
    let name = ident(&t.name);
    match &t.kind {
        TypeKind::Struct(s) => strukt(ctx, &name, s, doc, gate),
        TypeKind::Enum(e) => open_enum(ctx, &name, e, doc, gate),
        TypeKind::Union(u) => union(ctx, &name, u, doc, gate),
        TypeKind::Untagged(variants) => {
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
        TypeKind::Params(fields) => {
            let fields = fields.iter().map(|f| {
                let d = ctx.doc(&f.doc);
                let id = ident(&f.ident);
                let option = ctx.prelude("Option");
                let ty = ctx.ty(&f.ty);
                quote! { #d pub #id: #option<#ty>, }
            });
            quote! {
                #doc
                #gate
                #[derive(Debug, Clone, Default, PartialEq)]
                pub struct #name { #(#fields)* }
            }
        }
    }
}

fn field_tokens(ctx: &Ctx, f: &Field) -> TokenStream {
    let mut doc_lines = f.doc.clone();
    if f.deprecated {
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push("Deprecated by the spec.".to_owned());
    }
    let mut extension_lines = super::extension_lines(&f.extensions, false);
    if doc_lines.is_empty() && !extension_lines.is_empty() {
        extension_lines.remove(0);
    }
    doc_lines.extend(extension_lines);
    let doc = ctx.doc(&doc_lines);
    let name = ident(&f.ident);
    let mut ty = ctx.ty(&f.ty);
    if f.boxed {
        let b = ctx.prelude("Box");
        ty = quote! { #b<#ty> };
    }
    let mut serde_args: Vec<TokenStream> = Vec::new();
    if f.ident.trim_start_matches("r#") != f.wire {
        let wire = &f.wire;
        serde_args.push(quote! { rename = #wire });
    }
    if f.optional() {
        let option = ctx.prelude("Option");
        ty = quote! { #option<#ty> };
        if !f.nullable || !f.required {
            let skip = format!("{}::is_none", ctx.prelude_text("Option"));
            serde_args.push(quote! { skip_serializing_if = #skip });
        }
    }
    let serde = if serde_args.is_empty() {
        TokenStream::new()
    } else {
        quote! { #[serde(#(#serde_args),*)] }
    };
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

fn strukt(ctx: &Ctx, name: &proc_macro2::Ident, s: &Struct, doc: TokenStream, gate: TokenStream) -> TokenStream {
    let (ser, de) = (ctx.import("Serialize"), ctx.import("Deserialize"));
    let all_optional = s.fields.iter().all(Field::optional);
    let default = if all_optional {
        quote! { Default, }
    } else {
        TokenStream::new()
    };
    let fields = s.fields.iter().map(|f| field_tokens(ctx, f));
    let additional = s.additional.as_ref().map(|ty| {
        let map = ctx.import("BTreeMap");
        let string = ctx.prelude("String");
        let ty = ctx.ty(ty);
        let field = if s.fields.iter().any(|f| f.ident == "additional_properties") {
            quote! { additional_properties_ }
        } else {
            quote! { additional_properties }
        };
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
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn open_enum(ctx: &Ctx, name: &proc_macro2::Ident, e: &Enum, doc: TokenStream, gate: TokenStream) -> TokenStream {
    let string = ctx.prelude("String");
    let result = ctx.prelude("Result");
    let from = ctx.prelude("From");
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|v| {
        let mut lines = v.doc.clone();
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("On the wire: {}.", docs::code(&v.wire)));
        let d = ctx.doc(&lines);
        let id = ident(&v.ident);
        quote! { #d #id, }
    });
    let to_str = e.variants.iter().map(|v| {
        let id = ident(&v.ident);
        let wire = &v.wire;
        quote! { Self::#id => #wire, }
    });
    let from_str = e.variants.iter().map(|v| {
        let id = ident(&v.ident);
        let wire = &v.wire;
        quote! { #wire => Self::#id, }
    });
    let (ser, de, serializer, deserializer, fmt) = (
        ctx.import("Serialize"),
        ctx.import("Deserialize"),
        ctx.import("Serializer"),
        ctx.import("Deserializer"),
        ctx.import("fmt"),
    );
    let ok = ctx.prelude("Ok");
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
                let value = <#string as #de>::deserialize(deserializer)?;
                #ok(Self::from(value.as_str()))
            }
        }
    }
}

fn union(ctx: &Ctx, name: &proc_macro2::Ident, u: &Union, doc: TokenStream, gate: TokenStream) -> TokenStream {
    let value = ctx.import("Value");
    let result = ctx.prelude("Result");
    let option = ctx.prelude("Option");
    let some = ctx.prelude("Some");
    let ok = ctx.prelude("Ok");
    let wire = ctx.import("wire");
    let (ser, de, serializer, deserializer) =
        (ctx.import("Serialize"), ctx.import("Deserialize"), ctx.import("Serializer"), ctx.import("Deserializer"));
    let property = &u.property;
    let other = ident(&u.other);
    let variants = u.variants.iter().map(|v| {
        let d = ctx.doc(&[format!(
            "{}: {}.",
            docs::code(&format!("{} = {}", u.property, v.tag)),
            docs::code(&ctx.krate.types[v.ty.0].name)
        )]);
        let id = ident(&v.ident);
        let mut ty = ctx.type_path(v.ty);
        if v.boxed {
            let b = ctx.prelude("Box");
            ty = quote! { #b<#ty> };
        }
        quote! { #d #id(#ty), }
    });
    let tags = u.variants.iter().map(|v| {
        let id = ident(&v.ident);
        let tag = &v.tag;
        quote! { Self::#id(_) => #some(#tag), }
    });
    let encode = u.variants.iter().map(|v| {
        let id = ident(&v.ident);
        let tag = &v.tag;
        quote! { Self::#id(payload) => #wire::tagged(serializer, #property, #tag, payload), }
    });
    let decode = u.variants.iter().map(|v| {
        let id = ident(&v.ident);
        let tag = &v.tag;
        quote! { #some(#tag) => #wire::variant_or(value, Self::#id, Self::#other), }
    });
    let other_doc = format!(
        " A value of `{property}` this version of the crate does not know, none, or a known one whose fields do not fit: the whole object, kept as sent."
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
