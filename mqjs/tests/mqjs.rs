//! `mqjs`, MicroQuickJS's own command-line tool built from the vendored
//! sources, passes MicroQuickJS's own tests as its
//! Makefile runs them: the test scripts, bytecode written with `-o` and run
//! with `-b`, and the README's `mqjs --memory-limit 10k tests/mandelbrot.js`
//! (and a limit too small for it: an error, not a crash).
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../mquickjs-sys/mquickjs/tests")
}

fn mqjs(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mqjs"))
        .args(args)
        .current_dir(tests_dir().parent().unwrap())
        .output()
        .unwrap();
    // Under the engine's DEBUG_GC (feature debug-gc) it says once when it
    // stops moving objects: not the script's output.
    let stdout: String = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("WARNING: debug GC"))
        .map(|l| format!("{l}\n"))
        .collect();
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
    // DEBUG_GC's own block (which it shrinks to move objects) needs room.
    let limit = if cfg!(feature = "debug-gc") {
        "64k"
    } else {
        "10k"
    };
    let out = mqjs(&["--memory-limit", limit, "tests/mandelbrot.js"]);
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

/// The example Rust module's functions and class, as JS sees them in mqjs:
/// results, arity and type errors with the function's name and `at f
/// (native)`, thrown Rust errors and panics, a class with its
/// constructor, methods, static methods, getters and setters.
#[test]
fn mqjs_has_the_rust_module_built_in() {
    let js = r#"
        function t(f) { try { return String(f()) } catch (e) { return e.name + ": " + e.message } }
        print(fib(20), fib(50), add(1.5, 2), greet("wörld"));
        print(t(function () { return fib("x") }));
        print(t(function () { return fib() }));
        print(t(function () { return fib(1.5) }));
        print(t(function () { return checked_sqrt(-1) }));
        print(t(function () { return boom() }));
        print(t(function () { return Counter(1) }));
        var c = new Counter(5);
        c.increment();
        c.step = 10;
        print(c.increment(), c.count, c.step, Counter.sum(c, new Counter(1)));
        print(t(function () { c.step = 0 }));
        print(t(function () { return Counter.prototype.increment.call({}) }));
        print(t(function () { return Counter.sum(c, {}) }));
        print(call_plus_one(function (x) { var s = ""; for (var i = 0; i < 200; i++) s += i; return x * 2 + s.length * 0 }, 20));
        try { fib({}) } catch (e) { print(e.stack.split("\n")[0].trim()) }
    "#;
    let out = mqjs(&["-e", js]);
    let expected = "6765 12586269025 3.5 Hello, wörld!\n\
        TypeError: fib: argument 1: expected integer, got string\n\
        TypeError: fib: expected 1 argument, got 0\n\
        TypeError: fib: argument 1: expected integer, got number\n\
        RangeError: checked_sqrt: negative\n\
        InternalError: panicked: boom from Rust\n\
        TypeError: Counter: a class constructor, called without `new`\n\
        16 16 10 17\n\
        RangeError: step: at least 1\n\
        TypeError: increment: `this` is not a Counter (or it is in use by another call), got object\n\
        TypeError: sum: argument 2: expected Counter, got object\n\
        41\n\
        at fib (native)\n";
    assert_eq!(out, expected);
}

/// Instances are freed by the collector (their finalizer drops the Rust
/// value): many made and dropped in a small buffer do not run out.
#[test]
fn mqjs_collects_rust_class_instances() {
    let out = mqjs(&[
        "--memory-limit",
        "16k",
        "-e",
        "var n = 0; for (var i = 0; i < 20000; i++) { var c = new Counter(i); n += c.increment() - i } print(n)",
    ]);
    assert_eq!(out, "20000\n");
}
