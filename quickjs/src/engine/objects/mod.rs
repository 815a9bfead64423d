//! The engine layer's third floor: objects and the other JS types, with
//! their conversions, and what builds on them (see `engine`).

pub(crate) mod build;
pub(crate) mod coerce;
pub(crate) mod collections;
pub(crate) mod object;
pub(crate) mod property;
pub(crate) mod realm;
pub(crate) mod types;
pub(crate) mod typescript;
