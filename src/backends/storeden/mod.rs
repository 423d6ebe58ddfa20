//! Storeden Connect API v1.1 (`https://connect.storeden.com/v1.1`): an Italian e-commerce platform whose order
//! API is a PHP service over MongoDB.
//!
//! **Calls.** `GET /orders/list.json` (`limit`/`skip` over a bare JSON array, no total), `GET
//! /orders/order.json?orderID=`, `GET /orders/tracking.json?orderID=`, `PUT /orders/order.json` (status),
//! `POST`/`DELETE /orders/tags.json`. Credentials `key` and `exchange` go in headers of the same names; every
//! write is `application/x-www-form-urlencoded`.
//!
//! **Quirks.** Amounts are JSON floats in major units with no currency (the backend's configured `currency`
//! is used). Lists date orders `"2015-12-17T18:19:54+0100"` (no colon in the offset); `order.json` sends
//! `orderDate` as Mongo's `{"sec", "usec"}` and `iso.orderDate` as a string: both shapes are read in both
//! places, the instant comes from `orderDate` to the second (what lists carry; `usec` stays in `native`) and
//! the offset from `iso.orderDate`. `order.json` carries neither the number (`short_id`) nor the tags: a
//! lookup reads them from the list's `nodes` for the same ids, so an order reads the same in a list and in a
//! lookup. Cart items are a map keyed
//! `<productUID>#|#<optionKey>` (line id = the key, product id = the part before `#|#`, variant id = the part
//! after, variant = `options`). Country and state are Storeden's numeric ids as strings: the raw id stays in
//! `country` / `region` and only ids the docs establish get an ISO code (`"119"` → `IT`). The payment
//! surcharge `cart.paymentAmount` is counted in `shipping` so that subtotal + shipping + tax − discount =
//! total (see the `mapping` module). The error body is undocumented; it is read as `{"ok":0,"err":"…"}`.
//!
//! **Status mapping** (`GET /orders/statuses.json`; `native` = the code, `label` = the documented label):
//!
//! | code | label | order | payment | fulfillment | `updateOrderStatus` target |
//! |---|---|---|---|---|---|
//! | 0 | Pending Payment | PENDING | PENDING | UNFULFILLED | PENDING |
//! | 1 | Order Paid | CONFIRMED | PAID | UNFULFILLED | CONFIRMED |
//! | 2 | Preparation | PROCESSING | PAID | UNFULFILLED | PROCESSING |
//! | 3 | Sent | SHIPPED | PAID | FULFILLED | SHIPPED (with courier, tracking, pickup date) |
//! | 4 | Delivered | DELIVERED | PAID | FULFILLED | DELIVERED |
//! | 5 | Closed | CLOSED | PAID | FULFILLED | CLOSED |
//! | 6 | Archived/Deleted | CLOSED | UNKNOWN | UNKNOWN | — |
//! | 7 | Aborted | CANCELLED | UNKNOWN | CANCELLED | `cancelOrder` |
//! | 8 | AfterSale | RETURNED | PAID | RETURNED | RETURNED |
//! | other | — | UNKNOWN | UNKNOWN | UNKNOWN | — |
//!
//! Payment is PAID from code 1 on because the documented flow puts "Order Paid" before preparation; after an
//! abort or archiving nothing is known about the money (refunds are not documented). AfterSale (returns,
//! exchanges, claims after delivery) has no exact unified equivalent: RETURNED is the closest (goods coming
//! back: fulfilment RETURNED too), and it is the status `updateOrderStatus` sends as 8.
//!
//! **Listing.** Newest first as Storeden returns them; `limit` ≤ 100 (no documented maximum); the token is the
//! `skip` offset of the next row; a short page is the last; `total` is unknown. Every filter field is applied by
//! the adapter (see the `request` module): a status that is exactly one code and a widened `from`/`to` window
//! narrow the call, the rest is checked on the rows (which carry the billing e-mail and tags through `nodes`).
//!
//! **Mutations.** `updateOrderStatus` to codes 0–5 and 8 (`PUT /orders/order.json` with `orderID`, `status`;
//! for SHIPPED also `courier`, `tracking`, `tracking_url`, and `pickup_date` = the shipment's date or today,
//! which Storeden requires with courier and tracking); `cancelOrder` is status 7 (no refund); tags through
//! `POST`/`DELETE /orders/tags.json` (`tags` comma-separated). Linking is not possible.

mod client;
mod ids;
mod mapping;
mod request;
mod status;
mod wire;

