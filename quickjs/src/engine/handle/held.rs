//! [`Held`]: a JS value that Rust code keeps beyond a call (a class's
//! `#[js(trace)]` field, the value behind a caught exception), owned by its
//! context's list of held values ([`HeldList`]) and freed on the JS thread.
//!
//! How it stays sound whatever Rust does with a `Held`:
//! * Each `Held` owns one reference, kept in a cell that its context's list
//!   also holds. The cell is freed on the JS thread only: at once when the
//!   `Held` drops inside its runtime's finalizer (where the engine requires
//!   it), otherwise at the runtime's next `rust_run` (every job-loop turn)
//!   or the next `hold` that sweeps, and at the latest when its `Context` is
//!   dropped or the context dies. A `Held` moved elsewhere and dropped on
//!   any thread, or after its runtime, just flags its cell.
//! * A `Held` kept outside a traced field (a static, a future, an error) is
//!   a root: it keeps its value, and through it its context, alive until it
//!   is dropped or its context's `Context` handle is.
//!
//! The list is kept in the context's state (`super::state::ContextState`).

use super::ctx::Ctx;
use super::error::{Error, Result};
use super::value::Value;
use crate::engine::handle::traits::FromJs;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The held values of one context (in its state).
pub(crate) struct HeldList {
    cells: RefCell<Vec<Arc<HeldCell>>>,
    /// `cells.len()` at which the next `hold` sweeps dropped cells.
    sweep_at: Cell<usize>,
    /// The runtime's "a Held was dropped" flag (`rust_run` sweeps).
    pub(crate) sweep: Arc<AtomicBool>,
}

impl HeldList {
    pub(crate) fn new(sweep: Arc<AtomicBool>) -> Self {
        HeldList {
            cells: RefCell::new(Vec::new()),
            sweep_at: Cell::new(64),
            sweep,
        }
    }

    /// The list of `ctx`, if the context has Rust state and its host has
    /// not freed it: a context's held values are released when its host
    /// frees it (`Context` dropped, `JS_FreeContext`), and nothing frees
    /// one held later before the runtime's last collection (the context's
    /// jobs may keep the loop from ever reaching a sweep), so none is.
    pub(crate) fn of<'a>(ctx: Ctx<'_>) -> Result<&'a HeldList> {
        match super::state::ContextState::of(ctx) {
            Some(s) if !s.is_released() => Ok(&s.held),
            Some(_) => Err(Error::internal(
                "Held: the context was freed (its Context dropped, or JS_FreeContext): \
                 no value of it can be held any more",
            )),
            None => Err(Error::internal(
                "Held: this context has no Rust state (use a quickjs::Context)",
            )),
        }
    }

    /// Lists a new cell; now and then frees the cells whose `Held` was
    /// dropped (amortized: when the list has doubled).
    pub(crate) fn hold(&self, rt: *mut sys::JSRuntime, cell: Arc<HeldCell>) {
        let done = {
            let mut cells = self.cells.borrow_mut();
            cells.push(cell);
            if cells.len() < self.sweep_at.get() {
                return;
            }
            let done = take_dropped(&mut cells);
            self.sweep_at.set((cells.len() * 2).max(64));
            done
        };
        // Freed with no borrow held: freeing may run finalizers.
        for c in done {
            // SAFETY: on the context's thread; its runtime is alive.
            unsafe { c.release(rt) };
        }
    }

    /// Frees the cells whose `Held` was dropped.
    ///
    /// # Safety
    /// On `rt`'s thread, `rt` alive.
    pub(crate) unsafe fn sweep(&self, rt: *mut sys::JSRuntime) {
        let done = take_dropped(&mut self.cells.borrow_mut());
        for c in done {
            // SAFETY: the caller's contract.
            unsafe { c.release(rt) };
        }
    }

    /// Frees every held value now (the context's `Context` handle is going
    /// away, or the context died).
    ///
    /// # Safety
    /// On `rt`'s thread, `rt` alive.
    pub(crate) unsafe fn release_all(&self, rt: *mut sys::JSRuntime) {
        let held = std::mem::take(&mut *self.cells.borrow_mut());
        for c in held {
            // SAFETY: the caller's contract.
            unsafe { c.release(rt) };
        }
    }
}

/// Removes and returns the cells whose `Held` was dropped.
fn take_dropped(held: &mut Vec<Arc<HeldCell>>) -> Vec<Arc<HeldCell>> {
    let (done, live) = std::mem::take(held)
        .into_iter()
        .partition(|c| c.is_dropped());
    *held = live;
    done
}

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
///         UI.add_to(ctx).unwrap();
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
    /// Holds `value` (a new reference). An error in a context without
    /// Rust state (one no `quickjs` API has touched: every `Context`, and
    /// every context a native call runs in, has one), and in a context its
    /// host freed (its jobs may still run: nothing would free the value
    /// before the runtime's end).
    pub fn new(value: &Value<'_>) -> Result<Held> {
        let ctx = value.ctx();
        let holder = HeldList::of(ctx)?;
        let rt = ctx.rt();
        let cell = Arc::new(HeldCell {
            value: Mutex::new(Some(RawValue(value.clone().into_raw()))),
            rt: rt as usize,
            dropped: AtomicBool::new(false),
            sweep: holder.sweep.clone(),
        });
        holder.hold(rt, cell.clone());
        Ok(Held { cell })
    }

    /// Reports the held reference to the GC (the class `gc_mark` of a
    /// traced field), if it belongs to `rt`.
    ///
    /// # Safety
    /// Inside `rt`'s GC, on its thread.
    pub(crate) unsafe fn mark(&self, rt: *mut sys::JSRuntime, mark: sys::JS_MarkFunc) {
        if self.cell.rt != rt as usize {
            return;
        }
        if let Some(RawValue(v)) = &*self.cell.value.lock().unwrap_or_else(|e| e.into_inner()) {
            // SAFETY: the caller's contract; v is live.
            unsafe { sys::JS_MarkValue(rt, *v, mark) };
        }
    }

    /// The held value in `ctx` as a raw new reference, if `ctx` is of its
    /// runtime and the value was not released.
    pub(crate) fn dup_in(&self, ctx: Ctx<'_>) -> Option<sys::JSValue> {
        if ctx.rt() as usize != self.cell.rt {
            return None;
        }
        let v = self.cell.value.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: a live value of this runtime, used on its thread (we have
        // a Ctx of it); the duplicate is the caller's.
        v.as_ref()
            .map(|RawValue(v)| unsafe { sys::JS_DupValue(ctx.as_raw(), *v) })
    }

    /// The value, converted, in `ctx` (a context of the same runtime). An
    /// error if its context has been freed.
    pub fn get<'js, T: FromJs<'js>>(&self, ctx: Ctx<'js>) -> Result<T> {
        if ctx.rt() as usize != self.cell.rt {
            return Err(Error::type_error(
                "this held value belongs to another runtime",
            ));
        }
        let raw = self
            .dup_in(ctx)
            .ok_or_else(|| Error::message("this held value was released with its context"))?;
        // SAFETY: a new reference to a live value of ctx's runtime.
        T::from_js(&unsafe { Value::from_raw(ctx, raw) })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.cell.dropped.store(true, Ordering::Release);
        if super::boundary::is_finalizing(self.cell.rt as *mut sys::JSRuntime) {
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
