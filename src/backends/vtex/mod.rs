//! VTEX OMS (Orders API) adapter: `https://{account}.vtexcommercestable.com.br/api/oms/pvt/orders…`,
//! authenticated by the `X-VTEX-API-AppKey` / `X-VTEX-API-AppToken` pair.
//!
//! Quirks this adapter handles:
//! - **Money is integer cents** everywhere (`value`, `totals[]`, item prices); the full order's
//!   `storePreferencesData.currencyFormatInfo.CurrencyDecimalDigits` (default 2) scales them. List rows carry
//!   no digits, so a row's `totalValue` is only used for currencies with 2 ISO minor digits. `Discounts` is a
//!   negative total (turned into a positive discount). The invoice notification takes `invoiceValue` as a
//!   *string* of cents.
//! - **The list is capped at 30 pages** of ≤ 100 rows per query: the adapter slides the `f_creationDate`
//!   window to reach every order (see the `request` module); `paging.total` counts only the current window, so a
//!   total is reported only when one window holds the whole listing. List rows (`items: null`) are summary
//!   orders: status, sequence, creation date, currency, `totalValue`, buyer name, payment names and the
//!   marketplace's order id; the rest loads from "get order".
//! - **One status string** folds payment and fulfilment (table below). There is no "shipped" status: an
//!   order ships by its invoice (→ `invoiced`, terminal) and is delivered by a tracking update
//!   (`isDelivered`), after which the API status stays `invoiced` and the package's
//!   `courierStatus.finished` is `true` (with its `deliveredDate`). So an invoiced order reads SHIPPED,
//!   PARTIALLY_DELIVERED (some outbound packages finished) or DELIVERED (all finished). List rows carry no
//!   packages: a row reads its delivery from the index's `isAllDelivered` / `isAnyDelivered` (documented on
//!   VTEX's masked order list, sent by the OMS list too), and an invoiced row without them from the full
//!   order (one `GET` for that row when it is decoded, at most one per invoiced row of a page, within the
//!   backend's `max_concurrency`). `null` is an incomplete order.
//! - **Status filters**: the list's `f_status` documents 7 values; a status filter is sent as `f_status` only
//!   when those values select exactly the matching orders; when only invoiced orders can match (SHIPPED,
//!   DELIVERED, PARTIALLY_DELIVERED, FULFILLED: their delivery decides, and `invoice-after-cancellation-deny`
//!   is no `f_status` value) the list is narrowed to orders with an invoice date (`f_invoicedDate` over all
//!   time); every row is then checked here (the filter stays exact).
//! - Dates carry up to 7 fractional digits; addresses carry ISO alpha-3 countries (mapped to alpha-2);
//!   the list spells `marketPlaceOrderId`, the order `marketplaceOrderId`.
//! - Errors are `{"error":{"code","message","exception"}}`; `OMS003` (409) means the status forbids the
//!   action.
//!
//! Mutations: PROCESSING = `POST …/start-handling` (only from `ready-for-handling`); SHIPPED = `POST
//! …/invoice` (an `Output` invoice of all items, needs `shipment.invoiceNumber`; not for incomplete or
//! cancelled orders); DELIVERED = `PUT …/invoice/{invoiceNumber}/tracking {isDelivered: true}` on each outbound
//! invoice not delivered yet (only for invoiced orders); cancel = `POST …/cancel {reason}` (refused once
//! invoiced or partially invoiced, for incomplete orders and in the transient statuses `order-created`,
//! `start-handling`, `invoice`; VTEX refunds by itself, so `refundAmount` is unsupported). These documented
//! rules are checked before any call ([`OrderBackend::refusal`] on the order the engine read, and again on
//! the order read here); VTEX's own refusals (409 `OMS003`, 400 on cancel) are INVALID_STATUS_TRANSITION too.
//! No tags, no linking.
//!
//! | VTEX `status` | order | payment | fulfillment |
//! |---|---|---|---|
//! | `null` (incomplete order) | PENDING | PENDING | UNFULFILLED |
//! | `order-created`, `order-accepted`, `on-order-completed`, `on-order-completed-ffm` | PENDING | PENDING | UNFULFILLED |
//! | `waiting-for-authorization`, `waiting-for-sellers-confirmation`, `waiting-for-order-authorization` | PENDING | PENDING | UNFULFILLED |
//! | `payment-pending`, `approve-payment`, `window-to-change-payment` | PENDING | PENDING | UNFULFILLED |
//! | `waiting-ffmt-authorization`, `waiting-for-manual-authorization`, `waiting-for-mkt-authorization`, `waiting-for-fulfillment` | PENDING | PENDING | UNFULFILLED |
//! | `payment-approved`, `window-to-change-seller`, `authorize-fulfillment`, `window-to-cancel` | CONFIRMED | PAID | UNFULFILLED |
//! | `ready-for-handling`, `waiting-seller-handling` | CONFIRMED | PAID | UNFULFILLED |
//! | `start-handling`, `handling`, `ready-for-invoicing`, `invoice` (verifying invoice) | PROCESSING | PAID | UNFULFILLED |
//! | `invoiced`, `invoice-after-cancellation-deny`, no outbound package delivered | SHIPPED | PAID | FULFILLED |
//! | the same, some outbound packages delivered | PARTIALLY_DELIVERED | PAID | FULFILLED |
//! | the same, every outbound package delivered | DELIVERED | PAID | FULFILLED |
//! | `request-cancel`, `cancellation-requested`, `waiting-for-seller-decision` | UNKNOWN | UNKNOWN | UNFULFILLED |
//! | `order-create-error`, `order-creation-error` | UNKNOWN | UNKNOWN | UNFULFILLED |
//! | `cancel` (cancelling), `replaced` | CANCELLED | UNKNOWN | CANCELLED |
//! | `canceled` | CANCELLED | VOIDED | CANCELLED |
//! | any other value | UNKNOWN | UNKNOWN | UNKNOWN |
//!
//! `status.native` keeps the value (`"null"` for an incomplete order) and `status.label` the
//! `statusDescription`.

