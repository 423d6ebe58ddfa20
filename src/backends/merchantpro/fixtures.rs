//! The documented example payloads of `merchantpro-orders.txt`, copied verbatim (whitespace trimmed at line
//! ends), used as test fixtures. Where the doc copy is not valid JSON the fix is named on the constant.

/// "Filters records based on delivery status, extracts all fields": `GET /api/v2/orders?shipping_status=awaiting`
/// (a list row without `include=line_items`).
pub(super) const LIST_AWAITING: &str = r#"
{
  "data": [
    {
        "id": 11089919,
        "payment_status": "awaiting",
        "payment_status_text": "Plata in asteptare",
        "payment_method_code": "cash_delivery",
        "payment_method_name": "Plata in sistem ramburs",
        "shipping_status": "awaiting",
        "shipping_status_text": "Comanda in asteptare",
        "shipping_method_id": 3,
        "shipping_method_name": "Speedy",
        "shipping_amount": 15,
        "shipping_tax_amount": 2.39,
        "total_amount": 30.23,
        "currency": "RON",
        "customer_id": 14,
        "customer_email": "john.smith@yahoo.com",
        "customer_ip_address": "166.176.119.218",
        "customer_ip_country": "RO",
        "customer_device": "desktop",
        "customer_lang": "ro_RO",
        "customer_note": null,
        "customer_notification": null,
        "date_created": "2019-12-05T16:11:23+02:00",
        "date_modified": "2019-12-05T16:11:23+02:00",
        "created_by": "customer",
        "meta_fields": null,
        "tags": null,
        "billing_type": "individual",
        "billing_name": "John Smith",
        "billing_company_name": null,
        "billing_company_number": null,
        "billing_company_vat": null,
        "billing_company_bank_name": null,
        "billing_company_bank_account": null,
        "billing_country_code": "RO",
        "billing_country_name": "România",
        "billing_state": "Bucuresti",
        "billing_city": "Bucuresti",
        "billing_address": "str Rose Hill, nr. 45",
        "billing_postal_code": "100167",
        "billing_phone": "0722356158",
        "shipping_name": "John Smith",
        "shipping_country_code": "RO",
        "shipping_country_name": "România",
        "shipping_state": "Bucuresti",
        "shipping_city": "Bucuresti",
        "shipping_address": "str Rose Hill, nr. 45",
        "shipping_postal_code": "100167",
        "shipping_phone": "0722356158",
        "invoice": null,
        "Info_url": "https://shop.demo.ro/comanda/info/33a818fcb3a13aa5b70e3a9e1475bfc0/11089919",
"proforma_url": "https://shop.demo.ro/comanda/proforma/33a818fcb3a13aa5b70e3a9e1475bfc0/11089919"
} ], "meta": { "count": { "total": 1, "current": 1, "start": 0, "limit": 100 }, "links": { "prev": null, "current": "/api/v2/orders?shipping_status=awaiting", "next": null } } }
"#;

/// "Filter the records based on the list of IDs, filter only certain fields" (`ids=` with `fields=`).
pub(super) const LIST_IDS_FIELDS: &str = r#"
{
  "data": [
    {
      "id": 12345001,
      "payment_status": "awaiting",
      "payment_method_code": "cash_delivery",
      "total_amount": 999.95
    },
    {
      "id": 12345002,
      "payment_status": "paid",
      "payment_method_code": "paypal",
      "total_amount": 199.99
    },
    {
      "id": 12345003,
      "payment_status": "cancelled",
      "payment_method_code": "cash_delivery",
      "total_amount": 599.97
    }
  ],
  "meta": {
    "count": {
      "total": 3,
      "current": 3,
      "start": 0,
      "limit": 100
    },
    "links": {
      "prev": null,
      "current": "/api/v2/orders?ids=12345001,12345002,12345003&fields=id,payment_status,payment_method_code,total_amount",
"next": null } } }
"#;

