//! One home for the Rust state of each runtime and of each context.
//!
//! * [`RuntimeState`]: everything the Rust layer knows about one
//!   `JSRuntime`: its executor (futures, timers, wake fd), the thread that
//!   may use it, the class ids of `#[js]` classes, the states of its live
//!   contexts, and a slot for the embedding layer's part (loader, interrupt
//!   handler, the `Runtime` handle). It sits behind the runtime's Rust state
//!   pointer (patch 0007), made on first use, and is freed when the runtime
//!   is (its finalizer on quickjs-ng; `rust_runtime_released` on Bellard's
//!   QuickJS, which has no runtime finalizers).
//! * [`ContextState`]: what belongs to one context: its *anchor* (an object
//!   of class `RustTasks` held by the global object, whose finalizer tells
//!   us the context died), its liveness flag (shared with its `AsyncCtx`s), its
//!   native modules, its held values. It sits behind the context's Rust
//!   state pointer.
//!
//! Both are reached in O(1) from a `JSRuntime*` or `JSContext*`; nothing is
//! kept in process-wide tables (the module registry of [`super::module`] is
//! process-wide on purpose, for C hosts). The host's own opaque pointers
//! (`JS_SetRuntimeOpaque`, used by quickjs-libc; `JS_SetContextOpaque`, used
//! by frameworks) are never touched.
//!
//! Invariants:
//! * A state is used only on its runtime's owner thread (C entry points
//!   check, see [`RuntimeState::on_owner_thread`]); its `RefCell`s are never
//!   borrowed across a call that can free JS values (that may run
//!   finalizers, which borrow them again).
//! * A context's state lives as long as its anchor: when the anchor is
//!   finalized (the context is dying; its memory may already be gone), the
//!   state leaves the live list at once (its futures and held values are
//!   dropped, its flag cleared) and is freed at the next safe point (the
//!   next `rust_run`, the next state made, or the runtime's end), so the
//!   context's state pointer never dangles while the context can be used.

use crate::core::ctx::Ctx;
use crate::core::error::{Error, Result};
use crate::core::held::HeldList;
use crate::core::limits::RuntimeCore;
use crate::core::realm::CoreState;
use crate::core::stack::StackLimit;
use crate::core::value::Value;
use crate::exec::executor::{Executor, Origin, TaskName};
use crate::native::class::ClassDef;
use crate::native::module::NativeModule;
use quickjs_sys as sys;
use std::any::Any;
use std::cell::{Cell, OnceCell, RefCell};
use std::future::Future;
#[cfg(not(quickjs_bellard))]
use std::os::raw::c_void;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// The Rust state of one runtime (see the module docs).
///
/// `#[repr(C)]` with the core layer's part first: `core::limits` reaches
/// its `RuntimeCore` through the runtime's state pointer.
#[repr(C)]
pub(crate) struct RuntimeState {
    /// The core layer's part: first.
    interrupts: RuntimeCore,
    rt: *mut sys::JSRuntime,
    pub(crate) executor: Executor,
    /// The thread that may use this state (see [`thread_number`]): the one
    /// that made it, then the one that last took the `Runtime` lock or
    /// called `rust_bind_thread`.
    owner: AtomicU64,
    /// The class id of the anchor class `RustTasks` in this runtime.
    anchor_class: sys::JSClassID,
    /// The id of each `#[js]` class registered here, by the class's
    /// process-wide index (0: not registered).
    class_ids: RefCell<Vec<sys::JSClassID>>,
    /// The `#[js]` class of each class id that is one (for instances of a
    /// derived class met where a parent class is expected).
    classes: RefCell<Vec<Option<&'static ClassDef>>>,
    /// The states of the live contexts (each owned here, pointed to by its
    /// context and its anchor: boxed, so growing the list moves none).
    #[allow(clippy::vec_box)]
    contexts: RefCell<Vec<Box<ContextState>>>,
    /// States of contexts whose anchor was finalized, freed at the next
    /// safe point (see the module docs).
    #[allow(clippy::vec_box)]
    dead: RefCell<Vec<Box<ContextState>>>,
    /// Set when a `Held` of this runtime is dropped outside a finalizer:
    /// the next `rust_run` frees the dropped cells.
    held_dropped: Arc<AtomicBool>,
    /// The embedding layer's part (`embed::runtime`), set once.
    ext: OnceCell<Box<dyn Any>>,
    /// Values a finalizer could not drop during a collection (a `Context`
    /// of this runtime), dropped at the next safe point
    /// ([`RuntimeState::drop_deferred`]).
    deferred: RefCell<Vec<Box<dyn Any>>>,
    /// The requested JS stack limit and the stack top it is measured from.
    pub(crate) stack: StackLimit,
}

