//! The inspector's state for one runtime (its part of the runtime's
//! state): the contexts the clients see, the scripts and breakpoints, the
//! clients' sessions, stepping, and the agent (`agent.js`) of each
//! context. `hooks.rs` drives it from the engine's hooks; `protocol.rs`
//! serves the clients' methods on it.
//!
//! Invariants:
//! * Everything here runs on the runtime's thread: in the engine's hooks,
//!   in `rust_run`'s turn, or in a call of the host ([`super::Inspector`]).
//! * While the agent or an evaluation runs for a client, the debugger is
//!   `quiet`: no hook pauses or reports (a client's own code never stops
//!   in itself).
//! * Values held here (each context's agent, each script's compiled code)
//!   are freed when their context goes or the inspector stops, before the
//!   runtime can be freed.

use super::messages;
use super::profiler::{self, Profile};
use super::server::{Server, Shared};
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::state::RuntimeState;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::os::raw::c_int;
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
    pub(crate) console: Cell<bool>,
}

/// A compiled script the clients can see.
pub(crate) struct Script {
    pub(crate) id: i32,
    pub(crate) url: String,
    pub(crate) source: String,
    pub(crate) is_module: bool,
    pub(crate) ctx: *mut sys::JSContext,
    /// Its compiled code (a reference we hold).
    pub(crate) code: sys::JSValue,
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
    pub(crate) resume: Cell<bool>,
    pub(crate) quiet: Cell<u32>,
    pub(crate) pause_on: Cell<PauseOn>,
    pub(crate) active: Cell<bool>,
    /// `--inspect-brk`: running waits for `Runtime.runIfWaitingForDebugger`.
    pub(crate) waiting: Cell<bool>,
    /// The next pause is the one `wait_for_debugger` asked for.
    pub(crate) start_pause: Cell<bool>,
    /// `Debugger.setSkipAllPauses`: nothing pauses.
    pub(crate) skip_all: Cell<bool>,
    /// qjs: when the last context goes (the script ended, or threw),
    /// clients still attached keep the process until they leave (Node's
    /// "Waiting for the debugger to disconnect...").
    pub(crate) linger: Cell<bool>,
    /// The paused context (null unless paused: it is live while paused).
    pub(crate) paused_ctx: Cell<*mut sys::JSContext>,
    pub(crate) next_target: Cell<u32>,
    pub(crate) next_breakpoint: Cell<u32>,
    pub(crate) profiler: RefCell<Option<Profile>>,
    /// `Profiler.setSamplingInterval` (microseconds in the protocol).
    pub(crate) sampling_interval: Cell<std::time::Duration>,
}

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
            sampling_interval: Cell::new(profiler::DEFAULT_INTERVAL),
        }
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
        // A profile still running ends (the poll interval goes back).
        self.stop_profile();
        if let Some(s) = self.shared.borrow_mut().take() {
            s.close();
        }
        self.server.borrow_mut().take();
        if let Some(state) = RuntimeState::of(self.rt) {
            state.turn.set(None);
            state.keep_alive.set(0);
        }
    }

    pub(crate) fn forget_context(&self, rt: *mut sys::JSRuntime, ctx: *mut sys::JSContext) {
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
                    messages::event(
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
        let created = messages::context_created(id, &targets.last().unwrap().name);
        drop(targets);
        self.broadcast(|s| s.runtime, created);
        id
    }

    /// Whether a pause runs (its loop serving the clients).
    pub(crate) fn is_paused(&self) -> bool {
        !self.paused_ctx.get().is_null()
    }

    /// The paused context, if a pause runs.
    pub(crate) fn paused<'js>(&self) -> Option<Ctx<'js>> {
        let raw = self.paused_ctx.get();
        // SAFETY: the paused context is live while its pause runs, on this
        // thread (the pause loop clears it before returning).
        (!raw.is_null()).then(|| unsafe { Ctx::from_raw(raw) })
    }

    pub(crate) fn default_ctx(&self) -> Option<*mut sys::JSContext> {
        if self.is_paused() {
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
            messages::AGENT_NAME,
            crate::engine::handle::ctx::EvalKind::Script,
        )?;
        let native = crate::engine::objects::object::Object::new(ctx)?;
        let f = crate::engine::objects::object::Function::new(ctx, "promiseState", promise_state)?;
        native.set("promiseState", f)?;
        let agent: crate::engine::objects::object::Object = make.call((native,))?;
        let raw = agent.as_value().as_raw();
        // SAFETY: we keep one more reference, freed in forget_context.
        let kept = unsafe { sys::JS_DupValue(ctx.as_raw(), raw) };
        if let Some(t) = self.targets.borrow().iter().find(|t| t.ctx == ctx.as_raw()) {
            t.agent.set(kept);
        }
        Ok(agent)
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

    /// A connected client keeps the host's loop alive (as in Node).
    pub(crate) fn keep_alive(&self) {
        if let Some(state) = RuntimeState::of(self.rt) {
            state
                .keep_alive
                .set(usize::from(!self.sessions.borrow().is_empty()));
        }
    }

    /// Whether the innermost frame runs a script the clients were shown.
    pub(crate) fn visible(&self, ctx: Ctx<'_>) -> bool {
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

    /// Starts a CPU profile (`Profiler.start`): the engine polls often
    /// enough to sample meanwhile.
    pub(crate) fn start_profile(&self) {
        *self.profiler.borrow_mut() = Some(Profile::new());
        // SAFETY: rt is live, on its thread.
        unsafe { sys::JS_SetInterruptInterval(self.rt, profiler::POLL_TICKS) };
    }

    /// Ends the running profile (`Profiler.stop`): the `.cpuprofile`, or
    /// `None` if none runs. The poll interval goes back to the engine's
    /// default.
    pub(crate) fn stop_profile(&self) -> Option<serde_json::Value> {
        let p = self.profiler.borrow_mut().take()?;
        // SAFETY: rt is live, on its thread; 0 is the engine's default.
        unsafe { sys::JS_SetInterruptInterval(self.rt, 0) };
        Some(p.into_json())
    }

    /// Samples `ctx`'s stack into the running profile, if one runs and a
    /// sample is due.
    pub(crate) fn sample(&self, ctx: Ctx<'_>) {
        let now = std::time::Instant::now();
        let due = self
            .profiler
            .borrow()
            .as_ref()
            .is_some_and(|p| p.due(now, self.sampling_interval.get()));
        if due {
            let _quiet = self.quiet();
            if let Some(p) = self.profiler.borrow_mut().as_mut() {
                p.sample(ctx, now, |id| self.url_of(id));
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
fn promise_state<'js>(
    p: Value<'js>,
) -> crate::engine::handle::error::Result<crate::engine::objects::types::Array<'js>> {
    let ctx = p.ctx();
    let arr = crate::engine::objects::types::Array::new(ctx)?;
    // SAFETY: p is live; JS_PromiseState reads a tag (-1 if not a promise).
    let state = unsafe { sys::JS_PromiseState(ctx.as_raw(), p.as_raw()) };
    let name = match state {
        sys::JS_PROMISE_PENDING => "pending",
        sys::JS_PROMISE_FULFILLED => "fulfilled",
        sys::JS_PROMISE_REJECTED => "rejected",
        _ => "pending",
    };
    arr.set(0, name)?;
    if name != "pending" {
        // SAFETY: a promise; the result is a new reference we own.
        let r = unsafe { Value::from_raw(ctx, sys::JS_PromiseResult(ctx.as_raw(), p.as_raw())) };
        arr.set(1, r)?;
    }
    Ok(arr)
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
