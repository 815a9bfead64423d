//! [`Ctx`]: the lifetime-branded handle of a live context, and everything
//! the core layer does with one: evaluate source, reach the globals, throw
//! and catch (an exception as an [`Error`], bounded whatever it meets), and
//! the raw helpers the other layers share (the runtime, atoms, C functions,
//! property definitions), so raw engine calls stay in few places.
//!
//! Invariant: a `Ctx<'js>` is a live context used on its runtime's thread
//! for all of `'js`; `'js` is invariant, so values branded with it cannot
//! leave the scope that made the handle.

use super::error::{Error, ErrorKind, Exception, Result};
use super::held::{Held, HeldList};
use super::traits::{FromJs, IntoJs};
use super::value::Value;
use quickjs_sys as sys;
use std::ffi::{CStr, CString};
use std::marker::PhantomData;
use std::os::raw::c_int;
use std::ptr::NonNull;

/// A borrowed handle to a live `JSContext`, branded by the lifetime `'js`
/// (invariant), so values made in it cannot escape the scope that owns it.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// ctx.with(|ctx: quickjs::Ctx<'_>| {
///     assert_eq!(ctx.eval::<bool>("true").unwrap(), true);
/// });
/// ```
#[derive(Clone, Copy)]
pub struct Ctx<'js> {
    raw: NonNull<sys::JSContext>,
    _brand: PhantomData<*mut &'js ()>,
}

impl<'js> Ctx<'js> {
    /// Wraps a raw context.
    ///
    /// # Safety
    /// `raw` must be a live context for all of `'js`, used on this thread only.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     // SAFETY: the pointer comes from a live Ctx on this thread.
    ///     let same = unsafe { quickjs::Ctx::from_raw(ctx.as_raw()) };
    ///     assert_eq!(same.eval::<i32>("1").unwrap(), 1);
    /// });
    /// ```
    #[inline(always)]
    pub unsafe fn from_raw(raw: *mut sys::JSContext) -> Self {
        Ctx {
            // SAFETY: a live context is not null (the caller's contract).
            raw: unsafe { NonNull::new_unchecked(raw) },
            _brand: PhantomData,
        }
    }

    /// The raw context pointer.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| assert!(!ctx.as_raw().is_null()));
    /// ```
    #[inline(always)]
    pub fn as_raw(self) -> *mut sys::JSContext {
        self.raw.as_ptr()
    }

    /// Throws `error` in this context; returns the `JS_EXCEPTION` marker that a
    /// C function returns to propagate it.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Error;
    /// ctx.with(|ctx| {
    ///     // Inside a C callback, `throw` raises the error and gives the return value:
    ///     let raw = ctx.throw(Error::type_error("nope"));
    ///     assert!(quickjs::sys::JS_IsException(raw));
    ///     let Error::Thrown(e) = ctx.catch() else { panic!() };
    ///     assert_eq!(e.message, "nope");
    /// });
    /// ```
    pub fn throw(self, error: Error) -> sys::JSValue {
        let (kind, message) = match error {
            Error::Exception => return sys::JS_EXCEPTION,
            Error::Js { kind, message } => (kind, message),
            // The same value again, if it is of this runtime and alive: a JS
            // catch further out sees what was thrown (class, properties, a
            // non-Error value). An interrupt keeps its uncatchable mark.
            Error::Thrown(e) => {
                if let Some(v) = e.value_in(self) {
                    // SAFETY: ctx is live; JS_Throw takes the reference.
                    return unsafe { sys::JS_Throw(self.as_raw(), v.into_raw()) };
                }
                (e.kind(), e.message)
            }
            Error::Timeout(d) => (ErrorKind::InternalError, format!("timed out after {d:?}")),
            Error::Panic(p) => return self.throw_panic(p),
        };
        let interrupt = crate::engine::handle::interrupts::is_interrupt(kind, &message);
        // Interior NULs would cut the message short: show them as U+FFFD
        // (the common case, none, reuses the message's buffer).
        let message = CString::new(message).unwrap_or_else(|e| {
            let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{fffd}");
            CString::new(text).expect("no NUL left")
        });
        let fmt = c"%s".as_ptr();
        let ctx = self.as_raw();
        // SAFETY: ctx is live; "%s" consumes exactly the one C-string argument.
        let raw = unsafe {
            match kind {
                ErrorKind::TypeError => sys::JS_ThrowTypeError(ctx, fmt, message.as_ptr()),
                ErrorKind::RangeError => sys::JS_ThrowRangeError(ctx, fmt, message.as_ptr()),
                ErrorKind::InternalError => sys::JS_ThrowInternalError(ctx, fmt, message.as_ptr()),
                ErrorKind::SyntaxError => sys::JS_ThrowSyntaxError(ctx, fmt, message.as_ptr()),
                ErrorKind::ReferenceError => {
                    sys::JS_ThrowReferenceError(ctx, fmt, message.as_ptr())
                }
                ErrorKind::Error => sys::JS_ThrowPlainError(ctx, fmt, message.as_ptr()),
            }
        };
        if message.as_bytes().len() >= ENGINE_MESSAGE_MAX {
            // The engine formats into a fixed buffer and cut the message:
            // give the error its whole message.
            // SAFETY: ctx is live; the exception just thrown is pending; we
            // take it, set its message and throw it again (JS_Throw takes
            // the reference back).
            unsafe {
                let exc = sys::JS_GetException(ctx);
                let bytes = message.as_bytes();
                let text = sys::JS_NewStringLen(ctx, bytes.as_ptr().cast(), bytes.len());
                if sys::JS_IsException(text) {
                    sys::JS_FreeValue(ctx, sys::JS_GetException(ctx)); // out of memory: keep the cut one
                } else {
                    let flags = (sys::JS_PROP_WRITABLE | sys::JS_PROP_CONFIGURABLE) as i32;
                    sys::JS_DefinePropertyValueStr(ctx, exc, c"message".as_ptr(), text, flags);
                    if sys::JS_HasException(ctx) {
                        sys::JS_FreeValue(ctx, sys::JS_GetException(ctx));
                    }
                }
                sys::JS_Throw(ctx, exc);
            }
        }
        if interrupt {
            // An interrupt that passed through Rust stays uncatchable: a
            // script's try/catch must not swallow the host's deadline.
            // SAFETY: ctx is live; the exception just thrown is pending.
            unsafe {
                let exc = sys::JS_GetException(ctx);
                sys::throw_uncatchable(ctx, exc);
            }
        }
        raw
    }

