//! Deterministic seed orders, tags and fulfillments in Wix's wire format.

use serde_json::Value;

use super::super::SandboxOptions;
use super::super::seed::{self, Person, Place, Rng};
use super::{ORDER_FQDN, Store, Stored, iso_ms, money};

/// Mixed into the harness seed so Wix orders differ from other vendors' for the same seed.
const SEED_SALT: u64 = 0x0057_1C5E_ED00_0001;

/// The Wix Stores app id, the `catalogReference.appId` of store products.
const STORES_APP_ID: &str = "215238eb-22a5-4c36-9e7b-e7c08025e04e";

/// `(status, paymentStatus, fulfillmentStatus)`: the first orders walk this list, so every documented value
/// of the three enums appears once there are at least this many orders.
const VOCABULARY: &[(&str, &str, &str)] = &[
    ("APPROVED", "PAID", "NOT_FULFILLED"),
    ("INITIALIZED", "NOT_PAID", "NOT_FULFILLED"),
    ("APPROVED", "PAID", "FULFILLED"),
    ("CANCELED", "FULLY_REFUNDED", "NOT_FULFILLED"),
    ("APPROVED", "PARTIALLY_PAID", "PARTIALLY_FULFILLED"),
    ("APPROVED", "PENDING", "NOT_FULFILLED"),
    ("APPROVED", "PARTIALLY_REFUNDED", "FULFILLED"),
    ("APPROVED", "NOT_PAID", "NOT_FULFILLED"),
    ("CANCELED", "NOT_PAID", "NOT_FULFILLED"),
];

/// The rest are drawn with these weights.
const WEIGHTED: &[(u64, (&str, &str, &str))] = &[
    (40, ("APPROVED", "PAID", "FULFILLED")),
    (20, ("APPROVED", "PAID", "NOT_FULFILLED")),
    (5, ("APPROVED", "PAID", "PARTIALLY_FULFILLED")),
    (6, ("APPROVED", "NOT_PAID", "NOT_FULFILLED")),
    (5, ("INITIALIZED", "NOT_PAID", "NOT_FULFILLED")),
    (4, ("APPROVED", "PENDING", "NOT_FULFILLED")),
    (2, ("APPROVED", "PARTIALLY_PAID", "NOT_FULFILLED")),
    (4, ("APPROVED", "PARTIALLY_REFUNDED", "FULFILLED")),
    (2, ("APPROVED", "FULLY_REFUNDED", "NOT_FULFILLED")),
    (7, ("CANCELED", "FULLY_REFUNDED", "NOT_FULFILLED")),
    (5, ("CANCELED", "NOT_PAID", "NOT_FULFILLED")),
];

/// `(title, code, cents, delivery time)`.
const SHIPPING: &[(&str, &str, i64, &str)] = &[
    ("Standard Shipping", "standard", 599, "3-5 business days"),
    ("Express Shipping", "express", 1499, "1-2 business days"),
    ("Free Shipping", "free", 0, "5-7 business days"),
];

const COUNTRIES: &[&str] = &["US", "US", "US", "US", "GB", "DE", "FR", "IT", "BR", "RO"];

/// Builds the whole store for `opts`.
pub(super) fn seed(opts: &SandboxOptions) -> Store {
    let mut rng = Rng::new(opts.seed ^ SEED_SALT);
    let mut store = Store::default();
    let tag_base = seed::ANCHOR_UNIX * 1000 - 400 * 86_400_000;
    for (i, name) in seed::TAGS.iter().enumerate() {
        let created = tag_base + i as i64 * 3_600_000 + rng.range(0, 999);
        store.tags.push(obj! {
            "id" => rng.uuid(),
            "revision" => "1",
            "createdDate" => iso_ms(created),
            "updatedDate" => iso_ms(created),
            "name" => *name,
            "fqdn" => ORDER_FQDN,
        });
    }
    let tag_ids: Vec<String> =
        store.tags.iter().filter_map(|t| t["id"].as_str().map(str::to_string)).collect();
    let times = seed::placed_times_ms(&mut rng, opts.orders);
    let n = opts.orders;
    for (i, placed) in times.into_iter().enumerate() {
        let statuses = if i < VOCABULARY.len() { VOCABULARY[i] } else { weighted(&mut rng) };
        let number = 10_000 + (n - i) as u64;
        let stored = order(&mut rng, number, placed, statuses, &tag_ids);
        if let Some(id) = stored.order["id"].as_str() {
            store.by_id.insert(id.to_string(), store.orders.len());
        }
        store.orders.push(stored);
    }
    store
}

fn weighted(rng: &mut Rng) -> (&'static str, &'static str, &'static str) {
    let total: u64 = WEIGHTED.iter().map(|w| w.0).sum();
    let mut roll = rng.below(total);
    for &(weight, statuses) in WEIGHTED {
        if roll < weight {
            return statuses;
        }
        roll -= weight;
    }
    WEIGHTED[0].1
}

