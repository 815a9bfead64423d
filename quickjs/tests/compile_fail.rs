//! Lifetime safety, proven by code that must not compile (`tests/ui/`).

#[test]
fn lifetimes_keep_values_inside_their_context() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
