//! Upstream's own test suite (what `make test` runs: `run-test262 -c
//! tests.conf`), built from the patched sources: it must pass as it does
//! unpatched (0 errors).

use std::process::Command;

#[test]
fn upstream_tests_conf_passes_on_the_patched_engine() {
    let out = Command::new(env!("CARGO_BIN_EXE_run-test262"))
        .args(["-c", "tests.conf"])
        .current_dir(quickjs::sys::PATCHED_SOURCE_DIR)
        .output()
        .expect("run run-test262");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let result = stdout
        .lines()
        .chain(stderr.lines())
        .find(|l| l.starts_with("Result: "))
        .unwrap_or_else(|| panic!("no result line:\n{stdout}\n{stderr}"));
    assert!(
        result.starts_with("Result: 0/"),
        "{result}\n{stdout}\n{stderr}"
    );
    assert!(out.status.success(), "{result}");
}
