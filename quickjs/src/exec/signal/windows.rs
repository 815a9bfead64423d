//! The Windows signal: a manual-reset event object. Raised with `SetEvent`,
//! cleared with `ResetEvent`, waited on with `WaitForSingleObject` here and
//! with `WaitForMultipleObjects` by quickjs-libc's Windows `js_os_poll`
//! (through `rust_wake_handle`), or registered with async-io's `Waitable`
//! by an async driver. The kernel32 functions are declared here (std links
//! kernel32): no extra dependency.

use super::os_error;
use crate::engine::handle::error::Result;
use std::ffi::c_void;
use std::os::windows::io::{FromRawHandle, OwnedHandle, RawHandle};
use std::sync::atomic::{AtomicPtr, Ordering::Relaxed};
use std::time::Duration;

const INFINITE: u32 = u32::MAX;

#[link(name = "kernel32")]
extern "system" {
    fn CreateEventW(
        attributes: *mut c_void,
        manual_reset: i32,
        initial_state: i32,
        name: *const u16,
    ) -> RawHandle;
    fn SetEvent(event: RawHandle) -> i32;
    fn ResetEvent(event: RawHandle) -> i32;
    fn WaitForSingleObject(handle: RawHandle, milliseconds: u32) -> u32;
}

/// The event (closed by [`Signal::close`] or on drop).
///
/// As on POSIX (see `unix.rs`): closing needs no `&mut`, and the caller
/// ([`crate::exec::wake::Wake`]) makes sure no `raise` runs with it or
/// after it, and that the runtime's side is done with the signal first.
pub(crate) struct Signal {
    /// The event; null once closed.
    event: AtomicPtr<c_void>,
}

impl Signal {
    /// A new, unraised event.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: no attributes, no name: a fresh anonymous event, owned below.
        let h = unsafe { CreateEventW(std::ptr::null_mut(), 1, 0, std::ptr::null()) };
        if h.is_null() {
            return Err(os_error("CreateEventW"));
        }
        Ok(Signal {
            event: AtomicPtr::new(h),
        })
    }

    /// Closes the event now; afterwards the signal does nothing and its
    /// handle is null.
    pub(crate) fn close(&self) {
        let h = self.event.swap(std::ptr::null_mut(), Relaxed);
        if !h.is_null() {
            // SAFETY: our own handle, taken out of the signal by the swap:
            // closed once, never used by it again.
            drop(unsafe { OwnedHandle::from_raw_handle(h) });
        }
    }

    /// Sets the event (from any thread; never with or after
    /// [`Signal::close`]). Once closed, nothing.
    pub(crate) fn raise(&self) {
        let h = self.handle();
        if !h.is_null() {
            // SAFETY: our own open event handle (our caller's contract).
            unsafe { SetEvent(h) };
        }
    }

    /// Resets the event (on the JS thread). Once closed, nothing.
    pub(crate) fn clear(&self) {
        let h = self.handle();
        if !h.is_null() {
            // SAFETY: our own open event handle.
            unsafe { ResetEvent(h) };
        }
    }

    /// The event handle to wait on (null once closed).
    pub(crate) fn handle(&self) -> RawHandle {
        self.event.load(Relaxed)
    }

    /// Sleeps until the event is set or `timeout` passed. Once closed,
    /// returns at once.
    pub(crate) fn wait(&self, timeout: Option<Duration>) {
        let h = self.handle();
        if h.is_null() {
            return;
        }
        let ms = match super::timeout_ms(timeout) {
            -1 => INFINITE,
            ms => ms as u32,
        };
        // SAFETY: our own open event handle.
        unsafe { WaitForSingleObject(h, ms) };
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        self.close();
    }
}
