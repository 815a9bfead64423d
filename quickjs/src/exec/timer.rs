//! Timers driven by the JS loop itself: [`sleep`] and [`sleep_until`].
//!
//! A [`Sleep`] polled by a runtime's executor registers its deadline in that
//! executor's timer queue ([`Timers`]); the host's loop learns the next
//! deadline from `rust_next_timeout` (the patched quickjs-libc folds it into
//! its `poll(2)` timeout, [`crate::Runtime::run_until_idle`] does the same)
//! and `rust_run` wakes the futures whose deadline passed. No timer thread,
//! no cross-thread wake-up: a Rust `sleep` costs about what an `os.setTimeout`
//! does. Polled anywhere else (another executor), a `Sleep` falls back to
//! async-io's timer, so it works everywhere.

use super::polling::current_timers;
use super::timers::{lock, TimerKey, Timers};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// A future that completes after `duration`.
///
/// Inside a runtime (a `#[js] async fn`, [`crate::Promise::spawn`]) the runtime's
/// own loop drives it; elsewhere it uses a background timer.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// ctx.with(|ctx| {
///     let p = quickjs::Promise::spawn(ctx, async {
///         quickjs::sleep(Duration::from_millis(20)).await;
///         "late"
///     }).unwrap();
///     assert_eq!(p.wait::<String>().unwrap(), "late");
/// });
/// assert!(start.elapsed() >= Duration::from_millis(20));
/// ```
#[inline]
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(Instant::now() + duration)
}

/// A future that completes at `deadline` (at once if it has passed).
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use std::time::{Duration, Instant};
/// let at = Instant::now() + Duration::from_millis(5);
/// ctx.with(|ctx| {
///     let p = quickjs::Promise::spawn(ctx, async move { quickjs::sleep_until(at).await }).unwrap();
///     p.wait::<()>().unwrap();
/// });
/// assert!(Instant::now() >= at);
/// ```
#[inline]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        state: State::New,
    }
}

/// The future of [`sleep`] and [`sleep_until`].
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    deadline: Instant,
    state: State,
}

enum State {
    New,
    /// In a runtime's timer queue.
    Queued(Arc<Mutex<Timers>>, TimerKey),
    /// Polled outside any runtime's executor (boxed: it is large and rare).
    Fallback(Box<async_io::Timer>),
    Done,
}

impl Sleep {
    /// When it completes.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let at = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(quickjs::sleep_until(at).deadline(), at);
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    fn cancel(&mut self) {
        if let State::Queued(timers, key) = std::mem::replace(&mut self.state, State::Done) {
            lock(&timers).cancel(key);
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        match &mut this.state {
            State::New => match current_timers() {
                // Queued even if already due: it then fires on the loop's
                // next turn, like a 0 ms timer. No clock read here.
                Some(timers) => {
                    let key = lock(&timers).insert(this.deadline, cx.waker().clone());
                    // `New` holds nothing: no drop to run for it.
                    std::mem::forget(std::mem::replace(
                        &mut this.state,
                        State::Queued(timers, key),
                    ));
                    Poll::Pending
                }
                None => {
                    this.state = State::Fallback(Box::new(async_io::Timer::at(this.deadline)));
                    Pin::new(this).poll(cx)
                }
            },
            State::Queued(timers, key) => {
                let mut queue = lock(timers);
                if queue.fired(*key) {
                    drop(queue);
                    this.state = State::Done;
                    return Poll::Ready(());
                }
                queue.update(*key, cx.waker());
                Poll::Pending
            }
            State::Fallback(t) => Pin::new(&mut **t).poll(cx).map(|_| ()),
            State::Done => Poll::Ready(()),
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel();
    }
}
