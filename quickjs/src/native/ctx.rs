//! What the native layer adds to a [`Ctx`]: native modules and the handle
//! futures use to reach the context after an await.

use super::async_ctx::AsyncCtx;
use super::module::NativeModule;
use crate::core::ctx::Ctx;
use crate::core::error::Result;

impl<'js> Ctx<'js> {
    /// A handle to this context for futures that need it after an await;
    /// see [`AsyncCtx`].
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let actx = ctx.async_ctx().unwrap();
    ///     let p = ctx.spawn(async move { actx.with(|ctx| ctx.eval::<i32>("6 * 7"))? }).unwrap();
    ///     assert_eq!(p.wait::<i32>().unwrap(), 42);
    /// });
    /// ```
    pub fn async_ctx(self) -> Result<AsyncCtx> {
        AsyncCtx::new(self)
    }

    /// Makes `module` importable in this context (`import { f } from 'name'`).
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
    pub fn add_module(self, module: &'static NativeModule) -> Result<()> {
        super::module::declare(self, module)
    }
}