#[cfg(test)]
mod fixtures;

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::Utc;

use self::client::Client;
use self::mapping::Context;
use self::request::Plan;
use crate::backends::rows;
use crate::backends::util;
use crate::backends::window::{self, Window};
use crate::config::BackendConfig;
use crate::domain::{
    BackendKind, BackendName, Cancellation, Capabilities, FilterPushdown, ListPage, ListRequest, ListRow,
    NativeOrderId, Order, OrderBackend, OrderId, OrderStatus, StatusChange,
};
use crate::error::{Error, Result};

/// A Storeden store.
#[derive(Debug)]
pub struct StoredenBackend {
    name: BackendName,
    client: Client,
    currency: String,
    concurrency: usize,
}

impl StoredenBackend {
    /// Builds the adapter from its config; `currency` is required (Storeden payloads carry none).
    pub fn new(name: BackendName, config: &BackendConfig) -> Result<Self> {
        let currency = config.currency.clone().ok_or_else(|| {
            Error::Config(vec![format!("backends.{name}.currency: missing (storeden sends no currency)")])
        })?;
        let client = Client::new(&name, config)?;
        Ok(StoredenBackend { name, client, currency, concurrency: config.max_concurrency.max(1) })
    }

    fn context(&self) -> Context<'_> {
        Context { backend: &self.name, currency: &self.currency }
    }

    /// One full order with tracking, or `None` when Storeden does not know it. Tags are filled by the caller
    /// when `order.json` did not carry them.
    async fn get_one(&self, id: NativeOrderId) -> Result<Order> {
        let Some((wire, native)) = self.client.order(&id).await? else {
            return Err(Error::NotFound { backend: self.name.to_string(), id: id.to_string() });
        };
        let mut order = mapping::full_order(self.context(), &wire, native)?;
        // Codes 0–2 precede shipping; any later or undocumented code may have a shipment.
        let may_have_shipped = wire.status.is_none_or(|code| !(0..=2).contains(&code.0));
        let tracking = if may_have_shipped { self.client.tracking(&id).await? } else { None };
        if let Some(info) = tracking {
            mapping::apply_tracking(&mut order, &info);
        }
        Ok(order)
    }

    /// What the list's `nodes` say of `ids` (one list call per 100 ids, by `orderID[]`): the `short_id` (the
    /// order's number) and the tags, which `order.json` does not carry. Asked for alongside the orders, so a
    /// lookup costs two round trips (order, then tracking) rather than three; ids Storeden does not know are
    /// simply not in the answer.
    async fn nodes_of(&self, ids: &[NativeOrderId]) -> Result<HashMap<OrderId, Nodes>> {
        let mut unique: Vec<String> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.iter().any(|u| u.as_str() == id.as_str()) {
                unique.push(id.to_string());
            }
        }
        let mut nodes = HashMap::new();
        for chunk in unique.chunks(request::MAX_LIMIT) {
            let mut query = vec![
                ("limit", chunk.len().to_string()),
                ("skip", "0".to_string()),
                ("nodes", request::NODES.to_string()),
            ];
            query.extend(chunk.iter().map(|id| ("orderID[]", id.clone())));
            let found = self.client.list(&query).await?;
            for summary in rows::orders(&self.rows(), &found).await? {
                let tags = summary.known.tags.then_some(summary.tags);
                nodes.insert(summary.id, Nodes { number: summary.number, tags });
            }
        }
        Ok(nodes)
    }

    /// How this backend's `list.json` rows read.
    fn rows(&self) -> mapping::Rows {
        mapping::Rows { backend: self.name.clone(), currency: self.currency.clone() }
    }

    /// Full orders with the number and tags their list rows carry: an order reads the same whether a list or
    /// a lookup read it.
    async fn full_orders(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        let (orders, nodes) = futures::join!(
            util::fetch_each(ids, self.concurrency, |id| self.get_one(id)),
            self.nodes_of(ids)
        );
        let mut orders = orders?;
        if orders.iter().any(|o| !o.known.tags || o.number.is_none()) {
            // Only needed when some `order.json` lacked them; otherwise a failed list call does not matter.
            let mut nodes = nodes?;
            for order in orders.iter_mut() {
                let Some(found) = nodes.remove(&order.id) else { continue };
                if order.number.is_none() {
                    order.number = found.number;
                }
                if let (false, Some(tags)) = (order.known.tags, found.tags) {
                    order.tags = tags;
                    order.known.tags = true;
                }
            }
        }
        Ok(orders)
    }
}

