//! The safe embedding API: runtime, context, eval, values, calls both ways,
//! errors, limits, threads. No `unsafe` here.

use quickjs::{js, Context, Error, EvalKind, Function, IntoJs, Object, Runtime, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

fn context() -> Context {
    Context::full(&Runtime::new().unwrap()).unwrap()
}

fn thrown(e: Error) -> quickjs::Exception {
    match e {
        Error::Thrown(e) => e,
        other => panic!("expected a thrown JS exception, got {other:?}"),
    }
}

#[test]
fn eval_converts_completion_values() {
    let ctx = context();
    ctx.with(|ctx| {
        assert_eq!(ctx.eval::<i32>("6 * 7").unwrap(), 42);
        assert_eq!(ctx.eval::<String>("'a' + 'b'").unwrap(), "ab");
        assert_eq!(
            ctx.eval::<Vec<i64>>("[1, 2, 3].map(x => x * 2)").unwrap(),
            vec![2, 4, 6]
        );
        assert_eq!(ctx.eval::<Option<bool>>("undefined").unwrap(), None);
        let e = ctx.eval::<i32>("'x'").unwrap_err();
        assert_eq!(e, Error::type_error("expected number, got string"));
    });
}

#[test]
fn js_exceptions_become_errors_with_name_message_and_stack() {
    let ctx = context();
    ctx.with(|ctx| {
        let e = thrown(
            ctx.eval_with::<Value>(
                "function f() { throw new TypeError('bad') }\nf()",
                "script.js",
                EvalKind::Script,
            )
            .unwrap_err(),
        );
        assert_eq!(e.name.as_deref(), Some("TypeError"));
        assert_eq!(e.message, "bad");
        let stack = e.stack.unwrap();
        assert!(stack.contains("at f (script.js:1"), "{stack}");
        let e = thrown(ctx.eval::<Value>("throw 42").unwrap_err());
        assert_eq!((e.name, e.message.as_str(), e.stack), (None, "42", None));
        let e = thrown(ctx.eval::<Value>("let = ;").unwrap_err());
        assert_eq!(e.name.as_deref(), Some("SyntaxError"));
        assert!(Error::Thrown(e).to_string().starts_with("SyntaxError: "));
    });
}

#[test]
fn a_caught_exception_keeps_its_value_while_its_context_lives() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let e = ctx.with(|ctx| {
        let e = thrown(ctx.eval::<Value>("class E extends Error {}; globalThis.E = E; throw Object.assign(new E('m'), { code: 7 })").unwrap_err());
        let o: Object = e.thrown(ctx).unwrap().unwrap();
        assert_eq!(o.get::<_, i32>("code").unwrap(), 7);
        assert_eq!(e.thrown::<i32>(ctx).unwrap().unwrap_err(), Error::type_error("expected number, got object"));
        // A closure returning it throws the same object again.
        let rethrow = e.clone();
        let f = Function::new(ctx, "rethrow", move || -> quickjs::Result<()> { Err(Error::Thrown(rethrow.clone())) }).unwrap();
        ctx.globals().set("rethrow", f).unwrap();
        assert_eq!(
            ctx.eval::<String>("try { rethrow() } catch (x) { `${x instanceof E} ${x.code} ${x.message}` }").unwrap(),
            "true 7 m"
        );
        e
    });
    // In another runtime it is its text again; nothing of one runtime's
    // heap reaches another.
    let other = context();
    other.with(|ctx| {
        assert!(e.thrown::<Value>(ctx).is_none());
        let f = {
            let e = e.clone();
            Function::with_args(ctx, "rethrow", 0, move |_| Err(Error::Thrown(e.clone()))).unwrap()
        };
        ctx.globals().set("rethrow", f).unwrap();
        assert_eq!(
            ctx.eval::<String>(
                "try { rethrow() } catch (x) { `${x.name}: ${x.message} ${x.code}` }"
            )
            .unwrap(),
            "Error: m undefined"
        );
    });
    // Its context gone, the value is released; the text stays.
    drop(ctx);
    let again = Context::full(&rt).unwrap();
    again.with(|ctx| assert!(e.thrown::<Value>(ctx).is_none()));
    assert_eq!(e.message, "m");
    drop((again, rt));
    assert!(format!("{e:#}").starts_with("Error: m\n    at E"), "{e}");
}

#[test]
fn globals_objects_and_keys() {
    let ctx = context();
    ctx.with(|ctx| {
        let o = Object::new(ctx).unwrap();
        o.set("b", 2).unwrap();
        o.set("a", "x").unwrap();
        o.set(7u32, true).unwrap();
        ctx.globals().set("o", o.clone()).unwrap();
        assert_eq!(
            ctx.eval::<String>("JSON.stringify(o)").unwrap(),
            r#"{"7":true,"b":2,"a":"x"}"#
        );
        assert_eq!(o.keys().unwrap(), ["7", "b", "a"]);
        assert!(o.contains_key("a").unwrap());
        assert!(o.remove("a").unwrap());
        assert!(!o.contains_key("a").unwrap());
        assert_eq!(o.get::<_, Option<i32>>("missing").unwrap(), None);
    });
}

#[test]
fn a_throwing_getter_is_an_error_not_a_crash() {
    let ctx = context();
    ctx.with(|ctx| {
        let o: Object = ctx.eval("({ get boom() { throw new RangeError('getter') } })").unwrap();
        let e = thrown(o.get::<_, i32>("boom").unwrap_err());
        assert_eq!((e.name.as_deref(), e.message.as_str()), (Some("RangeError"), "getter"));
        // A Proxy that mutates during conversion of an array.
        let v = ctx.eval::<Vec<i32>>("const a = [1, 2, 3]; new Proxy(a, { get(t, k) { if (k === '1') a.length = 0; return t[k] } })");
        assert!(v.is_err());
    });
}

#[test]
fn rust_calls_js_functions_with_typed_arguments() {
    let ctx = context();
    ctx.with(|ctx| {
        let f: Function = ctx.eval("(a, b, c) => `${a}-${b}-${c}`").unwrap();
        assert_eq!(f.call::<_, String>((1, "two", 3.5)).unwrap(), "1-two-3.5");
        let thrower: Function = ctx.eval("() => { throw new Error('inside') }").unwrap();
        assert_eq!(
            thrown(thrower.call::<_, Value>(()).unwrap_err()).message,
            "inside"
        );
    });
}

/// A plain function as a JS function: JS values in and out.
fn twice<'js>(f: Function<'js>, x: Value<'js>) -> quickjs::Result<Value<'js>> {
    let once: Value = f.call((x,))?;
    f.call((once,))
}

