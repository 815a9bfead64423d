//! Rust closures as JS functions (quickjs-ng only: it needs
//! `JS_NewCClosure`).
//!
//! * [`Function::new`]: a typed closure, `|a: i32, b: i32| a + b`. Its
//!   parameters are `#[js]` parameters ([`FromParam`]: any `FromJs` type,
//!   `Option<T>` for an optional argument, [`Ctx`], [`This<T>`](crate::native::This),
//!   [`Rest<T>`](crate::Rest)), so a call is checked and converted
//!   exactly as a `#[js]` function's: too few arguments is a `TypeError`
//!   (`add: expected 2 arguments, got 1`), extra ones are ignored, a bad
//!   one names its position (`add: argument 2: expected number, got
//!   string`). It returns anything [`IntoJs`] (a `Result` throws its `Err`).
//! * [`Function::new_async`]: the same with a closure returning a future;
//!   the call returns a promise, as a `#[js] async fn` does (a bad call
//!   rejects it, never throws).
//! * A plain `fn` works as well as a closure, and is the way to return a
//!   JS value taken from the arguments: a closure cannot tie its result's
//!   lifetime to its parameters' (`|f: Function<'_>| f.call(())` does not
//!   compile), a `fn twice<'js>(f: Function<'js>, x: Value<'js>) ->
//!   Result<Value<'js>>` can. Closures returning Rust data have no such limit.
//! * [`Function::with_args`]: the untyped form, for variadic functions:
//!   the closure gets the call's [`Args`] and converts what it wants.
//!
//! One C trampoline per closure type (`call_closure::<F>`) runs the arity
//! check and the call inside the one C boundary (`engine::handle::boundary::enter`).
//!
//! Invariant (the lifetime brand): a typed closure's parameters are typed
//! for the `'js` of the context that made the function, and each call hands
//! them values branded with the call's own `'js`. Both brands mean "the
//! runtime's lock is held for this scope"; the closure is `'static`, so it
//! can keep nothing branded beyond the call (no safe API yields a
//! `Ctx<'static>`), and its result is converted before the call returns.

use crate::engine::handle::boundary::{self, guarded};
use crate::engine::handle::c_closure;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::IntoJs;
use crate::engine::handle::value::Value;
use crate::engine::objects::object::{Function, Object};
use crate::exec::executor::TaskName;
use crate::native::function::{arity, arity_error, rest_is_last, started, AsyncParam, FromParam};
use crate::native::Args;
use quickjs_sys as sys;
use std::ffi::CString;
use std::future::Future;
use std::os::raw::{c_int, c_void};
use std::sync::Arc;

/// A Rust closure that [`Function::new`] makes into a JS function: a
/// closure whose parameters are `#[js]` parameters ([`FromParam`]) and whose
/// result is [`IntoJs`]. `P` is the closure's signature (`fn(A, B) -> R`),
/// which tells its implementations apart; closures of up to 8 parameters
/// implement it.
#[diagnostic::on_unimplemented(
    message = "this closure cannot be a JS function",
    note = "its parameters need `quickjs::FromJs` and `quickjs::TypeScript` (or are `Ctx`, `This<T>`, `Rest<T>`), its result `quickjs::IntoJs`, and it must be `Send + 'static` (own what it captures: no JS values)"
)]
pub trait IntoJsFunction<'js, P>: Send + 'static {
    /// The `(required, max)` argument counts (`max` is `u32::MAX` with a
    /// rest parameter).
    const ARITY: (u32, u32);
    /// Converts the arguments and calls the closure.
    fn call_js(&self, args: &Args<'_, 'js>) -> Result<Value<'js>>;
}

/// A Rust closure returning a future, that [`Function::new_async`] makes
/// into a JS function returning a promise. Its parameters are what an
/// `async` `#[js]` function may take ([`AsyncParam`]: owned values,
/// [`crate::AsyncCtx`] instead of `Ctx`).
#[diagnostic::on_unimplemented(
    message = "this closure cannot be an async JS function",
    note = "it returns a `Future + Send + 'static` whose output is `quickjs::IntoJs + Send`; its parameters own their values (`AsyncCtx`, not `Ctx`); it is `Send + 'static`"
)]
pub trait IntoAsyncJsFunction<'js, P>: Send + 'static {
    /// As [`IntoJsFunction::ARITY`].
    const ARITY: (u32, u32);
    /// The future a call starts.
    type Future: Future<Output: for<'a> IntoJs<'a> + Send + 'static> + Send + 'static;
    /// Converts the arguments and calls the closure.
    fn start(&self, args: &Args<'_, 'js>) -> Result<Self::Future>;
}

