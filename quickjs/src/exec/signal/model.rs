//! The signal as the loom models see it (`cfg(quickjs_loom)` only, see
//! `crate::engine::handle::sync`): no fd, a flag, and the checks the models rely on. Its
//! state is a loom cell, so loom reports a `raise` that is not ordered
//! after the signal's making or before its [`Signal::close`] (a data race),
//! and the assertion catches one ordered after the close (a write to a
//! closed fd, whose number may be someone else's by then).

use crate::engine::handle::error::Result;
use crate::engine::handle::sync::{AtomicBool, Ordering};
use loom::cell::UnsafeCell;
use std::time::Duration;

/// The model's signal (see the module docs).
pub(crate) struct Signal {
    /// Whether the "fd" is open (written by `close` only).
    open: UnsafeCell<bool>,
    raised: AtomicBool,
}

// SAFETY: the cell is only touched through loom's checked accesses, which
// report any two that are not ordered (that is what the models look for).
unsafe impl Sync for Signal {}

impl Signal {
    /// A new, open signal.
    pub(crate) fn new() -> Result<Self> {
        Ok(Signal {
            open: UnsafeCell::new(true),
            raised: AtomicBool::new(false),
        })
    }

    /// Raises it; panics if it is closed.
    pub(crate) fn raise(&self) {
        self.open.with(|open| {
            // SAFETY: loom's cell pointer, valid for the closure's call.
            let open = unsafe { *open };
            assert!(open, "the wake signal raised after its close");
        });
        self.raised.store(true, Ordering::Release);
    }

    /// Clears it.
    pub(crate) fn clear(&self) {
        self.raised.store(false, Ordering::Release);
    }

    /// Whether it is raised.
    #[cfg(test)]
    pub(crate) fn is_raised(&self) -> bool {
        self.raised.load(Ordering::Acquire)
    }

    /// Closes it (an unsynchronized access: racing raises are reported).
    pub(crate) fn close(&self) {
        // SAFETY: loom's cell pointer, valid for the closure's call.
        self.open.with_mut(|open| unsafe { *open = false });
    }

    /// The "fd": none.
    #[cfg(unix)]
    pub(crate) fn fd(&self) -> std::os::fd::RawFd {
        0
    }

    /// Waiting is not modelled: it yields.
    pub(crate) fn wait(&self, _timeout: Option<Duration>) {
        loom::thread::yield_now();
    }
}
