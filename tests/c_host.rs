//! examples/c-host: a C program that embeds QuickJS itself (no quickjs-libc,
//! no qjs), links the Rust static library and the header from cbindgen, and
//! runs its own poll loop. Built with the system C compiler and run here,
//! against the vendored quickjs-ng and against Bellard's QuickJS 2021-03-27 and 2026-06-04
//! compiled by the "host" itself (the Kraken set-up).

#[path = "../quickjs/tests/support/cdp.rs"]
mod cdp;
#[path = "../quickjs-sys/patch.rs"]
mod patch;
#[path = "../quickjs-sys/recipe.rs"]
mod recipe;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SCENARIO: &str = "fib(10) = 55\n\
    TypeError: fib: argument 1: expected number, got string\n\
    three sleeps done\n\
    slept at least 200 ms\n\
    loop slept a few times, cpu under 50 ms\n\
    clean exit\n";

const BAD_INPUT: &str = "plain runtime: pending 0, fd -1, timeout -1\n\
    JS_AddRust again: 0\n\
    JS_AddRust(NULL, rt): -1\n\
    after two JS_AddRust: fib(4) = 10\n\
    pending before freeing the context: 1000\n\
    pending after: 0\n\
    survivor slept\n\
    clean exit\n";

const CHURN: &str = "wake fd exists after the first JS_AddRust: yes\n\
    after 1000 contexts: same wake fd yes, pending 0\n\
    checksum from a worker thread: 1312372677\n\
    woken through epoll: yes\n\
    clean exit\n";

const FREE_WITHOUT_GC: &str = "pending before JS_FreeContext: 100\n\
    pending right after: 0\n\
    loop drained, no reaction ran\n\
    clean exit\n";

const WRONG_THREAD: &str = "from another thread: pending -1, next timeout -2, wake fd usable yes\n\
    JS_AddRust from another thread: -1\n\
    slept on the JS thread\n\
    clean exit\n";

const LATE_WAKE: &str = "call running at JS_FreeRuntime: over before it returned\n\
    callback replaced during a call: the old call over before it returned\n\
    late workers after JS_FreeRuntime: no call, wake fd open after the free 0 times, written after 0 times\n\
    clean exit\n";

const MOVED: &str = "pending: 100\n\
    pending seen from the new thread: -1\n\
    clean exit\n";

/// The lifecycle modes of examples/c-host: context churn on an epoll loop,
/// JS_FreeContext without GC, calls from a wrong thread (also under
/// helgrind when valgrind is installed: no reports; required where
/// QUICKJS_RUST_REQUIRE_VALGRIND=1, as in CI), a runtime moved to
/// another thread without `rust_bind_thread` and freed there with futures
/// pending (the engines built with assertions check that nothing leaks),
/// workers finishing after `JS_FreeRuntime` or while the wake callback is
/// replaced (the old callback's opaque is unreadable afterwards: a late
/// call would crash the host).
fn check_lifecycle(exe: &Path) {
    assert_eq!(run(exe, &["churn"]), CHURN);
    assert_eq!(run(exe, &["free-no-gc"]), FREE_WITHOUT_GC);
    assert_eq!(run(exe, &["wrong-thread"]), WRONG_THREAD);
    assert_eq!(run(exe, &["moved"]), MOVED);
    assert_eq!(run(exe, &["late-wake"]), LATE_WAKE);
    if let Err(e) = Command::new("valgrind").arg("--version").output() {
        assert!(
            std::env::var_os("QUICKJS_RUST_REQUIRE_VALGRIND").is_none_or(|v| v != "1"),
            "valgrind is required (QUICKJS_RUST_REQUIRE_VALGRIND=1) but does not run: {e}"
        );
        eprintln!("valgrind does not run here ({e}): the helgrind check is skipped");
    } else {
        let out = Command::new("valgrind")
            .args(["--tool=helgrind", "--error-exitcode=9", "-q"])
            .arg(exe)
            .arg("wrong-thread")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "helgrind reported ({}):\n{stderr}",
            out.status
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), WRONG_THREAD);
    }
}

/// What a Rust staticlib needs from the C library (see
/// `cargo rustc --lib -- --print native-static-libs`).
const SYSTEM_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// This test binary's profile directory (`target/debug` or `target/release`).
fn profile_dir() -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .to_path_buf()
}

fn release() -> bool {
    profile_dir().file_name().unwrap() == "release"
}

/// `cargo build --lib` of this crate into `target_dir` (same profile as
/// this test), with `env`; returns `libquickjs_rust.a`.
fn build_staticlib(target_dir: &Path, env: &[(&str, &Path)]) -> PathBuf {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(root())
        .args(["build", "--lib", "--target-dir"])
        .arg(target_dir)
        .envs(env.iter().copied());
    if release() {
        cargo.arg("--release");
    }
    let status = cargo.status().unwrap();
    assert!(
        status.success(),
        "cargo build --lib failed ({status}; {env:?})"
    );
    let lib = target_dir
        .join(if release() { "release" } else { "debug" })
        .join("libquickjs_rust.a");
    assert!(lib.exists(), "{} was not built", lib.display());
    lib
}

