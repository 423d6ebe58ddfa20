//! What the gateway reads in a parsed document before async-graphql validates it: its shape (fields and
//! aliases as they would execute, fragments spread in place, how deep it nests, whether it asks for
//! introspection), the operation a request selects, its required variables and its root keys in order.
//!
//! The shape is computed once per fragment (memoised), so a document whose fragments fan out (`F0` spreads
//! `F1` twice, `F1` spreads `F2` twice, …) costs its size to read, not the exponential size it expands to;
//! the expanded field count is then bounded before async-graphql's own checks walk the expansion.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Variables};

/// What a selection set holds once its fragments are spread in place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Fields, counted as they would execute (a fragment spread twice counts twice); saturating.
    pub fields: u64,
    /// Aliased fields, counted the same way; saturating.
    pub aliases: u64,
    /// Whether `__schema` or `__type` is asked anywhere.
    pub introspection: bool,
    /// How many selection sets nest below this one (0 when none does).
    pub height: usize,
}

impl Shape {
    fn add(&mut self, inner: Shape) {
        self.fields = self.fields.saturating_add(inner.fields);
        self.aliases = self.aliases.saturating_add(inner.aliases);
        self.introspection |= inner.introspection;
        self.height = self.height.max(inner.height.saturating_add(1));
    }
}

/// Why a document's shape could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ShapeError {
    /// Selection sets nest deeper than the limit (fields, inline fragments and spreads each count one, as
    /// async-graphql's recursion limit counts them).
    TooDeep(usize),
    /// A fragment spreads itself, directly or through others.
    Cycle(String),
}

/// The largest shape among the document's operations (each counted alone, since one of them executes).
pub fn shape(document: &ExecutableDocument, max_depth: usize) -> Result<Shape, ShapeError> {
    let mut walker = Walker { document, memo: HashMap::new(), max_depth };
    let mut largest = Shape::default();
    for (_, operation) in document.operations.iter() {
        let shape = walker.selection_set(&operation.node.selection_set.node, 0)?;
        largest.fields = largest.fields.max(shape.fields);
        largest.aliases = largest.aliases.max(shape.aliases);
        largest.introspection |= shape.introspection;
        largest.height = largest.height.max(shape.height);
    }
    Ok(largest)
}

enum Memo {
    /// Being read: meeting it again is a cycle.
    Reading,
    Read(Shape),
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    memo: HashMap<&'a Name, Memo>,
    max_depth: usize,
}

impl<'a> Walker<'a> {
    /// The shape of `set`, which sits `depth` selection sets below its operation's root.
    fn selection_set(&mut self, set: &'a SelectionSet, depth: usize) -> Result<Shape, ShapeError> {
        if depth > self.max_depth {
            return Err(ShapeError::TooDeep(self.max_depth));
        }
        let mut shape = Shape::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    shape.fields = shape.fields.saturating_add(1);
                    shape.aliases = shape.aliases.saturating_add(u64::from(field.alias.is_some()));
                    shape.introspection |= matches!(field.name.node.as_str(), "__schema" | "__type");
                    if !field.selection_set.node.items.is_empty() {
                        shape.add(self.selection_set(&field.selection_set.node, depth + 1)?);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    shape.add(self.selection_set(&fragment.node.selection_set.node, depth + 1)?);
                }
                Selection::FragmentSpread(spread) => {
                    shape.add(self.fragment(&spread.node.fragment_name.node, depth + 1)?);
                }
            }
        }
        Ok(shape)
    }

    /// The shape of a named fragment spread `depth` sets below the root: read once, then taken from the memo.
    /// An unknown fragment counts as empty (validation reports it).
    fn fragment(&mut self, name: &'a Name, depth: usize) -> Result<Shape, ShapeError> {
        match self.memo.get(name) {
            Some(Memo::Read(shape)) => {
                if depth.saturating_add(shape.height) > self.max_depth {
                    return Err(ShapeError::TooDeep(self.max_depth));
                }
                Ok(*shape)
            }
            Some(Memo::Reading) => Err(ShapeError::Cycle(name.to_string())),
            None => {
                let Some(definition) = self.document.fragments.get(name) else {
                    return Ok(Shape::default());
                };
                self.memo.insert(name, Memo::Reading);
                let shape = self.selection_set(&definition.node.selection_set.node, depth)?;
                self.memo.insert(name, Memo::Read(shape));
                Ok(shape)
            }
        }
    }
}

/// The operation a request runs: the one `name` names, or the only one. `None` when there is no such
/// operation (async-graphql then reports it).
pub fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The first variable of a non-null type, without a default, that the request leaves out or sends as null,
/// as GraphQL's variable coercion reports it.
pub fn missing_variable(operation: &OperationDefinition, variables: &Variables) -> Option<String> {
    operation.variable_definitions.iter().find_map(|definition| {
        let definition = &definition.node;
        let required = !definition.var_type.node.nullable && definition.default_value.is_none();
        let given =
            variables.get(&definition.name.node).is_some_and(|value| *value != async_graphql::Value::Null);
        (required && !given).then(|| {
            format!(
                "Variable \"${}\" of required type \"{}\" was not provided.",
                definition.name.node, definition.var_type.node
            )
        })
    })
}

