//! The MerchantPro adapter: MerchantPro API v2 (`https://{store domain}/api/v2/orders…`), a hosted e-commerce
//! platform popular in Romania and Bulgaria. Written from the vendor's Orders page (`merchantpro-orders.txt`)
//! and `backends.md` §5.
//!
//! **Auth**: `Authorization: Basic base64(api_key:api_secret)` on every call (a secret header value).
//!
//! **Reading**: `GET /api/v2/orders?start=…&limit=…&sort=date_created.desc&include=line_items`. With
//! `include=line_items` every list row is a full order (`Known::FULL`). A listing that reads only summaries
//! ([`ListRequest::summaries`](crate::domain::ListRequest)) asks instead for `fields=` the nine fields a summary
//! reads (the documented projection: about 8 KB for 50 orders instead of 217 KB), and its rows decode to
//! summaries (`Known::SUMMARY`). `limit` is at most 100;
//! `meta.count.total` is the exact number of matching orders; `meta.links.next` is `null` on the last page.
//! The continuation token is the next `start` offset (the current `start` plus the rows received), so the same
//! `(filter, page_size, token)` gives the same page while the data does not change (an order placed while a
//! client pages shifts the offsets by one: the API has no cursor and its date filters take whole days, so
//! the newest-first offsets cannot be pinned). `get_many` is one
//! `GET /api/v2/orders?ids=…&include=line_items` per 100 ids (the documented batch filter); ids the store does
//! not know are simply absent. Ids are numbers in every example (the field table says string): an id with other
//! characters than letters, digits, `-`, `_` cannot name an order and is left out without a call.
//!
//! **Quirks of the wire** (see `wire.rs`): ids and codes as numbers or strings; money as JSON floats, read
//! exactly; `""` for unset text (mapped to `None`); `tags` is `null` when empty; `payment_status` is spelled
//! `canceled` in the field table and `cancelled` in the examples (both accepted); `shipping_amount` includes
//! its VAT (`shipping_tax_amount`). The doc's `include=line_items` example is not valid JSON (two trailing
//! commas); the fixture fixes them.
//!
//! **Totals** (VAT-inclusive prices, every row states its VAT): `subtotal` = Σ `line_subtotal_net` of the
//! product rows (= Σ of the unified line totals, which are net: `unit_price_net`, `line_subtotal_net`);
//! `shipping` = `shipping_amount − shipping_tax_amount`; `tax` = Σ `line_tax_amount` of all rows +
//! `shipping_tax_amount`; `total` = `total_amount`; `discount` = `subtotal + shipping + tax − total` (never
//! below zero), which is the net of the non-product rows (discounts, negative) when the order itemises them.
//! So `total = subtotal + shipping + tax − discount`. Rows whose `item_type` is not `product` are not lines.
//!
//! **Status**: two native fields, `payment_status` × `shipping_status`; `native` is `payment/shipping` (e.g.
//! `paid/in_process`), the label joins `payment_status_text` and `shipping_status_text`.
//!
//! | `payment_status` | payment axis |
//! |---|---|
//! | `temporary`, `awaiting` | PENDING |
//! | `paid` | PAID |
//! | `failed`, `rejected` | FAILED |
//! | `canceled`, `cancelled` | VOIDED |
//! | `refunded` | REFUNDED |
//! | anything else | UNKNOWN |
//!
//! | `shipping_status` | fulfilment axis |
//! |---|---|
//! | `awaiting`, `confirmed` | UNFULFILLED; CANCELLED with `payment_status` `canceled`/`cancelled` (the order is CANCELLED) |
//! | `in_process` | UNFULFILLED |
//! | `shipped`, `delivered` | FULFILLED |
//! | `returned` | RETURNED |
//! | `cancelled` | CANCELLED |
//! | anything else | UNKNOWN |
//!
//! Order axis (rows: `shipping_status`; columns: `payment_status`):
//!
//! | shipping ＼ payment | temporary, awaiting, failed, rejected | paid | canceled, cancelled | refunded |
//! |---|---|---|---|---|
//! | `awaiting` | PENDING | CONFIRMED | CANCELLED | REFUNDED |
//! | `confirmed` | CONFIRMED | CONFIRMED | CANCELLED | REFUNDED |
//! | `in_process` | PROCESSING | PROCESSING | PROCESSING | REFUNDED |
//! | `shipped` | SHIPPED | SHIPPED | SHIPPED | REFUNDED |
//! | `delivered` | DELIVERED | DELIVERED | DELIVERED | REFUNDED |
//! | `returned` | RETURNED | RETURNED | RETURNED | RETURNED |
//! | `cancelled` | CANCELLED | CANCELLED | CANCELLED | CANCELLED |
//!
//! An undocumented value on the deciding field gives UNKNOWN.
//!
//! **Filters** (declared in [`OrderBackend::pushdown`] and applied exactly: payment and fulfilment status,
//! the date range, the e-mail): a payment or fulfilment status filter is sent as `payment_status=` /
//! `shipping_status=` when it stands for exactly one native value that alone decides it (the doc shows no
//! comma lists for them), e.g. PAID → `paid`, RETURNED → `returned`; otherwise (PENDING is `temporary` or
//! `awaiting`; VOIDED is `canceled` or `cancelled`; CANCELLED is `cancelled`, or `awaiting`/`confirmed` with a
//! cancelled payment, …) the adapter checks it on the rows. The date range goes out as
//! `created_after`/`created_before` widened by two days (the doc shows dates only and does not say how bounds
//! or time zones work), and the exact bounds are checked on the rows. `customer_email` is the documented
//! equality filter, taken as case-insensitive like e-mail addresses (the doc does not say; the sandbox agrees).
//! Every row is re-checked with `OrderFilter::matches` on these fields, so a vendor that matches more loosely
//! costs nothing. `total` is `meta.count.total` only when the parameters expressed the declared fields
//! exactly. Not declared: the order status (a single one is narrowed by its shipping status, SHIPPED →
//! `shipping_status=shipped`, and the engine filters exactly) and tags (`tag_name` compares case-sensitively,
//! `tag_ids` needs ids, the filter is case-insensitive).
//!
//! **Mutations**: the processing handlers `PATCH /api/v2/orders/{id}/in_process|shipped|delivered|returned`
//! (PROCESSING, SHIPPED, DELIVERED, RETURNED) and `…/cancelled` (cancel), with no body, answered
//! `{"ok":true}`; a 400/409/422 (or `ok: false`) is `INVALID_STATUS_TRANSITION`. For SHIPPED with a tracking
//! number, `PATCH /api/v2/orders/{id} {"shipping_awb": …}` goes first, so that the order carries its AWB when
//! it turns shipped (the store's shipped notification can show it) and a refused or failed handler can simply
//! be retried; the carrier, tracking URL, invoice number and date have no documented field and are not sent.
//! Tags: read the order, add or remove by name (case-insensitive), and `PATCH /api/v2/orders/{id}
//! {"tags":[{"name":…},…]}` with the whole resulting list (the doc does not say whether the list replaces or
//! merges; a removal the answer still shows is reported as an error). The cancel reason has no field either.
//! No refund on cancel, no link (`channel_ref_id` writability is undocumented).

