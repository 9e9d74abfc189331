//! The layout of code written as text (see [`super::Aside`]): a line when it fits in 100
//! columns, else broken the way rustfmt breaks it: a call's arguments one a line, a method chain
//! one call a line, a lone slice argument's elements one a line, a signature's parameters one a
//! line, a field's type and an impl's type on lines of their own, a match arm's value in a block.

/// The widest line written, as rustfmt's default `max_width`.
const WIDTH: usize = 100;

/// Whether a line (its newline aside) fits in 100 columns.
pub(super) fn fits(line: &str) -> bool {
    line.trim_end_matches('\n').chars().count() <= WIDTH
}

/// A function's first line at `indent`: on one line when it fits, else a parameter a line.
pub(super) fn signature(indent: &str, head: &str, params: &[impl AsRef<str>], output: &str) -> String {
    let params: Vec<&str> = params.iter().map(AsRef::as_ref).collect();
    let line = format!("{indent}{head}({}) -> {output} {{\n", params.join(", "));
    if fits(&line) {
        return line;
    }
    let params: String = params.iter().map(|p| format!("{indent}    {p},\n")).collect();
    format!("{indent}{head}(\n{params}{indent}) -> {output} {{\n")
}

/// The first line of `impl Trait for Name`: one line when it fits in 100 columns, else the
/// type on a line of its own and the brace on the next, as rustfmt breaks it.
pub(super) fn impl_line(head: &str, name: &proc_macro2::Ident) -> String {
    let line = format!("{head} for {name} {{\n");
    if fits(&line) { line } else { format!("{head}\n    for {name}\n{{\n") }
}

/// `pub name: Type,` at the indentation of a struct's fields: the type on a line of its own when
/// the line would pass 100 columns, as rustfmt breaks it.
pub(super) fn field_line(name: &proc_macro2::Ident, ty: &str) -> String {
    let line = format!("    pub {name}: {ty},\n");
    if fits(&line) { line } else { format!("    pub {name}:\n        {ty},\n") }
}

/// A match arm at the indentation of a method's `match`: on one line when it fits in 100 columns,
/// else its value in a block, as rustfmt breaks it.
pub(super) fn arm(pattern: &str, value: &str) -> String {
    let line = format!("            {pattern} => {value},\n");
    if fits(&line) { line } else { format!("            {pattern} => {{\n                {value}\n            }}\n") }
}

/// An expression to lay out.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    /// Text that is never broken: a literal, a path, a short expression.
    Atom(String),
    /// `callee(args)`.
    Call(String, Vec<Expr>),
    /// `head.a(..).b(..)`: the head, then each method and its arguments.
    Chain(Box<Expr>, Vec<(String, Vec<Expr>)>),
    /// `&[a, b]`.
    Slice(Vec<Expr>),
    /// `(a, b)`.
    Tuple(Vec<Expr>),
}

impl Expr {
    /// An atom of any text.
    pub(super) fn atom(text: impl Into<String>) -> Self {
        Expr::Atom(text.into())
    }

    /// The expression on one line.
    pub(super) fn flat(&self) -> String {
        let list = |items: &[Expr]| items.iter().map(Expr::flat).collect::<Vec<_>>().join(", ");
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Call(callee, args) => format!("{callee}({})", list(args)),
            Expr::Chain(head, calls) => {
                let calls: String = calls.iter().map(|(m, args)| format!(".{m}({})", list(args))).collect();
                format!("{}{calls}", head.flat())
            }
            Expr::Slice(items) => format!("&[{}]", list(items)),
            Expr::Tuple(items) => format!("({})", list(items)),
        }
    }

    /// The expression in a block indented `indent` columns, followed by `after` (`;`, `,` or
    /// nothing): on one line when that fits, else broken; no final newline.
    pub(super) fn layout(&self, indent: usize, after: &str) -> String {
        self.layout_after(indent, 0, after)
    }

    /// [`Expr::layout`] after `lead` columns of text on the line (`let route = `).
    pub(super) fn layout_after(&self, indent: usize, lead: usize, after: &str) -> String {
        let flat = self.flat();
        if fits(&format!("{}{flat}{after}", " ".repeat(indent + lead))) {
            return format!("{flat}{after}");
        }
        let pad = " ".repeat(indent);
        let inner = " ".repeat(indent + 4);
        match self {
            Expr::Atom(text) => format!("{text}{after}"),
            Expr::Call(callee, args) => format!("{callee}{}{after}", arguments(args, indent)),
            Expr::Chain(head, calls) => {
                let mut out = head.layout_after(indent, lead, "");
                for (at, (method, args)) in calls.iter().enumerate() {
                    let tail = if at + 1 == calls.len() { after } else { "" };
                    let call = Expr::Call(format!(".{method}"), args.clone());
                    out.push_str(&format!("\n{inner}{}", call.layout(indent + 4, tail)));
                }
                out
            }
            Expr::Slice(items) => {
                let items: String = items.iter().map(|i| format!("{inner}{}\n", i.layout(indent + 4, ","))).collect();
                format!("&[\n{items}{pad}]{after}")
            }
            Expr::Tuple(items) => format!("{}{after}", arguments(items, indent)),
        }
    }
}

