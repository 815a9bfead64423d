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

fn main() {
    if let Some(path) = std::env::args().nth(1) {
        return verbatim(&path);
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
