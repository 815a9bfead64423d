//! The debugger and profiler: the Chrome DevTools Protocol over WebSocket,
//! for Chrome DevTools, VS Code (attach), `node inspect` and any other CDP
//! client, in Rust hosts ([`Inspector`]), `qjs --inspect` and C hosts
//! (`rust_inspector_listen`).
//!
//! The top layer: it builds on the engine layers and nothing builds on
//! it. Its parts, each on the ones before it: `messages.rs` (events as
//! JSON, the names and method list), `profiler.rs` (a CPU profile's
//! samples) and `server.rs` (the network, off the JS thread),
//! `debugger.rs` (the state: contexts, scripts, breakpoints, sessions,
//! stepping, the running profile), `protocol.rs` (the methods), `hooks.rs` (the engine's hooks, pausing, the idle turn), and
//! `agent.js` (values as RemoteObjects, in JS).
//!
//! An inspector runs any code its client sends: it listens where the host
//! says (`127.0.0.1` in `qjs`, as in Node); give another address only on a
//! network you trust.

// Floors, each building only on the ones before it (quickjs/tests/layers.rs):
mod debugger;
mod hooks;
mod messages;
mod profiler;
mod protocol;
mod server;

use crate::engine::handle::boundary::no_unwind;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::RuntimeState;
use crate::exec::executor::Executor;
use quickjs_sys as sys;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::raw::{c_char, c_int};
use std::sync::OnceLock;

/// A listening inspector for one runtime: each of its contexts is an
/// execution context in the client, by name.
///
/// ```no_run
/// use quickjs::{Context, Inspector, Runtime};
/// let rt = Runtime::new().unwrap();
/// let ctx = Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     let inspector = Inspector::listen(ctx, "127.0.0.1:9229", "main").unwrap();
///     eprintln!("Debugger listening on {}", inspector.url());
///     Inspector::wait_for_debugger(ctx); // until the client says go; then pauses
///     ctx.eval::<()>("let x = 1;\nx += 1;").unwrap();
/// });
/// ```
pub struct Inspector {
    addr: SocketAddr,
    url: String,
}

