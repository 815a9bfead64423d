//! One spawned future, in one allocation: the future itself, its waker, and
//! then its output ([`TaskCell`]).
//!
//! The executor keeps a type-erased handle ([`Runnable`]) in its slab and
//! makes the task's [`Waker`] from the same `Arc`, so spawning a future
//! allocates once (no box for the future, none for the waker, none for the
//! output).
//!
//! Invariants: the future is polled, settled and dropped only on the JS
//! thread, by the executor that holds the task (the only code that can
//! reach a task's [`Runnable`] methods, which are `unsafe` for that
//! reason); it lives pinned inside the `Arc`'s allocation and is never
//! moved out, only dropped in place (by [`Runnable::cancel`], or when it
//! finishes); wakers (any thread) only read the header's key and wake
//! signal, so the last waker dropping elsewhere never drops a future (the
//! executor cancels every task it removes). So the stage needs no lock: a
//! flag (not atomic) tells a poll further up the stack.

use super::wake::TaskKey;
use super::wake::Wake;
use crate::engine::handle::boundary::guarded;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::IntoJs;
use crate::engine::handle::value::Value;
use std::cell::{Cell, UnsafeCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// What a task is named after: the native function (`#[js]`: a static
/// name; a Rust closure: its own) or `spawn`. Errors and the native frame
/// of its rejection's stack show it.
#[derive(Clone, Debug)]
pub(crate) enum TaskName {
    Static(&'static str),
    Shared(Arc<str>),
}

impl std::ops::Deref for TaskName {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            TaskName::Static(s) => s,
            TaskName::Shared(s) => s,
        }
    }
}

/// The stack a task's rejection error shows (it is made on the job loop,
/// where no frame is on the stack).
pub(crate) enum TaskStack {
    /// None (a task spawned from Rust).
    Empty,
    /// `at name (native)`: the native function the task is named after.
    Native,
    /// The JS stack of the call, captured when it started.
    Captured(Box<str>),
}

/// What every task has, whatever its future.
pub(crate) struct Header {
    wake: Arc<Wake>,
    key: TaskKey,
    pub(crate) name: TaskName,
    pub(crate) stack: TaskStack,
}

enum Stage<F: Future> {
    Running(F),
    /// Finished (or panicked): the output, until it is settled. The error
    /// is boxed: it is several times the size of most futures' outputs,
    /// and every task's allocation would carry its size.
    Finished(std::result::Result<F::Output, Box<Error>>),
    /// Settled or cancelled.
    Gone,
}

/// A future with its header (see the module docs).
pub(crate) struct TaskCell<F: Future> {
    header: Header,
    /// Set while the stage is borrowed (a poll, a settle, a cancel): a
    /// poll of the same task further down the stack finds it set.
    busy: Cell<bool>,
    stage: UnsafeCell<Stage<F>>,
}

// SAFETY: other threads reach a task only through its wakers, which read
// the header alone (`Wake` is `Sync`; the key is `Copy`). `busy` and
// `stage` are touched only through the `unsafe` `Runnable` methods, whose
// contract is the executor's: on the thread that holds the runtime, never
// on two threads at once (the runtime's lock orders them). The future and
// its output are `Send`, so whichever thread drops the last reference may
// drop the stage (by then `Gone`: the executor cancels what it removes).
unsafe impl<F: Future + Send> Sync for TaskCell<F> where F::Output: Send {}

/// The stage, borrowed (see [`TaskCell::try_stage`]).
struct StageGuard<'a, F: Future>(&'a TaskCell<F>);

impl<F: Future> std::ops::Deref for StageGuard<'_, F> {
    type Target = Stage<F>;
    fn deref(&self) -> &Stage<F> {
        // SAFETY: the guard is the only borrow of the stage (`busy`).
        unsafe { &*self.0.stage.get() }
    }
}

impl<F: Future> std::ops::DerefMut for StageGuard<'_, F> {
    fn deref_mut(&mut self) -> &mut Stage<F> {
        // SAFETY: as in `deref`.
        unsafe { &mut *self.0.stage.get() }
    }
}

impl<F: Future> Drop for StageGuard<'_, F> {
    fn drop(&mut self) {
        self.0.busy.set(false);
    }
}

