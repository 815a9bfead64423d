//! (c) serde both ways: a generated JS value read as `serde_json::Value`
//! must write back and read again to the same data; JSON text parsed by
//! serde_json must survive `to_value` then `from_value`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quickjs::serde::{from_value, to_value};
use quickjs::Value;
use serde_json::Value as Json;

/// Equal as JS sees data: numbers by their double value (JS has one
/// number type), objects by their entries.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (rt, ctx) = quickjs_fuzz::sandbox(5);
    ctx.with(|ctx| {
        let first: Json = if mode & 1 == 0 {
            let expr = quickjs_fuzz::Gen::new(rest).expr();
            let Ok(v) = ctx.eval::<Value>(&format!("({expr})")) else {
                return;
            };
            match from_value(&v) {
                Ok(j) => j,
                Err(_) => return,
            }
        } else {
            match std::str::from_utf8(rest).ok().and_then(|s| serde_json::from_str(s).ok()) {
                Some(j) => j,
                None => return,
            }
        };
        let Ok(v) = to_value(ctx, &first) else {
            return; // too deep, or out of memory: an error is the right answer
        };
        let second: Json = match from_value(&v) {
            Ok(j) => j,
            // The sandbox's interrupt may land in any conversion.
            Err(e) if e.is_interrupt() => return,
            Err(e) => panic!("a value written by to_value reads back: {e}"),
        };
        assert!(same(&first, &second), "{first} != {second}");
        // And through JSON.stringify: the same data JS sees.
        ctx.globals().set("v", v).unwrap();
        if let Ok(text) = ctx.eval::<String>("JSON.stringify(v)") {
            let third: Json = serde_json::from_str(&text).expect("JSON.stringify output parses");
            assert!(same(&first, &third), "{first} != {third}");
        }
    });
    quickjs_fuzz::assert_healthy(&rt, &ctx);
});
