//! Sends `appliance::recovery::backup::system_name::list` in `ApiMode::Legacy`, where its `/rest`
//! twin takes the backup location's password in the query string, to a server that breaks the
//! call, and prints every text the error gives: `Display`, `Debug`, and each of its sources.
//!
//! Built and run by `tests/tests/secrets.rs` against a crate generated from
//! `vsphere-7.0.3-api/appliance.json`; `BASE_URL` and `PASSWORD` come from the environment.

use vsphere::appliance::recovery::backup::{system_name, LocationSpec};
use vsphere::{ApiMode, Client, RetryPolicy, Secret, SessionId};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::var("BASE_URL").expect("BASE_URL");
    let password = std::env::var("PASSWORD").expect("PASSWORD");
    let client = Client::builder(base_url)
        .danger_allow_insecure_http(true)
        .mode(ApiMode::Legacy)
        .session(SessionId::new("s-1"))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("the client builds");
    let spec = LocationSpec {
        location: "sftp://backup.example.com/vcenter".to_owned(),
        location_user: Some("backup".to_owned()),
        location_password: Some(Secret::new(password)),
    };
    let error = client.send(system_name::list(&spec)).await.expect_err("the server breaks the call");
    println!("display: {error}");
    println!("debug: {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        println!("source: {cause}");
        println!("source debug: {cause:?}");
        source = cause.source();
    }
}
