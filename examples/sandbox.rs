//! Running untrusted JS per request (a plugin sandbox).
//!
//! The recipe:
//! - one fresh `Runtime` + `Context` per request (or per tenant), so nothing
//!   leaks between requests and a runaway plugin only hurts its own heap;
//! - `Context::full` has no `qjs:std`/`qjs:os` and no native modules unless
//!   you add them: the plugin cannot touch files, processes or the network;
//! - a memory limit (a huge allocation becomes `InternalError: out of memory`);
//! - a stack limit (deep recursion becomes a `RangeError`);
//! - an interrupt handler with a deadline (an infinite loop becomes an
//!   uncatchable `InternalError: interrupted`: `try/catch` in the plugin
//!   cannot swallow it);
//! - only data in and out (`serde`-like plain values), never host objects.
//!
//! cargo run --example sandbox

use quickjs::{Context, Error, Runtime};
use std::time::{Duration, Instant};

/// Runs `plugin` (a script whose completion value is the answer) on `input`.
fn run_plugin(plugin: &str, input: &str) -> Result<String, Error> {
    let rt = Runtime::new()?;
    rt.set_memory_limit(Some(8 << 20));
    rt.set_max_stack_size(Some(256 << 10));
    let deadline = Instant::now() + Duration::from_millis(100);
    rt.set_interrupt_handler(Some(Box::new(move || Instant::now() > deadline)));
    let ctx = Context::full(&rt)?;
    ctx.with(|ctx| {
        ctx.globals().set("input", input)?;
        ctx.eval::<String>(plugin)
    })
}

fn main() {
    let plugins = [
        ("upper", "input.toUpperCase()"),
        (
            "infinite loop",
            "try { for (;;) {} } catch (e) { 'swallowed' }",
        ),
        (
            "deep recursion",
            "function f(n) { return f(n + 1) + 1 } String(f(0))",
        ),
        (
            "huge allocation",
            "let a = []; for (;;) a.push('x'.repeat(1 << 16)); ''",
        ),
        ("wrong result type", "42"),
        (
            "no os access",
            "typeof os === 'undefined' && typeof std === 'undefined' ? 'isolated' : 'leak'",
        ),
    ];
    for (name, code) in plugins {
        let start = Instant::now();
        match run_plugin(code, "hello") {
            Ok(out) => println!("{name:>18}: ok {out:?} ({:?})", start.elapsed()),
            Err(e) => println!(
                "{name:>18}: error {} ({:?})",
                e.to_string().lines().next().unwrap_or(""),
                start.elapsed()
            ),
        }
    }
}
