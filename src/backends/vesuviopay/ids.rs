//! The shape of the ids VesuvioPay looks orders up by: its own UUID (`a3f2b1c0-1234-5678-90ab-cdef12345678`)
//! or the external order id a platform gave it. The guide calls the external id "your platform's order ID"
//! (a string: `shopify_order_12345` in its examples) and bounds it no further; it travels as one
//! percent-encoded path segment, so any printable ASCII is safe to send. Accepted: 1 to 128 printable ASCII
//! characters without spaces, other than the dot segments `.` and `..` (a UUID is one such string).

use crate::domain::IdShape;

/// The longest external order id looked up.
pub(super) const MAX_EXTERNAL_ID: usize = 128;

/// VesuvioPay order ids: its UUIDs, or an external order id.
pub(super) const SHAPE: IdShape = IdShape {
    vendor: "VesuvioPay",
    shape: "its UUIDs or an external order id (1 to 128 printable ASCII characters, no spaces)",
    examples: &["a3f2b1c0-1234-5678-90ab-cdef12345678", "shopify_order_12345"],
    accepts: is_lookup_id,
};

fn is_lookup_id(id: &str) -> bool {
    (1..=MAX_EXTERNAL_ID).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_graphic())
        && id != "."
        && id != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    // UUIDs and the documented external ids pass (the guide's malformed UUID example too, as an external id);
    // spaces, non-ASCII, dot segments and over-long ids do not.
    #[test]
    fn lookup_ids() {
        for good in [
            "a3f2b1c0-1234-5678-90ab-cdef12345678",
            "e7h6f5g4-5678-9012-34ef-g123456789012",
            "shopify_order_12345",
            "123-1234567-1234567",
            "gid://shopify/Order/450789469",
            "#1001",
            "x",
        ] {
            assert!(is_lookup_id(good), "{good}");
        }
        for bad in ["", ".", "..", "shop 1", "bestellung-ü", "a\tb", &"x".repeat(129)] {
            assert!(!is_lookup_id(bad), "{bad}");
        }
    }
}
