//! Contexts made with fewer built-ins (`Context::new` + `Intrinsics`):
//! what they offer scripts, and that every part of the Rust API either
//! works in them or fails with a `TypeError` naming what is missing (never
//! a crash). Run under the sanitizers like the rest.

use quickjs::{
    ArrayBuffer, Bytes, Context, Error, EvalKind, Function, Intrinsics, JsMap, Persistent,
    Precompiled, Promise, Runtime, TypedArray, Value,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, SystemTime};

fn lean(rt: &Runtime) -> Context {
    Context::new(rt, Intrinsics::EVAL).unwrap()
}

fn type_error(e: Error) -> String {
    match e {
        Error::Thrown(e) => {
            assert_eq!(e.name.as_deref(), Some("TypeError"), "{e:?}");
            e.message
        }
        Error::Js {
            kind: quickjs::ErrorKind::TypeError,
            message,
        } => message,
        other => panic!("expected a TypeError, got {other:?}"),
    }
}

#[test]
fn a_context_offers_exactly_the_built_ins_it_was_made_with() {
    let rt = Runtime::new().unwrap();
    let names = "['Date','RegExp','JSON','Proxy','Map','Set','WeakMap','ArrayBuffer','Uint8Array','DataView','WeakRef','FinalizationRegistry','atob','performance']";
    let present = |ctx: &Context| -> String {
        ctx.with(|ctx| {
            ctx.eval(&format!(
                "{names}.filter(n => typeof globalThis[n] !== 'undefined').join(' ')"
            ))
        })
        .unwrap()
    };
    assert_eq!(present(&lean(&rt)), "");
    let some = Context::new(
        &rt,
        Intrinsics::EVAL | Intrinsics::JSON | Intrinsics::MAP_SET,
    )
    .unwrap();
    assert_eq!(present(&some), "JSON Map Set WeakMap");
    assert_eq!(
        present(&Context::full(&rt).unwrap()),
        "Date RegExp JSON Proxy Map Set WeakMap ArrayBuffer Uint8Array DataView WeakRef FinalizationRegistry atob performance"
    );
    // The base built-ins are always there.
    let base: String = lean(&rt)
        .with(|ctx| ctx.eval("[typeof Object, typeof Math.hypot, typeof Symbol.iterator, typeof 1n, typeof Reflect, typeof Promise, [1, 2].map(x => x * 2).join()].join(' ')"))
        .unwrap();
    assert_eq!(base, "function function symbol bigint object function 2,4");
}

#[test]
fn without_the_compiler_source_is_refused_and_bytecode_runs() {
    let rt = Runtime::new().unwrap();
    let bytecode = lean(&rt)
        .with(|ctx| Precompiled::compile(ctx, "6 * 7", "six.js", EvalKind::Script))
        .unwrap();
    let bare = Context::new(&rt, Intrinsics::BASE).unwrap();
    bare.with(|ctx| {
        let e = ctx.eval::<i32>("1 + 1").unwrap_err();
        assert!(e.to_string().contains("eval"), "{e}");
        assert_eq!(bytecode.eval::<i32>(ctx).unwrap(), 42);
    });
}

#[test]
fn rust_conversions_needing_a_missing_built_in_are_type_errors() {
    let rt = Runtime::new().unwrap();
    lean(&rt).with(|ctx| {
        let g = ctx.globals();
        let map: BTreeMap<String, i32> = [("a".to_owned(), 1)].into();
        assert_eq!(
            type_error(g.set("m", JsMap(map)).unwrap_err()),
            "Map is not available in this context"
        );
        let set: BTreeSet<i32> = [1].into();
        assert!(type_error(g.set("s", set).unwrap_err()).starts_with("Set"));
        assert!(type_error(g.set("d", SystemTime::UNIX_EPOCH).unwrap_err()).starts_with("Date"));
        assert!(type_error(g.set("b", Bytes(vec![1, 2])).unwrap_err()).contains("Uint8Array"));
        assert!(
            type_error(ArrayBuffer::new(ctx, &[1, 2]).map(drop).unwrap_err())
                .contains("ArrayBuffer")
        );
        assert!(
            type_error(TypedArray::<f64>::new(ctx, &[1.0]).map(drop).unwrap_err())
                .contains("ArrayBuffer")
        );
        // Reading Rust collections from plain JS data needs none of them.
        assert_eq!(
            ctx.eval::<HashSet<i32>>("[1, 1]").unwrap(),
            HashSet::from([1])
        );
        // Plain data is unaffected.
        g.set("v", vec![1, 2, 3]).unwrap();
        assert_eq!(ctx.eval::<i32>("v.length").unwrap(), 3);
    });
}

