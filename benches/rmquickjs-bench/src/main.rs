//! rmquickjs 1.0.0 (crates.io's Rust wrapper of Bellard's MicroQuickJS) on
//! the workloads this project's MicroQuickJS binding runs too, in its own
//! process: rmquickjs links MicroQuickJS's C symbols, which would clash with
//! ours. One `NAME VALUE UNIT` line per measurement on stdout:
//!
//! - `call [N]`: ns per call (best of 9 evals of N calls) of a native `add`
//!   made with `Context::new_function` (the only way rmquickjs has), taking
//!   two numbers (`Value::to_number`) and returning their sum
//!   (`Context::new_f64`), in `s = add(s, i)` (N defaults to 5,000,000);
//!   then the same loop calling a JS `add` (`call_js_add_*`, the
//!   interpreter's own cost, for ratios); with valgrind, also the
//!   instructions per iteration of each (callgrind, the difference of two
//!   run lengths; `QJS_BENCH_NO_CALLGRIND=1` skips).
//! - `method [N]`: the same for `s = counter.add(i)`, `add` adding `i` to a
//!   total and returning it. rmquickjs has no user classes (nor opaque
//!   data): `counter` is a plain object whose `add` property is a native
//!   function (its Rust closure holds the total; it checks that `this` is an
//!   object), hence the name `method_native_fn_property`; the JS baseline is
//!   `counter_js.add`, a JS function property keeping `this.t`.
//! - `idle`: the bytes a fresh context uses of its buffer (the engine's own
//!   `JS_DumpMemory` figures, through rmquickjs-sys: the context's fixed
//!   part before its heap, the heap in use, the stack in use; again after a
//!   GC, and in a 16 KiB buffer) and the buffer size `Context::new` gives
//!   it.
//! - `smallest-fib`: the smallest buffer (`Context::with_memory_size`, to
//!   the engine's 8-byte granularity) in which
//!   `function fib(n){...} fib(20)` gives 6765, each attempt a fresh
//!   context in a fresh process of this binary (upstream MicroQuickJS, as
//!   rmquickjs vendors it, aborts or crashes on a buffer too small for its
//!   context and standard library instead of failing); also the smallest in
//!   which a context is made and evaluates `1 + 1`.
//! - `all`: the four, in that order, with the default N.

use rmquickjs::{Context, Value};
use std::cell::{Cell, RefCell};
use std::process::{Command, ExitCode, Stdio};
use std::rc::Rc;
use std::time::Instant;

/// Calls per timed loop unless the mode is given one.
const DEFAULT_CALLS: u64 = 5_000_000;

/// MicroQuickJS is stricter-mode ES5 (no `let`, `const`, arrow functions nor
/// classes): `var`, a function expression, and the function in a local so
/// that the loop does no global lookup.
fn call_src(add: &str, n: u64) -> String {
    format!("(function () {{ var add = globalThis.{add}, s = 0; for (var i = 0; i < {n}; i++) s = add(s, i); return s; }})()")
}

fn method_src(counter: &str, n: u64) -> String {
    format!("(function () {{ var counter = globalThis.{counter}, s = 0; for (var i = 0; i < {n}; i++) s = counter.add(i); return s; }})()")
}

/// The JS baselines, in the same contexts: the loops above calling JS.
const JS_DEFS: &str = "var add_js = function (a, b) { return a + b; }; \
    var counter_js = { t: 0, add: function (x) { this.t += x; return this.t; } };";

/// `0 + 1 + ... + (n - 1)`, exact in an f64 for any n used here.
fn triangle(n: u64) -> f64 {
    (n as f64) * (n as f64 - 1.0) / 2.0
}

/// The context of `call`: `add` registered the rmquickjs way.
fn call_context() -> Context {
    let ctx = Context::new();
    let add = ctx
        .new_function(|ctx, _this, args| {
            if args.len() != 2 {
                return ctx.throw_type_error("add: expected 2 arguments");
            }
            // `to_number` converts anything (ToNumber); None only when the
            // conversion threw, whose exception is pending: JS_EXCEPTION
            // hands it on.
            let (Some(a), Some(b)) = (args[0].to_number(ctx), args[1].to_number(ctx)) else {
                return Ok(Value::exception());
            };
            Ok(ctx.new_f64(a + b))
        })
        .unwrap();
    ctx.globals().set("add", add);
    ctx.eval(JS_DEFS).unwrap();
    ctx
}

/// The context of `method`, and the total its `counter.add` keeps.
fn method_context() -> (Context, Rc<Cell<f64>>) {
    let ctx = Context::new();
    let total = Rc::new(Cell::new(0.0));
    let state = total.clone();
    let add = ctx
        .new_function(move |ctx, this, args| {
            // `this` is always Some (undefined for a plain call): the
            // object check is the method's one look at it.
            if !this.is_some_and(|t| t.is_object(ctx)) {
                return ctx.throw_type_error("add: called without an object this");
            }
            let Some(x) = args.first() else {
                return ctx.throw_type_error("add: expected 1 argument");
            };
            let Some(x) = x.to_number(ctx) else {
                return Ok(Value::exception());
            };
            state.set(state.get() + x);
            Ok(ctx.new_f64(state.get()))
        })
        .unwrap();
    let counter = ctx.new_object().unwrap();
    counter.set("add", add);
    ctx.globals().set("counter", counter);
    ctx.eval(JS_DEFS).unwrap();
    (ctx, total)
}

