//! `mquickjs-bench`: this project's MicroQuickJS binding on the workloads
//! of `benches/rmquickjs-bench` (rmquickjs 1.0 from crates.io, run as its
//! own process: both link MicroQuickJS's C symbols), side by side with
//! ratios. `cargo run --release -p quickjs-rust-mquickjs-embed --bin
//! mquickjs-bench [N]`; with `RMQUICKJS_BENCH=<its binary>` (built with
//! `cargo build --release` in benches/rmquickjs-bench) the other column.
//!
//! - call: `s = add(s, i)`, `add` a `#[js] fn add(a: f64, b: f64) -> f64`
//!   (arity- and type-checked), ns per call, best of 9; the same loop
//!   calling a JS function, the engine's own floor.
//! - method: `s = acc.add(i)`, `acc` an instance of a `#[js]` class
//!   (`&mut self`, its `this` checked); rmquickjs has no classes: its row
//!   is a native function stored on a plain object.
//! - idle: bytes of its buffer a fresh context holds (context, heap,
//!   stack), with the engine's built-ins only (`mquickjs::BUILTINS`)
//!   against rmquickjs's after a collection (ours collects its start-up
//!   garbage when it is made); then with this crate's 10 functions and 3
//!   classes (in ROM; their global bindings in RAM) against the same.
//! - smallest buffers, with the built-ins (ours fails cleanly below them,
//!   so the search runs in this process): for `1 + 1`, for `fib(20)` in
//!   JS with `fib` a global (the global object's table grows by half to
//!   take it, the old copy alive until a collection), and for the same
//!   `fib` local to a function.

use mquickjs::Context;
use mquickjs_embed::STDLIB;
use std::time::Instant;

fn best_of_9(ctx: &Context<'_>, src: &str, n: u64) -> f64 {
    let expected = (n as f64) * (n as f64 - 1.0) / 2.0;
    let mut best = f64::MAX;
    for _ in 0..9 {
        let t = Instant::now();
        let v: f64 = ctx.eval(src).unwrap();
        let ns = t.elapsed().as_secs_f64() * 1e9 / n as f64;
        assert_eq!(v, expected);
        best = best.min(ns);
    }
    best
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000_000);
    let mut buf = vec![0u8; 64 * 1024];
    let ctx = Context::new(&mut buf, &STDLIB).unwrap();
    ctx.eval::<()>(
        "var add_js = function (a, b) { return a + b; }; var acc = new Acc();
         var acc_js = { t: 0, add: function (x) { this.t += x; return this.t; } };",
    )
    .unwrap();
    let call = |f: &str| {
        format!("(function () {{ var add = globalThis.{f}, s = 0; for (var i = 0; i < {n}; i++) s = add(s, i); return s; }})()")
    };
    let method = |o: &str| {
        format!("(function () {{ globalThis.{o} = {}; var o = globalThis.{o}, s = 0; for (var i = 0; i < {n}; i++) s = o.add(i); return s; }})()",
            if o == "acc" { "new Acc()" } else { "{ t: 0, add: acc_js.add }" })
    };
    let mut ours = vec![
        ("call_add_ns", best_of_9(&ctx, &call("add"), n)),
        ("call_js_add_ns", best_of_9(&ctx, &call("add_js"), n)),
        ("method_ns", best_of_9(&ctx, &method("acc"), n)),
        ("method_js_ns", best_of_9(&ctx, &method("acc_js"), n)),
    ];
    drop(ctx);
    // Memory, like for like: the engine's built-ins alone (`BUILTINS`)
    // against rmquickjs's context after a collection (ours collects the
    // start-up garbage when it is made); then this crate's library with
    // its 10 functions and 3 classes in ROM (globals in RAM).
    let idle = |stdlib: &'static mquickjs::Stdlib| {
        let mut buf = vec![0u8; 64 * 1024];
        let ctx = Context::new(&mut buf, stdlib).unwrap();
        ctx.memory_usage().heap as f64
    };
    ours.push(("idle_used_after_gc", idle(&mquickjs::BUILTINS)));
    ours.push(("idle_used_crate_items", idle(&STDLIB)));
    // rmquickjs-bench's scripts, byte for byte.
    let scripts = [
        ("smallest_context_buffer", "1 + 1", 2.0),
        (
            "smallest_fib_buffer",
            "function fib(n){return n<2?n:fib(n-1)+fib(n-2)} fib(20)",
            6765.0,
        ),
        (
            "smallest_fib_local_buffer",
            "(function(){function fib(n){return n<2?n:fib(n-1)+fib(n-2)} return fib(20)})()",
            6765.0,
        ),
    ];
    for (name, src, want) in scripts {
        let fits = |size: usize| {
            let mut buf = vec![0u8; size];
            Context::new(&mut buf, &mquickjs::BUILTINS)
                .is_ok_and(|ctx| ctx.eval::<f64>(src).ok() == Some(want))
        };
        let (mut lo, mut hi) = (8usize, 64 * 1024);
        while hi - lo > 8 {
            let mid = (lo + hi) / 2;
            if fits(mid) {
                hi = mid
            } else {
                lo = mid
            }
        }
        ours.push((name, hi as f64));
    }

    let theirs: Vec<(String, f64)> = match std::env::var_os("RMQUICKJS_BENCH") {
        Some(bin) => {
            let out = std::process::Command::new(bin)
                .arg("all")
                .env("QJS_BENCH_NO_CALLGRIND", "1")
                .output()
                .expect("run rmquickjs-bench");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| {
                    let mut w = l.split_whitespace();
                    Some((w.next()?.to_string(), w.next()?.parse().ok()?))
                })
                .collect()
        }
        None => Vec::new(),
    };
    let other = |name: &str| {
        let name = match name {
            "method_ns" => "method_native_fn_property_ns",
            "method_js_ns" => "method_js_fn_property_ns",
            "idle_used_crate_items" => "idle_used_after_gc",
            n => n,
        };
        theirs.iter().find(|t| t.0 == name).map(|t| t.1)
    };
    println!(
        "{:<22} {:>12} {:>12} {:>8}",
        "measure", "ours", "rmquickjs", "ratio"
    );
    for (name, v) in &ours {
        match other(name) {
            Some(t) => println!("{name:<22} {v:>12.1} {t:>12.1} {:>7.2}x", v / t),
            None => println!("{name:<22} {v:>12.1} {:>12} {:>8}", "-", "-"),
        }
    }
}
