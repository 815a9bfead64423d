//! What the native layer adds to a [`Ctx`]: native modules and the handle
//! futures use to reach the context after an await.

use super::async_ctx::AsyncCtx;
use super::class::{self, JsClass};
use super::module::NativeModule;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::Result;
use crate::engine::handle::traits::FromJs;
use crate::engine::objects::object::{Function, Object};

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

    /// The constructor of the `#[js]` class `T` in this context (its
    /// prototype made on first use), to put anywhere without a module;
    /// [`Object::set_class`] sets it under the class's JS name.
    ///
    /// ```
    /// #[quickjs::js]
    /// #[derive(Clone)]
    /// struct Point { x: f64, y: f64 }
    /// #[quickjs::js]
    /// impl Point {
    ///     #[js(constructor)]
    ///     fn new(x: f64, y: f64) -> Self { Point { x, y } }
    ///     pub fn norm(&self) -> f64 { self.x.hypot(self.y) }
    /// }
    /// fn main() {
    ///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
    ///     ctx.with(|ctx| {
    ///         let point = ctx.constructor::<Point>().unwrap();
    ///         ctx.globals().set("P", point).unwrap();
    ///         assert_eq!(ctx.eval::<f64>("new P(3, 4).norm()").unwrap(), 5.0);
    ///     });
    /// }
    /// ```
    pub fn constructor<T: JsClass>(self) -> Result<Function<'js>> {
        Function::from_js(&class::constructor(self, T::class())?)
    }
}

impl<'js> Object<'js> {
    /// Sets the constructor of the `#[js]` class `T` as the property named
    /// after the class (its JS name): `globals().set_class::<Point>()`
    /// makes `new Point(...)` work in scripts, without a module.
    ///
    /// ```
    /// #[quickjs::js]
    /// #[derive(Clone)]
    /// struct Counter { n: u32 }
    /// #[quickjs::js]
    /// impl Counter {
    ///     #[js(constructor)]
    ///     fn new() -> Self { Counter { n: 0 } }
    ///     pub fn tick(&mut self) -> u32 { self.n += 1; self.n }
    /// }
    /// fn main() {
    ///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
    ///     ctx.with(|ctx| {
    ///         ctx.globals().set_class::<Counter>().unwrap();
    ///         assert_eq!(ctx.eval::<u32>("const c = new Counter(); c.tick(); c.tick()").unwrap(), 2);
    ///     });
    /// }
    /// ```
    pub fn set_class<T: JsClass>(&self) -> Result<()> {
        self.set(T::class().name, self.ctx().constructor::<T>()?)
    }
}
