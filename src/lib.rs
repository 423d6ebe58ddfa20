//! ordergraph: one GraphQL API over many order backends.
//!
//! Data flows one way: HTTP → GraphQL → engine → backend adapter → the vendor's HTTP API, and back as
//! domain values. Each layer knows only the one below it.
//!
//! - [`config`]: TOML config, `${ENV}` expansion, durations, validation listing every problem.
//! - [`error`]: the one `Error` enum and its client-facing codes.
//! - [`domain`]: the backend-agnostic model (ids, Order, Money, Status, filters) and the `OrderBackend` trait.
//! - [`backends`]: one adapter per vendor (wire types, mapping, client) and the registry that routes by name.
//! - [`engine`]: fan-out, merged pagination and cursors, filters, the cache, the DataLoaders, mutations.
//! - [`graphql`]: thin GraphQL types over domain values, the schema builder, SDL export.
//! - [`server`]: the axum app (`/graphql`, GraphiQL, `/healthz`, `/readyz`, `/metrics`), `run`, and the tuned
//!   tokio `runtime`.
//! - [`sandbox`]: one simulator per vendor, written from the vendor docs alone, for tests and `demo`.
//! - [`demo`]: starts a sandbox of every kind and the gateway over them.
//! - [`metrics`]: Prometheus counters and histograms.
#![warn(missing_docs)]

pub mod backends;
pub mod config;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod error;
pub mod graphql;
pub mod metrics;
pub mod sandbox;
pub mod server;

pub use error::{Error, Result};
