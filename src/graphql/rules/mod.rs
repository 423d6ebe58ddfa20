//! The gateway's own request rules, as one async-graphql extension ([`Rules`]):
//!
//! - before validation, on the parsed document ([`document`]): at most `server.max_aliases` aliases and
//!   `server.max_complexity` fields once fragments are spread (each fragment read once, so a fan-out costs
//!   nothing to refuse), nesting within the recursion limit, no fragment cycle, no `__schema`/`__type` when
//!   introspection is off, required variables given, and only queries when the request came over GET
//!   ([`QueriesOnly`]; refused with [`NotAQuery`] as the error's source, which the server turns into 405),
//!   and only operations the caller's key has the scope for ([`Access`]; [`Forbidden`], 403);
//! - during execution: failed fields become `null` with their error (`nulls`), and root fields are answered
//!   in the query's order (async-graphql resolves them concurrently and writes each as it finishes);
//! - on the response: every error gets `extensions.code` (`QUERY_TOO_COMPLEX` for limits, `BAD_USER_INPUT`
//!   for parse and validation errors, `PERSISTED_QUERY_NOT_FOUND` for an unknown persisted-query hash).

pub mod document;
mod nulls;

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest, NextRequest, NextResolve,
    ResolveInfo,
};
use async_graphql::parser::types::OperationType;
use async_graphql::{Name, Request, Response, ServerError, ServerResult, Value};

use super::access::Access;
use crate::config::{Scope, ServerConfig};

/// The depth async-graphql's recursion limit allows (selection sets, inline fragments and fragment spreads
/// each count one level); also the depth [`document::shape`] reads to.
pub const RECURSION_LIMIT: usize = 32;

/// Request data marking a request that came over GET: only a query may run.
#[derive(Clone, Copy, Debug)]
pub struct QueriesOnly;

/// The source of the error refusing a mutation or subscription sent over GET.
#[derive(Clone, Copy, Debug)]
pub struct NotAQuery;

/// The source of the error refusing an operation the caller's key has no scope for (the server answers 403).
#[derive(Clone, Copy, Debug)]
pub struct Forbidden;

/// The limits the rules enforce, from `[server]`.
#[derive(Clone, Debug)]
struct Limits {
    max_aliases: u64,
    max_fields: u64,
    introspection: bool,
}

/// The extension factory: one [`Extension`] per request.
pub struct Rules {
    limits: Arc<Limits>,
}

impl Rules {
    /// The rules for the limits of `[server]`.
    pub fn new(config: &ServerConfig) -> Self {
        let limits = Limits {
            max_aliases: u64::try_from(config.max_aliases).unwrap_or(u64::MAX),
            max_fields: u64::try_from(config.max_complexity).unwrap_or(u64::MAX),
            introspection: config.introspection,
        };
        Rules { limits: Arc::new(limits) }
    }
}

impl ExtensionFactory for Rules {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestRules {
            limits: self.limits.clone(),
            nulls: nulls::Nulls::default(),
            root_keys: Mutex::new(Vec::new()),
        })
    }
}

struct RequestRules {
    limits: Arc<Limits>,
    nulls: nulls::Nulls,
    /// The selected query's root keys in the query's order (empty for other operations).
    root_keys: Mutex<Vec<Name>>,
}

