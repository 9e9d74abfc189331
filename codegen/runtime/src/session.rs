//! The session a client and its clones send, and the lock that makes its renewal single-flight.

use std::sync::Mutex;

use super::{ApiMode, SessionId};

/// The session of a client and its clones.
///
/// Every change of the session id (a login, a renewal, a logout) bumps `generation`. A call
/// remembers the generation it was sent with; when it meets an expired session it renews only if
/// the generation is still the one it saw, under [`Sessions::renewal`]. So concurrent calls that
/// meet the same expiry cause exactly one login: the first renews, the others find a newer
/// generation and retry with it.
#[derive(Debug)]
pub(super) struct Sessions {
    current: Mutex<Current>,
    /// Held while logging in (an async lock: the login is awaited under it).
    pub(super) renewal: tokio::sync::Mutex<()>,
}

/// The session id, its generation, and the surface it was made on.
#[derive(Debug, Clone)]
pub(super) struct Current {
    pub(super) id: Option<SessionId>,
    pub(super) generation: u64,
    /// [`ApiMode::Current`] or [`ApiMode::Legacy`] once known: where the session was created, so
    /// that logout ends it there.
    pub(super) surface: Option<ApiMode>,
}

impl Sessions {
    pub(super) fn new(id: Option<SessionId>) -> Self {
        let current = Current { id, generation: 0, surface: None };
        Self { current: Mutex::new(current), renewal: tokio::sync::Mutex::new(()) }
    }

    /// The session as it is now.
    pub(super) fn snapshot(&self) -> Current {
        self.lock().clone()
    }

    /// A new session id (after a login), made on `surface`.
    pub(super) fn replace(&self, id: SessionId, surface: ApiMode) {
        let mut current = self.lock();
        current.id = Some(id);
        current.surface = Some(surface);
        current.generation += 1;
    }

    /// No session any more (after a logout), unless another caller has changed it since
    /// `generation`.
    pub(super) fn clear(&self, generation: u64) {
        let mut current = self.lock();
        if current.generation == generation {
            current.id = None;
            current.surface = None;
            current.generation += 1;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        // The guarded data is a plain value that every writer leaves consistent; a panic elsewhere
        // while it was held does not make it wrong.
        self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_count_every_change() {
        let sessions = Sessions::new(Some(SessionId::new("a")));
        assert_eq!(sessions.snapshot().generation, 0);
        sessions.replace(SessionId::new("b"), ApiMode::Legacy);
        let now = sessions.snapshot();
        assert_eq!((now.id.as_ref().map(SessionId::expose), now.generation), (Some("b"), 1));
        assert_eq!(now.surface, Some(ApiMode::Legacy));
        sessions.clear(0);
        assert_eq!(sessions.snapshot().id.map(|s| s.expose().to_owned()), Some("b".to_owned()), "a stale clear");
        sessions.clear(1);
        let cleared = sessions.snapshot();
        assert!(cleared.id.is_none() && cleared.surface.is_none() && cleared.generation == 2);
    }
}
