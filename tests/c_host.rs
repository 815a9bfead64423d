//! examples/c-host: a C program that embeds QuickJS itself (no quickjs-libc,
//! no qjs), links the Rust static library and the header from cbindgen, and
//! runs its own poll loop. Built with the system C compiler and run here.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds `libquickjs_rust.a` (the crate's staticlib, same profile as this
/// test) and links examples/c-host/main.c against it.
fn build_c_host() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let profile_dir = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .to_path_buf();
    let target_dir = profile_dir.parent().unwrap();
    let release = profile_dir.file_name().unwrap() == "release";
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(root)
        .args(["build", "--lib", "--target-dir"])
        .arg(target_dir);
    if release {
        cargo.arg("--release");
    }
    let status = cargo.status().unwrap();
    assert!(status.success(), "cargo build --lib failed");
    let lib = profile_dir.join("libquickjs_rust.a");
    assert!(lib.exists(), "{} was not built", lib.display());
    let exe = profile_dir.join("c-host-example");
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .arg("-std=gnu11")
        .arg("-O1")
        .arg("-o")
        .arg(&exe)
        .arg(root.join("examples/c-host/main.c"))
        .arg("-I")
        .arg(root.join("include"))
        .arg("-I")
        .arg(env!("QUICKJS_INCLUDE"))
        .arg(&lib)
        // What a Rust staticlib needs from the C library (see
        // `cargo rustc --lib -- --print native-static-libs`).
        .args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ])
        .status()
        .unwrap();
    assert!(status.success(), "compiling examples/c-host failed");
    exe
}

fn run(exe: &Path, arg: Option<&str>) -> String {
    let out = Command::new(exe).args(arg).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "c-host {arg:?} failed ({:?})\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn a_c_host_runs_fib_and_sleep_with_its_own_loop_and_survives_bad_input() {
    let exe = build_c_host();
    assert_eq!(
        run(&exe, None),
        "fib(10) = 55\n\
         TypeError: fib: argument 1: expected number, got string\n\
         three sleeps done\n\
         slept at least 200 ms\n\
         loop slept a few times, cpu under 50 ms\n\
         clean exit\n"
    );
    assert_eq!(
        run(&exe, Some("bad-input")),
        "plain runtime: pending 0, fd -1, timeout -1\n\
         JS_AddRust again: 0\n\
         JS_AddRust(NULL, rt): -1\n\
         after two JS_AddRust: fib(4) = 10\n\
         pending before freeing the context: 1000\n\
         pending after: 0\n\
         survivor slept\n\
         clean exit\n"
    );
}
