//! `#[js] async fn`: promises settled from the job loop, concurrency,
//! rejections, panics, and teardown with futures pending.

mod support;
use std::time::{Duration, Instant};
use support::Js;

#[test]
fn an_async_fn_returns_a_promise_settled_with_its_output() {
    let js = Js::new();
    let out = js.module("import * as t from 'test'; const p = t.delayed_echo(5, 'hi'); globalThis.out = [p instanceof Promise, await p, await t.ready_now(1), await t.sleep(1)].join('|')");
    assert_eq!(out.unwrap(), "true|hi|2|");
    assert_eq!(js.pending(), 0);
}

#[test]
fn a_thousand_concurrent_sleeps_all_settle() {
    let js = Js::new();
    let start = Instant::now();
    let out = js.module("import * as t from 'test'; const r = await Promise.all(Array.from({ length: 1000 }, (_, i) => t.delayed_echo(i % 50, String(i)))); globalThis.out = r.length + ':' + r.every((v, i) => v === String(i))");
    assert_eq!(out.unwrap(), "1000:true");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(js.pending(), 0);
}

#[test]
fn errors_reject_with_error_objects_and_panics_end_the_script() {
    let js = Js::new();
    let out = js.module("import * as t from 'test'; const r = []; try { await t.fail_later(1) } catch (e) { r.push(`${e instanceof Error} ${e.name}: ${e.message}`) } globalThis.out = r.join('|')");
    assert_eq!(out.unwrap(), "true Error: failed later");
    // A panic after an await ends the script like an interrupt: no catch or
    // finally runs on; the host's await (js_std_await, patch 0014) returns it.
    let out = js.module("import * as t from 'test'; globalThis.out = 'not yet'; try { await t.panic_later() } catch (e) { globalThis.out = 'caught' } finally { globalThis.out += ' and finally' }");
    let e = out.unwrap_err();
    assert!(e.contains("panic_later: Rust panic: async boom"), "{e}");
    assert_eq!(js.global("out"), "not yet");
    // The runtime is still healthy.
    assert_eq!(
        js.module("import * as t from 'test'; globalThis.out = await t.ready_now(41)")
            .unwrap(),
        "42"
    );
}

#[test]
fn argument_errors_of_async_fns_reject_their_promise() {
    // Like a JS async function, the call never throws: a wrong type or a
    // missing argument rejects the promise it returns, with the same message.
    let js = Js::new();
    let out = js.module(
        "import * as t from 'test';
         const log = [];
         let p;
         try { p = t.sleep('x'); log.push('no throw') } catch (e) { log.push('threw') }
         try { await p } catch (e) { log.push(`${e.name}: ${e.message}`) }
         try { await t.delayed_echo(1) } catch (e) { log.push(`${e.name}: ${e.message}`) }
         globalThis.out = log.join('|')",
    );
    assert_eq!(
        out.unwrap(),
        "no throw|TypeError: sleep: argument 1: expected number, got string|TypeError: delayed_echo: expected 2 arguments, got 1"
    );
}

#[test]
fn completions_run_after_the_microtasks_that_were_queued() {
    let js = Js::new();
    let out = js.module("import * as t from 'test'; const log = []; const p = t.ready_now(0).then(() => log.push('rust')); Promise.resolve().then(() => log.push('micro1')).then(() => log.push('micro2')); await p; globalThis.out = log.join(',')");
    assert_eq!(out.unwrap(), "micro1,micro2,rust");
}

#[test]
fn the_std_loop_waits_for_pending_futures_without_qjs_os() {
    let js = Js::new();
    let start = Instant::now();
    js.module(
        "import * as t from 'test'; t.delayed_echo(100, 'done').then(v => globalThis.out = v)",
    )
    .unwrap();
    assert_eq!(js.pending(), 1);
    js.run_loop();
    assert_eq!(js.global("out"), "done");
    assert!(start.elapsed() >= Duration::from_millis(100));
    assert_eq!(js.pending(), 0);
}

#[test]
fn rust_futures_and_os_timers_share_the_loop() {
    let js = Js::new();
    js.module(
        "import * as t from 'test'; import * as os from 'qjs:os'; const log = [];
         os.setTimeout(() => log.push('timer30'), 30);
         t.sleep(10).then(() => log.push('rust10'));
         t.sleep(50).then(() => { log.push('rust50'); globalThis.out = log.join(',') });
         os.setTimeout(() => log.push('timer20'), 20);",
    )
    .unwrap();
    js.run_loop();
    assert_eq!(js.global("out"), "rust10,timer20,timer30,rust50");
}

