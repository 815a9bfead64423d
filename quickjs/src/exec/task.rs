//! One spawned future, in one allocation: the future itself, its waker, and
//! then its output ([`TaskCell`]).
//!
//! The executor keeps a type-erased handle ([`Runnable`]) in its slab and
//! makes the task's [`Waker`] from the same `Arc`, so spawning a future
//! allocates once (no box for the future, none for the waker, none for the
//! output).
//!
//! Invariants: the future is polled, settled and dropped only on the JS
//! thread, by the executor; it lives pinned inside the `Arc`'s allocation
//! and is never moved out, only dropped in place (by [`Runnable::cancel`],
//! or when it finishes); wakers (any thread) only read the header's key and
//! wake signal, so the last waker dropping elsewhere never drops a future
//! (the executor cancels every task it removes).

use super::executor::{TaskKey, TaskName};
use super::wake::Wake;
use crate::core::boundary::guarded;
use crate::core::convert::IntoJs;
use crate::core::ctx::Ctx;
use crate::core::error::{Error, Result};
use crate::core::value::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::task::{Context, Poll, Waker};

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
    stage: Mutex<Stage<F>>,
}

/// What the executor does with a task, whatever its future.
pub(crate) trait Runnable: Send + Sync {
    fn header(&self) -> &Header;
    /// The task's waker (the same allocation).
    fn waker(self: Arc<Self>) -> Waker;
    /// Polls the future once with `waker` (JS thread); `Some(true)` when its
    /// output is ready to settle, `None` if it is being polled further up
    /// this stack (come back later). A panic becomes its output (an error).
    fn poll(&self, waker: &Waker) -> Option<bool>;
    /// Takes the output as the JS value to resolve the promise with (JS
    /// thread, once, after `poll` said ready).
    fn settle<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>>;
    /// Drops the future or output in place (JS thread); a no-op if it is
    /// being polled (its poller cancels it when it finds it removed).
    fn cancel(&self);
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
            stage: Mutex::new(Stage::Running(future)),
        })
    }

    /// The stage, unless it is locked further up this stack.
    fn try_stage(&self) -> Option<MutexGuard<'_, Stage<F>>> {
        match self.stage.try_lock() {
            Ok(guard) => Some(guard),
            // Poisoned only by a panicking destructor: the stage it left is
            // still a valid one.
            Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
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

    fn waker(self: Arc<Self>) -> Waker {
        Waker::from(self)
    }

    fn poll(&self, waker: &Waker) -> Option<bool> {
        let mut stage = self.try_stage()?;
        let Stage::Running(future) = &mut *stage else {
            return Some(matches!(*stage, Stage::Finished(_)));
        };
        // SAFETY: the future lives inside this `Arc`'s allocation, which
        // never moves, and is never moved out of it: it is only dropped in
        // place, by assigning a new stage below or in `cancel`.
        let future = unsafe { Pin::new_unchecked(future) };
        let polled = guarded(&self.header.name, || {
            Ok(future.poll(&mut Context::from_waker(waker)))
        });
        match polled {
            Ok(Poll::Pending) => return Some(false),
            Ok(Poll::Ready(output)) => *stage = Stage::Finished(Ok(output)),
            Err(error) => *stage = Stage::Finished(Err(Box::new(error))),
        }
        Some(true)
    }

    fn settle<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let output = match self
            .try_stage()
            .map(|mut s| std::mem::replace(&mut *s, Stage::Gone))
        {
            Some(Stage::Finished(output)) => output,
            _ => return Err(Error::internal("a task was settled before it finished")),
        };
        output
            .map_err(|e| *e)
            .and_then(|o| guarded(&self.header.name, || o.into_js(ctx)))
    }

    fn cancel(&self) {
        if let Some(mut stage) = self.try_stage() {
            *stage = Stage::Gone;
        }
    }
}

impl<F: Future> std::task::Wake for TaskCell<F> {
    fn wake(self: Arc<Self>) {
        self.header.wake.wake(self.header.key)
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.header.wake.wake(self.header.key)
    }
}
