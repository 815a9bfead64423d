//! The native layer: what makes Rust code callable from JS and keeps its
//! state. Per runtime and per context, one state object each (`state.rs`,
//! behind the engine's Rust state slots); `#[js]` functions and their
//! arguments (`function.rs`); native modules and `JS_AddRust`
//! (`module.rs`); classes, their borrow flags and GC tracing (`class/`);
//! [`AsyncCtx`] for futures that need the context after an await; the
//! context methods of this layer (`ctx.rs`). It builds on the core and async
//! layers, on quickjs-ng and Bellard's QuickJS alike.

pub(crate) mod async_ctx;
pub mod class;
mod ctx;
pub(crate) mod function;
pub(crate) mod module;
pub(crate) mod state;

pub use async_ctx::AsyncCtx;
pub use function::{Args, FromParam, NativeFunction, ParamKind, RawFunction, Rest, This};
pub use module::{add_rust, register, Constant, NativeModule};
