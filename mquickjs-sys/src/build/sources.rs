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
    let host = std::env::var("HOST").expect("HOST (run from a build script)");
    let cc = cc::Build::new()
        .target(&host)
        .host(&host)
        .opt_level(1)
        .cargo_metadata(false)
        .warnings(false)
        .get_compiler();
    let out = cc
        .to_command()
        .args(["-D_GNU_SOURCE", "-o"])
        .arg(to)
        .arg(stdlib_c)
        .arg(src.join("mquickjs_build.c"))
        .arg("-I")
        .arg(src)
        .output()
        .expect("run the host C compiler");
    assert!(
        out.status.success(),
        "compiling MicroQuickJS's standard library generator ({}) failed:\n{}",
        stdlib_c.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the generator (`-m32` for a 32-bit target) and writes its output.
pub fn generate(generator: &Path, args: &[&str], to: &Path) {
    let mut cmd = Command::new(generator);
    cmd.args(args);
    if std::env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() == Ok("32") {
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
