//! The embedding API on MicroQuickJS: a context over a buffer, eval and
//! errors with their stack, globals, calls both ways, the print sink and
//! clock, the interrupt handler, memory statistics, a buffer too small,
//! deep recursion; `#[js]` classes with a base class. The whole file also
//! runs under the engine's DEBUG_GC (every object moves at every
//! allocation): `cargo test -p quickjs-rust-mquickjs-embed --features debug-gc`.

use mquickjs::{Context, ErrorKind, Value};
use mquickjs_embed::{Acc, STDLIB};
use std::cell::RefCell;

fn with_ctx<R>(size: usize, f: impl FnOnce(&Context<'_>) -> R) -> R {
    let mut buf = vec![0u8; size];
    let ctx = Context::new(&mut buf, &STDLIB).expect("a context");
    f(&ctx)
}

#[test]
fn eval_converts_results_and_reports_errors_with_their_stack() {
    with_ctx(32 * 1024, |ctx| {
        assert_eq!(ctx.eval::<i32>("6 * 7").unwrap(), 42);
        assert_eq!(ctx.eval::<f64>("fib(30)").unwrap(), 832040.0);
        assert_eq!(
            ctx.eval::<String>("'é' + repeat('ab', 3)").unwrap(),
            "éababab"
        );
        assert_eq!(ctx.eval::<u32>("chars('héllo')").unwrap(), 5);
        assert_eq!(ctx.eval::<Option<i32>>("undefined").unwrap(), None);
        // Strict conversions: no coercion.
        let e = ctx.eval::<i32>("'42'").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TypeError);

        let e = ctx
            .eval::<()>("function f() { throw new RangeError('no') }\nf()")
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RangeError);
        assert_eq!(e.message(), "no");
        assert!(e.stack().contains("at f (<eval>:1:"), "{}", e.stack());
        assert_eq!(e.to_string(), "RangeError: no");

        let e = ctx.eval::<()>("fib('x')").unwrap_err();
        assert_eq!(
            e.to_string(),
            "TypeError: fib: argument 1: expected integer, got string"
        );
        assert!(e.stack().contains("at fib (native)"), "{}", e.stack());

        let e = ctx.eval::<()>("var x = ;").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::SyntaxError);
        let e = ctx.eval::<()>("throw 7").unwrap_err();
        assert_eq!((e.kind(), e.message()), (ErrorKind::Error, "7"));
        // The context is healthy after errors.
        assert_eq!(ctx.eval::<i32>("1 + 1").unwrap(), 2);
    });
}

#[test]
fn globals_and_calls_both_ways() {
    with_ctx(32 * 1024, |ctx| {
        ctx.set_global(c"greeting", "hi").unwrap();
        ctx.set_global(c"n", 5).unwrap();
        assert_eq!(ctx.eval::<String>("greeting + n").unwrap(), "hi5");
        ctx.eval::<()>("function mul(a, b) { return a * b }")
            .unwrap();
        let mul: Value<'_> = ctx.global(c"mul").unwrap();
        assert!(mul.is_function());
        assert_eq!(mul.call::<f64, _>((6, 7)).unwrap(), 42.0);
        assert_eq!(mul.call::<f64, _>((1.5, 2)).unwrap(), 3.0);
        let obj: Value<'_> = ctx.eval("({ a: [1, 2, 3] })").unwrap();
        let a: Value<'_> = obj.prop(c"a").unwrap();
        assert_eq!(a.index::<i32>(2).unwrap(), 3);
        a.set_index(0, "z").unwrap();
        obj.set_prop(c"b", true).unwrap();
        ctx.set_global(c"o", &obj).unwrap();
        assert_eq!(ctx.eval::<String>("o.a.join() + o.b").unwrap(), "z,2,3true");
        // Rust calls JS which calls Rust which calls JS, values kept across
        // allocations (a GC ref each).
        let f: Value<'_> = ctx
            .eval("(function (i, s) { return s + i + new Array(3).join('-') })")
            .unwrap();
        ctx.set_global(c"f", &f).unwrap();
        assert_eq!(
            ctx.eval::<f64>("sum_calls(f, 100)").unwrap(),
            100.0 * 4.0 + 90.0
        );
        let e = mul.call::<f64, _>(("a", "b")).map(|x| x.is_nan());
        assert!(e.unwrap());
        let not_fn: Value<'_> = ctx.eval("1").unwrap();
        assert_eq!(
            not_fn.call::<(), _>(()).unwrap_err().kind(),
            ErrorKind::TypeError
        );
    });
}

