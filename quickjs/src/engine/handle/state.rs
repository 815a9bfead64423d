//! One typed state per runtime ([`RuntimeState`]) and one per context
//! ([`ContextState`]): everything the Rust side keeps about a `JSRuntime`
//! or a `JSContext`, defined here, in the lowest layer, and reached from a
//! raw pointer or a [`Ctx`] in O(1) by typed accessors.
//!
//! What each holds directly is what this layer needs: for a runtime, its
//! thread, the facts its limits keep (interrupts and panics that reached
//! Rust, the memory limit, panics waiting to be thrown), its stack limit,
//! the class ids of `#[js]` classes, its live contexts' states and the
//! values finalizers could not drop; for a context, its liveness, its held
//! values and the realm's captured built-ins. What the layers above keep
//! lives in *typed parts*: one slot per layer that keeps one
//! ([`RuntimeSlot`], [`ContextSlot`]), filled once with a value of the type
//! that layer names ([`RuntimePart`], [`ContextPart`]) and read back as that
//! type (a `TypeId` compare, no downcast through a vtable):
//!
//! | part | layer | what |
//! |---|---|---|
//! | `Executor` | exec | futures, timers, wake fd and callback |
//! | `NativeRuntime` | native | the `#[js]` class behind each class id |
//! | `EmbedState` | embed | interrupt handler, deadlines, loader |
//! | `Handle` | embed | the way back from a context to its `Runtime` |
//! | `RecordCache` | core (builders) | atoms and record templates |
//! | `NativeContext` | native | the native modules declared in the context |
//!
//! A part hears of what concerns it through its trait: a runtime part when
//! one of the runtime's contexts goes ([`RuntimePart::context_gone`]: the
//! executor drops that context's futures), a context part when the
//! context's JS values must be freed ([`ContextPart::release`]).
//!
//! Where the states live: behind the engine's Rust state pointers (patch
//! 0007: `JS_SetRuntimeRustState`, `JS_SetContextRustState`); the host's
//! own opaque pointers are never touched, and nothing per runtime is kept
//! in a thread-local or a process-wide table. A runtime's state is made on
//! first use and freed when the runtime is (its finalizer on quickjs-ng;
//! `rust_runtime_released` on Bellard's QuickJS, which has no runtime
//! finalizers). A context's state is made with its *anchor*, an object
//! held by the global object under a private symbol, whose finalizer tells
//! us the context died (a C closure on quickjs-ng, so no class of ours
//! grows every class table; an object of class `RustTasks` on Bellard's).
//!
//! Invariants:
//! * A state is used only on its runtime's owner thread (C entry points
//!   check, see [`RuntimeState::on_owner_thread`]), but for the executor's
//!   wake handles, which are thread-safe; `RefCell`s are never borrowed
//!   across a call that can free JS values (that may run finalizers, which
//!   borrow them again).
//! * A context's state lives as long as its anchor: when the anchor is
//!   finalized (the context is dying; its memory may already be gone), the
//!   state leaves the live list at once (its parts hear of it, its held
//!   values are freed, its flag cleared) and is freed at the next safe
//!   point (the next `rust_run`, the next state made, or the runtime's
//!   end), so the context's state pointer never dangles while the context
//!   can be used.
//! * A part's slot holds a value of exactly the type that filled it; a
//!   read as another type finds nothing.

use super::ctx::Ctx;
use super::error::{Error, Panic, Result};
use super::held::HeldList;
use super::stack::StackLimit;
use super::sync::thread_token;
use quickjs_sys as sys;
use std::any::{Any, TypeId};
use std::cell::{Cell, OnceCell, RefCell};
#[cfg(not(quickjs_bellard))]
use std::os::raw::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The slot of each layer's part of a runtime's state.
#[derive(Clone, Copy)]
pub(crate) enum RuntimeSlot {
    /// `exec::executor::Executor`.
    Executor,
    /// `native::class::registry::NativeRuntime`.
    Native,
    /// `embed::state::EmbedState`.
    Embed,
    /// `embed::runtime::Handle`: the way back to the `Runtime`.
    Handle,
    /// `inspect::debugger::Debugger`: the inspector's state.
    #[cfg_attr(not(feature = "inspector"), allow(dead_code))]
    Inspect,
}

