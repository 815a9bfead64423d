//! Upstream's own test suite (what `make test` runs: `run-test262 -c
//! tests.conf`), built from the patched sources: it must pass as it does
//! unpatched (0 errors).

use std::process::{Command, Stdio};

#[test]
fn upstream_tests_conf_passes_on_the_patched_engine() {
    // stdin stays an open, empty pipe until the suite ends: test_std.js
    // starts `cat` and expects SIGTERM to end it, so `cat` must block on
    // its stdin (with /dev/null it may exit 0 before the signal lands).
    let mut child = Command::new(env!("CARGO_BIN_EXE_run-test262"))
        .args(["-c", "tests.conf"])
        .current_dir(quickjs::sys::PATCHED_SOURCE_DIR)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run run-test262");
    // wait_with_output closes the stdin it owns; this handle outlives it.
    let stdin = child.stdin.take();
    let out = child.wait_with_output().expect("run run-test262");
    drop(stdin);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let result = stdout
        .lines()
        .chain(stderr.lines())
        .find(|l| l.starts_with("Result: "))
        .unwrap_or_else(|| panic!("no result line:\n{stdout}\n{stderr}"));
    // Its exit first: a run-test262 killed by a signal (a segfault, the
    // engine's leak assertion at teardown) may have printed a good result.
    assert!(
        out.status.success(),
        "run-test262 failed ({})\n{result}\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        result.starts_with("Result: 0/"),
        "{result}\n{stdout}\n{stderr}"
    );
}
