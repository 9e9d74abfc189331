//! The async `Client` against a local `wiremock::MockServer`: sessions, login and logout, both
//! modes, user agent, timeouts, root certificates and redirects.

use serde_json::{Value, json};
use vsphere_api::appliance::recovery::reconciliation::job::{self, Info, Status};
use vsphere_api::runtime::SESSION_HEADER;
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Client, Error, SessionId};
use wiremock::matchers::{basic_auth, body_json, header, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    JOB_API_PATH, JOB_REST_PATH, SEED_INFO, builder, client, info_json, message_json, not_found_messages, sample_spec,
    sample_spec_json, seed_info_json,
};

#[tokio::test(flavor = "current_thread")]
async fn client_get_in_current_mode_sends_the_session_and_decodes_info() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .and(header("vmware-api-session-id", "s-1"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("RUNNING")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    let info = client.send(job::get()).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    assert_eq!(info.progress, 42);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_get_in_legacy_mode_uses_rest_and_unwraps_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": seed_info_json() })))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server).mode(ApiMode::Legacy).session(SessionId::new("s-1")).build().expect("client builds");
    assert_eq!(client.mode(), ApiMode::Legacy);
    let info = client.send(job::get()).await.expect("the call succeeds");
    assert_eq!(info, serde_json::from_str::<Info>(SEED_INFO).expect("decodes"));
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_create_in_legacy_mode_posts_the_spec_wrapper() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOB_REST_PATH))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({ "spec": sample_spec_json() })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("RUNNING") })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Legacy).with_session(SessionId::new("s-1"));
    let info = client.send(job::create(&sample_spec())).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_create_in_current_mode_posts_the_bare_spec() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOB_API_PATH))
        .and(header("content-type", "application/json"))
        .and(body_json(sample_spec_json()))
        .respond_with(ResponseTemplate::new(201).set_body_json(info_json("RUNNING")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    let info = client.send(job::create(&sample_spec())).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_turns_a_404_not_found_into_the_not_found_variant() {
    let server = MockServer::start().await;
    let body = json!({ "error_type": "NOT_FOUND", "messages": not_found_messages() });
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_json(body.clone()))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    let error = client.send(job::get()).await.expect_err("the call fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.operation(), "appliance::recovery::reconciliation::job::get");
    match error.api_error() {
        Some(VapiError::NotFound(not_found)) => {
            assert_eq!(not_found.messages[0].default_message, "The job was not found.");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let Error::Api(api) = &error else { panic!("expected Error::Api, got {error:?}") };
    assert_eq!(serde_json::from_slice::<Value>(&api.body).expect("JSON"), body);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_login_in_current_mode_posts_basic_auth_to_api_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .and(basic_auth("user", "pass"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("sess-123")))
        .expect(1)
        .mount(&server)
        .await;

    // Even a client that already has a session logs in with the credentials only.
    let client = client(&server, ApiMode::Current).with_session(SessionId::new("old-session"));
    let session = client.login("user", "pass").await.expect("login succeeds");
    assert_eq!(session.expose(), "sess-123");

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers.get("authorization").expect("authorization header"), "Basic dXNlcjpwYXNz");
    assert!(requests[0].headers.get(SESSION_HEADER).is_none(), "login sends no session id");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_login_in_legacy_mode_posts_to_the_cis_session_and_unwraps_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .and(basic_auth("user", "pass"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": "sess-456" })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Legacy);
    let session = client.login("user", "pass").await.expect("login succeeds");
    assert_eq!(session.expose(), "sess-456");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_login_with_wrong_credentials_is_an_api_error() {
    let server = MockServer::start().await;
    let body = json!({
        "error_type": "UNAUTHENTICATED",
        "messages": [message_json("vapi.security.authentication.invalid", "Invalid credentials.")]
    });
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(401).set_body_json(body.clone()))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server, ApiMode::Current).login("user", "wrong").await.expect_err("login fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.operation(), "runtime::Client::login");
    assert_eq!(error.api_error(), Some(&body), "login errors are kept as JSON");
    assert!(!error.to_string().contains("wrong"), "the password is not in the error");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_logout_deletes_the_session_in_both_modes() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/session"))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/rest/com/vmware/cis/session"))
        .and(header("vmware-api-session-id", "s-2"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    client(&server, ApiMode::Current)
        .with_session(SessionId::new("s-1"))
        .logout()
        .await
        .expect("current logout succeeds");
    client(&server, ApiMode::Legacy)
        .with_session(SessionId::new("s-2"))
        .logout()
        .await
        .expect("legacy logout succeeds");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn deprecated_get_legacy_reaches_rest_even_in_current_mode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("SUCCEEDED") })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ApiMode::Current).with_session(SessionId::new("s-1"));
    #[allow(deprecated)]
    let op = job::get_legacy();
    let info = client.send(op).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Succeeded);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn deprecated_create_legacy_wraps_the_spec_even_in_current_mode() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOB_REST_PATH))
        .and(body_json(json!({ "spec": sample_spec_json() })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("RUNNING") })))
        .expect(1)
        .mount(&server)
        .await;

    #[allow(deprecated)]
    let op = job::create_legacy(&sample_spec());
    let info = client(&server, ApiMode::Current).send(op).await.expect("the call succeeds");
    assert_eq!(info.status, Status::Running);
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_debug_does_not_show_the_session_id() {
    let server = MockServer::start().await;
    let secret = "s-1-7f3a9c-very-secret-session";
    let with_session = client(&server, ApiMode::Current).with_session(SessionId::new(secret));
    let debug = format!("{with_session:?}");
    assert!(!debug.contains(secret), "Client Debug shows the session id: {debug}");
    assert!(debug.contains("redacted"), "Client Debug says there is a session: {debug}");
    assert!(!format!("{:?}", SessionId::new(secret)).contains(secret));
    assert_eq!(with_session.session().as_ref().map(SessionId::expose), Some(secret));

    let builder = builder(&server).session(SessionId::new(secret));
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(secret), "ClientBuilder Debug shows the session id: {builder_debug}");
}

