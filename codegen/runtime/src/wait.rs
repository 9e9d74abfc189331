//! Waiting for a vCenter task: `Client::wait` and `Client::cancel`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{decode_task_error, WAIT};
use super::task::{Task, TaskInfo, TaskStatus};
use super::{trace, wire, Client, Error, ErrorBody, Legacy, Method, Operation, Route};

impl Client {
    /// Waits for `task` to end, and gives its result (decoded into `T`) or its error.
    ///
    /// The client asks the task service how the task is doing (`GET /api/cis/tasks/{task}`, or
    /// `/rest/cis/tasks/{task}` on the `/rest` surface), after 1 s, then twice as long each time
    /// up to every 10 s ([`ClientBuilder::task_polling`](super::ClientBuilder::task_polling)),
    /// until the task has `SUCCEEDED` or `FAILED` ([`Error::TaskFailed`], with the task's error
    /// decoded into `E` when it fits). It gives up after the deadline
    /// ([`ClientBuilder::task_deadline`](super::ClientBuilder::task_deadline), 1 h by default)
    /// with [`Error::TaskTimeout`]; the task may still be running then. A session that expires
    /// while waiting is renewed like any other.
    ///
    /// The returned [`Wait`] can be awaited as it is, or first be given a callback that sees
    /// every report of the task's progress ([`Wait::on_progress`]), another polling interval or
    /// another deadline: `client.wait(&task).on_progress(|info| ...).await`.
    pub fn wait<'a, T, E>(&'a self, task: &'a Task<T, E>) -> Wait<'a, T, E> {
        let settings = self.settings();
        Wait {
            client: self,
            task,
            polling: settings.task_polling,
            deadline: settings.task_deadline,
            cancel_on_deadline: false,
            on_progress: None,
        }
    }

    /// Asks vCenter to cancel `task`: `POST /api/cis/tasks/{task}?action=cancel` (or its `/rest`
    /// form). The task then ends in `FAILED` (with a `Canceled` error) when it could be stopped.
    pub async fn cancel<T, E: ErrorBody>(&self, task: &Task<T, E>) -> Result<(), Error<E>> {
        self.send(cancel(task.id())).await
    }
}

/// A wait for a task (see [`Client::wait`]): await it, or set it up first.
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait<'a, T, E> {
    client: &'a Client,
    task: &'a Task<T, E>,
    polling: (Duration, Duration),
    deadline: Duration,
    cancel_on_deadline: bool,
    on_progress: Option<Report<'a>>,
}

/// A callback that sees the task service's answers while waiting.
type Report<'a> = Box<dyn FnMut(&TaskInfo) + Send + 'a>;

impl<'a, T, E> Wait<'a, T, E> {
    /// Asks after `first`, then twice as long each time, at most every `max`.
    pub fn polling(mut self, first: Duration, max: Duration) -> Self {
        self.polling = (first, max.max(first));
        self
    }

    /// Gives up after `deadline` with [`Error::TaskTimeout`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Asks vCenter to cancel the task when the deadline runs out (by default the task is left
    /// running). The wait still ends with [`Error::TaskTimeout`].
    pub fn cancel_on_deadline(mut self, cancel: bool) -> Self {
        self.cancel_on_deadline = cancel;
        self
    }

    /// Calls `report` with every answer of the task service while waiting: the task's status
    /// and, when it says, its progress (`completed` of `total`, and what it is doing).
    pub fn on_progress(mut self, report: impl FnMut(&TaskInfo) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(report));
        self
    }
}

impl<'a, T, E> Wait<'a, T, E>
where
    T: DeserializeOwned + Send + 'a,
    E: ErrorBody + Send + 'a,
{
    async fn run(mut self) -> Result<T, Error<E>> {
        let started = Instant::now();
        let mut interval = self.polling.0;
        loop {
            let info = self.client.send(poll::<E>(self.task.id())).await?;
            let progress = info.progress.as_ref();
            trace::task_progress(info.status.as_str(), progress.map(|p| p.completed), progress.map(|p| p.total));
            if let Some(report) = &mut self.on_progress {
                report(&info);
            }
            if let Some(outcome) = info.outcome(self.task.id()) {
                return outcome;
            }
            let waited = started.elapsed();
            if waited >= self.deadline {
                if self.cancel_on_deadline {
                    // The deadline is the error to report; a failed cancel changes nothing about it.
                    let _ = self.client.cancel(self.task).await;
                }
                return Err(Error::TaskTimeout { task: self.task.id().to_owned(), waited });
            }
            tokio::time::sleep(interval.min(self.deadline - waited)).await;
            interval = interval.saturating_mul(2).min(self.polling.1);
        }
    }
}

