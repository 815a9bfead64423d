//! The two conversion traits every value crossing the boundary goes
//! through: [`FromJs`] (a JS value into a Rust value: arguments, results
//! of scripts) and [`IntoJs`] (a Rust value into a JS value: results,
//! arguments of JS functions). Their implementations for Rust's own types
//! are the conversion floor's (`engine::convert`), those for JS object
//! types the object floor's (`engine::objects`).

use super::ctx::Ctx;
use super::error::Result;
use super::value::Value;

/// Converts a JS value into a Rust value.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{FromJs, Value};
/// ctx.with(|ctx| {
///     let v: Value = ctx.eval("[1, 2]").unwrap();
///     assert_eq!(Vec::<u8>::from_js(&v).unwrap(), [1, 2]);
///     assert!(String::from_js(&v).is_err());
/// });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be made from a JS value",
    note = "implement `quickjs::FromJs` for it, or take a type that has it"
)]
pub trait FromJs<'js>: Sized {
    /// Whether a trailing `#[js]` parameter of this type may be left out
    /// (`Option<T>`): it then does not count in the function's `length`.
    const OPTIONAL: bool = false;
    /// Converts `value`, or says what was expected and what was found.
    fn from_js(value: &Value<'js>) -> Result<Self>;
}

/// Converts a Rust value into a JS value.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::IntoJs;
/// ctx.with(|ctx| {
///     let v = (1, "two").into_js(ctx).unwrap();
///     ctx.globals().set("v", v).unwrap();
///     assert_eq!(ctx.eval::<String>("JSON.stringify(v)").unwrap(), r#"[1,"two"]"#);
/// });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be turned into a JS value",
    note = "implement `quickjs::IntoJs` for it, or return a type that has it"
)]
pub trait IntoJs<'js> {
    /// Converts `self` into a value of `ctx`.
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>>;
}

/// `FromJs` (checked by `$is`) and `IntoJs` for a newtype over a value of
/// one JS type: `js_type!(Name, "what", |v| is_it(v), Name::wrap, Name::unwrap)`.
macro_rules! js_type {
    ($ty:ident, $expected:literal, $is:expr, $wrap:expr, $unwrap:expr) => {
        impl<'js> $crate::FromJs<'js> for $ty<'js> {
            fn from_js(value: &$crate::Value<'js>) -> $crate::Result<Self> {
                let is: fn(&$crate::Value<'js>) -> bool = $is;
                if is(value) {
                    Ok(($wrap)(value.clone()))
                } else {
                    Err($crate::Error::type_error(format!(
                        concat!("expected ", $expected, ", got {}"),
                        value.type_name()
                    )))
                }
            }
        }
        impl<'js> $crate::IntoJs<'js> for $ty<'js> {
            fn into_js(self, _ctx: $crate::Ctx<'js>) -> $crate::Result<$crate::Value<'js>> {
                Ok(($unwrap)(self))
            }
        }
    };
}
pub(crate) use js_type;
