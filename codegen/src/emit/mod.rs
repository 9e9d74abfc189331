//! Emit: IR to token streams (Rust files) and text (the manifest), in a fixed order.
//!
//! This module does not import `openapiv3`; everything it needs is in the IR. Policy questions
//! (how to spell a path from this module, which std names are shadowed here) go to `Ctx`.

mod files;
mod items;
mod ops;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

use crate::config::Config;
use crate::ir::{Crate, Gate, ModPath, Module, Ty, TypeId};
use crate::names;

/// What an emitted file holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// Rust source, formatted by the writer. Doc comments are kept aside: the tokens carry
    /// `#[doc = "@@doc:N"]` markers that the writer replaces with block `N` after formatting, so
    /// that the parser and the formatter do not walk every character of every description.
    Rust(TokenStream, Vec<Vec<String>>),
    /// Rust source that is already formatted (the runtime).
    RustText(String),
    /// Any other text (the manifest).
    Text(String),
}

/// One emitted file, by path relative to the crate root.
#[derive(Debug, Clone)]
pub struct EmittedFile {
    /// Relative path with `/` separators.
    pub path: String,
    /// The spec files it comes from (for its header).
    pub sources: Vec<String>,
    /// Its content.
    pub content: Content,
}

/// Emits every file of the crate.
pub fn emit(krate: &Crate, config: &Config) -> Vec<EmittedFile> {
    let mut out = files::crate_files(krate, config);
    for (path, module) in &krate.modules {
        let ctx = Ctx::new(krate, path);
        let tokens = module_tokens(&ctx, module);
        let file = if path.is_empty() {
            "src/lib.rs".to_owned()
        } else {
            format!("src/{}.rs", path.iter().map(|s| s.trim_start_matches("r#")).collect::<Vec<_>>().join("/"))
        };
        let tokens = if path.is_empty() { files::lib_rs(krate, config, tokens) } else { tokens };
        let docs = ctx.docs.take();
        out.push(EmittedFile {
            path: file,
            sources: module.sources.iter().cloned().collect(),
            content: Content::Rust(tokens, docs),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn module_tokens(ctx: &Ctx, module: &Module) -> TokenStream {
    let children = module.children.iter().map(|child| {
        let mut child_path = module.path.clone();
        child_path.push(child.clone());
        let gate = ctx.cfg(&ctx.krate.modules[&child_path].gate, &module.gate);
        let name = ident(child);
        quote! { #gate pub mod #name; }
    });
    let children: Vec<TokenStream> = children.collect();
    let ops: Vec<TokenStream> = module
        .operations
        .iter()
        .map(|op| {
            ctx.enter(&op.gate, &module.gate);
            ops::operation(ctx, module, op)
        })
        .collect();
    let types: Vec<TokenStream> = module
        .types
        .iter()
        .map(|id| {
            let t = &ctx.krate.types[id.0];
            ctx.enter(&t.gate, &module.gate);
            let gate = ctx.cfg(&t.gate, &module.gate);
            items::type_def(ctx, t, gate)
        })
        .collect();
    let doc = if module.path.is_empty() {
        TokenStream::new()
    } else {
        let dotted = module.path.iter().map(|s| s.trim_start_matches("r#")).collect::<Vec<_>>().join(".");
        let ops = module.operations.iter().filter(|o| o.from_spec).count();
        let twins = module.operations.len() - ops;
        let mut parts = Vec::new();
        if ops > 0 {
            parts.push(plural(ops, "operation"));
        }
        if twins > 0 {
            parts.push(plural(twins, "legacy twin"));
        }
        if !module.types.is_empty() {
            parts.push(plural(module.types.len(), "type"));
        }
        let lines = if parts.is_empty() {
            vec![format!("The `{dotted}` namespace of the vSphere Automation API.")]
        } else {
            vec![format!("The `{dotted}` namespace of the vSphere Automation API: {}.", parts.join(", "))]
        };
        inner_doc(&lines)
    };
    let imports = ctx.imports();
    quote! {
        #doc
        #imports
        #(#children)*
        #(#ops)*
        #(#types)*
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// An importable item's full path, and the features of the items that use it.
type Import = (&'static str, BTreeSet<Option<String>>);

/// Answers the emitters' questions about one module.
pub(crate) struct Ctx<'a> {
    pub krate: &'a Crate,
    pub module: &'a ModPath,
    /// Type names defined in this module; std names they shadow must be spelled in full.
    local: BTreeSet<&'a str>,
    /// Names to import at the top of the file: short name to full path, and the features of the
    /// items that use it (`None`: an item compiled whenever the module is).
    used: RefCell<BTreeMap<&'static str, Import>>,
    /// The feature of the item being emitted, when it has one of its own.
    current: RefCell<Option<String>>,
    /// Doc blocks, by marker number (see [`Content::Rust`]).
    docs: RefCell<Vec<Vec<String>>>,
}

/// Items the generated code may import by their short name, if no local type shadows it.
const IMPORTABLE: &[(&str, &str)] = &[
    ("BTreeMap", "std::collections::BTreeMap"),
    ("DateTime", "chrono::DateTime"),
    ("Deserialize", "serde::Deserialize"),
    ("Deserializer", "serde::Deserializer"),
    ("Operation", "crate::runtime::Operation"),
    ("Route", "crate::runtime::Route"),
    ("Serialize", "serde::Serialize"),
    ("Serializer", "serde::Serializer"),
    ("Utc", "chrono::Utc"),
    ("Value", "serde_json::Value"),
    ("fmt", "std::fmt"),
    ("wire", "crate::runtime::wire"),
];

/// Prelude names a local type could shadow.
const PRELUDE: &[(&str, &str)] = &[
    ("Box", "::std::boxed::Box"),
    ("Option", "::std::option::Option"),
    ("Result", "::std::result::Result"),
    ("String", "::std::string::String"),
    ("Vec", "::std::vec::Vec"),
    ("From", "::std::convert::From"),
    ("Default", "::std::default::Default"),
    ("Some", "::std::option::Option::Some"),
    ("None", "::std::option::Option::None"),
    ("Ok", "::std::result::Result::Ok"),
];

impl<'a> Ctx<'a> {
    pub fn new(krate: &'a Crate, module: &'a ModPath) -> Self {
        let local = krate
            .modules
            .get(module)
            .map(|m| m.types.iter().map(|t| krate.types[t.0].name.as_str()).collect())
            .unwrap_or_default();
        Self {
            krate,
            module,
            local,
            used: RefCell::new(BTreeMap::new()),
            current: RefCell::new(None),
            docs: RefCell::new(Vec::new()),
        }
    }

    /// Starts emitting an item with this gate, in a module with that one.
    pub fn enter(&self, gate: &Gate, module_gate: &Gate) {
        *self.current.borrow_mut() = match gate {
            Gate::Feature(f) if gate != module_gate => Some(f.trim_start_matches("r#").to_owned()),
            _ => None,
        };
    }

    /// A prelude name, spelled in full if a local type shadows it.
    pub fn prelude(&self, name: &'static str) -> TokenStream {
        match PRELUDE.iter().find(|(n, _)| *n == name) {
            Some((_, full)) if self.local.contains(name) => path_tokens(full),
            _ => ident(name).into_token_stream(),
        }
    }

    /// The prelude path as text, for serde's string attributes (`"Option::is_none"`).
    pub fn prelude_text(&self, name: &'static str) -> String {
        match PRELUDE.iter().find(|(n, _)| *n == name) {
            Some((_, full)) if self.local.contains(name) => full.to_string(),
            _ => name.to_owned(),
        }
    }

    /// An importable item: imported by short name unless a local type shadows it.
    pub fn import(&self, name: &'static str) -> TokenStream {
        let Some((short, full)) = IMPORTABLE.iter().find(|(n, _)| *n == name) else {
            return path_tokens(name);
        };
        if self.local.contains(short) {
            return if full.starts_with("crate::") { path_tokens(full) } else { path_tokens(&format!("::{full}")) };
        }
        let current = self.current.borrow().clone();
        self.used.borrow_mut().entry(short).or_insert_with(|| (full, BTreeSet::new())).1.insert(current);
        ident(short).into_token_stream()
    }

    /// The `use` declarations, each gated like the items that need it (an import only gated
    /// items use would be unused without their feature).
    fn imports(&self) -> TokenStream {
        let used = self.used.borrow();
        let mut groups: BTreeMap<(Vec<String>, String), Vec<&str>> = BTreeMap::new();
        for (short, (full, gates)) in used.iter() {
            let parent = full.rsplit_once("::").map(|(p, _)| p).unwrap_or("");
            let features: Vec<String> =
                if gates.contains(&None) { Vec::new() } else { gates.iter().flatten().cloned().collect() };
            groups.entry((features, parent.to_owned())).or_default().push(short);
        }
        let uses = groups.iter().map(|((features, parent), shorts)| {
            let cfg = match features.as_slice() {
                [] => TokenStream::new(),
                [one] => quote! { #[cfg(feature = #one)] },
                many => quote! { #[cfg(any(#(feature = #many),*))] },
            };
            // `::std`, never `std`: a generated module may be called `std` (vapi.std).
            let parent =
                if parent.starts_with("crate") { path_tokens(parent) } else { path_tokens(&format!("::{parent}")) };
            let names: Vec<Ident> = shorts.iter().map(|s| ident(s)).collect();
            if names.len() == 1 {
                let n = &names[0];
                quote! { #cfg use #parent::#n; }
            } else {
                quote! { #cfg use #parent::{#(#names),*}; }
            }
        });
        quote! { #(#uses)* }
    }

    /// How this module spells a generated type.
    pub fn type_path(&self, id: TypeId) -> TokenStream {
        let t = &self.krate.types[id.0];
        let name = ident(&t.name);
        if &t.module == self.module {
            quote! { #name }
        } else {
            let segs = t.module.iter().map(|s| ident(s));
            quote! { crate::#(#segs::)*#name }
        }
    }

    /// How this module spells a type expression.
    pub fn ty(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::Unit => quote! { () },
            Ty::Bool => quote! { bool },
            Ty::I32 => quote! { i32 },
            Ty::I64 => quote! { i64 },
            Ty::F32 => quote! { f32 },
            Ty::F64 => quote! { f64 },
            Ty::String => self.prelude("String"),
            Ty::Secret => quote! { crate::runtime::Secret },
            Ty::DateTime => {
                let dt = self.import("DateTime");
                let utc = self.import("Utc");
                quote! { #dt<#utc> }
            }
            Ty::Json => self.import("Value"),
            Ty::Named(id) => self.type_path(*id),
            Ty::Vec(inner) => {
                let v = self.prelude("Vec");
                let inner = self.ty(inner);
                quote! { #v<#inner> }
            }
            Ty::Map(inner) => {
                let m = self.import("BTreeMap");
                let s = self.prelude("String");
                let inner = self.ty(inner);
                quote! { #m<#s, #inner> }
            }
        }
    }

    /// `#[cfg(feature = "...")]` when an item's gate differs from its module's.
    pub fn cfg(&self, gate: &Gate, module_gate: &Gate) -> TokenStream {
        match gate {
            Gate::Feature(f) if gate != module_gate => {
                let f = f.trim_start_matches("r#");
                quote! { #[cfg(feature = #f)] }
            }
            _ => TokenStream::new(),
        }
    }

    /// Whether a type is an open enum (rendered by `as_str()` in URLs).
    pub fn is_enum(&self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(id) if matches!(self.krate.types[id.0].kind, crate::ir::TypeKind::Enum(_)))
    }
}

/// An identifier token; raw (`r#type`) when the name says so. Never panics: an invalid name
/// (a generator bug) is sanitised.
pub(crate) fn ident(name: &str) -> Ident {
    if !names::is_valid(name) {
        let mut fixed: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
        if !fixed.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') || fixed == "_" {
            fixed.insert(0, '_');
        }
        return Ident::new(&fixed, Span::call_site());
    }
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Tokens for a path such as `::std::string::String` or `crate::runtime::Secret`.
pub(crate) fn path_tokens(path: &str) -> TokenStream {
    let leading = path.starts_with("::");
    let segs: Vec<Ident> = path.trim_start_matches("::").split("::").filter(|s| !s.is_empty()).map(ident).collect();
    if leading {
        quote! { #(::#segs)* }
    } else {
        quote! { #(#segs)::* }
    }
}

impl Ctx<'_> {
    /// A doc comment: a marker attribute the writer replaces with `/// line` for every line.
    pub fn doc(&self, lines: &[String]) -> TokenStream {
        if lines.is_empty() {
            return TokenStream::new();
        }
        let mut docs = self.docs.borrow_mut();
        let marker = format!("{}{}", crate::write::DOC_MARKER, docs.len());
        docs.push(lines.to_vec());
        quote! { #[doc = #marker] }
    }
}

/// Doc lines listing vendor extensions, after a blank line (nothing when there are none).
pub(crate) fn extension_lines(extensions: &[(String, String)], heading: bool) -> Vec<String> {
    if extensions.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![String::new()];
    if heading {
        lines.push("# Vendor extensions".to_owned());
        lines.push(String::new());
    } else {
        lines.push("Vendor extensions:".to_owned());
        lines.push(String::new());
    }
    for (key, value) in extensions {
        lines.push(format!("- `{key}`: {}", crate::docs::code(value)));
    }
    lines
}

/// `#![doc = " line"]` attributes, one per line.
pub(crate) fn inner_doc(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|l| {
        let text = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote! { #![doc = #text] }
    });
    quote! { #(#attrs)* }
}