/// "Filters records based on delivery status, includes additional fields" (`include=line_items`). The doc copy
/// has two trailing commas (after `variant_options[0]` and after `line_subtotal_gross`), which JSON does not
/// allow; they are removed here.
pub(super) const LIST_WITH_LINE_ITEMS: &str = r#"
{
  "data": [
         {
            "id": 64098294,
            "payment_status": "awaiting",
            "payment_status_text": "Plata in asteptare",
            "payment_method_code": "cash_delivery",
            "payment_method_name": "Plata in sistem ramburs",
            "shipping_status": "awaiting",
            "shipping_status_text": "Comanda in asteptare",
            "shipping_method_id": 3,
            "shipping_method_name": "Speedy",
            "shipping_amount": 161.16,
            "shipping_tax_amount": 25.73,
            "total_amount": 526.55,
            "currency": "RON",
            "customer_id": 19,
            "customer_email": "john.smith@yahoo.com",
            "customer_ip_address": "143.20.218.217",
            "customer_ip_country": "ro",
            "customer_device": "desktop",
            "customer_lang": "ro_RO",
            "customer_note": null,
            "customer_notification": null,
            "date_created": "2020-03-26T15:47:08+02:00",
            "date_modified": "2020-03-26T15:47:08+02:00",
            "created_by": "customer",
            "meta_fields": null,
            "tags": null,
            "billing_type": "individual",
            "billing_name": "John Smith",
            "billing_company_name": null,
            "billing_company_number": null,
            "billing_company_vat": null,
            "billing_company_bank_name": null,
            "billing_company_bank_account": null,
            "billing_country_code": "RO",
            "billing_country_name": "România",
            "billing_state": "Bucuresti",
            "billing_city": "Bucuresti",
            "billing_address": "str Rose Hill, nr. 45",
            "billing_postal_code": "1221421",
            "billing_phone": "0722654983",
            "shipping_name": "John Smith",
            "shipping_country_code": "RO",
            "shipping_country_name": "România",
            "shipping_state": "Bucuresti",
            "shipping_city": "Bucuresti",
            "shipping_address": "str Rose Hill, nr. 45",
            "shipping_postal_code": "1221421",
            "shipping_phone": "0722654983",
            "line_items": [
                {
                    "item_type": "product",
                    "product_id": 1958,
                    "variant_name": "Culoare: alb",
                    "variant_options": [
                        {
                            "id": 1,
                            "name": "Culoare",
                            "value": "alb"
                        }
                    ],
                    "product_sku": "3484",
                    "product_ean": "7562461441110",
                    "product_name": "Massive Menelaus 37511/48/10",
                    "product_url": "https://shop.demo.ro/cumpara?id=1958",
                    "product_image_url": "https://shop.demo.ro/files/s11/204992628/p/l/7/massive-menelaus-37511-48-10-lustra~1057.jpg",
                    "product_tax_name": "TVA",
                    "product_tax_percent": 19,
                    "category_id": 2,
                    "category_name": "Lustre",
                    "manufacturer_id": 0,
                    "quantity": 1,
                    "unit_price_net": 307.05,
                    "unit_tax_amount": 58.34,
                    "unit_price_gross": 365.39,
                    "line_subtotal_net": 307.05,
                    "line_tax_amount": 58.34,
                    "line_subtotal_gross": 365.39
                }
            ],
            "invoice": null,
            "info_url": "https://shop.demo.ro/comanda/info/6c1d81789f477768caad874aafc24936/64098294",
            "proforma_url": "https://shop.demo.ro/comanda/proforma/6c1d81789f477768caad874aafc24936/64098294"
        }
  ],
  "meta": {
    "count": {
      "total": 1,
      "current": 1,
      "start": 0,
      "limit": 100
    },
    "links": {
      "prev": null,
      "current": "/api/v2/orders?shipping_status=awaiting&include=line_items",
      "next": null
    }
  }
}
"#;

