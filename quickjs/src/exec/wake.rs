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
//!
//! # Closing: nothing reaches the host after its runtime is freed
//!
//! Wakers outlive their runtime (a worker thread of [`crate::blocking`]
//! holds its task's waker until it finishes, whatever became of the
//! runtime), and so does this `Wake`, which they share. When the runtime's
//! state is freed (`JS_FreeRuntime`, or the last `Runtime` handle dropped),
//! its executor calls [`Wake::close`]; a host replaces its callback with
//! [`Wake::set_callback`]. After either returns, no call of the old
//! callback starts or is still running, and after `close` the fd is closed
//! and never written again (its number may be someone else's by then).
//!
//! The protocol: every raise of the signal and every call of the callback
//! happens while holding `outlet` (the lock that also holds the callback),
//! after reading `closed` there; `close` takes `outlet`, sets `closed`,
//! closes the signal and takes the callback out; `set_callback` swaps the
//! callback under it. The lock orders each raise or call either wholly
//! before the close (or swap), which waits for it, or after it, where it
//! finds `closed` (or the new callback). Old callbacks are dropped after
//! the lock is released (their captures' destructors may do anything).
//!
//! Re-entry: a thread inside a call of the callback holds `outlet` (a
//! thread-local marks it, `CALLING`), so what that callback does on the
//! same thread must not take it again: a wake or kick from it raises the
//! fd directly (the lock is ours, no close can run) and does not call the
//! callback again; replacing the callback from inside it is refused (its
//! call would still run after the replacement); a close from inside it
//! (the host freed the runtime from its own callback) closes the signal at
//! once and leaves the callback to the call up the stack, which drops it
//! when it returns: the one call still running is the caller's own.
//!
//! Cost: the signal path (the first wake after a drain) takes `outlet`
//! once (an uncontended lock and unlock) around the fd's write and the
//! callback call, where it took the callback's lock before anyway (and
//! cloned its `Arc` under it): no more atomic operations than before. A
//! kick alone (a run leaving a backlog, a release seen by a sleeping
//! driver) adds that lock and unlock to its `write(2)`. Every wake reads
//! `closed` (a plain load) and a thread-local besides; the drain is
//! unchanged.
//!
//! The protocol is model-checked with loom (the `loom` tests below, see
//! `crate::engine::handle::sync`).

use super::signal::Signal;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::sync::{lock, AtomicBool, Mutex, MutexGuard, Ordering};
use std::cell::Cell;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// A task's place in the slab (the generation tells a reused slot apart).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct TaskKey {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

#[cfg(test)]
impl TaskKey {
    pub(crate) fn for_test(index: u32) -> Self {
        TaskKey {
            index,
            generation: 0,
        }
    }
}

/// A host's wake-up callback: it runs on whichever thread woke a future
/// and must only post to the JS thread.
pub(crate) type WakeCallback = Arc<dyn Fn() + Send + Sync>;

/// What the wakers of one executor share.
pub(crate) struct Wake {
    ready: Mutex<Vec<TaskKey>>,
    /// Set by the first wake after a drain; only that wake writes the fd.
    notified: AtomicBool,
    /// Made on first need (see the module docs), with `outlet` held.
    signal: OnceLock<Signal>,
    /// The host's callback; held around every raise and every call (see
    /// the module docs: closing).
    outlet: Mutex<Option<WakeCallback>>,
    /// Set once, by `close`, with `outlet` held (authoritative there; a
    /// hint elsewhere).
    closed: AtomicBool,
}

#[cfg(not(quickjs_loom))]
std::thread_local! {
    /// The `Wake` whose callback this thread is calling, if any (it holds
    /// that `Wake`'s `outlet`).
    static CALLING: Cell<*const Wake> = const { Cell::new(std::ptr::null()) };
}

#[cfg(quickjs_loom)]
loom::thread_local! {
    static CALLING: Cell<*const Wake> = Cell::new(std::ptr::null());
}

impl Wake {
    /// A new one (its fd is made when first needed).
    pub(crate) fn new() -> Self {
        Wake {
            ready: Mutex::new(Vec::new()),
            notified: AtomicBool::new(false),
            signal: OnceLock::new(),
            outlet: Mutex::new(None),
            closed: AtomicBool::new(false),
        }
    }

    /// `outlet`, locked; `None` if this thread holds it already (it is
    /// inside a call of this `Wake`'s callback, further up its stack).
    fn outlet(&self) -> Option<MutexGuard<'_, Option<WakeCallback>>> {
        if std::ptr::eq(CALLING.with(Cell::get), self) {
            return None;
        }
        Some(lock(&self.outlet))
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// The signal, made now if it does not exist yet (raised: a kick
    /// before now is not lost). Fails if the system has no fd (or event)
    /// left, or once closed.
    #[inline]
    pub(crate) fn signal(&self) -> Result<&Signal> {
        match self.signal.get() {
            Some(signal) if !self.is_closed() => Ok(signal),
            _ => self.make_signal(),
        }
    }

