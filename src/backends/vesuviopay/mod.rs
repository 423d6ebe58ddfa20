//! The VesuvioPay adapter: VesuvioPay's Order Management API (`/api/v1/orders…`, header `X-Api-Key`).
//!
//! VesuvioPay is a checkout and payments platform that also keeps the orders of external shops (Shopify,
//! WooCommerce, …) linked by an external order id. Its quirks, and what the adapter does about them:
//!
//! - **No currency in payloads**: amounts are JSON decimal numbers in major units; the currency is the
//!   backend's configured `currency` (required).
//! - **List without offset or cursor**: `GET /api/v1/orders?limit=&status=&dateFrom=&dateTo=` with `limit`
//!   1–50 and `hasMore`. Pages are reached by narrowing the date window (see the `request` module); rows are
//!   summaries (totals, contact, external id, updatedAt), so orders from the list are partial and the engine
//!   loads the full order (`GET /api/v1/orders/{id}`) when a query asks for items, addresses or methods.
//! - **Get by either id**: the internal UUID or the external order id.
//! - **One status, no payment or fulfilment fields**: both axes are derived from the status (table below).
//!   Values are PascalCase in payloads and lowercase in some SDK examples: compared case-insensitively.
//! - **Documented transition table**, checked before `PUT …/status` (by the engine on the order it read, and
//!   again here on the order read for its internal id), naming what the table allows in unified values; the
//!   backend's own `400 INVALID_STATUS_TRANSITION` maps to the same error. PENDING is a status the call takes
//!   but the table never leads back to: asking for it is INVALID_STATUS_TRANSITION.
//! - **Link is write-once** and needs the internal UUID: an external id is resolved first; already linked to
//!   the same id is success without a call, to another id a `CONFLICT`.
//! - **Errors**: `{"success": false, "message", "errorCode", "errors"?}` with `errors` as strings or
//!   `{field, message}` objects; 429 carries `X-RateLimit-Retry-After` (rate limiting is only planned).
//!
//! ## Status mapping
//!
//! | VesuvioPay `status` | order | payment | fulfillment |
//! |---|---|---|---|
//! | `Pending` | PENDING | PENDING | UNFULFILLED |
//! | `Confirmed` | CONFIRMED | PAID | UNFULFILLED |
//! | `Processing` | PROCESSING | PAID | UNFULFILLED |
//! | `Shipped` | SHIPPED | PAID | FULFILLED |
//! | `PartiallyShipped` | PARTIALLY_SHIPPED | PAID | PARTIALLY_FULFILLED |
//! | `Delivered` | DELIVERED | PAID | FULFILLED |
//! | `PartiallyDelivered` | PARTIALLY_DELIVERED | PAID | FULFILLED (reached only from Shipped) |
//! | `Cancelled` | CANCELLED | VOIDED (a refund on cancel is not recorded on the order) | CANCELLED |
//! | `Refunded` | REFUNDED | REFUNDED | UNKNOWN (refunds are allowed from any status) |
//! | anything else | UNKNOWN | UNKNOWN | UNKNOWN |
//!
//! Valid transitions (documented): Pending → Confirmed; Confirmed → Processing; Processing → Shipped,
//! PartiallyShipped; Shipped → Delivered, PartiallyDelivered; any status → Cancelled, Refunded.
//!
//! ## Mutations
//!
//! | mutation | call |
//! |---|---|
//! | `updateOrderStatus` (PENDING, CONFIRMED, PROCESSING, SHIPPED, PARTIALLY_SHIPPED, DELIVERED, PARTIALLY_DELIVERED, REFUNDED) | `GET` the order, check the table, `PUT /api/v1/orders/{uuid}/status {status, statusChangeReason, metadata{trackingNumber, carrier, trackingUrl, invoiceNumber, shippedAt}}` |
//! | `cancelOrder` | `PUT /api/v1/orders/{id}/cancel {cancellationReason, refundAmount (number or null), notifyCustomer, restockItems}` |
//! | `linkOrder` | `GET` the order (resolves an external id), then `PUT /api/v1/orders/{uuid}/link {externalOrderId, platformName}` |
//! | tags | UNSUPPORTED (VesuvioPay has no tags) |