mod client;
mod ids;
mod mapping;
mod request;
mod status;
mod wire;

#[cfg(test)]
mod fixtures;

use async_trait::async_trait;
use futures::future::try_join_all;
use serde::de::IgnoredAny;
use serde_json::json;
use serde_json::value::RawValue;

use crate::backends::decode::decode_raw;
use crate::backends::rows;
use crate::backends::util::{decode_token, encode_token};
use crate::backends::window::{self, Window};
use crate::config::BackendConfig;
use crate::domain::{
    BackendKind, BackendName, Cancellation, Capabilities, FilterPushdown, ListPage, ListRequest,
    NativeOrderId, Order, OrderBackend, OrderStatus, StatusChange,
};
use crate::error::{Error, Result};

use client::{Client, is_wire_id, tags_body};
use request::{MAX_LIMIT, PUSHDOWN};
use wire::{WireTag, WireTags};

/// A MerchantPro store.
#[derive(Debug)]
pub struct MerchantProBackend {
    name: BackendName,
    client: Client,
}

impl MerchantProBackend {
    /// Builds the adapter from its config (`base_url` is the store's root, credentials `api_key` and
    /// `api_secret`).
    pub fn new(name: BackendName, config: &BackendConfig) -> Result<Self> {
        let client = Client::new(&name, config)?;
        Ok(MerchantProBackend { name, client })
    }

