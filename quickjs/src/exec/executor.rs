//! The executor of one runtime: Rust futures polled on the JS thread,
//! settling JS promises.
//!
//! * [`Executor::spawn`] (an `async fn` trampoline, `Promise::spawn`) makes a
//!   promise capability, queues the future with the promise's resolve
//!   function, and polls it once at once (as a JS async function runs to
//!   its first `await`). The future, its waker and later its output share
//!   one allocation ([`super::task`]).
//! * The task holds the resolve function as a GC root, as quickjs-libc's
//!   timers hold theirs (marking it from the context would make every
//!   collection move each pending task's function between the GC's lists,
//!   for nothing): the host releasing the context (`rust_context_released`,
//!   before the engine can free it) drops the task and frees the function,
//!   so a released context is never kept alive by its futures.
//! * Wakers fire on any thread and push the task to the ready list of
//!   [`Wake`], which raises the runtime's wake fd. A wake inside `run` (a
//!   timer firing, a future waking itself or another task of the same
//!   executor) goes straight to the backlog instead, with no lock and no
//!   system call; `run` raises the fd once at its end if the backlog is not
//!   empty.
//! * [`Executor::run`] is the body of `rust_run`, which the patched
//!   `JS_ExecutePendingJob` calls when its queue is empty: it wakes due
//!   timers, drains the fd, polls the woken futures and settles the promises
//!   of those that finished (enqueuing their reactions, never running them).
//!   After a batch the next call returns at once, so the host's loop reaches
//!   its poll (timers, I/O) between two batches: completions are macrotasks.
//! * When a context dies, [`Executor::drop_context`] drops its futures
//!   unsettled and frees their resolve functions.
//! * When the runtime's state is freed, the executor's drop closes the
//!   wake signal ([`Wake::close`]): a waker firing later (a worker thread
//!   of [`crate::blocking`] finishing after `JS_FreeRuntime`) neither
//!   writes the fd nor calls the host's callback, and its key is dropped.
//!
//! Invariants: futures are polled only on the JS thread, inside `run` or
//! `spawn`, with this thread marked as polling (so [`crate::sleep`] finds the
//! timer queue and `AsyncCtx::with` may touch the context); every task's
//! resolve function is owned by the task and freed exactly once (settled,
//! or dropped with its context); an interrupt that reached Rust while a
//! future ran rejects its promise with the interrupt.

use super::polling::PollingGuard;
pub(crate) use super::task::TaskName;
use super::task::{Runnable, TaskCell, TaskStack};
use super::timers::Timers;
pub(crate) use super::wake::TaskKey;
use super::wake::{Wake, WakeCallback};
use crate::engine::convert::limits;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::interrupts;
use crate::engine::handle::interrupts::InterruptWatch;
use crate::engine::handle::state::{RuntimePart, RuntimeSlot, RuntimeState};
use crate::engine::handle::traits::IntoJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The most woken futures one `run` polls. The rest wait in the backlog
/// for the loop's next turn, after the reactions of this batch ran: the
/// host's loop (its own timers, its I/O) gets a turn between the batches of
/// a wave of completions, as quickjs-libc's timers fire one per turn.
const BATCH: usize = 256;

/// Who started a task.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Origin {
    /// A JS call of the native async function the task is named after.
    JsCall,
    /// Rust (`Promise::spawn`): no JS frame started it.
    Rust,
}

/// What a task of `cell_size` bytes (its `TaskCell`) holds in all: the
/// cell with its reference counts, and its slot in the slab. Counted as the
/// runtime's memory while the task lives ([`limits::count_held`]).
fn task_bytes(cell_size: usize) -> usize {
    cell_size + 2 * size_of::<usize>() + size_of::<Slot>()
}

/// A live task, as the slab holds it.
struct Task {
    ctx: *mut sys::JSContext,
    /// The promise's resolve function (owned: a GC root until the task is
    /// settled or its context released). A rejection resolves it with a
    /// rejected promise, so the reject function is freed at once: one
    /// object less per pending future.
    resolve: sys::JSValue,
    /// The future, its waker and its output.
    cell: Arc<dyn Runnable>,
}

impl Drop for Task {
    /// Whoever removes a task drops its future then, on the JS thread (a
    /// waker elsewhere may keep the allocation a while longer). The resolve
    /// function is the remover's to free.
    fn drop(&mut self) {
        // SAFETY: tasks live in their executor's slab: whoever drops one is
        // that executor, on its runtime's thread.
        unsafe { self.cell.cancel() };
    }
}

struct Slot {
    generation: u32,
    task: Option<Task>,
}

