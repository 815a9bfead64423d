//! (a) Any script, as a script or a module, in a sandboxed runtime with the
//! native module `m` imported: no crash, no hang past the interrupt, and
//! the runtime evaluates `1 + 1` afterwards.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quickjs::{EvalKind, Value};
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, src)) = data.split_first() else {
        return;
    };
    let src = String::from_utf8_lossy(src);
    let (rt, ctx) = quickjs_fuzz::sandbox(20);
    let kind = if mode & 1 == 0 { EvalKind::Script } else { EvalKind::Module };
    let _ = ctx.with(|ctx| ctx.eval_with::<Value>(&src, "fuzz.js", kind).map(drop));
    let _ = rt.run_until_idle_for(Duration::from_millis(20));
    quickjs_fuzz::assert_healthy(&rt, &ctx);
});
