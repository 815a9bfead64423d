//! The wake signal of a runtime ([`Signal`]): something any thread raises
//! and the JS thread's loop waits on (quickjs-libc's `js_os_poll` through
//! `rust_wake_fd` / `rust_wake_handle`, `Runtime::run_until_idle`, an async
//! driver, a host's own poll loop).
//!
//! One meaning, a mechanism per platform:
//! - POSIX ([`unix`]): a descriptor that becomes readable (an `eventfd` on
//!   Linux and Android, a self-pipe elsewhere).
//! - Windows ([`windows`]): a manual-reset event object, the kind of handle
//!   quickjs-libc's Windows `js_os_poll` passes to `WaitForMultipleObjects`.
//!
//! Invariant: after [`Signal::raise`] the signal stays raised (the fd
//! readable, the event set) until the next [`Signal::clear`]; raising a
//! raised signal changes nothing a waiter can see. [`Signal::wait`] returns
//! once it is raised or the timeout passed, and needs no lock.

use crate::engine::handle::error::Error;
use std::os::raw::c_int;
use std::time::Duration;

#[cfg(all(unix, not(quickjs_loom)))]
mod unix;
#[cfg(all(unix, not(quickjs_loom)))]
pub(crate) use unix::Signal;

#[cfg(all(windows, not(quickjs_loom)))]
mod windows;
#[cfg(all(windows, not(quickjs_loom)))]
pub(crate) use windows::Signal;

#[cfg(quickjs_loom)]
mod model;
#[cfg(quickjs_loom)]
pub(crate) use model::Signal;

#[cfg(not(any(unix, windows)))]
compile_error!("quickjs: the wake signal needs a POSIX or Windows target");

/// A wait timeout in milliseconds: rounded up (a timer never fires early),
/// -1 for none (`poll(2)`'s "forever"; Windows maps it to `INFINITE`).
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> c_int {
    timeout.map_or(-1, |d| {
        d.as_nanos().div_ceil(1_000_000).min(c_int::MAX as u128) as c_int
    })
}

#[cfg_attr(quickjs_loom, allow(dead_code))]
fn os_error(what: &str) -> Error {
    Error::internal(format!("{what}: {}", std::io::Error::last_os_error()))
}

#[cfg(all(test, not(quickjs_loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn timeouts_round_up_and_saturate() {
        assert_eq!(timeout_ms(None), -1);
        assert_eq!(timeout_ms(Some(Duration::ZERO)), 0);
        assert_eq!(timeout_ms(Some(Duration::from_nanos(1))), 1);
        assert_eq!(timeout_ms(Some(Duration::from_micros(1500))), 2);
        assert_eq!(timeout_ms(Some(Duration::from_secs(u64::MAX))), c_int::MAX);
    }

    #[test]
    fn a_wait_returns_when_another_thread_raises() {
        let s = Arc::new(Signal::new().unwrap());
        let t0 = Instant::now();
        s.wait(Some(Duration::from_millis(20)));
        assert!(
            t0.elapsed() >= Duration::from_millis(20),
            "timed out, not raised"
        );
        let raiser = {
            let s = s.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(10));
                s.raise();
            })
        };
        s.wait(None);
        raiser.join().unwrap();
        // Raised until cleared: a second wait returns at once.
        s.wait(None);
        s.clear();
        let t0 = Instant::now();
        s.wait(Some(Duration::from_millis(5)));
        assert!(t0.elapsed() >= Duration::from_millis(5), "cleared");
    }
}
