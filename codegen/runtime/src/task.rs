//! vCenter tasks: the handle a `*_task` operation returns, and what a task reports while it runs.
//!
//! An operation whose path carries `vmw-task=true` (or, in 9.x specs, whose name ends in
//! `$Task`) answers at once with the identifier of a task that runs on in vCenter. Its generated
//! `*_task` function returns `Operation<Task<T, E>, E>`; `Client::wait` polls the CIS task
//! service (`GET /api/cis/tasks/{task}`, or `/rest/cis/tasks/{task}` on the `/rest` surface)
//! until the task ends, and decodes its result into `T` or its error into `E`.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A vCenter task started by a `*_task` operation: its identifier, and the types its result and
/// error decode into.
///
/// `T` is the result type of the operation's non-task form when the spec has one (the new VM's
/// identifier for `vcenter::vm::clone_task`), else `serde_json::Value`, the result as sent.
/// Wait for it with `Client::wait`, stop it with `Client::cancel`. A task started earlier (by
/// another program, say) is picked up again with [`Task::new`].
pub struct Task<T, E = Value> {
    id: String,
    types: PhantomData<fn() -> (T, E)>,
}

impl<T, E> Task<T, E> {
    /// The task with this identifier (such as `52f3...:com.vmware.vcenter.vm`).
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), types: PhantomData }
    }

    /// The task's identifier.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl<T, E> Clone for Task<T, E> {
    fn clone(&self) -> Self {
        Self::new(self.id.clone())
    }
}

impl<T, E> PartialEq for Task<T, E> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T, E> fmt::Debug for Task<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Task").field(&self.id).finish()
    }
}

/// A task is sent and received as its identifier.
impl<T, E> Serialize for Task<T, E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.id)
    }
}

impl<'de, T, E> Deserialize<'de> for Task<T, E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// Where a task stands. Open: a status this crate does not know is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskStatus {
    /// Not started yet.
    Pending,
    /// Running.
    Running,
    /// Waiting for something else.
    Blocked,
    /// Ended well; the result is ready.
    Succeeded,
    /// Ended in an error.
    Failed,
    /// A status this version of the crate does not know, kept as sent.
    Unrecognized(String),
}

impl TaskStatus {
    /// The value on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::Pending => "PENDING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Blocked => "BLOCKED",
            TaskStatus::Succeeded => "SUCCEEDED",
            TaskStatus::Failed => "FAILED",
            TaskStatus::Unrecognized(other) => other,
        }
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match String::deserialize(deserializer)?.as_str() {
            "PENDING" => TaskStatus::Pending,
            "RUNNING" => TaskStatus::Running,
            "BLOCKED" => TaskStatus::Blocked,
            "SUCCEEDED" => TaskStatus::Succeeded,
            "FAILED" => TaskStatus::Failed,
            other => TaskStatus::Unrecognized(other.to_owned()),
        })
    }
}

/// What the task service says of a task (`cis.task.Info`), as far as waiting needs it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct TaskInfo {
    /// Where it stands.
    pub status: TaskStatus,
    /// How far it has come, when the operation reports it.
    #[serde(default)]
    pub progress: Option<TaskProgress>,
    /// Whether it can still be cancelled.
    #[serde(default)]
    pub cancelable: Option<bool>,
    /// The result, once it has succeeded (sometimes partial results before).
    #[serde(default)]
    pub result: Option<Value>,
    /// The error, once it has failed: a vAPI error structure, or a string.
    #[serde(default)]
    pub error: Option<Value>,
}

/// How far a task has come: `completed` of `total`, and what it is doing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct TaskProgress {
    /// The amount of work done.
    #[serde(default)]
    pub completed: i64,
    /// The amount of work in all.
    #[serde(default)]
    pub total: i64,
    /// What the task is doing, in the server's words (`message.default_message`).
    #[serde(default, deserialize_with = "message_text")]
    pub message: Option<String>,
}

/// A `vapi.std.LocalizableMessage`'s default text, or a plain string.
fn message_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(text)) => Some(text),
        Some(Value::Object(map)) => map.get("default_message").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn info(value: Value) -> TaskInfo {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_task_is_its_identifier() {
        let task: Task<String, Value> = serde_json::from_value(json!("52f3:com.vmware.vcenter.vm")).unwrap();
        assert_eq!(task.id(), "52f3:com.vmware.vcenter.vm");
        assert_eq!(format!("{task:?}"), "Task(\"52f3:com.vmware.vcenter.vm\")");
        assert_eq!(serde_json::to_value(&task).unwrap(), json!("52f3:com.vmware.vcenter.vm"));
    }

    #[test]
    fn progress_and_open_status_decode_tolerantly() {
        let running = info(json!({
            "status": "RUNNING",
            "progress": {"completed": 3, "total": 10, "message": {"id": "x", "default_message": "Copying disks"}},
            "cancelable": true
        }));
        assert_eq!(running.status, TaskStatus::Running);
        let progress = running.progress.clone().unwrap();
        assert_eq!((progress.completed, progress.total, progress.message.as_deref()), (3, 10, Some("Copying disks")));
        let odd = info(json!({"status": "PAUSED"}));
        assert_eq!(odd.status, TaskStatus::Unrecognized("PAUSED".into()));
    }
}
