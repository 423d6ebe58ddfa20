//! The Storeden store's state (orders as the sandbox keeps them) and the deterministic seed.
//!
//! Money is kept in integer cents and only rendered as JSON floats (major units) on the wire.

use std::collections::HashMap;

use super::super::seed::{self, Rng};
use super::wire;

/// XORed into the caller's seed so Storeden's orders differ from the other sandboxes' for one seed.
const SEED_SALT: u64 = 0x5707_ED3E_11A1_0001;

/// The store instance prefix of every order id (`132_5672eebab5aa6` in the docs).
const INSTANCE: &str = "132";

/// The documented status vocabulary: code, group, label (`GET /orders/statuses.json`).
pub(super) const STATUSES: &[(u8, &str, &str)] = &[
    (0, "opened", "Pending Payment"),
    (1, "opened", "Order Paid"),
    (2, "processing", "Preparation"),
    (3, "processing", "Sent"),
    (4, "processing", "Delivered"),
    (5, "closed", "Closed"),
    (6, "closed", "Archived/Deleted"),
    (7, "closed", "Aborted"),
    (8, "aftersale", "AfterSale"),
];

/// Highest valid status code.
pub(super) const MAX_STATUS: i64 = 8;

/// Couriers served by `GET /orders/couriers.json`: code, name, country, tracking URL pattern.
pub(super) const COURIERS: &[(&str, &str, &str, &str)] = &[
    ("BRT", "BRT Bartolini", "it", "https://vas.brt.it/vas/sped_det_show.htm?brtCode={}"),
    ("DHL", "DHL Express", "global", "https://www.dhl.com/it-it/home/tracking.html?tracking-id={}"),
    ("GLS", "GLS", "global", "https://gls-group.com/IT/it/servizi-online/ricerca-spedizioni?match={}"),
    ("POSTE", "Poste Italiane", "it", "https://www.poste.it/cerca/index.html#/risultati-spedizioni/{}"),
    (
        "SDA",
        "SDA Express Courier",
        "it",
        "https://www.sda.it/wps/portal/Servizi_online/ricerca_spedizioni?id={}",
    ),
    ("TNT", "TNT", "global", "https://www.tnt.it/tracking/Tracking.do?wt=1&consigNos={}"),
    ("UPS", "UPS", "global", "https://www.ups.com/track?loc=it_IT&tracknum={}"),
];

/// Numeric country ids as Storeden emits them (`"country":"119"`). Only Italy = 119 is documented; the
/// others are this sandbox's own choice: ISO-2 code, Storeden id.
pub(super) const COUNTRY_IDS: &[(&str, &str)] = &[("IT", "119"), ("DE", "91"), ("FR", "84"), ("RO", "189")];

/// Numeric state ids (`"state":"13637"` in the docs): ISO-2 country, region code, id. Made up, except
/// that the documented 13637 is given to Milano.
const STATE_IDS: &[(&str, &str, &str)] = &[
    ("IT", "MI", "13637"),
    ("IT", "RM", "13683"),
    ("IT", "NA", "13664"),
    ("DE", "BE", "3157"),
    ("FR", "IDF", "2870"),
    ("RO", "B", "10412"),
    ("RO", "CJ", "10424"),
    ("RO", "IS", "10433"),
];

/// A billing or delivery address, as in the `billing` / `delivery` objects.
#[derive(Clone, Debug)]
pub(super) struct Address {
    pub addr1: String,
    pub addr2: String,
    pub city: String,
    pub email: String,
    pub fullname: String,
    pub country: &'static str,
    pub phone: String,
    pub state: String,
    pub user_uid: i64,
    pub vat: String,
    pub zip: String,
}

/// One cart line; its map key is `"<product_uid>#|#<options>"`.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub product_uid: u32,
    pub options: String,
    pub count: u32,
    pub price_cents: i64,
    pub title: String,
    pub sku: String,
}

impl Item {
    /// The key of this line in `cart.items`.
    pub fn key(&self) -> String {
        format!("{}#|#{}", self.product_uid, self.options)
    }
}

