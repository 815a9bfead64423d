//! `cargo bench --bench inspector`: what the debugger costs, each figure a
//! ratio against a baseline measured in the same run, in one process.
//!
//! 1. A workload (calls, property reads, allocation) in a runtime with no
//!    inspector, against the same in a runtime with an inspector and a
//!    client attached (Debugger and Runtime enabled, no breakpoint hit):
//!    the statement markers compiled while hooks are set, the poll hook.
//! 2. The same with 1,000 breakpoints set in 100 other scripts.
//! 3. The same with the profiler sampling at its default interval.
//! 4. Stepping: `Debugger.stepInto` a second from a local client, each a
//!    round trip (the message, the step, `Debugger.paused` with its call
//!    frames and scopes back to the client).
//!
//! With no inspector the engine runs without hooks and compiles no
//! markers: `cargo bench --bench baselines` (upstream's microbench.js and
//! the empty loop's instructions) shows that path.

#[path = "../quickjs/tests/support/cdp.rs"]
mod cdp;

use cdp::{served, Client};
use quickjs::{Context, Inspector, Runtime};
use serde_json::json;
use std::time::{Duration, Instant};

const WORK: &str = "\
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function points(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = { x: i, y: i * 2 };
    sum += p.x + p.y;
  }
  return sum;
}
function work() { return fib(22) + points(100000); }";

const ROUNDS: usize = 21;

fn time_work(ctx: &Context) -> Duration {
    let start = Instant::now();
    ctx.with(|ctx| ctx.eval::<f64>("work()")).unwrap();
    start.elapsed()
}

/// The median of per-round ratios (interleaved runs), and each side's min.
fn compare(base: &Context, other: &Context) -> (f64, Duration, Duration) {
    let mut ratios = Vec::new();
    let (mut a_min, mut b_min) = (Duration::MAX, Duration::MAX);
    for _ in 0..ROUNDS {
        let a = time_work(base);
        let b = time_work(other);
        ratios.push(b.as_secs_f64() / a.as_secs_f64());
        a_min = a_min.min(a);
        b_min = b_min.min(b);
    }
    ratios.sort_by(f64::total_cmp);
    (ratios[ROUNDS / 2], a_min, b_min)
}

fn row(what: &str, (ratio, a, b): (f64, Duration, Duration)) {
    println!(
        "{what:<58} {:>8.2} ms | no inspector {:>8.2} ms | {ratio:.3}x (median of {ROUNDS} paired rounds)",
        b.as_secs_f64() * 1e3,
        a.as_secs_f64() * 1e3
    );
}

/// The workload's figures: attached, 1,000 breakpoints, the profiler.
fn costs(rt: &Runtime, base: &Context, ctx: &Context, mut c: Client) -> Client {
    row("a client attached, no breakpoint hit", compare(base, ctx));
    // 1,000 breakpoints in other scripts.
    ctx.with(|ctx| {
        for i in 0..100 {
            let src: String = (0..20)
                .map(|l| format!("globalThis.v{i}_{l} = {l};\n"))
                .collect();
            ctx.eval_with::<()>(&src, &format!("other{i}.js"), quickjs::EvalKind::Script)?;
        }
        Ok::<_, quickjs::Error>(())
    })
    .unwrap();
    let mut c = served(rt, move || {
        for i in 0..100 {
            for line in 0..10 {
                let r = c.call(
                    "Debugger.setBreakpointByUrl",
                    json!({"url": format!("other{i}.js"), "lineNumber": line * 2}),
                );
                assert_eq!(r["locations"].as_array().map(Vec::len), Some(1), "{r}");
            }
        }
        c.clear();
        c
    });
    row(
        "1,000 breakpoints set in 100 other scripts",
        compare(base, ctx),
    );

    // The profiler at its default interval.
    let mut c = served(rt, move || {
        c.call("Profiler.enable", json!({}));
        c.call("Profiler.start", json!({}));
        c
    });
    row(
        "the profiler sampling (default interval)",
        compare(base, ctx),
    );
    let (c, samples) = served(rt, move || {
        let p = c.call("Profiler.stop", json!({}));
        let samples = p["profile"]["samples"].as_array().map_or(0, Vec::len);
        (c, samples)
    });
    println!("   (the profile held {samples} samples)");

    c
}

