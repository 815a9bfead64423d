//! The engine's sources as the builds use them: the pristine tree copied
//! with the patch series applied, MicroQuickJS's standard library
//! generator compiled for the build host, and the C flags of its Makefile.
//! Shared by this crate's build script (the engine) and [`crate::build`]
//! (a crate's standard library, in its build script).

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../../quickjs-sys/patch.rs"]
mod patch;

/// `mquickjs/` copied into `out` with `patches/` applied; returns the copy.
pub fn prepare(sys_dir: &Path, out: &Path) -> PathBuf {
    let src = out.join("mquickjs");
    let _ = std::fs::remove_dir_all(&src);
    copy_dir(&sys_dir.join("mquickjs"), &src);
    let series = patch::series(&sys_dir.join("patches"), "mquickjs", "");
    if let Err(e) = patch::apply_series(&series, &src) {
        panic!("applying mquickjs-sys/patches: {e}");
    }
    src
}

/// Compiles the generator for the build host from `stdlib_c` (a file that
/// defines the standard library's tables and includes `mqjs_stdlib.c`) and
/// MicroQuickJS's `mquickjs_build.c`.
pub fn generator(src: &Path, stdlib_c: &Path, to: &Path) {
    host_program(
        &[stdlib_c.to_path_buf(), src.join("mquickjs_build.c")],
        &[src],
        to,
        "MicroQuickJS's standard library generator",
    );
}

/// Compiles a C program for the build host.
pub fn host_program(files: &[PathBuf], includes: &[&Path], to: &Path, what: &str) {
    let host = std::env::var("HOST").expect("HOST (run from a build script)");
    let cc = cc::Build::new()
        .target(&host)
        .host(&host)
        .opt_level(1)
        .cargo_metadata(false)
        .warnings(false)
        .get_compiler();
    let mut cmd = cc.to_command();
    cmd.args(["-D_GNU_SOURCE", "-o"]).arg(to).args(files);
    for i in includes {
        cmd.arg("-I").arg(i);
    }
    let out = cmd.arg("-lm").output().expect("run the host C compiler");
    assert!(
        out.status.success(),
        "compiling {what} for the build host failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether the target's words are 32 bits (its tables and bytecode then
/// come out of the 64-bit host's tools with `-m32`).
pub fn target_is_32bit() -> bool {
    std::env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() == Ok("32")
}

/// Runs the generator (`-m32` for a 32-bit target, unless `host_words`:
/// tables for a program of the build host) and writes its output.
pub fn generate(generator: &Path, args: &[&str], to: &Path, host_words: bool) {
    let mut cmd = host_tool(generator);
    cmd.args(args);
    if target_is_32bit() && !host_words {
        cmd.arg("-m32");
    }
    let output = cmd.output().expect("run the standard library generator");
    assert!(
        output.status.success(),
        "MicroQuickJS's standard library generator failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(to, output.stdout).unwrap();
}

/// A command running a tool this build compiled for the host. Under a
/// sanitizer's CFLAGS (`scripts/sanitize.sh`) the tools are instrumented
/// too: upstream's generator does not free what it builds before it
/// exits, which is no bug in a build tool, so leak checks are off.
pub fn host_tool(path: &Path) -> Command {
    let mut cmd = Command::new(path);
    cmd.env("ASAN_OPTIONS", "detect_leaks=0");
    cmd
}

/// Builds MicroQuickJS's compiler for the build host (`compile.c`: `mqjs
/// -o` alone) in `dir`, over the engine's plain standard library.
pub fn compiler(src: &Path, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let plain = dir.join("plain_stdlib.c");
    std::fs::write(
        &plain,
        "#include \"mquickjs_build.h\"\n#define CONFIG_NO_MQJS_GLOBALS\n#include \"mqjs_stdlib.c\"\n",
    )
    .unwrap();
    let gen = dir.join("plain_stdlib_gen");
    generator(src, &plain, &gen);
    generate(&gen, &["-a"], &dir.join("mquickjs_atom.h"), true);
    generate(&gen, &[], &dir.join("mquickjs_stdlib_tables.h"), true);
    let compile_c = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/build/compile.c");
    let compiler = dir.join("mquickjs_compile");
    let mut files = vec![compile_c];
    files.extend(["mquickjs.c", "dtoa.c", "libm.c", "cutils.c"].map(|f| src.join(f)));
    host_program(&files, &[dir, src], &compiler, "MicroQuickJS's compiler");
    compiler
}

/// A C build for the target with the Makefile's flags (`-O2`, or `-Os` on
/// a target without an operating system, as its CONFIG_SMALL).
pub fn c_build(src: &Path, include: &Path) -> cc::Build {
    let mut b = cc::Build::new();
    let bare = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none");
    b.include(include)
        .include(src)
        .define("_GNU_SOURCE", None)
        .flag_if_supported("-fno-math-errno")
        .flag_if_supported("-fno-trapping-math")
        // Upstream's own code, compiled as upstream does (its Makefile's
        // -Wall warns on nothing it fixes): no -Wextra noise in our builds.
        .warnings(false)
        .extra_warnings(false);
    if bare {
        b.opt_level_str("s");
    } else {
        b.opt_level(2);
    }
    b
}

/// Copies the folder `from` to `to` (which does not exist yet).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