mod client;
mod ids;
mod mapping;
mod request;
mod status;
mod wire;

#[cfg(test)]
mod fixtures;

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use self::client::Client;
use self::request::{Consumed, Cursor, MAX_LIMIT, Plan};
use self::status::NativeStatus;
use crate::backends::rows;
use crate::backends::util::{decode_token, encode_token, fetch_each};
use crate::config::BackendConfig;
use crate::domain::{
    BackendKind, BackendName, Cancellation, Capabilities, FilterPushdown, Link, ListPage, ListRequest,
    ListRow, NativeOrderId, Order, OrderBackend, OrderFilter, OrderStatus, Status, StatusChange, Transition,
};
use crate::error::{Error, Result};

/// The statuses `updateOrderStatus` can set: every documented status but Cancelled (that is `cancelOrder`'s
/// job). PENDING is one the status call takes, but the transition table never leads back to it: asking for it
/// is INVALID_STATUS_TRANSITION, not UNSUPPORTED.
const UPDATE_STATUS_TO: [OrderStatus; 8] = [
    OrderStatus::Pending,
    OrderStatus::Confirmed,
    OrderStatus::Processing,
    OrderStatus::Shipped,
    OrderStatus::PartiallyShipped,
    OrderStatus::Delivered,
    OrderStatus::PartiallyDelivered,
    OrderStatus::Refunded,
];

/// A VesuvioPay store.
#[derive(Debug)]
pub struct VesuvioPayBackend {
    name: BackendName,
    client: Client,
    currency: String,
    concurrency: usize,
}

impl VesuvioPayBackend {
    /// Builds the adapter from its config: `api_key` is sent as `X-Api-Key`; `currency` is required (the
    /// payloads carry none).
    pub fn new(name: BackendName, config: &BackendConfig) -> Result<Self> {
        let currency = config
            .currency
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                Error::Config(vec![format!(
                    "backends.{name}.currency: required for kind vesuviopay (its payloads carry no currency)"
                )])
            })?
            .to_string();
        let client = Client::new(&name, config)?;
        Ok(VesuvioPayBackend { name, client, currency, concurrency: config.max_concurrency.max(1) })
    }

    /// One full order by internal or external id.
    async fn get_order(&self, id: NativeOrderId) -> Result<Order> {
        let (detail, native) = self.client.get(&id).await?;
        mapping::order_from_detail(&self.name, &self.currency, &detail, native)
    }

    /// One list call: its rows, `hasMore` and `totalCount`. Each row reads its key when paging asks
    /// (`request::KeyedRow`, as the page arrives) and its order on first use; with a filter, every row's order
    /// is decoded now, for `request::consume` to check the filter on it.
    async fn list_call(
        &self,
        query: &[(&str, String)],
        limit: usize,
        filter: &OrderFilter,
    ) -> Result<(Vec<ListRow>, bool, Option<u64>)> {
        let page = self.client.list(query).await?;
        // Without `hasMore`, a full page may have a successor.
        let has_more = page.has_more.unwrap_or(page.orders.len() >= limit);
        let format = mapping::Rows { backend: self.name.clone(), currency: self.currency.clone() };
        let rows = rows::list_rows(format, page.orders);
        if !filter.is_empty() {
            for row in &rows {
                row.order().await?;
            }
        }
        Ok((rows, has_more, page.total_count))
    }
}

#[async_trait]
impl OrderBackend for VesuvioPayBackend {
    fn name(&self) -> &BackendName {
        &self.name
    }

    fn kind(&self) -> BackendKind {
        BackendKind::Vesuviopay
    }

