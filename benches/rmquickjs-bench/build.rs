//! rmquickjs-sys 1.0.0 compiles MicroQuickJS twice into its library:
//! `rmquickjs.c` (which includes `mquickjs.c`) and `rmqjs.c` (which includes
//! `rmquickjs.c` again, with the standard library's table). A binary needs
//! both objects (the table is only in the second), so every engine symbol is
//! defined twice and the link fails on Linux ("duplicate symbol"). The two
//! copies are the same code from the same flags, and the engine keeps its
//! state in its context (its one static, rmquickjs's host callback, is
//! set and read through the same chosen definitions), so the linker may take
//! either: the first.
fn main() {
    println!("cargo:rustc-link-arg-bins=-Wl,--allow-multiple-definition");
}
