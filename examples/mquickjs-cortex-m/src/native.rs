//! The crate's `#[js]` functions: globals of its standard library (in ROM),
//! declared by build.rs. The same code as on a host.
use mquickjs::js;

/// The n-th Fibonacci number, recursively (a CPU workout).
#[js]
pub fn fib(n: i32) -> i32 {
    if n < 2 {
        n
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

/// `a + b`.
#[js]
pub fn add(a: f64, b: f64) -> f64 {
    a + b
}
