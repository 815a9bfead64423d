//! Safe Rust API over quickjs-ng, and the Rust side of the engine hooks.
//!
//! # Layers
//!
//! The folders are the layers; each builds only on those above it here:
//!
//! | folder | layer | what it owns |
//! |---|---|---|
//! | `engine/` | values | three floors: `handle/` ([`Ctx`], [`Value`], [`Error`], [`Held`], the conversion traits [`FromJs`]/[`IntoJs`], the one typed state per runtime and per context with typed slots for the layers above (`state.rs`), interrupts and panics kept raised, the one C boundary (`boundary.rs`), the thread's stack, the primitives of the hand-made synchronization: `sync.rs`), then `convert/` (Rust's own types, the bounds on script-sized work: `limits.rs`), then `objects/` ([`Object`], [`Function`], [`Array`] and the other JS types, collections, objects built in one call, the realm's captured built-ins, TypeScript names) |
//! | `exec/` | async | the executor of a runtime: futures polled from the job loop, wake fd and host callback, [`sleep`] timers, [`blocking`] work |
//! | `native/` | native | its parts of the runtime's and context's state (`state.rs`), `#[js]` functions ([`NativeFunction`], [`Args`]), modules ([`NativeModule`], `JS_AddRust`), classes (`class/`: registration, borrow flags, [`Held`] values traced by the GC), [`AsyncCtx`] |
//! | `hooks.rs` | C hosts | the C ABI: `rust_run`, `rust_pending`, `rust_wake_fd`, `rust_next_timeout`, `rust_set_wake_callback`, `rust_context_released`, `rust_bind_thread`, `rust_set_max_stack_size` |
//! | `embed/` | Rust hosts | the embedding API, quickjs-ng only: [`Runtime`] (and [`Runtime::idle`] / [`Runtime::run_until`] for async hosts), [`Context`], [`Promise`], [`Persistent`], typed closures ([`Function::new`], [`Function::new_async`]), loaders, bytes and typed arrays, `serde` |
//!
//! The debugger and profiler will be the top layer, `inspect/`: it builds
//! on the engine layers and the embedding API, and nothing builds on it
//! (`tests/layers.rs` holds it to that), so a host without it pays
//! nothing.
//!
//! # How a call travels
//!
//! 1. JS calls `fib(3)`: the engine calls the `extern "C"` trampoline that
//!    `#[js]` generated (see `quickjs-macro`).
//! 2. The trampoline calls the native call (`native/function/call.rs`): the arity
//!    check, then, inside the one C boundary (`engine/handle/boundary.rs`: panics,
//!    errors, interrupts), each argument converted with [`FromJs`]
//!    (`engine/convert/primitives.rs`), the Rust function, its result converted with
//!    [`IntoJs`].
//! 3. An `async fn` spawns its future on the runtime's executor
//!    (`exec/executor.rs`) and returns a Promise. The patched
//!    `JS_ExecutePendingJob` calls `rust_run` (`hooks.rs`) when the job
//!    queue is empty; it polls woken futures and settles their promises.
//! 4. Modules: `#[js]` functions, classes and constants are listed in a
//!    [`NativeModule`] with one line (`quickjs::module!`), declared in a
//!    context with [`NativeModule::add_to`], or [`register`]ed for every
//!    `JS_AddRust` (qjs, C hosts).
//!
//!
//! # Rust as JS values, without a module
//!
//! ```
//! use quickjs::{Context, Function, Runtime};
//! #[quickjs::js]
//! fn add(a: i32, b: i32) -> i32 { a + b }
//!
//! let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
//! ctx.with(|ctx| {
//!     let g = ctx.globals();
//!     g.set("add", quickjs::function!(add)).unwrap();                     // a #[js] fn
//!     g.set("mul", Function::new(ctx, "mul", |a: f64, b: f64| a * b).unwrap()).unwrap(); // a typed closure
//!     assert_eq!(ctx.eval::<f64>("mul(add(1, 2), 2.5)").unwrap(), 7.5);
//!     // Both check their arguments as JS callers expect.
//!     assert_eq!(ctx.eval::<String>("try { mul(1) } catch (e) { e.message }").unwrap(), "mul: expected 2 arguments, got 1");
//! });
//! ```
//!
//! Every `unsafe` block carries a `SAFETY:` comment; each module's docs
//! state its invariants.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod engine;
mod exec;
mod native;

