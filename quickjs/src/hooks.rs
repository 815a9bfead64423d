//! The C ABI: every function the patched engine, quickjs-libc, qjs or a C
//! host calls by name (declared by patch 0001, and in the cbindgen header
//! `quickjs_rust.h`). Each checks its arguments and its thread, then hands
//! over to the runtime's state (`engine::handle::state`); none lets a panic unwind.
//!
//! | hook | called by |
//! |---|---|
//! | `rust_run` | the patched `JS_ExecutePendingJob`, when its queue is empty |
//! | `rust_pending` | quickjs-libc's loop (patch 0003), hosts: keep the loop alive |
//! | `rust_wake_fd` (POSIX), `rust_wake_handle` (Windows), `rust_next_timeout` | loops that poll: what to wait on, and how long |
//! | `rust_set_wake_callback` | hosts without an fd loop |
//! | `rust_context_released` | the patched public `JS_FreeContext` (patch 0006) |
//! | `rust_runtime_released` | Bellard's patched `JS_FreeRuntime` (his 0006) |
//! | `rust_bind_thread` | hosts that move a runtime to another thread |
//! | `rust_set_max_stack_size` | hosts: the JS stack limit, clamped to the thread's stack |
//! | `quickjs_rust_add_registered` | the weak default `JS_AddRust` of quickjs-sys |
//!
//! Threads: a runtime's Rust state belongs to one thread at a time (the one
//! that made it, then the last `rust_bind_thread` or `Runtime` lock). The
//! hooks a host calls refuse other threads (`rust_pending` -1,
//! `rust_next_timeout` -2, `rust_run` does nothing) instead of racing;
//! `rust_context_released`, which `JS_FreeContext` calls, acts on the
//! freeing thread (it has the runtime then);
//! `rust_wake_fd` and `rust_set_wake_callback` may be called from any.

use crate::engine::handle::boundary::no_unwind;
use crate::engine::handle::state::{ContextState, RuntimeState};
use crate::exec::executor::Executor;
use crate::exec::signal::timeout_ms;
use crate::exec::wake::WakeCallback;
use quickjs_sys as sys;
use std::os::raw::{c_int, c_void};
use std::sync::Arc;

/// The state of `rt`, if it has one and this thread may use it.
fn owned<'a>(rt: *mut sys::JSRuntime) -> Option<&'a RuntimeState> {
    if rt.is_null() {
        return None;
    }
    RuntimeState::of(rt).filter(|s| s.on_owner_thread())
}

/// Settles the promises of `rt`'s Rust futures that completed. Called by the
/// patched `JS_ExecutePendingJob` when its job queue is empty; enqueues jobs,
/// never runs them, never blocks, and does nothing for a runtime without Rust
/// futures (O(1) when none is pending). Called from a thread other than the
/// runtime's (see `rust_bind_thread`), it does nothing.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_run(rt: *mut sys::JSRuntime) {
    no_unwind((), || {
        if let Some(state) = owned(rt) {
            state.sweep();
            if let Some(turn) = state.turn.get() {
                turn(rt);
            }
            if let Some(exec) = Executor::of_if_made(state) {
                exec.run(rt);
            }
        }
    })
}

/// The number of live Rust futures of `rt` (they keep the host's loop
/// alive); -1 when called from a thread other than the runtime's.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_pending(rt: *mut sys::JSRuntime) -> c_int {
    no_unwind(-1, || {
        if rt.is_null() {
            return 0;
        }
        match RuntimeState::of(rt) {
            None => 0,
            Some(s) if !s.on_owner_thread() => -1,
            Some(s) => {
                let live = Executor::of_if_made(s).map_or(0, |e| e.live());
                (live + s.keep_alive.get()).min(c_int::MAX as usize) as c_int
            }
        }
    })
}

/// The fd that becomes readable when a Rust future of `rt` can make progress
/// (-1 before the runtime has Rust state: the first `JS_AddRust`, future or
/// class; -1 if the process has no fd left to make it, on the first call;
/// always -1 on Windows, see `rust_wake_handle`). Poll it for
/// reading; `rust_run` drains it. It lives exactly as long as `rt` (one per
/// runtime, never replaced): add it to an epoll set once. `JS_FreeRuntime`
/// closes it before it returns (remove it from an epoll set first), and
/// nothing writes it afterwards: worker threads finishing later do not, so
/// the number is free for reuse. Callable from any thread.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_wake_fd(rt: *mut sys::JSRuntime) -> c_int {
    no_unwind(-1, || {
        if rt.is_null() {
            return -1;
        }
        #[cfg(unix)]
        return RuntimeState::of(rt).map_or(-1, |s| Executor::of(s).wake().fd().unwrap_or(-1));
        #[cfg(not(unix))]
        -1
    })
}