    fn id_shape(&self) -> crate::domain::IdShape {
        ids::SHAPE
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            update_status_to: UPDATE_STATUS_TO.to_vec(),
            cancel: true,
            refund_on_cancel: true,
            add_tags: false,
            remove_tags: false,
            link: true,
        }
    }

    /// Everything is applied here, exactly: one status as `status=` (several, or payment/fulfilment statuses,
    /// by the status they derive from, on the rows), the date range as `dateFrom`/`dateTo` trimmed to
    /// inclusive bounds, the e-mail on the rows' `customerEmail`, and tags (VesuvioPay has none: no match).
    fn pushdown(&self) -> FilterPushdown {
        FilterPushdown {
            status: true,
            payment_status: true,
            fulfillment_status: true,
            placed_range: true,
            customer_email: true,
            tags: true,
        }
    }

    fn max_page_size(&self) -> usize {
        MAX_LIMIT
    }

    async fn list(&self, request: &ListRequest) -> Result<ListPage> {
        let cursor: Option<Cursor> = request.continuation.as_deref().map(decode_token).transpose()?;
        let first = cursor.is_none();
        let empty = ListPage::decoded(Vec::new(), None, first.then_some(0));
        let Plan::Query { status, exact } = request::plan(&request.filter) else {
            return Ok(empty);
        };
        let Some(window) = request::window(&request.filter, cursor.as_ref()) else {
            return Ok(empty);
        };
        let page_size = request.page_size.clamp(1, MAX_LIMIT);
        let mut limit = page_size;
        loop {
            let query = request::query(limit, status.as_ref(), &window);
            let (rows, has_more, total_count) = self.list_call(&query, limit, &request.filter).await?;
            let rows = rows.into_iter().map(request::KeyedRow::new).collect::<Result<Vec<_>>>()?;
            let consumed =
                request::consume(rows, has_more, &request.filter, &window, cursor.as_ref(), page_size);
            match consumed {
                Some(Consumed { orders, next }) => {
                    let total = match (first, exact, total_count, &next) {
                        (false, ..) => None,
                        (true, true, Some(count), _) => Some(count),
                        (true, _, _, None) => Some(orders.len() as u64),
                        _ => None,
                    };
                    let rows = orders.into_iter().map(|keyed| keyed.row).collect();
                    return Ok(ListPage { rows, next: next.as_ref().map(encode_token), total });
                }
                // Every row was already returned: widen the page once to get past orders sharing an instant.
                None if limit < MAX_LIMIT => limit = MAX_LIMIT,
                None => {
                    return Err(Error::Backend {
                        backend: self.name.to_string(),
                        status: 200,
                        native_code: None,
                        message: format!(
                            "more than {MAX_LIMIT} orders share one placedAt instant; VesuvioPay's list has no \
                             offset to page past them"
                        ),
                    });
                }
            }
        }
    }

    async fn get_many(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        fetch_each(ids, self.concurrency, |id| self.get_order(id)).await
    }

    /// The documented transition table decides every status change (cancelling is allowed from any status).
    fn checks_transition(&self, transition: Transition) -> bool {
        matches!(transition, Transition::To(_))
    }

    fn refusal(&self, current: &Status, transition: Transition) -> Option<String> {
        let Transition::To(target) = transition else { return None };
        status::refusal(&NativeStatus::parse(&current.native), &NativeStatus::from_unified(target)?)
    }

    async fn update_status(&self, id: &NativeOrderId, change: &StatusChange) -> Result<()> {
        let target = NativeStatus::from_unified(change.status)
            .filter(|_| UPDATE_STATUS_TO.contains(&change.status))
            .ok_or_else(|| self.unsupported(&format!("updateOrderStatus to {}", change.status)))?;
        // The order is read for its internal id (the status call needs it); its status is checked again here,
        // so a change made since the engine's check is refused without a call too.
        let (current, _) = self.client.get(id).await?;
        let from = NativeStatus::parse(&current.status);
        if let Some(why) = status::refusal(&from, &target) {
            return Err(Error::InvalidStatusTransition {
                backend: self.name.to_string(),
                message: format!(
                    "order {}:{id} is {} (vesuviopay status {:?}) and cannot be set to {}: {why}",
                    self.name,
                    from.axes().0,
                    current.status,
                    change.status
                ),
            });
        }
        let uuid = NativeOrderId::parse(&current.id).unwrap_or_else(|_| id.clone());
        self.client.put("updateOrderStatus", &uuid, "status", status_body(&target, change)).await
    }

    async fn cancel(&self, id: &NativeOrderId, cancellation: &Cancellation) -> Result<()> {
        self.client.put("cancelOrder", id, "cancel", cancel_body(cancellation)?).await
    }

    async fn link(&self, id: &NativeOrderId, link: &Link) -> Result<()> {
        let (current, _) = self.client.get(id).await?;
        let linked = current.external_order_id.as_deref().filter(|e| !e.trim().is_empty());
        match linked {
            Some(existing) if existing == link.external_order_id => Ok(()),
            Some(existing) => Err(Error::Conflict {
                backend: self.name.to_string(),
                message: format!(
                    "order {} is already linked to external order {existing:?}; VesuvioPay links are write-once",
                    current.order_number.as_deref().unwrap_or(&current.id)
                ),
            }),
            None => {
                let mut body = Map::new();
                body.insert("externalOrderId".into(), json!(link.external_order_id));
                if let Some(platform) = link.platform.as_deref().filter(|p| !p.trim().is_empty()) {
                    body.insert("platformName".into(), json!(platform));
                }
                let uuid = NativeOrderId::parse(&current.id).unwrap_or_else(|_| id.clone());
                self.client.put("linkOrder", &uuid, "link", Value::Object(body)).await
            }
        }
    }
}