#[test]
fn values_survive_collections() {
    with_ctx(64 * 1024, |ctx| {
        let kept: Vec<Value<'_>> = (0..50)
            .map(|i| ctx.eval(&format!("({{ i: {i}, s: 'v' + {i} }})")).unwrap())
            .collect();
        ctx.eval::<()>("for (var i = 0; i < 5000; i++) { var junk = { i: i, s: 'junk' + i } }")
            .unwrap();
        ctx.gc();
        for (i, v) in kept.iter().enumerate() {
            assert_eq!(v.prop::<i32>(c"i").unwrap(), i as i32);
            assert_eq!(v.prop::<String>(c"s").unwrap(), format!("v{i}"));
        }
        let c = kept[3].clone();
        drop(kept);
        ctx.gc();
        assert_eq!(c.prop::<i32>(c"i").unwrap(), 3);
    });
}

thread_local! {
    static OUT: RefCell<String> = const { RefCell::new(String::new()) };
}

#[test]
fn print_and_clock_go_to_the_host() {
    with_ctx(32 * 1024, |ctx| {
        ctx.set_print(|s| OUT.with(|o| o.borrow_mut().push_str(s)));
        ctx.set_clock(|| 1234.5);
        ctx.eval::<()>("print('a', 1, [1, 2], { x: 1 }); console.log('b'); print(Date.now(), performance.now())").unwrap();
        let out = OUT.with(|o| o.borrow().clone());
        assert_eq!(out, "a 1 [ 1, 2 ] { x: 1 }\nb\n1234 1234\n");
    });
}

#[test]
fn the_interrupt_handler_stops_a_loop_that_does_not_end() {
    with_ctx(32 * 1024, |ctx| {
        ctx.set_interrupt_handler(Some(|| true));
        let e = ctx
            .eval::<()>("try { for (;;) {} } catch (e) { 'caught' }")
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Interrupted);
        ctx.set_interrupt_handler(None);
        assert_eq!(ctx.eval::<i32>("2").unwrap(), 2);
    });
}

#[test]
fn a_full_buffer_and_deep_recursion_are_errors() {
    // Too small for a context: an error, not a crash.
    for size in [0, 100, 1500, 3000] {
        let mut buf = vec![0u8; size];
        let e = Context::new(&mut buf, &STDLIB).err().expect("too small");
        assert_eq!(e.kind(), ErrorKind::OutOfMemory);
    }
    with_ctx(24 * 1024, |ctx| {
        let e = ctx
            .eval::<()>(
                "(function () { var a = []; for (;;) a.push('xxxxxxxxxxxxxxxx' + a.length) })()",
            )
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::OutOfMemory, "{e:?}");
        ctx.gc();
        let e = ctx
            .eval::<()>("function r(n) { return r(n + 1) + 1 } r(0)")
            .unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::InternalError | ErrorKind::OutOfMemory),
            "{e:?}"
        );
        assert_eq!(ctx.eval::<f64>("fib(10)").unwrap(), 55.0);
        let u = ctx.memory_usage();
        assert!(u.heap > 1000 && u.heap < u.total, "{u:?}");
    });
}

