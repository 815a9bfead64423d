//! Upstream's conformance runner (`run-test262`), built from the patched
//! sources: `run-test262 -c tests.conf` in the patched source tree is what
//! upstream's `make test` runs.

fn main() {
    // Linking the example module also links the hooks the patched engine calls.
    quickjs::register(&quickjs_rust::RUST);
    std::process::exit(quickjs::qjs::run_c_main(quickjs::sys::run_test262_main));
}