/// What the executor does with a task, whatever its future.
///
/// # Safety
/// `poll`, `settle` and `cancel` may be called only by the executor that
/// holds the task, on the thread that holds its runtime (see the module
/// docs): the stage they touch has no lock.
pub(crate) trait Runnable: Send + Sync {
    fn header(&self) -> &Header;
    /// Polls the future once with the task's own waker (JS thread);
    /// `Some(true)` when its output is ready to settle, `None` if it is
    /// being polled further up this stack (come back later). A panic
    /// becomes its output (an error).
    unsafe fn poll(&self) -> Option<bool>;
    /// Takes the output as the JS value to resolve the promise with (JS
    /// thread, once, after `poll` said ready).
    unsafe fn settle<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>>;
    /// Drops the future or output in place (JS thread); a no-op if it is
    /// being polled (its poller cancels it when it finds it removed).
    unsafe fn cancel(&self);
}

impl<F> TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: for<'js> IntoJs<'js> + Send + 'static,
{
    /// A task for `future`.
    pub(crate) fn new(
        wake: Arc<Wake>,
        key: TaskKey,
        name: TaskName,
        stack: TaskStack,
        future: F,
    ) -> Arc<Self> {
        Arc::new(TaskCell {
            header: Header {
                wake,
                key,
                name,
                stack,
            },
            busy: Cell::new(false),
            stage: UnsafeCell::new(Stage::Running(future)),
        })
    }

    /// The stage, unless it is borrowed further up this stack.
    ///
    /// # Safety
    /// As the `Runnable` methods (the executor's thread only).
    unsafe fn try_stage(&self) -> Option<StageGuard<'_, F>> {
        if self.busy.replace(true) {
            return None;
        }
        Some(StageGuard(self))
    }
}

impl<F> Runnable for TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: for<'js> IntoJs<'js> + Send + 'static,
{
    fn header(&self) -> &Header {
        &self.header
    }

    unsafe fn poll(&self) -> Option<bool> {
        // SAFETY: our caller's contract.
        let mut stage = unsafe { self.try_stage() }?;
        let Stage::Running(future) = &mut *stage else {
            return Some(matches!(*stage, Stage::Finished(_)));
        };
        // SAFETY: the future lives inside this `Arc`'s allocation, which
        // never moves, and is never moved out of it: it is only dropped in
        // place, by assigning a new stage below or in `cancel`.
        let future = unsafe { Pin::new_unchecked(future) };
        // The task's waker, borrowed: no reference count is taken for the
        // poll (a future that keeps the waker clones it, which counts).
        // SAFETY: a `TaskCell` only ever lives in an `Arc` (`new` is its
        // only constructor), and our caller holds a strong reference for
        // the call; `ManuallyDrop` never gives back the one not taken.
        let waker = ManuallyDrop::new(Waker::from(unsafe { Arc::from_raw(self as *const Self) }));
        let polled = guarded(&self.header.name, || {
            Ok(future.poll(&mut Context::from_waker(&waker)))
        });
        match polled {
            Ok(Poll::Pending) => return Some(false),
            Ok(Poll::Ready(output)) => *stage = Stage::Finished(Ok(output)),
            Err(error) => *stage = Stage::Finished(Err(Box::new(error))),
        }
        Some(true)
    }

    unsafe fn settle<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        // SAFETY: our caller's contract.
        let output = match unsafe { self.try_stage() }
            .map(|mut s| std::mem::replace(&mut *s, Stage::Gone))
        {
            Some(Stage::Finished(output)) => output,
            _ => return Err(Error::internal("a task was settled before it finished")),
        };
        output
            .map_err(|e| *e)
            .and_then(|o| guarded(&self.header.name, || o.into_js(ctx)))
    }

    unsafe fn cancel(&self) {
        // SAFETY: our caller's contract.
        if let Some(mut stage) = unsafe { self.try_stage() } {
            // Dropped out of the stage first: a panicking destructor (caught
            // here, so the executor goes on with its other tasks) leaves
            // the stage `Gone`, not half-dropped.
            let gone = std::mem::replace(&mut *stage, Stage::Gone);
            crate::engine::handle::boundary::no_unwind((), || drop(gone));
        }
    }
}

impl<F: Future> std::task::Wake for TaskCell<F> {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }
    fn wake_by_ref(self: &Arc<Self>) {
        let Header { wake, key, .. } = &self.header;
        // In its executor's run (a timer firing, a future waking another):
        // no lock, no signal; anywhere else the thread-safe path.
        if !super::polling::wake_in_run(wake, *key) {
            wake.wake(*key)
        }
    }
}
