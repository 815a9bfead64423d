//! The embedding API (quickjs-ng only: it needs promise state, typed
//! arrays, runtime finalizers and module attributes, which Bellard's
//! releases lack): [`Runtime`] (`runtime.rs`, with its lock `lock.rs`,
//! its part of the runtime's state `state.rs`, the job loop and waits
//! `jobs.rs`), [`Context`], values kept across calls ([`Persistent`]),
//! promises both ways (`Promise::spawn` runs a Rust future as one), Rust
//! closures as JS functions, module loaders, bytecode (`bytecode.rs`, with
//! [`Precompiled`] and bundles compiled at build time), bytes and typed
//! arrays, serde, cancelling spawned futures, driving a runtime from async
//! Rust (`drive.rs`). It adds no methods to `Ctx`: each operation lives on
//! the type it makes or acts on. It builds on every layer below.

pub(crate) mod binary;
pub(crate) mod bundle;
pub(crate) mod bytecode;
pub(crate) mod cancel;
pub(crate) mod closure;
pub(crate) mod context;
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
