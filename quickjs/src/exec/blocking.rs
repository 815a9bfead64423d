//! [`blocking`]: blocking work on its own thread, awaited from a future
//! without blocking the JS thread. Its completion wakes the runtime from
//! that thread (the wake fd, or the host's wake callback).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

struct Slot<T> {
    result: Option<std::thread::Result<T>>,
    waker: Option<Waker>,
}

/// Runs `f` on a new thread; the returned future completes with its result.
/// A panic in `f` resumes when the future is polled (inside a `#[js] async
/// fn` that rejects its promise, as any panic does).
///
/// ```
/// #[quickjs::js]
/// async fn checksum(text: String) -> u32 {
///     quickjs::blocking(move || text.bytes().fold(0u32, |h, b| h.rotate_left(5) ^ b as u32)).await
/// }
/// # fn main() {
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     let p = quickjs::Promise::spawn(ctx, quickjs::blocking(|| 6 * 7)).unwrap();
///     assert_eq!(p.wait::<i32>().unwrap(), 42);
/// });
/// # }
/// ```
pub fn blocking<T, F>(f: F) -> Blocking<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = Arc::new(Mutex::new(Slot {
        result: None,
        waker: None,
    }));
    let theirs = slot.clone();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let waker = {
            let mut s = theirs.lock().unwrap_or_else(|e| e.into_inner());
            s.result = Some(result);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    });
    Blocking { slot }
}

/// The future of [`blocking`].
#[must_use = "futures do nothing unless awaited"]
pub struct Blocking<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Future for Blocking<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        match s.result.take() {
            Some(Ok(v)) => Poll::Ready(v),
            Some(Err(panic)) => {
                drop(s);
                std::panic::resume_unwind(panic)
            }
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
