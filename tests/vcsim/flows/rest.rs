//! The tagging and content-library flow against vcsim through the **`/rest` functions** of a
//! crate generated from `vsphere-7.0.3-oas3` `cis.json` + `content.json` (VMware's own generator's
//! output, which describes only the `/rest` surface, bodies wrapped as `{"create_spec": ...}` and
//! results as `{"value": ...}`): the same steps as `api.rs`.
//!
//! The crate's `content.json` also holds a few `/api` operations, so in `FLOW_MODE=auto` the
//! client probes `/api/session` at login and must fall back to `/rest`; `FLOW_MODE=legacy` goes
//! there from the start. Run by `tests/tests/vcsim_flows.rs`, which copies this file in as the
//! `src/main.rs` of a small binary crate that depends on the generated crate as `vsphere`.
//!
//! Environment: `VCSIM_URL`, `VCSIM_CA_PEM` (a path), `VCSIM_DATASTORE`, `VCSIM_VM`,
//! `FLOW_MODE` (`auto` or `legacy`). Prints one line per step; any failed expectation panics with
//! what the server answered, so the process exits non-zero.

use vsphere::cis::tagging::{self, category, category_model::Cardinality, tag, tag_association};
use vsphere::content::library::{storage_backing, StorageBacking};
use vsphere::content::{self, library, library_model::LibraryType, local_library};
use vsphere::vapi::std::errors::ErrorLegacy as Vapi;
use vsphere::vapi::std::DynamicId;

mod support;

use support::{assert_typed, connect, describe, failed, ok};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (client, datastore, vm) = connect().await;

    // Categories.
    let before = ok("category list (empty)", client.send(category::list()).await);
    assert!(before.is_empty(), "a fresh vcsim has no categories, listed {before:?}");
    println!("categories before: 0");

    let spec = category::CreateSpec {
        name: "flow-env".to_owned(),
        description: "Environment".to_owned(),
        cardinality: Cardinality::Single,
        associable_types: Vec::new(),
        category_id: None,
    };
    let create = tagging::CategoryCreate { create_spec: Some(spec) };
    let category_id = ok("category create", client.send(category::create(&create)).await);
    assert!(category_id.starts_with("urn:vmomi:InventoryServiceCategory:"), "category create returned {category_id:?}");
    println!("category created: {category_id}");

    let listed = ok("category list", client.send(category::list()).await);
    assert_eq!(listed, std::slice::from_ref(&category_id), "category list after one create");
    println!("categories listed: {}", listed.len());

    let got = ok("category get", client.send(category::get(&category_id)).await);
    assert_eq!(
        (got.id.as_str(), got.name.as_str(), got.description.as_str(), &got.cardinality),
        (category_id.as_str(), "flow-env", "Environment", &Cardinality::Single),
        "category get: {got:?}"
    );
    assert!(got.associable_types.is_empty() && got.used_by.is_empty(), "category get: {got:?}");
    println!("category got: {} {} {}", got.id, got.name, got.cardinality);

    let duplicate = failed("category create again", client.send(category::create(&create)).await);
    assert_eq!(duplicate.status().map(|s| s.as_u16()), Some(400), "category create again: {}", describe(&duplicate));
    assert_typed("category create again", &duplicate, "AlreadyExists", |e| matches!(e, Vapi::AlreadyExists(_)));

    // Tags.
    let none = ok("tags of the fresh category", client.send(tag::list_tags_for_category(&category_id)).await);
    assert!(none.is_empty(), "a fresh category has no tags, listed {none:?}");
    println!("tags of the fresh category: 0");

    let spec = tag::CreateSpec {
        category_id: category_id.clone(),
        name: "prod".to_owned(),
        description: "Production".to_owned(),
        tag_id: None,
    };
    let create = tagging::TagCreate { create_spec: Some(spec) };
    let tag_id = ok("tag create", client.send(tag::create(&create)).await);
    assert!(tag_id.starts_with("urn:vmomi:InventoryServiceTag:"), "tag create returned {tag_id:?}");
    println!("tag created: {tag_id}");

    let got = ok("tag get", client.send(tag::get(&tag_id)).await);
    assert_eq!(
        (got.id.as_str(), got.name.as_str(), got.description.as_str(), got.category_id.as_str()),
        (tag_id.as_str(), "prod", "Production", category_id.as_str()),
        "tag get: {got:?}"
    );
    println!("tag got: {} {} in {}", got.id, got.name, got.category_id);

    let tags = ok("tags of the category", client.send(tag::list_tags_for_category(&category_id)).await);
    assert_eq!(tags, std::slice::from_ref(&tag_id), "tags of the category after one create");
    println!("tags of the category: {}", tags.len());

    // Tag associations.
    let object = DynamicId { r#type: "VirtualMachine".to_owned(), id: vm.clone() };
    let attached = tagging::TagAssociationListAttachedTags { object_id: Some(object.clone()) };
    let none = ok("attached tags (empty)", client.send(tag_association::list_attached_tags(&attached)).await);
    assert!(none.is_empty(), "{vm} has no tags yet, listed {none:?}");
    println!("attached tags before: 0");

    let attach = tagging::TagAssociationAttach { object_id: Some(object.clone()) };
    let answer = ok("tag attach", client.send(tag_association::attach(&tag_id, &attach)).await);
    assert!(answer.is_null(), "tag attach answered {answer}");
    println!("tag attached: {tag_id} to {vm}");

    let tags = ok("attached tags", client.send(tag_association::list_attached_tags(&attached)).await);
    assert_eq!(tags, std::slice::from_ref(&tag_id), "attached tags of {vm}");
    println!("attached tags listed: {}", tags.join(","));

    // Local libraries.
    let none = ok("library list (empty)", client.send(library::list()).await);
    assert!(none.is_empty(), "a fresh vcsim has no libraries, listed {none:?}");
    println!("libraries before: 0");

    let backing = StorageBacking {
        r#type: Some(storage_backing::Type::Datastore),
        datastore_id: Some(datastore.clone()),
        storage_uri: None,
    };
    let spec = content::LibraryModel {
        name: Some("flow-lib".to_owned()),
        description: Some("Flow library".to_owned()),
        r#type: Some(LibraryType::Local),
        storage_backings: Some(vec![backing.clone()]),
        ..Default::default()
    };
    // The spec's request body is a reference to nothing; the generator repairs it to the schema
    // of the same name, so the `/rest` body is typed too.
    let create = content::LocalLibraryCreate { client_token: None, create_spec: Some(spec) };
    let library_id = ok("library create", client.send(local_library::create(&create)).await);
    assert!(!library_id.trim().is_empty(), "library create returned an empty id");
    println!("library created: {library_id}");

    support::libraries_then_logout(&client, &library_id, &backing, &datastore).await;
}