#[test]
fn classes_with_methods_accessors_and_a_base_class() {
    with_ctx(32 * 1024, |ctx| {
        let js = "var a = new Acc(); a.add(2); a.add(3.5);
            var s = new Square(3);
            [a.total, s.area(), s instanceof Square, s instanceof Shape, new Shape(5).sides,
             Object.getPrototypeOf(Square.prototype) === Shape.prototype,
             s.sides, describe(s), describe(new Shape(3))].join()";
        // `sides` (Shape's getter) and `describe(&Shape)` take a Square:
        // its Shape part, through the #[js(base)] field.
        assert_eq!(
            ctx.eval::<String>(js).unwrap(),
            "5.5,9,true,true,5,true,4,a shape with 4 sides,a shape with 3 sides"
        );
        // A Shape is not a Square.
        let e = ctx
            .eval::<()>("Square.prototype.area.call(new Shape(4))")
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TypeError);
        let e = ctx
            .eval::<()>("Acc.prototype.add.call(new Square(1), 1)")
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TypeError);
        // Instances are collected (their Rust values dropped) as JS drops them.
        ctx.eval::<()>("for (var i = 0; i < 5000; i++) new Acc().add(i)")
            .unwrap();
        assert_eq!(
            STDLIB.classes().collect::<Vec<_>>(),
            ["Acc", "Probe", "Shape", "Square"]
        );
    });
}

#[test]
fn a_class_of_another_standard_library_is_refused() {
    // Class ids are per standard library: mqjs's Counter has the id of
    // this crate's Acc. Making one in this context is a TypeError, not a
    // Counter in an Acc's clothes.
    with_ctx(32 * 1024, |ctx| {
        let e = ctx
            .set_global(c"c", mqjs::native::Counter::new(Some(1)))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TypeError);
        assert!(e.message().contains("another standard library"), "{e:?}");
        ctx.set_global(c"a", Acc::new()).unwrap();
        assert_eq!(ctx.eval::<f64>("a.add(2)").unwrap(), 2.0);
    });
    let mut buf = vec![0u8; 32 * 1024];
    let ctx = Context::new(&mut buf, &mqjs::STDLIB).unwrap();
    assert!(ctx.set_global(c"a", Acc::new()).is_err());
    ctx.set_global(c"c", mqjs::native::Counter::new(Some(1)))
        .unwrap();
    assert_eq!(ctx.eval::<f64>("c.increment()").unwrap(), 2.0);
}

#[test]
fn arrays_and_bytes_cross_both_ways() {
    with_ctx(32 * 1024, |ctx| {
        assert_eq!(ctx.eval::<f64>("sum([1, 2, 3.5])").unwrap(), 6.5);
        assert_eq!(ctx.eval::<f64>("sum([])").unwrap(), 0.0);
        assert_eq!(
            ctx.eval::<String>("words(' a bb  ccc ').join('|')")
                .unwrap(),
            "a|bb|ccc"
        );
        assert_eq!(ctx.eval::<Vec<String>>("words('x y')").unwrap(), ["x", "y"]);
        let e = ctx.eval::<f64>("sum('1,2')").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TypeError);
        assert_eq!(e.message(), "sum: argument 1: expected array, got string");
        let e = ctx.eval::<f64>("sum([1, 'x'])").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TypeError);
        // Bytes: any typed array's view or an ArrayBuffer, borrowed or copied.
        assert_eq!(
            ctx.eval::<u32>("checksum(new Uint8Array([1, 2, 3]))")
                .unwrap(),
            (31 + 2) * 31 + 3
        );
        assert_eq!(
            ctx.eval::<u32>("checksum(new Uint8Array([9, 1, 2, 3]).subarray(1))")
                .unwrap(),
            (31 + 2) * 31 + 3
        );
        assert_eq!(ctx.eval::<u32>("checksum(new ArrayBuffer(4))").unwrap(), 0);
        let e = ctx.eval::<u32>("checksum([1, 2])").unwrap_err();
        assert_eq!(
            e.message(),
            "checksum: argument 1: expected ArrayBuffer or typed array, got object"
        );
        let js = "var r = reversed(new Uint8Array([1, 2, 3])); [r instanceof Uint8Array, r.join()].join()";
        assert_eq!(ctx.eval::<String>(js).unwrap(), "true,3,2,1");
        assert_eq!(
            ctx.eval::<mquickjs::Bytes>("reversed(new Int16Array([1]))")
                .unwrap()
                .0,
            1i16.to_le_bytes().iter().rev().copied().collect::<Vec<_>>()
        );
        // Rust to JS: arrays of values made one by one (each can move the
        // array: DEBUG_GC moves it every time).
        ctx.set_global(c"xs", vec![String::from("p"), String::from("q")])
            .unwrap();
        ctx.set_global(c"b", mquickjs::Bytes(vec![7, 8])).unwrap();
        assert_eq!(
            ctx.eval::<String>("xs.join() + ':' + b.length + ':' + b[1]")
                .unwrap(),
            "p,q:2:8"
        );
    });
}

