//! What the trampolines `#[js]` generates call: [`call`] and [`call_async`]
//! (the arity check, then the conversions and the Rust call inside the one
//! C boundary), and [`started`], the promise of an async call.

use crate::engine::handle::boundary;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::IntoJs;
use crate::engine::handle::value::Value;
use crate::engine::objects::realm::context_state;
use crate::exec::executor::Executor;
use crate::exec::executor::{rejected_promise, Origin, TaskName};
use quickjs_sys as sys;
use std::future::Future;
use std::os::raw::c_int;

use super::args::Args;
use super::arity::{arity_error, throw_arity};
use super::NativeFunction;

/// The body of a synchronous trampoline: arity check, argument conversion and
/// call (`body`), result conversion, inside the one C boundary. `#[js]`
/// generates the calls (through `quickjs::__private`).
///
/// # Safety
/// The engine's C-function contract: `ctx` live, `argv` has `argc` live values.
#[inline(always)]
pub unsafe fn call<F>(
    func: &'static NativeFunction,
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> sys::JSValue
where
    F: for<'a, 'js> FnOnce(&Args<'a, 'js>) -> Result<Value<'js>>,
{
    // SAFETY: the engine's C-function contract (our caller's).
    let ctx = unsafe { Ctx::from_raw(ctx) };
    let n = argc.max(0) as u32;
    if !func.accepts(n) {
        return throw_arity(ctx, func, n);
    }
    boundary::enter(ctx, func.name, || {
        // SAFETY: as above: argv has argc live values for the call.
        let args = unsafe { Args::new(ctx, this, argc, argv, func.name) };
        body(&args)
    })
}

/// The body of an `async fn` trampoline: like [`call`], but `body` returns the
/// future, which is spawned on the runtime's executor (and polled once, now);
/// the result is a Promise settled with the future's output (an `Err` or a
/// panic rejects it). Like a JS async function it never throws: argument
/// errors (count, types) reject the promise, with the same messages.
///
/// # Safety
/// As [`call`].
#[inline(always)]
pub unsafe fn call_async<F, Fut>(
    func: &'static NativeFunction,
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> sys::JSValue
where
    F: for<'a, 'js> FnOnce(&Args<'a, 'js>) -> Result<Fut>,
    Fut: Future + Send + 'static,
    Fut::Output: for<'js> IntoJs<'js> + Send + 'static,
{
    // SAFETY: the engine's C-function contract (our caller's).
    let ctx = unsafe { Ctx::from_raw(ctx) };
    boundary::enter(ctx, func.name, || {
        let future = boundary::guarded(func.name, || {
            // SAFETY: as above: argv has argc live values for the call.
            let args = unsafe { args(func, ctx, this, argc, argv) }?;
            body(&args)
        });
        started(ctx, TaskName::Static(func.name), future)
    })
}

/// The promise of an async call whose future `start` made (spawned), or,
/// like a JS async function, which never throws, a promise rejected with
/// the error of a bad call (argument count, types, or a panic while
/// converting; its stack is the call's: the native frame is on it). The
/// host's interrupt is thrown: it must end the script.
#[inline]
pub(crate) fn started<'js, Fut>(
    ctx: Ctx<'js>,
    name: TaskName,
    start: Result<Fut>,
) -> Result<Value<'js>>
where
    Fut: Future + Send + 'static,
    Fut::Output: for<'a> IntoJs<'a> + Send + 'static,
{
    match start {
        Ok(future) => spawn(ctx, name, Origin::JsCall, future),
        // A realm without promises gets the error thrown (see check_promises).
        Err(e) if !e.is_interrupt() => match check_promises(ctx) {
            Ok(()) => rejected_promise(ctx, ctx.error_value(e)),
            Err(_) => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// The arity check, then the arguments.
///
/// # Safety
/// `this` and `argv`'s `argc` values live for `'a`.
#[inline(always)]
unsafe fn args<'a, 'js>(
    func: &'static NativeFunction,
    ctx: Ctx<'js>,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
) -> Result<Args<'a, 'js>> {
    let n = argc.max(0) as u32;
    if !func.accepts(n) {
        return Err(arity_error(func.name, (func.required, func.max), n));
    }
    // SAFETY: the caller's contract.
    Ok(unsafe { Args::new(ctx, this, argc, argv, func.name) })
}

/// Spawns `future` on the runtime's executor for `ctx`; returns its Promise.
#[inline]
pub(crate) fn spawn<'js, Fut>(
    ctx: Ctx<'js>,
    name: TaskName,
    origin: Origin,
    future: Fut,
) -> Result<Value<'js>>
where
    Fut: Future + Send + 'static,
    Fut::Output: for<'a> crate::engine::handle::traits::IntoJs<'a> + Send + 'static,
{
    let state = context_state(ctx)?;
    if state.is_released() {
        return Err(Error::internal(
            "the context was freed (JS_FreeContext): no Rust future starts in it",
        ));
    }
    if !crate::engine::objects::realm::has_promises(ctx) {
        return Err(no_promises());
    }
    Executor::of(state.runtime_state()).spawn(ctx, name, origin, future)
}

/// An error unless `ctx`'s realm has promises (a host may make a
/// context without the `Promise` built-in: see `engine::objects::realm::has_promises`).
pub(crate) fn check_promises(ctx: Ctx<'_>) -> Result<()> {
    context_state(ctx)?;
    if crate::engine::objects::realm::has_promises(ctx) {
        Ok(())
    } else {
        Err(no_promises())
    }
}

#[cold]
fn no_promises() -> Error {
    Error::type_error("Promise is not available in this context: async Rust functions need it")
}
