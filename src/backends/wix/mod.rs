//! Wix eCommerce Orders API v1 (`https://www.wixapis.com`), for Wix sites selling through Wix Stores and the
//! other eCom verticals.
//!
//! Auth is an API key sent as-is in `Authorization` (no `Bearer`) plus `wix-site-id`. Orders are GUIDs with a
//! human `number` (a string in JSON). Money is a decimal string in major units
//! (`{"amount":"85.00","formattedAmount":"$85.00"}`, zero may be `"0"`), dates ISO-8601 UTC with milliseconds.
//!
//! Quirks:
//! - **Listing** is `POST /ecom/v1/orders/search` with cursor paging (limit ≤ 100), sorted `createdDate DESC`.
//!   A Wix cursor encodes its search's filter and sort, and Wix's paging docs call filter or sort sent along
//!   with a cursor an invalid cursor: follow-up pages send the cursor alone. `metadata.count` is the page's size,
//!   not a total, so `ListPage.total` is always `None`. Search is a read, so this adapter retries it like a GET.
//! - **Search never returns `INITIALIZED` orders** (created, not yet approved: e.g. an online payment that has not
//!   gone through). `GET /ecom/v1/orders/{id}` does return them, so they are reachable by id only.
//! - Search and Get return the same full order object: list orders are complete (`Known::FULL`).
//! - **Tags** are ids on the order (`tags.tags.tagIds`, `tags.privateTags.tagIds`); names come from the Tags
//!   API (`GET /tags/v1/tags?fqdn=wix.ecom.v1.order`, ≤ 100 tags), cached for a minute and re-read when an
//!   unknown id shows up. An id the Tags API does not know (a deleted tag) is shown as the id.
//! - Not in the order object: payment method and transactions (Order Transactions API) and fulfilments with
//!   tracking (Fulfillments API), so `paymentMethod` is null and `tracking` empty. There is no Delivered state.
//! - The customer's e-mail and ids are in `buyerInfo`; name and phone in `billingInfo.contactDetails`.
//!   `channelInfo.type` (WEB, POS, EBAY, …) is the external platform, `channelInfo.externalOrderId` the external
//!   id (set only at creation: `linkOrder` is unsupported).
//! - Errors: `{"message","details":{"applicationError":{code,description,data}}}` or
//!   `{"message","details":{"validationError":{"fieldViolations":[…]}}}`; 5xx have an empty body. 404 is
//!   `NOT_FOUND`; a Get by an id Wix rejects as invalid (400 validation) is treated as not found too.
//!
//! Filters pushed down exactly: `paymentStatus` and `fulfillmentStatus` (`$in` of the native values of the wanted
//! unified values, or `$nin` of the others when UNKNOWN is wanted; wanting only one of UNFULFILLED and CANCELLED,
//! `NOT_FULFILLED` goes with `status` `$ne`/`$eq` `CANCELED` in an `$or`), the placed-at range (`createdDate`
//! `$gte`/`$lte`, rounded to Wix's milliseconds so the bounds stay exact). The order status is only narrowed
//! (`status $in` a superset; the engine decides). The e-mail is not pushed: Wix's `$eq` on `buyerInfo.email`
//! is case-sensitive and the filter is not. Tags are not pushed (no documented filter).
//!
//! Status mapping (`Status.native` is `STATUS/PAYMENT/FULFILLMENT`, e.g. `APPROVED/PAID/FULFILLED`):
//!
//! | `status` | `paymentStatus` | `fulfillmentStatus` | order |
//! |---|---|---|---|
//! | `INITIALIZED` | any | any | PENDING |
//! | `APPROVED` | `FULLY_REFUNDED` | any | REFUNDED |
//! | `APPROVED` | other | `FULFILLED` | SHIPPED |
//! | `APPROVED` | other | `PARTIALLY_FULFILLED` | PARTIALLY_SHIPPED |
//! | `APPROVED` | other | `NOT_FULFILLED` / absent | CONFIRMED |
//! | `CANCELED` | any | any | CANCELLED |
//! | other / absent | any | any | UNKNOWN |
//!
//! | `paymentStatus` | payment | | `fulfillmentStatus` | fulfillment |
//! |---|---|---|---|---|
//! | `NOT_PAID` | PENDING | | `NOT_FULFILLED` | UNFULFILLED; CANCELLED when `status` is `CANCELED` |
//! | `PENDING` | PENDING | | `PARTIALLY_FULFILLED` | PARTIALLY_FULFILLED |
//! | `PAID` | PAID | | `FULFILLED` | FULFILLED |
//! | `PARTIALLY_PAID` | PARTIALLY_PAID | | other / absent | UNKNOWN |
//! | `PARTIALLY_REFUNDED` | PARTIALLY_REFUNDED | | | |
//! | `FULLY_REFUNDED` | REFUNDED | | | |
//! | `UNSPECIFIED` / other / absent | UNKNOWN | | | |
//!
//! Mutations:
//! - `updateOrderStatus(SHIPPED)`: refuses a fulfilled or cancelled order (the engine checks the order it has
//!   read, the adapter again on the order it reads for its line items), then
//!   `POST /ecom/v1/fulfillments/orders/{id}/create-fulfillment` with every line item `{id, quantity}` and
//!   `trackingInfo {trackingNumber, shippingProvider ← carrier, trackingLink ← trackingUrl}` (a tracking number
//!   needs a carrier). A 409 (Already Exists) is INVALID_STATUS_TRANSITION "already fulfilled".
//! - `cancelOrder`: `POST /ecom/v1/orders/{id}/cancel {sendOrderCanceledEmail ← notifyCustomer, customMessage ←
//!   reason, restockAllItems ← restock}`. Wix does not refund on cancel: `refundAmount` is UNSUPPORTED.
//! - `addOrderTags` / `removeOrderTags`: names resolved to ids (case-insensitively, exact name first); add
//!   creates missing tags (`POST /tags/v1/tags {"tag":{"name","fqdn"}}`, the documented Create Tag shape); then
//!   `POST /ecom/v1/bulk/orders/update-tags {orderIds:[id], assignTags|unassignTags:{…}}`. Removing a name that
//!   is no tag is a successful no-op.

