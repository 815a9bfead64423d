//! The inspector's JS-thread side: the engine's debugger hooks (patch
//! 0016), the scripts and breakpoints, pausing, stepping, and the
//! protocol's methods (`protocol.rs` builds the messages).
//!
//! Invariants:
//! * Everything here runs on the runtime's thread: in the engine's hooks,
//!   in `rust_run`'s turn, or in a call of the host ([`super::Inspector`]).
//! * A pause is a loop on the JS thread inside a hook, serving the
//!   clients' messages until a resume: the runtime's other work (jobs,
//!   futures, timers) waits; the host's other threads go on.
//! * While the agent or an evaluation runs for a client, the debugger is
//!   `quiet`: no hook pauses or reports (a client's own code never stops
//!   in itself).
//! * Values held here (each context's agent, each script's compiled code)
//!   are freed when their context goes or the inspector stops, before the
//!   runtime can be freed.

use super::protocol;
use super::server::{Incoming, Server, Shared};
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::state::{RuntimePart, RuntimeSlot, RuntimeState};
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use serde_json::{json, Value as Json};
use std::cell::{Cell, RefCell};
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// How execution goes on after a pause or a client's request.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Step {
    Run,
    /// Pause at the next statement (`Debugger.pause`, `stepInto`).
    Into,
    /// Pause at the next statement at this frame depth or above.
    Over(usize),
    /// Pause at the next statement above this frame depth.
    Out(usize),
}

/// Which thrown exceptions pause.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum PauseOn {
    None,
    Uncaught,
    All,
}

/// A context the clients see (an execution context).
pub(crate) struct Target {
    pub(crate) ctx: *mut sys::JSContext,
    pub(crate) id: u32,
    pub(crate) name: String,
    /// The agent (`agent.js`), made on first need.
    agent: Cell<sys::JSValue>,
    /// Whether its console reports to the clients (wrapped at its first
    /// script, after a host such as qjs has made its console).
    console: Cell<bool>,
}

/// A compiled script the clients can see.
pub(crate) struct Script {
    pub(crate) id: i32,
    pub(crate) url: String,
    pub(crate) source: String,
    pub(crate) is_module: bool,
    pub(crate) ctx: *mut sys::JSContext,
    /// Its compiled code (a reference we hold).
    code: sys::JSValue,
}

/// A breakpoint a client set.
pub(crate) struct Breakpoint {
    pub(crate) id: String,
    /// Which scripts: by URL, URL pattern or script id.
    pub(crate) matcher: Matcher,
    pub(crate) line: i32,
    pub(crate) column: i32,
    pub(crate) condition: String,
    /// Where it landed: (script id, line, column), 1-based.
    pub(crate) at: Vec<(i32, i32, i32)>,
}

pub(crate) enum Matcher {
    Url(String),
    Regex(regex_lite::Regex),
    Script(i32),
}

impl Matcher {
    fn matches(&self, s: &Script) -> bool {
        match self {
            Matcher::Url(u) => *u == s.url,
            Matcher::Regex(r) => r.is_match(&s.url),
            Matcher::Script(id) => *id == s.id,
        }
    }
}

/// A client's session.
#[derive(Default)]
pub(crate) struct Session {
    pub(crate) client: u64,
    pub(crate) debugger: bool,
    pub(crate) runtime: bool,
}

/// The inspector's state for one runtime (its part of the runtime's state).
pub(crate) struct Debugger {
    pub(crate) rt: *mut sys::JSRuntime,
    pub(crate) shared: RefCell<Option<Arc<Shared>>>,
    pub(crate) server: RefCell<Option<Server>>,
    pub(crate) targets: RefCell<Vec<Target>>,
    pub(crate) scripts: RefCell<Vec<Script>>,
    pub(crate) breakpoints: RefCell<Vec<Breakpoint>>,
    pub(crate) sessions: RefCell<Vec<Session>>,
    pub(crate) step: Cell<Step>,
    pub(crate) paused: Cell<bool>,
    pub(crate) resume: Cell<bool>,
    pub(crate) quiet: Cell<u32>,
    pub(crate) pause_on: Cell<PauseOn>,
    pub(crate) active: Cell<bool>,
    /// `--inspect-brk`: running waits for `Runtime.runIfWaitingForDebugger`.
    pub(crate) waiting: Cell<bool>,
    /// The next pause is the one `wait_for_debugger` asked for.
    start_pause: Cell<bool>,
    /// `Debugger.setSkipAllPauses`: nothing pauses.
    pub(crate) skip_all: Cell<bool>,
    /// qjs: when the last context goes (the script ended, or threw),
    /// clients still attached keep the process until they leave (Node's
    /// "Waiting for the debugger to disconnect...").
    pub(crate) linger: Cell<bool>,
    /// The paused context (valid while paused).
    pub(crate) paused_ctx: Cell<*mut sys::JSContext>,
    pub(crate) next_target: Cell<u32>,
    pub(crate) next_breakpoint: Cell<u32>,
    pub(crate) profiler: RefCell<Option<super::profiler::Profile>>,
    /// `Profiler.setSamplingInterval` (microseconds in the protocol).
    pub(crate) sampling_interval: Cell<std::time::Duration>,
}