#[test]
fn typed_closures_are_checked_and_converted_like_js_fns() {
    use quickjs::{AsyncCtx, Ctx, Promise};
    use quickjs::{Rest, This};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    ctx.with(|ctx| {
        let c = calls.clone();
        let fns = [
            Function::new(ctx, "add", move |a: i32, b: i32| {
                c.fetch_add(1, Ordering::Relaxed);
                a + b
            }),
            Function::new(ctx, "pad", |s: String, width: Option<usize>| {
                format!("{s:>w$}", w = width.unwrap_or(4))
            }),
            Function::new(ctx, "sum", |first: f64, rest: Rest<f64>| {
                first + rest.0.iter().sum::<f64>()
            }),
            Function::new(ctx, "tag", |this: This<Object<'_>>, t: String| {
                this.0.set("tag", t)
            }),
            // JS values in and out, a JS callback called back: a fn item
            // (a closure cannot tie its result's lifetime to its arguments').
            Function::new(ctx, "twice", twice),
            Function::new(ctx, "kind", |v: Value<'_>, f: Option<Function<'_>>| {
                format!("{} {}", v.type_name(), f.is_some())
            }),
            // Ctx, a Result, an error that passes through with its identity.
            Function::new(ctx, "run", |ctx: Ctx<'_>, src: String| -> quickjs::Result<i32> {
                ctx.eval(src.as_str())
            }),
            Function::new(ctx, "fail", |code: i32| -> Result<(), String> {
                Err(format!("failed with {code}"))
            }),
            Function::new(ctx, "boom", || -> bool { panic!("typed boom") }),
            Function::new_async(ctx, "later", |ms: u64, v: Vec<i32>| async move {
                quickjs::sleep(Duration::from_millis(ms)).await;
                v.into_iter().sum::<i32>()
            }),
            Function::new_async(ctx, "refuse", |why: String| async move {
                Err::<i32, _>(Error::type_error(why))
            }),
            Function::new_async(ctx, "answer", |actx: AsyncCtx| async move {
                quickjs::sleep(Duration::from_millis(1)).await;
                actx.with(|ctx| ctx.eval::<i32>("6 * 7"))?
            }),
        ];
        let g = ctx.globals();
        for f in fns {
            let f = f.unwrap();
            let name: String = f.get("name").unwrap();
            g.set(name.as_str(), f).unwrap();
        }
        let js = |src: &str| ctx.eval::<String>(src).unwrap();
        // Arity, length, names, extra arguments ignored (map passes 3).
        assert_eq!(js("String([1, 2, 3].map(add))"), "1,3,5");
        assert_eq!(
            js("`${add.length} ${pad.length} ${sum.length} ${tag.length} ${run.length} ${boom.length}`"),
            "2 1 1 1 1 0"
        );
        let message = |src: &str| {
            js(&format!("try {{ {src}; 'no error' }} catch (e) {{ `${{e.name}}: ${{e.message}}` }}"))
        };
        assert_eq!(message("add(1)"), "TypeError: add: expected 2 arguments, got 1");
        assert_eq!(message("add(1, 'x')"), "TypeError: add: argument 2: expected number, got string");
        assert_eq!(message("sum()"), "TypeError: sum: expected at least 1 argument, got 0");
        assert_eq!(message("sum(1, 2, 'x')"), "TypeError: sum: argument 3: expected number, got string");
        assert_eq!(message("tag.call(1, 'x')"), "TypeError: tag: this: expected object, got number");
        assert_eq!(message("fail(7)"), "Error: failed with 7");
        // A panic ends the script: no catch runs; the caller gets it back.
        let Err(Error::Panic(p)) = ctx.eval::<String>("try { boom() } catch (e) { 'caught' }") else {
            panic!("the panic was caught by JS")
        };
        assert_eq!(p.message(), "boom: typed boom");
        // The stack shows the native frame, as for #[js] functions.
        assert!(js("try { add() } catch (e) { e.stack }").contains("at add (native)"));
        // Values.
        assert_eq!(js("pad('ab') + '|' + pad('ab', 3)"), "  ab| ab");
        assert_eq!(ctx.eval::<f64>("sum(1, 2, 3.5)").unwrap(), 6.5);
        assert_eq!(js("const o = {}; tag.call(o, 'x'); o.tag"), "x");
        assert_eq!(js("twice(s => s + '!', 'hi')"), "hi!!");
        assert_eq!(js("kind(null, () => 1)"), "null true");
        assert_eq!(ctx.eval::<i32>("run('20 + 22')").unwrap(), 42);
        assert_eq!(
            js("class E extends Error {}; try { run('throw Object.assign(new E(\\'m\\'), {code: 7})') } catch (e) { `${e instanceof E} ${e.code}` }"),
            "true 7"
        );
        // Async closures: promises, and a bad call rejects (never throws).
        let p: Promise = ctx.eval("later(1, [1, 2, 3])").unwrap();
        assert_eq!(p.wait::<i32>().unwrap(), 6);
        let p: Promise = ctx.eval("later(1, 'no')").unwrap();
        let e = p.wait::<i32>().unwrap_err().to_string();
        assert!(e.contains("TypeError: later: argument 2: expected array, got string"), "{e}");
        let p: Promise = ctx.eval("later()").unwrap();
        let e = p.wait::<i32>().unwrap_err().to_string();
        assert!(e.contains("later: expected 2 arguments, got 0"), "{e}");
        let p: Promise = ctx.eval("refuse('nope')").unwrap();
        let e = p.wait::<i32>().unwrap_err().to_string();
        assert!(e.contains("TypeError: nope"), "{e}");
        let p: Promise = ctx.eval("answer()").unwrap();
        assert_eq!(p.wait::<i32>().unwrap(), 42);
    });
    // Called from a later scope of the context, with its own brand.
    ctx.with(|ctx| {
        assert_eq!(ctx.eval::<i32>("add(40, 2)").unwrap(), 42);
        assert_eq!(
            ctx.eval::<String>("twice(x => x * 2, 3) + ''").unwrap(),
            "12"
        );
    });
    assert_eq!(calls.load(Ordering::Relaxed), 4);
}

#[test]
fn rust_closures_are_js_functions_and_panics_are_caught() {
    let ctx = context();
    ctx.with(|ctx| {
        // Closures must be Send: the runtime (and all it holds) may move threads.
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicI32::new(0));
        let c = counter.clone();
        let add = Function::with_args(ctx, "add", 2, move |args| {
            c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let (a, b): (i32, i32) = (args.get(0)?, args.get(1)?);
            (a + b).into_js(args.ctx())
        })
        .unwrap();
        let boom = Function::with_args(ctx, "boom", 0, |_| panic!("closure panic")).unwrap();
        let g = ctx.globals();
        g.set("add", add).unwrap();
        g.set("boom", boom).unwrap();
        assert_eq!(ctx.eval::<i32>("add(40, 2)").unwrap(), 42);
        assert_eq!(
            ctx.eval::<String>("try { add(1, 'x') } catch (e) { e.message }")
                .unwrap(),
            "add: argument 2: expected number, got string"
        );
        let Err(Error::Panic(p)) =
            ctx.eval::<String>("try { boom() } catch (e) { `${e.name}: ${e.message}` }")
        else {
            panic!("the panic was caught by JS")
        };
        assert_eq!(p.message(), "boom: closure panic");
        assert!(p.location().unwrap().contains("embedding.rs"));
        // A runtime can let scripts catch panics instead (the old default).
        quickjs::Runtime::of(ctx)
            .unwrap()
            .set_catch_panics_in_js(true);
        assert_eq!(
            ctx.eval::<String>("try { boom() } catch (e) { `${e.name}: ${e.message}` }")
                .unwrap(),
            "InternalError: boom: Rust panic: closure panic"
        );
        quickjs::Runtime::of(ctx)
            .unwrap()
            .set_catch_panics_in_js(false);
        assert_eq!(ctx.eval::<i32>("add(1, 1)").unwrap(), 2);
        assert_eq!(counter.load(std::sync::atomic::Ordering::Relaxed), 3);
    });
}

mod shapes {
    #[quickjs::js]
    #[derive(Clone)]
    pub struct Square {
        pub side: f64,
    }
    #[quickjs::js]
    impl Square {
        #[js(constructor)]
        fn new(side: f64) -> Self {
            Square { side }
        }
        pub fn area(&self) -> f64 {
            self.side * self.side
        }
        pub fn unit() -> Square {
            Square { side: 1.0 }
        }
    }
    #[quickjs::js(name = "grow")]
    pub fn scaled(s: &Square, by: Option<f64>) -> Square {
        Square {
            side: s.side * by.unwrap_or(2.0),
        }
    }
}

#[js]
async fn settle_later(ms: u64) -> u64 {
    quickjs::sleep(Duration::from_millis(ms)).await;
    ms
}

#[test]
fn js_functions_and_classes_are_values_without_a_module() {
    let rt = Runtime::new().unwrap();
    for ctx in [Context::full(&rt).unwrap(), Context::full(&rt).unwrap()] {
        ctx.with(|ctx| {
            let g = ctx.globals();
            g.set_class::<shapes::Square>().unwrap();
            let util = Object::new(ctx).unwrap();
            util.set("grow", quickjs::function!(shapes::scaled))
                .unwrap();
            util.set("later", quickjs::function!(settle_later)).unwrap();
            util.set(
                "Sq",
                quickjs::class::constructor::<shapes::Square>(ctx).unwrap(),
            )
            .unwrap();
            g.set("util", util).unwrap();
            let js = |src: &str| ctx.eval::<String>(src).unwrap();
            assert_eq!(js("String(new Square(3).area())"), "9");
            assert_eq!(js("String(util.grow(new Square(3)).area())"), "36");
            assert_eq!(js("String(util.grow(Square.unit(), 5).area())"), "25");
            assert_eq!(
                js("`${util.Sq === Square} ${util.grow(new Square(1)) instanceof Square}`"),
                "true true"
            );
            assert_eq!(js("`${util.grow.name} ${util.grow.length}`"), "grow 1");
            assert_eq!(
                js("try { util.grow({}) } catch (e) { e.message }"),
                "grow: argument 1: expected Square, got object"
            );
            let p: quickjs::Promise = ctx.eval("util.later(1)").unwrap();
            assert_eq!(p.wait::<u64>().unwrap(), 1);
        });
    }
}

