//! The crate's standard library: MicroQuickJS's built-ins and the `#[js]`
//! items of `src/lib.rs`, in ROM; `js/startup.js` compiled to bytecode.
fn main() {
    mquickjs_sys::build::Stdlib::new()
        .module("src/lib.rs")
        .bytecode("js/startup.js")
        .build();
}
