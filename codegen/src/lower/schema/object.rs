//! Objects and `allOf` merges to structs.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::{COMPONENT_PREFIX, Hint, SRef, Spot, component_pointer};
use crate::diag::Kind;
use crate::docs;
use crate::ir::{Additional, Field, FileId, Struct, Ty, TypeKind};
use crate::lower::Lowerer;
use crate::names;
use crate::pointer::Pointer;

/// The properties of an object, after `allOf` merging.
pub(crate) struct Object<'a> {
    props: BTreeMap<String, (SRef<'a>, Pointer)>,
    required: BTreeSet<String>,
    additional: Option<(Option<SRef<'a>>, Pointer)>,
    /// The discriminator property, which a union member leaves to its union.
    pub(crate) strip: Option<String>,
}

impl<'a> Object<'a> {
    /// The object an object-like schema at `at` declares.
    pub(crate) fn of(
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

    /// No properties yet (for `allOf`).
    pub(crate) fn empty(strip: Option<String>) -> Self {
        Object { props: BTreeMap::new(), required: BTreeSet::new(), additional: None, strip }
    }

    fn add(
        &mut self,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        at: &Pointer,
    ) {
        for (k, v) in properties {
            self.props.insert(k.clone(), (SRef::from(v), at.push("properties").push(k)));
        }
        self.required.extend(required.iter().cloned());
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

impl<'a> Lowerer<'a> {
    /// `allOf`: the 9.x wrapper `allOf: [$ref]` (which exists to carry a description) is the
    /// referenced type; anything else merges every part's properties into one struct.
    pub(super) fn all_of(
        &mut self,
        all_of: &'a [ReferenceOr<Schema>],
        mut object: Object<'a>,
        mut doc_lines: Vec<String>,
        spot: Spot,
    ) -> Ty {
        if all_of.is_empty() {
            let message = "an empty `allOf` adds no constraint; used `serde_json::Value`";
            self.warn(spot.file, &spot.at.push("allOf"), Kind::Shape, message);
            return self.free_form(spot.file);
        }
        if let [only] = all_of {
            if object.strip.is_none() && object.props.is_empty() && object.additional.is_none() {
                return self.schema_ty(spot.file, only.into(), &spot.at.push("allOf").push("0"), spot.hint);
            }
        }
        let mut seen = BTreeSet::new();
        if !self.merge_all_of(spot.file, all_of, spot.at, &mut object, &mut seen) {
            return self.free_form(spot.file);
        }
        if doc_lines.is_empty() {
            doc_lines = self.all_of_doc(spot.file, all_of);
        }
        self.object(object, doc_lines, spot)
    }

    /// A struct for an object schema; a map or free-form when it has no properties.
    pub(super) fn object(&mut self, object: Object<'a>, doc_lines: Vec<String>, spot: Spot) -> Ty {
        let props_left = object.props.keys().filter(|k| Some(*k) != object.strip.as_ref()).count();
        if props_left > 0 {
            let id = self.node(spot, spot.hint, doc_lines);
            let strukt = self.fields(spot.file, &object, spot.hint);
            self.nodes[id.0].kind = Some(TypeKind::Struct(strukt));
            return Ty::Named(id);
        }
        match object.additional {
            Some((Some(schema), add_at)) => {
                Ty::Map(Box::new(self.schema_ty(spot.file, schema, &add_at, &spot.hint.child("Value"))))
            }
            Some((None, _)) => Ty::Map(Box::new(self.free_form(spot.file))),
            // A union member whose only property is the discriminator: an empty struct.
            None if spot.component.is_some() && object.strip.is_some() => {
                let empty = Struct { fields: Vec::new(), additional: None, tag: None };
                self.filled(spot, doc_lines, TypeKind::Struct(empty))
            }
            None => self.free_form(spot.file),
        }
    }

    /// The fields of an object's struct, sorted by wire name.
    pub(super) fn fields(&mut self, file: FileId, object: &Object<'a>, hint: &Hint) -> Struct {
        let mut fields: Vec<Field> = Vec::new();
        for (wire, (schema, prop_at)) in &object.props {
            if Some(wire) == object.strip.as_ref() {
                continue;
            }
            if names::is_blank(wire) {
                self.warn(
                    file,
                    prop_at,
                    Kind::Shape,
                    "the property name has no letter or digit; its field is named `value`",
                );
            }
            fields.push(self.field(file, wire, *schema, prop_at, hint, &object.required, &fields));
        }
        let additional = object.additional.as_ref().map(|(schema, add_at)| {
            let ty = match schema {
                Some(schema) => self.schema_ty(file, *schema, add_at, &hint.child("Value")),
                None => self.free_form(file),
            };
            Additional { ident: names::additional_field(|n| fields.iter().any(|f| f.ident == n)), ty }
        });
        Struct { fields, additional, tag: None }
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        file: FileId,
        wire: &str,
        schema: SRef<'a>,
        at: &Pointer,
        hint: &Hint,
        required: &BTreeSet<String>,
        taken: &[Field],
    ) -> Field {
        let (ident, _) = names::field(wire);
        let ident = names::disambiguate(&ident, |n| taken.iter().any(|f| f.ident == n));
        let rename = (names::unraw(&ident) != wire).then(|| wire.to_owned());
        let mut ty = self.schema_ty(file, schema, at, &hint.child(wire));
        let (description, nullable, deprecated) = match schema {
            SRef::Item(s) => (
                s.schema_data.description.clone().unwrap_or_default(),
                s.schema_data.nullable,
                s.schema_data.deprecated,
            ),
            SRef::Ref(_) => (String::new(), false, false),
        };
        if ty == Ty::String {
            if let Some(enum_name) = self.see_also_enum(file, &description) {
                ty = self.component_ty(file, &enum_name);
            }
        }
        Field {
            ident,
            wire: wire.to_owned(),
            rename,
            ty,
            required: required.contains(wire),
            nullable,
            boxed: false,
            doc: docs::lines(&description),
            deprecated,
            extensions: self.extensions(file, at),
            facets: self.facets(file, schema),
        }
    }

    /// vSphere 9.x specs type enum properties as plain strings and name the enum in the text:
    /// "For more information see: *Appliance.Recovery.Reconciliation.Job.Status*." When that names
    /// a string enum schema of the same file, the property gets the enum's type.
    fn see_also_enum(&self, file: FileId, description: &str) -> Option<String> {
        const MARK: &str = "For more information see: *";
        let start = description.find(MARK)? + MARK.len();
        let end = description[start..].find('*')? + start;
        let name = &description[start..end];
        match self.component_schema(file, name)? {
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
        file: FileId,
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
                    let Some(name) = self.component_name(file, reference, &part_at) else { return false };
                    if !seen.insert(name.clone()) {
                        continue;
                    }
                    if let Some(plan) = self.unions.get(&(file, name.clone())) {
                        object.strip = Some(plan.property.clone());
                    }
                    match self.resolve_item(file, &name) {
                        Some(s) => (s, component_pointer(&name)),
                        None => return false,
                    }
                }
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    object.add(&o.properties, &o.required, &schema_at);
                    if let Some(a) = o.additional_properties.as_ref().and_then(|a| additional(a, &schema_at)) {
                        object.additional = Some(a);
                    }
                }
                SchemaKind::Any(any) if any.typ.is_none() || any.typ.as_deref() == Some("object") => {
                    object.add(&any.properties, &any.required, &schema_at);
                }
                SchemaKind::AllOf { all_of } => {
                    if !self.merge_all_of(file, all_of, &schema_at, object, seen) {
                        return false;
                    }
                }
                _ => {
                    let message = "an `allOf` part that is not an object cannot be merged; used `serde_json::Value`";
                    self.warn(file, &part_at, Kind::Unsupported, message);
                    return false;
                }
            }
        }
        true
    }

    /// The description of the first `allOf` part that has one.
    fn all_of_doc(&self, file: FileId, parts: &[ReferenceOr<Schema>]) -> Vec<String> {
        for part in parts {
            let schema = match part {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { reference } => {
                    reference.strip_prefix(COMPONENT_PREFIX).and_then(|n| self.resolve_item(file, n))
                }
            };
            if let Some(d) = schema.and_then(|s| s.schema_data.description.as_deref()) {
                return docs::lines(d);
            }
        }
        Vec::new()
    }
}
