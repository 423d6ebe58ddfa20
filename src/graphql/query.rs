//! `Query`: `orders`, `order`, `node`, `nodes`, `backends`.

use std::sync::Arc;

use async_graphql::{
    Context, ErrorExtensions, ID, InputObject, Interface, Object, PathSegment, Result, SimpleObject,
};
use chrono::{DateTime, FixedOffset};

use super::access::Access;
use super::enums::{FulfillmentStatus, OrderStatus, PaymentStatus};
use super::types::{BackendNode, OrderNode};
use crate::domain::{self, BackendName, OrderFilter, OrderId};
use crate::engine::loader::{self, OrderLoader};
use crate::engine::{Detail, EdgeCursor, Engine, OrdersPage};
use crate::error::Error;

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id: `<backend name>:<native id>`."))]
pub enum Node {
    /// An order.
    Order(OrderNode),
}

/// Which orders `orders` returns. Every given field must match; list fields match any of their values. An
/// empty list, in any list field, matches no order: the page is empty and no backend is asked. A field left
/// out (or null) does not filter.
#[derive(InputObject, Default)]
#[graphql(name = "OrderFilter")]
pub struct OrderFilterInput {
    /// Only these backends, by name (`[]`: none).
    pub backends: Option<Vec<String>>,
    /// Any of these order statuses (`[]`: none).
    pub status: Option<Vec<OrderStatus>>,
    /// Any of these payment statuses (`[]`: none).
    pub payment_status: Option<Vec<PaymentStatus>>,
    /// Any of these fulfilment statuses (`[]`: none).
    pub fulfillment_status: Option<Vec<FulfillmentStatus>>,
    /// Placed at or after this instant.
    pub placed_after: Option<DateTime<FixedOffset>>,
    /// Placed at or before this instant.
    pub placed_before: Option<DateTime<FixedOffset>>,
    /// The customer's e-mail (case-insensitive).
    pub customer_email: Option<String>,
    /// Orders carrying any of these tags (blank ones are ignored; `[]` or only blanks: none).
    pub tags: Option<Vec<String>>,
}