    #[cold]
    fn make_signal(&self) -> Result<&Signal> {
        // Under `outlet`: none is made after (or during) the close.
        let _outlet = self.outlet();
        if self.is_closed() {
            return Err(Error::internal(
                "the runtime was freed: it has no wake signal",
            ));
        }
        if let Some(signal) = self.signal.get() {
            return Ok(signal);
        }
        let signal = Signal::new()?;
        signal.raise();
        Ok(self.signal.get_or_init(|| signal))
    }

    /// Queues `key` and signals the JS thread (from any thread). Once
    /// closed, nothing: a freed runtime's wakes are dropped.
    pub(crate) fn wake(&self, key: TaskKey) {
        if self.is_closed() {
            return;
        }
        lock(&self.ready).push(key);
        if !self.notified.swap(true, Ordering::AcqRel) {
            self.notify(true, true);
        }
    }

    /// Makes the fd readable (from any thread). Before the fd exists there
    /// is nothing to do: it is made raised.
    pub(crate) fn kick(&self) {
        self.notify(true, false);
    }

    /// Calls the host's wake callback, if any.
    pub(crate) fn call_host(&self) {
        self.notify(false, true);
    }

    /// Raises the signal (`raise`) and calls the callback (`call`), under
    /// `outlet`, unless closed (see the module docs).
    fn notify(&self, raise: bool, call: bool) {
        let Some(mut outlet) = self.outlet() else {
            // Inside our own callback on this thread: `outlet` is ours up
            // the stack, so no close runs meanwhile; no second call.
            if raise && !self.is_closed() {
                if let Some(signal) = self.signal.get() {
                    signal.raise();
                }
            }
            return;
        };
        if self.is_closed() {
            return;
        }
        if raise {
            if let Some(signal) = self.signal.get() {
                signal.raise();
            }
        }
        let Some(callback) = outlet.as_ref().filter(|_| call) else {
            return;
        };
        let outer = CALLING.with(|c| c.replace(self));
        // A panicking host callback must not unwind into a waker.
        crate::engine::handle::boundary::no_unwind((), || callback());
        CALLING.with(|c| c.set(outer));
        if self.is_closed() {
            // Closed by the callback itself (see the module docs): ours to
            // drop, once the lock is released.
            let stale = outlet.take();
            drop(outlet);
            drop(stale);
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

    /// Sets (or with `None` removes) the host's callback. When it returns,
    /// no call of the old one is running or will start. Refused from
    /// inside a call of the callback on this thread (that call would still
    /// be running). Once closed, the callback is dropped unused.
    pub(crate) fn set_callback(&self, callback: Option<WakeCallback>) -> Result<()> {
        let Some(mut outlet) = self.outlet() else {
            return Err(Error::internal(
                "the wake callback cannot be replaced from inside a call of it",
            ));
        };
        if self.is_closed() {
            drop(outlet);
            drop(callback);
            return Ok(());
        }
        let old = std::mem::replace(&mut *outlet, callback);
        drop(outlet);
        drop(old);
        Ok(())
    }

    /// The runtime is being freed: closes the signal and drops the
    /// callback. When it returns, no call of the callback is running or
    /// will start (but the caller's own, when called from inside it), the
    /// fd is closed and is never written again, and later wakes are
    /// dropped. The runtime's side (drain, wait, fd) must be done with the
    /// signal (it is: this runs on the runtime's thread as it is freed).
    pub(crate) fn close(&self) {
        let stale = match self.outlet() {
            Some(mut outlet) => {
                self.closed.store(true, Ordering::Relaxed);
                if let Some(signal) = self.signal.get() {
                    signal.close();
                }
                outlet.take()
            }
            None => {
                // From inside the callback (see the module docs): the lock
                // is ours up the stack; the call there drops the callback.
                self.closed.store(true, Ordering::Relaxed);
                if let Some(signal) = self.signal.get() {
                    signal.close();
                }
                None
            }
        };
        drop(stale);
        // The keys of tasks that are gone.
        let ready = std::mem::take(&mut *lock(&self.ready));
        drop(ready);
    }
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
        })))
        .unwrap();
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

    fn counter(w: &Wake) -> Arc<std::sync::atomic::AtomicUsize> {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = calls.clone();
        w.set_callback(Some(Arc::new(move || {
            c.fetch_add(1, Ordering::Relaxed);
        })))
        .unwrap();
        calls
    }

    #[test]
    fn after_close_nothing_is_signalled_or_called_and_the_callback_is_dropped() {
        let w = Wake::new();
        w.signal().unwrap();
        let calls = counter(&w);
        w.close();
        assert_eq!(Arc::strong_count(&calls), 1, "the callback was dropped");
        w.wake(TaskKey::for_test(1));
        w.kick();
        w.call_host();
        assert_eq!(calls.load(Ordering::Relaxed), 0);
        assert!(w.signal().is_err(), "no signal after the close");
        assert!(lock(&w.ready).is_empty(), "a late wake's key is dropped");
        // A callback set afterwards is dropped unused.
        let late = counter(&w);
        assert_eq!(Arc::strong_count(&late), 1);
        w.close();
    }

    #[test]
    fn replacing_the_callback_waits_for_a_running_call() {
        let w = Arc::new(Wake::new());
        let (entered_tx, entered_rx) = std::sync::mpsc::channel();
        let done = Arc::new(AtomicBool::new(false));
        let d = done.clone();
        let entered_tx = std::sync::Mutex::new(entered_tx);
        w.set_callback(Some(Arc::new(move || {
            let _ = entered_tx.lock().unwrap().send(());
            std::thread::sleep(Duration::from_millis(50));
            d.store(true, Ordering::SeqCst);
        })))
        .unwrap();
        let waker = {
            let w = w.clone();
            std::thread::spawn(move || w.wake(TaskKey::for_test(1)))
        };
        entered_rx.recv().unwrap();
        w.set_callback(None).unwrap();
        assert!(done.load(Ordering::SeqCst), "the old call ended first");
        waker.join().unwrap();
    }

    #[test]
    fn inside_the_callback_a_replacement_is_refused_and_a_close_does_not_deadlock() {
        let w = Arc::new(Wake::new());
        w.signal().unwrap();
        let refused = Arc::new(AtomicBool::new(false));
        let (r, weak) = (refused.clone(), Arc::downgrade(&w));
        w.set_callback(Some(Arc::new(move || {
            let w = weak.upgrade().unwrap();
            r.store(w.set_callback(None).is_err(), Ordering::SeqCst);
            w.kick(); // the lock is this thread's: raises directly
            w.close(); // the host freeing its runtime from the callback
        })))
        .unwrap();
        w.wake(TaskKey::for_test(1));
        assert!(refused.load(Ordering::SeqCst));
        assert!(w.signal().is_err(), "closed");
        // The call up the stack dropped the callback (and its Weak).
        assert!(lock(&w.outlet).is_none());
    }
}