impl RuntimePart for Debugger {
    const SLOT: RuntimeSlot = RuntimeSlot::Inspect;
    fn context_gone(&self, rt: *mut sys::JSRuntime, ctx: *mut sys::JSContext) {
        self.forget_context(rt, ctx);
        if self.linger.get() && self.targets.borrow().is_empty() {
            self.linger_until_disconnected();
        }
    }
}

/// The hooks' table (patch 0016).
static HOOKS: sys::JSDebugHooks = sys::JSDebugHooks {
    statement: Some(on_statement),
    exception: Some(on_exception),
    script: Some(on_script),
    poll: Some(on_poll),
};

/// The debugger of `rt`, if an inspector was started there.
pub(crate) fn of<'a>(rt: *mut sys::JSRuntime) -> Option<&'a Debugger> {
    RuntimeState::of(rt)?.part_if_made::<Debugger>()
}

impl Debugger {
    pub(crate) fn new(rt: *mut sys::JSRuntime) -> Self {
        Debugger {
            rt,
            shared: RefCell::new(None),
            server: RefCell::new(None),
            targets: RefCell::new(Vec::new()),
            scripts: RefCell::new(Vec::new()),
            breakpoints: RefCell::new(Vec::new()),
            sessions: RefCell::new(Vec::new()),
            step: Cell::new(Step::Run),
            paused: Cell::new(false),
            resume: Cell::new(false),
            quiet: Cell::new(0),
            pause_on: Cell::new(PauseOn::None),
            active: Cell::new(true),
            waiting: Cell::new(false),
            start_pause: Cell::new(false),
            skip_all: Cell::new(false),
            linger: Cell::new(false),
            paused_ctx: Cell::new(std::ptr::null_mut()),
            next_target: Cell::new(1),
            next_breakpoint: Cell::new(1),
            profiler: RefCell::new(None),
            sampling_interval: Cell::new(super::profiler::DEFAULT_INTERVAL),
        }
    }

    /// Installs the engine's hooks for this runtime.
    pub(crate) fn install(&self) {
        // SAFETY: rt is live (we are its part); HOOKS is static and the
        // opaque pointer is unused (hooks find the part from the runtime).
        unsafe { sys::JS_SetDebugHooks(self.rt, &HOOKS, std::ptr::null_mut()) };
    }

    /// Removes the hooks and frees every value held (the inspector stops).
    pub(crate) fn uninstall(&self) {
        // SAFETY: rt is live; NULL removes the hooks.
        unsafe { sys::JS_SetDebugHooks(self.rt, std::ptr::null(), std::ptr::null_mut()) };
        let targets: Vec<_> = self.targets.borrow().iter().map(|t| t.ctx).collect();
        for ctx in targets {
            self.forget_context(self.rt, ctx);
        }
        self.breakpoints.borrow_mut().clear();
        self.sessions.borrow_mut().clear();
        if let Some(s) = self.shared.borrow_mut().take() {
            s.close();
        }
        self.server.borrow_mut().take();
        if let Some(state) = RuntimeState::of(self.rt) {
            state.turn.set(None);
            state.keep_alive.set(0);
        }
    }

