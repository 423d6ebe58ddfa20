//! Entry points for `cargo fuzz` (the `fuzz/` folder): each adapter's list-page decoding on arbitrary bytes, as
//! its list call reads an answer: the envelope, then every row's key, summary and order (Wix's rows are decoded
//! into its wire types, its mapping needing the tag directory's API). Any input must give a value or an error,
//! never a panic. Not part of the API.

use futures::executor::block_on;

use super::rows::{RowFormat, list_rows};
use crate::domain::{BackendName, ListRow};

pub use super::merchantpro::fuzz_page as merchantpro_page;
pub use super::storeden::fuzz_page as storeden_page;
pub use super::vesuviopay::fuzz_page as vesuviopay_page;
pub use super::vtex::fuzz_page as vtex_page;
pub use super::wix::fuzz_page as wix_page;

/// The backend name fuzzed rows belong to.
pub(crate) fn name() -> Option<BackendName> {
    BackendName::parse("fuzz").ok()
}

/// Reads everything of each row.
pub(crate) fn read_all(rows: &[ListRow]) {
    for row in rows {
        let _ = row.key();
        let _ = block_on(row.summary());
        let _ = block_on(row.order());
    }
}

/// Makes `rows` a page read by `format`, and reads all of it.
pub(crate) fn read_page<F: RowFormat>(format: F, rows: Vec<Box<serde_json::value::RawValue>>) {
    read_all(&list_rows(format, rows));
}
