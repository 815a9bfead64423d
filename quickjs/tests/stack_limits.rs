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
        ctx.globals().set("reenter", f)?;
        ctx.globals().set("deep", Function::new(ctx, "deep", deep)?)
    })
    .unwrap();
    ctx
}

/// Recursive conversions both ways, as deep as the data (serde).
fn deep<'js>(ctx: Ctx<'js>, v: Value<'js>) -> quickjs::Result<Value<'js>> {
    let json: serde_json::Value = quickjs::serde::from_value(&v)?;
    let nested: Vec<Vec<Vec<Vec<String>>>> = quickjs::serde::from_value(&v).unwrap_or_default();
    quickjs::serde::to_value(ctx, &(json, nested))
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
const RUST_RECURSION: &str = "function g(n) { reenter('g(' + (n + 1) + ')') } g(0)";

const CONVERSION_AT_LIMIT: &str = "(function (v) { \
     return (function d(n) { try { return d(n + 1) } catch { return deep(v) } })(0) \
     })(JSON.parse('['.repeat(120) + ']'.repeat(120)))";

/// Both recursions end in a RangeError on `ctx`'s current thread, and the
/// runtime works afterwards.
fn check(ctx: &Context, what: &str) {
    let js = ctx.with(|ctx| ctx.eval::<Value>(JS_RECURSION).map(drop));
    assert_range_error(js, &format!("{what}: JS recursion"));
    let rust = ctx.with(|ctx| ctx.eval::<Value>(RUST_RECURSION).map(drop));
    assert_range_error(rust, &format!("{what}: JS -> Rust -> eval recursion"));
    // A conversion as deep as the nesting limit allows, started as close
    // to the stack limit as a call can be: it fits or is a RangeError.
    let conversion = ctx.with(|ctx| ctx.eval::<Value>(CONVERSION_AT_LIMIT).map(drop));
    if conversion.is_err() {
        assert_range_error(conversion, &format!("{what}: conversion at the limit"));
    }
    assert_eq!(
        ctx.with(|ctx| ctx.eval::<i32>("1 + 1")).unwrap(),
        2,
        "{what}"
    );
}

#[test]
fn recursion_is_a_range_error_on_threads_of_every_size() {
    for stack in SIZES {
        for limit in [Limit::Default, Limit::Unlimited, Limit::Huge] {
            on_thread(stack, move || {
                let rt = Runtime::new().unwrap();
                apply(&rt, limit);
                let ctx = context(&rt);
                check(
                    &ctx,
                    &format!("{} KiB thread, {limit:?} limit", stack >> 10),
                );
            });
        }
    }
}

/// How deep plain JS recursion goes on `ctx`'s current thread.
fn depth(ctx: &Context) -> u32 {
    ctx.with(|ctx| ctx.eval("(function f(n) { try { return f(n + 1) } catch { return n } })(0)"))
        .unwrap()
}

#[test]
fn the_limit_is_checked_again_on_a_smaller_thread() {
    for limit in [Limit::Default, Limit::Unlimited, Limit::Huge] {
        // Made (and the limit set) on a big thread, used on smaller ones,
        // then on the big one again: each entry measures its own thread.
        let (rt, ctx, big) = on_thread(8 << 20, move || {
            let rt = Runtime::new().unwrap();
            apply(&rt, limit);
            let ctx = context(&rt);
            check(&ctx, "8 MiB thread");
            let big = depth(&ctx);
            (rt, ctx, big)
        });
        let mut ctx = ctx;
        let mut small = 0;
        for stack in SIZES {
            (ctx, small) = on_thread(stack, move || {
                check(
                    &ctx,
                    &format!("moved to a {} KiB thread, {limit:?} limit", stack >> 10),
                );
                let d = depth(&ctx);
                (ctx, d)
            });
            if stack == 128 << 10 {
                assert!(
                    small < big / 4,
                    "{limit:?}: {small} levels on 128 KiB, {big} on 8 MiB"
                );
            }
        }
        // Back on a big thread: the requested limit holds again, not the
        // smallest thread's.
        let again = on_thread(8 << 20, move || {
            check(&ctx, "back on an 8 MiB thread");
            depth(&ctx)
        });
        assert_eq!(again, big, "{limit:?} ({small} on 2 MiB)");
        drop(rt);
    }
}

#[test]
fn a_runtime_made_on_a_small_thread_keeps_its_request_on_a_big_one() {
    let (rt, ctx, small) = on_thread(128 << 10, || {
        let rt = Runtime::new().unwrap();
        let ctx = context(&rt);
        check(&ctx, "128 KiB thread");
        let d = depth(&ctx);
        (rt, ctx, d)
    });
    // The default 1 MiB is in force on a thread that has it, and a bigger
    // request set there holds.
    let (default, huge) = on_thread(16 << 20, move || {
        let d = depth(&ctx);
        rt.set_max_stack_size(Some(1 << 30));
        (d, depth(&ctx))
    });
    assert!(
        small * 4 < default,
        "{small} levels on 128 KiB, {default} on 16 MiB"
    );
    assert!(
        default * 8 < huge,
        "{default} levels under 1 MiB, {huge} under 16 MiB"
    );
}

/// How far below the engine's limit the stack goes, for the deepest paths
/// we know of, on a painted stack: what `engine::handle::stack::MARGIN` must cover.
/// A measurement, not a check (run it with `--ignored --nocapture` in
/// debug and in release when the paths change).
#[test]
#[ignore]
fn margin_needed() {
    const LIMIT: usize = 1 << 20;
    const PAINT: usize = 4 << 20;
    const PATTERN: u8 = 0xa5;
    // Each recursion, once it overflows, calls into Rust from the deepest
    // frame that still may (`catch` runs where the call failed): Rust then
    // starts right at the limit.
    let at_limit = |call: &str| {
        format!(
            "(function d(n) {{ try {{ return d(n + 1) }} catch {{ return {call} }} }})(0); throw 1"
        )
    };
    let cases = [
        ("JS recursion", JS_RECURSION.to_string()),
        ("JS -> Rust closure -> eval, recursive", RUST_RECURSION.to_string()),
        ("JS -> Rust closure -> eval", at_limit("reenter('[1, 2].map(x => x + 1)')")),
        (
            "JS -> Rust conversions -> JS",
            at_limit("convert(['a', 'b', 'c'], { x: 1, y: 'z' }, () => 0)"),
        ),
        ("JS -> Rust that throws", at_limit("reenter('throw new TypeError(\\'x\\')')")),
        (
            "JS -> Rust, error with a getter through Rust",
            at_limit("reenter('const e = new Error(); Object.defineProperty(e, \\'stack\\', { get() { return reenter(\\'1\\') } }); throw e')"),
        ),
        ("JS -> Rust that panics", at_limit("boom()")),
    ];
    for (what, src) in cases {
        let used = on_thread(16 << 20, move || {
            let rt = Runtime::new().unwrap();
            rt.set_max_stack_size(Some(LIMIT));
            let ctx = context(&rt);
            ctx.with(|ctx| {
                let f = Function::new(
                    ctx,
                    "convert",
                    |v: Vec<String>,
                     m: std::collections::HashMap<String, Value<'_>>,
                     f: Function<'_>| {
                        f.call::<_, Value>((v.len(), m.len())).map(drop)
                    },
                )?;
                ctx.globals().set("convert", f)?;
                let boom = Function::new(ctx, "boom", || -> i32 { panic!("boom") })?;
                ctx.globals().set("boom", boom)
            })
            .unwrap();
            let marker = 0u8;
            let sp = std::hint::black_box(&marker) as *const u8 as usize;
            let base = (sp - PAINT) as *mut u8;
            // SAFETY: the region is below this frame, inside this thread's
            // 16 MiB stack and not in use by anything yet (nothing deeper
            // runs until the eval below); volatile writes and reads, so the
            // compiler keeps them. A measurement only (ignored test).
            unsafe {
                for i in 0..PAINT - (64 << 10) {
                    base.add(i).write_volatile(PATTERN);
                }
            }
            let r = ctx.with(|ctx| ctx.eval::<Value>(&src).map(drop));
            // SAFETY: as above.
            let lowest = unsafe {
                (0..PAINT)
                    .find(|&i| base.add(i).read_volatile() != PATTERN)
                    .unwrap()
            } + base as usize;
            assert!(r.is_err(), "{what}: {r:?}");
            (sp - LIMIT) as isize - lowest as isize
        });
        println!(
            "{} build: {what}: {used} bytes below the limit",
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
        );
    }
}

/// What a user gets on threads of each size under the default limit: how
/// deep plain JS recursion and JS -> Rust -> eval recursion go (for the
/// docs; run with `--ignored --nocapture` in debug and release).
#[test]
#[ignore]
fn depth_per_thread_size() {
    for stack in [128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20, 8 << 20] {
        let (js, rust) = on_thread(stack, || {
            let rt = Runtime::new().unwrap();
            let ctx = context(&rt);
            let rust = ctx.with(|ctx| {
                ctx.eval::<u32>(
                    "let depth = 0; function r(n) { depth = n; reenter('r(' + (n + 1) + ')') } \
                     try { r(1) } catch {} depth",
                )
            });
            (depth(&ctx), rust.unwrap())
        });
        println!(
            "{} build, {} KiB thread: {js} JS calls, {rust} JS -> Rust -> eval levels",
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            stack >> 10
        );
    }
}
