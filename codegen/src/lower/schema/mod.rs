//! Schemas to types. Every schema that needs a name of its own (an object with properties, a
//! string enum, a union, a merged `allOf`) becomes a node; everything else becomes a type
//! expression ([`Ty`]). Nodes get their final identity and names in [`super::identity`].
//!
//! [`object`] lowers objects and `allOf` merges, [`union`] tagged and untagged unions; this file
//! dispatches on the schema's kind and lowers scalars, arrays and enums.

mod facets;
mod object;
mod union;

use std::collections::BTreeMap;

use openapiv3::{
    ArrayType, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, StringType, Type,
    VariantOrUnknownOrEmpty,
};

use super::{Lowerer, Node};
use crate::diag::Kind;
use crate::docs;
use crate::ir::{Enum, FileId, ModPath, Ty, TypeId, TypeKind, Variant};
use crate::names;
use crate::pointer::Pointer;

pub(crate) use object::Object;

/// A borrowed schema or reference.
#[derive(Clone, Copy)]
pub(crate) enum SRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

/// The module and name an inline schema gets if it needs a type of its own.
#[derive(Debug, Clone)]
pub(crate) struct Hint {
    pub module: ModPath,
    pub name: String,
}

impl Hint {
    /// The hint for a schema nested below this one (`CreateSpec` + `disks`).
    pub fn child(&self, suffix: &str) -> Hint {
        Hint { module: self.module.clone(), name: names::child_type(&self.name, suffix) }
    }
}

/// Where a schema being lowered sits: its file and pointer, the name its type would get, and the
/// component it is, if it is one.
#[derive(Clone, Copy)]
pub(crate) struct Spot<'s> {
    pub file: FileId,
    pub at: &'s Pointer,
    pub hint: &'s Hint,
    pub component: Option<&'s str>,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// `#/components/schemas/<name>`.
pub(crate) fn component_pointer(name: &str) -> Pointer {
    Pointer::root().push("components").push("schemas").push(name)
}

impl<'a> Lowerer<'a> {
    /// The type of a schema or reference found at `at`.
    pub(crate) fn schema_ty(&mut self, file: FileId, schema: SRef<'a>, at: &Pointer, hint: &Hint) -> Ty {
        match schema {
            SRef::Ref(reference) => match self.inner_schema(file, reference) {
                Some((inner, target)) => self.inner_ty(file, inner, target),
                None => match self.component_name(file, reference, at) {
                    Some(name) => self.component_ty(file, &name),
                    None => self.free_form(file),
                },
            },
            SRef::Item(schema) => self.item_ty(schema, Spot { file, at, hint, component: None }),
        }
    }

    /// A reference into a component's inner nodes (`#/components/schemas/X/properties/a`), a
    /// valid JSON pointer: the schema there and its pointer.
    pub(crate) fn inner_schema(&self, file: FileId, reference: &str) -> Option<(SRef<'a>, Pointer)> {
        let pointer = Pointer::parse(reference)?;
        let tokens: Vec<String> = pointer.tokens().collect();
        let [components, schemas, name, steps @ ..] = tokens.as_slice() else { return None };
        if components != "components" || schemas != "schemas" || steps.is_empty() {
            return None;
        }
        let mut current = SRef::from(self.component_schema(file, name)?);
        let mut rest = steps;
        while let [step, more @ ..] = rest {
            let schema = match current {
                SRef::Item(schema) => schema,
                SRef::Ref(r) => self.resolve_item(file, r.strip_prefix(COMPONENT_PREFIX)?)?,
            };
            let (next, consumed) = inner_step(schema, step, more.first())?;
            current = next;
            rest = &rest[consumed..];
        }
        Some((current, pointer))
    }

    /// The type of an inner node that a reference names, once per node.
    fn inner_ty(&mut self, file: FileId, schema: SRef<'a>, target: Pointer) -> Ty {
        let key = (file, target.to_string());
        if let Some(ty) = self.comp.get(&key) {
            return ty.clone().unwrap_or(Ty::Json);
        }
        self.comp.insert(key.clone(), None);
        let tokens: Vec<String> = target.tokens().collect();
        let (module, base) = self.placer.place(tokens.get(2).map(String::as_str).unwrap_or_default());
        let named = tokens
            .iter()
            .skip(3)
            .filter(|t| !matches!(t.as_str(), "properties" | "items" | "allOf" | "oneOf" | "anyOf"));
        let name = named.fold(base, |name, step| names::child_type(&name, step));
        let ty = self.schema_ty(file, schema, &target, &Hint { module, name });
        self.comp.insert(key, Some(ty.clone()));
        ty
    }

