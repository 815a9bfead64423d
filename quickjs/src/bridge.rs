//! The async bridge: one small executor per runtime.
//!
//! * `spawn` (from an `async fn` trampoline) makes a promise capability and
//!   queues the future with the resolving functions. Those are owned by the
//!   context's *anchor*, an object of class `RustTasks` held by the global
//!   object: its `gc_mark` marks them (so the GC sees them and cycles through
//!   them are collected) and its finalizer frees them with the context.
//! * Wakers may fire on any thread (an I/O thread, another executor): they push the
//!   task to a thread-safe ready list and write the runtime's eventfd, which
//!   the patched quickjs-libc polls while `rust_pending` is non-zero.
//! * The patched `JS_ExecutePendingJob` calls `rust_run` when its queue is
//!   empty: it drains the eventfd, polls the woken futures on the JS thread and
//!   settles the promises of those that finished (enqueuing their reactions).
//!   After a batch, the next call returns at once, so the host's loop reaches
//!   its poll (timers, I/O) between two batches: completions are macrotasks
//!   and a flood of them cannot starve timers (nor the reverse).
//! * Timers ([`crate::sleep`]) live in the executor's queue: the host's poll
//!   timeout covers the next deadline (`rust_next_timeout`) and `rust_run`
//!   wakes the futures that are due. No timer thread.
//! * When a context dies, its anchor's finalizer drops that context's futures
//!   unsettled and frees their resolving functions; the runtime's finalizer
//!   drops the executor. The engine's leak check in `JS_FreeRuntime` passes
//!   with any number of futures pending.
//!
//! Threads: futures are polled on the thread that runs the JS loop, inside
//! `rust_run`. They must be `Send` because a [`crate::Runtime`] (and with it
//! every future it holds) may move to another thread between two calls. A
//! future that needs the context after an await holds an
//! [`crate::AsyncCtx`], which it can use only while it is being polled.

use crate::error::{Error, Result};
use crate::native::panic_error;
use crate::timer::Timers;
use crate::value::{Ctx, Value};
use crate::IntoJs;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Instant;

/// Turns a finished future's output into the settlement value, on the JS thread.
type Settle = Box<dyn for<'js> FnOnce(Ctx<'js>) -> Result<Value<'js>>>;
type TaskFuture = Pin<Box<dyn Future<Output = Settle> + Send>>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct TaskKey {
    index: u32,
    generation: u32,
}

/// The part of an executor that wakers share across threads.
struct Shared {
    ready: Mutex<Vec<TaskKey>>,
    /// Set by the first wake after a drain; only that wake writes the fd.
    notified: AtomicBool,
    eventfd: OwnedFd,
    /// For hosts without an fd loop: called (on the waking thread) when the
    /// fd is written. It must only post to the JS thread.
    callback: Mutex<Option<WakeCallback>>,
    /// The executor's timers (shared with the `Sleep` futures in it).
    timers: Arc<Mutex<Timers>>,
    /// Set when a `Held` of this runtime is dropped outside a finalizer:
    /// `rust_run` then frees the dropped cells.
    held_dropped: Arc<AtomicBool>,
}

/// A host's wake-up callback (see [`rust_set_wake_callback`]).
pub(crate) type WakeCallback = Arc<dyn Fn() + Send + Sync>;

impl Shared {
    fn wake(&self, key: TaskKey) {
        self.ready
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(key);
        if !self.notified.swap(true, Ordering::AcqRel) {
            let one = 1u64;
            // SAFETY: writes 8 bytes from a live u64 to our own eventfd. A full
            // counter (EAGAIN) still leaves the fd readable, which is all we need.
            unsafe { libc::write(self.eventfd.as_raw_fd(), (&one as *const u64).cast(), 8) };
            self.call_host();
        }
    }

    /// Calls the host's wake callback, if any.
    fn call_host(&self) {
        let callback = self
            .callback
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(cb) = callback {
            // A panicking host callback must not unwind into a waker.
            let _ = catch_unwind(AssertUnwindSafe(|| cb()));
        }
    }