#[test]
fn async_rust_and_js_async_functions_work_in_the_leanest_context() {
    let rt = Runtime::new().unwrap();
    let ctx = lean(&rt);
    ctx.with(|ctx| {
        // Rust waits on the engine's own promise.
        let p: Promise = quickjs::Promise::spawn(ctx, async { 41 }).unwrap();
        assert_eq!(p.wait::<i32>().unwrap(), 41);
        // JS awaits an async Rust function.
        let later = Function::new_async(ctx, "later", |n: i32| async move {
            quickjs::sleep(Duration::from_millis(1)).await;
            n + 1
        })
        .unwrap();
        ctx.globals().set("later", later).unwrap();
        let p: Promise = ctx
            .eval("(async () => (await later(1)) + (await later(10)))()")
            .unwrap();
        assert_eq!(p.wait::<i32>().unwrap(), 13);
        // A module (evaluated through a promise) awaits Rust at top level.
        let p: Promise = ctx
            .eval_with("globalThis.x = await later(2)", "m.js", EvalKind::Module)
            .unwrap();
        p.wait::<Value>().unwrap();
        assert_eq!(ctx.eval::<i32>("x").unwrap(), 3);
        // A rejection from Rust reaches a JS catch.
        let fails = Function::new_async(ctx, "fails", || async {
            Err::<(), _>(Error::range_error("no"))
        })
        .unwrap();
        ctx.globals().set("fails", fails).unwrap();
        let p: Promise = ctx
            .eval("(async () => { try { await fails() } catch (e) { return e.name } })()")
            .unwrap();
        assert_eq!(p.wait::<String>().unwrap(), "RangeError");
    });
    assert_eq!(rt.pending_futures(), 0);
}

#[test]
fn persistent_values_and_serde_in_a_lean_context() {
    let rt = Runtime::new().unwrap();
    let ctx = lean(&rt);
    let kept = ctx
        .with(|ctx| Persistent::save(ctx, ctx.eval("({ a: 1 })").unwrap()))
        .unwrap();
    ctx.with(|ctx| {
        let a: i32 = kept
            .restore::<quickjs::Object>(ctx)
            .unwrap()
            .get("a")
            .unwrap();
        assert_eq!(a, 1);
        // serde needs nothing beyond the base built-ins.
        let v = quickjs::serde::to_value(ctx, &BTreeMap::from([("k", vec![1.5, 2.5])])).unwrap();
        let back: BTreeMap<String, Vec<f64>> = quickjs::serde::from_value(&v).unwrap();
        assert_eq!(back["k"], [1.5, 2.5]);
    });
}

#[test]
fn scripts_meet_js_errors_where_built_ins_are_missing() {
    // Each either runs or throws a JS error; the runtime's teardown then
    // finds no leaked object (debug builds keep the engine's assertions).
    let cases = [
        ("/a/.test('a')", "SyntaxError"),
        ("'a'.match('a')", "TypeError"),
        ("'a'.search('a')", "TypeError"),
        ("new Date()", "ReferenceError"),
        ("JSON.parse('1')", "ReferenceError"),
        ("new Map()", "ReferenceError"),
        ("new Uint8Array(1)", "ReferenceError"),
        ("new WeakRef({})", "ReferenceError"),
        ("atob('')", "ReferenceError"),
        ("performance.now()", "ReferenceError"),
        ("new Proxy({}, {})", "ReferenceError"),
        ("'a b'.split(' ').length", "2"),
        ("'abc'.replace('b', 'x')", "axc"),
        (
            "Object.keys(Object.groupBy([1, 2], x => x % 2)).length",
            "2",
        ),
        ("typeof Array.fromAsync", "function"),
        ("new Function('return 7')()", "7"),
        ("String([...(function* () { yield 1; yield 2 })()])", "1,2"),
    ];
    let rt = Runtime::new().unwrap();
    let ctx = lean(&rt);
    ctx.with(|ctx| {
        for (src, expected) in cases {
            let got = match ctx.eval::<String>(&format!("String({src})")) {
                Ok(v) => v,
                Err(Error::Thrown(e)) => e.name.unwrap_or_default(),
                Err(other) => panic!("{src}: {other:?}"),
            };
            assert_eq!(got, expected, "{src}");
        }
        // Async code and dynamic import run on the engine's promises.
        let p: Promise = ctx
            .eval("(async () => { let n = 0; for await (const x of [1, 2]) n += x; const e = await import('nowhere').catch(e => e.name); return n + ' ' + e })()")
            .unwrap();
        let out = p.wait::<String>().unwrap();
        assert!(out.starts_with("3 "), "{out}");
    });
    drop(ctx);
    drop(rt);
}

