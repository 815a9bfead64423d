//! [`Runtime`]: owns a `JSRuntime` (heap, GC, atoms, limits) and the lock
//! that makes it safe to move between threads (`lock.rs`), with the
//! settings a host makes (memory and stack limits, the interrupt handler,
//! deadlines, the loader). Its neighbours: `state.rs` (the embedding
//! layer's part of the runtime's state: handler, deadlines, pacing,
//! loader), `jobs.rs` (the one job loop, the waits, running until idle).
//!
//! Invariant: the `JSRuntime` is used only by the thread holding the lock
//! (re-entrant: a Rust callback called from JS may use its runtime again);
//! a thread that sleeps in a wait releases it at every level first.

use super::lock::ReentrantLock;
use super::state::{Deadline, EmbedState, InterruptHandler, Pacing};
use crate::engine::handle::boundary;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::{ContextState, RuntimePart, RuntimeSlot, RuntimeState};
use crate::engine::handle::sync::thread_token;
use crate::exec::executor::Executor;
use quickjs_sys as sys;
use std::os::raw::c_void;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, Weak};

/// A QuickJS runtime: one heap, one garbage collector, shared by its
/// [`crate::Context`]s.
///
/// `Runtime` is `Send` and `Sync`: every use of the engine goes through a
/// re-entrant lock, so a runtime (with its contexts) can move to another thread
/// between uses, and several runtimes run in parallel on different threads.
/// The `JSRuntime` is freed when the last handle (the `Runtime`, its contexts
/// and persistent values) is dropped.
///
/// ```
/// let rt = quickjs::Runtime::new().unwrap();
/// rt.set_memory_limit(Some(32 << 20));
/// rt.set_max_stack_size(Some(512 << 10));
/// ```
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<Inner>,
}

/// The way back from a context to the `Runtime` that owns its `JSRuntime`
/// (a part of the runtime's state; a runtime made by a C host has none).
struct Handle(Weak<Inner>);

impl RuntimePart for Handle {
    const SLOT: RuntimeSlot = RuntimeSlot::Handle;
}

pub(crate) struct Inner {
    pub(super) raw: NonNull<sys::JSRuntime>,
    pub(super) lock: ReentrantLock,
    /// The runtime's Rust state (set once in `Runtime::new`, before the
    /// handle is shared; it lives as long as the `JSRuntime`): read without
    /// asking the engine at every lock.
    pub(super) state: std::cell::Cell<*const RuntimeState>,
}

// SAFETY: the raw runtime is only touched while `lock` is held (see
// `Runtime::lock`), so at most one thread uses it at a time.
unsafe impl Send for Inner {}
// SAFETY: as above.
unsafe impl Sync for Inner {}

/// Memory statistics of a runtime (`JS_ComputeMemoryUsage`).
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// let m = rt.memory_usage();
/// assert!(m.obj_count > 0 && m.memory_used_size > 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemoryUsage {
    /// Bytes allocated by the engine (its malloc count of bytes in use),
    /// with the Rust memory counted for its objects (pending futures, class
    /// instances: see [`Runtime::set_memory_limit`]).
    pub malloc_size: i64,
    /// The memory limit (-1: none).
    pub malloc_limit: i64,
    /// Bytes in use, including allocator overhead.
    pub memory_used_size: i64,
    /// Number of live objects.
    pub obj_count: i64,
    /// Number of live strings and atoms.
    pub str_count: i64,
}

impl Runtime {
    /// A new runtime with the engine's defaults (no memory limit, a 1 MiB
    /// JS stack, less where the thread has less: see
    /// [`Runtime::set_max_stack_size`]).
    ///
    /// ```
    /// let rt = quickjs::Runtime::new().unwrap();
    /// assert!(!rt.is_job_pending());
    /// ```
    pub fn new() -> Result<Self> {
        // SAFETY: plain constructor; a null result means out of memory.
        let raw = NonNull::new(unsafe { sys::JS_NewRuntime() })
            .ok_or_else(|| Error::internal("JS_NewRuntime: out of memory"))?;
        let inner = Arc::new(Inner {
            raw,
            lock: ReentrantLock::default(),
            state: std::cell::Cell::new(std::ptr::null()),
        });
        let handle = Arc::downgrade(&inner);
        // The runtime's Rust state, now, on this thread (dropping `inner`
        // on failure frees the runtime).
        let state = RuntimeState::get_or_create(raw.as_ptr())?;
        inner.state.set(state);
        state.part(|| EmbedState {
            interrupt: Mutex::new(None),
            has_handler: std::cell::Cell::new(false),
            installed: std::cell::Cell::new(false),
            deadlines: std::cell::RefCell::new(Vec::new()),
            pacing: Pacing::default(),
            loader: Mutex::new(None),
        });
        state.part(|| Handle(handle));
        // SAFETY: the runtime is new, on this thread only.
        unsafe { state.stack.enter(raw.as_ptr()) };
        Ok(Runtime { inner })
    }

