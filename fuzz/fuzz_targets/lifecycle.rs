//! (e) Lifecycles, structure-aware: the input is a sequence of operations
//! (decoded by `arbitrary`) on one runtime with a memory limit and an
//! interrupt deadline: `#[js]` class instances whose `Drop` touches a
//! `Context` and whose `#[js(trace)]` fields hold JS values (cycles through
//! JS and through Rust), closures capturing values with such a `Drop`,
//! `Persistent`s kept and dropped, futures spawned (plain, cancellable, from
//! async closures) and cancelled, contexts dropped with futures pending, GC
//! runs, job loops and per-call deadlines, and scripts from a fixed list or
//! from the input. Every operation's error is an answer; the process must
//! not crash, leak (LeakSanitizer), hang or misbehave, every value with a
//! `Drop` must be dropped by the time the runtime is, and the runtime must
//! evaluate `1 + 1` at the end.
#![no_main]
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use quickjs::{
    js, CancelHandle, Context, Ctx, EvalKind, Function, Held, Persistent, Promise, Runtime, Value,
};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// Live `Guard`s (made minus dropped): zero once the runtime is gone.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// A context shared between the harness and what JS owns: the harness
/// empties every slot at the end, which breaks the cycles through Rust
/// (an instance in a context's globals owning that context) that no GC
/// can see.
type Slot = Arc<Mutex<Option<Arc<Context>>>>;

/// What a `Guard` does when dropped.
#[derive(Clone)]
struct GuardSpec {
    kind: u8,
    weak: Weak<Context>,
    strong: Slot,
}

impl GuardSpec {
    fn make(&self) -> Guard {
        LIVE.fetch_add(1, Ordering::SeqCst);
        Guard(self.clone())
    }
}

/// A value whose `Drop` touches a context: runs JS in it (refused while
/// the engine collects or finalizes), drops the last handle of one (freed
/// after a collection), runs a GC or makes a context.
struct Guard(GuardSpec);

fn touch(ctx: &Context) {
    // Refused inside a finalizer; JS errors (out of memory, interrupted,
    // a script that broke `drops`) are answers too.
    let _ = ctx.try_with(|ctx| {
        ctx.eval::<Value>("globalThis.drops = (globalThis.drops | 0) + 1")
            .map(drop)
    });
}

impl Drop for Guard {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
        let spec = &self.0;
        match spec.kind % 4 {
            0 => {
                if let Some(c) = spec.weak.upgrade() {
                    touch(&c);
                }
            }
            1 => {
                // try_lock: a Drop running inside another's (the slot's
                // context freeing this one) must not wait for itself.
                let c = spec.strong.try_lock().ok().and_then(|mut s| s.take());
                if let Some(c) = c {
                    touch(&c);
                    drop(c); // perhaps the last handle
                }
            }
            2 => {
                if let Some(c) = spec.weak.upgrade() {
                    c.runtime().run_gc(); // nothing inside a collection
                    let _ = Context::full(c.runtime()).map(|fresh| touch(&fresh));
                }
            }
            _ => {}
        }
    }
}

#[js]
pub struct Node {
    #[js(trace)]
    held: Vec<Held>,
    guard: Option<Guard>,
}

impl Default for Node {
    fn default() -> Self {
        Node::new()
    }
}

#[js]
impl Node {
    #[js(constructor)]
    pub fn new() -> Self {
        Node {
            held: Vec::new(),
            guard: None,
        }
    }
    /// Holds `v` (at most 8: the oldest goes).
    pub fn hold(&mut self, v: Held) -> usize {
        if self.held.len() >= 8 {
            self.held.remove(0);
        }
        self.held.push(v);
        self.held.len()
    }
    pub fn get<'js>(&self, ctx: Ctx<'js>, i: u32) -> quickjs::Result<Value<'js>> {
        match self.held.get(i as usize) {
            Some(h) => h.get(ctx),
            None => Ok(Value::undefined(ctx)),
        }
    }
    /// Calls the held function `i` (which may call back into this node).
    pub fn call<'js>(&self, ctx: Ctx<'js>, i: u32) -> quickjs::Result<Value<'js>> {
        match self.held.get(i as usize) {
            Some(h) => h.get::<Function>(ctx)?.call(()),
            None => Ok(Value::undefined(ctx)),
        }
    }
    pub fn clear(&mut self) -> usize {
        let n = self.held.len();
        self.held.clear();
        n
    }
    pub fn count(&self) -> usize {
        self.held.len()
    }
    /// Whether the harness gave it a guard (JS-made nodes have none).
    pub fn guarded(&self) -> bool {
        self.guard.is_some()
    }
}

