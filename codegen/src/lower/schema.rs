//! Schemas to types. Every schema that needs a name of its own (an object with properties, a
//! string enum, a union, a merged `allOf`) becomes a node; everything else becomes a type
//! expression ([`Ty`]). Nodes get their final identity and names in [`super::identity`].

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{Lowerer, Node, UnionPlan};
use crate::diag::Kind;
use crate::docs;
use crate::ir::{Enum, Field, ModPath, Struct, Ty, TypeId, TypeKind, Union, UnionVariant, UntaggedVariant, Variant};
use crate::names;
use crate::pointer::Pointer;

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
    pub fn child(&self, suffix: &str) -> Hint {
        Hint {
            module: self.module.clone(),
            name: format!("{}{}", self.name, names::camel(suffix).trim_start_matches("r#")),
        }
    }
}

/// The properties of an object, after `allOf` merging.
struct Object<'a> {
    props: BTreeMap<String, (SRef<'a>, Pointer)>,
    required: BTreeSet<String>,
    additional: Option<(Option<SRef<'a>>, Pointer)>,
    strip: Option<String>,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

impl<'a> Object<'a> {
    /// The object an object-like schema at `at` declares.
    fn of(
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional_properties: Option<&'a AdditionalProperties>,
        at: &Pointer,
        strip: Option<String>,
    ) -> Self {
        Object {
            props: properties
                .iter()
                .map(|(k, v)| (k.clone(), (SRef::from(v), at.push("properties").push(k))))
                .collect(),
            required: required.iter().cloned().collect(),
            additional: additional_properties.and_then(|a| additional(a, at)),
            strip,
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The type of a schema or reference found at `at`.
    pub(crate) fn schema_ty(&mut self, doc: usize, schema: SRef<'a>, at: &Pointer, hint: &Hint) -> Ty {
        match schema {
            SRef::Ref(reference) => match self.component_name(doc, reference, at) {
                Some(name) => self.component_ty(doc, &name),
                None => self.free_form(doc),
            },
            SRef::Item(schema) => self.item_ty(doc, schema, at, hint, None),
        }
    }

    /// The component name a reference points to; warns and returns `None` if it points nowhere.
    pub(crate) fn component_name(&mut self, doc: usize, reference: &str, at: &Pointer) -> Option<String> {
        let docs = self.docs;
        let d = &docs[doc];
        if let Some(name) = reference.strip_prefix(COMPONENT_PREFIX) {
            let name = name.replace("~1", "/").replace("~0", "~");
            if d.api.components.as_ref().is_some_and(|c| c.schemas.contains_key(&name)) {
                return Some(name);
            }
        }
        let why = if reference.starts_with('#') {
            "points nowhere"
        } else {
            "points into another file, which is not supported"
        };
        self.diags.warn(
            &d.label,
            at,
            Kind::DanglingRef,
            format!("`$ref: {reference}` {why}; used `serde_json::Value`"),
        );
        None
    }

    /// The schema a component name denotes.
    pub(crate) fn component_schema(&self, doc: usize, name: &str) -> Option<&'a ReferenceOr<Schema>> {
        let docs = self.docs;
        docs[doc].api.components.as_ref()?.schemas.get(name)
    }

    /// The type of a component schema (memoised; recursion resolves to the node being built).
    pub(crate) fn component_ty(&mut self, doc: usize, name: &str) -> Ty {
        let key = (doc, name.to_owned());
        match self.comp.get(&key) {
            Some(Some(ty)) => return ty.clone(),
            Some(None) => {
                let label = self.docs[doc].label.clone();
                let at = component_pointer(name);
                self.diags.warn(
                    &label,
                    &at,
                    Kind::Unsupported,
                    "this schema is an alias of itself (a `$ref` cycle without a type in it); used `serde_json::Value`",
                );
                return self.free_form(doc);
            }
            None => {}
        }
        self.comp.insert(key.clone(), None);
        let at = component_pointer(name);
        let (module, type_name) = self.placer.place(name);
        let hint = Hint { module, name: type_name };
        let ty = match self.component_schema(doc, name) {
            Some(ReferenceOr::Item(schema)) => self.item_ty(doc, schema, &at, &hint, Some(name)),
            Some(ReferenceOr::Reference { reference }) => match self.component_name(doc, reference, &at) {
                Some(target) => self.component_ty(doc, &target),
                None => self.free_form(doc),
            },
            None => self.free_form(doc),
        };
        self.comp.insert(key, Some(ty.clone()));
        ty
    }

    /// Registers a node and returns its id; its kind is filled in later.
    fn node(
        &mut self,
        doc: usize,
        at: &Pointer,
        hint: &Hint,
        doc_lines: Vec<String>,
        component: Option<&str>,
    ) -> TypeId {
        let id = TypeId(self.nodes.len());
        let extensions = self.extensions(doc, at);
        self.nodes.push(Node {
            doc,
            pointer: at.clone(),
            want: (hint.module.clone(), hint.name.clone()),
            kind: None,
            doc_lines,
            extensions,
            unique: false,
        });
        if let Some(name) = component {
            self.comp.insert((doc, name.to_owned()), Some(Ty::Named(id)));
        }
        id
    }

    fn item_ty(&mut self, doc: usize, schema: &'a Schema, at: &Pointer, hint: &Hint, component: Option<&str>) -> Ty {
        let description = schema.schema_data.description.as_deref().unwrap_or("");
        let doc_lines = docs::lines(description);
        if let Some(name) = component {
            if let Some(plan) = self.unions.get(&(doc, name.to_owned())).cloned() {
                let hint = Hint { module: plan.want.0.clone(), name: plan.want.1.clone() };
                let id = self.node(doc, at, &hint, doc_lines, component);
                self.union_nodes.insert((doc, name.to_owned()), id);
                return self.union(doc, id, &plan, &hint);
            }
        }
        let strip = component.and_then(|n| self.members.get(&(doc, n.to_owned())).cloned());
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if values.is_empty() {
                    return match &s.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Ty::Secret,
                        _ => Ty::String,
                    };
                }
                let variants = enum_variants(&values, description);
                let id = self.node(doc, at, hint, doc_lines, component);
                let other = names::disambiguate("Unrecognized", |n| variants.iter().any(|v| v.ident == n));
                self.nodes[id.0].kind = Some(TypeKind::Enum(Enum { variants, other }));
                Ty::Named(id)
            }
            SchemaKind::Type(Type::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                _ => Ty::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::F32,
                _ => Ty::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let inner = self.schema_ty(doc, items.into(), &at.push("items"), &hint.child("Item"));
                    Ty::Vec(Box::new(inner))
                }
                None => {
                    let label = self.docs[doc].label.clone();
                    self.diags.warn(&label, at, Kind::Shape, "an array without `items`; used `Vec<serde_json::Value>`");
                    Ty::Vec(Box::new(self.free_form(doc)))
                }
            },
            SchemaKind::Type(Type::Object(o)) => {
                let object = Object::of(&o.properties, &o.required, o.additional_properties.as_ref(), at, strip);
                self.object(doc, object, at, hint, doc_lines, component)
            }
            SchemaKind::AllOf { all_of } => {
                let object = Object { props: BTreeMap::new(), required: BTreeSet::new(), additional: None, strip };
                self.all_of(doc, all_of, object, at, hint, doc_lines, component)
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                self.untagged(doc, parts, &at.push(key), hint, doc_lines, component)
            }
            SchemaKind::Not { .. } => {
                let label = self.docs[doc].label.clone();
                self.diags.warn(
                    &label,
                    at,
                    Kind::Unsupported,
                    "`not` schemas are not supported; used `serde_json::Value`",
                );
                self.free_form(doc)
            }
            SchemaKind::Any(any) => {
                if !any.all_of.is_empty() {
                    let object =
                        Object::of(&any.properties, &any.required, any.additional_properties.as_ref(), at, strip);
                    return self.all_of(doc, &any.all_of, object, at, hint, doc_lines, component);
                }
                if !any.one_of.is_empty() || !any.any_of.is_empty() {
                    let (parts, key) =
                        if any.one_of.is_empty() { (&any.any_of, "anyOf") } else { (&any.one_of, "oneOf") };
                    return self.untagged(doc, parts, &at.push(key), hint, doc_lines, component);
                }
                if !any.properties.is_empty() || any.additional_properties.is_some() {
                    let object =
                        Object::of(&any.properties, &any.required, any.additional_properties.as_ref(), at, strip);
                    return self.object(doc, object, at, hint, doc_lines, component);
                }
                if let Some(items) = &any.items {
                    let inner = self.schema_ty(doc, items.into(), &at.push("items"), &hint.child("Item"));
                    return Ty::Vec(Box::new(inner));
                }
                let strings: Vec<&str> = any.enumeration.iter().filter_map(|v| v.as_str()).collect();
                if !strings.is_empty() && strings.len() == any.enumeration.len() {
                    let variants = enum_variants(&strings, description);
                    let id = self.node(doc, at, hint, doc_lines, component);
                    let other = names::disambiguate("Unrecognized", |n| variants.iter().any(|v| v.ident == n));
                    self.nodes[id.0].kind = Some(TypeKind::Enum(Enum { variants, other }));
                    return Ty::Named(id);
                }
                match any.typ.as_deref() {
                    None | Some("object") => self.free_form(doc),
                    Some("string") => Ty::String,
                    Some("integer") => Ty::I64,
                    Some("number") => Ty::F64,
                    Some("boolean") => Ty::Bool,
                    Some(other) => {
                        let label = self.docs[doc].label.clone();
                        self.diags.warn(
                            &label,
                            &at.push("type"),
                            Kind::Unsupported,
                            format!("unknown `type: {other}`; used `serde_json::Value`"),
                        );
                        self.free_form(doc)
                    }
                }
            }
        }
    }

    /// `allOf`: the 9.x wrapper `allOf: [$ref]` (which exists to carry a description) is the
    /// referenced type; anything else merges every part's properties into one struct.
    #[allow(clippy::too_many_arguments)]
    fn all_of(
        &mut self,
        doc: usize,
        all_of: &'a [ReferenceOr<Schema>],
        mut object: Object<'a>,
        at: &Pointer,
        hint: &Hint,
        mut doc_lines: Vec<String>,
        component: Option<&str>,
    ) -> Ty {
        if let [only] = all_of {
            if object.strip.is_none() && object.props.is_empty() && object.additional.is_none() {
                return self.schema_ty(doc, only.into(), &at.push("allOf").push("0"), hint);
            }
        }
        let mut seen = BTreeSet::new();
        if !self.merge_all_of(doc, all_of, at, &mut object, &mut seen) {
            return self.free_form(doc);
        }
        if doc_lines.is_empty() {
            doc_lines = self.all_of_doc(doc, all_of);
        }
        self.object(doc, object, at, hint, doc_lines, component)
    }

    /// A struct for an object schema; free-form when it has no properties.
    fn object(
        &mut self,
        doc: usize,
        object: Object<'a>,
        at: &Pointer,
        hint: &Hint,
        doc_lines: Vec<String>,
        component: Option<&str>,
    ) -> Ty {
        let props_left = object.props.keys().filter(|k| Some(*k) != object.strip.as_ref()).count();
        if props_left == 0 {
            return match object.additional {
                Some((Some(schema), add_at)) => {
                    let inner = self.schema_ty(doc, schema, &add_at, &hint.child("Value"));
                    Ty::Map(Box::new(inner))
                }
                Some((None, _)) => {
                    let inner = self.free_form(doc);
                    Ty::Map(Box::new(inner))
                }
                None if component.is_some() && object.strip.is_some() => {
                    // A union member whose only property is the discriminator: an empty struct.
                    let id = self.node(doc, at, hint, doc_lines, component);
                    self.nodes[id.0].kind = Some(TypeKind::Struct(Struct { fields: Vec::new(), additional: None }));
                    Ty::Named(id)
                }
                None => self.free_form(doc),
            };
        }
        let id = self.node(doc, at, hint, doc_lines, component);
        let strukt = self.fields(doc, &object, hint);
        self.nodes[id.0].kind = Some(TypeKind::Struct(strukt));
        Ty::Named(id)
    }

    fn fields(&mut self, doc: usize, object: &Object<'a>, hint: &Hint) -> Struct {
        let mut fields = Vec::new();
        let mut taken = BTreeSet::new();
        for (wire, (schema, prop_at)) in &object.props {
            if Some(wire) == object.strip.as_ref() {
                continue;
            }
            let (ident, _) = names::field(wire);
            let ident = names::disambiguate(&ident, |n| taken.contains(n));
            taken.insert(ident.clone());
            let mut ty = self.schema_ty(doc, *schema, prop_at, &hint.child(wire));
            let (description, nullable, deprecated) = match schema {
                SRef::Item(s) => (
                    s.schema_data.description.clone().unwrap_or_default(),
                    s.schema_data.nullable,
                    s.schema_data.deprecated,
                ),
                SRef::Ref(_) => (String::new(), false, false),
            };
            if ty == Ty::String {
                if let Some(enum_name) = self.see_also_enum(doc, &description) {
                    ty = self.component_ty(doc, &enum_name);
                }
            }
            fields.push(Field {
                ident,
                wire: wire.clone(),
                ty,
                required: object.required.contains(wire),
                nullable,
                boxed: false,
                doc: docs::lines(&description),
                deprecated,
                extensions: self.extensions(doc, prop_at),
            });
        }
        let additional = match &object.additional {
            Some((Some(schema), add_at)) => Some(self.schema_ty(doc, *schema, add_at, &hint.child("Value"))),
            Some((None, _)) => Some(self.free_form(doc)),
            None => None,
        };
        Struct { fields, additional }
    }

    /// vSphere 9.x specs type enum properties as plain strings and name the enum in the text:
    /// "For more information see: *Appliance.Recovery.Reconciliation.Job.Status*." When that names
    /// a string enum schema of the same file, the property gets the enum's type.
    fn see_also_enum(&self, doc: usize, description: &str) -> Option<String> {
        const MARK: &str = "For more information see: *";
        let start = description.find(MARK)? + MARK.len();
        let end = description[start..].find('*')? + start;
        let name = &description[start..end];
        match self.component_schema(doc, name)? {
            ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. })
                if !s.enumeration.is_empty() =>
            {
                Some(name.to_owned())
            }
            _ => None,
        }
    }

    /// Collects the properties of every `allOf` part; false when a part is not an object.
    fn merge_all_of(
        &mut self,
        doc: usize,
        parts: &'a [ReferenceOr<Schema>],
        at: &Pointer,
        object: &mut Object<'a>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for (i, part) in parts.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            let (schema, schema_at) = match part {
                ReferenceOr::Item(s) => (s, part_at.clone()),
                ReferenceOr::Reference { reference } => {
                    let Some(name) = self.component_name(doc, reference, &part_at) else { return false };
                    if !seen.insert(name.clone()) {
                        continue;
                    }
                    if let Some(plan) = self.unions.get(&(doc, name.clone())) {
                        object.strip = Some(plan.property.clone());
                    }
                    match self.resolve_item(doc, &name) {
                        Some(s) => (s, component_pointer(&name)),
                        None => return false,
                    }
                }
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    for (k, v) in &o.properties {
                        object.props.insert(k.clone(), (SRef::from(v), schema_at.push("properties").push(k)));
                    }
                    object.required.extend(o.required.iter().cloned());
                    if let Some(a) = o.additional_properties.as_ref().and_then(|a| additional(a, &schema_at)) {
                        object.additional = Some(a);
                    }
                }
                SchemaKind::Any(any) if any.typ.is_none() || any.typ.as_deref() == Some("object") => {
                    for (k, v) in &any.properties {
                        object.props.insert(k.clone(), (SRef::from(v), schema_at.push("properties").push(k)));
                    }
                    object.required.extend(any.required.iter().cloned());
                }
                SchemaKind::AllOf { all_of } => {
                    if !self.merge_all_of(doc, all_of, &schema_at, object, seen) {
                        return false;
                    }
                }
                _ => {
                    let label = self.docs[doc].label.clone();
                    self.diags.warn(
                        &label,
                        &part_at,
                        Kind::Unsupported,
                        "an `allOf` part that is not an object cannot be merged; used `serde_json::Value`",
                    );
                    return false;
                }
            }
        }
        true
    }

    /// The description of the first `allOf` part that has one.
    fn all_of_doc(&self, doc: usize, parts: &[ReferenceOr<Schema>]) -> Vec<String> {
        for part in parts {
            let schema = match part {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { reference } => {
                    reference.strip_prefix(COMPONENT_PREFIX).and_then(|n| self.resolve_item(doc, n))
                }
            };
            if let Some(d) = schema.and_then(|s| s.schema_data.description.as_deref()) {
                return docs::lines(d);
            }
        }
        Vec::new()
    }

    /// Follows references from a component to the schema object.
    pub(crate) fn resolve_item(&self, doc: usize, name: &str) -> Option<&'a Schema> {
        let mut name = name.to_owned();
        for _ in 0..32 {
            match self.component_schema(doc, &name)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    name = reference.strip_prefix(COMPONENT_PREFIX)?.to_owned();
                }
            }
        }
        None
    }

    fn untagged(
        &mut self,
        doc: usize,
        parts: &'a [ReferenceOr<Schema>],
        at: &Pointer,
        hint: &Hint,
        doc_lines: Vec<String>,
        component: Option<&str>,
    ) -> Ty {
        if parts.is_empty() {
            return self.free_form(doc);
        }
        let id = self.node(doc, at, hint, doc_lines, component);
        let mut variants: Vec<UntaggedVariant> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_at = at.push(i.to_string());
            let ty = self.schema_ty(doc, part.into(), &part_at, &hint.child(&format!("Variant{i}")));
            if ty == Ty::Named(id) {
                // "One of: itself, or ..." adds nothing, and an untagged union that tries itself
                // first would recurse forever while decoding.
                let label = self.docs[doc].label.clone();
                self.diags.warn(
                    &label,
                    &part_at,
                    Kind::Unsupported,
                    "a union that lists itself as a variant; that variant is left out",
                );
                continue;
            }
            let base = match &ty {
                Ty::Named(n) => self.nodes[n.0].want.1.clone(),
                other => ty_word(other).to_owned(),
            };
            let ident = names::disambiguate(&base, |n| variants.iter().any(|v| v.ident == n));
            if !variants.iter().any(|v| v.ty == ty) {
                variants.push(UntaggedVariant { ident, ty, boxed: false });
            }
        }
        self.nodes[id.0].kind = Some(TypeKind::Untagged(variants));
        Ty::Named(id)
    }

    /// The type of the union `key` of a document (see [`Lowerer::unions`]).
    pub(crate) fn union_ty(&mut self, doc: usize, key: &str) -> Ty {
        if let Some(id) = self.union_nodes.get(&(doc, key.to_owned())) {
            return Ty::Named(*id);
        }
        let Some(plan) = self.unions.get(&(doc, key.to_owned())).cloned() else { return self.free_form(doc) };
        if let Some(base) = &plan.base {
            return self.component_ty(doc, base);
        }
        let hint = Hint { module: plan.want.0.clone(), name: plan.want.1.clone() };
        let lines = Vec::new();
        let at = Pointer::root().push("components").push("schemas");
        let id = self.node(doc, &at, &hint, lines, None);
        self.union_nodes.insert((doc, key.to_owned()), id);
        self.union(doc, id, &plan, &hint)
    }

    fn union(&mut self, doc: usize, id: TypeId, plan: &UnionPlan, hint: &Hint) -> Ty {
        let label = self.docs[doc].label.clone();
        let name = plan.base.clone().unwrap_or_default();
        let name = name.as_str();
        let base_at = component_pointer(name);
        let mut variants: Vec<UnionVariant> = Vec::new();
        for (tag, target) in &plan.variants {
            let payload = if target == name {
                let Some(schema) = self.resolve_item(doc, name) else { continue };
                let object = match &schema.schema_kind {
                    SchemaKind::Type(Type::Object(o)) => {
                        Object::of(&o.properties, &o.required, None, &base_at, Some(plan.property.clone()))
                    }
                    _ => continue,
                };
                let base_hint = Hint { module: hint.module.clone(), name: format!("{}Base", hint.name) };
                let mut lines =
                    vec![format!("The fields of {} itself (discriminator `{tag}`).", docs::code(&hint.name))];
                lines.push(String::new());
                lines.extend(self.nodes[id.0].doc_lines.iter().cloned());
                let base = self.node(doc, &base_at, &base_hint, lines, None);
                let strukt = self.fields(doc, &object, &base_hint);
                self.nodes[base.0].kind = Some(TypeKind::Struct(strukt));
                base
            } else if self.component_schema(doc, target).is_some() {
                match self.component_ty(doc, target) {
                    Ty::Named(t) => t,
                    _ => {
                        self.diags.warn(&label, &base_at.push("discriminator").push("mapping").push(tag), Kind::DiscriminatorMapping, format!("`{tag}` maps to {target}, which is not an object; values with this tag decode as the catch-all variant"));
                        continue;
                    }
                }
            } else {
                self.diags.warn(&label, &base_at.push("discriminator").push("mapping").push(tag), Kind::DiscriminatorMapping, format!("`{tag}` maps to #/components/schemas/{target}, which is absent; values with this tag decode as the catch-all variant"));
                continue;
            };
            let want = if target == name { hint.name.clone() } else { self.nodes[payload.0].want.1.clone() };
            let ident = names::disambiguate(&want, |n| variants.iter().any(|v| v.ident == n));
            variants.push(UnionVariant { ident, tag: tag.clone(), ty: payload, boxed: false });
        }
        let other = names::disambiguate("Unrecognized", |n| variants.iter().any(|v| v.ident == n));
        if self.nodes[id.0].doc_lines.is_empty() {
            self.nodes[id.0].doc_lines =
                vec![format!("One of several error or result types, told apart by {}.", docs::code(&plan.property))];
        }
        self.nodes[id.0].kind = Some(TypeKind::Union(Union { property: plan.property.clone(), variants, other }));
        Ty::Named(id)
    }

    /// Counts a free-form fallback and returns `serde_json::Value`.
    pub(crate) fn free_form(&mut self, doc: usize) -> Ty {
        self.free_forms[doc] += 1;
        Ty::Json
    }
}

