//! [`Coerced<T>`]: JS's own loose conversions, on request.
//!
//! The plain conversions ([`FromJs`] for `String`, `f64`, `i32`, `bool`,
//! ...) are strict: a number parameter refuses `"5"`, as a typed API
//! should. A caller who wants what JS itself does (`"5" * 1`, `String(x)`,
//! `!!x`, `x | 0`) takes `Coerced<T>`: the engine's conversion runs,
//! including `valueOf` / `toString` / `Symbol.toPrimitive` of objects
//! (script code, which may throw: the error is the conversion's).

use super::typescript::TypeScript;
use crate::engine::handle::error::Result;
use crate::engine::handle::traits::FromJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;

/// A value converted the way JS converts: `Coerced<String>` is
/// `String(v)`, `Coerced<f64>` is `Number(v)` (`+v`), `Coerced<i32>` is
/// `v | 0` (ToInt32: wraps modulo 2^32), `Coerced<u32>` is `v >>> 0`,
/// `Coerced<i64>` ToNumber then truncated and saturated, `Coerced<bool>` is
/// `!!v`.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Coerced;
/// ctx.with(|ctx| {
///     assert_eq!(ctx.eval::<Coerced<f64>>("'2.5'").unwrap().0, 2.5);
///     assert_eq!(ctx.eval::<Coerced<String>>("[1, [2, 3]]").unwrap().0, "1,2,3");
///     assert_eq!(ctx.eval::<Coerced<i32>>("2 ** 32 + 7").unwrap().0, 7);
///     assert_eq!(ctx.eval::<Coerced<u32>>("-1").unwrap().0, u32::MAX);
///     assert!(!ctx.eval::<Coerced<bool>>("''").unwrap().0);
///     assert_eq!(ctx.eval::<Coerced<f64>>("({ valueOf: () => 42 })").unwrap().0, 42.0);
///     // What JS throws, the conversion returns.
///     assert!(ctx.eval::<Coerced<f64>>("Symbol()").is_err());
///     // The strict conversions refuse the same inputs.
///     assert!(ctx.eval::<f64>("'2.5'").is_err());
/// });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Coerced<T>(pub T);

impl<T> std::ops::Deref for Coerced<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Accepts anything: the conversion decides.
impl<T> TypeScript for Coerced<T> {
    fn ts() -> String {
        "any".into()
    }
}

impl<'js> FromJs<'js> for Coerced<String> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let ctx = value.ctx();
        // SAFETY: value is live; the result is a new string or the exception.
        let s = ctx.check(unsafe { sys::JS_ToString(ctx.as_raw(), value.as_raw()) })?;
        String::from_js(&s).map(Coerced)
    }
}

/// One `JS_To*(ctx, &mut out, value)` conversion: its result, or the
/// exception it left pending.
macro_rules! coerced_numbers {
    ($($t:ty => |$v:ident| $call:expr, $out:ty, $map:expr;)*) => {$(
        impl<'js> FromJs<'js> for Coerced<$t> {
            fn from_js($v: &Value<'js>) -> Result<Self> {
                let ctx = $v.ctx();
                let mut out: $out = Default::default();
                let to = $call;
                // SAFETY: value is live; the engine writes `out` on success.
                if unsafe { to(ctx.as_raw(), &mut out, $v.as_raw()) } < 0 {
                    return Err(ctx.catch());
                }
                let map: fn($out) -> $t = $map;
                Ok(Coerced(map(out)))
            }
        }
    )*};
}

coerced_numbers! {
    f64 => |value| sys::JS_ToFloat64, f64, |x| x;
    f32 => |value| sys::JS_ToFloat64, f64, |x| x as f32;
    i32 => |value| sys::JS_ToInt32, i32, |x| x;
    u32 => |value| sys::JS_ToInt32, i32, |x| x as u32;
    i64 => |value| sys::JS_ToInt64, i64, |x| x;
}

impl<'js> FromJs<'js> for Coerced<bool> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let ctx = value.ctx();
        // SAFETY: value is live (ToBoolean runs no script code).
        let r = unsafe { sys::JS_ToBool(ctx.as_raw(), value.as_raw()) };
        if r < 0 {
            return Err(ctx.catch());
        }
        Ok(Coerced(r != 0))
    }
}
