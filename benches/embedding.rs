//! `cargo bench --bench embedding`: the safe embedding API against its
//! baselines, measured in the same run.
//!
//! 1. Runtime + context creation + a tiny eval + teardown: `quickjs::Runtime`
//!    / `Context` vs the same five raw C API calls.
//! 2. Passing a FeatureCollection of 260 GeoJSON-like points into JS (data
//!    in only: build the value, drop it): `quickjs::serde::to_value` (builds
//!    the JS objects directly) vs `serde_json::to_string` + `JSON.parse`,
//!    against hand-written C: the same objects made with the public C API,
//!    property by property, atoms made once (a baseline, not a floor: serde
//!    uses patch 0011's one-call objects). The three values are checked
//!    equal whole (their JSON text), not by a sum.
//! 3. Start-up of a 50 KB ES module (with one import): a fresh runtime and
//!    context evaluating it from source vs from a `Bundle` (bytecode
//!    compiled ahead of time, as `BundleBuilder::emit` does at build time).
//! 4. Entering a context from Rust: `Context::with` reading the global object
//!    vs the least a thread-safe handle does for it in C (a `std::sync::Mutex`
//!    locked and unlocked around `JS_GetGlobalObject` + `JS_FreeValue`).

use quickjs::{sys, Context, Function, Runtime, Value};
use std::time::Instant;

fn best_of<F: FnMut()>(runs: usize, iters: usize, mut f: F) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / iters as f64);
    }
    best
}

/// The best time of each side over 10 rounds, the sides run in turn, their
/// order reversed every other round: allocator warm-up and drift hit all alike.
fn interleaved_best<const N: usize>(sides: [&dyn Fn() -> f64; N]) -> [f64; N] {
    let mut best = [f64::MAX; N];
    for round in 0..10 {
        for k in 0..N {
            let i = if round % 2 == 0 { k } else { N - 1 - k };
            best[i] = best[i].min(sides[i]());
        }
    }
    best
}

fn main() {
    // glibc adapts its mmap threshold to the allocation pattern, which makes
    // runtime creation time bimodal (fresh pages or recycled heap) from run to
    // run; fixed thresholds make both sides allocate the same way.
    // SAFETY: plain allocator tuning before any allocation of interest.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
    // For profiling one part: QJS_BENCH_ONLY=serde.
    let only = std::env::var("QJS_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "runtime" {
        runtime_creation();
    }
    if only.is_empty() || only == "serde" {
        data_in();
    }
    if only.is_empty() || only == "startup" {
        startup();
    }
    if only.is_empty() || only == "with" {
        context_with();
    }
}

fn context_with() {
    println!("== Context::with + the global object, best of 10 interleaved rounds of 200000 ==");
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let ours_once = || {
        best_of(1, 200_000, || {
            ctx.with(|ctx| std::hint::black_box(ctx.globals()).into_value().is_object())
                .then_some(())
                .unwrap()
        })
    };
    // SAFETY: a private runtime and context, freed at the end.
    let (raw_rt, raw_ctx) = unsafe {
        let rt = sys::JS_NewRuntime();
        (rt, sys::JS_NewContext(rt))
    };
    let lock = std::sync::Mutex::new(raw_ctx as usize);
    let raw_once = || {
        best_of(1, 200_000, || {
            let c = *lock.lock().unwrap() as *mut sys::JSContext;
            // SAFETY: the context is live; the reference is freed at once.
            unsafe {
                let g = std::hint::black_box(sys::JS_GetGlobalObject(c));
                assert!(sys::JS_IsObject(g));
                sys::JS_FreeValue(c, g);
            }
        })
    };
    let [ours, raw] = interleaved_best([&ours_once, &raw_once]);
    // SAFETY: freed once, nothing of them used after.
    unsafe {
        sys::JS_FreeContext(raw_ctx);
        sys::JS_FreeRuntime(raw_rt);
    }
    println!(
        "Context::with              {ours:>7.1} ns   {:.2}x the C baseline",
        ours / raw
    );
    println!("Mutex + JS_GetGlobalObject {raw:>7.1} ns   1.00x");
}