/// `(args)` broken: a lone slice overflows (`(&[` then its elements), anything else takes an
/// argument a line.
fn arguments(args: &[Expr], indent: usize) -> String {
    if let [slice @ Expr::Slice(_)] = args {
        return format!("({})", slice.layout(indent, ""));
    }
    let (pad, inner) = (" ".repeat(indent), " ".repeat(indent + 4));
    let lines: String = args.iter().map(|a| format!("{inner}{}\n", a.layout(indent + 4, ","))).collect();
    format!("(\n{lines}{pad})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(callee: &str, args: &[&str]) -> Expr {
        Expr::Call(callee.to_owned(), args.iter().map(|a| Expr::atom(*a)).collect())
    }

    #[test]
    fn what_fits_stays_on_one_line() {
        let chain = Expr::Chain(
            Box::new(call("Operation::new", &["\"a::b\"", "route"])),
            vec![("path".to_owned(), vec![Expr::atom("\"vm\""), Expr::atom("vm")])],
        );
        assert_eq!(chain.layout(4, ""), "Operation::new(\"a::b\", route).path(\"vm\", vm)");
    }

    #[test]
    fn a_long_chain_takes_a_call_a_line_and_long_arguments_break() {
        let long = "x".repeat(80);
        let legacy = Expr::Chain(
            Box::new(call("Legacy::put", &[&format!("\"/rest/{long}\"")])),
            vec![("wrap".to_owned(), vec![Expr::atom("\"config\"")])],
        );
        let chain = Expr::Chain(
            Box::new(call("Operation::new", &["\"a::b\"", "route"])),
            vec![("body".to_owned(), vec![Expr::atom("body")]), ("legacy".to_owned(), vec![legacy])],
        );
        let text = chain.layout(4, "");
        assert_eq!(
            text,
            format!(
                "Operation::new(\"a::b\", route)\n        .body(body)\n        .legacy(\n            \
                 Legacy::put(\n                \"/rest/{long}\",\n            )\n                \
                 .wrap(\"config\"),\n        )"
            )
        );
    }

    #[test]
    fn a_lone_slice_argument_overflows() {
        let pairs: Vec<Expr> = (0..6)
            .map(|i| Expr::Tuple(vec![Expr::atom(format!("\"name_{i}\"")), call("Target::Path", &["\"id\""])]))
            .collect();
        let call = Expr::Call(".inputs".to_owned(), vec![Expr::Slice(pairs)]);
        let text = call.layout(16, ",");
        assert!(text.starts_with(".inputs(&[\n                    (\"name_0\", Target::Path(\"id\")),\n"), "{text}");
        assert!(text.ends_with("\n                ]),"), "{text}");
        assert!(text.lines().all(|l| l.len() + 16 <= WIDTH), "{text}");
    }

    #[test]
    fn a_long_signature_takes_a_parameter_a_line() {
        let params: Vec<String> = (0..4).map(|i| format!("parameter_number_{i}: &SomeLongTypeName")).collect();
        let text = signature("", "pub fn f", &params, "Operation<(), Error>");
        assert!(text.starts_with("pub fn f(\n    parameter_number_0: &SomeLongTypeName,\n"), "{text}");
        assert!(text.ends_with("\n) -> Operation<(), Error> {\n"), "{text}");
        assert_eq!(signature("", "pub fn f", &["a: u8"], "()"), "pub fn f(a: u8) -> () {\n");
    }
}