/// What a list row's `nodes` add to a full order.
struct Nodes {
    /// `short_id`.
    number: Option<String>,
    /// `tags`, when the row honoured `nodes`.
    tags: Option<Vec<String>>,
}

#[async_trait]
impl OrderBackend for StoredenBackend {
    fn name(&self) -> &BackendName {
        &self.name
    }

    fn kind(&self) -> BackendKind {
        BackendKind::Storeden
    }

    fn id_shape(&self) -> crate::domain::IdShape {
        ids::SHAPE
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            update_status_to: status::UPDATE_TARGETS.to_vec(),
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
        let plan = Plan::for_filter(&request.filter);
        if plan == Plan::Nothing {
            return Ok(ListPage::decoded(Vec::new(), None, Some(0)));
        }
        let limit = window::room(window.as_ref(), request.page_size, request::MAX_LIMIT);
        // The walk's query from a checked offset (the list has no documented order among orders of one second).
        let (from, found, ()) = window::read_checked(window.as_ref(), limit, |skip| {
            let query = plan.query(limit, skip);
            async move { Ok((rows::list_rows(self.rows(), self.client.list(&query).await?), ())) }
        })
        .await?;
        // A page shorter than asked is the last (Storeden sends no total).
        let next = match window::after(window.as_ref(), &found, Some(from))? {
            Some(next) if found.len() >= limit => Some(util::encode_token(&next)),
            _ => None,
        };
        let found = window::unserved(window.as_ref(), found)?;
        let filter = &request.filter;
        if filter.is_empty() {
            // Nothing to check on the rows: each is decoded only when the engine needs it.
            // Storeden lists newest first; the engine orders orders of one instant by id as it reaches them.
            return Ok(ListPage { rows: found, next, total: None });
        }
        let mut kept = Vec::with_capacity(found.len());
        let mut need_full = Vec::new();
        for row in found {
            let order = row.order().await?;
            // Cheap checks first; a row that lacks what the e-mail or tag filter reads is decided on the
            // full order.
            if !request::status_matches(filter, &order.status) || !request::in_range(filter, order.placed_at)
            {
                continue;
            }
            let lacks_email = filter.customer_email.is_some() && mapping::row_email(&order).is_none();
            let lacks_tags = !filter.tags.is_empty() && !order.known.tags;
            if lacks_email || lacks_tags {
                need_full.push(order.id.native.clone());
            } else if filter.matches(&order, &request::NOTHING_APPLIED) {
                kept.push(row);
            }
        }
        if !need_full.is_empty() {
            for order in self.full_orders(&need_full).await? {
                if filter.matches(&order, &request::NOTHING_APPLIED) {
                    kept.push(ListRow::ready(order));
                }
            }
        }
        kept.sort_by(|a, b| a.sort_key().ok().cmp(&b.sort_key().ok()));
        Ok(ListPage { rows: kept, next, total: None })
    }

    async fn get_many(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        self.full_orders(ids).await
    }

    async fn update_status(&self, id: &NativeOrderId, change: &StatusChange) -> Result<()> {
        let code = status::code_for(change.status)
            .ok_or_else(|| self.unsupported(&format!("updateOrderStatus to {}", change.status)))?;
        let mut form =
            vec![("orderID".to_string(), id.to_string()), ("status".to_string(), code.to_string())];
        if let Some(shipment) = &change.shipment {
            if change.status != OrderStatus::Shipped {
                return Err(Error::invalid_input(
                    &["input", "shipment"],
                    "Storeden takes shipment details only with status SHIPPED",
                ));
            }
            if shipment.invoice_number.is_some() {
                return Err(Error::invalid_input(
                    &["input", "shipment", "invoiceNumber"],
                    "Storeden has no invoice number on shipments",
                ));
            }
            form.extend(shipment_fields(shipment, Utc::now().date_naive()));
        }
        self.client.update_status(id, form).await
    }

    async fn cancel(&self, id: &NativeOrderId, cancellation: &Cancellation) -> Result<()> {
        if cancellation.refund_amount.is_some() {
            return Err(self.unsupported("cancelOrder with refundAmount"));
        }
        // Storeden keeps no reason and has no notify or restock switch: aborting is a status change.
        let form = vec![
            ("orderID".to_string(), id.to_string()),
            ("status".to_string(), status::ABORTED.to_string()),
        ];
        self.client.update_status(id, form).await
    }