    /// Throws a Rust panic: an `InternalError` no JS `catch` or `finally`
    /// runs on from (like an interrupt), logged for the Rust caller to get
    /// back as [`Error::Panic`]; or a plain `InternalError` where the runtime
    /// makes panics catchable.
    #[cold]
    fn throw_panic(self, p: super::error::Panic) -> sys::JSValue {
        let catchable =
            super::state::RuntimeState::of(self.rt()).is_none_or(|s| s.panics_catchable.get());
        let raw = self.throw(Error::internal(p.js_message()));
        if !catchable {
            crate::engine::handle::interrupts::note_panic(self, &p);
            // SAFETY: ctx is live; the exception just thrown is pending.
            unsafe {
                let exc = sys::JS_GetException(self.as_raw());
                sys::throw_uncatchable(self.as_raw(), exc);
            }
        }
        raw
    }

    /// Takes the pending exception (or makes an `Error` value from `error`) as
    /// a value, e.g. to reject a promise with it.
    pub(crate) fn error_value(self, error: Error) -> Value<'js> {
        self.throw(error);
        // SAFETY: ctx is live; JS_GetException transfers ownership to us.
        unsafe { Value::from_raw(self, sys::JS_GetException(self.as_raw())) }
    }

    /// [`Ctx::error_value`] for an error that reaches JS with no JS frame
    /// on the stack (a Rust future's rejection): an error object made now
    /// gets `stack` as its stack. A thrown value passed through keeps its
    /// own.
    pub(crate) fn error_value_with_stack(self, error: Error, stack: &str) -> Value<'js> {
        if let Error::Thrown(e) = &error {
            if let Some(v) = e.value_in(self) {
                return v;
            }
        }
        let v = self.error_value(error);
        // SAFETY: v is live; the string is consumed by the define (also on
        // failure, out of memory only, whose exception is dropped: the
        // error keeps its empty stack).
        unsafe {
            if sys::JS_IsError(v.as_raw()) {
                let c = self.as_raw();
                let s = sys::JS_NewStringLen(c, stack.as_ptr().cast(), stack.len());
                let flags = (sys::JS_PROP_WRITABLE | sys::JS_PROP_CONFIGURABLE) as c_int;
                if sys::JS_DefinePropertyValueStr(c, v.as_raw(), c"stack".as_ptr(), s, flags) < 0 {
                    drop(Value::from_raw(self, sys::JS_GetException(c)));
                }
            }
        }
        v
    }

    /// The JS stack here, as an `Error` made now would show it (`    at f
    /// (file:line:col)` lines; a native function being called shows as `at
    /// name (native)`). `None` if it cannot be read (out of memory, or a
    /// script's `Error.prepareStackTrace` or `stack` getter made it no
    /// string).
    pub(crate) fn current_stack(self) -> Option<String> {
        // SAFETY: ctx is live; the error object is owned by the Value.
        let error = self
            .check(unsafe { sys::JS_NewError(self.as_raw()) })
            .ok()?;
        // SAFETY: error is live; the result is owned by the Value.
        let stack = self
            .check(unsafe {
                sys::JS_GetPropertyStr(self.as_raw(), error.as_raw(), c"stack".as_ptr())
            })
            .ok()?;
        sys::JS_IsString(stack.as_raw()).then(|| self.stringify(&stack))
    }
}

