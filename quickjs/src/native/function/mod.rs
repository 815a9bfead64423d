//! Native functions, one file a job:
//!
//! * here: the descriptor `#[js]` makes for each function
//!   ([`NativeFunction`]);
//! * `param.rs`: what a parameter can be ([`FromParam`]: any [`FromJs`]
//!   type, `Ctx`, `AsyncCtx`, [`This`], [`Rest`]) and the kinds `#[js]`
//!   counts;
//! * `args.rs`: the arguments of one call ([`Args`]), converted on demand;
//! * `call.rs`: what the trampolines call ([`call`], [`call_async`]): the
//!   arity check, then the conversions and the Rust call inside the one C
//!   boundary (`engine::handle::boundary::enter`);
//! * `arity.rs`: arity counts and the words of an arity error.
//!
//! [`FromJs`]: crate::FromJs

mod args;
mod arity;
mod call;
mod param;

pub use args::Args;
pub(crate) use arity::arity_error;
pub use arity::{arity, rest_is_last};
pub use call::{call, call_async};
pub(crate) use call::{spawn, started};
pub use param::{AsyncParam, FromParam, Inert, ParamKind, Rest, This};

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::Result;
use crate::engine::handle::traits::IntoJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::ffi::CStr;
use std::os::raw::c_int;

/// The engine's C-function signature (`JSCFunction`).
///
/// ```
/// #[quickjs::js]
/// fn one() -> i32 { 1 }
/// quickjs::module!(static M = "m" { one });
/// fn main() {
///     let f: quickjs::RawFunction = M.function("one").unwrap().func;
///     let _ = f;
/// }
/// ```
pub type RawFunction = unsafe extern "C" fn(
    *mut sys::JSContext,
    sys::JSValue,
    c_int,
    *mut sys::JSValue,
) -> sys::JSValue;

/// One exported function, as `#[js]` describes it (a module lists them;
/// class members are described the same way).
///
/// ```
/// #[quickjs::js]
/// fn add(a: i32, b: Option<i32>) -> i32 { a + b.unwrap_or(0) }
/// quickjs::module!(static M = "m" { add });
/// fn main() {
///     let f = M.function("add").unwrap();
///     assert_eq!((f.name, f.required, f.max), ("add", 1, 2));
/// }
/// ```
#[derive(Debug)]
pub struct NativeFunction {
    /// What errors call it: the JS name, `Class.member` for class members.
    pub name: &'static str,
    /// The JS name (the function's `name`), NUL-terminated, for the engine.
    pub c_name: &'static CStr,
    /// Required argument count: the function's `length`.
    pub required: u32,
    /// Maximum argument count (required + trailing `Option<T>` parameters;
    /// `u32::MAX` with a rest parameter).
    pub max: u32,
    /// Whether more than `max` arguments is an error (`#[js(strict)]`).
    /// Otherwise extra arguments are ignored, as JS functions do: callbacks
    /// get them all the time (`[1, 2].map(f)` passes the index and the array).
    pub strict: bool,
    /// The trampoline.
    pub func: RawFunction,
    /// Its TypeScript signature: `(a: number, b?: string): boolean`.
    pub ts: fn() -> String,
}

impl NativeFunction {
    /// Whether a call with `n` arguments passes the arity check.
    #[inline(always)]
    fn accepts(&self, n: u32) -> bool {
        n >= self.required && !(self.strict && n > self.max)
    }

    /// A JS function calling this one (generic kind: not a constructor),
    /// with its name and `length`.
    pub(crate) fn instantiate<'js>(&'static self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        ctx.new_c_function(
            Some(self.func),
            self.c_name,
            self.required,
            sys::JS_CFUNC_generic,
        )
    }
}

/// A `#[js]` function as a JS value, to put anywhere without a module:
/// [`crate::function!`] names it.
///
/// ```
/// #[quickjs::js]
/// fn add(a: i32, b: i32) -> i32 { a + b }
/// fn main() {
///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
///     ctx.with(|ctx| {
///         ctx.globals().set("add", quickjs::function!(add)).unwrap();
///         assert_eq!(ctx.eval::<i32>("add(40, 2)").unwrap(), 42);
///         assert_eq!(ctx.eval::<String>("add.name").unwrap(), "add");
///     });
/// }
/// ```
impl<'js> IntoJs<'js> for &'static NativeFunction {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.instantiate(ctx)
    }
}
