//! The contract's codes for status changes: UNSUPPORTED without any call for a target outside the backend's
//! capabilities, INVALID_STATUS_TRANSITION before the call where the vendor documents the rule (and for the
//! vendor's own refusal), cancelling a cancelled order refused alike on every backend, and messages in the
//! API's words.

use super::*;

/// The Rust spellings of the unified statuses, which no message may use (the API says `PARTIALLY_SHIPPED`).
const RUST_NAMES: [&str; 11] = [
    "Pending",
    "Confirmed",
    "Processing",
    "Shipped",
    "PartiallyShipped",
    "Delivered",
    "PartiallyDelivered",
    "Cancelled",
    "Refunded",
    "Returned",
    "Closed",
];

/// The first userError's message, checked to use no Rust name outside quotes (quoted text is the vendor's own
/// value, e.g. VesuvioPay's `"Delivered"`).
fn message(payload: &Value) -> String {
    let message = payload["userErrors"][0]["message"].as_str().expect("a message").to_string();
    let unquoted: String = message.split('"').step_by(2).collect::<Vec<_>>().join(" ");
    for word in unquoted.split(|c: char| !c.is_ascii_alphanumeric()) {
        assert!(!RUST_NAMES.contains(&word), "{word:?} in {message:?}");
    }
    message
}

/// A backend, its sandbox, and which of its orders can be cancelled.
type Cancellable = (&'static str, SandboxKind, fn(&Value) -> bool);

async fn set_status(stack: &Stack, id: &Value, status: &str) -> Value {
    mutate(stack, "updateOrderStatus", "UpdateOrderStatusInput", json!({ "id": id, "status": status })).await
}

async fn cancel(stack: &Stack, id: &Value) -> Value {
    mutate(stack, "cancelOrder", "CancelOrderInput", json!({ "id": id, "reason": "customer asked" })).await
}

// A target status outside the backend's capabilities is UNSUPPORTED, names what it can set in the API's
// words, and makes no call at all (not even a read).
#[tokio::test]
async fn unsupported_targets_make_no_call() {
    let stack = Stack::start(&SandboxKind::ALL, options(40)).await;
    let cases = [
        ("vtex", SandboxKind::Vtex, "PENDING", "it can set PROCESSING, SHIPPED, DELIVERED"),
        ("wix", SandboxKind::Wix, "PROCESSING", "it can set SHIPPED"),
        ("storeden", SandboxKind::Storeden, "CANCELLED", "use cancelOrder"),
        (
            "vesuviopay",
            SandboxKind::Vesuviopay,
            "RETURNED",
            "it can set PENDING, CONFIRMED, PROCESSING, SHIPPED, PARTIALLY_SHIPPED, DELIVERED, \
             PARTIALLY_DELIVERED, REFUNDED",
        ),
        (
            "merchantpro",
            SandboxKind::Merchantpro,
            "PARTIALLY_SHIPPED",
            "it can set PROCESSING, SHIPPED, DELIVERED, RETURNED",
        ),
    ];
    for (backend, kind, target, can) in cases {
        let order = find(&stack, backend, |_| true).await;
        let from = count(&stack, kind);
        let payload = set_status(&stack, &order["id"], target).await;
        assert_eq!(user_error(&payload), "UNSUPPORTED", "{backend}: {payload:#}");
        let text = message(&payload);
        assert!(text.contains(&format!("updateOrderStatus to {target}")) && text.contains(can), "{text}");
        assert_eq!(payload["order"], Value::Null);
        assert_eq!(count(&stack, kind), from, "{backend}: no call for an unsupported change");
    }
}

// Where the vendor documents the rule, a transition it refuses is INVALID_STATUS_TRANSITION before any write:
// VesuvioPay's table (DELIVERED → PENDING), VTEX's start-handling only from ready-for-handling, delivery only
// once invoiced and no cancel once invoiced, and Wix's single fulfilment.
#[tokio::test]
async fn documented_rules_refuse_before_the_call() {
    let stack =
        Stack::start(&[SandboxKind::Vtex, SandboxKind::Wix, SandboxKind::Vesuviopay], options(40)).await;

    let kind = SandboxKind::Vesuviopay;
    let delivered = find(&stack, "vesuviopay", |n| n["status"]["native"] == "Delivered").await;
    let from = count(&stack, kind);
    let refused = set_status(&stack, &delivered["id"], "PENDING").await;
    assert_eq!(user_error(&refused), "INVALID_STATUS_TRANSITION");
    let text = message(&refused);
    assert!(
        text.contains("is DELIVERED (vesuviopay status \"Delivered\") and cannot be set to PENDING"),
        "{text}"
    );
    assert!(text.ends_with("only to CANCELLED, REFUNDED"), "{text}");
    assert!(writes(&stack, kind, from).is_empty(), "refused before the call");

    let kind = SandboxKind::Vtex;
    let handling = find(&stack, "vtex", |n| n["status"]["native"] == "handling").await;
    let invoiced = find(&stack, "vtex", |n| n["status"]["native"] == "invoiced").await;
    let from = count(&stack, kind);
    let again = set_status(&stack, &handling["id"], "PROCESSING").await;
    assert_eq!(user_error(&again), "INVALID_STATUS_TRANSITION");
    assert!(message(&again).contains("VTEX starts handling only orders in \"ready-for-handling\""));
    let early = set_status(&stack, &handling["id"], "DELIVERED").await;
    assert_eq!(user_error(&early), "INVALID_STATUS_TRANSITION");
    assert!(
        message(&early)
            .contains("cannot be set to DELIVERED: VTEX records a delivery on the order's invoice")
    );
    let late = cancel(&stack, &invoiced["id"]).await;
    assert_eq!(user_error(&late), "INVALID_STATUS_TRANSITION");
    assert!(message(&late).contains("does not cancel invoiced orders"));
    assert!(writes(&stack, kind, from).is_empty(), "refused before the call");

    let kind = SandboxKind::Wix;
    let fulfilled = find(&stack, "wix", |n| {
        n["status"]["fulfillment"] == "FULFILLED" && n["status"]["order"] != "CANCELLED"
    })
    .await;
    let from = count(&stack, kind);
    let twice = set_status(&stack, &fulfilled["id"], "SHIPPED").await;
    assert_eq!(user_error(&twice), "INVALID_STATUS_TRANSITION");
    assert!(message(&twice).contains("every item is already fulfilled"));
    assert!(writes(&stack, kind, from).is_empty(), "refused before the call");
}

// A check made on a cached copy that the vendor's state has since overtaken still ends as
// INVALID_STATUS_TRANSITION: VTEX's own refusal (409 OMS003) maps to it.
#[tokio::test]
async fn the_vendors_refusal_is_an_invalid_transition() {
    let stack = Stack::start(&[SandboxKind::Vtex], options(40)).await;
    let kind = SandboxKind::Vtex;
    let ready = find(&stack, "vtex", |n| n["status"]["native"] == "ready-for-handling").await;
    // Read through the gateway (cached as ready-for-handling), then started outside it.
    let read = stack
        .gql("query($id: ID!) { order(id: $id) { status { native } } }", json!({ "id": ready["id"] }))
        .await;
    assert_eq!(read["data"]["order"]["status"]["native"], "ready-for-handling");
    let sandbox = stack.sandbox(kind);
    let path = format!("/api/oms/pvt/orders/{}/start-handling", ready["nativeId"].as_str().unwrap());
    let outside = stack
        .http()
        .post(format!("{}{path}", sandbox.base_url))
        .header("X-VTEX-API-AppKey", ordergraph::sandbox::SANDBOX_CREDENTIAL)
        .header("X-VTEX-API-AppToken", ordergraph::sandbox::SANDBOX_CREDENTIAL)
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), 204);

    let refused = set_status(&stack, &ready["id"], "PROCESSING").await;
    assert_eq!(user_error(&refused), "INVALID_STATUS_TRANSITION", "{refused:#}");
    message(&refused);
    assert_eq!(sandbox.control.count_matching("POST", &path), 2, "the gateway's call was made and refused");
}

