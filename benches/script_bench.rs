//! `cargo bench --bench script_bench`: the class-method workload of the
//! public "script-bench-rs" comparison of Rust scripting engines. JS makes
//! 10,000 instances of a `#[js]` class wrapping a random hex string (8 to
//! 23 characters, drawn in JS with a native `rand(n)`), then sorts them with
//! a JS quicksort that calls the Rust method `a.lt(b)` for every
//! comparison. Baseline in the same run: the same program with a JS class
//! and a JS `rand` (pure JS). `QJS_BENCH_RQUICKJS=1` also runs the same
//! workload on rquickjs, in its own process (`benches/rquickjs-script-bench/`,
//! built from crates.io: never linked with this engine). Like with like:
//! both sides run the program as a global script, draw the same strings
//! (the same generator and seed, reset for each measurement), and time the
//! making and sorting only; the check that the result is sorted runs after.

use quickjs::{js, Context, EvalKind, Function, Runtime};
use std::cell::Cell;
use std::time::Instant;

#[js]
pub struct RustData {
    s: String,
}

#[js]
impl RustData {
    #[js(constructor)]
    pub fn new(s: String) -> Self {
        RustData { s }
    }
    pub fn lt(&self, other: &RustData) -> bool {
        self.s < other.s
    }
    #[js(name = "toString")]
    pub fn text(&self) -> String {
        self.s.clone()
    }
}

/// The public workload's `rand`: the `rand` crate's thread generator, as
/// script-bench-rs draws.
#[js(name = "rand")]
pub fn thread_rand(n: u32) -> u32 {
    use rand::RngExt;
    rand::rng().random_range(0..n)
}

/// The generator's seed (the rquickjs side starts from the same one: both
/// sort the same strings).
const SEED0: u64 = 0x2545_f491_4f6c_dd1d;

thread_local! {
    static SEED: Cell<u64> = const { Cell::new(SEED0) };
}

/// A xorshift draw in `0..n`.
#[js]
pub fn rand(n: u32) -> u32 {
    SEED.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x % u64::from(n.max(1))) as u32
    })
}

/// The benchmark program, over `RustData` and `rand` from `source`.
const PROGRAM: &str = r#"
const HEX = '0123456789abcdef'.split('');
function randomString(len) {
  const parts = [];
  for (let k = 0; k < len; k++) parts.push(HEX[rand(HEX.length)]);
  return parts.join('');
}
function swap(a, x, y) { const t = a[x]; a[x] = a[y]; a[y] = t; }
function partition(a, lo, hi) {
  const mid = Math.floor((lo + hi) / 2);
  const pivot = a[mid];
  swap(a, mid, hi);
  let store = lo;
  for (let k = lo; k < hi; k++) {
    if (a[k].lt(pivot)) { swap(a, k, store); store++; }
  }
  swap(a, store, hi);
  return store;
}
function quicksort(a, lo, hi) {
  while (lo < hi) {
    const p = partition(a, lo, hi);
    quicksort(a, lo, p - 1);
    lo = p + 1;
  }
}
export function bench() {
  const a = [];
  for (let k = 0; k < 10000; k++) a.push(new RustData(randomString(8 + rand(16))));
  quicksort(a, 0, a.length - 1);
  return a;
}
export function check(a) {
  for (let k = 1; k < a.length; k++) if (a[k].lt(a[k - 1])) throw new Error('not sorted');
  return a.length;
}
"#;

/// The same, in JS only.
const PURE_JS: &str = r#"
let seed = 0x2545f491;
function rand(n) { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; }
class RustData { constructor(s) { this.s = s } lt(o) { return this.s < o.s } }
"#;

/// Milliseconds per run of `bench()` from `program`, run as a global
/// script as the rquickjs side runs it (best and median of 15 after a
/// warm-up); `native`: with the `#[js]` class and `rand` as globals.
fn measure(program: &str, native: bool) -> (f64, f64) {
    SEED.with(|s| s.set(SEED0));
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let g = ctx.globals();
        if native {
            g.set_class::<RustData>().unwrap();
            g.set("rand", quickjs::function!(rand)).unwrap();
        }
        let script = program.replace("export function", "function");
        let _: quickjs::Value = ctx
            .eval_with(&script, "bench.js", EvalKind::Script)
            .unwrap();
        let bench: Function = g.get("bench").unwrap();
        let check: Function = g.get("check").unwrap();
        best_and_median(&bench, &check)
    })
}

/// ms per `bench()` of the public script-bench-rs `sort_userdata.js`,
/// verbatim (read from `dir`, a checkout of that project), as its harness
/// runs it: a global script, `rand` from the thread generator; the check
/// that the result is sorted outside the timed region. Best and median of
/// 15 after a warm-up.
fn measure_public(dir: &std::path::Path) -> (f64, f64) {
    let script = std::fs::read_to_string(dir.join("scripts/sort_userdata.js"))
        .expect("SCRIPT_BENCH_RS: a checkout of script-bench-rs (scripts/sort_userdata.js)");
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let g = ctx.globals();
        g.set_class::<RustData>().unwrap();
        g.set("rand", quickjs::function!(thread_rand)).unwrap();
        ctx.eval_with::<()>(&script, "sort_userdata.js", EvalKind::Script)
            .unwrap();
        let bench: Function = g.get("bench").unwrap();
        let check: Function = ctx
            .eval("(a) => { for (let k = 1; k < a.length; k++) if (a[k].lt(a[k - 1])) throw new Error('not sorted'); return a.length }")
            .unwrap();
        best_and_median(&bench, &check)
    })
}

