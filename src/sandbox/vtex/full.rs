//! The full order of `GET /api/oms/pvt/orders/{orderId}`, in VTEX's field names and JSON types.

use serde_json::{Value, json};

use super::model::{Order, status_description, vtex_date};

impl Order {
    /// The full order document.
    pub fn full_json(&self) -> Value {
        let value = self.value();
        let items: Vec<Value> = self.items.iter().map(|item| item_json(self, item)).collect();
        let metadata: Vec<Value> = self
            .items
            .iter()
            .map(|i| {
                json!({"Id": i.sku_id, "Seller": "1", "Name": i.name, "SkuName": i.sku_name,
                       "ProductId": i.product_id, "RefId": i.ref_id, "Ean": null, "ImageUrl": i.image_url,
                       "DetailUrl": detail_url(&i.name), "AssemblyOptions": []})
            })
            .collect();
        let packages: Vec<Value> = self.packages.iter().map(|p| p.to_json()).collect();
        let cancellation = self.cancellation.as_ref().map(|c| {
            json!({"RequestedByUser": c.by_user, "RequestedBySystem": !c.by_user,
                   "RequestedBySellerNotification": false, "RequestedByPaymentNotification": false,
                   "Reason": c.reason, "CancellationDate": vtex_date(c.date, 0, false)})
        });
        let authorized = self.authorized.map(|t| vtex_date(t, 0, true));
        let mut doc = json!({
            "orderId": self.order_id,
            "sequence": self.sequence,
            "marketplaceOrderId": self.marketplace_order_id.clone().unwrap_or_default(),
            "marketplaceServicesEndpoint": "https://sandboxstore.vtexcommercestable.com.br/api/oms?an=sandboxstore",
            "sellerOrderId": format!("00-{}", self.order_id),
            "origin": self.origin,
            "affiliateId": self.affiliate_id,
            "salesChannel": self.sales_channel,
            "merchantName": null,
            "status": self.status,
            "workflowIsInError": self.status.ends_with("error"),
            "statusDescription": status_description(&self.status),
            "value": value,
            "creationDate": vtex_date(self.created, 0, true),
            "lastChange": vtex_date(self.last_change, 0, false),
            "orderGroup": self.group(),
            "totals": [
                {"id": "Items", "name": "Total dos Itens", "value": self.items_total(), "alternativeTotals": []},
                {"id": "Discounts", "name": "Total dos Descontos", "value": self.discounts_total(), "alternativeTotals": []},
                {"id": "Shipping", "name": "Total do Frete", "value": self.shipping_total(), "alternativeTotals": []},
                {"id": "Tax", "name": "Total da Taxa", "value": self.tax_total(), "alternativeTotals": []},
            ],
            "items": items,
            "marketplaceItems": [],
            "clientProfileData": self.client_profile(),
            "giftRegistryData": null,
            "marketingData": null,
            "ratesAndBenefitsData": {"id": "ratesAndBenefitsData", "rateAndBenefitsIdentifiers": []},
            "shippingData": self.shipping_data(),
            "paymentData": self.payment_data(value),
            "packageAttachment": {"packages": packages},
            "sellers": [{"id": "1", "name": "Sandbox Store", "logo": "", "fulfillmentEndpoint": ""}],
            "callCenterOperatorData": null,
            "followUpEmail": "followup@sandboxstore.example.com",
            "lastMessage": null,
            "hostname": "sandboxstore",
            "invoiceData": null,
        });
        let rest = json!({
            "changesAttachment": null,
            "openTextField": null,
            "roundingError": 0,
            "orderFormId": format!("{:032x}", self.created),
            "commercialConditionData": null,
            "isCompleted": !matches!(self.status.as_str(), "order-created" | "order-create-error" | "order-creation-error"),
            "customData": null,
            "storePreferencesData": {
                "countryCode": "BRA",
                "currencyCode": "BRL",
                "currencyFormatInfo": {
                    "CurrencyDecimalDigits": 2,
                    "CurrencyDecimalSeparator": ",",
                    "CurrencyGroupSeparator": ".",
                    "CurrencyGroupSize": 3,
                    "StartsWithCurrencySymbol": true
                },
                "currencyLocale": 1046,
                "currencySymbol": "R$",
                "timeZone": "E. South America Standard Time"
            },
            "allowCancellation": self.cancellable() && self.status != "canceled",
            "allowEdition": false,
            "isCheckedIn": false,
            "marketplace": {"baseURL": "https://sandboxstore.vtexcommercestable.com.br/api/oms?an=sandboxstore",
                            "isCertified": null, "name": "sandboxstore"},
            "authorizedDate": authorized,
            "invoicedDate": self.invoiced.map(|t| vtex_date(t, 0, true)),
            "cancelReason": self.cancellation.as_ref().and_then(|c| c.reason.clone()),
            "cancellationData": cancellation,
            "itemMetadata": {"Items": metadata},
            "subscriptionData": null,
            "taxData": null,
            "checkedInPickupPointId": null,
            "clientPreferencesData": {"locale": "pt-BR", "optinNewsLetter": false},
        });
        if let (Value::Object(doc), Value::Object(rest)) = (&mut doc, rest) {
            doc.extend(rest);
        }
        doc
    }

