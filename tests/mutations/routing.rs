//! The routing table, one test per backend kind: the native calls each mutation makes, the state after them,
//! and the refusals.

use super::*;

// VTEX: PROCESSING is start-handling (only from ready-for-handling); SHIPPED is an invoice notification that
// needs an invoice number; DELIVERED is tracking with isDelivered; cancel posts the reason and is refused once
// invoiced; tags and link are UNSUPPORTED without a call.
#[tokio::test]
async fn vtex_routing() {
    let stack = Stack::start(&[SandboxKind::Vtex], options(60)).await;
    let kind = SandboxKind::Vtex;
    let ready = find(&stack, "vtex", |n| n["status"]["native"] == "ready-for-handling").await;
    let id = ready["id"].as_str().unwrap();
    let native = ready["nativeId"].as_str().unwrap();

    let from = count(&stack, kind);
    let payload = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "PROCESSING" }),
    )
    .await;
    assert_eq!(ok(&payload)["status"]["native"], "handling");
    let calls = writes(&stack, kind, from);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].method.as_str(), calls[0].path.as_str()),
        ("POST", &*format!("/api/oms/pvt/orders/{native}/start-handling"))
    );

    let again = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "PROCESSING" }),
    )
    .await;
    assert_eq!(user_error(&again), "INVALID_STATUS_TRANSITION");

    let from = count(&stack, kind);
    let missing = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "SHIPPED" }),
    )
    .await;
    assert_eq!(user_error(&missing), "INVALID_INPUT");
    assert_eq!(missing["userErrors"][0]["field"], json!(["input", "shipment", "invoiceNumber"]));
    assert!(writes(&stack, kind, from).is_empty());

    let shipped = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "SHIPPED", "shipment": { "invoiceNumber": "NF-1001", "carrier": "Correios", "trackingNumber": "BR123", "trackingUrl": "https://t.example/BR123" } }),
    )
    .await;
    assert_eq!(ok(&shipped)["status"]["native"], "invoiced");
    let calls = writes(&stack, kind, from);
    let invoice = calls.iter().find(|r| r.path.ends_with("/invoice")).expect("invoice posted");
    let body: Value = serde_json::from_str(&invoice.body).unwrap();
    assert_eq!(body["invoiceNumber"], "NF-1001");
    assert_eq!(body["type"], "Output");
    assert!(body["invoiceValue"].is_string(), "invoiceValue is a string of cents: {body}");
    assert!(!body["items"].as_array().unwrap().is_empty());
    assert_eq!(body["trackingNumber"], "BR123");

    let from = count(&stack, kind);
    let delivered = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "DELIVERED" }),
    )
    .await;
    ok(&delivered);
    let calls = writes(&stack, kind, from);
    let tracking = calls.iter().find(|r| r.method == "PUT").expect("tracking PUT");
    assert_eq!(tracking.path, format!("/api/oms/pvt/orders/{native}/invoice/NF-1001/tracking"));
    assert_eq!(serde_json::from_str::<Value>(&tracking.body).unwrap()["isDelivered"], true);

    let refused =
        mutate(&stack, "cancelOrder", "CancelOrderInput", json!({ "id": id, "reason": "too late" })).await;
    assert_eq!(user_error(&refused), "INVALID_STATUS_TRANSITION");

    let open = find(&stack, "vtex", |n| {
        n["status"]["native"] == "payment-approved" || n["status"]["native"] == "handling"
    })
    .await;
    let from = count(&stack, kind);
    let cancelled = mutate(
        &stack,
        "cancelOrder",
        "CancelOrderInput",
        json!({ "id": open["id"], "reason": "customer asked" }),
    )
    .await;
    assert_eq!(ok(&cancelled)["status"]["order"], "CANCELLED");
    let calls = writes(&stack, kind, from);
    assert_eq!(calls[0].path, format!("/api/oms/pvt/orders/{}/cancel", open["nativeId"].as_str().unwrap()));
    assert_eq!(serde_json::from_str::<Value>(&calls[0].body).unwrap()["reason"], "customer asked");

    let from = count(&stack, kind);
    let tags = mutate(&stack, "addOrderTags", "OrderTagsInput", json!({ "id": id, "tags": ["vip"] })).await;
    assert_eq!(user_error(&tags), "UNSUPPORTED");
    let link =
        mutate(&stack, "linkOrder", "LinkOrderInput", json!({ "id": id, "externalOrderId": "x-1" })).await;
    assert_eq!(user_error(&link), "UNSUPPORTED");
    assert_eq!(count(&stack, kind), from, "unsupported cells make no call");
}

