//! Compiles the C baseline of the native-call benchmark (benches/c_add.c)
//! against the patched quickjs.h that quickjs-sys exports, and passes that
//! include directory on to the C-host test.

fn main() {
    println!("cargo:rerun-if-changed=benches/c_add.c");
    let include =
        std::env::var("DEP_QUICKJS_INCLUDE").expect("quickjs-sys exports its include dir");
    // For tests/c_host.rs, which compiles examples/c-host against it.
    println!("cargo:rustc-env=QUICKJS_INCLUDE={include}");
    if std::env::var("DEP_QUICKJS_ENGINE").as_deref() == Ok("bellard") {
        return; // a C host's static library (tests/c_host.rs): no benchmarks
    }
    cc::Build::new()
        .file("benches/c_add.c")
        .include(&include)
        .opt_level(3)
        .compile("bench_c_add");
}
