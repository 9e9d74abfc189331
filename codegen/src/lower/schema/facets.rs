//! What a schema says about its values beyond their type ([`Facets`]): kept in the IR for tools
//! that make values, such as the contract calls. The generated code does not read them.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::{COMPONENT_PREFIX, SRef};
use crate::ir::{Facets, FileId};
use crate::lower::Lowerer;

/// How deep `items` facets are read (an array of arrays of arrays is as deep as the specs go).
const MAX_DEPTH: usize = 4;

impl<'a> Lowerer<'a> {
    /// The facets of a schema or reference (references are followed to their schema).
    pub(crate) fn facets(&self, file: FileId, schema: SRef<'a>) -> Facets {
        self.facets_at(file, schema, 0)
    }

    fn facets_at(&self, file: FileId, schema: SRef<'a>, depth: usize) -> Facets {
        let schema = match schema {
            SRef::Item(schema) => schema,
            SRef::Ref(reference) => match reference.strip_prefix(COMPONENT_PREFIX) {
                Some(name) => match self.resolve_item(file, &name.replace("~1", "/").replace("~0", "~")) {
                    Some(schema) => schema,
                    None => return Facets::default(),
                },
                None => return Facets::default(),
            },
        };
        let mut facets = of_kind(&schema.schema_kind);
        if let Some(example) = schema.schema_data.example.clone().or_else(|| schema.schema_data.default.clone()) {
            facets.example = Some(example);
        }
        if depth < MAX_DEPTH {
            if let Some(items) = items(&schema.schema_kind) {
                let inner = self.facets_at(file, items, depth + 1);
                facets.items = (inner != Facets::default()).then(|| Box::new(inner));
            }
        }
        facets
    }
}

/// The facets a schema's kind declares (not its example, nor its items').
fn of_kind(kind: &SchemaKind) -> Facets {
    let mut facets = Facets::default();
    match kind {
        SchemaKind::Type(Type::String(s)) => {
            facets.format = match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date".to_owned()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte".to_owned()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary".to_owned()),
                VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
                // The type carries these (`DateTime<Utc>`, `Secret`).
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime | StringFormat::Password)
                | VariantOrUnknownOrEmpty::Empty => None,
            };
            facets.pattern = s.pattern.clone();
            (facets.min_length, facets.max_length) = (s.min_length, s.max_length);
        }
        SchemaKind::Type(Type::Integer(i)) => {
            facets.minimum = i.minimum.map(|m| if i.exclusive_minimum { m.saturating_add(1) } else { m } as f64);
            facets.maximum = i.maximum.map(|m| if i.exclusive_maximum { m.saturating_sub(1) } else { m } as f64);
            facets.example = i.enumeration.iter().flatten().next().map(|v| serde_json::Value::from(*v));
        }
        SchemaKind::Type(Type::Number(n)) => {
            (facets.minimum, facets.maximum) = (n.minimum, n.maximum);
            facets.example = n.enumeration.iter().flatten().next().map(|v| serde_json::Value::from(*v));
        }
        SchemaKind::Any(any) => {
            facets.format = any.format.clone().filter(|f| !matches!(f.as_str(), "date-time" | "password"));
            facets.pattern = any.pattern.clone();
            (facets.min_length, facets.max_length) = (any.min_length, any.max_length);
            (facets.minimum, facets.maximum) = (any.minimum, any.maximum);
        }
        _ => {}
    }
    facets
}

/// The schema of an array's items or of a map's values.
fn items(kind: &SchemaKind) -> Option<SRef<'_>> {
    fn additional(a: Option<&AdditionalProperties>) -> Option<SRef<'_>> {
        match a {
            Some(AdditionalProperties::Schema(s)) => {
                let r: &ReferenceOr<Schema> = s;
                Some(SRef::from(r))
            }
            _ => None,
        }
    }
    match kind {
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref().map(SRef::from),
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => additional(o.additional_properties.as_ref()),
        SchemaKind::Any(any) => match &any.items {
            Some(items) => Some(SRef::from(items)),
            None if any.properties.is_empty() => additional(any.additional_properties.as_ref()),
            None => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(yaml: &str) -> SchemaKind {
        serde_yaml::from_str::<Schema>(yaml).expect("a schema").schema_kind
    }

    #[test]
    fn formats_the_type_does_not_carry_are_kept() {
        assert_eq!(of_kind(&kind("{type: string, format: uri}")).format.as_deref(), Some("uri"));
        assert_eq!(of_kind(&kind("{type: string, format: ipv4}")).format.as_deref(), Some("ipv4"));
        assert_eq!(of_kind(&kind("{type: string, format: date}")).format.as_deref(), Some("date"));
        assert_eq!(of_kind(&kind("{type: string, format: date-time}")).format, None);
        assert_eq!(of_kind(&kind("{type: string, format: password}")).format, None);
        let s = of_kind(&kind("{type: string, pattern: '^[a-z]+$', minLength: 2, maxLength: 5}"));
        assert_eq!((s.pattern.as_deref(), s.min_length, s.max_length), (Some("^[a-z]+$"), Some(2), Some(5)));
    }

    #[test]
    fn integer_bounds_are_made_inclusive() {
        let i = of_kind(&kind("{type: integer, minimum: 1, maximum: 10, exclusiveMinimum: true}"));
        assert_eq!((i.minimum, i.maximum), (Some(2.0), Some(10.0)));
        let i = of_kind(&kind("{type: integer, maximum: 10, exclusiveMaximum: true}"));
        assert_eq!((i.minimum, i.maximum), (None, Some(9.0)));
        assert_eq!(of_kind(&kind("{type: integer, enum: [3, 4]}")).example, Some(serde_json::json!(3)));
        let n = of_kind(&kind("{type: number, minimum: 0.5}"));
        assert_eq!(n.minimum, Some(0.5));
    }
}
