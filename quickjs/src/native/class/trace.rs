//! JS values held by Rust class instances, traced by the GC.
//!
//! A `#[js]` struct field marked `#[js(trace)]` may hold [`Held`] values
//! (directly, or in `Option`, `Vec`, `Box`, `RefCell`, `Mutex`): the class's
//! `gc_mark` reports them to the cycle collector, so a cycle such as
//! `instance -> callback -> closure -> instance` is collected like a JS one.
//!
//! How it stays sound whatever Rust does with a `Held`:
//! * Each `Held` owns one reference, kept in a cell that its context's anchor
//!   also lists. The cell is freed on the JS thread only: at once when the
//!   `Held` drops inside its runtime's finalizer (where the engine requires
//!   it), otherwise at the runtime's next `rust_run` (every job-loop turn),
//!   and at the latest when its `Context` is dropped or the context
//!   finalized. A `Held` moved elsewhere and dropped on any thread, or after
//!   its runtime, just flags its cell.
//! * A `Held` kept outside a traced field (a static, a future) is a root:
//!   it keeps its value, and through it its context, alive. `Context`'s
//!   drop releases it; a C host that frees contexts itself should drop such
//!   values first and run a job-loop turn. `#[js]` refuses struct fields
//!   that mention `Held` without `#[js(trace)]`.
//! * `gc_mark` reads the instance's fields only when no `&mut self` borrow
//!   is active, and skips what it cannot read (a borrowed `RefCell`, a
//!   locked `Mutex`). Unreported references only keep values alive longer;
//!   each reported one is owned by exactly that instance (`Trace` is sealed:
//!   it follows only uniquely owning containers).

use crate::core::convert::FromJs;
use crate::core::ctx::Ctx;
use crate::core::error::{Error, Result};
use crate::core::value::Value;
use crate::native::state::ContextState;
use quickjs_sys as sys;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A raw JS value owned by a [`HeldCell`]; only touched on its runtime's
/// thread (see the module docs).
struct RawValue(sys::JSValue);
// SAFETY: the value is read or freed only on the thread running its runtime
// (Held::get needs a Ctx of it; marking and freeing happen inside it).
unsafe impl Send for RawValue {}

/// One held reference and its owner's state.
pub(crate) struct HeldCell {
    value: Mutex<Option<RawValue>>,
    rt: usize,
    /// The `Held` is gone: the reference waits to be freed.
    dropped: AtomicBool,
    /// Its runtime's "a Held was dropped" flag (`rust_run` sweeps).
    sweep: Arc<AtomicBool>,
}

impl HeldCell {
    /// Frees the reference now (on the JS thread of `rt`).
    ///
    /// # Safety
    /// Called on the thread running `rt`, which is alive.
    pub(crate) unsafe fn release(&self, rt: *mut sys::JSRuntime) {
        let v = self.value.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(RawValue(v)) = v {
            // SAFETY: the caller's contract; the reference is ours.
            unsafe { sys::JS_FreeValueRT(rt, v) };
        }
    }

    pub(crate) fn is_dropped(&self) -> bool {
        self.dropped.load(Ordering::Acquire)
    }
}

thread_local! {
    /// The runtime whose class finalizer is running on this thread (0:
    /// none): a `Held` dropped there frees its value at once.
    static FINALIZING: Cell<usize> = const { Cell::new(0) };
}

/// Marks this thread as running a finalizer of `rt` until dropped.
pub(crate) struct FinalizingGuard(usize);

impl FinalizingGuard {
    pub(crate) fn enter(rt: *mut sys::JSRuntime) -> Self {
        FinalizingGuard(FINALIZING.replace(rt as usize))
    }
}

impl Drop for FinalizingGuard {
    fn drop(&mut self) {
        FINALIZING.set(self.0);
    }
}

/// A JS value held by a Rust class instance (a `#[js(trace)]` field), seen
/// by the GC through the instance. Its context frees it at the latest.
///
/// ```
/// use quickjs::{js, Held, Function, Context, Runtime};
/// #[js]
/// pub struct Button {
///     #[js(trace)]
///     on_click: Option<Held>,
/// }
/// #[js]
/// impl Button {
///     #[js(constructor)]
///     pub fn new() -> Self { Button { on_click: None } }
///     pub fn on(&mut self, f: Held) { self.on_click = Some(f) }
///     pub fn click(&self, ctx: quickjs::Ctx) -> quickjs::Result<String> {
///         match &self.on_click {
///             Some(f) => f.get::<Function>(ctx)?.call(()),
///             None => Ok("nobody listens".into()),
///         }
///     }
/// }
/// quickjs::module!(static UI = "ui" {} classes { Button });
/// fn main() {
///     let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
///     ctx.with(|ctx| {
///         ctx.add_module(&UI).unwrap();
///         ctx.eval_with::<quickjs::Value>("import { Button } from 'ui'; const b = new Button(); b.on(() => 'clicked'); globalThis.r = b.click()", "m.js", quickjs::EvalKind::Module).unwrap();
///     });
///     ctx.runtime().run_pending_jobs().unwrap();
///     assert_eq!(ctx.with(|ctx| ctx.eval::<String>("r").unwrap()), "clicked");
/// }
/// ```
pub struct Held {
    cell: Arc<HeldCell>,
}