#[test]
fn the_object_api_works_whatever_a_script_replaced() {
    use quickjs::This;
    use quickjs::{Coerced, Key, Property, Symbol, WellKnownSymbol};
    let ctx = context();
    ctx.with(|ctx| {
        // A hostile script replaced what a JS-source implementation would use.
        ctx.eval::<()>(
            "Object.defineProperty = Object.getPrototypeOf = Object.setPrototypeOf = null;
             globalThis.Reflect = undefined; globalThis.Symbol = undefined;",
        )
        .unwrap();
        let o = Object::new(ctx).unwrap();
        // Data properties with attributes, accessors, symbol keys.
        o.define_property(
            "fixed",
            Property::value(1.into_js(ctx).unwrap()).enumerable(),
        )
        .unwrap();
        o.define_property(
            "open",
            Property::value(2.into_js(ctx).unwrap())
                .writable()
                .enumerable()
                .configurable(),
        )
        .unwrap();
        let get = Function::new(
            ctx,
            "get twice",
            |this: This<Object<'_>>| -> quickjs::Result<i32> {
                Ok(this.0.get::<_, i32>("open")? * 2)
            },
        )
        .unwrap();
        let set = Function::new(ctx, "set twice", |this: This<Object<'_>>, v: i32| {
            this.0.set("open", v / 2)
        })
        .unwrap();
        o.define_property(
            "twice",
            Property::getter(get).with_setter(set).configurable(),
        )
        .unwrap();
        let secret = Symbol::new(ctx, "secret").unwrap();
        o.set(&secret, "s").unwrap();
        let tag = Symbol::well_known(ctx, WellKnownSymbol::ToStringTag).unwrap();
        o.define_property(&tag, Property::value("Thing".into_js(ctx).unwrap()))
            .unwrap();
        ctx.globals().set("o", o.clone()).unwrap();
        let js = |src: &str| ctx.eval::<String>(src).unwrap();
        assert_eq!(
            js("o.fixed = 5; o.twice = 10; `${o.fixed} ${o.open} ${o.twice} ${Object.keys(o)}`"),
            "1 5 10 fixed,open"
        );
        assert_eq!(js("Object.prototype.toString.call(o)"), "[object Thing]");
        assert!(ctx.eval::<Value>("'use strict'; o.fixed = 5").is_err());
        // Redefining a non-configurable property fails as in JS; misuse of
        // the builder is an error too.
        let e = o
            .define_property("fixed", Property::value(3.into_js(ctx).unwrap()))
            .unwrap_err();
        assert!(e.to_string().contains("TypeError"), "{e}");
        let getter = Function::new(ctx, "g", || 1).unwrap();
        let e = o
            .define_property("bad", Property::getter(getter).writable())
            .unwrap_err();
        assert!(e.to_string().contains("not both"), "{e}");
        // Own keys: strings (hidden ones too), then symbols.
        let keys: Vec<String> = o
            .own_keys()
            .unwrap()
            .into_iter()
            .map(|k| match k {
                Key::String(s) => s,
                Key::Symbol(s) => format!("@{}", s.description().unwrap().unwrap_or_default()),
            })
            .collect();
        assert_eq!(
            keys,
            ["fixed", "open", "twice", "@secret", "@Symbol.toStringTag"]
        );
        // A key from the list reads its property.
        let last = o.own_keys().unwrap().remove(3);
        assert_eq!(o.get::<_, String>(&last).unwrap(), "s");
        // Prototypes.
        let proto: Object = ctx
            .eval("({ hello() { return 'hi ' + this.open } })")
            .unwrap();
        o.set_prototype(Some(&proto)).unwrap();
        assert_eq!(js("o.hello()"), "hi 5");
        assert!(o.get_prototype().unwrap().is_some());
        o.set_prototype(None).unwrap();
        assert!(o.get_prototype().unwrap().is_none());
        assert!(proto.set_prototype(Some(&proto)).is_err()); // a cycle
                                                             // Type tests and instanceof.
        let vals: Vec<Value> = ctx
            .eval("class A {}; globalThis.A = A; [new A(), [1], 1n, 's', null, undefined, () => 0]")
            .unwrap();
        let a: Object = ctx.globals().get("A").unwrap();
        let kinds: Vec<String> = vals
            .iter()
            .map(|v| {
                format!(
                    "{}{}{}{}{}{}{}",
                    u8::from(v.is_object()),
                    u8::from(v.is_array()),
                    u8::from(v.is_bigint()),
                    u8::from(v.is_string()),
                    u8::from(v.is_null()),
                    u8::from(v.is_undefined()),
                    u8::from(v.is_function()),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            ["1000000", "1100000", "0010000", "0001000", "0000100", "0000010", "1000001"]
        );
        assert!(vals[0].instance_of(&a).unwrap());
        assert!(!vals[1].instance_of(&a).unwrap());
        // Coerced conversions, also as parameters.
        let loose = Function::new(
            ctx,
            "loose",
            |n: Coerced<f64>, s: Coerced<String>, b: Coerced<bool>| {
                format!("{} {} {}", n.0 + 1.0, s.0, b.0)
            },
        )
        .unwrap();
        ctx.globals().set("loose", loose).unwrap();
        assert_eq!(js("loose('41', [1, 2], 'x')"), "42 1,2 true");
        assert_eq!(
            js("loose({ valueOf() { return 1 } }, null, 0)"),
            "2 null false"
        );
        assert_eq!(
            js("try { loose(Object.getOwnPropertySymbols(o)[0], '', 0) } catch (e) { e.message }"),
            // the engine's own TypeError, as JS throws it
            "cannot convert symbol to number"
        );
    });
}

#[js]
fn triple(x: i32) -> i32 {
    x * 3
}
quickjs::module!(static MATH = "math" { triple });

#[test]
fn native_modules_can_be_added_under_any_name() {
    let ctx = context();
    ctx.with(|ctx| {
        MATH.add_to(ctx).unwrap();
        let p: Value = ctx
            .eval_with(
                "import { triple } from 'math'; globalThis.r = triple(14)",
                "main.js",
                EvalKind::Module,
            )
            .unwrap();
        drop(p);
        assert_eq!(ctx.globals().get::<_, i32>("r").unwrap(), 42);
    });
}

#[test]
fn a_module_added_to_a_context_stays_in_that_context() {
    // `add_module` declares the module in one context: not in another
    // context of the same runtime, not in another runtime, and not for the
    // `JS_AddRust` of any later context (only `quickjs::register` is
    // process-wide).
    let rt = Runtime::new().unwrap();
    let (one, two) = (Context::full(&rt).unwrap(), Context::full(&rt).unwrap());
    let import = |ctx: &Context| {
        ctx.with(|ctx| {
            ctx.eval_with::<Value>(
                "import { triple } from 'math'; globalThis.r = triple(2)",
                "m.js",
                EvalKind::Module,
            )
            .map(drop)
        })
    };
    one.with(|ctx| MATH.add_to(ctx)).unwrap();
    assert!(import(&one).is_ok());
    let e = import(&two).unwrap_err();
    assert!(e.to_string().contains("math"), "{e}");
    let other = context();
    assert!(import(&other).is_err());
    // The C path: JS_AddRust on a fresh context declares only registered modules.
    // SAFETY: a live context of its live runtime, on this thread.
    other.with(|ctx| unsafe {
        quickjs::sys::JS_AddRust(ctx.as_raw(), quickjs::sys::JS_GetRuntime(ctx.as_raw()))
    });
    assert!(import(&other).is_err());
}

