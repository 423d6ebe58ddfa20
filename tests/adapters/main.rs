//! Each adapter over real loopback HTTP, through the crate's public API only: against its vendor's sandbox
//! (written independently from the same vendor docs, so the two readings check each other), Storeden also
//! against a scripted server that serves the documented example payloads verbatim, and VTEX also through a
//! proxy that leaves out what the documented list rows do not promise.
//!
//! One test binary with a module per kind: each file under `tests/` is its own binary and link step.

mod merchantpro;
mod storeden;
mod storeden_mock;
mod vesuviopay;
mod vtex;
mod vtex_delivery;
mod wix;

/// Storeden's documented example payloads, shared with the adapter's unit tests (the constants are
/// `pub(super)` there, so they are visible to the module that includes them here).
#[path = "../../src/backends/storeden/fixtures.rs"]
mod storeden_fixtures;
