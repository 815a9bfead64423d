//! The stock QuickJS command-line tool, built from the patched sources, with
//! your native modules built in.
//!
//! A crate builds its own `qjs` with its functions in a few lines
//! (`src/bin/qjs.rs`):
//!
//! ```no_run
//! use quickjs::js;
//!
//! #[js]
//! fn greet(name: &str) -> String { format!("hello, {name}") }
//!
//! quickjs::module!(static RUST = "rust" { greet });
//!
//! fn main() {
//!     std::process::exit(quickjs::qjs::main(&[&RUST]));
//! }
//! ```

use crate::native::{register, NativeModule};
use quickjs_sys as sys;
use std::ffi::CString;
use std::os::raw::{c_char, c_int};

/// Registers `modules` and runs upstream's qjs `main` with this process's
/// arguments (all of qjs' options, `qjs:std`, `qjs:os`, Workers). Returns its
/// exit status.
///
/// ```
/// #[quickjs::js]
/// fn hello() -> &'static str { "hello" }
/// quickjs::module!(static RUST = "rust" { hello });
/// fn main() {
///     if std::env::args().len() > 100 {
///         std::process::exit(quickjs::qjs::main(&[&RUST])); // your bin's whole main
///     }
/// }
/// ```
pub fn main(modules: &[&'static NativeModule]) -> i32 {
    for m in modules {
        register(m);
    }
    run_with(sys::qjs_main, inspector_options)
}

/// Takes `--inspect[=[host:]port]` / `--inspect-brk[=...]` out of qjs's
/// arguments (with the `inspector` feature) and starts the inspector with
/// qjs's first context.
fn inspector_options(args: &mut Vec<CString>) {
    #[cfg(all(feature = "inspector", not(quickjs_bellard)))]
    if crate::inspect::qjs_args(args) {
        crate::native::module::on_add_rust(crate::inspect::qjs_context);
    }
    let _ = args;
}

/// A C program's `main` (e.g. upstream's `run_test262_main`).
///
/// ```
/// let runner: quickjs::qjs::CMain = quickjs::sys::run_test262_main;
/// let _ = runner;
/// ```
pub type CMain = unsafe extern "C" fn(c_int, *mut *mut c_char) -> c_int;

/// Calls a C `main` with this process's arguments; returns its status.
/// Arguments with an interior NUL are cut there, as C would see them.
///
/// ```
/// if std::env::args().len() > 100 {
///     std::process::exit(quickjs::qjs::run_c_main(quickjs::sys::run_test262_main));
/// }
/// ```
pub fn run_c_main(main: CMain) -> i32 {
    run_with(main, |_| {})
}

/// [`run_c_main`], with the arguments seen by `options` first (qjs's own
/// options taken out of them).
fn run_with(main: CMain, options: impl FnOnce(&mut Vec<CString>)) -> i32 {
    let mut args: Vec<CString> = std::env::args_os()
        .map(|a| {
            let mut bytes = arg_bytes(a);
            bytes.truncate(bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len()));
            CString::new(bytes).expect("NUL removed")
        })
        .collect();
    options(&mut args);
    let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    argv.push(std::ptr::null_mut());
    // SAFETY: argv is a NULL-terminated array of NUL-terminated strings that
    // outlive the call, as C's main expects.
    unsafe { main(args.len() as c_int, argv.as_mut_ptr()) }
}

/// An argument's bytes as a C `main` sees them: as they are on POSIX; on
/// Windows as UTF-8 (QuickJS reads file names and `scriptArgs` as UTF-8;
/// unpaired surrogates become U+FFFD).
fn arg_bytes(arg: std::ffi::OsString) -> Vec<u8> {
    #[cfg(unix)]
    return std::os::unix::ffi::OsStringExt::into_vec(arg);
    #[cfg(not(unix))]
    return arg.to_string_lossy().into_owned().into_bytes();
}
