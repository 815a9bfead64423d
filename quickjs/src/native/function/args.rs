//! [`Args`]: the arguments of one native call, converted on demand.

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::FromJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::mem::ManuallyDrop;
use std::os::raw::c_int;

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

    /// Runs `f` on the call's `this`, borrowed (no reference of its own:
    /// the engine holds `this` for the call); an error names the function.
    #[inline(always)]
    pub(crate) fn with_this<R>(&self, f: impl FnOnce(&Value<'js>) -> Result<R>) -> Result<R> {
        f(&self.borrowed(self.this)).map_err(|e| self.in_this(e))
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