    async fn add_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        self.client.change_tags(id, &checked_tags(tags)?, true).await
    }

    async fn remove_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        self.client.change_tags(id, &checked_tags(tags)?, false).await
    }
}

/// The SHIPPED form fields: `courier`, `tracking`, `tracking_url`, and `pickup_date` (yyyy-mm-dd) from
/// `shippedAt` (in its own offset) or else `today` — Storeden requires it when courier and tracking are set,
/// and it is sent whenever a date is known.
fn shipment_fields(shipment: &crate::domain::Shipment, today: chrono::NaiveDate) -> Vec<(String, String)> {
    fn present(value: &Option<String>) -> Option<&str> {
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    let mut form = Vec::new();
    let courier = present(&shipment.carrier);
    let tracking = present(&shipment.tracking_number);
    if let Some(courier) = courier {
        form.push(("courier".to_string(), courier.to_string()));
    }
    if let Some(tracking) = tracking {
        form.push(("tracking".to_string(), tracking.to_string()));
    }
    if let Some(url) = present(&shipment.tracking_url) {
        form.push(("tracking_url".to_string(), url.to_string()));
    }
    let pickup = match shipment.shipped_at {
        Some(at) => Some(at.date_naive()),
        None => (courier.is_some() && tracking.is_some()).then_some(today),
    };
    if let Some(date) = pickup {
        form.push(("pickup_date".to_string(), date.format("%Y-%m-%d").to_string()));
    }
    form
}

/// Tags as Storeden takes them (one comma-separated string): trimmed, none empty, none with a comma.
fn checked_tags(tags: &[String]) -> Result<Vec<String>> {
    if tags.is_empty() {
        return Err(Error::invalid_input(&["input", "tags"], "at least one tag is required"));
    }
    tags.iter()
        .enumerate()
        .map(|(index, tag)| {
            let tag = tag.trim();
            let field = ["input".to_string(), "tags".to_string(), index.to_string()];
            if tag.is_empty() || tag.contains(',') {
                Err(Error::InvalidInput {
                    field: field.to_vec(),
                    message: "a Storeden tag must be non-empty and must not contain a comma".into(),
                })
            } else {
                Ok(tag.to_string())
            }
        })
        .collect()
}

/// Fuzzing: a list answer read as the list call reads it ([`super::fuzzing`]).
#[doc(hidden)]
pub fn fuzz_page(bytes: &[u8]) {
    let Some(name) = super::fuzzing::name() else { return };
    if let Ok(rows) = client::decode_list(&name, bytes) {
        super::fuzzing::read_page(mapping::Rows { backend: name, currency: "EUR".into() }, rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Shipment;
    use chrono::{DateTime, NaiveDate};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()
    }

    // Courier and tracking without a date get today's pickup date (Storeden requires one); a shipment date
    // wins and is taken in its own offset.
    #[test]
    fn shipment_form_fields() {
        let shipment = Shipment {
            carrier: Some("BRT".into()),
            tracking_number: Some(" 1234567876543 ".into()),
            tracking_url: Some("https://tracking.qapla.it/x".into()),
            ..Shipment::default()
        };
        let fields = shipment_fields(&shipment, today());
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            vec![
                ("courier", "BRT"),
                ("tracking", "1234567876543"),
                ("tracking_url", "https://tracking.qapla.it/x"),
                ("pickup_date", "2026-01-02")
            ]
        );
        let dated = Shipment {
            shipped_at: Some(DateTime::parse_from_rfc3339("2016-01-18T23:30:00-05:00").unwrap()),
            ..shipment.clone()
        };
        assert!(shipment_fields(&dated, today()).contains(&("pickup_date".into(), "2016-01-18".into())));
        let bare = Shipment { tracking_number: Some("1".into()), ..Shipment::default() };
        assert_eq!(shipment_fields(&bare, today()), vec![("tracking".to_string(), "1".to_string())]);
    }

    // Tags are trimmed; an empty list, an empty tag or a comma is refused naming the field.
    #[test]
    fn tag_validation() {
        assert_eq!(checked_tags(&[" a ".into(), "b".into()]).unwrap(), vec!["a", "b"]);
        assert!(matches!(checked_tags(&[]), Err(Error::InvalidInput { .. })));
        match checked_tags(&["ok".into(), "a,b".into()]) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, vec!["input", "tags", "1"]),
            other => panic!("unexpected {other:?}"),
        }
    }
}
