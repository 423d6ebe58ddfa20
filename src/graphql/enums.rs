//! The GraphQL enums: the API's own copies of the domain's statuses and backend kinds, so the domain carries no
//! GraphQL derive. Each mirrors its domain enum value for value (the `From` conversions both ways are exhaustive
//! matches, so a value added to one side and not the other does not compile); resolvers and inputs convert at
//! the edge. The `///` comments are the API's documentation in `schema.graphql`.

use async_graphql::Enum;

use crate::domain;

/// Declares a GraphQL enum mirroring the domain enum of the same name, with `From` both ways.
macro_rules! mirror {
    ($(#[$doc:meta])* enum $name:ident { $($(#[$value_doc:meta])* $value:ident,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Enum)]
        pub enum $name {
            $($(#[$value_doc])* $value,)*
        }

        impl From<domain::$name> for $name {
            fn from(value: domain::$name) -> Self {
                match value {
                    $(domain::$name::$value => $name::$value,)*
                }
            }
        }

        impl From<$name> for domain::$name {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$value => domain::$name::$value,)*
                }
            }
        }
    };
}

mirror! {
    /// Where the order stands overall.
    enum OrderStatus {
        /// Placed, not yet confirmed (awaiting payment or approval).
        Pending,
        /// Confirmed (paid or approved), not yet being prepared.
        Confirmed,
        /// Being prepared for shipping.
        Processing,
        /// Handed to the carrier.
        Shipped,
        /// Some items handed to the carrier.
        PartiallyShipped,
        /// Delivered to the customer.
        Delivered,
        /// Some items delivered.
        PartiallyDelivered,
        /// Cancelled.
        Cancelled,
        /// Refunded in full.
        Refunded,
        /// Returned by the customer.
        Returned,
        /// Closed or archived after completion.
        Closed,
        /// The backend's value has no unified equivalent (see `native`).
        Unknown,
    }
}

mirror! {
    /// Where the money stands.
    enum PaymentStatus {
        /// Not paid yet.
        Pending,
        /// Authorised, not captured.
        Authorized,
        /// Paid in full.
        Paid,
        /// Paid in part.
        PartiallyPaid,
        /// Refunded in part.
        PartiallyRefunded,
        /// Refunded in full.
        Refunded,
        /// The payment failed or was rejected.
        Failed,
        /// The payment was voided or cancelled before capture.
        Voided,
        /// Not known from the backend's value.
        Unknown,
    }
}

mirror! {
    /// Where the goods stand.
    enum FulfillmentStatus {
        /// Nothing shipped yet.
        Unfulfilled,
        /// Some items shipped.
        PartiallyFulfilled,
        /// Everything shipped (or delivered).
        Fulfilled,
        /// Goods came back.
        Returned,
        /// Fulfilment was cancelled.
        Cancelled,
        /// Not known from the backend's value.
        Unknown,
    }
}

mirror! {
    /// The vendor API a backend speaks.
    enum BackendKind {
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
}

#[cfg(test)]
mod tests {
    use async_graphql::resolver_utils::EnumType;

    use super::*;

    // Every domain value converts to the GraphQL value of the same name and back to itself.
    #[test]
    fn conversions_round_trip() {
        for kind in domain::BackendKind::ALL {
            let api = BackendKind::from(kind);
            assert_eq!(format!("{api:?}"), format!("{kind:?}"));
            assert_eq!(domain::BackendKind::from(api), kind);
        }
        for status in OrderStatus::items().iter().map(|item| item.value) {
            let back = domain::OrderStatus::from(status);
            assert_eq!(format!("{back:?}"), format!("{status:?}"));
            assert_eq!(OrderStatus::from(back), status);
        }
        for status in PaymentStatus::items().iter().map(|item| item.value) {
            assert_eq!(PaymentStatus::from(domain::PaymentStatus::from(status)), status);
        }
        for status in FulfillmentStatus::items().iter().map(|item| item.value) {
            assert_eq!(FulfillmentStatus::from(domain::FulfillmentStatus::from(status)), status);
        }
    }

    // The GraphQL names are the domain's serde names (SCREAMING_SNAKE_CASE): one spelling in JSON and GraphQL.
    #[test]
    fn graphql_names_match_the_domain_spelling() {
        for item in OrderStatus::items() {
            let domain = domain::OrderStatus::from(item.value);
            assert_eq!(serde_json::to_value(domain).unwrap(), item.name, "{domain:?}");
        }
        for item in PaymentStatus::items() {
            assert_eq!(serde_json::to_value(domain::PaymentStatus::from(item.value)).unwrap(), item.name);
        }
        for item in FulfillmentStatus::items() {
            assert_eq!(serde_json::to_value(domain::FulfillmentStatus::from(item.value)).unwrap(), item.name);
        }
        for item in BackendKind::items() {
            let kind = domain::BackendKind::from(item.value);
            assert_eq!(kind.as_str().to_uppercase(), item.name);
        }
    }
}