#[test]
fn bytecode_compiled_by_the_build_runs_without_parsing() {
    use mquickjs_embed::STARTUP;
    let mut buf = vec![0u8; 32 * 1024];
    let mut ram = vec![0u8; STARTUP.ram_size()];
    let ctx = Context::new(&mut buf, &STDLIB).unwrap();
    let r: String = ctx.run(&STARTUP, &mut ram).unwrap();
    assert_eq!(r, "fib(20) = 6765, area 9");
    // Its functions live on in the context (their code is in `ram`).
    assert_eq!(
        ctx.eval::<String>("report(10)").unwrap(),
        "fib(10) = 55, area 9"
    );
    ctx.gc();
    assert_eq!(
        ctx.eval::<String>("report(1)").unwrap(),
        "fib(1) = 1, area 9"
    );
    // Too little RAM for it: an error, nothing copied.
    let mut small = [0u8; 16];
    let mut buf2 = vec![0u8; 32 * 1024];
    let ctx2 = Context::new(&mut buf2, &STDLIB).unwrap();
    let e = ctx2.run::<()>(&STARTUP, &mut small).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutOfMemory);
}

#[test]
fn every_buffer_size_gives_a_context_or_an_error() {
    // The context's setup collects its own garbage when the buffer runs
    // short (patch 0001), and fails cleanly when even that is not enough:
    // at every size, a working context or OutOfMemory, never a crash (with
    // DEBUG_GC too). The smallest sizes that work, for both libraries.
    for (stdlib, bound) in [(&mquickjs::BUILTINS, 6 * 1024), (&STDLIB, 7 * 1024)] {
        let mut first = None;
        for size in (1024..32 * 1024).step_by(8) {
            if first.is_some_and(|f| size > f + 512) {
                break;
            }
            let mut buf = vec![0u8; size];
            match Context::new(&mut buf, stdlib) {
                Ok(ctx) => {
                    first.get_or_insert(size);
                    match ctx.eval::<i32>("1 + 1") {
                        Ok(n) => assert_eq!(n, 2),
                        Err(e) => assert_eq!(e.kind(), ErrorKind::OutOfMemory, "{e:?}"),
                    }
                }
                Err(e) => {
                    assert!(first.is_none(), "{size}: fails above {first:?}");
                    assert_eq!(e.kind(), ErrorKind::OutOfMemory);
                }
            };
        }
        let first = first.expect("a context below 32 KiB");
        // (DEBUG_GC keeps half the buffer for the block it moves.)
        if !cfg!(feature = "debug-gc") {
            assert!(first < bound, "the smallest context needs {first} bytes");
        }
    }
}

#[test]
fn every_instance_js_drops_is_finalized() {
    use mquickjs_embed::PROBES_DROPPED;
    use std::sync::atomic::Ordering;
    // Instances made one after the other die side by side: the engine's
    // sweep finalized only the first of such a run (patch 0005).
    with_ctx(32 * 1024, |ctx| {
        ctx.eval::<()>("for (var i = 0; i < 5000; i++) new Probe()")
            .unwrap();
        ctx.gc();
        assert_eq!(PROBES_DROPPED.load(Ordering::Relaxed), 5000);
        ctx.eval::<()>("var kept = [new Probe(), new Probe()]")
            .unwrap();
        ctx.gc();
        assert_eq!(PROBES_DROPPED.load(Ordering::Relaxed), 5000);
    });
    // The context's end finalizes the live ones.
    assert_eq!(PROBES_DROPPED.load(Ordering::Relaxed), 5002);
}

