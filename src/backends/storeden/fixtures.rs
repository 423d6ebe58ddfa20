//! The documented example payloads of `developers.storeden.com/docs/orders`, shared by the mapping tests and
//! the mock-server tests (the doc's trailing commas after `"userUID": -1` removed: they are a documentation
//! artefact, not wire format).

/// `GET /orders/list.json` as documented (the `...` elided).
pub(super) const LIST_EXAMPLE: &str = r#"[
    {
        "orderID": "132_5672eebab5aa6",
        "total": 45.25,
        "orderDate": "2015-12-17T18:19:54+0100",
        "status": 3,
        "iso": {
            "orderDate": "2015-12-17T18:19:54+0100"
        }
    },
    {
        "orderID": "132_56695c3c0a3be",
        "total": 117.5,
        "orderDate": "2015-12-10T12:04:28+0100",
        "status": 4,
        "iso": {
            "orderDate": "2015-12-10T12:04:28+0100"
        }
    }
]"#;

/// `GET /orders/order.json?orderID=132_56695c3c0a3be` as documented.
pub(super) const ORDER_EXAMPLE: &str = r##"{
    "orderID": "132_56695c3c0a3be",
    "billing": {
        "addr1": "Times Square",
        "addr2": "",
        "city": "New York",
        "email": "no-reply@storeden.com",
        "fullname": "Times Square",
        "country": "119",
        "phone": "+1/xxxxxxxxxxx",
        "principal": 1,
        "state": "13637",
        "userUID": -1,
        "vat": "IT04214670269",
        "zip": "NY 10036"
    },
    "delivery": {
        "addr1": "Times Square",
        "addr2": "",
        "city": "New York",
        "email": "no-reply@storeden.com",
        "fullname": "Times Square",
        "country": "119",
        "phone": "+1/xxxxxxxxxxx",
        "principal": 1,
        "state": "13637",
        "userUID": -1,
        "vat": "IT04214670269",
        "zip": "NY 10036"
    },
    "cart": {
        "total": 117.5,
        "items": {
            "105251#|#xl_red": {
                "count": 1,
                "price": 110,
                "options": "xl_red",
                "title": "Product with size XL and color RED",
                "sku": ""
            }
        },
        "couponCode": "",
        "saleAmount": 0.00,
        "shippingAmount": 7.5,
        "shippingProfile": "Corriere Espresso Standard",
        "paymentAmount": 0,
        "paymentProfile": "credit-card",
        "checkouted": true,
        "userUID": -1
    },
    "total": 117.5,
    "userUID": -1,
    "orderDate": {
        "sec": 1449745468,
        "usec": 65000
    },
    "method": "Corriere Espresso Standard",
    "payment": "credit-card",
    "status": 4,
    "transactionID": "txn_7VTA0Zn3iDFKF1",
    "iso": {
        "orderDate": "2015-12-10T10:04:28+0100"
    }
}"##;

/// `GET /orders/tracking.json` as documented.
pub(super) const TRACKING_EXAMPLE: &str = r#"{
    "url": "https://tracking.qapla.it/47026906299f3cfbd12e3d0a94bb9458",
    "courier": "BRT",
    "tracking": "1234567876543",
    "pickup_date": "2016-01-18"
}"#;
