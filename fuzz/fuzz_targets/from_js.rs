//! (b) Every parameter type of a `#[js]` function fed a generated hostile
//! value, both from Rust (`FromJs`) and through a JS call of each native
//! function: errors are fine, crashes and hangs are not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quickjs::{BigInt, Bytes, FromJs, JsStr, Object, Value};
use std::collections::{BTreeMap, HashMap};

fn convert_all(v: &Value<'_>) {
    let _ = i32::from_js(v);
    let _ = u8::from_js(v);
    let _ = i64::from_js(v);
    let _ = u64::from_js(v);
    let _ = f64::from_js(v);
    let _ = bool::from_js(v);
    let _ = char::from_js(v);
    let _ = String::from_js(v);
    let _ = JsStr::from_js(v);
    let _ = Option::<u16>::from_js(v);
    let _ = Vec::<i32>::from_js(v);
    let _ = Vec::<Vec<String>>::from_js(v);
    let _ = HashMap::<String, Value>::from_js(v);
    let _ = BTreeMap::<String, Vec<f64>>::from_js(v);
    let _ = <(i32, String, Option<bool>)>::from_js(v);
    let _ = Bytes::from_js(v);
    let _ = BigInt::from_js(v);
    if let Ok(o) = Object::from_js(v) {
        let _ = o.keys();
        let _ = o.entries::<Value>();
    }
}

fuzz_target!(|data: &[u8]| {
    let expr = quickjs_fuzz::Gen::new(data).expr();
    let (rt, ctx) = quickjs_fuzz::sandbox(5);
    ctx.with(|ctx| {
        let Ok(v) = ctx.eval::<Value>(&format!("globalThis.v = ({expr})")) else {
            return;
        };
        convert_all(&v);
        let calls: String = quickjs_fuzz::FUNCTIONS
            .iter()
            .map(|f| format!("try {{ {f}(v) }} catch (e) {{}} try {{ {f}(v, v, v) }} catch (e) {{}}\n"))
            .collect();
        let _ = ctx.eval::<Value>(&calls).map(drop);
    });
    let _ = rt.run_until_idle_for(std::time::Duration::from_millis(20));
    quickjs_fuzz::assert_healthy(&rt, &ctx);
});