// Wix: SHIPPED creates a fulfillment of every line item with tracking; cancel sends the e-mail and restock
// flags (a refund is UNSUPPORTED); tags by name are created when missing and assigned by id; link UNSUPPORTED.
#[tokio::test]
async fn wix_routing() {
    let stack = Stack::start(&[SandboxKind::Wix], options(60)).await;
    let kind = SandboxKind::Wix;
    let open = find(&stack, "wix", |n| {
        n["status"]["order"] != "CANCELLED" && n["status"]["fulfillment"] == "UNFULFILLED"
    })
    .await;
    let id = open["id"].as_str().unwrap();
    let native = open["nativeId"].as_str().unwrap();

    let from = count(&stack, kind);
    let shipped = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "SHIPPED", "shipment": { "carrier": "ups", "trackingNumber": "1Z999" } }),
    )
    .await;
    assert_eq!(ok(&shipped)["status"]["fulfillment"], "FULFILLED");
    let calls = writes(&stack, kind, from);
    let fulfil = calls.iter().find(|r| r.path.ends_with("/create-fulfillment")).expect("fulfillment created");
    assert_eq!(fulfil.path, format!("/ecom/v1/fulfillments/orders/{native}/create-fulfillment"));
    let body: Value = serde_json::from_str(&fulfil.body).unwrap();
    assert_eq!(
        body["fulfillment"]["lineItems"].as_array().unwrap().len(),
        open["lineItems"].as_array().unwrap().len()
    );
    assert_eq!(body["fulfillment"]["trackingInfo"]["trackingNumber"], "1Z999");

    let from = count(&stack, kind);
    let refund = mutate(
        &stack,
        "cancelOrder",
        "CancelOrderInput",
        json!({ "id": id, "reason": "r", "refundAmount": "1.00" }),
    )
    .await;
    assert_eq!(user_error(&refund), "UNSUPPORTED");
    assert_eq!(count(&stack, kind), from);

    let other = find(&stack, "wix", |n| n["status"]["order"] != "CANCELLED" && n["id"] != id).await;
    let from = count(&stack, kind);
    let cancelled = mutate(
        &stack,
        "cancelOrder",
        "CancelOrderInput",
        json!({ "id": other["id"], "reason": "out of stock", "notifyCustomer": false, "restock": true }),
    )
    .await;
    assert_eq!(ok(&cancelled)["status"]["order"], "CANCELLED");
    let calls = writes(&stack, kind, from);
    let cancel = calls.iter().find(|r| r.path.ends_with("/cancel")).unwrap();
    let body: Value = serde_json::from_str(&cancel.body).unwrap();
    assert_eq!(body["sendOrderCanceledEmail"], false);
    assert_eq!(body["restockAllItems"], true);

    let from = count(&stack, kind);
    let tagged =
        mutate(&stack, "addOrderTags", "OrderTagsInput", json!({ "id": id, "tags": ["brand-new-tag"] }))
            .await;
    assert!(ok(&tagged)["tags"].as_array().unwrap().contains(&json!("brand-new-tag")));
    let calls = writes(&stack, kind, from);
    assert!(calls.iter().any(|r| r.path == "/tags/v1/tags"), "missing tag created: {calls:?}");
    let update =
        calls.iter().find(|r| r.path == "/ecom/v1/bulk/orders/update-tags").expect("bulk update-tags");
    let body: Value = serde_json::from_str(&update.body).unwrap();
    assert_eq!(body["orderIds"], json!([native]));
    let untagged =
        mutate(&stack, "removeOrderTags", "OrderTagsInput", json!({ "id": id, "tags": ["brand-new-tag"] }))
            .await;
    assert!(!ok(&untagged)["tags"].as_array().unwrap().contains(&json!("brand-new-tag")));

    let from = count(&stack, kind);
    let link =
        mutate(&stack, "linkOrder", "LinkOrderInput", json!({ "id": id, "externalOrderId": "x-1" })).await;
    assert_eq!(user_error(&link), "UNSUPPORTED");
    assert_eq!(count(&stack, kind), from);
}

