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

use support::{connect, describe, failed, ok, MISSING_CATEGORY, MISSING_LIBRARY};

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
    assert!(
        matches!(duplicate.api_error(), Some(Vapi::AlreadyExists(_))),
        "category create again: expected Error::AlreadyExists, got {}",
        describe(&duplicate)
    );
    println!("category create again: AlreadyExists");

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
    // The spec's request body is a reference to nothing, so the function takes any JSON: the
    // `/rest` body, built from the typed model.
    let create = serde_json::json!({ "create_spec": spec });
    let library_id = ok("library create", client.send(local_library::create(&create)).await);
    assert!(!library_id.trim().is_empty(), "library create returned an empty id");
    println!("library created: {library_id}");

    let listed = ok("library list", client.send(library::list()).await);
    assert_eq!(listed, std::slice::from_ref(&library_id), "library list after one create");
    let local = ok("local library list", client.send(local_library::list()).await);
    assert_eq!(local, std::slice::from_ref(&library_id), "local library list after one create");
    println!("libraries listed: {}", listed.len());

    for (step, got) in [
        ("library get", client.send(library::get(&library_id)).await),
        ("local library get", client.send(local_library::get(&library_id)).await),
    ] {
        let got = ok(step, got);
        assert_eq!(got.id.as_deref(), Some(library_id.as_str()), "{step}: {got:?}");
        assert_eq!(got.name.as_deref(), Some("flow-lib"), "{step}: {got:?}");
        assert_eq!(got.description.as_deref(), Some("Flow library"), "{step}: {got:?}");
        assert_eq!(got.r#type, Some(LibraryType::Local), "{step}: {got:?}");
        assert_eq!(got.storage_backings.as_deref(), Some(&[backing.clone()][..]), "{step}: {got:?}");
        assert!(got.creation_time.is_some(), "{step}: no creation time in {got:?}");
        println!("{step}: {} {} on {datastore}", library_id, got.name.as_deref().unwrap_or_default());
    }

    // Missing objects.
    let missing = failed("library get (missing)", client.send(library::get(MISSING_LIBRARY)).await);
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404), "library get (missing): {}", describe(&missing));
    assert!(
        matches!(missing.api_error(), Some(Vapi::NotFound(_))),
        "library get (missing): expected Error::NotFound, got {}",
        describe(&missing)
    );
    println!("library get (missing): NotFound");

    let missing = failed("category get (missing)", client.send(category::get(MISSING_CATEGORY)).await);
    assert!(
        matches!(missing.api_error(), Some(Vapi::NotFound(_))),
        "category get (missing): expected Error::NotFound, got {}",
        describe(&missing)
    );
    println!("category get (missing): NotFound");

    // Logging out kills the session.
    ok("logout", client.logout().await);
    println!("logged out");

    let dead = failed("category list after logout", client.send(category::list()).await);
    assert_eq!(dead.status().map(|s| s.as_u16()), Some(401), "after logout: {}", describe(&dead));
    assert!(
        matches!(dead.api_error(), Some(Vapi::Unauthenticated(_))),
        "after logout: expected Error::Unauthenticated, got {}",
        describe(&dead)
    );
    println!("category list after logout: Unauthenticated");

    println!("flow complete");
}
