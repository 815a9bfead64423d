//! Cancelling a spawned future ([`crate::Promise::spawn_cancellable`]): the
//! future is wrapped so that a [`CancelHandle`], from any thread, makes its
//! next poll drop it and reject its promise.

use crate::engine::handle::error::{Error, Result};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct State {
    cancelled: AtomicBool,
    /// The task's waker, to poll it once more after a cancel.
    waker: Mutex<Option<Waker>>,
}

/// Cancels the future of [`crate::Promise::spawn_cancellable`]: `Send`, usable
/// from any thread. Dropping the handle does not cancel.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     let (p, handle) = quickjs::Promise::spawn_cancellable(ctx, std::future::pending::<i32>()).unwrap();
///     handle.cancel();
///     let e = p.wait::<i32>().unwrap_err();
///     assert!(e.to_string().contains("cancelled"), "{e}");
/// });
/// ```
#[derive(Clone)]
pub struct CancelHandle(Arc<State>);

impl CancelHandle {
    /// Drops the future at its next poll (on the runtime's thread, inside
    /// the job loop) and rejects its promise with `Error: spawn: cancelled`.
    /// Does nothing if it already finished.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::Release);
        let waker = self
            .0
            .waker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Whether [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Acquire)
    }
}

/// `future`, cancellable through the returned handle.
pub(crate) fn cancellable<F: Future>(future: F) -> (Cancellable<F>, CancelHandle) {
    let state = Arc::new(State::default());
    let wrapped = Cancellable {
        future: Some(Box::pin(future)),
        state: state.clone(),
    };
    (wrapped, CancelHandle(state))
}

pub(crate) struct Cancellable<F> {
    /// `None` once finished or cancelled (dropped at once).
    future: Option<Pin<Box<F>>>,
    state: Arc<State>,
}

impl<F: Future> Future for Cancellable<F> {
    type Output = Result<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.state.cancelled.load(Ordering::Acquire) {
            self.future = None;
            return Poll::Ready(Err(Error::message("spawn: cancelled")));
        }
        *self.state.waker.lock().unwrap_or_else(|e| e.into_inner()) = Some(cx.waker().clone());
        // A cancel between the check and storing the waker found no waker
        // to wake: look again.
        if self.state.cancelled.load(Ordering::Acquire) {
            self.future = None;
            return Poll::Ready(Err(Error::message("spawn: cancelled")));
        }
        let Some(future) = self.future.as_mut() else {
            return Poll::Ready(Err(Error::message("spawn: polled after completion")));
        };
        match future.as_mut().poll(cx) {
            Poll::Ready(v) => {
                self.future = None;
                Poll::Ready(Ok(v))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
