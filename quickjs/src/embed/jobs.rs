//! The one loop that runs jobs ([`run_jobs`]), the one wait for Rust
//! futures ([`wait_for_progress`]), and the `Runtime` methods built on them:
//! running until idle (with a deadline), the wake fd, handle and callback,
//! the futures pending, and the loop state an async driver reads
//! (`drive.rs`).
//!
//! Invariant: a thread that sleeps in a wait releases the runtime's lock at
//! every level first, and takes it back before it touches the runtime.

use super::runtime::{Inner, Runtime};
use super::state::Deadline;
use crate::engine::handle::boundary;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::RuntimeState;
use crate::exec::executor::Executor;
use quickjs_sys as sys;
use std::sync::Arc;

/// The one job loop: runs queued jobs one at a time (each call of
/// `JS_ExecutePendingJob` also settles finished Rust futures when the queue
/// is empty) until none is left or `done()` says stop; returns how many
/// ran. A job that throws ends the loop with its exception.
pub(crate) fn run_jobs(rt: *mut sys::JSRuntime, mut done: impl FnMut() -> bool) -> Result<usize> {
    boundary::check_js_allowed()?;
    let mut ran = 0;
    while !done() {
        let mut ctx = std::ptr::null_mut();
        // SAFETY: rt is live and used on this thread (callers hold its lock
        // or run inside a call on it).
        match unsafe { sys::JS_ExecutePendingJob(rt, &mut ctx) } {
            0 => break,
            1 => ran += 1,
            // SAFETY: the job's context is live (its job just ran in it).
            _ => return Err(unsafe { Ctx::from_raw(ctx) }.catch()),
        }
    }
    Ok(ran)
}

impl Runtime {
    /// Whether a job (promise reaction) is queued.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| ctx.eval::<quickjs::Value>("Promise.resolve().then(() => {})").map(drop)).unwrap();
    /// assert!(rt.is_job_pending());
    /// rt.run_pending_jobs().unwrap();
    /// assert!(!rt.is_job_pending());
    /// ```
    pub fn is_job_pending(&self) -> bool {
        // SAFETY: rt is live and locked.
        self.lock(|rt| unsafe { sys::JS_IsJobPending(rt) })
    }

    /// Runs queued jobs, and settles finished Rust futures, until none is
    /// left; returns how many jobs ran. A job that throws stops the run with
    /// that exception.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| ctx.eval::<quickjs::Value>("globalThis.done = false; Promise.resolve().then(() => done = true)").map(drop)).unwrap();
    /// assert_eq!(rt.run_pending_jobs().unwrap(), 1);
    /// assert!(ctx.with(|ctx| ctx.eval::<bool>("done")).unwrap());
    /// ```
    pub fn run_pending_jobs(&self) -> Result<usize> {
        self.lock(|rt| run_jobs(rt, || false))
    }

    /// Whether each JS call of an async `#[js]` function keeps the JS stack
    /// of the call, so that an error rejecting its promise later shows the
    /// JS caller too (`at sleep (native)`, `at load (app.js:3:9)`, ...).
    /// Off by default: a rejection then shows the native frame only. It
    /// costs about one `new Error()` per async call.
    ///
    /// ```
    /// use quickjs::{js, Context, EvalKind, Runtime, Value};
    /// #[js]
    /// async fn fail() -> Result<(), String> { Err("no".into()) }
    /// quickjs::module!(static M = "m" { fail });
    ///
    /// let rt = Runtime::new().unwrap();
    /// rt.set_async_stack_traces(true);
    /// let ctx = Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     M.add_to(ctx).unwrap();
    ///     let src = "import { fail } from 'm';\nfunction load() { return fail() }\nload().catch(e => globalThis.stack = e.stack)";
    ///     ctx.eval_with::<Value>(src, "app.js", EvalKind::Module).unwrap();
    /// });
    /// rt.run_until_idle().unwrap();
    /// let stack = ctx.with(|ctx| ctx.eval::<String>("stack")).unwrap();
    /// assert!(stack.starts_with("    at fail (native)\n    at load (app.js:2"), "{stack}");
    /// ```
    pub fn set_async_stack_traces(&self, on: bool) {
        self.lock(|_| self.executor().set_capture_stacks(on));
    }

    /// How many Rust futures (async `#[js]` calls, [`crate::Promise::spawn`])
    /// are alive.
    ///
    /// ```
    /// let rt = quickjs::Runtime::new().unwrap();
    /// assert_eq!(rt.pending_futures(), 0);
    /// ```
    pub fn pending_futures(&self) -> usize {
        self.lock(|_| self.executor().live())
    }

