//! `cargo bench --bench memory`: what each thing the embedding API makes
//! costs in memory, against the raw C API making the same thing in the same
//! process (same engine, same malloc).
//!
//! Two counts each: the engine's own (`JS_ComputeMemoryUsage`'s
//! `malloc_size`: what the memory limit and the GC see, including the Rust
//! memory counted for JS objects) and the process's resident set growth
//! (`/proc/self/statm`: also what neither counts). Objects are made 10,000
//! at a time and kept in a JS array on both sides, so per-object figures
//! are averages with the array's share the same on both.

use quickjs::{js, sys, Context, Function, Intrinsics, Runtime, Value};
use std::time::Instant;

const N: usize = 10_000;

/// A `#[js]` class instance: one `f64` of Rust state.
#[js]
pub struct Gauge {
    level: f64,
}

#[js]
impl Gauge {
    #[js(constructor)]
    pub fn new(level: f64) -> Self {
        Gauge { level }
    }
    pub fn level(&self) -> f64 {
        self.level
    }
}

/// A Rust future that never completes (a pending call).
#[js]
async fn forever() {
    std::future::pending::<()>().await
}

quickjs::module!(static M = "m" { forever } classes { Gauge });

fn engine_bytes(rt: *mut sys::JSRuntime) -> i64 {
    // SAFETY: a live runtime, on this thread, unlocked use only here.
    let mut m: sys::JSMemoryUsage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { sys::JS_ComputeMemoryUsage(rt, &mut m) };
    m.malloc_size
}

fn rss() -> i64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: i64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// (engine bytes, resident bytes) that `f` adds, read through `rt`.
fn growth(rt: *mut sys::JSRuntime, f: impl FnOnce()) -> (i64, i64) {
    let (e, r) = (engine_bytes(rt), rss());
    f();
    (engine_bytes(rt) - e, rss() - r)
}

