//! Logs in to a vCenter with a user name and password, reports the appliance's reconciliation
//! job, starts a new one as a vCenter task and waits for it with its progress, and logs out.
//!
//! ```text
//! VCENTER=https://vcenter.example.com VCENTER_USER=administrator@vsphere.local VCENTER_PASSWORD=... \
//!     cargo run -p vsphere-tests --example reconciliation_job
//! ```
//!
//! `tests/tests/behaviour/example.rs` runs [`run`] against a local server.

use std::io::Write;

use vsphere_api::Client;
use vsphere_api::appliance::recovery::reconciliation::job::{self, CreateSpec};
use vsphere_api::vapi::std::errors::Error as VapiError;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // TLS is verified against the platform's trust store; add the vCenter's VMCA root with
    // `.add_root_certificate_pem(...)` rather than turning verification off.
    let client = Client::builder(std::env::var("VCENTER")?)
        .credentials(std::env::var("VCENTER_USER")?, std::env::var("VCENTER_PASSWORD")?)
        .build()?;
    run(&client, &mut std::io::stdout()).await
}

/// The example: what it prints goes to `out`.
pub async fn run(client: &Client, out: &mut impl Write) -> Result<(), Box<dyn std::error::Error>> {
    // The first call logs in (on `/api`, or on `/rest` for a vCenter before 7.0 U2); a session
    // that expires later is renewed the same way.
    match client.send(job::get()).await {
        Ok(info) => writeln!(out, "last job: {} ({}%)", info.status, info.progress)?,
        Err(error) if matches!(error.api_error(), Some(VapiError::NotFound(_))) => writeln!(out, "no job yet")?,
        Err(error) => return Err(error.into()),
    }

    let spec = CreateSpec { ignore_warnings: Some(true), ..CreateSpec::default() };
    let task = client.send(job::create_task(&spec)).await?;
    writeln!(out, "task: {}", task.id())?;
    let mut progress = Vec::new();
    let info = client
        .wait(&task)
        .on_progress(|report| {
            if let Some(p) = &report.progress {
                progress.push(format!("{} of {}: {}", p.completed, p.total, p.message.as_deref().unwrap_or("")));
            }
        })
        .await?;
    for line in progress {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "job: {} ({}%)", info.status, info.progress)?;

    client.logout().await?;
    writeln!(out, "logged out")?;
    Ok(())
}
