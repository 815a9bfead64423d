//! Conversions between JS values and Rust's own types (numbers, `bool`,
//! strings, `Option`, `Result`, `()`): [`FromJs`] for arguments, [`IntoJs`]
//! for results. A failed conversion says what was expected and what was
//! found; numbers are range-checked, never wrapped.

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{FromJs, IntoJs};
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::any::Any;
use std::fmt::Display;

#[inline]
fn expected(what: &str, value: &Value<'_>) -> Error {
    Error::type_error(format!("expected {what}, got {}", value.type_name()))
}

/// The number in `value`, if it holds one.
#[inline(always)]
fn number(value: &Value<'_>) -> Option<f64> {
    let raw = value.as_raw();
    match sys::JS_VALUE_GET_NORM_TAG(raw) {
        sys::JS_TAG_INT => Some(sys::JS_VALUE_GET_INT(raw) as f64),
        sys::JS_TAG_FLOAT64 => Some(sys::JS_VALUE_GET_FLOAT64(raw)),
        _ => None,
    }
}

macro_rules! integers {
    ($($t:ty),* ; wide: $($w:ty),*) => {
        $(integers!(@one $t, false);)*
        $(integers!(@one $w, true);)*
    };
    (@one $t:ty, $wide:expr) => {
        impl<'js> FromJs<'js> for $t {
            /// An int in range inline (what a call passes almost always);
            /// the rest out of line, so a trampoline stays small.
            #[inline(always)]
            fn from_js(value: &Value<'js>) -> Result<Self> {
                let raw = value.as_raw();
                // Irrefutable for the types an i32 always fits.
                #[allow(irrefutable_let_patterns)]
                if sys::JS_VALUE_GET_NORM_TAG(raw) == sys::JS_TAG_INT {
                    if let Ok(v) = <$t>::try_from(sys::JS_VALUE_GET_INT(raw)) {
                        return Ok(v);
                    }
                }
                Self::from_js_slow(value)
            }
        }

        impl ConvertSlow for $t {
            #[inline(never)]
            fn from_js_slow(value: &Value<'_>) -> Result<Self> {
                let raw = value.as_raw();
                if sys::JS_VALUE_GET_NORM_TAG(raw) == sys::JS_TAG_INT {
                    let i = sys::JS_VALUE_GET_INT(raw);
                    return <$t>::try_from(i).map_err(|_| out_of_range(stringify!($t), <$t>::MIN, <$t>::MAX, JsNumber(i as f64)));
                }
                let Some(f) = number(value) else {
                    // 64- and 128-bit integers also take a bigint, exactly.
                    if $wide && is_bigint(value) {
                        let n = bigint_i128(value)?;
                        return <$t>::try_from(n).map_err(|_| out_of_range(stringify!($t), <$t>::MIN, <$t>::MAX, format_args!("{n}n")));
                    }
                    return Err(expected("number", value));
                };
                if f.fract() != 0.0 || !f.is_finite() {
                    return Err(Error::type_error(format!("expected an integer, got {}", JsNumber(f))));
                }
                // MAX as f64 rounds up to a power of two for 64-bit types, so
                // `< MAX + 1` is the exact upper bound for every width.
                if f < <$t>::MIN as f64 || f >= <$t>::MAX as f64 + 1.0 {
                    return Err(out_of_range(stringify!($t), <$t>::MIN, <$t>::MAX, JsNumber(f)));
                }
                Ok(f as $t)
            }
        }
    };
}
/// The out-of-line part of a conversion (see `integers!`).
trait ConvertSlow: Sized {
    fn from_js_slow(value: &Value<'_>) -> Result<Self>;
}

integers!(i8, i16, i32, u8, u16, u32; wide: i64, u64, isize, usize, i128, u128);

/// Whether `value` is a bigint.
#[inline]
fn is_bigint(value: &Value<'_>) -> bool {
    matches!(value.tag(), sys::JS_TAG_BIG_INT | sys::JS_TAG_SHORT_BIG_INT)
}

/// A bigint's value, exactly (an error beyond 128 bits).
#[cold]
pub(crate) fn bigint_i128(value: &Value<'_>) -> Result<i128> {
    let text = value.ctx().stringify(value);
    text.parse::<i128>().map_err(|_| {
        Error::range_error(format!(
            "expected a bigint of at most 128 bits, got {text}n"
        ))
    })
}

#[cold]
fn out_of_range(ty: &str, min: impl Display, max: impl Display, got: impl Display) -> Error {
    Error::range_error(format!("expected {ty} ({min}..={max}), got {got}"))
}

/// A number as JS writes it in messages: `Infinity`, `-Infinity`, `NaN`,
/// exponents from 1e21 and below 1e-6 (`1e+21`, `1e-7`), `-0` as `0`.
pub(crate) struct JsNumber(pub f64);

impl Display for JsNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        if x.is_nan() {
            f.write_str("NaN")
        } else if x.is_infinite() {
            f.write_str(if x > 0.0 { "Infinity" } else { "-Infinity" })
        } else if x == 0.0 {
            f.write_str("0")
        } else if x.abs() >= 1e21 || x.abs() < 1e-6 {
            // JS switches to exponent notation from 1e21 and below 1e-6
            // (Rust never does).
            let e = format!("{x:e}");
            match e.split_once('e') {
                Some((m, exp)) if !exp.starts_with('-') => write!(f, "{m}e+{exp}"),
                _ => f.write_str(&e),
            }
        } else {
            write!(f, "{x}")
        }
    }
}

