//! Prints "BEST MEDIAN" (ms per run of the script-bench workload, best and
//! median of 15 after a warm-up) on rquickjs: the same JS program as
//! `benches/script_bench.rs` (read from there), a Rust class with `lt` and
//! a native `rand`. With a path (argv[1]: the public script-bench-rs
//! `scripts/sort_userdata.js`), that script verbatim as its own harness
//! runs it: `rand` from the `rand` crate's thread generator, a class
//! wrapping an `Rc<str>` with `lt` and `toString`.

use rquickjs::class::Trace;
use rquickjs::{Class, Context, Function, JsLifetime, Runtime};
use std::cell::Cell;
use std::time::Instant;

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct RustData {
    #[qjs(skip_trace)]
    s: String,
}

#[rquickjs::methods]
impl RustData {
    #[qjs(constructor)]
    pub fn new(s: String) -> Self {
        RustData { s }
    }

    pub fn lt<'js>(&self, other: Class<'js, RustData>) -> bool {
        self.s < other.borrow().s
    }
}

thread_local! {
    static SEED: Cell<u64> = const { Cell::new(0x2545_f491_4f6c_dd1d) };
}

fn rand(n: u32) -> u32 {
    SEED.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x % u64::from(n.max(1))) as u32
    })
}

/// The JS program between the markers in script_bench.rs.
fn program() -> String {
    let src = include_str!("../../script_bench.rs");
    let start = src.find("const PROGRAM: &str = r#\"").unwrap() + "const PROGRAM: &str = r#\"".len();
    let end = start + src[start..].find("\"#;").unwrap();
    src[start..end].replace("export function", "function")
}

/// The public workload's class: an `Rc<str>`, as script-bench-rs has it.
#[derive(Trace, JsLifetime, Clone)]
#[rquickjs::class(rename = "RustData")]
pub struct PublicData {
    #[qjs(skip_trace)]
    s: std::rc::Rc<str>,
}

#[rquickjs::methods]
impl PublicData {
    #[qjs(constructor)]
    pub fn new(s: String) -> Self {
        PublicData { s: s.into() }
    }

    pub fn lt<'js>(&self, other: Class<'js, PublicData>) -> bool {
        self.s < other.borrow().s
    }

    #[qjs(rename = "toString")]
    pub fn to_string(&self) -> String {
        self.s.to_string()
    }
}

/// The public script verbatim (see the module's docs).
fn verbatim(path: &str) {
    use rand::RngExt;
    let script = std::fs::read_to_string(path).expect("read sort_userdata.js");
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let g = ctx.globals();
        let rand = Function::new(ctx.clone(), |n: u32| rand::rng().random_range(0..n)).unwrap();
        g.set("rand", rand).unwrap();
        Class::<PublicData>::define(&g).unwrap();
        ctx.eval::<(), _>(script).unwrap();
        let bench: Function = g.get("bench").unwrap();
        let mut times: Vec<f64> = (0..16)
            .map(|_| {
                let t = Instant::now();
                let sorted: rquickjs::Array = bench.call(()).unwrap();
                let ms = t.elapsed().as_secs_f64() * 1e3;
                // The check is outside the timed region.
                let mut prev: Option<std::rc::Rc<str>> = None;
                for v in sorted.iter::<Class<PublicData>>() {
                    let s = v.unwrap().borrow().s.clone();
                    assert!(prev.as_ref().is_none_or(|p| *p <= s), "not sorted");
                    prev = Some(s);
                }
                assert_eq!(sorted.len(), 10_000);
                ms
            })
            .skip(1)
            .collect();
        times.sort_by(f64::total_cmp);
        println!("{:.1} {:.1}", times[0], times[times.len() / 2]);
    });
}

/// A class instance for the memory figures: one `f64` of Rust state.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct Gauge {
    #[qjs(skip_trace)]
    level: f64,
}

#[rquickjs::methods]
impl Gauge {
    #[qjs(constructor)]
    pub fn new(level: f64) -> Self {
        Gauge { level }
    }

    pub fn level(&self) -> f64 {
        self.level
    }
}