#[test]
fn a_memory_limit_ends_a_huge_allocation_cleanly() {
    let rt = Runtime::new().unwrap();
    rt.set_memory_limit(Some(16 << 20));
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let e = thrown(
            ctx.eval::<Value>("const a = []; for (;;) a.push('x'.repeat(1000) + a.length)")
                .unwrap_err(),
        );
        assert_eq!(
            (e.name.as_deref(), e.message.as_str()),
            (Some("InternalError"), "out of memory")
        );
        let e = thrown(ctx.eval::<Value>("new ArrayBuffer(1e9)").unwrap_err());
        assert!(
            e.message.contains("out of memory") || e.name.as_deref() == Some("RangeError"),
            "{e}"
        );
        assert_eq!(ctx.eval::<i32>("1 + 1").unwrap(), 2);
    });
    assert!(rt.memory_usage().malloc_limit == 16 << 20);
}

#[test]
fn deep_recursion_is_a_range_error() {
    let rt = Runtime::new().unwrap();
    rt.set_max_stack_size(Some(256 << 10));
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let e = thrown(
            ctx.eval::<Value>("function r(n) { return r(n + 1) + 1 } r(0)")
                .unwrap_err(),
        );
        assert_eq!(e.name.as_deref(), Some("RangeError"), "{e}");
        assert_eq!(ctx.eval::<i32>("[1, 2].length").unwrap(), 2);
    });
}

#[test]
fn an_interrupt_handler_stops_an_infinite_loop() {
    let rt = Runtime::new().unwrap();
    let deadline = Instant::now() + Duration::from_millis(100);
    rt.set_interrupt_handler(Some(Box::new(move || Instant::now() > deadline)));
    let ctx = Context::full(&rt).unwrap();
    let start = Instant::now();
    ctx.with(|ctx| {
        let e = thrown(ctx.eval::<Value>("for (;;) {}").unwrap_err());
        assert_eq!(
            (e.name.as_deref(), e.message.as_str()),
            (Some("InternalError"), "interrupted")
        );
    });
    assert!(start.elapsed() < Duration::from_secs(5));
    rt.set_interrupt_handler(None);
    assert_eq!(
        ctx.with(|ctx| ctx.eval::<i32>("let s = 0; for (let i = 0; i < 1000; i++) s += i; s"))
            .unwrap(),
        499500
    );
}

#[test]
fn a_runtime_moves_between_threads_and_runtimes_run_in_parallel() {
    let ctx = context();
    ctx.with(|ctx| ctx.eval::<Value>("globalThis.n = 1").map(drop))
        .unwrap();
    let ctx = std::thread::spawn(move || {
        ctx.with(|ctx| ctx.eval::<Value>("n += 1").map(drop))
            .unwrap();
        ctx
    })
    .join()
    .unwrap();
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("n")).unwrap(), 2);

    let sums: Vec<i64> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                context().with(|ctx| {
                    ctx.eval::<i64>(&format!(
                        "let s = 0; for (let k = 0; k <= {i} * 1000; k++) s += k; s"
                    ))
                    .unwrap()
                })
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert_eq!(sums, [0, 500500, 2001000, 4501500]);
}

/// Threads contending for one runtime take turns: every waiter is woken
/// when the lock frees (the lock signals only when someone waits), none
/// runs JS while another does, and nested calls on the holding thread pass.
#[test]
fn threads_contending_for_one_runtime_take_turns_and_none_is_left_waiting() {
    let ctx = context();
    ctx.with(|ctx| {
        ctx.eval::<Value>("globalThis.n = 0; globalThis.inside = 0")
            .map(drop)
    })
    .unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if start.elapsed() > std::time::Duration::from_secs(120) {
                    eprintln!("a thread waiting for the runtime's lock was never woken");
                    std::process::abort();
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..2000 {
                    ctx.with(|c| {
                        // `inside` would be seen above 0 if two threads ran JS at once.
                        let seen: i32 = c.eval("inside++")?;
                        assert_eq!(seen, 0);
                        // A nested `with` on the holding thread.
                        ctx.with(|c| c.eval::<Value>("n += 1").map(drop))?;
                        c.eval::<Value>("inside--").map(drop)
                    })
                    .unwrap();
                }
            });
        }
    });
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("n")).unwrap(), 8000);
}

#[test]
fn contexts_of_one_runtime_share_nothing_global() {
    let rt = Runtime::new().unwrap();
    let (a, b) = (Context::full(&rt).unwrap(), Context::full(&rt).unwrap());
    a.with(|ctx| ctx.eval::<Value>("globalThis.x = 1").map(drop))
        .unwrap();
    assert_eq!(
        b.with(|ctx| ctx.eval::<String>("typeof x")).unwrap(),
        "undefined"
    );
    drop(rt); // contexts keep the runtime alive
    assert_eq!(a.with(|ctx| ctx.eval::<i32>("x")).unwrap(), 1);
}

#[test]
fn persistent_values_outlive_with_and_release_cleanly() {
    use quickjs::Persistent;
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let callback = ctx
        .with(|ctx| Persistent::save(ctx, ctx.eval("(x) => x * 2").unwrap()))
        .unwrap();
    let r: i32 = ctx
        .with(|ctx| callback.restore::<Function>(ctx)?.call((21,)))
        .unwrap();
    assert_eq!(r, 42);
    // Restoring in another runtime's context is an error, not UB.
    let other = context();
    assert!(other
        .with(|ctx| callback.restore::<Value>(ctx).map(drop))
        .is_err());
    // Dropping the runtime and context first is fine: the handle keeps the
    // runtime alive; dropping the handle last frees everything (debug builds
    // assert in JS_FreeRuntime that nothing leaked).
    drop(ctx);
    drop(rt);
    let moved = std::thread::spawn(move || drop(callback));
    moved.join().unwrap();
}

#[test]
fn bytes_bigints_promises_chars_tuples_and_maps() {
    use quickjs::{ArrayBuffer, BigInt, Bytes, Promise, PromiseState};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let g = ctx.globals();
        g.set("bytes", Bytes(vec![1, 2, 255])).unwrap();
        assert_eq!(
            ctx.eval::<String>("bytes.constructor.name + ':' + [...bytes]")
                .unwrap(),
            "Uint8Array:1,2,255"
        );
        assert_eq!(
            ctx.eval::<Bytes>("new Uint16Array([1, 258]).subarray(1)")
                .unwrap(),
            Bytes(vec![2, 1])
        );
        assert_eq!(
            ctx.eval::<Bytes>("new DataView(new Uint8Array([9, 8, 7]).buffer, 1)")
                .unwrap(),
            Bytes(vec![8, 7])
        );
        let buf = ArrayBuffer::new(ctx, b"abc").unwrap();
        g.set("buf", buf).unwrap();
        assert_eq!(ctx.eval::<ArrayBuffer>("buf").unwrap().to_vec(), b"abc");
        assert_eq!(
            ctx.eval::<ArrayBuffer>("const b = new ArrayBuffer(4); b.transfer(); b")
                .unwrap()
                .to_vec(),
            b""
        );
        assert!(ctx.eval::<Bytes>("[1, 2]").is_err());

        assert_eq!(
            ctx.eval::<BigInt>("2n ** 63n - 1n").unwrap(),
            BigInt(i64::MAX as i128)
        );
        assert_eq!(
            ctx.eval::<BigInt>("2n ** 64n - 1n").unwrap(),
            BigInt(u64::MAX as i128)
        );
        assert!(ctx.eval::<BigInt>("2n ** 64n").is_err());
        g.set("big", BigInt(-5)).unwrap();
        assert_eq!(ctx.eval::<String>("typeof big + big").unwrap(), "bigint-5");

        let p: Promise = ctx.eval("Promise.resolve(7)").unwrap();
        assert_eq!(p.result::<i32>().unwrap().unwrap(), 7);
        let p: Promise = ctx.eval("new Promise(() => {})").unwrap();
        assert!(matches!(p.state(), PromiseState::Pending));
        let p: Promise = ctx.eval("Promise.reject(new Error('no'))").unwrap();
        assert_eq!(
            thrown(p.result::<i32>().unwrap().unwrap_err()).message,
            "no"
        );

        assert_eq!(ctx.eval::<char>("'é'").unwrap(), 'é');
        assert!(ctx.eval::<char>("'ab'").is_err());
        assert_eq!(
            ctx.eval::<(i32, String, bool)>("[1, 'a', true]").unwrap(),
            (1, "a".to_string(), true)
        );
        assert!(ctx.eval::<(i32, i32)>("[1]").is_err());
        g.set("pair", (1, "x")).unwrap();
        assert_eq!(
            ctx.eval::<String>("JSON.stringify(pair)").unwrap(),
            r#"[1,"x"]"#
        );

        let m: HashMap<String, i32> = ctx.eval("({ a: 1, b: 2 })").unwrap();
        assert_eq!(m, HashMap::from([("a".into(), 1), ("b".into(), 2)]));
        let m: BTreeMap<String, Vec<u8>> = ctx.eval("({ z: [1], y: [] })").unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["y", "z"]);
        g.set("m", BTreeMap::from([("k", 1.5)])).unwrap();
        assert_eq!(
            ctx.eval::<String>("JSON.stringify(m)").unwrap(),
            r#"{"k":1.5}"#
        );
        let e = ctx
            .eval::<HashMap<String, i32>>("({ a: 1, b: 'x' })")
            .unwrap_err();
        assert_eq!(
            e,
            Error::type_error("property \"b\": expected number, got string")
        );
    });
    rt.run_gc();
    assert!(rt.memory_usage().obj_count > 0);
}