/// The slot of each layer's part of a context's state.
#[derive(Clone, Copy)]
pub(crate) enum ContextSlot {
    /// `engine::objects::build::RecordCache`.
    Records,
    /// `native::module::NativeContext`.
    Native,
}

/// A layer's part of a runtime's state.
pub(crate) trait RuntimePart: Sized + 'static {
    /// Its slot (one type per slot).
    const SLOT: RuntimeSlot;
    /// One of the runtime's contexts died or its host freed it: drop what
    /// is kept for it. Runs behind the finalizer door (no JS).
    fn context_gone(&self, _rt: *mut sys::JSRuntime, _ctx: *mut sys::JSContext) {}
}

/// A layer's part of a context's state.
pub(crate) trait ContextPart: Sized + 'static {
    /// Its slot (one type per slot).
    const SLOT: ContextSlot;
    /// Frees the JS values the part holds (the context's `Context` handle
    /// is going away, or the context died).
    ///
    /// # Safety
    /// On `rt`'s thread, `rt` alive.
    unsafe fn release(&self, _rt: *mut sys::JSRuntime) {}
}

/// A part, its type erased: a `Box<T>` with `T`'s id and functions.
struct Erased<H> {
    type_id: TypeId,
    ptr: NonNull<()>,
    drop: unsafe fn(NonNull<()>),
    /// The part's trait hook, for `T`.
    hook: H,
}

impl<H> Erased<H> {
    fn new<T: 'static>(value: T, hook: H) -> Self {
        /// # Safety
        /// `p` is the `Box<T>` of an `Erased` being dropped.
        unsafe fn drop_box<T>(p: NonNull<()>) {
            // SAFETY: the caller's contract.
            drop(unsafe { Box::from_raw(p.cast::<T>().as_ptr()) })
        }
        Erased {
            type_id: TypeId::of::<T>(),
            ptr: NonNull::from(Box::leak(Box::new(value))).cast(),
            drop: drop_box::<T>,
            hook,
        }
    }

    /// The part as `T`, if it is one.
    #[inline]
    fn get<T: 'static>(&self) -> Option<&T> {
        // SAFETY: `ptr` is the live `Box` of the type whose id is
        // `type_id`, which is `T`'s; it lives as long as `self`.
        (self.type_id == TypeId::of::<T>()).then(|| unsafe { self.ptr.cast::<T>().as_ref() })
    }
}

impl<H> Drop for Erased<H> {
    fn drop(&mut self) {
        // SAFETY: made by `Erased::new`, dropped once.
        unsafe { (self.drop)(self.ptr) }
    }
}

type RuntimeHook = unsafe fn(NonNull<()>, *mut sys::JSRuntime, *mut sys::JSContext);
type ContextHook = unsafe fn(NonNull<()>, *mut sys::JSRuntime);

/// The Rust state of one runtime (see the module docs).
pub(crate) struct RuntimeState {
    rt: *mut sys::JSRuntime,
    /// The higher layers' parts (dropped first: a part may own futures or
    /// handlers that expect the rest of the state).
    parts: [OnceLock<Erased<RuntimeHook>>; 5],
    /// The thread that may use this state ([`thread_token`]): the one that
    /// made it, then the one that last took the `Runtime` lock or called
    /// `rust_bind_thread`.
    owner: AtomicUsize,
    /// The class id of the anchor class `RustTasks` in this runtime
    /// (Bellard's QuickJS; on quickjs-ng an anchor is a C closure, see
    /// [`make_anchor`]).
    #[cfg(quickjs_bellard)]
    anchor_class: sys::JSClassID,
    /// The id of each `#[js]` class registered here, by the class's
    /// process-wide index (0: not registered).
    class_ids: RefCell<Vec<sys::JSClassID>>,
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
    /// Values a finalizer could not drop during a collection (a `Context`
    /// of this runtime), dropped at the next safe point
    /// ([`RuntimeState::drop_deferred`]).
    deferred: RefCell<Vec<Box<dyn Any>>>,
    /// The requested JS stack limit and the stack top it is measured from.
    pub(crate) stack: StackLimit,
    /// Which interrupts and panics reached Rust here, by thread
    /// (`engine::convert::limits`).
    pub(crate) notes: RefCell<Vec<Note>>,
    /// Panics become catchable `InternalError`s (the runtime's choice).
    pub(crate) panics_catchable: Cell<bool>,
    /// The memory limit set through the Rust API (0: none known), for
    /// `engine::convert::limits::build_context`, which lifts it a while.
    pub(crate) memory_limit: Cell<usize>,
    /// Panics of Rust futures, each thrown by a job of its own in its
    /// context (`engine::convert::limits::end_with_panic`), by context.
    pub(crate) to_throw: RefCell<Vec<(usize, Panic)>>,
    /// A higher layer's turn in the host's loop (the inspector serves its
    /// client here when the runtime is idle): called by each `rust_run`.
    pub(crate) turn: Cell<Option<fn(*mut sys::JSRuntime)>>,
    /// How many things besides futures keep the host's loop alive (an
    /// inspector's connected client): added to `rust_pending`.
    pub(crate) keep_alive: Cell<usize>,
}