impl RequestRules {
    /// Parses the request's query (unless it comes parsed) and applies the document rules to it.
    fn check(&self, request: &mut Request, variables: &async_graphql::Variables) -> ServerResult<()> {
        let queries_only = request.data.contains_key(&std::any::TypeId::of::<QueriesOnly>());
        let operation_name = request.operation_name.clone();
        let access = request
            .data
            .get(&std::any::TypeId::of::<Access>())
            .and_then(|d| d.downcast_ref::<Access>())
            .cloned();
        let document = request.parsed_query()?;
        let shape = document::shape(document, RECURSION_LIMIT).map_err(|error| match error {
            document::ShapeError::TooDeep(limit) => too_complex(format!(
                "the query nests deeper than {limit} levels (fields, fragments and spreads each count one)"
            )),
            document::ShapeError::Cycle(name) => {
                bad_input(format!("the fragment \"{name}\" spreads itself, directly or through others"))
            }
        })?;
        let limits = &self.limits;
        if shape.aliases > limits.max_aliases {
            return Err(too_complex(format!(
                "the query has {} aliases once its fragments are spread; at most {} are allowed",
                shape.aliases, limits.max_aliases
            )));
        }
        if shape.fields > limits.max_fields {
            return Err(too_complex(format!(
                "the query has {} fields once its fragments are spread; at most {} are allowed",
                shape.fields, limits.max_fields
            )));
        }
        if shape.introspection && !limits.introspection {
            return Err(too_complex(
                "introspection (__schema, __type) is disabled on this server (server.introspection = false)"
                    .into(),
            ));
        }
        let Some(operation) = document::operation(document, operation_name.as_deref()) else {
            return Ok(());
        };
        if queries_only && operation.ty != OperationType::Query {
            let kind = if operation.ty == OperationType::Mutation { "mutation" } else { "subscription" };
            let mut error = bad_input(format!("a {kind} cannot be sent with GET: use POST"));
            error.source = Some(Arc::new(NotAQuery));
            return Err(error);
        }
        if let Some(access) = &access {
            let (scope, kind) = match operation.ty {
                OperationType::Query => (Scope::Read, "queries"),
                OperationType::Mutation => (Scope::Write, "mutations"),
                OperationType::Subscription => (Scope::Events, "subscriptions"),
            };
            if !access.may(scope) {
                let scope = format!("{scope:?}").to_lowercase();
                let message =
                    format!("the key {:?} may not run {kind}: it lacks the {scope} scope", access.label());
                let mut error = with_code(ServerError::new(message, None), "FORBIDDEN");
                error.source = Some(Arc::new(Forbidden));
                return Err(error);
            }
        }
        if let Some(message) = document::missing_variable(operation, variables) {
            return Err(bad_input(message));
        }
        if operation.ty == OperationType::Query {
            let keys = document::root_keys(document, operation);
            *self.root_keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = keys;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Extension for RequestRules {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in &mut response.errors {
            add_code(error);
            error.message = excerpt(&error.message);
        }
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // The persisted-query extension runs first: a hash-only request has its document after it.
        let mut request = next.run(ctx, request).await?;
        // Moved out and back rather than cloned: the document borrows the request while it is read.
        let variables = std::mem::take(&mut request.variables);
        let checked = self.check(&mut request, &variables);
        request.variables = variables;
        checked.map(|()| request)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        self.nulls.finish(&mut response);
        let keys =
            std::mem::take(&mut *self.root_keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        keep_root_order(&mut response, &keys);
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let path = info.path_node;
        let return_type = info.return_type;
        let result = next.run(ctx, info).await;
        self.nulls.settle(result, return_type, path)
    }
}

/// Puts the root fields of `response.data` in the order of `keys`; fields `keys` does not name keep theirs,
/// after them. async-graphql writes the root fields as they finish (they resolve concurrently); nested
/// objects are resolved in order (every object type below the root is `serial`).
fn keep_root_order(response: &mut Response, keys: &[Name]) {
    let Value::Object(map) = &mut response.data else { return };
    let in_order = map.keys().zip(keys.iter().filter(|key| map.contains_key(*key))).all(|(a, b)| a == b);
    if in_order {
        return;
    }
    let mut rest = std::mem::take(map);
    for key in keys {
        if let Some(value) = rest.shift_remove(key) {
            map.insert(key.clone(), value);
        }
    }
    map.extend(rest);
}

/// Longest error message sent: a parse error quotes the document's line, which may be the whole document.
const MAX_MESSAGE_CHARS: usize = 400;

/// `message` when short; otherwise its start and its end (where a parse error says what it expected) around
/// a mark of what was cut.
fn excerpt(message: &str) -> String {
    let count = message.chars().count();
    if count <= MAX_MESSAGE_CHARS {
        return message.to_string();
    }
    let head: String = message.chars().take(MAX_MESSAGE_CHARS / 2).collect();
    let tail: String = message.chars().skip(count - MAX_MESSAGE_CHARS / 4).collect();
    format!("{head} … ({} characters cut) … {tail}", count - MAX_MESSAGE_CHARS / 2 - MAX_MESSAGE_CHARS / 4)
}

fn too_complex(message: String) -> ServerError {
    with_code(ServerError::new(message, None), "QUERY_TOO_COMPLEX")
}

fn bad_input(message: String) -> ServerError {
    with_code(ServerError::new(message, None), "BAD_USER_INPUT")
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    error.extensions.get_or_insert_with(Default::default).set("code", code);
    error
}

/// The start of the messages of async-graphql's own limits (recursion, directives, complexity, depth).
const LIMIT_MESSAGES: [&str; 4] = [
    "The recursion depth of the query",
    "The number of directives on the field",
    "Query is too complex",
    "Query is nested too deep",
];

/// Gives an error without a code one: async-graphql's own limit errors are `QUERY_TOO_COMPLEX`, an unknown
/// persisted-query hash is `PERSISTED_QUERY_NOT_FOUND` (the code Apollo clients look for), and the rest of
/// its errors (parse, validation, input coercion) are `BAD_USER_INPUT`.
fn add_code(error: &mut ServerError) {
    if error.extensions.as_ref().is_some_and(|extensions| extensions.get("code").is_some()) {
        return;
    }
    let code = if LIMIT_MESSAGES.iter().any(|start| error.message.starts_with(start)) {
        "QUERY_TOO_COMPLEX"
    } else if error.message == "PersistedQueryNotFound" {
        "PERSISTED_QUERY_NOT_FOUND"
    } else {
        "BAD_USER_INPUT"
    };
    error.extensions.get_or_insert_with(Default::default).set("code", code);
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    struct Root;

    #[Object]
    impl Root {
        async fn ok(&self) -> i32 {
            1
        }
        async fn fails(&self) -> async_graphql::Result<Option<i32>> {
            Err("nullable root".into())
        }
        async fn required(&self) -> async_graphql::Result<i32> {
            Err("non-null root".into())
        }
        async fn parent(&self) -> Option<Parent> {
            Some(Parent)
        }
        async fn items(&self) -> Vec<Option<Parent>> {
            vec![Some(Parent), Some(Parent)]
        }
        async fn strict(&self) -> Option<Vec<Parent>> {
            Some(vec![Parent])
        }
        async fn slow(&self) -> i32 {
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            2
        }
    }

    struct Parent;

    #[Object]
    impl Parent {
        async fn name(&self) -> &str {
            "p"
        }
        async fn broken(&self) -> async_graphql::Result<i32> {
            Err("non-null child".into())
        }
        async fn maybe(&self) -> async_graphql::Result<Option<i32>> {
            Err("nullable child".into())
        }
    }

    fn schema(rules: bool) -> Schema<Root, EmptyMutation, EmptySubscription> {
        let builder = Schema::build(Root, EmptyMutation, EmptySubscription);
        if rules {
            builder.extension(Rules::new(&ServerConfig::default())).finish()
        } else {
            builder.finish()
        }
    }

    async fn run(rules: bool, query: &str) -> serde_json::Value {
        serde_json::to_value(schema(rules).execute(query).await).expect("JSON")
    }

    fn paths(response: &serde_json::Value) -> Vec<serde_json::Value> {
        let mut paths: Vec<_> =
            response["errors"].as_array().into_iter().flatten().map(|e| e["path"].clone()).collect();
        paths.sort_by_key(|p| p.to_string());
        paths
    }

    // async-graphql alone drops a failed field from its object; with the rules it is null, a failed non-null
    // field nulls its nearest nullable parent (an object, a list item, a list), every error keeps its path,
    // and a failed non-null root field nulls `data`.
    #[tokio::test]
    async fn failed_fields_become_null_up_to_a_nullable_parent() {
        let query = "{ ok fails parent { name maybe } p2: parent { name broken } items { broken } strict { broken } }";
        let bare = run(false, query).await;
        assert!(bare["data"].get("fails").is_none(), "async-graphql drops the failed field: {bare}");
        let response = run(true, query).await;
        assert_eq!(
            response["data"],
            serde_json::json!({ "ok": 1, "fails": null, "parent": { "name": "p", "maybe": null }, "p2": null,
                                "items": [null, null], "strict": null }),
            "{response}"
        );
        let expected: Vec<serde_json::Value> = vec![
            serde_json::json!(["fails"]),
            serde_json::json!(["items", 0, "broken"]),
            serde_json::json!(["items", 1, "broken"]),
            serde_json::json!(["p2", "broken"]),
            serde_json::json!(["parent", "maybe"]),
            serde_json::json!(["strict", 0, "broken"]),
        ];
        assert_eq!(paths(&response), expected);
        let root = run(true, "{ ok required }").await;
        assert!(root["data"].is_null(), "{root}");
        assert_eq!(paths(&root), [serde_json::json!(["required"])]);
    }

    // async-graphql alone answers root fields in the order they finish; with the rules, in the query's order.
    #[tokio::test]
    async fn root_fields_come_back_in_the_query_order() {
        let keys = |response: &serde_json::Value| -> Vec<String> {
            response["data"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
        };
        let query = "{ late: slow ok ...F } fragment F on Root { other: ok }";
        assert_eq!(keys(&run(false, query).await), ["ok", "other", "late"]);
        assert_eq!(keys(&run(true, query).await), ["late", "ok", "other"]);
    }

    // Root fields are put in the given order; fields it does not name keep theirs, after it; a null `data`
    // is left alone.
    #[test]
    fn root_fields_are_put_in_order() {
        let data = serde_json::json!({ "c": 3, "z": 0, "a": 1, "b": 2 });
        let mut response = Response::new(Value::from_json(data).expect("value"));
        let keys: Vec<Name> = ["a", "b", "c"].into_iter().map(Name::new).collect();
        keep_root_order(&mut response, &keys);
        let Value::Object(map) = &response.data else { panic!("an object") };
        assert_eq!(map.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "z"]);
        let mut null = Response::new(Value::Null);
        keep_root_order(&mut null, &keys);
        assert_eq!(null.data, Value::Null);
    }

    // Codes by kind: a code already given is kept; async-graphql's limits, an unknown persisted query and
    // anything else each get theirs.
    #[test]
    fn long_messages_keep_their_ends() {
        let message = format!("start {} end", "x".repeat(10_000));
        let short = excerpt(&message);
        assert!(
            short.starts_with("start ") && short.ends_with(" end") && short.chars().count() < 450,
            "{short}"
        );
        assert_eq!(excerpt("short"), "short");
    }

    #[test]
    fn codes_for_async_graphql_errors() {
        let code = |message: &str| {
            let mut error = ServerError::new(message, None);
            add_code(&mut error);
            error.extensions.and_then(|e| e.get("code").cloned()).map(|v| v.to_string())
        };
        assert_eq!(code("Query is too complex.").as_deref(), Some("\"QUERY_TOO_COMPLEX\""));
        assert_eq!(code("Query is nested too deep.").as_deref(), Some("\"QUERY_TOO_COMPLEX\""));
        assert_eq!(code("PersistedQueryNotFound").as_deref(), Some("\"PERSISTED_QUERY_NOT_FOUND\""));
        assert_eq!(code("Unknown field \"x\"").as_deref(), Some("\"BAD_USER_INPUT\""));
        let mut kept = with_code(ServerError::new("x", None), "NOT_FOUND");
        add_code(&mut kept);
        assert_eq!(kept.extensions.and_then(|e| e.get("code").cloned()), Some(Value::from("NOT_FOUND")));
    }
}