    /// The handle of the runtime `ctx` belongs to, if a `Runtime` owns it (a
    /// runtime made by a C host, e.g. qjs, has none).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| assert!(quickjs::Runtime::of(ctx).is_some()));
    /// ```
    pub fn of(ctx: Ctx<'_>) -> Option<Runtime> {
        let inner = ContextState::runtime_if_any(ctx)?
            .part_if_made::<Handle>()?
            .0
            .upgrade()?;
        Some(Runtime { inner })
    }

    /// This runtime's embedding state (made with the runtime).
    pub(super) fn embed(&self) -> &EmbedState {
        self.state()
            .part_if_made::<EmbedState>()
            .expect("a Runtime's state is made with it")
    }

    /// This runtime's executor (made on first use).
    #[inline]
    pub(super) fn executor(&self) -> &Executor {
        Executor::of(self.state())
    }

    /// This runtime's Rust state (made with the runtime).
    #[inline]
    pub(super) fn state(&self) -> &RuntimeState {
        // SAFETY: set in `new` (no handle exists before), to the state that
        // lives as long as the JSRuntime, which this handle keeps alive.
        unsafe { &*self.inner.state.get() }
    }

    /// The raw runtime (use it only with the lock held).
    pub(crate) fn raw(&self) -> *mut sys::JSRuntime {
        self.inner.raw.as_ptr()
    }