/// The last interrupt or panic that reached Rust on one thread of a
/// runtime (`engine::convert::limits`).
pub(crate) struct Note {
    /// The thread ([`thread_token`]).
    pub(crate) thread: usize,
    /// Its sequence number among all interrupts of the process.
    pub(crate) seq: u64,
    /// The panic, if it was one.
    pub(crate) panic: Option<Panic>,
}

/// The Rust state of one context (see the module docs).
pub(crate) struct ContextState {
    ctx: *mut sys::JSContext,
    /// The runtime's state (it outlives its contexts' states: it owns them).
    runtime: *const RuntimeState,
    /// Cleared when the context dies; shared with its `AsyncCtx`s.
    alive: Arc<AtomicBool>,
    /// The host freed the context (`rust_context_released`): no new future
    /// starts in it.
    released: Cell<bool>,
    /// The context's held values.
    pub(crate) held: HeldList,
    /// The realm's built-ins, once captured (`engine::objects::realm`): owned
    /// references, undefined where missing or once released.
    pub(crate) intrinsics: OnceCell<Box<[Cell<sys::JSValue>]>>,
    /// The higher layers' parts.
    parts: [OnceCell<Erased<ContextHook>>; 2],
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
        super::boundary::chain_panic_hook();
        let state = Box::new(RuntimeState {
            rt,
            parts: Default::default(),
            owner: AtomicUsize::new(thread_token()),
            #[cfg(quickjs_bellard)]
            anchor_class: register_anchor_class(rt)?,
            class_ids: RefCell::new(Vec::new()),
            contexts: RefCell::new(Vec::new()),
            dead: RefCell::new(Vec::new()),
            held_dropped: Arc::new(AtomicBool::new(false)),
            deferred: RefCell::new(Vec::new()),
            stack: StackLimit::default(),
            notes: RefCell::new(Vec::new()),
            panics_catchable: Cell::new(false),
            memory_limit: Cell::new(0),
            to_throw: RefCell::new(Vec::new()),
            turn: Cell::new(None),
            keep_alive: Cell::new(0),
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
    #[inline]
    pub(crate) fn rt(&self) -> *mut sys::JSRuntime {
        self.rt
    }

    /// The part of type `T`, made with `make` on first use (on any thread:
    /// the slots are thread-safe to fill; `T` decides what else is).
    ///
    /// # Panics
    /// If `T`'s slot holds another type (two parts naming one slot: a bug
    /// of this crate).
    #[inline]
    pub(crate) fn part<T: RuntimePart>(&self, make: impl FnOnce() -> T) -> &T {
        /// # Safety
        /// `p` is the `Box<T>` of a live `Erased`.
        unsafe fn gone<T: RuntimePart>(
            p: NonNull<()>,
            rt: *mut sys::JSRuntime,
            ctx: *mut sys::JSContext,
        ) {
            // SAFETY: the caller's contract.
            unsafe { p.cast::<T>().as_ref() }.context_gone(rt, ctx)
        }
        self.parts[T::SLOT as usize]
            .get_or_init(|| Erased::new(make(), gone::<T> as RuntimeHook))
            .get()
            .expect("one part type per runtime slot")
    }

    /// The part of type `T`, if it was made.
    #[inline]
    pub(crate) fn part_if_made<T: RuntimePart>(&self) -> Option<&T> {
        self.parts[T::SLOT as usize].get()?.get()
    }

    /// Whether the calling thread may use this state.
    #[inline]
    pub(crate) fn on_owner_thread(&self) -> bool {
        self.owner.load(Ordering::Acquire) == thread_token()
    }

    /// Makes the calling thread the one that may use this state.
    pub(crate) fn bind_thread(&self) {
        self.owner.store(thread_token(), Ordering::Release);
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

    /// Records that the class with process-wide `index` is registered as
    /// `id`.
    pub(crate) fn set_class_id(&self, index: usize, id: sys::JSClassID) {
        let mut ids = self.class_ids.borrow_mut();
        if ids.len() <= index {
            ids.resize(index + 1, 0);
        }
        ids[index] = id;
    }

    /// Keeps `value` to drop at the next safe point: it must not be dropped
    /// inside this runtime's collection (see `engine::handle::boundary::finalizing`).
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
                super::boundary::no_unwind((), || drop(v));
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
                .map(|c| &c.held as *const HeldList)
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

    /// Tells every part that `ctx` went.
    fn context_gone(&self, ctx: *mut sys::JSContext) {
        for part in self.parts.iter().filter_map(OnceLock::get) {
            // SAFETY: the hook of the part's own type, on a live part.
            unsafe { (part.hook)(part.ptr, self.rt, ctx) };
        }
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

    /// The state of `ctx`, made (with its anchor) on first use; `made`
    /// runs once on a new state, installed in the context.
    pub(crate) fn get_or_create<'a>(
        ctx: Ctx<'_>,
        made: impl FnOnce(&ContextState),
    ) -> Result<&'a ContextState> {
        if let Some(s) = Self::of(ctx) {
            return Ok(s);
        }
        let rt_state = RuntimeState::get_or_create(ctx.rt())?;
        rt_state.free_dead();
        let state = Box::new(ContextState {
            ctx: ctx.as_raw(),
            runtime: rt_state,
            alive: Arc::new(AtomicBool::new(true)),
            released: Cell::new(false),
            held: HeldList::new(rt_state.held_dropped.clone()),
            intrinsics: OnceCell::new(),
            parts: Default::default(),
        });
        let ptr: *const ContextState = &*state;
        make_anchor(ctx, rt_state, ptr)?;
        rt_state.contexts.borrow_mut().push(state);
        // SAFETY: ctx is live; the state lives until after the context dies.
        unsafe { sys::JS_SetContextRustState(ctx.as_raw(), ptr.cast_mut().cast()) };
        // SAFETY: owned by rt_state (see above).
        let state = unsafe { &*ptr };
        made(state);
        Ok(state)
    }

    /// The state of the context's runtime.
    #[inline]
    pub(crate) fn runtime_state(&self) -> &RuntimeState {
        // SAFETY: the runtime's state owns this one, so it is alive.
        unsafe { &*self.runtime }
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

    /// The state of `ctx`'s runtime, made on first use.
    pub(crate) fn runtime<'a>(ctx: Ctx<'_>) -> Result<&'a RuntimeState> {
        match Self::runtime_if_any(ctx) {
            Some(s) => Ok(s),
            None => RuntimeState::get_or_create(ctx.rt()),
        }
    }

    /// The part of type `T`, made with `make` on first use.
    ///
    /// # Panics
    /// If `T`'s slot holds another type (a bug of this crate).
    #[inline]
    pub(crate) fn part<T: ContextPart>(&self, make: impl FnOnce() -> T) -> &T {
        /// # Safety
        /// `p` is the `Box<T>` of a live `Erased`; `rt` alive, its thread.
        unsafe fn release<T: ContextPart>(p: NonNull<()>, rt: *mut sys::JSRuntime) {
            // SAFETY: the caller's contract.
            unsafe { p.cast::<T>().as_ref().release(rt) }
        }
        self.parts[T::SLOT as usize]
            .get_or_init(|| Erased::new(make(), release::<T> as ContextHook))
            .get()
            .expect("one part type per context slot")
    }

    /// The part of type `T`, if it was made.
    #[inline]
    pub(crate) fn part_if_made<T: ContextPart>(&self) -> Option<&T> {
        self.parts[T::SLOT as usize].get()?.get()
    }

    /// The liveness flag, shared with the context's `AsyncCtx`s.
    pub(crate) fn alive_flag(&self) -> Arc<AtomicBool> {
        self.alive.clone()
    }

    /// Whether the host freed the context (`rust_context_released`).
    pub(crate) fn is_released(&self) -> bool {
        self.released.get()
    }

    /// Frees every JS value the state holds now: held values, captured
    /// built-ins, what the parts hold (the context's `Context` handle is
    /// going away, or the context died: values held outside traced fields
    /// must not keep it alive).
    ///
    /// # Safety
    /// On `rt`'s thread, `rt` alive.
    pub(crate) unsafe fn release_values(&self, rt: *mut sys::JSRuntime) {
        // SAFETY: the caller's contract.
        unsafe { self.held.release_all(rt) };
        for part in self.parts.iter().filter_map(OnceCell::get) {
            // SAFETY: the hook of the part's own type; the caller's contract.
            unsafe { (part.hook)(part.ptr, rt) };
        }
        for v in self.intrinsics.get().into_iter().flatten() {
            let v = v.replace(sys::JS_UNDEFINED);
            if sys::JS_VALUE_HAS_REF_COUNT(v) {
                // SAFETY: a reference the state owned; the caller's contract.
                unsafe { sys::JS_FreeValueRT(rt, v) };
            }
        }
    }

    /// The context is gone (`dead`: its anchor was finalized) or its host
    /// freed it: its futures are dropped, unsettled, its values freed, and
    /// no new future starts in it.
    fn end(&self, rt_state: &RuntimeState) {
        self.released.set(true);
        self.alive.store(false, Ordering::Release);
        rt_state.context_gone(self.ctx);
        // SAFETY: on the runtime's thread (finalizer or host free), alive.
        unsafe { self.release_values(rt_state.rt) };
    }

    /// The host freed the context (`rust_context_released`).
    pub(crate) fn release(&self) {
        self.end(self.runtime_state());
    }
}

/// Makes `ctx`'s anchor: an object whose finalizer learns of the
/// context's state, held by the global object under a private symbol (not
/// writable, enumerable or configurable: JS cannot remove it), so it dies
/// with the context.
fn make_anchor(ctx: Ctx<'_>, rt_state: &RuntimeState, state: *const ContextState) -> Result<()> {
    let c = ctx.as_raw();
    let obj = anchor_object(c, rt_state, state);
    if sys::JS_IsException(obj) {
        return Err(setup_failed(c));
    }
    // SAFETY: c is live; each value and atom made here is ours until freed
    // or handed over (the define takes `obj`'s reference whatever its
    // outcome); the anchor's finalizer takes the state back from the
    // runtime's list (never frees it through the anchor), and an anchor
    // freed here early finds no state in the list.
    let defined = unsafe {
        let sym = sys::JS_NewSymbol(c, c"quickjs-rust pending tasks".as_ptr(), false);
        let atom = if sys::JS_IsException(sym) {
            sys::JS_ATOM_NULL
        } else {
            let atom = sys::JS_ValueToAtom(c, sym);
            sys::JS_FreeValue(c, sym);
            atom
        };
        if atom == sys::JS_ATOM_NULL {
            sys::JS_FreeValue(c, obj);
            return Err(setup_failed(c));
        }
        let global = sys::JS_GetGlobalObject(c);
        let r = sys::JS_DefinePropertyValue(c, global, atom, obj, 0);
        sys::JS_FreeValue(c, global);
        sys::JS_FreeAtom(c, atom);
        r >= 0
    };
    if defined {
        Ok(())
    } else {
        Err(setup_failed(c))
    }
}

/// The error of a context state's setup (the engine ran out of memory):
/// the engine's pending exception is dropped for it.
#[cold]
fn setup_failed(c: *mut sys::JSContext) -> Error {
    // SAFETY: c is live; the pending exception is ours to free.
    unsafe { sys::JS_FreeValue(c, sys::JS_GetException(c)) };
    Error::internal("out of memory making the context's Rust state")
}

/// An anchor on quickjs-ng: a C closure (never called: JS cannot reach it)
/// whose finalizer gets the runtime and the state. No class of its own: a
/// registered class grows the runtime's class table by half (about 1.3 KB)
/// and every context's prototype table with it (about 450 B each).
#[cfg(not(quickjs_bellard))]
fn anchor_object(
    c: *mut sys::JSContext,
    rt_state: &RuntimeState,
    state: *const ContextState,
) -> sys::JSValue {
    unsafe extern "C" fn never_called(
        _ctx: *mut sys::JSContext,
        _this: sys::JSValue,
        _argc: c_int,
        _argv: *mut sys::JSValue,
        _magic: c_int,
        _opaque: *mut c_void,
    ) -> sys::JSValue {
        sys::JS_UNDEFINED
    }
    let anchor = Box::into_raw(Box::new(Anchor {
        rt: rt_state.rt,
        state,
    }));
    // SAFETY: c is live; the finalizer calls `c_closure::finalized` first.
    let (obj, ours) = unsafe {
        super::c_closure::new(
            c,
            Some(never_called),
            c"",
            Some(anchor_closure_finalizer),
            0,
            anchor.cast(),
        )
    };
    if ours {
        // SAFETY: not handed over: still ours, from the Box above.
        drop(unsafe { Box::from_raw(anchor) });
    }
    obj
}

/// What a quickjs-ng anchor's finalizer needs (its only argument is this).
#[cfg(not(quickjs_bellard))]
struct Anchor {
    rt: *mut sys::JSRuntime,
    state: *const ContextState,
}

/// The finalizer of a quickjs-ng anchor.
#[cfg(not(quickjs_bellard))]
unsafe extern "C" fn anchor_closure_finalizer(opaque: *mut c_void) {
    super::c_closure::finalized(opaque);
    // SAFETY: the Box of `anchor_object`, freed once by the engine.
    let anchor = unsafe { Box::from_raw(opaque.cast::<Anchor>()) };
    // SAFETY: the engine frees the anchor while its runtime lives.
    unsafe { context_died(anchor.rt, anchor.state) };
}

/// An anchor on Bellard's QuickJS: an object of the class `RustTasks`,
/// whose opaque is the state.
#[cfg(quickjs_bellard)]
fn anchor_object(
    c: *mut sys::JSContext,
    rt_state: &RuntimeState,
    state: *const ContextState,
) -> sys::JSValue {
    // SAFETY: c is live; the class is registered in its runtime.
    unsafe {
        let obj = sys::JS_NewObjectClass(c, rt_state.anchor_class as _);
        if !sys::JS_IsException(obj) {
            sys::JS_SetOpaque(obj, state.cast_mut().cast());
        }
        obj
    }
}

/// The context of `state` died (its anchor was finalized): its state
/// leaves the live list.
///
/// # Safety
/// `rt` is live (its objects are being freed).
unsafe fn context_died(rt: *mut sys::JSRuntime, state: *const ContextState) {
    super::boundary::finalizing(rt, (), || {
        let Some(rt_state) = RuntimeState::of(rt) else {
            return;
        };
        let Some(ctx_state) = rt_state.take_context(state) else {
            return;
        };
        ctx_state.end(rt_state);
        rt_state.dead.borrow_mut().push(ctx_state);
    })
}

/// Registers the anchor class in `rt`.
#[cfg(quickjs_bellard)]
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

/// The context died: its parts hear of it, its values are freed, its flag
/// cleared; its state is freed at the next safe point. Does not touch the
/// context (its memory may already be gone).
#[cfg(quickjs_bellard)]
unsafe extern "C" fn anchor_finalizer(rt: *mut sys::JSRuntime, val: sys::JSValue) {
    let Some(state) = RuntimeState::of(rt) else {
        return;
    };
    // SAFETY: val is an anchor of rt being finalized; its opaque is the
    // ContextState pointer (or null for one whose setup failed).
    let ptr = unsafe { sys::JS_GetOpaque(val, state.anchor_class as _) }.cast::<ContextState>();
    // SAFETY: rt is live (it is freeing val).
    unsafe { context_died(rt, ptr) };
}

#[cfg(not(quickjs_bellard))]
unsafe extern "C" fn runtime_finalizer(rt: *mut sys::JSRuntime, _arg: *mut c_void) {
    // SAFETY: JS_FreeRuntime runs this once, after every object is freed.
    super::boundary::finalizing(rt, (), || unsafe { RuntimeState::free(rt) })
}

/// Whether the calling thread may use `rt`'s Rust state (true while `rt`
/// has none yet: the first user makes it).
pub(crate) fn on_runtime_thread(rt: *mut sys::JSRuntime) -> bool {
    RuntimeState::of(rt).is_none_or(|s| s.on_owner_thread())
}
