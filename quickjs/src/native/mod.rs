//! The native layer: what makes Rust code callable from JS. Its parts of
//! the runtime's and context's state (`state.rs`); `#[js]` functions and
//! their arguments (`function/`); native modules and `JS_AddRust`
//! (`module.rs`); classes, their borrow flags and GC tracing (`class/`);
//! [`AsyncCtx`] for futures that need the context after an await. It builds on the engine and
//! async layers, on quickjs-ng and Bellard's QuickJS alike. Its public
//! items are re-exported at the crate root (`quickjs::Rest`,
//! `quickjs::NativeModule`, ...) and `quickjs::class`.

pub(crate) mod async_ctx;
pub mod class;
pub(crate) mod function;
pub(crate) mod module;
pub(crate) mod state;

pub use async_ctx::AsyncCtx;
pub use function::{Args, FromParam, NativeFunction, RawFunction, Rest, This};
pub use module::{add_rust, register, Constant, NativeModule};