/// The Rust state of one context (see the module docs).
///
/// `#[repr(C)]` with the core layer's part first: `core::realm::CoreState`
/// reaches it through the context's state pointer. Nothing else is ever
/// stored in that pointer.
#[repr(C)]
pub(crate) struct ContextState {
    /// The core layer's part (held values, the realm's built-ins): first.
    core: CoreState,
    ctx: *mut sys::JSContext,
    /// The runtime's state (it outlives its contexts' states: it owns them).
    runtime: *const RuntimeState,
    /// Cleared when the context dies; shared with its `AsyncCtx`s.
    alive: Arc<AtomicBool>,
    /// `JS_AddRust` already ran for this context.
    modules_added: Cell<bool>,
    /// The native modules declared in this context, by module definition
    /// (the module initializer finds its module here).
    modules: RefCell<Vec<(*mut sys::JSModuleDef, &'static NativeModule)>>,
    /// The host freed the context (`rust_context_released`): no new future
    /// starts in it.
    released: Cell<bool>,
}

impl RuntimeState {
    /// The state of `rt`, if it has one.
    ///
    /// The reference is valid until `rt` is freed (which happens on its
    /// thread, never during a call on it from elsewhere): callers use it
    /// inside a call on `rt`.
    #[inline]
    pub(crate) fn of<'a>(rt: *mut sys::JSRuntime) -> Option<&'a RuntimeState> {
        // SAFETY: rt is live (callers are inside a call on it).
        let p = unsafe { sys::JS_GetRuntimeRustState(rt) }.cast::<RuntimeState>();
        // SAFETY: a non-null pointer is the Box made in get_or_create, freed
        // (and the pointer cleared) only when rt is freed.
        unsafe { p.as_ref() }
    }

    /// The state of `rt`, made on first use (on `rt`'s thread).
    pub(crate) fn get_or_create<'a>(rt: *mut sys::JSRuntime) -> Result<&'a RuntimeState> {
        if let Some(s) = Self::of(rt) {
            return Ok(s);
        }
        crate::core::boundary::chain_panic_hook();
        let state = Box::new(RuntimeState {
            interrupts: RuntimeCore::default(),
            rt,
            executor: Executor::new(),
            owner: AtomicU64::new(thread_number()),
            anchor_class: register_anchor_class(rt)?,
            class_ids: RefCell::new(Vec::new()),
            classes: RefCell::new(Vec::new()),
            contexts: RefCell::new(Vec::new()),
            dead: RefCell::new(Vec::new()),
            held_dropped: Arc::new(AtomicBool::new(false)),
            ext: OnceCell::new(),
            deferred: RefCell::new(Vec::new()),
            stack: StackLimit::default(),
        });
        let ptr = Box::into_raw(state);
        // SAFETY: the finalizer runs once, at the end of JS_FreeRuntime(rt).
        // (Bellard's QuickJS has no runtime finalizers: there his
        // JS_FreeRuntime calls rust_runtime_released, patch 0006.)
        #[cfg(not(quickjs_bellard))]
        if unsafe { sys::JS_AddRuntimeFinalizer(rt, Some(runtime_finalizer), ptr.cast()) } < 0 {
            // SAFETY: ptr came from Box::into_raw just above and was not shared.
            drop(unsafe { Box::from_raw(ptr) });
            return Err(Error::internal("cannot register the runtime's finalizer"));
        }
        // SAFETY: rt is live; the pointer stays valid until `free` clears it.
        unsafe { sys::JS_SetRuntimeRustState(rt, ptr.cast()) };
        // SAFETY: just made, freed only with rt.
        Ok(unsafe { &*ptr })
    }