    /// The component name a reference points to; warns and returns `None` if it points nowhere.
    pub(crate) fn component_name(&mut self, file: FileId, reference: &str, at: &Pointer) -> Option<String> {
        if let Some(name) = reference.strip_prefix(COMPONENT_PREFIX) {
            let name = name.replace("~1", "/").replace("~0", "~");
            if self.component_schema(file, &name).is_some() {
                return Some(name);
            }
        }
        let why = if reference.is_empty() {
            "names this whole document, which is no schema"
        } else if reference.starts_with('#') {
            "points nowhere"
        } else {
            "points into another file, which is not supported"
        };
        self.warn(file, at, Kind::DanglingRef, format!("`$ref: {reference}` {why}; used `serde_json::Value`"));
        None
    }

    /// The schema a component name denotes.
    pub(crate) fn component_schema(&self, file: FileId, name: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.doc(file).api.components.as_ref()?.schemas.get(name)
    }

    /// Follows references from a component to the schema object.
    pub(crate) fn resolve_item(&self, file: FileId, name: &str) -> Option<&'a Schema> {
        let mut name = name.to_owned();
        for _ in 0..32 {
            match self.component_schema(file, &name)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => name = reference.strip_prefix(COMPONENT_PREFIX)?.to_owned(),
            }
        }
        None
    }

    /// The type of a component schema (memoised; recursion resolves to the node being built).
    pub(crate) fn component_ty(&mut self, file: FileId, name: &str) -> Ty {
        let key = (file, name.to_owned());
        match self.comp.get(&key) {
            Some(Some(ty)) => return ty.clone(),
            Some(None) => {
                let message =
                    "this schema is an alias of itself (a `$ref` cycle without a type in it); used `serde_json::Value`";
                self.warn(file, &component_pointer(name), Kind::Unsupported, message);
                return self.free_form(file);
            }
            None => {}
        }
        self.comp.insert(key.clone(), None);
        let at = component_pointer(name);
        if names::is_blank(name) {
            self.warn(file, &at, Kind::Shape, "the schema name has no letter or digit; its type is named `Value`");
        }
        let (module, type_name) = self.placer.place(name);
        let hint = Hint { module, name: type_name };
        let ty = match self.component_schema(file, name) {
            Some(ReferenceOr::Item(schema)) => {
                self.item_ty(schema, Spot { file, at: &at, hint: &hint, component: Some(name) })
            }
            Some(ReferenceOr::Reference { reference }) => match self.component_name(file, reference, &at) {
                Some(target) => self.component_ty(file, &target),
                None => self.free_form(file),
            },
            None => self.free_form(file),
        };
        self.comp.insert(key, Some(ty.clone()));
        ty
    }

    /// Registers a node and returns its id; its kind is filled in later.
    pub(crate) fn node(&mut self, spot: Spot, hint: &Hint, doc_lines: Vec<String>) -> TypeId {
        let id = TypeId(self.nodes.len());
        let extensions = self.extensions(spot.file, spot.at);
        self.nodes.push(Node {
            file: spot.file,
            pointer: spot.at.clone(),
            want: (hint.module.clone(), hint.name.clone()),
            kind: None,
            doc_lines,
            extensions,
            unique: false,
            rest_scheme: spot.component.is_some_and(super::place::rest_scheme),
        });
        if let Some(name) = spot.component {
            self.comp.insert((spot.file, name.to_owned()), Some(Ty::Named(id)));
        }
        id
    }

    /// Registers a node whose kind is known.
    fn filled(&mut self, spot: Spot, doc_lines: Vec<String>, kind: TypeKind) -> Ty {
        let id = self.node(spot, spot.hint, doc_lines);
        self.nodes[id.0].kind = Some(kind);
        Ty::Named(id)
    }

    /// The type of a schema object, by its kind.
    fn item_ty(&mut self, schema: &'a Schema, spot: Spot) -> Ty {
        let description = schema.schema_data.description.as_deref().unwrap_or("");
        if let Some(name) = spot.component {
            if let Some(plan) = self.unions.get(&(spot.file, name.to_owned())).cloned() {
                return self.declared_union(&plan, name, docs::lines(description), spot);
            }
        }
        let strip = spot.component.and_then(|n| self.members.get(&(spot.file, n.to_owned())).cloned());
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => self.string_ty(s, description, spot),
            SchemaKind::Type(Type::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                _ => Ty::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::F32,
                _ => Ty::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(a)) => self.array_ty(a, spot),
            SchemaKind::Type(Type::Object(o)) => {
                let object = Object::of(&o.properties, &o.required, o.additional_properties.as_ref(), spot.at, strip);
                self.object(object, docs::lines(description), spot)
            }
            SchemaKind::AllOf { all_of } => self.all_of(all_of, Object::empty(strip), docs::lines(description), spot),
            SchemaKind::OneOf { one_of } => self.untagged(one_of, "oneOf", docs::lines(description), spot),
            SchemaKind::AnyOf { any_of } => self.untagged(any_of, "anyOf", docs::lines(description), spot),
            SchemaKind::Not { .. } => {
                self.warn(
                    spot.file,
                    spot.at,
                    Kind::Unsupported,
                    "`not` schemas are not supported; used `serde_json::Value`",
                );
                self.free_form(spot.file)
            }
            SchemaKind::Any(any) => self.any_ty(any, strip, description, spot),
        }
    }

    /// A string: an open enum when it lists values, else by its format.
    fn string_ty(&mut self, s: &StringType, description: &str, spot: Spot) -> Ty {
        let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
        if !values.is_empty() {
            return self.enum_ty(&values, description, spot);
        }
        match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
            VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Ty::Secret,
            _ => Ty::String,
        }
    }

    /// An open enum of string values.
    fn enum_ty(&mut self, values: &[&str], description: &str, spot: Spot) -> Ty {
        for (index, value) in values.iter().enumerate() {
            if names::is_blank(value) {
                let at = spot.at.push("enum").push(index.to_string());
                let message = format!("the enum value {value:?} has no letter or digit; its variant is named `Value`");
                self.warn(spot.file, &at, Kind::Shape, message);
            }
        }
        let (description, value_docs) = split_value_docs(values, description);
        let variants = enum_variants(values, &value_docs);
        let other = names::other_variant(|n| variants.iter().any(|v| v.ident == n));
        self.filled(spot, docs::lines(&description), TypeKind::Enum(Enum { variants, other }))
    }

    fn array_ty(&mut self, a: &'a ArrayType, spot: Spot) -> Ty {
        match &a.items {
            Some(items) => {
                let inner = self.schema_ty(spot.file, items.into(), &spot.at.push("items"), &spot.hint.child("Item"));
                Ty::Vec(Box::new(inner))
            }
            None => {
                self.warn(spot.file, spot.at, Kind::Shape, "an array without `items`; used `Vec<serde_json::Value>`");
                Ty::Vec(Box::new(self.free_form(spot.file)))
            }
        }
    }

    /// A schema without `type`: read by what it has.
    fn any_ty(&mut self, any: &'a openapiv3::AnySchema, strip: Option<String>, description: &str, spot: Spot) -> Ty {
        let lines = || docs::lines(description);
        if !any.all_of.is_empty() {
            let object = Object::of(&any.properties, &any.required, any.additional_properties.as_ref(), spot.at, strip);
            return self.all_of(&any.all_of, object, lines(), spot);
        }
        if !any.one_of.is_empty() {
            return self.untagged(&any.one_of, "oneOf", lines(), spot);
        }
        if !any.any_of.is_empty() {
            return self.untagged(&any.any_of, "anyOf", lines(), spot);
        }
        if !any.properties.is_empty() || any.additional_properties.is_some() {
            let object = Object::of(&any.properties, &any.required, any.additional_properties.as_ref(), spot.at, strip);
            return self.object(object, lines(), spot);
        }
        if let Some(items) = &any.items {
            let inner = self.schema_ty(spot.file, items.into(), &spot.at.push("items"), &spot.hint.child("Item"));
            return Ty::Vec(Box::new(inner));
        }
        let strings: Vec<&str> = any.enumeration.iter().filter_map(|v| v.as_str()).collect();
        if !strings.is_empty() && strings.len() == any.enumeration.len() {
            return self.enum_ty(&strings, description, spot);
        }
        match any.typ.as_deref() {
            None | Some("object") => self.free_form(spot.file),
            Some("string") => Ty::String,
            Some("integer") => Ty::I64,
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some(other) => {
                let message = format!("unknown `type: {other}`; used `serde_json::Value`");
                self.warn(spot.file, &spot.at.push("type"), Kind::Unsupported, message);
                self.free_form(spot.file)
            }
        }
    }

    /// Counts a free-form fallback and returns `serde_json::Value`.
    pub(crate) fn free_form(&mut self, file: FileId) -> Ty {
        self.free_forms[file.0] += 1;
        Ty::Json
    }
}