/// Shipment tracking, as `GET /orders/tracking.json` shows it.
#[derive(Clone, Debug, Default)]
pub(super) struct Tracking {
    pub url: String,
    pub courier: String,
    pub tracking: String,
    pub pickup_date: String,
}

/// One status change of the order timeline.
#[derive(Clone, Debug)]
pub(super) struct Event {
    pub status: u8,
    pub ip: String,
    pub ts: i64,
}

/// One order.
#[derive(Clone, Debug)]
pub(super) struct Order {
    pub order_id: String,
    pub short_id: u64,
    pub placed_ms: i64,
    pub status: u8,
    pub billing: Address,
    pub delivery: Address,
    pub items: Vec<Item>,
    pub coupon_code: String,
    pub sale_cents: i64,
    pub shipping_cents: i64,
    pub shipping_profile: &'static str,
    pub payment_cents: i64,
    pub payment_profile: &'static str,
    pub user_uid: i64,
    pub transaction_id: String,
    pub tags: Vec<String>,
    pub tracking: Option<Tracking>,
    pub timeline: Vec<Event>,
}

impl Order {
    /// Sum of the lines (prices are VAT-inclusive, as Storeden shops show them).
    pub fn items_cents(&self) -> i64 {
        self.items.iter().map(|i| i.price_cents * i64::from(i.count)).sum()
    }

    /// items − sale + shipping + payment surcharge.
    pub fn total_cents(&self) -> i64 {
        self.items_cents() - self.sale_cents + self.shipping_cents + self.payment_cents
    }

    /// Placement time in whole unix seconds.
    pub fn placed_sec(&self) -> i64 {
        self.placed_ms.div_euclid(1000)
    }
}

/// All orders, newest first, with an id index.
#[derive(Debug, Default)]
pub(super) struct Store {
    pub orders: Vec<Order>,
    index: HashMap<String, usize>,
}

impl Store {
    /// `n` deterministic orders from `seed`.
    pub fn seeded(n: usize, seed_value: u64) -> Store {
        let mut rng = Rng::new(seed_value ^ SEED_SALT);
        let times = seed::placed_times_ms(&mut rng, n);
        let orders: Vec<Order> =
            times.iter().enumerate().map(|(i, &ms)| seed_order(&mut rng, i, n, ms)).collect();
        let index = orders.iter().enumerate().map(|(i, o)| (o.order_id.clone(), i)).collect();
        Store { orders, index }
    }

    /// The order with this id.
    pub fn get(&self, id: &str) -> Option<&Order> {
        self.index.get(id).map(|&i| &self.orders[i])
    }

    /// Rebuilds the id index after orders were inserted or removed.
    pub fn reindex(&mut self) {
        self.index = self.orders.iter().enumerate().map(|(i, o)| (o.order_id.clone(), i)).collect();
    }

    /// The order with this id, to change it.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Order> {
        self.index.get(id).map(|&i| &mut self.orders[i])
    }
}

/// Status of the `i`-th order: the first nine walk the whole vocabulary, the rest are weighted.
fn status_for(rng: &mut Rng, i: usize) -> u8 {
    if i < STATUSES.len() {
        return i as u8;
    }
    // Weights in percent for 0..=8.
    const WEIGHTS: [u64; 9] = [6, 12, 10, 14, 32, 12, 3, 7, 4];
    let mut roll = rng.below(100);
    for (code, w) in WEIGHTS.iter().enumerate() {
        if roll < *w {
            return code as u8;
        }
        roll -= w;
    }
    4
}

fn state_id(country: &str, region_code: &str) -> String {
    STATE_IDS
        .iter()
        .find(|(c, r, _)| *c == country && *r == region_code)
        .map(|(_, _, id)| (*id).to_string())
        .unwrap_or_default()
}

fn country_id(iso2: &str) -> &'static str {
    COUNTRY_IDS.iter().find(|(c, _)| *c == iso2).map(|(_, id)| *id).unwrap_or("119")
}

