//! Waking the JS thread: the part of an executor that wakers share across
//! threads. A wake pushes the task to a ready list and, the first time after
//! a drain, raises the runtime's wake fd ([`Signal`]: an eventfd, or a
//! self-pipe, which the host's loop polls) and calls the host's wake
//! callback, if one is set (hosts without an fd loop).
//!
//! The fd is made on first need (a future spawned, a loop or a driver
//! asking for it), not with the runtime: most runtimes never wait on one,
//! and a pool of a thousand runtimes would otherwise hold a thousand fds. It
//! starts raised, so a kick before it existed is not lost (at worst a waiter
//! looks once for nothing).
//!
//! Invariant: after a wake, the fd stays readable until `drain` runs on the
//! JS thread, which then takes the ready list; a wake racing with the drain
//! either lands in the list taken or leaves the fd readable. No wake-up is
//! lost.

use super::executor::TaskKey;
use super::signal::Signal;
use crate::core::error::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// A host's wake-up callback: it runs on whichever thread woke a future
/// and must only post to the JS thread.
pub(crate) type WakeCallback = Arc<dyn Fn() + Send + Sync>;

/// What the wakers of one executor share.
pub(crate) struct Wake {
    ready: Mutex<Vec<TaskKey>>,
    /// Set by the first wake after a drain; only that wake writes the fd.
    notified: AtomicBool,
    /// Made on first need (see the module docs).
    signal: OnceLock<Signal>,
    callback: Mutex<Option<WakeCallback>>,
}

impl Wake {
    /// A new one (its fd is made when first needed).
    pub(crate) fn new() -> Self {
        Wake {
            ready: Mutex::new(Vec::new()),
            notified: AtomicBool::new(false),
            signal: OnceLock::new(),
            callback: Mutex::new(None),
        }
    }

    /// The signal, made now if it does not exist yet (raised: a kick
    /// before now is not lost). Fails only if the system has no fd (or
    /// event) left.
    #[inline]
    pub(crate) fn signal(&self) -> Result<&Signal> {
        match self.signal.get() {
            Some(signal) => Ok(signal),
            None => self.make_signal(),
        }
    }

    #[cold]
    fn make_signal(&self) -> Result<&Signal> {
        let signal = Signal::new()?;
        signal.raise();
        // Another thread may have made one meanwhile: then ours is dropped.
        Ok(self.signal.get_or_init(|| signal))
    }

    /// Queues `key` and signals the JS thread (from any thread).
    pub(crate) fn wake(&self, key: TaskKey) {
        lock(&self.ready).push(key);
        if !self.notified.swap(true, Ordering::AcqRel) {
            self.kick();
            self.call_host();
        }
    }

    /// Makes the fd readable (from any thread). Before the fd exists there
    /// is nothing to do: it is made raised.
    pub(crate) fn kick(&self) {
        if let Some(signal) = self.signal.get() {
            signal.raise();
        }
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
        if let Some(signal) = self.signal.get() {
            signal.clear();
        }
        if self.notified.swap(false, Ordering::AcqRel) {
            let mut ready = lock(&self.ready);
            into.extend(ready.drain(..));
            *ready = super::recycled(std::mem::take(&mut *ready));
        }
    }

    /// The fd to poll for reading.
    #[cfg(unix)]
    pub(crate) fn fd(&self) -> Result<std::os::fd::RawFd> {
        Ok(self.signal()?.fd())
    }

    /// The event handle to wait on.
    #[cfg(windows)]
    pub(crate) fn handle(&self) -> Result<std::os::windows::io::RawHandle> {
        Ok(self.signal()?.handle())
    }

    /// Sleeps until a wake is signalled or `timeout` passed. Needs no lock.
    /// Without an fd to be had (none left in the process), it naps for at
    /// most 10 ms instead: its caller looks again, late but not spinning.
    pub(crate) fn wait(&self, timeout: Option<Duration>) {
        match self.signal() {
            Ok(signal) => signal.wait(timeout),
            Err(_) => {
                let nap = Duration::from_millis(10);
                std::thread::sleep(timeout.map_or(nap, |t| t.min(nap)))
            }
        }
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
    fn the_fd_is_made_on_first_need_and_a_kick_before_is_not_lost() {
        let w = Wake::new();
        w.kick();
        assert!(
            w.signal.get().is_none(),
            "no fd for a runtime that never waits"
        );
        let start = std::time::Instant::now();
        // Made raised: the kick that found no fd is seen by the first wait.
        w.wait(Some(Duration::from_secs(10)));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(w.signal.get().is_some());
        #[cfg(unix)]
        assert_eq!(
            w.fd().unwrap(),
            w.fd().unwrap(),
            "one fd for the runtime's life"
        );
    }

    #[test]
    fn a_wake_signals_once_until_drained() {
        let w = Wake::new();
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