#[test]
fn precompiled_code_runs_in_fresh_contexts_of_any_runtime_without_the_compiler() {
    use quickjs::{Object, Precompiled};
    fn shared<T: Send + Sync + Clone>(t: &T) -> T {
        t.clone()
    }
    let compiler = Runtime::new().unwrap();
    let (script, module) = lean(&compiler)
        .with(|ctx| {
            Ok::<_, Error>((
                quickjs::Precompiled::compile(
                    ctx,
                    "globalThis.hits = (globalThis.hits ?? 0) + 1; ({ n: 6 * 7 })",
                    "s.js",
                    EvalKind::Script,
                )?,
                quickjs::Precompiled::compile(
                    ctx,
                    "globalThis.m = 'module ran'",
                    "m.js",
                    EvalKind::Module,
                )?,
            ))
        })
        .unwrap();
    assert_eq!((script.name(), script.kind()), ("s.js", EvalKind::Script));
    assert!(!script.is_empty());
    // Shared with another thread's runtime; each fresh context runs it anew.
    let script: Precompiled = shared(&script);
    std::thread::spawn(move || {
        let rt = Runtime::new().unwrap();
        for _ in 0..3 {
            let ctx = Context::new(&rt, Intrinsics::BASE).unwrap();
            ctx.with(|ctx| {
                let o: Object = script.eval(ctx).unwrap();
                assert_eq!(o.get::<_, i32>("n").unwrap(), 42);
                assert_eq!(ctx.globals().get::<_, i32>("hits").unwrap(), 1);
                let p: Promise = module.eval(ctx).unwrap();
                p.wait::<Value>().unwrap();
                assert_eq!(ctx.globals().get::<_, String>("m").unwrap(), "module ran");
                // The sandbox itself cannot compile.
                assert!(ctx.eval::<i32>("1").is_err());
            });
        }
    })
    .join()
    .unwrap();
    // Syntax errors are reported when compiling, with the place.
    let e = lean(&compiler)
        .with(|ctx| quickjs::Precompiled::compile(ctx, "let x = ;", "bad.js", EvalKind::Script))
        .unwrap_err();
    let Error::Thrown(e) = e else { panic!("{e:?}") };
    assert_eq!(e.name.as_deref(), Some("SyntaxError"));
    assert!(
        e.stack.unwrap_or_default().contains("bad.js:1"),
        "the place"
    );
}

#[test]
fn a_precompiled_module_run_twice_in_one_context_is_no_crash() {
    let rt = Runtime::new().unwrap();
    let ctx = lean(&rt);
    ctx.with(|ctx| {
        let m = Precompiled::compile(
            ctx,
            "globalThis.runs = (globalThis.runs ?? 0) + 1; export const x = 1",
            "twice.js",
            EvalKind::Module,
        )
        .unwrap();
        for _ in 0..2 {
            // Each evaluation is its own module instance or a clear error.
            match m.eval::<Promise>(ctx) {
                Ok(p) => drop(p.wait::<Value>()),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
        let runs: i32 = ctx.globals().get("runs").unwrap();
        assert!((1..=2).contains(&runs), "{runs}");
    });
}

#[test]
fn contexts_that_do_not_fit_the_memory_limit_are_errors_and_leave_the_runtime_usable() {
    let rt = Runtime::new().unwrap();
    let _first = Context::new(&rt, Intrinsics::EVAL).unwrap();
    let used = rt.memory_usage().malloc_size as usize;
    // Room for a little more than the runtime has: every built-in set
    // fails somewhere along the way, at a different step.
    let mut refused = 0;
    for (extra, intrinsics) in [
        (8 << 10, Intrinsics::BASE),
        (64 << 10, Intrinsics::ALL),
        (96 << 10, Intrinsics::EVAL | Intrinsics::TYPED_ARRAYS),
    ] {
        rt.set_memory_limit(Some(used + extra));
        match Context::new(&rt, intrinsics) {
            Ok(ctx) => drop(ctx),
            Err(e) => {
                assert!(e.to_string().contains("memory"), "{e}");
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 3, "a context needs more than 96 KB");
    rt.set_memory_limit(None);
    let ctx = Context::new(&rt, Intrinsics::ALL).unwrap();
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("6 * 7")).unwrap(), 42);
}

#[test]
fn async_rust_in_a_host_context_without_promise_is_a_type_error_not_a_leak() {
    // A C host may make a context with fewer built-ins than `Context::new`
    // allows; the engine cannot make a promise in one without `Promise`
    // (what it holds is never freed), so async Rust refuses it. Debug
    // builds keep JS_FreeRuntime's leak assertion.
    use quickjs::{sys, Ctx};
    // SAFETY: a runtime and a context of the engine's own, used on this
    // thread only, freed at the end once nothing made in them is left.
    let (rt, c) = unsafe {
        let rt = sys::JS_NewRuntime();
        let c = sys::JS_NewContextRaw(rt);
        assert_eq!(sys::JS_AddIntrinsicBaseObjects(c), 0);
        assert_eq!(sys::JS_AddIntrinsicEval(c), 0);
        (rt, c)
    };
    {
        // SAFETY: c is live until freed below, after this block.
        let ctx = unsafe { Ctx::from_raw(c) };
        let e = quickjs::Promise::spawn(ctx, async { 1 })
            .map(drop)
            .unwrap_err();
        assert_eq!(
            type_error(e),
            "Promise is not available in this context: async Rust functions need it"
        );
        let later = Function::new_async(ctx, "later", |n: i32| async move { n }).unwrap();
        ctx.globals().set("later", later).unwrap();
        for src in ["later(1)", "later('not a number')"] {
            let got: String = ctx
                .eval(&format!(
                    "try {{ {src}; 'no throw' }} catch (e) {{ e.name + ': ' + e.message }}"
                ))
                .unwrap();
            assert!(got.starts_with("TypeError: "), "{src}: {got}");
        }
    }
    // SAFETY: nothing made in them is left.
    unsafe {
        sys::JS_FreeContext(c);
        sys::JS_FreeRuntime(rt);
    }
}