/// `{status, statusChangeReason?, metadata?}`; the shipment's fields go in `metadata` under the documented
/// `trackingNumber` and `carrier`, plus `trackingUrl`, `invoiceNumber` and `shippedAt` when given.
fn status_body(target: &NativeStatus, change: &StatusChange) -> Value {
    let mut body = Map::new();
    body.insert("status".into(), json!(target.as_str()));
    if let Some(reason) = change.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        body.insert("statusChangeReason".into(), json!(reason));
    }
    if let Some(shipment) = &change.shipment {
        let mut metadata = Map::new();
        let fields = [
            ("trackingNumber", shipment.tracking_number.clone()),
            ("carrier", shipment.carrier.clone()),
            ("trackingUrl", shipment.tracking_url.clone()),
            ("invoiceNumber", shipment.invoice_number.clone()),
            ("shippedAt", shipment.shipped_at.map(|t| t.to_rfc3339())),
        ];
        for (key, value) in fields {
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                metadata.insert(key.into(), json!(value));
            }
        }
        if !metadata.is_empty() {
            body.insert("metadata".into(), Value::Object(metadata));
        }
    }
    Value::Object(body)
}

/// `{cancellationReason, refundAmount, notifyCustomer, restockItems}`; `refundAmount` is an exact JSON
/// number, or `null` for no refund.
fn cancel_body(cancellation: &Cancellation) -> Result<Value> {
    let refund = match cancellation.refund_amount {
        None => Value::Null,
        Some(amount) => {
            let number: serde_json::Number = amount.normalize().to_string().parse().map_err(|_| {
                Error::invalid_input(&["input", "refundAmount"], "not a number VesuvioPay accepts")
            })?;
            Value::Number(number)
        }
    };
    Ok(json!({
        "cancellationReason": cancellation.reason,
        "refundAmount": refund,
        "notifyCustomer": cancellation.notify_customer,
        "restockItems": cancellation.restock,
    }))
}

/// Fuzzing: a list answer read as the list call reads it ([`super::fuzzing`]).
#[doc(hidden)]
pub fn fuzz_page(bytes: &[u8]) {
    let Some(name) = super::fuzzing::name() else { return };
    if let Ok(page) = client::decode_list(&name, bytes) {
        super::fuzzing::read_page(mapping::Rows { backend: name, currency: "EUR".into() }, page.orders);
    }
}

#[cfg(test)]
mod tests;