#[test]
fn maps_sets_and_dates_cross_as_themselves() {
    use quickjs::JsMap;
    use std::collections::{BTreeSet, HashSet};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    let ctx = context();
    ctx.with(|ctx| {
        let g = ctx.globals();
        // A Map becomes a Rust map (it used to become `{}`), any key type.
        let m: HashMap<String, i32> = ctx.eval("new Map([['a', 1], ['b', 2]])").unwrap();
        assert_eq!(m, HashMap::from([("a".into(), 1), ("b".into(), 2)]));
        let m: BTreeMap<i32, bool> = ctx.eval("new Map([[2, true], [1, false]])").unwrap();
        assert_eq!(m, BTreeMap::from([(1, false), (2, true)]));
        // An object's keys are strings; a numeric key type takes the number.
        let m: BTreeMap<u32, String> = ctx.eval("({ 1: 'a', 10: 'b' })").unwrap();
        assert_eq!(m, BTreeMap::from([(1, "a".into()), (10, "b".into())]));
        assert_eq!(
            ctx.eval::<BTreeMap<u32, i32>>("({ x: 1 })").unwrap_err(),
            Error::type_error("property \"x\": expected number, got string")
        );
        assert_eq!(
            ctx.eval::<HashMap<String, i32>>("new Map([['a', 'x']])")
                .unwrap_err(),
            Error::type_error("value 0: expected number, got string")
        );
        // A Map the other way: JsMap.
        g.set("jm", JsMap(BTreeMap::from([(1, "one"), (2, "two")])))
            .unwrap();
        assert_eq!(
            ctx.eval::<String>("jm instanceof Map && [...jm].join(';')")
                .unwrap(),
            "1,one;2,two"
        );
        let back: JsMap<HashMap<i32, String>> = ctx.eval("jm").unwrap();
        assert_eq!(back.0.len(), 2);
        // Sets: from a Set or an array, to a Set.
        let s: BTreeSet<u8> = ctx.eval("new Set([3, 1, 3])").unwrap();
        assert_eq!(s, BTreeSet::from([1, 3]));
        let s: HashSet<String> = ctx.eval("['a', 'a', 'b']").unwrap();
        assert_eq!(s.len(), 2);
        g.set("s", BTreeSet::from(["x", "y"])).unwrap();
        assert_eq!(
            ctx.eval::<String>("s instanceof Set && [...s].join()")
                .unwrap(),
            "x,y"
        );
        assert_eq!(
            ctx.eval::<HashSet<i32>>("7").unwrap_err(),
            Error::type_error("expected Set or array, got number")
        );
        assert_eq!(
            ctx.eval::<HashSet<i32>>("new Set([1, 'x'])").unwrap_err(),
            Error::type_error("item 1: expected number, got string")
        );
        // Dates, both ways, before 1970 too; whole milliseconds.
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(
            ctx.eval::<SystemTime>("new Date(1700000000123)").unwrap(),
            t
        );
        assert_eq!(
            ctx.eval::<SystemTime>("new Date(-1)").unwrap(),
            UNIX_EPOCH - Duration::from_millis(1)
        );
        g.set("d", t + Duration::from_micros(999)).unwrap();
        assert_eq!(
            ctx.eval::<String>("d instanceof Date && d.toISOString()")
                .unwrap(),
            "2023-11-14T22:13:20.123Z"
        );
        g.set("early", UNIX_EPOCH - Duration::from_micros(1500))
            .unwrap();
        assert_eq!(ctx.eval::<f64>("early.getTime()").unwrap(), -2.0);
        assert_eq!(
            ctx.eval::<SystemTime>("new Date(NaN)").unwrap_err(),
            Error::range_error("expected a valid Date, got Invalid Date")
        );
        assert_eq!(
            ctx.eval::<SystemTime>("Date.now()").unwrap_err(),
            Error::type_error("expected Date, got number")
        );
    });
}

#[test]
fn collections_use_the_engines_builtins_whatever_a_script_replaced() {
    use quickjs::{JsMap, Symbol, WellKnownSymbol};
    use std::collections::BTreeSet;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    // Twice: a context captures the built-ins from its globals until the
    // process knows their class ids (the first capture learns them), then
    // by class id; both must give the realm's own.
    for _ in 0..2 {
        let ctx = context();
        ctx.with(|ctx| {
        ctx.eval::<()>(
            "const realMap = Map, realSet = Set, realDate = Date;
             globalThis.made = new Map([[1, 2]]);
             Object.getPrototypeOf(new Map().entries()).next = () => ({ done: true });
             Map.prototype.entries = Map.prototype[Symbol.iterator] = () => { throw new Error('hijacked') };
             Map.prototype.set = Set.prototype.add = () => { throw new Error('hijacked') };
             Date.prototype.getTime = () => 42;
             globalThis.Map = globalThis.Set = globalThis.Date = globalThis.Symbol = function () { throw new Error('hijacked') };",
        )
        .unwrap();
        let m: BTreeMap<i32, i32> = ctx.eval("made").unwrap();
        assert_eq!(m, BTreeMap::from([(1, 2)]));
        ctx.globals().set("jm", JsMap(vec![(1, 2)])).unwrap();
        assert!(ctx.eval::<bool>("jm instanceof realMap && jm.size === 1").unwrap());
        ctx.globals().set("s", BTreeSet::from([1])).unwrap();
        assert!(ctx.eval::<bool>("s instanceof realSet").unwrap());
        assert_eq!(
            ctx.eval::<SystemTime>("new realDate(5)").unwrap(),
            UNIX_EPOCH + Duration::from_millis(5)
        );
        let tag = Symbol::well_known(ctx, WellKnownSymbol::ToStringTag).unwrap();
        assert_eq!(tag.description().unwrap().as_deref(), Some("Symbol.toStringTag"));
        // Pretenders are refused by the built-ins' own checks; a Proxy's
        // trap runs (as for instanceof) and its error is the error.
        let e = ctx.eval::<BTreeMap<i32, i32>>("Object.create(realMap.prototype)").unwrap_err();
        assert!(e.to_string().contains("TypeError"), "{e}");
        let e = ctx
            .eval::<BTreeMap<String, i32>>("new Proxy({}, { getPrototypeOf() { throw new RangeError('trap') } })")
            .unwrap_err();
        assert_eq!(thrown(e).message, "trap");
        assert_eq!(ctx.eval::<i32>("1 + 1").unwrap(), 2);
    });
    }
}

#[test]
fn modules_load_from_memory_and_files_and_escapes_are_refused() {
    use quickjs::{FileLoader, MemoryLoader};
    let rt = Runtime::new().unwrap();
    rt.set_loader(
        MemoryLoader::new()
            .with(
                "app/main.js",
                "import { f } from './lib/f.js'; export const r = f()",
            )
            .with(
                "app/lib/f.js",
                "import { g } from '../g.js'; export const f = () => g() + 1",
            )
            .with("app/g.js", "export const g = () => 41"),
    );
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        MATH.add_to(ctx).unwrap();
        let _: Value = ctx.eval_with("import { r } from './main.js'; import { triple } from 'math'; globalThis.out = triple(r)", "app/entry.js", EvalKind::Module).unwrap();
        assert_eq!(ctx.globals().get::<_, i32>("out").unwrap(), 126);
        let e = thrown(ctx.eval_with::<Value>("import './missing.js'", "app/entry2.js", EvalKind::Module).unwrap_err());
        assert!(e.message.contains("module not found: app/missing.js"), "{e}");
    });

    let dir = std::env::temp_dir().join(format!("qjs-loader-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/a.js"), "export default 'from a file'").unwrap();
    let rt = Runtime::new().unwrap();
    rt.set_loader(FileLoader::new(&dir));
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let _: Value = ctx
            .eval_with(
                "import a from './a.js'; globalThis.out = a",
                "src/main.js",
                EvalKind::Module,
            )
            .unwrap();
        assert_eq!(
            ctx.globals().get::<_, String>("out").unwrap(),
            "from a file"
        );
        let e = thrown(
            ctx.eval_with::<Value>(
                "import '../../etc/passwd'",
                "src/main2.js",
                EvalKind::Module,
            )
            .unwrap_err(),
        );
        assert!(e.message.contains("outside the loader's root"), "{e}");
    });
}

