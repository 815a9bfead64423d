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

/// A token naming the calling thread among live threads: the address of a
/// thread-local `u64` (so even, never 0). The runtime's lock stores it as
/// its owner (its low bit is free for the lock's waiting flag); per-thread
/// records (interrupt notes, deadlines, the stack limit's thread) compare
/// it. A thread cannot end holding the lock (guards release it as they
/// drop, also unwinding).
pub(crate) fn thread_token() -> usize {
    #[cfg(not(quickjs_loom))]
    std::thread_local! {
        static TOKEN: u64 = const { 0 };
    }
    // (loom's threads share one OS thread: its own thread-locals.)
    #[cfg(quickjs_loom)]
    loom::thread_local! {
        static TOKEN: u64 = 0;
    }
    TOKEN.with(|t| t as *const u64 as usize)
}