mod client;
mod countries;
mod ids;
mod mapping;
mod mutations;
mod request;
mod status;
mod wire;

#[cfg(test)]
mod fixtures;

use async_trait::async_trait;
use chrono::Utc;
use futures::{StreamExt, TryStreamExt, stream};

use self::client::VtexClient;
use self::request::{Cursor, Seen};
use self::status::StatusPlan;
use crate::backends::rows;
use crate::backends::util::{self, decode_token, encode_token};
use crate::config::BackendConfig;
use crate::domain::{
    self, BackendKind, BackendName, Cancellation, Capabilities, FilterPushdown, ListPage, ListRequest,
    NativeJson, NativeOrderId, Order, OrderBackend, OrderFilter, OrderStatus, Status, StatusChange,
    Transition,
};
use crate::error::{Error, Result};

/// A VTEX OMS backend.
#[derive(Debug)]
pub struct VtexBackend {
    name: BackendName,
    client: VtexClient,
    concurrency: usize,
    currency: Option<String>,
}

impl VtexBackend {
    /// Builds the adapter from its config (`app_key`, `app_token`).
    pub fn new(name: BackendName, config: &BackendConfig) -> Result<Self> {
        let client = VtexClient::new(&name, config)?;
        Ok(VtexBackend {
            name,
            client,
            concurrency: config.max_concurrency.max(1),
            currency: config.currency.clone(),
        })
    }

    async fn full_order(&self, id: &NativeOrderId) -> Result<(wire::VtexOrder, NativeJson)> {
        self.client
            .get(id)
            .await?
            .ok_or_else(|| Error::NotFound { backend: self.name.to_string(), id: id.to_string() })
    }

    async fn get_one(&self, id: NativeOrderId) -> Result<Order> {
        let (order, native) = self.full_order(&id).await?;
        mapping::order_from_full(&self.name, &order, native)
    }

    /// A row's creation instant in Unix nanoseconds (what the paging cursor counts).
    fn nanos(&self, placed_at: &chrono::DateTime<chrono::FixedOffset>) -> Result<i64> {
        request::nanos(placed_at).ok_or_else(|| Error::Malformed {
            backend: self.name.to_string(),
            path: "list[].creationDate".into(),
            message: "out of the supported date range".into(),
        })
    }

