//! Prints "BEST MEDIAN" (ms per run of the script-bench workload, best and
//! median of 15 after a warm-up) on rquickjs: the same JS program as
//! `benches/script_bench.rs` (read from there), a Rust class with `lt` and
//! a native `rand`.

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

fn main() {
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
