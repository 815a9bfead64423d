//! Rust code that runs while the engine collects garbage or frees objects
//! (a `#[js]` class's `Drop`, a closure's captured values, the futures of a
//! context that died, a runtime being freed) cannot make the engine
//! misbehave: entering JS there is refused with an error that says why,
//! freeing a context of the collecting runtime waits until the collection
//! is over, and a panic there is caught. Each case ends with the runtime
//! healthy. Also: re-entering a runtime from its interrupt handler, and a
//! native call of one runtime entering another while both are interrupted.
//! (Run under AddressSanitizer by `scripts/sanitize.sh`.)

use quickjs::{js, Context, Function, Runtime, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What a finalizer-time `Drop` saw.
#[derive(Default)]
struct Seen {
    errors: Mutex<Vec<String>>,
    drops: AtomicUsize,
}

impl Seen {
    fn record(&self, r: quickjs::Result<()>) {
        self.drops.fetch_add(1, Ordering::SeqCst);
        if let Err(e) = r {
            self.errors.lock().unwrap().push(e.to_string());
        }
    }
    /// Every drop ran and each was refused with the reason.
    fn assert_all_refused(&self, n: usize) {
        assert_eq!(self.drops.load(Ordering::SeqCst), n);
        let errors = self.errors.lock().unwrap();
        assert_eq!(errors.len(), n, "{errors:?}");
        for e in errors.iter() {
            assert!(
                e.contains("JS cannot run while the engine collects garbage"),
                "{e}"
            );
        }
    }
}

/// Runs JS (allocating: the objects the collector walks) from its `Drop`.
struct RunsJs {
    ctx: Context,
    seen: Arc<Seen>,
}

impl Drop for RunsJs {
    fn drop(&mut self) {
        let r = self.ctx.try_with(|ctx| {
            ctx.eval::<Value>("globalThis.junk = Array.from({ length: 100 }, (_, i) => ({ i }))")
                .map(drop)
        });
        self.seen.record(r.and_then(|r| r));
    }
}

#[js]
pub struct Notifier {
    _inner: RunsJs,
}

#[js]
impl Notifier {}

fn healthy(ctx: &Context) {
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("1 + 1")).unwrap(), 2);
    let n: usize = ctx
        .with(|ctx| ctx.eval("new Array(1000).fill({}).length"))
        .unwrap();
    assert_eq!(n, 1000);
}

#[test]
fn a_class_drop_that_runs_js_during_gc_is_refused_and_the_runtime_survives() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let seen = Arc::new(Seen::default());
    ctx.with(|c| {
        for i in 0..20 {
            let n = Notifier {
                _inner: RunsJs {
                    ctx: Context::full(&rt).unwrap(),
                    seen: seen.clone(),
                },
            };
            c.globals().set("n", n).unwrap();
            // Half in cycles (freed by the cycle collector), half freed by
            // their reference count.
            let src = if i % 2 == 0 {
                "{ const o = { n }; o.self = o; n.o = o; n = null }"
            } else {
                "n = null"
            };
            c.eval::<Value>(src).unwrap();
        }
    });
    rt.run_gc();
    seen.assert_all_refused(20);
    healthy(&ctx);
    // The contexts the instances owned were freed once the collection was
    // over: nothing of them is left for the runtime's end to find.
    drop(ctx);
    drop(rt);
}

/// `Context::with` (which panics where `try_with` errs) in a finalizer:
/// the panic is caught there, the process goes on.
struct PanicsInDrop(Context, Arc<AtomicUsize>);
impl Drop for PanicsInDrop {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.with(|ctx| ctx.eval::<Value>("1").map(drop)).unwrap();
    }
}

#[js]
pub struct Panicky {
    _inner: PanicsInDrop,
}

#[js]
impl Panicky {}