/// The arity of parameters of `kinds`, after the compile-time check that a
/// rest parameter comes last.
const fn checked_arity(kinds: &[crate::native::function::ParamKind]) -> (u32, u32) {
    assert!(
        rest_is_last(kinds),
        "a Rest<T> parameter must be the closure's last JS argument"
    );
    arity(kinds)
}

macro_rules! typed_closures {
    ($($a:ident)*) => {
        impl<'js, F, R, $($a,)*> IntoJsFunction<'js, fn($($a,)*) -> R> for F
        where
            F: Fn($($a),*) -> R + Send + 'static,
            $($a: FromParam<'js>,)*
            R: IntoJs<'js>,
        {
            const ARITY: (u32, u32) = checked_arity(&[$($a::KIND),*]);
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn call_js(&self, args: &Args<'_, 'js>) -> Result<Value<'js>> {
                let mut next = 0usize;
                $(let $a = $a::from_param(args, &mut next)?;)*
                self($($a),*).into_js(args.ctx())
            }
        }

        impl<'js, F, Fut, $($a,)*> IntoAsyncJsFunction<'js, fn($($a,)*) -> Fut> for F
        where
            F: Fn($($a),*) -> Fut + Send + 'static,
            $($a: AsyncParam<'js>,)*
            Fut: Future<Output: for<'a> IntoJs<'a> + Send + 'static> + Send + 'static,
        {
            const ARITY: (u32, u32) = checked_arity(&[$($a::KIND),*]);
            type Future = Fut;
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn start(&self, args: &Args<'_, 'js>) -> Result<Fut> {
                let mut next = 0usize;
                $(let $a = $a::from_param(args, &mut next)?;)*
                Ok(self($($a),*))
            }
        }
    };
}

typed_closures!();
typed_closures!(A1);
typed_closures!(A1 A2);
typed_closures!(A1 A2 A3);
typed_closures!(A1 A2 A3 A4);
typed_closures!(A1 A2 A3 A4 A5);
typed_closures!(A1 A2 A3 A4 A5 A6);
typed_closures!(A1 A2 A3 A4 A5 A6 A7);
typed_closures!(A1 A2 A3 A4 A5 A6 A7 A8);

/// How a stored closure is called: checks the argument count, converts
/// the arguments, runs it, and converts its result (for any call's `'js`).
///
/// # Safety
/// Called inside a native call (the lock held for `'js`, `args` live).
type Call<F> = for<'a, 'js> unsafe fn(&ClosureData<F>, &Args<'a, 'js>) -> Result<Value<'js>>;

/// What the engine keeps for one closure (freed by `free_closure`).
struct ClosureData<F> {
    /// Shared with the tasks of an async closure's calls.
    name: TaskName,
    /// The arguments required (fewer is a `TypeError`) and the maximum.
    arity: (u32, u32),
    f: F,
    call: Call<F>,
    /// The runtime (for `free_closure`'s door: the engine passes only the
    /// data).
    rt: *mut sys::JSRuntime,
}

impl<F> ClosureData<F> {
    /// The Rust heap a closure named `name` holds (its record and its
    /// name's `Arc`: two counts before the bytes), counted as the engine's
    /// memory while the function lives: the limit and the GC's schedule
    /// see it.
    fn held(name: &str) -> usize {
        std::mem::size_of::<Self>() + 2 * std::mem::size_of::<usize>() + name.len()
    }

    /// Too few arguments is an error (extra ones are ignored, as JS does).
    fn check_arity(&self, args: &Args<'_, '_>) -> Result<()> {
        let n = u32::try_from(args.len()).unwrap_or(u32::MAX);
        if n < self.arity.0 {
            return Err(arity_error(&self.name, self.arity, n));
        }
        Ok(())
    }
}

impl<'js> Function<'js> {
    /// A JS function that calls a typed Rust closure, checked and converted
    /// as a `#[js]` function is (see the module docs): its `length` is the
    /// required argument count, too few arguments throw a `TypeError`,
    /// extra ones are ignored, an `Err` or a panic is thrown (a panic as an
    /// `InternalError`).
    ///
    /// ```
    /// use quickjs::{Context, Ctx, Function, Runtime};
    /// use quickjs::{Rest, This};
    /// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    /// ctx.with(|ctx| {
    ///     let add = Function::new(ctx, "add", |a: i32, b: i32| a + b).unwrap();
    ///     let sum = Function::new(ctx, "sum", |first: f64, rest: Rest<f64>| {
    ///         first + rest.0.iter().sum::<f64>()
    ///     }).unwrap();
    ///     let greet = Function::new(ctx, "greet", |ctx: Ctx<'_>, name: Option<String>| {
    ///         let who = name.unwrap_or_else(|| "world".into());
    ///         ctx.eval::<String>(&format!("'hello, ' + {who:?}"))
    ///     }).unwrap();
    ///     let shout = Function::new(ctx, "shout", |this: This<String>| this.0.to_uppercase()).unwrap();
    ///     let g = ctx.globals();
    ///     g.set("add", add).unwrap();
    ///     g.set("sum", sum).unwrap();
    ///     g.set("greet", greet).unwrap();
    ///     g.set("shout", shout).unwrap();
    ///     assert_eq!(ctx.eval::<i32>("[1, 2].map(add).reduce((a, b) => a + b)").unwrap(), 4);
    ///     assert_eq!(ctx.eval::<f64>("sum(1, 2, 3.5)").unwrap(), 6.5);
    ///     assert_eq!(ctx.eval::<String>("greet()").unwrap(), "hello, world");
    ///     assert_eq!(ctx.eval::<String>("shout.call('hey')").unwrap(), "HEY");
    ///     assert_eq!(
    ///         ctx.eval::<String>("try { add(1) } catch (e) { e.message }").unwrap(),
    ///         "add: expected 2 arguments, got 1"
    ///     );
    /// });
    /// ```
    pub fn new<P, F: IntoJsFunction<'js, P>>(ctx: Ctx<'js>, name: &str, f: F) -> Result<Self> {
        Self::closure(ctx, name, F::ARITY, F::ARITY.0, f, call_sync::<P, F>)
    }

    /// A JS function that calls a Rust closure returning a future: each
    /// call returns a promise settled with the future's output, as a
    /// `#[js] async fn` does. Like a JS async function it never throws: a
    /// bad call (argument count or types) rejects the promise.
    ///
    /// ```
    /// use quickjs::{Context, Function, Promise, Runtime};
    /// let rt = Runtime::new().unwrap();
    /// let ctx = Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let later = Function::new_async(ctx, "later", |ms: u64, v: String| async move {
    ///         quickjs::sleep(std::time::Duration::from_millis(ms)).await;
    ///         v
    ///     }).unwrap();
    ///     ctx.globals().set("later", later).unwrap();
    ///     let p: Promise = ctx.eval("later(1, 'done')").unwrap();
    ///     assert_eq!(p.wait::<String>().unwrap(), "done");
    ///     let p: Promise = ctx.eval("later(1)").unwrap();
    ///     assert!(p.wait::<String>().unwrap_err().to_string().contains("later: expected 2 arguments, got 1"));
    /// });
    /// ```
    pub fn new_async<P, F: IntoAsyncJsFunction<'js, P>>(
        ctx: Ctx<'js>,
        name: &str,
        f: F,
    ) -> Result<Self> {
        Self::closure(ctx, name, F::ARITY, F::ARITY.0, f, call_async::<P, F>)
    }

    /// A JS function that calls `f` with the call's [`Args`], for
    /// variadic functions: `f` converts what it wants ([`Args::get`]); an
    /// `Err` is thrown, a panic becomes an `InternalError`. `length` is
    /// the function's `length` property; no argument count is checked.
    ///
    /// ```
    /// use quickjs::{Context, Function, IntoJs, Runtime};
    /// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    /// ctx.with(|ctx| {
    ///     let count = Function::with_args(ctx, "count", 0, |args| {
    ///         (args.len() as u32).into_js(args.ctx())
    ///     }).unwrap();
    ///     ctx.globals().set("count", count).unwrap();
    ///     assert_eq!(ctx.eval::<u32>("count(1, 'two', [3])").unwrap(), 3);
    /// });
    /// ```
    pub fn with_args<F>(ctx: Ctx<'js>, name: &str, length: u32, f: F) -> Result<Self>
    where
        F: for<'a, 'j> Fn(&Args<'a, 'j>) -> Result<Value<'j>> + Send + 'static,
    {
        Self::closure(ctx, name, (0, u32::MAX), length, f, call_untyped::<F>)
    }

    /// Makes the engine's closure: `call_closure::<F>` with its data.
    fn closure<F: Send + 'static>(
        ctx: Ctx<'js>,
        name: &str,
        arity: (u32, u32),
        length: u32,
        f: F,
        call: Call<F>,
    ) -> Result<Self> {
        let cname = CString::new(name)
            .map_err(|_| Error::type_error("function name contains a NUL byte"))?;
        let held = ClosureData::<F>::held(name);
        crate::engine::convert::limits::count_held(ctx, held)?;
        let data = Box::into_raw(Box::new(ClosureData {
            name: TaskName::Shared(Arc::from(name)),
            arity,
            f,
            call,
            rt: ctx.rt(),
        }));
        // SAFETY: ctx live; once the engine has attached `data` to the
        // function object, it calls `call_closure::<F>` with it and frees it
        // exactly once with `free_closure::<F>` (also when a later step of
        // the making fails); `c_closure::new` says whether it took it.
        let (raw, ours) = unsafe {
            c_closure::new(
                ctx.as_raw(),
                Some(call_closure::<F>),
                &cname,
                Some(free_closure::<F>),
                length.min(i32::MAX as u32) as c_int,
                data.cast(),
            )
        };
        if ours {
            // SAFETY: the engine failed before it took `data`: still ours,
            // from the Box above. Its captured values drop here (a
            // lifecycle fuzz finding: they leaked, with what they owned).
            drop(unsafe { Box::from_raw(data) });
            // SAFETY: ctx's runtime, which counted them above.
            unsafe { crate::engine::convert::limits::uncount_held(ctx.rt(), held) };
        }
        Ok(Function(Object(ctx.check(raw)?)))
    }
}