    fn forget_context(&self, rt: *mut sys::JSRuntime, ctx: *mut sys::JSContext) {
        let gone: Vec<sys::JSValue> = {
            let mut scripts = self.scripts.borrow_mut();
            let mut out = Vec::new();
            scripts.retain(|s| {
                if s.ctx == ctx {
                    out.push(s.code);
                    false
                } else {
                    true
                }
            });
            let mut targets = self.targets.borrow_mut();
            if let Some(i) = targets.iter().position(|t| t.ctx == ctx) {
                let t = targets.remove(i);
                out.push(t.agent.get());
                self.broadcast(
                    |s| s.runtime,
                    protocol::event(
                        "Runtime.executionContextDestroyed",
                        json!({"executionContextId": t.id}),
                    ),
                );
            }
            out
        };
        for v in gone {
            // SAFETY: references we held, on the runtime's thread.
            unsafe { sys::JS_FreeValueRT(rt, v) };
        }
    }

    /// The target of `ctx`, registered on first sight.
    pub(crate) fn target(&self, ctx: *mut sys::JSContext, name: Option<&str>) -> u32 {
        let mut targets = self.targets.borrow_mut();
        if let Some(t) = targets.iter_mut().find(|t| t.ctx == ctx) {
            if let Some(n) = name {
                t.name = n.to_string();
            }
            return t.id;
        }
        let id = self.next_target.get();
        self.next_target.set(id + 1);
        let name = name.map_or_else(|| format!("context {id}"), str::to_string);
        targets.push(Target {
            ctx,
            id,
            name,
            agent: Cell::new(sys::JS_UNDEFINED),
            console: Cell::new(false),
        });
        let created = protocol::context_created(id, &targets.last().unwrap().name);
        drop(targets);
        self.broadcast(|s| s.runtime, created);
        id
    }

    pub(crate) fn default_ctx(&self) -> Option<*mut sys::JSContext> {
        if !self.paused_ctx.get().is_null() {
            return Some(self.paused_ctx.get());
        }
        self.targets.borrow().first().map(|t| t.ctx)
    }

    pub(crate) fn ctx_of(&self, id: Option<u64>) -> Option<*mut sys::JSContext> {
        match id {
            Some(id) => self
                .targets
                .borrow()
                .iter()
                .find(|t| u64::from(t.id) == id)
                .map(|t| t.ctx),
            None => self.default_ctx(),
        }
    }

