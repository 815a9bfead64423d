//! The sanitizer step's proof that it sees leaks: tests that leak on purpose,
//! ignored by default. `scripts/sanitize.sh` runs each on its own under
//! LeakSanitizer, with the suppressions of `scripts/lsan.supp`, and fails
//! unless LeakSanitizer reports its leak: suppressions broad enough to hide
//! a test's leaks (as `leak:std::thread` once was: libtest runs every test
//! on a thread it spawns, so that frame is in every test's stack) fail the
//! step instead of silencing it.

use quickjs::{Context, Function, Runtime};

/// Rust heap memory that nothing points to once the test returns (the size
/// of the leak the broad suppression once hid).
#[test]
#[ignore = "leaks on purpose: scripts/sanitize.sh runs it and expects LeakSanitizer to report it"]
fn lsan_canary_leaks_rust_memory() {
    std::mem::forget(vec![0x5a_u8; 123_000]);
}

/// A whole runtime (the engine's C heap and the Rust state around it) kept
/// alive only by a reference cycle: a function stored in the runtime's own
/// globals owns a handle to that runtime (the bug a hostile test had).
#[test]
#[ignore = "leaks on purpose: scripts/sanitize.sh runs it and expects LeakSanitizer to report it"]
fn lsan_canary_leaks_a_runtime_through_a_cycle() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let held = rt.clone();
    ctx.with(|ctx| {
        let gc = Function::new(ctx, "gc", move || held.run_gc())?;
        ctx.globals().set("gc", gc)
    })
    .unwrap();
}
