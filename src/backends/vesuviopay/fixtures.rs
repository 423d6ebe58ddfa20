//! The Order Management Guide's documented example payloads, verbatim, as test fixtures.

/// `GET /api/v1/orders` response.
pub(super) const LIST_RESPONSE: &str = r#"{
"success": true,
"data": {
"orders": [
{
"id": "a3f2b1c0-1234-5678-90ab-cdef12345678",
"orderNumber": "VES-1001",
"externalOrderId": "shopify_order_12345",
"status": "Confirmed",
"customerId": "b4e3c2d1-2345-6789-01bc-def123456789",
"customerEmail": "customer@example.com",
"customerPhone": "+1234567890",
"totalAmount": 159.97,
"subtotal": 149.97,
"taxTotal": 10.00,
"shippingTotal": 0.00,
"discountTotal": 0.00,
"itemCount": 3,
"placedAt": "2025-10-08T10:30:00Z",
"updatedAt": "2025-10-08T11:00:00Z"
}
],
"totalCount": 1,
"hasMore": false
}
}"#;

/// `GET /api/v1/orders/{orderId}` response.
pub(super) const GET_RESPONSE: &str = r#"{
"success": true,
"data": {
"id": "a3f2b1c0-1234-5678-90ab-cdef12345678",
"orderNumber": "VES-1001",
"externalOrderId": "shopify_order_12345",
"platformName": "Shopify",
"status": "Confirmed",
"customer": {
"id": "b4e3c2d1-2345-6789-01bc-def123456789",
"email": "customer@example.com",
"phone": "+1234567890",
"firstName": "John",
"lastName": "Doe"
},
"items": [
{
"id": "c5f4d3e2-3456-7890-12cd-ef1234567890",
"productVariantId": "d6g5e4f3-4567-8901-23de-f12345678901",
"externalProductId": "shopify_12345",
"externalVariantId": "shopify_variant_001",
"productTitle": "Premium T-Shirt",
"variantTitle": "Small / Red",
"sku": "TSHIRT-S-RED",
"quantity": 2,
"unitPrice": 29.99,
"totalPrice": 59.98,
"itemStatus": "Confirmed"
}
],
"shippingAddress": {
"firstName": "John",
"lastName": "Doe",
"address1": "123 Main St",
"address2": "Apt 4B",
"city": "New York",
"province": "NY",
"country": "United States",
"countryIsoCode": "US",
"postalCode": "10001",
"phone": "+1234567890"
},
"billingAddress": {
"firstName": "John",
"lastName": "Doe",
"address1": "123 Main St",
"city": "New York",
"province": "NY",
"country": "United States",
"countryIsoCode": "US",
"postalCode": "10001"
},
"totals": {
"subtotal": 59.98,
"shippingTotal": 5.00,
"taxTotal": 4.80,
"discountTotal": 0.00,
"totalAmount": 69.78
},
"paymentMethod": {
"method": "credit_card",
"display": "Visa ending in 4242",
"last4": "4242",
"brand": "Visa"
},
"placedAt": "2025-10-08T10:30:00Z",
"updatedAt": "2025-10-08T11:00:00Z",
"deliveryInstructions": "Leave at door",
"metadata": {
"source": "mobile_app",
"campaign": "summer_sale"
}
}
}"#;

/// The cancel response.
pub(super) const CANCEL_RESPONSE: &str = r#"{
"success": true,
"message": "Order cancelled successfully",
"data": {
"orderId": "a3f2b1c0-1234-5678-90ab-cdef12345678",
"status": "Cancelled",
"refundAmount": 69.78,
"refundId": "rf_abc123xyz",
"cancelledAt": "2025-10-08T14:00:00Z"
}
}"#;

/// The link response.
pub(super) const LINK_RESPONSE: &str = r#"{
"success": true,
"message": "Order linked to platform successfully",
"data": {
"orderId": "a3f2b1c0-1234-5678-90ab-cdef12345678",
"externalOrderId": "shopify_order_99999",
"platformName": "Shopify",
"linkedAt": "2025-10-08T15:00:00Z"
}
}"#;

/// 400 validation error, `errors` as strings (the guide).
pub(super) const VALIDATION_ERROR_STRINGS: &str = r#"{
"success": false,
"message": "Validation failed",
"errors": [
"Customer email is required",
"At least one order item is required"
]
}"#;

/// 400 validation error, `errors` as `{field, message}` (the error reference).
pub(super) const VALIDATION_ERROR_OBJECTS: &str = r#"{
"success": false,
"message": "Validation failed",
"errorCode": "VALIDATION_ERROR",
"errors": [
{"field": "customerEmail", "message": "Customer email is required"},
{"field": "items", "message": "At least one order item is required"}
]
}"#;

/// 404.
pub(super) const NOT_FOUND: &str = r#"{
"success": false,
"message": "Order not found",
"errorCode": "ORDER_NOT_FOUND"
}"#;

/// 409 on create.
pub(super) const DUPLICATE: &str = r#"{
"success": false,
"message": "An order with this external ID already exists",
"errorCode": "DUPLICATE_EXTERNAL_ORDER_ID"
}"#;

/// 400 refused transition.
pub(super) const INVALID_TRANSITION: &str = r#"{
"success": false,
"message": "Cannot change status from Delivered to Pending",
"errorCode": "INVALID_STATUS_TRANSITION"
}"#;
