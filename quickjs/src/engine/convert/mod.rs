//! The engine layer's second floor: conversions of Rust's own types and
//! the bounds on script-sized work (see `engine`).

pub(crate) mod limits;
pub(crate) mod primitives;