    /// The order's current tag names (`GET /api/v2/orders/{id}`).
    async fn current_tags(&self, id: &NativeOrderId) -> Result<Vec<String>> {
        let order: WireTags = self.client.get(id, None).await?;
        Ok(tag_names(order.tags))
    }

    /// Writes the whole tag list when it changed; `removed` must be gone from the answer.
    async fn write_tags(
        &self,
        id: &NativeOrderId,
        current: &[String],
        next: Vec<String>,
        removed: &[String],
    ) -> Result<()> {
        if next == current {
            return Ok(()); // nothing to change: no write
        }
        let answer: Option<Box<RawValue>> =
            self.client.patch(id, tags_body(&next), &["input", "tags"]).await?;
        // The answer is the updated order; anything but an object (or one without `tags`) says nothing.
        let answer = answer.filter(|a| a.get().trim_start().starts_with('{'));
        if let Some(answer) = answer {
            let answer: WireTags = decode_raw(self.client.backend_name(), &answer, "")?;
            let kept: Vec<String> = tag_names(answer.tags);
            let stuck: Vec<&String> = kept.iter().filter(|t| contains_tag(removed, t)).collect();
            if !stuck.is_empty() {
                return Err(Error::Backend {
                    backend: self.name.to_string(),
                    status: 200,
                    native_code: None,
                    message: format!(
                        "MerchantPro kept the tags {stuck:?} after writing the list without them"
                    ),
                });
            }
        }
        Ok(())
    }
}

fn tag_names(tags: Option<Vec<WireTag>>) -> Vec<String> {
    tags.into_iter().flatten().filter_map(|t| t.name).filter(|n| !n.trim().is_empty()).collect()
}

/// Case-insensitive membership (Unicode lower case: tag names are often Romanian or Bulgarian).
fn contains_tag(list: &[String], tag: &str) -> bool {
    let tag = tag.to_lowercase();
    list.iter().any(|t| t.to_lowercase() == tag)
}

/// `current` plus the `added` names it lacks, in order.
fn with_tags(current: &[String], added: &[String]) -> Vec<String> {
    let mut next = current.to_vec();
    for tag in added {
        if !contains_tag(&next, tag) {
            next.push(tag.clone());
        }
    }
    next
}

/// `current` without the `removed` names.
fn without_tags(current: &[String], removed: &[String]) -> Vec<String> {
    current.iter().filter(|t| !contains_tag(removed, t)).cloned().collect()
}

/// The processing handler that moves an order to `status`.
fn handler_for(status: OrderStatus) -> Option<&'static str> {
    match status {
        OrderStatus::Processing => Some("in_process"),
        OrderStatus::Shipped => Some("shipped"),
        OrderStatus::Delivered => Some("delivered"),
        OrderStatus::Returned => Some("returned"),
        _ => None,
    }
}

#[async_trait]
impl OrderBackend for MerchantProBackend {
    fn name(&self) -> &BackendName {
        &self.name
    }

    fn kind(&self) -> BackendKind {
        BackendKind::Merchantpro
    }

