//! Which executor polls futures on this thread, if any: what a waker firing
//! inside `run` (a timer, a future waking itself or another task of the
//! same executor) and a [`crate::Sleep`] polled by that executor find
//! through it, without knowing the executor: its wake signal, its backlog
//! of woken tasks and its timer queue.
//!
//! Invariant: the thread-local is non-null only while a [`PollingGuard`]
//! lives on this thread, and the executor whose parts it points to
//! outlives its guards (the guard is a local of the executor's own
//! `spawn` / `run`); guards nest, each restoring the outer value.

use super::timers::Timers;
use super::wake::{TaskKey, Wake};
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

thread_local! {
    /// What polls futures on this thread (all null outside).
    static POLLING: Cell<Polling> = const { Cell::new(Polling::NONE) };
}

/// The runtime and the parts of its executor that polls on this thread,
/// and whether that executor is in `run`, where a wake of one of its own
/// tasks goes straight to its backlog.
#[derive(Clone, Copy)]
struct Polling {
    rt: *mut sys::JSRuntime,
    wake: *const Arc<Wake>,
    backlog: *const RefCell<VecDeque<TaskKey>>,
    timers: *const Arc<Mutex<Timers>>,
    running: bool,
}

impl Polling {
    const NONE: Polling = Polling {
        rt: std::ptr::null_mut(),
        wake: std::ptr::null(),
        backlog: std::ptr::null(),
        timers: std::ptr::null(),
        running: false,
    };
}

/// Marks this thread as polling futures of `rt` with the given executor
/// parts until dropped (restores the outer value: runtimes can nest).
pub(crate) struct PollingGuard(Polling);

impl PollingGuard {
    /// The executor's parts must outlive the guard (see the module docs).
    pub(crate) fn enter(
        rt: *mut sys::JSRuntime,
        wake: &Arc<Wake>,
        backlog: &RefCell<VecDeque<TaskKey>>,
        timers: &Arc<Mutex<Timers>>,
        running: bool,
    ) -> Self {
        PollingGuard(POLLING.replace(Polling {
            rt,
            wake,
            backlog,
            timers,
            running,
        }))
    }
}

impl Drop for PollingGuard {
    fn drop(&mut self) {
        POLLING.set(self.0);
    }
}

/// The timer queue of the executor polling on this thread, if any.
pub(crate) fn current_timers() -> Option<Arc<Mutex<Timers>>> {
    let p = POLLING.get();
    // SAFETY: non-null only while a guard of that executor lives on this
    // thread (the module's invariant); cloned out at once.
    unsafe { p.timers.as_ref() }.cloned()
}

/// Whether this thread is polling one of `rt`'s futures.
pub(crate) fn is_polling(rt: *mut sys::JSRuntime) -> bool {
    !rt.is_null() && POLLING.get().rt == rt
}

/// Queues the task `key` of the executor `wake` belongs to in that
/// executor's backlog, if it is in `run` on this thread (its wake signal is
/// raised at the end of the run if the backlog is left non-empty); false
/// otherwise, for the thread-safe path.
pub(crate) fn wake_in_run(wake: &Arc<Wake>, key: TaskKey) -> bool {
    let p = POLLING.get();
    if !p.running {
        return false;
    }
    // SAFETY: non-null while a guard lives on this thread (the module's
    // invariant); the references do not outlive this call.
    let (Some(own), Some(backlog)) = (unsafe { p.wake.as_ref() }, unsafe { p.backlog.as_ref() })
    else {
        return false;
    };
    if !Arc::ptr_eq(own, wake) {
        return false;
    }
    let Ok(mut backlog) = backlog.try_borrow_mut() else {
        return false;
    };
    backlog.push_back(key);
    true
}
