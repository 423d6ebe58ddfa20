//! ordergraph: one GraphQL API over many order backends.
//!
//! Data flows one way: HTTP → GraphQL → engine → backend adapter → the vendor's HTTP API, and back as
//! domain values. Each layer knows only the one below it.
//!
//! - [`config`]: TOML read into serde structs (`deny_unknown_fields`), `${ENV}` expansion, durations, every problem
//!   listed at once with its key path; `[auth]` API keys.
//! - [`error`]: the one `Error` enum and its client-facing codes.
//! - [`domain`]: the backend-agnostic model (ids, Order, Money, Status, filters), the `OrderBackend` trait and
//!   `ListRow` (a list page's row, decoded on first use). No GraphQL and no backend in it.
//! - [`backends`]: the shared HTTP client (`http`: one reqwest client per backend) and JSON decoding (`decode`,
//!   `rows`), one folder per vendor with the same files (`client`, `request`, `wire`, `mapping`, `status`), and
//!   the registry that builds them from config and routes by name.
//! - [`engine`]: fan-out, merged pagination and cursors, filters, the moka cache, the DataLoaders, mutations; it
//!   times every backend operation into [`metrics`] and masks configured secrets in backend errors (`scrub`).
//! - [`graphql`]: thin GraphQL types and enums over domain values, the schema builder with its request rules
//!   (`rules`: limits, GET runs queries only, scopes, failed fields null), what a caller may see (`access`), SDL
//!   export.
//! - [`server`]: the axum app over async-graphql-axum and tower-http (`/graphql` over HTTP and WebSocket,
//!   GraphiQL, `/healthz`, `/readyz`, `/metrics`; CORS, compression, body limit, request ids), API keys and rate
//!   limits (`auth`), the parsed-document cache, `run`, and the tokio `runtime`.
//! - [`metrics`]: the `metrics` crate's Prometheus recorder behind one handle.
//! - [`sandbox`]: one simulator per vendor, written from the vendor docs alone, for tests and `demo`.
//! - [`demo`]: starts a sandbox of every kind and the config over them.
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
