//! vesuviopay's list-page decoding (`backends::fuzzing::vesuviopay_page`) on arbitrary bytes: a value or an error, never a
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ordergraph::backends::fuzzing::vesuviopay_page(data));
