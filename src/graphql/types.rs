//! Output types for an order: `Order` and the parts of it a list row may lack (`Customer`, `OrderTotals`). Each
//! field is answered from the order as listed when its part is [`Known`], and from the full order otherwise,
//! loaded once per order through the request's DataLoader (which fetches the orders of one backend together).
//! So a page whose query reads only what its backend's list rows carry costs no call beyond the list, and one
//! that reads more costs one load per order, counted per page ([`PageLoads`]).

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use super::enums::{BackendKind, OrderStatus};
use super::scalars::JsonScalar;
use crate::domain::{
    Address, Capabilities, Customer, Known, LineItem, Money, Order, OrderBackend, Status, Tracking,
};
use crate::engine::OrdersPage;
use crate::engine::loader::{self, OrderLoader, PageLoads};
use crate::error::Error;
use crate::metrics::Metrics;

/// An order from one backend, in the unified model. When a query asks for a part the list row lacked, the full
/// order is loaded once through the request's DataLoader and shared by every field of this node.
#[derive(Clone)]
pub struct OrderNode {
    order: Arc<Order>,
    full: Arc<tokio::sync::OnceCell<Arc<Order>>>,
    /// The page the order was listed on, which counts the full orders its nodes load.
    page: Option<Arc<PageLoads>>,
}

impl OrderNode {
    /// A node over an order (complete or a list row) that is not part of a listed page.
    pub fn new(order: Arc<Order>) -> Self {
        OrderNode { order, full: Arc::default(), page: None }
    }

    /// One node per order of a listed page, counting the full orders they load into `metrics`, once per page
    /// ([`PageLoads`]).
    pub fn listed(page: &OrdersPage, metrics: &Metrics) -> Vec<OrderNode> {
        let loads =
            Arc::new(PageLoads::new(metrics.clone(), page.backends.iter().map(|b| b.backend.clone())));
        page.edges
            .iter()
            .map(|(order, _)| OrderNode {
                order: order.clone(),
                full: Arc::default(),
                page: Some(loads.clone()),
            })
            .collect()
    }

    /// The full order: this one when complete, else loaded (once) through the request's DataLoader.
    async fn full(&self, ctx: &Context<'_>) -> Result<&Order> {
        if self.order.known.is_full() {
            return Ok(&self.order);
        }
        let loaded = self
            .full
            .get_or_try_init(|| async {
                let loader = ctx.data::<OrderLoader>()?;
                if let Some(page) = &self.page {
                    page.count(&self.order.id.backend);
                }
                match loader::load(loader, self.order.id.clone()).await {
                    Ok(Some(order)) => Ok(order),
                    Ok(None) => Err(Error::NotFound {
                        backend: self.order.id.backend.to_string(),
                        id: self.order.id.native.to_string(),
                    }
                    .to_graphql()),
                    Err(e) => Err(e.to_graphql()),
                }
            })
            .await?;
        Ok(loaded)
    }

    /// This order when `part` is known, else the full order.
    async fn with(&self, ctx: &Context<'_>, part: fn(&Known) -> bool) -> Result<&Order> {
        if part(&self.order.known) { Ok(&self.order) } else { self.full(ctx).await }
    }
}

/// An order from one backend, in the unified model.
// `serial` (here and on every output type but the roots): the fields of one object resolve one after another.
// An order's share one load of the full order, so nothing waits longer; the answer keeps the query's field
// order (async-graphql's concurrent resolution writes fields as they finish), and a 50-order page costs far
// less CPU. The roots stay concurrent: their fields are independent lookups, batched by the request's DataLoader
// (the server puts them back in the query's order: `graphql::keep_root_order`).
#[Object(name = "Order", serial)]
impl OrderNode {
    /// Global id: `<backend name>:<native id>`, e.g. `shop-br:1172452900788-01`.
    pub async fn id(&self) -> ID {
        ID(self.order.id.to_string())
    }

