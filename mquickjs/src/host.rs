//! The host's globals in a crate's standard library (`print`,
//! `console.log`, `Date.now`, `performance.now`, `gc`): the generated
//! tables name these functions; they reach the context's print sink and
//! clock through its host state.

use crate::context::Ctx;
use crate::value::string_bytes;
use core::ffi::c_int;
use mquickjs_sys as sys;

/// `print(...)` / `console.log(...)`: strings as they are, other values as
/// the engine prints them, separated by spaces, then a newline.
///
/// # Safety
/// Called by the engine with a context this crate made.
#[export_name = "mquickjs_rust_print"]
pub unsafe extern "C" fn print(
    ctx: *mut sys::JSContext,
    _this: *mut sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: (engine) a context this crate made, argc arguments.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    for i in 0..argc.max(0) as usize {
        if i > 0 {
            ctx.print(b" ");
        }
        // SAFETY: argv[i] is read fresh (printing allocates nothing the
        // next argument depends on: each is re-read from the stack slot).
        let v = unsafe { *argv.add(i) };
        let mut buf = sys::JSCStringBuf::default();
        // SAFETY: `v` is current; the bytes are printed at once.
        match unsafe { string_bytes(ctx, v, &mut buf) } {
            Some(b) => ctx.print(b),
            // SAFETY: a live context; output goes to the log function.
            None => unsafe { sys::JS_PrintValueF(ctx.raw(), v, sys::JS_DUMP_LONG) },
        }
    }
    ctx.print(b"\n");
    sys::JS_UNDEFINED
}

fn now(ctx: *mut sys::JSContext) -> sys::JSValue {
    // SAFETY: (engine) a context this crate made.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    // SAFETY: a live context.
    unsafe { sys::JS_NewFloat64(ctx.raw(), (ctx.now() as i64) as f64) }
}

/// `Date.now()`: the host's clock, whole milliseconds.
///
/// # Safety
/// Called by the engine with a context this crate made.
#[export_name = "mquickjs_rust_date_now"]
pub unsafe extern "C" fn date_now(
    ctx: *mut sys::JSContext,
    _this: *mut sys::JSValue,
    _argc: c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    now(ctx)
}

/// `performance.now()`: the host's clock.
///
/// # Safety
/// Called by the engine with a context this crate made.
#[export_name = "mquickjs_rust_performance_now"]
pub unsafe extern "C" fn performance_now(
    ctx: *mut sys::JSContext,
    _this: *mut sys::JSValue,
    _argc: c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    now(ctx)
}

/// `gc()`: a collection now.
///
/// # Safety
/// Called by the engine with a context this crate made.
#[export_name = "mquickjs_rust_gc"]
pub unsafe extern "C" fn gc(
    ctx: *mut sys::JSContext,
    _this: *mut sys::JSValue,
    _argc: c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: (engine) a live context; native code holds no raw values.
    unsafe { sys::JS_GC(ctx) };
    sys::JS_UNDEFINED
}
