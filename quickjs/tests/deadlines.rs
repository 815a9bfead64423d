//! Every API that takes a deadline holds it on its own, with no interrupt
//! handler: against an endless chain of microtasks, a job that never ends,
//! and a plain endless script; each returns `Error::Timeout` and leaves
//! the runtime usable (and not interrupted afterwards).

use quickjs::{Context, Error, Persistent, Promise, Runtime, Value};
use std::time::{Duration, Instant};

const SHORT: Duration = Duration::from_millis(50);
/// How late a deadline may be noticed here (slow builds under valgrind and
/// sanitizers included): generous, the point is that it returns at all.
const SLACK: Duration = Duration::from_secs(10);

fn setup() -> (Runtime, Context) {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    (rt, ctx)
}

fn healthy(ctx: &Context) {
    // Not interrupted later: the deadline is gone with its call.
    let n: i32 = ctx
        .with(|ctx| {
            ctx.eval("(() => { let s = 0; for (let i = 0; i < 2e6; i++) s += 1; return s })()")
        })
        .unwrap();
    assert_eq!(n, 2_000_000);
}

fn assert_timeout(r: quickjs::Result<impl std::fmt::Debug>, start: Instant) {
    match r {
        Err(Error::Timeout(d)) => assert_eq!(d, SHORT),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(start.elapsed() < SLACK, "took {:?}", start.elapsed());
}

const ENDLESS_CHAIN: &str = "(function f() { Promise.resolve().then(f) })()";
const ENDLESS_JOB: &str = "Promise.resolve().then(() => { for (;;) {} })";

#[test]
fn run_until_idle_for_holds_against_an_endless_chain_of_microtasks() {
    let (rt, ctx) = setup();
    ctx.with(|ctx| ctx.eval::<Value>(ENDLESS_CHAIN).map(drop))
        .unwrap();
    let start = Instant::now();
    assert_timeout(rt.run_until_idle_for(SHORT), start);
    healthy(&ctx);
}

#[test]
fn run_until_idle_for_holds_against_a_job_that_never_ends() {
    let (rt, ctx) = setup();
    ctx.with(|ctx| ctx.eval::<Value>(ENDLESS_JOB).map(drop))
        .unwrap();
    let start = Instant::now();
    assert_timeout(rt.run_until_idle_for(SHORT), start);
    healthy(&ctx);
}

#[test]
fn promise_wait_for_holds_against_an_endless_chain_and_an_endless_job() {
    for src in [ENDLESS_CHAIN, ENDLESS_JOB] {
        let (_rt, ctx) = setup();
        let start = Instant::now();
        let r = ctx.with(|ctx| {
            ctx.eval::<Value>(src)?;
            let p: Promise = ctx.eval("new Promise(() => {})")?;
            p.wait_for::<Value>(SHORT).map(drop)
        });
        assert_timeout(r, start);
        healthy(&ctx);
    }
}

#[test]
fn context_with_deadline_stops_a_script_and_leaves_the_handler_as_it_was() {
    let (rt, ctx) = setup();
    let start = Instant::now();
    assert_timeout(
        ctx.with_deadline(SHORT, |ctx| ctx.eval::<()>("for (;;) {}")),
        start,
    );
    healthy(&ctx);

    // With a handler of the host's: both hold, and the handler stays.
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = calls.clone();
    rt.set_interrupt_handler(Some(Box::new(move || {
        c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        false
    })));
    let start = Instant::now();
    assert_timeout(
        ctx.with_deadline(SHORT, |ctx| ctx.eval::<()>("for (;;) {}")),
        start,
    );
    assert!(calls.load(std::sync::atomic::Ordering::SeqCst) > 0);
    let before = calls.load(std::sync::atomic::Ordering::SeqCst);
    healthy(&ctx);
    assert!(
        calls.load(std::sync::atomic::Ordering::SeqCst) > before,
        "the handler was removed"
    );
    // The handler can still stop a script itself.
    rt.set_interrupt_handler(Some(Box::new(|| true)));
    let e = ctx.with(|ctx| ctx.eval::<()>("for (;;) {}")).unwrap_err();
    assert!(e.is_interrupt(), "{e:?}");
    rt.set_interrupt_handler(None);
    healthy(&ctx);
}

#[test]
fn deadlines_nest_and_the_nearest_holds() {
    let (_rt, ctx) = setup();
    let start = Instant::now();
    let r = ctx.with_deadline(Duration::from_secs(600), |_| {
        let inner = ctx.with_deadline(SHORT, |ctx| ctx.eval::<()>("for (;;) {}"));
        assert_timeout(inner, start);
        // The outer deadline still holds, and is far: this runs to its end.
        ctx.with(|ctx| ctx.eval::<i32>("let n = 0; for (let i = 0; i < 1e5; i++) n++; n"))
    });
    assert_eq!(r.unwrap(), 100_000);
    healthy(&ctx);
}

#[test]
fn a_deadline_does_not_outlive_a_wait_on_another_thread() {
    // A thread waiting with a deadline releases the lock while it sleeps;
    // JS run meanwhile by another thread is not subject to that deadline.
    let (rt, ctx) = setup();
    let ctx = std::sync::Arc::new(ctx);
    let keep = ctx
        .with(|ctx| {
            let p = quickjs::Promise::spawn(ctx, quickjs::sleep(Duration::from_millis(300)))?;
            Ok::<_, Error>(Persistent::save(ctx, p.into_value()))
        })
        .unwrap();
    let waiter = {
        let rt = rt.clone();
        std::thread::spawn(move || rt.run_until_idle_for(Duration::from_secs(30)))
    };
    std::thread::sleep(Duration::from_millis(20));
    // Runs longer than nothing, on this thread: not interrupted.
    let n: i32 = ctx
        .with(|ctx| ctx.eval("let t = 0; for (let i = 0; i < 3e6; i++) t++; t"))
        .unwrap();
    assert_eq!(n, 3_000_000);
    waiter.join().unwrap().unwrap();
    drop(keep);
}

#[test]
fn a_deadline_ends_with_its_call_even_when_the_call_panics() {
    let (_rt, ctx) = setup();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ctx.with_deadline(SHORT, |_| -> quickjs::Result<()> { panic!("inside") })
    }));
    assert!(r.is_err());
    std::thread::sleep(SHORT * 2);
    // Past the deadline: later scripts of this thread are not stopped.
    healthy(&ctx);
}

#[test]
fn a_wait_inside_a_call_with_a_deadline_ends_at_that_deadline() {
    let (rt, ctx) = setup();
    let start = Instant::now();
    let r = ctx.with_deadline(SHORT, |ctx| {
        quickjs::Promise::spawn(ctx, std::future::pending::<()>())?;
        // No deadline of its own: the enclosing one holds.
        rt.run_until_idle()
    });
    assert_timeout(r, start);
    healthy(&ctx);
}
