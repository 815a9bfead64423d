//! `#[js]` Rust functions and classes on MicroQuickJS, Fabrice Bellard's
//! JavaScript engine for microcontrollers: in the standard library the
//! engine keeps in ROM (no RAM at start-up), with an embedding API over a
//! buffer the caller owns. `no_std`; `alloc` for [`Value`] handles,
//! strings and classes; `std` (default) for stdout and the system clock.
//!
//! ```ignore
//! // src/native.rs
//! use mquickjs::js;
//! #[js] pub fn fib(n: i32) -> i32 { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }
//!
//! // build.rs
//! mquickjs_sys::build::Stdlib::new().module("src/native.rs").build();
//!
//! // src/main.rs
//! mquickjs::stdlib!(); // `STDLIB`: the engine's built-ins and `fib`
//! let mut buf = [0u8; 16 * 1024];
//! let ctx = mquickjs::Context::new(&mut buf, &STDLIB)?;
//! let n: i32 = ctx.eval("fib(20)")?;
//! ```
//!
//! The engine moves objects at every allocation; this crate is built so
//! that safe Rust cannot hold a stale value: conversions never allocate,
//! kept values are GC refs ([`Value`]), and while a native function
//! borrows a JS string (`&str`) the context refuses to run JS (see
//! `context.rs`). The engine's `DEBUG_GC` mode (feature `debug-gc` of the
//! sys crate) moves every object at every allocation, and the tests pass
//! under it.
//!
//! Types the engine lacks have no conversions: BigInt, Map, Set, Symbol,
//! Promise and async functions are compile errors (`#[js] async fn` says
//! why).
#![no_std]
#![warn(missing_docs)]
// Without `alloc`, an error keeps its texts inline (a fixed size, known at
// build time, no allocation): larger than clippy likes, by design.
#![cfg_attr(not(feature = "alloc"), allow(clippy::result_large_err))]

#[cfg(feature = "alloc")]
extern crate alloc;
// The generated standard library names this crate by its path.
extern crate self as mquickjs;
#[cfg(feature = "std")]
extern crate std;

mod context;
mod error;
mod host;
mod native;
mod value;

pub use context::{Context, Ctx, MemoryUsage};
pub use error::{Error, ErrorKind, Result};
pub use native::Class;
pub use quickjs_macro::mquickjs_js as js;
pub use value::{Args, FromJs, IntoJs};
#[cfg(feature = "alloc")]
pub use value::{Bytes, Value};

/// A crate's standard library: the engine's ROM tables, made by its build
/// script (`mquickjs_sys::build::Stdlib`); `crate::STDLIB`, from
/// [`stdlib!`].
pub struct Stdlib {
    def: *const mquickjs_sys::JSSTDLibraryDef,
    classes: &'static [native::ClassInfo],
}

// SAFETY: read-only tables (ROM).
unsafe impl Sync for Stdlib {}

impl Stdlib {
    /// # Safety
    /// `def` is the generated `JSSTDLibraryDef` for this target and
    /// `classes` its classes in id order (what `stdlib!()` passes).
    #[doc(hidden)]
    pub const unsafe fn from_raw(
        def: *const mquickjs_sys::JSSTDLibraryDef,
        classes: &'static [native::ClassInfo],
    ) -> Stdlib {
        Stdlib { def, classes }
    }

    pub(crate) fn def(&self) -> *const mquickjs_sys::JSSTDLibraryDef {
        self.def
    }

    /// The JS names of the crate's classes, in id order.
    pub fn classes(&self) -> impl Iterator<Item = &'static str> {
        self.classes.iter().map(|c| c.js)
    }
}

/// The engine's built-ins without any `#[js]` item (what this crate's own
/// build script generates): a context for plain JS.
///
/// ```
/// let mut buf = [0u8; 16 * 1024];
/// let ctx = mquickjs::Context::new(&mut buf, &mquickjs::BUILTINS).unwrap();
/// assert_eq!(ctx.eval::<i32>("[1, 2, 3].map(function (x) { return x * 2 }).join('').length").unwrap(), 3);
/// ```
pub use builtins::STDLIB as BUILTINS;

#[allow(dead_code)] // the generated lists of declared items: none here
mod builtins {
    include!(concat!(env!("OUT_DIR"), "/mquickjs_stdlib.rs"));
}

/// Bytecode a crate's build script compiled (`Stdlib::bytecode`): a
/// `static` in ROM, run with [`Context::run`].
pub struct Bytecode {
    bytes: &'static [u8],
}

impl Bytecode {
    /// # Safety
    /// `bytes` is the output of the engine's compiler for this target's
    /// word size and byte order (what `stdlib!()` passes).
    #[doc(hidden)]
    pub const unsafe fn from_build(bytes: &'static [u8]) -> Bytecode {
        Bytecode { bytes }
    }

    /// Its size in bytes.
    pub const fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether it is empty (never: a compiled script has a header).
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The RAM [`Context::run`] needs for it: its size and room to align
    /// it for the engine's words (a `static` size: `[0u8; APP.ram_size()]`).
    pub const fn ram_size(&self) -> usize {
        self.bytes.len() + mquickjs_sys::JSW - 1
    }

    pub(crate) fn bytes(&self) -> &'static [u8] {
        self.bytes
    }
}

/// Defines `STDLIB`, the crate's standard library, and what `#[js]`
/// checks its items against: write it once at the crate's root (the file
/// is `OUT_DIR/mquickjs_stdlib.rs`, from the build script).
#[macro_export]
macro_rules! stdlib {
    () => {
        include!(concat!(env!("OUT_DIR"), "/mquickjs_stdlib.rs"));
    };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::native::{
        call, class_index, declared_fn, owned_result, ret, Call, Class, ClassInfo, FnInfo,
        IntoResult,
    };
    #[cfg(feature = "alloc")]
    pub use crate::native::{construct, new_instance};
    pub use crate::value::Token;
    pub use mquickjs_sys as sys;
}