    fn drain(&self) {
        let mut count = 0u64;
        // SAFETY: reads 8 bytes into a live u64 from our own non-blocking eventfd.
        unsafe { libc::read(self.eventfd.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
    }
}

struct TaskWaker {
    shared: Arc<Shared>,
    key: TaskKey,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.shared.wake(self.key)
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.shared.wake(self.key)
    }
}

struct Task {
    ctx: *mut sys::JSContext,
    /// The promise's resolve function (owned; marked by the anchor). A
    /// rejection resolves it with a rejected promise, so the reject function
    /// is freed at once: one object less per pending future for the GC.
    resolve: sys::JSValue,
    name: &'static str,
    /// `None` while it is being polled.
    future: Option<TaskFuture>,
    waker: Waker,
}

struct Slot {
    generation: u32,
    task: Option<Task>,
}

struct Executor {
    shared: Arc<Shared>,
    anchor_class: sys::JSClassID,
    slots: RefCell<Vec<Slot>>,
    free: RefCell<Vec<u32>>,
    live: Cell<usize>,
    /// The thread that may use this executor's JS-side state (see
    /// [`thread_number`]): the one that created it, then the one that last
    /// took the `Runtime` lock or called `rust_bind_thread`. C entry points
    /// refuse other threads instead of racing.
    owner: std::sync::atomic::AtomicU64,
    /// Contexts the host freed (`rust_context_released`) that the GC has not
    /// collected yet: no new future starts in them.
    released: RefCell<Vec<*mut sys::JSContext>>,
    /// Set after a batch of completions ran: the next `rust_run` returns at
    /// once, so the host's loop reaches its poll (timers, I/O) between two
    /// batches. Completions are macrotasks; a flood of them must not starve
    /// timers.
    yield_next: Cell<bool>,
    /// Each context's anchor (borrowed: the context's global object owns
    /// it) and its liveness flag, shared with that context's `AsyncCtx`s.
    anchors: RefCell<Vec<Anchor>>,
    /// The runtime's class ids of `#[js]` classes, by `ClassDef` address
    /// (quickjs-ng allocates class ids per runtime; Bellard's are global).
    #[cfg(not(quickjs_bellard))]
    classes: RefCell<Vec<(usize, sys::JSClassID)>>,
}

struct Anchor {
    ctx: *mut sys::JSContext,
    alive: Arc<AtomicBool>,
    /// `JS_AddRust` already ran for this context.
    modules_added: bool,
    /// The context's `Held` values (see held.rs): freed when dropped (at
    /// the next `hold`) or with the context.
    held: Vec<Arc<crate::held::HeldCell>>,
    /// `held.len()` at which `hold` next sweeps dropped cells.
    sweep_at: usize,
}

thread_local! {
    /// The runtime whose executor is polling a future on this thread (null
    /// outside `rust_run`'s polling), and that executor.
    static POLLING: Cell<(*mut sys::JSRuntime, *const Executor)> =
        const { Cell::new((std::ptr::null_mut(), std::ptr::null())) };
}

/// Marks this thread as polling `exec`'s futures until dropped (restores the
/// outer value: runtimes can nest).
struct PollingGuard((*mut sys::JSRuntime, *const Executor));

impl PollingGuard {
    fn enter(rt: *mut sys::JSRuntime, exec: &Executor) -> Self {
        PollingGuard(POLLING.replace((rt, exec)))
    }
}

impl Drop for PollingGuard {
    fn drop(&mut self) {
        POLLING.set(self.0);
    }
}

/// The timer queue of the executor polling on this thread, if any.
pub(crate) fn current_timers() -> Option<Arc<Mutex<Timers>>> {
    let (_, exec) = POLLING.get();
    // SAFETY: non-null only inside rust_run, while the executor is alive.
    (!exec.is_null()).then(|| unsafe { &*exec }.shared.timers.clone())
}

/// Records that `JS_AddRust` ran for `ctx`; returns whether it had already.
/// (Kept on the context's anchor, so it dies with the context: a new context
/// at a recycled address starts afresh.)
pub(crate) fn mark_modules_added(ctx: Ctx<'_>) -> Result<bool> {
    with_anchor(ctx, |a| std::mem::replace(&mut a.modules_added, true))
}

/// The class id of a `#[js]` class in `rt` (allocated on first use; the
/// caller registers the class).
#[cfg(not(quickjs_bellard))]
pub(crate) fn runtime_class_id(
    rt: *mut sys::JSRuntime,
    def: &'static crate::class::ClassDef,
    register: impl FnOnce(sys::JSClassID) -> Result<()>,
) -> Result<sys::JSClassID> {
    let exec = Executor::get_or_create(rt)?;
    let key = def as *const _ as usize;
    if let Some(&(_, id)) = exec.classes.borrow().iter().find(|(k, _)| *k == key) {
        return Ok(id);
    }
    let mut id = 0;
    // SAFETY: rt live; writes a fresh id of this runtime into `id`.
    unsafe { sys::JS_NewClassID(rt, &mut id) };
    register(id)?;
    exec.classes.borrow_mut().push((key, id));
    Ok(id)
}

/// Runs `f` on `ctx`'s anchor, creating the executor and anchor if needed.
fn with_anchor<R>(ctx: Ctx<'_>, f: impl FnOnce(&mut Anchor) -> R) -> Result<R> {
    // SAFETY: ctx is live.
    let exec = Executor::get_or_create(unsafe { sys::JS_GetRuntime(ctx.as_raw()) })?;
    exec.anchor(ctx)?;
    let mut anchors = exec.anchors.borrow_mut();
    let anchor = anchors
        .iter_mut()
        .find(|a| a.ctx == ctx.as_raw())
        .ok_or_else(|| Error::internal("the context has no task anchor"))?;
    Ok(f(anchor))
}

/// Makes a held cell with `make` (given the runtime's "a Held was dropped"
/// flag) and lists it on `ctx`'s anchor; now and then frees the cells whose
/// `Held` was dropped (amortized: when the list has doubled).
pub(crate) fn hold(
    ctx: Ctx<'_>,
    make: impl FnOnce(Arc<AtomicBool>) -> Arc<crate::held::HeldCell>,
) -> Result<Arc<crate::held::HeldCell>> {
    // SAFETY: ctx is live.
    let rt = unsafe { sys::JS_GetRuntime(ctx.as_raw()) };
    let flag = Executor::get_or_create(rt)?.shared.held_dropped.clone();
    let cell = make(flag);
    let done = with_anchor(ctx, |a| {
        a.held.push(cell.clone());
        if a.held.len() < a.sweep_at {
            return Vec::new();
        }
        let done = take_dropped(&mut a.held);
        a.sweep_at = (a.held.len() * 2).max(64);
        done
    });
    let done = match done {
        Ok(d) => d,
        Err(e) => {
            // SAFETY: on ctx's thread; the cell is ours alone.
            unsafe { cell.release(rt) };
            return Err(e);
        }
    };
    // Freed with no borrow held: freeing may run finalizers.
    for c in done {
        // SAFETY: on ctx's thread; its runtime is alive.
        unsafe { c.release(rt) };
    }
    Ok(cell)
}

/// Removes and returns the cells whose `Held` was dropped.
fn take_dropped(held: &mut Vec<Arc<crate::held::HeldCell>>) -> Vec<Arc<crate::held::HeldCell>> {
    let (done, live) = std::mem::take(held)
        .into_iter()
        .partition(|c| c.is_dropped());
    *held = live;
    done
}

/// Frees every held value of `ctx` (its `Context` handle is going away:
/// values held outside traced fields must not keep it alive).
#[cfg(not(quickjs_bellard))] // used by Context
pub(crate) fn release_held(ctx: Ctx<'_>) {
    // SAFETY: ctx is live.
    let rt = unsafe { sys::JS_GetRuntime(ctx.as_raw()) };
    let Some(exec) = Executor::find(rt) else {
        return;
    };
    let held: Vec<_> = exec
        .anchors
        .borrow_mut()
        .iter_mut()
        .filter(|a| a.ctx == ctx.as_raw())
        .flat_map(|a| std::mem::take(&mut a.held))
        .collect();
    for c in held {
        // SAFETY: on ctx's thread; its runtime is alive.
        unsafe { c.release(rt) };
    }
}

/// Whether this thread is inside `rt`'s `rust_run`, polling one of its futures.
pub(crate) fn is_polling(rt: *mut sys::JSRuntime) -> bool {
    !rt.is_null() && POLLING.get().0 == rt
}

/// The liveness flag of `ctx` (cleared when the context dies), creating its
/// anchor if needed.
pub(crate) fn context_alive_flag(ctx: Ctx<'_>) -> Result<Arc<AtomicBool>> {
    with_anchor(ctx, |a| a.alive.clone())
}

/// runtime address -> `Box<Executor>` address. Lookups happen on the runtime's
/// own thread; the executor is dropped by the runtime's finalizer.
static EXECUTORS: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

/// Bumped each time an executor is freed: it invalidates every thread's
/// cached lookup (a new runtime may reuse a freed one's address).
static FREED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// This thread's last lookup: (runtime, executor, FREED when found).
    /// Every native method call looks its class up through the executor.
    static LAST_FOUND: Cell<(usize, usize, u64)> = const { Cell::new((0, 0, u64::MAX)) };
}