impl<'js> FromJs<'js> for f64 {
    #[inline(always)]
    fn from_js(value: &Value<'js>) -> Result<Self> {
        number(value).ok_or_else(|| expected("number", value))
    }
}

/// Rounds to the nearest `f32` (JS numbers are doubles).
impl<'js> FromJs<'js> for f32 {
    #[inline(always)]
    fn from_js(value: &Value<'js>) -> Result<Self> {
        f64::from_js(value).map(|f| f as f32)
    }
}

impl<'js> FromJs<'js> for bool {
    #[inline(always)]
    fn from_js(value: &Value<'js>) -> Result<Self> {
        match value.tag() {
            sys::JS_TAG_BOOL => Ok(sys::JS_VALUE_GET_BOOL(value.as_raw())),
            _ => Err(expected("boolean", value)),
        }
    }
}

/// `undefined` and `null` are `None`.
impl<'js, T: FromJs<'js>> FromJs<'js> for Option<T> {
    const OPTIONAL: bool = true;
    #[inline(always)]
    fn from_js(value: &Value<'js>) -> Result<Self> {
        match value.tag() {
            sys::JS_TAG_UNDEFINED | sys::JS_TAG_NULL => Ok(None),
            _ => T::from_js(value).map(Some),
        }
    }
}

impl<'js> FromJs<'js> for Value<'js> {
    #[inline(always)]
    fn from_js(value: &Value<'js>) -> Result<Self> {
        Ok(value.clone())
    }
}

/// One copy: an ASCII string's bytes are copied straight out of the engine
/// (no reference taken, no intermediate buffer); the rest through
/// [`JsStr`]'s UTF-8 conversion.
impl<'js> FromJs<'js> for String {
    #[inline]
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let ctx = value.ctx();
        if let Some(bytes) = ascii_in_place(value) {
            super::limits::check_alloc(ctx, bytes.len())?;
            super::limits::charge(ctx, bytes.len())?;
            // SAFETY: ASCII is UTF-8.
            return Ok(unsafe { String::from_utf8_unchecked(bytes.to_vec()) });
        }
        if !sys::JS_IsString(value.as_raw()) {
            return Err(expected("string", value));
        }
        let s = converted(value)?;
        super::limits::check_alloc(ctx, s.len())?;
        Ok(s.as_str().to_owned())
    }
}

/// The bytes of a string of 8-bit characters that are all ASCII, in place
/// (patch 0012's `JS_GetStringBytes8`): valid while `value` is.
#[inline(always)]
fn ascii_in_place<'a>(value: &'a Value<'_>) -> Option<&'a [u8]> {
    let mut len = 0usize;
    // SAFETY: reads the tag, and for a string its header; the bytes live as
    // long as the string, which `value` (borrowed for 'a) holds.
    let bytes = unsafe { sys::JS_GetStringBytes8(value.as_raw(), &mut len) };
    if bytes.is_null() {
        return None;
    }
    // SAFETY: len bytes of the live string (see above).
    let bytes = unsafe { std::slice::from_raw_parts(bytes, len) };
    ascii(bytes).then_some(bytes)
}