    /// The agent of `ctx` (made on first use).
    pub(crate) fn agent<'js>(
        &self,
        ctx: Ctx<'js>,
    ) -> crate::engine::handle::error::Result<crate::engine::objects::object::Object<'js>> {
        self.target(ctx.as_raw(), None);
        let held = {
            let targets = self.targets.borrow();
            let t = targets
                .iter()
                .find(|t| t.ctx == ctx.as_raw())
                .expect("registered above");
            t.agent.get()
        };
        if sys::JS_IsObject(held) {
            // SAFETY: a reference we hold, of this context; dup'ed for the Value.
            let v = unsafe { Value::from_raw(ctx, sys::JS_DupValue(ctx.as_raw(), held)) };
            return v.get();
        }
        let _quiet = self.quiet();
        let make: crate::engine::objects::object::Function = ctx.eval_with(
            include_str!("agent.js"),
            protocol::AGENT_NAME,
            crate::engine::handle::ctx::EvalKind::Script,
        )?;
        let native = crate::engine::objects::object::Object::new(ctx)?;
        // SAFETY: ctx is live; a new function value we own.
        let f = unsafe {
            sys::JS_NewCFunction(
                ctx.as_raw(),
                Some(promise_state),
                c"promiseState".as_ptr(),
                1,
            )
        };
        native.set("promiseState", ctx.check(f)?)?;
        let agent: crate::engine::objects::object::Object = make.call((native,))?;
        let raw = agent.as_value().as_raw();
        // SAFETY: we keep one more reference, freed in forget_context.
        let kept = unsafe { sys::JS_DupValue(ctx.as_raw(), raw) };
        if let Some(t) = self.targets.borrow().iter().find(|t| t.ctx == ctx.as_raw()) {
            t.agent.set(kept);
        }
        Ok(agent)
    }

    /// Wraps `ctx`'s console (once) so its calls reach the clients.
    pub(crate) fn install_console(&self, ctx: Ctx<'_>) {
        self.target(ctx.as_raw(), None);
        let done = self
            .targets
            .borrow()
            .iter()
            .find(|t| t.ctx == ctx.as_raw())
            .is_none_or(|t| t.console.replace(true));
        if done {
            return;
        }
        let Ok(agent) = self.agent(ctx) else { return };
        let _quiet = self.quiet();
        // SAFETY: ctx is live; a new function value we own (checked below).
        let report = unsafe {
            sys::JS_NewCFunction(ctx.as_raw(), Some(console_called), c"report".as_ptr(), 2)
        };
        let _ = ctx.check(report).and_then(|report| {
            agent
                .get::<_, crate::engine::objects::object::Function>("installConsole")?
                .call::<_, ()>((report,))
        });
    }

    /// Keeps the debugger quiet while the guard lives.
    pub(crate) fn quiet(&self) -> Quiet<'_> {
        self.quiet.set(self.quiet.get() + 1);
        Quiet(self)
    }

    pub(crate) fn broadcast(&self, to: impl Fn(&Session) -> bool, message: String) {
        let Some(shared) = self.shared.borrow().clone() else {
            return;
        };
        for s in self.sessions.borrow().iter().filter(|s| to(s)) {
            shared.send(s.client, message.clone());
        }
    }

    /// Whether statement markers must call the hook.
    pub(crate) fn update_stepping(&self) {
        let on = self.step.get() != Step::Run || self.message_waiting();
        // SAFETY: rt is live, on its thread.
        unsafe { sys::JS_SetDebugStepping(self.rt, on as c_int) };
    }

    /// Whether a client's message waits (one atomic load).
    pub(crate) fn message_waiting(&self) -> bool {
        self.shared
            .borrow()
            .as_ref()
            .is_some_and(|s| s.pending.load(Ordering::Acquire))
    }

    /// Serves every waiting message (not blocking).
    pub(crate) fn drain(&self, ctx: Option<*mut sys::JSContext>) {
        let Some(shared) = self.shared.borrow().clone() else {
            return;
        };
        while let Some(m) = shared.next(Some(std::time::Duration::ZERO)) {
            self.handle(ctx, m);
        }
        self.update_stepping();
    }

    /// A message from a client.
    pub(crate) fn handle(&self, ctx: Option<*mut sys::JSContext>, m: Incoming) {
        match m {
            Incoming::Open(client) => {
                self.sessions.borrow_mut().push(Session {
                    client,
                    ..Default::default()
                });
                self.keep_alive();
            }
            Incoming::Closed(client) => {
                self.sessions.borrow_mut().retain(|s| s.client != client);
                if self.sessions.borrow().is_empty() {
                    // A client gone mid-pause (or stepping) lets the script go on.
                    self.step.set(Step::Run);
                    self.waiting.set(false);
                    if self.paused.get() {
                        self.resume.set(true);
                    }
                    let all: Vec<Breakpoint> = self.breakpoints.take();
                    for b in &all {
                        self.clear_breakpoint(b);
                    }
                }
                self.keep_alive();
            }
            Incoming::Text(client, text) => {
                let reply = protocol::dispatch(self, ctx, client, &text);
                if let Some(shared) = self.shared.borrow().clone() {
                    shared.send(client, reply);
                }
            }
        }
    }

    /// A connected client keeps the host's loop alive (as in Node).
    fn keep_alive(&self) {
        if let Some(state) = RuntimeState::of(self.rt) {
            state
                .keep_alive
                .set(usize::from(!self.sessions.borrow().is_empty()));
        }
    }

    /// Pauses here (inside a hook) until a client resumes.
    pub(crate) fn pause(&self, ctx: Ctx<'_>, reason: &str, data: Option<Json>, hit: Vec<String>) {
        if self.paused.get() || self.quiet.get() > 0 || self.skip_all.get() {
            return;
        }
        let Some(shared) = self.shared.borrow().clone() else {
            return;
        };
        self.paused.set(true);
        self.paused_ctx.set(ctx.as_raw());
        self.resume.set(false);
        self.step.set(Step::Run);
        let paused = protocol::paused(self, ctx, reason, data, hit);
        self.broadcast(|s| s.debugger, paused);
        while !self.resume.get() {
            if !self.sessions.borrow().iter().any(|s| s.debugger) && !self.waiting.get() {
                break;
            }
            match shared.next(None) {
                Some(m) => self.handle(Some(ctx.as_raw()), m),
                None => break,
            }
        }
        self.paused.set(false);
        self.paused_ctx.set(std::ptr::null_mut());
        if let Ok(agent) = self.agent(ctx) {
            let _q = self.quiet();
            let _ = agent
                .get::<_, crate::engine::objects::object::Function>("releaseGroup")
                .and_then(|f| f.call::<_, ()>((protocol::BACKTRACE,)));
        }
        self.broadcast(
            |s| s.debugger,
            protocol::event("Debugger.resumed", json!({})),
        );
        self.update_stepping();
    }

    /// Serves the clients until one sends `Runtime.runIfWaitingForDebugger`
    /// (or the inspector stops), then pauses at the next statement.
    pub(crate) fn wait_for_debugger(&self, ctx: *mut sys::JSContext) {
        let Some(shared) = self.shared.borrow().clone() else {
            return;
        };
        self.waiting.set(true);
        while self.waiting.get() {
            match shared.next(None) {
                Some(m) => self.handle(Some(ctx), m),
                None => break,
            }
        }
        self.waiting.set(false);
        self.step.set(Step::Into);
        self.start_pause.set(true);
        self.update_stepping();
    }

    /// Serves the clients (no context is left to run in) until they leave.
    fn linger_until_disconnected(&self) {
        let Some(shared) = self.shared.borrow().clone() else {
            return;
        };
        if self.sessions.borrow().is_empty() {
            return;
        }
        eprintln!("Waiting for the debugger to disconnect...");
        while !self.sessions.borrow().is_empty() {
            match shared.next(None) {
                Some(m) => self.handle(None, m),
                None => break,
            }
        }
    }

    /// Whether the innermost frame runs a script the clients were shown.
    fn visible(&self, ctx: Ctx<'_>) -> bool {
        // SAFETY: ctx is live; a new reference.
        let f = unsafe { Value::from_raw(ctx, sys::JS_DebugGetFrame(ctx.as_raw(), 0)) };
        let id = f
            .get::<crate::engine::objects::object::Object>()
            .and_then(|f| f.get::<_, i32>("scriptId"));
        id.is_ok_and(|id| self.scripts.borrow().iter().any(|s| s.id == id))
    }

    /// Applies breakpoint `b` to `script` (records where it landed).
    pub(crate) fn apply(&self, b: &mut Breakpoint, script: &Script) {
        if !b.matcher.matches(script) {
            return;
        }
        let (mut line, mut col) = (b.line + 1, b.column + 1);
        // SAFETY: the script's code is a reference we hold; on its thread.
        let found =
            unsafe { sys::JS_DebugSetBreakpoint(script.ctx, script.code, &mut line, &mut col, 1) };
        if found == 1 && !b.at.contains(&(script.id, line, col)) {
            b.at.push((script.id, line, col));
        }
    }

    /// Clears `b` where it landed, unless another breakpoint sits there too.
    pub(crate) fn clear_breakpoint(&self, b: &Breakpoint) {
        let others: Vec<(i32, i32, i32)> = self
            .breakpoints
            .borrow()
            .iter()
            .flat_map(|o| o.at.clone())
            .collect();
        for &(sid, line, col) in &b.at {
            if others.contains(&(sid, line, col)) {
                continue;
            }
            if let Some(s) = self.scripts.borrow().iter().find(|s| s.id == sid) {
                let (mut l, mut c) = (line, col);
                // SAFETY: as in `apply`.
                unsafe { sys::JS_DebugSetBreakpoint(s.ctx, s.code, &mut l, &mut c, 0) };
            }
        }
    }

    /// The URL of script `id`, if the clients were shown it.
    pub(crate) fn url_of(&self, id: i32) -> Option<String> {
        self.scripts
            .borrow()
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.url.clone())
    }

    /// The statement positions (1-based) of script `id`.
    pub(crate) fn statements(&self, id: i32) -> Vec<(i32, i32)> {
        let scripts = self.scripts.borrow();
        let Some(s) = scripts.iter().find(|s| s.id == id) else {
            return Vec::new();
        };
        // SAFETY: s.ctx is live (scripts leave with their context).
        let ctx = unsafe { Ctx::from_raw(s.ctx) };
        // SAFETY: the code is a reference we hold.
        let list = unsafe { Value::from_raw(ctx, sys::JS_DebugGetStatements(s.ctx, s.code)) };
        let v: Vec<i32> = list.get().unwrap_or_default();
        v.chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| (c[0], c[1]))
            .collect()
    }
}