    fn id_shape(&self) -> crate::domain::IdShape {
        ids::SHAPE
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            update_status_to: vec![
                OrderStatus::Processing,
                OrderStatus::Shipped,
                OrderStatus::Delivered,
                OrderStatus::Returned,
            ],
            cancel: true,
            refund_on_cancel: false,
            add_tags: true,
            remove_tags: true,
            link: false,
        }
    }

    fn pushdown(&self) -> FilterPushdown {
        PUSHDOWN
    }

    fn max_page_size(&self) -> usize {
        MAX_LIMIT
    }

    async fn list(&self, request: &ListRequest) -> Result<ListPage> {
        let window: Option<Window> = request.continuation.as_deref().map(decode_token).transpose()?;
        let plan = request::plan(&request.filter);
        if plan.nothing {
            return Ok(ListPage::decoded(Vec::new(), None, Some(0)));
        }
        // Summaries have what a re-check of the rows here reads, except the customer.
        let summaries = request.summaries && plan.check.as_ref().is_none_or(|f| f.customer_email.is_none());
        let format = || mapping::Rows { backend: self.name.clone(), summaries };
        // The walk's query from a checked offset (created_before takes whole days, so the window is reached by
        // offset, never by narrowing).
        let limit = window::room(window.as_ref(), request.page_size, MAX_LIMIT);
        let (from, found, (total, has_next)) = window::read_checked(window.as_ref(), limit, |from| {
            let mut params = request::page_params(from, limit, summaries);
            params.extend(plan.params.iter().cloned());
            async move {
                let page = self.client.list("list_orders", &params).await?;
                Ok((rows::list_rows(format(), page.rows), (page.total, page.has_next)))
            }
        })
        .await?;
        let received = found.len();
        let next = match window::after(window.as_ref(), &found, Some(from))? {
            Some(next) if has_next && received > 0 => Some(encode_token(&next)),
            _ => None,
        };
        let found = window::unserved(window.as_ref(), found)?;
        if plan.check.is_none() {
            // Nothing to re-check on the rows: each is decoded only when the engine needs it.
            let total = if window.is_none() { total } else { None };
            return Ok(ListPage { rows: found, next, total });
        }
        let mut kept = Vec::with_capacity(found.len());
        for row in found {
            if plan.keeps(&*row.order().await?) {
                kept.push(row);
            }
        }
        let total = if window.is_none() && plan.exact && kept.len() == received { total } else { None };
        Ok(ListPage { rows: kept, next, total })
    }

    async fn get_many(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        let mut wanted: Vec<&str> =
            ids.iter().map(NativeOrderId::as_str).filter(|id| is_wire_id(id)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let pages =
            try_join_all(wanted.chunks(MAX_LIMIT).map(|chunk| self.client.list_by_ids(chunk))).await?;
        let found: Vec<_> = pages.into_iter().flatten().collect();
        let format = mapping::Rows { backend: self.name.clone(), summaries: false };
        let mut orders = rows::orders(&format, &found).await?;
        // Keep only what was asked (a store that ignored `ids` must not flood the cache), once each.
        orders.retain(|o| wanted.binary_search(&o.id.native.as_str()).is_ok());
        orders.sort_by(|a, b| a.id.cmp(&b.id));
        orders.dedup_by(|a, b| a.id == b.id);
        Ok(orders)
    }

    async fn update_status(&self, id: &NativeOrderId, change: &StatusChange) -> Result<()> {
        let Some(handler) = handler_for(change.status) else {
            return Err(self.unsupported(&format!("updateOrderStatus to {}", change.status)));
        };
        let awb = match change.shipment.as_ref().and_then(|s| s.tracking_number.as_deref()) {
            Some(number) if change.status == OrderStatus::Shipped => {
                let number = number.trim();
                if number.is_empty() {
                    return Err(Error::invalid_input(
                        &["input", "shipment", "trackingNumber"],
                        "the tracking number (AWB) is empty",
                    ));
                }
                Some(number.to_string())
            }
            _ => None,
        };
        if let Some(awb) = awb {
            let _: IgnoredAny = self
                .client
                .patch(id, json!({ "shipping_awb": awb }), &["input", "shipment", "trackingNumber"])
                .await?;
        }
        self.client.process(id, handler).await
    }

    async fn cancel(&self, id: &NativeOrderId, cancellation: &Cancellation) -> Result<()> {
        let _ = cancellation; // no documented field for a reason; no refund (not declared)
        self.client.process(id, "cancelled").await
    }

    async fn add_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        let current = self.current_tags(id).await?;
        let next = with_tags(&current, tags);
        self.write_tags(id, &current, next, &[]).await
    }

    async fn remove_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        let current = self.current_tags(id).await?;
        let next = without_tags(&current, tags);
        self.write_tags(id, &current, next, tags).await
    }
}