/// Storeden writes phones as `+39/3351234567`.
fn slash_phone(phone: &str) -> String {
    let split = phone.len().saturating_sub(9);
    format!("{}/{}", &phone[..split], &phone[split..])
}

fn vat_number(rng: &mut Rng, iso2: &str) -> String {
    let digits = |rng: &mut Rng, n: usize| -> String {
        (0..n).map(|_| char::from(b'0' + rng.below(10) as u8)).collect()
    };
    match iso2 {
        "IT" => format!("IT{}", digits(rng, 11)),
        "DE" => format!("DE{}", digits(rng, 9)),
        "FR" => format!("FR{}", digits(rng, 11)),
        _ => format!("RO{}", digits(rng, 8)),
    }
}

fn address(rng: &mut Rng, iso2: &str, person: &seed::Person, user_uid: i64, vat: &str) -> Address {
    let place = seed::place_in(rng, iso2);
    const ADDR2: &[&str] = &["Scala B, interno 4", "c/o Studio Associato", "2° piano", "Appartamento 12"];
    let addr2 = if rng.chance(20) { (*rng.pick(ADDR2)).to_string() } else { String::new() };
    Address {
        addr1: format!("{} {}", place.street, place.number),
        addr2,
        city: place.city.to_string(),
        email: person.email.clone(),
        fullname: format!("{} {}", person.first_name, person.last_name),
        country: country_id(place.country_iso2),
        phone: slash_phone(&person.phone),
        state: state_id(place.country_iso2, place.region_code),
        user_uid,
        vat: vat.to_string(),
        zip: place.postal_code.to_string(),
    }
}

fn items(rng: &mut Rng) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for _ in 0..rng.range(1, 4) {
        let p = seed::product(rng);
        let options = p.variant.map(|v| v.to_lowercase().replace(' ', "_")).unwrap_or_default();
        let count = match rng.below(10) {
            0 => 3,
            1 | 2 => 2,
            _ => 1,
        };
        let product_uid = 104_251 + p.product_id;
        if let Some(line) = out.iter_mut().find(|l| l.product_uid == product_uid && l.options == options) {
            line.count += count;
            continue;
        }
        let title = match p.variant {
            Some(v) => format!("{} - {v}", p.name),
            None => p.name.to_string(),
        };
        let sku = if rng.chance(90) { p.sku } else { String::new() };
        out.push(Item { product_uid, options, count, price_cents: p.unit_price_cents, title, sku });
    }
    out
}

/// Status path that led to `status`, for the timeline.
fn status_path(rng: &mut Rng, status: u8, pays_later: bool) -> Vec<u8> {
    let mut path: Vec<u8> = match status {
        0 => vec![0],
        1 => vec![1],
        2 => vec![1, 2],
        3 => vec![1, 2, 3],
        4 => vec![1, 2, 3, 4],
        5 => vec![1, 2, 3, 4, 5],
        6 if rng.chance(50) => vec![0, 6],
        6 => vec![1, 2, 3, 4, 5, 6],
        7 => [vec![0, 7], vec![1, 7], vec![1, 2, 7]][rng.below(3) as usize].clone(),
        _ => vec![1, 2, 3, 4, 8],
    };
    if pays_later && path[0] == 1 {
        path.insert(0, 0);
    }
    path
}

fn alnum(rng: &mut Rng, n: usize, upper_only: bool) -> String {
    const ALL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let set = if upper_only { UPPER } else { ALL };
    (0..n).map(|_| char::from(*rng.pick(set))).collect()
}

