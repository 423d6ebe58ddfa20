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

/// Builds the schema over `engine` with the request limits of `[server]` that async-graphql enforces; the
/// rest are [`QueryLimits`], applied before execution. The schema has no extension: with one, async-graphql
/// sends every field of every order through the extension chain, a measurable share of a page's cost.
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

/// Parsing and the limits async-graphql cannot enforce itself. Parsed documents are kept (up to
/// [`PARSED_QUERIES`] distinct query texts), since parsing is half the cost of a small cached query; each new
/// document is checked once: at most `max_aliases` aliased fields (counted through fragments), and no
/// `__schema`/`__type` when introspection is off (async-graphql would answer null silently). Violations are
/// `QUERY_TOO_COMPLEX`.
#[derive(Clone)]
pub struct QueryLimits {
    max_aliases: usize,
    introspection: bool,
    parsed: moka::future::Cache<String, async_graphql::parser::types::ExecutableDocument>,
}

/// How many distinct query texts keep their parsed document.
pub const PARSED_QUERIES: u64 = 1_000;

impl QueryLimits {
    /// The limits of `[server]`.
    pub fn new(limits: &ServerConfig) -> Self {
        QueryLimits {
            max_aliases: limits.max_aliases,
            introspection: limits.introspection,
            parsed: moka::future::Cache::new(PARSED_QUERIES),
        }
    }

    /// Parses the request's query (or takes the kept document) and checks it; the request then executes
    /// without parsing again. A query that does not parse is the parser's error; a limit broken is
    /// `QUERY_TOO_COMPLEX`.
    pub async fn prepare(&self, request: &mut async_graphql::Request) -> async_graphql::ServerResult<()> {
        if let Some(document) = self.parsed.get(&request.query).await {
            request.set_parsed_query(document);
            return Ok(());
        }
        let document = async_graphql::parser::parse_query(&request.query)?;
        if let Err(message) = check_document(&document, self.max_aliases, self.introspection) {
            let mut error = async_graphql::ServerError::new(message, None);
            error.extensions.get_or_insert_with(Default::default).set("code", "QUERY_TOO_COMPLEX");
            return Err(error);
        }
        self.parsed.insert(request.query.clone(), document.clone()).await;
        request.set_parsed_query(document);
        Ok(())
    }
}

/// Counts aliases and looks for introspection fields in a parsed document.
fn check_document(
    doc: &async_graphql::parser::types::ExecutableDocument,
    max_aliases: usize,
    introspection: bool,
) -> Result<(), String> {
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
    let mut found = Found::default();
    for (_, op) in doc.operations.iter() {
        walk(&op.node.selection_set.node, doc, 0, &mut found);
    }
    if found.aliases > max_aliases {
        return Err(format!("the query has {} aliases; at most {max_aliases} are allowed", found.aliases));
    }
    if found.introspection && !introspection {
        return Err("introspection is disabled on this server".into());
    }
    Ok(())
}