/// How many executors were freed so far: a cache keyed by a runtime's
/// address is valid while this has not changed (see `class::class_id`).
#[cfg(not(quickjs_bellard))] // used by class.rs
pub(crate) fn freed_generation() -> u64 {
    FREED.load(Ordering::Acquire)
}

impl Executor {
    /// The executor of `rt`, if it has one.
    fn find<'a>(rt: *mut sys::JSRuntime) -> Option<&'a Executor> {
        let freed = FREED.load(Ordering::Acquire);
        let (last_rt, last, seen) = LAST_FOUND.get();
        let addr = if last_rt == rt as usize && seen == freed {
            last // no executor was freed since: still rt's
        } else {
            let map = EXECUTORS.lock().unwrap_or_else(|e| e.into_inner());
            let addr = map.iter().find(|(r, _)| *r == rt as usize)?.1;
            LAST_FOUND.set((rt as usize, addr, freed));
            addr
        };
        // SAFETY: the box lives until rt's finalizer removes it from the map
        // (and bumps FREED), which happens inside JS_FreeRuntime(rt) or the
        // last anchor's finalizer: never during a call on rt from elsewhere.
        Some(unsafe { &*(addr as *const Executor) })
    }

    fn get_or_create<'a>(rt: *mut sys::JSRuntime) -> Result<&'a Executor> {
        if let Some(e) = Self::find(rt) {
            return Ok(e);
        }
        // SAFETY: plain syscall; the fd is owned by the OwnedFd below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(Error::internal(format!(
                "eventfd: {}",
                std::io::Error::last_os_error()
            )));
        }
        let anchor_class = register_anchor_class(rt)?;
        let exec = Box::new(Executor {
            // SAFETY: fd is a fresh descriptor nobody else owns.
            shared: Arc::new(Shared {
                ready: Mutex::new(Vec::new()),
                notified: AtomicBool::new(false),
                callback: Mutex::new(None),
                eventfd: unsafe { OwnedFd::from_raw_fd(fd) },
                timers: Default::default(),
                held_dropped: Default::default(),
            }),
            anchor_class,
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            live: Cell::new(0),
            owner: std::sync::atomic::AtomicU64::new(thread_number()),
            released: RefCell::new(Vec::new()),
            yield_next: Cell::new(false),
            anchors: RefCell::new(Vec::new()),
            #[cfg(not(quickjs_bellard))]
            classes: RefCell::new(Vec::new()),
        });
        let ptr = Box::into_raw(exec);
        // SAFETY: the finalizer runs once, at the end of JS_FreeRuntime(rt).
        // (Bellard's QuickJS has no runtime finalizers: there the executor
        // is freed with the last anchor, see anchor_finalizer.)
        #[cfg(not(quickjs_bellard))]
        if unsafe { sys::JS_AddRuntimeFinalizer(rt, Some(runtime_finalizer), ptr.cast()) } < 0 {
            // SAFETY: ptr came from Box::into_raw just above and was not shared.
            drop(unsafe { Box::from_raw(ptr) });
            return Err(Error::internal("cannot register the executor's finalizer"));
        }
        EXECUTORS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rt as usize, ptr as usize));
        // SAFETY: see find().
        Ok(unsafe { &*ptr })
    }

    /// Makes sure `ctx` has its anchor (the object whose `gc_mark` marks
    /// the context's resolving functions and whose finalizer drops its tasks).
    fn anchor(&self, ctx: Ctx<'_>) -> Result<()> {
        if self.anchors.borrow().iter().any(|a| a.ctx == ctx.as_raw()) {
            return Ok(());
        }
        if self.released.borrow().contains(&ctx.as_raw()) {
            return Err(Error::internal(
                "the context was freed (JS_FreeContext): no Rust future starts in it",
            ));
        }
        let c = ctx.as_raw();
        // SAFETY: c is live; every value made here is either handed to the
        // engine (DefinePropertyValue takes obj) or freed before returning.
        unsafe {
            let obj = sys::JS_NewObjectClass(c, self.anchor_class);
            if sys::JS_IsException(obj) {
                return Err(Error::Exception);
            }
            sys::JS_SetOpaque(obj, c.cast());
            let sym = sys::JS_NewSymbol(c, c"quickjs-rust pending tasks".as_ptr(), false);
            if sys::JS_IsException(sym) {
                sys::JS_FreeValue(c, obj);
                return Err(Error::Exception);
            }
            let atom = sys::JS_ValueToAtom(c, sym);
            sys::JS_FreeValue(c, sym);
            let global = sys::JS_GetGlobalObject(c);
            // Flags 0: not writable, enumerable or configurable, so JS cannot
            // remove it; it dies with the global object, i.e. with the context.
            let ok = sys::JS_DefinePropertyValue(c, global, atom, obj, 0);
            sys::JS_FreeValue(c, global);
            sys::JS_FreeAtom(c, atom);
            if ok < 0 {
                return Err(Error::Exception);
            }
            self.anchors.borrow_mut().push(Anchor {
                ctx: c,
                alive: Arc::new(AtomicBool::new(true)),
                modules_added: false,
                held: Vec::new(),
                sweep_at: 64,
            });
            Ok(())
        }
    }

    fn insert(&self, task: Task) -> TaskKey {
        let mut slots = self.slots.borrow_mut();
        let index = self.free.borrow_mut().pop().unwrap_or_else(|| {
            slots.push(Slot {
                generation: 0,
                task: None,
            });
            (slots.len() - 1) as u32
        });
        let slot = &mut slots[index as usize];
        slot.task = Some(task);
        self.live.set(self.live.get() + 1);
        TaskKey {
            index,
            generation: slot.generation,
        }
    }

    fn remove(&self, key: TaskKey) -> Option<Task> {
        let mut slots = self.slots.borrow_mut();
        let slot = slots
            .get_mut(key.index as usize)
            .filter(|s| s.generation == key.generation)?;
        let task = slot.task.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.borrow_mut().push(key.index);
        self.live.set(self.live.get() - 1);
        Some(task)
    }

    /// Polls one woken task; settles its promise if it finished.
    fn poll(&self, key: TaskKey) {
        let (mut future, waker, name) = {
            let mut slots = self.slots.borrow_mut();
            let Some(task) = slots
                .get_mut(key.index as usize)
                .filter(|s| s.generation == key.generation)
                .and_then(|s| s.task.as_mut())
            else {
                return; // settled or dropped since it was woken
            };
            let Some(future) = task.future.take() else {
                // Woken while it is being polled further up this stack (its
                // `AsyncCtx::with` ran the job loop): come back next round.
                self.shared.wake(key);
                return;
            };
            (future, task.waker.clone(), task.name)
        };
        let watch = crate::limits::InterruptWatch::start();
        let polled = catch_unwind(AssertUnwindSafe(|| {
            future.as_mut().poll(&mut Context::from_waker(&waker))
        }));
        let outcome = match polled {
            Ok(Poll::Pending) => {
                let mut slots = self.slots.borrow_mut();
                if let Some(task) = slots
                    .get_mut(key.index as usize)
                    .filter(|s| s.generation == key.generation)
                    .and_then(|s| s.task.as_mut())
                {
                    task.future = Some(future);
                    return;
                }
                drop(slots);
                return; // the context died meanwhile: `future` drops here
            }
            Ok(Poll::Ready(settle)) => Ok(settle),
            Err(panic) => Err(panic_error(name, panic)),
        };
        drop(future);
        let Some(task) = self.remove(key) else { return };
        // SAFETY: the task existed, so its context's anchor is alive (and
        // the resolving functions we now own keep their realm alive).
        let ctx = unsafe { Ctx::from_raw(task.ctx) };
        // An interrupt that reached the future while it ran is its outcome,
        // whatever the future made of it (as for a native call).
        let outcome = watch.check(ctx).and(outcome);
        let value = outcome.and_then(|settle| {
            catch_unwind(AssertUnwindSafe(|| settle(ctx)))
                .unwrap_or_else(|p| Err(panic_error(name, p)))
        });
        let value = value.or_else(|e| rejected_promise(ctx, e));
        let c = ctx.as_raw();
        // SAFETY: c is live; the task's resolve function is owned by us
        // (removed from the slab, so no longer marked) and freed here.
        unsafe {
            if let Ok(value) = value {
                let mut arg = value.as_raw();
                let ret = sys::JS_Call(c, task.resolve, sys::JS_UNDEFINED, 1, &mut arg);
                sys::JS_FreeValue(c, ret);
            }
            if sys::JS_HasException(c) {
                // Only out-of-memory gets here; nobody can observe this promise.
                sys::JS_FreeValue(c, sys::JS_GetException(c));
            }
            sys::JS_FreeValue(c, task.resolve);
        }
    }

    /// Marks the resolving functions of `ctx`'s tasks (the anchor's gc_mark).
    fn mark(&self, rt: *mut sys::JSRuntime, ctx: *mut sys::JSContext, mark: sys::JS_MarkFunc) {
        // Busy (a mutable borrow is open): skipping is safe, the values then
        // just count as held from outside for this one collection.
        let Ok(slots) = self.slots.try_borrow() else {
            return;
        };
        for task in slots.iter().filter_map(|s| s.task.as_ref()) {
            if task.ctx == ctx {
                // SAFETY: rt is being collected; the value is live and ours.
                unsafe { sys::JS_MarkValue(rt, task.resolve, mark) };
            }
        }
    }

    /// Drops the tasks of a dead context, unsettled.
    fn drop_context(&self, rt: *mut sys::JSRuntime, ctx: *mut sys::JSContext) {
        let mut held = Vec::new();
        self.anchors.borrow_mut().retain_mut(|a| {
            let dead = a.ctx == ctx;
            if dead {
                a.alive.store(false, Ordering::Release);
                held = std::mem::take(&mut a.held);
            }
            !dead
        });
        // The context's held values go with it (no borrow held: freeing may
        // run finalizers).
        for c in held {
            // SAFETY: inside the anchor's finalizer, on rt's thread.
            unsafe { c.release(rt) };
        }
        let keys: Vec<TaskKey> = self
            .slots
            .borrow()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.task.as_ref().is_some_and(|t| t.ctx == ctx))
            .map(|(i, s)| TaskKey {
                index: i as u32,
                generation: s.generation,
            })
            .collect();
        // Removed one by one, each dropped with no borrow held: a future's
        // destructor may free JS values, which may run other finalizers.
        for key in keys {
            if let Some(task) = self.remove(key) {
                // SAFETY: the function is ours; freeing values from a
                // finalizer is allowed.
                unsafe { sys::JS_FreeValueRT(rt, task.resolve) };
                drop(task);
            }
        }
    }
}

