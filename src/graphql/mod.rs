//! The GraphQL layer: thin types over domain values ([`types`]), the roots ([`query`], [`mutation`]), the
//! schema builder with its request limits, and the SDL export. Errors become GraphQL errors here, once.

pub mod enums;
pub mod mutation;
pub mod query;
pub mod scalars;
pub mod types;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::{EmptySubscription, SDLExportOptions, Schema};

use crate::config::ServerConfig;
use crate::engine::{Engine, new_loader};

/// The schema type.
pub type OrderGraphSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// Builds the schema over `engine` with the request limits of `[server]` that async-graphql enforces; the
/// rest are [`QueryLimits`], applied before execution. The schema has no extension: with one, async-graphql
/// sends every field of every order through the extension chain, a measurable share of a page's cost. Every
/// request is validated in full (async-graphql's `ValidationMode::Strict`).
pub fn build_schema(engine: Arc<Engine>, limits: &ServerConfig) -> OrderGraphSchema {
    schema_builder(engine, limits).finish()
}

/// The same schema for documents that have already passed full validation ([`Prepared::Validated`]):
/// async-graphql's `ValidationMode::Fast`, which still enforces the depth, complexity and directive limits and
/// refuses fragment cycles, and skips the rules a document passes once and for all (fields exist, fragments
/// fit, variables are declared and used where allowed, and the like). The one rule that reads the variables
/// sent (argument values) is covered by `variables_fit`, which sends any request it cannot vouch for to full
/// validation. Validation is about a third of the cost of a small cached query.
pub fn build_validated_schema(engine: Arc<Engine>, limits: &ServerConfig) -> OrderGraphSchema {
    schema_builder(engine, limits).validation_mode(async_graphql::ValidationMode::Fast).finish()
}

fn schema_builder(
    engine: Arc<Engine>,
    limits: &ServerConfig,
) -> async_graphql::SchemaBuilder<query::Query, mutation::Mutation, EmptySubscription> {
    let mut builder = Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .data(engine)
        .register_output_type::<query::Node>()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_directives(limits.max_directives);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    builder
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
    parsed: moka::future::Cache<String, Kept>,
}

/// A parsed document kept, and whether a request with it has passed full validation.
#[derive(Clone)]
struct Kept {
    document: async_graphql::parser::types::ExecutableDocument,
    validated: Arc<AtomicBool>,
}

/// What [`QueryLimits::prepare`] found out about a request's document.
#[derive(Debug)]
pub enum Prepared {
    /// A request with this document has executed without any error under full validation, so the rules that
    /// depend on the document alone hold, and this request's variables fit their declared types: it can run
    /// with [`build_validated_schema`].
    Validated,
    /// Not yet: run it with full validation ([`build_schema`]), then call [`Prepared::executed`].
    Unvalidated(Arc<AtomicBool>),
}

impl Prepared {
    /// Records how a request that ran under full validation went: a response without any error marks its
    /// document validated (an error of any kind leaves it to full validation next time too).
    pub fn executed(&self, response: &async_graphql::Response) {
        if let Prepared::Unvalidated(validated) = self
            && response.errors.is_empty()
        {
            validated.store(true, Ordering::Relaxed);
        }
    }
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
    pub async fn prepare(
        &self,
        request: &mut async_graphql::Request,
    ) -> async_graphql::ServerResult<Prepared> {
        if let Some(kept) = self.parsed.get(&request.query).await {
            let validated = kept.validated.load(Ordering::Relaxed)
                && variables_fit(&kept.document, request.operation_name.as_deref(), &request.variables);
            request.set_parsed_query(kept.document);
            return Ok(if validated { Prepared::Validated } else { Prepared::Unvalidated(kept.validated) });
        }
        let document = async_graphql::parser::parse_query(&request.query)?;
        if let Err(message) = check_document(&document, self.max_aliases, self.introspection) {
            let mut error = async_graphql::ServerError::new(message, None);
            error.extensions.get_or_insert_with(Default::default).set("code", "QUERY_TOO_COMPLEX");
            return Err(error);
        }
        let validated = Arc::new(AtomicBool::new(false));
        let kept = Kept { document: document.clone(), validated: validated.clone() };
        self.parsed.insert(request.query.clone(), kept).await;
        request.set_parsed_query(document);
        Ok(Prepared::Unvalidated(validated))
    }
}