fn seed_order(rng: &mut Rng, i: usize, n: usize, placed_ms: i64) -> Order {
    let status = status_for(rng, i);
    let iso2 = match rng.below(10) {
        0 => "DE",
        1 => "FR",
        2 => "RO",
        _ => "IT",
    };
    let buyer = seed::person(rng, iso2);
    let user_uid = if rng.chance(30) { -1 } else { rng.range(1_000, 99_999) };
    let vat = if rng.chance(15) { vat_number(rng, iso2) } else { String::new() };
    let billing = address(rng, iso2, &buyer, user_uid, &vat);
    let delivery = if rng.chance(15) {
        let recipient = seed::person(rng, iso2);
        let mut d = address(rng, iso2, &recipient, user_uid, "");
        d.email = buyer.email.clone();
        d
    } else {
        billing.clone()
    };
    let items = items(rng);
    let items_cents: i64 = items.iter().map(|i| i.price_cents * i64::from(i.count)).sum();
    let (coupon_code, sale_cents) = match rng.below(10) {
        0 => ("BENVENUTO10".to_string(), items_cents / 10),
        1 => ("SALDI20".to_string(), items_cents / 5),
        2 if items_cents > 3000 => ("GRAZIE5".to_string(), 500),
        _ => (String::new(), 0),
    };
    let (shipping_profile, shipping_cents) = if iso2 != "IT" {
        ("Spedizione Internazionale", 1490)
    } else {
        match rng.below(100) {
            0..=7 => ("Ritiro in negozio", 0),
            8..=22 => ("Corriere Espresso Express", 1290),
            _ if items_cents - sale_cents >= 6900 => ("Corriere Espresso Standard", 0),
            _ => ("Corriere Espresso Standard", 750),
        }
    };
    let payment_profile = match rng.below(100) {
        _ if status == 0 => {
            if rng.chance(70) {
                "bank-transfer"
            } else {
                "paypal"
            }
        }
        0..=44 => "credit-card",
        45..=74 => "paypal",
        75..=89 => "bank-transfer",
        _ if iso2 == "IT" => "cash-on-delivery",
        _ => "credit-card",
    };
    let payment_cents = if payment_profile == "cash-on-delivery" { 350 } else { 0 };
    let transaction_id = match payment_profile {
        _ if status == 0 => String::new(),
        "credit-card" => format!("txn_{}", alnum(rng, 14, false)),
        "paypal" => alnum(rng, 17, true),
        _ => String::new(),
    };
    let mut tags: Vec<String> = Vec::new();
    if rng.chance(35) {
        for _ in 0..rng.range(1, 2) {
            let tag = (*rng.pick(seed::TAGS)).to_string();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    let ip = format!("10.28.{}.{}", rng.range(0, 255), rng.range(1, 254));
    let mut ts = placed_ms.div_euclid(1000);
    let mut timeline = Vec::new();
    let mut sent_ts = None;
    let path = status_path(rng, status, payment_profile == "bank-transfer");
    // Status changes fit before "now" (the anchor plus a few hours): 1–48 h apart for older orders,
    // closer together for the newest.
    let steps = path.len().max(1) as i64;
    let budget = seed::ANCHOR_UNIX + 6 * 3_600 - ts;
    let max_gap = (budget / steps).clamp(600, 48 * 3_600);
    for (step, code) in path.into_iter().enumerate() {
        if step > 0 {
            ts += rng.range((max_gap / 4).min(3_600), max_gap);
        }
        if code == 3 {
            sent_ts = Some(ts);
        }
        timeline.push(Event { status: code, ip: ip.clone(), ts });
    }
    let tracking = sent_ts.map(|ts| {
        let pool: Vec<_> = COURIERS.iter().filter(|c| iso2 == "IT" || c.2 == "global").collect();
        let (code, _, _, url) = **rng.pick(&pool);
        let number = format!("{}", rng.range(100_000_000_000, 999_999_999_999));
        Tracking {
            url: url.replace("{}", &number),
            courier: code.to_string(),
            tracking: number,
            pickup_date: wire::local_date(ts),
        }
    });
    let sec = placed_ms.div_euclid(1000);
    let usec = placed_ms.rem_euclid(1000) * 1000;
    Order {
        order_id: format!("{INSTANCE}_{sec:08x}{usec:05x}"),
        short_id: 1000 + (n - i) as u64,
        placed_ms,
        status,
        billing,
        delivery,
        items,
        coupon_code,
        sale_cents,
        shipping_cents,
        shipping_profile,
        payment_cents,
        payment_profile,
        user_uid,
        transaction_id,
        tags,
        tracking,
        timeline,
    }
}
