//! JS values held by Rust class instances, traced by the GC.
//!
//! A `#[js]` struct field marked `#[js(trace)]` may hold [`Held`] values
//! (directly, or in `Option`, `Vec`, `Box`, `RefCell`, `Mutex`): the class's
//! `gc_mark` reports them to the cycle collector, so a cycle such as
//! `instance -> callback -> closure -> instance` is collected like a JS one.
//! (`Held` itself, and how its values are freed, is `engine/handle/held.rs`.)
//!
//! * A `Held` kept outside a traced field (a static, a future) is a root:
//!   it keeps its value, and through it its context, alive. `Context`'s
//!   drop releases it; a C host that frees contexts itself should drop such
//!   values first and run a job-loop turn. `#[js]` refuses struct fields
//!   that mention `Held` without `#[js(trace)]`.
//! * `gc_mark` reads the instance's fields only when no `&mut self` borrow
//!   is active, and skips what it cannot read (a borrowed `RefCell`, a
//!   locked `Mutex`). Unreported references only keep values alive longer;
//!   each reported one is owned by exactly that instance (`Trace` is sealed:
//!   it follows only uniquely owning containers).

use crate::engine::handle::held::Held;
use quickjs_sys as sys;
use std::sync::Mutex;

/// Reports held references to the GC (see [`Trace`]).
pub struct Tracer {
    rt: *mut sys::JSRuntime,
    mark: sys::JS_MarkFunc,
}

mod sealed {
    pub trait Sealed {}
}

/// What `#[js(trace)]` fields may be: [`Held`] and uniquely owning
/// containers of it. Sealed: each held reference must be reported by at
/// most one owner, which `Rc`/`Arc` sharing would break.
pub trait Trace: sealed::Sealed {
    /// Reports the held references.
    fn trace(&self, tracer: &mut Tracer);
}

impl sealed::Sealed for Held {}
impl Trace for Held {
    fn trace(&self, t: &mut Tracer) {
        // SAFETY: a tracer exists only inside its runtime's GC, on its thread.
        unsafe { self.mark(t.rt, t.mark) };
    }
}

impl<T: Trace> sealed::Sealed for Option<T> {}
impl<T: Trace> Trace for Option<T> {
    fn trace(&self, t: &mut Tracer) {
        if let Some(x) = self {
            x.trace(t);
        }
    }
}
impl<T: Trace> sealed::Sealed for Vec<T> {}
impl<T: Trace> Trace for Vec<T> {
    fn trace(&self, t: &mut Tracer) {
        self.iter().for_each(|x| x.trace(t));
    }
}
impl<T: Trace> sealed::Sealed for Box<T> {}
impl<T: Trace> Trace for Box<T> {
    fn trace(&self, t: &mut Tracer) {
        (**self).trace(t);
    }
}
impl<T: Trace> sealed::Sealed for std::cell::RefCell<T> {}
impl<T: Trace> Trace for std::cell::RefCell<T> {
    /// A mutably borrowed cell is skipped (its values stay alive).
    fn trace(&self, t: &mut Tracer) {
        if let Ok(x) = self.try_borrow() {
            x.trace(t);
        }
    }
}
impl<T: Trace> sealed::Sealed for Mutex<T> {}
impl<T: Trace> Trace for Mutex<T> {
    /// A locked mutex is skipped (its values stay alive).
    fn trace(&self, t: &mut Tracer) {
        if let Ok(x) = self.try_lock() {
            x.trace(t);
        }
    }
}

/// The `#[js(trace)]` fields of a `#[js]` struct (implemented by `#[js]`).
pub trait Traced {
    /// Whether the struct has any (then its class gets a `gc_mark`).
    const TRACED: bool;
    /// Reports the held references of the traced fields.
    fn trace_fields(&self, tracer: &mut Tracer);
}

/// The `gc_mark` of a class whose struct has `#[js(trace)]` fields.
///
/// # Safety
/// Called by the engine's GC for objects of `T`'s class.
pub unsafe extern "C" fn mark<T: super::JsClass + Traced>(
    rt: *mut sys::JSRuntime,
    val: sys::JSValue,
    mark: sys::JS_MarkFunc,
) {
    // SAFETY: the engine's contract.
    if let Some(value) = unsafe { super::cell::readable::<T>(rt, val) } {
        let mut tracer = Tracer { rt, mark };
        value.trace_fields(&mut tracer);
    }
}
