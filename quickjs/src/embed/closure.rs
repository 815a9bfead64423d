//! Rust closures as JS functions ([`Function::new`]; quickjs-ng only: it
//! needs `JS_NewCClosure`).

use crate::core::ctx::Ctx;
use crate::core::error::{Error, Result};
use crate::core::object::{Function, Object};
use crate::core::value::Value;
use crate::native::Args;
use quickjs_sys as sys;
use std::ffi::CString;
use std::os::raw::{c_int, c_void};

/// The closure type behind [`Function::new`].
type Closure = Box<dyn for<'a, 'js> Fn(&Args<'a, 'js>) -> Result<Value<'js>> + 'static>;

struct ClosureData {
    name: String,
    f: Closure,
}

impl<'js> Function<'js> {
    /// [`Args::get`]; an `Err` is thrown, a panic becomes an `InternalError`.
    ///
    /// ```
    /// use quickjs::{Context, Function, IntoJs, Runtime};
    /// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    /// ctx.with(|ctx| {
    ///     let twice = Function::new(ctx, "twice", 1, |args| {
    ///         let n: f64 = args.get(0)?;
    ///         (n * 2.0).into_js(args.ctx())
    ///     }).unwrap();
    ///     ctx.globals().set("twice", twice).unwrap();
    ///     assert_eq!(ctx.eval::<f64>("twice(21)").unwrap(), 42.0);
    /// });
    /// ```
    pub fn new<F>(ctx: Ctx<'js>, name: &str, length: u32, f: F) -> Result<Self>
    where
        F: for<'a, 'j> Fn(&Args<'a, 'j>) -> Result<Value<'j>> + Send + 'static,
    {
        let cname = CString::new(name)
            .map_err(|_| Error::type_error("function name contains a NUL byte"))?;
        let data = Box::into_raw(Box::new(ClosureData {
            name: name.to_owned(),
            f: Box::new(f),
        }));
        // SAFETY: ctx live; the engine calls `call_closure` with `data` and
        // frees it exactly once with `free_closure` (also on failure).
        let raw = unsafe {
            sys::JS_NewCClosure(
                ctx.as_raw(),
                Some(call_closure),
                cname.as_ptr(),
                Some(free_closure),
                length.min(i32::MAX as u32) as c_int,
                0,
                data.cast(),
            )
        };
        Ok(Function(Object(ctx.check(raw)?)))
    }
}

unsafe extern "C" fn call_closure(
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    _magic: c_int,
    opaque: *mut c_void,
) -> sys::JSValue {
    // SAFETY: opaque is the ClosureData given to JS_NewCClosure, alive until
    // free_closure; the engine passes a live ctx and argc live arguments.
    let (data, ctx, args) = unsafe {
        let data = &*(opaque as *const ClosureData);
        let ctx = Ctx::from_raw(ctx);
        (data, ctx, Args::new(ctx, this, argc, argv, &data.name))
    };
    crate::core::boundary::enter(ctx, &data.name, || (data.f)(&args))
}

unsafe extern "C" fn free_closure(opaque: *mut c_void) {
    // SAFETY: the Box made in Function::new, freed once by the engine.
    drop(unsafe { Box::from_raw(opaque.cast::<ClosureData>()) });
}
