//! Generated functions: one per operation, each returning a sans-IO `Operation` built from static
//! route data and one call per input. Written as text (see [`super::Aside`]), laid out by
//! [`super::layout`].

use super::layout::{self, Expr};
use super::{Ctx, ident};
use crate::ir::{BodyEncoding, LegacyRoute, Location, Operation, Param, Target, Translation, Ty};

/// A string literal.
fn lit(text: &str) -> Expr {
    Expr::atom(super::items::lit(text))
}

pub(crate) fn operation(ctx: &Ctx, op: &Operation) -> String {
    let mut doc = op.doc.clone();
    doc.extend(super::extension_lines(&op.extensions, true));
    let mut out = String::new();
    crate::write::doc_comment(&doc, "", &mut out);
    out.push_str(&ctx.cfg_text(&op.gate));
    if let Some(note) = &op.deprecated {
        let note = lit(note).flat();
        let line = format!("#[deprecated(note = {note})]\n");
        out.push_str(&if layout::fits(&line) { line } else { format!("#[deprecated(\n    note = {note}\n)]\n") });
    }
    let args = arguments(ctx, op);
    if args.len() > 7 {
        out.push_str("#[allow(clippy::too_many_arguments)]\n");
    }
    let operation = ctx.import_text("Operation");
    let error = ctx.ty_text(&op.error.ty);
    let response = match &op.task {
        Some(result) => format!("{}<{}, {error}>", ctx.import_text("Task"), ctx.ty_text(result)),
        None => ctx.ty_text(&op.response),
    };
    let head = format!("pub fn {}", ident(&op.ident));
    out.push_str(&layout::signature("", &head, &args, &format!("{operation}<{response}, {error}>")));
    match &op.twin_of {
        Some(of) => out.push_str(&format!("    {}\n", twin_body(op, of).layout(4, ""))),
        None => own_body(ctx, op, &mut out),
    }
    out.push_str("}\n");
    out
}

/// The function's arguments: path and required parameters, the body, the optional parameters.
fn arguments(ctx: &Ctx, op: &Operation) -> Vec<String> {
    let mut args: Vec<String> =
        op.params.iter().map(|p| format!("{}: {}", ident(&p.field.ident), arg_ty(ctx, &p.field.ty))).collect();
    if let Some(body) = &op.body {
        args.push(format!("body: {}", arg_ty(ctx, &body.ty)));
    }
    if let Some(optional) = &op.optional {
        args.push(format!("params: &{}", ctx.type_path_text(optional.ty)));
    }
    args
}

/// The argument type of a parameter or body: borrowed where that is natural.
fn arg_ty(ctx: &Ctx, ty: &Ty) -> String {
    match ty {
        _ if ty.is_scalar() => ctx.ty_text(ty),
        Ty::String => "&str".to_owned(),
        Ty::Vec(inner) => format!("&[{}]", ctx.ty_text(inner)),
        other => format!("&{}", ctx.ty_text(other)),
    }
}

/// A `*_legacy` entry point: its operation, always sent to the legacy route.
fn twin_body(op: &Operation, of: &str) -> Expr {
    let mut args: Vec<Expr> = op.params.iter().map(|p| Expr::atom(ident(&p.field.ident).to_string())).collect();
    if op.body.is_some() {
        args.push(Expr::atom("body"));
    }
    if op.optional.is_some() {
        args.push(Expr::atom("params"));
    }
    Expr::Chain(
        Box::new(Expr::Call(ident(of).to_string(), args)),
        vec![("into_legacy".to_owned(), vec![lit(&op.rust_path)])],
    )
}

