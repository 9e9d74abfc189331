//! When a failed attempt is tried again, and after how long: pure functions, so that the policy
//! is unit-tested apart from any I/O.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How the client retries a call that failed on the way (see [`RetryPolicy::default`]).
///
/// Only idempotent calls are retried: those whose own route is `GET`, `HEAD` or `OPTIONS`, and
/// those marked with [`Operation::idempotent`](super::Operation::idempotent). They are retried
/// when the connection could not be made, and on `502`, `503` and `504` or a body that says
/// `SERVICE_UNAVAILABLE`. Between attempts the client waits a random time up to an exponential
/// bound ("full jitter"), or what the server's `Retry-After` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts in all; waits drawn up to 250 ms, then 500 ms, ... at most 5 s; a
    /// `Retry-After` of up to 30 s honoured (a longer one ends the retries).
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is attempted once.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The bound of the first wait, and the cap the bounds double up to.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` the client waits for; a server asking for more ends the retries.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether attempt `attempt` (1 for the first) that ended in `failure` is followed by
    /// another, and after how long.
    pub(super) fn next(&self, attempt: u32, failure: &Failure, jitter: &mut Jitter) -> Option<Duration> {
        if attempt >= self.max_attempts || !failure.is_transient() {
            return None;
        }
        if let Failure::Status { retry_after: Some(after), .. } = failure {
            return (*after <= self.max_retry_after).then_some(*after);
        }
        Some(jitter.up_to(self.bound(attempt)))
    }

    /// The bound of the wait after attempt `attempt`: the initial backoff doubled per attempt.
    fn bound(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// Why an attempt failed, as far as retrying cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    /// The connection could not be made: nothing reached the server.
    Connect,
    /// The server answered with an error status (and the tag its body or status gives).
    Status { status: u16, service_unavailable: bool, retry_after: Option<Duration> },
    /// Anything else (a reset connection, a timeout, a body over the limit): the server may have
    /// acted, and waiting again would not help.
    Other,
}

impl Failure {
    fn is_transient(&self) -> bool {
        match self {
            Failure::Connect => true,
            Failure::Status { status, service_unavailable, .. } => matches!(status, 502..=504) || *service_unavailable,
            Failure::Other => false,
        }
    }
}

/// `Retry-After`: seconds, or an HTTP date (a date in the past means now).
pub(super) fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&chrono::Utc) - now).to_std().unwrap_or(Duration::ZERO))
}

/// Random waits for backoff, seeded by the standard library's per-process random keys
/// (`RandomState`), which is random enough to spread retries and needs no other crate.
#[derive(Debug, Clone)]
pub(super) struct Jitter(u64);

impl Jitter {
    pub(super) fn new() -> Self {
        let seed = std::collections::hash_map::RandomState::new().build_hasher().finish();
        Self(seed | 1)
    }

    /// A duration drawn uniformly from `0..=bound` (xorshift64*).
    pub(super) fn up_to(&mut self, bound: Duration) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let draw = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(if nanos == u64::MAX { draw } else { draw % (nanos + 1) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> Failure {
        Failure::Status { status, service_unavailable: false, retry_after: None }
    }

    #[test]
    fn only_transient_failures_are_retried_and_at_most_the_cap() {
        let policy = RetryPolicy::default();
        let mut jitter = Jitter::new();
        for transient in [Failure::Connect, status(502), status(503), status(504)] {
            assert!(policy.next(1, &transient, &mut jitter).is_some(), "{transient:?}");
            assert!(policy.next(2, &transient, &mut jitter).is_some(), "{transient:?}");
            assert_eq!(policy.next(3, &transient, &mut jitter), None, "three attempts in all");
        }
        for final_ in [status(500), status(404), status(401), status(400), Failure::Other] {
            assert_eq!(policy.next(1, &final_, &mut jitter), None, "{final_:?}");
        }
        let tagged = Failure::Status { status: 500, service_unavailable: true, retry_after: None };
        assert!(policy.next(1, &tagged, &mut jitter).is_some(), "a SERVICE_UNAVAILABLE body is transient");
        assert_eq!(RetryPolicy::none().next(1, &Failure::Connect, &mut jitter), None);
    }

    #[test]
    fn waits_are_jittered_below_a_doubling_bound() {
        let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(350));
        assert_eq!(policy.bound(1), Duration::from_millis(100));
        assert_eq!(policy.bound(2), Duration::from_millis(200));
        assert_eq!(policy.bound(3), Duration::from_millis(350), "capped");
        assert_eq!(policy.bound(40), Duration::from_millis(350), "no overflow");
        let mut jitter = Jitter::new();
        let draws: Vec<Duration> = (0..200).map(|_| jitter.up_to(Duration::from_millis(100))).collect();
        assert!(draws.iter().all(|d| *d <= Duration::from_millis(100)));
        let distinct: std::collections::BTreeSet<Duration> = draws.iter().copied().collect();
        assert!(distinct.len() > 150, "the draws are spread: {} distinct of 200", distinct.len());
        assert_eq!(jitter.up_to(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let mut jitter = Jitter::new();
        let asks = |secs| Failure::Status { status: 503, service_unavailable: false, retry_after: Some(secs) };
        assert_eq!(policy.next(1, &asks(Duration::from_secs(7)), &mut jitter), Some(Duration::from_secs(7)));
        assert_eq!(policy.next(1, &asks(Duration::from_secs(60)), &mut jitter), None, "too long: give up");
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z").unwrap().with_timezone(&chrono::Utc);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after("Sun, 06 Dec 2026 10:00:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after("Sun, 06 Dec 2026 09:00:00 GMT", now), Some(Duration::ZERO), "in the past");
        assert_eq!(retry_after("soon", now), None);
    }
}