    /// The fd that becomes readable when a Rust future can make progress,
    /// for hosts that fold the runtime into their own poll/epoll loop (then
    /// call [`Runtime::run_pending_jobs`]). Made on the first call (or the
    /// first Rust future), it lives as long as the runtime: add it to an
    /// epoll set once. `None` only if the process has no fd left.
    ///
    /// ```
    /// let rt = quickjs::Runtime::new().unwrap();
    /// assert!(rt.wake_fd().is_some_and(|fd| fd >= 0));
    /// ```
    #[cfg(unix)]
    pub fn wake_fd(&self) -> Option<std::os::fd::RawFd> {
        self.wake().fd().ok()
    }

    /// Windows: the event handle that becomes signalled when a Rust future
    /// can make progress (the counterpart of [`Runtime::wake_fd`]), for
    /// hosts that wait with `WaitForMultipleObjects` (then call
    /// [`Runtime::run_pending_jobs`], which resets it). It lives as long as
    /// the runtime.
    #[cfg(windows)]
    pub fn wake_handle(&self) -> Option<std::os::windows::io::RawHandle> {
        self.wake().handle().ok()
    }

    /// Calls `callback` (on whichever thread wakes a Rust future) when a
    /// future can make progress, for hosts without an fd loop: it must only
    /// post to the thread that uses the runtime, which then calls
    /// [`Runtime::run_pending_jobs`]. `None` removes it. Loop timers
    /// ([`crate::sleep`]) are not signalled this way: after each run, arm a
    /// timer of the host for [`Runtime::next_timeout`].
    ///
    /// When it returns, the previous callback is not running on any thread
    /// and is never called again (it is dropped); when the runtime is
    /// freed (its last handle dropped) the same holds for the current one.
    /// Calls are serialized with both (a lock): the callback must not wait
    /// for a thread that may be replacing it or dropping the runtime. An
    /// error if called from inside a call of this runtime's callback (that
    /// call would still be running).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let tx = std::sync::Mutex::new(tx);
    /// rt.set_wake_callback(Some(std::sync::Arc::new(move || { let _ = tx.lock().unwrap().send(()); }))).unwrap();
    /// # drop(rx);
    /// ```
    pub fn set_wake_callback(
        &self,
        callback: Option<std::sync::Arc<dyn Fn() + Send + Sync>>,
    ) -> Result<()> {
        self.executor().set_wake_callback(callback)
    }

    /// Runs jobs and drives Rust futures until neither is left, sleeping in
    /// `poll(2)` on the wake fd meanwhile (no spinning, and without the
    /// runtime's lock: other threads may use the runtime while it sleeps).
    /// A job that throws ends the run with its exception. A future that
    /// never completes makes it wait forever: see
    /// [`Runtime::run_until_idle_for`].
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let p = ctx.with(|ctx| quickjs::Promise::spawn(ctx, async { 21 * 2 }).map(|p| quickjs::Persistent::save(ctx, p.into_value()))).unwrap().unwrap();
    /// rt.run_until_idle().unwrap();
    /// let n: i32 = ctx.with(|ctx| p.restore::<quickjs::Promise>(ctx)?.result().unwrap()).unwrap();
    /// assert_eq!(n, 42);
    /// ```
    pub fn run_until_idle(&self) -> Result<()> {
        self.run_until_idle_until(None)
    }

    /// [`Runtime::run_until_idle`] for at most `timeout`:
    /// [`Error::Timeout`] if jobs or futures are still pending then (they
    /// stay queued; a later run continues them).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use std::time::Duration;
    /// ctx.with(|ctx| quickjs::Promise::spawn(ctx, std::future::pending::<()>()).map(drop)).unwrap();
    /// let e = rt.run_until_idle_for(Duration::from_millis(10)).unwrap_err();
    /// assert!(matches!(e, quickjs::Error::Timeout(_)));
    /// ```
    pub fn run_until_idle_for(&self, timeout: std::time::Duration) -> Result<()> {
        self.run_until_idle_until(Some(Deadline::after(timeout)))
    }

    fn run_until_idle_until(&self, deadline: Option<Deadline>) -> Result<()> {
        let run = || loop {
            // The clock is read between jobs: an endless chain of short
            // ones ends at the deadline too (a long one is interrupted).
            self.lock(|rt| run_jobs(rt, Deadline::check(deadline)))?;
            if let Some(d) = deadline.filter(|d| d.passed()) {
                return Err(Error::Timeout(d.timeout));
            }
            // SAFETY: rt is live (we hold a handle).
            if !wait_for_progress(self.inner.raw.as_ptr(), Some(self), deadline)? {
                return Ok(());
            }
        };
        match deadline {
            Some(d) => self.under_deadline(d, run),
            None => run(),
        }
    }