/// What [`Ctx::describe`] shows for a property of an error whose read threw.
const UNREADABLE: &str = "<exception while reading the error>";

/// The engine's `JS_Throw*Error` format into a 256-byte buffer: a message
/// this long or longer was cut, and [`Ctx::throw`] sets it whole.
const ENGINE_MESSAGE_MAX: usize = 255;

/// How [`Ctx::eval_with`] evaluates source.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::EvalKind;
/// let v: i32 = ctx.with(|ctx| ctx.eval_with("'use strict'; 1", "s.js", EvalKind::StrictScript)).unwrap();
/// assert_eq!(v, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EvalKind {
    /// A classic script; the result is its completion value.
    #[default]
    Script,
    /// A script in strict mode.
    StrictScript,
    /// An ES module; the result is the Promise of its evaluation. An
    /// evaluation that already failed (the module threw, or ran out of
    /// memory) is an `Err`; one still pending (top-level `await`) gives the
    /// promise, whose [`crate::Promise::wait`] reports a later failure.
    Module,
}

impl EvalKind {
    pub(crate) fn flags(self) -> u32 {
        match self {
            EvalKind::Script => sys::JS_EVAL_TYPE_GLOBAL,
            EvalKind::StrictScript => sys::JS_EVAL_TYPE_GLOBAL | sys::JS_EVAL_FLAG_STRICT,
            EvalKind::Module => sys::JS_EVAL_TYPE_MODULE,
        }
    }
}

