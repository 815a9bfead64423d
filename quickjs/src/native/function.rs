//! Native functions: the descriptor `#[js]` makes for each function
//! ([`NativeFunction`]), the arguments of a call ([`Args`]), and what the
//! trampolines call ([`call`], [`call_async`]): the arity check, then the
//! conversions and the Rust call inside the one C boundary
//! (`engine::handle::boundary::enter`).

use super::state;
use crate::engine::handle::boundary;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{FromJs, IntoJs};
use crate::engine::handle::value::Value;
use crate::engine::objects::typescript::TypeScript;
use crate::exec::executor::{rejected_promise, Origin, TaskName};
use quickjs_sys as sys;
use std::ffi::CStr;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::os::raw::c_int;

/// The engine's C-function signature (`JSCFunction`).
///
/// ```
/// #[quickjs::js]
/// fn one() -> i32 { 1 }
/// quickjs::module!(static M = "m" { one });
/// fn main() {
///     let f: quickjs::native::RawFunction = M.function("one").unwrap().func;
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

/// A `#[js]` parameter that receives `this` (it is not a JS argument).
///
/// ```
/// use quickjs::native::This;
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
/// use quickjs::native::Rest;
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

impl<'js> FromParam<'js> for super::async_ctx::AsyncCtx {
    const KIND: ParamKind = ParamKind::Context;
    fn from_param(args: &Args<'_, 'js>, _: &mut usize) -> Result<Self> {
        args.ctx().async_ctx()
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
impl AsyncParam<'_> for super::async_ctx::AsyncCtx {}
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

/// The `required` and `max` argument counts of a function whose parameters
/// are of `kinds`, in order (for `#[js]`, in a constant).
pub const fn arity(kinds: &[ParamKind]) -> (u32, u32) {
    let (mut count, mut required, mut rest, mut i) = (0u32, 0u32, false, 0);
    while i < kinds.len() {
        match kinds[i] {
            ParamKind::Required => {
                count += 1;
                required = count;
            }
            ParamKind::Optional => count += 1,
            ParamKind::Rest => rest = true,
            ParamKind::Context => {}
        }
        i += 1;
    }
    (required, if rest { u32::MAX } else { count })
}

/// Whether a `Rest<T>` parameter, if any, is the last JS argument (a
/// compile-time check of `#[js]`).
pub const fn rest_is_last(kinds: &[ParamKind]) -> bool {
    let (mut seen, mut i) = (false, 0);
    while i < kinds.len() {
        match kinds[i] {
            ParamKind::Rest if seen => return false,
            ParamKind::Rest => seen = true,
            ParamKind::Required | ParamKind::Optional if seen => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// The arguments of one native call, converted on demand.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Function, IntoJs};
/// ctx.with(|ctx| {
///     let count = Function::with_args(ctx, "count", 0, |args| (args.len() as i32).into_js(args.ctx())).unwrap();
///     ctx.globals().set("count", count).unwrap();
///     assert_eq!(ctx.eval::<i32>("count(1, 2, 3)").unwrap(), 3);
/// });
/// ```
pub struct Args<'a, 'js> {
    ctx: Ctx<'js>,
    this: sys::JSValue,
    argv: &'a [sys::JSValue],
    /// The function's name, for error messages.
    name: &'a str,
}

impl<'a, 'js> Args<'a, 'js> {
    /// Wraps the engine's arguments.
    ///
    /// # Safety
    /// `ctx` live; `this` and `argv`'s `argc` values live for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn new(
        ctx: Ctx<'js>,
        this: sys::JSValue,
        argc: c_int,
        argv: *mut sys::JSValue,
        name: &'a str,
    ) -> Self {
        let argv = if argc <= 0 {
            &[][..]
        } else {
            // SAFETY: argv has argc live values for 'a (the caller's contract).
            unsafe { std::slice::from_raw_parts(argv, argc as usize) }
        };
        Args {
            ctx,
            this,
            argv,
            name,
        }
    }

    /// The function's name (as errors show it).
    #[inline(always)]
    pub fn name(&self) -> &str {
        self.name
    }

    /// `this` of the call, converted; an error names the function.
    #[inline(always)]
    pub fn this<T: FromJs<'js>>(&self) -> Result<T> {
        T::from_js(&self.borrowed(self.this)).map_err(|e| self.in_this(e))
    }

    /// A value of the call (`this` or an argument), borrowed: live for the
    /// call, and not freed when dropped.
    #[inline(always)]
    fn borrowed(&self, raw: sys::JSValue) -> ManuallyDrop<Value<'js>> {
        // SAFETY: `this` and the arguments are live for the call (Args::new's
        // contract); ManuallyDrop keeps the borrowed reference from being
        // freed.
        ManuallyDrop::new(unsafe { Value::from_raw(self.ctx, raw) })
    }

    /// An error about `this`, naming the function.
    #[cold]
    fn in_this(&self, e: Error) -> Error {
        e.prefixed(format_args!("{}: this", self.name))
    }

    /// The call's `this` as the receiver of a method of class `T`, shared
    /// (`&self`), without a reference of its own: the engine holds `this`
    /// for the call. An error names the function.
    #[doc(hidden)]
    #[inline(always)]
    pub fn receiver_ref<T: crate::native::class::JsClass>(
        &self,
    ) -> Result<crate::native::class::ClassRef<'js, T>> {
        // SAFETY: `this` outlives the result: the engine holds it for the
        // call, and the result is branded with the call's `'js`, which
        // closes with it.
        unsafe { crate::native::class::ClassRef::receiver(&self.borrowed(self.this)) }
            .map_err(|e| self.in_this(e))
    }

    /// As [`Args::receiver_ref`], exclusive (`&mut self`).
    #[doc(hidden)]
    #[inline(always)]
    pub fn receiver_mut<T: crate::native::class::JsClass>(
        &self,
    ) -> Result<crate::native::class::ClassMut<'js, T>> {
        // SAFETY: as in receiver_ref.
        unsafe { crate::native::class::ClassMut::receiver(&self.borrowed(self.this)) }
            .map_err(|e| self.in_this(e))
    }

