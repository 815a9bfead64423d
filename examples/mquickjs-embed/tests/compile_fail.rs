//! Misuse of the MicroQuickJS API that must not compile (`tests/ui/`):
//! memory the engine keeps must outlive the context, values cannot
//! outlive theirs, and `#[js]` refuses what the engine cannot do safely.

#[test]
fn misuse_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
