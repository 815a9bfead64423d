//! JS promises from Rust: state, result, and awaiting one from a Rust
//! future (quickjs-ng only: Bellard's QuickJS has no promise-state API).

use super::state::Deadline;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{js_type, FromJs, IntoJs};
use crate::engine::handle::value::Value;
use crate::engine::objects::object::Function;
use crate::engine::objects::realm::{intrinsic, Intrinsic};
use crate::exec::executor::{Origin, TaskName};
use quickjs_sys as sys;

/// The state of a JS Promise.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Promise, PromiseState};
/// ctx.with(|ctx| {
///     let p: Promise = ctx.eval("Promise.reject(1)").unwrap();
///     assert!(matches!(p.state(), PromiseState::Rejected(_)));
/// });
/// ```
#[derive(Debug, Clone)]
pub enum PromiseState<'js> {
    /// Not settled yet.
    Pending,
    /// Fulfilled with a value.
    Fulfilled(Value<'js>),
    /// Rejected with a reason.
    Rejected(Value<'js>),
}

/// A JS Promise.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Promise;
/// ctx.with(|ctx| {
///     let p: Promise = ctx.eval("Promise.resolve('done')").unwrap();
///     assert_eq!(p.result::<String>().unwrap().unwrap(), "done");
/// });
/// ```
#[derive(Debug, Clone)]
pub struct Promise<'js>(Value<'js>);

impl<'js> Promise<'js> {
    /// Runs `future` on `ctx`'s runtime executor (polled on the JS thread
    /// from the job loop) and returns a Promise of its output: `Ok`/plain
    /// values fulfil it, `Err` and panics reject it with an Error.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Promise;
    /// ctx.with(|ctx| {
    ///     let p = Promise::spawn(ctx, async { "done" }).unwrap();
    ///     assert_eq!(p.wait::<String>().unwrap(), "done");
    /// });
    /// ```
    pub fn spawn<F>(ctx: Ctx<'js>, future: F) -> Result<Promise<'js>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: for<'a> IntoJs<'a> + Send + 'static,
    {
        let promise =
            crate::native::function::spawn(ctx, TaskName::Static("spawn"), Origin::Rust, future)?;
        Promise::from_js(&promise)
    }

    /// [`Promise::spawn`], with a handle that cancels the future: it is
    /// dropped at its next poll and the promise rejects with
    /// `Error: spawn: cancelled`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Promise;
    /// ctx.with(|ctx| {
    ///     let (p, handle) = Promise::spawn_cancellable(ctx, quickjs::sleep(std::time::Duration::from_secs(3600))).unwrap();
    ///     std::thread::spawn(move || handle.cancel()).join().unwrap();
    ///     assert!(p.wait::<()>().is_err());
    /// });
    /// ```
    pub fn spawn_cancellable<F>(
        ctx: Ctx<'js>,
        future: F,
    ) -> Result<(Promise<'js>, super::cancel::CancelHandle)>
    where
        F: std::future::Future + Send + 'static,
        F::Output: for<'a> IntoJs<'a> + Send + 'static,
    {
        let (future, handle) = super::cancel::cancellable(future);
        Ok((Promise::spawn(ctx, future)?, handle))
    }

    /// Its current state (run jobs with `Runtime::run_pending_jobs` to
    /// make progress).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Promise, PromiseState};
    /// ctx.with(|ctx| {
    ///     let p: Promise = ctx.eval("new Promise(() => {})").unwrap();
    ///     assert!(matches!(p.state(), PromiseState::Pending));
    /// });
    /// ```
    pub fn state(&self) -> PromiseState<'js> {
        let ctx = self.0.ctx();
        // SAFETY: a live promise; PromiseResult returns an owned value.
        unsafe {
            match sys::JS_PromiseState(ctx.as_raw(), self.0.as_raw()) {
                sys::JS_PROMISE_FULFILLED => PromiseState::Fulfilled(Value::from_raw(
                    ctx,
                    sys::JS_PromiseResult(ctx.as_raw(), self.0.as_raw()),
                )),
                sys::JS_PROMISE_REJECTED => PromiseState::Rejected(Value::from_raw(
                    ctx,
                    sys::JS_PromiseResult(ctx.as_raw(), self.0.as_raw()),
                )),
                _ => PromiseState::Pending,
            }
        }
    }

    /// Waits until the promise settles, running jobs and driving Rust
    /// futures meanwhile (sleeping in `poll(2)` while only Rust futures are
    /// pending); then its value, converted, or its rejection as an error.
    /// If nothing is left that could settle it, that is an error, not a hang.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let p: quickjs::Promise = ctx.eval("Promise.resolve(1).then(x => x + 1)").unwrap();
    ///     assert_eq!(p.wait::<i32>().unwrap(), 2);
    /// });
    /// ```
    pub fn wait<T: FromJs<'js>>(&self) -> Result<T> {
        self.wait_until(None)
    }