    fn client_profile(&self) -> Value {
        let c = &self.customer;
        json!({
            "id": "clientProfileData",
            "email": c.email,
            "firstName": c.first_name,
            "lastName": c.last_name,
            "documentType": if c.corporate_name.is_some() { "cnpj" } else { "cpf" },
            "document": c.document,
            "phone": c.phone,
            "corporateName": c.corporate_name,
            "tradeName": c.corporate_name,
            "corporateDocument": c.corporate_name.as_ref().map(|_| c.document.clone()),
            "stateInscription": c.corporate_name.as_ref().map(|_| "Isento"),
            "corporatePhone": c.corporate_name.as_ref().map(|_| c.phone.clone()),
            "isCorporate": c.corporate_name.is_some(),
            "userProfileId": c.user_profile_id,
            "userProfileVersion": null,
            "customerClass": null,
            "customerCode": null,
        })
    }

    fn shipping_data(&self) -> Value {
        let a = &self.address;
        let address = json!({
            "addressType": "residential",
            "receiverName": a.receiver_name,
            "addressId": a.address_id,
            "versionId": null,
            "entityId": null,
            "postalCode": a.postal_code,
            "city": a.city,
            "state": a.state,
            "country": a.country_iso3,
            "street": a.street,
            "number": a.number,
            "neighborhood": a.neighborhood,
            "complement": a.complement,
            "reference": null,
            "geoCoordinates": a.geo,
        });
        let estimate = format!("{}bd", self.estimate_days);
        let estimate_date =
            self.authorized.map(|t| vtex_date(t + self.estimate_days * 864_000_000_000, 0, true));
        let logistics: Vec<Value> = self
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                json!({
                    "itemIndex": index,
                    "selectedSla": self.sla,
                    "lockTTL": "10d",
                    "price": item.shipping,
                    "listPrice": item.shipping,
                    "sellingPrice": item.shipping,
                    "deliveryWindow": null,
                    "deliveryCompany": self.carrier,
                    "shippingEstimate": estimate,
                    "shippingEstimateDate": estimate_date,
                    "slas": [{"id": self.sla, "name": self.sla, "shippingEstimate": estimate,
                              "deliveryWindow": null, "price": item.shipping, "deliveryChannel": "delivery",
                              "pickupStoreInfo": {"additionalInfo": null, "address": null, "dockId": null,
                                                  "friendlyName": null, "isPickupStore": false},
                              "polygonName": null, "lockTTL": "10d", "pickupPointId": null,
                              "transitTime": estimate}],
                    "shipsTo": [a.country_iso3],
                    "deliveryIds": [{"courierId": "1", "courierName": self.carrier, "dockId": "1",
                                     "quantity": item.quantity, "warehouseId": "1_1", "accountCarrierName": null,
                                     "kitItemDetails": []}],
                    "deliveryChannels": [{"id": "delivery", "stockBalance": 0}],
                    "deliveryChannel": "delivery",
                    "selectedDeliveryChannel": "delivery",
                    "pickupStoreInfo": {"additionalInfo": null, "address": null, "dockId": null,
                                        "friendlyName": null, "isPickupStore": false},
                    "addressId": a.address_id,
                    "versionId": null,
                    "entityId": null,
                    "polygonName": null,
                    "pickupPointId": null,
                    "transitTime": estimate,
                })
            })
            .collect();
        json!({
            "id": "shippingData",
            "address": address,
            "logisticsInfo": logistics,
            "trackingHints": null,
            "selectedAddresses": [address],
            "availableAddresses": [address],
            "contactInformation": [],
        })
    }

    fn payment_data(&self, value: i64) -> Value {
        let p = &self.payment;
        let card = p.group == "creditCard";
        json!({
            "giftCards": [],
            "transactions": [{
                "isActive": true,
                "transactionId": p.transaction_id,
                "merchantName": "SANDBOXSTORE",
                "payments": [{
                    "id": p.payment_id,
                    "paymentSystem": p.system,
                    "paymentSystemName": p.system_name,
                    "value": value,
                    "installments": p.installments,
                    "referenceValue": value,
                    "cardHolder": null,
                    "cardNumber": null,
                    "firstDigits": if card { Some("411111") } else { None },
                    "lastDigits": if card { Some("1111") } else { None },
                    "cvv2": null,
                    "expireMonth": null,
                    "expireYear": null,
                    "url": null,
                    "giftCardId": null,
                    "giftCardName": null,
                    "giftCardCaption": null,
                    "redemptionCode": null,
                    "group": p.group,
                    "tid": p.tid,
                    "dueDate": null,
                    "connectorResponses": {},
                    "giftCardProvider": null,
                    "giftCardAsDiscount": null,
                    "koinUrl": null,
                    "accountId": null,
                    "parentAccountId": null,
                    "bankIssuedInvoiceIdentificationNumber": null,
                    "bankIssuedInvoiceIdentificationNumberFormatted": null,
                    "bankIssuedInvoiceBarCodeNumber": null,
                    "bankIssuedInvoiceBarCodeType": null,
                    "billingAddress": null,
                }],
            }],
        })
    }
}

