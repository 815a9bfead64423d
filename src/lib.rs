//! The example native module that the project's `qjs` has built in as
//! `'rust'`: plain Rust functions, exported with `#[js]`.

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

quickjs::module!(pub static RUST = "rust" { fib, sleep });