// Storeden: status updates are form-encoded PUTs (courier, tracking and pickup date with SHIPPED); cancel is
// status 7; tags are POSTed and DELETEd; link is UNSUPPORTED.
#[tokio::test]
async fn storeden_routing() {
    let stack = Stack::start(&[SandboxKind::Storeden], options(40)).await;
    let kind = SandboxKind::Storeden;
    let paid =
        find(&stack, "storeden", |n| n["status"]["native"] == "1" || n["status"]["native"] == "2").await;
    let id = paid["id"].as_str().unwrap();
    let native = paid["nativeId"].as_str().unwrap();

    let from = count(&stack, kind);
    let shipped = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "SHIPPED", "shipment": { "carrier": "BRT", "trackingNumber": "BRT123", "shippedAt": "2026-11-20T10:00:00+01:00" } }),
    )
    .await;
    assert_eq!(ok(&shipped)["status"]["native"], "3");
    let calls = writes(&stack, kind, from);
    assert_eq!((calls[0].method.as_str(), calls[0].path.as_str()), ("PUT", "/v1.1/orders/order.json"));
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&calls[0].body).unwrap();
    let field = |k: &str| form.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    assert_eq!(field("orderID"), Some(native));
    assert_eq!(field("status"), Some("3"));
    assert_eq!(field("courier"), Some("BRT"));
    assert_eq!(field("tracking"), Some("BRT123"));
    assert_eq!(field("pickup_date"), Some("2026-11-20"));

    let from = count(&stack, kind);
    let cancelled =
        mutate(&stack, "cancelOrder", "CancelOrderInput", json!({ "id": id, "reason": "fraud" })).await;
    assert_eq!(ok(&cancelled)["status"]["native"], "7");
    let calls = writes(&stack, kind, from);
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&calls[0].body).unwrap();
    assert!(form.contains(&("status".into(), "7".into())));

    let from = count(&stack, kind);
    let tagged =
        mutate(&stack, "addOrderTags", "OrderTagsInput", json!({ "id": id, "tags": ["vip", "gift"] })).await;
    let tags = ok(&tagged)["tags"].as_array().unwrap().clone();
    assert!(tags.contains(&json!("vip")) && tags.contains(&json!("gift")), "{tags:?}");
    let calls = writes(&stack, kind, from);
    assert_eq!((calls[0].method.as_str(), calls[0].path.as_str()), ("POST", "/v1.1/orders/tags.json"));
    let untagged =
        mutate(&stack, "removeOrderTags", "OrderTagsInput", json!({ "id": id, "tags": ["vip"] })).await;
    let tags = ok(&untagged)["tags"].as_array().unwrap().clone();
    assert!(!tags.contains(&json!("vip")) && tags.contains(&json!("gift")), "{tags:?}");
    assert!(
        writes(&stack, kind, from).iter().any(|r| r.method == "DELETE" && r.path == "/v1.1/orders/tags.json")
    );

    let from = count(&stack, kind);
    let link =
        mutate(&stack, "linkOrder", "LinkOrderInput", json!({ "id": id, "externalOrderId": "x" })).await;
    assert_eq!(user_error(&link), "UNSUPPORTED");
    assert_eq!(count(&stack, kind), from);
}

