//! Exact serde mirrors of the Tags API answers and of the bulk tag update's (private to the adapter).

use serde::Deserialize;

use super::ApplicationError;

/// A Tags API tag.
#[derive(Debug, Deserialize)]
pub struct Tag {
    /// GUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
}

/// `GET /tags/v1/tags?fqdn=…` answer.
#[derive(Debug, Deserialize)]
pub struct ListTagsResponse {
    /// The FQDN's tags (at most 100).
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// `POST /tags/v1/tags` answer.
#[derive(Debug, Deserialize)]
pub struct CreateTagResponse {
    /// The created tag.
    pub tag: Tag,
}

/// One result of a bulk call.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkResult {
    /// Per-item outcome.
    #[serde(default)]
    pub item_metadata: ItemMetadata,
}

/// `results[].itemMetadata`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemMetadata {
    /// Whether the item succeeded (absent means yes).
    pub success: Option<bool>,
    /// Why it failed.
    pub error: Option<ApplicationError>,
}

/// `POST /ecom/v1/bulk/orders/update-tags` answer.
#[derive(Debug, Default, Deserialize)]
pub struct BulkUpdateResponse {
    /// One per order id.
    #[serde(default)]
    pub results: Vec<BulkResult>,
}