thread_local! {
    /// Our engine bytes per item, by row, for the rquickjs comparison.
    static OURS: std::cell::RefCell<Vec<(&'static str, f64)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn row(what: &'static str, ours: (i64, i64), raw: (i64, i64), per: usize) {
    OURS.with(|o| o.borrow_mut().push((what, ours.0 as f64 / per as f64)));
    let per = per as f64;
    let (oe, or) = (ours.0 as f64 / per, ours.1 as f64 / per);
    let (re, rr) = (raw.0 as f64 / per, raw.1 as f64 / per);
    println!(
        "{what:<44} engine {oe:>10.0} B | raw C {re:>10.0} B | {:>5.2}x    resident {or:>10.0} B | raw C {rr:>10.0} B",
        oe / re
    );
}

/// (engine bytes, resident bytes) that `f` adds to `rt`.
fn growth_of(rt: &Runtime, f: impl FnOnce()) -> (i64, i64) {
    let (e, r) = (rt.memory_usage().malloc_size, rss());
    f();
    (rt.memory_usage().malloc_size - e, rss() - r)
}

/// A raw context as `Context::new` makes a lean one: base objects,
/// `JSON` and `Promise`.
///
/// # Safety
/// `rt` live, on this thread.
unsafe fn raw_lean(rt: *mut sys::JSRuntime) -> *mut sys::JSContext {
    // SAFETY: the caller's contract.
    unsafe {
        let c = sys::JS_NewContextRaw(rt);
        sys::JS_AddIntrinsicBaseObjects(c);
        sys::JS_AddIntrinsicJSON(c);
        sys::JS_AddIntrinsicPromise(c);
        c
    }
}

unsafe extern "C" fn raw_finalizer(rt: *mut sys::JSRuntime, v: sys::JSValue) {
    // SAFETY: the opaque is the block js_malloc'ed for it below.
    unsafe { sys::js_free_rt(rt, sys::JS_GetOpaque(v, sys::class_id_of(v))) };
}

unsafe extern "C" fn raw_call(
    _: *mut sys::JSContext,
    _: sys::JSValue,
    _: std::os::raw::c_int,
    _: *mut sys::JSValue,
    _: std::os::raw::c_int,
    _: *mut std::os::raw::c_void,
) -> sys::JSValue {
    sys::JS_UNDEFINED
}

/// The C closure's state: what the Rust closure captures (a `usize`).
unsafe extern "C" fn raw_free(opaque: *mut std::os::raw::c_void) {
    // SAFETY: the Box made with the closure below.
    drop(unsafe { Box::from_raw(opaque.cast::<usize>()) });
}

fn main() {
    println!("per item; engine = the engine's malloc count (the limit and GC see it), resident = RSS growth");

    // An idle runtime.
    let base = rss();
    let rts: Vec<Runtime> = (0..100).map(|_| Runtime::new().unwrap()).collect();
    let ours_rss = rss() - base;
    let ours_engine = rts[0].memory_usage().malloc_size;
    let base = rss();
    // SAFETY: plain runtimes, freed below.
    let raws: Vec<*mut sys::JSRuntime> =
        (0..100).map(|_| unsafe { sys::JS_NewRuntime() }).collect();
    let raw_rss = rss() - base;
    let raw_engine = engine_bytes(raws[0]);
    row(
        "an idle runtime",
        (ours_engine * 100, ours_rss),
        (raw_engine * 100, raw_rss),
        100,
    );
    drop(rts);

    // The first context of the process (learns the built-in class ids),
    // then further ones: full and lean.
    let rt = Runtime::new().unwrap();
    let mut keep = Vec::new();
    let first = growth_of(&rt, || keep.push(Context::full(&rt).unwrap()));
    // SAFETY: raws[1] is live, on this thread.
    let first_raw = growth(raws[1], || unsafe {
        sys::JS_NewContext(raws[1]);
    });
    row("the first full context of the process", first, first_raw, 1);
    let ours = growth_of(&rt, || {
        for _ in 0..100 {
            keep.push(Context::full(&rt).unwrap());
        }
    });
    // SAFETY: as above.
    let raw = growth(raws[1], || unsafe {
        for _ in 0..100 {
            sys::JS_NewContext(raws[1]);
        }
    });
    row("a full context", ours, raw, 100);
    let ours = growth_of(&rt, || {
        for _ in 0..100 {
            keep.push(Context::new(&rt, Intrinsics::JSON).unwrap());
        }
    });
    // SAFETY: as above.
    let raw = growth(raws[2], || unsafe {
        for _ in 0..100 {
            raw_lean(raws[2]);
        }
    });
    row("a lean context (JSON, Promise)", ours, raw, 100);
    drop(keep);

    // Objects, 10,000 of each, kept in an array (in a context that can
    // eval its scripts).
    let ctx = Context::new(&rt, Intrinsics::EVAL | Intrinsics::JSON).unwrap();
    ctx.with(|c| {
        M.add_to(c).unwrap();
        c.eval_with::<Value>(
            "import * as m from 'm'; Object.assign(globalThis, m)",
            "setup.js",
            quickjs::EvalKind::Module,
        )
        .map(drop)
    })
    .unwrap();
    // SAFETY: raws[3] live; a lean context like `ctx`, with a class whose
    // instances hold a js_malloc'ed block the size of `Gauge`.
    let (rc, class) = unsafe {
        let rc = raw_lean(raws[3]);
        let mut id: sys::JSClassID = 0;
        sys::JS_NewClassID(raws[3], &mut id);
        let def = sys::JSClassDef {
            class_name: c"RawGauge".as_ptr(),
            finalizer: Some(raw_finalizer),
            gc_mark: None,
            call: None,
            exotic: std::ptr::null_mut(),
        };
        sys::JS_NewClass(raws[3], id, &def);
        (rc, id)
    };
    // Puts `make()` N times into a new array of the raw side.
    let raw_keep = |name: &std::ffi::CStr, make: &dyn Fn() -> sys::JSValue| {
        // SAFETY: rc live; each value is given to the array, the array to
        // the global object.
        unsafe {
            let global = sys::JS_GetGlobalObject(rc);
            let kept = sys::JS_NewArray(rc);
            for i in 0..N {
                sys::JS_SetPropertyUint32(rc, kept, i as u32, make());
            }
            sys::JS_SetPropertyStr(rc, global, name.as_ptr(), kept);
            sys::JS_FreeValue(rc, global);
        }
    };
    // A collection first on both sides: no earlier garbage goes meanwhile.
    rt.run_gc();
    // SAFETY: raws[3] is live, on this thread.
    unsafe { sys::JS_RunGC(raws[3]) };
    let ours = growth_of(&rt, || {
        ctx.with(|c| {
            c.eval::<()>(
                "globalThis.gauges = []; for (let i = 0; i < 10000; i++) gauges.push(new Gauge(i))",
            )
        })
        .unwrap()
    });
    let raw = growth(raws[3], || {
        raw_keep(c"gauges", &|| {
            // SAFETY: rc live; the block is freed by the finalizer.
            unsafe {
                let o = sys::JS_NewObjectClass(rc, class);
                let p = sys::js_malloc(rc, std::mem::size_of::<Gauge>());
                sys::JS_SetOpaque(o, p);
                o
            }
        })
    });
    row("a #[js] class instance", ours, raw, N);

    // A collection first on both sides: no earlier garbage goes meanwhile.
    rt.run_gc();
    // SAFETY: raws[3] is live, on this thread.
    unsafe { sys::JS_RunGC(raws[3]) };
    let ours = growth_of(&rt, || {
        ctx.with(|c| {
            c.eval::<()>(
                "globalThis.calls = []; for (let i = 0; i < 10000; i++) calls.push(forever())",
            )
        })
        .unwrap()
    });
    let raw = growth(raws[3], || {
        raw_keep(c"calls", &|| {
            // SAFETY: rc live. A C host's pending call keeps the promise's
            // resolving functions to settle it later: kept here as the
            // promise's properties.
            unsafe {
                let mut funcs = [sys::JS_UNDEFINED; 2];
                let p = sys::JS_NewPromiseCapability(rc, funcs.as_mut_ptr());
                sys::JS_SetPropertyStr(rc, p, c"resolve".as_ptr(), funcs[0]);
                sys::JS_SetPropertyStr(rc, p, c"reject".as_ptr(), funcs[1]);
                p
            }
        })
    });
    row("a pending Rust call (promise + future)", ours, raw, N);

    // A collection first on both sides: no earlier garbage goes meanwhile.
    rt.run_gc();
    // SAFETY: raws[3] is live, on this thread.
    unsafe { sys::JS_RunGC(raws[3]) };
    let ours = growth_of(&rt, || {
        ctx.with(|c| {
            let kept = quickjs::Array::new(c)?;
            c.globals().set("closures", kept.clone())?;
            for i in 0..N {
                let f = Function::new(c, "add", move |a: f64| a + i as f64)?;
                kept.set(i as u32, f)?;
            }
            Ok::<_, quickjs::Error>(())
        })
        .unwrap()
    });
    let raw = growth(raws[3], || {
        raw_keep(c"closures", &|| {
            // SAFETY: rc live; a C closure whose opaque is the state the
            // Rust closure captures (a usize), freed by its finalizer. (A C
            // host's own malloc: the engine does not count it either.)
            unsafe {
                sys::JS_NewCClosure(
                    rc,
                    Some(raw_call),
                    c"add".as_ptr(),
                    Some(raw_free),
                    1,
                    0,
                    Box::into_raw(Box::new(7usize)).cast(),
                )
            }
        })
    });
    row("a Function::new closure", ours, raw, N);
    drop(ctx);

    // 10,000 contexts in one runtime: a multi-tenant plugin host.
    let rt = Runtime::new().unwrap();
    let mut tenants = Vec::with_capacity(N);
    let start = Instant::now();
    let ours = growth_of(&rt, || {
        for _ in 0..N {
            tenants.push(Context::new(&rt, Intrinsics::JSON).unwrap());
        }
    });
    let ours_time = start.elapsed();
    // SAFETY: a plain runtime, freed at the end with its contexts.
    let raw_rt4 = unsafe { sys::JS_NewRuntime() };
    let mut raw_tenants = Vec::with_capacity(N);
    let start = Instant::now();
    // SAFETY: raw_rt4 is live, on this thread.
    let raw = growth(raw_rt4, || unsafe {
        for _ in 0..N {
            raw_tenants.push(raw_lean(raw_rt4));
        }
    });
    let raw_time = start.elapsed();
    row("one of 10,000 lean contexts in a runtime", ours, raw, N);
    println!(
        "{:<44} {:>8.1} ms | raw C {:>8.1} ms | {:>5.2}x",
        "making 10,000 lean contexts",
        ours_time.as_secs_f64() * 1e3,
        raw_time.as_secs_f64() * 1e3,
        ours_time.as_secs_f64() / raw_time.as_secs_f64()
    );
    drop(tenants);
    if std::env::var_os("QJS_BENCH_RQUICKJS").is_some_and(|v| v == "1") {
        rquickjs_column(ours_time.as_secs_f64() * 1e3);
    }
    // The raw sides are left to the process's exit (their contexts and
    // objects would need freeing in order first).
}

/// rquickjs's engine counts beside ours (its own process).
fn rquickjs_column(ours_ms: f64) {
    let manifest = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/rquickjs-script-bench/Cargo.toml"
    );
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "run",
            "--release",
            "--quiet",
            "--manifest-path",
            manifest,
            "--",
            "memory",
        ])
        .output()
        .expect("cargo run rquickjs-script-bench memory");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |key: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.parse().ok())
    };
    println!("rquickjs 0.14 (its own process), the engine's count per item:");
    let pairs = [
        ("an idle runtime", "idle_runtime"),
        (
            "the first full context of the process",
            "first_full_context",
        ),
        ("a full context", "full_context"),
        ("a lean context (JSON, Promise)", "lean_context"),
        ("one of 10,000 lean contexts in a runtime", "tenant_context"),
    ];
    OURS.with(|o| {
        for (row, key) in pairs {
            let ours = o.borrow().iter().find(|(w, _)| *w == row).map(|r| r.1);
            if let (Some(ours), Some(theirs)) = (ours, get(key)) {
                println!(
                    "{row:<44} ours {ours:>10.0} B | rquickjs {theirs:>10.0} B | {:>5.2}x",
                    ours / theirs
                );
            }
        }
    });
    if let Some(ms) = get("tenant_ms") {
        println!(
            "{:<44} ours {ours_ms:>8.1} ms | rquickjs {ms:>8.1} ms | {:>5.2}x",
            "making 10,000 lean contexts",
            ours_ms / ms
        );
    }
    println!(
        "(a class instance and a closure: rquickjs's Rust values are outside the engine's count, ours inside; engine counts: {} B and {} B)",
        get("class_instance").unwrap_or(f64::NAN),
        get("closure").unwrap_or(f64::NAN)
    );
}