    /// Frees `rt`'s state (its runtime is going away: every object of it
    /// has been freed).
    ///
    /// # Safety
    /// Called once, by `rt`'s finalizer or `rust_runtime_released`, on its
    /// thread; nothing uses the state afterwards.
    pub(crate) unsafe fn free(rt: *mut sys::JSRuntime) {
        // SAFETY: rt is still valid memory during its finalizers.
        let p = unsafe { sys::JS_GetRuntimeRustState(rt) }.cast::<RuntimeState>();
        if p.is_null() {
            return;
        }
        // SAFETY: as above.
        unsafe { sys::JS_SetRuntimeRustState(rt, std::ptr::null_mut()) };
        // SAFETY: the Box made in get_or_create; the slot no longer points
        // to it, so this is the last use.
        let state = unsafe { Box::from_raw(p) };
        for c in state.contexts.borrow().iter() {
            c.alive.store(false, Ordering::Release);
        }
        drop(state);
    }

    /// The runtime.
    pub(crate) fn rt(&self) -> *mut sys::JSRuntime {
        self.rt
    }

    /// Whether the calling thread may use this state.
    #[inline]
    pub(crate) fn on_owner_thread(&self) -> bool {
        self.owner.load(Ordering::Acquire) == thread_number()
    }

    /// Makes the calling thread the one that may use this state.
    pub(crate) fn bind_thread(&self) {
        self.owner.store(thread_number(), Ordering::Release);
    }

    /// The class id of the `#[js]` class with process-wide `index`, if it is
    /// registered in this runtime.
    #[inline]
    pub(crate) fn class_id(&self, index: usize) -> Option<sys::JSClassID> {
        // SAFETY: the only mutable borrow is `set_class_id`'s, which calls
        // nothing that could come back here; this read copies the id out
        // before anything else can run (on every method call: no borrow
        // count to update).
        let ids = unsafe { self.class_ids.try_borrow_unguarded() }.ok()?;
        ids.get(index).copied().filter(|&id| id != 0)
    }

    /// Records that `def` (process-wide `index`) is registered as `id`.
    pub(crate) fn set_class_id(&self, index: usize, id: sys::JSClassID, def: &'static ClassDef) {
        let mut ids = self.class_ids.borrow_mut();
        if ids.len() <= index {
            ids.resize(index + 1, 0);
        }
        ids[index] = id;
        let mut classes = self.classes.borrow_mut();
        let slot = id as usize;
        if classes.len() <= slot {
            classes.resize(slot + 1, None);
        }
        classes[slot] = Some(def);
    }

    /// The `#[js]` classes registered here that extend `def`, with their ids.
    pub(crate) fn classes_extending(
        &self,
        def: &'static ClassDef,
    ) -> Vec<(sys::JSClassID, &'static ClassDef)> {
        self.classes
            .borrow()
            .iter()
            .enumerate()
            .filter_map(|(id, d)| Some((id as sys::JSClassID, (*d)?)))
            .filter(|(_, d)| !std::ptr::eq(*d, def) && d.is_a(def))
            .collect()
    }

    /// The embedding layer's part, set once with `make` (on first use).
    pub(crate) fn ext<T: Any>(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.ext.get_or_init(|| Box::new(make())).downcast_ref()
    }

    /// The embedding layer's part, if it was set.
    pub(crate) fn ext_if_set<T: Any>(&self) -> Option<&T> {
        self.ext.get()?.downcast_ref()
    }

    /// Keeps `value` to drop at the next safe point: it must not be dropped
    /// inside this runtime's collection (see `core::boundary::finalizing`).
    pub(crate) fn defer_drop(&self, value: Box<dyn Any>) {
        self.deferred.borrow_mut().push(value);
    }