#[tokio::test(flavor = "current_thread")]
async fn client_sends_a_user_agent_and_trims_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .and(header_regex("user-agent", r"^vsphere-api/\d+\.\d+\.\d+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("NONE")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_REST_PATH))
        .and(header("user-agent", "my-tool/1.0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": info_json("NONE") })))
        .expect(1)
        .mount(&server)
        .await;

    let with_slash = format!("{}/", server.uri());
    let default_agent = Client::builder(with_slash.as_str()).danger_allow_insecure_http(true).build().expect("builds");
    assert_eq!(default_agent.base_url(), server.uri());
    assert_eq!(default_agent.session(), None);
    default_agent.send(job::get()).await.expect("the call succeeds");

    let custom = Client::builder(with_slash)
        .danger_allow_insecure_http(true)
        .mode(ApiMode::Legacy)
        .user_agent("my-tool/1.0")
        .build()
        .expect("builds");
    custom.send(job::get()).await.expect("the call succeeds");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn client_reports_an_unreachable_server_as_a_transport_error() {
    // A port that was just free: connecting to it is refused at once.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let client = Client::builder(format!("http://127.0.0.1:{port}"))
        .danger_allow_insecure_http(true)
        .retry_policy(vsphere_api::RetryPolicy::none())
        .build()
        .expect("builds");
    let error = client.send(job::get()).await.expect_err("nobody listens");
    assert!(matches!(error, Error::Transport { .. }), "got {error:?}");
    assert_eq!(error.status(), None);
    assert!(error.api_error().is_none());
    assert_eq!(error.operation(), "appliance::recovery::reconciliation::job::get");
    assert!(std::error::Error::source(&error).is_some(), "the transport error keeps its cause");
}

