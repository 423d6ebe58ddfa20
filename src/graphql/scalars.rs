//! The `Decimal` scalar: money as a decimal string (`"159.97"`), never a float.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use rust_decimal::Decimal;

/// A decimal number as a string, e.g. `"159.97"`; money is never a float. Input accepts a string or an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecimalScalar(pub Decimal);

/// A decimal number as a string, e.g. "159.97"; money is never a float.
#[Scalar(name = "Decimal")]
impl ScalarType for DecimalScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .trim()
                .parse::<Decimal>()
                .map(DecimalScalar)
                .map_err(|_| InputValueError::custom(format!("{s:?} is not a decimal number"))),
            Value::Number(n) if n.is_i64() || n.is_u64() => n
                .to_string()
                .parse::<Decimal>()
                .map(DecimalScalar)
                .map_err(|_| InputValueError::custom("not a decimal number")),
            _ => {
                Err(InputValueError::custom("a Decimal is a string like \"12.50\" (floats are not accepted)"))
            }
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// A backend's own JSON payload as a GraphQL value. Numbers keep every digit the backend sent: they are
/// carried as `serde_json::Number` (exact under `arbitrary_precision`), never through `f64` and never through
/// serde's generic path, which would turn each number into a `{"$serde_json::private::Number": …}` map.
pub struct JsonScalar(pub Value);

impl JsonScalar {
    /// Converts a JSON value, keeping numbers exact.
    pub fn from_json(json: &serde_json::Value) -> Self {
        JsonScalar(to_graphql(json))
    }
}

fn to_graphql(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => Value::Number(n.clone()),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(to_graphql).collect()),
        serde_json::Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (async_graphql::Name::new(k), to_graphql(v))).collect())
        }
    }
}

/// A scalar that can represent any JSON value.
#[Scalar(name = "JSON")]
impl ScalarType for JsonScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        Ok(JsonScalar(value))
    }

    fn to_value(&self) -> Value {
        self.0.clone()
    }
}
