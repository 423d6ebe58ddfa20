//! The shape of Storeden order ids: the store's instance number, `_`, and a Mongo-style hex id
//! (`132_56695c3c0a3be`). The create example answers `30_55bb7bdg344983ce`, with a `g`: any letter or digit
//! is accepted after the `_`.

use crate::domain::IdShape;

/// Storeden order ids: 1 to 20 digits, `_`, 1 to 40 letters or digits.
pub(super) const SHAPE: IdShape = IdShape {
    vendor: "Storeden",
    shape: "digits, _ and letters or digits",
    examples: &["132_56695c3c0a3be"],
    accepts: is_order_id,
};

fn is_order_id(id: &str) -> bool {
    let Some((instance, object)) = id.split_once('_') else { return false };
    (1..=20).contains(&instance.len())
        && instance.bytes().all(|b| b.is_ascii_digit())
        && (1..=40).contains(&object.len())
        && object.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The documented ids pass; a missing part, a second `_` and other characters do not.
    #[test]
    fn order_ids() {
        for good in
            ["132_56695c3c0a3be", "132_5672eebab5aa6", "132_5b8e84672f829", "30_55bb7bdg344983ce", "1_a"]
        {
            assert!(is_order_id(good), "{good}");
        }
        for bad in ["", "132", "132_", "_5672eebab5aa6", "a1_5672", "132_56_69", "132_5672-eb", "132_5672 eb"]
        {
            assert!(!is_order_id(bad), "{bad}");
        }
    }
}
