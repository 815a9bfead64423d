//! [`ReentrantLock`]: the runtime's lock, which the owning thread may take
//! again, and the count of threads waiting for the runtime without it (for
//! [`super::runtime::Runtime::sleeping`] and the async driver).
//!
//! Its primitives come from `crate::engine::handle::sync`, so the `loom` tests below
//! model-check it: mutual exclusion with nesting, `release_all` /
//! `reacquire` against another thread's use, and no lost wake-up between a
//! waiter registering with [`ReentrantLock::sleeping`] and a releaser.
//!
//! Both of its handshakes (a thread sleeping for the lock against the
//! releaser; an async driver registering as a waiter against a releaser)
//! are each made on one atomic word, so their argument rests on that
//! word's single modification order and acquire/release alone. (They were
//! made on two words each, a store then a load on either side, correct
//! only through sequentially consistent accesses: a pattern loom cannot
//! check, and which needs its strongest ordering on every release.)

use crate::engine::handle::sync::{
    lock, thread_token, AtomicU64, AtomicUsize, Condvar, Mutex, Ordering,
};

/// A lock the owning thread may take again (a Rust callback called from JS
/// may use its context's API while the outer call holds the lock).
///
/// Uncontended, taking and releasing it is an atomic compare-exchange and
/// swap on `owner` (every `Context::with` does both), besides the release
/// count: `owner` is the holding thread's token (even), or 0, with the
/// [`WAITING`] bit set while a thread may be sleeping on `free`; a release
/// signals `free` only when it finds that bit (a notify is a system call
/// even with no waiter).
///
/// Invariants: only the owner changes `depth`; only the owner clears
/// `owner` (its swap to 0); other threads only set [`WAITING`] in it, or
/// take it from 0. No lost wake-up: a thread that finds the lock held sets
/// [`WAITING`] and checks that it is still held with `sleep_lock` held
/// until it sleeps (the condition variable's wait releases it). The
/// releaser's swap comes before or after that check in `owner`'s order:
/// before, the check sees 0 and takes the lock; after, the swap returns
/// [`WAITING`] and the releaser signals, which needs `sleep_lock`, so it
/// comes after the waiter sleeps. A thread woken takes the lock with
/// [`WAITING`] set (others may still sleep), so its release signals again.
#[derive(Default)]
pub(crate) struct ReentrantLock {
    owner: AtomicUsize,
    /// Levels the owner holds (its own to read and write).
    depth: AtomicUsize,
    sleep_lock: Mutex<()>,
    free: Condvar,
    /// Two counts in one word (see [`SLEEPER`], [`RELEASE`]): the sleepers
    /// (threads in `release_all` .. `reacquire`, and async drivers waiting,
    /// [`ReentrantLock::sleeping`]) and how many times the lock was
    /// released (outermost level). One word, so that a waiter registering
    /// and a releaser counting are ordered by its modification order: the
    /// later one sees the earlier (see [`ReentrantLock::sleeping`]).
    sleep: AtomicU64,
}

/// Set in [`ReentrantLock::owner`] while a thread may sleep on `free`.
const WAITING: usize = 1;
/// One sleeper in [`ReentrantLock::sleep`] (its low 24 bits: at most 16
/// million threads waiting for one runtime).
const SLEEPER: u64 = 1;
/// One release in [`ReentrantLock::sleep`] (the upper 40 bits, wrapping:
/// a release count compared after exactly 2^40 releases merely looks again).
const RELEASE: u64 = 1 << 24;

/// One level of the lock, held by this thread (released when dropped).
pub(crate) struct Guard<'a> {
    lock: &'a ReentrantLock,
    /// Whether this level took the lock (else it was already held).
    pub(crate) outermost: bool,
}

// The uncontended paths are `#[inline]`: every `Context::with` takes and
// releases the lock, and this module is not its caller's (without the hint
// the calls were not inlined across codegen units: 13 instructions more per
// `Context::with`). The waits are out of line, `#[cold]`.
impl ReentrantLock {
    /// Takes one level of the lock (waiting for it if another thread holds
    /// it).
    #[inline]
    pub(crate) fn acquire(&self) -> Guard<'_> {
        let me = thread_token();
        if self.owner.load(Ordering::Relaxed) & !WAITING == me {
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
    #[inline]
    fn take(&self, me: usize, depth: usize) {
        if self
            .owner
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.wait_for(me);
        }
        self.depth.store(depth, Ordering::Relaxed);
    }