    /// Drops what finalizers deferred (outside any collection of this
    /// runtime: when its lock is released, at a job-loop turn).
    #[inline]
    pub(crate) fn drop_deferred(&self) {
        if self.deferred.borrow().is_empty() {
            return;
        }
        self.drop_deferred_slow();
    }

    #[cold]
    fn drop_deferred_slow(&self) {
        loop {
            // Taken out first: a drop may defer more (or run finalizers).
            let values = std::mem::take(&mut *self.deferred.borrow_mut());
            if values.is_empty() {
                return;
            }
            for v in values {
                crate::core::boundary::no_unwind((), || drop(v));
            }
        }
    }

    /// The Rust side of a job-loop turn, before the executor runs: frees the
    /// held values dropped since the last turn and the states of dead
    /// contexts.
    pub(crate) fn sweep(&self) {
        self.drop_deferred();
        if self.held_dropped.swap(false, Ordering::AcqRel) {
            // Collected first, freed with no borrow of the list held:
            // freeing may run finalizers that drop other `Held`s.
            let lists: Vec<*const HeldList> = self
                .contexts
                .borrow()
                .iter()
                .map(|c| &c.core.held as *const HeldList)
                .collect();
            for list in lists {
                // SAFETY: the states are owned by `self` and only freed by
                // `free_dead`/`free`, not by a sweep; on rt's thread.
                unsafe { (*list).sweep(self.rt) };
            }
        }
        self.free_dead();
    }

    /// Frees the states of dead contexts (not inside a finalizer).
    fn free_dead(&self) {
        let dead = std::mem::take(&mut *self.dead.borrow_mut());
        drop(dead);
    }

