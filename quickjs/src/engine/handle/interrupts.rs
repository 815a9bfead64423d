//! Interrupts and panics that reach Rust, kept raised: JS cannot catch the
//! interrupt error, but Rust code can drop it (`let _ = f.call(())`, a
//! conversion that tries another type). Every interrupt that reaches Rust
//! is numbered and noted in its own runtime's state, by thread
//! ([`note_interrupt`], from `Ctx::catch`), and a native call during which
//! one of its runtime's interrupts reached Rust ends with the interrupt,
//! whatever its Rust code returned ([`InterruptWatch`], in the native
//! boundary): the script cannot run on. A Rust panic ends a script the same
//! way ([`note_panic`], [`end_with_panic`], [`panic_thrown`]) unless the
//! runtime makes panics catchable.

use super::ctx::Ctx;
use super::error::{Error, ErrorKind, Panic, Result};
use super::state::{Note, RuntimeState};
use super::value::Value;
use quickjs_sys as sys;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many interrupts have reached Rust, in any runtime on any thread: a
/// sequence number. A native call reads it at each end (a relaxed load, no
/// write); only a call during which it moved looks further.
static INTERRUPTS: AtomicU64 = AtomicU64::new(0);

/// Records an interrupt (or `panic`) of this thread in `state` (each
/// runtime keeps its own, by thread: a native call of runtime A that
/// enters runtime B, both interrupted, still ends A's script; and a call
/// whose thread released the lock in a wait does not end with what another
/// thread met meanwhile); gives back the panic it replaces, to drop with no
/// borrow held.
fn note(state: &RuntimeState, panic: Option<Panic>) -> Option<Panic> {
    let seq = INTERRUPTS.fetch_add(1, Ordering::Relaxed) + 1;
    let thread = super::sync::thread_token();
    let mut notes = state.notes.borrow_mut();
    match notes.iter_mut().find(|n| n.thread == thread) {
        Some(n) => {
            n.seq = seq;
            std::mem::replace(&mut n.panic, panic)
        }
        None => {
            notes.push(Note { thread, seq, panic });
            None
        }
    }
}

/// This thread's last note in `state` after sequence number `since`:
/// `Some(None)` an interrupt, `Some(Some(panic))` a panic.
fn noted_since(state: &RuntimeState, since: u64) -> Option<Option<Panic>> {
    let thread = super::sync::thread_token();
    let notes = state.notes.borrow();
    let n = notes.iter().find(|n| n.thread == thread && n.seq > since)?;
    Some(n.panic.clone())
}

