//! Bytecode in and out of the engine: compiling without running
//! ([`compile_raw`]), writing a compiled function or module
//! ([`write_bytecode`]), and running bytecode ([`eval_bytecode`]). The
//! public faces are [`crate::Precompiled`] (compiled at run time) and
//! [`crate::Bundle`] (compiled at build time).
//!
//! Invariant: [`eval_bytecode`] runs only bytes its caller vouches for
//! (the engine does not validate bytecode): written by this engine, in
//! this process or by a build of the same engine.

use crate::engine::handle::ctx::{Ctx, EvalKind};
use crate::engine::handle::error::Result;
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
