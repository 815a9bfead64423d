//! (f) The inspector's message handler: any text, line by line, as a
//! client's Chrome DevTools Protocol messages to a runtime whose scripts
//! hold the values a debugger shows (objects, Map, Set, class instances,
//! promises, getters, a Proxy that throws): each gets a JSON reply (a
//! result or a protocol error), no crash, no hang past the interrupt, and
//! the runtime evaluates `1 + 1` afterwards.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quickjs::Inspector;

const SCRIPT: &str = "\
class Point { constructor(x, y) { this.x = x; this.y = y; } get len() { return Math.hypot(this.x, this.y); } }
globalThis.values = { p: new Point(3, 4), m: new Map([[1, {a: 1}], ['k', [1, 2]]]), s: new Set([1, 'two']),
  pr: Promise.resolve(7), rej: Promise.reject(new Error('no')), big: 10n, sym: Symbol('s'),
  hostile: new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('keys'); } }),
  arr: [1, , 3], err: new TypeError('t'), fn: function named(a) { return a; } };
values.rej.catch(() => {});
function work(n) { let t = 0; for (let i = 0; i < n; i++) t += i; return t; }
work(3);";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (rt, ctx) = quickjs_fuzz::sandbox(200);
    ctx.with(|ctx| {
        Inspector::dispatch(ctx, r#"{"id":0,"method":"Debugger.enable"}"#);
        let _ = ctx.eval_with::<()>(SCRIPT, "values.js", quickjs::EvalKind::Script);
        for line in text.lines().take(64) {
            let reply = Inspector::dispatch(ctx, line);
            let v: serde_json::Value = serde_json::from_str(&reply).expect("a JSON reply");
            assert!(v.get("result").is_some() || v.get("error").is_some(), "{reply}");
        }
    });
    quickjs_fuzz::assert_healthy(&rt, &ctx);
});
