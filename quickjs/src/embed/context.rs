//! [`Context`]: owns a `JSContext` (a realm: globals, intrinsics, modules) and
//! lends it to closures as a lifetime-branded [`Ctx`].

use super::runtime::Runtime;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::ContextState;
use crate::engine::objects::realm::context_state;
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

/// The standard built-ins a [`Context`] is made with, beyond the base ones
/// every context has (`Object`, `Function`, `Array`, `Error`s, `Math`,
/// `String`, `Number`, `Boolean`, `Symbol`, `BigInt`, `Reflect`, iterators,
/// generators, `globalThis`, and `Promise`: async functions, `await` and
/// modules are syntax every context has, and the engine runs them on it).
/// Combine with `|`.
///
/// A context made with fewer is cheaper to make and to free (a fresh
/// context per job: see `examples/pool/`), and offers its scripts less.
/// What the Rust API needs of a missing one fails with a `TypeError`
/// naming it (a `Map`, `Set`, `Date`, `Uint8Array`, `ArrayBuffer` or
/// typed array conversion), never worse. What scripts meet instead is a
/// `ReferenceError` for the missing global, a `TypeError` from a method
/// that needs it (`'a'.match('a')` without `REGEXP`), or a `SyntaxError`
/// (a regular expression literal without `REGEXP`; any source without
/// `EVAL`).
///
/// ```
/// use quickjs::{Context, Intrinsics, Runtime};
/// let rt = Runtime::new().unwrap();
/// let ctx = Context::new(&rt, Intrinsics::EVAL | Intrinsics::JSON).unwrap();
/// ctx.with(|ctx| {
///     assert_eq!(ctx.eval::<String>("typeof JSON + ' ' + typeof Map").unwrap(), "object undefined");
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Intrinsics(u16);

impl Intrinsics {
    /// The base built-ins only: such a context runs compiled bytecode
    /// (a [`crate::Bundle`]) but cannot compile source.
    pub const BASE: Intrinsics = Intrinsics(Self::PROMISE);
    /// Always there (see the type's docs): without it, the engine leaks
    /// every async function's state at the first `await`.
    const PROMISE: u16 = 1 << 7;
    /// The compiler: [`crate::Ctx::eval`] of source, `eval`, `Function`.
    pub const EVAL: Intrinsics = Intrinsics(1 << 0);
    /// `Date`.
    pub const DATE: Intrinsics = Intrinsics(1 << 1);
    /// `RegExp` and regular expression literals.
    pub const REGEXP: Intrinsics = Intrinsics(1 << 2);
    /// `JSON`.
    pub const JSON: Intrinsics = Intrinsics(1 << 3);
    /// `Proxy`.
    pub const PROXY: Intrinsics = Intrinsics(1 << 4);
    /// `Map`, `Set`, `WeakMap`, `WeakSet`.
    pub const MAP_SET: Intrinsics = Intrinsics(1 << 5);
    /// `ArrayBuffer`, `SharedArrayBuffer`, the typed arrays, `DataView`,
    /// `Atomics`.
    pub const TYPED_ARRAYS: Intrinsics = Intrinsics(1 << 6);
    /// `WeakRef`, `FinalizationRegistry`.
    pub const WEAK_REF: Intrinsics = Intrinsics(1 << 8);
    /// `atob`, `btoa`.
    pub const BASE64: Intrinsics = Intrinsics(1 << 9);
    /// `performance`.
    pub const PERFORMANCE: Intrinsics = Intrinsics(1 << 10);
    /// All of them: what [`Context::full`] makes (the engine's
    /// `JS_NewContext`).
    pub const ALL: Intrinsics = Intrinsics((1 << 11) - 1);

    /// Whether every built-in of `other` is in `self`.
    ///
    /// ```
    /// use quickjs::Intrinsics;
    /// assert!(Intrinsics::ALL.contains(Intrinsics::DATE | Intrinsics::JSON));
    /// assert!(!Intrinsics::EVAL.contains(Intrinsics::DATE));
    /// ```
    pub const fn contains(self, other: Intrinsics) -> bool {
        self.0 & other.0 == other.0
    }

