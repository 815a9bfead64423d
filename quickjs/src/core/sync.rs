//! The primitives of the crate's hand-made synchronization (the runtime's
//! lock, `embed/lock.rs`; the wake signal, `exec/wake.rs`): std's, or
//! under `cfg(quickjs_loom)` the [loom](https://docs.rs/loom) model checker's,
//! which explores every interleaving of a test's threads (as tokio checks
//! its own primitives). Code that must be checked takes its atomics,
//! mutexes and condition variables from here.
//!
//! The model tests are the `loom` tests of those modules, run with
//! `RUSTFLAGS="--cfg quickjs_loom" cargo test -p quickjs-rust --lib loom` (in a
//! target directory of their own: the flag rebuilds everything). Under
//! `cfg(quickjs_loom)` only they may run: loom's types panic outside a model.

#[cfg(not(quickjs_loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(quickjs_loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};

#[cfg(quickjs_loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
#[cfg(quickjs_loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};

/// Locks `m`, ignoring poisoning (the data of every lock here stays
/// consistent when a holder panics: none panics while it changes it).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