/// The C ABI for hosts (the hooks the patched engine calls): part of the
/// C header (`include/quickjs_rust.h`), not of the Rust API.
mod hooks;

/// The embedding API: quickjs-ng only.
#[cfg(not(quickjs_bellard))]
mod embed;

/// Running the stock `qjs` tool (built with the vendored engine only).
#[cfg(quickjs_cli)]
pub mod qjs;

/// The debugger and profiler (Chrome DevTools Protocol): quickjs-ng only.
#[cfg(all(feature = "inspector", not(quickjs_bellard)))]
mod inspect;
#[cfg(all(feature = "inspector", not(quickjs_bellard)))]
pub use crate::inspect::Inspector;

pub use crate::engine::convert::limits::MAX_DEPTH;
pub use crate::engine::convert::primitives::JsStr;
#[doc(hidden)]
pub use crate::engine::handle::boundary::NoJsGuard;
pub use crate::engine::handle::ctx::{Ctx, EvalKind};
pub use crate::engine::handle::error::{Error, ErrorKind, Exception, Panic, Result};
pub use crate::engine::handle::held::Held;
pub use crate::engine::handle::traits::{FromJs, IntoJs};
pub use crate::engine::handle::value::Value;
pub use crate::engine::objects::coerce::Coerced;
pub use crate::engine::objects::collections::JsMap;
pub use crate::engine::objects::object::{Function, IntoArgs, Object, PropertyKey};
pub use crate::engine::objects::property::{Key, Property};
pub use crate::engine::objects::types::{Array, BigInt, JsString, Symbol, WellKnownSymbol};
pub use crate::engine::objects::typescript::TypeScript;
pub use crate::exec::blocking::{blocking, Blocking};
pub use crate::exec::timer::{sleep, sleep_until, Sleep};
pub use crate::native::class::{self as class, ClassMut, ClassRef, JsClass};
pub use crate::native::{
    add_rust, register, Args, AsyncCtx, Constant, FromParam, NativeFunction, NativeModule,
    RawFunction, Rest, This,
};
pub use quickjs_macro::js;

#[cfg(not(quickjs_bellard))]
pub use crate::embed::binary::{ArrayBuffer, Bytes, JsBytes, TypedArray, TypedElement};
#[cfg(not(quickjs_bellard))]
pub use crate::embed::bundle::{BuiltBundle, Bundle, BundleBuilder};
#[cfg(not(quickjs_bellard))]
pub use crate::embed::bytecode::Compiled;
#[cfg(not(quickjs_bellard))]
pub use crate::embed::cancel::CancelHandle;
#[cfg(not(quickjs_bellard))]
pub use crate::embed::closure::{IntoAsyncJsFunction, IntoJsFunction};
#[cfg(not(quickjs_bellard))]
pub use crate::embed::context::{Context, Intrinsics};
#[cfg(not(quickjs_bellard))]
pub use crate::embed::drive::{Idle, RunUntil};
#[cfg(not(quickjs_bellard))]
pub use crate::embed::loader::{join_relative, FileLoader, Loader, MemoryLoader};
#[cfg(not(quickjs_bellard))]
pub use crate::embed::persistent::Persistent;
#[cfg(not(quickjs_bellard))]
pub use crate::embed::precompiled::Precompiled;
#[cfg(not(quickjs_bellard))]
pub use crate::embed::promise::{Promise, PromiseFuture, PromiseState};
#[cfg(not(quickjs_bellard))]
pub use crate::embed::runtime::{MemoryUsage, Runtime};
#[cfg(all(feature = "serde", not(quickjs_bellard)))]
pub use crate::embed::serde;
#[cfg(not(quickjs_bellard))]
pub use crate::embed::state::InterruptHandler;

