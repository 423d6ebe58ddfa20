//! Numbers in a request's variables and extensions, as async-graphql should see them.

use async_graphql::Value;

/// What serde_json (built with `arbitrary_precision`, which the adapters need for exact money) hands another
/// crate's deserializer for a number: a map with this one key and the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Turns the maps serde_json leaves for numbers in a request's variables (and extensions) back into numbers,
/// so that a float reaches the schema (and its error messages) as `7.5`.
pub(super) fn restore_numbers(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let number = match map.get(NUMBER_TOKEN) {
                Some(Value::String(text)) if map.len() == 1 => text.parse::<serde_json::Number>().ok(),
                _ => None,
            };
            match number {
                Some(number) => *value = Value::Number(number),
                None => map.values_mut().for_each(restore_numbers),
            }
        }
        Value::List(items) => items.iter_mut().for_each(restore_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Numbers at any depth of the variables (objects, lists) come back as numbers, exactly as sent; anything
    // else is left alone.
    #[test]
    fn numbers_in_variables_are_restored_at_any_depth() {
        let sent = r#"{"a": 7.5, "b": [1, 2.25, {"c": 1e400}], "d": {"e": "7.5", "f": null}}"#;
        let variables: async_graphql::Variables = serde_json::from_str(sent).expect("variables");
        let mut value = variables.into_value();
        restore_numbers(&mut value);
        assert_eq!(value.to_string(), r#"{a: 7.5, b: [1, 2.25, {c: 1e+400}], d: {e: "7.5", f: null}}"#);
    }
}
