//! Output types: thin GraphQL views of domain values. `Order` loads the full order through the request's
//! DataLoader when a query asks for a part that the list row did not carry.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use super::enums::{BackendKind, FulfillmentStatus, OrderStatus, PaymentStatus};
use super::scalars::{DecimalScalar, JsonScalar};
use crate::domain::{
    Address, Capabilities, Customer, LineItem, Money, Order, OrderBackend, OrderTotals, Status, Tracking,
};
use crate::engine::loader::{self, OrderLoader};
use crate::error::Error;

/// An order from one backend, in the unified model. When a query asks for a part the list row lacked, the full
/// order is loaded once through the request's DataLoader and shared by every field of this node.
#[derive(Clone)]
pub struct OrderNode {
    order: Arc<Order>,
    full: Arc<tokio::sync::OnceCell<Arc<Order>>>,
}

impl OrderNode {
    /// A node over an order (complete or a list row).
    pub fn new(order: Arc<Order>) -> Self {
        OrderNode { order, full: Arc::default() }
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
    async fn with(&self, ctx: &Context<'_>, part: fn(&crate::domain::Known) -> bool) -> Result<&Order> {
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
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<&Customer>> {
        Ok(self.with(ctx, |k| k.customer).await?.customer.as_ref())
    }

    /// The order's lines.
    async fn line_items(&self, ctx: &Context<'_>) -> Result<&[LineItem]> {
        Ok(&self.with(ctx, |k| k.line_items).await?.line_items)
    }

    /// Where the goods go.
    async fn shipping_address(&self, ctx: &Context<'_>) -> Result<Option<&Address>> {
        Ok(self.with(ctx, |k| k.addresses).await?.shipping_address.as_ref())
    }

    /// Where the invoice goes.
    async fn billing_address(&self, ctx: &Context<'_>) -> Result<Option<&Address>> {
        Ok(self.with(ctx, |k| k.addresses).await?.billing_address.as_ref())
    }

    /// Shipping method, as the backend names it.
    async fn shipping_method(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.methods).await?.shipping_method.as_deref())
    }

    /// Payment method, as the backend names it.
    async fn payment_method(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.methods).await?.payment_method.as_deref())
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
        Ok(self.with(ctx, |k| k.external).await?.external_order_id.as_deref())
    }

    /// The external platform's name.
    async fn external_platform(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self.with(ctx, |k| k.external).await?.external_platform.as_deref())
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

/// An order's status on the three unified axes, with the backend's own value kept.
#[Object(serial)]
impl Status {
    /// Where the order stands overall.
    async fn order(&self) -> OrderStatus {
        self.order.into()
    }

    /// Where the money stands.
    async fn payment(&self) -> PaymentStatus {
        self.payment.into()
    }

    /// Where the goods stand.
    async fn fulfillment(&self) -> FulfillmentStatus {
        self.fulfillment.into()
    }

    /// The backend's own value(s), e.g. `ready-for-handling`, `3`, `paid/in_process`.
    async fn native(&self) -> &str {
        &self.native
    }

    /// The backend's own human label, where it has one.
    async fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
}

/// An amount of money: an exact decimal and its currency.
#[Object(serial)]
impl Money {
    /// The amount, as a decimal string in major units with at least the currency's minor digits (`"159.97"`).
    async fn amount(&self) -> DecimalScalar {
        DecimalScalar(self.display_amount())
    }

    /// ISO 4217 currency code.
    async fn currency_code(&self) -> &str {
        &self.currency
    }
}

/// An order's totals. The total alone is often in list rows; the parts may need the full order.
pub struct TotalsView(OrderNode);

impl TotalsView {
    async fn totals(&self, ctx: &Context<'_>) -> Result<&OrderTotals> {
        Ok(&self.0.with(ctx, |k| k.totals).await?.totals)
    }
}

/// An order's totals.
#[Object(name = "OrderTotals", serial)]
impl TotalsView {
    /// Sum of the lines before shipping, tax and order discounts.
    async fn subtotal(&self, ctx: &Context<'_>) -> Result<&Money> {
        Ok(&self.totals(ctx).await?.subtotal)
    }

    /// Shipping charged.
    async fn shipping(&self, ctx: &Context<'_>) -> Result<&Money> {
        Ok(&self.totals(ctx).await?.shipping)
    }

    /// Tax charged.
    async fn tax(&self, ctx: &Context<'_>) -> Result<&Money> {
        Ok(&self.totals(ctx).await?.tax)
    }

    /// Discounts granted, as a positive amount.
    async fn discount(&self, ctx: &Context<'_>) -> Result<&Money> {
        Ok(&self.totals(ctx).await?.discount)
    }

    /// What the customer pays.
    async fn total(&self, ctx: &Context<'_>) -> Result<&Money> {
        Ok(&self.0.with(ctx, |k| k.total || k.totals).await?.totals.total)
    }
}

/// The buyer.
#[Object(serial)]
impl Customer {
    /// The backend's customer id.
    async fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// E-mail address.
    async fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// Given name.
    async fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    /// Family name.
    async fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }

    /// Full name.
    async fn full_name(&self) -> Option<&str> {
        self.full_name.as_deref()
    }
}

/// One line of an order.
#[Object(serial)]
impl LineItem {
    /// The line's id in the backend.
    async fn id(&self) -> &str {
        &self.id
    }

    /// Stock-keeping unit.
    async fn sku(&self) -> Option<&str> {
        self.sku.as_deref()
    }

    /// Product name.
    async fn name(&self) -> &str {
        &self.name
    }

    /// Variant description (size, colour).
    async fn variant(&self) -> Option<&str> {
        self.variant.as_deref()
    }

    /// The backend's product id.
    async fn product_id(&self) -> Option<&str> {
        self.product_id.as_deref()
    }

    /// The backend's variant id.
    async fn variant_id(&self) -> Option<&str> {
        self.variant_id.as_deref()
    }

    /// Quantity ordered.
    async fn quantity(&self) -> i64 {
        self.quantity
    }

    /// Price of one unit.
    async fn unit_price(&self) -> &Money {
        &self.unit_price
    }

    /// Line total.
    async fn total(&self) -> &Money {
        &self.total
    }

    /// Picture of the product.
    async fn image_url(&self) -> Option<&str> {
        self.image_url.as_deref()
    }
}

/// A postal address.
#[Object(serial)]
impl Address {
    /// Recipient's full name.
    async fn full_name(&self) -> Option<&str> {
        self.full_name.as_deref()
    }

    /// Recipient's given name.
    async fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    /// Recipient's family name.
    async fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }

    /// Company.
    async fn company(&self) -> Option<&str> {
        self.company.as_deref()
    }

    /// Street and number.
    async fn line1(&self) -> Option<&str> {
        self.line1.as_deref()
    }

    /// Complement (apartment, floor).
    async fn line2(&self) -> Option<&str> {
        self.line2.as_deref()
    }

    /// City.
    async fn city(&self) -> Option<&str> {
        self.city.as_deref()
    }

    /// State, province or region.
    async fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }

    /// ISO 3166-1 alpha-2 country code.
    async fn country_code(&self) -> Option<&str> {
        self.country_code.as_deref()
    }

    /// Country name, as the backend gives it.
    async fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// E-mail address.
    async fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
}

/// A shipment's tracking.
#[Object(serial)]
impl Tracking {
    /// Carrier name or code.
    async fn carrier(&self) -> Option<&str> {
        self.carrier.as_deref()
    }

    /// Tracking number.
    async fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }

    /// Tracking page.
    async fn url(&self) -> Option<&str> {
        self.url.as_deref()
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
