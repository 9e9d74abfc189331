//! Tagged unions (declared discriminators and vAPI error families) and untagged unions.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::{Hint, Object, Spot, component_pointer};
use crate::diag::Kind;
use crate::docs;
use crate::ir::{Field, FileId, Struct, Ty, TypeId, TypeKind, Union, UnionVariant, UntaggedVariant};
use crate::lower::{Lowerer, UnionPlan, vapi};
use crate::names;
use crate::pointer::Pointer;

/// A union being built: its node, plan and variants so far, and the struct of its base's own
/// fields once made.
struct Build<'p> {
    id: TypeId,
    file: FileId,
    plan: &'p UnionPlan,
    hint: Hint,
    variants: Vec<UnionVariant>,
    base: Option<TypeId>,
}

impl<'a> Lowerer<'a> {
    /// The union a component declares (or whose vAPI error family it is the base of).
    pub(super) fn declared_union(&mut self, plan: &UnionPlan, name: &str, doc_lines: Vec<String>, spot: Spot) -> Ty {
        let hint = Hint { module: plan.want.0.clone(), name: plan.want.1.clone() };
        let id = self.node(spot, &hint, doc_lines);
        self.union_nodes.insert((spot.file, name.to_owned()), id);
        self.union(Build { id, file: spot.file, plan, hint, variants: Vec::new(), base: None })
    }

    /// The type of the union `key` of a file (see [`Lowerer::unions`]).
    pub(crate) fn union_ty(&mut self, file: FileId, key: &str) -> Ty {
        if let Some(id) = self.union_nodes.get(&(file, key.to_owned())) {
            return Ty::Named(*id);
        }
        let Some(plan) = self.unions.get(&(file, key.to_owned())).cloned() else { return self.free_form(file) };
        if let Some(base) = &plan.base {
            return self.component_ty(file, base);
        }
        let hint = Hint { module: plan.want.0.clone(), name: plan.want.1.clone() };
        let at = Pointer::root().push("components").push("schemas");
        let id = self.node(Spot { file, at: &at, hint: &hint, component: None }, &hint, Vec::new());
        self.nodes[id.0].rest_scheme = plan.rest_scheme;
        self.union_nodes.insert((file, key.to_owned()), id);
        self.union(Build { id, file, plan: &plan, hint, variants: Vec::new(), base: None })
    }

    fn union(&mut self, mut build: Build) -> Ty {
        for (tag, target) in &build.plan.variants {
            if let Some(payload) = self.variant_payload(&mut build, tag, target) {
                let fallback = build.base == Some(payload) && Some(target) != build.plan.base.as_ref();
                let want = if Some(target) == build.plan.base.as_ref() {
                    build.hint.name.clone()
                } else if fallback {
                    self.placer.place(target).1
                } else {
                    self.nodes[payload.0].want.1.clone()
                };
                push_variant(&mut build.variants, &want, tag, payload, fallback);
            }
        }
        if build.plan.standard {
            let listed: Vec<&str> = build.variants.iter().map(|v| v.tag.as_str()).collect();
            for tag in vapi::missing(&listed) {
                if let Some(base) = self.base_struct(&mut build) {
                    push_variant(&mut build.variants, &names::variant(tag), tag, base, true);
                }
            }
        }
        // A member that left the property to its union encodes its tag on its own; one that kept
        // it as a field (see `unions::add`) encodes the field.
        for variant in build.variants.iter().filter(|v| !v.fallback) {
            if let Some(TypeKind::Struct(s)) = &mut self.nodes[variant.ty.0].kind {
                if !s.fields.iter().any(|f| f.wire == build.plan.property) {
                    s.tag.get_or_insert_with(|| (build.plan.property.clone(), variant.tag.clone()));
                }
            }
        }
        let other = names::other_variant(|n| build.variants.iter().any(|v| v.ident == n));
        let node = &mut self.nodes[build.id.0];
        if node.doc_lines.is_empty() {
            let what = if build.plan.standard { "The standard vAPI errors" } else { "One of several types" };
            node.doc_lines = vec![format!("{what}, told apart by {}.", docs::code(&build.plan.property))];
        }
        let union = Union { property: build.plan.property.clone(), variants: build.variants, other };
        node.kind = Some(TypeKind::Union(union));
        Ty::Named(build.id)
    }

    /// The payload of one mapped tag: the base's own fields, the member's struct, or (for the
    /// standard errors) the base's fields when the member is absent.
    fn variant_payload(&mut self, build: &mut Build, tag: &str, target: &str) -> Option<TypeId> {
        let file = build.file;
        let mapping_at = || {
            let base = build.plan.base.as_deref().unwrap_or_default();
            component_pointer(base).push("discriminator").push("mapping").push(tag)
        };
        if Some(target) == build.plan.base.as_deref() {
            return self.base_struct(build);
        }
        if self.component_schema(file, target).is_some() {
            return match self.component_ty(file, target) {
                Ty::Named(t) => Some(t),
                _ => {
                    let message = format!(
                        "`{tag}` maps to {target}, which is not an object; \
                         values with this tag decode as the catch-all variant"
                    );
                    self.warn(file, &mapping_at(), Kind::DiscriminatorMapping, message);
                    None
                }
            };
        }
        let base = if build.plan.standard { self.base_struct(build) } else { None };
        let fallback = match base {
            Some(_) => "carry the base error's fields",
            None => "decode as the catch-all variant",
        };
        let message =
            format!("`{tag}` maps to #/components/schemas/{target}, which is absent; values with this tag {fallback}");
        self.warn(file, &mapping_at(), Kind::DiscriminatorMapping, message);
        base
    }

