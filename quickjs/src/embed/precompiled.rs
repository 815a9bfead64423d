//! [`Precompiled`]: JS compiled once at run time, then run in any number of
//! contexts (of any runtime) without parsing it again: a plugin loaded into
//! a fresh context per job, or a context made without the compiler
//! (`Intrinsics::EVAL`), whose scripts then cannot `eval` either.
//!
//! Invariant: the bytecode inside comes only from `JS_WriteObject` in
//! [`Ctx::precompile`], in this process and this engine, and is never
//! exposed for writing: it is trusted input for `JS_ReadObject`, so running
//! it needs no `unsafe` (unlike [`Ctx::eval_bytecode`] of arbitrary bytes).

use crate::engine::handle::ctx::{Ctx, EvalKind};
use crate::engine::handle::error::Result;
use crate::engine::handle::traits::FromJs;
use std::sync::Arc;

/// A script or module compiled by [`Ctx::precompile`]. Cheap to clone, and
/// `Send + Sync`: compile once, share it with every worker.
///
/// ```
/// use quickjs::{Context, EvalKind, Intrinsics, Runtime};
/// let rt = Runtime::new().unwrap();
/// let plugin = Context::full(&rt).unwrap()
///     .with(|ctx| ctx.precompile("(x) => x * 2", "twice.js", EvalKind::Script))
///     .unwrap();
/// // A context without the compiler still runs it.
/// let sandbox = Context::new(&rt, Intrinsics::BASE).unwrap();
/// let n: i32 = sandbox.with(|ctx| {
///     let twice: quickjs::Function = ctx.eval_precompiled(&plugin)?;
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

impl<'js> Ctx<'js> {
    /// Compiles `source` as `kind` (syntax errors are errors, nothing runs);
    /// [`Ctx::eval_precompiled`] runs it in any context.
    pub fn precompile(self, source: &str, file_name: &str, kind: EvalKind) -> Result<Precompiled> {
        Ok(Precompiled {
            name: file_name.into(),
            kind,
            code: self.compile(source, file_name, kind)?.into(),
        })
    }

    /// Runs a [`Precompiled`] script (its completion value) or module (its
    /// evaluation Promise; its imports come from the runtime's loader).
    pub fn eval_precompiled<T: FromJs<'js>>(self, code: &Precompiled) -> Result<T> {
        // SAFETY: the bytes were written by this engine in this process
        // (see the module docs).
        unsafe { self.eval_bytecode(&code.code) }
    }
}