/// The agent's `promiseState(p)`: `[state, result]` (JS cannot see them).
unsafe extern "C" fn promise_state(
    ctx: *mut sys::JSContext,
    _this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: the engine calls with a live context and argc values.
    let c = unsafe { Ctx::from_raw(ctx) };
    if argc < 1 {
        return sys::JS_UNDEFINED;
    }
    // SAFETY: argv[0] exists; we take a reference of our own.
    let p = unsafe { Value::from_raw(c, sys::JS_DupValue(ctx, *argv)) };
    match protocol::promise_state(&p) {
        // SAFETY: we give our reference to the caller.
        Ok(a) => unsafe { sys::JS_DupValue(ctx, a.as_value().as_raw()) },
        Err(_) => sys::JS_UNDEFINED,
    }
}

/// The wrapped console's `report(type, args)`: `Runtime.consoleAPICalled`
/// (also for a client's own evaluations, as in V8).
unsafe extern "C" fn console_called(
    ctx: *mut sys::JSContext,
    _this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
) -> sys::JSValue {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the engine calls with a live context on its thread.
        let c = unsafe { Ctx::from_raw(ctx) };
        let Some(d) = of(c.rt()) else { return };
        if argc < 2 || !d.sessions.borrow().iter().any(|s| s.runtime) {
            return;
        }
        // SAFETY: argv has argc values; we take references of our own.
        let (kind, args) = unsafe {
            (
                Value::from_raw(c, sys::JS_DupValue(ctx, *argv)),
                Value::from_raw(c, sys::JS_DupValue(ctx, *argv.add(1))),
            )
        };
        if let Some(event) = protocol::console_called(d, c, &kind, &args) {
            d.broadcast(|s| s.runtime, event);
        }
    }));
    sys::JS_UNDEFINED
}

