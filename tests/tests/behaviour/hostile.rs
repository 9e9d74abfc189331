//! The client against servers that misbehave: broken and oversized bodies, proxies' HTML pages,
//! closed ports, servers that ask to be retried. Each test checks what the server received as
//! well as what the caller got.

use std::time::Duration;

use serde_json::json;
use vsphere_api::appliance::recovery::reconciliation::job;
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Client, Error, RetryPolicy, SessionId};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{JOB_API_PATH, RawServer, builder, info_json, received, sample_spec};

/// Retries as the default policy does them, with short waits so that the tests stay fast.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20))
}

fn quick_client(server: &MockServer) -> Client {
    builder(server)
        .mode(ApiMode::Current)
        .session(SessionId::new("s-1"))
        .retry_policy(quick_retries())
        .build()
        .expect("client builds")
}

/// The job's route answers `first` `times` times, then `then` for good.
async fn mount_then(
    server: &MockServer,
    http_method: &str,
    (first, times): (ResponseTemplate, u64),
    then: ResponseTemplate,
) {
    Mock::given(method(http_method))
        .and(path(JOB_API_PATH))
        .respond_with(first)
        .up_to_n_times(times)
        .mount(server)
        .await;
    Mock::given(method(http_method)).and(path(JOB_API_PATH)).respond_with(then).mount(server).await;
}