/// A module of about `kb` KB: functions, a class, object literals and
/// strings, importing a small helper module.
fn big_module(kb: usize) -> String {
    let mut s = String::from("import { clamp } from './util.js';\nexport const table = [];\n");
    let mut i = 0;
    while s.len() < kb * 1024 {
        s += &format!(
            "export function f{i}(x, y = {i}) {{\n  const o = {{ id: {i}, name: 'item {i}', tags: ['a{i}', 'b{i}'] }};\n  \
             for (let k = 0; k < 3; k++) x += clamp(k * y, 0, {i});\n  return o.id + x + o.tags.length;\n}}\n\
             class C{i} {{ constructor(v) {{ this.v = v; }} get twice() {{ return this.v * 2; }} }}\n\
             table.push([f{i}, C{i}]);\n"
        );
        i += 1;
    }
    s
}

fn startup() {
    use quickjs::{Bundle, BundleBuilder, EvalKind, Promise};
    let dir = std::env::temp_dir().join(format!("qjs-bench-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let main = big_module(50);
    std::fs::write(dir.join("main.js"), &main).unwrap();
    let util = "export const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);";
    std::fs::write(dir.join("util.js"), util).unwrap();
    let build = |b: BundleBuilder| {
        let built = b.module("main.js").build().unwrap();
        let len = built.bytes.len();
        // SAFETY: built just above by this engine.
        let bundle = unsafe { Bundle::from_static(Box::leak(built.bytes.into_boxed_slice())) };
        (bundle.unwrap(), len)
    };
    let (bundle, bytecode_len) = build(BundleBuilder::new(&dir));
    let (stripped, stripped_len) = build(BundleBuilder::new(&dir).strip_source().strip_debug());
    std::fs::remove_dir_all(&dir).unwrap();
    println!(
        "== start-up of a {} KB module (+ 1 import): runtime + context + evaluate + teardown, best of 10 interleaved rounds of 20 ==",
        main.len() / 1024
    );
    println!(
        "   (bundle: {} KB of bytecode; {} KB with source and debug information stripped)",
        bytecode_len / 1024,
        stripped_len / 1024
    );
    let from_source = || {
        best_of(1, 20, || {
            let rt = Runtime::new().unwrap();
            rt.set_loader(quickjs::MemoryLoader::new().with("util.js", util));
            let ctx = Context::full(&rt).unwrap();
            ctx.with(|ctx| {
                let p: Promise = ctx.eval_with(&main, "main.js", EvalKind::Module).unwrap();
                p.wait::<()>().unwrap();
            });
        })
    };
    let from = |bundle: &Bundle| {
        best_of(1, 20, || {
            let rt = Runtime::new().unwrap();
            rt.set_loader(bundle.clone());
            let ctx = Context::full(&rt).unwrap();
            ctx.with(|ctx| {
                let p: Promise = (bundle.get("main.js").unwrap()).eval(ctx).unwrap();
                p.wait::<()>().unwrap();
            });
        })
    };
    let from_bundle = || from(&bundle);
    let from_stripped = || from(&stripped);
    let [src, bc, st] = interleaved_best([&from_source, &from_bundle, &from_stripped]);
    println!("from source              {:>10.1} µs", src / 1e3);
    println!(
        "from bytecode            {:>10.1} µs   ratio {:.2}x (bytecode / source)",
        bc / 1e3,
        bc / src
    );
    println!(
        "from bytecode, stripped  {:>10.1} µs   ratio {:.2}x",
        st / 1e3,
        st / src
    );
}

fn runtime_creation() {
    println!("== runtime + context + eval(\"1 + 1\") + teardown, best of 10 interleaved rounds of 2000 ==");
    let ours_once = || {
        best_of(1, 2000, || {
            let rt = Runtime::new().unwrap();
            let ctx = Context::full(&rt).unwrap();
            let two: i32 = ctx.with(|ctx| ctx.eval("1 + 1")).unwrap();
            assert_eq!(two, 2);
        })
    };
    let raw_once = || {
        best_of(1, 2000, || {
            // SAFETY: the raw C API sequence a C host would write; all freed.
            unsafe {
                let rt = sys::JS_NewRuntime();
                let ctx = sys::JS_NewContext(rt);
                let v = sys::JS_Eval(ctx, c"1 + 1".as_ptr(), 5, c"<eval>".as_ptr(), 0);
                assert_eq!(sys::JS_VALUE_GET_INT(v), 2);
                sys::JS_FreeContext(ctx);
                sys::JS_FreeRuntime(rt);
            }
        })
    };
    let [ours, raw] = interleaved_best([&ours_once, &raw_once]);
    println!(
        "quickjs::Runtime/Context {:>9.0} ns   {:.3}x the raw C API",
        ours,
        ours / raw
    );
    println!("raw C API                 {raw:>9.0} ns   1.000x");
    println!();
}

fn data_in() {
    println!("== 260 GeoJSON points into JS, best of 10 interleaved rounds of 200 ==");
    let fc = feature_collection(260);
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let sum: Function = ctx.eval(SUM_JS).unwrap();
        let parse: Function = ctx.eval("JSON.parse").unwrap();
        let floor = RawFloor::new(ctx);
        let via_floor = || floor.build(&fc);
        let via_serde = || quickjs::serde::to_value(ctx, &fc).unwrap();
        let via_json = || -> Value {
            let text = serde_json::to_string(&fc).unwrap();
            parse.call((text,)).unwrap()
        };
        // All three build the same value: the same JSON text, whole (keys,
        // their order, every number), and the plugin reads it the same.
        let stringify: Function = ctx.eval("JSON.stringify").unwrap();
        let built = [via_floor(), via_serde(), via_json()];
        let texts: Vec<String> = built
            .iter()
            .map(|v| stringify.call((v.clone(),)).unwrap())
            .collect();
        assert!(texts.iter().all(|t| t == &texts[0]), "the three values differ");
        assert!(texts[0].len() > 50_000, "not the whole collection");
        let sums: Vec<f64> = built
            .into_iter()
            .map(|v| sum.call((v,)).unwrap())
            .collect();
        assert!(sums.iter().all(|s| (s - sums[0]).abs() < 1e-9 && *s > 0.0), "{sums:?}");
        // Data in only: build the value, then drop it (freeing is part of
        // the cost on every side).
        // Named functions, so that callgrind can count each side alone
        // (`--toggle-collect='embedding::data_in_*'`).
        #[inline(never)]
        fn data_in_floor<'js>(f: &dyn Fn() -> Value<'js>) {
            std::hint::black_box(0); // not folded into one function
            drop(std::hint::black_box(f()));
        }
        #[inline(never)]
        fn data_in_serde<'js>(f: &dyn Fn() -> Value<'js>) {
            std::hint::black_box(1); // not folded into one function
            drop(std::hint::black_box(f()));
        }
        #[inline(never)]
        fn data_in_json<'js>(f: &dyn Fn() -> Value<'js>) {
            std::hint::black_box(2); // not folded into one function
            drop(std::hint::black_box(f()));
        }
        let (f, s, j) = (
            || best_of(1, 200, || data_in_floor(&via_floor)),
            || best_of(1, 200, || data_in_serde(&via_serde)),
            || best_of(1, 200, || data_in_json(&via_json)),
        );
        let [floor_ns, serde, json] = interleaved_best([&f, &s, &j]);
        let prebuilt = via_serde();
        let sum_only = best_of(9, 200, || {
            std::hint::black_box(sum.call::<_, f64>((prebuilt.clone(),)).unwrap());
        });
        println!("hand-written C, property by property (pre-made atoms)  {:>8.1} µs   1.00x", floor_ns / 1e3);
        println!(
            "quickjs::serde::to_value          {:>8.1} µs   {:.2}x of the C baseline",
            serde / 1e3,
            serde / floor_ns
        );
        println!(
            "serde_json text + JSON.parse      {:>8.1} µs   {:.2}x of the C baseline (serde {:.2}x faster)",
            json / 1e3,
            json / floor_ns,
            json / serde
        );
        println!("(the JS plugin summing the points: {:.1} µs)", sum_only / 1e3);
    });
}