#[test]
fn dropping_a_runtime_with_futures_pending_drops_them_cleanly() {
    // Debug builds keep the engine's assertions: JS_FreeRuntime aborts if any
    // JS object leaked (e.g. a resolving function held by Rust).
    for n in [1, 10_000] {
        let js = Js::new();
        js.module(&format!("import * as t from 'test'; for (let i = 0; i < {n}; i++) t.delayed_echo(60000, 'never').then(v => globalThis.out = v)")).unwrap();
        assert_eq!(js.pending(), n);
        drop(js);
    }
    // The process is healthy afterwards.
    assert_eq!(
        Js::new()
            .module("import * as t from 'test'; globalThis.out = await t.delayed_echo(1, 'ok')")
            .unwrap(),
        "ok"
    );
}

#[test]
fn runtimes_on_several_threads_run_in_parallel() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let js = Js::new();
                js.module(&format!("import * as t from 'test'; globalThis.out = await t.delayed_echo(20, 'thread{i}')")).unwrap()
            })
        })
        .collect();
    let outs: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(outs, ["thread0", "thread1", "thread2", "thread3"]);
}

#[test]
fn a_flood_of_rust_completions_does_not_starve_timers() {
    let js = Js::new();
    js.module(
        "import * as t from 'test'; import * as os from 'qjs:os';
         let stop = false, n = 0;
         os.setTimeout(() => { stop = true; globalThis.out = 'timer fired after ' + (n < 100000 ? 'some' : 'all') + ' completions' }, 5);
         (async () => { while (!stop && n < 100000) { await t.ready_now(n); n++ } })();",
    )
    .unwrap();
    js.run_loop();
    assert_eq!(js.global("out"), "timer fired after some completions");
}

#[test]
fn a_wave_of_completions_settles_in_batches_with_the_host_loop_between() {
    // 5000 futures ready at once: the host's own timer (due at once) runs
    // after the first batch of settlements, not after all 5000; every
    // promise still settles, in the order the futures were woken.
    let js = Js::new();
    js.module(
        "import * as t from 'test'; import * as os from 'qjs:os';
         const order = []; let atTimer = -1;
         const all = Array.from({ length: 5000 }, (_, i) => t.ready_now(i).then(v => order.push(v)));
         os.setTimeout(() => { atTimer = order.length }, 0);
         Promise.all(all).then(() => {
           const inOrder = order.every((v, i) => v === i + 1);
           globalThis.out = `${atTimer > 0 && atTimer < 5000} ${order.length} ${inOrder}`;
         });",
    )
    .unwrap();
    js.run_loop();
    assert_eq!(js.global("out"), "true 5000 true");
    assert_eq!(js.pending(), 0);
}

#[test]
fn a_flood_of_timers_does_not_starve_rust_completions() {
    let js = Js::new();
    js.module(
        "import * as t from 'test'; import * as os from 'qjs:os';
         let done = false, ticks = 0;
         (function tick() { ticks++; if (!done && ticks < 1000000) os.setTimeout(tick, 0) })();
         t.sleep(5).then(() => { done = true; globalThis.out = ticks < 1000000 ? 'rust settled during the flood' : 'starved' });",
    )
    .unwrap();
    js.run_loop();
    assert_eq!(js.global("out"), "rust settled during the flood");
}

#[test]
fn unhandled_rejections_from_rust_reach_the_hosts_tracker() {
    let js = Js::new();
    let seen = js.track_rejections();
    js.module("import * as t from 'test'; t.fail_later(1); t.fail_later(2).catch(() => {});")
        .unwrap();
    js.run_loop();
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.iter()
            .filter(|s| s.as_str() == "Error: failed later")
            .count(),
        1,
        "{seen:?}"
    );
}