fn eval_number(ctx: &Context, src: &str) -> f64 {
    let v = ctx
        .eval(src)
        .unwrap_or_else(|e| panic!("{src}: {}", e.message()));
    v.to_number(ctx).expect("a number")
}

/// ns per call: the best of 9 evals of the loop `src` makes of `n` calls,
/// each checked against `expected` (outside the timed region).
fn best_of_9(
    ctx: &Context,
    src: &str,
    n: u64,
    expected: impl Fn() -> f64,
    reset: impl Fn(),
) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..9 {
        reset();
        let t = Instant::now();
        let v = ctx.eval(src);
        let ns = t.elapsed().as_secs_f64() * 1e9 / n as f64;
        let v = v.unwrap_or_else(|e| panic!("{}", e.message()));
        assert_eq!(v.to_number(ctx), Some(expected()));
        best = best.min(ns);
    }
    best
}

fn call(n: u64) {
    let ctx = call_context();
    assert_eq!(eval_number(&ctx, "add(40, 2)"), 42.0);
    let ns = best_of_9(&ctx, &call_src("add", n), n, || triangle(n), || {});
    println!("call_add_ns {ns:.2} ns/call");
    let ns = best_of_9(&ctx, &call_src("add_js", n), n, || triangle(n), || {});
    println!("call_js_add_ns {ns:.2} ns/call");
    if let Some(i) = instructions("call") {
        println!("call_add_instructions {i:.0} instr/call");
    }
    if let Some(i) = instructions("call_js") {
        println!("call_js_add_instructions {i:.0} instr/call");
    }
}

fn method(n: u64) {
    let (ctx, total) = method_context();
    assert_eq!(eval_number(&ctx, "counter.add(42)"), 42.0);
    let ns = best_of_9(
        &ctx,
        &method_src("counter", n),
        n,
        || triangle(n),
        || total.set(0.0),
    );
    println!("method_native_fn_property_ns {ns:.2} ns/call");
    let reset = || {
        ctx.eval("counter_js.t = 0").unwrap();
    };
    let ns = best_of_9(&ctx, &method_src("counter_js", n), n, || triangle(n), reset);
    println!("method_js_fn_property_ns {ns:.2} ns/call");
    if let Some(i) = instructions("method") {
        println!("method_native_fn_property_instructions {i:.0} instr/call");
    }
    if let Some(i) = instructions("method_js") {
        println!("method_js_fn_property_instructions {i:.0} instr/call");
    }
}

/// `once call|call_js|method|method_js N`: that loop once, untimed (for
/// callgrind).
fn once(which: &str, n: u64) {
    let src = match which {
        "call" => call_src("add", n),
        "call_js" => call_src("add_js", n),
        "method" => method_src("counter", n),
        "method_js" => method_src("counter_js", n),
        _ => panic!("once: call, call_js, method or method_js"),
    };
    let ctx = if which.starts_with("call") {
        call_context()
    } else {
        method_context().0
    };
    assert_eq!(eval_number(&ctx, &src), triangle(n));
}

/// Instructions per iteration of the `which` loop: this binary under
/// callgrind at two loop lengths, the difference over the difference in
/// calls (so that the process's setup does not count). None without
/// valgrind or with QJS_BENCH_NO_CALLGRIND=1.
fn instructions(which: &str) -> Option<f64> {
    if std::env::var_os("QJS_BENCH_NO_CALLGRIND").is_some_and(|v| v == "1") {
        return None;
    }
    let run = |n: u64| -> Option<u64> {
        let out = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(std::env::current_exe().unwrap())
            .args(["once", which, &n.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .ok()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "callgrind failed ({}):\n{stderr}",
            out.status
        );
        stderr
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse().ok())
    };
    let (short, long) = (run(2_000)?, run(22_000)?);
    Some((long as f64 - short as f64) / 20_000.0)
}

thread_local! {
    static LOG: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn log_to_buffer(
    _opaque: *mut std::ffi::c_void,
    buf: *const std::ffi::c_void,
    len: usize,
) {
    // SAFETY: the engine passes `len` readable bytes.
    let bytes = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) };
    LOG.with(|l| l.borrow_mut().extend_from_slice(bytes));
}

/// The engine's `JS_DumpMemory` of `ctx`: (heap in use, heap + stack area,
/// stack in use), from its last line `heap size=USED/AREA stack_size=N`.
fn dump_memory(ctx: &Context) -> (u64, u64, u64) {
    LOG.with(|l| l.borrow_mut().clear());
    // SAFETY: a live context; the log function only appends to LOG, and
    // MicroQuickJS's dump functions are the only callers of it.
    unsafe {
        rmquickjs_sys::JS_SetLogFunc(ctx.as_ptr(), Some(log_to_buffer));
        rmquickjs_sys::JS_DumpMemory(ctx.as_ptr(), 0);
    }
    let text = LOG.with(|l| String::from_utf8_lossy(&l.borrow()).into_owned());
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("heap size="))
        .unwrap_or_else(|| panic!("no heap size in JS_DumpMemory's output:\n{text}"));
    let (heap, stack) = line.split_once(" stack_size=").unwrap();
    let (used, area) = heap.split_once('/').unwrap();
    (
        used.parse().unwrap(),
        area.parse().unwrap(),
        stack.trim().parse().unwrap(),
    )
}