/// The C baseline for data in: the same objects built with the public C
/// API, property by property, the property names made into atoms once,
/// outside the timed loop; the way a hand-written C host would do it (plain
/// data properties, arrays made in one call). Not a floor: serde builds a
/// struct's object in one call from a cached template (patch 0011's
/// `JS_NewObjectLike`), which the public API has no way to do.
struct RawFloor<'js> {
    ctx: quickjs::Ctx<'js>,
    atoms: [sys::JSAtom; 10],
}

impl<'js> RawFloor<'js> {
    const NAMES: [&'static str; 10] = [
        "type",
        "features",
        "properties",
        "geometry",
        "track_fid",
        "track_seg_id",
        "track_seg_point_id",
        "ele",
        "time",
        "coordinates",
    ];

    fn new(ctx: quickjs::Ctx<'js>) -> Self {
        let mut atoms = [0; 10];
        for (a, name) in atoms.iter_mut().zip(Self::NAMES) {
            // SAFETY: ctx is live; the atoms are freed in Drop.
            *a = unsafe { sys::JS_NewAtomLen(ctx.as_raw(), name.as_ptr().cast(), name.len()) };
        }
        RawFloor { ctx, atoms }
    }

    fn build(&self, fc: &geojson::FeatureCollection) -> Value<'js> {
        let c = self.ctx.as_raw();
        let [ty, features, properties, geometry, fid, seg, point, ele, time, coords] = self.atoms;
        // SAFETY: the raw C API on a live context; every value made is
        // handed to exactly one consumer (a property, an array, the result).
        unsafe {
            let obj = |props: &[(sys::JSAtom, sys::JSValue)]| {
                let o = sys::JS_NewObject(c);
                for &(k, v) in props {
                    sys::JS_DefinePropertyValue(c, o, k, v, sys::JS_PROP_C_W_E as i32);
                }
                o
            };
            let string = |s: &str| sys::JS_NewStringLen(c, s.as_ptr().cast(), s.len());
            let items: Vec<sys::JSValue> = fc
                .features
                .iter()
                .map(|f| {
                    let p = &f.properties;
                    let props = obj(&[
                        (fid, sys::JS_NewUint32(c, p.track_fid)),
                        (seg, sys::JS_NewUint32(c, p.track_seg_id)),
                        (point, sys::JS_NewUint32(c, p.track_seg_point_id)),
                        (ele, sys::JS_NewFloat64(c, p.ele)),
                        (time, string(&p.time)),
                    ]);
                    let xy = f.geometry.coordinates.map(|x| sys::JS_NewFloat64(c, x));
                    let geom = obj(&[
                        (ty, string(f.geometry.r#type)),
                        (coords, sys::JS_NewArrayFrom(c, 2, xy.as_ptr())),
                    ]);
                    obj(&[
                        (ty, string(f.r#type)),
                        (properties, props),
                        (geometry, geom),
                    ])
                })
                .collect();
            let arr = sys::JS_NewArrayFrom(c, items.len() as i32, items.as_ptr());
            Value::from_raw(self.ctx, obj(&[(ty, string(fc.r#type)), (features, arr)]))
        }
    }
}

impl Drop for RawFloor<'_> {
    fn drop(&mut self) {
        for a in self.atoms {
            // SAFETY: made in new on this live context.
            unsafe { sys::JS_FreeAtom(self.ctx.as_raw(), a) };
        }
    }
}

/// The GeoJSON workload (shared with the pool example and benchmark).
#[path = "../examples/pool/geojson.rs"]
mod geojson;
use geojson::{feature_collection, SUM_JS};