#[test]
fn context_with_in_a_finalizer_panics_and_the_panic_is_caught() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let drops = Arc::new(AtomicUsize::new(0));
    ctx.with(|c| {
        for _ in 0..5 {
            let p = Panicky {
                _inner: PanicsInDrop(Context::full(&rt).unwrap(), drops.clone()),
            };
            c.globals().set("p", p).unwrap();
            c.eval::<Value>("{ const o = { p }; o.o = o; p.o = o; p = null }")
                .unwrap();
        }
    });
    rt.run_gc();
    assert_eq!(drops.load(Ordering::SeqCst), 5);
    healthy(&ctx);
}

#[test]
fn a_closures_captured_value_that_runs_js_when_freed_is_refused() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let seen = Arc::new(Seen::default());
    ctx.with(|c| {
        for _ in 0..10 {
            let held = RunsJs {
                ctx: Context::full(&rt).unwrap(),
                seen: seen.clone(),
            };
            let f = Function::new(c, "f", move || {
                let _ = &held;
                1
            })
            .unwrap();
            c.globals().set("f", f).unwrap();
            // A cycle through the function: freed by the collector.
            c.eval::<Value>("{ const o = { f }; f.o = o; f = null }")
                .unwrap();
        }
    });
    rt.run_gc();
    seen.assert_all_refused(10);
    healthy(&ctx);
}

#[test]
fn futures_dropped_with_their_context_cannot_run_js() {
    let rt = Runtime::new().unwrap();
    let survivor = Context::full(&rt).unwrap();
    let seen = Arc::new(Seen::default());
    // Freed by the host (Context's drop, JS_FreeContext).
    let doomed = Context::full(&rt).unwrap();
    doomed.with(|c| {
        for _ in 0..3 {
            let guard = RunsJs {
                ctx: Context::full(&rt).unwrap(),
                seen: seen.clone(),
            };
            quickjs::Promise::spawn(c, async move {
                let _guard = guard;
                std::future::pending::<()>().await
            })
            .unwrap();
        }
    });
    assert_eq!(rt.pending_futures(), 3);
    drop(doomed);
    assert_eq!(rt.pending_futures(), 0);
    seen.assert_all_refused(3);
    healthy(&survivor);
}

/// A context (of the collecting runtime) dropped by a finalizer: freed
/// after the collection, when the runtime's lock is released.
struct DropsContext(Option<Context>);
impl Drop for DropsContext {
    fn drop(&mut self) {
        drop(self.0.take());
    }
}

#[js]
pub struct OwnsContext {
    _inner: DropsContext,
}

#[js]
impl OwnsContext {}

#[test]
fn a_context_dropped_during_gc_is_freed_after_the_collection() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let owned = Context::full(&rt).unwrap();
    // The owned context's end is seen through a closure of its globals.
    let freed = Arc::new(AtomicBool::new(false));
    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let flag = SetOnDrop(freed.clone());
    owned
        .with(|c| {
            let f = Function::new(c, "f", move || {
                let _ = &flag;
            })?;
            c.globals().set("f", f)
        })
        .unwrap();
    ctx.with(|c| {
        let o = OwnsContext {
            _inner: DropsContext(Some(owned)),
        };
        c.globals().set("o", o).unwrap();
        c.eval::<Value>("{ const x = { o }; x.x = x; o.x = x; o = null }")
            .unwrap();
    });
    rt.run_gc();
    // Freed when the collection's lock was released; its own objects (the
    // global object and its functions hold each other) go at the next
    // collection, as any context's do.
    assert!(!freed.load(Ordering::SeqCst));
    rt.run_gc();
    assert!(freed.load(Ordering::SeqCst), "the context was not freed");
    healthy(&ctx);
}

/// What else a finalizer might try: a collection, a new context.
struct TriesMore(Runtime, Arc<Mutex<Vec<String>>>);
impl Drop for TriesMore {
    fn drop(&mut self) {
        self.0.run_gc(); // does nothing inside a collection
        let e = Context::full(&self.0).err().map(|e| e.to_string());
        self.1.lock().unwrap().push(e.unwrap_or_default());
    }
}