/// The response keys of the selected operation's root fields, in the query's order (fragments spread in
/// place; a key met again keeps its first place). Empty when the document has no such operation.
pub fn root_order(
    document: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
) -> Vec<async_graphql::Name> {
    use async_graphql::parser::types::{DocumentOperations, Selection, SelectionSet};

    fn walk(
        set: &SelectionSet,
        document: &async_graphql::parser::types::ExecutableDocument,
        spread: &mut Vec<async_graphql::Name>,
        keys: &mut Vec<async_graphql::Name>,
    ) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let key = field.node.response_key().node.clone();
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    walk(&fragment.node.selection_set.node, document, spread, keys)
                }
                Selection::FragmentSpread(fragment) => {
                    let name = &fragment.node.fragment_name.node;
                    // A fragment spread within itself is a validation error reported later; read it once.
                    if spread.contains(name) {
                        continue;
                    }
                    spread.push(name.clone());
                    if let Some(definition) = document.fragments.get(name) {
                        walk(&definition.node.selection_set.node, document, spread, keys);
                    }
                }
            }
        }
    }

    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    let mut keys = Vec::new();
    if let Some(operation) = operation {
        walk(&operation.node.selection_set.node, document, &mut Vec::new(), &mut keys);
    }
    keys
}

/// Puts the root fields of `response.data` in `order` ([`root_order`]). async-graphql resolves the root's
/// fields concurrently (independent lookups, batched by the request's DataLoader) and writes each as it
/// finishes; GraphQL answers them in the query's order. Fields `order` does not name keep theirs, last.
pub fn keep_root_order(response: &mut async_graphql::Response, order: &[async_graphql::Name]) {
    let async_graphql::Value::Object(map) = &mut response.data else { return };
    let in_order = map.keys().zip(order.iter().filter(|key| map.contains_key(*key))).all(|(a, b)| a == b);
    if in_order {
        return;
    }
    let mut rest = std::mem::take(map);
    for key in order {
        if let Some(value) = rest.shift_remove(key) {
            map.insert(key.clone(), value);
        }
    }
    map.extend(rest);
}