    /// The struct of the base schema's own fields (`ErrorBase`), made once per union; for a
    /// family whose base no input declares, the fields its members all share.
    fn base_struct(&mut self, build: &mut Build) -> Option<TypeId> {
        if build.base.is_some() {
            return build.base;
        }
        let Some(name) = build.plan.base.clone() else { return self.shared_base(build) };
        let schema = self.resolve_item(build.file, &name)?;
        let SchemaKind::Type(Type::Object(o)) = &schema.schema_kind else { return None };
        let at = component_pointer(&name);
        let object = Object::of(&o.properties, &o.required, None, &at, Some(build.plan.property.clone()));
        let base_hint = Hint { module: build.hint.module.clone(), name: names::base_type(&build.hint.name) };
        let mut lines = vec![format!("The fields of {} itself.", docs::code(&build.hint.name))];
        lines.push(String::new());
        lines.extend(self.nodes[build.id.0].doc_lines.iter().cloned());
        let spot = Spot { file: build.file, at: &at, hint: &base_hint, component: None };
        let id = self.node(spot, &base_hint, lines);
        self.nodes[id.0].rest_scheme = build.plan.rest_scheme;
        let strukt = self.fields(build.file, &object, &base_hint);
        self.nodes[id.0].kind = Some(TypeKind::Struct(strukt));
        build.base = Some(id);
        Some(id)
    }

    /// The base error of a family without one: a struct of the fields every member has alike
    /// (`messages`, `data`). `None` when the members share none.
    fn shared_base(&mut self, build: &mut Build) -> Option<TypeId> {
        let members: Vec<&Struct> = build
            .variants
            .iter()
            .filter_map(|v| match &self.nodes[v.ty.0].kind {
                Some(TypeKind::Struct(s)) => Some(s),
                _ => None,
            })
            .collect();
        let (first, rest) = members.split_first()?;
        let shared: Vec<Field> = first
            .fields
            .iter()
            .filter(|f| {
                rest.iter()
                    .all(|m| m.fields.iter().any(|g| g.wire == f.wire && g.ty == f.ty && g.required == f.required))
            })
            .cloned()
            .collect();
        if shared.is_empty() {
            return None;
        }
        let hint = Hint { module: build.hint.module.clone(), name: names::base_type(&build.hint.name) };
        let at = self.nodes[build.id.0].pointer.clone();
        let lines = vec![format!("The fields every error of {} has.", docs::code(&build.hint.name))];
        let id = self.node(Spot { file: build.file, at: &at, hint: &hint, component: None }, &hint, lines);
        self.nodes[id.0].rest_scheme = build.plan.rest_scheme;
        // Tagged like a declared base, so that it is one type with the base of another file.
        let tag = build.plan.standard.then(|| (build.plan.property.clone(), "ERROR".to_owned()));
        self.nodes[id.0].kind = Some(TypeKind::Struct(Struct { fields: shared, additional: None, tag }));
        build.base = Some(id);
        Some(id)
    }

    /// `oneOf`/`anyOf` without a discriminator: variants tried in order.
    pub(super) fn untagged(
        &mut self,
        parts: &'a [ReferenceOr<Schema>],
        key: &str,
        doc_lines: Vec<String>,
        spot: Spot,
    ) -> Ty {
        let at = spot.at.push(key);
        if parts.is_empty() {
            self.warn(
                spot.file,
                &at,
                Kind::Shape,
                format!("an empty `{key}` matches no value; used `serde_json::Value`"),
            );
            return self.free_form(spot.file);
        }
        let id = self.node(spot, spot.hint, doc_lines);
        let mut variants: Vec<UntaggedVariant> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_at = at.push(i.to_string());
            let ty = self.schema_ty(spot.file, part.into(), &part_at, &spot.hint.child(&format!("Variant{i}")));
            if ty == Ty::Named(id) {
                // "One of: itself, or ..." adds nothing, and an untagged union that tries itself
                // first would recurse forever while decoding.
                let message = "a union that lists itself as a variant; that variant is left out";
                self.warn(spot.file, &part_at, Kind::Unsupported, message);
                continue;
            }
            let base = match &ty {
                Ty::Named(n) => self.nodes[n.0].want.1.clone(),
                other => ty_word(other).to_owned(),
            };
            let ident = names::disambiguate(&base, |n| variants.iter().any(|v| v.ident == n));
            if let Some(same) = variants.iter().position(|v| v.ty == ty) {
                let message = format!("this variant has the type of variant {same} again; left out");
                self.warn(spot.file, &part_at, Kind::Shape, message);
            } else if variants.iter().any(|v| v.ty == Ty::String) && is_text(&ty) {
                let message = "a string before this variant takes every string value, so this one never decodes";
                self.warn(spot.file, &part_at, Kind::Shape, message);
                variants.push(UntaggedVariant { ident, ty, boxed: false });
            } else {
                variants.push(UntaggedVariant { ident, ty, boxed: false });
            }
        }
        self.nodes[id.0].kind = Some(TypeKind::Untagged(variants));
        Ty::Named(id)
    }
}

/// Whether values of a (non-generated) type decode from JSON strings.
fn is_text(ty: &Ty) -> bool {
    matches!(ty, Ty::String | Ty::Secret | Ty::DateTime)
}

fn push_variant(variants: &mut Vec<UnionVariant>, want: &str, tag: &str, payload: TypeId, fallback: bool) {
    let ident = names::disambiguate(want, |n| variants.iter().any(|v| v.ident == n));
    variants.push(UnionVariant { ident, tag: tag.to_owned(), ty: payload, boxed: false, fallback });
}

/// The variant name of an untagged union's part that is not a named type.
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