#[test]
fn objects_and_arrays_made_from_rust() {
    with_ctx(32 * 1024, |ctx| {
        let c = ctx.ctx();
        let point = c.new_object().unwrap();
        point.set_prop(c"x", 1.5).unwrap();
        point.set_prop(c"label", "p").unwrap();
        let list = c.new_array(2).unwrap();
        list.set_index(0, &point).unwrap();
        list.set_index(1, 7).unwrap();
        ctx.set_global(c"list", &list).unwrap();
        assert_eq!(
            ctx.eval::<String>("list[0].label + list[0].x + ':' + list[1] + ':' + list.length")
                .unwrap(),
            "p1.5:7:2"
        );
        assert_eq!(list.get::<Vec<Value<'_>>>().unwrap().len(), 2);
        assert_eq!(point.prop::<f64>(c"x").unwrap(), 1.5);
    });
}

#[test]
fn a_print_sink_cannot_run_js_while_the_engine_prints() {
    // Printing an object walks the heap with raw pointers, handing the
    // sink piece after piece: a sink that reaches its context (here a
    // leaked one, through a thread-local) gets an error instead of moving
    // the heap under the walk (a review found the crash this was).
    use std::cell::Cell;
    thread_local! {
        static CTX: Cell<Option<mquickjs::Ctx<'static>>> = const { Cell::new(None) };
        static OUT: RefCell<String> = const { RefCell::new(String::new()) };
        static REFUSED: Cell<u32> = const { Cell::new(0) };
    }
    fn sink(s: &str) {
        OUT.with(|o| o.borrow_mut().push_str(s));
        CTX.with(|c| {
            if let Some(ctx) = c.get() {
                if ctx
                    .eval::<()>("var j = []; for (var i = 0; i < 50; i++) j.push({ k: i })")
                    .is_err()
                {
                    REFUSED.with(|r| r.set(r.get() + 1));
                }
                ctx.gc();
            }
        });
    }
    let buf: *mut [u8] = Box::into_raw(vec![0u8; 256 * 1024].into_boxed_slice());
    // SAFETY: the box just made, freed at the end of the test only.
    let ctx: &'static Context<'static> = Box::leak(Box::new(
        Context::new(unsafe { &mut *buf }, &STDLIB).unwrap(),
    ));
    CTX.with(|c| c.set(Some(ctx.ctx())));
    ctx.set_print(sink);
    ctx.eval::<()>("print({ a: 'x' }); print(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))")
        .unwrap();
    CTX.with(|c| c.set(None));
    let out = OUT.with(|o| o.borrow().clone());
    assert!(out.contains("a") && out.contains("1, 2, 3"), "{out}");
    assert!(REFUSED.with(|r| r.get()) > 0);
    // Not leaked for good (LeakSanitizer runs this test): the context,
    // then its buffer.
    let ctx: *const Context<'static> = ctx;
    // SAFETY: both from Box::leak above, unused from here on (the
    // thread-local copy of the handle was cleared).
    unsafe {
        drop(Box::from_raw(ctx.cast_mut()));
        drop(Box::from_raw(buf));
    }
}

#[test]
fn a_panicking_host_callback_does_not_abort() {
    fn sink(_: &str) {
        panic!("a sink that panics");
    }
    fn clock() -> f64 {
        panic!("a clock that panics");
    }
    with_ctx(32 * 1024, |ctx| {
        ctx.set_print(sink);
        ctx.set_clock(clock);
        ctx.eval::<()>("print('lost'); console.log({ a: 1 })")
            .unwrap();
        assert_eq!(ctx.eval::<f64>("Date.now()").unwrap(), 0.0);
    });
}
