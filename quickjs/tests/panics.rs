//! A Rust panic called from JS ends the script like an interrupt (no JS
//! `catch` or `finally` goes on with the Rust state it may have left
//! half-updated), reaches the Rust caller as `Error::Panic` with its message
//! and location (and can be resumed), and leaves the runtime usable. A
//! runtime can choose catchable panics instead.

use quickjs::{Context, Error, Function, Runtime, Value};
use std::time::Duration;

fn setup() -> (Runtime, Context) {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let boom = Function::new(ctx, "boom", |why: String| -> i32 { panic!("{why}") })?;
        ctx.globals().set("boom", boom)?;
        // Rust code that swallows the panic of what it calls.
        let swallow = Function::new(ctx, "swallow", |f: Function| -> i32 {
            let _ = f.call::<_, Value>(());
            7
        })?;
        ctx.globals().set("swallow", swallow)
    })
    .unwrap();
    (rt, ctx)
}

/// Defines `later()`, an async function that panics with `message` after
/// an await, and runs `script`.
fn async_panic(ctx: &Context, message: &'static str, script: &str) {
    ctx.with(|ctx| {
        let f = Function::new_async(ctx, "later", move || async move {
            quickjs::sleep(Duration::from_millis(1)).await;
            if !message.is_empty() {
                panic!("{message}");
            }
            1
        })?;
        ctx.globals().set("later", f)?;
        ctx.eval::<Value>(script).map(drop)
    })
    .unwrap();
}

fn healthy(ctx: &Context) {
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("1 + 1")).unwrap(), 2);
}

#[test]
fn a_panic_ends_the_script_and_reaches_the_caller_with_its_location() {
    let (_rt, ctx) = setup();
    let r = ctx.with(|ctx| {
        ctx.eval::<i32>("globalThis.log = []; try { boom('bad state') } catch (e) { log.push('catch') } finally { log.push('finally') }")
    });
    let Err(Error::Panic(p)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(p.message(), "boom: bad state");
    let at = p.location().expect("the location");
    assert!(at.starts_with("quickjs/tests/panics.rs:"), "{at}");
    assert!(Error::Panic(p.clone())
        .to_string()
        .contains("(at quickjs/tests/panics.rs:"));
    assert_eq!(ctx.with(|ctx| ctx.eval::<usize>("log.length")).unwrap(), 0);
    healthy(&ctx);
}

#[test]
fn a_native_call_that_swallows_a_panic_still_ends_with_it() {
    let (_rt, ctx) = setup();
    let r =
        ctx.with(|ctx| ctx.eval::<i32>("try { swallow(() => boom('inner')) } catch (e) { -1 }"));
    let Err(Error::Panic(p)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(p.message(), "boom: inner");
    healthy(&ctx);
}

#[test]
fn a_panic_can_be_resumed_with_its_payload() {
    let (_rt, ctx) = setup();
    let Err(Error::Panic(p)) = ctx.with(|ctx| ctx.eval::<i32>("boom('again')")) else {
        panic!()
    };
    let payload =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.resume())).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("again")
    );
    healthy(&ctx);
}

#[test]
fn a_future_that_panics_after_an_await_ends_the_run_with_the_panic() {
    let (rt, ctx) = setup();
    async_panic(
        &ctx,
        "after await",
        "globalThis.seen = 'no'; later().then(() => seen = 'ok', () => seen = 'rejected')",
    );
    let r = rt.run_until_idle();
    let Err(Error::Panic(p)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(p.message(), "later: after await");
    // No script reaction ran: the promise never settles.
    assert_eq!(ctx.with(|ctx| ctx.eval::<String>("seen")).unwrap(), "no");
    rt.run_until_idle().unwrap();
    healthy(&ctx);
}

#[test]
fn a_runtime_can_make_panics_catchable() {
    let (rt, ctx) = setup();
    rt.set_catch_panics_in_js(true);
    let caught: String = ctx
        .with(|ctx| ctx.eval("try { boom('fine') } catch (e) { `${e.name}: ${e.message}` }"))
        .unwrap();
    assert_eq!(caught, "InternalError: boom: Rust panic: fine");
    async_panic(
        &ctx,
        "async fine",
        "later().catch(e => globalThis.seen = e.message)",
    );
    rt.run_until_idle().unwrap();
    assert_eq!(
        ctx.with(|ctx| ctx.eval::<String>("seen")).unwrap(),
        "later: Rust panic: async fine"
    );
    healthy(&ctx);
}

#[test]
fn a_script_cannot_forge_a_panic() {
    let (_rt, ctx) = setup();
    let _ = ctx.with(|ctx| ctx.eval::<i32>("boom('real')"));
    // The same message, thrown by JS: an ordinary, catchable error.
    let r = ctx.with(|ctx| ctx.eval::<i32>("throw new InternalError('boom: Rust panic: real')"));
    assert!(matches!(r, Err(Error::Thrown(_))), "{r:?}");
    healthy(&ctx);
}

#[test]
fn a_queued_panic_keeps_its_context_alive_until_its_job_runs() {
    let (rt, ctx) = setup();
    ctx.with(|ctx| {
        let ok = Function::new_async(ctx, "ok", || async {
            quickjs::sleep(Duration::from_millis(1)).await;
            1
        })?;
        ctx.globals().set("ok", ok)
    })
    .unwrap();
    // Both futures finish in one turn: the first's promise settles and the
    // panic's job is queued; the wait stops with the job still queued.
    async_panic(
        &ctx,
        "queued",
        "globalThis.p = ok(); p.then(() => {}); later()",
    );
    let first = ctx.with(|ctx| {
        let p: quickjs::Promise = ctx.eval("p")?;
        p.wait::<i32>()
    });
    assert_eq!(first.unwrap(), 1);
    drop(ctx);
    rt.run_gc();
    // The panic's job still runs in its (alive) context.
    let r = rt.run_until_idle();
    assert!(matches!(r, Err(Error::Panic(_))), "{r:?}");
    rt.run_until_idle().unwrap();
}