/// The UTF-8 text of a JS string, borrowed from the engine: what a `&str`
/// argument of a `#[js]` function points into. Released on drop.
///
/// A string of 8-bit characters that are all ASCII (most strings) is read
/// in place: its own bytes are UTF-8 already (patch 0012's
/// `JS_GetStringBytes8`; the `JsStr` holds a reference to the string, so
/// the bytes stay put). Anything else (non-ASCII Latin-1, wide strings,
/// ropes) goes through the engine's UTF-8 conversion, `JS_ToCStringLen`.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{FromJs, JsStr, Value};
/// ctx.with(|ctx| {
///     let v: Value = ctx.eval("'borrowed'").unwrap();
///     let s = JsStr::from_js(&v).unwrap();
///     assert_eq!(&*s, "borrowed");
/// });
/// ```
pub struct JsStr<'js> {
    ctx: Ctx<'js>,
    ptr: *const std::os::raw::c_char,
    len: usize,
    /// The string `ptr` points into (a reference we own), or undefined
    /// when `ptr` is a C string of `JS_ToCStringLen` (freed with
    /// `JS_FreeCString`).
    owner: sys::JSValue,
}

impl<'js> JsStr<'js> {
    /// The text.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{FromJs, JsStr, Value};
    /// ctx.with(|ctx| {
    ///     let v: Value = ctx.eval("'xyz'").unwrap();
    ///     assert_eq!(JsStr::from_js(&v).unwrap().as_str().len(), 3);
    /// });
    /// ```
    #[inline(always)]
    pub fn as_str(&self) -> &str {
        // SAFETY: ptr..ptr+len is the engine's buffer, alive until drop, and
        // was checked to be UTF-8 in from_js.
        unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(self.ptr.cast(), self.len))
        }
    }

    /// Whether the text is the string's own bytes (no conversion was made).
    #[cfg(test)]
    fn in_place(&self) -> bool {
        sys::JS_IsString(self.owner)
    }
}

impl<'js> FromJs<'js> for JsStr<'js> {
    #[inline]
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let ctx = value.ctx();
        if let Some(bytes) = ascii_in_place(value) {
            super::limits::charge(ctx, bytes.len())?;
            // The reference taken keeps the bytes where they are.
            return Ok(JsStr {
                ctx,
                ptr: bytes.as_ptr().cast(),
                len: bytes.len(),
                owner: value.clone().into_raw(),
            });
        }
        if !sys::JS_IsString(value.as_raw()) {
            return Err(expected("string", value));
        }
        converted(value)
    }
}

/// The engine's UTF-8 copy of a string that is not plain ASCII, checked.
#[inline(never)]
fn converted<'js>(value: &Value<'js>) -> Result<JsStr<'js>> {
    let ctx = value.ctx();
    let mut len = 0usize;
    // SAFETY: value is a live string of ctx; the result is freed by Drop.
    let ptr = unsafe { sys::JS_ToCStringLen(ctx.as_raw(), &mut len, value.as_raw()) };
    if ptr.is_null() {
        return Err(ctx.catch()); // out of memory: the engine threw
    }
    let s = JsStr {
        ctx,
        ptr,
        len,
        owner: sys::JS_UNDEFINED,
    };
    super::limits::charge(ctx, len)?;
    // SAFETY: as in as_str, before the UTF-8 check.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    // A lone surrogate comes out as invalid UTF-8.
    if !ascii(bytes) && std::str::from_utf8(bytes).is_err() {
        return Err(Error::type_error(
            "expected a string of valid Unicode, got invalid UTF-16",
        ));
    }
    Ok(s)
}

impl std::ops::Deref for JsStr<'_> {
    type Target = str;
    #[inline(always)]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Drop for JsStr<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the reference or the C string is ours, of this live context.
        unsafe {
            if sys::JS_IsString(self.owner) {
                sys::JS_FreeValue(self.ctx.as_raw(), self.owner)
            } else {
                sys::JS_FreeCString(self.ctx.as_raw(), self.ptr)
            }
        }
    }
}

