//! ordergraph: one GraphQL API over many order backends.
#![warn(missing_docs)]

pub mod sandbox;