    /// Takes the lock, held by another thread when we looked: sleeps on
    /// `free` until it is released (see the type's invariants).
    #[cold]
    fn wait_for(&self, me: usize) {
        let mut sleeping = lock(&self.sleep_lock);
        loop {
            let held = self.owner.load(Ordering::Relaxed);
            if held == 0 {
                // With WAITING: others may still sleep on `free`.
                if self
                    .owner
                    .compare_exchange(0, me | WAITING, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return;
                }
                continue;
            }
            if held & WAITING == 0
                && self
                    .owner
                    .compare_exchange(held, held | WAITING, Ordering::Relaxed, Ordering::Relaxed)
                    .is_err()
            {
                continue; // changed meanwhile: look again
            }
            // Held, with WAITING set, seen with `sleep_lock` held (see the
            // type's invariants).
            sleeping = self.free.wait(sleeping).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Frees the lock (the owner, at its last level): counted as a release
    /// first, so whoever takes it next sees the count; then wakes the
    /// waiters, if any.
    #[inline]
    fn free(&self) {
        self.sleep.fetch_add(RELEASE, Ordering::AcqRel);
        if self.owner.swap(0, Ordering::Release) & WAITING != 0 {
            self.wake_waiters();
        }
    }

    /// Signals the threads sleeping on `free` (a release found
    /// [`WAITING`]). Under `sleep_lock`: a waiter between its check and
    /// its sleep holds it, so the signal cannot fall in between.
    /// notify_all: a thread taking the lock back after a sleep and ordinary
    /// waiters wait on the same condition.
    #[cold]
    fn wake_waiters(&self) {
        let _sleeping = lock(&self.sleep_lock);
        self.free.notify_all();
    }

    /// Releases the lock if this thread holds it (at every level); returns
    /// how many levels it held, for [`ReentrantLock::reacquire`].
    pub(crate) fn release_all(&self) -> usize {
        if !self.held_by_me() {
            return 0;
        }
        let held = self.depth.swap(0, Ordering::Relaxed);
        self.sleep.fetch_add(SLEEPER, Ordering::AcqRel);
        self.free();
        held
    }

    /// Takes the lock back at `held` levels after [`ReentrantLock::release_all`].
    pub(crate) fn reacquire(&self, held: usize) {
        self.take(thread_token(), held);
        self.not_sleeping();
    }

    /// Whether a thread is sleeping with the lock released. (Read after
    /// this thread's release: a waiter registered before that release in
    /// `sleep`'s order shows here.)
    #[inline]
    pub(crate) fn has_sleepers(&self) -> bool {
        self.sleep.load(Ordering::Acquire) % RELEASE != 0
    }

    /// Whether this thread holds the lock. (A relaxed load suffices: only
    /// this thread stores its token, and only it clears it.)
    #[inline]
    pub(crate) fn held_by_me(&self) -> bool {
        self.owner.load(Ordering::Relaxed) & !WAITING == thread_token()
    }

    /// How many times the lock has been released so far (modulo 2^40).
    #[inline]
    pub(crate) fn releases(&self) -> u64 {
        self.sleep.load(Ordering::Acquire) / RELEASE
    }

    /// Counts a waiter that does not hold the lock, if the lock was not
    /// released since `seen`; whether it did. One read-modify-write of
    /// `sleep`: a release ordered before it shows in the count it reads
    /// (then the caller looks again); one ordered after it sees this
    /// sleeper (then the releaser kicks the wake signal).
    pub(crate) fn sleeping(&self, seen: u64) -> bool {
        let before = self.sleep.fetch_add(SLEEPER, Ordering::AcqRel);
        if before / RELEASE == seen {
            return true;
        }
        self.not_sleeping();
        false
    }

    /// Uncounts a waiter counted by [`ReentrantLock::sleeping`] (or by
    /// [`ReentrantLock::release_all`]).
    pub(crate) fn not_sleeping(&self) {
        self.sleep.fetch_sub(SLEEPER, Ordering::AcqRel);
    }
}

impl Drop for Guard<'_> {
    #[inline]
    fn drop(&mut self) {
        // Only the owner drops a guard: `depth` is its own.
        if self.lock.depth.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.lock.free();
        }
    }
}

/// Model checks (loom: every interleaving of the threads, see
/// `crate::engine::handle::sync`). Run with `RUSTFLAGS="--cfg quickjs_loom" cargo test -p
/// quickjs-rust --lib loom`.
#[cfg(all(test, quickjs_loom))]
mod loom_models {
    use super::*;
    use crate::engine::handle::sync::AtomicBool;
    use loom::cell::UnsafeCell;
    use loom::sync::Arc;
    use loom::thread;