mod client;
#[cfg(test)]
mod fixtures;
mod ids;
mod mapping;
mod request;
mod status;
mod tags;
mod wire;

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Value, json};

use crate::backends::decode;
use crate::backends::rows;
use crate::backends::util;
use crate::backends::window::{self, Window};
use crate::config::BackendConfig;
use crate::domain::{
    BackendKind, BackendName, Cancellation, Capabilities, FilterPushdown, FulfillmentStatus, ListPage,
    ListRequest, NativeOrderId, Order, OrderBackend, OrderStatus, Shipment, Status, StatusChange, Transition,
};
use crate::error::{Error, Result};

use client::WixClient;
use tags::TagCache;

/// A Wix site's eCommerce orders.
#[derive(Debug)]
pub struct WixBackend {
    name: BackendName,
    client: WixClient,
    tags: Arc<TagCache>,
    concurrency: usize,
}

impl WixBackend {
    /// Builds the adapter from its config (credentials `api_key` and `site_id`).
    pub fn new(name: BackendName, config: &BackendConfig) -> Result<Self> {
        let client = WixClient::new(&name, config)?;
        Ok(WixBackend { name, client, tags: Arc::default(), concurrency: config.max_concurrency.max(1) })
    }

    /// How this backend's orders read.
    fn rows(&self) -> mapping::Rows {
        mapping::Rows { backend: self.name.clone(), client: self.client.clone(), tags: self.tags.clone() }
    }

    async fn fetch_order(&self, id: NativeOrderId) -> Result<Order> {
        let raw = self.client.get_order(&id).await?;
        self.rows().order_at(&raw, "order").await
    }

    fn clean_tag_names(tags: &[String]) -> Result<Vec<String>> {
        let mut names: Vec<String> = Vec::new();
        for tag in tags {
            let name = tag.trim();
            if name.is_empty() {
                return Err(Error::invalid_input(&["input", "tags"], "a tag name is empty"));
            }
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        Ok(names)
    }
}

/// `trackingInfo` for create-fulfillment, or `None` when the shipment names no tracking at all.
fn tracking_info(shipment: Option<&Shipment>) -> Result<Option<Value>> {
    let Some(s) = shipment else { return Ok(None) };
    let clean =
        |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let (number, carrier, url) = (clean(&s.tracking_number), clean(&s.carrier), clean(&s.tracking_url));
    if number.is_none() && carrier.is_none() && url.is_none() {
        return Ok(None);
    }
    let Some(number) = number else {
        return Err(Error::invalid_input(
            &["input", "shipment", "trackingNumber"],
            "Wix tracking info needs a tracking number",
        ));
    };
    let Some(carrier) = carrier else {
        return Err(Error::invalid_input(
            &["input", "shipment", "carrier"],
            "Wix tracking info needs the carrier (shipping provider)",
        ));
    };
    let mut info = json!({ "trackingNumber": number, "shippingProvider": carrier });
    if let (Some(url), Some(map)) = (url, info.as_object_mut()) {
        map.insert("trackingLink".into(), Value::String(url));
    }
    Ok(Some(info))
}

#[async_trait]
impl OrderBackend for WixBackend {
    fn name(&self) -> &BackendName {
        &self.name
    }