#[test]
fn loop_timers_order_with_thread_woken_futures_and_os_timers() {
    let js = Js::new();
    // Before the module: its evaluation starts the timers.
    let start = Instant::now();
    js.module(
        "import * as t from 'test'; import * as os from 'qjs:os'; const log = [];
         t.tick(200).then(() => { log.push('tick200'); globalThis.out = log.join(',') });
         t.tick(0).then(() => log.push('tick0'));
         t.sleep(50).then(() => log.push('sleep50'));
         os.setTimeout(() => log.push('timer100'), 100);
         t.tick(150).then(() => log.push('tick150'));",
    )
    .unwrap();
    // 50 ms apart: sources due in the same loop turn (a machine stalled
    // that long) run in the loop's phase order, not by due time.
    js.run_loop();
    assert_eq!(js.global("out"), "tick0,sleep50,timer100,tick150,tick200");
    assert!(start.elapsed() >= Duration::from_millis(200));
    assert_eq!(js.pending(), 0);
}

#[cfg(unix)] // measures the thread's CPU time
#[test]
fn the_std_loop_sleeps_until_the_next_loop_timer_without_qjs_os() {
    // No qjs:os, no thread: only the poll timeout from rust_next_timeout can
    // end this wait. CPU stays near zero (the loop blocks in poll).
    let js = Js::new();
    js.module("import * as t from 'test'; t.tick(100).then(v => globalThis.out = 'ticked ' + v)")
        .unwrap();
    let start = Instant::now();
    let cpu = support::thread_cpu_time();
    js.run_loop();
    let cpu = support::thread_cpu_time() - cpu;
    assert_eq!(js.global("out"), "ticked 100");
    assert!(start.elapsed() >= Duration::from_millis(100));
    assert!(
        cpu < Duration::from_millis(30),
        "the loop spun: {cpu:?} of CPU"
    );
}

#[test]
fn dropping_a_runtime_with_ten_thousand_loop_timers_pending() {
    let js = Js::new();
    js.module("import * as t from 'test'; for (let i = 0; i < 10000; i++) t.tick(60000 + i).then(() => globalThis.out = 'never')")
        .unwrap();
    // Their first poll queued the timers.
    js.module("import * as t from 'test'; globalThis.out = await t.tick(1)")
        .unwrap();
    assert_eq!(js.pending(), 10_000);
    drop(js);
}

#[test]
fn a_timer_counts_from_the_call_not_from_the_loops_next_turn() {
    // sleep(100), then 300 ms of synchronous JS: the sleep is already due
    // when the loop turns (as setTimeout would be), not 100 ms later.
    let js = Js::new();
    js.module(
        "import * as t from 'test'; const t0 = Date.now();
         t.sleep(100).then(() => globalThis.out = String(Date.now() - t0));
         const end = t0 + 300; while (Date.now() < end) {}",
    )
    .unwrap();
    js.run_loop();
    let settled: u64 = js.global("out").parse().unwrap();
    assert!((300..370).contains(&settled), "settled after {settled} ms");
}

/// A runtime with `later(ms)` (an async closure sleeping `ms`, returning it).
fn driven_runtime() -> (quickjs::Runtime, quickjs::Context) {
    let rt = quickjs::Runtime::new().unwrap();
    let ctx = quickjs::Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let later = quickjs::Function::new_async(ctx, "later", |ms: u64| async move {
            quickjs::sleep(Duration::from_millis(ms)).await;
            ms
        })?;
        ctx.globals().set("later", later)
    })
    .unwrap();
    (rt, ctx)
}

#[test]
fn idle_drives_the_runtime_on_async_io_without_blocking_its_thread() {
    use futures_lite::future;
    let (rt, ctx) = driven_runtime();
    // Before the timers start: on a busy machine the 30 ms timer may be
    // half gone by the time the eval returns.
    let start = Instant::now();
    ctx.with(|ctx| {
        ctx.eval::<()>(
            "globalThis.log = []; for (const ms of [30, 10, 20]) later(ms).then(v => log.push(v))",
        )
    })
    .unwrap();
    // Another future on the same thread runs while the runtime waits.
    let ticks = std::sync::atomic::AtomicU32::new(0);
    let ticker = async {
        loop {
            async_io::Timer::after(Duration::from_millis(2)).await;
            ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    };
    future::block_on(future::or(rt.idle(), async {
        ticker.await;
        unreachable!()
    }))
    .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(30));
    // A driver that blocked the thread would let the ticker run only after
    // it returned (slow machines, valgrind: few ticks, but some).
    assert!(
        ticks.load(std::sync::atomic::Ordering::Relaxed) >= 1,
        "the thread was blocked"
    );
    assert_eq!(
        ctx.with(|ctx| ctx.eval::<Vec<u64>>("log")).unwrap(),
        [10, 20, 30]
    );
    assert_eq!(rt.pending_futures(), 0);
    // A job that ends with an error (the host's interrupt: what a job's
    // own promise cannot capture) ends it; the runtime goes on.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let s = stop.clone();
    rt.set_interrupt_handler(Some(Box::new(move || {
        s.load(std::sync::atomic::Ordering::Relaxed)
    })));
    ctx.with(|ctx| ctx.eval::<()>("later(1).then(() => { for (;;) {} })"))
        .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let e = future::block_on(rt.idle()).unwrap_err();
    assert!(e.is_interrupt(), "{e}");
    stop.store(false, std::sync::atomic::Ordering::Relaxed);
    future::block_on(rt.idle()).unwrap();
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("1 + 1")).unwrap(), 2);
}

