//! The contract-calls program: sends every call of `calls.rs` (written by `vsphere-codegen`'s
//! feature `contract`) to Prism through the rewriting proxy, and prints one JSON line per call
//! for the test `contract` (tests/tests/contract/), which judges them.
//!
//! `contract-calls <base URL> <current|legacy>`. Each request is built with the sans-IO
//! `Operation::http_request(base, session, mode)`, exactly as a user's program builds it, sent
//! with the minimal HTTP/1.1 client in `http1.rs`, and each 2xx response decoded with
//! `Operation::decode(mode, status, body)`. No `Client`.
//!
//! In `legacy` mode only the operations paired with a `/rest` twin are sent; the others are
//! listed (`"sent": false`) with the reason.

mod calls;
mod http1;

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use vsphere::runtime::ErrorBody;
use vsphere::{ApiMode, Error, Operation, SessionId};

/// The most of a response body a line carries.
const BODY_LIMIT: usize = 16 * 1024;

/// One call, its types erased.
pub struct Call(Box<dyn Check>);

impl Call {
    /// Wraps an operation made by `calls.rs`.
    pub fn new<T: DeserializeOwned + 'static, E: ErrorBody + 'static>(op: Operation<T, E>) -> Call {
        Call(Box::new(op))
    }
}

/// What the program asks of an operation.
trait Check {
    /// The request in `mode`, or why there is none.
    fn request(&self, base: &str, mode: ApiMode) -> Result<http::Request<Vec<u8>>, String>;
    /// Decodes a response; `Err` says why it does not decode.
    fn decode(&self, mode: ApiMode, status: u16, body: &[u8]) -> Result<(), String>;
    /// `METHOD template` of the route taken in `mode`.
    fn route(&self, mode: ApiMode) -> Option<String>;
    /// Whether the operation is paired with a `/rest` twin.
    fn paired(&self) -> bool;
}

impl<T: DeserializeOwned, E: ErrorBody> Check for Operation<T, E> {
    fn request(&self, base: &str, mode: ApiMode) -> Result<http::Request<Vec<u8>>, String> {
        self.http_request(base, Some(&SessionId::new("contract-session")), mode).map_err(|e| e.to_string())
    }

    fn decode(&self, mode: ApiMode, status: u16, body: &[u8]) -> Result<(), String> {
        let status = http::StatusCode::from_u16(status).map_err(|e| e.to_string())?;
        match Operation::decode(self, mode, status, body) {
            Ok(_) => Ok(()),
            Err(Error::Decode { source, .. }) => Err(source.to_string()),
            Err(other) => Err(other.to_string()),
        }
    }

    fn route(&self, mode: ApiMode) -> Option<String> {
        self.route(mode).map(|r| format!("{} {}", r.method(), r.path()))
    }

    fn paired(&self) -> bool {
        self.legacy_route().is_some() || self.route(ApiMode::Legacy).is_none()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(base), Some(mode)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: contract-calls <base URL> <current|legacy>");
        std::process::exit(2);
    };
    let mode = match mode.as_str() {
        "current" => ApiMode::Current,
        "legacy" => ApiMode::Legacy,
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    };
    let address = base.trim_start_matches("http://").split('/').next().unwrap_or_default().to_owned();
    for entry in calls::ENTRIES {
        let mut sent: Option<(http::Request<Vec<u8>>, Value)> = None;
        for (variant, full) in [("required", false), ("full", true)] {
            let Call(op) = (entry.call)(full);
            let mut line = json!({"function": entry.function, "source": entry.source, "variant": variant});
            if mode == ApiMode::Legacy && !op.paired() {
                line["sent"] = json!(false);
                line["why"] = json!("no /rest twin");
                println!("{line}");
                break;
            }
            let request = match op.request(base, mode) {
                Ok(request) => request,
                Err(error) => {
                    line["sent"] = json!(false);
                    line["why"] = json!(error);
                    println!("{line}");
                    break;
                }
            };
            if let Some((first, outcome)) = &sent {
                if same(first, &request) {
                    line["same_as"] = json!("required");
                    line["outcome"] = outcome.clone();
                    println!("{line}");
                    continue;
                }
            }
            let outcome = exchange(&address, op.as_ref(), mode, &request);
            line["sent"] = json!(true);
            line["outcome"] = outcome.clone();
            println!("{line}");
            sent = Some((request, outcome));
        }
    }
}

/// Whether two requests are the same bytes.
fn same(a: &http::Request<Vec<u8>>, b: &http::Request<Vec<u8>>) -> bool {
    a.method() == b.method() && a.uri() == b.uri() && a.headers() == b.headers() && a.body() == b.body()
}

/// Sends one request and decodes the answer: what the test needs to judge it.
fn exchange(address: &str, op: &dyn Check, mode: ApiMode, request: &http::Request<Vec<u8>>) -> Value {
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    // The credentials `Client` gives session-creating operations (`user:password`): sent with
    // every request, which no operation's security refuses.
    let mut message = http1::Message {
        start: format!("{} {target} HTTP/1.1", request.method()),
        headers: vec![
            ("Host".to_owned(), address.to_owned()),
            ("Authorization".to_owned(), "Basic dXNlcjpwYXNzd29yZA==".to_owned()),
        ],
        body: request.body().clone(),
    };
    for (name, value) in request.headers() {
        message.headers.push((name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()));
    }
    let mut outcome = json!({
        "method": request.method().as_str(),
        "uri": target,
        "body": String::from_utf8_lossy(request.body()),
        "route": op.route(mode),
    });
    let response = match http1::exchange(address, &message) {
        Ok(response) => response,
        Err(error) => {
            outcome["transport"] = json!(error.to_string());
            return outcome;
        }
    };
    let status = response.status();
    outcome["status"] = json!(status);
    for (key, header) in [("violations", "sl-violations"), ("operation", "x-contract-operation")] {
        if let Some(value) = response.header(header) {
            outcome[key] = json!(value);
        }
    }
    outcome["content_type"] = json!(response.header("content-type"));
    let decoded = (200..300).contains(&status).then(|| op.decode(mode, status, &response.body));
    if let Some(Err(error)) = &decoded {
        outcome["decode"] = json!(error);
    }
    if !matches!(decoded, Some(Ok(()))) {
        let body = String::from_utf8_lossy(&response.body);
        outcome["response"] = json!(body.chars().take(BODY_LIMIT).collect::<String>());
    }
    outcome
}