    /// [`Promise::wait`] for at most `timeout`: [`Error::Timeout`] if the
    /// promise is still pending then. The runtime's lock is released while
    /// sleeping, so other threads can use the runtime meanwhile.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use std::time::Duration;
    /// ctx.with(|ctx| {
    ///     let p = quickjs::Promise::spawn(ctx, std::future::pending::<()>()).unwrap();
    ///     let e = p.wait_for::<()>(Duration::from_millis(10)).unwrap_err();
    ///     assert!(matches!(e, quickjs::Error::Timeout(_)));
    /// });
    /// ```
    pub fn wait_for<T: FromJs<'js>>(&self, timeout: std::time::Duration) -> Result<T> {
        self.wait_until(Some(Deadline::after(timeout)))
    }

    fn wait_until<T: FromJs<'js>>(&self, deadline: Option<Deadline>) -> Result<T> {
        let ctx = self.0.ctx();
        let rt = ctx.rt();
        let owner = super::runtime::Runtime::of(ctx);
        let passed = Deadline::check(deadline);
        let wait = || loop {
            // One job at a time: the promise may settle while others remain
            // (even an endless chain of them), and the deadline may pass.
            super::jobs::run_jobs(rt, || self.is_settled() || passed())?;
            if let Some(r) = self.result() {
                return r;
            }
            if let Some(d) = deadline.filter(|d| d.passed()) {
                return Err(Error::Timeout(d.timeout));
            }
            if !super::jobs::wait_for_progress(rt, owner.as_ref(), deadline)? {
                return Err(Error::message(
                    "the promise can never settle: no job and no Rust future is pending",
                ));
            }
        };
        match (deadline, owner.as_ref()) {
            // A long job is interrupted at the deadline too.
            (Some(d), Some(owner)) => owner.under_deadline(d, wait),
            _ => wait(),
        }
    }

    /// Whether the promise is fulfilled or rejected.
    fn is_settled(&self) -> bool {
        // SAFETY: a live promise of a live context.
        unsafe {
            sys::JS_PromiseState(self.0.ctx().as_raw(), self.0.as_raw()) != sys::JS_PROMISE_PENDING
        }
    }

    /// A Rust future of the promise's outcome: the fulfilled value converted
    /// to `T`, or the rejection as an error. Poll it on the runtime's thread,
    /// e.g. inside a future given to [`crate::Promise::spawn`].
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let js: quickjs::Promise = ctx.eval("Promise.resolve(20)").unwrap();
    ///     let twice = js.into_future::<i32>().unwrap();
    ///     let p = quickjs::Promise::spawn(ctx, async move { twice.await.map(|n| n * 2 + 2) }).unwrap();
    ///     assert_eq!(p.wait::<i32>().unwrap(), 42);
    /// });
    /// ```
    pub fn into_future<T>(self) -> Result<PromiseFuture<T>>
    where
        T: for<'a> FromJs<'a> + Send + 'static,
    {
        let ctx = self.0.ctx();
        let slot: std::sync::Arc<std::sync::Mutex<FutureSlot<T>>> = Default::default();
        let (ok, err) = (slot.clone(), slot.clone());
        let on_ok = Function::with_args(ctx, "onFulfilled", 1, move |args| {
            lock_slot(&ok).settle(args.get::<T>(0));
            Ok(Value::undefined(args.ctx()))
        })?;
        let on_err = Function::with_args(ctx, "onRejected", 1, move |args| {
            let reason: Value = args.get(0)?;
            lock_slot(&err).settle(Err(Error::Thrown(args.ctx().describe(&reason))));
            Ok(Value::undefined(args.ctx()))
        })?;
        // The realm's own `then`, whatever a script put on the promise or
        // its prototype.
        let then = Function::from_js(&intrinsic(ctx, Intrinsic::PromiseThen, 0)?)?;
        let _: Value = then.call_with_this(self.0, (on_ok, on_err))?;
        Ok(PromiseFuture { slot })
    }

    /// The promise as a plain value.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let p: quickjs::Promise = ctx.eval("Promise.resolve()").unwrap();
    ///     assert_eq!(p.into_value().type_name(), "object");
    /// });
    /// ```
    pub fn into_value(self) -> Value<'js> {
        self.0
    }

    /// The fulfilled value converted, the rejection as an error, or `None`
    /// while pending.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Promise;
    /// ctx.with(|ctx| {
    ///     let p: Promise = ctx.eval("Promise.resolve(5)").unwrap();
    ///     assert_eq!(p.result::<i32>().unwrap().unwrap(), 5);
    /// });
    /// ```
    pub fn result<T: FromJs<'js>>(&self) -> Option<Result<T>> {
        match self.state() {
            PromiseState::Pending => None,
            PromiseState::Fulfilled(v) => Some(T::from_js(&v)),
            PromiseState::Rejected(e) => Some(Err(Error::Thrown(e.ctx().describe(&e)))),
        }
    }
}

// SAFETY (the predicate): v is a live value of a live context.
js_type!(
    Promise,
    "promise",
    // SAFETY: v is a live value of a live context.
    |v| unsafe { sys::JS_IsPromise(v.as_raw()) },
    Promise,
    |p: Promise<'js>| p.0
);

/// Where a JS promise's outcome waits for the Rust future polling it.
struct FutureSlot<T> {
    outcome: Option<Result<T>>,
    waker: Option<std::task::Waker>,
}

impl<T> Default for FutureSlot<T> {
    fn default() -> Self {
        FutureSlot {
            outcome: None,
            waker: None,
        }
    }
}

impl<T> FutureSlot<T> {
    fn settle(&mut self, outcome: Result<T>) {
        self.outcome = Some(outcome);
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

/// The future of [`Promise::into_future`].
pub struct PromiseFuture<T> {
    slot: std::sync::Arc<std::sync::Mutex<FutureSlot<T>>>,
}

fn lock_slot<T>(
    slot: &std::sync::Mutex<FutureSlot<T>>,
) -> std::sync::MutexGuard<'_, FutureSlot<T>> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T> std::future::Future for PromiseFuture<T> {
    type Output = Result<T>;
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<T>> {
        let mut slot = lock_slot(&self.slot);
        match slot.outcome.take() {
            Some(outcome) => std::task::Poll::Ready(outcome),
            None => {
                slot.waker = Some(cx.waker().clone());
                std::task::Poll::Pending
            }
        }
    }
}

impl crate::engine::objects::typescript::TypeScript for Promise<'_> {
    fn ts() -> String {
        "Promise<any>".into()
    }
}
