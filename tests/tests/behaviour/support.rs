//! What the modules of this suite share: the seed example, sample bodies and specs, and small helpers.

use serde_json::{Value, json};
use vsphere_api::appliance::recovery::reconciliation::job::{CreateSpec, Info};
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiError, ApiMode, Client, ClientBuilder, Error, Operation, Secret};
use wiremock::MockServer;

pub(crate) const JOB_API_PATH: &str = "/api/appliance/recovery/reconciliation/job";

pub(crate) const JOB_REST_PATH: &str = "/rest/appliance/recovery/reconciliation/job";

/// The example `Info` of the seed page `shared/seeds/get-reconciliation-job.txt` ("Get
/// Reconciliation Job"), with every one of its fields kept.
///
/// Adapted minimally where the page shows placeholders that are not valid values of the spec:
/// - `end_time`, `start_time` and both `params.key.dt` were `"string"`; they are `date-time`
///   fields, so they are real RFC 3339 timestamps here.
/// - both `params.key.l.params` were `"StdLocalizationParam Object"`; that field is a map of
///   `LocalizationParam`, so it is a real nested map (`{"key": {"s": "string"}}`) here.
///
/// Everything else (the `"string"` values, `0`s, `"SHORT_DATE"`, `"NONE"`, `"error": {}`) is
/// exactly as on the page. `seed_example_matches_the_seed_page` checks that claim.
pub(crate) const SEED_INFO: &str = r#"{
  "cancelable": false,
  "description": {
    "args": ["string"],
    "default_message": "string",
    "id": "string",
    "localized": "string",
    "params": {
      "key": {
        "d": 0,
        "dt": "2024-05-01T10:00:00Z",
        "format": "SHORT_DATE",
        "i": 0,
        "l": {
          "id": "string",
          "params": { "key": { "s": "string" } }
        },
        "precision": 0,
        "s": "string"
      }
    }
  },
  "end_time": "2024-05-01T10:05:30Z",
  "error": {},
  "messages": [
    {
      "args": ["string"],
      "default_message": "string",
      "id": "string",
      "localized": "string",
      "params": {
        "key": {
          "d": 0,
          "dt": "2024-05-01T10:00:00Z",
          "format": "SHORT_DATE",
          "i": 0,
          "l": {
            "id": "string",
            "params": { "key": { "s": "string" } }
          },
          "precision": 0,
          "s": "string"
        }
      }
    }
  ],
  "operation": "string",
  "parent": "string",
  "progress": 0,
  "service": "string",
  "start_time": "2024-05-01T10:00:00Z",
  "status": "NONE",
  "target": {
    "id": "string",
    "type": "string"
  }
}"#;

pub(crate) type JobOperation = Operation<Info, VapiError>;

pub(crate) type JobResult = Result<Info, Error<VapiError>>;

pub(crate) fn seed_info_json() -> Value {
    serde_json::from_str(SEED_INFO).expect("SEED_INFO is JSON")
}

/// A small valid `Info` body, as a running job reports it.
pub(crate) fn info_json(status: &str) -> Value {
    json!({
        "description": {
            "args": [],
            "default_message": "Reconciliation of the appliance",
            "id": "com.vmware.appliance.recovery.reconciliation.description"
        },
        "messages": [],
        "operation": "reconcile",
        "progress": 42,
        "service": "com.vmware.appliance.recovery.reconciliation.job",
        "status": status
    })
}

pub(crate) fn message_json(id: &str, text: &str) -> Value {
    json!({ "args": ["job"], "default_message": text, "id": id })
}

pub(crate) fn not_found_messages() -> Value {
    json!([message_json("com.vmware.api.vcenter.not_found", "The job was not found.")])
}

/// `op.decode` with a numeric status (this crate has no direct `http` dependency; the target
/// type `http::StatusCode` is inferred from `Operation::decode`).
pub(crate) fn decode(op: &JobOperation, mode: ApiMode, status: u16, body: &[u8]) -> JobResult {
    op.decode(mode, status.try_into().expect("a valid HTTP status"), body)
}

pub(crate) fn expect_api_error(result: JobResult) -> Box<ApiError<VapiError>> {
    match result {
        Err(Error::Api(api)) => api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

pub(crate) fn sample_spec() -> CreateSpec {
    CreateSpec {
        ignore_warnings: Some(true),
        sso_admin_user_name: Some("administrator@vsphere.local".to_owned()),
        sso_admin_user_password: Some(Secret::new("Sup3r-S3cret-pw!")),
    }
}

pub(crate) fn sample_spec_json() -> Value {
    json!({
        "ignore_warnings": true,
        "sso_admin_user_name": "administrator@vsphere.local",
        "sso_admin_user_password": "Sup3r-S3cret-pw!"
    })
}

pub(crate) fn client(server: &MockServer, mode: ApiMode) -> Client {
    builder(server).mode(mode).build().expect("client builds")
}

/// A client builder for a local mock server, which speaks plain HTTP (allowed by its loudly named
/// option; `https://` is otherwise required).
pub(crate) fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder(server.uri()).danger_allow_insecure_http(true)
}

/// A server that answers every connection with the same raw bytes and then closes it: for answers
/// no well-behaved server gives (a body cut short, an endless chunked body). Stopped when dropped.
pub(crate) struct RawServer {
    address: std::net::SocketAddr,
    /// The first line of each request it got (`GET /api/... HTTP/1.1`).
    pub(crate) request_lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Answers with `head` and then `body_chunks` (each written on its own), then closes.
    pub(crate) async fn start(head: &'static str, body_chunks: Vec<Vec<u8>>) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let request_lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let lines = request_lines.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut request = vec![0u8; 16 * 1024];
                let read = stream.read(&mut request).await.unwrap_or(0);
                let text = String::from_utf8_lossy(&request[..read]).into_owned();
                lines.lock().expect("lock").push(text.lines().next().unwrap_or_default().to_owned());
                let _ = stream.write_all(head.as_bytes()).await;
                for chunk in &body_chunks {
                    if stream.write_all(chunk).await.is_err() {
                        break;
                    }
                }
                let _ = stream.shutdown().await;
            }
        });
        Self { address, request_lines, task }
    }

    pub(crate) fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    pub(crate) fn requests(&self) -> Vec<String> {
        self.request_lines.lock().expect("lock").clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The requests a mock server got for `method` and `path`.
pub(crate) async fn received(server: &MockServer, method: &str, path: &str) -> Vec<wiremock::Request> {
    let all = server.received_requests().await.expect("recording is on");
    all.into_iter().filter(|r| r.method.as_str() == method && r.url.path() == path).collect()
}

/// The value of the session header of a request, if any.
pub(crate) fn session_of(request: &wiremock::Request) -> Option<String> {
    request.headers.get("vmware-api-session-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}
