//! Typed tasks: `job::create_task` gives a `Task<Info, _>`; `Client::wait` polls the task service
//! with progress until the task ends, renews the session on the way, and gives up at its deadline.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use vsphere_api::appliance::recovery::reconciliation::job::{self, Info, Status};
use vsphere_api::runtime::TaskStatus;
use vsphere_api::vapi::std::errors::Error as VapiError;
use vsphere_api::{ApiMode, Client, Error, SessionId, Task};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{JOB_API_PATH, builder, info_json, received, sample_spec, sample_spec_json, session_of};

fn task_info(status: &str, progress: Option<(i64, i64, &str)>, extra: Value) -> Value {
    let mut info = json!({
        "description": {"id": "t", "default_message": "Reconcile", "args": []},
        "service": "com.vmware.appliance.recovery.reconciliation.job",
        "operation": "create",
        "status": status,
        "cancelable": true,
    });
    if let Some((completed, total, message)) = progress {
        info["progress"] = json!({"completed": completed, "total": total,
            "message": {"id": "p", "default_message": message, "args": []}});
    }
    if let (Value::Object(info), Value::Object(extra)) = (&mut info, extra) {
        info.extend(extra);
    }
    info
}

/// `POST /api/cis/tasks/{task}?action=cancel`, expected once.
async fn mount_cancel(server: &MockServer, task: &str) {
    Mock::given(method("POST"))
        .and(path(format!("/api/cis/tasks/{task}")))
        .and(query_param("action", "cancel"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(server)
        .await;
}

fn fast(builder: vsphere_api::ClientBuilder) -> Client {
    builder.task_polling(Duration::from_millis(5), Duration::from_millis(20)).build().expect("client builds")
}

#[tokio::test(flavor = "current_thread")]
async fn a_task_reports_progress_survives_an_expiry_and_gives_its_typed_result() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOB_API_PATH))
        .and(query_param("vmw-task", "true"))
        .and(body_json(sample_spec_json()))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!("task-1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("s-2")))
        .mount(&server)
        .await;
    let polls = Arc::new(Mutex::new(0));
    let counter = polls.clone();
    Mock::given(method("GET"))
        .and(path("/api/cis/tasks/task-1"))
        .respond_with(move |request: &Request| {
            let mut n = counter.lock().expect("lock");
            *n += 1;
            match (*n, session_of(request).as_deref()) {
                (1, Some("s-1")) => {
                    ResponseTemplate::new(200).set_body_json(task_info("RUNNING", Some((1, 3, "Starting")), json!({})))
                }
                // The session expires while the task runs.
                (_, Some("s-1")) => ResponseTemplate::new(401),
                (3, Some("s-2")) => {
                    ResponseTemplate::new(200).set_body_json(task_info("RUNNING", Some((2, 3, "Checking")), json!({})))
                }
                (_, Some("s-2")) => ResponseTemplate::new(200).set_body_json(task_info(
                    "SUCCEEDED",
                    Some((3, 3, "Done")),
                    json!({"result": info_json("SUCCEEDED")}),
                )),
                _ => ResponseTemplate::new(500),
            }
        })
        .mount(&server)
        .await;

    let client =
        fast(builder(&server).mode(ApiMode::Current).session(SessionId::new("s-1")).credentials("user", "pass"));
    let task: Task<Info, VapiError> = client.send(job::create_task(&sample_spec())).await.expect("started");
    assert_eq!(task.id(), "task-1");
    let mut seen = Vec::new();
    let info = client
        .wait(&task)
        .on_progress(|report| {
            let progress = report.progress.as_ref().expect("every report has progress");
            seen.push((report.status.clone(), progress.completed, progress.total, progress.message.clone().unwrap()));
        })
        .await
        .expect("the task succeeds");
    assert_eq!(info.status, Status::Succeeded, "the result is the typed Info of `create`");
    assert_eq!(
        seen,
        [
            (TaskStatus::Running, 1, 3, "Starting".to_owned()),
            (TaskStatus::Running, 2, 3, "Checking".to_owned()),
            (TaskStatus::Succeeded, 3, 3, "Done".to_owned())
        ]
    );
    assert_eq!(*polls.lock().unwrap(), 4, "three answered polls and the one that met the expiry");
    assert_eq!(received(&server, "POST", "/api/session").await.len(), 1, "one renewal, the task kept");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_task_gives_its_typed_error() {
    let server = MockServer::start().await;
    let error = json!({"error_type": "NOT_ALLOWED_IN_CURRENT_STATE", "messages": [
        {"id": "x", "default_message": "No restore has completed.", "args": []}]});
    Mock::given(method("GET"))
        .and(path("/api/cis/tasks/task-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task_info("FAILED", None, json!({"error": error}))))
        .mount(&server)
        .await;
    let client = fast(builder(&server).mode(ApiMode::Current).session(SessionId::new("s-1")));
    let task: Task<Info, VapiError> = Task::new("task-2");
    let failed = client.wait(&task).await.expect_err("the task failed");
    let Error::TaskFailed { task: id, raw, .. } = &failed else { panic!("got {failed:?}") };
    assert_eq!(id, "task-2");
    assert_eq!(raw["error_type"], "NOT_ALLOWED_IN_CURRENT_STATE", "the error as sent is kept");
    assert!(matches!(failed.api_error(), Some(VapiError::NotAllowedInCurrentState(_))), "typed: {failed:?}");
    assert_eq!(failed.to_string(), "task `task-2` failed: No restore has completed.");
}

#[tokio::test(flavor = "current_thread")]
async fn a_task_that_never_ends_times_out_and_is_cancelled() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/cis/tasks/task-3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task_info(
            "RUNNING",
            Some((0, 1, "Waiting")),
            json!({}),
        )))
        .mount(&server)
        .await;
    mount_cancel(&server, "task-3").await;
    let client = fast(builder(&server).mode(ApiMode::Current).session(SessionId::new("s-1")));
    let task: Task<Info, VapiError> = Task::new("task-3");
    let error = client
        .wait(&task)
        .deadline(Duration::from_millis(100))
        .cancel_on_deadline(true)
        .await
        .expect_err("it never ends");
    let Error::TaskTimeout { task: id, waited } = &error else { panic!("got {error:?}") };
    assert_eq!(id, "task-3");
    assert!(*waited >= Duration::from_millis(100), "{waited:?}");
    assert!(error.is_timeout() && error.to_string().starts_with("task `task-3` did not end within "));
    assert!(received(&server, "GET", "/api/cis/tasks/task-3").await.len() >= 2, "it was polled");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_task_is_cancelled_on_request() {
    let server = MockServer::start().await;
    mount_cancel(&server, "task-4").await;
    let client = fast(builder(&server).mode(ApiMode::Current).session(SessionId::new("s-1")));
    client.cancel(&Task::<Info, VapiError>::new("task-4")).await.expect("cancelled");
    server.verify().await;
}

#[tokio::test(flavor = "current_thread")]
async fn in_legacy_mode_the_task_service_is_polled_on_rest() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/cis/tasks/task-5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": task_info("SUCCEEDED", None, json!({"result": info_json("SUCCEEDED")}))
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = fast(builder(&server).mode(ApiMode::Legacy).session(SessionId::new("s-1")));
    let info = client.wait(&Task::<Info, VapiError>::new("task-5")).await.expect("the task succeeded");
    assert_eq!(info.status, Status::Succeeded);
    server.verify().await;
}
