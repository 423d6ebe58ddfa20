//! Request bodies and capabilities (calls over HTTP are in `e2e.rs`).
