//! What a [`Ctx`] can do: evaluate source, reach the globals, turn the
//! pending exception into an [`Error`], add native modules, spawn futures.

use crate::convert::{FromJs, IntoJs};
use crate::error::{Error, Exception, Result};
use crate::object::Object;
use crate::value::{Ctx, Value};
use quickjs_sys as sys;
use std::ffi::CString;

/// What [`Ctx::describe`] shows for a property of an error whose read threw.
const UNREADABLE: &str = "<exception while reading the error>";

/// How [`Ctx::eval_with`] evaluates source.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::EvalKind;
/// let v: i32 = ctx.with(|ctx| ctx.eval_with("'use strict'; 1", "s.js", EvalKind::StrictScript)).unwrap();
/// assert_eq!(v, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvalKind {
    /// A classic script; the result is its completion value.
    #[default]
    Script,
    /// A script in strict mode.
    StrictScript,
    /// An ES module; the result is the Promise of its evaluation. An
    /// evaluation that already failed (the module threw, or ran out of
    /// memory) is an `Err`; one still pending (top-level `await`) gives the
    /// promise, whose [`crate::Promise::wait`] reports a later failure.
    Module,
}

impl EvalKind {
    pub(crate) fn flags(self) -> u32 {
        match self {
            EvalKind::Script => sys::JS_EVAL_TYPE_GLOBAL,
            EvalKind::StrictScript => sys::JS_EVAL_TYPE_GLOBAL | sys::JS_EVAL_FLAG_STRICT,
            EvalKind::Module => sys::JS_EVAL_TYPE_MODULE,
        }
    }
}