#[js]
pub struct Greedy {
    _inner: TriesMore,
}

#[js]
impl Greedy {}

#[test]
fn a_collection_or_a_new_context_from_a_finalizer_is_refused() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let errors = Arc::new(Mutex::new(Vec::new()));
    ctx.with(|c| {
        let g = Greedy {
            _inner: TriesMore(rt.clone(), errors.clone()),
        };
        c.globals().set("g", g).unwrap();
        c.eval::<Value>("{ const x = { g }; x.x = x; g.x = x; g = null }")
            .unwrap();
    });
    rt.run_gc();
    let errors = errors.lock().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("collects garbage"), "{errors:?}");
    drop(errors);
    healthy(&ctx);
}

#[test]
fn an_interrupt_handler_that_runs_js_of_its_runtime_neither_hangs_nor_corrupts() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let other = Arc::new(Context::full(&rt).unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let (o, n) = (other.clone(), calls.clone());
    rt.set_interrupt_handler(Some(Box::new(move || {
        // Re-entering the runtime from its own handler: nested JS runs (the
        // nested polls skip the handler), then the outer script stops.
        let v = o.with(|ctx| ctx.eval::<i32>("[1, 2, 3].map(x => x * 2).length"));
        assert_eq!(v.unwrap(), 3);
        n.fetch_add(1, Ordering::SeqCst) > 20
    })));
    let r = ctx.with(|ctx| ctx.eval::<Value>("for (;;) { [].concat([1]) }").map(drop));
    assert!(r.unwrap_err().to_string().contains("interrupted"));
    rt.set_interrupt_handler(None);
    healthy(&ctx);
}

#[test]
fn a_native_call_of_one_runtime_that_enters_another_still_ends_with_its_interrupt() {
    use std::time::{Duration, Instant};
    // A: interrupted once its script has run a while; B: always.
    let a = Runtime::new().unwrap();
    let start = Instant::now();
    a.set_interrupt_handler(Some(Box::new(move || {
        start.elapsed() > Duration::from_millis(50)
    })));
    let b = Runtime::new().unwrap();
    b.set_interrupt_handler(Some(Box::new(|| true)));
    let (ca, cb) = (
        Context::full(&a).unwrap(),
        Arc::new(Context::full(&b).unwrap()),
    );
    let inner = cb.clone();
    let r = ca.with(|ctx| {
        // A native function of A that swallows A's interrupt (from the
        // callback it runs), then B's (from B's script), and returns fine.
        let f = Function::new(ctx, "both", move |spin: Function| {
            let _ = spin.call::<_, Value>(());
            let _ = inner.with(|c| c.eval::<Value>("for (;;) {}").map(drop));
            7
        })
        .unwrap();
        ctx.globals().set("both", f).unwrap();
        ctx.eval::<Value>("both(() => { for (;;) {} }); globalThis.ranOn = true")
            .map(drop)
    });
    assert!(r.unwrap_err().to_string().contains("interrupted"));
    // A's script did not run on after the call.
    a.set_interrupt_handler(None);
    assert!(ca
        .with(|ctx| ctx.eval::<bool>("globalThis.ranOn === undefined"))
        .unwrap());
    b.set_interrupt_handler(None);
    healthy(&ca);
    healthy(&cb);
}

#[test]
fn a_context_kept_in_a_thread_local_is_dropped_at_thread_exit_without_aborting() {
    // Its thread-local's destructor runs while the thread's others are
    // being destroyed: the finalizer door must still be readable then.
    std::thread::spawn(|| {
        thread_local! {
            static ENGINE: std::cell::RefCell<Option<Context>> = const { std::cell::RefCell::new(None) };
        }
        let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
        assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("6 * 7")).unwrap(), 42);
        ENGINE.with(|e| *e.borrow_mut() = Some(ctx));
    })
    .join()
    .unwrap();
}