#[test]
fn bytecode_round_trips_scripts_and_modules() {
    use quickjs::Precompiled;
    let ctx = context();
    ctx.with(|ctx| {
        let code = Precompiled::compile(
            ctx,
            "function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2) } f(20)",
            "fib.js",
            EvalKind::Script,
        )
        .unwrap();
        assert!(!code.bytecode().is_empty());
        // SAFETY: bytecode compiled just above by this engine.
        let again =
            unsafe { Precompiled::from_bytecode("fib.js", EvalKind::Script, code.bytecode()) };
        assert_eq!(again.eval::<i32>(ctx).unwrap(), 6765);
        let module =
            Precompiled::compile(ctx, "globalThis.m = 'module ran'", "m.js", EvalKind::Module)
                .unwrap();
        let _: Value = module.eval(ctx).unwrap();
        assert_eq!(ctx.globals().get::<_, String>("m").unwrap(), "module ran");
        let e = thrown(
            Precompiled::compile(ctx, "syntax error here", "bad.js", EvalKind::Script).unwrap_err(),
        );
        assert_eq!(e.name.as_deref(), Some("SyntaxError"));
    });
}

#[test]
fn an_interrupt_cannot_be_swallowed_by_try_catch() {
    let rt = Runtime::new().unwrap();
    let deadline = Instant::now() + Duration::from_millis(50);
    rt.set_interrupt_handler(Some(Box::new(move || Instant::now() > deadline)));
    let ctx = Context::full(&rt).unwrap();
    let r = ctx.with(|ctx| ctx.eval::<String>("try { for (;;) {} } catch (e) { 'swallowed' }"));
    assert_eq!(thrown(r.unwrap_err()).message, "interrupted");
}

#[test]
fn non_ascii_property_names_are_the_same_keys_js_sees() {
    let ctx = context();
    ctx.with(|ctx| {
        let o = Object::new(ctx).unwrap();
        o.set("é", 1).unwrap();
        o.set("日本", 2).unwrap();
        ctx.globals().set("o", o.clone()).unwrap();
        assert_eq!(
            ctx.eval::<String>("JSON.stringify(o)").unwrap(),
            r#"{"é":1,"日本":2}"#
        );
        assert_eq!(ctx.eval::<i32>("o['é'] + o['日本']").unwrap(), 3);
        // A Latin-1 key whose bytes look like the UTF-8 of "é" stays distinct.
        let _: Value = ctx.eval("o['\\u00c3\\u00a9'] = 5").unwrap();
        assert_eq!(o.get::<_, i32>("é").unwrap(), 1);
        assert_eq!(o.get::<_, i32>("Ã©").unwrap(), 5);
    });
}