    /// How long until the next Rust timer ([`crate::sleep`]) is due, for
    /// hosts that poll [`Runtime::wake_fd`] themselves: use it as the poll
    /// timeout, then call [`Runtime::run_pending_jobs`]. `None` without
    /// timers.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use std::time::Duration;
    /// assert_eq!(rt.next_timeout(), None);
    /// ctx.with(|ctx| quickjs::Promise::spawn(ctx, quickjs::sleep(Duration::from_secs(5))).map(drop)).unwrap();
    /// rt.run_pending_jobs().unwrap(); // first poll: the timer is queued
    /// // Rounded up to the loop's millisecond ticks: never early.
    /// assert!(rt.next_timeout().unwrap() <= Duration::from_millis(5001));
    /// ```
    pub fn next_timeout(&self) -> Option<std::time::Duration> {
        self.lock(|_| self.executor().next_timeout())
    }
}

/// Sleeps until a Rust future of `rt` can make progress (its wake fd or its
/// next timer), or `deadline` ([`Error::Timeout`]); `Ok(false)` at once if
/// none is alive. With the `Runtime` that owns `rt`, the sleep happens
/// without its lock (released at every level this thread holds, taken back
/// after), so other threads can use the runtime meanwhile; a thread that
/// does makes the fd readable when it is done, so the sleeper re-checks.
pub(crate) fn wait_for_progress(
    rt: *mut sys::JSRuntime,
    owner: Option<&Runtime>,
    deadline: Option<Deadline>,
) -> Result<bool> {
    let target = || {
        let exec = Executor::of_if_made(RuntimeState::of(rt)?)?;
        (exec.live() > 0).then(|| (exec.wake().clone(), exec.next_timeout()))
    };
    let target = match owner {
        Some(owner) => owner.lock(|_| target()),
        None => target(),
    };
    // A deadline of an enclosing call on this thread holds here too.
    let deadline = match (deadline, owner.and_then(|o| o.enclosing_deadline())) {
        (Some(d), Some(e)) => Some(if e.at < d.at { e } else { d }),
        (d, e) => d.or(e),
    };
    let Some((wake, next)) = target else {
        return Ok(false);
    };
    let timeout = match deadline {
        Some(d) => {
            let left = d.at.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(Error::Timeout(d.timeout));
            }
            Some(next.map_or(left, |n| n.min(left)))
        }
        None => next,
    };
    let sleep = || wake.wait(timeout);
    match owner {
        Some(owner) => owner.unlocked(sleep),
        None => sleep(),
    }
    Ok(true)
}

/// A registered waiter of a runtime ([`Runtime::sleeping`]): while it
/// lives, every release of the runtime's lock signals the wake fd.
pub(crate) struct Sleeping(Arc<Inner>);

impl Drop for Sleeping {
    fn drop(&mut self) {
        self.0.lock.not_sleeping();
    }
}

impl Runtime {
    /// What the loop has left: whether jobs are queued, how many Rust
    /// futures are alive, and when the next Rust timer is due; and the
    /// release count as of this look (for [`Runtime::sleeping`]: counted
    /// inside the lock, plus our own release, so a release by anyone else
    /// after the look shows).
    pub(crate) fn loop_state(&self) -> (bool, usize, Option<std::time::Duration>, u64) {
        let (jobs, live, next, before) = self.lock(|rt| {
            let exec = &self.executor();
            (
                // SAFETY: rt is live and locked.
                unsafe { sys::JS_IsJobPending(rt) },
                exec.live(),
                exec.next_timeout(),
                self.inner.lock.releases(),
            )
        });
        // Our own release counts unless this thread still holds the lock
        // (a driver polled inside `Context::with`: then no one else can
        // release meanwhile).
        let own = u64::from(!self.inner.lock.held_by_me());
        (jobs, live, next, before + own)
    }

    /// The wake signal of the runtime's executor (lives as long as the
    /// runtime).
    pub(crate) fn wake(&self) -> std::sync::Arc<crate::exec::wake::Wake> {
        self.executor().wake().clone()
    }

    /// Registers a waiter that does not hold the lock (an async driver
    /// between two polls); `None` if the lock was released since `seen`
    /// (the count from [`Runtime::loop_state`]): someone's work may be unnoticed, look
    /// again first.
    pub(crate) fn sleeping(&self, seen: u64) -> Option<Sleeping> {
        self.inner
            .lock
            .sleeping(seen)
            .then(|| Sleeping(self.inner.clone()))
    }
}
