//! The core layer: the context handle, owned values, conversions both ways,
//! objects and arrays built in one call (`build`), errors, the bounds on script-sized work, the thread's stack and the JS stack limit that fits in it, TypeScript names, and the
//! boundary every C-called entry point goes through. It knows nothing of
//! runtimes' Rust state, executors, classes or the embedding API (the layers
//! above), and builds on quickjs-ng and Bellard's QuickJS alike.

pub(crate) mod boundary;
pub(crate) mod build;
pub(crate) mod coerce;
pub(crate) mod collections;
pub(crate) mod convert;
pub(crate) mod ctx;
pub(crate) mod error;
pub(crate) mod held;
pub(crate) mod limits;
pub(crate) mod object;
pub(crate) mod property;
pub(crate) mod realm;
pub(crate) mod stack;
pub(crate) mod state;
pub(crate) mod sync;
pub(crate) mod types;
pub(crate) mod typescript;
pub(crate) mod value;
