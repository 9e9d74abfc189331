//! The README's example (`tests/examples/reconciliation_job.rs`) against a local server: it logs
//! in with credentials, reads the job, starts a task and waits for it with progress, logs out.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use vsphere_api::ApiMode;
use wiremock::matchers::{basic_auth, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{JOB_API_PATH, builder, info_json, received};

#[allow(dead_code, reason = "the example's `main` is not called here")]
#[path = "../../examples/reconciliation_job.rs"]
mod readme;

#[tokio::test(flavor = "current_thread")]
async fn the_readme_example_runs_against_a_local_server() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .and(basic_auth("administrator@vsphere.local", "secret"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!("s-1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOB_API_PATH))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info_json("SUCCEEDED")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(JOB_API_PATH))
        .and(query_param("vmw-task", "true"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!("task-42")))
        .expect(1)
        .mount(&server)
        .await;
    let polls = Arc::new(Mutex::new(0));
    let counter = polls.clone();
    Mock::given(method("GET"))
        .and(path("/api/cis/tasks/task-42"))
        .respond_with(move |_: &wiremock::Request| {
            let mut n = counter.lock().expect("lock");
            *n += 1;
            let (status, completed) = if *n < 3 { ("RUNNING", *n) } else { ("SUCCEEDED", 2) };
            let mut info = json!({
                "description": {"id": "d", "default_message": "Reconcile", "args": []},
                "service": "com.vmware.appliance.recovery.reconciliation.job", "operation": "create",
                "status": status, "cancelable": false,
                "progress": {"completed": completed, "total": 2,
                    "message": {"id": "m", "default_message": "Reconciling", "args": []}},
            });
            if status == "SUCCEEDED" {
                info["result"] = info_json("RUNNING");
            }
            ResponseTemplate::new(200).set_body_json(info)
        })
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/session"))
        .and(header("vmware-api-session-id", "s-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server)
        .credentials("administrator@vsphere.local", "secret")
        .task_polling(Duration::from_millis(5), Duration::from_millis(10))
        .build()
        .expect("builds");
    let mut out = Vec::new();
    readme::run(&client, &mut out).await.expect("the example runs");
    assert_eq!(
        String::from_utf8(out).expect("UTF-8"),
        "last job: SUCCEEDED (42%)\ntask: task-42\n  1 of 2: Reconciling\n  2 of 2: Reconciling\n  \
         2 of 2: Reconciling\njob: RUNNING (42%)\nlogged out\n"
    );
    assert_eq!(client.mode(), ApiMode::Current);
    assert_eq!(received(&server, "GET", "/api/cis/tasks/task-42").await.len(), 3);
    server.verify().await;
}
