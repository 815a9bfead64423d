//! Tells the crate what quickjs-sys was built with (its `links = "quickjs"`
//! metadata): the engine (with Bellard's QuickJS only the native module
//! layer is compiled, see lib.rs) and whether the qjs CLI is in.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(quickjs_bellard, quickjs_cli, quickjs_loom)");
    println!("cargo:rerun-if-env-changed=DEP_QUICKJS_ENGINE");
    println!("cargo:rerun-if-env-changed=DEP_QUICKJS_CLI");
    if std::env::var("DEP_QUICKJS_ENGINE").as_deref() == Ok("bellard") {
        println!("cargo:rustc-cfg=quickjs_bellard");
    }
    if std::env::var("DEP_QUICKJS_CLI").as_deref() == Ok("1") {
        println!("cargo:rustc-cfg=quickjs_cli");
    }
}
