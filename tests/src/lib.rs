//! Helpers shared by the workspace's integration tests (see `tests/tests/`).
