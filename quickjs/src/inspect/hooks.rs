//! The engine's hooks (patch 0016) and the loops they run on the JS
//! thread: a statement, a throw, a compiled script, an interrupt poll; the
//! pause loop serving the clients until a resume; `rust_run`'s turn while
//! the runtime is idle; the wrapped console's report.
//!
//! Invariants:
//! * A pause is a loop on the JS thread inside a hook, serving the
//!   clients' messages until a resume: the runtime's other work (jobs,
//!   futures, timers) waits; the host's other threads go on.
//! * No hook unwinds into C: each runs behind `no_unwind`, and a panic
//!   of ours lets the script go on as if no debugger were there.

use super::debugger::{of, Breakpoint, Debugger, PauseOn, Script, Session, Step};
use super::messages;
use super::protocol;
use super::server::Incoming;
use crate::engine::handle::boundary::no_unwind;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::state::{RuntimePart, RuntimeSlot, RuntimeState};
use crate::engine::handle::value::Value;
use crate::engine::objects::object::Function;
use quickjs_sys as sys;
use serde_json::{json, Value as Json};
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

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

impl Debugger {
    /// Installs the engine's hooks for this runtime.
    pub(crate) fn install(&self) {
        // SAFETY: rt is live (we are its part); HOOKS is static and the
        // opaque pointer is unused (hooks find the part from the runtime).
        unsafe { sys::JS_SetDebugHooks(self.rt, &HOOKS, std::ptr::null_mut()) };
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
        let _ = Function::new(ctx, "report", console_called).and_then(|report| {
            agent
                .get::<_, Function>("installConsole")?
                .call::<_, ()>((report,))
        });
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
                    if self.is_paused() {
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

    /// Pauses here (inside a hook) until a client resumes.
    pub(crate) fn pause(&self, ctx: Ctx<'_>, reason: &str, data: Option<Json>, hit: Vec<String>) {
        if self.is_paused() || self.quiet.get() > 0 || self.skip_all.get() {
            return;
        }
        let Some(shared) = self.shared.borrow().clone() else {
            return;
        };
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
        self.paused_ctx.set(std::ptr::null_mut());
        if let Ok(agent) = self.agent(ctx) {
            let _q = self.quiet();
            let _ = agent
                .get::<_, crate::engine::objects::object::Function>("releaseGroup")
                .and_then(|f| f.call::<_, ()>((messages::BACKTRACE,)));
        }
        self.broadcast(
            |s| s.debugger,
            messages::event("Debugger.resumed", json!({})),
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
}

/// The wrapped console's `report(type, args)`: `Runtime.consoleAPICalled`
/// (also for a client's own evaluations, as in V8).
fn console_called<'js>(ctx: Ctx<'js>, kind: String, args: Value<'js>) {
    let Some(d) = of(ctx.rt()) else { return };
    if !d.sessions.borrow().iter().any(|s| s.runtime) {
        return;
    }
    if let Some(event) = protocol::console_called(d, ctx, &kind, &args) {
        d.broadcast(|s| s.runtime, event);
    }
}

/// Runs `f` with the debugger of `ctx`'s runtime, catching panics (a hook
/// must not unwind into C).
fn with_debugger<R: Default>(
    ctx: *mut sys::JSContext,
    f: impl FnOnce(&Debugger, Ctx<'_>) -> R,
) -> R {
    // A panic of ours: the script goes on as if no debugger were there.
    no_unwind(R::default(), || {
        // SAFETY: the engine calls hooks with a live context on its thread.
        let c = unsafe { Ctx::from_raw(ctx) };
        match of(c.rt()) {
            Some(d) if d.quiet.get() == 0 => f(d, c),
            _ => R::default(),
        }
    })
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
            Step::Over(n) => super::debugger::depth(c) <= n,
            Step::Out(n) => super::debugger::depth(c) < n,
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
        if !stop || d.is_paused() {
            return;
        }
        // SAFETY: the engine lends us the exception for the call.
        let e = unsafe { Value::from_raw(c, sys::JS_DupValue(ctx, exc)) };
        let data = protocol::describe(d, c, &e, messages::BACKTRACE).ok();
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
        if name == messages::AGENT_NAME {
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
            url: messages::url_of(&name),
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
            d.broadcast(|s| s.debugger, messages::breakpoint_resolved(&id, at));
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
        d.sample(c);
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
        if d.quiet.get() == 0 && !d.is_paused() {
            let ctx = d.default_ctx();
            d.drain(ctx);
        }
    }
}