/// Scripts the operations choose from: cycles through classes, closures
/// and promises, re-entrant method calls, allocation and endless loops.
/// Globals they use: `n0`..`n3` (nodes), `f0`..`f3` (closures), `a0`..`a3`
/// (async closures), `p` (the last spawned promise), `r` (the last
/// restored persistent value).
const SNIPPETS: &[&str] = &[
    "n0.hold(n0)",
    "n0.hold({ n: n1, f: f0 })",
    "n1.hold(() => n1)",
    "{ const o = { n: n0 }; o.o = o; n0.hold(o) }",
    "n0 = null",
    "delete globalThis.n1",
    "n2 = undefined; n3 = 0",
    "n0.call(0)",
    "n1.get(n1.count() - 1)",
    "n0.hold(f0); n0.call(n0.count() - 1)",
    "n0.hold(() => n0.clear()); n0.call(n0.count() - 1)",
    "n0.hold(() => n0.hold(n0)); n0.call(n0.count() - 1)",
    "new Node().hold(n1)",
    "{ const a = new Node(), b = new Node(); a.hold(b); b.hold(a); a.hold(f1) }",
    "f0(1)",
    "f1(2)",
    "f2(3); f3(4)",
    "f0.self = f0; f0.n = n0; n0.hold(f0)",
    "n0.hold(f0); f0.n = n0; f0 = null; n0 = null",
    "a0(2).then(v => n0.hold(v))",
    "a1(1).then(() => a1(1)).then(() => n1.hold(a1))",
    "(async () => { await a0(1); n0.hold(await a2(0)) })()",
    "p.then(v => n0.hold(v), e => (globalThis.e = e))",
    "p = null",
    "n0.hold(p); n0.hold(r)",
    "r.self = r",
    "for (let i = 0; i < 1000; i++) new Node().hold({ i })",
    "globalThis.keep = []; for (let i = 0; i < 200; i++) { const n = new Node(); n.hold(keep); keep.push(n) }",
    "let a = []; for (;;) a.push(new Node())",
    "for (;;) {}",
    "for (;;) f0(1)",
    "function rec() { return rec() } rec()",
    "function rec2() { return f1(rec2()) } rec2()",
    "Array.from({ length: 1e5 }, (_, i) => ({ i }))",
    "'x'.repeat(1 << 22)",
    "Promise.resolve().then(function loop() { return Promise.resolve().then(loop) })",
    "Promise.reject(new Error('unhandled'))",
    "n0.hold(n0.hold)",
    "new Node().call(0)",
    "n0.hold(1); n0.call(n0.count() - 1)",
    "throw new Error('thrown')",
    "gc = n0; for (const k in globalThis) globalThis[k] = null",
];

/// How a closure's body behaves.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Body {
    /// Returns its argument plus one.
    Echo,
    /// Evaluates a snippet (re-entering the context).
    Eval(u8),
    /// Runs a collection during the call.
    Gc,
    /// Waits (a nested job loop) up to 3 ms for the promise `p`.
    WaitP,
    /// Saves the global `n0` as a `Persistent` (kept by the harness).
    Persist,
}

#[derive(Arbitrary, Debug)]
enum Op {
    NewContext,
    DropContext(u8),
    /// A node with a guard, as global `n{name % 4}`.
    NewNode {
        ctx: u8,
        name: u8,
        guard: u8,
        guard_ctx: u8,
    },
    /// A closure capturing a guard and a `Held`, as global `f{name % 4}`.
    NewClosure {
        ctx: u8,
        name: u8,
        guard: u8,
        guard_ctx: u8,
        body: Body,
        hold: u8,
    },
    /// An async closure sleeping up to 3 ms with a guard, as `a{name % 4}`.
    NewAsync {
        ctx: u8,
        name: u8,
        guard: u8,
        guard_ctx: u8,
    },
    /// A future with a guard, sleeping (255: pending for ever), as `p`.
    Spawn {
        ctx: u8,
        ms: u8,
        guard: u8,
        guard_ctx: u8,
        cancellable: bool,
        persist: bool,
    },
    Cancel(u8),
    Snippet {
        ctx: u8,
        which: u8,
    },
    Script {
        ctx: u8,
        src: String,
        module: bool,
    },
    Deadline {
        ctx: u8,
        ms: u8,
        which: u8,
    },
    Persist {
        ctx: u8,
        which: u8,
    },
    Restore {
        ctx: u8,
        which: u8,
    },
    DropPersistent(u8),
    WaitPersistent {
        ctx: u8,
        which: u8,
        ms: u8,
    },
    Gc,
    RunPending,
    RunIdle {
        ms: u8,
    },
    MemoryLimit(u8),
    GcThreshold(u8),
}

