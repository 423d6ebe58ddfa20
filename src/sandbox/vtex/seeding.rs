//! Deterministic VTEX orders: the first ones walk the whole status vocabulary, the rest are drawn with
//! realistic weights.

use serde_json::json;

use super::model::{
    Address, Cancellation, CourierStatus, Customer, INVOICED, Item, Order, Package, Payment, STATUSES, Store,
    Ticks, UNPAID,
};
use crate::sandbox::seed::{self as shared, Rng};

/// Mixed into the caller's seed so VTEX orders differ from other kinds' with the same seed.
const SEED_SALT: u64 = 0x07E7_0A5E_0001;

const TICKS_PER_MIN: i64 = 600_000_000;

/// Weights of the statuses drawn after the vocabulary walk (unlisted statuses weigh 1).
const WEIGHTS: &[(&str, u64)] = &[
    ("invoiced", 300),
    ("handling", 70),
    ("ready-for-handling", 80),
    ("canceled", 70),
    ("payment-pending", 40),
    ("payment-approved", 25),
    ("window-to-cancel", 25),
    ("waiting-for-authorization", 5),
    ("invoice", 4),
    ("start-handling", 4),
    ("cancellation-requested", 4),
];

const PAYMENTS: &[(&str, &str, &str, u64)] = &[
    ("2", "Visa", "creditCard", 40),
    ("4", "Mastercard", "creditCard", 25),
    ("6", "Boleto Bancário", "bankInvoice", 15),
    ("125", "Pix", "instantPayment", 20),
];

const NEIGHBORHOODS: &[&str] =
    &["Centro", "Bela Vista", "Jardins", "Copacabana", "Savassi", "Pinheiros", "Moema"];
const MARKETPLACES: &[(&str, &str)] = &[("MLB", "MLB"), ("AMZ", "AMZ"), ("MGZ", "MAGALU")];

/// Seeds `n` orders, newest first.
pub(super) fn seed_store(n: usize, seed: u64) -> Store {
    let mut rng = Rng::new(seed ^ SEED_SALT);
    let times = shared::placed_times_ms(&mut rng, n);
    let mut store = Store { orders: Vec::with_capacity(n), ..Store::default() };
    for (index, ms) in times.iter().enumerate() {
        let status = if index < STATUSES.len() { STATUSES[index].0 } else { weighted_status(&mut rng) };
        let order = seed_order(&mut rng, index, n, *ms, status);
        store.by_id.insert(order.order_id.clone(), index);
        store.by_sequence.insert(order.sequence.clone(), index);
        store.orders.push(order);
    }
    store
}

fn weighted_status(rng: &mut Rng) -> &'static str {
    let weight = |s: &str| WEIGHTS.iter().find(|(w, _)| *w == s).map_or(1, |(_, w)| *w);
    let total: u64 = STATUSES.iter().map(|(s, _)| weight(s)).sum();
    let mut roll = rng.below(total);
    for (status, _) in STATUSES {
        let w = weight(status);
        if roll < w {
            return status;
        }
        roll -= w;
    }
    "invoiced"
}

fn seed_order(rng: &mut Rng, index: usize, n: usize, ms: i64, status: &'static str) -> Order {
    // Sequences grow with time: the oldest order has the smallest one.
    let sequence = 500_000 + 3 * (n - 1 - index) as u64 + rng.below(3);
    let order_id = format!("{}{sequence:06}-01", rng.range(1_000_000, 1_999_999));
    let created: Ticks = ms * 10_000 + rng.range(0, 9_999);
    let country = if rng.chance(85) { "BR" } else { *rng.pick(&["US", "IT", "DE", "FR"]) };
    let person = shared::person(rng, "BR");
    let place = shared::place_in(rng, country);
    let corporate = rng.chance(8);
    let customer = Customer {
        first_name: person.first_name.to_string(),
        last_name: person.last_name.to_string(),
        email: person.email.clone(),
        phone: person.phone.clone(),
        document: if corporate {
            format!("{:014}", rng.range(10_000_000_000_000, 99_999_999_999_999))
        } else {
            format!("{:011}", rng.range(10_000_000_000, 99_999_999_999))
        },
        corporate_name: corporate
            .then(|| format!("{} {} Comércio Ltda", person.first_name, person.last_name)),
        user_profile_id: rng.uuid(),
    };
    let address = Address {
        address_id: rng.hex(13),
        receiver_name: format!("{} {}", person.first_name, person.last_name),
        postal_code: place.postal_code.to_string(),
        city: place.city.to_string(),
        state: place.region_code.to_string(),
        country_iso3: place.country_iso3.to_string(),
        street: place.street.to_string(),
        number: place.number.clone(),
        neighborhood: if country == "BR" { rng.pick(NEIGHBORHOODS).to_string() } else { String::new() },
        complement: rng.chance(30).then(|| format!("Apto {}", rng.range(1, 250))),
        geo: [rng.range(-60_000, -34_000) as f64 / 1000.0, rng.range(-30_000, -3_000) as f64 / 1000.0],
    };
    let discounted = rng.chance(30);
    let taxed = rng.chance(40);
    let free_shipping = rng.chance(15);
    let lines = rng.range(1, 4) as usize;
    let items: Vec<Item> = (0..lines).map(|_| seed_item(rng, discounted, taxed, free_shipping)).collect();
    let (carrier, _) = *rng.pick(shared::CARRIERS);
    let (system, system_name, group, _) = *pick_payment(rng);
    let payment = Payment {
        transaction_id: rng.hex(32).to_uppercase(),
        payment_id: rng.hex(32).to_uppercase(),
        system,
        system_name,
        group,
        installments: if group == "creditCard" { rng.range(1, 6) } else { 1 },
        tid: rng.range(10_000_000, 99_999_999).to_string(),
    };
    let external = rng.chance(20);
    let (affiliate, marketplace) = *rng.pick(MARKETPLACES);
    let authorized = (!UNPAID.contains(&status)).then(|| created + rng.range(1, 40) * TICKS_PER_MIN + 37);
    let mut order = Order {
        order_id,
        sequence: sequence.to_string(),
        status: status.to_string(),
        created,
        last_change: created,
        authorized,
        invoiced: None,
        customer,
        address,
        items,
        carrier,
        sla: if rng.chance(25) { "Expressa" } else { "Normal" },
        estimate_days: rng.range(2, 9),
        payment,
        packages: Vec::new(),
        marketplace_order_id: external
            .then(|| format!("{marketplace}-{}", rng.range(2_000_000_000, 2_999_999_999))),
        affiliate_id: if external { affiliate } else { "" },
        sales_channel: if external { "2" } else { "1" },
        origin: if external { "Fulfillment" } else { "Marketplace" },
        cancellation: None,
        interactions: Vec::new(),
        row_cache: Default::default(),
    };
    let step = authorized.unwrap_or(created);
    order.last_change = step + rng.range(5, 600) * TICKS_PER_MIN + rng.range(0, 9_999_999);
    if INVOICED.contains(&status) {
        let invoiced_at = step + rng.range(60, 2_880) * TICKS_PER_MIN + rng.range(0, 9_999_999);
        order.invoiced = Some(invoiced_at);
        order.last_change = order.last_change.max(invoiced_at);
        let package = seed_package(rng, &order, invoiced_at);
        if let Some(delivered) = package.courier_status.as_ref().and_then(|c| c.delivered_date) {
            order.last_change = order.last_change.max(delivered);
        }
        order.packages.push(package);
    }
    if status == "canceled" {
        let by_user = rng.chance(50);
        order.cancellation = Some(Cancellation {
            reason: Some(
                if by_user { "Customer requested cancellation" } else { "Payment not approved" }.to_string(),
            ),
            date: order.last_change,
            receipt: rng.hex(32),
            by_user,
        });
    }
    order
}