    /// A page's rows, each with its key read now (paging records every row served: [`request::advance`]),
    /// without the rows the cursor says were already returned; each row's order is decoded on first use, or
    /// now, for a listing whose filter is checked here on each row.
    async fn paged_rows(
        &self,
        found: Vec<Box<serde_json::value::RawValue>>,
        cursor: &Cursor,
        filter: &OrderFilter,
    ) -> Result<(Vec<domain::ListRow>, Vec<Seen>)> {
        let found = rows::list_rows(self.rows(), found);
        if !filter.is_empty() {
            // Every row is checked here: decode them at once (a row whose delivery only the full order tells
            // reads it, within the client's concurrency), not one after another.
            stream::iter(&found)
                .map(Ok)
                .try_for_each_concurrent(self.concurrency, |row| async move { row.order().await.map(drop) })
                .await?;
        }
        let mut seen = Vec::with_capacity(found.len());
        let mut kept = Vec::with_capacity(found.len());
        for row in found {
            let matches = filter.is_empty() || filter.matches(&*row.order().await?, &LOCAL);
            let (id, placed_at) = row.key()?;
            let id = id.native.as_str();
            let keep = matches && !cursor.skip.iter().any(|skipped| skipped == id);
            seen.push(Seen { id: id.to_string(), nanos: self.nanos(&placed_at)? });
            if keep {
                kept.push(row);
            }
        }
        Ok((kept, seen))
    }

    /// How this backend's list rows read (with the client, for rows whose delivery only the full order tells).
    fn rows(&self) -> mapping::Rows {
        mapping::Rows {
            backend: self.name.clone(),
            currency: self.currency.clone(),
            client: Some(self.client.clone()),
        }
    }

    fn empty_page() -> ListPage {
        ListPage::decoded(Vec::new(), None, Some(0))
    }
}

/// The filter fields applied locally to list rows (after any server-side narrowing), exactly as the engine
/// would: the three status axes and the placed-at range.
const LOCAL: FilterPushdown = FilterPushdown {
    status: false,
    payment_status: false,
    fulfillment_status: false,
    placed_range: false,
    customer_email: true,
    tags: true,
};

#[async_trait]
impl OrderBackend for VtexBackend {
    fn name(&self) -> &BackendName {
        &self.name
    }

    fn kind(&self) -> BackendKind {
        BackendKind::Vtex
    }