impl<'js> Ctx<'js> {
    /// Evaluates a script (file name `<eval>`) and converts its completion value.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// assert_eq!(ctx.with(|ctx| ctx.eval::<f64>("Math.sqrt(2) ** 2")).unwrap().round(), 2.0);
    /// ```
    pub fn eval<T: FromJs<'js>>(self, source: &str) -> Result<T> {
        self.eval_with(source, "<eval>", EvalKind::Script)
    }

    /// Evaluates `source` as `kind`; `file_name` appears in stack traces.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Error, EvalKind, Value};
    /// let err = ctx.with(|ctx| ctx.eval_with::<Value>("null.x", "app.js", EvalKind::Script).map(drop)).unwrap_err();
    /// let Error::Thrown(e) = err else { panic!() };
    /// assert!(e.stack.unwrap().contains("app.js"));
    /// ```
    pub fn eval_with<T: FromJs<'js>>(
        self,
        source: &str,
        file_name: &str,
        kind: EvalKind,
    ) -> Result<T> {
        let v = self.eval_raw(source, file_name, kind.flags())?;
        #[cfg(not(quickjs_bellard))]
        if kind == EvalKind::Module {
            if let Some(reason) = self.rejection(&v) {
                return Err(Error::Thrown(self.describe(&reason)));
            }
        }
        T::from_js(&v)
    }

    /// The reason of `v` if it is a rejected promise.
    #[cfg(not(quickjs_bellard))]
    pub(crate) fn rejection(self, v: &Value<'js>) -> Option<Value<'js>> {
        // SAFETY: v is live; JS_PromiseResult returns a reference we own.
        unsafe {
            (sys::JS_IsPromise(v.as_raw())
                && sys::JS_PromiseState(self.as_raw(), v.as_raw()) == sys::JS_PROMISE_REJECTED)
                .then(|| Value::from_raw(self, sys::JS_PromiseResult(self.as_raw(), v.as_raw())))
        }
    }

    /// `JS_Eval` with `flags`; the result, or the exception as an error.
    pub(crate) fn eval_raw(self, source: &str, file_name: &str, flags: u32) -> Result<Value<'js>> {
        let src = CString::new(source)
            .map_err(|_| Error::type_error("source code contains a NUL byte"))?;
        let name = CString::new(file_name)
            .map_err(|_| Error::type_error("file name contains a NUL byte"))?;
        // SAFETY: ctx is live; src has source.len() bytes plus a NUL.
        let raw = unsafe {
            sys::JS_Eval(
                self.as_raw(),
                src.as_ptr(),
                source.len(),
                name.as_ptr(),
                flags as i32,
            )
        };
        self.check(raw)
    }

    /// Turns a raw result into a value, or the pending exception into an error.
    pub(crate) fn check(self, raw: sys::JSValue) -> Result<Value<'js>> {
        if sys::JS_IsException(raw) {
            Err(self.catch())
        } else {
            // SAFETY: a non-exception result of an engine call, owned by us.
            Ok(unsafe { Value::from_raw(self, raw) })
        }
    }

    /// Takes the pending exception out of the context as [`Error::Thrown`].
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Error, Value};
    /// ctx.with(|ctx| {
    ///     // Errors from the API already carry the caught exception:
    ///     let Err(Error::Thrown(e)) = ctx.eval::<Value>("throw new TypeError('t')") else { panic!() };
    ///     assert_eq!(e.name.as_deref(), Some("TypeError"));
    /// });
    /// ```
    pub fn catch(self) -> Error {
        // SAFETY: ctx is live; we own the exception value.
        let exc = unsafe { Value::from_raw(self, sys::JS_GetException(self.as_raw())) };
        let mut e = self.describe(&exc);
        // The value itself, so that returning the error to JS throws it again
        // (where the context has Rust state to hold it in, and its host has
        // not freed it). Not the engine's
        // out-of-memory error: keeping objects alive then only hurts.
        let out_of_memory = e.kind() == ErrorKind::InternalError && e.message == "out of memory";
        if !out_of_memory && HeldList::of(self).is_ok() {
            e.value = Held::new(&exc).ok().map(std::sync::Arc::new);
        }
        if crate::engine::handle::interrupts::is_interrupt(e.kind(), &e.message) {
            crate::engine::handle::interrupts::note_interrupt(self);
        } else if e.kind() == ErrorKind::InternalError {
            if let Some(p) = crate::engine::handle::interrupts::panic_thrown(self, &exc, &e.message)
            {
                return Error::Panic(p);
            }
        }
        Error::Thrown(e)
    }

    /// Name, message and stack of a thrown value. Bounded whatever the value
    /// does: each property is read once with the raw engine call, and a read
    /// that throws (a hostile getter, a Proxy trap, the stack limit) is
    /// dropped and shows as a fallback text; nothing here catches and
    /// describes again, so there is no recursion.
    pub(crate) fn describe(self, exc: &Value<'js>) -> Exception {
        // SAFETY: exc is a live value of this context.
        let is_error = unsafe { sys::JS_IsError(exc.as_raw()) };
        if sys::JS_IsNull(exc.as_raw()) && self.out_of_memory() {
            // The engine throws `null` when it cannot even allocate the
            // error object (JS_ThrowError2): say what happened.
            return Exception {
                name: Some("InternalError".into()),
                message: "out of memory".into(),
                stack: None,
                value: None,
            };
        }
        if !is_error {
            return Exception {
                name: None,
                message: self.stringify(exc),
                stack: None,
                value: None,
            };
        }
        let text = |key| {
            self.read_text(exc, key)
                .map(|t| t.unwrap_or_else(|()| UNREADABLE.into()))
        };
        let name = text(c"name");
        let mut message = text(c"message").unwrap_or_default();
        // The engine's out-of-memory error when the object fitted but its
        // message string did not (JS_MakeError2 then leaves the message
        // out, and `e.message` is the prototype's ""): say what happened,
        // as for the `null` above.
        if message.is_empty() && name.as_deref() == Some("InternalError") && self.out_of_memory() {
            message = "out of memory".into();
        }
        Exception {
            name,
            message,
            stack: text(c"stack"),
            value: None,
        }
    }

    /// `String(obj[key])`, read once with the raw engine call: `None` if
    /// undefined, `Err` if the read threw (the exception is dropped: a
    /// hostile getter, a Proxy trap, the stack limit; an interrupt is still
    /// seen by the boundary's watch).
    fn read_text(self, obj: &Value<'js>, key: &CStr) -> Option<std::result::Result<String, ()>> {
        // SAFETY: obj is live; the result is ours (an exception is taken out
        // and dropped at once).
        let v = unsafe {
            let raw = sys::JS_GetPropertyStr(self.as_raw(), obj.as_raw(), key.as_ptr());
            if sys::JS_IsException(raw) {
                drop(Value::from_raw(self, sys::JS_GetException(self.as_raw())));
                return Some(Err(()));
            }
            Value::from_raw(self, raw)
        };
        (!sys::JS_IsUndefined(v.as_raw())).then(|| Ok(self.stringify(&v)))
    }

    /// Whether the runtime is (nearly) out of memory: a small block, about
    /// what an error object with its stack costs, cannot be allocated.
    fn out_of_memory(self) -> bool {
        // SAFETY: ctx is live; a block we get is freed at once, and the
        // exception a failure throws is taken out and dropped.
        unsafe {
            let p = sys::js_malloc(self.as_raw(), 16 << 10);
            if p.is_null() {
                drop(Value::from_raw(self, sys::JS_GetException(self.as_raw())));
                return true;
            }
            sys::js_free(self.as_raw(), p);
        }
        false
    }

    /// `String(v)`, or a placeholder if that throws (the exception is dropped).
    pub(crate) fn stringify(self, v: &Value<'js>) -> String {
        // SAFETY: v is live; the C string is freed below.
        unsafe {
            let mut len = 0usize;
            let p = sys::JS_ToCStringLen(self.as_raw(), &mut len, v.as_raw());
            if p.is_null() {
                drop(Value::from_raw(self, sys::JS_GetException(self.as_raw())));
                return format!("<{} that cannot be converted to a string>", v.type_name());
            }
            let s = crate::engine::handle::value::engine_utf8_lossy(std::slice::from_raw_parts(
                p.cast::<u8>(),
                len,
            ));
            sys::JS_FreeCString(self.as_raw(), p);
            s
        }
    }

    /// Converts a Rust value into a JS value of this context.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v = ctx.value(vec![1, 2]).unwrap();
    ///     assert_eq!(v.type_name(), "array");
    /// });
    /// ```
    pub fn value<T: IntoJs<'js>>(self, v: T) -> Result<Value<'js>> {
        v.into_js(self)
    }

    /// The context's runtime.
    #[inline(always)]
    pub(crate) fn rt(self) -> *mut sys::JSRuntime {
        // SAFETY: the context is live (the type's invariant).
        unsafe { sys::JS_GetRuntime(self.as_raw()) }
    }

    /// A new JS function calling the C function `func` (`kind`: generic or
    /// constructor).
    pub(crate) fn new_c_function(
        self,
        func: sys::JSCFunction,
        name: &CStr,
        length: u32,
        kind: sys::JSCFunctionEnum,
    ) -> Result<Value<'js>> {
        // SAFETY: the context is live; the function is owned by the result.
        self.check(unsafe {
            sys::JS_NewCFunction2(
                self.as_raw(),
                func,
                name.as_ptr(),
                length.min(c_int::MAX as u32) as c_int,
                kind,
                0,
            )
        })
    }

    /// Defines `obj[key] = value` with `flags` (`JS_PROP_*`).
    pub(crate) fn define(
        self,
        obj: &Value<'js>,
        key: &Atom<'js>,
        value: Value<'js>,
        flags: u32,
    ) -> Result<()> {
        // SAFETY: obj and the atom are live; the value is handed over.
        let r = unsafe {
            sys::JS_DefinePropertyValue(
                self.as_raw(),
                obj.as_raw(),
                key.raw,
                value.into_raw(),
                flags as c_int,
            )
        };
        if r < 0 {
            return Err(self.catch());
        }
        Ok(())
    }

    /// The atom of `name`.
    pub(crate) fn atom(self, name: &CStr) -> Result<Atom<'js>> {
        // SAFETY: the context is live; the atom is owned by the result.
        let raw = unsafe { sys::JS_NewAtom(self.as_raw(), name.as_ptr()) };
        Atom::new(self, raw)
    }

    /// The atom of a value (a symbol, or a string).
    pub(crate) fn atom_of(self, v: &Value<'js>) -> Result<Atom<'js>> {
        // SAFETY: v is live; the atom is owned by the result.
        let raw = unsafe { sys::JS_ValueToAtom(self.as_raw(), v.as_raw()) };
        Atom::new(self, raw)
    }
}

/// An owned atom of a context's runtime, freed when dropped.
pub(crate) struct Atom<'js> {
    ctx: Ctx<'js>,
    pub(crate) raw: sys::JSAtom,
}

impl<'js> Atom<'js> {
    /// Takes ownership of `raw`; `JS_ATOM_NULL` is the pending exception.
    pub(crate) fn new(ctx: Ctx<'js>, raw: sys::JSAtom) -> Result<Self> {
        if raw == sys::JS_ATOM_NULL {
            return Err(ctx.catch());
        }
        Ok(Atom { ctx, raw })
    }
}

impl Drop for Atom<'_> {
    fn drop(&mut self) {
        // SAFETY: we own the atom, of the live context's runtime.
        unsafe { sys::JS_FreeAtom(self.ctx.as_raw(), self.raw) }
    }
}
