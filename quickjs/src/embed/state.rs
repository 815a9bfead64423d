//! The embedding layer's part of a runtime's state ([`EmbedState`]): the
//! host's interrupt handler and the deadlines in force (with the
//! trampoline the engine calls, installed only while one of them is, and
//! [`Pacing`], which keeps the handler running about every millisecond of
//! script time), and the module loader (with the engine's resolve and load
//! hooks that call it).
//!
//! Invariant: the state lives exactly as long as the `JSRuntime` (a part
//! of its `RuntimeState`), so the pointers the engine's callbacks get to it
//! never dangle; it is used with the runtime's lock held.

use crate::engine::handle::boundary;
use crate::engine::handle::ctx::{Ctx, EvalKind};
use crate::engine::handle::error::Error;
use crate::engine::handle::state::{RuntimePart, RuntimeSlot};
use crate::engine::handle::sync::thread_token;
use quickjs_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::sync::Mutex;

/// Decides, when the engine asks periodically during execution, whether to
/// stop the running JS (`true` interrupts it with an uncatchable
/// `InternalError: interrupted`).
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
/// let c = calls.clone();
/// let handler: quickjs::InterruptHandler = Box::new(move || c.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 1000);
/// rt.set_interrupt_handler(Some(handler));
/// assert!(ctx.with(|ctx| ctx.eval::<quickjs::Value>("for (;;) {}").map(drop)).is_err());
/// ```
pub type InterruptHandler = Box<dyn FnMut() -> bool + Send + 'static>;

/// The embedding layer's part of a runtime's state (a part of its
/// `RuntimeState`, so it lives exactly as long as the `JSRuntime`: the
/// engine's callbacks get a pointer to it).
pub(crate) struct EmbedState {
    pub(super) interrupt: Mutex<Option<InterruptHandler>>,
    /// Whether a host handler is installed (in `interrupt`).
    pub(super) has_handler: std::cell::Cell<bool>,
    /// Whether the trampoline is installed in the engine.
    pub(super) installed: std::cell::Cell<bool>,
    /// The deadlines in force (see [`Runtime::under_deadline`]): the
    /// thread that set each (its lock token) and the deadline.
    pub(super) deadlines: std::cell::RefCell<Vec<(usize, Deadline)>>,
    /// How often the engine asks the handler (see [`Pacing`]).
    pub(super) pacing: Pacing,
    pub(crate) loader: Mutex<Option<Box<dyn super::loader::Loader>>>,
}

/// When a wait gives up: the instant, and the timeout it came from (for
/// the error).
#[derive(Clone, Copy)]
pub(crate) struct Deadline {
    pub(super) at: std::time::Instant,
    pub(crate) timeout: std::time::Duration,
}

impl Deadline {
    pub(crate) fn after(timeout: std::time::Duration) -> Self {
        let now = std::time::Instant::now();
        Deadline {
            // A timeout too far to represent is no deadline in practice.
            at: now
                .checked_add(timeout)
                .unwrap_or_else(|| now + std::time::Duration::from_secs(86400 * 365 * 100)),
            timeout,
        }
    }

    /// Whether the instant has passed.
    pub(crate) fn passed(&self) -> bool {
        std::time::Instant::now() >= self.at
    }

    /// A check for the job loop between two jobs: `true` once passed.
    pub(crate) fn check(deadline: Option<Deadline>) -> impl Fn() -> bool {
        move || deadline.is_some_and(|d| d.passed())
    }
}

impl RuntimePart for EmbedState {
    const SLOT: RuntimeSlot = RuntimeSlot::Embed;
}

impl EmbedState {
    /// Installs the interrupt trampoline while a host handler or a deadline
    /// is in force, removes it otherwise (no cost to scripts then).
    ///
    /// # Safety
    /// `rt` is this state's runtime, live and locked by this thread.
    pub(super) unsafe fn reinstall(&self, rt: *mut sys::JSRuntime) {
        let install = self.has_handler.get() || !self.deadlines.borrow().is_empty();
        let opaque = self as *const EmbedState as *mut c_void;
        if self.installed.replace(install) == install {
            return;
        }
        // SAFETY: the caller's contract; opaque is this EmbedState, which
        // lives as long as the runtime.
        unsafe {
            self.pacing.reset(rt, install);
            sys::JS_SetInterruptHandler(
                rt,
                if install {
                    Some(call_interrupt_handler)
                } else {
                    None
                },
                opaque,
            )
        }
    }

    /// Whether a deadline of this thread has passed.
    fn deadline_passed(&self) -> bool {
        let me = thread_token();
        let deadlines = self.deadlines.borrow();
        if deadlines.is_empty() {
            return false;
        }
        let now = std::time::Instant::now();
        deadlines.iter().any(|&(t, d)| t == me && now >= d.at)
    }
}

/// Keeps the interrupt handler running about every [`Pacing::TARGET`] of
/// script time, whatever one engine poll costs. The engine asks the
/// handler every N polls (patch 0008 lets the host set N); a poll is one
/// loop iteration or call, cheap in most scripts (N = 10,000, the engine's
/// default, is then well under a millisecond) but as slow as one built-in
/// call in others (`for (;;) 'x'.repeat(1 << 20)`, a scan of a large
/// array), where 10,000 of them would let a deadline overshoot by minutes.
/// Each call measures the time since the last one and scales N toward the
/// target: halved or less when polls are slow, doubled when they are fast.
/// Time when no script ran (between host calls) only makes N small for a
/// few calls; it grows back in a dozen.
pub(super) struct Pacing {
    interval: std::cell::Cell<i32>,
    last: std::cell::Cell<Option<std::time::Instant>>,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            interval: std::cell::Cell::new(0),
            last: std::cell::Cell::new(None),
        }
    }
}

