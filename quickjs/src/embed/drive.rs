//! Driving a runtime from async Rust: [`Runtime::idle`] and
//! [`Runtime::run_until`] are futures that run the job loop and the
//! runtime's Rust futures on whatever executor awaits them (async-io,
//! smol, tokio, ...), without blocking its thread while nothing is ready.
//!
//! Each poll runs what is ready ([`Runtime::run_pending_jobs`], which also
//! polls woken Rust futures and settles their promises), then waits for
//! the runtime's wake signal (its fd or event handle, through async-io's
//! reactor) and its next timer
//! (an async-io `Timer`). The runtime's lock is taken for the work only,
//! never held across an await: other threads may use the runtime
//! meanwhile, and since the driver registers as a waiter, whatever they
//! do wakes it (their release of the lock raises the wake signal).
//!
//! Invariant: between two polls the driver is either registered as a
//! waiter (and no release of the lock since its last look went unseen) or
//! about to look again; so no job enqueued by anyone is left waiting for a
//! wake-up that never comes. One driver per runtime at a time (a second
//! one is an error: the wake signal has one reactor registration).

use super::jobs::Sleeping;
use super::runtime::Runtime;
use crate::engine::handle::error::{Error, Result};
use crate::exec::wake::Wake;
#[cfg(unix)]
use async_io::Async;
use async_io::Timer;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The runtime's wake signal, for the reactor: its fd (POSIX) or event
/// handle (Windows), made if it did not exist yet. Holding the runtime
/// keeps the fd or handle open (it is closed when the runtime is freed),
/// until the reactor has deregistered it.
struct WakeSignal {
    #[cfg(unix)]
    raw: std::os::fd::RawFd,
    #[cfg(windows)]
    raw: std::os::windows::io::RawHandle,
    _rt: Runtime,
}

impl WakeSignal {
    fn new(rt: &Runtime) -> Result<Self> {
        let wake: Arc<Wake> = rt.wake();
        Ok(WakeSignal {
            #[cfg(unix)]
            raw: wake.fd()?,
            #[cfg(windows)]
            raw: wake.handle()?,
            _rt: rt.clone(),
        })
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for WakeSignal {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        // SAFETY: the fd is open as long as its runtime, which we hold.
        unsafe { std::os::fd::BorrowedFd::borrow_raw(self.raw) }
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsHandle for WakeSignal {
    fn as_handle(&self) -> std::os::windows::io::BorrowedHandle<'_> {
        // SAFETY: the handle is open as long as its runtime, which we hold.
        unsafe { std::os::windows::io::BorrowedHandle::borrow_raw(self.raw) }
    }
}

/// The signal registered with async-io's reactor.
#[cfg(unix)]
type Registered = Async<WakeSignal>;
#[cfg(windows)]
type Registered = async_io::os::windows::Waitable<WakeSignal>;

/// Whether the signal is raised (else `cx` is woken when it is).
fn poll_raised(signal: &Registered, cx: &mut Context<'_>) -> bool {
    #[cfg(unix)]
    return signal.poll_readable(cx).is_ready();
    #[cfg(windows)]
    return signal.poll_ready(cx).is_ready();
}

/// What one driver keeps between polls.
struct Driver {
    rt: Runtime,
    /// Registered on first wait (dropped with the driver: deregistered).
    signal: Option<Registered>,
    timer: Timer,
    /// Registered as a waiter while pending.
    sleeping: Option<Sleeping>,
}

impl Driver {
    fn new(rt: &Runtime) -> Self {
        Driver {
            rt: rt.clone(),
            signal: None,
            timer: Timer::never(),
            sleeping: None,
        }
    }

    /// Runs what is ready; `Ready(Ok(()))` once nothing is left (no job,
    /// no Rust future), else `Pending` with `cx` woken by the next
    /// progress (`until_idle: false`: `Pending` even when idle, still
    /// woken by any progress).
    fn poll_run(&mut self, cx: &mut Context<'_>, until_idle: bool) -> Poll<Result<()>> {
        self.sleeping = None;
        loop {
            if let Err(e) = self.rt.run_pending_jobs() {
                return Poll::Ready(Err(e));
            }
            let (jobs, live, next, seen) = self.rt.loop_state();
            if jobs {
                continue; // enqueued by another thread meanwhile
            }
            if live == 0 && until_idle {
                return Poll::Ready(Ok(()));
            }
            // Register as a waiter, unless someone used the runtime since
            // our look (then look again).
            let Some(sleeping) = self.rt.sleeping(seen) else {
                continue;
            };
            let signal = match &self.signal {
                Some(signal) => signal,
                None => {
                    let wake = match WakeSignal::new(&self.rt) {
                        Ok(wake) => wake,
                        Err(e) => return Poll::Ready(Err(e)),
                    };
                    match Registered::new(wake) {
                        Ok(signal) => self.signal.insert(signal),
                        Err(e) => {
                            return Poll::Ready(Err(Error::internal(format!(
                            "cannot wait for the runtime's wake signal (is another driver running?): {e}"
                        ))))
                        }
                    }
                }
            };
            if poll_raised(signal, cx) {
                continue;
            }
            if let Some(next) = next {
                self.timer.set_after(next);
                if Pin::new(&mut self.timer).poll(cx).is_ready() {
                    continue;
                }
            }
            self.sleeping = Some(sleeping);
            return Poll::Pending;
        }
    }
}

/// The future of [`Runtime::idle`].
pub struct Idle {
    driver: Driver,
}

impl Future for Idle {
    type Output = Result<()>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.driver.poll_run(cx, true)
    }
}

/// The future of [`Runtime::run_until`].
pub struct RunUntil<F> {
    driver: Driver,
    future: Pin<Box<F>>,
}

/// Its output is the future's own `Result`: an error of the loop (a job
/// that threw, an interrupt, a panic) comes in it as `E::from`.
impl<F, T, E> Future for RunUntil<F>
where
    F: Future<Output = std::result::Result<T, E>>,
    E: From<crate::engine::handle::error::Error>,
{
    type Output = std::result::Result<T, E>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Poll::Ready(v) = this.future.as_mut().poll(cx) {
            return Poll::Ready(v);
        }
        if let Poll::Ready(Err(e)) = this.driver.poll_run(cx, false) {
            return Poll::Ready(Err(E::from(e)));
        }
        // The jobs that just ran may have settled what it waits for.
        this.future.as_mut().poll(cx)
    }
}

