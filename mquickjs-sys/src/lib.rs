//! MicroQuickJS, Fabrice Bellard's JavaScript engine for microcontrollers
//! (bellard/mquickjs, vendored pristine in `mquickjs/`), built from source
//! with its standard library generated at build time (see `build.rs`).
//!
//! What this crate gives so far: the engine and its command-line tool's
//! entry point, [`mqjs_main`] (this crate's `mqjs` binary runs it). The
//! Rust API and `#[js]` for this engine build on it.
#![no_std]
#![warn(missing_docs)]

use core::ffi::{c_char, c_int};

extern "C" {
    /// MicroQuickJS's `mqjs` command-line tool (`mqjs.c`'s `main`): its
    /// standard library, options and REPL.
    ///
    /// # Safety
    /// `argv` holds `argc` NUL-terminated strings and a null pointer after
    /// them; the tool may call `exit`.
    pub fn mqjs_main(argc: c_int, argv: *mut *mut c_char) -> c_int;
}

/// The upstream commit the vendored sources are taken from.
pub const UPSTREAM_COMMIT: &str = "ee50431eac9b14b99f722b537ec4cac0c8dd75ab";