#[test]
fn idle_and_run_until_work_on_a_tokio_current_thread_runtime() {
    let (rt, ctx) = driven_runtime();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let n = tokio.block_on(async {
        let t = ticks.clone();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(2)).await;
                t.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let answer = ctx
            .with(|ctx| {
                ctx.eval::<quickjs::Promise>(
                    "(async () => (await later(20)) + (await later(10)))()",
                )?
                .into_future::<u64>()
            })
            .unwrap();
        let n = rt.run_until(answer).await.unwrap();
        // The spawned task ran meanwhile: the driver never blocked the
        // only thread.
        let ticked = ticks.load(std::sync::atomic::Ordering::Relaxed);
        ctx.with(|ctx| ctx.eval::<()>("later(5)")).unwrap();
        rt.idle().await.unwrap();
        ticker.abort();
        (n, ticked)
    });
    assert_eq!(n.0, 30);
    assert!(n.1 >= 1, "the tokio thread was blocked ({} ticks)", n.1);
    assert_eq!(rt.pending_futures(), 0);
}

#[test]
fn a_driver_wakes_for_jobs_another_thread_enqueues() {
    use futures_lite::future;
    let (rt, ctx) = driven_runtime();
    // Nothing in this runtime will wake the driver (no future, no timer)
    // but another thread's resolve call.
    let settled = ctx
        .with(|ctx| {
            ctx.eval::<quickjs::Promise>("new Promise(r => globalThis.resolveIt = r)")?
                .into_future::<i32>()
        })
        .unwrap();
    let timeout = async {
        async_io::Timer::after(Duration::from_secs(10)).await;
        Err(quickjs::Error::internal(
            "the driver missed the other thread's job",
        ))
    };
    let n = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(30));
            ctx.with(|ctx| ctx.eval::<()>("resolveIt(7)")).unwrap();
        });
        future::block_on(future::or(timeout, rt.run_until(settled)))
    });
    assert_eq!(n.unwrap(), 7);
}

#[test]
fn into_future_uses_the_realms_own_then_whatever_a_script_replaced() {
    let (rt, ctx) = driven_runtime();
    let fut = ctx
        .with(|ctx| {
            let p: quickjs::Promise = ctx.eval(
                "const p = later(1).then(ms => ms * 2);
                 Promise.prototype.then = () => { throw new Error('hijacked') };
                 p.then = () => { throw new Error('hijacked too') };
                 p",
            )?;
            p.into_future::<u64>()
        })
        .unwrap();
    assert_eq!(async_io::block_on(rt.run_until(fut)).unwrap(), 2);
}

/// The wake fd is an eventfd on Linux, a pipe elsewhere and with
/// `QUICKJS_RUST_WAKE=pipe` (CI runs the async tests both ways).
#[cfg(unix)]
#[test]
fn the_wake_fd_is_the_mechanism_asked_for() {
    let rt = quickjs::Runtime::new().unwrap();
    let fd = rt.wake_fd().unwrap();
    // SAFETY: fstat of the runtime's open fd into a zeroed stat.
    let mode = unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        assert_eq!(libc::fstat(fd, &mut st), 0);
        st.st_mode & libc::S_IFMT
    };
    let pipe_wanted = !cfg!(target_os = "linux")
        || std::env::var_os("QUICKJS_RUST_WAKE").is_some_and(|v| v == "pipe");
    assert_eq!(mode == libc::S_IFIFO, pipe_wanted, "mode {mode:o}");
}

