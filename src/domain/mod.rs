//! The backend-agnostic domain: ids, orders, statuses, filters, and the [`OrderBackend`] trait.
//! Nothing here knows any vendor.

mod backend;
pub mod budget;
mod filter;
mod ids;
mod native;
mod order;
mod row;
mod status;

pub use backend::{
    BackendKind, Cancellation, Capabilities, DecodedPage, Link, ListPage, ListRequest, OrderBackend,
    Shipment, StatusChange, Transition,
};
pub use filter::{FilterPushdown, OrderFilter};
pub use ids::{BackendName, IdShape, NativeOrderId, OrderId, is_hyphenated_uuid};
pub use native::NativeJson;
pub use order::{Address, Customer, Known, LineItem, Money, Order, OrderTotals, Tracking, currency_digits};
pub use row::{ListRow, PageDecoder};
pub use status::{FulfillmentStatus, OrderStatus, PaymentStatus, Status, api_list};
