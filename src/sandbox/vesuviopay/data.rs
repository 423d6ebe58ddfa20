//! Deterministic seed orders. Newest first; the first nine cycle through the whole status vocabulary, the
//! rest are drawn with realistic weights; the oldest is the documented example order (VES-1001, 159.97)
//! once there are at least ten orders.

use serde_json::{Map, Value};

use super::model::{Address, Customer, Item, Order, Payment, Status};
use crate::sandbox::seed::{self, Person, Place, Rng};

/// Mixed into `opts.seed` so this kind's data differs from the other sandboxes'.
pub(super) const SEED_SALT: u64 = 0x7E5_B10_9A7;

/// Unix time of the documented example order's `placedAt` (2025-10-08T10:30:00Z).
const EXAMPLE_PLACED_AT: i64 = 1_759_919_400;

/// Status weights (percent) for orders past the vocabulary cycle.
const WEIGHTS: [(Status, u64); 9] = [
    (Status::Pending, 6),
    (Status::Confirmed, 10),
    (Status::Processing, 8),
    (Status::Shipped, 12),
    (Status::PartiallyShipped, 4),
    (Status::Delivered, 40),
    (Status::PartiallyDelivered, 3),
    (Status::Cancelled, 10),
    (Status::Refunded, 7),
];

const PLATFORMS: &[(&str, &str)] = &[("Shopify", "shopify"), ("WooCommerce", "woo"), ("Magento", "magento")];
const INSTRUCTIONS: &[&str] =
    &["Leave at door", "Ring doorbell", "Call on arrival", "Leave with the concierge", "Deliver after 6pm"];
const CANCEL_REASONS: &[&str] =
    &["Customer requested cancellation", "Item out of stock", "Payment failed", "Duplicate order"];

/// `n` orders from `seed`, newest first.
pub(super) fn orders(seed_value: u64, n: usize) -> Vec<Order> {
    let mut rng = Rng::new(seed_value ^ SEED_SALT);
    let times = seed::placed_times_ms(&mut rng, n);
    let mut customers: Vec<(Customer, Place)> = Vec::new();
    let mut out = Vec::with_capacity(n);
    for (i, ms) in times.iter().enumerate() {
        let number = format!("VES-{}", 1000 + n - i);
        if n >= 10 && i == n - 1 {
            let previous = times[i - 1] / 1000;
            let at = if EXAMPLE_PLACED_AT < previous { EXAMPLE_PLACED_AT } else { ms / 1000 };
            out.push(example_order(at));
            continue;
        }
        let status = if i < Status::ALL.len() { Status::ALL[i] } else { weighted_status(&mut rng) };
        out.push(random_order(&mut rng, &mut customers, i, number, status, ms / 1000));
    }
    out
}

fn weighted_status(rng: &mut Rng) -> Status {
    let mut roll = rng.below(100);
    for (status, weight) in WEIGHTS {
        if roll < weight {
            return status;
        }
        roll -= weight;
    }
    Status::Delivered
}

/// A stable UUID for a key (a product variant), independent of the order it appears in.
fn stable_uuid(key: u64) -> String {
    Rng::new(key ^ SEED_SALT).uuid()
}

fn customer_for(rng: &mut Rng, customers: &mut Vec<(Customer, Place)>) -> (Customer, Place) {
    if !customers.is_empty() && rng.chance(20) {
        return rng.pick(customers).clone();
    }
    let country = *rng.pick(&["US", "US", "IT", "IT", "BR", "RO", "DE", "FR", "GB"]);
    let place = seed::place_in(rng, country);
    let Person { first_name, last_name, email, phone } = seed::person(rng, place.country_iso2);
    let customer = Customer {
        id: rng.uuid(),
        email,
        phone: rng.chance(85).then_some(phone),
        first_name: Some(first_name.to_string()),
        last_name: Some(last_name.to_string()),
    };
    customers.push((customer.clone(), place.clone()));
    (customer, place)
}

fn address(customer: &Customer, place: &Place, address2: Option<String>, phone: bool) -> Address {
    Address {
        first_name: customer.first_name.clone(),
        last_name: customer.last_name.clone(),
        address1: Some(format!("{} {}", place.number, place.street)),
        address2,
        city: Some(place.city.to_string()),
        province: Some(place.region_code.to_string()),
        country: Some(place.country_name.to_string()),
        country_iso_code: Some(place.country_iso2.to_string()),
        postal_code: Some(place.postal_code.to_string()),
        phone: if phone { customer.phone.clone() } else { None },
    }
}