/// While alive, the debugger neither pauses nor reports.
pub(crate) struct Quiet<'a>(&'a Debugger);

impl Drop for Quiet<'_> {
    fn drop(&mut self) {
        self.0.quiet.set(self.0.quiet.get() - 1);
    }
}

/// The number of frames on the stack.
pub(crate) fn depth(ctx: Ctx<'_>) -> usize {
    // SAFETY: ctx is live, on its thread.
    unsafe { sys::JS_DebugFrameCount(ctx.as_raw()) }.max(0) as usize
}

/// Runs `f` with the debugger of `ctx`'s runtime, catching panics (a hook
/// must not unwind into C).
fn with_debugger<R: Default>(
    ctx: *mut sys::JSContext,
    f: impl FnOnce(&Debugger, Ctx<'_>) -> R,
) -> R {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the engine calls hooks with a live context on its thread.
        let c = unsafe { Ctx::from_raw(ctx) };
        match of(c.rt()) {
            Some(d) if d.quiet.get() == 0 => f(d, c),
            _ => R::default(),
        }
    }))
    // A panic of ours: the script goes on as if no debugger were there.
    .unwrap_or_default()
}

unsafe extern "C" fn on_statement(
    ctx: *mut sys::JSContext,
    _: *mut c_void,
    is_breakpoint: c_int,
) -> c_int {
    with_debugger(ctx, |d, c| {
        // Every statement comes here while a step runs (a step over a loop
        // of a million statements): the common path is a flag and a depth.
        if d.message_waiting() {
            d.drain(Some(ctx));
        } else if d.step.get() == Step::Run {
            d.update_stepping();
        }
        let stop = match d.step.get() {
            Step::Run => false,
            Step::Into => true,
            Step::Over(n) => depth(c) <= n,
            Step::Out(n) => depth(c) < n,
        };
        // Code the clients cannot see (the agent's console wrapper, code
        // compiled before the inspector) never pauses: steps go through.
        if stop && d.visible(c) {
            let reason = if d.start_pause.replace(false) {
                "Break on start"
            } else {
                "other"
            };
            d.pause(c, reason, None, Vec::new());
            return 0;
        }
        if is_breakpoint != 0 && d.active.get() {
            let hit = protocol::hit_breakpoints(d, c);
            // A `debugger;` statement (2) pauses whether or not a
            // breakpoint sits there, as in V8.
            if !hit.is_empty() || is_breakpoint == 2 {
                d.pause(c, "other", None, hit);
            }
        }
        0
    })
}

