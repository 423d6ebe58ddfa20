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
//! unified values, or `$nin` of the others when UNKNOWN is wanted), the placed-at range (`createdDate`
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
//! | `NOT_PAID` | PENDING | | `NOT_FULFILLED` | UNFULFILLED |
//! | `PENDING` | PENDING | | `PARTIALLY_FULFILLED` | PARTIALLY_FULFILLED |
//! | `PAID` | PAID | | `FULFILLED` | FULFILLED |
//! | `PARTIALLY_PAID` | PARTIALLY_PAID | | other / absent | UNKNOWN |
//! | `PARTIALLY_REFUNDED` | PARTIALLY_REFUNDED | | | |
//! | `FULLY_REFUNDED` | REFUNDED | | | |
//! | `UNSPECIFIED` / other / absent | UNKNOWN | | | |
//!
//! Mutations:
//! - `updateOrderStatus(SHIPPED)`: reads the order, refuses a fulfilled or cancelled one, then
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
mod e2e;
#[cfg(test)]
mod fixtures;
mod mapping;
mod query;
mod tags;
mod wire;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use futures::FutureExt;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::backends::decode;
use crate::backends::rows::{self, RowText};
use crate::backends::util::{self, RowAt};
use crate::config::BackendConfig;
use crate::domain::{
    BackendKind, BackendName, Cancellation, Capabilities, FilterPushdown, ListPage, ListRequest, ListRow,
    NativeJson, NativeOrderId, Order, OrderBackend, OrderId, OrderStatus, Shipment, StatusChange,
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

    /// Decodes one order's raw text (a failure names the path as `{at}.…`, e.g. `orders[3].priceSummary`)
    /// and keeps the text as its `native` payload, unparsed.
    fn decode_order(&self, raw: &RawValue, at: &str) -> Result<(wire::Order, NativeJson)> {
        let order: wire::Order = decode::decode_raw(&self.name, raw, at)?;
        Ok((order, NativeJson::from_raw(raw)))
    }

    /// Resolves the tag ids of decoded orders in one go and maps them.
    async fn build_orders(&self, decoded: Vec<(wire::Order, NativeJson)>) -> Result<Vec<Order>> {
        let mut all_ids: Vec<String> = Vec::new();
        for (order, _) in &decoded {
            for id in mapping::tag_ids(order) {
                if !all_ids.contains(&id) {
                    all_ids.push(id);
                }
            }
        }
        let names = self.tags.names(&self.client, &all_ids).await?;
        let by_id: HashMap<&String, &String> = all_ids.iter().zip(names.iter()).collect();
        decoded
            .into_iter()
            .map(|(order, native)| {
                let tags = mapping::tag_ids(&order)
                    .iter()
                    .filter_map(|id| by_id.get(id).map(|n| (*n).clone()))
                    .collect();
                mapping::order(&self.name, &order, native, tags)
            })
            .collect()
    }

    async fn fetch_order(&self, id: NativeOrderId) -> Result<Order> {
        let raw = self.client.get_order(&id).await?;
        let decoded = self.decode_order(&raw, "order")?;
        let mut orders = self.build_orders(vec![decoded]).await?;
        orders.pop().ok_or_else(|| Error::Internal("an order went missing while mapping".into()))
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

/// What decoding a list row needs after `list` has returned.
struct RowContext {
    name: BackendName,
    client: WixClient,
    tags: Arc<TagCache>,
}

/// A search answer's orders as rows: each row's key (`id`, `createdDate`, which Wix sends first) read when the
/// engine first asks, its order (or summary) decoded and its tags' names resolved on first use.
fn lazy_rows(context: Arc<RowContext>, found: Vec<RowText>) -> Vec<ListRow> {
    let keyed = context.name.clone();
    let key = move |row: &RowText, index| {
        let at = RowAt { array: "orders", index };
        let [id, created] = decode::leading_fields(&keyed, row.bytes(), at, ["id", "createdDate"])?;
        let (id, placed_at) = mapping::row_key(&keyed, at, id, created)?;
        Ok((OrderId::new(keyed.clone(), id), placed_at))
    };
    let (owner, name) = (context.clone(), context.name.clone());
    let summary = move |row: &RowText, index| {
        let at = RowAt { array: "orders", index };
        let wire: wire::OrderSummary = rows::decode_picked(&name, row, at, wire::OrderSummary::FIELDS)?;
        mapping::summary(&name, &wire.head())
    };
    rows::lazy_rows_with_summary(
        found,
        key,
        move |row, index| {
            let at = RowAt { array: "orders", index };
            let decoded = rows::decode_row::<wire::Order>(&owner.name, row, &at.to_string());
            let context = owner.clone();
            async move {
                let (order, native) = decoded?;
                let tags = context.tags.names(&context.client, &mapping::tag_ids(&order)).await?;
                mapping::order(&context.name, &order, native, tags)
            }
            .boxed()
        },
        summary,
    )
}

#[async_trait]
impl OrderBackend for WixBackend {
    fn name(&self) -> &BackendName {
        &self.name
    }

    fn kind(&self) -> BackendKind {
        BackendKind::Wix
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
        query::PUSHDOWN
    }

    fn max_page_size(&self) -> usize {
        query::MAX_LIMIT
    }

    async fn list(&self, request: &ListRequest) -> Result<ListPage> {
        let Some(native) = query::native_filter(&request.filter) else {
            return Ok(ListPage::decoded(Vec::new(), None, None));
        };
        let token = match &request.continuation {
            Some(token) => Some(query::decode_token(token, &native)?),
            None => None,
        };
        let body = query::search_body(&native, request.page_size, token.as_ref().map(|t| t.cursor.as_str()));
        let answer = self.client.search(&body).await?;
        let context = Arc::new(RowContext {
            name: self.name.clone(),
            client: self.client.clone(),
            tags: self.tags.clone(),
        });
        let (answer, found) = answer;
        // Search sorts by `createdDate`; the engine orders orders of one instant by id as it reaches them.
        let rows = lazy_rows(context, found);
        let next_cursor = answer.metadata.cursors.next.filter(|c| !c.is_empty());
        let has_next = answer.metadata.has_next.unwrap_or(next_cursor.is_some());
        let next = match next_cursor {
            Some(cursor) if has_next => {
                Some(util::encode_token(&query::Token { cursor, filter: query::fingerprint(&native) }))
            }
            _ => None,
        };
        Ok(ListPage { rows, next, total: None })
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
        for chunk in unique.chunks(query::MAX_LIMIT) {
            let wanted: Vec<&str> = chunk.iter().map(|id| id.as_str()).collect();
            let mut filter = serde_json::Map::new();
            filter.insert("id".into(), json!({ "$in": wanted }));
            let (_, rows) = self.client.search(&query::search_body(&filter, chunk.len(), None)).await?;
            let decoded = rows
                .iter()
                .enumerate()
                .map(|(index, row)| rows::decode_row(&self.name, row, &format!("orders[{index}]")))
                .collect::<Result<Vec<_>>>()?;
            let orders = self.build_orders(decoded).await?;
            // Keep only what was asked for, whatever else a search might return.
            found.extend(orders.into_iter().filter(|o| chunk.contains(&&o.id.native)));
        }
        let missing: Vec<NativeOrderId> =
            unique.into_iter().filter(|id| !found.iter().any(|o| o.id.native == **id)).cloned().collect();
        found.extend(util::fetch_each(&missing, self.concurrency, |id| self.fetch_order(id)).await?);
        Ok(found)
    }

    async fn update_status(&self, id: &NativeOrderId, change: &StatusChange) -> Result<()> {
        if change.status != OrderStatus::Shipped {
            return Err(self.unsupported(&format!("updateOrderStatus to {:?}", change.status)));
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

    // A search page decodes straight from its bytes: each order keeps its text as `native`, a bad order names
    // its path as `orders[i].…`, and a Get answer's order as `order.…`.
    #[test]
    fn pages_decode_from_bytes_and_name_paths() {
        let backend = backend();
        let good = r#"{"id":"a","createdDate":"2024-01-02T03:04:05.006Z","currency":"USD", "number": 7}"#;
        let bad = r#"{"id":"b","createdDate":"2024-01-02T03:04:05.006Z","lineItems":[{"quantity":"x"}]}"#;
        let page =
            format!(r#"{{"orders":[{good},{bad}],"metadata":{{"cursors":{{"next":"c2"}},"hasNext":true}}}}"#);
        let answer: wire::SearchResponse = decode::decode_bytes(&backend.name, page.as_bytes()).unwrap();
        assert_eq!(answer.metadata.cursors.next.as_deref(), Some("c2"));
        let (order, native) = backend.decode_order(&answer.orders[0], "orders[0]").unwrap();
        assert_eq!(native.text(), Some(good));
        let mapped = mapping::order(&backend.name, &order, native, Vec::new()).unwrap();
        assert_eq!(
            (mapped.number.as_deref(), mapped.native["number"].to_string().as_str()),
            (Some("7"), "7")
        );
        match backend.decode_order(&answer.orders[1], "orders[1]").unwrap_err() {
            Error::Malformed { path, .. } => assert_eq!(path, "orders[1].lineItems[0].quantity"),
            other => panic!("{other:?}"),
        }
        let get = format!(r#"{{"order":{bad}}}"#);
        let answer: wire::GetOrderResponse = decode::decode_bytes(&backend.name, get.as_bytes()).unwrap();
        match backend.decode_order(&answer.order, "order").unwrap_err() {
            Error::Malformed { path, .. } => assert_eq!(path, "order.lineItems[0].quantity"),
            other => panic!("{other:?}"),
        }
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