    /// Arguments `from..` converted, for a rest parameter; an error names
    /// the function and the 1-based position.
    pub fn rest<T: FromJs<'js>>(&self, from: usize) -> Result<Vec<T>> {
        // One conversion: what the items copy counts together.
        let _level = crate::engine::convert::limits::Nested::enter_in(self.ctx())?;
        (from..self.argv.len().max(from))
            .map(|i| self.get(i))
            .collect()
    }

    /// How many arguments the caller passed.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::with_args(ctx, "n", 0, |args| (args.len() as u32).into_js(args.ctx())).unwrap();
    ///     assert_eq!(f.call::<_, u32>((1, 2)).unwrap(), 2);
    /// });
    /// ```
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.argv.len()
    }

    /// Whether the caller passed none.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::with_args(ctx, "e", 0, |args| args.is_empty().into_js(args.ctx())).unwrap();
    ///     assert!(f.call::<_, bool>(()).unwrap());
    /// });
    /// ```
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.argv.is_empty()
    }

    /// The context of the call.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::with_args(ctx, "s", 0, |args| "made in the call's context".into_js(args.ctx())).unwrap();
    ///     assert_eq!(f.call::<_, String>(()).unwrap().len(), 26);
    /// });
    /// ```
    #[inline(always)]
    pub fn ctx(&self) -> Ctx<'js> {
        self.ctx
    }

    /// Converts argument `i` (0-based; a missing one is `undefined`); an error
    /// names the function and the 1-based position.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::with_args(ctx, "f", 1, |args| args.get::<i32>(0)?.into_js(args.ctx())).unwrap();
    ///     ctx.globals().set("f", f).unwrap();
    ///     assert_eq!(ctx.eval::<String>("try { f('x') } catch (e) { e.message }").unwrap(), "f: argument 1: expected number, got string");
    /// });
    /// ```
    #[inline(always)]
    pub fn get<T: FromJs<'js>>(&self, i: usize) -> Result<T> {
        let raw = self.argv.get(i).copied().unwrap_or(sys::JS_UNDEFINED);
        T::from_js(&self.borrowed(raw)).map_err(|e| self.in_argument(e, i))
    }

    /// An error about argument `i` (0-based), naming the function.
    #[cold]
    #[inline(never)]
    fn in_argument(&self, e: Error, i: usize) -> Error {
        e.prefixed(format_args!("{}: argument {}", self.name, i + 1))
    }
}

