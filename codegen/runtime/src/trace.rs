//! What the client tells `tracing` (cargo feature `tracing`, on by default): a span per call and
//! events for re-logins, retries and task progress. Field names follow OpenTelemetry's HTTP
//! conventions where one exists.
//!
//! Never recorded: a body, a header value, a query value, a path parameter's value, a session id
//! or a password. The path is recorded as its template (`/api/vcenter/vm/{vm}`).

use std::time::Duration;

#[cfg(feature = "tracing")]
pub(super) use tracing::Span;

/// Without the `tracing` feature, a span that records nothing.
#[cfg(not(feature = "tracing"))]
#[derive(Debug, Clone)]
pub(super) struct Span;

/// The span of one call: `vsphere.call`, with `vsphere.operation`, `http.request.method`,
/// `url.template`, `vsphere.surface`, and, once known, `http.response.status_code`,
/// `vsphere.attempts` and `vsphere.duration_ms`.
#[cfg(feature = "tracing")]
pub(super) fn call(operation: &'static str, method: &'static str, template: &'static str, surface: &str) -> Span {
    tracing::info_span!(
        "vsphere.call",
        vsphere.operation = operation,
        http.request.method = method,
        url.template = template,
        vsphere.surface = surface,
        http.response.status_code = tracing::field::Empty,
        vsphere.attempts = tracing::field::Empty,
        vsphere.duration_ms = tracing::field::Empty,
    )
}

#[cfg(not(feature = "tracing"))]
pub(super) fn call(_: &'static str, _: &'static str, _: &'static str, _: &str) -> Span {
    Span
}

/// Records how a call ended on its span.
#[cfg(feature = "tracing")]
pub(super) fn finish(span: &Span, status: Option<u16>, attempts: u32, took: Duration) {
    if let Some(status) = status {
        span.record("http.response.status_code", status);
    }
    span.record("vsphere.attempts", attempts);
    span.record("vsphere.duration_ms", u64::try_from(took.as_millis()).unwrap_or(u64::MAX));
}

#[cfg(not(feature = "tracing"))]
pub(super) fn finish(_: &Span, _: Option<u16>, _: u32, _: Duration) {}

/// Runs `future` inside `span`.
#[cfg(feature = "tracing")]
pub(super) async fn within<F: std::future::Future>(span: &Span, future: F) -> F::Output {
    use tracing::Instrument;
    future.instrument(span.clone()).await
}

#[cfg(not(feature = "tracing"))]
pub(super) async fn within<F: std::future::Future>(_: &Span, future: F) -> F::Output {
    future.await
}

/// The session expired (or there was none) and the client logged in with its credentials.
pub(super) fn logged_in(operation: &'static str, surface: &str) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        vsphere.operation = operation,
        vsphere.surface = surface,
        "vsphere: logged in with the client's credentials"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (operation, surface);
}

/// An attempt failed and the call is tried again after `delay`.
pub(super) fn retry(operation: &'static str, attempt: u32, reason: &str, delay: Duration) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        vsphere.operation = operation,
        vsphere.attempt = attempt,
        vsphere.retry_reason = reason,
        vsphere.delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        "vsphere: retrying"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (operation, attempt, reason, delay);
}

/// A task was polled: its status and, when it says, how far it has come.
pub(super) fn task_progress(status: &str, completed: Option<i64>, total: Option<i64>) {
    #[cfg(feature = "tracing")]
    tracing::debug!(
        vsphere.task.status = status,
        vsphere.task.completed = completed,
        vsphere.task.total = total,
        "vsphere: task progress"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (status, completed, total);
}
