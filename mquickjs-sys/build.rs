//! Builds the MicroQuickJS engine from the pristine sources in `mquickjs/`,
//! copied to `OUT_DIR` with the commented patch series of `patches/`
//! applied (the applier quickjs-sys's build uses), as its own Makefile
//! does: the atom table comes from its standard library generator
//! (`mqjs_stdlib.c` with `mquickjs_build.c`), compiled for and run on the
//! build host even when cross-compiling (`-m32` for a 32-bit target);
//! then the engine is compiled for the target.
//!
//! The standard library itself is not built here: a crate makes its own,
//! with its `#[js]` functions and classes in ROM, from its build script
//! (`build::Stdlib`, feature `build`). The atom table does not depend on
//! it (the generator appends an embedder's names after the engine's).
//!
//! Feature `debug-gc`: the engine's `DEBUG_GC`, which moves every object
//! at every allocation (for tests that prove no stale value survives one).

#[path = "src/build/sources.rs"]
#[allow(dead_code)] // the host compiler is the library's (Stdlib::bytecode)
mod sources;

use std::env;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=mquickjs");
    println!("cargo:rerun-if-changed=patches");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src");

    let src = sources::prepare(&manifest, &out);

    // The atom table, from upstream's standard library.
    let generator = out.join("mqjs_stdlib_gen");
    sources::generator(&src, &src.join("mqjs_stdlib.c"), &generator);
    sources::generate(&generator, &["-a"], &out.join("mquickjs_atom.h"), false);

    let mut engine = sources::c_build(&src, &out);
    if env::var_os("CARGO_FEATURE_DEBUG_GC").is_some() {
        engine.define("DEBUG_GC", None);
    }
    engine
        .files(["mquickjs.c", "dtoa.c", "libm.c", "cutils.c"].map(|f| src.join(f)))
        // The constants and layouts src/lib.rs writes, as C sees them.
        .file(manifest.join("src/layout_checks.c"))
        .compile("mquickjs");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("none") {
        println!("cargo:rustc-link-lib=m");
    }
}