/// One step into a schema by pointer token: `properties/<name>` (two tokens), `items`,
/// `additionalProperties`, `not`, `allOf|oneOf|anyOf/<index>` (two tokens); the schema there and
/// how many tokens it took.
fn inner_step<'a>(schema: &'a Schema, step: &str, next: Option<&String>) -> Option<(SRef<'a>, usize)> {
    let parts = |kind: &str| -> Option<&'a [ReferenceOr<Schema>]> {
        match (&schema.schema_kind, kind) {
            (SchemaKind::AllOf { all_of }, "allOf") => Some(all_of),
            (SchemaKind::OneOf { one_of }, "oneOf") => Some(one_of),
            (SchemaKind::AnyOf { any_of }, "anyOf") => Some(any_of),
            (SchemaKind::Any(any), "allOf") => Some(&any.all_of),
            (SchemaKind::Any(any), "oneOf") => Some(&any.one_of),
            (SchemaKind::Any(any), "anyOf") => Some(&any.any_of),
            _ => None,
        }
    };
    match step {
        "properties" => {
            let properties = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => &o.properties,
                SchemaKind::Any(any) => &any.properties,
                _ => return None,
            };
            Some((SRef::from(properties.get(next?)?), 2))
        }
        "items" => match &schema.schema_kind {
            SchemaKind::Type(Type::Array(ArrayType { items: Some(items), .. })) => Some((SRef::from(items), 1)),
            SchemaKind::Any(any) => Some((SRef::from(any.items.as_ref()?), 1)),
            _ => None,
        },
        "additionalProperties" => {
            let additional = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
                SchemaKind::Any(any) => any.additional_properties.as_ref(),
                _ => None,
            };
            match additional? {
                openapiv3::AdditionalProperties::Schema(s) => Some((SRef::from(&**s), 1)),
                openapiv3::AdditionalProperties::Any(_) => None,
            }
        }
        "not" => match &schema.schema_kind {
            SchemaKind::Not { not } => Some((SRef::from(&**not), 1)),
            _ => None,
        },
        kind => {
            let index: usize = next?.parse().ok()?;
            Some((SRef::from(parts(kind)?.get(index)?), 2))
        }
    }
}