/// The route, then one call per input, then the legacy route.
fn own_body(ctx: &Ctx, op: &Operation, out: &mut String) {
    let (operation, route) = (ctx.import_text("Operation"), ctx.import_text("Route"));
    let constructor = Expr::Call(format!("{route}::{}", ident(op.method.key())), vec![lit(&op.path)]);
    out.push_str(&format!("    let route = {}\n", constructor.layout_after(4, "let route = ".len(), ";")));
    let mut calls: Vec<(String, Vec<Expr>)> = op.params.iter().map(|p| input_call(p, value_expr(p, false))).collect();
    if let Some(optional) = &op.optional {
        calls.extend(optional.params.iter().map(|p| input_call(p, value_expr(p, true))));
    }
    if let Some(body) = &op.body {
        let call = match body.encoding {
            BodyEncoding::Json => "body",
            BodyEncoding::Form => "form_body",
        };
        let value = if body.ty.is_scalar() { "&body" } else { "body" };
        calls.push((call.to_owned(), vec![Expr::atom(value)]));
    }
    calls.extend(op.legacy.as_ref().map(|legacy| legacy_call(ctx, legacy)));
    let new = Expr::Call(format!("{operation}::new"), vec![lit(&op.rust_path), Expr::atom("route")]);
    let chain = if calls.is_empty() { new } else { Expr::Chain(Box::new(new), calls) };
    out.push_str(&format!("    {}\n", chain.layout(4, "")));
}

/// The value expression of a parameter: the argument, or the field of `params`.
fn value_expr(p: &Param, optional: bool) -> Expr {
    let id = ident(&p.field.ident);
    Expr::atom(match (optional, &p.field.ty) {
        (true, _) => format!("&params.{id}"),
        (false, ty) if ty.is_scalar() => format!("&{id}"),
        (false, _) => id.to_string(),
    })
}

fn input_call(p: &Param, value: Expr) -> (String, Vec<Expr>) {
    let method = match p.location {
        Location::Path => "path",
        Location::Query if p.explode || !matches!(p.field.ty, Ty::Vec(_)) => "query",
        Location::Query => "query_joined",
        Location::Header => "header",
    };
    (method.to_owned(), vec![lit(&p.field.wire), value])
}

/// `.legacy(Legacy::new(..)...)`, or `.no_legacy("why")`.
fn legacy_call(ctx: &Ctx, legacy: &LegacyRoute) -> (String, Vec<Expr>) {
    match legacy {
        LegacyRoute::Unavailable(reason) => ("no_legacy".to_owned(), vec![lit(reason)]),
        LegacyRoute::Route { method, path, translation } => {
            let constructor = format!("{}::{}", ctx.import_text("Legacy"), ident(method.key()));
            let route = Expr::Call(constructor, vec![lit(path)]);
            let steps = translation_steps(ctx, translation);
            let route = if steps.is_empty() { route } else { Expr::Chain(Box::new(route), steps) };
            ("legacy".to_owned(), vec![route])
        }
    }
}

fn translation_steps(ctx: &Ctx, t: &Translation) -> Vec<(String, Vec<Expr>)> {
    let mut steps = Vec::new();
    if let Some(key) = &t.wrap {
        steps.push(("wrap".to_owned(), vec![lit(key)]));
    }
    let targets = |pairs: &[(String, Target)]| -> Expr {
        let target = ctx.import_text("Target");
        Expr::Slice(
            pairs
                .iter()
                .map(|(from, to)| {
                    let (kind, name) = match to {
                        Target::Path(name) => ("Path", name),
                        Target::Query(name) => ("Query", name),
                        Target::Body(name) => ("Body", name),
                    };
                    Expr::Tuple(vec![lit(from), Expr::Call(format!("{target}::{kind}"), vec![lit(name)])])
                })
                .collect(),
        )
    };
    if !t.inputs.is_empty() {
        steps.push(("inputs".to_owned(), vec![targets(&t.inputs)]));
    }
    if !t.fields.is_empty() {
        steps.push(("fields".to_owned(), vec![targets(&t.fields)]));
    }
    if !t.maps.is_empty() {
        steps.push(("maps".to_owned(), vec![Expr::Slice(t.maps.iter().map(|m| lit(m)).collect())]));
    }
    steps
}
