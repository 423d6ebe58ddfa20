//! The `OrderBackend` trait: what every adapter offers the engine, whatever its vendor's paging and verbs.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::filter::{FilterPushdown, OrderFilter};
use super::ids::{BackendName, IdShape, NativeOrderId};
use super::order::Order;
use super::row::ListRow;
use super::status::{OrderStatus, Status};
use crate::error::{Error, Result};

/// The vendor API a backend speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// VTEX OMS.
    Vtex,
    /// Wix eCommerce Orders v1.
    Wix,
    /// Storeden Connect v1.1.
    Storeden,
    /// VesuvioPay Order Management.
    Vesuviopay,
    /// MerchantPro API v2.
    Merchantpro,
}

impl BackendKind {
    /// Every kind.
    pub const ALL: [BackendKind; 5] = [
        BackendKind::Vtex,
        BackendKind::Wix,
        BackendKind::Storeden,
        BackendKind::Vesuviopay,
        BackendKind::Merchantpro,
    ];

    /// The config spelling: `vtex`, `wix`, `storeden`, `vesuviopay`, `merchantpro`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Vtex => "vtex",
            BackendKind::Wix => "wix",
            BackendKind::Storeden => "storeden",
            BackendKind::Vesuviopay => "vesuviopay",
            BackendKind::Merchantpro => "merchantpro",
        }
    }

    /// Parses the config spelling.
    pub fn parse(kind: &str) -> Option<Self> {
        BackendKind::ALL.into_iter().find(|k| k.as_str() == kind)
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a backend can do natively. Mutations outside this answer `UNSUPPORTED` without a call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Statuses `updateOrderStatus` can move an order to.
    pub update_status_to: Vec<OrderStatus>,
    /// `cancelOrder` works.
    pub cancel: bool,
    /// `cancelOrder` can refund (`refundAmount`).
    pub refund_on_cancel: bool,
    /// `addOrderTags` works.
    pub add_tags: bool,
    /// `removeOrderTags` works.
    pub remove_tags: bool,
    /// `linkOrder` works.
    pub link: bool,
}

/// One page request to a backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRequest {
    /// The filter; the backend pushes down what it declared in [`OrderBackend::pushdown`].
    pub filter: OrderFilter,
    /// How many orders to ask for (clamped by the adapter to its vendor's maximum).
    pub page_size: usize,
    /// Where to continue: a token from a previous [`ListPage::next`], or `None` for the newest orders.
    pub continuation: Option<String>,
    /// The caller reads no more of these rows than their summaries
    /// ([`Known::SUMMARY`](super::Known::SUMMARY)) and applies no filter of its own to them: a backend whose API
    /// can send less than whole orders may ask for only those fields (MerchantPro `fields=`), and its rows then
    /// decode to summaries, never to orders that claim to be full.
    pub summaries: bool,
}

/// One page of a backend's orders, newest first (orders placed at one instant in any order: the engine orders
/// them by id).
#[derive(Debug)]
pub struct ListPage {
    /// The orders, newest first, each decoded (and its key read, for [`ListRow::in_page`] rows) on first use.
    pub rows: Vec<ListRow>,
    /// Token for the next page; `None` when there is none.
    pub next: Option<String>,
    /// How many orders match in all, when the backend says.
    pub total: Option<u64>,
}

/// A [`ListPage`] with every row decoded.
#[derive(Clone, Debug)]
pub struct DecodedPage {
    /// The orders, newest first.
    pub orders: Vec<Order>,
    /// Token for the next page; `None` when there is none.
    pub next: Option<String>,
    /// How many orders match in all, when the backend says.
    pub total: Option<u64>,
}

impl ListPage {
    /// A page of orders already decoded.
    pub fn decoded(orders: Vec<Order>, next: Option<String>, total: Option<u64>) -> Self {
        ListPage { rows: orders.into_iter().map(ListRow::ready).collect(), next, total }
    }

    /// The page with every row decoded into owned orders (for tools and tests; the first row that fails to
    /// decode fails the call).
    pub async fn decode_all(self) -> crate::error::Result<DecodedPage> {
        let orders = self.orders().await?.into_iter().map(std::sync::Arc::unwrap_or_clone).collect();
        Ok(DecodedPage { orders, next: self.next, total: self.total })
    }

    /// Every row's order, decoded (the first row that fails to decode fails the call).
    pub async fn orders(&self) -> crate::error::Result<Vec<std::sync::Arc<Order>>> {
        let mut orders = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            orders.push(row.order().await?);
        }
        Ok(orders)
    }
}

/// Shipment details of a status change to SHIPPED.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Shipment {
    /// Carrier name or code.
    pub carrier: Option<String>,
    /// Tracking number.
    pub tracking_number: Option<String>,
    /// Tracking page.
    pub tracking_url: Option<String>,
    /// Invoice number (VTEX needs one to ship).
    pub invoice_number: Option<String>,
    /// When the goods left.
    pub shipped_at: Option<DateTime<FixedOffset>>,
}

/// `updateOrderStatus` input, validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// Target status.
    pub status: OrderStatus,
    /// Why (kept by backends that record a reason).
    pub reason: Option<String>,
    /// Shipment details, for SHIPPED.
    pub shipment: Option<Shipment>,
}

