//! What a `#[js]` parameter can be ([`FromParam`]) and how `#[js]` counts it
//! ([`ParamKind`]).

use super::args::Args;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::Result;
use crate::engine::handle::traits::FromJs;
use crate::engine::objects::typescript::TypeScript;

/// A `#[js]` parameter that receives `this` (it is not a JS argument).
///
/// ```
/// use quickjs::This;
/// #[quickjs::js]
/// fn describe(this: This<quickjs::Value>, suffix: String) -> String {
///     format!("{}{suffix}", this.0.type_name())
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone)]
pub struct This<T>(pub T);

/// A `#[js]` function's last parameter that takes the remaining arguments,
/// like JS's `...rest`.
///
/// ```
/// use quickjs::Rest;
/// #[quickjs::js]
/// fn sum(first: f64, rest: Rest<f64>) -> f64 { first + rest.0.iter().sum::<f64>() }
/// quickjs::module!(static M = "m" { sum });
/// fn main() {
///     let f = M.function("sum").unwrap();
///     assert_eq!((f.required, f.max), (1, u32::MAX));
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Rest<T>(pub Vec<T>);

impl<T: TypeScript> TypeScript for Rest<T> {
    fn ts() -> String {
        T::ts()
    }
}

/// How a `#[js]` parameter takes its value from a call, and counts toward
/// the function's arity (`length`, the argument count check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// One JS argument, required.
    Required,
    /// One JS argument that may be left out when it is among the last ones
    /// (`Option<T>`): not counted in `length`.
    Optional,
    /// All remaining arguments (`Rest<T>`, the last parameter).
    Rest,
    /// Not a JS argument: the context, `this`.
    Context,
}

/// A type that a `#[js]` function or method takes as a parameter. The type
/// says whether it consumes a JS argument and how it counts toward the
/// arity ([`FromParam::KIND`]), how it gets its value, and its TypeScript.
///
/// Implemented for every [`FromJs`] type with a [`TypeScript`] name (one
/// argument; `Option<T>` an optional one), for [`Ctx`] (the context),
/// [`crate::AsyncCtx`] (async functions), [`This<T>`] (the call's `this`)
/// and [`Rest<T>`] (the remaining arguments). `#[js]` needs nothing else:
/// it asks the type, whatever it is called in the signature.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `#[js]` parameter",
    note = "a parameter needs `quickjs::FromJs` and `quickjs::TypeScript` (or is `Ctx`, `AsyncCtx`, `This<T>`, `Rest<T>`)"
)]
pub trait FromParam<'js>: Sized {
    /// How the parameter counts toward the arity.
    const KIND: ParamKind;
    /// The parameter's value; `next` is the index of the next JS argument
    /// (advanced past the ones taken).
    fn from_param(args: &Args<'_, 'js>, next: &mut usize) -> Result<Self>;
    /// The parameter in the TypeScript signature (`None`: not a JS argument).
    fn ts_param(name: &str) -> Option<String>;
}

impl<'js, T: FromJs<'js> + TypeScript> FromParam<'js> for T {
    const KIND: ParamKind = if T::OPTIONAL {
        ParamKind::Optional
    } else {
        ParamKind::Required
    };
    #[inline(always)]
    fn from_param(args: &Args<'_, 'js>, next: &mut usize) -> Result<Self> {
        let i = *next;
        *next += 1;
        args.get(i)
    }
    fn ts_param(name: &str) -> Option<String> {
        Some(if T::OPTIONAL {
            format!("{name}?: {}", T::ts_present())
        } else {
            format!("{name}: {}", T::ts())
        })
    }
}

impl<'js> FromParam<'js> for Ctx<'js> {
    const KIND: ParamKind = ParamKind::Context;
    #[inline(always)]
    fn from_param(args: &Args<'_, 'js>, _: &mut usize) -> Result<Self> {
        Ok(args.ctx())
    }
    fn ts_param(_: &str) -> Option<String> {
        None
    }
}

impl<'js> FromParam<'js> for crate::native::async_ctx::AsyncCtx {
    const KIND: ParamKind = ParamKind::Context;
    fn from_param(args: &Args<'_, 'js>, _: &mut usize) -> Result<Self> {
        crate::native::async_ctx::AsyncCtx::new(args.ctx())
    }
    fn ts_param(_: &str) -> Option<String> {
        None
    }
}

impl<'js, T: FromJs<'js>> FromParam<'js> for This<T> {
    const KIND: ParamKind = ParamKind::Context;
    #[inline(always)]
    fn from_param(args: &Args<'_, 'js>, _: &mut usize) -> Result<Self> {
        args.this().map(This)
    }
    fn ts_param(_: &str) -> Option<String> {
        None
    }
}

impl<'js, T: FromJs<'js> + TypeScript> FromParam<'js> for Rest<T> {
    const KIND: ParamKind = ParamKind::Rest;
    fn from_param(args: &Args<'_, 'js>, next: &mut usize) -> Result<Self> {
        let rest = args.rest(*next).map(Rest);
        *next = usize::MAX;
        rest
    }
    fn ts_param(name: &str) -> Option<String> {
        let t = T::ts();
        let t = if t.contains(' ') { format!("({t})") } else { t };
        Some(format!("...{name}: {t}[]"))
    }
}

/// A parameter type an `async` `#[js]` function may take: the future
/// outlives the call, so it must own its arguments (no `Ctx`: take
/// `AsyncCtx`).
#[diagnostic::on_unimplemented(
    message = "an async `#[js]` function cannot take `{Self}`",
    note = "the future outlives the call: take owned arguments, and `AsyncCtx` instead of `Ctx`"
)]
pub trait AsyncParam<'js>: FromParam<'js> {}
impl<'js, T: FromJs<'js> + TypeScript> AsyncParam<'js> for T {}
impl AsyncParam<'_> for crate::native::async_ctx::AsyncCtx {}
impl<'js, T: FromJs<'js>> AsyncParam<'js> for This<T> {}
impl<'js, T: FromJs<'js> + TypeScript> AsyncParam<'js> for Rest<T> {}

/// Plain data: converting it or holding it cannot run or reach JS, so a
/// `#[js]` function that borrows bytes from a JS buffer (`&[u8]`) may take
/// it beside them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can reach JS, so it cannot be taken beside a `&[u8]` parameter",
    note = "a function with a `&[u8]` parameter takes only plain data besides (numbers, strings, `Bytes`, `Vec`/`Option` of those): anything that can run JS could free the borrowed bytes; take `quickjs::Bytes` (a copy) instead"
)]
pub trait Inert {}
macro_rules! inert {
    ($($t:ty),*) => { $(impl Inert for $t {})* };
}
inert!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64, bool, char, String);
impl Inert for crate::engine::convert::primitives::JsStr<'_> {}
impl Inert for crate::engine::objects::types::BigInt {}
impl<T: Inert> Inert for Option<T> {}
impl<T: Inert> Inert for Vec<T> {}
impl<T: Inert> Inert for Rest<T> {}
impl<A: Inert> Inert for (A,) {}
impl<A: Inert, B: Inert> Inert for (A, B) {}
impl<A: Inert, B: Inert, C: Inert> Inert for (A, B, C) {}
impl<A: Inert, B: Inert, C: Inert, D: Inert> Inert for (A, B, C, D) {}
