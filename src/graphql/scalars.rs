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
