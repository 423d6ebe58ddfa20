//! The document pre-check (`graphql::rules::document`) on any text that parses as a GraphQL document: it must
//! return (a shape or a refusal) without panicking, and without walking fragment expansions one by one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ordergraph::graphql::rules::{RECURSION_LIMIT, document};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = async_graphql::parser::parse_query(text) else { return };
    if document::shape(&parsed, RECURSION_LIMIT).is_ok() {
        for name in [None, Some("A"), Some("B")] {
            if let Some(operation) = document::operation(&parsed, name) {
                let _ = document::root_keys(&parsed, operation);
            }
        }
    }
});
