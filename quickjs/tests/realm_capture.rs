//! A process of its own, so that its first capture of a realm's built-ins
//! is the one under test: it happens in a host's context whose script
//! replaced `Map` and `Set` before `JS_AddRust`. The built-in class ids are
//! learnt from a context no script has run in, so that context cannot
//! teach every other context of the process its replacements.

use quickjs::{sys, Context, JsMap, Runtime};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn a_hijacked_host_context_does_not_teach_other_contexts_its_builtins() {
    // SAFETY: a private runtime and context, used on this thread and freed
    // here; the script's value is freed at once.
    unsafe {
        let rt = sys::JS_NewRuntime();
        let ctx = sys::JS_NewContext(rt);
        let src = c"globalThis.Map = Set; globalThis.Set = Map;";
        let v = sys::JS_Eval(ctx, src.as_ptr(), src.count_bytes(), c"<host>".as_ptr(), 0);
        assert!(!sys::JS_IsException(v));
        sys::JS_FreeValue(ctx, v);
        // Makes the context's Rust state: the process's first capture.
        assert_eq!(quickjs::add_rust(ctx, rt, &[]), 0);
        sys::JS_FreeContext(ctx);
        sys::JS_FreeRuntime(rt);
    }
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        ctx.globals().set("m", JsMap(vec![(1, 2)])).unwrap();
        ctx.globals().set("s", BTreeSet::from([3])).unwrap();
        assert!(ctx
            .eval::<bool>("m instanceof Map && m.get(1) === 2 && s instanceof Set && s.has(3)")
            .unwrap());
        assert_eq!(
            ctx.eval::<BTreeMap<i32, i32>>("m").unwrap(),
            BTreeMap::from([(1, 2)])
        );
        assert_eq!(ctx.eval::<BTreeSet<i32>>("s").unwrap(), BTreeSet::from([3]));
    });
}