/// Re-brands a call's arguments with the `'js` a typed closure was made
/// for (see the module's invariant).
///
/// # Safety
/// Inside a native call: the lock is held for both brands while `args` lives.
unsafe fn rebrand<'a, 'b, 'call, 'js>(args: &'b Args<'a, 'call>) -> &'b Args<'a, 'js> {
    // SAFETY: Args<'a, 'call> and Args<'a, 'js> differ only in the brand
    // lifetime (same layout); the caller's contract makes the brand valid.
    unsafe { &*(args as *const Args<'a, 'call>).cast::<Args<'a, 'js>>() }
}

/// The [`Call`] of [`Function::new`].
///
/// # Safety
/// As [`Call`].
unsafe fn call_sync<'a, 'call, 'js, P, F: IntoJsFunction<'js, P>>(
    data: &ClosureData<F>,
    args: &Args<'a, 'call>,
) -> Result<Value<'call>> {
    data.check_arity(args)?;
    // SAFETY: our caller's contract.
    let value = data.f.call_js(unsafe { rebrand(args) })?;
    // SAFETY: the value is owned; it moves to the call's brand.
    Ok(unsafe { Value::from_raw(args.ctx(), value.into_raw()) })
}

/// The [`Call`] of [`Function::new_async`]: errors before the future
/// starts (a panic too) reject the promise.
///
/// # Safety
/// As [`Call`].
unsafe fn call_async<'a, 'call, 'js, P, F: IntoAsyncJsFunction<'js, P>>(
    data: &ClosureData<F>,
    args: &Args<'a, 'call>,
) -> Result<Value<'call>> {
    let start = guarded(&data.name, || {
        data.check_arity(args)?;
        // SAFETY: our caller's contract.
        data.f.start(unsafe { rebrand(args) })
    });
    started(args.ctx(), data.name.clone(), start)
}