#[test]
fn arrays_strings_symbols_typed_arrays_and_entries() {
    use quickjs::{Array, JsString, Symbol, TypedArray};
    let ctx = context();
    ctx.with(|ctx| {
        let a = Array::new(ctx).unwrap();
        a.set(0, "x").unwrap();
        a.set(2, 3).unwrap();
        assert_eq!(a.len().unwrap(), 3);
        let items: Vec<Option<String>> = a
            .iter::<Value>()
            .unwrap()
            .map(|v| {
                v.ok().and_then(|v| {
                    ctx.globals()
                        .get::<_, quickjs::Function>("String")
                        .unwrap()
                        .call((v,))
                        .ok()
                })
            })
            .collect();
        assert_eq!(
            items,
            [Some("x".into()), Some("undefined".into()), Some("3".into())]
        );
        assert!(ctx.eval::<Array>("({ length: 1 })").is_err());

        let s: JsString = ctx.eval("'a\\uD800b'").unwrap();
        assert_eq!(s.to_string(), "a\u{fffd}b");
        // A lone surrogate cannot become a Rust String silently corrupted
        // (JsString's display above is the lossy view, said so): a String
        // is refused with a TypeError that says why.
        let e = ctx.eval::<String>("'a\\uD800b'").unwrap_err();
        assert!(
            matches!(
                &e,
                quickjs::Error::Js {
                    kind: quickjs::ErrorKind::TypeError,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "TypeError: expected a string of valid Unicode, got invalid UTF-16"
        );

        let sym = Symbol::new(ctx, "tag").unwrap();
        assert_eq!(sym.description().unwrap().as_deref(), Some("tag"));
        ctx.globals().set("sym", sym).unwrap();
        assert_eq!(ctx.eval::<String>("typeof sym").unwrap(), "symbol");

        let t = TypedArray::<f64>::new(ctx, &[1.5, -2.0]).unwrap();
        ctx.globals().set("t", t).unwrap();
        assert_eq!(
            ctx.eval::<String>("t.constructor.name + ':' + t.join(',')")
                .unwrap(),
            "Float64Array:1.5,-2"
        );
        let back: TypedArray<i32> = ctx.eval("new Int32Array([7, 8, 9]).subarray(1)").unwrap();
        assert_eq!(back.to_vec(), [8, 9]);
        assert!(ctx.eval::<TypedArray<i32>>("new Uint8Array(2)").is_err());
        let detached: TypedArray<u8> = ctx
            .eval("const u = new Uint8Array(4); u.buffer.transfer(); u")
            .unwrap();
        assert_eq!(detached.to_vec(), Vec::<u8>::new());

        let o: Object = ctx.eval("({ b: 1, a: 2 })").unwrap();
        assert_eq!(
            o.entries::<i32>().unwrap(),
            [("b".to_string(), 1), ("a".to_string(), 2)]
        );
    });
}

#[test]
fn strings_keep_interior_nuls_in_both_directions() {
    use quickjs::JsString;
    let ctx = context();
    ctx.with(|ctx| {
        ctx.globals().set("s", "a\0b").unwrap();
        assert_eq!(ctx.eval::<i32>("s.length").unwrap(), 3);
        assert_eq!(ctx.eval::<String>("s + '!'").unwrap(), "a\0b!");
        assert_eq!(ctx.eval::<JsString>("s").unwrap().to_string(), "a\0b");
        let e = thrown(ctx.eval::<Value>("throw new Error('x\\0y')").unwrap_err());
        assert_eq!(e.message, "x\0y");
    });
}

#[test]
fn catch_without_a_pending_exception_is_harmless() {
    let ctx = context();
    ctx.with(|ctx| {
        let e = ctx.catch();
        assert!(matches!(e, Error::Thrown(_)), "{e:?}");
        assert_eq!(ctx.eval::<i32>("1").unwrap(), 1);
    });
}

#[test]
fn rust_futures_and_js_promises_await_each_other_from_the_embedding_api() {
    use quickjs::{Persistent, Promise};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let start = Instant::now();
    let result = ctx
        .with(|ctx| {
            // Rust -> JS: a Rust future as a promise.
            let slow = quickjs::Promise::spawn(ctx, async {
                async_io::Timer::after(Duration::from_millis(30)).await;
                20
            })?;
            ctx.globals().set("slow", slow)?;
            // JS continues it ...
            let js: Promise = ctx.eval("slow.then(x => x + 1)")?;
            // ... and JS -> Rust: a Rust future awaits that JS promise.
            let from_js = js.into_future::<i32>()?;
            let p = quickjs::Promise::spawn(ctx, async move { from_js.await.map(|n| n * 2) })?;
            Persistent::save(ctx, p.into_js(ctx)?)
        })
        .unwrap();
    assert_eq!(rt.pending_futures(), 2);
    #[cfg(unix)]
    assert!(rt.wake_fd().is_some());
    #[cfg(windows)]
    assert!(rt.wake_handle().is_some());
    rt.run_until_idle().unwrap();
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert_eq!(rt.pending_futures(), 0);
    let n: i32 = ctx
        .with(|ctx| result.restore::<Promise>(ctx)?.result().unwrap())
        .unwrap();
    assert_eq!(n, 42);
}

#[test]
fn a_rejected_js_promise_is_an_error_in_rust_and_wait_never_hangs() {
    use quickjs::Promise;
    let ctx = context();
    ctx.with(|ctx| {
        let js: Promise = ctx.eval("Promise.reject(new TypeError('nope'))").unwrap();
        let fut = js.into_future::<i32>().unwrap();
        let p = quickjs::Promise::spawn(ctx, async move { fut.await.map_err(|e| e.to_string()) })
            .unwrap();
        let e = thrown(p.wait::<i32>().unwrap_err());
        assert!(e.message.starts_with("TypeError: nope"), "{}", e.message);
        let never: Promise = ctx.eval("new Promise(() => {})").unwrap();
        assert!(never
            .wait::<i32>()
            .unwrap_err()
            .to_string()
            .contains("can never settle"));
    });
}

#[test]
fn a_wake_callback_drives_a_host_without_an_fd_loop() {
    use quickjs::{Persistent, Promise};
    use std::sync::{mpsc, Arc, Mutex};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let (tx, rx) = mpsc::channel::<std::thread::ThreadId>();
    let tx = Mutex::new(tx);
    // The callback only posts (here: a message naming the waking thread).
    rt.set_wake_callback(Some(Arc::new(move || {
        let _ = tx.lock().unwrap().send(std::thread::current().id());
    })))
    .unwrap();
    let p = ctx
        .with(|ctx| {
            let p = quickjs::Promise::spawn(ctx, async {
                async_io::Timer::after(Duration::from_millis(20)).await;
                "woken"
            })?;
            Persistent::save(ctx, p.into_value())
        })
        .unwrap();
    // The host's loop: wait for a post, then run jobs on its own thread.
    while rt.pending_futures() > 0 {
        let _waker_thread = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the wake callback was called");
        rt.run_pending_jobs().unwrap();
    }
    let s: String = ctx
        .with(|ctx| p.restore::<Promise>(ctx)?.result().unwrap())
        .unwrap();
    assert_eq!(s, "woken");
    rt.set_wake_callback(None).unwrap();
}

/// Issue 26: a worker finishing after the runtime is dropped calls no
/// callback; the callback (and what it captures) is dropped with the
/// runtime, not with the last waker; a replaced callback is dropped at once.
#[test]
fn no_wake_callback_outlives_its_runtime_or_its_replacement() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let callback = |calls: &Arc<AtomicUsize>| {
        let c = calls.clone();
        Some(Arc::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        }) as Arc<dyn Fn() + Send + Sync>)
    };
    let replaced = Arc::new(AtomicUsize::new(0));
    rt.set_wake_callback(callback(&replaced)).unwrap();
    rt.set_wake_callback(callback(&calls)).unwrap();
    assert_eq!(
        Arc::strong_count(&replaced),
        1,
        "the replaced callback is dropped"
    );
    let (go, wait) = std::sync::mpsc::channel::<()>();
    ctx.with(|ctx| {
        quickjs::Promise::spawn(
            ctx,
            quickjs::blocking(move || {
                let _ = wait.recv_timeout(Duration::from_secs(10));
            }),
        )
        .map(drop)
    })
    .unwrap();
    drop(ctx);
    drop(rt);
    assert_eq!(Arc::strong_count(&calls), 1, "dropped with the runtime");
    // The worker finishes now: its wake reaches nothing.
    go.send(()).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn futures_call_back_into_js_after_awaits_through_async_ctx() {
    use quickjs::{AsyncCtx, Persistent, Promise};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let (p, actx) = ctx
        .with(|ctx| {
            ctx.eval::<()>(
                "globalThis.seen = []; globalThis.report = (i) => { seen.push(i); return i * 10 }",
            )?;
            let actx = quickjs::AsyncCtx::new(ctx)?;
            let a = actx.clone();
            let p = quickjs::Promise::spawn(ctx, async move {
                let mut sum = 0;
                for i in 0..3 {
                    quickjs::sleep(Duration::from_millis(2)).await;
                    // Each turn: look the callback up again and call it.
                    sum += a.with(|ctx| {
                        let report: Function = ctx.globals().get("report")?;
                        report.call::<_, i32>((i,))
                    })??;
                }
                Ok::<_, quickjs::Error>(sum)
            })?;
            Ok::<_, quickjs::Error>((Persistent::save(ctx, p.into_value())?, actx))
        })
        .unwrap();
    // Outside the runtime's futures, the handle refuses to run.
    let refused = actx.with(|_| ()).unwrap_err();
    assert!(
        refused.to_string().contains("from a future running on"),
        "{refused}"
    );
    rt.run_until_idle().unwrap();
    let (sum, seen) = ctx
        .with(|ctx| {
            let sum: i32 = p.restore::<Promise>(ctx)?.result().unwrap()?;
            Ok::<_, quickjs::Error>((sum, ctx.eval::<String>("seen.join()")?))
        })
        .unwrap();
    assert_eq!((sum, seen.as_str()), (30, "0,1,2"));
    // The handle neither keeps the context alive nor dangles.
    let handle: AsyncCtx = actx;
    drop(p);
    drop(ctx);
    rt.run_gc();
    assert!(!handle.is_alive());
}

#[test]
fn a_context_dropped_mid_await_drops_its_futures_and_their_handles_see_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(dropped.clone());
    ctx.with(|ctx| {
        let actx = quickjs::AsyncCtx::new(ctx).unwrap();
        quickjs::Promise::spawn(ctx, async move {
            let _guard = guard;
            quickjs::sleep(Duration::from_secs(60)).await;
            actx.with(|ctx| ctx.eval::<()>("never()")).ok();
        })
        .unwrap();
    });
    rt.run_pending_jobs().unwrap();
    assert_eq!(rt.pending_futures(), 1);
    assert!(rt.next_timeout().is_some());
    drop(ctx);
    rt.run_gc();
    assert!(
        dropped.load(Ordering::SeqCst),
        "the future was dropped with its context"
    );
    assert_eq!(rt.pending_futures(), 0);
    assert_eq!(rt.next_timeout(), None);
}

#[test]
fn a_future_drops_with_its_context_on_its_thread_though_its_waker_lives_on() {
    // A task's future and its waker share one allocation: a waker kept
    // elsewhere (here: by "a reactor" on another thread) must not keep the
    // future alive past its context, nor drop it on that thread later.
    use std::sync::{Arc, Mutex};
    use std::task::{Poll, Waker};
    use std::thread::{self, ThreadId};
    struct RecordDrop(Arc<Mutex<Option<ThreadId>>>);
    impl Drop for RecordDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = Some(thread::current().id());
        }
    }
    let reactor: Arc<Mutex<Option<Waker>>> = Arc::default();
    let dropped_on: Arc<Mutex<Option<ThreadId>>> = Arc::default();
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let (reactor, guard) = (reactor.clone(), RecordDrop(dropped_on.clone()));
        let p = quickjs::Promise::spawn(
            ctx,
            std::future::poll_fn(move |cx| {
                let _keep = &guard;
                *reactor.lock().unwrap() = Some(cx.waker().clone());
                Poll::<()>::Pending
            }),
        )
        .unwrap();
        ctx.globals().set("p", p).unwrap();
    });
    let waker = reactor
        .lock()
        .unwrap()
        .take()
        .expect("polled once at spawn");
    waker.wake_by_ref();
    rt.run_pending_jobs().unwrap();
    assert_eq!(rt.pending_futures(), 1);
    assert_eq!(*dropped_on.lock().unwrap(), None, "still pending");
    drop(ctx);
    assert_eq!(
        *dropped_on.lock().unwrap(),
        Some(thread::current().id()),
        "dropped at once, on the context's thread"
    );
    assert_eq!(rt.pending_futures(), 0);
    // The waker outlives its task: waking and dropping it elsewhere is a no-op.
    thread::spawn(move || {
        waker.wake_by_ref();
        drop(waker);
    })
    .join()
    .unwrap();
    rt.run_pending_jobs().unwrap();
    assert_eq!(rt.pending_futures(), 0);
}