fn random_order(
    rng: &mut Rng,
    customers: &mut Vec<(Customer, Place)>,
    index: usize,
    order_number: String,
    status: Status,
    placed_at: i64,
) -> Order {
    let id = rng.uuid();
    let (customer, place) = customer_for(rng, customers);
    let platform = rng.chance(40).then(|| *rng.pick(PLATFORMS));
    let external_order_id = platform.map(|(name, prefix)| {
        let n = 5_000_000 + index as u64 * 7 + rng.below(7);
        if name == "Shopify" { format!("{prefix}_order_{n}") } else { format!("{prefix}_{n}") }
    });
    let lines = rng.range(1, 4) as usize;
    let mut items = Vec::with_capacity(lines);
    for line in 0..lines {
        let mut product = seed::product(rng);
        // Redraw (a bounded number of times) so one order does not list the same variant twice.
        for _ in 0..8 {
            if !items.iter().any(|i: &Item| i.sku.as_deref() == Some(product.sku.as_str())) {
                break;
            }
            product = seed::product(rng);
        }
        let quantity = if rng.chance(70) { 1 } else { rng.range(2, 3) };
        items.push(Item {
            id: rng.uuid(),
            product_variant_id: stable_uuid(product.variant_id as u64),
            external_product_id: platform.map(|(_, p)| format!("{p}_{}", product.product_id)),
            external_variant_id: platform.map(|(_, p)| format!("{p}_variant_{}", product.variant_id)),
            product_title: product.name.to_string(),
            variant_title: product.variant.map(str::to_string),
            sku: Some(product.sku),
            quantity,
            unit_price: product.unit_price_cents,
            item_status: status.for_line(line, lines),
        });
    }
    let subtotal: i64 = items.iter().map(|i| i.unit_price * i.quantity).sum();
    let discount_total = if rng.chance(25) {
        if subtotal > 2000 && rng.chance(50) { 500 } else { (subtotal + 5) / 10 }
    } else {
        0
    };
    let shipping_total = if subtotal >= 10_000 { 0 } else { *rng.pick(&[499, 500, 790, 999]) };
    let tax_total = ((subtotal - discount_total) * 8 + 50) / 100;
    let total_amount = subtotal + shipping_total + tax_total - discount_total;
    let address2 = rng.chance(30).then(|| format!("Apt {}", rng.range(1, 40)));
    let shipping_address = address(&customer, &place, address2, true);
    let billing_address = rng.chance(85).then(|| {
        let billing_place =
            if rng.chance(20) { seed::place_in(rng, place.country_iso2) } else { place.clone() };
        address(&customer, &billing_place, None, false)
    });
    let payment = match rng.below(100) {
        0..60 => {
            let brand = *rng.pick(&["Visa", "Mastercard", "Amex"]);
            let last4 = format!("{:04}", rng.below(10_000));
            Payment {
                method: "credit_card".into(),
                display: format!("{brand} ending in {last4}"),
                last4: Some(last4),
                brand: Some(brand.into()),
            }
        }
        60..85 => Payment { method: "paypal".into(), display: "PayPal".into(), last4: None, brand: None },
        _ => Payment {
            method: "bank_transfer".into(),
            display: "Bank transfer".into(),
            last4: None,
            brand: None,
        },
    };
    let minutes = |lo: i64, hi: i64, rng: &mut Rng| rng.range(lo, hi) * 60;
    let updated_after = match status {
        Status::Pending => minutes(0, 10, rng),
        Status::Confirmed => minutes(1, 60, rng),
        Status::Processing => minutes(60, 24 * 60, rng),
        Status::Shipped | Status::PartiallyShipped => minutes(24 * 60, 3 * 24 * 60, rng),
        Status::Delivered | Status::PartiallyDelivered => minutes(3 * 24 * 60, 8 * 24 * 60, rng),
        Status::Cancelled => minutes(10, 2 * 24 * 60, rng),
        Status::Refunded => minutes(2 * 24 * 60, 12 * 24 * 60, rng),
    };
    let mut metadata = Map::new();
    metadata.insert("source".into(), Value::from(*rng.pick(&["web", "web", "mobile_app", "pos"])));
    if rng.chance(20) {
        metadata.insert(
            "campaign".into(),
            Value::from(*rng.pick(&["summer_sale", "black_friday", "newsletter"])),
        );
    }
    if platform.is_some() {
        metadata.insert("platformOrderNumber".into(), Value::from(format!("#{}", 1000 + rng.below(90_000))));
    }
    let shipped = matches!(
        status,
        Status::Shipped | Status::PartiallyShipped | Status::Delivered | Status::PartiallyDelivered
    ) || (status == Status::Refunded && rng.chance(50));
    if shipped {
        let (carrier, _) = *rng.pick(seed::CARRIERS);
        let tracking = format!("{}{}", carrier_prefix(carrier), rng.range(100_000_000, 999_999_999));
        let eta = super::model::iso(placed_at + rng.range(3, 7) * 86_400);
        metadata.insert("trackingNumber".into(), Value::from(tracking));
        metadata.insert("carrier".into(), Value::from(carrier));
        metadata.insert("estimatedDelivery".into(), Value::from(eta[..10].to_string()));
    }
    if status == Status::Cancelled {
        metadata.insert("cancellationReason".into(), Value::from(*rng.pick(CANCEL_REASONS)));
    }
    Order {
        id,
        order_number,
        external_order_id,
        platform_name: platform.map(|(name, _)| name.to_string()),
        status,
        customer,
        items,
        shipping_address,
        billing_address,
        subtotal,
        shipping_total,
        tax_total,
        discount_total,
        total_amount,
        payment: Some(payment),
        placed_at,
        updated_at: placed_at + updated_after,
        delivery_instructions: rng.chance(30).then(|| rng.pick(INSTRUCTIONS).to_string()),
        metadata,
    }
}