#[test]
fn client_refuses_an_unusable_base_url_when_it_is_built() {
    for base in ["not a url", "vc.example.com", "ftp://vc.example.com"] {
        let error = Client::builder(base).build().expect_err("nothing to send to");
        assert!(matches!(error, vsphere_api::ClientError::BaseUrl(_)), "{base}: got {error:?}");
    }
    let error = Client::builder("http://vc.example.com").build().expect_err("credentials would go in clear");
    assert!(matches!(error, vsphere_api::ClientError::InsecureUrl), "got {error:?}");
    assert!(error.to_string().contains("danger_allow_insecure_http"), "the error names the way out: {error}");
}

#[tokio::test(flavor = "current_thread")]
async fn client_futures_are_send() {
    fn assert_send<F: Send>(future: F) -> F {
        future
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("NONE")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("s")))
        .mount(&server)
        .await;
    let client = client(&server, ApiMode::Current);
    // A multi-threaded runtime's `spawn` needs `Send` futures.
    assert_send(client.send(job::get())).await.expect("succeeds");
    assert_send(client.login("u", "p")).await.expect("succeeds");
}

/// The client follows redirects only within the vCenter's origin (`ClientBuilder::build`), so a
/// redirect to another origin (here: another port) is not followed: the vCenter gets the request
/// with the session id, the other server gets nothing, and the caller gets the 302 as an
/// `Error::Api`.
#[tokio::test(flavor = "current_thread")]
async fn client_does_not_forward_the_session_id_across_origins_on_redirect() {
    let vcenter = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let location = format!("{}/collect", elsewhere.uri());
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(302).insert_header("location", location.as_str()))
        .mount(&vcenter)
        .await;
    Mock::given(method("GET"))
        .and(path("/collect"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("NONE")))
        .mount(&elsewhere)
        .await;

    let client = client(&vcenter, ApiMode::Current).with_session(SessionId::new("s-secret"));
    let error = client.send(job::get()).await.expect_err("a redirect to another origin is not followed");

    let Error::Api(api) = &error else { panic!("expected the 302 as Error::Api, got {error:?}") };
    assert_eq!(api.status.as_u16(), 302);
    assert_eq!(api.operation, "appliance::recovery::reconciliation::job::get");
    let sent = vcenter.received_requests().await.expect("recording is on");
    assert_eq!(sent.len(), 1, "the vCenter gets exactly the one request: {sent:?}");
    assert_eq!((sent[0].method.as_str(), sent[0].url.path()), ("GET", JOB_API_PATH));
    assert_eq!(sent[0].headers.get(SESSION_HEADER).expect("the session header reaches the vCenter"), "s-secret");
    let forwarded = elsewhere.received_requests().await.expect("recording is on");
    assert!(forwarded.is_empty(), "the redirect to {location} was followed: {forwarded:?}");
}

