//! JSON structure found 64 bytes at a time.
//!
//! [`Blocks`] walks a JSON text from a position outside any string and gives, for each block of 64 bytes, bit
//! masks of what matters to [`super::rows`]: which bytes are inside strings, and which `{`/`[` and `}`/`]` lie
//! outside them. This is the first stage of simdjson (Langdale and Lemire, "Parsing Gigabytes of JSON per
//! Second", 2019): quotes, backslashes and brackets are found by vector compares (SSE2 on x86_64, a plain loop
//! elsewhere), the escaped characters by carry arithmetic on the backslash mask, and the inside of strings as
//! the running XOR of the unescaped quotes. Nothing branches per byte, so a 6 KB order costs about a hundred
//! steps however many short strings it holds.
//!
//! The masks say nothing about validity beyond strings and brackets: the text is checked when a row is decoded.

/// The masks of one block (bit `i` is byte `start + i` of the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Where the block starts in the text.
    pub start: usize,
    /// `{` and `[` outside strings.
    pub open: u64,
    /// `}` and `]` outside strings.
    pub close: u64,
    /// Quotes that are not escaped (they open or close a string).
    pub quote: u64,
    /// Bytes inside strings: an opening quote and the string's content, not its closing quote.
    pub string: u64,
}

/// The blocks of a text from a position outside any string; the last one is padded (with bytes that are none of
/// the characters looked for) to 64 bytes.
pub struct Blocks<'a> {
    text: &'a [u8],
    at: usize,
    /// 1 when the first byte of the next block is escaped.
    escaped_carry: u64,
    /// All ones when the next block starts inside a string.
    string_carry: u64,
}

impl<'a> Blocks<'a> {
    /// The blocks of `text` from `at`, which must not be inside a string.
    pub fn new(text: &'a [u8], at: usize) -> Self {
        Blocks { text, at, escaped_carry: 0, string_carry: 0 }
    }
}

impl Iterator for Blocks<'_> {
    type Item = Block;

    #[inline]
    fn next(&mut self) -> Option<Block> {
        let start = self.at;
        let rest = self.text.get(start..).filter(|rest| !rest.is_empty())?;
        let raw = match rest.first_chunk::<64>() {
            Some(chunk) => classify(chunk),
            None => {
                let mut padded = [b' '; 64];
                padded[..rest.len()].copy_from_slice(rest);
                classify(&padded)
            }
        };
        self.at += 64;
        let escaped = if raw.backslash == 0 && self.escaped_carry == 0 {
            0
        } else {
            escaped(raw.backslash, &mut self.escaped_carry)
        };
        let quote = raw.quote & !escaped;
        let string = prefix_xor(quote) ^ self.string_carry;
        self.string_carry = ((string as i64) >> 63) as u64;
        Some(Block { start, open: raw.open & !string, close: raw.close & !string, quote, string })
    }
}

/// Where each character looked for is in a block.
#[derive(Debug, Default, PartialEq, Eq)]
struct Raw {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
}

/// The raw masks of 64 bytes, sixteen at a time with SSE2 (part of every x86_64 processor).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn classify(block: &[u8; 64]) -> Raw {
    // SAFETY: this build targets processors with SSE2 (the `cfg` above), all that `classify_sse2` requires.
    unsafe { classify_sse2(block) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn classify_sse2(block: &[u8; 64]) -> Raw {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    let mut raw = Raw::default();
    for (i, lane) in block.chunks_exact(16).enumerate() {
        // SAFETY: `lane` is 16 bytes long, and `_mm_loadu_si128` reads 16 bytes with no alignment required.
        let bytes = unsafe { _mm_loadu_si128(lane.as_ptr().cast::<__m128i>()) };
        // `{` is 0x7b and `[` 0x5b, `}` 0x7d and `]` 0x5d: setting bit 5 folds each pair into one compare.
        let folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
        let shift = 16 * i;
        let found = |bytes: __m128i, c: u8| {
            u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c as i8))) as u16) << shift
        };
        raw.quote |= found(bytes, b'"');
        raw.backslash |= found(bytes, b'\\');
        raw.open |= found(folded, b'{');
        raw.close |= found(folded, b'}');
    }
    raw
}

/// The raw masks of 64 bytes, one byte at a time (where SSE2 is not there).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn classify(block: &[u8; 64]) -> Raw {
    classify_bytewise(block)
}

/// The raw masks of 64 bytes, one byte at a time.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn classify_bytewise(block: &[u8; 64]) -> Raw {
    let mut raw = Raw::default();
    for (i, &byte) in block.iter().enumerate() {
        let bit = 1u64 << i;
        match byte {
            b'"' => raw.quote |= bit,
            b'\\' => raw.backslash |= bit,
            b'{' | b'[' => raw.open |= bit,
            b'}' | b']' => raw.close |= bit,
            _ => {}
        }
    }
    raw
}