/// Tax rate in basis points by destination country.
fn tax_bp(country: &str) -> i64 {
    match country {
        "US" => 800,
        "GB" | "FR" => 2000,
        "DE" | "RO" => 1900,
        "IT" => 2200,
        _ => 0,
    }
}

/// The name of a product's variant option, for `descriptionLines` and `catalogReference.options`.
fn option_name(product: &str) -> &'static str {
    match product {
        "Linen Shirt" | "Trail Running Shoes" | "Kids Rain Jacket" => "Size",
        "Stainless Water Bottle" => "Volume",
        "Coffee Beans 1kg" => "Grind",
        _ => "Color",
    }
}

fn address(place: &Place) -> Value {
    obj! {
        "country" => place.country_iso2,
        "subdivision" => format!("{}-{}", place.country_iso2, place.region_code),
        "city" => place.city,
        "postalCode" => place.postal_code,
        "streetAddress" => obj! {"number" => place.number.as_str(), "name" => place.street},
        "addressLine" => format!("{} {}", place.number, place.street),
        "countryFullname" => place.country_name,
        "subdivisionFullname" => place.region,
    }
}

fn contact(person: &Person, company: Option<&str>) -> Value {
    let mut details = obj! {
        "firstName" => person.first_name,
        "lastName" => person.last_name,
        "phone" => person.phone.as_str(),
    };
    if let Some(company) = company {
        details["company"] = Value::from(company);
    }
    details
}

fn translated(text: &str) -> Value {
    obj! {"original" => text, "translated" => text}
}

fn activity(rng: &mut Rng, at: i64, kind: &str) -> Value {
    obj! {"id" => rng.uuid(), "createdDate" => iso_ms(at), "type" => kind}
}

fn line_item(rng: &mut Rng, index: usize) -> (Value, i64, i64) {
    let product = seed::product(rng);
    let quantity = rng.range(1, 3);
    let unit = product.unit_price_cents;
    let gross = unit * quantity;
    let mut item = obj! {
        "id" => format!("00000000-0000-0000-0000-{:012}", index + 1),
        "productName" => translated(product.name),
        "catalogReference" => obj! {
            "catalogItemId" => Rng::new(product.product_id as u64).uuid(),
            "appId" => STORES_APP_ID,
        },
        "quantity" => quantity,
        "descriptionLines" => Vec::<Value>::new(),
        "image" => obj! {
            "id" => format!("{}_{}~mv2.jpg", product.product_id, product.sku.to_lowercase()),
            "url" => product.image_url.as_str(),
            "height" => 1000,
            "width" => 1000,
            "altText" => product.name,
        },
        "physicalProperties" => obj! {
            "weight" => rng.range(1, 30) as f64 / 10.0,
            "sku" => product.sku.as_str(),
            "shippable" => true,
        },
        "itemType" => obj! {"preset" => "PHYSICAL"},
        "price" => money(unit),
        "priceBeforeDiscounts" => money(unit),
        "refundQuantity" => 0,
        "restockQuantity" => 0,
        "paymentOption" => "FULL_PAYMENT_ONLINE",
    };
    if let Some(variant) = product.variant {
        let option = option_name(product.name);
        item["descriptionLines"] = Value::from(vec![obj! {
            "name" => translated(option),
            "plainText" => translated(variant),
            "lineType" => "PLAIN_TEXT",
        }]);
        let mut options = serde_json::Map::new();
        options.insert(option.to_string(), Value::from(variant));
        item["catalogReference"]["options"] = obj! {
            "variantId" => Rng::new(product.variant_id as u64).uuid(),
            "options" => Value::Object(options),
        };
    }
    (item, gross, quantity)
}