fn pick_payment<'a>(rng: &mut Rng) -> &'a (&'static str, &'static str, &'static str, u64) {
    let total: u64 = PAYMENTS.iter().map(|p| p.3).sum();
    let mut roll = rng.below(total);
    for payment in PAYMENTS {
        if roll < payment.3 {
            return payment;
        }
        roll -= payment.3;
    }
    &PAYMENTS[0]
}

fn seed_item(rng: &mut Rng, discounted: bool, taxed: bool, free_shipping: bool) -> Item {
    let product = shared::product(rng);
    let price = product.unit_price_cents;
    let list_price = if rng.chance(30) { price + price / 5 } else { price };
    let selling_price =
        if discounted && rng.chance(70) { price - price * rng.range(5, 25) / 100 } else { price };
    let quantity = if rng.chance(75) { 1 } else { rng.range(2, 3) };
    let name = match product.variant {
        Some(variant) => format!("{} {variant}", product.name),
        None => product.name.to_string(),
    };
    Item {
        unique_id: rng.hex(32).to_uppercase(),
        sku_id: product.variant_id.to_string(),
        product_id: product.product_id.to_string(),
        ref_id: product.sku.clone(),
        name,
        sku_name: product.variant.unwrap_or(product.name).to_string(),
        image_url: product.image_url.clone(),
        quantity,
        price,
        list_price,
        selling_price,
        tax: if taxed { selling_price * 9 / 100 } else { 0 },
        shipping: if free_shipping { 0 } else { rng.range(590, 2_490) },
    }
}

fn seed_package(rng: &mut Rng, order: &Order, invoiced_at: Ticks) -> Package {
    let (carrier, url) =
        *shared::CARRIERS.iter().find(|(c, _)| *c == order.carrier).unwrap_or(&shared::CARRIERS[0]);
    let tracked = rng.chance(85);
    let tracking_number =
        if tracked { format!("BR{}{}", rng.range(100_000_000, 999_999_999), "BR") } else { String::new() };
    let delivered = tracked && rng.chance(50);
    let in_transit = tracked && !delivered && rng.chance(50);
    let courier_status = (delivered || in_transit).then(|| {
        let dispatched = invoiced_at + rng.range(60, 600) * TICKS_PER_MIN;
        let arrived = dispatched + rng.range(1_000, 6_000) * TICKS_PER_MIN;
        let mut data = vec![json!({"city": "São Paulo", "state": "SP", "description": "Objeto postado",
                                    "date": super::model::vtex_date(dispatched, 0, false)})];
        if delivered {
            data.push(json!({"city": order.address.city, "state": order.address.state,
                             "description": "Objeto entregue ao destinatário",
                             "date": super::model::vtex_date(arrived, 0, false)}));
        }
        CourierStatus {
            status: if delivered { "delivered" } else { "in transit" }.to_string(),
            finished: delivered,
            delivered_date: delivered.then_some(arrived),
            data,
        }
    });
    Package {
        kind: "Output".to_string(),
        invoice_number: format!("NFE-{}", rng.range(100_000, 999_999)),
        invoice_value: order.value(),
        invoice_key: Some((0..44).map(|_| char::from(b'0' + rng.below(10) as u8)).collect()),
        invoice_url: None,
        embedded_invoice: String::new(),
        issuance_date: super::model::vtex_date(invoiced_at, 0, true),
        courier: carrier.to_string(),
        tracking_url: if tracked { url.replace("{}", &tracking_number) } else { String::new() },
        tracking_number,
        dispatched_date: None,
        items: order.items.iter().enumerate().map(|(i, it)| (i, it.quantity, it.selling_price)).collect(),
        courier_status,
        last_change: invoiced_at,
    }
}