impl Runtime {
    /// A future that runs the job loop and the runtime's Rust futures
    /// until neither is left: the async [`Runtime::run_until_idle`], for
    /// hosts that already run an executor. It never blocks the thread that
    /// polls it on an empty loop (it waits through async-io's reactor), and
    /// holds the runtime's lock only while it runs JS. A job that throws
    /// ends it with that exception.
    ///
    /// ```
    /// use quickjs::{Context, Runtime};
    /// use std::time::Duration;
    /// let rt = Runtime::new().unwrap();
    /// let ctx = Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let later = quickjs::Function::new_async(ctx, "later", |ms: u64| async move {
    ///         quickjs::sleep(Duration::from_millis(ms)).await;
    ///         ms
    ///     })?;
    ///     ctx.globals().set("later", later)?;
    ///     ctx.eval::<()>("globalThis.log = []; later(5).then(ms => log.push(ms)); later(1).then(ms => log.push(ms));")
    /// }).unwrap();
    /// async_io::block_on(rt.idle()).unwrap();
    /// assert_eq!(ctx.with(|ctx| ctx.eval::<Vec<u64>>("log")).unwrap(), [1, 5]);
    /// ```
    pub fn idle(&self) -> Idle {
        Idle {
            driver: Driver::new(self),
        }
    }

    /// A future that runs the job loop and the runtime's Rust futures while
    /// `future` is pending, and ends with its output: the way to await a
    /// JS promise ([`crate::Promise::into_future`]) from an executor, since
    /// a promise settles only while something runs the loop. Unlike
    /// [`Runtime::idle`] an idle runtime does not end it (a promise may
    /// wait for a future of another runtime or for another thread's work).
    ///
    /// `future` gives a `Result<T, E>` whose error can hold this crate's
    /// ([`crate::Error`], or any `E: From<quickjs::Error>`, e.g.
    /// `anyhow::Error`), and so does `run_until`: an error of the loop
    /// itself (a job that threw, an interrupt, a Rust panic) ends it as
    /// `Err`, in the same `Result` (one `?`). A future of another output
    /// goes in as `async { Ok::<_, quickjs::Error>(f.await) }`.
    ///
    /// ```
    /// use quickjs::{Context, Promise, Runtime};
    /// let rt = Runtime::new().unwrap();
    /// let ctx = Context::full(&rt).unwrap();
    /// let answer = ctx.with(|ctx| {
    ///     ctx.eval::<Promise>("(async () => { await null; return 6 * 7 })()")?.into_future::<i32>()
    /// }).unwrap();
    /// let n = async_io::block_on(rt.run_until(answer)).unwrap();
    /// assert_eq!(n, 42);
    /// ```
    pub fn run_until<F, T, E>(&self, future: F) -> RunUntil<F>
    where
        F: Future<Output = std::result::Result<T, E>>,
        E: From<crate::engine::handle::error::Error>,
    {
        RunUntil {
            driver: Driver::new(self),
            future: Box::pin(future),
        }
    }
}