    fn kind(&self) -> BackendKind {
        BackendKind::Wix
    }

    fn id_shape(&self) -> crate::domain::IdShape {
        ids::SHAPE
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            update_status_to: vec![OrderStatus::Shipped],
            cancel: true,
            refund_on_cancel: false,
            add_tags: true,
            remove_tags: true,
            link: false,
        }
    }

    fn pushdown(&self) -> FilterPushdown {
        request::PUSHDOWN
    }

    fn max_page_size(&self) -> usize {
        request::MAX_LIMIT
    }

    async fn list(&self, request: &ListRequest) -> Result<ListPage> {
        let window: Option<Window> = request.continuation.as_deref().map(util::decode_token).transpose()?;
        let filter = window.as_ref().map_or_else(|| request.filter.clone(), |w| w.narrow(&request.filter));
        let Some(native) = request::native_filter(&filter) else {
            return Ok(ListPage::decoded(Vec::new(), None, None));
        };
        let limit = window::room(window.as_ref(), request.page_size, request::MAX_LIMIT);
        let answer = self.client.search(&request::search_body(&native, limit, None)).await?;
        // Search sorts by `createdDate`; the engine orders orders of one instant by id as it reaches them. Each
        // row reads its key when the engine first asks, its summary or order (with its tags' names) on first use.
        let rows = rows::list_rows(self.rows(), answer.orders);
        let next_cursor = answer.metadata.cursors.next.filter(|c| !c.is_empty());
        let has_next = answer.metadata.has_next.unwrap_or(next_cursor.is_some());
        let next = match window::after(window.as_ref(), &rows, None)? {
            Some(next) if has_next && !rows.is_empty() => {
                if window.as_ref() == Some(&next) {
                    return Err(Error::Backend {
                        backend: self.name.to_string(),
                        status: 200,
                        native_code: None,
                        message: format!(
                            "more than {} orders share one creation millisecond; a search cannot page past them",
                            request::MAX_LIMIT
                        ),
                    });
                }
                Some(util::encode_token(&next))
            }
            _ => None,
        };
        Ok(ListPage { rows: window::unserved(window.as_ref(), rows)?, next, total: None })
    }

    /// One id: `GET /ecom/v1/orders/{id}`. Several: one search per 100 ids (`id $in`), then a get for each id
    /// the search did not return (search never returns INITIALIZED orders), which also settles unknown ids.
    async fn get_many(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        let mut unique: Vec<&NativeOrderId> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        if unique.len() < 2 {
            return util::fetch_each(ids, self.concurrency, |id| self.fetch_order(id)).await;
        }
        let mut found = Vec::with_capacity(unique.len());
        for chunk in unique.chunks(request::MAX_LIMIT) {
            let wanted: Vec<&str> = chunk.iter().map(|id| id.as_str()).collect();
            let mut filter = serde_json::Map::new();
            filter.insert("id".into(), json!({ "$in": wanted }));
            let answer = self.client.search(&request::search_body(&filter, chunk.len(), None)).await?;
            let orders = rows::orders(&self.rows(), &answer.orders).await?;
            // Keep only what was asked for, whatever else a search might return.
            found.extend(orders.into_iter().filter(|o| chunk.contains(&&o.id.native)));
        }
        let missing: Vec<NativeOrderId> =
            unique.into_iter().filter(|id| !found.iter().any(|o| o.id.native == **id)).cloned().collect();
        found.extend(util::fetch_each(&missing, self.concurrency, |id| self.fetch_order(id)).await?);
        Ok(found)
    }

    /// A fulfilment of every item needs an order neither cancelled nor fulfilled already.
    fn checks_transition(&self, transition: Transition) -> bool {
        transition == Transition::To(OrderStatus::Shipped)
    }

    fn refusal(&self, current: &Status, transition: Transition) -> Option<String> {
        if transition != Transition::To(OrderStatus::Shipped) {
            return None;
        }
        if current.order == OrderStatus::Cancelled {
            Some("Wix does not fulfil a cancelled order".into())
        } else if current.fulfillment == FulfillmentStatus::Fulfilled {
            Some(
                "every item is already fulfilled (Wix answers a second fulfilment 409 Already Exists)".into(),
            )
        } else {
            None
        }
    }

