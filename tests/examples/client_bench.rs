//! How the client does under load, printed (never asserted): 1,000 calls, 50 in flight, against
//! a local server, without and with a session that expires halfway (every call in flight then
//! meets the expiry), and with a `tracing` subscriber that formats every span and event.
//!
//! ```text
//! cargo run --release -p vsphere-tests --example client_bench
//! ```
//!
//! For each run: calls per second, the 50th and 99th percentile of a call's latency, and how many
//! logins the server saw. One login for the renewal, at a rate close to the run without it, shows
//! that renewal is single-flight and that the session lock does not serialize calls.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use vsphere_api::appliance::recovery::reconciliation::job;
use vsphere_api::{ApiMode, Client, SessionId};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CALLS: usize = 1000;
const IN_FLIGHT: usize = 50;

/// A vCenter whose session `s-1` expires after `expire_after` calls; a login gives `s-2`.
struct Server {
    mock: MockServer,
    logins: Arc<AtomicUsize>,
}

async fn server(expire_after: usize) -> Server {
    let mock = MockServer::start().await;
    let logins = Arc::new(AtomicUsize::new(0));
    let counted = logins.clone();
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(move |_: &Request| {
            counted.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(201).set_body_json(json!("s-2"))
        })
        .mount(&mock)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let body = json!({
        "description": {"args": [], "default_message": "Reconcile", "id": "d"},
        "messages": [], "operation": "reconcile", "progress": 42,
        "service": "com.vmware.appliance.recovery.reconciliation.job", "status": "RUNNING"
    });
    Mock::given(method("GET"))
        .and(path("/api/appliance/recovery/reconciliation/job"))
        .respond_with(move |request: &Request| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            let session = request.headers.get("vmware-api-session-id").and_then(|v| v.to_str().ok());
            match session {
                Some("s-2") => ResponseTemplate::new(200).set_body_json(body.clone()),
                Some("s-1") if n < expire_after => ResponseTemplate::new(200).set_body_json(body.clone()),
                _ => ResponseTemplate::new(401),
            }
        })
        .mount(&mock)
        .await;
    Server { mock, logins }
}

/// `CALLS` calls, `IN_FLIGHT` at a time; prints one line.
async fn run(label: &str, expire_after: usize) {
    let server = server(expire_after).await;
    let client = Client::builder(server.mock.uri())
        .danger_allow_insecure_http(true)
        .mode(ApiMode::Current)
        .session(SessionId::new("s-1"))
        .credentials("user", "pass")
        .build()
        .expect("client builds");
    let started = Instant::now();
    let mut latencies: Vec<Duration> = Vec::with_capacity(CALLS);
    let mut calls = tokio::task::JoinSet::new();
    let mut sent = 0;
    while latencies.len() < CALLS {
        while sent < CALLS && calls.len() < IN_FLIGHT {
            let client = client.clone();
            calls.spawn(async move {
                let at = Instant::now();
                client.send(job::get()).await.expect("every call succeeds");
                at.elapsed()
            });
            sent += 1;
        }
        let latency = calls.join_next().await.expect("a call in flight").expect("the call ran");
        latencies.push(latency);
    }
    let took = started.elapsed();
    latencies.sort_unstable();
    let percentile = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    println!(
        "{label:<50} {:>7.0} calls/s   p50 {:>6.2} ms   p99 {:>6.2} ms   logins {}",
        CALLS as f64 / took.as_secs_f64(),
        percentile(50).as_secs_f64() * 1000.0,
        percentile(99).as_secs_f64() * 1000.0,
        server.logins.load(Ordering::SeqCst)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("{CALLS} calls, {IN_FLIGHT} in flight, against a local wiremock server ({} build)", build());
    run("no renewal, no subscriber", usize::MAX).await;
    run("session expires after 500 calls, no subscriber", 500).await;
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::sink)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    run("no renewal, fmt subscriber (spans and events)", usize::MAX).await;
    run("session expires after 500 calls, fmt subscriber", 500).await;
}

fn build() -> &'static str {
    if cfg!(debug_assertions) { "debug" } else { "release" }
}