/// Windows: the event handle (a `HANDLE`) that becomes signalled when a Rust
/// future of `rt` can make progress (NULL before the runtime has Rust
/// state). Wait on it with `WaitForMultipleObjects` (patch 0003 adds it to
/// quickjs-libc's Windows `js_os_poll`); `rust_run` resets it. It lives
/// exactly as long as `rt`: `JS_FreeRuntime` closes it before it returns,
/// and nothing sets it afterwards. Callable from any thread.
///
/// # Safety
/// `rt` must be a live runtime.
#[cfg(windows)]
#[no_mangle]
pub unsafe extern "C" fn rust_wake_handle(rt: *mut sys::JSRuntime) -> *mut c_void {
    no_unwind(std::ptr::null_mut(), || {
        if rt.is_null() {
            return std::ptr::null_mut();
        }
        RuntimeState::of(rt).map_or(std::ptr::null_mut(), |s| {
            Executor::of(s)
                .wake()
                .handle()
                .unwrap_or(std::ptr::null_mut())
        })
    })
}

/// The delay in milliseconds until the next Rust timer of `rt` is due
/// (rounded up; 0 if one is due now), or -1 if it has none. A host that
/// polls `rust_wake_fd` uses it as (or to cap) its poll timeout, then calls
/// `JS_ExecutePendingJob`, whose `rust_run` wakes the futures that are due.
/// -2 when called from a thread other than the runtime's.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_next_timeout(rt: *mut sys::JSRuntime) -> c_int {
    no_unwind(-1, || {
        if rt.is_null() {
            return -1;
        }
        match RuntimeState::of(rt) {
            None => -1,
            Some(s) if !s.on_owner_thread() => -2,
            Some(s) => Executor::of_if_made(s).map_or(-1, |e| timeout_ms(e.next_timeout())),
        }
    })
}

/// Registers `cb(opaque)` to be called when a Rust future of `rt` can make
/// progress, for hosts without an fd loop (e.g. a Flutter/Dart host): it runs
/// on whichever thread woke the future and must only post a task to the JS
/// thread, which then calls `JS_ExecutePendingJob` (or `rust_run`). Never
/// call into QuickJS from the callback. Timers of the runtime's own loop
/// (`quickjs::sleep`) do not call it: after each run the host arms its own
/// timer for `rust_next_timeout(rt)` milliseconds. `cb = NULL` removes it.
/// Returns 0, or -1 if the runtime's state could not be made or if called
/// from inside a call of `rt`'s callback (that call would still be running
/// when it returns). Call it on the JS thread the first time (it may make
/// the state).
///
/// Lifetime: when `rust_set_wake_callback` returns, the previous callback
/// is not running on any thread and is never called again; when
/// `JS_FreeRuntime(rt)` returns, the same holds for the current one
/// (worker threads that finish later call nothing; their results are
/// dropped). The host may free the old `opaque` then. Calls are
/// serialized with both (a lock): the callback must not wait for the JS
/// thread, which may be inside one of them.
///
/// # Safety
/// `rt` must be a live runtime; `cb` must be safe to call from any thread
/// with `opaque` until `rust_set_wake_callback` replaces it or
/// `JS_FreeRuntime(rt)` returns.
#[no_mangle]
pub unsafe extern "C" fn rust_set_wake_callback(
    rt: *mut sys::JSRuntime,
    cb: Option<unsafe extern "C" fn(opaque: *mut c_void)>,
    opaque: *mut c_void,
) -> c_int {
    struct Opaque(*mut c_void);
    // SAFETY: the caller promises `cb(opaque)` may run on any thread.
    unsafe impl Send for Opaque {}
    // SAFETY: as above.
    unsafe impl Sync for Opaque {}
    if rt.is_null() {
        return -1;
    }
    let opaque = Opaque(opaque);
    let callback = cb.map(|cb| {
        Arc::new(move || {
            let o = &opaque;
            // SAFETY: the caller's contract above.
            unsafe { cb(o.0) }
        }) as WakeCallback
    });
    no_unwind(-1, || {
        // An existing state takes it from any thread (a mutex); making one
        // touches the runtime, so only its thread may.
        let state = match RuntimeState::of(rt) {
            Some(s) => s,
            None => match RuntimeState::get_or_create(rt) {
                Ok(s) => s,
                Err(_) => return -1,
            },
        };
        match Executor::of(state).set_wake_callback(callback) {
            Ok(()) => 0,
            Err(_) => -1,
        }
    })
}

