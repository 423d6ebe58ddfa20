//! The GraphQL layer: thin types over domain values ([`types`]), the roots ([`query`], [`mutation`]), the
//! schema builder with its request limits, and the SDL export. Errors become GraphQL errors here, once.

pub mod mutation;
pub mod query;
pub mod scalars;
pub mod types;

use std::sync::Arc;

use async_graphql::{EmptySubscription, SDLExportOptions, Schema};

use crate::config::ServerConfig;
use crate::engine::{Engine, new_loader};

/// The schema type.
pub type OrderGraphSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// Builds the schema over `engine` with the request limits of `[server]`.
pub fn build_schema(engine: Arc<Engine>, limits: &ServerConfig) -> OrderGraphSchema {
    let mut builder = Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .data(engine)
        .register_output_type::<query::Node>()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_directives(limits.max_directives);
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

/// Refuses a query with more than `max` aliased fields (async-graphql has no such limit of its own). A query
/// that does not parse is left to the executor, which reports it properly.
pub fn check_aliases(query: &str, max: usize) -> Result<(), String> {
    use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
    fn count(set: &SelectionSet, doc: &ExecutableDocument, depth: usize) -> usize {
        if depth > 64 {
            return 0;
        }
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => {
                    usize::from(f.node.alias.is_some()) + count(&f.node.selection_set.node, doc, depth + 1)
                }
                Selection::InlineFragment(fr) => count(&fr.node.selection_set.node, doc, depth + 1),
                Selection::FragmentSpread(spread) => doc
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .map(|fr| count(&fr.node.selection_set.node, doc, depth + 1))
                    .unwrap_or(0),
            })
            .sum()
    }
    let Ok(doc) = async_graphql::parser::parse_query(query) else { return Ok(()) };
    let total: usize = doc.operations.iter().map(|(_, op)| count(&op.node.selection_set.node, &doc, 0)).sum();
    if total > max {
        Err(format!("the query has {total} aliases; at most {max} are allowed"))
    } else {
        Ok(())
    }
}
