//! The example native module that the project's `qjs` has built in as
//! `'rust'`: plain Rust functions, exported with `#[js]`.
#![warn(missing_docs)]

use quickjs::js;
use std::time::Duration;

/// The triangular sum n + (n-1) + ... + 1 (0 for n <= 0), recursively.
#[js]
pub fn fib(n: i64) -> i64 {
    if n <= 1 {
        n.max(0)
    } else {
        n + fib(n - 1)
    }
}

/// Resolves after `ms` milliseconds, without blocking the JS thread (a
/// timer of the runtime's own loop: no thread involved).
#[js]
pub async fn sleep(ms: u64) {
    quickjs::sleep(Duration::from_millis(ms)).await;
}

/// A checksum of `text`, computed on a worker thread (`quickjs::blocking`):
/// the JS thread goes on meanwhile, and the worker's completion wakes the
/// loop from that thread.
#[js]
pub async fn checksum(text: String) -> u32 {
    quickjs::blocking(move || {
        text.bytes()
            .fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619))
    })
    .await
}

quickjs::module!(pub static RUST = "rust" { fib, sleep, checksum });

/// Declares this crate's modules (`rust`) in `ctx`: the C entry point of
/// the static library a C host links (`libquickjs_rust.a`, header
/// `include/quickjs_rust.h`) and of this crate's `qjs`. Idempotent: a second
/// call for the same context does nothing. Returns 0, or -1 on failure.
/// (Written out rather than with `quickjs::js_add_rust!` so that cbindgen,
/// which does not expand macros, sees it.)
///
/// # Safety
/// `ctx` must be a live context of the live runtime `rt`, used on this thread.
#[no_mangle]
pub unsafe extern "C" fn JS_AddRust(
    ctx: *mut quickjs::sys::JSContext,
    rt: *mut quickjs::sys::JSRuntime,
) -> std::os::raw::c_int {
    // SAFETY: our caller's contract is add_rust's.
    unsafe { quickjs::add_rust(ctx, rt, &[&RUST]) }
}