/// One runtime's executor (owned by its Rust state).
pub(crate) struct Executor {
    wake: Arc<Wake>,
    timers: Arc<Mutex<Timers>>,
    slots: RefCell<Vec<Slot>>,
    free: RefCell<Vec<u32>>,
    live: Cell<usize>,
    /// Set after a batch of completions ran: the next `run` returns at once.
    yield_next: Cell<bool>,
    /// Woken tasks beyond the current batch, polled by the next `run`s.
    backlog: RefCell<VecDeque<TaskKey>>,
    /// `run`'s buffers (due wakers, the batch), kept between calls (within
    /// `exec::recycled`'s bound) so a wave of completions does not grow
    /// fresh vectors on every turn. Taken out while in use: a nested `run`
    /// (a future running the job loop) finds them empty and allocates its
    /// own.
    due: Cell<Vec<std::task::Waker>>,
    batch: Cell<Vec<TaskKey>>,
    /// Capture the JS stack of each async call (for its rejection's stack).
    capture_stacks: Cell<bool>,
}

/// The executor is the async layer's part of its runtime's state, made on
/// first use; a context that goes takes its futures with it.
impl RuntimePart for Executor {
    const SLOT: RuntimeSlot = RuntimeSlot::Executor;
    fn context_gone(&self, rt: *mut sys::JSRuntime, ctx: *mut sys::JSContext) {
        self.drop_context(rt, ctx);
    }
}

impl Executor {
    /// The executor of `state`'s runtime (made on first use).
    #[inline]
    pub(crate) fn of(state: &RuntimeState) -> &Executor {
        state.part(Executor::new)
    }

    /// The executor of `state`'s runtime, if one was made.
    #[inline]
    pub(crate) fn of_if_made(state: &RuntimeState) -> Option<&Executor> {
        state.part_if_made()
    }

    pub(crate) fn new() -> Self {
        Executor {
            wake: Arc::new(Wake::new()),
            timers: Default::default(),
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            live: Cell::new(0),
            yield_next: Cell::new(false),
            backlog: RefCell::new(VecDeque::new()),
            due: Cell::new(Vec::new()),
            batch: Cell::new(Vec::new()),
            capture_stacks: Cell::new(false),
        }
    }

    /// Whether each JS call of an async function captures the JS stack
    /// then, so that a later rejection shows the JS caller (costs about a
    /// `new Error()` per call); otherwise a rejection shows the native
    /// frame only.
    pub(crate) fn set_capture_stacks(&self, on: bool) {
        self.capture_stacks.set(on);
    }

    /// How many futures are alive (they keep the host's loop alive).
    pub(crate) fn live(&self) -> usize {
        self.live.get()
    }

    /// What wakers share: its signal (fd or event handle) becomes raised
    /// when a future can make progress, and can be waited on without the
    /// runtime's lock (clone the `Arc`).
    pub(crate) fn wake(&self) -> &Arc<Wake> {
        &self.wake
    }

    /// Makes the wake fd readable (any thread): a thread waiting on it
    /// without the runtime's lock re-checks what it waits for.
    pub(crate) fn kick(&self) {
        self.wake.kick()
    }

    /// Sets the host's wake callback (any thread); when it returns, the
    /// old one is not running and will not be called (see
    /// [`Wake::set_callback`]).
    pub(crate) fn set_wake_callback(&self, callback: Option<WakeCallback>) -> Result<()> {
        self.wake.set_callback(callback)
    }

    /// The time until the next timer is due (`None` without live futures
    /// or timers).
    pub(crate) fn next_timeout(&self) -> Option<Duration> {
        if self.live.get() == 0 {
            return None;
        }
        if !self.backlog.borrow().is_empty() {
            return Some(Duration::ZERO);
        }
        let mut timers = self.timers.lock().unwrap_or_else(|e| e.into_inner());
        timers.next_timeout(Instant::now())
    }

    /// Inserts the task `make` builds for its key (the waker names it);
    /// returns what `make` returns besides.
    fn insert_with<R>(&self, make: impl FnOnce(TaskKey) -> (Task, R)) -> R {
        let mut slots = self.slots.borrow_mut();
        let index = self.free.borrow_mut().pop().unwrap_or_else(|| {
            slots.push(Slot {
                generation: 0,
                task: None,
            });
            (slots.len() - 1) as u32
        });
        let slot = &mut slots[index as usize];
        let (task, extra) = make(TaskKey {
            index,
            generation: slot.generation,
        });
        slot.task = Some(task);
        self.live.set(self.live.get() + 1);
        extra
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
        // SAFETY: a task's context is alive while it is in the slab (its
        // release removes it), and so is its runtime.
        unsafe {
            let bytes = task_bytes(size_of_val(&*task.cell));
            limits::uncount_held(sys::JS_GetRuntime(task.ctx), bytes);
        }
        Some(task)
    }

