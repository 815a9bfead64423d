//! The crate's MicroQuickJS standard library (the engine's built-ins and
//! the `#[js]` functions of src/native.rs, in ROM; js/main.js compiled
//! to 32-bit bytecode), the linker's memory
//! map, and the few C library symbols a bare-metal target lacks.
//! The C compiler and its flags come from .cargo/config.toml's `[env]`.
use std::env;
use std::path::PathBuf;

fn main() {
    mquickjs_sys::build::Stdlib::new()
        .module("src/native.rs")
        .bytecode("js/main.js")
        .build();

    // memory.x where cortex-m-rt's link.x finds it.
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    std::fs::copy("memory.x", out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");

    // setjmp/longjmp (the engine's out-of-memory path at start-up) and
    // newlib's fpclassify helpers; abort/__assert_func are in src/main.rs.
    cc::Build::new()
        .file("csrc/setjmp.S")
        .file("csrc/libc.c")
        .warnings(false)
        .compile("cortex_m_libc");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-changed=build.rs");
}
