//! The context handle and owned JS values: the one home of raw value handling.

use crate::error::{Error, ErrorKind};
use quickjs_sys as sys;
use std::ffi::CString;
use std::marker::PhantomData;
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
            raw: NonNull::new_unchecked(raw),
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
            Error::Thrown(e) => (e.kind(), e.message),
            Error::Timeout(d) => (ErrorKind::InternalError, format!("timed out after {d:?}")),
        };
        let interrupt = crate::limits::is_interrupt(kind, &message);
        // Interior NULs would cut the message short: show them as U+FFFD.
        let message = CString::new(message.replace('\0', "\u{fffd}")).unwrap();
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

    /// A handle to this context's [`crate::Runtime`] (`None` if no `Runtime`
    /// owns it: a runtime made by a C host such as qjs).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| assert!(ctx.runtime().is_some()));
    /// ```
    #[cfg(not(quickjs_bellard))]
    pub fn runtime(self) -> Option<crate::Runtime> {
        crate::runtime::Runtime::of_context(self)
    }

    /// Takes the pending exception (or makes an `Error` value from `error`) as
    /// a value, e.g. to reject a promise with it.
    pub(crate) fn error_value(self, error: Error) -> Value<'js> {
        self.throw(error);
        // SAFETY: ctx is live; JS_GetException transfers ownership to us.
        unsafe { Value::from_raw(self, sys::JS_GetException(self.as_raw())) }
    }
}

/// An owned JS value (a counted reference), valid as long as its context.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Value;
/// ctx.with(|ctx| {
///     let v: Value = ctx.eval("[1]").unwrap();
///     let w = v.clone(); // another counted reference
///     assert_eq!(w.type_name(), "array");
/// });
/// ```
pub struct Value<'js> {
    ctx: Ctx<'js>,
    raw: sys::JSValue,
}

impl<'js> Value<'js> {
    /// Takes ownership of a raw value.
    ///
    /// # Safety
    /// `raw` must be a live value of `ctx` whose reference the caller owns.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     // SAFETY: JS_NewObject returns a new reference that we hand over.
    ///     let v = unsafe { quickjs::Value::from_raw(ctx, quickjs::sys::JS_NewObject(ctx.as_raw())) };
    ///     assert_eq!(v.type_name(), "object");
    /// });
    /// ```
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Ctx<'js>, raw: sys::JSValue) -> Self {
        Value { ctx, raw }
    }

    /// `undefined`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| assert_eq!(quickjs::Value::undefined(ctx).type_name(), "undefined"));
    /// ```
    #[inline(always)]
    pub fn undefined(ctx: Ctx<'js>) -> Self {
        Value {
            ctx,
            raw: sys::JS_UNDEFINED,
        }
    }

    /// The context this value belongs to.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: quickjs::Value = ctx.eval("1").unwrap();
    ///     assert_eq!(v.ctx().eval::<i32>("2").unwrap(), 2);
    /// });
    /// ```
    #[inline(always)]
    pub fn ctx(&self) -> Ctx<'js> {
        self.ctx
    }

    /// The raw value, still owned by `self`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: quickjs::Value = ctx.eval("7").unwrap();
    ///     assert_eq!(quickjs::sys::JS_VALUE_GET_INT(v.as_raw()), 7);
    /// });
    /// ```
    #[inline(always)]
    pub fn as_raw(&self) -> sys::JSValue {
        self.raw
    }

    /// Gives up ownership: the caller must free the returned value.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: quickjs::Value = ctx.eval("({})").unwrap();
    ///     let raw = v.into_raw();
    ///     // SAFETY: we own `raw`; from_raw takes the ownership back.
    ///     drop(unsafe { quickjs::Value::from_raw(ctx, raw) });
    /// });
    /// ```
    #[inline(always)]
    pub fn into_raw(self) -> sys::JSValue {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }

    /// The value's tag (`JS_TAG_*`).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: quickjs::Value = ctx.eval("1.5").unwrap();
    ///     assert_eq!(v.tag(), quickjs::sys::JS_TAG_FLOAT64);
    /// });
    /// ```
    #[inline(always)]
    pub fn tag(&self) -> i32 {
        sys::JS_VALUE_GET_TAG(self.raw)
    }

    /// Whether this is an array (not following proxies on quickjs-ng).
    pub(crate) fn is_array(&self) -> bool {
        // SAFETY: self is a live value of a live context.
        #[cfg(not(quickjs_bellard))]
        return unsafe { sys::JS_IsArray(self.raw) };
        // Bellard's takes the context and follows proxies (Array.isArray); a
        // revoked proxy throws: not an array, and the exception is dropped.
        // SAFETY: as above.
        #[cfg(quickjs_bellard)]
        unsafe {
            let r = sys::JS_IsArray(self.ctx.as_raw(), self.raw);
            if r < 0 {
                sys::JS_FreeValue(self.ctx.as_raw(), sys::JS_GetException(self.ctx.as_raw()));
            }
            r > 0
        }
    }

    /// What a conversion error calls this value: its `typeof`, except that
    /// `null` and arrays are named as such.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     assert_eq!(ctx.eval::<quickjs::Value>("null").unwrap().type_name(), "null");
    ///     assert_eq!(ctx.eval::<quickjs::Value>("[]").unwrap().type_name(), "array");
    /// });
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self.tag() {
            sys::JS_TAG_INT | sys::JS_TAG_FLOAT64 => "number",
            sys::JS_TAG_BOOL => "boolean",
            sys::JS_TAG_NULL => "null",
            sys::JS_TAG_UNDEFINED | sys::JS_TAG_UNINITIALIZED => "undefined",
            sys::JS_TAG_STRING | sys::JS_TAG_STRING_ROPE => "string",
            sys::JS_TAG_SYMBOL => "symbol",
            sys::JS_TAG_BIG_INT | sys::JS_TAG_SHORT_BIG_INT => "bigint",
            sys::JS_TAG_OBJECT => {
                // SAFETY (both calls): self is a live object of a live context.
                if unsafe { sys::JS_IsFunction(self.ctx.as_raw(), self.raw) } {
                    "function"
                } else if self.is_array() {
                    "array"
                } else {
                    "object"
                }
            }
            _ => "internal value",
        }
    }
}

impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Value({})", self.type_name())
    }
}

impl Clone for Value<'_> {
    #[inline]
    fn clone(&self) -> Self {
        // SAFETY: self is live; JS_DupValue returns a new counted reference.
        Value {
            ctx: self.ctx,
            raw: unsafe { sys::JS_DupValue(self.ctx.as_raw(), self.raw) },
        }
    }
}

impl Drop for Value<'_> {
    #[inline]
    fn drop(&mut self) {
        if sys::JS_VALUE_HAS_REF_COUNT(self.raw) {
            // SAFETY: we own one reference to a live value of a live context.
            unsafe { sys::JS_FreeValue(self.ctx.as_raw(), self.raw) }
        }
    }
}