/// A promise rejected with `error`, to settle a task's promise by resolving
/// it (it adopts the rejection). Error path only: one promise more.
fn rejected_promise<'js>(ctx: Ctx<'js>, error: Error) -> Result<Value<'js>> {
    let reason = ctx.error_value(error);
    let c = ctx.as_raw();
    let mut funcs = [sys::JS_UNDEFINED; 2];
    // SAFETY: c is live; on success we own the promise and both functions,
    // which are freed here; the promise goes to the returned Value.
    unsafe {
        let promise = ctx.check(sys::JS_NewPromiseCapability(c, funcs.as_mut_ptr()))?;
        // Handled: the task's promise adopts it (and is the one a host's
        // rejection tracker reports if nobody handles it).
        sys::JS_PromiseMarkAsHandled(c, promise.as_raw());
        let mut arg = reason.as_raw();
        let ret = sys::JS_Call(c, funcs[1], sys::JS_UNDEFINED, 1, &mut arg);
        sys::JS_FreeValue(c, ret);
        for f in funcs {
            sys::JS_FreeValue(c, f);
        }
        Ok(promise)
    }
}

/// Spawns `future` on the executor of `ctx`'s runtime; returns its Promise
/// (or `JS_EXCEPTION` with an exception pending).
pub(crate) fn spawn<Fut>(ctx: Ctx<'_>, name: &'static str, future: Fut) -> sys::JSValue
where
    Fut: Future + Send + 'static,
    Fut::Output: for<'js> IntoJs<'js> + Send + 'static,
{
    let c = ctx.as_raw();
    // SAFETY: c is live.
    let rt = unsafe { sys::JS_GetRuntime(c) };
    let exec = match Executor::get_or_create(rt).and_then(|e| e.anchor(ctx).map(|()| e)) {
        Ok(e) => e,
        Err(e) => return ctx.throw(e),
    };
    let mut funcs = [sys::JS_UNDEFINED; 2];
    // SAFETY: c is live; on success we own the promise and both functions.
    let promise = unsafe { sys::JS_NewPromiseCapability(c, funcs.as_mut_ptr()) };
    if sys::JS_IsException(promise) {
        return promise;
    }
    // SAFETY: we own it; see Task::resolve.
    unsafe { sys::JS_FreeValue(c, funcs[1]) };
    // The waker names the task's key, known once it is inserted.
    let key = exec.insert(Task {
        ctx: c,
        resolve: funcs[0],
        name,
        future: None, // being polled (below)
        waker: Waker::noop().clone(),
    });
    let waker = Waker::from(Arc::new(TaskWaker {
        shared: exec.shared.clone(),
        key,
    }));
    // The first poll happens now, inside the call, as a JS async function
    // runs to its first `await` at once: a timer it starts counts from the
    // call, not from the loop's next turn. A future that is already done
    // settles on the loop's next turn all the same (completions stay
    // macrotasks).
    let mut future = Box::pin(future);
    let first = {
        let _polling = PollingGuard::enter(rt, exec);
        catch_unwind(AssertUnwindSafe(|| {
            future.as_mut().poll(&mut Context::from_waker(&waker))
        }))
    };
    let (task_future, ready): (TaskFuture, bool) = match first {
        Ok(Poll::Pending) => (
            Box::pin(async move {
                let output = future.await;
                let settle: Settle = Box::new(move |ctx| output.into_js(ctx));
                settle
            }),
            false,
        ),
        Ok(Poll::Ready(output)) => {
            drop(future);
            (
                Box::pin(async move {
                    let settle: Settle = Box::new(move |ctx| output.into_js(ctx));
                    settle
                }),
                true,
            )
        }
        Err(panic) => {
            drop(future);
            let error = panic_error(name, panic);
            (
                Box::pin(async move {
                    let settle: Settle = Box::new(move |_| Err(error));
                    settle
                }),
                true,
            )
        }
    };
    if let Some(task) = exec
        .slots
        .borrow_mut()
        .get_mut(key.index as usize)
        .filter(|s| s.generation == key.generation)
        .and_then(|s| s.task.as_mut())
    {
        task.future = Some(task_future);
        task.waker = waker;
    }
    if ready {
        exec.shared.wake(key);
    }
    promise
}