/// Whether the request's variables are values their declared types accept, for an operation whose variables
/// are all of the built-in scalar types (`Int`, `Float`, `String`, `Boolean`, `ID`, in lists or not, nullable
/// or not). Full validation checks argument values against the variables sent, which a document validated
/// once has not had checked for these variables; where this says yes, full validation would find nothing
/// there either (the test is narrower than GraphQL's input coercion), and anything else goes to full
/// validation, whose errors are the precise ones.
fn variables_fit(
    document: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
) -> bool {
    use async_graphql::parser::types::{BaseType, DocumentOperations, Type};
    use async_graphql::{Name, Value as ConstValue};

    fn fits(ty: &Type, value: &ConstValue) -> bool {
        match (&ty.base, value) {
            (_, ConstValue::Null) => ty.nullable,
            (BaseType::List(item), ConstValue::List(values)) => {
                values.iter().all(|value| fits(item.as_ref(), value))
            }
            (BaseType::List(_), _) => false,
            (BaseType::Named(name), value) => match (name.as_str(), value) {
                ("Int", ConstValue::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                ("Float", ConstValue::Number(n)) => n.as_f64().is_some(),
                ("ID", ConstValue::Number(n)) => n.as_i64().is_some(),
                ("String" | "ID", ConstValue::String(_)) | ("Boolean", ConstValue::Boolean(_)) => true,
                _ => false,
            },
        }
    }

    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), None) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => match operations.get(&Name::new(name)) {
            Some(operation) => operation,
            None => return false,
        },
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            match operations.values().next() {
                Some(operation) => operation,
                None => return false,
            }
        }
        _ => return false,
    };
    operation.node.variable_definitions.iter().all(|definition| {
        let definition = &definition.node;
        match variables.get(&definition.name.node) {
            Some(value) => fits(&definition.var_type.node, value),
            None => definition.default_value.is_some() || definition.var_type.node.nullable,
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(query: &str, operation: Option<&str>, variables: serde_json::Value) -> bool {
        let document = async_graphql::parser::parse_query(query).unwrap();
        variables_fit(&document, operation, &async_graphql::Variables::from_json(variables))
    }

    // Root keys in the query's order: aliases, fragments in place, a repeated key once, the named operation
    // (or the only one), and a fragment that spreads itself read once.
    #[test]
    fn root_order_follows_the_selected_operation() {
        let order = |query: &str, operation: Option<&str>| {
            let document = async_graphql::parser::parse_query(query).unwrap();
            root_order(&document, operation).iter().map(|n| n.to_string()).collect::<Vec<_>>()
        };
        let query = "query A { b: backends { name } order(id: \"x\") { id } ...F b: backends { name } } \
                     query B { __typename } fragment F on Query { ... on Query { nodes(ids: []) { id } } }";
        assert_eq!(order(query, Some("A")), ["b", "order", "nodes"]);
        assert_eq!(order(query, Some("B")), ["__typename"]);
        assert!(order(query, None).is_empty());
        assert!(order(query, Some("C")).is_empty());
        assert_eq!(
            order("{ x: backends { name } ...G } fragment G on Query { y: __typename ...G }", None),
            ["x", "y"]
        );
    }

    // Root fields are put in the given order; fields it does not name keep theirs, after it.
    #[test]
    fn root_fields_are_put_in_order() {
        let mut response = async_graphql::Response::new(
            async_graphql::Value::from_json(serde_json::json!({ "c": 3, "z": 0, "a": 1, "b": 2 })).unwrap(),
        );
        let order: Vec<async_graphql::Name> =
            ["a", "b", "c"].into_iter().map(async_graphql::Name::new).collect();
        keep_root_order(&mut response, &order);
        let async_graphql::Value::Object(map) = &response.data else { panic!("an object") };
        assert_eq!(map.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "z"]);
        let mut null = async_graphql::Response::new(async_graphql::Value::Null);
        keep_root_order(&mut null, &order);
        assert_eq!(null.data, async_graphql::Value::Null);
    }

    #[test]
    fn variables_fit_only_built_in_scalars_of_their_type() {
        let q = "query($id: ID!, $first: Int, $tags: [String!], $on: Boolean = true) { backends { name } }";
        assert!(fit(q, None, serde_json::json!({ "id": "x", "first": 3, "tags": ["a"], "on": false })));
        assert!(
            fit(q, None, serde_json::json!({ "id": 12 })),
            "ID takes integers; nullable or defaulted may be absent"
        );
        for bad in [
            serde_json::json!({}),
            serde_json::json!({ "id": null }),
            serde_json::json!({ "id": true }),
            serde_json::json!({ "id": "x", "first": "3" }),
            serde_json::json!({ "id": "x", "first": 3_000_000_000u64 }),
            serde_json::json!({ "id": "x", "tags": "a" }),
            serde_json::json!({ "id": "x", "tags": ["a", null] }),
            serde_json::json!({ "id": "x", "on": "yes" }),
        ] {
            assert!(!fit(q, None, bad.clone()), "{bad}");
        }
        // Other types (enums, input objects, custom scalars) are left to full validation.
        assert!(!fit(
            "query($s: [OrderStatus!]) { backends { name } }",
            None,
            serde_json::json!({ "s": ["SHIPPED"] })
        ));
        assert!(fit("{ backends { name } }", None, serde_json::json!({})));
        // The operation run is the one named; an unknown name, or none among several, is left to full validation.
        let two = "query A($n: Int) { backends { name } } query B($s: String) { backends { name } }";
        assert!(fit(two, Some("A"), serde_json::json!({ "n": 1 })));
        assert!(!fit(two, Some("B"), serde_json::json!({ "s": 1 })));
        assert!(!fit(two, Some("C"), serde_json::json!({})));
        assert!(!fit(two, None, serde_json::json!({})));
    }
}
