//! The GraphQL layer: thin types over domain values ([`types`], [`values`]), the roots ([`query`], [`mutation`]), the
//! schema builder with its request limits and rules ([`rules`]), and the SDL export. Errors become GraphQL
//! errors here, once.

pub mod access;
pub mod enums;
pub mod mutation;
pub mod query;
pub mod rules;
pub mod scalars;
pub mod types;
pub mod values;

use std::sync::Arc;

use async_graphql::extensions::apollo_persisted_queries::{ApolloPersistedQueries, LruCacheStorage};
use async_graphql::{EmptySubscription, SDLExportOptions, Schema};

use crate::config::ServerConfig;
use crate::engine::{Engine, new_loader};

/// The schema type. Its subscription root is empty until events come; the WebSocket endpoint is already
/// served (`GET /graphql` upgraded, `graphql-transport-ws`), so adding them is changing this root.
pub type OrderGraphSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// How many persisted queries (Apollo's automatic persisted queries) are remembered, least recently used
/// first out.
pub const PERSISTED_QUERIES: usize = 1_000;
// `LruCacheStorage::new` needs a capacity above zero.
const _: () = assert!(PERSISTED_QUERIES > 0);

/// Builds the schema over `engine` with the limits of `[server]`: depth, complexity, directives and the
/// recursion limit as async-graphql enforces them, introspection as configured, the gateway's [`rules`]
/// (aliases, fragment fan-out, GET runs queries only, failed fields as null, error codes) and Apollo's
/// automatic persisted queries in a bounded LRU store.
pub fn build_schema(engine: Arc<Engine>, limits: &ServerConfig) -> OrderGraphSchema {
    let mut builder = Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .data(engine)
        .register_output_type::<query::Node>()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_directives(limits.max_directives)
        .limit_recursive_depth(rules::RECURSION_LIMIT)
        // Listed first, so it runs around the persisted-query extension and sees the document it finds.
        .extension(rules::Rules::new(limits))
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(PERSISTED_QUERIES)));
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// Prepares a request for execution: attaches a fresh per-request DataLoader.
pub fn with_loader(request: async_graphql::Request, engine: &Arc<Engine>) -> async_graphql::Request {
    request.data(new_loader(engine.clone()))
}

/// The SDL of the schema, with stable export options (what `ordergraph schema` prints and `schema.graphql`
/// holds).
pub fn sdl() -> String {
    let schema = Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .register_output_type::<query::Node>()
        .finish();
    schema.sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}
