//! Generated functions: one per operation, each returning a sans-IO `Operation` built from static
//! route data and one call per input.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, ident};
use crate::ir::{BodyEncoding, LegacyRoute, Location, Module, Operation, Param, Target, Translation, Ty};

pub(crate) fn operation(ctx: &Ctx, module: &Module, op: &Operation) -> TokenStream {
    let gate = ctx.cfg(&op.gate, &module.gate);
    let mut doc = op.doc.clone();
    doc.extend(super::extension_lines(&op.extensions, true));
    let doc = ctx.doc(&doc);
    let deprecated = op.deprecated.as_ref().map(|note| quote! { #[deprecated(note = #note)] });
    let args = arguments(ctx, op);
    let many = (args.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let operation = ctx.import("Operation");
    let error = ctx.ty(&op.error.ty);
    let response = match &op.task {
        Some(result) => {
            let (task, result) = (ctx.import("Task"), ctx.ty(result));
            quote! { #task<#result, #error> }
        }
        None => ctx.ty(&op.response),
    };
    let name = ident(&op.ident);
    let body = match &op.twin_of {
        Some(of) => twin_body(op, of),
        None => own_body(ctx, op),
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

/// The function's arguments: path and required parameters, the body, the optional parameters.
fn arguments(ctx: &Ctx, op: &Operation) -> Vec<TokenStream> {
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let (id, ty) = (ident(&p.field.ident), arg_ty(ctx, &p.field.ty));
            quote! { #id: #ty }
        })
        .collect();
    if let Some(body) = &op.body {
        let ty = arg_ty(ctx, &body.ty);
        args.push(quote! { body: #ty });
    }
    if let Some(optional) = &op.optional {
        let ty = ctx.type_path(optional.ty);
        args.push(quote! { params: &#ty });
    }
    args
}

/// The argument type of a parameter or body: borrowed where that is natural.
fn arg_ty(ctx: &Ctx, ty: &Ty) -> TokenStream {
    match ty {
        _ if ty.is_scalar() => ctx.ty(ty),
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

/// A `*_legacy` entry point: its operation, always sent to the legacy route.
fn twin_body(op: &Operation, of: &str) -> TokenStream {
    let of = ident(of);
    let mut args: Vec<TokenStream> = op.params.iter().map(|p| ident(&p.field.ident)).map(|i| quote! { #i }).collect();
    if op.body.is_some() {
        args.push(quote! { body });
    }
    if op.optional.is_some() {
        args.push(quote! { params });
    }
    let name = &op.rust_path;
    quote! { #of(#(#args),*).into_legacy(#name) }
}

/// The route, then one call per input, then the legacy route.
fn own_body(ctx: &Ctx, op: &Operation) -> TokenStream {
    let (operation, route) = (ctx.import("Operation"), ctx.import("Route"));
    let constructor = ident(op.method.key());
    let path = &op.path;
    let name = &op.rust_path;
    let mut calls: Vec<TokenStream> = op.params.iter().map(|p| input_call(p, value_expr(p, false))).collect();
    if let Some(optional) = &op.optional {
        calls.extend(optional.params.iter().map(|p| input_call(p, value_expr(p, true))));
    }
    if let Some(body) = &op.body {
        let call = match body.encoding {
            BodyEncoding::Json => quote! { body },
            BodyEncoding::Form => quote! { form_body },
        };
        calls.push(if body.ty.is_scalar() {
            quote! { .#call(&body) }
        } else {
            quote! { .#call(body) }
        });
    }
    calls.extend(op.legacy.as_ref().map(|legacy| legacy_call(ctx, legacy)));
    quote! {
        let route = #route::#constructor(#path);
        #operation::new(#name, route) #(#calls)*
    }
}

/// The value expression of a parameter: the argument, or the field of `params`.
fn value_expr(p: &Param, optional: bool) -> TokenStream {
    let id = ident(&p.field.ident);
    match (optional, &p.field.ty) {
        (true, _) => quote! { &params.#id },
        (false, ty) if ty.is_scalar() => quote! { &#id },
        (false, _) => quote! { #id },
    }
}

fn input_call(p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.field.wire;
    match p.location {
        Location::Path => quote! { .path(#wire, #value) },
        Location::Query if p.explode || !matches!(p.field.ty, Ty::Vec(_)) => quote! { .query(#wire, #value) },
        Location::Query => quote! { .query_joined(#wire, #value) },
        Location::Header => quote! { .header(#wire, #value) },
    }
}

/// `.legacy(Legacy::new(..)...)`, or `.no_legacy("why")`.
fn legacy_call(ctx: &Ctx, legacy: &LegacyRoute) -> TokenStream {
    match legacy {
        LegacyRoute::Unavailable(reason) => quote! { .no_legacy(#reason) },
        LegacyRoute::Route { method, path, translation } => {
            let (legacy, constructor) = (ctx.import("Legacy"), ident(method.key()));
            let steps = translation_steps(ctx, translation);
            quote! { .legacy(#legacy::#constructor(#path) #(#steps)*) }
        }
    }
}

fn translation_steps(ctx: &Ctx, t: &Translation) -> Vec<TokenStream> {
    let mut steps = Vec::new();
    if let Some(key) = &t.wrap {
        steps.push(quote! { .wrap(#key) });
    }
    let targets = |pairs: &[(String, Target)]| -> Vec<TokenStream> {
        let target = ctx.import("Target");
        pairs
            .iter()
            .map(|(from, to)| {
                let to = match to {
                    Target::Path(name) => quote! { #target::Path(#name) },
                    Target::Query(name) => quote! { #target::Query(#name) },
                    Target::Body(name) => quote! { #target::Body(#name) },
                };
                quote! { (#from, #to) }
            })
            .collect()
    };
    if !t.inputs.is_empty() {
        let pairs = targets(&t.inputs);
        steps.push(quote! { .inputs(&[#(#pairs),*]) });
    }
    if !t.fields.is_empty() {
        let pairs = targets(&t.fields);
        steps.push(quote! { .fields(&[#(#pairs),*]) });
    }
    if !t.maps.is_empty() {
        let maps = &t.maps;
        steps.push(quote! { .maps(&[#(#maps),*]) });
    }
    steps
}
