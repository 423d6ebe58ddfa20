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

/// Checks async-graphql cannot do itself, before execution: at most `limits.max_aliases` aliased fields
/// (counted through fragments), and no `__schema`/`__type` when introspection is off (async-graphql would
/// answer null silently). A query that does not parse is left to the executor, which reports it properly.
pub fn precheck(query: &str, limits: &ServerConfig) -> Result<(), String> {
    use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
    #[derive(Default)]
    struct Found {
        aliases: usize,
        introspection: bool,
    }
    fn walk(set: &SelectionSet, doc: &ExecutableDocument, depth: usize, found: &mut Found) {
        if depth > 64 {
            return;
        }
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    found.aliases += usize::from(f.node.alias.is_some());
                    let name = f.node.name.node.as_str();
                    found.introspection |= name == "__schema" || name == "__type";
                    walk(&f.node.selection_set.node, doc, depth + 1, found);
                }
                Selection::InlineFragment(fr) => walk(&fr.node.selection_set.node, doc, depth + 1, found),
                Selection::FragmentSpread(spread) => {
                    if let Some(fr) = doc.fragments.get(&spread.node.fragment_name.node) {
                        walk(&fr.node.selection_set.node, doc, depth + 1, found);
                    }
                }
            }
        }
    }
    let Ok(doc) = async_graphql::parser::parse_query(query) else { return Ok(()) };
    let mut found = Found::default();
    for (_, op) in doc.operations.iter() {
        walk(&op.node.selection_set.node, &doc, 0, &mut found);
    }
    if found.aliases > limits.max_aliases {
        return Err(format!(
            "the query has {} aliases; at most {} are allowed",
            found.aliases, limits.max_aliases
        ));
    }
    if found.introspection && !limits.introspection {
        return Err("introspection is disabled on this server".into());
    }
    Ok(())
}