/// The [`Call`] of [`Function::with_args`]: the closure takes any `'js`,
/// so it needs no brand change (a safe fn, coerced to the `unsafe fn`).
fn call_untyped<'a, 'js, F>(data: &ClosureData<F>, args: &Args<'a, 'js>) -> Result<Value<'js>>
where
    F: for<'x, 'j> Fn(&Args<'x, 'j>) -> Result<Value<'j>>,
{
    (data.f)(args)
}

unsafe extern "C" fn call_closure<F>(
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    _magic: c_int,
    opaque: *mut c_void,
) -> sys::JSValue {
    // SAFETY: opaque is the ClosureData<F> given to JS_NewCClosure, alive
    // until free_closure; the engine passes a live ctx and argc live
    // arguments.
    let (data, ctx, args) = unsafe {
        let data = &*(opaque as *const ClosureData<F>);
        let ctx = Ctx::from_raw(ctx);
        (data, ctx, Args::new(ctx, this, argc, argv, &data.name))
    };
    // SAFETY: inside the native call, as `Call` requires.
    boundary::enter(ctx, &data.name, || unsafe { (data.call)(data, &args) })
}

/// The engine freed the closure (often inside a garbage collection): its
/// captured values are dropped behind the finalizer door (no JS meanwhile,
/// no panic into C).
unsafe extern "C" fn free_closure<F>(opaque: *mut c_void) {
    // The closure being made, freed by the engine's failure path: say so.
    c_closure::finalized(opaque);
    // SAFETY: the Box made in Function::closure, freed once by the engine.
    let data = unsafe { Box::from_raw(opaque.cast::<ClosureData<F>>()) };
    // SAFETY: the runtime that counted them is live (it is freeing us).
    unsafe {
        crate::engine::convert::limits::uncount_held(data.rt, ClosureData::<F>::held(&data.name))
    };
    boundary::finalizing(data.rt, (), || drop(data));
}