/// Everything one input made, torn down in a fixed order at the end.
struct World {
    rt: Runtime,
    contexts: Vec<Arc<Context>>,
    slots: Vec<Slot>,
    persistents: Arc<Mutex<Vec<Persistent>>>,
    cancels: Vec<CancelHandle>,
}

const MAX_CONTEXTS: usize = 4;
const MAX_KEPT: usize = 16;

impl World {
    fn new() -> Option<World> {
        let rt = Runtime::new().ok()?;
        rt.set_memory_limit(Some(16 << 20));
        rt.set_max_stack_size(Some(256 << 10));
        // The interrupt: after 20,000 polls or 300 ms of the input's time.
        let polls = AtomicU32::new(0);
        let deadline = Instant::now() + Duration::from_millis(300);
        rt.set_interrupt_handler(Some(Box::new(move || {
            polls.fetch_add(1, Ordering::Relaxed) > 20_000 || Instant::now() > deadline
        })));
        let mut w = World {
            rt,
            contexts: Vec::new(),
            slots: Vec::new(),
            persistents: Arc::new(Mutex::new(Vec::new())),
            cancels: Vec::new(),
        };
        w.new_context();
        Some(w)
    }

    fn new_context(&mut self) {
        if self.contexts.len() >= MAX_CONTEXTS {
            return;
        }
        // Out of memory under a small limit: an answer.
        let Ok(ctx) = Context::full(&self.rt) else {
            return;
        };
        let setup = ctx.try_with(|c| -> quickjs::Result<()> {
            c.globals().set_class::<Node>()?;
            c.eval::<Value>(
                "globalThis.p = Promise.resolve(0); globalThis.r = null; \
                 for (const k of ['n', 'f', 'a']) for (let i = 0; i < 4; i++) globalThis[k + i] = null",
            )?;
            Ok(())
        });
        if matches!(setup, Ok(Ok(()))) {
            self.contexts.push(Arc::new(ctx));
        }
    }

    fn ctx(&self, i: u8) -> Option<Arc<Context>> {
        match self.contexts.len() {
            0 => None,
            n => Some(self.contexts[i as usize % n].clone()),
        }
    }

    /// A guard's spec: its kind and the context it touches.
    fn spec(&mut self, kind: u8, ctx: u8) -> Option<GuardSpec> {
        let c = self.ctx(ctx)?;
        let strong: Slot = Arc::new(Mutex::new(None));
        if kind % 4 == 1 {
            *strong.lock().unwrap() = Some(c.clone());
            self.slots.push(strong.clone());
        }
        Some(GuardSpec {
            kind,
            weak: Arc::downgrade(&c),
            strong,
        })
    }