impl<'js> Ctx<'js> {
    /// Evaluates a script (file name `<eval>`) and converts its completion value.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// assert_eq!(ctx.with(|ctx| ctx.eval::<f64>("Math.sqrt(2) ** 2")).unwrap().round(), 2.0);
    /// ```
    pub fn eval<T: FromJs<'js>>(self, source: &str) -> Result<T> {
        self.eval_with(source, "<eval>", EvalKind::Script)
    }

    /// Evaluates `source` as `kind`; `file_name` appears in stack traces.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Error, EvalKind, Value};
    /// let err = ctx.with(|ctx| ctx.eval_with::<Value>("null.x", "app.js", EvalKind::Script).map(drop)).unwrap_err();
    /// let Error::Thrown(e) = err else { panic!() };
    /// assert!(e.stack.unwrap().contains("app.js"));
    /// ```
    pub fn eval_with<T: FromJs<'js>>(
        self,
        source: &str,
        file_name: &str,
        kind: EvalKind,
    ) -> Result<T> {
        let v = self.eval_raw(source, file_name, kind.flags())?;
        #[cfg(not(quickjs_bellard))]
        if kind == EvalKind::Module {
            if let Ok(p) = crate::Promise::from_js(&v) {
                if let Some(Err(e)) = p.result::<()>() {
                    return Err(e);
                }
            }
        }
        T::from_js(&v)
    }

    /// `JS_Eval` with `flags`; the result, or the exception as an error.
    pub(crate) fn eval_raw(self, source: &str, file_name: &str, flags: u32) -> Result<Value<'js>> {
        let src = CString::new(source)
            .map_err(|_| Error::type_error("source code contains a NUL byte"))?;
        let name = CString::new(file_name)
            .map_err(|_| Error::type_error("file name contains a NUL byte"))?;
        // SAFETY: ctx is live; src has source.len() bytes plus a NUL.
        let raw = unsafe {
            sys::JS_Eval(
                self.as_raw(),
                src.as_ptr(),
                source.len(),
                name.as_ptr(),
                flags as i32,
            )
        };
        self.check(raw)
    }

    /// The global object.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     ctx.globals().set("answer", 42).unwrap();
    ///     assert_eq!(ctx.eval::<i32>("answer").unwrap(), 42);
    /// });
    /// ```
    pub fn globals(self) -> Object<'js> {
        // SAFETY: ctx is live; we own the returned reference.
        Object::from_value(unsafe { Value::from_raw(self, sys::JS_GetGlobalObject(self.as_raw())) })
    }

    /// Turns a raw result into a value, or the pending exception into an error.
    pub(crate) fn check(self, raw: sys::JSValue) -> Result<Value<'js>> {
        if sys::JS_IsException(raw) {
            Err(self.catch())
        } else {
            // SAFETY: a non-exception result of an engine call, owned by us.
            Ok(unsafe { Value::from_raw(self, raw) })
        }
    }

    /// Takes the pending exception out of the context as [`Error::Thrown`].
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Error, Value};
    /// ctx.with(|ctx| {
    ///     // Errors from the API already carry the caught exception:
    ///     let Err(Error::Thrown(e)) = ctx.eval::<Value>("throw new TypeError('t')") else { panic!() };
    ///     assert_eq!(e.name.as_deref(), Some("TypeError"));
    /// });
    /// ```
    pub fn catch(self) -> Error {
        // SAFETY: ctx is live; we own the exception value.
        let exc = unsafe { Value::from_raw(self, sys::JS_GetException(self.as_raw())) };
        let e = self.describe(&exc);
        if crate::limits::is_interrupt(e.kind(), &e.message) {
            crate::limits::note_interrupt(self);
        }
        Error::Thrown(e)
    }

    /// Name, message and stack of a thrown value. Bounded whatever the value
    /// does: each property is read once with the raw engine call, and a read
    /// that throws (a hostile getter, a Proxy trap, the stack limit) is
    /// dropped and shows as a fallback text; nothing here catches and
    /// describes again, so there is no recursion.
    pub(crate) fn describe(self, exc: &Value<'js>) -> Exception {
        // SAFETY: exc is a live value of this context.
        let is_error = unsafe { sys::JS_IsError(exc.as_raw()) };
        if sys::JS_IsNull(exc.as_raw()) && self.out_of_memory() {
            // The engine throws `null` when it cannot even allocate the
            // error object (JS_ThrowError2): say what happened.
            return Exception {
                name: Some("InternalError".into()),
                message: "out of memory".into(),
                stack: None,
            };
        }
        if !is_error {
            return Exception {
                name: None,
                message: self.stringify(exc),
                stack: None,
            };
        }
        let text = |key: &std::ffi::CStr| -> Option<String> {
            // SAFETY: exc is a live object; the result is ours (an
            // exception is taken out and dropped at once).
            let v = unsafe {
                let raw = sys::JS_GetPropertyStr(self.as_raw(), exc.as_raw(), key.as_ptr());
                if sys::JS_IsException(raw) {
                    drop(Value::from_raw(self, sys::JS_GetException(self.as_raw())));
                    return Some(UNREADABLE.to_owned());
                }
                Value::from_raw(self, raw)
            };
            (!sys::JS_IsUndefined(v.as_raw())).then(|| self.stringify(&v))
        };
        Exception {
            name: text(c"name"),
            message: text(c"message").unwrap_or_default(),
            stack: text(c"stack"),
        }
    }

    /// Whether the runtime is (nearly) out of memory: a small block, about
    /// what an error object with its stack costs, cannot be allocated.
    fn out_of_memory(self) -> bool {
        // SAFETY: ctx is live; a block we get is freed at once, and the
        // exception a failure throws is taken out and dropped.
        unsafe {
            let p = sys::js_malloc(self.as_raw(), 16 << 10);
            if p.is_null() {
                drop(Value::from_raw(self, sys::JS_GetException(self.as_raw())));
                return true;
            }
            sys::js_free(self.as_raw(), p);
        }
        false
    }

    /// `String(v)`, or a placeholder if that throws (the exception is dropped).
    pub(crate) fn stringify(self, v: &Value<'js>) -> String {
        // SAFETY: v is live; the C string is freed below.
        unsafe {
            let mut len = 0usize;
            let p = sys::JS_ToCStringLen(self.as_raw(), &mut len, v.as_raw());
            if p.is_null() {
                drop(Value::from_raw(self, sys::JS_GetException(self.as_raw())));
                return format!("<{} that cannot be converted to a string>", v.type_name());
            }
            let s =
                crate::convert::engine_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len));
            sys::JS_FreeCString(self.as_raw(), p);
            s
        }
    }

    /// Makes `module` importable in this context (`import { f } from 'name'`).
    /// It is also [`crate::register`]ed, so `JS_AddRust` sees it.
    ///
    /// ```
    /// #[quickjs::js]
    /// fn inc(x: i32) -> i32 { x + 1 }
    /// quickjs::module!(static M = "m" { inc });
    /// fn main() {
    ///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
    ///     ctx.with(|ctx| {
    ///         ctx.add_module(&M).unwrap();
    ///         let _: quickjs::Value = ctx.eval_with("import { inc } from 'm'; globalThis.r = inc(1)", "main.js", quickjs::EvalKind::Module).unwrap();
    ///         assert_eq!(ctx.globals().get::<_, i32>("r").unwrap(), 2);
    ///     });
    /// }
    /// ```
    pub fn add_module(self, module: &'static crate::NativeModule) -> Result<()> {
        crate::register(module);
        // SAFETY: ctx live; the module was just registered.
        if unsafe { crate::native::add_module(self.as_raw(), module) } < 0 {
            return Err(self.catch());
        }
        Ok(())
    }

    /// Runs `future` on this runtime's executor (polled on the JS thread from
    /// the job loop) and returns a Promise of its output: `Ok`/plain values
    /// fulfil it, `Err` and panics reject it with an Error.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let p = ctx.spawn(async { "done" }).unwrap();
    ///     assert_eq!(p.wait::<String>().unwrap(), "done");
    /// });
    /// ```
    #[cfg(not(quickjs_bellard))]
    pub fn spawn<F>(self, future: F) -> Result<crate::Promise<'js>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: for<'a> IntoJs<'a> + Send + 'static,
    {
        let raw = crate::bridge::spawn(self, "spawn", future);
        crate::Promise::from_js(&self.check(raw)?)
    }

    /// [`Ctx::spawn`], with a handle that cancels the future: it is
    /// dropped at its next poll and the promise rejects with
    /// `Error: spawn: cancelled`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let (p, handle) = ctx.spawn_cancellable(quickjs::sleep(std::time::Duration::from_secs(3600))).unwrap();
    ///     std::thread::spawn(move || handle.cancel()).join().unwrap();
    ///     assert!(p.wait::<()>().is_err());
    /// });
    /// ```
    #[cfg(not(quickjs_bellard))]
    pub fn spawn_cancellable<F>(
        self,
        future: F,
    ) -> Result<(crate::Promise<'js>, crate::CancelHandle)>
    where
        F: std::future::Future + Send + 'static,
        F::Output: for<'a> IntoJs<'a> + Send + 'static,
    {
        let (future, handle) = crate::cancel::cancellable(future);
        Ok((self.spawn(future)?, handle))
    }

    /// Converts a Rust value into a JS value of this context.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v = ctx.value(vec![1, 2]).unwrap();
    ///     assert_eq!(v.type_name(), "array");
    /// });
    /// ```
    pub fn value<T: IntoJs<'js>>(self, v: T) -> Result<Value<'js>> {
        v.into_js(self)
    }
}