fn cc() -> Command {
    Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
}

fn run(exe: &Path, args: &[&str]) -> String {
    let out = Command::new(exe).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} {args:?} failed ({:?})\nstdout:\n{stdout}\nstderr:\n{}",
        exe.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn a_c_host_runs_fib_and_sleep_with_its_own_loop_and_survives_bad_input() {
    // The engine comes with the static library (the vendored quickjs-ng).
    let profile_dir = profile_dir();
    let lib = build_staticlib(profile_dir.parent().unwrap(), &[]);
    let exe = profile_dir.join("c-host-example");
    let status = cc()
        .args(["-std=gnu11", "-O1", "-o"])
        .arg(&exe)
        .arg(root().join("examples/c-host/main.c"))
        .arg("-I")
        .arg(root().join("include"))
        .arg("-I")
        .arg(env!("QUICKJS_INCLUDE"))
        .arg(&lib)
        .args(SYSTEM_LIBS)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "compiling examples/c-host failed ({status})"
    );
    assert_eq!(run(&exe, &[]), SCENARIO);
    assert_eq!(run(&exe, &["bad-input"]), BAD_INPUT);
    check_lifecycle(&exe);
    check_inspector(&exe);
}

/// `c-host inspect`: a debugger client (Chrome DevTools Protocol) pauses
/// the C host's module at a breakpoint after a Rust `sleep` (the host's
/// own poll loop serves the client while it waits), reads a local, and
/// leaves; the host then finishes and frees everything.
fn check_inspector(exe: &Path) {
    use serde_json::json;
    use std::io::BufRead;
    let mut child = Command::new(exe)
        .arg("inspect")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("Debugger listening on ")
        .unwrap_or_else(|| panic!("no URL on stderr: {line:?}"))
        .to_string();
    let mut c = cdp::Client::connect(&url);
    c.call("Debugger.enable", json!({}));
    let bp = c.call(
        "Debugger.setBreakpointByUrl",
        json!({"url": "inspected.js", "lineNumber": 3}),
    );
    c.call("Runtime.runIfWaitingForDebugger", json!({}));
    let p = c.event("Debugger.paused");
    assert_eq!(p["reason"], "Break on start");
    c.call("Debugger.resume", json!({}));
    let p = c.event("Debugger.paused");
    assert_eq!(p["hitBreakpoints"][0], bp["breakpointId"]);
    assert_eq!(p["callFrames"][0]["functionName"], "area");
    let r = c.call(
        "Debugger.evaluateOnCallFrame",
        json!({"callFrameId": "0", "expression": "a + w"}),
    );
    assert_eq!(r["result"]["value"], 48);
    c.call("Debugger.resume", json!({}));
    drop(c); // the loop ends once the client is gone
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "area 42\nclean exit\n"
    );
}

/// Copies `from` into `to`, rewriting only files whose content changed (so
/// cargo's change detection on the tree sees no change on a rerun).
fn sync_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let new = fs::read(e.path()).unwrap();
        let dst = to.join(e.file_name());
        if fs::read(&dst).ok().as_deref() != Some(&new[..]) {
            fs::write(&dst, new).unwrap();
        }
    }
}

/// A Kraken-like host on Bellard's QuickJS 2021-03-27 (the release Kraken
/// pinned).
#[test]
fn a_host_on_bellards_quickjs_2021_links_the_rust_modules_and_runs_fib_and_sleep() {
    bellard_host("2021-03-27");
}

/// The same host on Bellard's current release.
#[test]
fn a_host_on_bellards_quickjs_2026_links_the_rust_modules_and_runs_fib_and_sleep() {
    bellard_host("2026-06-04");
}