// Cancelling an order that is already cancelled is INVALID_STATUS_TRANSITION on every backend, with no write:
// after a cancellation through the gateway, and for an order that was cancelled before.
#[tokio::test]
async fn cancelling_a_cancelled_order_is_refused_everywhere() {
    let stack = Stack::start(&SandboxKind::ALL, options(40)).await;
    let cancellable: [Cancellable; 5] = [
        ("vtex", SandboxKind::Vtex, |n| n["status"]["native"] == "ready-for-handling"),
        ("wix", SandboxKind::Wix, |n| n["status"]["order"] == "CONFIRMED"),
        ("storeden", SandboxKind::Storeden, |n| n["status"]["native"] == "1"),
        ("vesuviopay", SandboxKind::Vesuviopay, |n| n["status"]["native"] == "Pending"),
        ("merchantpro", SandboxKind::Merchantpro, |n| n["status"]["native"] == "paid/awaiting"),
    ];
    for (backend, kind, pick) in cancellable {
        let order = find(&stack, backend, pick).await;
        assert_eq!(ok(&cancel(&stack, &order["id"]).await)["status"]["order"], "CANCELLED", "{backend}");
        let from = count(&stack, kind);
        let again = cancel(&stack, &order["id"]).await;
        assert_eq!(user_error(&again), "INVALID_STATUS_TRANSITION", "{backend}: {again:#}");
        assert!(message(&again).contains("is CANCELLED"), "{backend}");
        assert!(message(&again).ends_with("it is already cancelled"), "{backend}");
        assert!(writes(&stack, kind, from).is_empty(), "{backend}: no second cancellation sent");

        let earlier =
            find(&stack, backend, |n| n["status"]["order"] == "CANCELLED" && n["id"] != order["id"]).await;
        let from = count(&stack, kind);
        let refused = cancel(&stack, &earlier["id"]).await;
        assert_eq!(user_error(&refused), "INVALID_STATUS_TRANSITION", "{backend}: {refused:#}");
        assert!(writes(&stack, kind, from).is_empty(), "{backend}: no write");
    }
}
