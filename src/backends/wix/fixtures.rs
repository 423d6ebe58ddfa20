//! Documented Wix payloads used as test fixtures.

/// The documented Get Order example (Wix REST docs, `GET /ecom/v1/orders/{id}`), verbatim. It is the beta-era
/// example: the grand total is `priceSummary.totalPrice` (today `total`; both are accepted).
pub const GET_ORDER: &str = r#"{"order": {
  "id": "265c7d98-a7c3-48c4-89cd-bbdc00921eab",
  "number": "10108",
  "createdDate": "2021-05-25T13:51:01.718Z",
  "updatedDate": "2021-05-25T13:55:55.130Z",
  "lineItems": [
    {
      "id": "00000000-0000-0000-0000-000000000001",
      "productName": {"original": "Indonesian Blend", "translated": "Indonesian Blend"},
      "catalogReference": {
        "catalogItemId": "5376f9ec-b92e-efa9-e4a1-f4f480aa0d3a",
        "appId": "1380b703-ce81-ff05-f115-39571d94dfcd",
        "options": {
          "variantId": "00000000-0000-0020-0005-ad9cdc10d3b8",
          "customTextFields": {"What would you like written on the custom label?": "Hope you enjoy the coffee! :)"}
        }
      },
      "quantity": 2,
      "totalDiscount": {"amount": "3.5", "formattedAmount": "$3.50"},
      "descriptionLines": [
        {"name": {"original": "Weight", "translated": "Weight"}, "plainText": {"original": "250g", "translated": "250g"}, "lineType": "PLAIN_TEXT", "plainTextValue": {"original": "250g", "translated": "250g"}},
        {"name": {"original": "Ground for", "translated": "Ground for"}, "plainText": {"original": "Stovetop", "translated": "Stovetop"}, "lineType": "PLAIN_TEXT", "plainTextValue": {"original": "Stovetop", "translated": "Stovetop"}},
        {"name": {"original": "What would you like written on the custom label?", "translated": "What would you like written on the custom label?"}, "plainText": {"original": "Hope you enjoy the coffee! :)", "translated": "Hope you enjoy the coffee! :)"}, "lineType": "PLAIN_TEXT", "plainTextValue": {"original": "Hope you enjoy the coffee! :)", "translated": "Hope you enjoy the coffee! :)"}}
      ],
      "image": {
        "id": "nsplsh_316b6449475f3235386255~mv2_d_2977_3951_s_4_2.jpg",
        "url": "https://static.wixstatic.com/media/nsplsh_316b6449475f3235386255~mv2_d_2977_3951_s_4_2.jpg/v1/fit/w_2977,h_3951,q_90/file.jpg",
        "height": 3951,
        "width": 2977
      },
      "physicalProperties": {"shippable": true},
      "itemType": {"preset": "PHYSICAL"},
      "refundQuantity": 0,
      "price": {"amount": "35.0", "formattedAmount": "$35.00"},
      "totalPriceBeforeTax": {"amount": "66.5", "formattedAmount": "$66.50"},
      "totalPriceAfterTax": {"amount": "69.16", "formattedAmount": "$69.16"},
      "taxDetails": {"taxRate": "0", "totalTax": {"amount": "2.66", "formattedAmount": "$2.66"}}
    },
    {
      "id": "00000000-0000-0000-0000-000000000002",
      "productName": {"original": "Brazilian Arabica", "translated": "Brazilian Arabica"},
      "catalogReference": {
        "catalogItemId": "0614129c-8777-9f3b-4dfe-b80a54df10d5",
        "appId": "1380b703-ce81-ff05-f115-39571d94dfcd",
        "options": {
          "variantId": "00000000-0000-0040-0005-a316f7c67df7",
          "customTextFields": {"What would you like written on the custom label?": "This is great for the filter method."}
        }
      },
      "quantity": 3,
      "totalDiscount": {"amount": "7.31", "formattedAmount": "$7.31"},
      "descriptionLines": [
        {"name": {"original": "Weight", "translated": "Weight"}, "plainText": {"original": "500g", "translated": "500g"}, "lineType": "PLAIN_TEXT", "plainTextValue": {"original": "500g", "translated": "500g"}},
        {"name": {"original": "Ground for", "translated": "Ground for"}, "plainText": {"original": "Filter", "translated": "Filter"}, "lineType": "PLAIN_TEXT", "plainTextValue": {"original": "Filter", "translated": "Filter"}},
        {"name": {"original": "What would you like written on the custom label?", "translated": "What would you like written on the custom label?"}, "plainText": {"original": "This is great for the filter method.", "translated": "This is great for the filter method."}, "lineType": "PLAIN_TEXT", "plainTextValue": {"original": "This is great for the filter method.", "translated": "This is great for the filter method."}}
      ],
      "image": {
        "id": "nsplsh_306d666a306a4a74306459~mv2_d_4517_2992_s_4_2.jpg",
        "url": "https://static.wixstatic.com/media/nsplsh_306d666a306a4a74306459~mv2_d_4517_2992_s_4_2.jpg/v1/fit/w_4517,h_2992,q_90/file.jpg",
        "height": 2992,
        "width": 4517
      },
      "physicalProperties": {"weight": 0.5, "shippable": true},
      "itemType": {"preset": "PHYSICAL"},
      "fulfillerId": "85e29287-a5bf-4c25-b303-a2ddc9d975e2",
      "refundQuantity": 0,
      "price": {"amount": "48.75", "formattedAmount": "$48.75"},
      "totalPriceBeforeTax": {"amount": "138.94", "formattedAmount": "$138.94"},
      "totalPriceAfterTax": {"amount": "144.50", "formattedAmount": "$144.50"},
      "taxDetails": {"taxRate": "0", "totalTax": {"amount": "5.56", "formattedAmount": "$5.56"}}
    }
  ],
  "buyerInfo": {
    "contactId": "f61f30cd-7474-47b7-95a2-339c0fcacbd3",
    "email": "janedoe@gmail.com",
    "visitorId": "5c9e6e1a-f795-4ed6-bdf7-6a7f38cf1f7a"
  },
  "paymentStatus": "PAID",
  "fulfillmentStatus": "FULFILLED",
  "weightUnit": "KG",
  "currency": "USD",
  "taxIncludedInPrices": false,
  "priceSummary": {
    "subtotal": {"amount": "216.25", "formattedAmount": "$216.25"},
    "shipping": {"amount": "2.0", "formattedAmount": "$2.00"},
    "tax": {"amount": "8.22", "formattedAmount": "$8.22"},
    "discount": {"amount": "10.81", "formattedAmount": "$10.81"},
    "totalPrice": {"amount": "215.66", "formattedAmount": "$215.66"},
    "totalWithGiftCard": {"amount": "215.66", "formattedAmount": "$215.66"},
    "totalWithoutGiftCard": {"amount": "215.66", "formattedAmount": "$215.66"}
  },
  "billingInfo": {
    "address": {
      "country": "US",
      "subdivision": "US-NY",
      "city": "New York",
      "postalCode": "10011",
      "addressLine": "235 West 23rd Street",
      "addressLine2": "3rd floor",
      "countryFullname": "United States",
      "subdivisionFullname": "New York"
    },
    "contactDetails": {"firstName": "Jane", "lastName": "Doe", "phone": "+1234567890"}
  },
  "shippingInfo": {
    "code": "a0fde0a4-6f4e-3716-64be-c0acbde1696a",
    "title": "U.S Shipping",
    "logistics": {
      "deliveryTime": "3 - 5 business days",
      "shippingDestination": {
        "address": {
          "country": "US",
          "subdivision": "US-NY",
          "city": "New York",
          "postalCode": "10011",
          "addressLine": "235 West 23rd Street",
          "addressLine2": "3rd floor",
          "countryFullname": "United States",
          "subdivisionFullname": "New York"
        },
        "contactDetails": {"firstName": "Jane", "lastName": "Doe", "phone": "+1234567890"}
      }
    },
    "cost": {
      "price": {"amount": "2.0", "formattedAmount": "$2.00"},
      "totalPriceBeforeTax": {"amount": "2.0", "formattedAmount": "$2.00"},
      "totalPriceAfterTax": {"amount": "2.0", "formattedAmount": "$2.00"},
      "taxDetails": {"taxRate": "", "totalTax": {"amount": "0.0", "formattedAmount": "$0.00"}},
      "discount": {"amount": "0.0", "formattedAmount": "$0.00"}
    },
    "region": {"name": "Region 3"}
  },
  "status": "APPROVED",
  "archived": false,
  "taxSummary": {"totalTax": {"amount": "8.22", "formattedAmount": "$8.22"}, "manualTaxRate": "0.04"},
  "appliedDiscounts": [
    {"discountType": "GLOBAL", "lineItemIds": [], "coupon": {"id": "4294c3d3-1604-41b8-9ba5-119bb17d2d7d", "code": "SUMMERSALE5", "name": "5 percent - summer sale", "amount": {"amount": "10.81", "formattedAmount": "$10.81"}}},
    {"discountType": "SPECIFIC_ITEMS", "lineItemIds": ["00000000-0000-0000-0000-000000000001"], "merchantDiscount": {"amount": {"amount": "3.5", "formattedAmount": "$3.50"}}},
    {"discountType": "SPECIFIC_ITEMS", "lineItemIds": ["00000000-0000-0000-0000-000000000002"], "merchantDiscount": {"amount": {"amount": "7.31", "formattedAmount": "$7.31"}}}
  ],
  "activities": [
    {"createdDate": "2021-05-25T13:51:01.718Z", "type": "ORDER_PLACED"},
    {"createdDate": "2021-05-25T13:55:26.458Z", "type": "TRACKING_NUMBER_ADDED"},
    {"createdDate": "2021-05-25T13:55:47.605Z", "type": "TRACKING_NUMBER_ADDED"},
    {"createdDate": "2021-05-25T13:55:55.130Z", "type": "ORDER_PAID"}
  ],
  "attributionSource": "UNSPECIFIED",
  "createdBy": {"visitorId": "5c9e6e1a-f795-4ed6-bdf7-6a7f38cf1f7a"},
  "channelInfo": {"type": "WEB"},
  "seenByAHuman": true,
  "customFields": [],
  "cartId": "d56e7d15-0f07-4723-9069-c90c5cdec230",
  "isInternalOrderCreate": false
}}"#;

