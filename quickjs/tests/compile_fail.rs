//! Code that must not compile: lifetime safety (`tests/ui/`) and the
//! signatures `#[js]` rejects (`tests/js_ui/`).

#[test]
fn lifetimes_keep_values_inside_their_context() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

/// `#[js]` rejects signatures it cannot export, pointing at the offending
/// part (`tests/js_ui/`).
#[test]
fn unsupported_js_signatures_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/js_ui/*.rs");
}