/// Registers the anchor class in `rt`.
fn register_anchor_class(rt: *mut sys::JSRuntime) -> Result<sys::JSClassID> {
    let def = sys::JSClassDef {
        class_name: c"RustTasks".as_ptr(),
        finalizer: Some(anchor_finalizer),
        gc_mark: Some(anchor_mark),
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

unsafe extern "C" fn anchor_finalizer(rt: *mut sys::JSRuntime, val: sys::JSValue) {
    if let Some(exec) = Executor::find(rt) {
        // SAFETY: val is the anchor being finalized; its opaque is its context's address.
        let ctx: *mut sys::JSContext = unsafe { sys::JS_GetOpaque(val, exec.anchor_class) }.cast();
        exec.drop_context(rt, ctx);
        // The context is really going now: its address may be reused.
        exec.released.borrow_mut().retain(|&c| c != ctx);
    }
}

unsafe extern "C" fn anchor_mark(
    rt: *mut sys::JSRuntime,
    val: sys::JSValue,
    mark: sys::JS_MarkFunc,
) {
    if let Some(exec) = Executor::find(rt) {
        // SAFETY: val is a live anchor; its opaque is its context's address.
        let ctx = unsafe { sys::JS_GetOpaque(val, exec.anchor_class) };
        exec.mark(rt, ctx.cast(), mark);
    }
}

#[cfg(not(quickjs_bellard))]
unsafe extern "C" fn runtime_finalizer(rt: *mut sys::JSRuntime, arg: *mut c_void) {
    // SAFETY: arg is the Box registered in get_or_create; this runs once.
    unsafe { free_executor(rt, arg) }
}

/// Bellard's QuickJS has no runtime finalizers: its `JS_FreeRuntime` calls
/// this hook (patch bellard-2021-03-27/0006) once every object is freed, so
/// the executor, its wake fd and its wake callback live exactly as long as
/// the runtime there too.
///
/// # Safety
/// Called by `JS_FreeRuntime(rt)` only.
#[cfg(quickjs_bellard)]
#[no_mangle]
pub unsafe extern "C" fn rust_runtime_released(rt: *mut sys::JSRuntime) {
    if let Some(exec) = Executor::find(rt) {
        // SAFETY: exec is not used after this point; the Box was made in
        // get_or_create and is removed from the map here, once.
        unsafe { free_executor(rt, (exec as *const Executor).cast_mut().cast()) };
    }
}

/// The host freed `ctx` (the patched public `JS_FreeContext` calls this
/// first, patch 0006): its Rust futures are dropped now, unsettled, so they
/// no longer count in `rust_pending` and none of their reactions runs; its
/// held values are released; no new future starts in it. The engine frees
/// the context itself when its last reference goes (its functions' realms:
/// that may take a GC).
///
/// # Safety
/// `ctx` a live context, on its runtime's thread (other threads: ignored).
#[no_mangle]
pub unsafe extern "C" fn rust_context_released(ctx: *mut sys::JSContext) {
    if ctx.is_null() {
        return;
    }
    // SAFETY: ctx is live (our contract).
    let rt = unsafe { sys::JS_GetRuntime(ctx) };
    let Some(exec) = Executor::find(rt).filter(|e| e.on_owner_thread()) else {
        return;
    };
    if exec.anchors.borrow().iter().any(|a| a.ctx == ctx) {
        exec.released.borrow_mut().push(ctx);
        exec.drop_context(rt, ctx);
    }
}

/// Makes the calling thread the one that may use `rt`'s Rust state, for a
/// host that moves a runtime to another thread (call it there, next to
/// `JS_UpdateStackTop`). A `quickjs::Runtime` does this itself.
///
/// # Safety
/// `rt` a live runtime that no other thread uses from now on.
#[no_mangle]
pub unsafe extern "C" fn rust_bind_thread(rt: *mut sys::JSRuntime) {
    bind_thread(rt);
}

/// See [`rust_bind_thread`].
pub(crate) fn bind_thread(rt: *mut sys::JSRuntime) {
    if let Some(exec) = Executor::find(rt) {
        exec.owner.store(thread_number(), Ordering::Release);
    }
}

/// A number naming the calling thread (`ThreadId` has no stable integer
/// form); never 0.
fn thread_number() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    thread_local! {
        static ME: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ME.with(|n| *n)
}

/// Whether the calling thread may use `rt`'s Rust state (true while `rt`
/// has none yet: the first user makes it).
pub(crate) fn on_runtime_thread(rt: *mut sys::JSRuntime) -> bool {
    Executor::find(rt).is_none_or(|e| e.on_owner_thread())
}

impl Executor {
    /// Whether the calling thread may use this executor's JS-side state.
    fn on_owner_thread(&self) -> bool {
        self.owner.load(Ordering::Acquire) == thread_number()
    }
}

/// Removes `rt`'s executor from the map and drops it.
///
/// # Safety
/// `arg` is `rt`'s executor Box, not used afterwards.
unsafe fn free_executor(rt: *mut sys::JSRuntime, arg: *mut c_void) {
    EXECUTORS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(r, _)| *r != rt as usize);
    FREED.fetch_add(1, Ordering::AcqRel);
    // SAFETY: the caller's contract.
    let exec = unsafe { Box::from_raw(arg.cast::<Executor>()) };
    for anchor in exec.anchors.borrow().iter() {
        anchor.alive.store(false, Ordering::Release);
    }
    drop(exec);
}

/// Settles the promises of `rt`'s Rust futures that completed. Called by the
/// patched `JS_ExecutePendingJob` when its job queue is empty; enqueues jobs,
/// never runs them, never blocks, and does nothing for a runtime without Rust
/// futures (O(1) when none is pending). Called from a thread other than the
/// runtime's (see `rust_bind_thread`), it does nothing.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_run(rt: *mut sys::JSRuntime) {
    let Some(exec) = Executor::find(rt) else {
        return;
    };
    if !exec.on_owner_thread() {
        return; // another thread's runtime: touching it would race
    }
    if exec.shared.held_dropped.load(Ordering::Relaxed) {
        exec.shared.held_dropped.store(false, Ordering::Relaxed);
        let done: Vec<_> = exec
            .anchors
            .borrow_mut()
            .iter_mut()
            .flat_map(|a| take_dropped(&mut a.held))
            .collect();
        for c in done {
            // SAFETY: rt is live and used on this thread (our contract).
            unsafe { c.release(rt) };
        }
    }
    if exec.live.get() == 0 {
        return;
    }
    if exec.yield_next.replace(false) {
        // The fd stays readable for poll-based hosts; a callback-driven host
        // was signalled once for this readiness, so signal it again to come
        // back after its own turn.
        if exec.shared.notified.load(Ordering::Acquire) {
            exec.shared.call_host();
        }
        return;
    }
    // Timers first: waking them queues their tasks (and signals the fd).
    let due = exec
        .shared
        .timers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take_due(Instant::now());
    for waker in due {
        waker.wake();
    }
    // Drain before clearing the flag: a wake that races with us then either
    // lands in the list we take below, or leaves the fd readable.
    exec.shared.drain();
    if !exec.shared.notified.swap(false, Ordering::AcqRel) {
        return;
    }
    let ready = std::mem::take(&mut *exec.shared.ready.lock().unwrap_or_else(|e| e.into_inner()));
    exec.yield_next.set(!ready.is_empty());
    let _polling = PollingGuard::enter(rt, exec);
    for key in ready {
        exec.poll(key);
    }
}