/// The raw bindings, for code generated by `#[js]` and for C-level work.
pub use quickjs_sys as sys;

/// What code generated by `#[js]` and `quickjs::module!` uses, and nothing
/// else should: its contents may change in any release.
#[doc(hidden)]
pub mod __private {
    #[cfg(not(quickjs_bellard))]
    pub use crate::embed::binary::JsBytes;
    pub use crate::engine::convert::primitives::JsStr;
    pub use crate::engine::handle::boundary::NoJsGuard;
    pub use crate::engine::handle::ctx::Ctx;
    pub use crate::engine::handle::error::Result;
    pub use crate::engine::handle::traits::{FromJs, IntoJs};
    pub use crate::engine::handle::value::Value;
    pub use crate::engine::objects::collections::JsMap;
    pub use crate::engine::objects::typescript::TypeScript;
    pub use crate::native::class::cell::finalize;
    pub use crate::native::class::trace::{mark, Trace, Traced, Tracer};
    pub use crate::native::class::{
        construct, instance, Accessor, ClassDef, ClassIds, ClassMut, ClassRef, IntoInstance,
        JsClass,
    };
    pub use crate::native::function::{
        arity, call, call_async, rest_is_last, Args, AsyncParam, FromParam, Inert, NativeFunction,
        ParamKind, Rest, This,
    };
    pub use crate::native::module::{Constant, NativeModule};
    pub use quickjs_macro::__function as function_ref;
    pub use quickjs_macro::__module as module_def;
    pub use quickjs_sys as sys;
}

/// Declares a native module: its functions (`#[js]` fns, by name or path),
/// and optionally its classes (`#[js]` structs) and constants.
///
/// ```
/// #[quickjs::js]
/// fn fib(n: i64) -> i64 { if n <= 1 { n.max(0) } else { n + fib(n - 1) } }
/// #[quickjs::js]
/// async fn ready(x: u32) -> u32 { x }
///
/// quickjs::module!(pub static RUST = "rust" { fib, ready });
/// quickjs::module!(pub static MATH = "math" { fib } consts { PI: f64 = std::f64::consts::PI, NAME: &str = "math" });
///
/// fn main() {
///     let names: Vec<_> = RUST.functions.iter().map(|f| f.name).collect();
///     assert_eq!(names, ["fib", "ready"]);
///     assert_eq!(MATH.constants.len(), 2);
/// }
/// ```
///
/// Classes: `classes { Counter, Point }` after the functions (see
/// [`macro@js`]). The module is made available to JS by
/// [`NativeModule::add_to`], by [`register`]ing it, or by naming it in
/// [`js_add_rust!`] (qjs and C hosts then see it through `JS_AddRust`).
#[macro_export]
macro_rules! module {
    ($($t:tt)*) => { $crate::__private::module_def!($crate; $($t)*); };
}

/// A `#[js]` function as a value (`&'static NativeFunction`), to put into
/// any object without a module: `ctx.globals().set("add", function!(add))`
/// makes a JS function named as the `#[js]` function is, checked and
/// converted the same way. Takes a path (`function!(math::add)`).
///
/// ```
/// mod math {
///     #[quickjs::js(name = "plus")]
///     pub fn add(a: f64, b: f64) -> f64 { a + b }
/// }
/// fn main() {
///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
///     ctx.with(|ctx| {
///         let m = quickjs::Object::new(ctx).unwrap();
///         m.set("plus", quickjs::function!(math::add)).unwrap();
///         ctx.globals().set("m", m).unwrap();
///         assert_eq!(ctx.eval::<f64>("m.plus(0.5, 2)").unwrap(), 2.5);
///         assert_eq!(ctx.eval::<String>("try { m.plus() } catch (e) { e.message }").unwrap(), "plus: expected 2 arguments, got 0");
///     });
/// }
/// ```
#[macro_export]
macro_rules! function {
    ($($path:tt)+) => { $crate::__private::function_ref!($($path)+) };
}

