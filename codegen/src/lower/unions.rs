//! Tagged unions: schemas with a `discriminator`, and vAPI standard-error families.
//!
//! The 7.0.3 specs have no discriminator, yet every standard error carries `error_type`, an enum
//! whose values name the errors (`NOT_FOUND` for `VapiStdErrorsNotFound`). The error structs of a
//! document whose `error_type` property refers to one enum, and whose folded names are one
//! common prefix plus a folded value of that enum, form a family: a union named like the `ERROR`
//! value (`Error`), exactly as the 9.x specs declare it. The `ERROR` member, if the file has it,
//! is the union's own schema; files with only some members still get the union, and identity
//! merges the unions of all files into one type.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::{Lowerer, UnionPlan, place, vapi};
use crate::ir::FileId;
use crate::load::Document;
use crate::names;
use crate::pointer::Pointer;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Finds the unions of one file: declared ones first, then the error families they do not cover.
pub(crate) fn find(lowerer: &mut Lowerer, file: FileId) {
    let d = lowerer.doc(file);
    let Some(components) = &d.api.components else { return };
    let mut schemas: Vec<(&String, &Schema)> = components
        .schemas
        .iter()
        .filter_map(|(name, s)| match s {
            ReferenceOr::Item(s) => Some((name, s)),
            ReferenceOr::Reference { .. } => None,
        })
        .collect();
    schemas.sort_by(|a, b| a.0.cmp(b.0));
    for (name, schema) in &schemas {
        if let Some(plan) = declared(lowerer, name, schema, &schemas) {
            add(lowerer, file, (*name).clone(), plan);
        }
    }
    for (key, plan) in families(lowerer, d, &schemas) {
        if plan.base.as_ref().is_some_and(|b| lowerer.unions.contains_key(&(file, b.clone()))) {
            continue;
        }
        add(lowerer, file, key, plan);
    }
}

/// Registers a union and the discriminator its members leave to it.
///
/// A member leaves the property to its union only where that loses nothing: in a union of the
/// vAPI standard errors (whose `error_type` each error type implies), or when the spec uses the
/// member nowhere but in its union. A member also used on its own keeps the property as a field,
/// which the union's encoding overwrites with the variant's tag.
fn add(lowerer: &mut Lowerer, file: FileId, key: String, plan: UnionPlan) {
    let refs = &lowerer.doc(file).schema_refs;
    for (_, member) in &plan.variants {
        let used_alone = || match &plan.base {
            Some(base) => {
                let inside = Pointer::root().push("components").push("schemas").push(base);
                refs.get(member).into_iter().flatten().any(|at| !at.starts_with(&inside))
            }
            None => false,
        };
        if Some(member) != plan.base.as_ref() && (plan.standard || !used_alone()) {
            lowerer.members.insert((file, member.clone()), plan.property.clone());
        }
    }
    lowerer.unions.insert((file, key), plan);
}

/// The union a schema declares with `discriminator`: its mapping, else its `oneOf`/`anyOf`
/// references, else the schemas that include it with `allOf`.
fn declared(lowerer: &Lowerer, name: &str, schema: &Schema, schemas: &[(&String, &Schema)]) -> Option<UnionPlan> {
    let disc = schema.schema_data.discriminator.as_ref()?;
    let mut variants: Vec<(String, String)> = Vec::new();
    if !disc.mapping.is_empty() {
        for (tag, target) in &disc.mapping {
            variants.push((tag.clone(), target.strip_prefix(COMPONENT_PREFIX).unwrap_or(target).to_owned()));
        }
    } else {
        let parts = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => one_of.as_slice(),
            SchemaKind::AnyOf { any_of } => any_of.as_slice(),
            _ => &[],
        };
        for part in parts {
            if let Some(target) = reference(part) {
                variants.push((target.to_owned(), target.to_owned()));
            }
        }
        for (other, s) in schemas {
            if let SchemaKind::AllOf { all_of } = &s.schema_kind {
                if all_of.iter().any(|p| reference(p) == Some(name)) {
                    variants.push(((*other).clone(), (*other).clone()));
                }
            }
        }
    }
    if variants.is_empty() {
        return None;
    }
    let tags: Vec<&str> = variants.iter().map(|(t, _)| t.as_str()).collect();
    Some(UnionPlan {
        base: Some(name.to_owned()),
        want: lowerer.placer.place(name),
        standard: vapi::is_standard(&disc.property_name, &tags),
        property: disc.property_name.clone(),
        rest_scheme: place::rest_scheme(name),
        variants,
    })
}

fn reference(part: &ReferenceOr<Schema>) -> Option<&str> {
    match part {
        ReferenceOr::Reference { reference } => reference.strip_prefix(COMPONENT_PREFIX),
        ReferenceOr::Item(_) => None,
    }
}

