//! MicroQuickJS's `mqjs` with Rust functions built in: the example
//! `#[js]` module of [`native`] (`fib`, `add`, `greet`, a `Counter` class,
//! ...) sits in the ROM standard library beside the engine's built-ins and
//! mqjs's own globals; [`run`] is mqjs's `main`.
//!
//! A binary that links MicroQuickJS cannot link QuickJS too (their C
//! symbols clash: `JS_Eval`, ...): this crate is apart from `qjs`.

pub mod native;

mquickjs::stdlib!();

/// Runs mqjs with `args` (the first is the program's name) and returns its
/// exit status. POSIX hosts (its REPL is a POSIX terminal's).
#[cfg(unix)]
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStringExt;
    // Arguments as C sees them (cut at an interior NUL).
    let args: Vec<CString> = args
        .into_iter()
        .map(|a| {
            let mut bytes = a.into_vec();
            bytes.truncate(bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len()));
            CString::new(bytes).expect("NUL removed")
        })
        .collect();
    let mut argv: Vec<*mut std::os::raw::c_char> =
        args.iter().map(|a| a.as_ptr().cast_mut()).collect();
    argv.push(std::ptr::null_mut());
    // SAFETY: argv is a NULL-terminated array of NUL-terminated strings
    // that outlive the call, as C's main expects.
    unsafe { mqjs_main(args.len() as i32, argv.as_mut_ptr()) }
}

#[cfg(unix)]
extern "C" {
    /// MicroQuickJS's `mqjs.c` `main`, compiled over this crate's
    /// standard library by the build script.
    fn mqjs_main(
        argc: std::os::raw::c_int,
        argv: *mut *mut std::os::raw::c_char,
    ) -> std::os::raw::c_int;
}
