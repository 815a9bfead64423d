//! Builds MicroQuickJS from the pristine sources in `mquickjs/`, copied to
//! `OUT_DIR` with the commented patch series of `patches/` applied (the
//! applier quickjs-sys's build uses), as its own Makefile does: its standard library generator (`mqjs_stdlib.c` with
//! `mquickjs_build.c`) is compiled for and run on the build host, even
//! when cross-compiling, writing the atom table and the ROM tables of the
//! standard library (`-m32` for a 32-bit target) into `OUT_DIR`; then the
//! engine, and `mqjs` (its `main` renamed `mqjs_main`, for the workspace's
//! `mqjs` binary), are compiled for the target with the Makefile's flags.

#[path = "../quickjs-sys/patch.rs"]
mod patch;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=mquickjs");
    println!("cargo:rerun-if-changed=patches");
    println!("cargo:rerun-if-changed=build.rs");

    // 0. The pristine tree, copied, then patched.
    let src = out.join("mquickjs");
    let _ = std::fs::remove_dir_all(&src);
    copy_dir(&manifest.join("mquickjs"), &src);
    let series = patch::series(&manifest.join("patches"), "mquickjs", "");
    if let Err(e) = patch::apply_series(&series, &src) {
        panic!("applying mquickjs-sys/patches: {e}");
    }

    // 1. The generator, for the build host.
    let host = env::var("HOST").unwrap();
    let generator = out.join("mqjs_stdlib_gen");
    let cc = cc::Build::new()
        .target(&host)
        .host(&host)
        .opt_level(2)
        .cargo_metadata(false)
        .get_compiler();
    let status = cc
        .to_command()
        .args([
            "-D_GNU_SOURCE",
            "-fno-math-errno",
            "-fno-trapping-math",
            "-o",
        ])
        .arg(&generator)
        .arg(src.join("mqjs_stdlib.c"))
        .arg(src.join("mquickjs_build.c"))
        .arg("-I")
        .arg(&src)
        .status()
        .expect("run the host C compiler");
    assert!(
        status.success(),
        "compiling the standard library generator failed"
    );

    // 2. Its output: the atoms and the standard library's tables, for the
    // target's word size.
    let m32 = env::var("CARGO_CFG_TARGET_POINTER_WIDTH").unwrap() == "32";
    let generate = |args: &[&str], to: &Path| {
        let mut cmd = Command::new(&generator);
        cmd.args(args);
        if m32 {
            cmd.arg("-m32");
        }
        let output = cmd.output().expect("run the standard library generator");
        assert!(
            output.status.success(),
            "the standard library generator failed"
        );
        std::fs::write(to, output.stdout).unwrap();
    };
    generate(&["-a"], &out.join("mquickjs_atom.h"));
    generate(&[], &out.join("mqjs_stdlib.h"));

    // 3. The engine and mqjs, for the target (the Makefile's CFLAGS; -O2,
    // not its CONFIG_SMALL -Os, off a microcontroller).
    let mut base = cc::Build::new();
    base.include(&out)
        .include(&src)
        .define("_GNU_SOURCE", None)
        .flag_if_supported("-fno-math-errno")
        .flag_if_supported("-fno-trapping-math")
        .flag_if_supported("-Wno-sign-compare")
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-variable")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-missing-field-initializers")
        .flag_if_supported("-Wno-implicit-fallthrough")
        // Upstream's own code, compiled as upstream does (its Makefile's
        // -Wall warns on nothing it fixes): no -Wextra noise in our builds.
        .warnings(false)
        .extra_warnings(false)
        .opt_level(2);
    base.clone()
        .files(["mquickjs.c", "dtoa.c", "libm.c", "cutils.c"].map(|f| src.join(f)))
        .compile("mquickjs");
    base.clone()
        .define("main", "mqjs_main")
        .files(["mqjs.c", "readline.c", "readline_tty.c"].map(|f| src.join(f)))
        .compile("mqjs_cli");
    println!("cargo:rustc-link-lib=m");
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
