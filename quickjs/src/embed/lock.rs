//! [`ReentrantLock`]: the runtime's lock, which the owning thread may take
//! again, and the count of threads waiting for the runtime without it (for
//! [`super::runtime::Runtime::sleeping`] and the async driver).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// A lock the owning thread may take again (a Rust callback called from JS
/// may use its context's API while the outer call holds the lock).
///
/// Uncontended, taking and releasing it is an atomic swap each (every
/// `Context::with` does both): `owner` is the holding thread's token, or 0.
/// A thread that finds it held counts itself in `waiting` and sleeps on
/// `free` under `sleep_lock`; a release signals `free` only when `waiting`
/// is not 0 (a notify is a system call even with no waiter).
///
/// Invariants: only the owner changes `depth`, and only the owner stores
/// 0 into `owner`. No lost wake-up: a waiter counts itself (SeqCst) and
/// then tries to take the lock while holding `sleep_lock` until it sleeps;
/// a releaser stores 0 (SeqCst) and then reads `waiting` (SeqCst): either
/// the waiter's attempt sees the lock free, or the releaser sees the waiter
/// and signals, which needs `sleep_lock`, so it comes after the waiter
/// sleeps.
#[derive(Default)]
pub(crate) struct ReentrantLock {
    owner: AtomicUsize,
    /// Levels the owner holds (its own to read and write).
    depth: AtomicUsize,
    /// Threads waiting for the lock (on `free`).
    waiting: AtomicUsize,
    sleep_lock: Mutex<()>,
    free: Condvar,
    /// Threads in `release_all` .. `reacquire`, and async drivers waiting
    /// ([`ReentrantLock::sleeping`]).
    sleepers: AtomicUsize,
    /// How many times the lock was released (outermost level): a waiter
    /// that saw it unchanged after registering missed no one's work.
    releases: AtomicU64,
}

/// This thread's token for [`ReentrantLock::owner`]: the address of a
/// thread-local, distinct among live threads and never 0. (A thread cannot
/// end holding the lock: guards release it as they drop, also unwinding.)
fn thread_token() -> usize {
    thread_local! {
        static TOKEN: u8 = const { 0 };
    }
    TOKEN.with(|t| t as *const u8 as usize)
}

/// One level of the lock, held by this thread (released when dropped).
pub(crate) struct Guard<'a> {
    lock: &'a ReentrantLock,
    /// Whether this level took the lock (else it was already held).
    pub(crate) outermost: bool,
}

impl ReentrantLock {
    pub(crate) fn acquire(&self) -> Guard<'_> {
        let me = thread_token();
        if self.owner.load(Ordering::Relaxed) == me {
            // Ours already (only this thread can have stored `me`).
            self.depth.fetch_add(1, Ordering::Relaxed);
            return Guard {
                lock: self,
                outermost: false,
            };
        }
        self.take(me, 1);
        Guard {
            lock: self,
            outermost: true,
        }
    }

    /// Takes the lock (not held by this thread) at `depth` levels, waiting
    /// for it if another thread holds it.
    fn take(&self, me: usize, depth: usize) {
        if self
            .owner
            .compare_exchange(0, me, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
        {
            let mut sleeping = self.sleep_lock.lock().unwrap_or_else(|e| e.into_inner());
            self.waiting.fetch_add(1, Ordering::SeqCst);
            while self
                .owner
                .compare_exchange(0, me, Ordering::SeqCst, Ordering::Relaxed)
                .is_err()
            {
                sleeping = self.free.wait(sleeping).unwrap_or_else(|e| e.into_inner());
            }
            self.waiting.fetch_sub(1, Ordering::SeqCst);
        }
        self.depth.store(depth, Ordering::Relaxed);
    }

    /// Frees the lock (the owner, at its last level): counted as a release
    /// first, so whoever takes it next sees the count; then wakes the
    /// waiters, if any.
    fn free(&self) {
        self.releases.fetch_add(1, Ordering::SeqCst);
        self.owner.store(0, Ordering::SeqCst);
        if self.waiting.load(Ordering::SeqCst) > 0 {
            // Under `sleep_lock`: a waiter between its attempt and its
            // sleep holds it, so the signal cannot fall in between.
            // notify_all: a thread taking the lock back after a sleep and
            // ordinary waiters wait on the same condition.
            let _sleeping = self.sleep_lock.lock().unwrap_or_else(|e| e.into_inner());
            self.free.notify_all();
        }
    }

    /// Releases the lock if this thread holds it (at every level); returns
    /// how many levels it held, for [`ReentrantLock::reacquire`].
    pub(crate) fn release_all(&self) -> usize {
        if !self.held_by_me() {
            return 0;
        }
        let held = self.depth.swap(0, Ordering::Relaxed);
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        self.free();
        held
    }

    /// Takes the lock back at `held` levels after [`ReentrantLock::release_all`].
    pub(crate) fn reacquire(&self, held: usize) {
        self.take(thread_token(), held);
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
    }

    /// Whether a thread is sleeping with the lock released.
    pub(crate) fn has_sleepers(&self) -> bool {
        self.sleepers.load(Ordering::SeqCst) > 0
    }

    /// Whether this thread holds the lock.
    pub(crate) fn held_by_me(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == thread_token()
    }

    /// How many times the lock has been released so far.
    pub(crate) fn releases(&self) -> u64 {
        self.releases.load(Ordering::SeqCst)
    }

    /// Counts a waiter that does not hold the lock, if the lock was not
    /// released since `seen`; whether it did.
    pub(crate) fn sleeping(&self, seen: u64) -> bool {
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        if self.releases() == seen {
            return true;
        }
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
        false
    }

    /// Uncounts a waiter counted by [`ReentrantLock::sleeping`].
    pub(crate) fn not_sleeping(&self) {
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        // Only the owner drops a guard: `depth` is its own.
        if self.lock.depth.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.lock.free();
        }
    }
}
