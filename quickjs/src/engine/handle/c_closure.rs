//! `JS_NewCClosure` with data the engine may or may not have taken when it
//! fails: the one place that tells which (quickjs-ng only).
//!
//! Once the engine has attached the data to the function object it frees
//! it (through the finalizer) on every path, a failed making included; a
//! failure before that leaves it with the caller. The finalizer clears the
//! pointer being made ([`finalized`]), so the caller learns which.

use quickjs_sys as sys;
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_int, c_void};

thread_local! {
    /// The data `new` is handing to the engine, until the engine frees it.
    static MAKING: Cell<*mut c_void> = const { Cell::new(std::ptr::null_mut()) };
}

/// The C closure's value (or `JS_EXCEPTION`), and whether `data` is still
/// the caller's to free (only ever after a failure).
///
/// # Safety
/// `ctx` is live; `finalize` calls [`finalized`] with the data first.
pub(crate) unsafe fn new(
    ctx: *mut sys::JSContext,
    func: sys::JSCClosure,
    name: &CStr,
    finalize: sys::JSCClosureFinalizerFunc,
    length: c_int,
    data: *mut c_void,
) -> (sys::JSValue, bool) {
    let outer = MAKING.with(|m| m.replace(data));
    // SAFETY: (caller) ctx is live; name is NUL-terminated.
    let v = unsafe { sys::JS_NewCClosure(ctx, func, name.as_ptr(), finalize, length, 0, data) };
    let kept = !MAKING.with(|m| m.replace(outer)).is_null();
    (v, sys::JS_IsException(v) && kept)
}

/// Called first by a finalizer given to [`new`]: `data` is being freed.
pub(crate) fn finalized(data: *mut c_void) {
    let _ = MAKING.try_with(|m| {
        if m.get() == data {
            m.set(std::ptr::null_mut());
        }
    });
}