fn order(
    rng: &mut Rng,
    number: u64,
    placed: i64,
    (status, payment, fulfillment): (&str, &str, &str),
    tag_ids: &[String],
) -> Stored {
    let id = rng.uuid();
    let country = *rng.pick(COUNTRIES);
    let place = seed::place_in(rng, country);
    let person = seed::person(rng, place.country_iso2);
    let billing_place = if rng.chance(20) { seed::place_in(rng, country) } else { place.clone() };
    let company = if rng.chance(10) { Some("Acme Trading Ltd") } else { None };

    // Line items: gross amounts first, then a coupon spread over the lines, then tax per line.
    let count = rng.range(1, 4) as usize;
    let mut lines: Vec<(Value, i64, i64)> = Vec::with_capacity(count);
    for index in 0..count {
        lines.push(line_item(rng, index));
    }
    if fulfillment == "PARTIALLY_FULFILLED" && count == 1 && lines[0].2 == 1 {
        // A partial fulfillment needs something left over: make it two of the single item.
        lines[0].2 = 2;
        lines[0].1 *= 2;
        lines[0].0["quantity"] = Value::from(2);
    }
    let subtotal: i64 = lines.iter().map(|l| l.1).sum();
    let coupon_percent = if rng.chance(25) { *rng.pick(&[10, 15, 20]) } else { 0 };
    let discount = subtotal * coupon_percent / 100;
    let rate = tax_bp(country);
    let mut remaining_discount = discount;
    let mut line_tax_total = 0;
    let last = lines.len() - 1;
    for (i, (item, gross, _)) in lines.iter_mut().enumerate() {
        let share = if i == last { remaining_discount } else { discount * *gross / subtotal.max(1) };
        remaining_discount -= share;
        let before_tax = *gross - share;
        let tax = (before_tax * rate + 5000) / 10_000;
        line_tax_total += tax;
        item["totalDiscount"] = money(share);
        item["totalPriceBeforeTax"] = money(before_tax);
        item["totalPriceAfterTax"] = money(before_tax + tax);
        item["taxDetails"] = obj! {
            "taxRate" => format!("{}.{:04}", rate / 10_000, rate % 10_000),
            "totalTax" => money(tax),
        };
    }
    let (ship_title, ship_code, ship_cents, delivery) = *rng.pick(SHIPPING);
    let total = subtotal + ship_cents + line_tax_total - discount;
    let paid = match payment {
        "PAID" | "PARTIALLY_REFUNDED" | "FULLY_REFUNDED" => total,
        "PARTIALLY_PAID" => total / 2,
        _ => 0,
    };

    let updated = placed + rng.range(60_000, 3 * 86_400_000);
    let mut activities = vec![activity(rng, placed, "ORDER_PLACED")];
    if paid > 0 {
        let at = placed + rng.range(1_000, 60_000);
        activities.push(activity(rng, at, "ORDER_PAID"));
    }
    if rng.chance(15) {
        let mut comment = activity(rng, placed + 120_000, "MERCHANT_COMMENT");
        comment["authorEmail"] = Value::from("owner@shop.example.com");
        comment["merchantComment"] = obj! {"message" => "Customer asked for gift wrapping."};
        activities.push(comment);
    }

    let contact_id = rng.uuid();
    let mut buyer = obj! {"contactId" => contact_id, "email" => person.email.as_str()};
    if rng.chance(40) {
        buyer["memberId"] = Value::from(rng.uuid());
    }
    let shipped: Vec<(Value, i64)> = lines.iter().map(|l| (l.0["id"].clone(), l.2)).collect();
    let items: Vec<Value> = lines.into_iter().map(|l| l.0).collect();
    let empty_tags = || obj! {"tagIds" => Vec::<Value>::new()};
    let mut order = obj! {
        "id" => id,
        "number" => number.to_string(),
        "createdDate" => iso_ms(placed),
        "updatedDate" => iso_ms(updated),
        "lineItems" => items,
        "buyerInfo" => buyer,
        "paymentStatus" => payment,
        "fulfillmentStatus" => fulfillment,
        "buyerLanguage" => "en",
        "weightUnit" => "KG",
        "currency" => "USD",
        "taxIncludedInPrices" => false,
        "siteLanguage" => "en",
        "priceSummary" => obj! {
            "subtotal" => money(subtotal),
            "shipping" => money(ship_cents),
            "tax" => money(line_tax_total),
            "discount" => money(discount),
            "totalPrice" => money(total),
            "total" => money(total),
            "totalAdditionalFees" => money(0),
        },
        "billingInfo" => obj! {
            "address" => address(&billing_place),
            "contactDetails" => contact(&person, company),
        },
        "shippingInfo" => obj! {
            "code" => ship_code,
            "title" => ship_title,
            "logistics" => obj! {
                "deliveryTime" => delivery,
                "shippingDestination" => obj! {
                    "address" => address(&place),
                    "contactDetails" => contact(&person, company),
                },
            },
            "cost" => obj! {
                "price" => money(ship_cents),
                "totalPriceBeforeTax" => money(ship_cents),
                "totalPriceAfterTax" => money(ship_cents),
                "taxDetails" => obj! {"taxRate" => "0.0000", "totalTax" => money(0)},
                "discount" => money(0),
            },
            "region" => obj! {"name" => if country == "US" { "Domestic" } else { "International" }},
        },
        "status" => status,
        "taxSummary" => obj! {"totalTax" => money(line_tax_total)},
        "appliedDiscounts" => Vec::<Value>::new(),
        "activities" => activities,
        "attributionSource" => "UNSPECIFIED",
        "createdBy" => obj! {"visitorId" => rng.uuid()},
        "channelInfo" => obj! {"type" => "WEB"},
        "seenByAHuman" => status != "INITIALIZED" && rng.chance(70),
        "checkoutId" => rng.uuid(),
        "customFields" => Vec::<Value>::new(),
        "balanceSummary" => obj! {"balance" => money(total - paid), "paid" => money(paid)},
        "archived" => status == "CANCELED" && rng.chance(30),
        "tags" => obj! {"privateTags" => empty_tags(), "tags" => empty_tags()},
    };
    if discount > 0 {
        let code = format!("SAVE{coupon_percent}");
        order["appliedDiscounts"] = Value::from(vec![obj! {
            "discountType" => "GLOBAL",
            "coupon" => obj! {
                "id" => rng.uuid(),
                "code" => code,
                "name" => format!("{coupon_percent}% off"),
                "amount" => money(discount),
            },
        }]);
    }
    if rng.chance(20) {
        order["buyerNote"] = Value::from(*rng.pick(&[
            "Please leave the parcel with the neighbour.",
            "Gift, please remove the price tag.",
            "Ring twice, the bell is broken.",
        ]));
    }
    if rng.chance(15) {
        let (kind, ext) = match rng.below(3) {
            0 => (
                "EBAY",
                format!("{:02}-{:05}-{:05}", rng.range(10, 99), rng.range(0, 99_999), rng.range(0, 99_999)),
            ),
            1 => (
                "AMAZON",
                format!(
                    "{}-{:07}-{:07}",
                    rng.range(100, 999),
                    rng.range(0, 9_999_999),
                    rng.range(0, 9_999_999)
                ),
            ),
            _ => ("OTHER_PLATFORM", format!("EXT-{}", rng.range(100_000, 999_999))),
        };
        let url = format!("https://marketplace.example.com/orders/{ext}");
        order["channelInfo"] = obj! {"type" => kind, "externalOrderId" => ext, "externalOrderUrl" => url};
    }
    if rng.chance(30) {
        let first = rng.below(tag_ids.len() as u64) as usize;
        let mut ids = vec![tag_ids[first].clone()];
        if rng.chance(30) {
            let second = (first + 1 + rng.below(tag_ids.len() as u64 - 1) as usize) % tag_ids.len();
            ids.push(tag_ids[second].clone());
        }
        order["tags"]["tags"]["tagIds"] = Value::from(ids);
    }
    if status == "CANCELED" {
        let at = updated - rng.range(0, 59_000);
        let canceled = activity(rng, at, "ORDER_CANCELED");
        push_activity(&mut order, canceled);
    }
    let fulfillments = seed_fulfillments(rng, &mut order, shipped, fulfillment, placed, updated);
    Stored { order, fulfillments }
}