// VesuvioPay: status by name with the transition table checked before any call; cancel with refund; link with
// the internal id (already linked to the same id is success, to another is CONFLICT); tags UNSUPPORTED.
#[tokio::test]
async fn vesuviopay_routing() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(40)).await;
    let kind = SandboxKind::Vesuviopay;
    let pending = find(&stack, "vesuviopay", |n| n["status"]["native"] == "Pending").await;
    let id = pending["id"].as_str().unwrap();
    let native = pending["nativeId"].as_str().unwrap();

    let from = count(&stack, kind);
    let invalid = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "SHIPPED" }),
    )
    .await;
    assert_eq!(user_error(&invalid), "INVALID_STATUS_TRANSITION");
    let message = invalid["userErrors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("is PENDING (vesuviopay status \"Pending\") and cannot be set to SHIPPED"),
        "{message}"
    );
    assert!(message.ends_with("only to CONFIRMED, CANCELLED, REFUNDED"), "{message}");
    assert!(writes(&stack, kind, from).is_empty(), "refused before the call");

    let from = count(&stack, kind);
    let confirmed = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "CONFIRMED", "reason": "paid by wire" }),
    )
    .await;
    assert_eq!(ok(&confirmed)["status"]["native"], "Confirmed");
    let calls = writes(&stack, kind, from);
    assert_eq!(
        (calls[0].method.as_str(), calls[0].path.as_str()),
        ("PUT", &*format!("/api/v1/orders/{native}/status"))
    );
    let body: Value = serde_json::from_str(&calls[0].body).unwrap();
    assert_eq!(body["status"], "Confirmed");
    assert_eq!(body["statusChangeReason"], "paid by wire");

    let unlinked =
        find(&stack, "vesuviopay", |n| n["externalOrderId"].is_null() && n["status"]["order"] != "CANCELLED")
            .await;
    let uid = unlinked["id"].as_str().unwrap();
    let from = count(&stack, kind);
    let linked = mutate(
        &stack,
        "linkOrder",
        "LinkOrderInput",
        json!({ "id": uid, "externalOrderId": "shopify_order_777", "platform": "Shopify" }),
    )
    .await;
    assert_eq!(ok(&linked)["externalOrderId"], "shopify_order_777");
    let calls = writes(&stack, kind, from);
    assert_eq!(calls[0].path, format!("/api/v1/orders/{}/link", unlinked["nativeId"].as_str().unwrap()));
    let from = count(&stack, kind);
    let same = mutate(
        &stack,
        "linkOrder",
        "LinkOrderInput",
        json!({ "id": uid, "externalOrderId": "shopify_order_777" }),
    )
    .await;
    ok(&same);
    assert!(writes(&stack, kind, from).is_empty(), "already linked to the same id: no write");
    let other = mutate(
        &stack,
        "linkOrder",
        "LinkOrderInput",
        json!({ "id": uid, "externalOrderId": "shopify_order_778" }),
    )
    .await;
    assert_eq!(user_error(&other), "CONFLICT");

    let negative = mutate(
        &stack,
        "cancelOrder",
        "CancelOrderInput",
        json!({ "id": uid, "reason": "x", "refundAmount": "-1" }),
    )
    .await;
    assert_eq!(user_error(&negative), "INVALID_INPUT");
    let empty = mutate(&stack, "cancelOrder", "CancelOrderInput", json!({ "id": uid, "reason": "  " })).await;
    assert_eq!(user_error(&empty), "INVALID_INPUT");
    let from = count(&stack, kind);
    let cancelled = mutate(
        &stack,
        "cancelOrder",
        "CancelOrderInput",
        json!({ "id": uid, "reason": "customer asked", "refundAmount": "10.50", "notifyCustomer": false }),
    )
    .await;
    assert_eq!(ok(&cancelled)["status"]["order"], "CANCELLED");
    let calls = writes(&stack, kind, from);
    let body: Value = serde_json::from_str(&calls[0].body).unwrap();
    assert_eq!(
        body["refundAmount"].to_string().parse::<rust_decimal::Decimal>().unwrap(),
        rust_decimal::Decimal::new(1050, 2)
    );
    assert_eq!(body["notifyCustomer"], false);
    assert_eq!(body["restockItems"], true);

    let from = count(&stack, kind);
    let tags = mutate(&stack, "addOrderTags", "OrderTagsInput", json!({ "id": uid, "tags": ["vip"] })).await;
    assert_eq!(user_error(&tags), "UNSUPPORTED");
    assert_eq!(count(&stack, kind), from);
}

