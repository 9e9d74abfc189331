//! Validate: structural checks over loaded documents, before lowering.
//!
//! (Path keys without a leading `/` are reported by `repair`: openapiv3 would drop them.)
//!
//! Lowering tolerates what it can with a warning at the point of use (dangling references,
//! missing schemas); this pass reports what makes a document unusable as a whole (errors), and
//! problems that lowering would otherwise hide (warnings).

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, SchemaKind};

use crate::diag::{Diagnostics, Kind};
use crate::load::Document;
use crate::pointer::Pointer;

/// Checks every document; errors stop generation.
pub fn validate(docs: &[Document], diags: &mut Diagnostics) {
    for d in docs {
        let label = d.label.as_str();
        if d.api.paths.paths.is_empty() {
            diags.warn(
                label,
                &Pointer::root().push("paths"),
                Kind::Shape,
                "the spec has no paths; only types are generated",
            );
        }
        server_url(d, diags);
        for (path, item) in &d.api.paths.paths {
            let at = Pointer::root().push("paths").push(path);
            let template = path.split('?').next().unwrap_or(path);
            if !balanced(template) {
                diags.error(label, &at, Kind::Shape, "unbalanced `{` `}` in the path template");
                continue;
            }
            let ReferenceOr::Item(item) = item else {
                diags.error(label, &at, Kind::Unsupported, "a path item `$ref` is not supported; inline the path item");
                continue;
            };
            for (method, op) in item.iter() {
                let op_at = at.push(method);
                let mut seen = BTreeSet::new();
                for (i, p) in op.parameters.iter().enumerate() {
                    if let ReferenceOr::Item(p) = p {
                        let data = p.parameter_data_ref();
                        let place = match p {
                            openapiv3::Parameter::Query { .. } => "query",
                            openapiv3::Parameter::Header { .. } => "header",
                            openapiv3::Parameter::Path { .. } => "path",
                            openapiv3::Parameter::Cookie { .. } => "cookie",
                        };
                        if !seen.insert((data.name.clone(), place)) {
                            diags.warn(
                                label,
                                &op_at.push("parameters").push(i.to_string()),
                                Kind::Parameter,
                                format!("{place} parameter `{}` is declared twice; the last one is used", data.name),
                            );
                        }
                    }
                }
            }
        }
        if let Some(components) = &d.api.components {
            for (name, schema) in &components.schemas {
                let ReferenceOr::Item(schema) = schema else { continue };
                let Some(disc) = &schema.schema_data.discriminator else { continue };
                let has_property = match &schema.schema_kind {
                    SchemaKind::Type(openapiv3::Type::Object(o)) => o.properties.contains_key(&disc.property_name),
                    _ => true,
                };
                if !has_property {
                    let at = Pointer::root().push("components").push("schemas").push(name).push("discriminator");
                    diags.warn(
                        label,
                        &at,
                        Kind::DiscriminatorMapping,
                        format!("the discriminator `{}` is not a property of the schema", disc.property_name),
                    );
                }
            }
        }
    }
}

/// A server URL that is neither a URL nor a path gives the routes no prefix: say so.
fn server_url(d: &Document, diags: &mut Diagnostics) {
    let Some(server) = d.api.servers.first() else { return };
    let url = server.url.as_str();
    if !(url.contains("://") || url.starts_with('/')) {
        let at = Pointer::root().push("servers").push("0").push("url");
        diags.warn(&d.label, &at, Kind::Shape, format!("`{url}` is no URL nor a path; routes get no prefix from it"));
    }
}

fn balanced(template: &str) -> bool {
    let mut open = false;
    for c in template.chars() {
        match c {
            '{' if open => return false,
            '{' => open = true,
            '}' if !open => return false,
            '}' => open = false,
            _ => {}
        }
    }
    !open
}
