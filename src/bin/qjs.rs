//! `qjs`: upstream's QuickJS command-line tool, built from the patched
//! sources, with the example `'rust'` module built in.

fn main() {
    std::process::exit(quickjs::qjs::main(&[&quickjs_rust::RUST]));
}
