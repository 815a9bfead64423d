//! tc39 test262 on the patched engine equals the pristine engine's result
//! (upstream's test262_errors.txt: run as upstream's `make test262` does,
//! both modes, the patched engine fails exactly the listed tests), when a
//! checkout is given in TEST262_DIR; without one this test says so and
//! checks nothing else. `scripts/test262.sh DIR` is the same run from the
//! shell; CI (`.ci/run`) runs it on the suite unpacked from
//! `../shared/test262/` (tc39/test262 at be13516, where the pristine
//! quickjs-ng 0.16.2 gets `52/82220 errors, 4802 excluded, 5736 skipped`)
//! and sets TEST262_RESULT to that line: then the run must print exactly it,
//! so a suite that lost tests (a partial unpack) cannot pass either.

use std::process::Command;

#[test]
fn test262_errors_equal_the_pristine_engines() {
    let Some(dir) = std::env::var_os("TEST262_DIR") else {
        eprintln!("TEST262_DIR is not set: test262 not run (see scripts/test262.sh)");
        return;
    };
    let work = std::env::temp_dir().join(format!("qjs-test262-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let src = std::path::Path::new(quickjs::sys::PATCHED_SOURCE_DIR);
    for f in ["test262.conf", "test262_errors.txt"] {
        std::fs::copy(src.join(f), work.join(f)).unwrap();
    }
    let link = work.join("test262");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&dir, &link).unwrap();
    // -a: strict and sloppy modes, as `make test262`; -t: every core
    // (run-test262 leaves one idle by default).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let out = Command::new(env!("CARGO_BIN_EXE_run-test262"))
        .args(["-c", "test262.conf", "-a", "-t", &threads.to_string()])
        .current_dir(&work)
        .output()
        .expect("run run-test262");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let result = stderr
        .lines()
        .find(|l| l.starts_with("Result: "))
        .unwrap_or_else(|| panic!("no result line:\n{stderr}"));
    eprintln!("{result}");
    std::fs::remove_dir_all(&work).ok();
    // A run-test262 killed by a signal fails whatever it printed.
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        out.status.success() && !result.contains(" new") && !result.contains(" fixed"),
        "{result} ({})\nthe end of its stderr:\n{}",
        out.status,
        lines[lines.len().saturating_sub(40)..].join("\n")
    );
    if let Ok(expected) = std::env::var("TEST262_RESULT") {
        assert_eq!(
            result.strip_prefix("Result: ").unwrap().trim(),
            expected.trim(),
            "test262: not the pristine engine's result on this suite (TEST262_RESULT)"
        );
    }
}