/// The number of live Rust futures of `rt` (they keep the host's loop
/// alive); -1 when called from a thread other than the runtime's.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_pending(rt: *mut sys::JSRuntime) -> c_int {
    match Executor::find(rt) {
        None => 0,
        Some(e) if !e.on_owner_thread() => -1,
        Some(e) => e.live.get().min(c_int::MAX as usize) as c_int,
    }
}

/// The fd that becomes readable when a Rust future of `rt` can make progress
/// (-1 before the first `JS_AddRust` or future). Poll it for reading;
/// `rust_run` drains it. It lives exactly as long as `rt` (one per runtime,
/// never replaced): add it to an epoll set once. Callable from any thread.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_wake_fd(rt: *mut sys::JSRuntime) -> c_int {
    Executor::find(rt).map_or(-1, |e| e.shared.eventfd.as_raw_fd())
}

/// The delay in milliseconds until the next Rust timer of `rt` is due
/// (rounded up; 0 if one is due now), or -1 if it has none. A host that
/// polls `rust_wake_fd` uses it as (or to cap) its poll timeout, then calls
/// `JS_ExecutePendingJob`, whose `rust_run` wakes the futures that are due.
/// -2 when called from a thread other than the runtime's.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_next_timeout(rt: *mut sys::JSRuntime) -> c_int {
    if Executor::find(rt).is_some_and(|e| !e.on_owner_thread()) {
        return -2;
    }
    poll_timeout_ms(next_timeout(rt))
}

