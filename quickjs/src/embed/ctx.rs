//! What the embedding layer adds to a [`Ctx`]: its `Runtime`, futures
//! spawned from Rust, bytecode.

use super::promise::Promise;
use super::runtime::Runtime;
use crate::engine::handle::ctx::{Ctx, EvalKind};
use crate::engine::handle::error::Result;
use crate::engine::handle::traits::{FromJs, IntoJs};
use crate::engine::handle::value::Value;
use crate::exec::executor::{Origin, TaskName};
use crate::native::state;
use quickjs_sys as sys;

impl<'js> Ctx<'js> {
    /// A handle to this context's [`crate::Runtime`] (`None` if no `Runtime`
    /// owns it: a runtime made by a C host such as qjs).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| assert!(ctx.runtime().is_some()));
    /// ```
    pub fn runtime(self) -> Option<Runtime> {
        super::runtime::Runtime::of_context(self)
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
    pub fn spawn<F>(self, future: F) -> Result<Promise<'js>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: for<'a> IntoJs<'a> + Send + 'static,
    {
        let promise = state::spawn(self, TaskName::Static("spawn"), Origin::Rust, future)?;
        Promise::from_js(&promise)
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
    pub fn spawn_cancellable<F>(
        self,
        future: F,
    ) -> Result<(Promise<'js>, super::cancel::CancelHandle)>
    where
        F: std::future::Future + Send + 'static,
        F::Output: for<'a> IntoJs<'a> + Send + 'static,
    {
        let (future, handle) = super::cancel::cancellable(future);
        Ok((self.spawn(future)?, handle))
    }

    /// Compiles without running: a function or module value.
    pub(crate) fn compile_raw(
        self,
        source: &str,
        file_name: &str,
        kind: EvalKind,
    ) -> Result<Value<'js>> {
        self.eval_raw(
            source,
            file_name,
            kind.flags() | sys::JS_EVAL_FLAG_COMPILE_ONLY,
        )
    }

    /// Compiles a script or module to bytecode, for [`Ctx::eval_bytecode`].
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::EvalKind;
    /// ctx.with(|ctx| {
    ///     let code = ctx.compile("6 * 7", "calc.js", EvalKind::Script).unwrap();
    ///     // SAFETY: compiled just above by this engine.
    ///     assert_eq!(unsafe { ctx.eval_bytecode::<i32>(&code) }.unwrap(), 42);
    /// });
    /// ```
    pub fn compile(self, source: &str, file_name: &str, kind: EvalKind) -> Result<Vec<u8>> {
        self.compile_with(source, file_name, kind, 0)
    }

    /// [`Ctx::compile`] with extra `JS_WRITE_OBJ_*` flags (stripping).
    pub(crate) fn compile_with(
        self,
        source: &str,
        file_name: &str,
        kind: EvalKind,
        write_flags: u32,
    ) -> Result<Vec<u8>> {
        let compiled = self.compile_raw(source, file_name, kind)?;
        self.write_bytecode(&compiled, write_flags)
    }

    /// The bytecode of a compiled function or module (`compile_raw`), with
    /// extra `JS_WRITE_OBJ_*` flags.
    pub(crate) fn write_bytecode(self, compiled: &Value<'js>, write_flags: u32) -> Result<Vec<u8>> {
        let mut len = 0usize;
        // SAFETY: a live compiled value; the buffer is engine memory we free.
        unsafe {
            let buf = sys::JS_WriteObject(
                self.as_raw(),
                &mut len,
                compiled.as_raw(),
                (sys::JS_WRITE_OBJ_BYTECODE | write_flags) as i32,
            );
            if buf.is_null() {
                return Err(self.catch());
            }
            let bytes = std::slice::from_raw_parts(buf, len).to_vec();
            sys::js_free(self.as_raw(), buf.cast());
            Ok(bytes)
        }
    }

    /// Runs bytecode made by [`Ctx::compile`]: a script's completion value,
    /// or a module's evaluation Promise.
    ///
    /// # Safety
    /// Trusted input only: the engine does not validate bytecode, so crafted
    /// or corrupted bytes can corrupt memory. Load only bytecode that this
    /// same engine version compiled.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let code = ctx.compile("'ok'", "x.js", quickjs::EvalKind::Script).unwrap();
    ///     // SAFETY: trusted: compiled by this same engine.
    ///     assert_eq!(unsafe { ctx.eval_bytecode::<String>(&code) }.unwrap(), "ok");
    /// });
    /// ```
    pub unsafe fn eval_bytecode<T: FromJs<'js>>(self, bytecode: &[u8]) -> Result<T> {
        // SAFETY: trusted bytecode (the caller's contract); the context is live.
        unsafe {
            let obj = sys::JS_ReadObject(
                self.as_raw(),
                bytecode.as_ptr(),
                bytecode.len(),
                sys::JS_READ_OBJ_BYTECODE as i32,
            );
            let obj = self.check(obj)?;
            if sys::JS_IsModule(obj.as_raw())
                && sys::JS_ResolveModule(self.as_raw(), obj.as_raw()) < 0
            {
                return Err(self.catch());
            }
            let v = self.check(sys::JS_EvalFunction(self.as_raw(), obj.into_raw()))?;
            T::from_js(&v)
        }
    }
}