fn idle() {
    // Context::new's buffer: 65536 bytes in rmquickjs 1.0.0 (a private
    // constant); the engine's dump gives it back as the area after the
    // context's fixed part.
    let ctx = Context::new();
    let (heap, area, stack) = dump_memory(&ctx);
    let fixed = 65_536 - area;
    println!("default_buffer 65536 bytes");
    println!("idle_fixed {fixed} bytes");
    println!("idle_heap {heap} bytes");
    println!("idle_stack {stack} bytes");
    println!("idle_used {} bytes", fixed + heap + stack);
    ctx.gc();
    let (heap, _, stack) = dump_memory(&ctx);
    println!("idle_used_after_gc {} bytes", fixed + heap + stack);
    // The same in a buffer of another size: the fixed part does not grow
    // with the buffer.
    let ctx = Context::with_memory_size(16_384);
    let (heap, area, stack) = dump_memory(&ctx);
    println!(
        "idle_used_16k_buffer {} bytes",
        16_384 - area + heap + stack
    );
}

const FIB: &str = "function fib(n){return n<2?n:fib(n-1)+fib(n-2)} fib(20)";
const TRIVIAL: &str = "1 + 1";
/// `fib` without a global binding (the global object's table does not
/// grow): what the script itself needs.
const FIB_LOCAL: &str =
    "(function(){function fib(n){return n<2?n:fib(n-1)+fib(n-2)} return fib(20)})()";

/// `try SIZE fib|trivial`: one attempt in a fresh context of SIZE bytes;
/// the exit code says whether it gave the right number.
fn attempt(size: usize, which: &str) -> ExitCode {
    let (src, want) = match which {
        "fib" => (FIB, 6765.0),
        "fib-local" => (FIB_LOCAL, 6765.0),
        "trivial" => (TRIVIAL, 2.0),
        _ => panic!("try: fib, fib-local or trivial"),
    };
    let ctx = Context::with_memory_size(size);
    match ctx.eval(src) {
        Ok(v) if v.to_number(&ctx) == Some(want) => ExitCode::SUCCESS,
        Ok(v) => {
            eprintln!("{size}: {}", v.to_string(&ctx));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{size}: {}", e.message());
            ExitCode::FAILURE
        }
    }
}

/// Whether `try SIZE which` succeeds (a crash or an abort is a failure).
fn fits(size: usize, which: &str) -> bool {
    Command::new(std::env::current_exe().unwrap())
        .args(["try", &size.to_string(), which])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

/// The smallest multiple of 8 (the engine rounds its buffer down to one) in
/// which `which` succeeds, by bisection between 8 bytes (below the engine's
/// asserted 1024) and 65536; None if it fails at 65536. The 256 bytes above
/// it are checked too, since a bisection assumes a single step.
fn smallest(which: &str) -> Option<usize> {
    let (mut lo, mut hi) = (8usize, 65_536usize);
    if !fits(hi, which) {
        return None;
    }
    while hi - lo > 8 {
        let mid = (lo + hi) / 2 / 8 * 8;
        if fits(mid, which) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    for above in (hi..hi + 256).step_by(8) {
        assert!(
            fits(above, which),
            "{which}: {hi} fits but {above} does not"
        );
    }
    Some(hi)
}

fn smallest_fib() {
    match smallest("trivial") {
        Some(b) => println!("smallest_context_buffer {b} bytes"),
        None => println!("smallest_context_buffer none (fails at 65536)"),
    }
    match smallest("fib") {
        Some(b) => println!("smallest_fib_buffer {b} bytes"),
        None => println!("smallest_fib_buffer none (fails at 65536)"),
    }
    match smallest("fib-local") {
        Some(b) => println!("smallest_fib_local_buffer {b} bytes"),
        None => println!("smallest_fib_local_buffer none (fails at 65536)"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |i: usize| {
        args.get(i)
            .map_or(DEFAULT_CALLS, |s| s.parse().expect("N: a number"))
    };
    match args.first().map(String::as_str) {
        Some("call") => call(n(1)),
        Some("method") => method(n(1)),
        Some("idle") => idle(),
        Some("smallest-fib") => smallest_fib(),
        Some("all") => {
            call(DEFAULT_CALLS);
            method(DEFAULT_CALLS);
            idle();
            smallest_fib();
        }
        Some("once") => once(&args[1], n(2)),
        Some("try") => return attempt(args[1].parse().expect("SIZE"), &args[2]),
        _ => {
            eprintln!("usage: rmquickjs-bench call [N] | method [N] | idle | smallest-fib | all");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
