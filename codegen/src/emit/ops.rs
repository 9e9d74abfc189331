//! Generated functions: one per operation, each returning a sans-IO `Operation`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, ident};
use crate::ir::{LegacyRoute, Location, Module, Operation, Param, PathPart, PathTemplate, Ty};

pub(crate) fn operation(ctx: &Ctx, module: &Module, op: &Operation) -> TokenStream {
    let gate = ctx.cfg(&op.gate, &module.gate);
    let name = ident(&op.ident);
    let mut doc = op.doc.clone();
    let args_doc: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.field.doc.is_empty())
        .map(|p| format!("- `{}`: {}", p.field.ident.trim_start_matches("r#"), p.field.doc.join(" ")))
        .collect();
    if !args_doc.is_empty() {
        doc.push(String::new());
        doc.push("# Arguments".to_owned());
        doc.push(String::new());
        doc.extend(args_doc);
    }
    doc.extend(super::extension_lines(&op.extensions, true));
    let doc = ctx.doc(&doc);
    let deprecated = op.deprecated.as_ref().map(|note| quote! { #[deprecated(note = #note)] });

    let mut args: Vec<TokenStream> = Vec::new();
    for p in &op.params {
        let id = ident(&p.field.ident);
        let ty = arg_ty(ctx, &p.field.ty);
        args.push(quote! { #id: #ty });
    }
    if let Some((ty, _)) = &op.body {
        let ty = arg_ty(ctx, ty);
        args.push(quote! { body: #ty });
    }
    if let Some((id, _)) = &op.optional {
        let ty = ctx.type_path(*id);
        args.push(quote! { params: &#ty });
    }
    let many = if args.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] }
    } else {
        TokenStream::new()
    };

    let operation = ctx.import("Operation");
    let route = ctx.import("Route");
    let response = ctx.ty(&op.response);
    let error = ctx.ty(&op.error.ty);
    let rust_path = &op.rust_path;
    let constructor = if op.enveloped {
        quote! { legacy }
    } else {
        quote! { new }
    };
    let method = method(&op.method);
    let path = path_expr(ctx, &op.path, &op.params);
    let key = op.body_key.as_ref().map(|k| quote! { .with_body_key(#k) });
    let mut chain: Vec<TokenStream> = Vec::new();
    if let Some(legacy) = &op.legacy {
        chain.push(legacy_route(ctx, &route, legacy, &op.params));
    }
    for p in &op.params {
        if p.location != Location::Path {
            let id = ident(&p.field.ident);
            chain.push(param_stmt(ctx, p, quote! { #id }, false));
        }
    }
    let mut tail: Vec<TokenStream> = Vec::new();
    if let Some((_, params)) = &op.optional {
        for p in params {
            let id = ident(&p.field.ident);
            tail.push(param_stmt(ctx, p, quote! { params.#id }, true));
        }
    }
    if let Some((ty, _)) = &op.body {
        if matches!(ty, Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64) {
            chain.push(quote! { .with_json_body(&body) });
        } else {
            chain.push(quote! { .with_json_body(body) });
        }
    }
    if let Some((property, by_status)) = &op.error.tags {
        if !by_status.is_empty() {
            let entries = by_status.iter().map(|(status, tag)| {
                let status = proc_macro2::Literal::u16_unsuffixed(*status);
                quote! { (#status, #tag) }
            });
            chain.push(quote! { .with_error_tags(#property, &[#(#entries),*]) });
        } else {
            chain.push(quote! { .with_error_tags(#property, &[]) });
        }
    }
    let body = if tail.is_empty() {
        quote! {
            #operation::new(#rust_path, #route::#constructor(#method, #path)#key)
                #(#chain)*
        }
    } else {
        quote! {
            let mut operation = #operation::new(#rust_path, #route::#constructor(#method, #path)#key)
                #(#chain)*;
            #(#tail)*
            operation
        }
    };
    quote! {
        #doc
        #gate
        #deprecated
        #many
        pub fn #name(#(#args),*) -> #operation<#response, #error> {
            #body
        }
    }
}

fn method(m: &str) -> TokenStream {
    let known = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];
    if known.contains(&m) {
        let id = ident(m);
        quote! { ::http::Method::#id }
    } else {
        quote! { ::http::Method::from_bytes(#m.as_bytes()).unwrap_or(::http::Method::POST) }
    }
}

fn legacy_route(ctx: &Ctx, route: &TokenStream, legacy: &LegacyRoute, params: &[Param]) -> TokenStream {
    let method = method(&legacy.method);
    let path = path_expr(ctx, &legacy.path, params);
    let key = legacy.body_key.as_ref().map(|k| quote! { .with_body_key(#k) });
    quote! { .with_legacy(#route::legacy(#method, #path)#key) }
}

/// The argument type of a parameter or body: borrowed where that is natural.
fn arg_ty(ctx: &Ctx, ty: &Ty) -> TokenStream {
    match ty {
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => ctx.ty(ty),
        Ty::String => quote! { &str },
        Ty::Vec(inner) => {
            let inner = ctx.ty(inner);
            quote! { &[#inner] }
        }
        other => {
            let t = ctx.ty(other);
            quote! { &#t }
        }
    }
}

/// An expression turning a parameter value (a reference, or a copy of a primitive) into a
/// `String`.
fn render(ctx: &Ctx, ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote! { #value.to_owned() },
        Ty::Secret => quote! { #value.expose().to_owned() },
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => quote! { #value.to_string() },
        Ty::DateTime => {
            let wire = ctx.import("wire");
            quote! { #wire::date_time(#value) }
        }
        _ if ctx.is_enum(ty) => quote! { #value.as_str().to_owned() },
        _ => {
            let wire = ctx.import("wire");
            quote! { #wire::json(#value) }
        }
    }
}

/// Adds one query or header parameter to the operation being built: a chained call for a
/// required parameter, a statement for an optional one.
fn param_stmt(ctx: &Ctx, p: &Param, value: TokenStream, optional: bool) -> TokenStream {
    let wire_name = &p.field.wire;
    let header = p.location == Location::Header;
    let some = ctx.prelude("Some");
    let call = match &p.field.ty {
        Ty::Vec(inner) => {
            let item = render(ctx, inner, quote! { item });
            // `|item| wire::json(item)` is just `wire::json`.
            let map = match inner.as_ref() {
                Ty::DateTime => {
                    let wire = ctx.import("wire");
                    quote! { #wire::date_time }
                }
                ty if !matches!(ty, Ty::String | Ty::Secret | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64)
                    && !ctx.is_enum(ty) =>
                {
                    let wire = ctx.import("wire");
                    quote! { #wire::json }
                }
                _ => quote! { |item| #item },
            };
            let items = if optional {
                quote! { items }
            } else {
                value.clone()
            };
            if p.explode && !header {
                quote! { with_query_all(#wire_name, #items.iter().map(#map)) }
            } else {
                let method = if header {
                    quote! { with_header }
                } else {
                    quote! { with_query }
                };
                let wire = ctx.import("wire");
                quote! { #method(#wire_name, #wire::join(#items.iter().map(#map))) }
            }
        }
        ty => {
            let method = if header {
                quote! { with_header }
            } else {
                quote! { with_query }
            };
            let rendered = if optional { render(ctx, ty, quote! { value }) } else { render(ctx, ty, value.clone()) };
            quote! { #method(#wire_name, #rendered) }
        }
    };
    if !optional {
        return quote! { .#call };
    }
    let binding = if matches!(p.field.ty, Ty::Vec(_)) {
        quote! { items }
    } else {
        quote! { value }
    };
    quote! {
        if let #some(#binding) = &#value {
            operation = operation.#call;
        }
    }
}

/// A `String` expression for a path template with its parameters encoded.
fn path_expr(ctx: &Ctx, path: &PathTemplate, params: &[Param]) -> TokenStream {
    let mut format = String::new();
    let mut args: Vec<TokenStream> = Vec::new();
    for part in &path.parts {
        match part {
            PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(name) => {
                format.push_str("{}");
                let id = ident(name);
                let ty = params.iter().find(|p| &p.field.ident == name).map(|p| &p.field.ty).unwrap_or(&Ty::String);
                let value = match ty {
                    Ty::String => quote! { #id },
                    other => {
                        let rendered = render(ctx, other, quote! { #id });
                        quote! { &#rendered }
                    }
                };
                let wire = ctx.import("wire");
                args.push(quote! { #wire::segment(#value) });
            }
        }
    }
    if let Some(query) = &path.query {
        format.push('?');
        format.push_str(&query.replace('{', "{{").replace('}', "}}"));
    }
    if args.is_empty() {
        let text = format.replace("{{", "{").replace("}}", "}");
        let string = ctx.prelude("String");
        quote! { #string::from(#text) }
    } else {
        quote! { format!(#format, #(#args),*) }
    }
}