    async fn update_status(&self, id: &NativeOrderId, change: &StatusChange) -> Result<()> {
        if change.status != OrderStatus::Shipped {
            return Err(self.unsupported(&format!("updateOrderStatus to {}", change.status)));
        }
        let tracking = tracking_info(change.shipment.as_ref())?;
        let raw = self.client.get_order(id).await?;
        let order: wire::Order = decode::decode_raw(&self.name, &raw, "order")?;
        let refuse =
            |message: String| Error::InvalidStatusTransition { backend: self.name.to_string(), message };
        if order.status == Some(wire::OrderStatus::Canceled) {
            return Err(refuse(format!("order {id} is cancelled and cannot be shipped")));
        }
        if order.fulfillment_status == Some(wire::FulfillmentStatus::Fulfilled) {
            return Err(refuse(format!("order {id} is already fulfilled")));
        }
        let lines: Vec<Value> = order
            .line_items
            .iter()
            .filter(|item| item.quantity > 0)
            .filter_map(|item| item.id.as_deref().filter(|i| !i.is_empty()).map(|i| (i, item.quantity)))
            .map(|(line, quantity)| json!({ "id": line, "quantity": quantity }))
            .collect();
        if lines.is_empty() {
            return Err(refuse(format!("order {id} has no line items to fulfil")));
        }
        let mut fulfillment = json!({ "lineItems": lines });
        if let (Some(tracking), Some(map)) = (tracking, fulfillment.as_object_mut()) {
            map.insert("trackingInfo".into(), tracking);
        }
        self.client.create_fulfillment(id, json!({ "fulfillment": fulfillment })).await
    }

    async fn cancel(&self, id: &NativeOrderId, cancellation: &Cancellation) -> Result<()> {
        if cancellation.refund_amount.is_some() {
            return Err(self.unsupported("cancelOrder with refundAmount (Wix does not refund on cancel)"));
        }
        let body = json!({
            "sendOrderCanceledEmail": cancellation.notify_customer,
            "customMessage": cancellation.reason,
            "restockAllItems": cancellation.restock,
        });
        self.client.cancel(id, body).await
    }

    async fn add_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        let names = Self::clean_tag_names(tags)?;
        if names.is_empty() {
            return Ok(());
        }
        let ids = self.tags.ids(&self.client, &names, true).await?;
        let body = json!({ "orderIds": [id.as_str()], "assignTags": { "tags": { "tagIds": ids } } });
        self.client.update_tags(id, body).await
    }

    async fn remove_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        let names = Self::clean_tag_names(tags)?;
        let ids = self.tags.ids(&self.client, &names, false).await?;
        if ids.is_empty() {
            return Ok(());
        }
        let body = json!({
            "orderIds": [id.as_str()],
            "unassignTags": { "tags": { "tagIds": ids }, "privateTags": { "tagIds": ids } },
        });
        self.client.update_tags(id, body).await
    }
}