/// "Extract all fields": `GET /api/v2/orders/12345001` (total 453.05 RON, two product lines).
pub(super) const ORDER_12345001: &str = r#"
{
  "id": 12345001,
  "parent_id": 39787708,
  "payment_status": "awaiting",
  "payment_status_text": "Plata in asteptare",
  "payment_method_code": "cash_delivery",
  "payment_method_name": "Plata in sistem ramburs",
  "shipping_status": "awaiting",
  "shipping_status_text": "Comanda in asteptare",
  "shipping_method_id": 0,
  "shipping_method_name": null,
  "shipping_amount": null,
  "shipping_tax_amount": null,
  "total_amount": 453.05,
  "currency": "RON",
  "customer_id": 2,
  "customer_email": "dfdfddddf@exemple.com",
  "customer_ip_address": "",
  "customer_ip_country": "",
  "customer_device": "manual",
  "customer_lang": "ro_RO",
  "customer_note": null,
  "customer_notification": null,
  "date_created": "2020-03-25T07:42:28+02:00",
  "date_modified": "2020-03-25T07:42:28+02:00",
  "created_by": "account",
  "meta_fields": null,
  "tags": null,
  "billing_type": "individual",
  "billing_name": "John Smith",
  "billing_company_name": null,
  "billing_company_number": null,
  "billing_company_vat": null,
  "billing_company_bank_name": null,
  "billing_company_bank_account": null,
  "billing_country_code": "RO",
  "billing_country_name": "România",
  "billing_state": "Bacau",
  "billing_city": "bacau",
  "billing_address": "",
  "billing_postal_code": "",
  "billing_phone": "",
  "shipping_name": "John Smith",
  "shipping_country_code": "RO",
  "shipping_country_name": "România",
  "shipping_state": "Bacau",
  "shipping_city": "bacau",
  "shipping_address": "",
  "shipping_postal_code": "",
  "shipping_phone": "",
  "line_items": [
    {
      "item_type": "product",
      "product_id": 259,
      "product_sku": null,
      "product_ean": null,
      "product_name": "Giuseppe Zanotti Women's Swarovski Sandal",
      "product_url": "https://shop.demo.ro/cumpara?id=259",
      "product_image_url": "https://s.cdnmpro.com/272414248/p/l/7/giuseppe-zanotti-women-s-swarovski-sandal~27.jpg",
      "product_tax_name": "TVA",
      "product_tax_percent": 19,
      "category_id": 18,
      "category_name": "Sandale",
      "manufacturer_id": 1000050,
      "manufacturer_name": "Giuseppe-Zanotti",
      "quantity": 1,
      "unit_price_net": 184.03,
      "unit_tax_amount": 34.96,
      "unit_price_gross": 218.99,
      "line_subtotal_net": 184.03,
      "line_tax_amount": 34.96,
      "line_subtotal_gross": 218.99
    },
    {
      "item_type": "product",
      "product_id": 260,
      "product_sku": null,
      "product_ean": null,
      "product_name": "Women's Nunaked Dress Sandal",
      "product_url": "https://shop.demo.ro/cumpara?id=260",
      "product_image_url": "https://s.cdnmpro.com/272414248/p/l/9/women-s-nunaked-dress-sandal~29.jpg",
      "product_tax_name": "TVA",
      "product_tax_percent": 19,
      "category_id": 18,
      "category_name": "Sandale",
      "manufacturer_id": 1000061,
      "manufacturer_name": "Joop",
      "quantity": 2,
      "unit_price_net": 98.34,
      "unit_tax_amount": 18.69,
      "unit_price_gross": 117.03,
      "line_subtotal_net": 196.68,
      "line_tax_amount": 37.38,
      "line_subtotal_gross": 234.06
    }
  ],
  "invoice": {
    "prefix": "SERIE",
    "number": "0000010",
    "app": "billing",
    "cancelled": false,
    "url": "https://shop.demo.ro/comanda/invoice/2e8b8a4802eb3b5d1c8f381b2c20a0ea/52527708"
  },
  "info_url": "https://shop.demo.ro/comanda/info/557d2803bc4caee040329d1de5d2754f/12345001",
  "proforma_url": "https://shop.demo.ro/comanda/proforma/557d2803bc4caee040329d1de5d2754f/12345001"
}
"#;