    /// The state of a context by its anchor's opaque pointer, removed from
    /// the live list (the context is dying).
    fn take_context(&self, state: *const ContextState) -> Option<Box<ContextState>> {
        let mut contexts = self.contexts.borrow_mut();
        let i = contexts.iter().position(|c| std::ptr::eq(&**c, state))?;
        Some(contexts.swap_remove(i))
    }
}

impl ContextState {
    /// The state of `ctx`, if it has one.
    #[inline]
    pub(crate) fn of<'a>(ctx: Ctx<'_>) -> Option<&'a ContextState> {
        // SAFETY: ctx is live.
        let p = unsafe { sys::JS_GetContextRustState(ctx.as_raw()) }.cast::<ContextState>();
        // SAFETY: a non-null pointer is a state owned by its runtime's state,
        // kept (live, or awaiting its free) for as long as the context can
        // be used (see the module docs).
        unsafe { p.as_ref() }
    }

    /// The state of `ctx`, made (with its anchor) on first use.
    pub(crate) fn get_or_create<'a>(ctx: Ctx<'_>) -> Result<&'a ContextState> {
        if let Some(s) = Self::of(ctx) {
            return Ok(s);
        }
        let rt_state = RuntimeState::get_or_create(ctx.rt())?;
        rt_state.free_dead();
        let state = Box::new(ContextState {
            core: CoreState::new(rt_state.held_dropped.clone()),
            ctx: ctx.as_raw(),
            runtime: rt_state,
            alive: Arc::new(AtomicBool::new(true)),
            modules_added: Cell::new(false),
            modules: RefCell::new(Vec::new()),
            released: Cell::new(false),
        });
        let ptr: *const ContextState = &*state;
        make_anchor(ctx, rt_state.anchor_class, ptr)?;
        rt_state.contexts.borrow_mut().push(state);
        // SAFETY: ctx is live; the state lives until after the context dies.
        unsafe { sys::JS_SetContextRustState(ctx.as_raw(), ptr.cast_mut().cast()) };
        // SAFETY: owned by rt_state (see above).
        let state = unsafe { &*ptr };
        state.core.capture_intrinsics(ctx);
        Ok(state)
    }

    /// The state of `ctx`'s runtime, made on first use.
    pub(crate) fn runtime<'a>(ctx: Ctx<'_>) -> Result<&'a RuntimeState> {
        match Self::of(ctx) {
            // SAFETY: the runtime's state owns this one, so it is alive.
            Some(s) => Ok(unsafe { &*s.runtime }),
            None => RuntimeState::get_or_create(ctx.rt()),
        }
    }

    /// The state of `ctx`'s runtime, if it has one: one engine call when
    /// the context has a state (any context where a class was set up).
    #[inline]
    pub(crate) fn runtime_if_any<'a>(ctx: Ctx<'_>) -> Option<&'a RuntimeState> {
        match Self::of(ctx) {
            // SAFETY: the runtime's state owns this one, so it is alive.
            Some(s) => Some(unsafe { &*s.runtime }),
            None => RuntimeState::of(ctx.rt()),
        }
    }

    /// The liveness flag, shared with the context's `AsyncCtx`s.
    pub(crate) fn alive_flag(&self) -> Arc<AtomicBool> {
        self.alive.clone()
    }

    /// Records that `JS_AddRust` ran for this context; whether it had already.
    pub(crate) fn mark_modules_added(&self) -> bool {
        self.modules_added.replace(true)
    }

    /// Records that `def` is the module definition of `module` here.
    pub(crate) fn add_module(&self, def: *mut sys::JSModuleDef, module: &'static NativeModule) {
        self.modules.borrow_mut().push((def, module));
    }

    /// The native module of module definition `def`.
    pub(crate) fn module(&self, def: *mut sys::JSModuleDef) -> Option<&'static NativeModule> {
        self.modules
            .borrow()
            .iter()
            .find(|(d, _)| *d == def)
            .map(|&(_, m)| m)
    }

    /// Frees every held value and cached record template now (the
    /// context's `Context` handle is going away: values held outside
    /// traced fields must not keep it alive).
    pub(crate) fn release_held(&self, rt: *mut sys::JSRuntime) {
        // SAFETY: on the context's thread; its runtime is alive.
        unsafe { self.core.release(rt) };
    }

    /// The host freed the context: its futures are dropped now, unsettled,
    /// its held values released, and no new future starts in it.
    pub(crate) fn release(&self, rt_state: &RuntimeState) {
        self.released.set(true);
        self.alive.store(false, Ordering::Release);
        rt_state.executor.drop_context(rt_state.rt, self.ctx);
        self.release_held(rt_state.rt);
    }

    /// Spawns `future` on the runtime's executor for this context; returns
    /// its Promise.
    #[inline]
    pub(crate) fn spawn<'js, Fut>(
        ctx: Ctx<'js>,
        name: TaskName,
        origin: Origin,
        future: Fut,
    ) -> Result<Value<'js>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: for<'a> crate::core::convert::IntoJs<'a> + Send + 'static,
    {
        let state = Self::get_or_create(ctx)?;
        if state.released.get() {
            return Err(Error::internal(
                "the context was freed (JS_FreeContext): no Rust future starts in it",
            ));
        }
        if !crate::core::realm::has_promises(ctx) {
            return Err(no_promises());
        }
        Self::runtime(ctx)?
            .executor
            .spawn(ctx, name, origin, future)
    }

    /// An error unless `ctx`'s realm has promises (a host may make a
    /// context without the `Promise` built-in: see `core::realm::has_promises`).
    pub(crate) fn check_promises(ctx: Ctx<'_>) -> Result<()> {
        Self::get_or_create(ctx)?;
        if crate::core::realm::has_promises(ctx) {
            Ok(())
        } else {
            Err(no_promises())
        }
    }
}

#[cold]
fn no_promises() -> Error {
    Error::type_error("Promise is not available in this context: async Rust functions need it")
}