    /// Data only the lock's holder may touch: loom reports two threads
    /// touching it unordered (the lock failed to exclude).
    fn touch(data: &UnsafeCell<usize>) {
        // SAFETY: loom's cell pointer, valid for the closure's call; the
        // access is checked by loom (that is the test).
        data.with_mut(|d| unsafe { *d += 1 });
    }

    #[test]
    fn loom_two_threads_nest_and_exclude_each_other() {
        loom::model(|| {
            let lock = Arc::new(ReentrantLock::default());
            let data = Arc::new(UnsafeCell::new(0));
            let run = {
                let (lock, data) = (lock.clone(), data.clone());
                move || {
                    let outer = lock.acquire();
                    assert!(outer.outermost);
                    touch(&data);
                    {
                        let inner = lock.acquire();
                        assert!(!inner.outermost && lock.held_by_me());
                        touch(&data);
                    }
                    assert!(lock.held_by_me(), "the inner level kept the lock");
                    touch(&data);
                }
            };
            let other = thread::spawn(run.clone());
            run();
            other.join().unwrap();
            assert!(!lock.held_by_me());
            // SAFETY: loom's cell pointer; every thread is done.
            assert_eq!(data.with(|d| unsafe { *d }), 6);
            assert_eq!(lock.releases(), 2, "one release per outermost level");
        });
    }

    #[test]
    fn loom_release_all_lets_another_thread_in_and_reacquire_restores_the_levels() {
        loom::model(|| {
            let lock = Arc::new(ReentrantLock::default());
            let data = Arc::new(UnsafeCell::new(0));
            let other = {
                let (lock, data) = (lock.clone(), data.clone());
                thread::spawn(move || {
                    let _g = lock.acquire();
                    touch(&data);
                })
            };
            {
                let _outer = lock.acquire();
                let _inner = lock.acquire();
                touch(&data);
                // A wait without the lock (wait_for_progress).
                let held = lock.release_all();
                assert_eq!(held, 2);
                assert!(lock.has_sleepers() && !lock.held_by_me());
                lock.reacquire(held);
                assert!(!lock.has_sleepers() && lock.held_by_me());
                touch(&data);
            } // both levels released: the other thread can finish
            other.join().unwrap();
            // SAFETY: loom's cell pointer; every thread is done.
            assert_eq!(data.with(|d| unsafe { *d }), 3);
        });
    }

    /// A waiter that does not hold the lock (the async driver) against a
    /// thread that does work under it, as `Runtime::lock`, `loop_state`
    /// and `Driver::poll_run` use them: either the waiter's look sees the
    /// work, or its registration fails (look again), or the worker sees it
    /// registered and kicks the wake signal. No wake-up is lost.
    #[test]
    fn loom_a_registering_waiter_never_misses_a_release() {
        loom::model(|| {
            let lock = Arc::new(ReentrantLock::default());
            let work = Arc::new(AtomicBool::new(false));
            let kicked = Arc::new(AtomicBool::new(false));
            let worker = {
                let (lock, work, kicked) = (lock.clone(), work.clone(), kicked.clone());
                thread::spawn(move || {
                    // Runtime::lock: the work, the release, then the kick.
                    let g = lock.acquire();
                    work.store(true, Ordering::Relaxed);
                    let outermost = g.outermost;
                    drop(g);
                    if outermost && lock.has_sleepers() {
                        kicked.store(true, Ordering::SeqCst);
                    }
                })
            };
            // Driver::poll_run, at most two looks.
            for _ in 0..2 {
                // loop_state: a look under the lock, and the release count
                // with our own release.
                let g = lock.acquire();
                let saw = work.load(Ordering::Relaxed);
                let seen = lock.releases();
                drop(g);
                let seen = seen + 1;
                if saw {
                    break;
                }
                if lock.sleeping(seen) {
                    // Asleep: only a kick wakes us. The worker has done
                    // its work or will: it must kick.
                    worker.join().unwrap();
                    assert!(kicked.load(Ordering::SeqCst), "a lost wake-up");
                    lock.not_sleeping();
                    return;
                }
                // Released since our look: look again (the work shows).
            }
            assert!(work.load(Ordering::Relaxed), "the second look saw the work");
            worker.join().unwrap();
        });
    }
}