/// The answer of "Order data update" (`PATCH /api/v2/orders/{id}` with tags): the order cancelled, tagged.
pub(super) const PATCHED_12345001: &str = r#"
{
  "id": 12345001,
  "parent_id": 61001305,
  "payment_status": "cancelled",
  "payment_status_text": "Plata anulata",
  "payment_method_code": "cash_delivery",
  "payment_method_name": "Plata in sistem ramburs",
  "shipping_status": "cancelled",
  "shipping_status_text": "Comanda anulata",
  "shipping_method_id": 101,
  "shipping_method_name": null,
  "shipping_amount": 15,
  "shipping_tax_amount": 0,
  "total_amount": 13394.85,
  "currency": "RON",
  "customer_id": 3,
  "customer_email": "234242424242@example.net",
  "customer_ip_address": "95.77.99.177",
  "customer_ip_country": "RO",
  "customer_device": "desktop",
  "customer_lang": "ro_RO",
  "customer_note": null,
  "customer_notification": "",
  "date_created": "2020-01-13T13:34:15+02:00",
  "date_modified": "2020-05-02T10:50:12+03:00",
  "created_by": "customer",
  "meta_fields": null,
  "tags": [
    {
      "id": 1,
      "name": "Feedback excelent"
    }
  ],
  "billing_type": "individual",
  "billing_name": "John Smith",
  "billing_company_name": null,
  "billing_company_number": null,
  "billing_company_vat": null,
  "billing_company_bank_name": null,
  "billing_company_bank_account": null,
  "billing_country_code": "RO",
  "billing_country_name": "România",
  "billing_state": "Bucuresti",
  "billing_city": "Bucuresti",
  "billing_address": "str Rose Hill, nr. 45",
  "billing_postal_code": "",
  "billing_phone": "0212112121",
  "shipping_name": "John Smith",
  "shipping_country_code": "RO",
  "shipping_country_name": "România",
  "shipping_state": "Bucuresti",
  "shipping_city": "Bucuresti",
  "shipping_address": "str Rose Hill, nr. 45",
  "shipping_postal_code": "",
  "shipping_phone": "0212112121",
  "line_items": [
    {
      "item_type": "product",
      "product_id": 53,
      "product_sku": null,
      "product_ean": null,
      "product_name": "Floral Laser Suede Dress",
      "product_url": "https://shop.demo.ro/cumpara?id=53",
      "product_image_url": "https://shm-cdn.v1.ro/283342624/p/l/9/floral-laser-suede-dress~169.jpg",
      "product_tax_name": "TVA",
      "product_tax_percent": 19,
      "category_id": 9,
      "category_name": "Rochii",
      "manufacturer_id": 1000017,
      "manufacturer_name": "Michael Kors",
      "quantity": 15,
      "unit_price_net": 891.99,
      "unit_tax_amount": 0,
      "unit_price_gross": 891.99,
      "line_subtotal_net": 13379.85,
      "line_tax_amount": 0,
      "line_subtotal_gross": 13379.85
    }
  ],
  "invoice": {
    "prefix": "SERIE",
    "number": "0000010",
    "app": "billing",
    "cancelled": false,
    "url": "https://shop.demo.ro/comanda/invoice/2e8b8a4802eb3b5d1c8f381b2c20a0ea/52527708"
  },
  "info_url": "https://shop.demo.ro/comanda/info/6962541174d3099d2dc6b0cd902d3601/12345001",
  "proforma_url": "https://shop.demo.ro/comanda/proforma/6962541174d3099d2dc6b0cd902d3601/12345001"
}
"#;

/// The answer of every processing handler (`PATCH /api/v2/orders/{id}/in_process` etc.).
pub(super) const HANDLER_OK: &str = r#"
{
  "ok": true
}
"#;
