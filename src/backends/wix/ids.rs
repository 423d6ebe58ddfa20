//! The shape of Wix eCommerce order ids: GUIDs (`265c7d98-a7c3-48c4-89cd-bbdc00921eab`).

use crate::domain::{IdShape, is_hyphenated_uuid};

/// Wix order ids: hyphenated UUIDs.
pub(super) const SHAPE: IdShape = IdShape {
    vendor: "Wix",
    shape: "UUIDs",
    examples: &["265c7d98-a7c3-48c4-89cd-bbdc00921eab"],
    accepts: is_hyphenated_uuid,
};