fn detail_url(name: &str) -> String {
    let slug: String =
        name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("/{}/p", slug.trim_matches('-'))
}

fn item_json(order: &Order, item: &super::model::Item) -> Value {
    let discount = (item.price - item.selling_price) * item.quantity;
    let price_tags = if discount > 0 {
        json!([{
            "name": "DISCOUNT@MARKETPLACE",
            "value": -discount,
            "isPercentual": false,
            "identifier": format!("{}-promo", item.ref_id.to_lowercase()),
            "rawValue": -(discount as f64) / 100.0,
            "rate": null,
            "jurisCode": null,
            "jurisType": null,
            "jurisName": null,
        }])
    } else {
        json!([])
    };
    let mut doc = json!({
        "uniqueId": item.unique_id,
        "id": item.sku_id,
        "productId": item.product_id,
        "ean": null,
        "lockId": format!("00-{}", order.order_id),
        "itemAttachment": {"content": {}, "name": null},
        "attachments": [],
        "quantity": item.quantity,
        "seller": "1",
        "name": item.name,
        "refId": item.ref_id,
        "price": item.price,
        "listPrice": item.list_price,
        "manualPrice": null,
        "priceTags": price_tags,
        "imageUrl": item.image_url,
        "detailUrl": detail_url(&item.name),
        "components": [],
        "bundleItems": [],
        "params": [],
        "offerings": [],
        "sellerSku": item.sku_id,
        "priceValidUntil": null,
        "commission": 0,
        "tax": item.tax,
        "preSaleDate": null,
    });
    let rest = json!({
        "additionalInfo": {"brandName": "Sandbox", "brandId": "2000000", "categoriesIds": "/1/",
                           "productClusterId": null, "commercialConditionId": "1",
                           "dimension": {"cubicweight": 1.0, "height": 10.0, "length": 20.0,
                                         "weight": 500.0, "width": 15.0},
                           "offeringInfo": null, "offeringType": null, "offeringTypeId": null},
        "measurementUnit": "un",
        "unitMultiplier": 1.0,
        "sellingPrice": item.selling_price,
        "isGift": false,
        "shippingPrice": null,
        "rewardValue": 0,
        "freightCommission": 0,
        "priceDefinitions": {
            "sellingPrices": [{"value": item.selling_price, "quantity": item.quantity}],
            "calculatedSellingPrice": item.selling_price,
            "total": item.selling_price * item.quantity,
        },
        "taxCode": null,
        "parentItemIndex": null,
        "parentAssemblyBinding": null,
        "callCenterOperator": null,
        "serialNumbers": null,
        "assemblies": [],
        "costPrice": item.selling_price * 6 / 10,
    });
    if let (Value::Object(doc), Value::Object(rest)) = (&mut doc, rest) {
        doc.extend(rest);
    }
    doc
}