/// The response keys of an operation's root fields in the query's order: fragments spread in place, a key
/// met again keeps its first place, each fragment read once.
pub fn root_keys(document: &ExecutableDocument, operation: &OperationDefinition) -> Vec<Name> {
    fn walk<'a>(
        set: &'a SelectionSet,
        document: &'a ExecutableDocument,
        read: &mut Vec<&'a Name>,
        keys: &mut Vec<Name>,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let key = field.node.response_key().node.clone();
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    walk(&fragment.node.selection_set.node, document, read, keys)
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if read.contains(&name) {
                        continue;
                    }
                    read.push(name);
                    if let Some(definition) = document.fragments.get(name) {
                        walk(&definition.node.selection_set.node, document, read, keys);
                    }
                }
            }
        }
    }
    let mut keys = Vec::new();
    walk(&operation.selection_set.node, document, &mut Vec::new(), &mut keys);
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).expect("parses")
    }

    // Fields and aliases count as they would execute, fragments spread in place (a fragment spread twice
    // counts twice); introspection is seen inside fragments; the largest operation is the one reported.
    #[test]
    fn shape_counts_through_fragments() {
        let document = parse(
            "query A { a: backends { name } ...F ...F } query B { __typename } \
             fragment F on Query { b: backends { name } ... on Query { s: __schema { queryType { name } } } }",
        );
        let shape = shape(&document, 32).expect("shape");
        assert_eq!(shape.aliases, 5);
        assert_eq!(shape.fields, 12);
        assert!(shape.introspection);
        assert_eq!(shape.height, 4);
    }

    // Sixty fragments that each spread the next twice expand to 2^60 fields: read in linear time, counted
    // saturating, never walked.
    #[test]
    fn a_fragment_fan_out_is_read_once_per_fragment() {
        let mut query = String::from("{ ...F0 }");
        for i in 0..60 {
            query.push_str(&format!(" fragment F{i} on Query {{ ...F{} ...F{} }}", i + 1, i + 1));
        }
        query.push_str(" fragment F60 on Query { a: backends { name } }");
        let document = parse(&query);
        let started = std::time::Instant::now();
        assert_eq!(shape(&document, 16), Err(ShapeError::TooDeep(16)));
        let shape = shape(&document, 100).expect("shape");
        assert!(shape.fields >= 1 << 60, "{shape:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    // Nesting deeper than the limit is refused, through fragments read before and after; a fragment that
    // spreads itself is a cycle.
    #[test]
    fn depth_and_cycles() {
        let deep = parse("{ a { b { c { d } } } }");
        assert_eq!(shape(&deep, 2), Err(ShapeError::TooDeep(2)));
        assert!(shape(&deep, 3).is_ok());
        let reused = parse("{ ...F x { ...F } } fragment F on Query { a { b } }");
        assert!(shape(&reused, 3).is_ok());
        assert_eq!(shape(&reused, 2), Err(ShapeError::TooDeep(2)));
        let cycle = parse("{ ...F } fragment F on Query { a ...G } fragment G on Query { ...F }");
        assert_eq!(shape(&cycle, 32), Err(ShapeError::Cycle("F".into())));
    }

    // The operation run is the one named, or the only one; required variables must be given and not null.
    #[test]
    fn operation_and_required_variables() {
        let document = parse("query A($id: ID!, $n: Int, $d: Int! = 3) { x } mutation B { y }");
        let a = operation(&document, Some("A")).expect("A");
        assert!(operation(&document, None).is_none());
        assert!(operation(&document, Some("C")).is_none());
        let variables = |json| async_graphql::Variables::from_json(json);
        assert_eq!(
            missing_variable(a, &variables(serde_json::json!({ "n": 1 }))).as_deref(),
            Some("Variable \"$id\" of required type \"ID!\" was not provided.")
        );
        assert!(missing_variable(a, &variables(serde_json::json!({ "id": null }))).is_some());
        assert!(missing_variable(a, &variables(serde_json::json!({ "id": "x" }))).is_none());
        let single = parse("mutation { y }");
        assert!(operation(&single, Some("whatever")).is_some());
    }

    // Root keys in the query's order: aliases, fragments in place, a repeated key once, a fragment that
    // spreads itself read once.
    #[test]
    fn root_keys_follow_the_query() {
        let document = parse(
            "query A { b: backends { name } order(id: \"x\") { id } ...F b: backends { name } } \
             fragment F on Query { ... on Query { nodes(ids: []) { id } } ...F }",
        );
        let a = operation(&document, Some("A")).expect("A");
        let keys: Vec<String> = root_keys(&document, a).iter().map(ToString::to_string).collect();
        assert_eq!(keys, ["b", "order", "nodes"]);
    }
}