    /// The backend that owns the order.
    async fn backend(&self, ctx: &Context<'_>) -> Result<BackendNode> {
        let engine = ctx.data::<Arc<crate::engine::Engine>>()?;
        engine
            .registry()
            .get(&self.order.id.backend)
            .cloned()
            .map(BackendNode)
            .ok_or_else(|| Error::Internal("order of an unknown backend".into()).to_graphql())
    }

    /// The order's id in its backend.
    async fn native_id(&self) -> &str {
        self.order.id.native.as_str()
    }

    /// The number people see: VES-1001, the VTEX sequence, the Wix number.
    async fn number(&self) -> Option<&str> {
        self.order.number.as_deref()
    }

    /// Status on three unified axes, with the backend's own value.
    async fn status(&self) -> &Status {
        &self.order.status
    }

    /// When the order was placed (RFC 3339, with the backend's offset).
    async fn placed_at(&self) -> DateTime<FixedOffset> {
        self.order.placed_at
    }

    /// When the order last changed.
    async fn updated_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        Ok(self.with(ctx, |k| k.updated_at).await?.updated_at)
    }

    /// ISO 4217 currency of every amount of the order.
    async fn currency_code(&self) -> &str {
        &self.order.currency
    }

    /// Subtotal, shipping, tax, discount and total.
    async fn totals(&self) -> TotalsView {
        TotalsView(self.clone())
    }

    /// The buyer.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<CustomerView>> {
        // Whether there is a customer at all: the row says so when it has one or knows every part of one.
        let row = &self.order;
        let present = if row.customer.is_some() || row.known.contains(Known::CUSTOMER) {
            row.customer.is_some()
        } else {
            self.full(ctx).await?.customer.is_some()
        };
        Ok(present.then(|| CustomerView(self.clone())))
    }

    /// The order's lines.
    async fn line_items(&self, ctx: &Context<'_>) -> Result<&[LineItem]> {
        Ok(&self.with(ctx, |k| k.line_items).await?.line_items)
    }

    /// Where the goods go.
    async fn shipping_address(&self, ctx: &Context<'_>) -> Result<Option<&Address>> {
        Ok(self.with(ctx, |k| k.shipping_address).await?.shipping_address.as_ref())
    }

    /// Where the invoice goes.
    async fn billing_address(&self, ctx: &Context<'_>) -> Result<Option<&Address>> {
        Ok(self.with(ctx, |k| k.billing_address).await?.billing_address.as_ref())
    }

    /// Shipping method, as the backend names it.
    async fn shipping_method(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.shipping_method).await?.shipping_method.as_deref())
    }

    /// Payment method, as the backend names it.
    async fn payment_method(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.payment_method).await?.payment_method.as_deref())
    }

    /// Shipments' tracking.
    async fn tracking(&self, ctx: &Context<'_>) -> Result<&[Tracking]> {
        Ok(&self.with(ctx, |k| k.tracking).await?.tracking)
    }

    /// Tags, by name.
    async fn tags(&self, ctx: &Context<'_>) -> Result<&[String]> {
        Ok(&self.with(ctx, |k| k.tags).await?.tags)
    }

    /// The id of this order on an external platform it is linked to.
    async fn external_order_id(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.external_order_id).await?.external_order_id.as_deref())
    }

    /// The external platform's name.
    async fn external_platform(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.external_platform).await?.external_platform.as_deref())
    }

    /// The buyer's or merchant's note.
    async fn note(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.note).await?.note.as_deref())
    }

    /// The backend's own order payload, untouched.
    async fn native(&self, ctx: &Context<'_>) -> Result<Option<JsonScalar>> {
        let native = &self.with(ctx, |k| k.native).await?.native;
        Ok((!native.is_null()).then(|| JsonScalar::from_json(native.value())))
    }
}

/// An order's totals. The total alone is often in list rows; the parts may need the full order.
pub struct TotalsView(OrderNode);