fn carrier_prefix(carrier: &str) -> &'static str {
    match carrier {
        "UPS" => "1Z",
        "FedEx" => "FDX",
        "DHL" => "JD",
        "Correios" => "BR",
        "BRT" => "BRT",
        _ => "FAN",
    }
}

/// The order of the documented examples (list row VES-1001: 149.97 + 10.00 tax = 159.97, 3 units).
fn example_order(placed_at: i64) -> Order {
    let s = |v: &str| Some(v.to_string());
    let customer = Customer {
        id: "b4e3c2d1-2345-6789-01bc-def123456789".into(),
        email: "customer@example.com".into(),
        phone: s("+1234567890"),
        first_name: s("John"),
        last_name: s("Doe"),
    };
    let home = Address {
        first_name: s("John"),
        last_name: s("Doe"),
        address1: s("123 Main St"),
        address2: s("Apt 4B"),
        city: s("New York"),
        province: s("NY"),
        country: s("United States"),
        country_iso_code: s("US"),
        postal_code: s("10001"),
        phone: s("+1234567890"),
    };
    let billing = Address { address2: None, phone: None, ..home.clone() };
    let items = vec![
        Item {
            id: "c5f4d3e2-3456-7890-12cd-ef1234567890".into(),
            product_variant_id: "d6g5e4f3-4567-8901-23de-f12345678901".into(),
            external_product_id: s("shopify_12345"),
            external_variant_id: s("shopify_variant_001"),
            product_title: "Premium T-Shirt".into(),
            variant_title: s("Small / Red"),
            sku: s("TSHIRT-S-RED"),
            quantity: 2,
            unit_price: 2999,
            item_status: Status::Confirmed,
        },
        Item {
            id: "c5f4d3e2-3456-7890-12cd-ef1234567891".into(),
            product_variant_id: "d6g5e4f3-4567-8901-23de-f12345678902".into(),
            external_product_id: s("shopify_12346"),
            external_variant_id: s("shopify_variant_002"),
            product_title: "Canvas Sneakers".into(),
            variant_title: s("42 / White"),
            sku: s("SNEAKER-42-WHT"),
            quantity: 1,
            unit_price: 8999,
            item_status: Status::Confirmed,
        },
    ];
    let mut metadata = Map::new();
    metadata.insert("source".into(), Value::from("mobile_app"));
    metadata.insert("campaign".into(), Value::from("summer_sale"));
    Order {
        id: "a3f2b1c0-1234-5678-90ab-cdef12345678".into(),
        order_number: "VES-1001".into(),
        external_order_id: s("shopify_order_12345"),
        platform_name: s("Shopify"),
        status: Status::Confirmed,
        customer,
        items,
        shipping_address: home,
        billing_address: Some(billing),
        subtotal: 14_997,
        shipping_total: 0,
        tax_total: 1000,
        discount_total: 0,
        total_amount: 15_997,
        payment: Some(Payment {
            method: "credit_card".into(),
            display: "Visa ending in 4242".into(),
            last4: s("4242"),
            brand: s("Visa"),
        }),
        placed_at,
        updated_at: placed_at + 30 * 60,
        delivery_instructions: s("Leave at door"),
        metadata,
    }
}