#[tokio::test(flavor = "current_thread")]
async fn malformed_json_is_a_decode_error_that_keeps_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"status": "RUNNING", "progress": "#, "application/json"),
        )
        .mount(&server)
        .await;
    let error = quick_client(&server).send(job::get()).await.expect_err("the body is not JSON");
    let Error::Decode { status, body, .. } = &error else { panic!("got {error:?}") };
    assert_eq!((status.as_u16(), body.as_slice()), (200, &br#"{"status": "RUNNING", "progress": "#[..]));
    assert!(error.to_string().starts_with("could not decode the HTTP 200 OK response of `appliance::"), "{error}");
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 1, "a decode error is not retried");
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_cut_short_is_a_transport_error_not_a_result() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n";
    let server = RawServer::start(head, vec![br#"{"status": "RUN"#.to_vec()]).await;
    let client = Client::builder(server.uri())
        .danger_allow_insecure_http(true)
        .session(SessionId::new("s-1"))
        .mode(ApiMode::Current)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let error = client.send(job::get()).await.expect_err("the body ends early");
    assert!(matches!(error, Error::Transport { .. }), "got {error:?}");
    assert!(error.to_string().starts_with("could not send `appliance::recovery::reconciliation::job::get`: "));
    assert_eq!(server.requests(), ["GET /api/appliance/recovery/reconciliation/job HTTP/1.1"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_proxys_html_error_page_is_retried_then_kept_as_the_raw_body() {
    let server = MockServer::start().await;
    let page = "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>";
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;
    let error = quick_client(&server).send(job::get()).await.expect_err("the proxy fails every time");
    let Error::Api(api) = &error else { panic!("got {error:?}") };
    assert_eq!((api.status.as_u16(), api.error.as_ref()), (502, None), "502 implies no vAPI error");
    assert_eq!(api.body, page.as_bytes());
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 3, "a GET on 502: three attempts in all");
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_over_the_limit_is_refused_without_reading_it() {
    let server = MockServer::start().await;
    let big = format!(r#"{{"status": "RUNNING", "padding": "{}"}}"#, "x".repeat(4096));
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .mount(&server)
        .await;
    let client = builder(&server).session(SessionId::new("s-1")).body_limit(1024).build().expect("builds");
    let error = client.send(job::get()).await.expect_err("over the limit");
    let Error::BodyTooLarge { operation, limit } = &error else { panic!("got {error:?}") };
    assert_eq!((*operation, *limit), ("appliance::recovery::reconciliation::job::get", 1024));
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn an_endless_chunked_body_is_cut_at_the_limit() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    let chunk = format!("400\r\n{}\r\n", "x".repeat(1024)).into_bytes();
    let server = RawServer::start(head, vec![chunk; 64]).await;
    let client = Client::builder(server.uri())
        .danger_allow_insecure_http(true)
        .mode(ApiMode::Current)
        .body_limit(8 * 1024)
        .build()
        .expect("builds");
    let error = client.send(job::get()).await.expect_err("over the limit");
    assert!(matches!(error, Error::BodyTooLarge { limit: 8192, .. }), "got {error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_closed_port_is_a_transport_error_that_names_its_cause() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let client = Client::builder(format!("http://127.0.0.1:{port}"))
        .danger_allow_insecure_http(true)
        .mode(ApiMode::Current)
        .retry_policy(quick_retries())
        .build()
        .expect("builds");
    let error = client.send(job::get()).await.expect_err("nobody listens");
    assert!(matches!(error, Error::Transport { .. }), "got {error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with("could not send `appliance::recovery::reconciliation::job::get`: ")
            && text.to_lowercase().contains("refused"),
        "the cause is in the message: {text}"
    );
    assert!(!text.contains("127.0.0.1"), "no URL in the message: {text}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_get_is_retried_after_a_503_and_honours_retry_after() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "0");
    mount_then(&server, "GET", (busy, 1), ResponseTemplate::new(200).set_body_json(info_json("RUNNING"))).await;
    let info = quick_client(&server).send(job::get()).await.expect("the second attempt succeeds");
    assert_eq!(info.progress, 42);
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_retry_after_past_the_cap_ends_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let error = quick_client(&server).send(job::get()).await.expect_err("the server asks for an hour");
    assert!(matches!(error.api_error(), Some(VapiError::ServiceUnavailable(_))), "got {error:?}");
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 1, "no retry an hour later");
}

#[tokio::test(flavor = "current_thread")]
async fn a_post_is_not_retried_after_a_503_unless_the_caller_says_so() {
    let server = MockServer::start().await;
    let created = ResponseTemplate::new(201).set_body_json(info_json("RUNNING"));
    mount_then(&server, "POST", (ResponseTemplate::new(503), 1), created).await;
    let client = quick_client(&server);
    let error = client.send(job::create(&sample_spec())).await.expect_err("a POST is not sent twice");
    assert!(matches!(error.api_error(), Some(VapiError::ServiceUnavailable(_))), "got {error:?}");
    assert_eq!(received(&server, "POST", JOB_API_PATH).await.len(), 1);

    // The server has recovered; a caller who knows the call is safe to repeat says so.
    let info = client.send(job::create(&sample_spec()).idempotent(true)).await.expect("sent once more");
    assert_eq!(info.progress, 42);
    assert_eq!(received(&server, "POST", JOB_API_PATH).await.len(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_service_unavailable_body_is_retried_whatever_its_status() {
    let server = MockServer::start().await;
    let unavailable = ResponseTemplate::new(500).set_body_json(json!({"error_type": "SERVICE_UNAVAILABLE"}));
    mount_then(&server, "GET", (unavailable, 2), ResponseTemplate::new(200).set_body_json(info_json("RUNNING"))).await;
    quick_client(&server).send(job::get()).await.expect("the third attempt succeeds");
    assert_eq!(received(&server, "GET", JOB_API_PATH).await.len(), 3);
}

#[tokio::test(flavor = "current_thread")]
async fn one_call_gets_its_own_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("NONE")).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client = builder(&server).session(SessionId::new("s-1")).timeout(Duration::from_millis(50)).build().unwrap();
    let error = client.send(job::get()).await.expect_err("the client's limit is 50 ms");
    assert!(error.is_timeout(), "got {error:?}");
    let info = client.send(job::get().timeout(Duration::from_secs(30))).await.expect("this call may take 30 s");
    assert_eq!(info.progress, 42);
}