    fn id_shape(&self) -> crate::domain::IdShape {
        ids::SHAPE
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            update_status_to: vec![OrderStatus::Processing, OrderStatus::Shipped, OrderStatus::Delivered],
            cancel: true,
            refund_on_cancel: false,
            add_tags: false,
            remove_tags: false,
            link: false,
        }
    }

    fn pushdown(&self) -> FilterPushdown {
        // Status axes and dates: `f_status` / `f_creationDate` narrow, the rows are then checked exactly.
        // Tags: VTEX orders have none, so a tag filter matches nothing.
        FilterPushdown {
            status: true,
            payment_status: true,
            fulfillment_status: true,
            placed_range: true,
            customer_email: false,
            tags: true,
        }
    }

    fn max_page_size(&self) -> usize {
        request::MAX_PER_PAGE
    }

    async fn list(&self, request: &ListRequest) -> Result<ListPage> {
        let filter = &request.filter;
        let cursor = match &request.continuation {
            Some(token) => {
                let cursor: Cursor = decode_token(token)?;
                if !cursor.is_valid() {
                    return Err(Error::BadUserInput("the cursor is not valid for this backend".into()));
                }
                cursor
            }
            None => Cursor::start(request.page_size),
        };
        if !filter.tags.is_empty() {
            return Ok(Self::empty_page());
        }
        if let (Some(after), Some(before)) = (filter.placed_after, filter.placed_before)
            && after > before
        {
            return Ok(Self::empty_page());
        }
        let plan = status::plan(filter);
        if plan == StatusPlan::Nothing {
            return Ok(Self::empty_page());
        }

        let lower_ms = filter.placed_after.as_ref().map(request::floor_ms);
        let filter_upper_ms = filter.placed_before.as_ref().map(request::ceil_ms);
        let upper_ms = request::window_upper(filter_upper_ms, &cursor);
        let email = request::email_query(filter);
        let window = request::creation_date_filter(lower_ms, upper_ms);
        let query = request::list_query(&cursor, &plan, window, email.as_deref());

        let mut response = self.client.list(&query).await?;
        let found = response.list.take().unwrap_or_default();
        let (rows, seen) = self.paged_rows(found, &cursor, filter).await?;
        let window_pages =
            response.paging.as_ref().and_then(|p| p.pages).and_then(|p| u32::try_from(p.0).ok());
        let next = request::advance(&cursor, &seen, window_pages).map_err(|_| Error::Backend {
            backend: self.name.to_string(),
            status: 200,
            native_code: None,
            message: "more orders share one creation millisecond than VTEX's 30-page list can serve".into(),
        })?;

        // `paging.total` counts the window: exact for the listing only in the first window, when that window
        // holds everything (no slide), the server applied the whole filter (no local narrowing), and the
        // date bounds were whole milliseconds.
        let ms_exact = |at: Option<chrono::DateTime<chrono::FixedOffset>>| {
            at.is_none_or(|at| request::floor_ms(&at) == request::ceil_ms(&at))
        };
        let server_exact = matches!(plan, StatusPlan::Any | StatusPlan::Exact(_))
            && email.is_none()
            && ms_exact(filter.placed_after)
            && ms_exact(filter.placed_before);
        let total =
            response.paging.as_ref().and_then(|p| p.total).and_then(|t| u64::try_from(t.0).ok()).filter(
                |t| {
                    cursor.upper_ms.is_none()
                        && server_exact
                        && *t <= u64::from(request::MAX_PAGES) * u64::from(cursor.per_page)
                },
            );
        Ok(ListPage { rows, next: next.as_ref().map(encode_token), total })
    }

    async fn get_many(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        util::fetch_each(ids, self.concurrency, |id| self.get_one(id)).await
    }

    /// Start-handling, the invoice, the delivery and the cancellation have documented preconditions.
    fn checks_transition(&self, transition: Transition) -> bool {
        matches!(
            transition,
            Transition::Cancel
                | Transition::To(OrderStatus::Processing | OrderStatus::Shipped | OrderStatus::Delivered)
        )
    }

    fn refusal(&self, current: &Status, transition: Transition) -> Option<String> {
        status::refusal(current, transition)
    }

    async fn update_status(&self, id: &NativeOrderId, change: &StatusChange) -> Result<()> {
        match change.status {
            OrderStatus::Processing => self.client.start_handling(id).await,
            OrderStatus::Shipped => {
                let shipment = change.shipment.as_ref();
                let invoice_number = mutations::required_invoice_number(shipment)?;
                let (order, _) = self.full_order(id).await?;
                mutations::check_can_invoice(&self.name, &order)?;
                let request =
                    mutations::invoice_request(&self.name, &order, invoice_number, shipment, Utc::now())?;
                self.client.invoice(id, &request).await
            }
            OrderStatus::Delivered => {
                let (order, _) = self.full_order(id).await?;
                for invoice in mutations::delivery_invoices(&self.name, &order)? {
                    self.client.tracking(id, &invoice, &mutations::delivered_request(Utc::now())).await?;
                }
                Ok(())
            }
            other => Err(self.unsupported(&format!("updateOrderStatus to {other}"))),
        }
    }

    async fn cancel(&self, id: &NativeOrderId, cancellation: &Cancellation) -> Result<()> {
        if cancellation.refund_amount.is_some() {
            return Err(self.unsupported("cancelOrder with refundAmount"));
        }
        let (order, _) = self.full_order(id).await?;
        mutations::check_can_cancel(&self.name, &order)?;
        self.client.cancel(id, &wire::CancelRequest { reason: cancellation.reason.clone() }).await
    }
}

/// Fuzzing: a list answer read as [`VtexBackend::list`] reads it ([`super::fuzzing`]).
#[doc(hidden)]
pub fn fuzz_page(bytes: &[u8]) {
    let Some(name) = super::fuzzing::name() else { return };
    if let Ok(response) = super::decode::decode_bytes::<wire::ListResponse>(&name, bytes) {
        let format = mapping::Rows { backend: name, currency: None, client: None };
        super::fuzzing::read_page(format, response.list.unwrap_or_default());
    }
}

#[cfg(test)]
mod tests;
