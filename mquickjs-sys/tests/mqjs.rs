//! `mqjs`, MicroQuickJS's own command-line tool built from the vendored
//! sources, passes MicroQuickJS's own tests as its
//! Makefile runs them: the test scripts, bytecode written with `-o` and run
//! with `-b`, and the README's `mqjs --memory-limit 10k tests/mandelbrot.js`
//! (and a limit too small for it: an error, not a crash).
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mquickjs/tests")
}

fn mqjs(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mqjs"))
        .args(args)
        .current_dir(tests_dir().parent().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "mqjs {args:?} failed ({})\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn mqjs_passes_microquickjs_own_tests() {
    for t in [
        "test_closure.js",
        "test_language.js",
        "test_loop.js",
        "test_builtin.js",
    ] {
        mqjs(&[&format!("tests/{t}")]);
    }
}

#[test]
fn mqjs_writes_bytecode_and_runs_it() {
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test_builtin.bin");
    let bin = bin.to_str().unwrap();
    mqjs(&["-o", bin, "tests/test_builtin.js"]);
    assert!(std::fs::metadata(bin).unwrap().len() > 1000);
    mqjs(&["-b", bin]);
}

#[test]
fn mqjs_runs_mandelbrot_in_ten_kilobytes() {
    let out = mqjs(&["--memory-limit", "10k", "tests/mandelbrot.js"]);
    assert!(out.lines().count() > 10, "{out}");
    // Too little memory for the standard library is an error that says so
    // (patch 0001), not a crash; so when compiling to bytecode.
    for args in [
        vec!["--memory-limit", "2k", "tests/mandelbrot.js"],
        vec!["--memory-limit", "1", "tests/mandelbrot.js"],
        vec![
            "--memory-limit",
            "2k",
            "-o",
            "/dev/null",
            "tests/mandelbrot.js",
        ],
    ] {
        let small = Command::new(env!("CARGO_BIN_EXE_mqjs"))
            .args(&args)
            .current_dir(tests_dir().parent().unwrap())
            .output()
            .unwrap();
        assert_eq!(small.status.code(), Some(1), "{args:?}: {:?}", small.status);
        let err = String::from_utf8_lossy(&small.stderr);
        assert!(err.contains("too small"), "{args:?}: {err}");
    }
}

#[test]
fn mqjs_evaluates_an_expression() {
    // (No arrow functions: MicroQuickJS's language is close to ES5.)
    assert_eq!(
        mqjs(&[
            "-e",
            "print(6 * 7, [1, 2].map(function (x) { return x * 2 }))"
        ]),
        "42 [ 2, 4 ]\n"
    );
}