    /// Adds them to the raw context `c`, which has none yet.
    ///
    /// # Safety
    /// `c` is a live context from `JS_NewContextRaw`, on its runtime's
    /// thread, with the runtime locked.
    unsafe fn add_to(self, c: *mut sys::JSContext) -> bool {
        type Add = unsafe extern "C" fn(*mut sys::JSContext) -> std::os::raw::c_int;
        // JS_NewContext's order.
        let table: [(Intrinsics, Add); 11] = [
            (Intrinsics::DATE, sys::JS_AddIntrinsicDate),
            (Intrinsics::EVAL, sys::JS_AddIntrinsicEval),
            (Intrinsics::REGEXP, sys::JS_AddIntrinsicRegExp),
            (Intrinsics::JSON, sys::JS_AddIntrinsicJSON),
            (Intrinsics::PROXY, sys::JS_AddIntrinsicProxy),
            (Intrinsics::MAP_SET, sys::JS_AddIntrinsicMapSet),
            (Intrinsics::TYPED_ARRAYS, sys::JS_AddIntrinsicTypedArrays),
            (Intrinsics(Self::PROMISE), sys::JS_AddIntrinsicPromise),
            (Intrinsics::WEAK_REF, sys::JS_AddIntrinsicWeakRef),
            (Intrinsics::BASE64, sys::JS_AddIntrinsicAToB),
            (Intrinsics::PERFORMANCE, sys::JS_AddPerformance),
        ];
        let all = self | Intrinsics::BASE;
        // SAFETY: the caller's contract; each adds its built-ins once.
        unsafe {
            sys::JS_AddIntrinsicBaseObjects(c) == 0
                && table
                    .iter()
                    .all(|&(which, add)| !all.contains(which) || add(c) == 0)
        }
    }
}