impl OrderFilterInput {
    /// The domain's filter, and whether a list field was given empty (after blank tags are dropped): the
    /// filter then selects no order ([`OrderFilter::selecting_nothing`], once the backends it names are
    /// checked).
    fn into_domain(self) -> Result<(OrderFilter, bool), Error> {
        let empty = |list: Option<usize>| list == Some(0);
        let blank_tags = self.tags.as_ref().map(|tags| tags.iter().filter(|t| !t.trim().is_empty()).count());
        let empty_list = empty(self.status.as_ref().map(Vec::len))
            || empty(self.payment_status.as_ref().map(Vec::len))
            || empty(self.fulfillment_status.as_ref().map(Vec::len))
            || empty(blank_tags);
        let backends = match self.backends {
            None => None,
            Some(names) => Some(
                names
                    .iter()
                    .map(|n| {
                        BackendName::parse(n)
                            .map_err(|e| Error::BadUserInput(format!("filter.backends: {e}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let status = normalized::<_, domain::OrderStatus>(self.status);
        let payment_status = normalized::<_, domain::PaymentStatus>(self.payment_status);
        let fulfillment_status = normalized::<_, domain::FulfillmentStatus>(self.fulfillment_status);
        if let (Some(after), Some(before)) = (self.placed_after, self.placed_before)
            && after > before
        {
            return Err(Error::BadUserInput("filter.placedAfter is later than filter.placedBefore".into()));
        }
        let customer_email = self.customer_email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty());
        let mut tags: Vec<String> = self
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort();
        tags.dedup();
        let filter = OrderFilter {
            backends,
            status,
            payment_status,
            fulfillment_status,
            placed_after: self.placed_after,
            placed_before: self.placed_before,
            customer_email,
            tags,
        };
        Ok((filter, empty_list))
    }
}

/// The filter the engine runs for `input`: narrowed to the backends the caller sees, and selecting no order
/// when a list field was given empty (the backends it names are still checked, as they would be otherwise).
fn filter_for(ctx: &Context<'_>, engine: &Engine, input: OrderFilterInput) -> Result<OrderFilter, Error> {
    let (filter, empty_list) = input.into_domain()?;
    let filter = Access::of(ctx).narrow(filter)?;
    if !empty_list {
        return Ok(filter);
    }
    if let Some(unknown) = filter.backends.iter().flatten().find(|name| engine.registry().get(name).is_none())
    {
        return Err(Error::BadUserInput(format!("filter.backends: no backend named {:?}", unknown.as_str())));
    }
    Ok(filter.selecting_nothing())
}

/// The domain's values of an input list, sorted by name without duplicates, so equal filters give equal
/// cursors.
fn normalized<A, D: From<A> + std::fmt::Debug + PartialEq>(values: Option<Vec<A>>) -> Vec<D> {
    let mut values: Vec<D> = values.unwrap_or_default().into_iter().map(D::from).collect();
    values.sort_by_key(|s| format!("{s:?}"));
    values.dedup();
    values
}

/// A page of orders, merged across backends, newest first, and a node per order: `nodes` and `edges` share
/// them, so an order's full order loads once and counts once in the page's loads.
pub struct OrderConnection(pub OrdersPage, Vec<OrderNode>);

/// One order of a page, with the cursor after it.
pub struct OrderEdge {
    cursor: EdgeCursor,
    node: OrderNode,
}

/// One order of a page, with the cursor after it.
#[Object(serial)]
impl OrderEdge {
    /// Pass as `after` to continue after this order.
    async fn cursor(&self) -> String {
        self.cursor.encode()
    }

    /// The order.
    async fn node(&self) -> &OrderNode {
        &self.node
    }
}

/// Where the page stands.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether any backend has more orders.
    pub has_next_page: bool,
    /// Cursor after the last order of the page.
    pub end_cursor: Option<String>,
}

/// The `BackendResult.code` of a backend that stopped at `server.max_scan_pages`.
pub const SCAN_LIMIT: &str = "SCAN_LIMIT";

/// How one backend did for this page.
#[derive(SimpleObject)]
pub struct BackendResult {
    /// Backend name.
    pub backend: String,
    /// Whether it answered.
    pub ok: bool,
    /// Error code when it failed (`BACKEND_UNAVAILABLE`, `BACKEND_TIMEOUT`, …), or `SCAN_LIMIT` when it
    /// answered but stopped at `server.max_scan_pages` pages (`ok` stays true; continue with the cursor).
    pub code: Option<String>,
    /// What went wrong, or why it stopped early.
    pub message: Option<String>,
    /// Time spent on it, in milliseconds.
    pub duration_ms: i32,
    /// Whether its part of the page came from the cache.
    pub cached: bool,
}

/// A page of orders, merged across backends, newest first.
#[Object(serial)]
impl OrderConnection {
    /// The orders with their cursors.
    async fn edges(&self) -> Vec<OrderEdge> {
        self.0
            .edges
            .iter()
            .zip(&self.1)
            .map(|((_, c), node)| OrderEdge { cursor: c.clone(), node: node.clone() })
            .collect()
    }

    /// The orders.
    async fn nodes(&self) -> Vec<OrderNode> {
        self.1.clone()
    }

    /// Where the page stands.
    async fn page_info(&self) -> PageInfo {
        PageInfo { has_next_page: self.0.has_next_page, end_cursor: self.0.end_cursor.clone() }
    }

    /// How many orders match in all; null when a backend cannot count (or the engine filtered its results).
    async fn total_count(&self) -> Option<i64> {
        self.0.total_count.and_then(|n| i64::try_from(n).ok())
    }

    /// One entry per backend asked: how it went.
    async fn backend_results(&self) -> Vec<BackendResult> {
        self.0
            .backends
            .iter()
            .map(|b| BackendResult {
                backend: b.backend.to_string(),
                ok: b.error.is_none(),
                code: match (&b.error, b.scan_limit) {
                    (Some(error), _) => Some(error.code().to_string()),
                    (None, Some(_)) => Some(SCAN_LIMIT.to_string()),
                    (None, None) => None,
                },
                message: match (&b.error, b.scan_limit) {
                    (Some(error), _) => Some(error.to_string()),
                    (None, Some(pages)) => Some(format!(
                        "read {pages} pages (server.max_scan_pages) without filling the page; the cursor continues \
                         after them"
                    )),
                    (None, None) => None,
                },
                duration_ms: i32::try_from(b.duration.as_millis()).unwrap_or(i32::MAX),
                cached: b.cached,
            })
            .collect()
    }
}

/// The root of every read.
pub struct Query;

/// The root of every read.
#[Object]
impl Query {
    /// Any object by global id (today: orders).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        Ok(lookup(ctx, &id).await?.map(Node::Order))
    }

    /// Many objects by global id, in the order asked; null for ids that do not exist. Ids of one backend are
    /// fetched together. An id that cannot be looked up (malformed, of another shape than its backend's, of an
    /// unknown backend: `INVALID_ID`, with no call) or whose backend fails is null with its own error, whose
    /// `path` ends with the id's index; the other ids still answer.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(Error::BadUserInput("at most 100 ids at once".into()).to_graphql());
        }
        let engine = ctx.data::<Arc<Engine>>()?;
        let access = Access::of(ctx);
        let loader = ctx.data::<OrderLoader>()?;
        let found = futures::future::join_all(ids.iter().map(|id| async {
            let id = access.resolve(engine, id)?;
            loader::load(loader, id).await
        }))
        .await;
        let mut out = Vec::with_capacity(found.len());
        for (index, result) in found.into_iter().enumerate() {
            match result {
                Ok(order) => out.push(order.map(|o| Node::Order(OrderNode::new(o)))),
                Err(error) => {
                    let mut error = ctx.set_error_path(error.to_graphql().into_server_error(ctx.item.pos));
                    error.path.push(PathSegment::Index(index));
                    ctx.add_error(error);
                    out.push(None);
                }
            }
        }
        Ok(out)
    }

    /// One order by global id (`<backend>:<native id>`); the native id may be the backend's internal id or,
    /// where the backend accepts it, the external one. Null when the backend does not know it; `INVALID_ID`,
    /// with no call, for an id that is malformed, of an unknown backend or of another shape than its backend's.
    async fn order(&self, ctx: &Context<'_>, id: ID) -> Result<Option<OrderNode>> {
        lookup(ctx, &id).await
    }

    /// The newest orders of every selected backend, merged newest first (ties by id), page by page.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 0 to 100.", default = 20)] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (an `endCursor` or edge cursor).")] after: Option<
            String,
        >,
        #[graphql(desc = "Which orders.")] filter: Option<OrderFilterInput>,
    ) -> Result<OrderConnection> {
        let engine = ctx.data::<Arc<Engine>>()?;
        let filter = filter_for(ctx, engine, filter.unwrap_or_default()).map_err(|e| e.to_graphql())?;
        let detail = detail_asked(ctx.field());
        let page = engine
            .orders_with(first.unwrap_or(20), after.as_deref(), filter, detail)
            .await
            .map_err(|e| e.to_graphql())?;
        for outcome in &page.backends {
            if let Some(error) = &outcome.error {
                ctx.add_error(error.to_graphql().extend().into_server_error(ctx.item.pos));
            }
        }
        if let Ok(loader) = ctx.data::<OrderLoader>() {
            let orders: Vec<_> = page.edges.iter().map(|(o, _)| o.clone()).collect();
            loader::prime(loader, &orders).await;
        }
        let nodes = OrderNode::listed(&page, engine.metrics());
        Ok(OrderConnection(page, nodes))
    }

    /// The configured backends and what they can do.
    async fn backends(&self, ctx: &Context<'_>) -> Result<Vec<BackendNode>> {
        let engine = ctx.data::<Arc<Engine>>()?;
        let access = Access::of(ctx);
        Ok(engine.registry().iter().filter(|b| access.sees(b.name())).cloned().map(BackendNode).collect())
    }
}

/// How much of each order an `orders` selection reads: [`Detail::Summary`] when every field asked of an order
/// is one a summary has ([`Known::SUMMARY`](crate::domain::Known::SUMMARY)), else [`Detail::Full`]. Fragments
/// are looked into; `@skip`/`@include` are not evaluated, so a field they may drop still counts (never too
/// little is decoded, at worst more than needed).
fn detail_asked(connection: async_graphql::SelectionField<'_>) -> Detail {
    use async_graphql::SelectionField;
    const SUMMARY_FIELDS: [&str; 9] = [
        "__typename",
        "id",
        "backend",
        "nativeId",
        "number",
        "status",
        "placedAt",
        "updatedAt",
        "currencyCode",
    ];
    fn order_is_summary(order: SelectionField<'_>) -> bool {
        order.selection_set().all(|field| match field.name() {
            "totals" => field.selection_set().all(|part| matches!(part.name(), "__typename" | "total")),
            name => SUMMARY_FIELDS.contains(&name),
        })
    }
    let summary = connection.selection_set().all(|field| match field.name() {
        "nodes" => order_is_summary(field),
        "edges" => field.selection_set().all(|part| part.name() != "node" || order_is_summary(part)),
        _ => true,
    });
    if summary { Detail::Summary } else { Detail::Full }
}

async fn lookup(ctx: &Context<'_>, id: &str) -> Result<Option<OrderNode>> {
    let engine = ctx.data::<Arc<Engine>>()?;
    let id: OrderId = Access::of(ctx).resolve(engine, id).map_err(|e| e.to_graphql())?;
    let loader = ctx.data::<OrderLoader>()?;
    Ok(loader::load(loader, id).await.map_err(|e| e.to_graphql())?.map(OrderNode::new))
}