/// Fuzzing: a search answer, its rows decoded into the wire types ([`super::fuzzing`]; the mapping needs the
/// tag directory's API).
#[doc(hidden)]
pub fn fuzz_page(bytes: &[u8]) {
    use super::decode::{decode_bytes, decode_raw};
    let Some(name) = super::fuzzing::name() else { return };
    if let Ok(response) = decode_bytes::<wire::SearchResponse>(&name, bytes) {
        for (index, raw) in response.orders.iter().enumerate() {
            let at = super::util::RowAt { array: "orders", index };
            let _ = decode_raw::<wire::RowKey>(&name, raw, at);
            let _ = decode_raw::<wire::OrderSummary>(&name, raw, at);
            let _ = decode_raw::<wire::Order>(&name, raw, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tracking info carries number, provider and link; a number needs a carrier, a carrier or link needs a number.
    #[test]
    fn tracking_info_rules() {
        let shipment = |number: Option<&str>, carrier: Option<&str>, url: Option<&str>| Shipment {
            tracking_number: number.map(str::to_string),
            carrier: carrier.map(str::to_string),
            tracking_url: url.map(str::to_string),
            ..Default::default()
        };
        assert_eq!(tracking_info(None).unwrap(), None);
        assert_eq!(tracking_info(Some(&shipment(None, None, Some("  ")))).unwrap(), None);
        assert_eq!(
            tracking_info(Some(&shipment(Some("1Z"), Some("ups"), None))).unwrap(),
            Some(json!({"trackingNumber": "1Z", "shippingProvider": "ups"}))
        );
        assert_eq!(
            tracking_info(Some(&shipment(Some("1Z"), Some("ups"), Some("https://t/1Z")))).unwrap(),
            Some(json!({"trackingNumber": "1Z", "shippingProvider": "ups", "trackingLink": "https://t/1Z"}))
        );
        let field = |e: Error| e.field().map(|f| f.join("."));
        let no_carrier = tracking_info(Some(&shipment(Some("1Z"), None, None))).unwrap_err();
        assert_eq!(field(no_carrier).as_deref(), Some("input.shipment.carrier"));
        let no_number = tracking_info(Some(&shipment(None, Some("ups"), None))).unwrap_err();
        assert_eq!(field(no_number).as_deref(), Some("input.shipment.trackingNumber"));
    }

    fn backend() -> WixBackend {
        let config = BackendConfig {
            kind: BackendKind::Wix,
            base_url: "http://127.0.0.1:1".into(),
            timeout: std::time::Duration::from_secs(1),
            currency: None,
            max_concurrency: 2,
            max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
            credentials: std::collections::BTreeMap::from([
                ("api_key".to_string(), crate::config::Secret::new("key")),
                ("site_id".to_string(), crate::config::Secret::new("site")),
            ]),
        };
        WixBackend::new(BackendName::parse("wix").unwrap(), &config).unwrap()
    }

    // A search page decodes straight from its bytes: each row reads its key, summary and order (keeping its
    // text as `native`), a bad row names its path as `orders[i].…`, and a Get answer's order as `order.…`.
    #[tokio::test]
    async fn pages_decode_from_bytes_and_name_paths() {
        let backend = backend();
        let good = r#"{"id":"a","createdDate":"2024-01-02T03:04:05.006Z","currency":"USD", "number": 7}"#;
        let bad = r#"{"id":"b","createdDate":"2024-01-02T03:04:05.006Z","lineItems":[{"quantity":"x"}]}"#;
        let unkeyed = r#"{"id":"","createdDate":"2024-01-02T03:04:05.006Z"}"#;
        let page = format!(
            r#"{{"orders":[{good},{bad},{unkeyed}],"metadata":{{"cursors":{{"next":"c2"}},"hasNext":true}}}}"#
        );
        let answer: wire::SearchResponse = decode::decode_bytes(&backend.name, page.as_bytes()).unwrap();
        assert_eq!(answer.metadata.cursors.next.as_deref(), Some("c2"));
        let path = |error: Error| match error {
            Error::Malformed { path, .. } => path,
            other => panic!("{other:?}"),
        };
        let listed = rows::list_rows(backend.rows(), answer.orders);
        assert_eq!(listed[0].id().unwrap().to_string(), "wix:a");
        let summary = listed[0].summary().await.unwrap();
        assert_eq!(summary.known, crate::domain::Known::SUMMARY);
        let mapped = listed[0].order().await.unwrap();
        assert_eq!(mapped.native.text(), Some(good));
        assert_eq!(
            (mapped.number.as_deref(), mapped.native["number"].to_string().as_str()),
            (Some("7"), "7")
        );
        assert_eq!(path(listed[1].order().await.unwrap_err()), "orders[1].lineItems[0].quantity");
        assert_eq!(path(listed[2].key().unwrap_err()), "orders[2].id");
        let get = format!(r#"{{"order":{bad}}}"#);
        let answer: wire::GetOrderResponse = decode::decode_bytes(&backend.name, get.as_bytes()).unwrap();
        let error = backend.rows().order_at(&answer.order, "order").await.unwrap_err();
        assert_eq!(path(error), "order.lineItems[0].quantity");
        let empty: wire::SearchResponse = decode::decode_bytes(&backend.name, b"{}").unwrap();
        assert!(empty.orders.is_empty() && empty.metadata.has_next.is_none());
    }

    // Tag names are trimmed and deduplicated; an empty name is invalid input.
    #[test]
    fn tag_names_are_cleaned() {
        let names = WixBackend::clean_tag_names(&[" VIP ".into(), "VIP".into(), "gift".into()]).unwrap();
        assert_eq!(names, vec!["VIP", "gift"]);
        let err = WixBackend::clean_tag_names(&["ok".into(), "  ".into()]).unwrap_err();
        assert_eq!(err.field().map(|f| f.join(".")).as_deref(), Some("input.tags"));
    }
}