/// Embeds the [`Bundle`] that a build script wrote with
/// [`BundleBuilder::emit`]`(name)`: `include_bundle!("app")` is
/// `Result<Bundle>` (an error if the bundle was compiled by another engine
/// or release, or the file is damaged).
///
/// ```ignore
/// // build.rs: quickjs::BundleBuilder::new("js").module("main.js").emit("app");
/// let app = quickjs::include_bundle!("app")?;
/// rt.set_loader(app.clone());
/// ctx.with(|ctx| (app.get("main.js").unwrap()).eval::<quickjs::Promise>(ctx))?;
/// ```
#[cfg(not(quickjs_bellard))]
#[macro_export]
macro_rules! include_bundle {
    ($name:literal) => {
        // SAFETY: the file is what BundleBuilder::emit wrote into this
        // crate's OUT_DIR at build time; from_static checks its engine,
        // release and checksum.
        unsafe {
            $crate::Bundle::from_static(::std::include_bytes!(::std::concat!(
                ::std::env!("OUT_DIR"),
                "/",
                $name,
                ".qjsbundle"
            )))
        }
    };
}

/// Defines the C entry point `JS_AddRust(ctx, rt)` of the crate that builds
/// the final artifact (the static library a C host links, or a binary),
/// declaring the listed modules (and any [`register`]ed ones) in each context
/// it is called for. Without it, a weak default adds only the registered
/// modules. Use it once per artifact.
///
/// Not on Windows: PE linkers have no weak symbols to override, so there
/// the default is the only `JS_AddRust`; [`register`] the modules at start
/// instead (a compile error says so).
///
/// ```
/// #[quickjs::js]
/// fn answer() -> i32 { 42 }
/// quickjs::module!(pub static RUST = "rust" { answer });
/// quickjs::js_add_rust!(RUST);
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! js_add_rust {
    ($($module:path),* $(,)?) => {
        #[cfg(windows)]
        ::std::compile_error!("quickjs::js_add_rust! is not available on Windows (no weak symbols): call quickjs::register(&MODULE) at start instead");
        /// Declares this crate's Rust modules in `ctx` (idempotent).
        ///
        /// # Safety
        /// `ctx` must be a live context of the live runtime `rt`, used on
        /// this thread.
        #[cfg(not(windows))]
        #[no_mangle]
        pub unsafe extern "C" fn JS_AddRust(
            ctx: *mut $crate::sys::JSContext,
            rt: *mut $crate::sys::JSRuntime,
        ) -> ::std::os::raw::c_int {
            // SAFETY: our caller's contract is add_rust's.
            unsafe { $crate::add_rust(ctx, rt, &[$(&$module),*]) }
        }
    };
}

/// The README's code blocks run as doc tests (`cargo test --doc`): what a
/// newcomer copies compiles.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}

/// This crate's own README's code blocks, as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod crate_readme {}

/// The `#[js]` macro's README's code blocks, as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../quickjs-macro/README.md")]
mod macro_readme {}

/// The guides' code blocks (`docs/`), as doc tests.
#[cfg(doctest)]
mod guides {
    #[doc = include_str!("../../docs/embedding.md")]
    mod embedding {}
    #[doc = include_str!("../../docs/bytecode.md")]
    mod bytecode {}
    #[doc = include_str!("../../docs/js_macro.md")]
    mod js_macro {}
    #[doc = include_str!("../../docs/qjs.md")]
    mod qjs {}
    #[cfg(feature = "inspector")]
    #[doc = include_str!("../../docs/debugging.md")]
    mod debugging {}
}
