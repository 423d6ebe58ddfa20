//! Deterministic seed data shared by the sandboxes: a tiny generator and pools of realistic people,
//! places and products. Each sandbox turns these into its own vendor's wire format; nothing here knows
//! any vendor.

/// SplitMix64: small, fast and stable across versions, so a seed always gives the same orders.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for this seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `len` lowercase hex digits.
    pub fn hex(&mut self, len: usize) -> String {
        const DIGITS: &[u8] = b"0123456789abcdef";
        (0..len).map(|_| DIGITS[self.below(16) as usize] as char).collect()
    }

    /// A random version-4 UUID, formatted.
    pub fn uuid(&mut self) -> String {
        let a = self.hex(8);
        let b = self.hex(4);
        let c = self.hex(3);
        let d = self.hex(3);
        let e = self.hex(12);
        let variant = ['8', '9', 'a', 'b'][self.below(4) as usize];
        format!("{a}-{b}-4{c}-{variant}{d}-{e}")
    }
}

/// Unix time (seconds) of the newest seeded order: 2026-11-01T12:00:00Z. Seeds are anchored to a fixed
/// instant, not to "now", so that the same seed gives the same orders on every run.
pub const ANCHOR_UNIX: i64 = 1_793_534_400;

/// `n` placement instants in unix milliseconds, newest first, strictly decreasing, 5 to 300 minutes apart,
/// the first at [`ANCHOR_UNIX`]. Strictly decreasing means no two orders of one sandbox share an instant.
pub fn placed_times_ms(rng: &mut Rng, n: usize) -> Vec<i64> {
    let mut t = ANCHOR_UNIX * 1000 + rng.range(0, 999);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(t);
        t -= rng.range(5 * 60_000, 300 * 60_000) + rng.range(1, 999);
    }
    out
}

/// A customer.
#[derive(Clone, Debug)]
pub struct Person {
    /// Given name.
    pub first_name: &'static str,
    /// Family name.
    pub last_name: &'static str,
    /// E-mail address, lowercase.
    pub email: String,
    /// Phone number in international form.
    pub phone: String,
}

const FIRST_NAMES: &[&str] = &[
    "Ana",
    "João",
    "Maria",
    "Lucas",
    "Giulia",
    "Marco",
    "Elena",
    "Andrei",
    "Ioana",
    "Sophie",
    "Liam",
    "Emma",
    "Noah",
    "Olivia",
    "Mateus",
    "Beatriz",
    "Luca",
    "Chiara",
    "Mihai",
    "Alexandra",
    "Hannah",
    "Jonas",
    "Chloé",
    "Hugo",
];
const LAST_NAMES: &[&str] = &[
    "Silva", "Santos", "Oliveira", "Rossi", "Russo", "Ferrari", "Popescu", "Ionescu", "Dumitru", "Müller",
    "Schmidt", "Martin", "Bernard", "Smith", "Johnson", "Brown", "García", "Costa", "Ricci", "Marin",
];

/// A person with a phone number in the style of `country_iso2`.
pub fn person(rng: &mut Rng, country_iso2: &str) -> Person {
    let first_name = *rng.pick(FIRST_NAMES);
    let last_name = *rng.pick(LAST_NAMES);
    let ascii = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'ã' | 'á' | 'à' => 'a',
                'é' | 'è' => 'e',
                'ü' => 'u',
                'í' => 'i',
                'ç' => 'c',
                c => c,
            })
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    let email = format!("{}.{}{}@example.com", ascii(first_name), ascii(last_name), rng.range(1, 999));
    let prefix = match country_iso2 {
        "BR" => "+55",
        "IT" => "+39",
        "RO" => "+40",
        "DE" => "+49",
        "FR" => "+33",
        "GB" => "+44",
        _ => "+1",
    };
    let phone = format!("{prefix}{}", rng.range(200_000_000, 999_999_999));
    Person { first_name, last_name, email, phone }
}

/// A postal address.
#[derive(Clone, Debug)]
pub struct Place {
    /// ISO 3166-1 alpha-2 country code.
    pub country_iso2: &'static str,
    /// ISO 3166-1 alpha-3 country code.
    pub country_iso3: &'static str,
    /// Country name in English.
    pub country_name: &'static str,
    /// Region, state or county name.
    pub region: &'static str,
    /// Region code (state abbreviation, province code).
    pub region_code: &'static str,
    /// City.
    pub city: &'static str,
    /// Postal code.
    pub postal_code: &'static str,
    /// Street name, without the number.
    pub street: &'static str,
    /// House number.
    pub number: String,
}

type PlaceRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const PLACES: &[PlaceRow] = &[
    ("BR", "BRA", "Brazil", "São Paulo", "SP", "São Paulo", "01310-100", "Avenida Paulista"),
    ("BR", "BRA", "Brazil", "Rio de Janeiro", "RJ", "Rio de Janeiro", "22071-900", "Avenida Atlântica"),
    ("BR", "BRA", "Brazil", "Minas Gerais", "MG", "Belo Horizonte", "30130-010", "Rua da Bahia"),
    ("IT", "ITA", "Italy", "Lombardia", "MI", "Milano", "20121", "Via Dante"),
    ("IT", "ITA", "Italy", "Lazio", "RM", "Roma", "00186", "Via del Corso"),
    ("IT", "ITA", "Italy", "Campania", "NA", "Napoli", "80132", "Via Toledo"),
    ("RO", "ROU", "Romania", "București", "B", "București", "010011", "Calea Victoriei"),
    ("RO", "ROU", "Romania", "Cluj", "CJ", "Cluj-Napoca", "400001", "Strada Memorandumului"),
    ("RO", "ROU", "Romania", "Iași", "IS", "Iași", "700028", "Bulevardul Ștefan cel Mare"),
    ("US", "USA", "United States", "New York", "NY", "New York", "10001", "Fifth Avenue"),
    ("US", "USA", "United States", "California", "CA", "San Francisco", "94103", "Market Street"),
    ("US", "USA", "United States", "Texas", "TX", "Austin", "78701", "Congress Avenue"),
    ("DE", "DEU", "Germany", "Berlin", "BE", "Berlin", "10117", "Friedrichstraße"),
    ("FR", "FRA", "France", "Île-de-France", "IDF", "Paris", "75008", "Rue du Faubourg Saint-Honoré"),
    ("GB", "GBR", "United Kingdom", "England", "ENG", "London", "SW1A 1AA", "Baker Street"),
];