impl Inspector {
    /// Starts an inspector for `ctx`'s runtime listening on `addr` (port 0:
    /// any free port); `ctx` is listed as `name`. Scripts compiled from now
    /// on can be debugged. A runtime has one inspector: a second call
    /// replaces the first's listener.
    pub fn listen(ctx: Ctx<'_>, addr: impl ToSocketAddrs, name: &str) -> Result<Inspector> {
        let addr = addr
            .to_socket_addrs()
            .map_err(|e| Error::type_error(format!("inspector address: {e}")))?
            .next()
            .ok_or_else(|| Error::type_error("inspector address: none"))?;
        let rt = ctx.rt();
        let state = RuntimeState::get_or_create(rt)?;
        let wake = Executor::of(state).wake().clone();
        wake.signal()?;
        let kick = Box::new(move || wake.kick());
        let title = std::env::args().collect::<Vec<_>>().join(" ");
        let cwd = std::env::current_dir()
            .map(|p| format!("file://{}", p.display()))
            .unwrap_or_default();
        let shared = server::Shared::new(title, cwd, kick);
        let server = server::Server::start(addr, shared.clone())
            .map_err(|e| Error::type_error(format!("inspector: cannot listen on {addr}: {e}")))?;
        let (addr, url) = (server.addr, server.ws_url());
        let d = state.part(|| debugger::Debugger::new(rt));
        if let Some(old) = d.shared.borrow_mut().replace(shared) {
            old.close();
        }
        *d.server.borrow_mut() = Some(server);
        state.turn.set(Some(hooks::turn));
        d.install();
        d.target(ctx.as_raw(), Some(name));
        Ok(Inspector { addr, url })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The WebSocket URL clients connect to (`ws://host:port/id`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Lists `ctx` (of a runtime with an inspector) as `name`.
    pub fn add_context(ctx: Ctx<'_>, name: &str) {
        if let Some(d) = debugger::of(ctx.rt()) {
            d.target(ctx.as_raw(), Some(name));
        }
    }

    /// Serves clients until one sends `Runtime.runIfWaitingForDebugger`
    /// (what Chrome, VS Code and `node inspect` send once attached), then
    /// pauses at the next statement (Node's `--inspect-brk`).
    pub fn wait_for_debugger(ctx: Ctx<'_>) {
        if let Some(d) = debugger::of(ctx.rt()) {
            d.wait_for_debugger(ctx.as_raw());
        }
    }

    /// Serves one protocol message on this thread, as if a client had
    /// sent it, and gives the reply (events go to connected clients, if
    /// the runtime has a listening inspector). Starts the engine's hooks if
    /// no inspector did. For the message handler's fuzzing; not a stable
    /// API.
    #[doc(hidden)]
    pub fn dispatch(ctx: Ctx<'_>, message: &str) -> String {
        let rt = ctx.rt();
        let Ok(state) = RuntimeState::get_or_create(rt) else {
            return String::new();
        };
        let d = state.part(|| {
            let d = debugger::Debugger::new(rt);
            d.install();
            d
        });
        protocol::dispatch(d, Some(ctx.as_raw()), 0, message)
    }

    /// Stops the inspector of `ctx`'s runtime: clients are disconnected,
    /// breakpoints cleared, and the engine runs without hooks.
    pub fn stop(ctx: Ctx<'_>) {
        if let Some(d) = debugger::of(ctx.rt()) {
            d.uninstall();
        }
    }
}

/// `qjs --inspect[=[host:]port]` / `--inspect-brk[=...]`.
struct CliInspect {
    addr: String,
    brk: bool,
}

static CLI: OnceLock<CliInspect> = OnceLock::new();

/// Takes qjs's inspector options out of `args` (Node's spelling and
/// defaults: `127.0.0.1:9229`); the inspector starts with the first
/// context [`qjs_context`] sees.
pub(crate) fn qjs_args(args: &mut Vec<std::ffi::CString>) -> bool {
    let mut found = None;
    args.retain(|a| {
        let s = a.to_string_lossy();
        let (brk, rest) = if let Some(r) = s.strip_prefix("--inspect-brk") {
            (true, r)
        } else if let Some(r) = s.strip_prefix("--inspect") {
            (false, r)
        } else {
            return true;
        };
        if !(rest.is_empty() || rest.starts_with('=')) || found.is_some() {
            return true;
        }
        let v = rest.trim_start_matches('=');
        let addr = if v.is_empty() {
            "127.0.0.1:9229".to_string()
        } else if v.contains(':') {
            v.to_string()
        } else {
            format!("127.0.0.1:{v}")
        };
        found = Some(CliInspect { addr, brk });
        false
    });
    match found {
        Some(c) => {
            let _ = CLI.set(c);
            true
        }
        None => false,
    }
}

/// Called for each context qjs makes: the first starts the inspector.
pub(crate) fn qjs_context(ctx: *mut sys::JSContext) {
    static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let Some(cli) = CLI.get() else { return };
    if STARTED.swap(true, std::sync::atomic::Ordering::AcqRel) {
        return;
    }
    // SAFETY: qjs calls JS_AddRust with a live context on its thread.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    match Inspector::listen(ctx, cli.addr.as_str(), "main") {
        Ok(i) => {
            eprintln!("Debugger listening on {}", i.url());
            eprintln!("For help, see: https://nodejs.org/en/docs/inspector");
            if let Some(d) = debugger::of(ctx.rt()) {
                d.linger.set(true);
            }
            if cli.brk {
                Inspector::wait_for_debugger(ctx);
            }
        }
        Err(e) => eprintln!("Starting inspector on {} failed: {e}", cli.addr),
    }
}

/// C hosts: starts an inspector for `ctx`'s runtime on `host:port` (`host`
/// NULL: 127.0.0.1); 0 on success, -1 on error (printed to stderr). With
/// `wait` set, serves the client until it says go, then pauses at the next
/// statement. Call on the runtime's thread; the client's messages are
/// served while JS runs and in the host's loop (`rust_run`), pauses block
/// the calling thread. Called from a thread other than the runtime's: -1.
///
/// # Safety
/// `ctx` a live context; `host` NULL or a C string.
#[cfg(not(quickjs_bellard))] // (the module's own cfg, for the C header)
#[no_mangle]
pub unsafe extern "C" fn rust_inspector_listen(
    ctx: *mut sys::JSContext,
    host: *const c_char,
    port: c_int,
    wait: c_int,
) -> c_int {
    // SAFETY: ctx is null or live (the caller's contract).
    if ctx.is_null() || !(0..=65535).contains(&port) || !unsafe { on_its_thread(ctx) } {
        return -1;
    }
    let host = if host.is_null() {
        "127.0.0.1".to_string()
    } else {
        // SAFETY: a C string (the caller's contract).
        unsafe { std::ffi::CStr::from_ptr(host) }
            .to_string_lossy()
            .into_owned()
    };
    no_unwind(-1, || {
        // SAFETY: the caller's contract.
        let ctx = unsafe { Ctx::from_raw(ctx) };
        match Inspector::listen(ctx, (host.as_str(), port as u16), "main") {
            Ok(i) => {
                eprintln!("Debugger listening on {}", i.url());
                if wait != 0 {
                    Inspector::wait_for_debugger(ctx);
                }
                0
            }
            Err(e) => {
                eprintln!("rust_inspector_listen: {e}");
                -1
            }
        }
    })
}

/// Whether the calling thread may use `ctx`'s runtime (a C host calling
/// from another thread gets an error code, as from `JS_AddRust`).
///
/// # Safety
/// `ctx` is a live context.
unsafe fn on_its_thread(ctx: *mut sys::JSContext) -> bool {
    // SAFETY: the caller's promise.
    crate::engine::handle::state::on_runtime_thread(unsafe { sys::JS_GetRuntime(ctx) })
}

/// C hosts: stops the inspector of `ctx`'s runtime (before freeing its
/// contexts and runtime).
///
/// # Safety
/// `ctx` a live context (from another thread than the runtime's: nothing done).
#[cfg(not(quickjs_bellard))] // (the module's own cfg, for the C header)
#[no_mangle]
pub unsafe extern "C" fn rust_inspector_stop(ctx: *mut sys::JSContext) {
    // SAFETY: ctx is null or live (the caller's contract).
    if ctx.is_null() || !unsafe { on_its_thread(ctx) } {
        return;
    }
    no_unwind((), || {
        // SAFETY: the caller's contract.
        Inspector::stop(unsafe { Ctx::from_raw(ctx) })
    });
}