#[test]
fn a_woken_future_settles_even_when_its_waker_is_stale_and_reused_slots_stay_apart() {
    // Slots of settled tasks are reused; a waker of an earlier task that
    // fires late must not wake (or settle) the task now in its slot.
    use std::sync::{Arc, Mutex};
    use std::task::{Poll, Waker};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let stale: Arc<Mutex<Option<Waker>>> = Arc::default();
    let polls = Arc::new(Mutex::new(0));
    ctx.with(|ctx| {
        let keep = stale.clone();
        let first = quickjs::Promise::spawn(
            ctx,
            std::future::poll_fn(move |cx| {
                *keep.lock().unwrap() = Some(cx.waker().clone());
                Poll::Ready(1)
            }),
        )
        .unwrap();
        assert_eq!(first.wait::<i32>().unwrap(), 1);
        let counted = polls.clone();
        quickjs::Promise::spawn(
            ctx,
            std::future::poll_fn(move |_| {
                *counted.lock().unwrap() += 1;
                Poll::<i32>::Pending
            }),
        )
        .unwrap();
    });
    assert_eq!(*polls.lock().unwrap(), 1, "polled once at spawn");
    stale.lock().unwrap().take().unwrap().wake();
    rt.run_pending_jobs().unwrap();
    assert_eq!(*polls.lock().unwrap(), 1, "only its own waker polls it");
    assert_eq!(rt.pending_futures(), 1);
}

#[cfg(unix)]
#[test]
fn a_host_loop_polls_the_wake_fd_with_the_next_timer_as_timeout() {
    use quickjs::{Persistent, Promise};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    // The sleep counts from its creation, in the spawn below.
    let start = Instant::now();
    let p = ctx
        .with(|ctx| {
            let p = quickjs::Promise::spawn(ctx, async {
                quickjs::sleep(Duration::from_millis(30)).await;
                "due"
            })?;
            Persistent::save(ctx, p.into_value())
        })
        .unwrap();
    let mut turns = 0;
    // What a C or epoll host does: run jobs, then poll(fd, next timeout).
    loop {
        rt.run_pending_jobs().unwrap();
        if rt.pending_futures() == 0 {
            break;
        }
        turns += 1;
        let timeout = rt.next_timeout().expect("a timer is queued");
        assert!(timeout <= Duration::from_millis(31));
        let mut pfd = libc::pollfd {
            fd: rt.wake_fd().unwrap(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_nanos().div_ceil(1_000_000) as i32;
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut pfd, 1, ms) };
    }
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert!(turns <= 3, "the host loop woke {turns} times for one timer");
    let s: String = ctx
        .with(|ctx| p.restore::<Promise>(ctx)?.result().unwrap())
        .unwrap();
    assert_eq!(s, "due");
}

#[test]
fn sleep_outside_a_runtime_falls_back_to_a_background_timer() {
    let start = Instant::now();
    async_io::block_on(quickjs::sleep(Duration::from_millis(15)));
    assert!(start.elapsed() >= Duration::from_millis(15));
}

#[test]
fn a_callback_host_arms_its_own_timer_for_loop_timers() {
    use quickjs::{Persistent, Promise};
    use std::sync::{mpsc, Arc, Mutex};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let (tx, rx) = mpsc::channel::<()>();
    let tx = Mutex::new(tx);
    rt.set_wake_callback(Some(Arc::new(move || {
        let _ = tx.lock().unwrap().send(());
    })))
    .unwrap();
    // The sleep counts from its creation, in the spawn below.
    let start = Instant::now();
    let p = ctx
        .with(|ctx| {
            let p = quickjs::Promise::spawn(ctx, async {
                quickjs::sleep(Duration::from_millis(20)).await;
                "timer fired"
            })?;
            Persistent::save(ctx, p.into_value())
        })
        .unwrap();
    // A host without fds (e.g. Flutter): it waits for a post or for its own
    // timer, armed with next_timeout() after each run.
    while rt.pending_futures() > 0 {
        rt.run_pending_jobs().unwrap();
        let wait = rt.next_timeout().unwrap_or(Duration::from_secs(5));
        let _ = rx.recv_timeout(wait);
    }
    assert!(start.elapsed() >= Duration::from_millis(20));
    let s: String = ctx
        .with(|ctx| p.restore::<Promise>(ctx)?.result().unwrap())
        .unwrap();
    assert_eq!(s, "timer fired");
}

#[test]
fn long_error_messages_from_rust_reach_js_whole() {
    // The engine formats thrown errors into a 256-byte buffer; Rust's
    // messages (a serde path, a file name) must not lose their tail.
    let ctx = context();
    ctx.with(|ctx| {
        let long = format!("{}: the end", "segment/".repeat(100));
        let fail = {
            let long = long.clone();
            Function::new(ctx, "fail", move || -> quickjs::Result<()> {
                Err(Error::range_error(long.clone()))
            })
            .unwrap()
        };
        ctx.globals().set("fail", fail).unwrap();
        let got: String = ctx
            .eval("try { fail(); 'no throw' } catch (e) { `${e.name}|${e.message}|${e instanceof RangeError}|${e.stack.includes('fail')}` }")
            .unwrap();
        assert_eq!(got, format!("RangeError|{long}|true|true"));
    });
}

#[test]
fn well_known_symbols_are_the_engines_whatever_scripts_do() {
    // Read from the realm's own `Symbol` (captured when the context was
    // made), whose well-known symbols cannot be redefined: replacing the
    // global, or trying to redefine one, changes none of them.
    use quickjs::{Symbol, WellKnownSymbol as W};
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let redefine: bool = ctx
            .eval(
                "const S = Symbol; globalThis.Symbol = { iterator: 'fake' };
                 try { Object.defineProperty(S, 'iterator', { value: S('fake') }); true }
                 catch (e) { false }",
            )
            .unwrap();
        assert!(!redefine, "the engine let a well-known symbol be redefined");
        let all = [
            (W::AsyncIterator, "asyncIterator"),
            (W::HasInstance, "hasInstance"),
            (W::IsConcatSpreadable, "isConcatSpreadable"),
            (W::Iterator, "iterator"),
            (W::Match, "match"),
            (W::MatchAll, "matchAll"),
            (W::Replace, "replace"),
            (W::Search, "search"),
            (W::Species, "species"),
            (W::Split, "split"),
            (W::ToPrimitive, "toPrimitive"),
            (W::ToStringTag, "toStringTag"),
            (W::Unscopables, "unscopables"),
        ];
        for (which, name) in all {
            let s = Symbol::well_known(ctx, which).unwrap();
            let want = format!("Symbol.{name}");
            assert_eq!(s.description().unwrap().as_deref(), Some(want.as_str()));
            ctx.globals().set("s", s).unwrap();
            let same: bool = ctx.eval(&format!("s === S.{name}")).unwrap();
            assert!(same, "{name}");
        }
    });
}

#[test]
fn a_new_context_leaves_no_garbage_and_closures_count_their_rust_memory() {
    // The first context of a process learns the built-in class ids in a
    // throw-away context of the same runtime: collected at once.
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let made = rt.memory_usage().malloc_size;
    rt.run_gc();
    let garbage = made - rt.memory_usage().malloc_size;
    assert!(
        garbage < 4096,
        "{garbage} bytes of garbage after Context::full"
    );
    // What a closure captures is memory the limit and the GC see.
    let per_closure = |capture: usize| {
        let before = rt.memory_usage().malloc_size;
        ctx.with(|ctx| {
            let kept = quickjs::Array::new(ctx)?;
            for i in 0..100u32 {
                let data: [u8; 1024] = [1; 1024];
                let f = if capture == 0 {
                    Function::new(ctx, "f", move || i)?
                } else {
                    Function::new(ctx, "f", move || u32::from(data[i as usize % 1024]))?
                };
                kept.set(i, f)?;
            }
            ctx.globals().set(format!("kept{capture}"), kept)
        })
        .unwrap();
        (rt.memory_usage().malloc_size - before) / 100
    };
    let small = per_closure(0);
    let large = per_closure(1);
    assert!(
        large >= small + 1024,
        "a closure holding 1 KB counts {large} B, an empty one {small} B"
    );
}