impl TotalsView {
    /// One amount: from the order as listed when `known`, else from the full order.
    async fn amount(
        &self,
        ctx: &Context<'_>,
        known: fn(&Known) -> bool,
        amount: fn(&crate::domain::OrderTotals) -> &Money,
    ) -> Result<&Money> {
        Ok(amount(&self.0.with(ctx, known).await?.totals))
    }
}

/// An order's totals.
#[Object(name = "OrderTotals", serial)]
impl TotalsView {
    /// Sum of the lines before shipping, tax and order discounts.
    async fn subtotal(&self, ctx: &Context<'_>) -> Result<&Money> {
        self.amount(ctx, |k| k.subtotal, |t| &t.subtotal).await
    }

    /// Shipping charged.
    async fn shipping(&self, ctx: &Context<'_>) -> Result<&Money> {
        self.amount(ctx, |k| k.shipping, |t| &t.shipping).await
    }

    /// Tax charged.
    async fn tax(&self, ctx: &Context<'_>) -> Result<&Money> {
        self.amount(ctx, |k| k.tax, |t| &t.tax).await
    }

    /// Discounts granted, as a positive amount.
    async fn discount(&self, ctx: &Context<'_>) -> Result<&Money> {
        self.amount(ctx, |k| k.discount, |t| &t.discount).await
    }

    /// What the customer pays.
    async fn total(&self, ctx: &Context<'_>) -> Result<&Money> {
        self.amount(ctx, |k| k.total, |t| &t.total).await
    }
}

/// The buyer of an order that has one. List rows often carry some of it (an e-mail, a name), the rest may need
/// the full order.
pub struct CustomerView(OrderNode);

impl CustomerView {
    /// One field: from the order as listed when `known`, else from the full order.
    async fn field(
        &self,
        ctx: &Context<'_>,
        known: fn(&Known) -> bool,
        field: fn(&Customer) -> Option<&str>,
    ) -> Result<Option<&str>> {
        Ok(self.0.with(ctx, known).await?.customer.as_ref().and_then(field))
    }
}

/// The buyer.
#[Object(name = "Customer", serial)]
impl CustomerView {
    /// The backend's customer id.
    async fn id(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.field(ctx, |k| k.customer_id, |c| c.id.as_deref()).await
    }

    /// E-mail address.
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.field(ctx, |k| k.customer_email, |c| c.email.as_deref()).await
    }

    /// Phone number.
    async fn phone(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.field(ctx, |k| k.customer_phone, |c| c.phone.as_deref()).await
    }

    /// Given name.
    async fn first_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.field(ctx, |k| k.customer_first_name, |c| c.first_name.as_deref()).await
    }

    /// Family name.
    async fn last_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.field(ctx, |k| k.customer_last_name, |c| c.last_name.as_deref()).await
    }

    /// Full name.
    async fn full_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.field(ctx, |k| k.customer_full_name, |c| c.full_name.as_deref()).await
    }
}

/// A configured backend.
#[derive(Clone)]
pub struct BackendNode(pub Arc<dyn OrderBackend>);

/// A configured backend.
#[Object(name = "Backend", serial)]
impl BackendNode {
    /// Its configured name; the prefix of its order ids.
    async fn name(&self) -> ID {
        ID(self.0.name().to_string())
    }

    /// The vendor API it speaks.
    async fn kind(&self) -> BackendKind {
        self.0.kind().into()
    }

    /// What its mutations can do.
    async fn capabilities(&self) -> BackendCapabilities {
        BackendCapabilities::from(self.0.capabilities())
    }
}

/// What a backend can do natively; other mutations answer `UNSUPPORTED` without calling it.
#[derive(SimpleObject)]
pub struct BackendCapabilities {
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

impl From<Capabilities> for BackendCapabilities {
    fn from(c: Capabilities) -> Self {
        BackendCapabilities {
            update_status_to: c.update_status_to.into_iter().map(OrderStatus::from).collect(),
            cancel: c.cancel,
            refund_on_cancel: c.refund_on_cancel,
            add_tags: c.add_tags,
            remove_tags: c.remove_tags,
            link: c.link,
        }
    }
}