/// A current-schema order (Order Object page: `priceSummary.total`, `tags`, `channelInfo.externalOrderId`,
/// `buyerNote`, `streetAddress`, colour description lines, `physicalProperties.sku`), with the documented price
/// shape `{"amount":"85.00","formattedAmount":"$85.00"}` and zero written `"0"`.
pub const CURRENT_ORDER: &str = r##"{
  "id": "6f759095-0701-4075-9908-c9c31ff013e1",
  "number": "10126",
  "createdDate": "2023-11-10T08:28:58.917Z",
  "updatedDate": "2023-11-10T08:53:44.343Z",
  "lineItems": [
    {
      "id": "00000000-0000-0000-0000-000000000001",
      "productName": {"original": "Shoe", "translated": "Chaussure"},
      "catalogReference": {"catalogItemId": "df19c1f7-07d8-a265-42f8-e8dfa824cc6e", "appId": "215238eb-22a5-4c36-9e7b-e7c08025e04e", "options": {"variantId": "2f430d69-9b75-4874-bfbd-c5f6fa5aff3d"}},
      "quantity": 1,
      "price": {"amount": "85.00", "formattedAmount": "$85.00"},
      "totalPriceAfterTax": {"amount": "85.00", "formattedAmount": "$85.00"},
      "totalDiscount": {"amount": "0", "formattedAmount": "$0.00"},
      "descriptionLines": [
        {"name": {"original": "Color", "translated": "Couleur"}, "colorInfo": {"original": "Black", "translated": "Noir", "code": "#000000"}, "lineType": "COLOR"},
        {"name": {"original": "Size", "translated": "Taille"}, "plainText": {"original": "42", "translated": "42"}, "lineType": "PLAIN_TEXT"}
      ],
      "image": {"id": "shoe.jpg", "url": "https://static.wixstatic.com/media/shoe.jpg", "height": 100, "width": 100},
      "physicalProperties": {"sku": "SHOE-42-BLK", "weight": 1.2, "shippable": true},
      "itemType": {"preset": "PHYSICAL"}
    }
  ],
  "buyerInfo": {"contactId": "0b1ad3e4-1f8a-4d5c-9c8e-2a7e6f1d3b2c", "memberId": "7c1e4d5f-2a3b-4c6d-8e9f-0a1b2c3d4e5f", "email": "Jane.Doe@Example.com"},
  "paymentStatus": "PARTIALLY_REFUNDED",
  "fulfillmentStatus": "PARTIALLY_FULFILLED",
  "currency": "EUR",
  "taxIncludedInPrices": true,
  "priceSummary": {
    "subtotal": {"amount": "85.00", "formattedAmount": "€85.00"},
    "shipping": {"amount": "0", "formattedAmount": "€0.00"},
    "tax": {"amount": "14.75", "formattedAmount": "€14.75"},
    "discount": {"amount": "0", "formattedAmount": "€0.00"},
    "total": {"amount": "85.00", "formattedAmount": "€85.00"}
  },
  "billingInfo": {
    "address": {"country": "DE", "city": "Berlin", "postalCode": "10115", "streetAddress": {"number": "12", "name": "Invalidenstraße"}},
    "contactDetails": {"firstName": "Jane", "lastName": "Doe", "company": "Doe GmbH", "vatId": {"id": "DE123456789", "type": "UNSPECIFIED"}}
  },
  "shippingInfo": {"title": "Pickup in store", "logistics": {"pickupDetails": {"address": {"country": "DE", "city": "Berlin"}}}},
  "status": "APPROVED",
  "archived": false,
  "buyerNote": "Please gift wrap",
  "channelInfo": {"type": "EBAY", "externalOrderId": "EB-7781", "externalOrderUrl": "https://ebay.example/7781"},
  "tags": {"tags": {"tagIds": ["tag-vip", "tag-gone"]}, "privateTags": {"tagIds": ["tag-vip", "tag-internal"]}}
}"##;
