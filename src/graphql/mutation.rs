//! `Mutation`: status, cancel, link and tags, each routed to the backend that owns the order. Failures are
//! `userErrors` in the payload, never top-level errors.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use super::access::{Access, ReleaseKey, RequestId};
use super::enums::OrderStatus;
use super::scalars::DecimalScalar;
use super::types::OrderNode;
use crate::domain::{Cancellation, Link, Shipment, StatusChange};
use crate::engine::Engine;
use crate::engine::mutations::Applied;
use crate::error::{Error, UserErrorCode};

/// Shipment details for a change to SHIPPED (or DELIVERED).
#[derive(InputObject, Default)]
pub struct ShipmentInput {
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

/// Input of `updateOrderStatus`.
#[derive(InputObject)]
pub struct UpdateOrderStatusInput {
    /// The order's global id.
    pub id: ID,
    /// The status to move to (see `Backend.capabilities.updateStatusTo`).
    pub status: OrderStatus,
    /// Why, where the backend records a reason.
    pub reason: Option<String>,
    /// Shipment details, for SHIPPED.
    pub shipment: Option<ShipmentInput>,
}

/// Input of `cancelOrder`.
#[derive(InputObject)]
pub struct CancelOrderInput {
    /// The order's global id.
    pub id: ID,
    /// Why the order is cancelled.
    pub reason: String,
    /// Amount to refund, where the backend refunds on cancel.
    pub refund_amount: Option<DecimalScalar>,
    /// Tell the customer.
    #[graphql(default_with = "Some(true)")]
    pub notify_customer: Option<bool>,
    /// Put the items back in stock.
    #[graphql(default_with = "Some(true)")]
    pub restock: Option<bool>,
}

/// Input of `linkOrder`.
#[derive(InputObject)]
pub struct LinkOrderInput {
    /// The order's global id.
    pub id: ID,
    /// The order's id on the external platform.
    pub external_order_id: String,
    /// The external platform's name.
    pub platform: Option<String>,
}

/// Input of `addOrderTags` and `removeOrderTags`.
#[derive(InputObject)]
pub struct OrderTagsInput {
    /// The order's global id.
    pub id: ID,
    /// Tag names.
    pub tags: Vec<String>,
}

/// A mutation's result: the order as it is now, or why nothing happened.
#[derive(SimpleObject)]
pub struct OrderPayload {
    /// The order after the change, re-read from its backend; null when the change failed, or when it was
    /// applied but the order could not be re-read (then `applied` is true).
    pub order: Option<OrderNode>,
    /// What went wrong; empty on success.
    pub user_errors: Vec<UserError>,
    /// Whether the backend accepted the change.
    pub applied: bool,
}

/// Why a mutation did not happen.
#[derive(SimpleObject)]
pub struct UserError {
    /// What kind of problem.
    pub code: UserErrorCode,
    /// The input field at fault, as a path.
    pub field: Option<Vec<String>>,
    /// What went wrong, for people.
    pub message: String,
}

impl OrderPayload {
    fn from_result(result: Result<Applied, Error>) -> Self {
        match result {
            Ok(applied) => OrderPayload {
                order: applied.order.map(OrderNode::new),
                user_errors: Vec::new(),
                applied: true,
            },
            Err(error) => {
                tracing::info!(code = error.code(), %error, "mutation refused");
                OrderPayload {
                    order: None,
                    applied: false,
                    user_errors: vec![UserError {
                        code: error.user_error_code(),
                        field: error.field().map(<[String]>::to_vec),
                        message: error.to_string(),
                    }],
                }
            }
        }
    }
}

/// The root of every change.
pub struct Mutation;

/// The root of every change.
#[Object]
impl Mutation {
    /// Moves an order to another status, through its backend's own operation.
    async fn update_order_status(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrderStatusInput,
    ) -> Result<OrderPayload> {
        let engine = ctx.data::<Arc<Engine>>()?;
        let shipment = input.shipment.map(|s| Shipment {
            carrier: s.carrier,
            tracking_number: s.tracking_number,
            tracking_url: s.tracking_url,
            invoice_number: s.invoice_number,
            shipped_at: s.shipped_at,
        });
        let change = StatusChange { status: input.status.into(), reason: input.reason, shipment };
        audited(ctx, "updateOrderStatus", &input.id, engine.update_status(&input.id, change)).await
    }

    /// Cancels an order.
    async fn cancel_order(&self, ctx: &Context<'_>, input: CancelOrderInput) -> Result<OrderPayload> {
        let engine = ctx.data::<Arc<Engine>>()?;
        let cancellation = Cancellation {
            reason: input.reason,
            refund_amount: input.refund_amount.map(|d| d.0),
            notify_customer: input.notify_customer.unwrap_or(true),
            restock: input.restock.unwrap_or(true),
        };
        audited(ctx, "cancelOrder", &input.id, engine.cancel(&input.id, cancellation)).await
    }

    /// Links an order to its counterpart on an external platform.
    async fn link_order(&self, ctx: &Context<'_>, input: LinkOrderInput) -> Result<OrderPayload> {
        let engine = ctx.data::<Arc<Engine>>()?;
        let link = Link { external_order_id: input.external_order_id, platform: input.platform };
        audited(ctx, "linkOrder", &input.id, engine.link(&input.id, link)).await
    }

    /// Adds tags to an order.
    async fn add_order_tags(&self, ctx: &Context<'_>, input: OrderTagsInput) -> Result<OrderPayload> {
        let engine = ctx.data::<Arc<Engine>>()?;
        audited(ctx, "addOrderTags", &input.id, engine.change_tags(&input.id, input.tags, true)).await
    }

    /// Removes tags from an order.
    async fn remove_order_tags(&self, ctx: &Context<'_>, input: OrderTagsInput) -> Result<OrderPayload> {
        let engine = ctx.data::<Arc<Engine>>()?;
        audited(ctx, "removeOrderTags", &input.id, engine.change_tags(&input.id, input.tags, false)).await
    }
}

/// Runs `change` (a mutation of order `id`) when the order's backend exists for the caller, and writes the
/// audit record every mutation leaves, whatever its outcome: target `ordergraph::audit`, fields `key`,
/// `mutation`, `order`, `outcome` (`ok` or `error`), `code`, `duration_ms`, `request_id`.
async fn audited(
    ctx: &Context<'_>,
    mutation: &'static str,
    id: &str,
    change: impl Future<Output = Result<Applied, Error>>,
) -> Result<OrderPayload> {
    let engine = ctx.data::<Arc<Engine>>()?;
    let access = Access::of(ctx);
    let started = Instant::now();
    let result = match access.resolve(engine, id) {
        Ok(_) => change.await,
        Err(error) => Err(error),
    };
    let (outcome, code) = match &result {
        Ok(_) => ("ok", ""),
        Err(error) => ("error", error.code()),
    };
    if let Err(Error::Unavailable { .. } | Error::Timeout { .. } | Error::RateLimited { .. }) = &result
        && let Some(release) = ctx.data_opt::<ReleaseKey>()
    {
        release.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let request_id = ctx.data_opt::<RequestId>().map_or("", |id| id.0.as_str());
    tracing::info!(
        target: "ordergraph::audit",
        key = access.label(),
        mutation,
        order = %id.chars().take(120).collect::<String>(),
        outcome,
        code,
        duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        request_id,
        "mutation"
    );
    Ok(OrderPayload::from_result(result))
}