/// A poll(2) timeout: milliseconds rounded up (a timer never fires early),
/// -1 for none.
fn poll_timeout_ms(timeout: Option<std::time::Duration>) -> c_int {
    timeout.map_or(-1, |d| {
        d.as_nanos().div_ceil(1_000_000).min(c_int::MAX as u128) as c_int
    })
}

/// The time until the next Rust timer of `rt` is due.
pub(crate) fn next_timeout(rt: *mut sys::JSRuntime) -> Option<std::time::Duration> {
    let exec = Executor::find(rt)?;
    if exec.live.get() == 0 {
        return None;
    }
    let mut timers = exec.shared.timers.lock().unwrap_or_else(|e| e.into_inner());
    timers.next_timeout(Instant::now())
}

/// What to wait on until a Rust future of `rt` can make progress: its wake
/// fd and the time until its next timer is due (`None` if `rt` has no live
/// future: nothing can progress). See [`poll_fd`].
#[cfg(not(quickjs_bellard))] // used by Runtime
pub(crate) fn wait_target(
    rt: *mut sys::JSRuntime,
) -> Option<(std::os::fd::RawFd, Option<std::time::Duration>)> {
    let exec = Executor::find(rt).filter(|e| e.live.get() > 0)?;
    Some((exec.shared.eventfd.as_raw_fd(), next_timeout(rt)))
}