    /// Runs `f` with the runtime locked by this thread.
    pub(crate) fn lock<R>(&self, f: impl FnOnce(*mut sys::JSRuntime) -> R) -> R {
        let guard = self.inner.lock.acquire();
        let rt = self.inner.raw.as_ptr();
        if guard.outermost {
            // The stack-overflow check measures from the stack top recorded
            // here: this thread's, since the runtime may have moved, with
            // the limit clamped to this thread's stack (engine::handle::stack).
            // SAFETY: rt is live and now locked by this thread.
            unsafe { self.state().stack.enter(rt) };
            self.state().bind_thread();
        }
        /// At the outermost level's end (also when `f` unwinds), outside
        /// any collection now: drops what finalizers deferred.
        struct Deferred<'a>(&'a Runtime, bool);
        impl Drop for Deferred<'_> {
            fn drop(&mut self) {
                if self.1 && !boundary::is_finalizing(self.0.raw()) {
                    self.0.state().drop_deferred();
                }
            }
        }
        let outermost = guard.outermost;
        let deferred = Deferred(self, outermost);
        let r = f(rt);
        drop(deferred);
        drop(guard);
        // After the release (which a registering waiter checks for): a
        // thread sleeping without the lock (wait_for_progress) or an async
        // driver (Runtime::idle) may wait for what we just did: make it
        // look again.
        if outermost && self.inner.lock.has_sleepers() {
            self.executor().kick();
        }
        r
    }

    /// Runs `f` (which must not touch the runtime) with the lock released
    /// at every level this thread holds; takes it back afterwards.
    pub(super) fn unlocked<R>(&self, f: impl FnOnce() -> R) -> R {
        let held = self.inner.lock.release_all();
        let r = f();
        if held > 0 {
            self.inner.lock.reacquire(held);
            // SAFETY: rt is live and locked by this thread again.
            unsafe { self.state().stack.enter(self.inner.raw.as_ptr()) };
            self.state().bind_thread();
        }
        r
    }

    /// Caps the heap at `bytes` (`None`: no limit). An allocation beyond it
    /// throws `InternalError: out of memory` in JS; the runtime stays usable.
    /// The Rust memory held for JS objects counts too: a pending future's
    /// task (a call to an async Rust function, `Promise::spawn`) and a `#[js]`
    /// class instance's value, while they live (not what such a value owns
    /// elsewhere, such as a `Vec`'s buffer).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// rt.set_memory_limit(Some(4 << 20));
    /// let r = ctx.with(|ctx| ctx.eval::<quickjs::Value>("'x'.repeat(1 << 23)").map(drop));
    /// assert!(r.is_err());
    /// rt.set_memory_limit(None);
    /// ```
    pub fn set_memory_limit(&self, bytes: Option<usize>) {
        let limit = bytes.unwrap_or(usize::MAX);
        // SAFETY: rt is live and locked.
        self.lock(|rt| unsafe { crate::engine::convert::limits::set_memory_limit(rt, limit) })
    }

    /// Builds a context with `build` under this runtime's lock, never out
    /// of memory half-way (see `engine::convert::limits::build_context`).
    pub(crate) fn build_context(
        &self,
        build: impl FnOnce(*mut sys::JSRuntime) -> *mut sys::JSContext,
    ) -> *mut sys::JSContext {
        // SAFETY: rt is live and locked by us for the whole build.
        self.lock(|rt| unsafe { crate::engine::convert::limits::build_context(rt, build) })
    }

    /// Caps the JS stack at `bytes` (default 1 MiB). Deeper recursion
    /// throws `RangeError: Maximum call stack size exceeded`; the runtime
    /// stays usable.
    ///
    /// The limit in force never exceeds the stack of the thread running
    /// the JS: each time a thread enters the runtime (takes its lock
    /// outermost, or back after a wait), the limit is the smaller of
    /// `bytes` and what that thread has left below the entry point, less a
    /// margin of 32 KiB (64 KiB in debug builds, whose Rust frames are
    /// bigger) kept for the Rust code of native calls (conversions, a
    /// closure's work up to its next JS call, the error path). `None` means
    /// no limit beyond that: the thread's own stack. So recursion ends in a
    /// `RangeError`, never in Rust's "thread has overflowed its stack"
    /// abort, whatever the thread's size, also when the recursion goes
    /// through Rust (JS -> closure -> `ctx.eval` -> JS -> ...) and when a
    /// runtime made on a big thread is used on a small one (the request is
    /// remembered and measured again on each thread).
    ///
    /// What a thread gets with the default 1 MiB, measured on Linux
    /// x86-64 (`depth_per_thread_size` in `tests/stack_limits.rs`): calls
    /// of a one-line recursive JS function, and levels of JS -> Rust
    /// closure -> `ctx.eval` -> JS:
    ///
    /// | thread's stack | release build | debug build |
    /// |---|---|---|
    /// | 128 KiB | ~130 calls, ~20 levels | ~80 calls, ~6 levels |
    /// | 256 KiB | ~320 calls, ~55 levels | ~280 calls, ~20 levels |
    /// | 512 KiB | ~700 calls, ~120 levels | ~670 calls, ~50 levels |
    /// | 2 MiB or more (`std::thread`'s default, the main thread) | the full 1 MiB: ~1,500 calls, ~260 levels | ~1,500 calls, ~115 levels |
    ///
    /// Rust code called from JS has at least the margin of stack below the
    /// limit; a native function that needs more (big arrays on the stack,
    /// its own deep recursion) must run on a bigger thread or check for
    /// itself; the crate's own recursive conversions (nested `Vec`s and
    /// maps, serde) stop with a `RangeError` when less than half the margin
    /// is left. The thread's bounds come from the OS (Linux, Android,
    /// FreeBSD, DragonFly, macOS, iOS, Windows); elsewhere `bytes` is used
    /// as given, and must then fit the thread.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// rt.set_max_stack_size(Some(128 << 10));
    /// let r = ctx.with(|ctx| ctx.eval::<i32>("(function f(n) { return f(n + 1) })(0)"));
    /// assert!(r.is_err());
    /// ```
    pub fn set_max_stack_size(&self, bytes: Option<usize>) {
        // SAFETY: rt is live and locked.
        self.lock(|rt| unsafe { self.state().stack.set_request(rt, bytes) })
    }

    /// Whether a panic of Rust code called from JS becomes a JS
    /// `InternalError` that scripts can catch and carry on after (`true`),
    /// or (the default, `false`) ends the script like an interrupt: no JS
    /// `catch` or `finally` runs on with Rust state the panic may have left
    /// half-updated, and the Rust caller gets [`Error::Panic`] with the
    /// panic's message and location ([`crate::Panic::resume`] continues
    /// it). Either way the runtime stays usable.
    ///
    /// ```
    /// use quickjs::{Context, Function, Runtime};
    /// let rt = Runtime::new().unwrap();
    /// rt.set_catch_panics_in_js(true);
    /// let ctx = Context::full(&rt).unwrap();
    /// let caught: String = ctx.with(|ctx| {
    ///     ctx.globals().set("boom", Function::new(ctx, "boom", || -> i32 { panic!("no") })?)?;
    ///     ctx.eval("try { boom() } catch (e) { e.message }")
    /// }).unwrap();
    /// assert_eq!(caught, "boom: Rust panic: no");
    /// ```
    pub fn set_catch_panics_in_js(&self, catchable: bool) {
        self.lock(|rt| {
            if let Some(state) = RuntimeState::of(rt) {
                state.panics_catchable.set(catchable);
            }
        })
    }

    /// Runs the cycle collector when the heap grows past `bytes`. After
    /// each collection the engine sets the next one itself, at 1.5 times
    /// the heap it leaves (so this sets the pace until the next collection;
    /// a host that wants its own pace sets it again, e.g. per job).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// rt.set_gc_threshold(1 << 20);
    /// ```
    pub fn set_gc_threshold(&self, bytes: usize) {
        // SAFETY: rt is live and locked.
        self.lock(|rt| unsafe { sys::JS_SetGCThreshold(rt, bytes) })
    }

    /// Installs (or with `None` removes) the interrupt handler, e.g. a
    /// deadline for untrusted code:
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let rt = quickjs::Runtime::new().unwrap();
    /// let deadline = Instant::now() + Duration::from_millis(50);
    /// rt.set_interrupt_handler(Some(Box::new(move || Instant::now() > deadline)));
    /// ```
    ///
    /// A panic in the handler counts as `true`.
    ///
    /// The engine asks about every millisecond of script time, however
    /// slow each of its polls is (a loop of megabyte string operations gets
    /// asked as often as a tight loop): a deadline overshoots by at most
    /// about a millisecond plus the longest single built-in call. Count the
    /// time, not the calls: how many calls a given amount of work makes
    /// depends on how fast it runs.
    ///
    /// Deadlines given to calls ([`crate::Context::with_deadline`],
    /// [`Runtime::run_until_idle_for`], [`crate::Promise::wait_for`]) hold
    /// alongside the handler: either can stop the script.
    pub fn set_interrupt_handler(&self, handler: Option<InterruptHandler>) {
        let install = handler.is_some();
        let embed = self.embed();
        let _old = self.lock(|rt| {
            // Under the runtime's lock: racing calls leave the handler
            // and the trampoline of the same call. (The old handler is
            // dropped after, with no lock of ours held by its `Drop`.)
            let old = std::mem::replace(
                &mut *embed.interrupt.lock().unwrap_or_else(|e| e.into_inner()),
                handler,
            );
            embed.has_handler.set(install);
            // SAFETY: rt is live and locked by this thread.
            unsafe { embed.reinstall(rt) };
            old
        });
    }

    /// Runs `f` (which runs JS of this runtime on this thread) with a
    /// deadline: the engine's interrupt poll stops its JS once `deadline`
    /// has passed (composed with the host's handler, and with deadlines
    /// further out, which the nearest overrides), and the interrupt becomes
    /// [`Error::Timeout`]. Other threads' JS is not subject to it (the
    /// lock may be released in a wait meanwhile).
    pub(crate) fn under_deadline<R>(
        &self,
        deadline: Deadline,
        f: impl FnOnce() -> Result<R>,
    ) -> Result<R> {
        /// Takes the deadline out of force when the call ends, also when
        /// it unwinds (a deadline left behind would stop every later
        /// script of this thread).
        struct InForce<'a> {
            rt: &'a Runtime,
            entry: (usize, Deadline),
        }
        impl Drop for InForce<'_> {
            fn drop(&mut self) {
                let embed = self.rt.embed();
                self.rt.lock(|rt| {
                    let mut deadlines = embed.deadlines.borrow_mut();
                    if let Some(i) = deadlines
                        .iter()
                        .rposition(|e| e.0 == self.entry.0 && e.1.at == self.entry.1.at)
                    {
                        deadlines.remove(i);
                    }
                    drop(deadlines);
                    // SAFETY: rt is live and locked by this thread.
                    unsafe { embed.reinstall(rt) }
                });
            }
        }
        let embed = self.embed();
        let entry = (thread_token(), deadline);
        self.lock(|rt| {
            embed.deadlines.borrow_mut().push(entry);
            // SAFETY: rt is live and locked by this thread.
            unsafe { embed.reinstall(rt) }
        });
        let in_force = InForce { rt: self, entry };
        let r = f();
        drop(in_force);
        match r {
            Err(e) if e.is_interrupt() && deadline.passed() => {
                Err(Error::Timeout(deadline.timeout))
            }
            r => r,
        }
    }

    /// The nearest deadline in force for this thread, if any (a wait
    /// inside a call with a deadline ends there too).
    pub(crate) fn enclosing_deadline(&self) -> Option<Deadline> {
        let me = thread_token();
        let embed = self.embed();
        self.lock(|_| {
            embed
                .deadlines
                .borrow()
                .iter()
                .filter(|e| e.0 == me)
                .map(|e| e.1)
                .min_by_key(|d| d.at)
        })
    }

    /// Resolves and loads `import`ed modules with `loader` (replacing the
    /// previous one). Without a loader only native modules can be imported.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// rt.set_loader(quickjs::MemoryLoader::new().with("a.js", "export default 1"));
    /// ctx.with(|ctx| {
    ///     let _: quickjs::Value = ctx.eval_with("import a from './a.js'; globalThis.a = a", "main.js", quickjs::EvalKind::Module).unwrap();
    ///     assert_eq!(ctx.globals().get::<_, i32>("a").unwrap(), 1);
    /// });
    /// ```
    pub fn set_loader(&self, loader: impl super::loader::Loader) {
        let embed = self.embed();
        *embed.loader.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(loader));
        let opaque = embed as *const EmbedState as *mut c_void;
        // SAFETY: rt live and locked; opaque is the runtime's EmbedState,
        // which lives as long as the runtime.
        self.lock(|rt| unsafe {
            sys::JS_SetModuleLoaderFunc2(
                rt,
                Some(super::state::normalize),
                Some(super::state::load),
                None,
                opaque,
            )
        })
    }

    /// Runs the garbage collector now.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| ctx.eval::<quickjs::Value>("globalThis.x = [{}, {}]; x = null").map(drop)).unwrap();
    /// rt.run_gc();
    /// ```
    ///
    /// Does nothing when called from a finalizer of this runtime (the `Drop`
    /// of a value it is freeing): a collection is already running there.
    pub fn run_gc(&self) {
        if boundary::is_finalizing(self.inner.raw.as_ptr()) {
            return;
        }
        // SAFETY: rt is live and locked.
        self.lock(|rt| unsafe { sys::JS_RunGC(rt) })
    }

    /// Drops `value` when this runtime's lock is next released (see
    /// `engine::handle::boundary::finalizing`).
    pub(crate) fn defer_drop(&self, value: Box<dyn std::any::Any>) {
        self.lock(|_| self.state().defer_drop(value))
    }

    /// Memory statistics.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let before = rt.memory_usage().obj_count;
    /// ctx.with(|ctx| ctx.eval::<quickjs::Value>("globalThis.keep = [{}, {}, {}]").map(drop)).unwrap();
    /// assert!(rt.memory_usage().obj_count > before);
    /// ```
    pub fn memory_usage(&self) -> MemoryUsage {
        // SAFETY: rt is live and locked.
        self.lock(|rt| unsafe { MemoryUsage::of_raw(rt) })
    }
}

impl MemoryUsage {
    /// The statistics of `rt` now.
    ///
    /// # Safety
    /// `rt` is live and used on this thread only for the call.
    pub(crate) unsafe fn of_raw(rt: *mut sys::JSRuntime) -> MemoryUsage {
        // SAFETY: the caller's promise; the struct is plain data.
        let m = unsafe {
            let mut m: sys::JSMemoryUsage = std::mem::zeroed();
            sys::JS_ComputeMemoryUsage(rt, &mut m);
            m
        };
        MemoryUsage {
            malloc_size: m.malloc_size,
            malloc_limit: m.malloc_limit,
            memory_used_size: m.memory_used_size,
            obj_count: m.obj_count,
            str_count: m.str_count,
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // SAFETY: the last handle is gone: no context, value or lock remains.
        // The runtime's Rust state (with its EmbedState) goes with it.
        unsafe { sys::JS_FreeRuntime(self.raw.as_ptr()) }
    }
}