impl Held {
    /// Holds `value` (a new reference).
    pub fn new(value: &Value<'_>) -> Result<Held> {
        let ctx = value.ctx();
        let rt = ctx.rt();
        let state = ContextState::get_or_create(ctx)?;
        let sweep = ContextState::runtime(ctx)?.held_dropped_flag();
        let cell = Arc::new(HeldCell {
            value: Mutex::new(Some(RawValue(value.clone().into_raw()))),
            rt: rt as usize,
            dropped: AtomicBool::new(false),
            sweep,
        });
        state.hold(rt, cell.clone());
        Ok(Held { cell })
    }

    /// The value, converted, in `ctx` (a context of the same runtime). An
    /// error if its context has been freed.
    pub fn get<'js, T: FromJs<'js>>(&self, ctx: Ctx<'js>) -> Result<T> {
        if ctx.rt() as usize != self.cell.rt {
            return Err(Error::type_error(
                "this held value belongs to another runtime",
            ));
        }
        let v = match &*self.cell.value.lock().unwrap_or_else(|e| e.into_inner()) {
            // SAFETY: a live value of this runtime, used on its thread (we
            // have a Ctx of it); the duplicate is owned by the new Value.
            Some(RawValue(v)) => unsafe {
                Value::from_raw(ctx, sys::JS_DupValue(ctx.as_raw(), *v))
            },
            None => {
                return Err(Error::message(
                    "this held value was released with its context",
                ))
            }
        };
        T::from_js(&v)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.cell.dropped.store(true, Ordering::Release);
        if FINALIZING.get() == self.cell.rt {
            // SAFETY: inside a finalizer of the cell's runtime, on its thread.
            unsafe { self.cell.release(self.cell.rt as *mut sys::JSRuntime) };
        } else {
            self.cell.sweep.store(true, Ordering::Release);
        }
    }
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Held")
    }
}

/// A parameter of type `Held` holds the argument.
impl<'js> FromJs<'js> for Held {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        Held::new(value)
    }
}

impl crate::core::typescript::TypeScript for Held {
    fn ts() -> String {
        "any".into()
    }
}

/// Reports held references to the GC (see [`Trace`]).
pub struct Tracer {
    rt: *mut sys::JSRuntime,
    mark: sys::JS_MarkFunc,
}

mod sealed {
    pub trait Sealed {}
}

/// What `#[js(trace)]` fields may be: [`Held`] and uniquely owning
/// containers of it. Sealed: each held reference must be reported by at
/// most one owner, which `Rc`/`Arc` sharing would break.
pub trait Trace: sealed::Sealed {
    /// Reports the held references.
    fn trace(&self, tracer: &mut Tracer);
}

impl sealed::Sealed for Held {}
impl Trace for Held {
    fn trace(&self, t: &mut Tracer) {
        if self.cell.rt != t.rt as usize {
            return;
        }
        if let Some(RawValue(v)) = &*self.cell.value.lock().unwrap_or_else(|e| e.into_inner()) {
            // SAFETY: inside the runtime's GC, on its thread; v is live.
            unsafe { sys::JS_MarkValue(t.rt, *v, t.mark) };
        }
    }
}

impl<T: Trace> sealed::Sealed for Option<T> {}
impl<T: Trace> Trace for Option<T> {
    fn trace(&self, t: &mut Tracer) {
        if let Some(x) = self {
            x.trace(t);
        }
    }
}
impl<T: Trace> sealed::Sealed for Vec<T> {}
impl<T: Trace> Trace for Vec<T> {
    fn trace(&self, t: &mut Tracer) {
        self.iter().for_each(|x| x.trace(t));
    }
}
impl<T: Trace> sealed::Sealed for Box<T> {}
impl<T: Trace> Trace for Box<T> {
    fn trace(&self, t: &mut Tracer) {
        (**self).trace(t);
    }
}
impl<T: Trace> sealed::Sealed for std::cell::RefCell<T> {}
impl<T: Trace> Trace for std::cell::RefCell<T> {
    /// A mutably borrowed cell is skipped (its values stay alive).
    fn trace(&self, t: &mut Tracer) {
        if let Ok(x) = self.try_borrow() {
            x.trace(t);
        }
    }
}
impl<T: Trace> sealed::Sealed for Mutex<T> {}
impl<T: Trace> Trace for Mutex<T> {
    /// A locked mutex is skipped (its values stay alive).
    fn trace(&self, t: &mut Tracer) {
        if let Ok(x) = self.try_lock() {
            x.trace(t);
        }
    }
}

/// The `#[js(trace)]` fields of a `#[js]` struct (implemented by `#[js]`).
pub trait Traced {
    /// Whether the struct has any (then its class gets a `gc_mark`).
    const TRACED: bool;
    /// Reports the held references of the traced fields.
    fn trace_fields(&self, tracer: &mut Tracer);
}

/// The `gc_mark` of a class whose struct has `#[js(trace)]` fields.
///
/// # Safety
/// Called by the engine's GC for objects of `T`'s class.
pub unsafe extern "C" fn mark<T: super::JsClass + Traced>(
    rt: *mut sys::JSRuntime,
    val: sys::JSValue,
    mark: sys::JS_MarkFunc,
) {
    // SAFETY: the engine's contract.
    if let Some(value) = unsafe { super::cell::readable::<T>(rt, val) } {
        let mut tracer = Tracer { rt, mark };
        value.trace_fields(&mut tracer);
    }
}