fn additional<'a>(a: &'a AdditionalProperties, at: &Pointer) -> Option<(Option<SRef<'a>>, Pointer)> {
    match a {
        AdditionalProperties::Any(true) => Some((None, at.push("additionalProperties"))),
        AdditionalProperties::Any(false) => None,
        AdditionalProperties::Schema(s) => {
            let r: &'a ReferenceOr<Schema> = s;
            Some((Some(SRef::from(r)), at.push("additionalProperties")))
        }
    }
}

/// `#/components/schemas/<name>`.
pub(crate) fn component_pointer(name: &str) -> Pointer {
    Pointer::root().push("components").push("schemas").push(name)
}

fn ty_word(ty: &Ty) -> &'static str {
    match ty {
        Ty::Unit => "Unit",
        Ty::Bool => "Bool",
        Ty::I32 | Ty::I64 => "Integer",
        Ty::F32 | Ty::F64 => "Number",
        Ty::String | Ty::Secret => "String",
        Ty::DateTime => "DateTime",
        Ty::Json => "Json",
        Ty::Named(_) => "Object",
        Ty::Vec(_) => "List",
        Ty::Map(_) => "Map",
    }
}

/// Variants for enum values, with docs taken from the description's per-value lines
/// (`- \`NONE\`: text` in 9.x specs, `NONE : text` on the documentation portal).
fn enum_variants(values: &[&str], description: &str) -> Vec<Variant> {
    let mut value_docs: BTreeMap<&str, String> = BTreeMap::new();
    for line in description.lines() {
        let line = line.trim().trim_start_matches(['-', '*']).trim();
        for value in values {
            let rest =
                line.strip_prefix(&format!("`{value}`")).or_else(|| line.strip_prefix(value)).map(str::trim_start);
            if let Some(text) = rest.and_then(|r| r.strip_prefix(':')) {
                value_docs.insert(value, text.trim().to_owned());
            }
        }
    }
    let mut variants: Vec<Variant> = Vec::new();
    for value in values {
        if variants.iter().any(|v| v.wire == *value) {
            continue;
        }
        let (ident, _) = names::variant(value);
        let ident = names::disambiguate(&ident, |n| variants.iter().any(|v| v.ident == n));
        let doc = value_docs.get(value).map(|d| docs::lines(d)).unwrap_or_default();
        variants.push(Variant { ident, wire: (*value).to_owned(), doc });
    }
    variants
}
