//! The shape of VTEX order ids: a number or an account-prefixed code, then `-` and the two-digit split
//! suffix. The documentation shows `1172452900788-01`, `v502556llux-01` and `v52277740atmc-01` (the Hook
//! example), and marketplace orders carry the affiliate's prefix (`SCP-880102018018-01`).

use crate::domain::IdShape;

/// VTEX order ids: dash-separated runs of letters and digits (at most 64 characters), the last one two digits.
pub(super) const SHAPE: IdShape = IdShape {
    vendor: "VTEX",
    shape: "letters and digits followed by - and two digits (an affiliate's prefix and - may come first)",
    examples: &["1172452900788-01", "v502556llux-01", "SCP-880102018018-01"],
    accepts: is_order_id,
};

fn is_order_id(id: &str) -> bool {
    let Some((head, suffix)) = id.rsplit_once('-') else { return false };
    id.len() <= 64
        && suffix.len() == 2
        && suffix.bytes().all(|b| b.is_ascii_digit())
        && head.split('-').all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every documented variant passes; a sequence number, a missing or longer suffix, empty runs and other
    // characters do not.
    #[test]
    fn order_ids() {
        for good in ["1172452900788-01", "v502556llux-01", "v52277740atmc-01", "SCP-880102018018-01", "1-01"]
        {
            assert!(is_order_id(good), "{good}");
        }
        for bad in [
            "",
            "502556",
            "1172452900788",
            "1172452900788-1",
            "1172452900788-001",
            "1172452900788-ab",
            "-01",
            "SCP--1-01",
            "00 1-01",
            "1/2-01",
            &format!("{}-01", "1".repeat(62)),
        ] {
            assert!(!is_order_id(bad), "{bad}");
        }
    }
}