/// Whether `bytes` is all ASCII: eight bytes at a time (four words per
/// step), the tail as one more (overlapping) word.
#[inline(always)]
fn ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let n = bytes.len();
    if n < 8 {
        return bytes.iter().fold(0u8, |a, &b| a | b) < 0x80;
    }
    let p = bytes.as_ptr();
    // SAFETY: called with i + 8 <= n only: eight bytes inside the slice.
    let word = |i: usize| unsafe { p.add(i).cast::<u64>().read_unaligned() };
    let mut acc = word(n - 8);
    let mut i = 0;
    // Four words per step: one branch per 32 bytes.
    while i + 32 <= n {
        acc |= word(i) | word(i + 8) | word(i + 16) | word(i + 24);
        i += 32;
    }
    while i + 8 <= n {
        acc |= word(i);
        i += 8;
    }
    acc & HIGH == 0
}

macro_rules! into_number {
    ($($t:ty => $new:ident as $as:ty),*) => {$(
        impl<'js> IntoJs<'js> for $t {
            #[inline(always)]
            fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
                // SAFETY: a number owns no reference.
                Ok(unsafe { Value::from_raw(ctx, sys::$new(ctx.as_raw(), self as $as)) })
            }
        }
    )*};
}
into_number!(i8 => JS_NewInt32 as i32, i16 => JS_NewInt32 as i32, i32 => JS_NewInt32 as i32,
    u8 => JS_NewInt32 as i32, u16 => JS_NewInt32 as i32, u32 => JS_NewUint32 as u32,
    f64 => JS_NewFloat64 as f64, f32 => JS_NewFloat64 as f64,
    bool => JS_NewBool as bool);

/// 64- and 128-bit integers become JS numbers when the number is exact:
/// every integer up to 2^53 in magnitude, and larger ones that a double
/// holds exactly (powers of two, ...). Any other is an error, never a
/// silently rounded number (`u64::MAX` is not `18446744073709552000`): return
/// [`crate::BigInt`] to give JS a bigint.
macro_rules! into_exact_number {
    ($($t:ty),*) => {$(
        impl<'js> IntoJs<'js> for $t {
            #[inline(always)]
            fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
                let f = self as f64;
                if f as i128 != self as i128 || (self as i128 >= 0 && f >= i128::MAX as f64) {
                    return Err(inexact(stringify!($t), self));
                }
                // SAFETY: a number owns no reference.
                Ok(unsafe { Value::from_raw(ctx, if f.abs() <= i32::MAX as f64 {
                    sys::JS_NewInt32(ctx.as_raw(), self as i32)
                } else {
                    sys::JS_NewFloat64(ctx.as_raw(), f)
                }) })
            }
        }
    )*};
}
into_exact_number!(i64, u64, isize, usize, i128);

impl<'js> IntoJs<'js> for u128 {
    #[inline]
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let f = self as f64;
        if f >= u128::MAX as f64 || f as u128 != self {
            return Err(inexact("u128", self));
        }
        (f as i128).into_js(ctx)
    }
}

#[cold]
fn inexact(ty: &str, n: impl Display) -> Error {
    Error::range_error(format!(
        "{ty} {n} has no exact JS number (beyond 2^53): return quickjs::BigInt for a bigint"
    ))
}

impl<'js> IntoJs<'js> for () {
    #[inline(always)]
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        Ok(Value::undefined(ctx))
    }
}

/// Accepts any value and ignores it: for code run for its effects.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// ctx.with(|ctx| ctx.eval::<()>("globalThis.x = 1").unwrap());
/// ```
impl<'js> FromJs<'js> for () {
    #[inline(always)]
    fn from_js(_value: &Value<'js>) -> Result<Self> {
        Ok(())
    }
}

impl<'js> IntoJs<'js> for Value<'js> {
    #[inline(always)]
    fn into_js(self, _ctx: Ctx<'js>) -> Result<Value<'js>> {
        Ok(self)
    }
}

impl<'js> IntoJs<'js> for &str {
    #[inline]
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        // SAFETY: ctx is live; the engine copies len bytes (NULs included).
        let raw = unsafe { sys::JS_NewStringLen(ctx.as_raw(), self.as_ptr().cast(), self.len()) };
        if sys::JS_IsException(raw) {
            return Err(Error::Exception);
        }
        // SAFETY: a new value we own.
        Ok(unsafe { Value::from_raw(ctx, raw) })
    }
}

impl<'js> IntoJs<'js> for String {
    #[inline]
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.as_str().into_js(ctx)
    }
}

