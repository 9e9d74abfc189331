//! What both flow programs share: the environment, failure reports, and logging in over TLS
//! verified against the harness's CA. Copied beside each flow as `src/support.rs`.

use std::fmt::Debug;
use std::time::Duration;

use vsphere::cis::tagging::category;
use vsphere::content::library::{self, StorageBacking};
use vsphere::content::library_model::LibraryType;
use vsphere::content::local_library;
use vsphere::{ApiMode, Client, Error};

use crate::Vapi;

/// An identifier that no vcsim object has.
pub const MISSING_LIBRARY: &str = "00000000-0000-0000-0000-000000000000";
pub const MISSING_CATEGORY: &str = "urn:vmomi:InventoryServiceCategory:00000000-0000-0000-0000-000000000000:GLOBAL";

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("the environment variable {name} is not set"))
}

/// Everything about a failed call: what the runtime made of it and what the server sent.
pub fn describe<E: Debug>(error: &Error<E>) -> String {
    let mut text = format!("{error}; status {:?}; typed error {:?}", error.status(), error.api_error());
    match error {
        Error::Api(api) => text.push_str(&format!("; body {:?}", String::from_utf8_lossy(&api.body))),
        Error::Decode { body, source, .. } => {
            text.push_str(&format!("; body {:?}; decode error: {source}", String::from_utf8_lossy(body)))
        }
        other => {
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
        }
    }
    text
}

/// The result of a call that must succeed.
pub fn ok<T, E: Debug>(step: &str, result: Result<T, Error<E>>) -> T {
    result.unwrap_or_else(|error| panic!("{step}: {}", describe(&error)))
}

/// The error of a call that must fail.
pub fn failed<T: Debug, E: Debug>(step: &str, result: Result<T, Error<E>>) -> Error<E> {
    match result {
        Ok(value) => panic!("{step}: expected an error, the call succeeded with {value:?}"),
        Err(error) => error,
    }
}

/// The logged-in client, the datastore and the VM the harness names.
pub async fn connect() -> (Client, String, String) {
    let url = env("VCSIM_URL");
    let ca = std::fs::read(env("VCSIM_CA_PEM")).expect("read the CA certificate at VCSIM_CA_PEM");
    let datastore = env("VCSIM_DATASTORE");
    let vm = env("VCSIM_VM");
    let mode = match env("FLOW_MODE").as_str() {
        "auto" => ApiMode::Auto,
        "legacy" => ApiMode::Legacy,
        other => panic!("FLOW_MODE must be `auto` or `legacy`, not {other:?}"),
    };

    // TLS verified against the harness's CA only.
    let client = Client::builder(&url)
        .add_root_certificate_pem(&ca)
        .expect("VCSIM_CA_PEM holds a PEM certificate")
        .mode(mode)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("build the client");
    println!("client: {url}, mode {:?}", client.mode());

    let session = ok("login", client.login("user", "pass").await);
    assert!(!session.expose().trim().is_empty(), "login returned an empty session id");
    assert_eq!(client.mode(), ApiMode::Legacy, "vcsim serves only /rest: the client should call it after login");
    println!("logged in: surface {:?}", client.mode());
    let client = client.with_session(session);
    (client, datastore, vm)
}

/// Asserts that `error` is the typed API error `want` (tested by `is`), and says so.
pub fn assert_typed<E: Debug>(step: &str, error: &Error<E>, want: &str, is: impl Fn(&E) -> bool) {
    assert!(error.api_error().is_some_and(is), "{step}: expected Error::{want}, got {}", describe(error));
    println!("{step}: {want}");
}

/// The steps after a library is created, the same on both surfaces: it lists and reads back as
/// created, missing objects are `NotFound`, and logging out makes the session `Unauthenticated`.
pub async fn libraries_then_logout(client: &Client, library_id: &str, backing: &StorageBacking, datastore: &str) {
    let listed = ok("library list", client.send(library::list()).await);
    assert_eq!(listed, [library_id.to_owned()], "library list after one create");
    let local = ok("local library list", client.send(local_library::list()).await);
    assert_eq!(local, [library_id.to_owned()], "local library list after one create");
    println!("libraries listed: {}", listed.len());

    for (step, got) in [
        ("library get", client.send(library::get(library_id)).await),
        ("local library get", client.send(local_library::get(library_id)).await),
    ] {
        let got = ok(step, got);
        assert_eq!(got.id.as_deref(), Some(library_id), "{step}: {got:?}");
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
    assert_typed("library get (missing)", &missing, "NotFound", |e| matches!(e, Vapi::NotFound(_)));

    let missing = failed("category get (missing)", client.send(category::get(MISSING_CATEGORY)).await);
    assert_typed("category get (missing)", &missing, "NotFound", |e| matches!(e, Vapi::NotFound(_)));

    // Logging out kills the session.
    ok("logout", client.logout().await);
    println!("logged out");

    let dead = failed("category list after logout", client.send(category::list()).await);
    assert_eq!(dead.status().map(|s| s.as_u16()), Some(401), "after logout: {}", describe(&dead));
    assert_typed("category list after logout", &dead, "Unauthenticated", |e| matches!(e, Vapi::Unauthenticated(_)));

    println!("flow complete");
}
