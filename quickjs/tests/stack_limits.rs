//! The JS stack limit never exceeds the thread's real stack: deep recursion
//! ends in a `RangeError` (never Rust's "thread has overflowed its stack"
//! abort) on threads of every size, whatever limit the runtime was given,
//! also when a runtime made on one thread is used on a smaller one, and
//! also when the recursion goes through Rust (JS -> `Function::new`
//! closure -> `ctx.eval` -> JS -> ...). Each case ends with `1 + 1` in the
//! same runtime.
//!
//! A failure here is an abort of the whole test binary (SIGSEGV after
//! Rust's message), not a failed assertion.

use quickjs::{Context, Ctx, Error, Function, Runtime, Value};

const SIZES: [usize; 4] = [128 << 10, 256 << 10, 512 << 10, 2 << 20];

/// The limits a runtime may have been given: the default (1 MiB), none,
/// and one far bigger than any of the threads.
#[derive(Clone, Copy, Debug)]
enum Limit {
    Default,
    Unlimited,
    Huge,
}

fn apply(rt: &Runtime, limit: Limit) {
    match limit {
        Limit::Default => {}
        Limit::Unlimited => rt.set_max_stack_size(None),
        Limit::Huge => rt.set_max_stack_size(Some(1 << 30)),
    }
}

/// Runs `f` on a new thread of `stack` bytes and waits for it.
fn on_thread<R: Send + 'static>(stack: usize, f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// A context with `reenter(src)`: a Rust closure that evaluates `src`.
fn context(rt: &Runtime) -> Context {
    let ctx = Context::full(rt).unwrap();
    ctx.with(|ctx| {
        let f = Function::new(ctx, "reenter", |ctx: Ctx<'_>, src: String| {
            ctx.eval::<Value>(&src).map(drop)
        })?;
        ctx.globals().set("reenter", f)
    })
    .unwrap();
    ctx
}

fn assert_range_error(r: Result<(), Error>, what: &str) {
    match r {
        Err(Error::Thrown(x)) => {
            assert_eq!(x.name.as_deref(), Some("RangeError"), "{what}: {x:?}");
            assert!(x.message.contains("stack"), "{what}: {x:?}");
        }
        other => panic!("{what}: expected a RangeError, got {other:?}"),
    }
}

const JS_RECURSION: &str = "(function f(n) { return f(n + 1) + 1 })(0)";
const RUST_RECURSION: &str =
    "function g(n) { reenter('g(' + (n + 1) + ')') } g(0)";

/// Both recursions end in a RangeError on `ctx`'s current thread, and the
/// runtime works afterwards.
fn check(ctx: &Context, what: &str) {
    let js = ctx.with(|ctx| ctx.eval::<Value>(JS_RECURSION).map(drop));
    assert_range_error(js, &format!("{what}: JS recursion"));
    let rust = ctx.with(|ctx| ctx.eval::<Value>(RUST_RECURSION).map(drop));
    assert_range_error(rust, &format!("{what}: JS -> Rust -> eval recursion"));
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("1 + 1")).unwrap(), 2, "{what}");
}

#[test]
fn recursion_is_a_range_error_on_threads_of_every_size() {
    for stack in SIZES {
        for limit in [Limit::Default, Limit::Unlimited, Limit::Huge] {
            on_thread(stack, move || {
                let rt = Runtime::new().unwrap();
                apply(&rt, limit);
                let ctx = context(&rt);
                check(&ctx, &format!("{} KiB thread, {limit:?} limit", stack >> 10));
            });
        }
    }
}

#[test]
fn the_limit_is_checked_again_on_a_smaller_thread() {
    for limit in [Limit::Default, Limit::Unlimited, Limit::Huge] {
        // Made (and the limit set) on a big thread, used on smaller ones,
        // then on the big one again: each entry measures its own thread.
        let (rt, ctx) = on_thread(8 << 20, move || {
            let rt = Runtime::new().unwrap();
            apply(&rt, limit);
            let ctx = context(&rt);
            check(&ctx, "8 MiB thread");
            (rt, ctx)
        });
        let mut ctx = ctx;
        for stack in SIZES {
            ctx = on_thread(stack, move || {
                check(&ctx, &format!("moved to a {} KiB thread, {limit:?} limit", stack >> 10));
                ctx
            });
        }
        let big = on_thread(8 << 20, move || {
            check(&ctx, "back on an 8 MiB thread");
            // The limit in force there is the requested one again, not the
            // smallest thread's: a recursion deeper than 128 KiB allows.
            ctx.with(|ctx| ctx.eval::<i32>("(function f(n) { return n ? f(n - 1) + 1 : 0 })(2000)"))
        });
        assert_eq!(big.unwrap(), 2000);
        drop(rt);
    }
}

#[test]
fn a_runtime_made_on_a_small_thread_keeps_its_request_on_a_big_one() {
    let (rt, ctx) = on_thread(128 << 10, || {
        let rt = Runtime::new().unwrap();
        let ctx = context(&rt);
        check(&ctx, "128 KiB thread");
        (rt, ctx)
    });
    // The default 1 MiB is in force on a thread that has it.
    let depth = on_thread(16 << 20, move || {
        ctx.with(|ctx| ctx.eval::<i32>("(function f(n) { try { return f(n + 1) } catch { return n } })(0)"))
    });
    let depth = depth.unwrap();
    assert!(depth > 2000, "{depth}");
    drop(rt);
}