/// A host on Bellard's QuickJS `release`: it patches its own copy of the
/// engine (patches/ with the bellard/ and bellard-<release>/ variants) and
/// compiles it itself, as his Makefile does (recipe.rs); the Rust static
/// library is built against that tree (`QUICKJS_SYS_SOURCE_DIR`) without an
/// engine of its own (`QUICKJS_SYS_NO_ENGINE=1`), so one copy of QuickJS is
/// linked. The same examples/c-host program runs the same scenario and
/// lifecycle, and Bellard's own qjs (patched quickjs-libc and qjs.c) runs
/// examples/test.js.
fn bellard_host(release: &str) {
    let work = profile_dir()
        .parent()
        .unwrap()
        .join(format!("bellard-host-{release}"));
    // 1. The host's patched tree.
    let scratch = work.join("scratch");
    let _ = fs::remove_dir_all(&scratch);
    sync_dir(
        &root().join(format!("quickjs-sys/tests/fixtures/bellard-{release}")),
        &scratch,
    );
    let series = patch::series(&root().join("quickjs-sys/patches"), "bellard", release);
    patch::apply_series(&series, &scratch).unwrap();
    let tree = work.join("quickjs");
    sync_dir(&scratch, &tree);
    fs::remove_dir_all(&scratch).unwrap();

    // 2. The Rust static library against it, with no engine inside.
    let lib = build_staticlib(
        &work.join("target"),
        &[
            ("QUICKJS_SYS_SOURCE_DIR", &tree),
            ("QUICKJS_SYS_NO_ENGINE", Path::new("1")),
        ],
    );
    let nm = Command::new("nm")
        .args(["-g", "--defined-only"])
        .arg(&lib)
        .output()
        .unwrap();
    assert!(
        nm.status.success(),
        "nm failed ({}): {}",
        nm.status,
        String::from_utf8_lossy(&nm.stderr)
    );
    let symbols = String::from_utf8_lossy(&nm.stdout);
    let defines = |name: &str| {
        symbols
            .lines()
            .any(|l| l.split_whitespace().last() == Some(name) && l.contains(" T "))
    };
    assert!(defines("rust_run") && defines("JS_AddRust"));
    assert!(
        !defines("JS_NewRuntime"),
        "the static library carries an engine"
    );

    // 3. The host compiles its engine (as Bellard's Makefile does), with
    // assertions on: JS_FreeRuntime checks that nothing leaked.
    let recipe = recipe::bellard(&tree, release);
    let defines = recipe.cc_args();
    let obj = work.join("obj");
    fs::create_dir_all(&obj).unwrap();
    let compile = |name: &&str| -> PathBuf {
        let o = obj.join(name.replace(".c", ".o"));
        let status = cc()
            .args(["-c", "-O1", "-w"])
            .args(&defines)
            .arg("-I")
            .arg(&tree)
            .arg(tree.join(name))
            .arg("-o")
            .arg(&o)
            .status()
            .unwrap();
        assert!(status.success(), "compiling {name} failed ({status})");
        o
    };
    let engine: Vec<PathBuf> = recipe.engine.iter().map(compile).collect();
    let link = |exe: &Path, sources: &[PathBuf]| {
        let status = cc()
            .args(["-std=gnu11", "-O1", "-w"])
            .args(&defines)
            // What the header asks of a host on Bellard's QuickJS.
            .arg("-DQUICKJS_RUST_BELLARD")
            .arg("-o")
            .arg(exe)
            .args(sources)
            .args(&engine)
            .arg("-I")
            .arg(root().join("include"))
            .arg("-I")
            .arg(&tree)
            .arg(&lib)
            .args(SYSTEM_LIBS)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "linking {} failed ({status})",
            exe.display()
        );
    };

    // 4. The C host example: the same scenario, the same output.
    let host = work.join("c-host-example");
    link(&host, &[root().join("examples/c-host/main.c")]);
    assert_eq!(run(&host, &[]), SCENARIO);
    assert_eq!(run(&host, &["bad-input"]), BAD_INPUT);
    check_lifecycle(&host);

    // 5. Bellard's qjs with the patched quickjs-libc (its loop waits on the
    // wake fd) and qjs.c (JS_AddRust in every context). His REPL and qjscalc
    // are bytecode compiled from JS files his release builds with qjsc; qjs
    // runs neither for a script file, so they are empty here.
    let no_repl = work.join("no_repl.c");
    fs::write(
        &no_repl,
        "#include <stdint.h>\n\
         const uint8_t qjsc_repl[1]; const uint32_t qjsc_repl_size = 0;\n\
         const uint8_t qjsc_qjscalc[1]; const uint32_t qjsc_qjscalc_size = 0;\n",
    )
    .unwrap();
    let qjs = work.join("qjs");
    link(
        &qjs,
        &[tree.join("qjs.c"), tree.join("quickjs-libc.c"), no_repl],
    );
    let started = std::time::Instant::now();
    let out = run(&qjs, &[root().join("examples/test.js").to_str().unwrap()]);
    let lines: Vec<&str> = out.lines().collect();
    // Module namespaces list exports sorted (Bellard) or as declared (ng).
    let mut exports: Vec<&str> = lines[0]
        .strip_prefix("export from rust : ")
        .unwrap_or_else(|| panic!("{out}"))
        // (2026 prints the array as `[ "checksum", "fib", "sleep" ]`.)
        .split(',')
        .map(|e| e.trim_matches(|c: char| "[]\" ".contains(c)))
        .collect();
    exports.sort();
    assert_eq!(exports, ["checksum", "fib", "sleep"]);
    assert_eq!(lines[1], "begin sleep 2s");
    assert_eq!(lines[2], "sleep done");
    assert_eq!(lines[3], "fib(3) = 6");
    assert_eq!(lines[4], "TypeError fib: expected 1 argument, got 0");
    assert!(out.contains("    at fib (native)\n"), "{out}");
    assert!(
        out.ends_with("TypeError fib: argument 1: expected number, got string\n"),
        "{out}"
    );
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
}
