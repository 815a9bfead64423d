//! [`Value`]: an owned JS value (one counted reference), valid as long as
//! its context's brand `'js`.
//!
//! Invariant: a `Value` owns exactly one reference to `raw`, a value of the
//! runtime of `ctx`; it is released by `Drop`, once.

use super::ctx::Ctx;
use super::traits::FromJs;
use quickjs_sys as sys;

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
        sys::JS_VALUE_GET_NORM_TAG(self.raw)
    }

    /// An array (a Proxy of an array is not one on quickjs-ng; on
    /// Bellard's QuickJS it is, as with `Array.isArray`).
    pub fn is_array(&self) -> bool {
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

    /// `typeof value === "undefined"`.
    pub fn is_undefined(&self) -> bool {
        matches!(
            self.tag(),
            sys::JS_TAG_UNDEFINED | sys::JS_TAG_UNINITIALIZED
        )
    }

    /// `value === null`.
    pub fn is_null(&self) -> bool {
        self.tag() == sys::JS_TAG_NULL
    }

    /// A boolean.
    pub fn is_bool(&self) -> bool {
        self.tag() == sys::JS_TAG_BOOL
    }

    /// A number (not a bigint).
    pub fn is_number(&self) -> bool {
        matches!(self.tag(), sys::JS_TAG_INT | sys::JS_TAG_FLOAT64)
    }

    /// A string.
    pub fn is_string(&self) -> bool {
        matches!(self.tag(), sys::JS_TAG_STRING | sys::JS_TAG_STRING_ROPE)
    }

    /// A symbol.
    pub fn is_symbol(&self) -> bool {
        self.tag() == sys::JS_TAG_SYMBOL
    }

    /// A bigint.
    pub fn is_bigint(&self) -> bool {
        matches!(self.tag(), sys::JS_TAG_BIG_INT | sys::JS_TAG_SHORT_BIG_INT)
    }

    /// An object (functions and arrays too; not `null`).
    pub fn is_object(&self) -> bool {
        self.tag() == sys::JS_TAG_OBJECT
    }

    /// Callable (`typeof value === "function"`).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: Vec<quickjs::Value> = ctx.eval("[() => 1, class {}, [], {}, new Error('e'), null]").unwrap();
    ///     let t: Vec<_> = v.iter().map(|v| (v.is_function(), v.is_array(), v.is_error(), v.is_object())).collect();
    ///     assert_eq!(t, [
    ///         (true, false, false, true), (true, false, false, true), (false, true, false, true),
    ///         (false, false, false, true), (false, false, true, true), (false, false, false, false),
    ///     ]);
    /// });
    /// ```
    pub fn is_function(&self) -> bool {
        // SAFETY: a live value of a live context.
        self.is_object() && unsafe { sys::JS_IsFunction(self.ctx().as_raw(), self.as_raw()) }
    }

    /// An `Error` object (made by an error constructor, whatever its
    /// prototype says now).
    pub fn is_error(&self) -> bool {
        // SAFETY: a live value (quickjs-sys gives Bellard's the same
        // signature).
        unsafe { sys::JS_IsError(self.as_raw()) }
    }

    /// Converts the value into `T` ([`FromJs`]): `v.get::<i32>()`,
    /// `v.get::<Vec<String>>()`, `v.get::<quickjs::Object>()`, as
    /// [`crate::Object::get`] and [`crate::Held::get`] do for what they hold.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: quickjs::Value = ctx.eval("[1, 2]").unwrap();
    ///     assert_eq!(v.get::<Vec<u8>>().unwrap(), [1, 2]);
    ///     assert_eq!(v.get::<String>().unwrap_err().to_string(), "TypeError: expected string, got array");
    /// });
    /// ```
    pub fn get<T: FromJs<'js>>(&self) -> crate::engine::handle::error::Result<T> {
        T::from_js(self)
    }

    /// The number, if the value is one (not a bigint).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: Vec<quickjs::Value> = ctx.eval("[1, 2.5, '3', true]").unwrap();
    ///     let n: Vec<_> = v.iter().map(|v| v.as_number()).collect();
    ///     assert_eq!(n, [Some(1.0), Some(2.5), None, None]);
    ///     assert_eq!(v[0].as_int(), Some(1));
    ///     assert_eq!(v[1].as_int(), None);
    ///     assert_eq!(v[3].as_bool(), Some(true));
    /// });
    /// ```
    #[inline]
    pub fn as_number(&self) -> Option<f64> {
        match self.tag() {
            sys::JS_TAG_INT => Some(sys::JS_VALUE_GET_INT(self.raw) as f64),
            sys::JS_TAG_FLOAT64 => Some(sys::JS_VALUE_GET_FLOAT64(self.raw)),
            _ => None,
        }
    }

    /// The number as an `i32`, if the value is a number with an `i32`
    /// value (`3` and `3.0` alike; not `-0`, `3.5` or `2 ** 31`).
    #[inline]
    pub fn as_int(&self) -> Option<i32> {
        match self.tag() {
            sys::JS_TAG_INT => Some(sys::JS_VALUE_GET_INT(self.raw)),
            sys::JS_TAG_FLOAT64 => {
                let f = sys::JS_VALUE_GET_FLOAT64(self.raw);
                let i = f as i32;
                (i as f64 == f && !(i == 0 && f.is_sign_negative())).then_some(i)
            }
            _ => None,
        }
    }

    /// The boolean, if the value is one.
    #[inline]
    pub fn as_bool(&self) -> Option<bool> {
        (self.tag() == sys::JS_TAG_BOOL).then(|| sys::JS_VALUE_GET_BOOL(self.raw))
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
                if self.is_function() {
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
        Value {
            ctx: self.ctx,
            // SAFETY: self is live; JS_DupValue returns a new counted reference.
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

/// The engine's UTF-8 for a string, which encodes a lone UTF-16 surrogate
/// as its 3-byte generalized form (`ED A0..BF 80..BF`): each such sequence
/// becomes one U+FFFD, any other invalid byte too.
pub(crate) fn engine_utf8_lossy(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (valid, bad) = rest.split_at(e.valid_up_to());
                // SAFETY: from_utf8 validated this prefix.
                out.push_str(unsafe { std::str::from_utf8_unchecked(valid) });
                out.push('\u{fffd}');
                let surrogate = bad.len() >= 3
                    && bad[0] == 0xED
                    && (0xA0..=0xBF).contains(&bad[1])
                    && (0x80..=0xBF).contains(&bad[2]);
                rest = &bad[if surrogate {
                    3
                } else {
                    e.error_len().unwrap_or(bad.len())
                }..];
            }
        }
    }
    out
}