/// Makes `ctx`'s anchor: an object of class `RustTasks` whose opaque is
/// the context's state, held by the global object under a private symbol
/// (not writable, enumerable or configurable: JS cannot remove it), so it
/// dies with the context.
fn make_anchor(ctx: Ctx<'_>, class: sys::JSClassID, state: *const ContextState) -> Result<()> {
    let c = ctx.as_raw();
    // SAFETY: c is live; the object is owned by the Value.
    let obj = ctx.check(unsafe { sys::JS_NewObjectClass(c, class as _) })?;
    // SAFETY: obj is of the anchor class, whose finalizer takes the state
    // back from the runtime's list (never frees it through this pointer).
    unsafe { sys::JS_SetOpaque(obj.as_raw(), state.cast_mut().cast()) };
    // SAFETY: c is live; the symbol is owned by the Value.
    let sym =
        ctx.check(unsafe { sys::JS_NewSymbol(c, c"quickjs-rust pending tasks".as_ptr(), false) })?;
    let key = ctx.atom_of(&sym)?;
    ctx.define(&ctx.globals().into_value(), &key, obj, 0)
}

/// Registers the anchor class in `rt`.
fn register_anchor_class(rt: *mut sys::JSRuntime) -> Result<sys::JSClassID> {
    let def = sys::JSClassDef {
        class_name: c"RustTasks".as_ptr(),
        finalizer: Some(anchor_finalizer),
        gc_mark: None,
        call: None,
        exotic: std::ptr::null_mut(),
    };
    // quickjs-ng allocates class ids per runtime; Bellard's are global, so
    // one id serves every runtime (registered in each once).
    #[cfg(not(quickjs_bellard))]
    let mut id: sys::JSClassID = 0;
    #[cfg(quickjs_bellard)]
    let mut id: sys::JSClassID = {
        static ID: std::sync::OnceLock<sys::JSClassID> = std::sync::OnceLock::new();
        *ID.get_or_init(|| {
            let mut id = 0;
            // SAFETY: writes the new id into `id`.
            unsafe { sys::JS_NewClassID(std::ptr::null_mut(), &mut id) };
            id
        })
    };
    // SAFETY: rt is live (we are inside a call on it); JS_NewClass copies def.
    unsafe {
        sys::JS_NewClassID(rt, &mut id);
        if !sys::JS_IsRegisteredClass(rt, id) && sys::JS_NewClass(rt, id, &def) < 0 {
            return Err(Error::internal("cannot register the RustTasks class"));
        }
    }
    Ok(id)
}

/// The context state behind an anchor.
///
/// # Safety
/// `val` is an object of the anchor class of `state`'s runtime.
unsafe fn anchor_state(state: &RuntimeState, val: sys::JSValue) -> *const ContextState {
    // SAFETY: the caller's contract; the opaque is the ContextState pointer.
    unsafe { sys::JS_GetOpaque(val, state.anchor_class as _) }.cast::<ContextState>()
}

/// The context died: its futures are dropped, its held values freed, its
/// flag cleared; its state is freed at the next safe point. Does not touch
/// the context (its memory may already be gone).
unsafe extern "C" fn anchor_finalizer(rt: *mut sys::JSRuntime, val: sys::JSValue) {
    crate::core::boundary::finalizing(rt, (), || {
        let Some(state) = RuntimeState::of(rt) else {
            return;
        };
        // SAFETY: val is an anchor of rt being finalized.
        let ptr = unsafe { anchor_state(state, val) };
        let Some(ctx_state) = state.take_context(ptr) else {
            return;
        };
        ctx_state.alive.store(false, Ordering::Release);
        state.executor.drop_context(rt, ctx_state.ctx);
        ctx_state.release_held(rt);
        state.dead.borrow_mut().push(ctx_state);
    })
}

#[cfg(not(quickjs_bellard))]
unsafe extern "C" fn runtime_finalizer(rt: *mut sys::JSRuntime, _arg: *mut c_void) {
    // SAFETY: JS_FreeRuntime runs this once, after every object is freed.
    crate::core::boundary::finalizing(rt, (), || unsafe { RuntimeState::free(rt) })
}

/// A number naming the calling thread (`ThreadId` has no stable integer
/// form); never 0.
fn thread_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static ME: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ME.with(|n| *n)
}

/// Whether the calling thread may use `rt`'s Rust state (true while `rt`
/// has none yet: the first user makes it).
pub(crate) fn on_runtime_thread(rt: *mut sys::JSRuntime) -> bool {
    RuntimeState::of(rt).is_none_or(|s| s.on_owner_thread())
}