/// The body of a synchronous trampoline: arity check, argument conversion and
/// call (`body`), result conversion, inside the one C boundary. `#[js]`
/// generates the calls (through `quickjs::__private`).
///
/// # Safety
/// The engine's C-function contract: `ctx` live, `argv` has `argc` live values.
#[inline(always)]
pub unsafe fn call<F>(
    func: &'static NativeFunction,
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> sys::JSValue
where
    F: for<'a, 'js> FnOnce(&Args<'a, 'js>) -> Result<Value<'js>>,
{
    // SAFETY: the engine's C-function contract (our caller's).
    let ctx = unsafe { Ctx::from_raw(ctx) };
    let n = argc.max(0) as u32;
    if !func.accepts(n) {
        return throw_arity(ctx, func, n);
    }
    boundary::enter(ctx, func.name, || {
        // SAFETY: as above: argv has argc live values for the call.
        let args = unsafe { Args::new(ctx, this, argc, argv, func.name) };
        body(&args)
    })
}

/// Throws the arity error of a call of `func` with `got` arguments, worded
/// as [`arity_error`] words it, written into a stack buffer (no allocation,
/// no C string to make): what a C function's `JS_ThrowTypeError` costs. A
/// name with a NUL in it, or too long for the buffer, takes the general path.
#[cold]
#[inline(never)]
fn throw_arity(ctx: Ctx<'_>, func: &NativeFunction, got: u32) -> sys::JSValue {
    let (name, arity) = (func.name, (func.required, func.max));
    let mut buf = StackText::<224>::new();
    word_arity(&mut buf, name, arity, got);
    if buf.overflowed || name.contains('\0') {
        return ctx.throw(arity_error(name, arity, got));
    }
    // SAFETY: ctx is live; "%s" takes the one NUL-terminated string.
    unsafe { sys::JS_ThrowTypeError(ctx.as_raw(), c"%s".as_ptr(), buf.as_c_str()) }
}

/// Where [`word_arity`] writes: a `String`, or a [`StackText`].
trait Text {
    fn push_str(&mut self, s: &str);

    /// `n` in decimal, without `format!`'s machinery.
    fn push_u32(&mut self, n: u32) {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // Only ASCII digits were written.
        self.push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
    }
}

impl Text for String {
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s)
    }
}

/// `name: expected 2 arguments, got 1` for a function taking `(required,
/// max)` arguments: the one wording of arity errors.
fn word_arity(t: &mut impl Text, name: &str, (required, max): (u32, u32), got: u32) {
    let plural = |n: u32| if n == 1 { " argument" } else { " arguments" };
    t.push_str(name);
    t.push_str(": expected ");
    match (required, max) {
        (r, m) if r == m => {
            t.push_u32(r);
            t.push_str(plural(r));
        }
        (r, u32::MAX) => {
            t.push_str("at least ");
            t.push_u32(r);
            t.push_str(plural(r));
        }
        (r, m) => {
            t.push_u32(r);
            t.push_str(" to ");
            t.push_u32(m);
            t.push_str(" arguments");
        }
    }
    t.push_str(", got ");
    t.push_u32(got);
}

/// A short NUL-terminated text built on the stack; a push that does not
/// fit is refused whole and marks the text as overflowed.
struct StackText<const N: usize> {
    bytes: [u8; N],
    len: usize,
    overflowed: bool,
}

impl<const N: usize> StackText<N> {
    fn new() -> Self {
        StackText {
            bytes: [0; N],
            len: 0,
            overflowed: false,
        }
    }

    /// The text, NUL-terminated (the buffer is zeroed past `len`).
    fn as_c_str(&self) -> *const std::os::raw::c_char {
        self.bytes.as_ptr().cast()
    }
}