/// `memory`: the engine's bytes (its malloc count) of what benches/memory.rs
/// measures on this project, made the way an rquickjs user makes them, one
/// "NAME BYTES" line each (per item).
fn memory() {
    use rquickjs::context::intrinsic;
    let bytes = |rt: &Runtime| rt.memory_usage().malloc_size;
    // The resident set (/proc/self/statm): also what the engine does not count.
    let rss = || -> i64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        statm.split_whitespace().nth(1).and_then(|p| p.parse::<i64>().ok()).unwrap_or(0) * 4096
    };
    let rt = Runtime::new().unwrap();
    println!("idle_runtime {}", bytes(&rt));
    let before = bytes(&rt);
    let mut keep = vec![Context::full(&rt).unwrap()];
    println!("first_full_context {}", bytes(&rt) - before);
    let before = bytes(&rt);
    for _ in 0..100 {
        keep.push(Context::full(&rt).unwrap());
    }
    println!("full_context {}", (bytes(&rt) - before) / 100);
    let before = bytes(&rt);
    for _ in 0..100 {
        keep.push(Context::custom::<(intrinsic::Json, intrinsic::Promise)>(&rt).unwrap());
    }
    println!("lean_context {}", (bytes(&rt) - before) / 100);
    drop(keep);
    let ctx = Context::custom::<(intrinsic::Eval, intrinsic::Json, intrinsic::Promise)>(&rt).unwrap();
    ctx.with(|ctx| Class::<Gauge>::define(&ctx.globals()).unwrap());
    rt.run_gc();
    let (before, r) = (bytes(&rt), rss());
    ctx.with(|ctx| {
        ctx.eval::<(), _>("globalThis.gauges = []; for (let i = 0; i < 10000; i++) gauges.push(new Gauge(i))")
            .unwrap()
    });
    println!("class_instance {}", (bytes(&rt) - before) / 10_000);
    println!("class_instance_resident {}", (rss() - r) / 10_000);
    rt.run_gc();
    let (before, r) = (bytes(&rt), rss());
    ctx.with(|ctx| {
        let kept = rquickjs::Array::new(ctx.clone()).unwrap();
        for i in 0..10_000usize {
            let f = Function::new(ctx.clone(), move |a: f64| a + i as f64).unwrap();
            kept.set(i, f).unwrap();
        }
        ctx.globals().set("closures", kept).unwrap();
    });
    println!("closure {}", (bytes(&rt) - before) / 10_000);
    println!("closure_resident {}", (rss() - r) / 10_000);
    let rt = Runtime::new().unwrap();
    let (before, r) = (bytes(&rt), rss());
    let start = Instant::now();
    let tenants: Vec<Context> = (0..10_000)
        .map(|_| Context::custom::<(intrinsic::Json, intrinsic::Promise)>(&rt).unwrap())
        .collect();
    let took = start.elapsed();
    println!("tenant_context {}", (bytes(&rt) - before) / 10_000);
    println!("tenant_context_resident {}", (rss() - r) / 10_000);
    println!("tenant_ms {:.1}", took.as_secs_f64() * 1e3);
    drop(tenants);
}

fn main() {
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "memory" {
            return memory();
        }
        return verbatim(&arg);
    }
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let g = ctx.globals();
        g.set("rand", Function::new(ctx.clone(), rand).unwrap()).unwrap();
        Class::<RustData>::define(&g).unwrap();
        ctx.eval::<(), _>(program()).unwrap();
        let bench: Function = g.get("bench").unwrap();
        let check: Function = g.get("check").unwrap();
        let mut times: Vec<f64> = (0..16)
            .map(|_| {
                let t = Instant::now();
                let sorted: rquickjs::Value = bench.call(()).unwrap();
                let ms = t.elapsed().as_secs_f64() * 1e3;
                // The check is outside the timed region, as on the other side.
                assert_eq!(check.call::<_, i32>((sorted,)).unwrap(), 10_000);
                ms
            })
            .skip(1)
            .collect();
        times.sort_by(f64::total_cmp);
        println!("{:.1} {:.1}", times[0], times[times.len() / 2]);
    });
}
