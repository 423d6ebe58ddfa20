//! The shape of MerchantPro order ids: numbers (`11089919`). The field table says `id string`, the examples
//! show JSON numbers and a third-party sample a numeric string (`"42209911"`): digits either way.

use crate::domain::IdShape;

/// MerchantPro order ids: 1 to 20 digits (any unsigned 64-bit number).
pub(super) const SHAPE: IdShape =
    IdShape { vendor: "MerchantPro", shape: "digits", examples: &["11089919"], accepts: is_order_id };

fn is_order_id(id: &str) -> bool {
    (1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The documented ids pass; letters, signs, separators and over-long numbers do not.
    #[test]
    fn order_ids() {
        for good in ["11089919", "42209911", "12345001", "1", "18446744073709551615"] {
            assert!(is_order_id(good), "{good}");
        }
        for bad in ["", "abc", "12a", "-1", "+1", "1.0", "1,2", " 1", "123456789012345678901", "١٢"] {
            assert!(!is_order_id(bad), "{bad}");
        }
    }
}
