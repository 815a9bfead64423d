//! Waking the JS thread: the part of an executor that wakers share across
//! threads. A wake pushes the task to a ready list and, the first time after
//! a drain, raises the runtime's wake fd ([`Signal`]: an eventfd, or a
//! self-pipe, which the host's loop polls) and calls the host's wake
//! callback, if one is set (hosts without an fd loop).
//!
//! Invariant: after a wake, the fd stays readable until `drain` runs on the
//! JS thread, which then takes the ready list; a wake racing with the drain
//! either lands in the list taken or leaves the fd readable. No wake-up is
//! lost.

use super::executor::TaskKey;
use super::signal::Signal;
use crate::core::error::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A host's wake-up callback: it runs on whichever thread woke a future
/// and must only post to the JS thread.
pub(crate) type WakeCallback = Arc<dyn Fn() + Send + Sync>;

/// What the wakers of one executor share.
pub(crate) struct Wake {
    ready: Mutex<Vec<TaskKey>>,
    /// Set by the first wake after a drain; only that wake writes the fd.
    notified: AtomicBool,
    signal: Signal,
    callback: Mutex<Option<WakeCallback>>,
}

impl Wake {
    /// A new one with its own wake fd.
    pub(crate) fn new() -> Result<Self> {
        Ok(Wake {
            ready: Mutex::new(Vec::new()),
            notified: AtomicBool::new(false),
            signal: Signal::new()?,
            callback: Mutex::new(None),
        })
    }

    /// Queues `key` and signals the JS thread (from any thread).
    pub(crate) fn wake(&self, key: TaskKey) {
        lock(&self.ready).push(key);
        if !self.notified.swap(true, Ordering::AcqRel) {
            self.kick();
            self.call_host();
        }
    }

    /// Makes the fd readable (from any thread).
    pub(crate) fn kick(&self) {
        self.signal.raise();
    }

    /// Calls the host's wake callback, if any.
    pub(crate) fn call_host(&self) {
        let callback = lock(&self.callback).clone();
        if let Some(cb) = callback {
            // A panicking host callback must not unwind into a waker.
            crate::core::boundary::no_unwind((), || cb());
        }
    }

    /// Whether a wake is signalled and not yet drained.
    pub(crate) fn is_notified(&self) -> bool {
        self.notified.load(Ordering::Acquire)
    }

    /// On the JS thread: reads the fd empty, then moves the ready list into
    /// `into` if a wake was signalled (the list keeps its capacity for the
    /// next wave). Drained before the flag is cleared: a racing wake lands
    /// in the list taken or re-signals.
    pub(crate) fn drain(&self, into: &mut impl Extend<TaskKey>) {
        self.signal.clear();
        if self.notified.swap(false, Ordering::AcqRel) {
            into.extend(lock(&self.ready).drain(..));
        }
    }

    /// The fd to poll for reading.
    #[cfg(unix)]
    pub(crate) fn fd(&self) -> std::os::fd::RawFd {
        self.signal.fd()
    }

    /// The event handle to wait on.
    #[cfg(windows)]
    pub(crate) fn handle(&self) -> std::os::windows::io::RawHandle {
        self.signal.handle()
    }

    /// Sleeps until a wake is signalled or `timeout` passed. Needs no lock.
    pub(crate) fn wait(&self, timeout: Option<Duration>) {
        self.signal.wait(timeout)
    }

    /// Sets (or with `None` removes) the host's callback.
    pub(crate) fn set_callback(&self, callback: Option<WakeCallback>) {
        *lock(&self.callback) = callback;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wake_signals_once_until_drained() {
        let w = Wake::new().unwrap();
        let drained = || {
            let mut keys = Vec::new();
            w.drain(&mut keys);
            keys
        };
        assert!(drained().is_empty());
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = calls.clone();
        w.set_callback(Some(Arc::new(move || {
            c.fetch_add(1, Ordering::Relaxed);
        })));
        let keys: Vec<TaskKey> = (0..3).map(TaskKey::for_test).collect();
        for k in &keys {
            w.wake(*k);
        }
        assert_eq!(calls.load(Ordering::Relaxed), 1, "one signal per drain");
        assert!(w.is_notified());
        assert_eq!(drained(), keys);
        assert!(drained().is_empty());
        assert!(!w.is_notified());
    }
}
