//! The embedding API (quickjs-ng only: it needs promise state, typed
//! arrays, runtime finalizers and module attributes, which Bellard's
//! releases lack): [`Runtime`] (with its lock (`lock.rs`), limits, interrupt handler,
//! job loop and waits), [`Context`], values kept across calls
//! ([`Persistent`]), promises both ways, Rust closures as JS functions,
//! module loaders and bytecode (and bundles compiled at build time), bytes and typed arrays, serde, cancelling
//! spawned futures, driving a runtime from async Rust (`drive.rs`), and
//! the context methods of this layer (`ctx.rs`).
//! It builds on every layer below.

pub(crate) mod binary;
pub(crate) mod bundle;
pub(crate) mod cancel;
pub(crate) mod closure;
pub(crate) mod context;
mod ctx;
pub(crate) mod drive;
pub(crate) mod jobs;
pub(crate) mod loader;
pub(crate) mod lock;
pub(crate) mod persistent;
pub(crate) mod precompiled;
pub(crate) mod promise;
pub(crate) mod runtime;
#[cfg(feature = "serde")]
pub mod serde;
pub(crate) mod state;