/// Model checks of the closing protocol and the drain (loom: every
/// interleaving, see `crate::engine::handle::sync`; the model's signal panics when raised
/// after its close). Run with `RUSTFLAGS="--cfg quickjs_loom" cargo test -p
/// quickjs-rust --lib loom`.
#[cfg(all(test, quickjs_loom))]
mod loom_models {
    use super::*;
    use crate::engine::handle::sync::AtomicUsize;
    use loom::thread;

    /// A host callback whose opaque is "freed" (`freed`) once the host is
    /// told it may: a call that starts after, or is still running then,
    /// counts in `late`. (Counted, not asserted: a panic in the callback
    /// would be caught by the boundary.)
    fn callback(freed: &Arc<AtomicBool>, late: &Arc<AtomicUsize>) -> WakeCallback {
        let (freed, late) = (freed.clone(), late.clone());
        Arc::new(move || {
            for _ in 0..2 {
                if freed.load(Ordering::SeqCst) {
                    late.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
    }

    fn new_wake() -> Arc<Wake> {
        let w = Arc::new(Wake::new());
        // Made before the threads start (`OnceLock` is std's, not loom's).
        w.signal().unwrap();
        w
    }

    #[test]
    fn loom_no_call_or_raise_after_close_returns() {
        loom::model(|| {
            let w = new_wake();
            let (freed, late) = Default::default();
            w.set_callback(Some(callback(&freed, &late))).unwrap();
            let waker = {
                let w = w.clone();
                thread::spawn(move || {
                    w.wake(TaskKey::for_test(1));
                    w.kick();
                })
            };
            w.close(); // JS_FreeRuntime
            freed.store(true, Ordering::SeqCst); // the host frees its opaque
            waker.join().unwrap();
            assert_eq!(late.load(Ordering::SeqCst), 0, "a call after the close");
            // A wake after the close keeps nothing. (One racing it may
            // leave its key, freed with the `Wake`, by its last waker.)
            w.wake(TaskKey::for_test(2));
            assert!(!lock(&w.ready).contains(&TaskKey::for_test(2)));
        });
    }

    #[test]
    fn loom_no_call_of_a_replaced_callback_after_the_replacement_returns() {
        loom::model(|| {
            let w = new_wake();
            let (freed, late) = Default::default();
            w.set_callback(Some(callback(&freed, &late))).unwrap();
            let waker = {
                let w = w.clone();
                thread::spawn(move || w.wake(TaskKey::for_test(1)))
            };
            w.set_callback(None).unwrap();
            freed.store(true, Ordering::SeqCst);
            waker.join().unwrap();
            assert_eq!(
                late.load(Ordering::SeqCst),
                0,
                "a call after the replacement"
            );
        });
    }

    #[test]
    fn loom_a_wake_racing_a_drain_is_drained_or_left_signalled() {
        loom::model(|| {
            let w = new_wake();
            w.drain(&mut Vec::new()); // the fd is made raised
            let waker = {
                let w = w.clone();
                thread::spawn(move || w.wake(TaskKey::for_test(7)))
            };
            let mut taken = Vec::new();
            w.drain(&mut taken);
            waker.join().unwrap();
            if taken.is_empty() {
                // Not in the list taken: signalled for the next drain.
                assert!(w.is_notified() && w.signal().unwrap().is_raised());
                w.drain(&mut taken);
            }
            assert_eq!(taken, [TaskKey::for_test(7)]);
        });
    }
}