    fn contains(&self, key: TaskKey) -> bool {
        self.slots
            .borrow()
            .get(key.index as usize)
            .is_some_and(|s| s.generation == key.generation && s.task.is_some())
    }

    /// Spawns `future` for `ctx` (whose state must exist, so its release
    /// drops the task); returns its Promise. The first poll
    /// happens now, inside the call; a future already done settles on the
    /// loop's next turn all the same (completions stay macrotasks).
    pub(crate) fn spawn<'js, Fut>(
        &self,
        ctx: Ctx<'js>,
        name: TaskName,
        origin: Origin,
        future: Fut,
    ) -> Result<Value<'js>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: for<'a> IntoJs<'a> + Send + 'static,
    {
        // The host's loop must be able to wait for this future: the wake
        // fd exists from the first one on (an error now if none is left).
        self.wake.signal()?;
        let stack = match origin {
            Origin::Rust => TaskStack::Empty,
            Origin::JsCall if self.capture_stacks.get() => ctx
                .current_stack()
                .map_or(TaskStack::Native, |s| TaskStack::Captured(s.into())),
            Origin::JsCall => TaskStack::Native,
        };
        let c = ctx.as_raw();
        let mut funcs = [sys::JS_UNDEFINED; 2];
        // SAFETY: c is live; on success we own the promise and both functions.
        let promise = ctx.check(unsafe { sys::JS_NewPromiseCapability(c, funcs.as_mut_ptr()) })?;
        // SAFETY: we own it; see Task::resolve.
        unsafe { sys::JS_FreeValue(c, funcs[1]) };
        // The task's memory counts as the runtime's while it lives.
        if let Err(e) = limits::count_held(ctx, task_bytes(size_of::<TaskCell<Fut>>())) {
            // SAFETY: ours, unused.
            unsafe { sys::JS_FreeValue(c, funcs[0]) };
            return Err(e);
        }
        // In the slab before its first poll, which may run the job loop.
        let (key, cell) = self.insert_with(|key| {
            let cell: Arc<dyn Runnable> =
                TaskCell::new(self.wake.clone(), key, name, stack, future);
            let task = Task {
                ctx: c,
                resolve: funcs[0],
                cell: cell.clone(),
            };
            (task, (key, cell))
        });
        let ready = {
            let _polling =
                PollingGuard::enter(ctx.rt(), &self.wake, &self.backlog, &self.timers, false);
            // SAFETY: ours, on the runtime's thread (we hold `ctx`).
            unsafe { cell.poll() }
        };
        if !self.contains(key) {
            // Its context died during the poll: the future drops now.
            // SAFETY: as above.
            unsafe { cell.cancel() };
        } else if ready != Some(false) {
            self.wake.wake(key);
        }
        Ok(promise)
    }

    /// The body of `rust_run` for this executor: wakes due timers, polls the
    /// woken futures and settles those that finished. O(1) when nothing is
    /// ready; never blocks; enqueues jobs, never runs them.
    pub(crate) fn run(&self, rt: *mut sys::JSRuntime) {
        if self.live.get() == 0 {
            return;
        }
        if self.yield_next.replace(false) {
            // The fd stays readable for poll-based hosts (a wake since the
            // drain, or the backlog's kick); a callback-driven host was
            // signalled once for this readiness, so signal it again to come
            // back after its own turn.
            if self.wake.is_notified() || !self.backlog.borrow().is_empty() {
                self.wake.call_host();
            }
            return;
        }
        // From here on, wakes of our own tasks go straight to the backlog.
        let _polling = PollingGuard::enter(rt, &self.wake, &self.backlog, &self.timers, true);
        // Timers first: as many as a batch has room for (the rest fire on
        // the next turns), woken with the queue's lock released.
        let room = BATCH.saturating_sub(self.backlog.borrow().len());
        let mut due = self.due.take();
        self.timers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take_due(Instant::now(), room, &mut due);
        for waker in due.drain(..) {
            waker.wake();
        }
        self.due.set(super::recycled(due));
        let mut batch = self.batch.take();
        {
            let mut backlog = self.backlog.borrow_mut();
            self.wake.drain(&mut *backlog);
            let n = backlog.len().min(BATCH);
            batch.extend(backlog.drain(..n));
        }
        if batch.is_empty() {
            self.batch.set(batch);
            return;
        }
        self.yield_next.set(true);
        for key in batch.drain(..) {
            self.poll(key);
        }
        self.batch.set(batch);
        if !self.backlog.borrow().is_empty() {
            // Woken beyond this batch: the loop must come back at once.
            self.wake.kick();
        }
    }

    /// Polls one woken task; settles its promise if it finished.
    fn poll(&self, key: TaskKey) {
        let Some(cell) = self
            .slots
            .borrow()
            .get(key.index as usize)
            .filter(|s| s.generation == key.generation)
            .and_then(|s| s.task.as_ref())
            .map(|t| t.cell.clone())
        else {
            return; // settled or dropped since it was woken
        };
        let watch = InterruptWatch::start();
        // SAFETY: the task was in our slab, and `run` runs on the runtime's
        // thread (the same for the `Runnable` calls below).
        match unsafe { cell.poll() } {
            Some(true) => {}
            Some(false) => {
                if !self.contains(key) {
                    // Its context died during the poll.
                    // SAFETY: as above.
                    unsafe { cell.cancel() };
                }
                return;
            }
            None => {
                // Woken while it is being polled further up this stack (its
                // `AsyncCtx::with` ran the job loop): come back next round.
                self.wake.wake(key);
                return;
            }
        }
        let Some(task) = self.remove(key) else {
            // Its context died during the poll.
            // SAFETY: as above.
            unsafe { cell.cancel() };
            return;
        };
        // SAFETY: the task existed, so its context's anchor is alive (and
        // the resolve function we now own keeps its realm alive).
        let ctx = unsafe { Ctx::from_raw(task.ctx) };
        // An interrupt that reached the future while it ran is its outcome,
        // whatever the future made of it (as for a native call).
        let header = cell.header();
        let outcome = watch
            .check(ctx)
            // SAFETY: as above (it said ready, once).
            .and_then(|()| unsafe { cell.settle(ctx) });
        if let Err(Error::Panic(p)) = &outcome {
            if interrupts::panic_ends_script(ctx) {
                // The script ends with the panic; its promise never settles.
                interrupts::end_with_panic(ctx, p.clone());
                // SAFETY: the resolve function is ours (removed from the slab).
                unsafe { sys::JS_FreeValue(ctx.as_raw(), task.resolve) };
                return;
            }
        }
        let value = outcome.or_else(|e| {
            let reason = match &header.stack {
                TaskStack::Empty => ctx.error_value(e),
                TaskStack::Native => {
                    ctx.error_value_with_stack(e, &format!("    at {} (native)\n", &*header.name))
                }
                TaskStack::Captured(stack) => ctx.error_value_with_stack(e, stack),
            };
            rejected_promise(ctx, reason)
        });
        let c = ctx.as_raw();
        // SAFETY: c is live; the task's resolve function is owned by us
        // (removed from the slab) and freed here.
        unsafe {
            if let Ok(value) = value {
                settle_with(c, task.resolve, &value);
            }
            if sys::JS_HasException(c) {
                // Only out-of-memory gets here; nobody can observe this promise.
                sys::JS_FreeValue(c, sys::JS_GetException(c));
            }
            sys::JS_FreeValue(c, task.resolve);
        }
    }

    /// Drops the tasks of a dead (or released) context, unsettled.
    pub(crate) fn drop_context(&self, rt: *mut sys::JSRuntime, ctx: *mut sys::JSContext) {
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

impl Drop for Executor {
    /// The runtime's state is being freed: the wake signal closes (its fd
    /// too) and the host's callback is dropped; wakers that outlive the
    /// runtime (a worker thread finishing later) reach nothing of it.
    fn drop(&mut self) {
        self.wake.close();
    }
}

/// Calls a promise's resolve or reject function `func` with `value`, not
/// stopped by an interrupt at the call's entry ([`limits::settling`]): a
/// finished task's promise always settles.
///
/// # Safety
/// `c` live; `func` and `value` live values of its runtime.
unsafe fn settle_with(c: *mut sys::JSContext, func: sys::JSValue, value: &Value<'_>) {
    let mut arg = value.as_raw();
    // SAFETY: our caller's contract; the result is ours and freed at once.
    unsafe {
        let ret = limits::settling(|| sys::JS_Call(c, func, sys::JS_UNDEFINED, 1, &mut arg));
        sys::JS_FreeValue(c, ret);
    }
}

/// A promise rejected with `reason`, to settle a task's promise by
/// resolving it (it adopts the rejection). Error path only: one promise
/// more.
pub(crate) fn rejected_promise<'js>(ctx: Ctx<'js>, reason: Value<'js>) -> Result<Value<'js>> {
    let c = ctx.as_raw();
    let mut funcs = [sys::JS_UNDEFINED; 2];
    // SAFETY: c is live; on success we own the promise and both functions,
    // which are freed here; the promise goes to the returned Value.
    unsafe {
        let promise = ctx.check(sys::JS_NewPromiseCapability(c, funcs.as_mut_ptr()))?;
        // Handled: the task's promise adopts it (and is the one a host's
        // rejection tracker reports if nobody handles it).
        sys::JS_PromiseMarkAsHandled(c, promise.as_raw());
        settle_with(c, funcs[1], &reason);
        for f in funcs {
            sys::JS_FreeValue(c, f);
        }
        Ok(promise)
    }
}
