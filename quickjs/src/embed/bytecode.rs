//! Bytecode in and out of the engine: compiling without running
//! ([`compile_raw`]), writing a compiled function or module
//! ([`write_bytecode`]), and running bytecode ([`eval_bytecode`]). The
//! public faces are [`crate::Precompiled`] (compiled at run time) and
//! [`Compiled`], an entry of a [`crate::Bundle`] (compiled at build time).
//!
//! Invariant: [`eval_bytecode`] runs only bytes its caller vouches for
//! (the engine does not validate bytecode): written by this engine, in
//! this process or by a build of the same engine.

use crate::engine::handle::ctx::{Ctx, EvalKind};
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::FromJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;

/// Compiles without running: a function or module value.
pub(crate) fn compile_raw<'js>(
    ctx: Ctx<'js>,
    source: &str,
    file_name: &str,
    kind: EvalKind,
) -> Result<Value<'js>> {
    ctx.eval_raw(
        source,
        file_name,
        kind.flags() | sys::JS_EVAL_FLAG_COMPILE_ONLY,
    )
}

/// Compiles a script or module to bytecode, with extra `JS_WRITE_OBJ_*`
/// flags (stripping).
pub(crate) fn compile_with(
    ctx: Ctx<'_>,
    source: &str,
    file_name: &str,
    kind: EvalKind,
    write_flags: u32,
) -> Result<Vec<u8>> {
    let compiled = compile_raw(ctx, source, file_name, kind)?;
    write_bytecode(ctx, &compiled, write_flags)
}

/// The bytecode of a compiled function or module ([`compile_raw`]), with
/// extra `JS_WRITE_OBJ_*` flags.
pub(crate) fn write_bytecode<'js>(
    ctx: Ctx<'js>,
    compiled: &Value<'js>,
    write_flags: u32,
) -> Result<Vec<u8>> {
    let mut len = 0usize;
    // SAFETY: a live compiled value; the buffer is engine memory we free.
    unsafe {
        let buf = sys::JS_WriteObject(
            ctx.as_raw(),
            &mut len,
            compiled.as_raw(),
            (sys::JS_WRITE_OBJ_BYTECODE | write_flags) as i32,
        );
        if buf.is_null() {
            return Err(ctx.catch());
        }
        let bytes = std::slice::from_raw_parts(buf, len).to_vec();
        sys::js_free(ctx.as_raw(), buf.cast());
        Ok(bytes)
    }
}

/// Runs bytecode: a script's completion value, or a module's evaluation
/// Promise (its imports come from the runtime's loader).
///
/// # Safety
/// Trusted input only: the engine does not validate bytecode, so crafted
/// or corrupted bytes can corrupt memory. Only bytecode that this same
/// engine version compiled.
pub(crate) unsafe fn eval_bytecode<'js, T: FromJs<'js>>(
    ctx: Ctx<'js>,
    bytecode: &[u8],
) -> Result<T> {
    // SAFETY: trusted bytecode (the caller's contract); the context is live.
    unsafe {
        let obj = sys::JS_ReadObject(
            ctx.as_raw(),
            bytecode.as_ptr(),
            bytecode.len(),
            sys::JS_READ_OBJ_BYTECODE as i32,
        );
        let obj = ctx.check(obj)?;
        if sys::JS_IsModule(obj.as_raw()) && sys::JS_ResolveModule(ctx.as_raw(), obj.as_raw()) < 0 {
            return Err(ctx.catch());
        }
        let v = ctx.check(sys::JS_EvalFunction(ctx.as_raw(), obj.into_raw()))?;
        T::from_js(&v)
    }
}

/// One entry of a [`crate::Bundle`]: what [`Compiled::eval`] runs and what a
/// [`crate::Loader`] serves (`Loader::compiled`).
#[derive(Clone, Copy, Debug)]
pub struct Compiled {
    pub(super) name: &'static str,
    pub(super) kind: EvalKind,
    pub(super) code: &'static [u8],
}

impl Compiled {
    /// Its name in the bundle.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// A script or a module.
    pub fn kind(&self) -> EvalKind {
        self.kind
    }
}

/// Running.
impl Compiled {
    /// Runs an entry of a [`crate::Bundle`]: a script's completion value, or a
    /// module's evaluation Promise (its imports come from the runtime's
    /// loader: set the bundle as the loader).
    pub fn eval<'js, T: FromJs<'js>>(self, ctx: Ctx<'js>) -> Result<T> {
        // SAFETY: a Compiled comes only from a Bundle, whose bytes were
        // vouched for (Bundle::from_static) and checked for this engine.
        unsafe { eval_bytecode(ctx, self.code) }
    }

    /// Reads a bundled module for the module loader, without evaluating it.
    pub(crate) fn read_module(self, ctx: Ctx<'_>) -> Result<*mut sys::JSModuleDef> {
        let compiled = self;
        if compiled.kind != EvalKind::Module {
            return Err(Error::type_error(format!(
                "{} is a script, not a module",
                compiled.name
            )));
        }
        // SAFETY: as in `eval`; the context is live.
        let module = ctx.check(unsafe {
            sys::JS_ReadObject(
                ctx.as_raw(),
                compiled.code.as_ptr(),
                compiled.code.len(),
                sys::JS_READ_OBJ_BYTECODE as i32,
            )
        })?;
        if !sys::JS_IsModule(module.as_raw()) {
            return Err(Error::type_error(format!(
                "{} is not a module",
                compiled.name
            )));
        }
        // The module stays in the context's module list; we drop our reference.
        Ok(sys::JS_VALUE_GET_PTR(module.as_raw()).cast())
    }
}