/// The description of an enum without its per-value lines (`- \`NONE\`: text` in 9.x specs,
/// `NONE : text` on the documentation portal), and those lines' texts by value: each value is
/// documented once, on its variant. An introduction left with nothing to introduce
/// ("Possible values:") goes too.
fn split_value_docs<'d>(values: &[&'d str], description: &str) -> (String, BTreeMap<&'d str, String>) {
    let mut value_docs: BTreeMap<&str, String> = BTreeMap::new();
    let mut kept: Vec<&str> = Vec::new();
    let mut dropped_after: Option<usize> = None;
    for line in description.lines() {
        let item = line.trim().trim_start_matches(['-', '*']).trim();
        let doc = values.iter().find_map(|value| {
            let rest =
                item.strip_prefix(&format!("`{value}`")).or_else(|| item.strip_prefix(value)).map(str::trim_start)?;
            rest.strip_prefix(':').map(|text| (*value, text.trim().to_owned()))
        });
        match doc {
            Some((value, text)) => {
                value_docs.insert(value, text);
                dropped_after.get_or_insert(kept.len());
            }
            None => kept.push(line),
        }
    }
    if let Some(at) = dropped_after {
        let intro = kept[..at].iter().rposition(|l| !l.trim().is_empty());
        if intro
            .is_some_and(|i| kept[i].trim_end().ends_with(':') && kept[i + 1..at].iter().all(|l| l.trim().is_empty()))
        {
            kept.remove(intro.unwrap_or_default());
        }
    }
    (kept.join("\n"), value_docs)
}

/// Variants for enum values, each with its documented line.
fn enum_variants(values: &[&str], value_docs: &BTreeMap<&str, String>) -> Vec<Variant> {
    let mut variants: Vec<Variant> = Vec::new();
    for value in values {
        if variants.iter().any(|v| v.wire == *value) {
            continue;
        }
        let ident = names::disambiguate(&names::variant(value), |n| variants.iter().any(|v| v.ident == n));
        let doc = value_docs.get(value).map(|d| docs::lines(d)).unwrap_or_default();
        variants.push(Variant { ident, wire: (*value).to_owned(), doc });
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_get_variants_and_their_documented_lines() {
        let description = "The state.\n\nPossible values:\n- `ON`: powered on\nOFF : powered off\n\nMore.";
        let (rest, value_docs) = split_value_docs(&["ON", "OFF", "NOT_SET"], description);
        assert_eq!(rest, "The state.\n\n\nMore.");
        let variants = enum_variants(&["ON", "OFF", "ON", "NOT_SET"], &value_docs);
        let idents: Vec<&str> = variants.iter().map(|v| v.ident.as_str()).collect();
        assert_eq!(idents, ["On", "Off", "NotSet"]);
        assert_eq!(variants[0].doc, ["powered on"]);
        assert_eq!(variants[1].doc, ["powered off"]);
        assert!(variants[2].doc.is_empty());
        let clashing = enum_variants(&["a-b", "A_B"], &BTreeMap::new());
        assert_eq!(clashing.iter().map(|v| v.ident.as_str()).collect::<Vec<_>>(), ["AB", "AB2"]);
    }
}