fn main() {
    let rt_base = Runtime::new().unwrap();
    let base = Context::full(&rt_base).unwrap();
    base.with(|ctx| ctx.eval::<()>(WORK)).unwrap();

    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let url = ctx
        .with(|ctx| Inspector::listen(ctx, "127.0.0.1:0", "bench").map(|i| i.url().to_string()))
        .unwrap();
    ctx.with(|ctx| ctx.eval::<()>(WORK)).unwrap();
    let mut c = served(&rt, move || {
        let mut c = Client::connect(&url);
        c.call("Runtime.enable", json!({}));
        c.call("Debugger.enable", json!({}));
        c
    });
    c.clear();
    // QJS_BENCH_STEPS_ONLY=1: the stepping figure alone (for profiling it).
    let all = std::env::var_os("QJS_BENCH_STEPS_ONLY").is_none();
    if all {
        c = costs(&rt, &base, &ctx, c);
    }

    // Stepping.
    let steps: u32 = std::env::var("QJS_BENCH_STEPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    ctx.with(|ctx| ctx.eval::<()>(STEPPER)).unwrap();
    // The baseline of the step over `busy`: the same call, not stepping.
    let start = Instant::now();
    ctx.with(|ctx| ctx.eval::<f64>("busy(1000000)")).unwrap();
    let unstepped = start.elapsed();
    let mut c = served(&rt, move || {
        c.call("Debugger.pause", json!({}));
        c
    });
    let stepping = std::thread::spawn(move || {
        c.event("Debugger.paused");
        // The transport's floor: a method that does nothing, while paused.
        let start = Instant::now();
        for _ in 0..steps {
            c.call("Runtime.getIsolateId", json!({}));
        }
        let floor = start.elapsed();
        let start = Instant::now();
        for _ in 0..steps {
            c.call("Debugger.stepInto", json!({}));
            c.event("Debugger.paused");
            c.clear();
        }
        let took = start.elapsed();
        // Out of the loop, to the line that calls `busy`, then over it: a
        // million statements, each a hook that decides not to stop.
        c.call(
            "Debugger.evaluateOnCallFrame",
            json!({"callFrameId": "0", "expression": "limit = 0"}),
        );
        loop {
            c.call("Debugger.stepOver", json!({}));
            let p = c.event("Debugger.paused");
            if p["callFrames"][0]["location"]["lineNumber"] == 6 {
                break;
            }
        }
        let start = Instant::now();
        c.call("Debugger.stepOver", json!({}));
        c.event("Debugger.paused");
        let over = start.elapsed();
        c.call("Debugger.resume", json!({}));
        (floor, took, over)
    });
    ctx.with(|ctx| ctx.eval::<f64>("stepper()")).unwrap();
    let (floor, took, over) = stepping.join().unwrap();
    println!(
        "{:<58} {:>8.0} calls/s (the transport's floor)",
        "a no-op method's round trip while paused",
        f64::from(steps) / floor.as_secs_f64()
    );
    println!(
        "{:<58} {:>8.0} steps/s ({steps} round trips in {:.2} s)",
        "stepping: Debugger.stepInto to Debugger.paused",
        f64::from(steps) / took.as_secs_f64(),
        took.as_secs_f64()
    );
    println!(
        "{:<58} {:>8.0} statements/s ({:.1} ms | not stepping {:.1} ms: {:.2}x)",
        "stepOver a call of 1,000,000 statements",
        1e6 / over.as_secs_f64(),
        over.as_secs_f64() * 1e3,
        unstepped.as_secs_f64() * 1e3,
        over.as_secs_f64() / unstepped.as_secs_f64()
    );
}

/// Stepped through (`x += i`, line 4), then over `busy` (line 6).
const STEPPER: &str = "\
globalThis.limit = Infinity;
function stepper() {
  let x = 0;
  for (let i = 0; i < limit; i++) {
    x += i;
  }
  x += busy(1000000);
  return x;
}
function busy(n) { let t = 0; for (let i = 0; i < n; i++) { t += i; } return t; }";