/// Fuzzing: a list answer read as a full and as a summary listing reads it ([`super::fuzzing`]).
#[doc(hidden)]
pub fn fuzz_page(bytes: &[u8]) {
    let Some(name) = super::fuzzing::name() else { return };
    for summaries in [false, true] {
        if let Ok(page) = client::raw_page(&name, bytes) {
            super::fuzzing::read_page(mapping::Rows { backend: name.clone(), summaries }, page.rows);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    // Adding keeps the other tags and skips names already there in any case; removing is case-insensitive.
    #[test]
    fn tag_list_changes() {
        let current = names(&["VIP", "Plată ramburs"]);
        assert_eq!(
            with_tags(&current, &names(&["vip", "B2B", "b2b"])),
            names(&["VIP", "Plată ramburs", "B2B"])
        );
        assert_eq!(without_tags(&current, &names(&["PLATĂ RAMBURS", "absent"])), names(&["VIP"]));
        assert_eq!(without_tags(&current, &names(&["VIP", "plată ramburs"])), Vec::<String>::new());
    }

    // List rows are decoded from their text, kept as `native` as sent; a broken row names its place, both for
    // a wire error and for a mapping error, in its key or in the rest of the row.
    #[tokio::test]
    async fn rows_decode_from_their_text() {
        let format = mapping::Rows { backend: BackendName::parse("mp").unwrap(), summaries: false };
        let row = r#"{"id": 7, "currency": "RON", "date_created": "2020-03-26T15:47:08+02:00",
            "total_amount": 10.10, "line_items": [{"product_id": 1, "quantity": "2", "unit_price_net": 5.05,
            "line_subtotal_net": 10.10}]}"#;
        let raw = |json: &str| serde_json::from_str::<Box<RawValue>>(json).unwrap();
        let mapped = rows::orders(&format, &[raw(row)]).await.unwrap();
        assert_eq!(mapped[0].native.text(), Some(row));
        assert_eq!(mapped[0].native["total_amount"].to_string(), "10.10");
        assert_eq!(mapped[0].line_items[0].quantity, 2);
        assert_eq!(mapped[0].totals.total.amount.to_string(), "10.10");

        let broken = [
            (r#"{"id": 8, "total_amount": true}"#, "data[1].total_amount"),
            (
                r#"{"id": 8, "currency": "RON", "total_amount": 1, "date_created": "x"}"#,
                "data[1].date_created",
            ),
            (
                r#"{"id": 8, "line_items": [{"quantity": 1}, {"quantity": 0.5}]}"#,
                "data[1].line_items[1].quantity",
            ),
            ("[]", "data[1]"),
        ];
        for (text, path) in broken {
            match rows::orders(&format, &[raw(row), raw(text)]).await {
                Err(Error::Malformed { path: p, .. }) => assert_eq!(p, path, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        let keys = [
            (r#"{"id": 7, "date_created": "2020-03-26T15:47:08+02:00"}"#, Ok("mp:7")),
            (r#"{"id": " x ", "date_created": "2020-03-26T15:47:08+02:00"}"#, Ok("mp:x")),
            (r#"{"id": "", "date_created": "2020-03-26T15:47:08+02:00"}"#, Err("data[0].id")),
            (r#"{"id": true}"#, Err("data[0].id")),
            (r#"{"id": 7, "date_created": ""}"#, Err("data[0].date_created")),
            (r#"{"id": 7, "date_created": "x"}"#, Err("data[0].date_created")),
        ];
        for (text, expected) in keys {
            let format = mapping::Rows { backend: format.backend.clone(), summaries: false };
            let listed = rows::list_rows(format, vec![raw(text)]);
            match (listed[0].id(), expected) {
                (Ok(id), Ok(want)) => assert_eq!(id.to_string(), want, "{text}"),
                (Err(Error::Malformed { path, .. }), Err(want)) => assert_eq!(path, want, "{text}"),
                (other, _) => panic!("{text}: {other:?}"),
            }
        }
    }

    // Each settable status has its handler; the others have none.
    #[test]
    fn handlers() {
        assert_eq!(handler_for(OrderStatus::Processing), Some("in_process"));
        assert_eq!(handler_for(OrderStatus::Shipped), Some("shipped"));
        assert_eq!(handler_for(OrderStatus::Delivered), Some("delivered"));
        assert_eq!(handler_for(OrderStatus::Returned), Some("returned"));
        assert_eq!(handler_for(OrderStatus::Cancelled), None);
        assert_eq!(handler_for(OrderStatus::Pending), None);
    }
}
