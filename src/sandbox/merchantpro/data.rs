//! Deterministic seed orders for the MerchantPro sandbox: a Romanian shop selling in RON.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::super::SandboxOptions;
use super::super::seed::{self, Rng};
use super::model::{Address, Company, Invoice, LineItem, Order, SHOP_URL, TagRegistry};

/// The orders and tag registry of one sandbox.
#[derive(Debug)]
pub(super) struct Store {
    /// Newest first (strictly decreasing `date_created`).
    pub orders: Vec<Order>,
    pub by_id: HashMap<u64, usize>,
    pub tags: TagRegistry,
    /// Logical clock (unix seconds) for `date_modified`/`date_shipped` set by mutations: deterministic,
    /// and always after every seeded date.
    pub clock: i64,
}

impl Store {
    /// The next mutation instant.
    pub fn tick(&mut self) -> i64 {
        self.clock += 60;
        self.clock
    }
}

/// The first orders walk this list, so every payment status (both cancel spellings) and every
/// shipping status appears once `orders` ≥ 11.
const CYCLE: &[(&str, &str)] = &[
    ("awaiting", "awaiting"),
    ("paid", "confirmed"),
    ("paid", "in_process"),
    ("awaiting", "shipped"),
    ("paid", "delivered"),
    ("refunded", "returned"),
    ("canceled", "cancelled"),
    ("temporary", "awaiting"),
    ("failed", "awaiting"),
    ("rejected", "cancelled"),
    ("cancelled", "cancelled"),
];

/// Weighted draw for the rest: `(weight, payment, shipping)`.
const WEIGHTED: &[(u64, &str, &str)] = &[
    (36, "paid", "delivered"),
    (8, "paid", "shipped"),
    (6, "awaiting", "shipped"),
    (9, "paid", "in_process"),
    (6, "paid", "confirmed"),
    (10, "awaiting", "awaiting"),
    (3, "temporary", "awaiting"),
    (3, "failed", "awaiting"),
    (2, "rejected", "cancelled"),
    (4, "canceled", "cancelled"),
    (4, "cancelled", "cancelled"),
    (3, "refunded", "returned"),
    (2, "paid", "returned"),
    (2, "refunded", "cancelled"),
    (2, "paid", "awaiting"),
];

/// `(id, name, carrier id, tax-inclusive price in bani)`.
pub(super) const SHIPPING_METHODS: &[(u64, &str, Option<&str>, i64)] = &[
    (3, "FAN Courier", Some("fan_courier"), 1999),
    (5, "Sameday", Some("sameday"), 1750),
    (7, "Sameday easybox", Some("sameday"), 1299),
    (9, "Cargus", Some("cargus"), 2100),
    (12, "DPD", Some("dpd"), 2450),
    (1, "Ridicare din magazin", None, 0),
];
const INTERNATIONAL: (u64, &str, Option<&str>, i64) = (14, "DHL Express", Some("dhl"), 7990);

const CARD_METHODS: &[(&str, &str)] =
    &[("mobilpay", "Card online (mobilPay)"), ("euplatesc", "Card online (EuPlatesc)"), ("paypal", "PayPal")];
const COD: (&str, &str) = ("cash_delivery", "Plata in sistem ramburs");
const WIRE: (&str, &str) = ("wire", "Ordin de plata");
const COUPONS: &[(&str, i64)] = &[("VARA10", 10), ("BINEAIVENIT", 10), ("BLACKFRIDAY15", 15)];
const NOTES: &[&str] =
    &["Va rog sunati inainte de livrare.", "Livrare dupa ora 17.", "Ambalaj cadou, va rog.", "Interfon 12B."];