/// A place in `country_iso2` (any known country when it has none here).
pub fn place_in(rng: &mut Rng, country_iso2: &str) -> Place {
    let rows: Vec<&PlaceRow> = PLACES.iter().filter(|row| row.0 == country_iso2).collect();
    let row = if rows.is_empty() { rng.pick(PLACES) } else { *rng.pick(&rows) };
    Place {
        country_iso2: row.0,
        country_iso3: row.1,
        country_name: row.2,
        region: row.3,
        region_code: row.4,
        city: row.5,
        postal_code: row.6,
        street: row.7,
        number: rng.range(1, 2500).to_string(),
    }
}

/// A product line of a shop's catalogue.
#[derive(Clone, Debug)]
pub struct Product {
    /// Product name.
    pub name: &'static str,
    /// Variant name (size, colour), where the product has one.
    pub variant: Option<&'static str>,
    /// Stock-keeping unit.
    pub sku: String,
    /// Numeric product id, stable per product.
    pub product_id: u32,
    /// Numeric variant id, stable per product and variant.
    pub variant_id: u32,
    /// Unit price in minor units (cents).
    pub unit_price_cents: i64,
    /// Picture of the product.
    pub image_url: String,
}

type ProductRow = (&'static str, &'static str, &'static [&'static str], i64);

const PRODUCTS: &[ProductRow] = &[
    ("Linen Shirt", "LSH", &["S", "M", "L", "XL"], 4990),
    ("Trail Running Shoes", "TRS", &["40", "41", "42", "43", "44"], 12950),
    ("Espresso Cup Set", "ECS", &[], 2400),
    ("Wool Scarf", "WSC", &["Grey", "Navy", "Bordeaux"], 3575),
    ("Leather Wallet", "LWL", &["Black", "Tan"], 5900),
    ("Ceramic Vase", "CVS", &[], 8533),
    ("Organic Olive Oil 750ml", "OOO", &[], 1899),
    ("Bluetooth Speaker", "BTS", &["Black", "Sand"], 7999),
    ("Yoga Mat", "YGM", &[], 3333),
    ("Cotton Tote Bag", "CTB", &["Natural", "Black"], 1250),
    ("Stainless Water Bottle", "SWB", &["500ml", "750ml"], 2795),
    ("Desk Lamp", "DLP", &[], 6490),
    ("Notebook A5 Dotted", "NBA", &[], 995),
    ("Sunglasses", "SGL", &["Tortoise", "Black"], 11900),
    ("Coffee Beans 1kg", "CFB", &["Whole", "Ground"], 2450),
    ("Kids Rain Jacket", "KRJ", &["4Y", "6Y", "8Y"], 3999),
];

/// One product of the catalogue, with one of its variants picked.
pub fn product(rng: &mut Rng) -> Product {
    let index = rng.below(PRODUCTS.len() as u64) as usize;
    let (name, code, variants, price) = PRODUCTS[index];
    let variant_index = if variants.is_empty() { 0 } else { rng.below(variants.len() as u64) as usize };
    let variant = variants.get(variant_index).copied();
    let sku = match variant {
        Some(v) => format!("{code}-{}", v.to_uppercase().replace(' ', "")),
        None => format!("{code}-STD"),
    };
    let product_id = 1000 + index as u32;
    Product {
        name,
        variant,
        sku,
        product_id,
        variant_id: product_id * 100 + variant_index as u32,
        unit_price_cents: price,
        image_url: format!("https://images.example.com/products/{}.jpg", code.to_lowercase()),
    }
}

/// Carriers with a tracking URL pattern (`{}` is the tracking number).
pub const CARRIERS: &[(&str, &str)] = &[
    ("UPS", "https://www.ups.com/track?tracknum={}"),
    ("DHL", "https://www.dhl.com/track?id={}"),
    ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={}"),
    ("Correios", "https://rastreamento.correios.com.br/?objeto={}"),
    ("BRT", "https://vas.brt.it/vas/sped_det_show.htm?brtCode={}"),
    ("FAN Courier", "https://www.fancourier.ro/awb-tracking/?awb={}"),
];

/// Tags a merchant might put on orders.
pub const TAGS: &[&str] = &["vip", "gift", "wholesale", "priority", "fraud-check", "repeat-customer", "b2b"];

#[cfg(test)]
mod tests {
    use super::*;

    // The same seed gives the same sequence; two seeds differ.
    #[test]
    fn generator_is_deterministic() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(8);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    // Placement times are strictly decreasing, so seeded orders never share an instant.
    #[test]
    fn placed_times_strictly_decrease() {
        let times = placed_times_ms(&mut Rng::new(1), 500);
        assert!(times.windows(2).all(|w| w[0] > w[1]));
        assert_eq!(times[0] / 1000, ANCHOR_UNIX);
    }
}