/// Sleeps in `poll(2)` (EINTR retried) until `fd` is readable or `timeout` passed. Needs
/// no lock: the fd lives as long as its runtime.
#[cfg(not(quickjs_bellard))] // used by Runtime
pub(crate) fn poll_fd(fd: std::os::fd::RawFd, timeout: Option<std::time::Duration>) {
    let timeout_ms = poll_timeout_ms(timeout);
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    while unsafe { libc::poll(&mut p, 1, timeout_ms) } < 0
        && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
    {}
}

/// Makes `rt`'s wake fd readable (from any thread): a thread waiting on it
/// without the runtime's lock re-checks its promise.
#[cfg(not(quickjs_bellard))] // used by Runtime
pub(crate) fn kick(rt: *mut sys::JSRuntime) {
    if let Some(exec) = Executor::find(rt) {
        let one = 1u64;
        // SAFETY: writes 8 bytes from a live u64 to the executor's eventfd.
        unsafe {
            libc::write(
                exec.shared.eventfd.as_raw_fd(),
                (&one as *const u64).cast(),
                8,
            )
        };
    }
}

/// Sets the wake callback of `rt`'s executor (`None` removes it).
pub(crate) fn set_wake_callback(
    ctx_rt: *mut sys::JSRuntime,
    callback: Option<WakeCallback>,
) -> Result<()> {
    // An existing executor takes it from any thread (a mutex); making one
    // touches the runtime, so only its thread may.
    let exec = match Executor::find(ctx_rt) {
        Some(e) => e,
        None => Executor::get_or_create(ctx_rt)?,
    };
    *exec
        .shared
        .callback
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = callback;
    Ok(())
}

/// Registers `cb(opaque)` to be called when a Rust future of `rt` can make
/// progress, for hosts without an fd loop (e.g. a Flutter/Dart host): it runs
/// on whichever thread woke the future and must only post a task to the JS
/// thread, which then calls `JS_ExecutePendingJob` (or `rust_run`). Never
/// call into QuickJS from the callback. Timers of the runtime's own loop
/// (`quickjs::sleep`) do not call it: after each run the host arms its own
/// timer for `rust_next_timeout(rt)` milliseconds. `cb = NULL` removes it. Returns 0, or
/// -1 if the executor could not be created. Call it on the JS thread.
///
/// # Safety
/// `rt` must be a live runtime, used on this thread; `cb` must be safe to
/// call from any thread with `opaque` until it is replaced or `rt` is freed.
#[no_mangle]
pub unsafe extern "C" fn rust_set_wake_callback(
    rt: *mut sys::JSRuntime,
    cb: Option<unsafe extern "C" fn(opaque: *mut c_void)>,
    opaque: *mut c_void,
) -> c_int {
    struct Opaque(*mut c_void);
    // SAFETY: the caller promises `cb(opaque)` may run on any thread.
    unsafe impl Send for Opaque {}
    // SAFETY: as above.
    unsafe impl Sync for Opaque {}
    let opaque = Opaque(opaque);
    let callback = cb.map(|cb| {
        Arc::new(move || {
            let o = &opaque;
            // SAFETY: the caller's contract above.
            unsafe { cb(o.0) }
        }) as WakeCallback
    });
    if rt.is_null() {
        return -1;
    }
    match set_wake_callback(rt, callback) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}
