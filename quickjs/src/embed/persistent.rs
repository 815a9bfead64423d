//! Values kept across `with` calls.

use super::runtime::Runtime;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::FromJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;

/// A value kept across `with` calls, e.g. a JS callback stored in a Rust
/// struct. It keeps its runtime alive; dropping it releases the value (under
/// the runtime's lock, from any thread).
///
/// ```
/// use quickjs::{Context, Function, Persistent, Runtime};
/// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
/// let saved = ctx.with(|ctx| Persistent::save(ctx, ctx.eval("(x) => x + 1").unwrap())).unwrap();
/// let r: i32 = ctx.with(|ctx| saved.restore::<Function>(ctx)?.call((41,))).unwrap();
/// assert_eq!(r, 42);
/// ```
pub struct Persistent {
    rt: Runtime,
    raw: sys::JSValue,
}

// SAFETY: the value is only touched with its runtime's lock held.
unsafe impl Send for Persistent {}
// SAFETY: as above.
unsafe impl Sync for Persistent {}

impl Persistent {
    /// Keeps `value` beyond the current `with` call. Fails for a context
    /// whose runtime no [`Runtime`] owns (one made by a C host).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let saved = ctx.with(|ctx| quickjs::Persistent::save(ctx, ctx.eval("({ n: 1 })").unwrap())).unwrap();
    /// let n: i32 = ctx.with(|ctx| saved.restore::<quickjs::Object>(ctx)?.get("n")).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn save<'js>(ctx: Ctx<'js>, value: Value<'js>) -> Result<Self> {
        let rt = super::runtime::Runtime::of(ctx).ok_or_else(|| {
            Error::type_error("persistent values need a runtime owned by quickjs::Runtime")
        })?;
        Ok(Persistent {
            rt,
            raw: value.into_raw(),
        })
    }

    /// The value in `ctx`, converted. `ctx` must belong to the same runtime.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let saved = ctx.with(|ctx| quickjs::Persistent::save(ctx, ctx.eval("'kept'").unwrap())).unwrap();
    /// assert_eq!(ctx.with(|ctx| saved.restore::<String>(ctx)).unwrap(), "kept");
    /// ```
    pub fn restore<'js, T: FromJs<'js>>(&self, ctx: Ctx<'js>) -> Result<T> {
        if !super::runtime::Runtime::of(ctx)
            .is_some_and(|rt| std::sync::Arc::ptr_eq(&rt.inner, &self.rt.inner))
        {
            return Err(Error::type_error(
                "a persistent value can only be restored in a context of its own runtime",
            ));
        }
        // SAFETY: we own a reference to a live value of this runtime; the
        // clone made by from_js (or the dup below) is a new reference.
        let borrowed = std::mem::ManuallyDrop::new(unsafe { Value::from_raw(ctx, self.raw) });
        T::from_js(&borrowed)
    }
}

impl Drop for Persistent {
    fn drop(&mut self) {
        let raw = self.raw;
        // SAFETY: we own one reference; the runtime is alive (we hold it) and locked.
        self.rt.lock(|rt| unsafe { sys::JS_FreeValueRT(rt, raw) });
    }
}