/// Records that `ctx`'s runtime's interrupt error reached Rust.
#[cold]
pub(crate) fn note_interrupt(ctx: Ctx<'_>) {
    match RuntimeState::of(ctx.rt()) {
        Some(state) => drop(note(state, None)),
        None => {
            INTERRUPTS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Records `panic` as thrown into `ctx`'s runtime's JS (an interrupt of
/// its own: see [`note`]).
#[cold]
pub(crate) fn note_panic(ctx: Ctx<'_>, panic: &Panic) {
    if let Some(state) = RuntimeState::of(ctx.rt()) {
        drop(note(state, Some(panic.clone())));
    }
}

/// Whether a panic in `ctx`'s runtime ends the script (the default) rather
/// than being a catchable error.
pub(crate) fn panic_ends_script(ctx: Ctx<'_>) -> bool {
    RuntimeState::of(ctx.rt()).is_some_and(|state| !state.panics_catchable.get())
}

/// A Rust future of `ctx` panicked: instead of settling its promise (a
/// script could catch the rejection and go on), a job is queued in its
/// context that throws the panic, uncatchable: the job loop that runs it
/// (`JS_ExecutePendingJob` in any host) ends with it, and the Rust caller
/// gets [`Error::Panic`]. The job's argument, a function of the context,
/// keeps the context alive while the job is queued (the engine's job holds
/// no reference of its own).
pub(crate) fn end_with_panic(ctx: Ctx<'_>, panic: Panic) {
    let Some(state) = RuntimeState::of(ctx.rt()) else {
        return;
    };
    let c = ctx.as_raw();
    // SAFETY: c is live; the function is ours until handed to the job.
    let keeper = unsafe {
        sys::JS_NewCFunction2(
            c,
            Some(keeps_realm),
            c"panic".as_ptr(),
            0,
            sys::JS_CFUNC_generic,
            0,
        )
    };
    let mut arg = keeper;
    // SAFETY: c is live; the job takes its own reference to the argument
    // (freed by the engine with the job, run or not).
    let queued = !sys::JS_IsException(keeper)
        && unsafe { sys::JS_EnqueueJob(c, Some(throw_panic_job), 1, &mut arg) } >= 0;
    // SAFETY: our reference (an exception value needs no free).
    unsafe { sys::JS_FreeValue(c, keeper) };
    if queued {
        state.to_throw.borrow_mut().push((c as usize, panic));
    } else {
        // Out of memory: no job throws it; the engine's error is dropped.
        // SAFETY: c is live; the pending exception is ours.
        unsafe { sys::JS_FreeValue(c, sys::JS_GetException(c)) };
    }
}

/// The job argument of [`end_with_panic`]: a function, never called, that
/// keeps its realm alive.
unsafe extern "C" fn keeps_realm(
    _ctx: *mut sys::JSContext,
    _this: sys::JSValue,
    _argc: std::os::raw::c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    sys::JS_UNDEFINED
}

/// The job of [`end_with_panic`]: throws its context's oldest panic queued.
unsafe extern "C" fn throw_panic_job(
    ctx: *mut sys::JSContext,
    _argc: std::os::raw::c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: the engine runs a job with a live context (kept alive by the
    // job's argument).
    let ctx = unsafe { Ctx::from_raw(ctx) };
    super::boundary::no_unwind(sys::JS_UNDEFINED, || {
        let panic = RuntimeState::of(ctx.rt()).and_then(|state| {
            let mut queue = state.to_throw.borrow_mut();
            let i = queue
                .iter()
                .position(|(c, _)| *c == ctx.as_raw() as usize)?;
            Some(queue.remove(i).1)
        });
        match panic {
            Some(p) => ctx.throw(Error::Panic(p)),
            None => sys::JS_UNDEFINED,
        }
    })
}

/// The panic whose uncatchable error `exc` is, if `ctx`'s runtime threw one
/// with its message (JS cannot throw an uncatchable error; Bellard's
/// releases cannot tell, so there the message alone decides).
#[cold]
pub(crate) fn panic_thrown(ctx: Ctx<'_>, exc: &Value<'_>, message: &str) -> Option<Panic> {
    #[cfg(not(quickjs_bellard))]
    // SAFETY: a live value.
    if !unsafe { sys::JS_IsUncatchableError(exc.as_raw()) } {
        return None;
    }
    #[cfg(quickjs_bellard)]
    let _ = exc;
    let state = RuntimeState::of(ctx.rt())?;
    let notes = state.notes.borrow();
    let thread = super::sync::thread_token();
    // This thread's first, then any (the error may have come in a value).
    let mut panics = notes
        .iter()
        .filter(|n| n.thread == thread)
        .chain(notes.iter().filter(|n| n.thread != thread))
        .filter_map(|n| n.panic.as_ref());
    panics.find(|p| p.js_message() == message).cloned()
}

/// Watches one native call for interrupts of its runtime that reach Rust.
#[derive(Clone, Copy)]
pub(crate) struct InterruptWatch(u64);

impl InterruptWatch {
    #[inline(always)]
    pub(crate) fn start() -> Self {
        InterruptWatch(INTERRUPTS.load(Ordering::Relaxed))
    }

    /// Whether no interrupt (of any runtime) reached Rust since
    /// [`InterruptWatch::start`].
    #[inline(always)]
    pub(crate) fn quiet(self) -> bool {
        INTERRUPTS.load(Ordering::Relaxed) == self.0
    }

    /// The interrupt error (or panic) if one of `ctx`'s runtime reached
    /// Rust on this thread since [`InterruptWatch::start`] (the call must
    /// end with it).
    #[inline(always)]
    pub(crate) fn check(self, ctx: Ctx<'_>) -> Result<()> {
        if self.quiet() {
            return Ok(());
        }
        interrupted_in(ctx, self.0)
    }
}

#[cold]
#[inline(never)]
fn interrupted_in(ctx: Ctx<'_>, since: u64) -> Result<()> {
    let noted = match RuntimeState::of(ctx.rt()) {
        Some(state) => noted_since(state, since),
        // A runtime without Rust state keeps no log: any interrupt counts.
        None => Some(None),
    };
    match noted {
        None => Ok(()), // other runtimes' or threads', handled by their own calls
        Some(Some(panic)) => Err(Error::Panic(panic)),
        Some(None) => Err(Error::Js {
            kind: ErrorKind::InternalError,
            message: INTERRUPTED.into(),
        }),
    }
}

/// The engine's interrupt message.
const INTERRUPTED: &str = "interrupted";

/// Whether `e` is the engine's interrupt error (uncatchable in JS: when a
/// Rust boundary throws it again, it must stay so).
pub(crate) fn is_interrupt(kind: ErrorKind, message: &str) -> bool {
    kind == ErrorKind::InternalError && message == INTERRUPTED
}
