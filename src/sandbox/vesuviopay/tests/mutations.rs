//! Tests of the write endpoints and of fault injection.

use super::*;

// Status updates follow the table, accept either id, merge tracking metadata; bad moves are 400.
#[tokio::test]
async fn status_update_rules() {
    let app = app();
    let pending = first_with(&app, "Pending").await;
    let id = pending["id"].as_str().unwrap();
    let uri = format!("/api/v1/orders/{id}/status");
    let (status, body) = call(&app, "PUT", &uri, Some(json!({"status": "Shipped"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"success":false,"message":"Cannot change status from Pending to Shipped","errorCode":"INVALID_STATUS_TRANSITION"})
    );
    for next in ["Confirmed", "processing"] {
        let (status, body) =
            call(&app, "PUT", &uri, Some(json!({"status": next, "statusChangeReason": "ok"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["success"], json!(true));
    }
    let shipment = json!({"status": "Shipped", "statusChangeReason": "Order dispatched via FedEx",
        "metadata": {"trackingNumber": "FDX123456789", "carrier": "FedEx", "estimatedDelivery": "2025-10-12"}});
    let (status, body) = call(&app, "PUT", &uri, Some(shipment)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["previousStatus"], json!("Processing"));
    assert_eq!(body["data"]["status"], json!("Shipped"));
    let (_, order) = call(&app, "GET", &format!("/api/v1/orders/{id}"), None).await;
    assert_eq!(order["data"]["status"], json!("Shipped"));
    assert_eq!(order["data"]["metadata"]["trackingNumber"], json!("FDX123456789"));
    assert!(order["data"]["items"].as_array().unwrap().iter().all(|i| i["itemStatus"] == json!("Shipped")));
    assert!(order["data"]["updatedAt"].as_str().unwrap() > order["data"]["placedAt"].as_str().unwrap());
    let (status, body) = call(&app, "PUT", &uri, Some(json!({"status": "Pending"}))).await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::BAD_REQUEST, json!("Cannot change status from Shipped to Pending"))
    );
    // By external id; Delivered → Refunded is allowed ("any → Refunded").
    let delivered = list(&app, "?status=Delivered").await;
    let linked = delivered.iter().find(|o| o["externalOrderId"].is_string()).unwrap();
    let ext_uri = format!("/api/v1/orders/{}/status", linked["externalOrderId"].as_str().unwrap());
    let (status, _) = call(&app, "PUT", &ext_uri, Some(json!({"status": "Refunded"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(&app, "PUT", &ext_uri, Some(json!({"status": "Refunded"}))).await;
    assert_eq!(
        (status, body["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_STATUS_TRANSITION"))
    );
    for bad in [json!({"status": "Teleported"}), json!({}), json!({"status": "Shipped", "metadata": "x"})] {
        let (status, body) = call(&app, "PUT", &uri, Some(bad)).await;
        assert_eq!((status, body["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    }
    let (status, _) =
        call(&app, "PUT", "/api/v1/orders/missing/status", Some(json!({"status": "Cancelled"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// Cancel: refund checks, both reason names, refundId only with a refund, and no second cancel.
#[tokio::test]
async fn cancel_rules() {
    let app = app();
    let uri = "/api/v1/orders/shopify_order_12345/cancel";
    let over = json!({"cancellationReason": "x", "refundAmount": 159.98});
    let (status, body) = call(&app, "PUT", uri, Some(over)).await;
    assert_eq!(
        (status, body["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_REFUND_AMOUNT"))
    );
    let (status, body) =
        call(&app, "PUT", uri, Some(json!({"cancellationReason": "x", "refundAmount": -1}))).await;
    assert_eq!(
        (status, body["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_REFUND_AMOUNT"))
    );
    for bad in [
        json!({"refundAmount": null}),
        json!({"reason": "x", "refundAmount": "10.00"}),
        json!({"reason": "x", "refundAmount": 1.005}),
    ] {
        let (status, body) = call(&app, "PUT", uri, Some(bad)).await;
        assert_eq!((status, body["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    }
    let (status, _, text) =
        send(&app, "PUT", "/api/v1/orders/missing/cancel", Some("sandbox"), Some(json!({"reason": "x"})))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let full = json!({"cancellationReason": "Customer requested cancellation", "refundAmount": 159.97,
        "notifyCustomer": true, "restockItems": true});
    let (status, _, text) = send(&app, "PUT", uri, Some("sandbox"), Some(full)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains(r#""refundAmount":159.97,"refundId":"rf_"#), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["message"], json!("Order cancelled successfully"));
    assert_eq!(body["data"]["orderId"], json!(EXAMPLE_ID));
    assert_eq!(body["data"]["status"], json!("Cancelled"));
    assert!(body["data"]["cancelledAt"].as_str().unwrap().ends_with('Z'));
    let (status, body) = call(&app, "PUT", uri, Some(json!({"reason": "again"}))).await;
    assert_eq!(
        body,
        json!({"success":false,"message":"Cannot change status from Cancelled to Cancelled","errorCode":"INVALID_STATUS_TRANSITION"})
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // `reason` (the overview's name) and a null refund: cancelled, no refundId.
    let confirmed = first_with(&app, "Confirmed").await;
    let uri = format!("/api/v1/orders/{}/cancel", confirmed["id"].as_str().unwrap());
    let (status, body) =
        call(&app, "PUT", &uri, Some(json!({"reason": "Duplicate order", "refundAmount": null}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["data"]["refundAmount"].clone(), body["data"]["refundId"].clone()),
        (Value::Null, Value::Null)
    );
    let (_, order) =
        call(&app, "GET", &format!("/api/v1/orders/{}", confirmed["id"].as_str().unwrap()), None).await;
    assert_eq!(order["data"]["status"], json!("Cancelled"));
    assert_eq!(order["data"]["metadata"]["cancellationReason"], json!("Duplicate order"));
}

// Link: internal UUID only, write-once, unique per store; the new external id then finds the order.
#[tokio::test]
async fn link_rules() {
    let app = app();
    let rows = list(&app, "").await;
    let unlinked: Vec<&Value> = rows.iter().filter(|o| o["externalOrderId"].is_null()).collect();
    let linked = rows.iter().find(|o| o["externalOrderId"].is_string()).unwrap();
    let body = json!({"externalOrderId": "shopify_order_99999", "platformName": "Shopify"});
    let by_external = format!("/api/v1/orders/{}/link", linked["externalOrderId"].as_str().unwrap());
    let (status, reply) = call(&app, "PUT", &by_external, Some(body.clone())).await;
    assert_eq!((status, reply["errorCode"].clone()), (StatusCode::NOT_FOUND, json!("ORDER_NOT_FOUND")));
    let id = unlinked[0]["id"].as_str().unwrap();
    let (status, reply) =
        call(&app, "PUT", &format!("/api/v1/orders/{id}/link"), Some(json!({"platformName": "x"}))).await;
    assert_eq!((status, reply["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    let (status, reply) = call(&app, "PUT", &format!("/api/v1/orders/{id}/link"), Some(body.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["message"], json!("Order linked to platform successfully"));
    let data = reply["data"].as_object().unwrap();
    assert_eq!(
        data.keys().map(String::as_str).collect::<Vec<_>>(),
        ["orderId", "externalOrderId", "platformName", "linkedAt"]
    );
    assert_eq!(data["orderId"], json!(id));
    let (status, reply) = call(&app, "PUT", &format!("/api/v1/orders/{id}/link"), Some(body.clone())).await;
    assert_eq!(
        (status, reply["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("ORDER_ALREADY_LINKED"))
    );
    let other = unlinked[1]["id"].as_str().unwrap();
    let (status, reply) = call(&app, "PUT", &format!("/api/v1/orders/{other}/link"), Some(body)).await;
    assert_eq!((status, reply["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("EXTERNAL_ID_EXISTS")));
    let (status, order) = call(&app, "GET", "/api/v1/orders/shopify_order_99999", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (order["data"]["id"].clone(), order["data"]["platformName"].clone()),
        (json!(id), json!("Shopify"))
    );
}

// Create: the documented example body gives 201 and a new newest order; duplicates 409; missing fields 400.
#[tokio::test]
async fn create_rules() {
    let app = app();
    let order = json!({
        "externalOrderId": "shopify_order_67890", "platformName": "Shopify",
        "customerEmail": "customer@example.com", "customerPhone": "+1234567890",
        "items": [{"externalProductId": "shopify_12345", "externalVariantId": "shopify_variant_001", "quantity": 2, "unitPrice": 29.99}],
        "shippingAddress": {"firstName": "Jane", "lastName": "Smith", "address1": "456 Oak Ave", "city": "Los Angeles",
            "province": "CA", "country": "United States", "countryIsoCode": "US", "postalCode": "90001", "phone": "+1987654321"},
        "totals": {"subtotal": 59.98, "shippingTotal": 5.00, "taxTotal": 4.80, "discountTotal": 0.00, "totalAmount": 69.78},
        "paymentMethod": {"method": "credit_card", "display": "Visa ending in 1234"},
        "status": "Confirmed", "deliveryInstructions": "Ring doorbell",
        "metadata": {"platformOrderNumber": "SHOP-1234", "paymentId": "pi_abc123xyz"}
    });
    let (status, body) = call(&app, "POST", "/api/v1/orders", Some(order.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["orderNumber"], json!("VES-1121"));
    assert_eq!(body["data"]["status"], json!("Confirmed"));
    let keys: Vec<&str> = body["data"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "orderNumber", "externalOrderId", "status", "createdAt"]);
    let (_, _, text) = send(&app, "GET", "/api/v1/orders/shopify_order_67890", Some("sandbox"), None).await;
    assert!(text.contains(r#""shippingTotal":5.00,"taxTotal":4.80"#), "{text}");
    assert_eq!(list(&app, "?limit=1").await[0]["externalOrderId"], json!("shopify_order_67890"));
    let (status, body) = call(&app, "POST", "/api/v1/orders", Some(order.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["errorCode"], json!("DUPLICATE_EXTERNAL_ORDER_ID"));
    let mut bare = order.clone();
    bare["externalOrderId"] = json!("shopify_order_1");
    bare.as_object_mut().unwrap().remove("status");
    let (_, body) = call(&app, "POST", "/api/v1/orders", Some(bare)).await;
    assert_eq!(body["data"]["status"], json!("Pending"));
    let (status, body) =
        call(&app, "POST", "/api/v1/orders", Some(json!({"externalOrderId": "x", "items": []}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.contains(&json!("Customer email is required")));
    assert!(errors.contains(&json!("At least one order item is required")));
}

// Injected faults answer with the vendor's 500 body and its 429 with both retry headers.
#[tokio::test]
async fn fault_responses() {
    let (app, control) = app_with(20, 1);
    control.fail_next(1);
    let (status, _, text) = send(&app, "GET", "/api/v1/orders", Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body, json!({"success":false,"message":"Internal server error","errorCode":"INTERNAL_ERROR"}));
    control.set_rate_limited(true);
    let (status, headers, text) = send(&app, "GET", "/api/v1/orders", Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["Retry-After"], "1");
    assert_eq!(headers["X-RateLimit-Retry-After"], "1");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (body["success"].clone(), body["errorCode"].clone()),
        (json!(false), json!("RATE_LIMIT_EXCEEDED"))
    );
    control.clear_faults();
    let (status, _, _) = send(&app, "GET", "/api/v1/orders", Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(control.count_matching("GET", "/api/v1/orders"), 3);
}
