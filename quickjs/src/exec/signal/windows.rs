//! The Windows signal: a manual-reset event object. Raised with `SetEvent`,
//! cleared with `ResetEvent`, waited on with `WaitForSingleObject` here and
//! with `WaitForMultipleObjects` by quickjs-libc's Windows `js_os_poll`
//! (through `rust_wake_handle`), or registered with async-io's `Waitable`
//! by an async driver. The kernel32 functions are declared here (std links
//! kernel32): no extra dependency.

use super::os_error;
use crate::core::error::Result;
use std::ffi::c_void;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle, RawHandle};
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

/// The event and its ownership (closed on drop).
pub(crate) struct Signal {
    event: OwnedHandle,
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
            // SAFETY: `h` is a fresh handle nobody else owns.
            event: unsafe { OwnedHandle::from_raw_handle(h) },
        })
    }

    /// Sets the event (from any thread).
    pub(crate) fn raise(&self) {
        // SAFETY: our own open event handle.
        unsafe { SetEvent(self.handle()) };
    }

    /// Resets the event (on the JS thread).
    pub(crate) fn clear(&self) {
        // SAFETY: our own open event handle.
        unsafe { ResetEvent(self.handle()) };
    }

    /// The event handle to wait on.
    pub(crate) fn handle(&self) -> RawHandle {
        self.event.as_raw_handle()
    }

    /// Sleeps until the event is set or `timeout` passed.
    pub(crate) fn wait(&self, timeout: Option<Duration>) {
        let ms = match super::timeout_ms(timeout) {
            -1 => INFINITE,
            ms => ms as u32,
        };
        // SAFETY: our own open event handle.
        unsafe { WaitForSingleObject(self.handle(), ms) };
    }
}