/// `None` is `undefined`.
impl<'js, T: IntoJs<'js>> IntoJs<'js> for Option<T> {
    #[inline]
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        match self {
            Some(v) => v.into_js(ctx),
            None => Ok(Value::undefined(ctx)),
        }
    }
}

/// `Err(e)` is thrown: a [`crate::Error`] as its kind says, any other error
/// as a plain `Error` with `e.to_string()` as message.
impl<'js, T: IntoJs<'js>, E: Display + 'static> IntoJs<'js> for std::result::Result<T, E> {
    #[inline]
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        match self {
            Ok(v) => v.into_js(ctx),
            Err(e) => Err(error_from(e)),
        }
    }
}

/// The error a Rust `Err(e)` throws: a [`crate::Error`] as its kind says,
/// any other error a plain `Error` with `e.to_string()` as message.
pub(crate) fn error_from<E: Display + 'static>(e: E) -> Error {
    match (&e as &dyn Any).downcast_ref::<Error>() {
        Some(e) => e.clone(),
        None => Error::message(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_in_messages_read_as_in_js() {
        use super::JsNumber;
        let cases = [
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::NAN, "NaN"),
            (-0.0, "0"),
            (1.5, "1.5"),
            (2f64.powi(53), "9007199254740992"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
        ];
        for (x, js) in cases {
            assert_eq!(JsNumber(x).to_string(), js);
        }
    }

    #[cfg(not(quickjs_bellard))]
    #[test]
    fn ascii_strings_are_borrowed_in_place_and_the_rest_still_checked() {
        // `String` takes the in-place route too (a copy of the bytes, no
        // reference): checked here on the same cases, same answers.
        use super::{FromJs, JsStr};
        use crate::engine::handle::{ctx::Ctx, value::Value};
        use quickjs_sys as sys;
        // SAFETY: a plain engine runtime and context, freed at the end,
        // after every value made in between is dropped.
        let (rt, c) = unsafe {
            let rt = sys::JS_NewRuntime();
            (rt, sys::JS_NewContext(rt))
        };
        {
            // SAFETY: c is live until freed below, after this block.
            let ctx = unsafe { Ctx::from_raw(c) };
            let rope = format!("{}{}", "x".repeat(5000), "y".repeat(5000));
            let cases: [(&str, Option<&str>, bool); 8] = [
                ("'plain ascii'", Some("plain ascii"), true),
                ("''", Some(""), true),
                ("'0123456789abcdef'.slice(3, 12)", Some("3456789ab"), true),
                ("'caf\\u00e9'", Some("café"), false), // 8-bit, not ASCII: converted
                ("'\\u4e2d\\u6587'", Some("中文"), false), // wide: converted
                ("'a\\uD800b'", None, false),          // lone surrogate: refused
                ("'x'.repeat(5000) + 'y'.repeat(5000)", Some(&rope), false), // a rope
                ("42", None, false),
            ];
            for (src, want, in_place) in cases {
                let v: Value = ctx.eval(src).unwrap();
                if src.contains("repeat") {
                    assert_eq!(v.tag(), sys::JS_TAG_STRING_ROPE, "made a rope");
                }
                match want {
                    Some(w) => {
                        let s = JsStr::from_js(&v).unwrap();
                        assert_eq!(&*s, w, "{src}");
                        assert_eq!(s.in_place(), in_place, "{src}");
                        assert_eq!(String::from_js(&v).unwrap(), w, "{src}");
                        drop(v); // the JsStr keeps its string alive
                        assert_eq!(&*s, w, "{src}");
                    }
                    None => {
                        assert!(JsStr::from_js(&v).is_err(), "{src}");
                        assert!(String::from_js(&v).is_err(), "{src}");
                    }
                }
            }
        }
        // SAFETY: nothing made in them is left (the engine's own leak
        // assertion checks that the in-place strings were released).
        unsafe {
            sys::JS_FreeContext(c);
            sys::JS_FreeRuntime(rt);
        }
    }

    #[test]
    fn ascii_finds_a_high_byte_at_any_position_and_length() {
        for n in 0..40 {
            let clean = vec![b'a'; n];
            assert!(super::ascii(&clean), "len {n}");
            for i in 0..n {
                let mut v = clean.clone();
                v[i] = 0xC3;
                assert!(!super::ascii(&v), "len {n}, high byte at {i}");
            }
        }
    }
}