impl std::ops::BitOr for Intrinsics {
    type Output = Intrinsics;
    fn bitor(self, other: Intrinsics) -> Intrinsics {
        Intrinsics(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Intrinsics {
    fn bitor_assign(&mut self, other: Intrinsics) {
        self.0 |= other.0;
    }
}

impl Context {
    /// A context with all standard intrinsics (no qjs:std/os, no `rust` module:
    /// register modules explicitly): `Context::new(rt, Intrinsics::ALL)`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let ctx = quickjs::Context::full(&rt).unwrap();
    /// assert_eq!(ctx.with(|ctx| ctx.eval::<String>("typeof Promise")).unwrap(), "function");
    /// ```
    pub fn full(rt: &Runtime) -> Result<Self> {
        Self::new(rt, Intrinsics::ALL)
    }

    /// A context with the base built-ins and `intrinsics` (see
    /// [`Intrinsics`]).
    ///
    /// ```
    /// use quickjs::{Context, Intrinsics, Runtime};
    /// let rt = Runtime::new().unwrap();
    /// let ctx = Context::new(&rt, Intrinsics::EVAL).unwrap();
    /// let n: f64 = ctx.with(|ctx| ctx.eval("Math.hypot(3, 4)")).unwrap();
    /// assert_eq!(n, 5.0);
    /// ```
    pub fn new(rt: &Runtime, intrinsics: Intrinsics) -> Result<Self> {
        crate::engine::handle::boundary::check_js_allowed()?;
        // Built with the memory limit lifted, kept only if it fit under it:
        // the engine's context setup cannot fail half-way safely.
        let raw = rt.build_context(|r| {
            // SAFETY: rt is live and locked; a null result means out of
            // memory; the new context is freed if an intrinsic fails.
            unsafe {
                let c = sys::JS_NewContextRaw(r);
                if !c.is_null() && !intrinsics.add_to(c) {
                    sys::JS_FreeContext(c);
                    return std::ptr::null_mut();
                }
                c
            }
        });
        let raw =
            NonNull::new(raw).ok_or_else(|| Error::internal("JS_NewContext: out of memory"))?;
        let ctx = Context {
            rt: rt.clone(),
            raw,
        };
        // Its Rust state now (dropping `ctx` on failure frees the context):
        // held values, and caught exceptions keeping their value, work from
        // the first call.
        ctx.with(|c| context_state(c).map(drop))?;
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
    /// Where JS cannot run (see [`Context::try_with`], which returns the
    /// error instead): inside a `#[js]` function that borrows bytes from a
    /// JS buffer (a `&[u8]` parameter), where running JS could free them;
    /// and in the `Drop` of a value the engine is freeing (a `#[js]` class
    /// instance, a closure's captured value, a future of a context that
    /// died), which runs while the engine collects garbage. At the `#[js]`
    /// boundary and in a finalizer the panic is caught (a JS `InternalError`
    /// there, nothing in a finalizer).
    pub fn with<R>(&self, f: impl for<'js> FnOnce(Ctx<'js>) -> R) -> R {
        match self.try_with(f) {
            Ok(r) => r,
            Err(e) => panic!("Context::with: {e}"),
        }
    }

    /// [`Context::with`], or an error where JS cannot run now: inside a
    /// `#[js]` function that borrows bytes from a JS buffer, or while the
    /// engine collects garbage or frees a runtime or context (in the `Drop`
    /// of a value it is freeing). Such a `Drop` can check:
    ///
    /// ```
    /// use quickjs::{js, Context, Runtime};
    /// #[js]
    /// pub struct Listener { ctx: Option<Context> }
    /// impl Drop for Listener {
    ///     fn drop(&mut self) {
    ///         if let Some(ctx) = &self.ctx {
    ///             // The garbage collector frees this instance: no JS now.
    ///             let r = ctx.try_with(|ctx| ctx.eval::<()>("notify()"));
    ///             assert!(r.unwrap_err().to_string().contains("collects garbage"));
    ///         }
    ///     }
    /// }
    /// #[js]
    /// impl Listener {}
    ///
    /// let rt = Runtime::new().unwrap();
    /// let ctx = Context::full(&rt).unwrap();
    /// ctx.with(|c| {
    ///     c.globals().set("l", Listener { ctx: Some(Context::full(&rt).unwrap()) })?;
    ///     c.eval::<()>("l = null") // freed here: its Drop runs
    /// }).unwrap();
    /// ```
    pub fn try_with<R>(&self, f: impl for<'js> FnOnce(Ctx<'js>) -> R) -> Result<R> {
        crate::engine::handle::boundary::check_js_allowed()?;
        // SAFETY: the context is live for the whole call and locked by us.
        Ok(self
            .rt
            .lock(|_| f(unsafe { Ctx::from_raw(self.raw.as_ptr()) })))
    }
}

impl Context {
    /// [`Context::try_with`] with a deadline: the JS that `f` runs (a
    /// script, the jobs it drives) is stopped once `timeout` has passed, and
    /// the error that makes is [`Error::Timeout`]. It composes with the
    /// runtime's interrupt handler (either stops the script) and leaves it
    /// as it was: a per-request deadline needs no handler, and later calls
    /// are not interrupted. Deadlines nest (the nearest holds). It stops
    /// JS, not Rust: a native function that blocks is not interrupted.
    ///
    /// ```
    /// use quickjs::{Context, Error, Runtime};
    /// use std::time::Duration;
    /// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    /// let r = ctx.with_deadline(Duration::from_millis(20), |ctx| ctx.eval::<()>("for (;;) {}"));
    /// assert!(matches!(r, Err(Error::Timeout(_))));
    /// assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("1 + 1")).unwrap(), 2);
    /// ```
    pub fn with_deadline<R>(
        &self,
        timeout: std::time::Duration,
        f: impl for<'js> FnOnce(Ctx<'js>) -> Result<R>,
    ) -> Result<R> {
        let deadline = super::state::Deadline::after(timeout);
        self.rt.under_deadline(deadline, || self.try_with(f)?)
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        if crate::engine::handle::boundary::is_finalizing(self.rt.raw()) {
            // Dropped by a finalizer of its own runtime (a value the
            // collector freed owned it): freeing the context now would free
            // objects the collector is walking. The runtime frees it when
            // the lock is released, after the collection.
            let later = Context {
                rt: self.rt.clone(),
                raw: self.raw,
            };
            self.rt.defer_drop(Box::new(later));
            return;
        }
        // SAFETY: live, locked; no Ctx of it survives a `with` call. Its held
        // values go first: one kept in a Rust static would otherwise keep
        // the context alive (functions hold their realm).
        self.rt.lock(|rt| unsafe {
            if let Some(state) = ContextState::of(Ctx::from_raw(self.raw.as_ptr())) {
                state.release_values(rt);
            }
            sys::JS_FreeContext(self.raw.as_ptr())
        })
    }
}
