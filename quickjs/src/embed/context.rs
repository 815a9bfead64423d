//! [`Context`]: owns a `JSContext` (a realm: globals, intrinsics, modules) and
//! lends it to closures as a lifetime-branded [`Ctx`].

use super::runtime::Runtime;
use crate::core::ctx::Ctx;
use crate::core::error::{Error, Result};
use crate::native::state::ContextState;
use quickjs_sys as sys;
use std::ptr::NonNull;

/// A JS realm of a [`Runtime`]. Contexts of one runtime share its heap and
/// atoms, not their globals. Use it through [`Context::with`].
///
/// ```
/// use quickjs::{Context, Runtime};
/// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
/// let n: i32 = ctx.with(|ctx| ctx.eval("6 * 7")).unwrap();
/// assert_eq!(n, 42);
/// ```
pub struct Context {
    rt: Runtime,
    raw: NonNull<sys::JSContext>,
}

// SAFETY: the raw context is only used with its runtime's lock held.
unsafe impl Send for Context {}
// SAFETY: as above.
unsafe impl Sync for Context {}

impl Context {
    /// A context with all standard intrinsics (no qjs:std/os, no `rust` module:
    /// register modules explicitly).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let ctx = quickjs::Context::full(&rt).unwrap();
    /// assert_eq!(ctx.with(|ctx| ctx.eval::<String>("typeof Promise")).unwrap(), "function");
    /// ```
    pub fn full(rt: &Runtime) -> Result<Self> {
        // SAFETY: rt is live and locked; a null result means out of memory.
        let raw = rt.lock(|r| unsafe { sys::JS_NewContext(r) });
        let raw =
            NonNull::new(raw).ok_or_else(|| Error::internal("JS_NewContext: out of memory"))?;
        let ctx = Context {
            rt: rt.clone(),
            raw,
        };
        // Its Rust state now (dropping `ctx` on failure frees the context):
        // held values, and caught exceptions keeping their value, work from
        // the first call.
        ctx.with(|c| ContextState::get_or_create(c).map(drop))?;
        Ok(ctx)
    }

    /// The runtime this context belongs to.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.runtime().run_gc();
    /// ```
    pub fn runtime(&self) -> &Runtime {
        &self.rt
    }

    /// Runs `f` with the context. Values made inside are branded with the
    /// closure's `'js` lifetime and cannot leave it (see `tests/ui/`).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let s: String = ctx.with(|ctx| ctx.eval("'a'.repeat(3)")).unwrap();
    /// assert_eq!(s, "aaa");
    /// ```
    ///
    /// # Panics
    /// Inside a `#[js]` function that borrows bytes from a JS buffer (a
    /// `&[u8]` parameter): running JS there could free them. At the `#[js]`
    /// boundary the panic becomes a JS `InternalError`.
    pub fn with<R>(&self, f: impl for<'js> FnOnce(Ctx<'js>) -> R) -> R {
        if let Err(e) = crate::core::boundary::check_js_allowed() {
            panic!("Context::with: {e}");
        }
        // SAFETY: the context is live for the whole call and locked by us.
        self.rt
            .lock(|_| f(unsafe { Ctx::from_raw(self.raw.as_ptr()) }))
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: live, locked; no Ctx of it survives a `with` call. Its held
        // values go first: one kept in a Rust static would otherwise keep
        // the context alive (functions hold their realm).
        self.rt.lock(|rt| unsafe {
            if let Some(state) = ContextState::of(Ctx::from_raw(self.raw.as_ptr())) {
                state.release_held(rt);
            }
            sys::JS_FreeContext(self.raw.as_ptr())
        })
    }
}
