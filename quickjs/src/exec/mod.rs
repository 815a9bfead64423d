//! The async layer: the executor that drives Rust futures from the JS job
//! loop, waking the JS thread from any thread, timers of the loop itself,
//! and blocking work on its own thread. In floors, each building only on
//! those before it: `signal/` (the wake signal of the OS), `wake.rs` (the
//! ready list, signal and host callback wakers share; task keys),
//! `timers.rs` (a timer queue), `polling.rs` (which executor polls on this
//! thread), `task.rs` (one task in one allocation), `timer.rs` (`sleep`),
//! `executor.rs`, `blocking.rs`. It builds on the engine layer only; it is
//! the executor part of each runtime's state, called from the C hooks
//! (`rust_run`) and from `async fn` trampolines.
//!
//! Threads: futures are polled on the thread that runs the JS loop. They
//! must be `Send` because a runtime (and every future it holds) may move to
//! another thread between two calls; their wakers may fire on any thread.

pub(crate) mod blocking;
pub(crate) mod executor;
pub(crate) mod polling;
pub(crate) mod signal;
pub(crate) mod task;
pub(crate) mod timer;
pub(crate) mod timers;
pub(crate) mod wake;

/// A drained buffer back for reuse: emptied, and dropped instead when a
/// burst (a script's million sleeps) grew it past what ordinary waves need,
/// so the runtime does not keep that memory, outside its limit, for life.
pub(crate) fn recycled<T>(mut buffer: Vec<T>) -> Vec<T> {
    /// The most items a kept buffer holds room for.
    const KEEP: usize = 4096;
    buffer.clear();
    if buffer.capacity() > KEEP {
        Vec::new()
    } else {
        buffer
    }
}
