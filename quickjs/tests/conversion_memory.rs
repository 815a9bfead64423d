//! The memory limit covers a conversion's total: what Rust copies out of
//! the engine for one conversion counts as the runtime's memory until the
//! conversion ends. One 1 MiB string referenced 10,000 times in an array is
//! 10 GiB as a `Vec<String>`; under a 64 MiB limit every shape of that
//! (vectors, maps, rest parameters, pairs, serde, a user type built from
//! them) ends in `InternalError: out of memory` with the process's peak
//! memory near the limit, and the runtime goes on working.
//!
//! One test in its own binary: the process's peak (`VmHWM`) is its own.
#![cfg(feature = "serde")]

use quickjs::Rest;
use quickjs::{js, Context, FromJs, Object, Runtime, Value};
use std::collections::HashMap;

#[js]
pub fn vec_of(v: Vec<String>) -> usize {
    v.len()
}
#[js]
pub fn map_of(v: HashMap<String, String>) -> usize {
    v.len()
}
#[js]
pub fn rest_of(v: Rest<String>) -> usize {
    v.0.len()
}
#[js]
pub fn pairs_of(v: Vec<(String, String)>) -> usize {
    v.len()
}
#[js]
pub fn json_of(v: Value) -> quickjs::Result<usize> {
    let json: serde_json::Value = quickjs::serde::from_value(&v)?;
    Ok(json.as_array().map_or(0, |a| a.len()))
}

/// A user type built from others.
pub struct Doc {
    parts: Vec<String>,
}
impl<'js> FromJs<'js> for Doc {
    fn from_js(v: &Value<'js>) -> quickjs::Result<Self> {
        let o = Object::from_js(v)?;
        Ok(Doc {
            parts: o.get("parts")?,
        })
    }
}
impl quickjs::TypeScript for Doc {
    fn ts() -> String {
        "{ parts: string[] }".into()
    }
}
#[js]
pub fn doc_of(d: Doc) -> usize {
    d.parts.len()
}

quickjs::module!(static M = "m" { vec_of, map_of, rest_of, pairs_of, json_of, doc_of });

/// The process's peak resident memory, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn a_conversions_total_is_under_the_memory_limit() {
    const LIMIT: usize = 64 << 20;
    let rt = Runtime::new().unwrap();
    rt.set_memory_limit(Some(LIMIT));
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        M.add_to(ctx)?;
        ctx.eval_with::<Value>(
            "import * as m from 'm'; globalThis.m = m;
             globalThis.big = 'x'.repeat(1 << 20);
             globalThis.arr = new Array(10000).fill(big);
             globalThis.obj = {}; for (let i = 0; i < 10000; i++) obj['k' + i] = big;
             globalThis.pairs = new Array(10000).fill([big, big]);",
            "setup.js",
            quickjs::EvalKind::Module,
        )
        .map(drop)
    })
    .unwrap();
    rt.run_pending_jobs().unwrap();
    let before = peak_rss();
    for call in [
        "m.vec_of(arr)",
        "m.map_of(obj)",
        "m.rest_of(...arr)",
        "m.pairs_of(pairs)",
        "m.json_of(arr)",
        "m.doc_of({ parts: arr })",
    ] {
        let r = ctx.with(|ctx| ctx.eval::<usize>(call));
        let e = r.expect_err(call).to_string();
        assert!(e.contains("out of memory"), "{call}: {e}");
        // Caught in JS like any out-of-memory error, and the runtime goes on.
        let caught: String = ctx
            .with(|ctx| ctx.eval(&format!("try {{ {call}; 'no' }} catch (e) {{ e.message }}")))
            .unwrap();
        assert_eq!(caught, "out of memory", "{call}");
        assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("1 + 1")).unwrap(), 2);
    }
    // Nothing of the conversions stays counted: the same shapes that fit
    // convert as before.
    let n: usize = ctx
        .with(|ctx| ctx.eval("m.vec_of(arr.slice(0, 20)) + m.rest_of(...arr.slice(0, 20)) + m.json_of(arr.slice(0, 20))"))
        .unwrap();
    assert_eq!(n, 60);
    // (Not under AddressSanitizer: its quarantine keeps freed memory
    // resident on purpose.)
    let sanitized = std::env::var_os("ASAN_OPTIONS").is_some();
    if let (Some(before), Some(after), false) = (before, peak_rss(), sanitized) {
        let grew = after.saturating_sub(before);
        // The limit again at most, and slack for the allocator: never the
        // gigabytes the copies would take.
        assert!(
            grew < 3 * LIMIT as u64,
            "peak memory grew by {} MiB",
            grew >> 20
        );
    }
}
