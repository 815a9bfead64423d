//! [`AsyncCtx`]: the context, for futures that need it after an await.

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::objects::realm::context_state;
use quickjs_sys as sys;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A `'static`, `Send` handle to a context for Rust futures that call back
/// into JS after an await (build values, call functions, read globals).
///
/// The model: a future spawned on a runtime (a `#[js] async fn`,
/// [`crate::Promise::spawn`]) is polled on the thread that runs the JS loop, inside the
/// loop's `rust_run`. [`AsyncCtx::with`] works exactly then, while one of
/// the runtime's futures is being polled, and gives the closure a [`Ctx`]
/// that cannot escape it. Anywhere else, or once the context is gone, it
/// returns an error instead of touching the engine.
///
/// It does not keep the context or the runtime alive (no reference cycle
/// through the runtime's own futures): when the context dies its futures
/// are dropped, and a handle that escaped reports the context as gone. Keep
/// JS values across awaits in the JS heap (e.g. a property of an object
/// reachable from the global), not in [`crate::Persistent`], which would
/// keep its runtime alive from inside the runtime.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use std::time::Duration;
/// ctx.with(|ctx| {
///     ctx.eval::<()>("globalThis.log = []").unwrap();
///     let actx = quickjs::AsyncCtx::new(ctx).unwrap();
///     let p = quickjs::Promise::spawn(ctx, async move {
///         for i in 0..3 {
///             quickjs::sleep(Duration::from_millis(1)).await;
///             actx.with(|ctx| {
///                 let log: quickjs::Array = ctx.globals().get("log")?;
///                 log.set(log.len()? as u32, i)
///             })??;
///         }
///         actx.with(|ctx| ctx.eval::<String>("log.join()"))?
///     }).unwrap();
///     assert_eq!(p.wait::<String>().unwrap(), "0,1,2");
/// });
/// ```
#[derive(Clone)]
pub struct AsyncCtx {
    rt: *mut sys::JSRuntime,
    ctx: *mut sys::JSContext,
    alive: Arc<AtomicBool>,
}

// SAFETY: the pointers are only dereferenced in `with`, after checking that
// this thread is polling a future of `rt` (so `rt` is alive and used here)
// and that `ctx` has not died (its flag is cleared by the context's
// finalizer before the context is freed).
unsafe impl Send for AsyncCtx {}
// SAFETY: as above; `&AsyncCtx` offers nothing more than `AsyncCtx`.
unsafe impl Sync for AsyncCtx {}

impl AsyncCtx {
    /// A handle to `ctx` for a future that needs it after an await.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{AsyncCtx, Promise};
    /// ctx.with(|ctx| {
    ///     let actx = AsyncCtx::new(ctx).unwrap();
    ///     let p = Promise::spawn(ctx, async move { actx.with(|ctx| ctx.eval::<i32>("6 * 7"))? }).unwrap();
    ///     assert_eq!(p.wait::<i32>().unwrap(), 42);
    /// });
    /// ```
    pub fn new(ctx: Ctx<'_>) -> Result<Self> {
        Ok(AsyncCtx {
            rt: ctx.rt(),
            ctx: ctx.as_raw(),
            alive: context_state(ctx)?.alive_flag(),
        })
    }

    /// Runs `f` with the context. Call it from a future spawned on the
    /// context's runtime (while it is polled); otherwise, or when the
    /// context is gone, it returns an error and does not run `f`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let actx = ctx.with(|ctx| quickjs::AsyncCtx::new(ctx)).unwrap();
    /// // Not inside one of the runtime's futures: refused.
    /// assert!(actx.with(|ctx| ctx.eval::<i32>("1")).is_err());
    /// ```
    pub fn with<R>(&self, f: impl for<'js> FnOnce(Ctx<'js>) -> R) -> Result<R> {
        if !crate::exec::polling::is_polling(self.rt) {
            return Err(Error::message(
                "AsyncCtx::with: call it from a future running on the context's runtime",
            ));
        }
        if !self.is_alive() {
            return Err(Error::message("AsyncCtx::with: the context was freed"));
        }
        crate::engine::handle::boundary::check_js_allowed()?;
        // SAFETY: this thread is inside rt's rust_run (so rt is alive and
        // used here) and ctx has not been finalized. The brand lifetime is
        // local to `f`, so nothing borrowed from ctx outlives this call.
        Ok(f(unsafe { Ctx::from_raw(self.ctx) }))
    }

    /// Whether the context is still alive.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// let ctx = quickjs::Context::full(&rt).unwrap();
    /// let actx = ctx.with(|ctx| quickjs::AsyncCtx::new(ctx)).unwrap();
    /// assert!(actx.is_alive());
    /// drop(ctx);
    /// rt.run_gc();
    /// assert!(!actx.is_alive());
    /// ```
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }
}