impl<'a, T, E> IntoFuture for Wait<'a, T, E>
where
    T: DeserializeOwned + Send + 'a,
    E: ErrorBody + Send + 'a,
{
    type Output = Result<T, Error<E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<T, E> std::fmt::Debug for Wait<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("task", self.task)
            .field("polling", &self.polling)
            .field("deadline", &self.deadline)
            .field("cancel_on_deadline", &self.cancel_on_deadline)
            .finish_non_exhaustive()
    }
}

impl TaskInfo {
    /// What a task in this state gives: `None` while it runs, its decoded result once it has
    /// succeeded, its error once it has failed.
    pub(super) fn outcome<T: DeserializeOwned, E: ErrorBody>(&self, task: &str) -> Option<Result<T, Error<E>>> {
        match self.status {
            TaskStatus::Succeeded => {
                let result = self.result.clone().unwrap_or(Value::Null);
                Some(wire::decode_value(result.clone()).map_err(|source| Error::Decode {
                    operation: WAIT,
                    status: http::StatusCode::OK,
                    body: serde_json::to_vec(&result).unwrap_or_default(),
                    source,
                }))
            }
            TaskStatus::Failed => {
                let raw = self.error.clone().unwrap_or(Value::Null);
                let error = decode_task_error(&raw).map(Box::new);
                Some(Err(Error::TaskFailed { task: task.to_owned(), error, raw }))
            }
            _ => None,
        }
    }
}

/// `GET /api/cis/tasks/{task}` (`/rest/cis/tasks/{task}` on the `/rest` surface).
pub(super) fn poll<E>(task: &str) -> Operation<TaskInfo, E> {
    Operation::new(WAIT, Route::api(Method::Get, "/api/cis/tasks/{task}"))
        .path("task", task)
        .legacy(Legacy::new(Method::Get, "/rest/cis/tasks/{task}"))
}

/// `POST /api/cis/tasks/{task}?action=cancel` (`/rest/cis/tasks/{task}?action=cancel`).
pub(super) fn cancel<E>(task: &str) -> Operation<(), E> {
    Operation::new("runtime::Client::cancel", Route::api(Method::Post, "/api/cis/tasks/{task}?action=cancel"))
        .path("task", task)
        .legacy(Legacy::new(Method::Post, "/rest/cis/tasks/{task}?action=cancel"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "error_type")]
    enum Vapi {
        #[serde(rename = "NOT_FOUND")]
        NotFound {},
    }

    impl ErrorBody for Vapi {
        const DISCRIMINATOR: Option<&'static str> = Some("error_type");
    }

    fn info(value: Value) -> TaskInfo {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_running_task_has_no_outcome_yet() {
        assert!(info(json!({"status": "RUNNING"})).outcome::<String, Vapi>("t").is_none());
        assert!(info(json!({"status": "PAUSED"})).outcome::<String, Vapi>("t").is_none(), "unknown: wait on");
    }

    #[test]
    fn a_succeeded_task_gives_its_typed_result() {
        let done = info(json!({"status": "SUCCEEDED", "result": "vm-42"}));
        assert_eq!(done.outcome::<String, Vapi>("t").unwrap().unwrap(), "vm-42");
        let wrong = info(json!({"status": "SUCCEEDED", "result": {"not": "a string"}}));
        assert!(matches!(wrong.outcome::<String, Vapi>("t"), Some(Err(Error::Decode { .. }))));
        let nothing = info(json!({"status": "SUCCEEDED"}));
        assert_eq!(nothing.outcome::<Value, Vapi>("t").unwrap().unwrap(), Value::Null);
    }

    #[test]
    fn a_failed_task_gives_its_error_as_a_structure_or_a_string() {
        let structured = info(json!({"status": "FAILED", "error": {"error_type": "NOT_FOUND", "messages": [
            {"id": "x", "default_message": "The VM is gone."}]}}));
        let Some(Err(Error::TaskFailed { task, error, raw })) = structured.outcome::<String, Vapi>("t-1") else {
            panic!("a failed task is an error")
        };
        assert_eq!((task.as_str(), error.as_deref()), ("t-1", Some(&Vapi::NotFound {})));
        assert_eq!(raw["messages"][0]["default_message"], "The VM is gone.");
        let as_string = info(json!({"status": "FAILED", "error": "{\"error_type\":\"NOT_FOUND\"}"}));
        let failed = as_string.outcome::<String, Vapi>("t-2").unwrap().unwrap_err();
        assert_eq!(failed.api_error(), Some(&Vapi::NotFound {}), "a string holding the structure decodes");
        let plain = info(json!({"status": "FAILED", "error": "disk full"}));
        let failed = plain.outcome::<String, Vapi>("t-3").unwrap().unwrap_err();
        assert!(failed.api_error().is_none());
        assert_eq!(failed.to_string(), "task `t-3` failed: disk full");
    }
}