/// Seeds `opts.orders` orders, newest first.
pub(super) fn seed_store(opts: &SandboxOptions) -> Store {
    let mut rng = Rng::new(opts.seed ^ 0x4D50_5F76_3241_5049);
    let times = seed::placed_times_ms(&mut rng, opts.orders);
    let mut tags = TagRegistry::default();
    for name in seed::TAGS {
        tags.id_for(name);
    }
    let mut used: HashSet<u64> = HashSet::from([12_345_001]);
    let mut orders = Vec::with_capacity(opts.orders);
    for (i, ms) in times.iter().enumerate() {
        let created = ms.div_euclid(1000);
        if i == 0 {
            orders.push(doc_example(created));
            continue;
        }
        let mut id = rng.range(10_000_000, 99_999_999) as u64;
        while !used.insert(id) {
            id = rng.range(10_000_000, 99_999_999) as u64;
        }
        let (pay, ship) = if i < CYCLE.len() { CYCLE[i] } else { weighted(&mut rng) };
        let mut order = random_order(&mut rng, &mut tags, id, created, pay, ship);
        order.id_as_string = i % 10 == 9;
        order.invoice = order.invoice.take().map(|mut inv| {
            inv.number = format!("{:07}", 10_000 + opts.orders - i);
            inv
        });
        orders.push(order);
    }
    let by_id = orders.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let clock = orders
        .iter()
        .map(|o| o.modified.max(o.delivered.unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(seed::ANCHOR_UNIX)
        + 3600;
    Store { orders, by_id, tags, clock }
}

fn weighted(rng: &mut Rng) -> (&'static str, &'static str) {
    let total: u64 = WEIGHTED.iter().map(|w| w.0).sum();
    let mut roll = rng.below(total);
    for (weight, pay, ship) in WEIGHTED {
        if roll < *weight {
            return (pay, ship);
        }
        roll -= weight;
    }
    ("paid", "delivered")
}

fn dec(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// Splits a tax-inclusive amount into (net rounded to 4 decimals, tax = gross − net).
fn split_gross(gross: Decimal, percent: u32) -> (Decimal, Decimal) {
    let net = (gross * Decimal::from(100) / Decimal::from(100 + percent)).round_dp(4);
    (net, gross - net)
}

/// The tax part of a tax-inclusive shipping price, to 2 decimals (`15` → `2.39`).
pub(super) fn shipping_tax(gross: Decimal) -> Decimal {
    (gross * Decimal::from(19) / Decimal::from(119)).round_dp(2)
}

/// Product metadata the shared catalogue lacks: variant option name, category, VAT rate.
fn catalogue(code: &str) -> (&'static str, (u64, &'static str), u32) {
    match code {
        "LSH" | "KRJ" => ("Marime", (3, "Imbracaminte"), 19),
        "TRS" => ("Marime", (6, "Incaltaminte"), 19),
        "WSC" | "LWL" | "SGL" | "CTB" => ("Culoare", (4, "Accesorii"), 19),
        "BTS" => ("Culoare", (8, "Electronice"), 19),
        "SWB" => ("Volum", (7, "Sport"), 19),
        "YGM" => ("Culoare", (7, "Sport"), 19),
        "OOO" | "CFB" => ("Macinare", (5, "Bacanie"), 9),
        "NBA" => ("Format", (9, "Papetarie"), 19),
        _ => ("Optiune", (2, "Casa"), 19),
    }
}

fn product_line(rng: &mut Rng) -> LineItem {
    let p = seed::product(rng);
    let code = p.sku.split('-').next().unwrap_or("").to_string();
    let (option_name, category, tax_percent) = catalogue(&code);
    let gross = dec(p.unit_price_cents * 4);
    let (unit_net, unit_tax) = split_gross(gross, tax_percent);
    LineItem {
        item_type: "product",
        product_id: Some(u64::from(p.product_id)),
        variant_id: p.variant.map(|_| u64::from(p.variant_id)),
        variant: p
            .variant
            .map(|v| (option_name.to_string(), v.to_string(), 27_000 + u64::from(p.product_id))),
        family_sku: Some(code.clone()),
        product_sku: Some(p.sku.clone()),
        product_ean: if rng.chance(60) {
            Some(format!("594{:010}", rng.below(10_000_000_000)))
        } else {
            None
        },
        product_name: p.name.to_string(),
        product_url: Some(format!("{SHOP_URL}/cumpara?id={}", p.product_id)),
        product_image_url: Some(p.image_url),
        tax_percent,
        category: Some(category),
        manufacturer: (0, None),
        quantity: if rng.chance(75) { 1 } else { rng.range(2, 3) as u32 },
        unit_net,
        unit_tax,
    }
}

fn address_for(rng: &mut Rng, country: &str) -> (seed::Person, Address) {
    let person = seed::person(rng, country);
    let place = seed::place_in(rng, country);
    let ro = place.country_iso2 == "RO";
    let address = Address {
        name: format!("{} {}", person.first_name, person.last_name),
        country_code: place.country_iso2.to_string(),
        country_name: if ro { "România".to_string() } else { place.country_name.to_string() },
        state: place.region.to_string(),
        city: place.city.to_string(),
        address: if ro {
            format!("{}, nr. {}", place.street, place.number)
        } else {
            format!("{} {}", place.street, place.number)
        },
        postal_code: place.postal_code.to_string(),
        phone: person.phone.clone(),
    };
    (person, address)
}

fn random_order(
    rng: &mut Rng,
    tags: &mut TagRegistry,
    id: u64,
    created: i64,
    pay: &'static str,
    ship: &'static str,
) -> Order {
    let country = if rng.chance(85) { "RO" } else { *rng.pick(&["IT", "DE", "FR", "GB"]) };
    let (person, billing) = address_for(rng, country);
    let shipping = if rng.chance(12) { address_for(rng, country).1 } else { billing.clone() };
    let mut lines: Vec<LineItem> = (0..rng.range(1, 4)).map(|_| product_line(rng)).collect();
    let goods: Decimal = lines.iter().map(LineItem::line_gross).sum();
    let mut coupon_code = None;
    if rng.chance(15) {
        let (code, percent) = *rng.pick(COUPONS);
        let off = (goods * Decimal::from(percent) / Decimal::from(100)).round_dp(2);
        let (net, tax) = split_gross(off, 19);
        coupon_code = Some(code.to_string());
        lines.push(LineItem {
            item_type: "discount",
            product_id: None,
            variant_id: None,
            variant: None,
            family_sku: None,
            product_sku: None,
            product_ean: None,
            product_name: format!("Cupon {code} (-{percent}%)"),
            product_url: None,
            product_image_url: None,
            tax_percent: 19,
            category: None,
            manufacturer: (0, None),
            quantity: 1,
            unit_net: -net,
            unit_tax: -tax,
        });
    }
    let method = if country == "RO" { *rng.pick(SHIPPING_METHODS) } else { INTERNATIONAL };
    let mut amount = dec(method.3);
    if country == "RO" && goods >= Decimal::from(400) {
        amount = Decimal::ZERO;
    }
    let (pm_code, pm_name) = match pay {
        "temporary" | "failed" | "rejected" => *rng.pick(CARD_METHODS),
        "awaiting" if ship == "shipped" || rng.chance(75) => COD,
        "awaiting" => WIRE,
        _ => match rng.below(10) {
            0..=3 => COD,
            4 => WIRE,
            _ => *rng.pick(CARD_METHODS),
        },
    };
    let card = pm_code != "cash_delivery" && pm_code != "wire";
    let transaction =
        (card && pay != "temporary").then(|| format!("{}{}", pm_code[..2].to_uppercase(), rng.hex(14)));
    let went_out = matches!(ship, "shipped" | "delivered" | "returned");
    let mut modified = created;
    let mut shipped = None;
    let mut delivered = None;
    if !matches!(pay, "temporary") && ship != "awaiting" {
        modified = created + rng.range(600, 86_400);
    }
    if went_out {
        let t = created + rng.range(4 * 3600, 48 * 3600);
        shipped = Some(t);
        modified = t;
    }
    if matches!(ship, "delivered" | "returned") {
        let t = shipped.unwrap_or(created) + rng.range(12 * 3600, 72 * 3600);
        delivered = Some(t);
        modified = t + if ship == "returned" { rng.range(86_400, 10 * 86_400) } else { 0 };
    }
    let carrier = method.2.map(str::to_string);
    let awb = if went_out && carrier.is_some() {
        Some(format!("{}", rng.range(2_000_000_000, 2_999_999_999)))
    } else {
        None
    };
    let invoiced = matches!(pay, "paid" | "refunded") || matches!(ship, "shipped" | "delivered" | "returned");
    let url_hash = rng.hex(32);
    let invoice = invoiced.then(|| Invoice {
        prefix: "MPS",
        number: String::new(),
        cancelled: pay == "refunded",
        url: format!("{SHOP_URL}/comanda/invoice/{}/{id}", rng.hex(32)),
    });
    let mut order_tags = Vec::new();
    if rng.chance(25) {
        for _ in 0..rng.range(1, 2) {
            let name = *rng.pick(seed::TAGS);
            let tag_id = tags.id_for(name);
            if !order_tags.iter().any(|(t, _)| *t == tag_id) {
                order_tags.push((tag_id, name.to_string()));
            }
        }
    }
    let marketplace = rng.chance(12);
    let company = rng.chance(15).then(|| Company {
        name: format!("{} Distributie SRL", person.last_name),
        number: format!("J40/{}/{}", rng.range(100, 9999), rng.range(2005, 2024)),
        vat: format!("RO{}", rng.range(10_000_000, 49_999_999)),
        bank_name: "Banca Transilvania".to_string(),
        bank_account: format!("RO{:02}BTRLRONCRT{:010}", rng.range(10, 99), rng.below(10_000_000_000)),
    });
    let by_staff = rng.chance(10);
    Order {
        id,
        id_as_string: false,
        parent_id: None,
        channel_name: marketplace.then(|| "eMAG Marketplace".to_string()),
        channel_ref_id: marketplace.then(|| format!("{}", rng.range(300_000_000, 399_999_999))),
        payment_status: pay,
        payment_method_code: pm_code,
        payment_method_name: pm_name,
        payment_transaction_id: transaction,
        shipping_status: ship,
        shipping_method_id: method.0,
        shipping_method_name: Some(method.1.to_string()),
        pickup: (method.0 == 7).then(|| (rng.range(1000, 4999) as u64, format!("easybox {}", billing.city))),
        delivery_time: Some(if country == "RO" { "1-2 zile lucratoare" } else { "3-5 zile lucratoare" }),
        shipping_carrier_id: if went_out { carrier } else { None },
        shipping_awb: awb,
        shipping_amount: Some(amount),
        shipping_tax_amount: Some(shipping_tax(amount)),
        original_currency: (country != "RO" && rng.chance(50)).then(|| ("EUR", Decimal::new(49_771, 4))),
        coupon_code,
        customer_id: if rng.chance(80) { Some(rng.range(1, 25_000) as u64) } else { None },
        customer_email: person.email.clone(),
        customer_ip_address: if by_staff {
            String::new()
        } else {
            format!("86.{}.{}.{}", rng.range(1, 254), rng.range(1, 254), rng.range(1, 254))
        },
        customer_ip_country: if by_staff { String::new() } else { country.to_string() },
        customer_device: if by_staff {
            "manual"
        } else if rng.chance(55) {
            "desktop"
        } else {
            "mobile"
        },
        customer_lang: Some(if country == "RO" { "ro_RO" } else { "en_US" }),
        customer_note: rng.chance(10).then(|| rng.pick(NOTES).to_string()),
        customer_notification: None,
        created,
        modified,
        shipped,
        delivered,
        created_by: if by_staff { "user" } else { "customer" },
        internal_notes: if rng.chance(5) {
            vec![(rng.range(1, 9999) as u64, "Client fidel".to_string())]
        } else {
            vec![]
        },
        tags: order_tags,
        billing_type: if company.is_some() { "company" } else { "individual" },
        company,
        billing,
        shipping,
        lines,
        invoice,
        url_hash,
    }
}

/// The "Extract all fields" example of the doc (order 12345001, 453.05 RON, two lines), placed at `created`.
fn doc_example(created: i64) -> Order {
    let line = |product_id: u64,
                name: &str,
                image: &str,
                maker: (u64, &'static str),
                qty: u32,
                net: i64,
                tax: i64| {
        LineItem {
            item_type: "product",
            product_id: Some(product_id),
            variant_id: None,
            variant: None,
            family_sku: None,
            product_sku: None,
            product_ean: None,
            product_name: name.to_string(),
            product_url: Some(format!("https://shop.demo.ro/cumpara?id={product_id}")),
            product_image_url: Some(format!("https://s.cdnmpro.com/272414248/p/l/{image}")),
            tax_percent: 19,
            category: Some((18, "Sandale")),
            manufacturer: (maker.0, Some(maker.1)),
            quantity: qty,
            unit_net: dec(net),
            unit_tax: dec(tax),
        }
    };
    let address = Address {
        name: "John Smith".to_string(),
        country_code: "RO".to_string(),
        country_name: "România".to_string(),
        state: "Bacau".to_string(),
        city: "bacau".to_string(),
        ..Address::default()
    };
    Order {
        id: 12_345_001,
        id_as_string: false,
        parent_id: Some(39_787_708),
        channel_name: None,
        channel_ref_id: None,
        payment_status: "awaiting",
        payment_method_code: COD.0,
        payment_method_name: COD.1,
        payment_transaction_id: None,
        shipping_status: "awaiting",
        shipping_method_id: 0,
        shipping_method_name: None,
        pickup: None,
        delivery_time: None,
        shipping_carrier_id: None,
        shipping_awb: None,
        shipping_amount: None,
        shipping_tax_amount: None,
        original_currency: None,
        coupon_code: None,
        customer_id: Some(2),
        customer_email: "dfdfddddf@exemple.com".to_string(),
        customer_ip_address: String::new(),
        customer_ip_country: String::new(),
        customer_device: "manual",
        customer_lang: Some("ro_RO"),
        customer_note: None,
        customer_notification: None,
        created,
        modified: created,
        shipped: None,
        delivered: None,
        created_by: "account",
        internal_notes: vec![],
        tags: vec![],
        billing_type: "individual",
        company: None,
        billing: address.clone(),
        shipping: address,
        lines: vec![
            line(
                259,
                "Giuseppe Zanotti Women's Swarovski Sandal",
                "7/giuseppe-zanotti-women-s-swarovski-sandal~27.jpg",
                (1_000_050, "Giuseppe-Zanotti"),
                1,
                18_403,
                3_496,
            ),
            line(
                260,
                "Women's Nunaked Dress Sandal",
                "9/women-s-nunaked-dress-sandal~29.jpg",
                (1_000_061, "Joop"),
                2,
                9_834,
                1_869,
            ),
        ],
        invoice: Some(Invoice {
            prefix: "SERIE",
            number: "0000010".to_string(),
            cancelled: false,
            url: "https://shop.demo.ro/comanda/invoice/2e8b8a4802eb3b5d1c8f381b2c20a0ea/52527708".to_string(),
        }),
        url_hash: "557d2803bc4caee040329d1de5d2754f".to_string(),
    }
}