impl<const N: usize> Text for StackText<N> {
    /// Appends `s` if it fits (with the NUL).
    fn push_str(&mut self, s: &str) {
        let end = self.len + s.len();
        if end >= N {
            self.overflowed = true;
            return;
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
    }
}

/// The body of an `async fn` trampoline: like [`call`], but `body` returns the
/// future, which is spawned on the runtime's executor (and polled once, now);
/// the result is a Promise settled with the future's output (an `Err` or a
/// panic rejects it). Like a JS async function it never throws: argument
/// errors (count, types) reject the promise, with the same messages.
///
/// # Safety
/// As [`call`].
#[inline(always)]
pub unsafe fn call_async<F, Fut>(
    func: &'static NativeFunction,
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> sys::JSValue
where
    F: for<'a, 'js> FnOnce(&Args<'a, 'js>) -> Result<Fut>,
    Fut: Future + Send + 'static,
    Fut::Output: for<'js> IntoJs<'js> + Send + 'static,
{
    // SAFETY: the engine's C-function contract (our caller's).
    let ctx = unsafe { Ctx::from_raw(ctx) };
    boundary::enter(ctx, func.name, || {
        let future = boundary::guarded(func.name, || {
            // SAFETY: as above: argv has argc live values for the call.
            let args = unsafe { args(func, ctx, this, argc, argv) }?;
            body(&args)
        });
        started(ctx, TaskName::Static(func.name), future)
    })
}

/// The promise of an async call whose future `start` made (spawned), or,
/// like a JS async function, which never throws, a promise rejected with
/// the error of a bad call (argument count, types, or a panic while
/// converting; its stack is the call's: the native frame is on it). The
/// host's interrupt is thrown: it must end the script.
#[inline]
pub(crate) fn started<'js, Fut>(
    ctx: Ctx<'js>,
    name: TaskName,
    start: Result<Fut>,
) -> Result<Value<'js>>
where
    Fut: Future + Send + 'static,
    Fut::Output: for<'a> IntoJs<'a> + Send + 'static,
{
    match start {
        Ok(future) => state::spawn(ctx, name, Origin::JsCall, future),
        // A realm without promises gets the error thrown (see check_promises).
        Err(e) if !e.is_interrupt() => match state::check_promises(ctx) {
            Ok(()) => rejected_promise(ctx, ctx.error_value(e)),
            Err(_) => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// The arity check, then the arguments.
///
/// # Safety
/// `this` and `argv`'s `argc` values live for `'a`.
#[inline(always)]
unsafe fn args<'a, 'js>(
    func: &'static NativeFunction,
    ctx: Ctx<'js>,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
) -> Result<Args<'a, 'js>> {
    let n = argc.max(0) as u32;
    if !func.accepts(n) {
        return Err(arity_error(func.name, (func.required, func.max), n));
    }
    // SAFETY: the caller's contract.
    Ok(unsafe { Args::new(ctx, this, argc, argv, func.name) })
}

/// `name: expected 2 arguments, got 1` for a function taking
/// `(required, max)` arguments.
#[cold]
pub(crate) fn arity_error(name: &str, arity: (u32, u32), got: u32) -> Error {
    // Built by hand into one buffer sized up front (no `format!`
    // machinery): an arity error is thrown and caught in hot loops too
    // (feature tests, overload probing), where it should cost what the
    // engine's own `JS_ThrowTypeError` costs.
    let mut m = String::with_capacity(name.len() + 48);
    word_arity(&mut m, name, arity, got);
    Error::type_error(m)
}

#[cfg(test)]
mod tests {
    use super::ParamKind::{Context, Optional, Required, Rest};
    use super::{arity, rest_is_last};

    #[test]
    fn arity_counts_required_arguments_up_to_the_last_required_one() {
        assert_eq!(arity(&[]), (0, 0));
        assert_eq!(arity(&[Context, Required, Optional]), (1, 2));
        // An optional one before a required one counts as required.
        assert_eq!(arity(&[Optional, Required, Optional]), (2, 3));
        assert_eq!(arity(&[Required, Rest]), (1, u32::MAX));
        assert_eq!(arity(&[Context, Context]), (0, 0));
    }

    #[test]
    fn arity_errors_read_like_the_engines() {
        let text = |r, m, got| super::arity_error("f", (r, m), got).to_string();
        assert!(
            text(1, 1, 0).ends_with("f: expected 1 argument, got 0"),
            "{}",
            text(1, 1, 0)
        );
        assert!(text(2, 2, 10).ends_with("f: expected 2 arguments, got 10"));
        assert!(text(1, u32::MAX, 0).ends_with("f: expected at least 1 argument, got 0"));
        assert!(text(0, u32::MAX, 4294967295)
            .ends_with("f: expected at least 0 arguments, got 4294967295"));
        assert!(text(1, 3, 0).ends_with("f: expected 1 to 3 arguments, got 0"));
    }

    unsafe extern "C" fn never_called(
        _: *mut quickjs_sys::JSContext,
        _: quickjs_sys::JSValue,
        _: std::os::raw::c_int,
        _: *mut quickjs_sys::JSValue,
    ) -> quickjs_sys::JSValue {
        unreachable!()
    }

    #[test]
    fn thrown_arity_errors_read_as_the_general_path_words_them() {
        use crate::engine::handle::ctx::Ctx;
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
            // NativeFunction names are 'static.
            let long: &'static str = Box::leak("n".repeat(300).into_boxed_str());
            let names = [
                "f",
                "Point.distance",
                "caf\u{e9}",
                "nul\0name",
                long,
                &long[..180],
            ];
            for name in names {
                for (r, m, got) in [
                    (1, 1, 0),
                    (2, 2, 10),
                    (1, u32::MAX, 0),
                    (0, u32::MAX, u32::MAX),
                    (1, 3, 0),
                    (0, 0, 1),
                ] {
                    let f = super::NativeFunction {
                        name,
                        c_name: c"f",
                        required: r,
                        max: m,
                        strict: true,
                        func: never_called,
                        ts: String::new,
                    };
                    assert!(sys::JS_IsException(super::throw_arity(ctx, &f, got)));
                    let thrown = ctx.catch();
                    let want = super::arity_error(name, (r, m), got);
                    assert_eq!(
                        thrown.to_string(),
                        want.to_string().replace('\0', "\u{fffd}"),
                        "{name} {r} {m} {got}"
                    );
                }
            }
        }
        // SAFETY: nothing made in them is left.
        unsafe {
            sys::JS_FreeContext(c);
            sys::JS_FreeRuntime(rt);
        }
    }

    #[test]
    fn rest_must_come_last_among_the_arguments() {
        assert!(rest_is_last(&[Required, Rest]));
        assert!(rest_is_last(&[Required, Rest, Context]));
        assert!(!rest_is_last(&[Rest, Required]));
        assert!(!rest_is_last(&[Rest, Rest]));
    }
}