/// The bytes escaped by a backslash (the byte after each backslash of an odd-length run), given the backslashes
/// of a block; `carry` says whether the block's first byte is escaped, and is set for the next block.
fn escaped(backslash: u64, carry: &mut u64) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    // A backslash that is itself escaped starts nothing.
    let backslash = backslash & !*carry;
    let follows_backslash = (backslash << 1) | *carry;
    // Runs starting on an odd bit are found by adding them to the backslashes: the carry runs through each run.
    let odd_starts = backslash & !EVEN & !follows_backslash;
    let (even_start_runs, overflow) = odd_starts.overflowing_add(backslash);
    *carry = u64::from(overflow);
    // In a run starting on an even bit, the bytes on odd bits are escaped; in one starting on an odd bit, the
    // bytes on even bits.
    (EVEN ^ (even_start_runs << 1)) & follows_backslash
}

/// Bit `i` is the XOR of bits `0..=i`: ones from each opening quote up to (not including) its closing quote.
fn prefix_xor(mut bits: u64) -> u64 {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    bits
}

/// Just past the object or array that starts at `at` (its `{` or `[`): brackets are counted outside strings, a
/// block at a time where its closing brackets cannot end it. `None` when the text ends first.
pub fn container_end(text: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0u32;
    for block in Blocks::new(text, at) {
        let closes = block.close.count_ones();
        if closes < depth {
            depth = depth + block.open.count_ones() - closes;
            continue;
        }
        let mut marks = block.open | block.close;
        while marks != 0 {
            let bit = marks & marks.wrapping_neg();
            if block.open & bit != 0 {
                depth += 1;
            } else {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(block.start + bit.trailing_zeros() as usize + 1);
                }
            }
            marks &= marks - 1;
        }
    }
    None
}

/// A small deterministic generator (xorshift) for randomised tests, so that failures repeat.
#[cfg(test)]
pub struct Rng(pub u64);

#[cfg(test)]
impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each byte is, read one byte at a time: (in string, unescaped quote, open, close).
    fn reference(text: &[u8]) -> Vec<(bool, bool, bool, bool)> {
        let (mut in_string, mut escape) = (false, false);
        text.iter()
            .map(|&byte| {
                let escaped = std::mem::take(&mut escape);
                if !escaped && byte == b'\\' {
                    escape = true;
                }
                let quote = byte == b'"' && !escaped;
                if quote {
                    in_string = !in_string;
                }
                // An opening quote is inside its string (after the toggle); a closing quote is not.
                (
                    in_string,
                    quote,
                    !in_string && matches!(byte, b'{' | b'['),
                    !in_string && matches!(byte, b'}' | b']'),
                )
            })
            .collect()
    }

    #[test]
    fn masks_match_a_byte_by_byte_reading() {
        let alphabet = b"\"\\\\{}[]a :,";
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..2000 {
            let len = (rng.next() % 300) as usize;
            let text: Vec<u8> =
                (0..len).map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize]).collect();
            let expected = reference(&text);
            let mut seen = 0;
            for block in Blocks::new(&text, 0) {
                for i in 0..64 {
                    let Some(&(string, quote, open, close)) = expected.get(block.start + i) else { break };
                    let bit = |mask: u64| mask >> i & 1 == 1;
                    assert_eq!(
                        (bit(block.string), bit(block.quote), bit(block.open), bit(block.close)),
                        (string, quote, open, close),
                        "round {round}, byte {} of {:?}",
                        block.start + i,
                        String::from_utf8_lossy(&text)
                    );
                    seen += 1;
                }
            }
            assert_eq!(seen, len);
        }
    }

    #[test]
    fn vector_and_bytewise_classification_agree() {
        let mut rng = Rng(7);
        for _ in 0..500 {
            let mut block = [0u8; 64];
            // Mostly the characters looked for, and bytes that differ from them in bit 5 or 7.
            let alphabet = b"\"\\{}[]\x02;=\x7f\xdb\xfb\xa2 ax";
            for byte in &mut block {
                *byte = alphabet[(rng.next() % alphabet.len() as u64) as usize];
            }
            assert_eq!(classify(&block), classify_bytewise(&block));
        }
        let all: Vec<u8> = (0..=255u8).collect();
        for chunk in all.chunks_exact(64) {
            let block: &[u8; 64] = chunk.try_into().unwrap();
            assert_eq!(classify(block), classify_bytewise(block));
        }
    }

    #[test]
    fn finds_the_end_of_containers() {
        let long = "x".repeat(100);
        let text = format!(r#"{{"a": "{long}\"}}]", "b": [1, {{"c": "\\\\"}}], "d": "{{[" }} tail"#);
        let end = container_end(text.as_bytes(), 0).unwrap();
        assert_eq!(&text[end..], " tail");
        let inner = text.find('[').unwrap();
        assert_eq!(&text[inner..container_end(text.as_bytes(), inner).unwrap()], r#"[1, {"c": "\\\\"}]"#);
        // Every depth and length around the block size.
        for n in [1, 31, 32, 33, 63, 64, 65, 200] {
            let text = format!("{}{}{} ", "[".repeat(n), "\"]\"".repeat(n % 7), "]".repeat(n));
            assert_eq!(container_end(text.as_bytes(), 0), Some(text.len() - 1), "{n}");
            assert_eq!(container_end(&text.as_bytes()[..text.len() - 2], 0), None, "{n}");
        }
        // A string that never closes hides the brackets after it.
        assert_eq!(container_end(br#"{"a": "}}}}"#, 0), None);
    }
}
