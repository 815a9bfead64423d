//! The boundary between C and Rust: every Rust function that the engine (or
//! a C host) calls goes through one of two doors here.
//!
//! * [`enter`]: entry points called with a context (`#[js]` trampolines,
//!   class constructors, Rust closures, module initializers and loaders).
//!   A panic becomes an `InternalError` naming the entry point; an error is
//!   thrown in the context and the C error marker returned; and if the
//!   host's interrupt reached Rust during the call, the call ends with the
//!   interrupt, whatever its Rust code did with the error (see
//!   `limits::InterruptWatch`): dropping it cannot let a script run on.
//! * [`no_unwind`]: entry points without a context (finalizers, GC marking,
//!   the C hooks of `hooks.rs`): a panic is caught and the given fallback
//!   returned, never unwound into C.
//!
//! * [`finalizing`]: finalizers and every other callback that runs while
//!   the engine collects garbage or frees objects: like `no_unwind`, and
//!   no JS can run on the thread meanwhile.
//!
//! Also here: the guard that forbids running JS while a `#[js]` function
//! borrows bytes from a JS buffer ([`NoJsGuard`]).
//!
//! Invariant: no panic crosses into C, and an entry point with a context
//! returns either a success value or the error marker with exactly one
//! exception pending.

use super::ctx::Ctx;
use super::error::{Error, Result};
use super::value::Value;
use crate::engine::handle::interrupts::InterruptWatch;
use quickjs_sys as sys;
use std::os::raw::{c_char, c_int};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What an entry point with a context hands back to C: the success value,
/// or the error marker (with the exception pending).
pub trait IntoC {
    /// The C type.
    type C;
    /// The success value.
    fn into_c(self) -> Self::C;
    /// The error marker.
    fn exception() -> Self::C;
}

impl IntoC for Value<'_> {
    type C = sys::JSValue;
    #[inline(always)]
    fn into_c(self) -> sys::JSValue {
        self.into_raw()
    }
    #[inline(always)]
    fn exception() -> sys::JSValue {
        sys::JS_EXCEPTION
    }
}

/// `0`, or `-1` with the exception pending (module initializers).
impl IntoC for () {
    type C = c_int;
    fn into_c(self) -> c_int {
        0
    }
    fn exception() -> c_int {
        -1
    }
}

/// The pointer, or null with the exception pending (module loaders).
impl IntoC for *mut c_char {
    type C = *mut c_char;
    fn into_c(self) -> *mut c_char {
        self
    }
    fn exception() -> *mut c_char {
        std::ptr::null_mut()
    }
}

/// The module, or null with the exception pending (module loaders).
impl IntoC for *mut sys::JSModuleDef {
    type C = *mut sys::JSModuleDef;
    fn into_c(self) -> *mut sys::JSModuleDef {
        self
    }
    fn exception() -> *mut sys::JSModuleDef {
        std::ptr::null_mut()
    }
}

/// The door of every entry point called with a context: runs `body`, named
/// `name` in errors, and hands its outcome to C (see the module docs).
#[inline(always)]
pub fn enter<'js, T: IntoC>(ctx: Ctx<'js>, name: &str, body: impl FnOnce() -> Result<T>) -> T::C {
    let watch = InterruptWatch::start();
    match guarded(name, body) {
        Ok(v) if watch.quiet() => v.into_c(),
        r => leave(ctx, watch, r),
    }
}

/// The outcome of a call that failed, or during which an interrupt reached
/// Rust (then the interrupt, whatever the call returned).
#[cold]
#[inline(never)]
fn leave<T: IntoC>(ctx: Ctx<'_>, watch: InterruptWatch, r: Result<T>) -> T::C {
    match watch.check(ctx).and(r) {
        Ok(v) => v.into_c(),
        Err(e) => {
            ctx.throw(e);
            T::exception()
        }
    }
}

/// Runs `body`; a panic becomes [`Error::Panic`] naming `name` (thrown
/// into JS as an uncatchable error, or a catchable `InternalError` where
/// the runtime asks for that: see [`Ctx::throw`]).
#[inline(always)]
pub(crate) fn guarded<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| Err(panic_error(name, panic)))
}

thread_local! {
    /// Where the last panic on this thread happened (the hook's record).
    static LAST_PANIC_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Puts a hook in front of the process's panic hook (once) that records
/// where each panic happens, for [`super::error::Panic::location`];
/// the previous hook runs as before.
pub(crate) fn chain_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(l) = info.location() {
                let at = format!("{}:{}:{}", l.file(), l.line(), l.column());
                let _ = LAST_PANIC_AT.try_with(|c| c.replace(Some(at)));
            }
            previous(info)
        }));
    });
}

/// Where the panic being caught on this thread happened, if the hook saw it.
pub(crate) fn last_panic_location() -> Option<String> {
    LAST_PANIC_AT.try_with(|c| c.take()).ok().flatten()
}

