//! [`Precompiled`]: JS compiled once at run time, then run in any number of
//! contexts (of any runtime) without parsing it again: a plugin loaded into
//! a fresh context per job, or a context made without the compiler
//! (`Intrinsics::EVAL`), whose scripts then cannot `eval` either.
//!
//! Invariant: the bytecode inside comes only from `JS_WriteObject` in
//! [`Precompiled::compile`], in this process and this engine, or from the
//! caller of the `unsafe` [`Precompiled::from_bytecode`], who vouches for
//! it; it is never exposed for writing: it is trusted input for
//! `JS_ReadObject`, so running it needs no `unsafe`.

use super::bytecode::{compile_with, eval_bytecode};
use crate::engine::handle::ctx::{Ctx, EvalKind};
use crate::engine::handle::error::Result;
use crate::engine::handle::traits::FromJs;
use std::sync::Arc;

/// A script or module compiled by [`Precompiled::compile`]. Cheap to clone, and
/// `Send + Sync`: compile once, share it with every worker.
///
/// ```
/// use quickjs::{Context, EvalKind, Intrinsics, Precompiled, Runtime};
/// let rt = Runtime::new().unwrap();
/// let plugin = Context::full(&rt).unwrap()
///     .with(|ctx| Precompiled::compile(ctx, "(x) => x * 2", "twice.js", EvalKind::Script))
///     .unwrap();
/// // A context without the compiler still runs it.
/// let sandbox = Context::new(&rt, Intrinsics::BASE).unwrap();
/// let n: i32 = sandbox.with(|ctx| {
///     let twice: quickjs::Function = plugin.eval(ctx)?;
///     twice.call((21,))
/// }).unwrap();
/// assert_eq!(n, 42);
/// ```
#[derive(Clone, Debug)]
pub struct Precompiled {
    name: Arc<str>,
    kind: EvalKind,
    code: Arc<[u8]>,
}

impl Precompiled {
    /// The file name it was compiled under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A script or a module.
    pub fn kind(&self) -> EvalKind {
        self.kind
    }

    /// The size of its bytecode, in bytes.
    pub fn len(&self) -> usize {
        self.code.len()
    }

    /// Whether its bytecode is empty (never, for a compiled one).
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }
}

/// Compiling and running.
impl Precompiled {
    /// Compiles `source` as `kind` in `ctx` (syntax errors are errors,
    /// nothing runs); [`Precompiled::eval`] runs it in any context.
    pub fn compile(ctx: Ctx<'_>, source: &str, file_name: &str, kind: EvalKind) -> Result<Self> {
        Ok(Precompiled {
            name: file_name.into(),
            kind,
            code: compile_with(ctx, source, file_name, kind, 0)?.into(),
        })
    }

    /// Runs it in `ctx`: a script's completion value, or a module's
    /// evaluation Promise (its imports come from the runtime's loader).
    pub fn eval<'js, T: FromJs<'js>>(&self, ctx: Ctx<'js>) -> Result<T> {
        // SAFETY: the bytes were written by this engine in this process, or
        // vouched for by `from_bytecode`'s caller (see the module docs).
        unsafe { eval_bytecode(ctx, &self.code) }
    }

    /// Its bytecode (to store, e.g. in a cache; read back with
    /// [`Precompiled::from_bytecode`]).
    pub fn bytecode(&self) -> &[u8] {
        &self.code
    }

    /// A `Precompiled` from bytecode that [`Precompiled::bytecode`] gave.
    ///
    /// # Safety
    /// Trusted input only: the engine does not validate bytecode, so
    /// crafted or corrupted bytes can corrupt memory when run. The bytes
    /// must come from [`Precompiled::bytecode`] of this same engine
    /// version (a build of this crate at the same version).
    ///
    /// ```
    /// use quickjs::{Context, EvalKind, Precompiled, Runtime};
    /// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    /// ctx.with(|ctx| {
    ///     let bytes = Precompiled::compile(ctx, "'ok'", "x.js", EvalKind::Script)?.bytecode().to_vec();
    ///     // SAFETY: trusted: compiled just above by this same engine.
    ///     let again = unsafe { Precompiled::from_bytecode("x.js", EvalKind::Script, &bytes) };
    ///     assert_eq!(again.eval::<String>(ctx)?, "ok");
    ///     Ok::<_, quickjs::Error>(())
    /// }).unwrap();
    /// ```
    pub unsafe fn from_bytecode(file_name: &str, kind: EvalKind, bytecode: &[u8]) -> Self {
        Precompiled {
            name: file_name.into(),
            kind,
            code: bytecode.into(),
        }
    }
}