// MerchantPro: statuses are PATCHes of in_process, shipped, delivered, returned; cancel PATCHes cancelled; tags
// are read, changed and written back whole so other tags survive; link is UNSUPPORTED.
#[tokio::test]
async fn merchantpro_routing() {
    let stack = Stack::start(&[SandboxKind::Merchantpro], options(40)).await;
    let kind = SandboxKind::Merchantpro;
    let waiting = find(&stack, "merchantpro", |n| {
        n["status"]["native"].as_str().is_some_and(|s| s.ends_with("/awaiting") || s.ends_with("/confirmed"))
    })
    .await;
    let id = waiting["id"].as_str().unwrap();
    let native = waiting["nativeId"].as_str().unwrap();
    for (status, handler) in [
        ("PROCESSING", "in_process"),
        ("SHIPPED", "shipped"),
        ("DELIVERED", "delivered"),
        ("RETURNED", "returned"),
    ] {
        let from = count(&stack, kind);
        let payload = mutate(
            &stack,
            "updateOrderStatus",
            "UpdateOrderStatusInput",
            json!({ "id": id, "status": status }),
        )
        .await;
        assert!(
            ok(&payload)["status"]["native"].as_str().unwrap().ends_with(&format!("/{handler}")),
            "{payload}"
        );
        let calls = writes(&stack, kind, from);
        assert!(
            calls
                .iter()
                .any(|r| r.method == "PATCH" && r.path == format!("/api/v2/orders/{native}/{handler}")),
            "{calls:?}"
        );
    }

    let open = find(&stack, "merchantpro", |n| {
        n["status"]["native"].as_str().is_some_and(|s| s.ends_with("/awaiting"))
    })
    .await;
    let from = count(&stack, kind);
    let cancelled = mutate(
        &stack,
        "cancelOrder",
        "CancelOrderInput",
        json!({ "id": open["id"], "reason": "customer asked" }),
    )
    .await;
    assert_eq!(ok(&cancelled)["status"]["order"], "CANCELLED");
    assert!(writes(&stack, kind, from).iter().any(|r| r.path.ends_with("/cancelled")));

    let tagged = find(&stack, "merchantpro", |n| !n["tags"].as_array().unwrap().is_empty()).await;
    let existing = tagged["tags"][0].as_str().unwrap().to_string();
    let from = count(&stack, kind);
    let added = mutate(
        &stack,
        "addOrderTags",
        "OrderTagsInput",
        json!({ "id": tagged["id"], "tags": ["ordergraph"] }),
    )
    .await;
    let tags = ok(&added)["tags"].as_array().unwrap().clone();
    assert!(tags.contains(&json!("ordergraph")) && tags.contains(&json!(existing)), "{tags:?}");
    let patch = writes(&stack, kind, from).into_iter().find(|r| r.method == "PATCH").unwrap();
    let body: Value = serde_json::from_str(&patch.body).unwrap();
    assert!(body["tags"].as_array().unwrap().len() >= 2, "the whole list is written: {body}");
    let removed = mutate(
        &stack,
        "removeOrderTags",
        "OrderTagsInput",
        json!({ "id": tagged["id"], "tags": ["ordergraph"] }),
    )
    .await;
    let tags = ok(&removed)["tags"].as_array().unwrap().clone();
    assert!(!tags.contains(&json!("ordergraph")) && tags.contains(&json!(existing)), "{tags:?}");

    let from = count(&stack, kind);
    let link =
        mutate(&stack, "linkOrder", "LinkOrderInput", json!({ "id": id, "externalOrderId": "x" })).await;
    assert_eq!(user_error(&link), "UNSUPPORTED");
    assert_eq!(count(&stack, kind), from);
}