/// The door of entry points without a context: runs `body`; a panic gives
/// `fallback` instead of unwinding into C.
#[inline]
pub(crate) fn no_unwind<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A caught panic.
#[cold]
pub(crate) fn panic_error(name: &str, panic: Box<dyn std::any::Any + Send>) -> Error {
    Error::Panic(super::error::Panic::new(name, panic))
}

thread_local! {
    /// Set while a `#[js]` function holds bytes borrowed from a JS buffer:
    /// the safe API refuses to run JS on this thread meanwhile.
    static NO_JS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The innermost finalizer door open on this thread (null: none); each
    /// door links to the one outside it (see [`finalizing`]). A plain
    /// pointer in a `const` cell: no destructor, so it is readable while
    /// the thread's other thread-locals are destroyed (a `Context` kept in
    /// one is dropped then).
    static FINALIZING: std::cell::Cell<*const Door> = const { std::cell::Cell::new(std::ptr::null()) };
}

/// One open finalizer door, on the stack of the thread running it.
struct Door {
    rt: usize,
    outer: *const Door,
}

/// While alive, the safe API cannot run JS on this thread
/// (`Context::with`, the runtime's job loops, `AsyncCtx::with` return an
/// error): `#[js]` functions with `&[u8]` parameters hold one while the
/// borrowed bytes live, so no JS can detach the buffer under them.
pub struct NoJsGuard(bool);

impl NoJsGuard {
    /// Forbids JS on this thread until dropped.
    #[inline(always)]
    pub fn enter() -> Self {
        NoJsGuard(NO_JS.replace(true))
    }
}

impl Drop for NoJsGuard {
    #[inline(always)]
    fn drop(&mut self) {
        NO_JS.set(self.0);
    }
}

/// The door of every callback through which the engine lets Rust code run
/// while it collects garbage or frees objects: class finalizers (a `#[js]`
/// value's `Drop`), the release of a Rust closure's captured values, the
/// futures and held values dropped when a context or runtime dies. The
/// engine is in the middle of walking and freeing its object lists there:
/// running JS (or freeing a context) would corrupt them. So while `body`
/// runs:
///
/// * the safe API refuses to run JS on this thread ([`check_js_allowed`]:
///   `Context::with` panics and `Context::try_with` errs, saying why; the
///   job loops, `AsyncCtx::with` and `Context::new` err; `Runtime::run_gc`
///   does nothing);
/// * a `Context` of `rt` dropped here is freed after the collection, when
///   its runtime's lock is released ([`is_finalizing`]);
/// * a `Held` of `rt` dropped here frees its value at once, as the engine
///   requires of a finalizer;
/// * a panic gives `fallback` instead of unwinding into C.
///
/// Invariant: the thread's `FINALIZING` chain links exactly the doors
/// open on its stack, innermost first; each is a live local of a
/// `finalizing` call (unlinked when that call ends, also on a panic).
#[inline]
pub(crate) fn finalizing<T>(rt: *mut sys::JSRuntime, fallback: T, body: impl FnOnce() -> T) -> T {
    /// Unlinks the door (restores the outer one) when the call ends.
    struct Unlink(*const Door);
    impl Drop for Unlink {
        fn drop(&mut self) {
            FINALIZING.set(self.0);
        }
    }
    let door = Door {
        rt: rt as usize,
        outer: FINALIZING.get(),
    };
    let _unlink = Unlink(door.outer);
    // `door` stays where it is until `_unlink` (declared after it, dropped
    // before it) has unlinked it.
    FINALIZING.set(&door);
    no_unwind(fallback, body)
}

/// Whether a finalizer of `rt` is running on this thread (see
/// [`finalizing`]).
#[inline]
pub(crate) fn is_finalizing(rt: *mut sys::JSRuntime) -> bool {
    let mut door = FINALIZING.get();
    while !door.is_null() {
        // SAFETY: a linked door is alive on this thread's stack (the
        // invariant of `finalizing`).
        let d = unsafe { &*door };
        if d.rt == rt as usize {
            return true;
        }
        door = d.outer;
    }
    false
}

/// An error if JS may not run on this thread now: a `#[js]` function
/// borrows bytes from a JS buffer ([`NoJsGuard`]), or the engine is
/// finalizing objects ([`finalizing`]).
#[inline]
pub(crate) fn check_js_allowed() -> Result<()> {
    if NO_JS.get() {
        return Err(Error::internal(
            "JS cannot run while a #[js] function borrows bytes from a JS buffer",
        ));
    }
    if !FINALIZING.get().is_null() {
        return Err(finalizing_error());
    }
    Ok(())
}

#[cold]
fn finalizing_error() -> Error {
    Error::internal(
        "JS cannot run while the engine collects garbage or frees a runtime or context \
         (this is the Drop of a value the engine is freeing: a #[js] class instance, \
         a closure's captured values, a future of a context that died); \
         run that JS before the value is dropped, or hand the work to a task",
    )
}
