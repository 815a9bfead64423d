//! Upstream's conformance runner (`run-test262`), built from the patched
//! sources: `run-test262 -c tests.conf` in the patched source tree is what
//! upstream's `make test` runs.

use std::ffi::CString;
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStringExt;

fn main() {
    // The runner must link the hooks the patched engine calls.
    quickjs::register(&quickjs_rust::RUST);
    let args: Vec<CString> = std::env::args_os()
        .map(|a| CString::new(a.into_vec()).expect("argument with NUL"))
        .collect();
    let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    argv.push(std::ptr::null_mut());
    // SAFETY: a NULL-terminated argv of NUL-terminated strings outliving the call.
    let status = unsafe { quickjs::sys::run_test262_main(args.len() as c_int, argv.as_mut_ptr()) };
    std::process::exit(status);
}