impl Pacing {
    /// The time between two handler calls aimed at.
    const TARGET: std::time::Duration = std::time::Duration::from_millis(1);
    /// Polls between two handler calls when a handler is installed: small,
    /// so the first period of a slow script is short too.
    const START: i32 = 64;
    /// The engine's own interval (`JS_INTERRUPT_COUNTER_INIT`).
    const MAX: i32 = 10_000;

    /// A handler was installed (`install`) or removed.
    ///
    /// # Safety
    /// `rt` is live and used on this thread.
    unsafe fn reset(&self, rt: *mut sys::JSRuntime, install: bool) {
        let interval = if install { Self::START } else { 0 };
        self.interval.set(interval);
        self.last.set(None);
        // SAFETY: the caller's contract.
        unsafe { sys::JS_SetInterruptInterval(rt, interval) };
    }

    /// One handler call: rescales the interval toward the target.
    ///
    /// # Safety
    /// `rt` is live and used on this thread (the handler's caller).
    unsafe fn tick(&self, rt: *mut sys::JSRuntime) {
        let now = std::time::Instant::now();
        let Some(last) = self.last.replace(Some(now)) else {
            return;
        };
        let elapsed = now.saturating_duration_since(last);
        let interval = self.interval.get().max(1);
        let next = if elapsed > 2 * Self::TARGET {
            let scaled = interval as u128 * Self::TARGET.as_nanos() / elapsed.as_nanos().max(1);
            (scaled as i32).clamp(1, interval / 2 + 1)
        } else if elapsed < Self::TARGET / 4 {
            interval.saturating_mul(2).min(Self::MAX)
        } else {
            interval
        };
        if next != self.interval.get() {
            self.interval.set(next);
            // SAFETY: the caller's contract.
            unsafe { sys::JS_SetInterruptInterval(rt, next) };
        }
    }
}

unsafe extern "C" fn call_interrupt_handler(rt: *mut sys::JSRuntime, opaque: *mut c_void) -> c_int {
    // A panic in the handler counts as "interrupt".
    boundary::no_unwind(1, || {
        // SAFETY: opaque is the EmbedState that set this handler; it lives
        // as long as the runtime.
        let embed = unsafe { &*(opaque as *const EmbedState) };
        // SAFETY: the engine calls the handler on rt's thread, rt live.
        unsafe { embed.pacing.tick(rt) };
        if crate::engine::convert::limits::skip_interrupt_check() {
            return 0; // the entry of a call settling a promise for Rust
        }
        if embed.deadline_passed() {
            return 1;
        }
        let Ok(mut slot) = embed.interrupt.try_lock() else {
            return 0;
        };
        match slot.as_mut() {
            Some(handler) => handler() as c_int,
            None => 0,
        }
    })
}

/// The normalize hook: `Loader::resolve`, the result in engine memory.
pub(crate) unsafe extern "C" fn normalize(
    ctx: *mut sys::JSContext,
    base: *const c_char,
    name: *const c_char,
    opaque: *mut c_void,
) -> *mut c_char {
    // SAFETY: the engine passes a live ctx and NUL-terminated strings, alive
    // for the call; opaque is the runtime's EmbedState (Runtime::set_loader).
    let (ctx, embed, base, name) = unsafe {
        (
            Ctx::from_raw(ctx),
            &*(opaque as *const EmbedState),
            CStr::from_ptr(base).to_string_lossy(),
            CStr::from_ptr(name).to_string_lossy(),
        )
    };
    boundary::enter(ctx, "module resolver", || {
        let resolved = match embed
            .loader
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            Some(l) => l.resolve(&base, &name),
            None => super::loader::join_relative(&base, &name),
        }?;
        let r = CString::new(resolved)
            .map_err(|_| Error::type_error("module name contains a NUL byte"))?;
        // SAFETY: js_strdup copies into engine memory, which the engine frees.
        let p = unsafe { sys::js_strdup(ctx.as_raw(), r.as_ptr()) };
        if p.is_null() {
            return Err(ctx.catch());
        }
        Ok(p)
    })
}

/// The load hook: `Loader::load`, compiled as a module.
pub(crate) unsafe extern "C" fn load(
    ctx: *mut sys::JSContext,
    name: *const c_char,
    opaque: *mut c_void,
    _attributes: sys::JSValue,
) -> *mut sys::JSModuleDef {
    // SAFETY: as in normalize.
    let (ctx, embed, name) = unsafe {
        (
            Ctx::from_raw(ctx),
            &*(opaque as *const EmbedState),
            CStr::from_ptr(name).to_string_lossy().into_owned(),
        )
    };
    boundary::enter(ctx, "module loader", || {
        let mut loader = embed.loader.lock().unwrap_or_else(|e| e.into_inner());
        let source = match loader.as_mut() {
            Some(l) => match l.compiled(&name) {
                Some(compiled) => {
                    drop(loader); // reading runs no JS, but keep the rule: no lock across the engine
                    return compiled.read_module(ctx);
                }
                None => l.load(&name),
            },
            None => Err(Error::message(format!("module not found: {name}"))),
        };
        drop(loader);
        let source = source?;
        let module = super::bytecode::compile_raw(ctx, &source, &name, EvalKind::Module)?;
        // The module stays in the context's module list; we drop our reference.
        let m: *mut sys::JSModuleDef = sys::JS_VALUE_GET_PTR(module.as_raw()).cast();
        drop(module);
        Ok(m)
    })
}