/// ms per `bench()` call, best and median of 15 after a warm-up; `check`
/// (the result is sorted: 10,000 more calls of `lt`) runs outside the timed
/// region.
fn best_and_median<'js>(bench: &Function<'js>, check: &Function<'js>) -> (f64, f64) {
    let mut times: Vec<f64> = (0..16)
        .map(|_| {
            let t = Instant::now();
            let sorted: quickjs::Value = bench.call(()).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1e3;
            assert_eq!(check.call::<_, i32>((sorted,)).unwrap(), 10_000);
            ms
        })
        .skip(1)
        .collect();
    times.sort_by(f64::total_cmp);
    (times[0], times[times.len() / 2])
}

/// "BEST MEDIAN" from a peer's own process (`cargo run --release` of a
/// crate beside this file, in its own target directory).
fn peer(manifest: &str, target: &str, cflags: &str, args: &[&str]) -> Option<(f64, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/");
    let out = std::process::Command::new(env!("CARGO"))
        .env("CFLAGS", cflags)
        .args(["run", "--release", "--quiet", "--manifest-path"])
        .arg(format!("{dir}{manifest}/Cargo.toml"))
        .arg("--target-dir")
        .arg(format!(
            "{}/target/peers/{target}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_whitespace().collect::<Vec<_>>()[..] {
        [best, median] if out.status.success() => Some((best.parse().ok()?, median.to_string())),
        _ => {
            eprintln!(
                "{manifest} ({target}) failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            None
        }
    }
}

/// The public workload verbatim, here and on rquickjs and mlua (Lua 5.5,
/// Luau), each in its own process, back to back.
fn public_workload(dir: &std::path::Path) {
    println!("== script-bench-rs's sort_userdata verbatim (SCRIPT_BENCH_RS={}), ms per run (best | median) ==", dir.display());
    let ours = measure_public(dir);
    println!(
        "quickjs-rust          {:>7.1} | {:>7.1} ms   1.00x",
        ours.0, ours.1
    );
    let js = dir.join("scripts/sort_userdata.js");
    let lua = dir.join("scripts/sort_userdata.lua");
    let (js, lua) = (js.to_str().unwrap(), lua.to_str().unwrap());
    // rquickjs as its users get it (rquickjs-sys's C: assertions on, the
    // frame pointer kept), and built with this project's engine flags
    // (quickjs-sys/build.rs: NDEBUG, no frame pointer, no interposition).
    let ours_flags = "-DNDEBUG -fomit-frame-pointer -fno-semantic-interposition -funsigned-char";
    let rows: [(&str, &str, &str, &str, Vec<&str>); 4] = [
        (
            "rquickjs 0.14",
            "rquickjs-script-bench",
            "rquickjs",
            "",
            vec!["--", js],
        ),
        (
            "rquickjs, our C flags",
            "rquickjs-script-bench",
            "rquickjs-flags",
            ours_flags,
            vec!["--", js],
        ),
        (
            "mlua, Lua 5.5",
            "mlua-script-bench",
            "lua55",
            "",
            vec!["--", lua],
        ),
        (
            "mlua, Luau (JIT)",
            "mlua-script-bench",
            "luau",
            "",
            vec!["--no-default-features", "--features", "luau", "--", lua],
        ),
    ];
    for (name, manifest, target, cflags, args) in rows {
        if let Some((best, median)) = peer(manifest, target, cflags, &args) {
            println!(
                "{name:<20}  {best:>7.1} | {median:>7} ms   ours {:.2}x",
                ours.0 / best
            );
        }
    }
}

fn main() {
    if let Some(dir) = std::env::var_os("SCRIPT_BENCH_RS") {
        public_workload(std::path::Path::new(&dir));
    }
    let native = PROGRAM.to_string();
    let pure = format!("{PURE_JS}\n{PROGRAM}");
    let (mut n, mut p) = ((f64::MAX, 0.0), (f64::MAX, 0.0));
    for round in 0..2 {
        let (a, b) = if round == 0 {
            (measure(&native, true), measure(&pure, false))
        } else {
            let b = measure(&pure, false);
            (measure(&native, true), b)
        };
        if a.0 < n.0 {
            n = a;
        }
        if b.0 < p.0 {
            p = b;
        }
    }
    println!("== script-bench, this project's variant (a seeded xorshift `rand`, `[]`): 10,000 #[js] class instances sorted by a JS quicksort calling a.lt(b), ms per run (best | median) ==");
    println!(
        "#[js] class + rand   {:>7.1} | {:>7.1} ms   {:.2}x pure JS",
        n.0,
        n.1,
        n.0 / p.0
    );
    println!(
        "pure JS              {:>7.1} | {:>7.1} ms   1.00x",
        p.0, p.1
    );
    if std::env::var_os("QJS_BENCH_RQUICKJS").is_some_and(|v| v == "1") {
        let manifest = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/rquickjs-script-bench/Cargo.toml"
        );
        let out = std::process::Command::new(env!("CARGO"))
            .args(["run", "--release", "--quiet", "--manifest-path", manifest])
            .output()
            .expect("cargo run rquickjs-script-bench");
        assert!(
            out.status.success(),
            "rquickjs-script-bench failed ({})\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        match text.split_whitespace().collect::<Vec<_>>()[..] {
            [best, median] => {
                let best: f64 = best.parse().unwrap();
                println!(
                    "rquickjs (own process) {best:>5.1} | {median:>7} ms   ours {:.2}x rquickjs",
                    n.0 / best
                );
            }
            _ => println!("rquickjs: {}{}", text, String::from_utf8_lossy(&out.stderr)),
        }
    }
}