unsafe extern "C" fn on_exception(
    ctx: *mut sys::JSContext,
    _: *mut c_void,
    exc: sys::JSValue,
    caught: c_int,
) {
    with_debugger(ctx, |d, c| {
        if caught == 0 && d.sessions.borrow().iter().any(|s| s.runtime) {
            // SAFETY: the engine lends us the exception for the call.
            let e = unsafe { Value::from_raw(c, sys::JS_DupValue(ctx, exc)) };
            if let Some(event) = protocol::exception_thrown(d, c, &e) {
                d.broadcast(|s| s.runtime, event);
            }
        }
        let stop = match d.pause_on.get() {
            PauseOn::None => false,
            PauseOn::Uncaught => caught == 0,
            PauseOn::All => true,
        };
        if !stop || d.paused.get() {
            return;
        }
        // SAFETY: the engine lends us the exception for the call.
        let e = unsafe { Value::from_raw(c, sys::JS_DupValue(ctx, exc)) };
        let data = protocol::describe(d, c, &e, protocol::BACKTRACE).ok();
        let data = data.map(|mut o| {
            if let Some(m) = o.as_object_mut() {
                m.insert("uncaught".into(), Json::Bool(caught == 0));
            }
            o
        });
        d.pause(c, "exception", data, Vec::new());
    })
}

unsafe extern "C" fn on_script(
    ctx: *mut sys::JSContext,
    _: *mut c_void,
    code: sys::JSValue,
    id: c_int,
    is_module: c_int,
    filename: *const c_char,
    source: *const c_char,
    len: usize,
) {
    with_debugger(ctx, |d, c| {
        // SAFETY: the engine passes a NUL-terminated name and len bytes of source.
        let name = unsafe { CStr::from_ptr(filename) }
            .to_string_lossy()
            .into_owned();
        if name == protocol::AGENT_NAME {
            return;
        }
        // SAFETY: as above.
        let source = String::from_utf8_lossy(unsafe {
            std::slice::from_raw_parts(source.cast::<u8>(), len)
        })
        .into_owned();
        d.install_console(c);
        let script = Script {
            id,
            url: protocol::url_of(&name),
            source,
            is_module: is_module != 0,
            ctx,
            // SAFETY: we keep a reference (freed when its context goes).
            code: unsafe { sys::JS_DupValue(ctx, code) },
        };
        let parsed = protocol::script_parsed(d, &script);
        d.broadcast(|s| s.debugger, parsed);
        // Breakpoints set by URL before the script existed land now.
        let mut resolved = Vec::new();
        for b in d.breakpoints.borrow_mut().iter_mut() {
            let before = b.at.len();
            d.apply(b, &script);
            resolved.extend(b.at[before..].iter().map(|&at| (b.id.clone(), at)));
        }
        d.scripts.borrow_mut().push(script);
        for (id, at) in resolved {
            d.broadcast(|s| s.debugger, protocol::breakpoint_resolved(&id, at));
        }
    })
}

unsafe extern "C" fn on_poll(ctx: *mut sys::JSContext, _: *mut c_void) {
    with_debugger(ctx, |d, c| {
        // A message waits: the next statement serves it.
        if d.message_waiting() {
            // SAFETY: rt is live, on its thread.
            unsafe { sys::JS_SetDebugStepping(d.rt, 1) };
        }
        if d.profiler.borrow().is_some() {
            super::profiler::sample(d, c);
        }
    })
}

/// `rust_run`'s turn: serve the clients while the runtime is idle.
pub(crate) fn turn(rt: *mut sys::JSRuntime) {
    if let Some(d) = of(rt) {
        // Without futures the executor leaves the wake signal raised (its
        // kick was ours): lower it, or the host's loop would spin.
        if let Some(state) = RuntimeState::of(rt) {
            let exec = crate::exec::executor::Executor::of(state);
            if exec.live() == 0 {
                exec.wake().drain(&mut Vec::new());
            }
        }
        if d.quiet.get() == 0 && !d.paused.get() {
            let ctx = d.default_ctx();
            d.drain(ctx);
        }
    }
}
