//! Logs in to a vCenter and prints the state of the appliance's reconciliation job.
//!
//! ```text
//! VCENTER=https://vcenter.example.com VCENTER_USER=administrator@vsphere.local VCENTER_PASSWORD=... \
//!     cargo run -p vsphere-tests --example reconciliation_job
//! ```
//!
//! Set `VCENTER_SESSION` instead of user and password to reuse a session id. The client finds at
//! login whether the vCenter serves `/api` or only `/rest` (before 7.0 U2); `VCENTER_LEGACY=1`
//! says `/rest` up front.

use vsphere_api::appliance::recovery::reconciliation::job;
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Client, SessionId};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("VCENTER")?;
    let mode = if std::env::var_os("VCENTER_LEGACY").is_some() { ApiMode::Legacy } else { ApiMode::Auto };
    // TLS is verified against the platform's trust store; add the vCenter's VMCA root with
    // `.add_root_certificate_pem(...)` rather than turning verification off.
    let client = Client::builder(base_url).mode(mode).build()?;

    let session = match std::env::var("VCENTER_SESSION") {
        Ok(id) => SessionId::new(id),
        Err(_) => client.login(&std::env::var("VCENTER_USER")?, &std::env::var("VCENTER_PASSWORD")?).await?,
    };
    let client = client.with_session(session);

    match client.send(job::get()).await {
        Ok(info) => println!("{}: {} ({}%)", info.operation, info.status, info.progress),
        Err(error) => match error.api_error() {
            Some(VapiError::NotFound(_)) => println!("no reconciliation job is running"),
            Some(VapiError::Unauthenticated(_)) => println!("the session expired; log in again"),
            _ => return Err(error.into()),
        },
    }
    Ok(())
}