/// A change of an order's status whose documented rules may depend on where the order stands now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// `updateOrderStatus` to this status.
    To(OrderStatus),
    /// `cancelOrder`.
    Cancel,
}

/// `cancelOrder` input, validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cancellation {
    /// Why the order is cancelled (non-empty).
    pub reason: String,
    /// Amount to refund, where the backend refunds on cancel.
    pub refund_amount: Option<Decimal>,
    /// Tell the customer.
    pub notify_customer: bool,
    /// Put the items back in stock.
    pub restock: bool,
}

/// `linkOrder` input, validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The order's id on the external platform.
    pub external_order_id: String,
    /// The external platform's name.
    pub platform: Option<String>,
}

/// One order backend: a vendor API reached over HTTP. Implementations live in `crate::backends::<kind>`.
///
/// Lists are newest first and resumable by an opaque continuation token the adapter defines. A token must stay
/// right whatever changes between two pages (orders created, deleted, leaving the filter): adapters walk by
/// creation date and the ids already served, never by a bare offset or page number, which
/// such changes shift. Lookups by id leave unknown ids out rather than failing the batch.
/// Mutations default to [`Error::Unsupported`]; adapters override what their vendor can do and declare it in
/// [`OrderBackend::capabilities`].
#[async_trait]
pub trait OrderBackend: Send + Sync + 'static {
    /// The configured name.
    fn name(&self) -> &BackendName;

    /// The vendor API.
    fn kind(&self) -> BackendKind;

    /// What the backend can do.
    fn capabilities(&self) -> Capabilities;

    /// The shape of this backend's native order ids. An id of another shape is refused (`INVALID_ID`) before
    /// any call, wherever an id comes in (`order`, `node`, `nodes`, every mutation). Every adapter states its
    /// own; the default accepts any id.
    fn id_shape(&self) -> IdShape {
        IdShape::ANY
    }

    /// Which filter fields the adapter applies itself.
    fn pushdown(&self) -> FilterPushdown {
        FilterPushdown::default()
    }

    /// The largest page the vendor serves.
    fn max_page_size(&self) -> usize;

    /// One page of orders, newest first (ties in any order). Rows may defer reading their key and decoding
    /// their order ([`ListRow::in_page`]): the engine reads the keys of the rows its merge reaches and decodes
    /// only the rows a merged page keeps or an engine-side filter reads.
    async fn list(&self, request: &ListRequest) -> Result<ListPage>;

    /// One page with every row decoded (for tools and tests; the engine decodes only the rows it keeps).
    async fn list_decoded(&self, request: &ListRequest) -> Result<DecodedPage> {
        self.list(request).await?.decode_all().await
    }

    /// Full orders by native id (the vendor's "get order"), in any order; unknown ids are left out.
    /// Internal or external ids, wherever the vendor accepts both.
    async fn get_many(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>>;

    /// A cheap call proving the backend is reachable and the credentials work.
    async fn ping(&self) -> Result<()> {
        self.list(&ListRequest {
            filter: OrderFilter::default(),
            page_size: 1,
            continuation: None,
            summaries: false,
        })
        .await
        .map(|_| ())
    }

    /// Whether the vendor documents rules that decide, from the order's current status, if `transition` is
    /// allowed. The engine then reads the order (through its cache) and asks [`OrderBackend::refusal`] before
    /// any call. `false` (the default): the vendor's rules are not documented, it decides by itself.
    fn checks_transition(&self, transition: Transition) -> bool {
        let _ = transition;
        false
    }

    /// Why the vendor's documented rules refuse `transition` for an order whose status is `current`, in the
    /// API's words (unified values as the GraphQL enum spells them, native values quoted); `None` when they
    /// allow it or say nothing.
    fn refusal(&self, current: &Status, transition: Transition) -> Option<String> {
        let _ = (current, transition);
        None
    }

    /// Moves the order to another status.
    async fn update_status(&self, id: &NativeOrderId, change: &StatusChange) -> Result<()> {
        let _ = (id, change);
        Err(self.unsupported("updateOrderStatus"))
    }

    /// Cancels the order.
    async fn cancel(&self, id: &NativeOrderId, cancellation: &Cancellation) -> Result<()> {
        let _ = (id, cancellation);
        Err(self.unsupported("cancelOrder"))
    }

    /// Links the order to an order on an external platform.
    async fn link(&self, id: &NativeOrderId, link: &Link) -> Result<()> {
        let _ = (id, link);
        Err(self.unsupported("linkOrder"))
    }

    /// Adds tags (names) to the order.
    async fn add_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        let _ = (id, tags);
        Err(self.unsupported("addOrderTags"))
    }

    /// Removes tags (names) from the order.
    async fn remove_tags(&self, id: &NativeOrderId, tags: &[String]) -> Result<()> {
        let _ = (id, tags);
        Err(self.unsupported("removeOrderTags"))
    }

    /// The error for an operation this backend cannot do.
    fn unsupported(&self, operation: &str) -> Error {
        Error::Unsupported {
            backend: self.name().to_string(),
            kind: self.kind().to_string(),
            operation: operation.to_string(),
        }
    }
}