/// The vAPI error families of a document, by union key.
fn families(lowerer: &Lowerer, d: &Document, schemas: &[(&String, &Schema)]) -> Vec<(String, UnionPlan)> {
    let mut by_enum: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, schema) in schemas {
        let SchemaKind::Type(Type::Object(o)) = &schema.schema_kind else { continue };
        let Some(enum_name) = o.properties.get(vapi::PROPERTY).and_then(referenced_component) else { continue };
        if string_enum(d, enum_name).is_some() {
            by_enum.entry(enum_name.to_owned()).or_default().push((*name).clone());
        }
    }
    let mut out = Vec::new();
    for (enum_name, members) in by_enum {
        let values = string_enum(d, &enum_name).unwrap_or_default();
        for (prefix, tagged) in family_members(&values, &members) {
            let base = tagged.iter().find(|(tag, _)| tag == "ERROR").map(|(_, b)| b.clone());
            let module = lowerer.placer.place(base.as_deref().unwrap_or(&tagged[0].1)).0;
            let key = base.clone().unwrap_or_else(|| format!("#family:{enum_name}:{prefix}"));
            let tags: Vec<&str> = tagged.iter().map(|(t, _)| t.as_str()).collect();
            let plan = UnionPlan {
                standard: vapi::is_standard(vapi::PROPERTY, &tags),
                rest_scheme: tagged.iter().all(|(_, m)| place::rest_scheme(m)),
                base,
                want: (module, names::error_union()),
                property: vapi::PROPERTY.to_owned(),
                variants: tagged,
            };
            out.push((key, plan));
        }
    }
    out
}

/// Groups the members of an error family: each member's folded name is a prefix plus a folded
/// enum value; the prefix most members share wins, then the shorter one. Returns each prefix
/// with its `(tag, member)` pairs in enum order.
pub(crate) fn family_members(values: &[String], members: &[String]) -> BTreeMap<String, Vec<(String, String)>> {
    let folded: Vec<(String, &String)> = values.iter().map(|v| (names::fold(v), v)).collect();
    let mut prefixes: BTreeMap<String, usize> = BTreeMap::new();
    for member in members {
        let f = names::fold(member);
        for (fv, _) in &folded {
            if let Some(prefix) = f.strip_suffix(fv.as_str()) {
                *prefixes.entry(prefix.to_owned()).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(String, usize)> = prefixes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for member in members {
        let f = names::fold(member);
        let hit = ranked.iter().find_map(|(prefix, _)| {
            let rest = f.strip_prefix(prefix.as_str())?;
            folded.iter().find(|(fv, _)| fv == rest).map(|(_, tag)| (prefix.clone(), (*tag).clone()))
        });
        if let Some((prefix, tag)) = hit {
            out.entry(prefix).or_default().push((tag, member.clone()));
        }
    }
    for tagged in out.values_mut() {
        tagged.sort_by_key(|(tag, _)| values.iter().position(|v| v == tag));
    }
    out
}

/// The component a property refers to: `$ref` itself, or the `allOf: [$ref]` wrapper that
/// carries a description beside it.
fn referenced_component(property: &ReferenceOr<Box<Schema>>) -> Option<&str> {
    let reference = match property {
        ReferenceOr::Reference { reference } => reference,
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => reference,
                _ => return None,
            },
            _ => return None,
        },
    };
    reference.strip_prefix(COMPONENT_PREFIX)
}

/// The values of a component that is a string enum.
pub(crate) fn string_enum(d: &Document, name: &str) -> Option<Vec<String>> {
    let schema = d.api.components.as_ref()?.schemas.get(name)?;
    match schema {
        ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. })
            if !s.enumeration.is_empty() =>
        {
            Some(s.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn members_are_a_shared_prefix_plus_an_enum_value() {
        let values = strings(&["ERROR", "NOT_FOUND", "ALREADY_EXISTS"]);
        let members = strings(&[
            "VapiStdErrorsNotFound",
            "VapiStdErrorsError",
            "VapiStdErrorsAlreadyExists",
            "VapiStdErrorsErrorType",
            "SomethingElse",
        ]);
        let families = family_members(&values, &members);
        assert_eq!(families.len(), 1);
        assert_eq!(
            families["vapistderrors"],
            [
                ("ERROR".to_owned(), "VapiStdErrorsError".to_owned()),
                ("NOT_FOUND".to_owned(), "VapiStdErrorsNotFound".to_owned()),
                ("ALREADY_EXISTS".to_owned(), "VapiStdErrorsAlreadyExists".to_owned()),
            ]
        );
    }

    #[test]
    fn the_most_shared_prefix_wins_and_schemes_fold_together() {
        let values = strings(&["ERROR", "NOT_FOUND"]);
        // `vapi.std.errors.not_found` and `VapiStdErrorsNotFound` fold alike; `FooError` would
        // be prefix `foo` with one vote only.
        let members = strings(&["vapi.std.errors.error", "vapi.std.errors.not_found", "foo_error"]);
        let families = family_members(&values, &members);
        assert_eq!(families["vapistderrors"].len(), 2);
        assert_eq!(families["foo"], [("ERROR".to_owned(), "foo_error".to_owned())]);
    }

    #[test]
    fn no_member_no_family() {
        assert!(family_members(&strings(&["A"]), &strings(&["B", "C"])).is_empty());
    }
}