/// Within the origin, redirects are followed, and the session id goes along (it is the same
/// vCenter).
#[tokio::test(flavor = "current_thread")]
async fn client_follows_a_redirect_within_the_origin_with_the_session_id() {
    let vcenter = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/moved/job"))
        .expect(1)
        .mount(&vcenter)
        .await;
    Mock::given(method("GET"))
        .and(path("/moved/job"))
        .and(header(SESSION_HEADER, "s-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("RUNNING")))
        .expect(1)
        .mount(&vcenter)
        .await;

    let client = client(&vcenter, ApiMode::Current).with_session(SessionId::new("s-1"));
    let info = client.send(job::get()).await.expect("the redirect is followed");
    assert_eq!(info.status, Status::Running);
    vcenter.verify().await;
}

/// The login credentials are not forwarded across origins either: the vCenter gets the login
/// with its basic credentials, the other server gets nothing, and the caller gets the 307.
#[tokio::test(flavor = "current_thread")]
async fn client_login_does_not_forward_credentials_across_origins_on_redirect() {
    let vcenter = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let location = format!("{}/collect", elsewhere.uri());
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .mount(&vcenter)
        .await;
    Mock::given(path("/collect"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("s")))
        .mount(&elsewhere)
        .await;

    let error = client(&vcenter, ApiMode::Current)
        .login("user", "pass")
        .await
        .expect_err("a redirect to another origin is not followed");

    let Error::Api(api) = &error else { panic!("expected the 307 as Error::Api, got {error:?}") };
    assert_eq!(api.status.as_u16(), 307);
    assert_eq!(api.operation, "runtime::Client::login");
    let sent = vcenter.received_requests().await.expect("recording is on");
    assert_eq!(sent.len(), 1, "the vCenter gets exactly the one login: {sent:?}");
    assert_eq!((sent[0].method.as_str(), sent[0].url.path()), ("POST", "/api/session"));
    // `user:pass` in base64.
    assert_eq!(sent[0].headers.get("authorization").expect("the credentials reach the vCenter"), "Basic dXNlcjpwYXNz");
    let forwarded = elsewhere.received_requests().await.expect("recording is on");
    assert!(forwarded.is_empty(), "the redirect to {location} was followed: {forwarded:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn client_timeout_gives_up_on_a_slow_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(info_json("NONE")).set_delay(std::time::Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let client = builder(&server).timeout(std::time::Duration::from_millis(100)).build().expect("builds");
    // The mock answers after 30 s; the timeout turns that into a typed error (no wall-clock
    // assertion: a client without the timeout would get the answer, which fails `expect_err`).
    let error = client.send(job::get()).await.expect_err("times out");
    let Error::Timeout { operation, limit, after } = &error else { panic!("got {error:?}") };
    assert_eq!(
        (*operation, *limit),
        ("appliance::recovery::reconciliation::job::get", vsphere_api::runtime::Limit::Request)
    );
    assert_eq!(*after, std::time::Duration::from_millis(100));
    assert_eq!(
        error.to_string(),
        "`appliance::recovery::reconciliation::job::get` got no answer within the request timeout of 100 ms"
    );
}

/// A PEM block whose content is not base64 is refused (when the client is built).
#[test]
fn a_broken_pem_root_certificate_is_refused() {
    let pem = b"-----BEGIN CERTIFICATE-----\n!!! not base64 !!!\n-----END CERTIFICATE-----\n";
    let result =
        Client::builder("https://vc.example.com").add_root_certificate_pem(pem).and_then(|builder| builder.build());
    assert!(result.is_err(), "a broken PEM block was accepted as a root certificate");
}

/// Input with no PEM certificate in it at all (a DER file, a path passed by mistake) should be an
/// error too: `add_root_certificate_pem` returns a `Result` and promises to trust "this" root.
#[test]
fn a_root_certificate_that_is_not_pem_is_refused() {
    let result = Client::builder("https://vc.example.com")
        .add_root_certificate_pem(b"this is not a certificate")
        .and_then(|builder| builder.build());
    assert!(result.is_err(), "input without any certificate was accepted as a root certificate");
}

/// A caller's own HTTP client (`ClientBuilder::http_client`): calls go through it with the
/// session, and an answer that arrives from another origin (the given client followed a
/// redirect away by its own policy) is refused, not decoded.
#[tokio::test(flavor = "current_thread")]
async fn a_given_http_client_is_used_and_answers_from_another_origin_are_refused() {
    // The caller's program chose its provider process-wide; the given client uses it.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let vcenter = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .and(header(SESSION_HEADER, "s-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("RUNNING")))
        .up_to_n_times(1)
        .mount(&vcenter)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/away", elsewhere.uri())))
        .mount(&vcenter)
        .await;
    Mock::given(path("/away"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("RUNNING")))
        .mount(&elsewhere)
        .await;
    let given = reqwest::Client::builder().build().expect("the caller's client");
    let client = builder(&vcenter)
        .http_client(given)
        .mode(ApiMode::Current)
        .session(SessionId::new("s-1"))
        .build()
        .expect("builds");
    let info = client.send(job::get()).await.expect("through the given client");
    assert_eq!(info.progress, 42);
    let error = client.send(job::get()).await.expect_err("the answer came from another origin");
    assert!(matches!(error, Error::Transport { .. }), "got {error:?}");
    assert!(error.to_string().ends_with("followed a redirect to another origin; its answer was discarded"), "{error}");
}