/// The host freed `ctx` (the patched public `JS_FreeContext` calls this
/// first, patch 0006): its Rust futures are dropped now, unsettled, so they
/// no longer count in `rust_pending` and none of their reactions runs; its
/// held values are released; no new future starts in it. The engine frees
/// the context itself when its last reference goes (its functions' realms:
/// that may take a GC).
///
/// Unlike the hooks a host calls, this one acts on whichever thread frees
/// the context: QuickJS lets one thread use a runtime at a time, so the
/// thread inside `JS_FreeContext` has the runtime now, also when the host
/// moved it there without `rust_bind_thread` (otherwise the futures would
/// keep the context alive until the runtime's end, and `JS_FreeRuntime`
/// would find it). The runtime stays bound where it was.
///
/// # Safety
/// `ctx` a live context; called by `JS_FreeContext`, with the runtime used
/// by no other thread meanwhile (QuickJS's own rule).
#[no_mangle]
pub unsafe extern "C" fn rust_context_released(ctx: *mut sys::JSContext) {
    if ctx.is_null() {
        return;
    }
    // SAFETY: ctx is live (our contract).
    let ctx = unsafe { crate::engine::handle::ctx::Ctx::from_raw(ctx) };
    // Its futures' and held values' drops run behind the finalizer door:
    // the context is being freed.
    crate::engine::handle::boundary::finalizing(ctx.rt(), (), || {
        if let Some(state) = ContextState::of(ctx) {
            state.release();
        }
    })
}

/// Makes the calling thread the one that may use `rt`'s Rust state, for a
/// host that moves a runtime to another thread (call it there). It also
/// records this thread's stack top (as `JS_UpdateStackTop`) and sets the
/// JS stack limit for this thread: the size given to
/// `rust_set_max_stack_size` (the engine's default until then) clamped to
/// what this thread's stack has left (see `rust_set_max_stack_size`); a
/// limit set with `JS_SetMaxStackSize` alone is replaced. A
/// `quickjs::Runtime` does this itself.
///
/// # Safety
/// `rt` a live runtime that no other thread uses from now on.
#[no_mangle]
pub unsafe extern "C" fn rust_bind_thread(rt: *mut sys::JSRuntime) {
    no_unwind((), || {
        if !rt.is_null() {
            if let Some(s) = RuntimeState::of(rt) {
                s.bind_thread();
                // SAFETY: rt is live and used by this thread (our contract).
                unsafe { s.stack.enter(rt) };
            }
        }
    })
}

/// Sets `rt`'s JS stack limit to `bytes` (0: none beyond the thread's own
/// stack) clamped to the calling thread's stack: never more than what is
/// left below the recorded stack top less a margin for native code (32 KiB;
/// 64 KiB in debug builds of the Rust code), so deep recursion is a
/// `RangeError`, not a crash, on threads of any size. Remembered for the
/// runtime: `rust_bind_thread` applies it again on the thread a runtime
/// moves to. Use it instead of `JS_SetMaxStackSize` (which the engine
/// applies unchecked) once the runtime has Rust state (after the first
/// `JS_AddRust`). 0 on success; -1 for a runtime without Rust state or
/// from a thread other than the runtime's.
///
/// # Safety
/// `rt` must be a live runtime.
#[no_mangle]
pub unsafe extern "C" fn rust_set_max_stack_size(rt: *mut sys::JSRuntime, bytes: usize) -> c_int {
    no_unwind(-1, || match owned(rt) {
        None => -1,
        Some(s) => {
            // SAFETY: rt is live (our contract) and this thread's.
            unsafe { s.stack.set_request(rt, (bytes != 0).then_some(bytes)) };
            0
        }
    })
}

/// Bellard's QuickJS has no runtime finalizers: its `JS_FreeRuntime` calls
/// this hook (patch `bellard-<release>/0006`) once every object is freed, so
/// the runtime's Rust state (executor, wake fd, wake callback) lives exactly
/// as long as the runtime there too.
///
/// # Safety
/// Called by `JS_FreeRuntime(rt)` only.
#[cfg(quickjs_bellard)]
#[no_mangle]
pub unsafe extern "C" fn rust_runtime_released(rt: *mut sys::JSRuntime) {
    // SAFETY: our caller's contract is `free`'s.
    crate::engine::handle::boundary::finalizing(rt, (), || unsafe { RuntimeState::free(rt) })
}

/// The default `JS_AddRust` (a weak C symbol in quickjs-sys forwards here):
/// adds the [`crate::register`]ed modules.
///
/// # Safety
/// As [`crate::native::add_rust`].
#[no_mangle]
pub unsafe extern "C" fn quickjs_rust_add_registered(
    ctx: *mut sys::JSContext,
    rt: *mut sys::JSRuntime,
) -> c_int {
    // SAFETY: our caller's contract is add_rust's.
    unsafe { crate::native::add_rust(ctx, rt, &[]) }
}
