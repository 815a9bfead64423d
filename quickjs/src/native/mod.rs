//! The native layer: what makes Rust code callable from JS, in floors
//! (each builds only on those before it): [`AsyncCtx`] (`async_ctx.rs`);
//! `#[js]` functions, their arguments and calls (`function/`); classes,
//! their registry (this layer's part of the runtime's state), borrow flags
//! and GC tracing (`class/`); native modules, `JS_AddRust` and the modules
//! declared in a context (this layer's part of the context's state,
//! `module.rs`). It builds on the engine and async layers, on quickjs-ng and Bellard's QuickJS alike. Its public
//! items are re-exported at the crate root (`quickjs::Rest`,
//! `quickjs::NativeModule`, ...) and `quickjs::class`.

pub(crate) mod async_ctx;
pub mod class;
pub(crate) mod function;
pub(crate) mod module;

pub use async_ctx::AsyncCtx;
pub use function::{Args, FromParam, NativeFunction, RawFunction, Rest, This};
pub use module::{add_rust, register, Constant, NativeModule};