/// Polls its future with a waker of its own (as combinators that track
/// which branch woke do), which wakes the outer one.
struct Rewake<F>(std::pin::Pin<Box<F>>);

struct Forward(std::sync::Mutex<Option<std::task::Waker>>);

/// How many times a `Forward` waker was woken.
static FORWARDED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl std::task::Wake for Forward {
    fn wake(self: std::sync::Arc<Self>) {
        FORWARDED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Some(w) = self.0.lock().unwrap().take() {
            w.wake();
        }
    }
}

/// A waker of its own that wakes `cx`'s (and counts in `FORWARDED`).
fn forwarding(cx: &std::task::Context<'_>) -> std::task::Waker {
    let forward = Forward(std::sync::Mutex::new(Some(cx.waker().clone())));
    std::task::Waker::from(std::sync::Arc::new(forward))
}

impl<F: std::future::Future> std::future::Future for Rewake<F> {
    type Output = F::Output;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let waker = forwarding(cx);
        self.0
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&waker))
    }
}

/// A sleep wakes whichever waker polled it last: its task's own, or a
/// combinator's (which must be woken itself to know which branch is ready),
/// also when the waker changes between polls.
#[test]
fn sleeps_wake_whichever_waker_polled_them_last() {
    use futures_lite::FutureExt;
    let rt = quickjs::Runtime::new().unwrap();
    let ctx = quickjs::Context::full(&rt).unwrap();
    let start = Instant::now();
    let out = ctx.with(|ctx| {
        let p = quickjs::Promise::spawn(ctx, async {
            let ms = |n| Duration::from_millis(n);
            // Own waker.
            quickjs::sleep(ms(5)).await;
            // Another waker throughout.
            Rewake(Box::pin(quickjs::sleep(ms(5)))).await;
            // Own waker first, then another.
            let mut first = true;
            let mut switching = Box::pin(quickjs::sleep(ms(20)));
            std::future::poll_fn(|cx| {
                if std::mem::take(&mut first) {
                    return switching.as_mut().poll(cx);
                }
                let waker = forwarding(cx);
                switching
                    .as_mut()
                    .poll(&mut std::task::Context::from_waker(&waker))
            })
            .or(async {
                // Wakes the task once meanwhile, so the switching
                // sleep is polled again with the other waker.
                quickjs::sleep(ms(5)).await;
                std::future::pending::<()>().await
            })
            .await;
            "done"
        })
        .unwrap();
        p.wait::<String>()
    });
    assert_eq!(out.unwrap(), "done");
    // The two sleeps last polled with a `Forward` waker woke it, not
    // (only) the task.
    assert_eq!(FORWARDED.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// A future that wakes itself while the loop polls it (as a `yield_now`
/// does) is queued for the loop's next turn without the cross-thread path,
/// and the wake fd says so: a host polling it alone comes back at once.
#[cfg(unix)]
#[test]
fn a_future_woken_during_the_loops_run_raises_the_wake_fd() {
    use std::task::Poll;
    let rt = quickjs::Runtime::new().unwrap();
    let ctx = quickjs::Context::full(&rt).unwrap();
    let fd = rt.wake_fd().unwrap();
    let readable = || {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait.
        unsafe { libc::poll(&mut pfd, 1, 0) == 1 }
    };
    let p = ctx.with(|ctx| {
        let mut polls = 0;
        let p = quickjs::Promise::spawn(
            ctx,
            std::future::poll_fn(move |cx| {
                polls += 1;
                if polls < 4 {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(polls)
            }),
        )
        .unwrap();
        quickjs::Persistent::save(ctx, p.into_value()).unwrap()
    });
    // Until it is done, every turn leaves the fd raised (a turn may also
    // only yield to the host's loop); it polls 4 times in all.
    let mut turns = 0;
    while rt.pending_futures() > 0 {
        assert!(readable(), "turn {turns}: work left, fd not raised");
        rt.run_pending_jobs().unwrap();
        turns += 1;
        assert!(turns < 20, "it never finished");
    }
    let out = ctx.with(|ctx| p.restore::<quickjs::Promise>(ctx).unwrap().wait::<i32>());
    assert_eq!(out.unwrap(), 4);
}