    fn run(&mut self, op: Op) {
        match op {
            Op::NewContext => self.new_context(),
            Op::DropContext(i) => {
                if !self.contexts.is_empty() {
                    let i = i as usize % self.contexts.len();
                    drop(self.contexts.remove(i));
                }
            }
            Op::NewNode {
                ctx,
                name,
                guard,
                guard_ctx,
            } => {
                let (Some(c), Some(spec)) = (self.ctx(ctx), self.spec(guard, guard_ctx)) else {
                    return;
                };
                let node = Node {
                    held: Vec::new(),
                    guard: Some(spec.make()),
                };
                let _ = c.try_with(|c| c.globals().set(format!("n{}", name % 4).as_str(), node));
            }
            Op::NewClosure {
                ctx,
                name,
                guard,
                guard_ctx,
                body,
                hold,
            } => {
                let (Some(c), Some(spec)) = (self.ctx(ctx), self.spec(guard, guard_ctx)) else {
                    return;
                };
                let kept = self.persistents.clone();
                let _ = c.try_with(|c| -> quickjs::Result<()> {
                    let guard = spec.make();
                    // A held value captured (not traced): released with
                    // its context at the latest.
                    let held = c
                        .eval::<Value>(SNIPPET_VALUES[hold as usize % SNIPPET_VALUES.len()])
                        .and_then(|v| Held::new(&v))
                        .ok();
                    let f = Function::new(
                        c,
                        "f",
                        move |c: Ctx<'_>, x: Option<i32>| -> quickjs::Result<i32> {
                            let _ = (&guard, &held);
                            match body {
                                Body::Echo => Ok(x.unwrap_or(0).wrapping_add(1)),
                                Body::Eval(k) => c
                                    .eval::<Value>(SNIPPETS[k as usize % SNIPPETS.len()])
                                    .map(|_| 0),
                                Body::Gc => {
                                    if let Some(rt) = Runtime::of(c) {
                                        rt.run_gc();
                                    }
                                    Ok(0)
                                }
                                Body::WaitP => {
                                    let p: Promise = c.globals().get("p")?;
                                    p.wait_for::<Value>(Duration::from_millis(3)).map(|_| 0)
                                }
                                Body::Persist => {
                                    let v: Value = c.globals().get("n0")?;
                                    let saved = Persistent::save(c, v)?;
                                    // try_lock: never wait inside JS for the harness.
                                    if let Ok(mut kept) = kept.try_lock() {
                                        if kept.len() < MAX_KEPT {
                                            kept.push(saved);
                                            return Ok(1);
                                        }
                                    }
                                    Ok(0)
                                }
                            }
                        },
                    )?;
                    c.globals().set(format!("f{}", name % 4).as_str(), f)
                });
            }
            Op::NewAsync {
                ctx,
                name,
                guard,
                guard_ctx,
            } => {
                let (Some(c), Some(spec)) = (self.ctx(ctx), self.spec(guard, guard_ctx)) else {
                    return;
                };
                let _ = c.try_with(|c| -> quickjs::Result<()> {
                    let f = Function::new_async(c, "a", move |ms: Option<u32>| {
                        let guard = spec.make();
                        async move {
                            let ms = ms.unwrap_or(0).min(3);
                            quickjs::sleep(Duration::from_millis(ms as u64)).await;
                            drop(guard);
                            ms
                        }
                    })?;
                    c.globals().set(format!("a{}", name % 4).as_str(), f)
                });
            }
            Op::Spawn {
                ctx,
                ms,
                guard,
                guard_ctx,
                cancellable,
                persist,
            } => {
                let (Some(c), Some(spec)) = (self.ctx(ctx), self.spec(guard, guard_ctx)) else {
                    return;
                };
                let guard = spec.make();
                let fut = async move {
                    let _guard = guard;
                    if ms == 255 {
                        std::future::pending::<()>().await;
                    }
                    quickjs::sleep(Duration::from_millis((ms % 4) as u64)).await;
                    ms
                };
                let kept = self.persistents.clone();
                let r = c.try_with(|c| -> quickjs::Result<Option<CancelHandle>> {
                    let (p, handle) = if cancellable {
                        let (p, h) = quickjs::Promise::spawn_cancellable(c, fut)?;
                        (p, Some(h))
                    } else {
                        (quickjs::Promise::spawn(c, fut)?, None)
                    };
                    if persist {
                        let saved = Persistent::save(c, p.clone().into_value())?;
                        let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                        if kept.len() < MAX_KEPT {
                            kept.push(saved);
                        }
                    }
                    c.globals().set("p", p)?;
                    Ok(handle)
                });
                if let Ok(Ok(Some(h))) = r {
                    if self.cancels.len() < MAX_KEPT {
                        self.cancels.push(h);
                    }
                }
            }
            Op::Cancel(i) => {
                if !self.cancels.is_empty() {
                    let i = i as usize % self.cancels.len();
                    self.cancels[i].cancel();
                }
            }
            Op::Snippet { ctx, which } => {
                let Some(c) = self.ctx(ctx) else { return };
                let src = SNIPPETS[which as usize % SNIPPETS.len()];
                let _ = c.try_with(|c| c.eval::<Value>(src).map(drop));
            }
            Op::Script { ctx, src, module } => {
                let Some(c) = self.ctx(ctx) else { return };
                let kind = if module {
                    EvalKind::Module
                } else {
                    EvalKind::Script
                };
                let _ = c.try_with(|c| c.eval_with::<Value>(&src, "fuzz.js", kind).map(drop));
            }
            Op::Deadline { ctx, ms, which } => {
                let Some(c) = self.ctx(ctx) else { return };
                let src = SNIPPETS[which as usize % SNIPPETS.len()];
                let d = Duration::from_millis((ms % 8) as u64);
                let start = Instant::now();
                let _ = c.with_deadline(d, |c| c.eval::<Value>(src).map(drop));
                // The deadline holds (with room for a slow, sanitized
                // machine): a script runs no longer than it plus its pacing.
                let took = start.elapsed();
                assert!(
                    took < d + Duration::from_secs(2),
                    "with_deadline({d:?}) took {took:?}"
                );
            }
            Op::Persist { ctx, which } => {
                let Some(c) = self.ctx(ctx) else { return };
                let src = SNIPPET_VALUES[which as usize % SNIPPET_VALUES.len()];
                let saved =
                    c.try_with(|c| c.eval::<Value>(src).and_then(|v| Persistent::save(c, v)));
                if let Ok(Ok(saved)) = saved {
                    let mut kept = self.persistents.lock().unwrap_or_else(|e| e.into_inner());
                    if kept.len() < MAX_KEPT {
                        kept.push(saved);
                    } else {
                        let old = std::mem::replace(&mut kept[which as usize % MAX_KEPT], saved);
                        drop(kept);
                        drop(old); // outside the lock: its drop may run finalizers
                    }
                }
            }
            Op::Restore { ctx, which } => {
                let Some(c) = self.ctx(ctx) else { return };
                let kept = self.persistents.clone();
                let _ = c.try_with(|c| -> quickjs::Result<()> {
                    let v = {
                        let kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                        match kept.len() {
                            0 => return Ok(()),
                            n => kept[which as usize % n].restore::<Value>(c)?,
                        }
                    };
                    c.globals().set("r", v)
                });
            }
            Op::DropPersistent(i) => {
                let old = {
                    let mut kept = self.persistents.lock().unwrap_or_else(|e| e.into_inner());
                    match kept.len() {
                        0 => None,
                        n => Some(kept.swap_remove(i as usize % n)),
                    }
                };
                drop(old);
            }
            Op::WaitPersistent { ctx, which, ms } => {
                let Some(c) = self.ctx(ctx) else { return };
                let kept = self.persistents.clone();
                let d = Duration::from_millis((ms % 8) as u64);
                let start = Instant::now();
                let _ = c.try_with(|c| -> quickjs::Result<()> {
                    let p = {
                        let kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                        match kept.len() {
                            0 => return Ok(()),
                            n => kept[which as usize % n].restore::<Promise>(c)?,
                        }
                    };
                    p.wait_for::<Value>(d).map(drop)
                });
                let took = start.elapsed();
                assert!(
                    took < d + Duration::from_secs(2),
                    "wait_for({d:?}) took {took:?}"
                );
            }
            Op::Gc => self.rt.run_gc(),
            Op::RunPending => {
                let _ = self.rt.run_pending_jobs();
            }
            Op::RunIdle { ms } => {
                let d = Duration::from_millis((ms % 8) as u64);
                let start = Instant::now();
                let _ = self.rt.run_until_idle_for(d);
                let took = start.elapsed();
                assert!(
                    took < d + Duration::from_secs(2),
                    "run_until_idle_for({d:?}) took {took:?}"
                );
            }
            Op::MemoryLimit(m) => {
                let limit = [512 << 10, 2 << 20, 8 << 20, 32 << 20][m as usize % 4];
                self.rt.set_memory_limit(Some(limit));
            }
            Op::GcThreshold(t) => {
                let bytes = [0, 64 << 10, 1 << 20, 8 << 20][t as usize % 4];
                self.rt.set_gc_threshold(bytes);
            }
        }
    }

    /// The runtime works, then everything goes: the slots first (the
    /// cycles through Rust), and every guard is dropped with the runtime.
    fn finish(self) {
        let World {
            rt,
            contexts,
            slots,
            persistents,
            cancels,
        } = self;
        rt.set_interrupt_handler(None);
        rt.set_memory_limit(None);
        rt.run_gc();
        for c in &contexts {
            let two = c
                .try_with(|c| c.eval::<i32>("1 + 1"))
                .expect("JS refused at top level");
            assert_eq!(two.expect("runtime unusable"), 2);
        }
        let fresh = Context::full(&rt).expect("no context without a limit");
        assert_eq!(
            fresh
                .with(|c| c.eval::<i32>("1 + 1"))
                .expect("runtime unusable"),
            2
        );
        drop(fresh);
        drop(cancels);
        for s in &slots {
            let c = s.lock().unwrap_or_else(|e| e.into_inner()).take();
            drop(c);
        }
        let kept = std::mem::take(&mut *persistents.lock().unwrap_or_else(|e| e.into_inner()));
        drop(kept);
        drop(contexts);
        drop(rt);
        drop(slots);
        let live = LIVE.load(Ordering::SeqCst);
        assert_eq!(live, 0, "{live} guards outlived their runtime");
    }
}

/// Scripts whose value is kept (`Held`, `Persistent`).
const SNIPPET_VALUES: &[&str] = &[
    "n0",
    "f0",
    "p",
    "globalThis",
    "({ n: n1, f: f1 })",
    "(() => { const o = { n: n0 }; o.o = o; return o })()",
    "() => n2",
    "new Node()",
    "a0",
    "Symbol('s')",
];

fuzz_target!(|ops: Vec<Op>| {
    let Some(mut world) = World::new() else {
        return;
    };
    for op in ops.into_iter().take(64) {
        world.run(op);
    }
    world.finish();
});
