//! The context handle and owned JS values: the one home of raw value handling.

use crate::error::{Error, ErrorKind};
use quickjs_sys as sys;
use std::ffi::CString;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A borrowed handle to a live `JSContext`, branded by the lifetime `'js`
/// (invariant), so values made in it cannot escape the scope that owns it.
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
    #[inline(always)]
    pub unsafe fn from_raw(raw: *mut sys::JSContext) -> Self {
        Ctx {
            raw: NonNull::new_unchecked(raw),
            _brand: PhantomData,
        }
    }

    /// The raw context pointer.
    #[inline(always)]
    pub fn as_raw(self) -> *mut sys::JSContext {
        self.raw.as_ptr()
    }

    /// Throws `error` in this context; returns the `JS_EXCEPTION` marker that a
    /// C function returns to propagate it.
    pub fn throw(self, error: Error) -> sys::JSValue {
        let (kind, message) = match error {
            Error::Exception => return sys::JS_EXCEPTION,
            Error::Js { kind, message } => (kind, message),
            Error::Thrown(e) => (e.kind(), e.message),
        };
        // Interior NULs would cut the message short: show them as U+FFFD.
        let message = CString::new(message.replace('\0', "\u{fffd}")).unwrap();
        let fmt = c"%s".as_ptr();
        let ctx = self.as_raw();
        // SAFETY: ctx is live; "%s" consumes exactly the one C-string argument.
        unsafe {
            match kind {
                ErrorKind::TypeError => sys::JS_ThrowTypeError(ctx, fmt, message.as_ptr()),
                ErrorKind::RangeError => sys::JS_ThrowRangeError(ctx, fmt, message.as_ptr()),
                ErrorKind::InternalError => sys::JS_ThrowInternalError(ctx, fmt, message.as_ptr()),
                ErrorKind::Error => sys::JS_ThrowPlainError(ctx, fmt, message.as_ptr()),
            }
        }
    }

    /// A handle to this context's [`crate::Runtime`] (`None` if no `Runtime`
    /// owns it: a runtime made by a C host such as qjs).
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
pub struct Value<'js> {
    ctx: Ctx<'js>,
    raw: sys::JSValue,
}

impl<'js> Value<'js> {
    /// Takes ownership of a raw value.
    ///
    /// # Safety
    /// `raw` must be a live value of `ctx` whose reference the caller owns.
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Ctx<'js>, raw: sys::JSValue) -> Self {
        Value { ctx, raw }
    }

    /// `undefined`.
    #[inline(always)]
    pub fn undefined(ctx: Ctx<'js>) -> Self {
        Value {
            ctx,
            raw: sys::JS_UNDEFINED,
        }
    }

    /// The context this value belongs to.
    #[inline(always)]
    pub fn ctx(&self) -> Ctx<'js> {
        self.ctx
    }

    /// The raw value, still owned by `self`.
    #[inline(always)]
    pub fn as_raw(&self) -> sys::JSValue {
        self.raw
    }

    /// Gives up ownership: the caller must free the returned value.
    #[inline(always)]
    pub fn into_raw(self) -> sys::JSValue {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }

    /// The value's tag (`JS_TAG_*`).
    #[inline(always)]
    pub fn tag(&self) -> i32 {
        sys::JS_VALUE_GET_TAG(self.raw)
    }

    /// What a conversion error calls this value: its `typeof`, except that
    /// `null` and arrays are named as such.
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
                } else if unsafe { sys::JS_IsArray(self.raw) } {
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
