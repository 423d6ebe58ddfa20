//! Reading an answer's body under a bound on its size, checked while it arrives: a backend that sends more
//! than the bound costs at most the bound in memory, and one whose `Content-Length` already says more is
//! refused before any of its body is read.

use bytes::{Bytes, BytesMut};

/// Why a body was not read whole.
#[derive(Debug)]
pub(super) enum ReadError {
    /// The body is longer than the bound (by its `Content-Length`, or by what arrived).
    TooLarge,
    /// The connection failed or timed out, or the body could not be decompressed.
    Transport(reqwest::Error),
}

/// Reads `response`'s body to its end, or stops as soon as it is known to be longer than `limit` bytes. The
/// bound counts the bytes after decompression (reqwest decodes gzip and brotli as the body is read, and drops a
/// compressed answer's `Content-Length`).
pub(super) async fn read_bounded(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, ReadError> {
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(ReadError::TooLarge);
    }
    // Most answers come in one piece, which is returned as it is; the rest are joined once at the end.
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut len = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        len = len.saturating_add(chunk.len());
        if len > limit {
            return Err(ReadError::TooLarge);
        }
        chunks.push(chunk);
    }
    Ok(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => {
            let mut joined = BytesMut::with_capacity(len);
            for chunk in &chunks {
                joined.extend_from_slice(chunk);
            }
            joined.freeze()
        }
    })
}
