//! `mqjs`: MicroQuickJS's own command-line tool (`-e`, `-o`, `-m32`, `-b`,
//! `--memory-limit`, `-d`, the REPL), built from the vendored sources in
//! `mquickjs/` with its standard library generated at build time. POSIX
//! hosts (its readline is a POSIX terminal's).
//!
//! It lives in this crate, not beside `qjs`: a binary that links QuickJS
//! too would link two engines whose C symbols clash (`JS_Eval`, ...), so
//! it converts its arguments itself rather than through `quickjs::qjs`.

#[cfg(unix)]
fn main() {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStringExt;
    // Arguments as C sees them (cut at an interior NUL).
    let args: Vec<CString> = std::env::args_os()
        .map(|a| {
            let mut bytes = a.into_vec();
            bytes.truncate(bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len()));
            CString::new(bytes).expect("NUL removed")
        })
        .collect();
    let mut argv: Vec<*mut std::os::raw::c_char> =
        args.iter().map(|a| a.as_ptr().cast_mut()).collect();
    argv.push(std::ptr::null_mut());
    // SAFETY: argv is a NULL-terminated array of NUL-terminated strings that
    // outlive the call, as C's main expects.
    let status = unsafe { mquickjs_sys::mqjs_main(args.len() as i32, argv.as_mut_ptr()) };
    std::process::exit(status);
}

#[cfg(not(unix))]
fn main() {
    eprintln!("mqjs: built for POSIX hosts only");
    std::process::exit(2);
}