fn push_activity(order: &mut Value, activity: Value) {
    if let Some(list) = order["activities"].as_array_mut() {
        list.push(activity);
    }
}

/// Fulfillments of shipped orders, with tracking; `PARTIALLY_FULFILLED` ships part of the first line.
fn seed_fulfillments(
    rng: &mut Rng,
    order: &mut Value,
    mut lines: Vec<(Value, i64)>,
    fulfillment: &str,
    placed: i64,
    updated: i64,
) -> Vec<Value> {
    let items: Vec<Value> = match fulfillment {
        "FULFILLED" => {
            lines.into_iter().map(|(id, quantity)| obj! {"id" => id, "quantity" => quantity}).collect()
        }
        "PARTIALLY_FULFILLED" => {
            let single = lines.len() == 1;
            let (id, quantity) = lines.swap_remove(0);
            vec![obj! {"id" => id, "quantity" => if single { quantity - 1 } else { quantity }}]
        }
        _ => return Vec::new(),
    };
    let (carrier, pattern) = *rng.pick(seed::CARRIERS);
    let provider = match carrier {
        "UPS" => "ups",
        "DHL" => "dhl",
        "FedEx" => "fedex",
        other => other,
    };
    let number = match provider {
        "ups" => format!("1Z{}", rng.hex(16).to_uppercase()),
        "Correios" => format!("LB{:09}BR", rng.range(0, 999_999_999)),
        _ => format!("{:012}", rng.range(0, 999_999_999_999)),
    };
    let at = placed + (updated - placed) / 2;
    let fulfillment_id = rng.uuid();
    let tracking_added = activity(rng, at, "TRACKING_NUMBER_ADDED");
    push_activity(order, tracking_added);
    if fulfillment == "FULFILLED" {
        let fulfilled = activity(rng, at, "ORDER_FULFILLED");
        push_activity(order, fulfilled);
    }
    let link = pattern.replace("{}", &number);
    vec![obj! {
        "id" => fulfillment_id,
        "createdDate" => iso_ms(at),
        "lineItems" => items,
        "trackingInfo" => obj! {"trackingNumber" => number, "shippingProvider" => provider, "trackingLink" => link},
    }]
}
