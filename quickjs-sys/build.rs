//! Builds the patched quickjs-ng engine.
//!
//! 1. Copies the pristine sources of `quickjs/` into `OUT_DIR/quickjs/`.
//! 2. Applies `../patches/*.patch` (unified diffs, in name order) with the small
//!    applier below: no external `patch` tool is needed.
//! 3. Compiles the engine, quickjs-libc, the qjs CLI (`main` renamed `qjs_main`)
//!    and upstream's test runner (`main` renamed `run_test262_main`) with the
//!    flags of upstream's CMake Release build.
//! 4. Selects the committed bindings, or regenerates them (`bindgen` feature).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// Engine sources, as upstream's CMakeLists.txt lists them for the `qjs` library.
const ENGINE: &[&str] = &[
    "dtoa.c",
    "libregexp.c",
    "libunicode.c",
    "quickjs.c",
    "quickjs-libc.c",
];
/// Every file build.rs reads from the vendored tree (the rest is copied for tests).
const READ: &[&str] = &[
    "dtoa.c",
    "dtoa.h",
    "libregexp.c",
    "libregexp.h",
    "libregexp-opcode.h",
    "libunicode.c",
    "libunicode.h",
    "libunicode-table.h",
    "quickjs.c",
    "quickjs.h",
    "quickjs-libc.c",
    "quickjs-libc.h",
    "quickjs-atom.h",
    "quickjs-opcode.h",
    "quickjs-c-atomics.h",
    "cutils.h",
    "list.h",
    "qjs.c",
    "run-test262.c",
    "gen/repl.c",
    "gen/standalone.c",
    "builtin-array-fromasync.h",
    "builtin-iterator-zip.h",
    "builtin-iterator-zip-keyed.h",
];

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let vendored = manifest.join("quickjs");
    let patches_dir = manifest.join("../patches");
    let src = out.join("quickjs");

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=patch.rs");
    println!("cargo:rerun-if-changed={}", patches_dir.display());
    for f in READ {
        println!("cargo:rerun-if-changed={}", vendored.join(f).display());
    }

    if src.exists() {
        fs::remove_dir_all(&src).expect("clean OUT_DIR/quickjs");
    }
    copy_dir(&vendored, &src);

    let mut patches: Vec<PathBuf> = fs::read_dir(&patches_dir)
        .expect("read patches/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "patch"))
        .collect();
    patches.sort();
    for p in &patches {
        println!("cargo:rerun-if-changed={}", p.display());
        let text = fs::read_to_string(p).unwrap();
        if let Err(e) = patch::apply(&text, &src) {
            panic!("patch {} does not apply: {e}", p.display());
        }
    }

    // Upstream's CMake Release build: -O3 -DNDEBUG (debug builds keep the
    // engine's assertions, so tests catch objects leaked at runtime teardown).
    let assertions = env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let mut base = cc::Build::new();
    base.include(&src)
        .std("gnu11")
        .define("_GNU_SOURCE", None)
        .define("QUICKJS_NG_BUILD", None)
        .flag_if_supported("-funsigned-char")
        .flag_if_supported("-Wno-implicit-fallthrough")
        .flag_if_supported("-Wno-sign-compare")
        .flag_if_supported("-Wno-missing-field-initializers")
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-unused-result")
        .flag_if_supported("-Wno-stringop-truncation")
        .flag_if_supported("-Wno-array-bounds")
        .flag_if_supported("-Wno-format-nonliteral")
        .flag_if_supported("-Wno-cast-function-type")
        .flag_if_supported("-Wno-enum-conversion");
    if assertions {
        base.opt_level(2).debug(true);
    } else {
        base.opt_level(3).define("NDEBUG", None);
    }

    let mut engine = base.clone();
    engine.files(ENGINE.iter().map(|f| src.join(f)));
    // The weak default `JS_AddRust` (see the file's comment).
    let fallback = manifest.join("c/js_add_rust_fallback.c");
    println!("cargo:rerun-if-changed={}", fallback.display());
    engine.file(fallback);
    engine.compile("quickjs");

    // The CLI and the conformance runner: each `main` renamed so a Rust binary
    // (which also provides the hooks) can call it.
    let mut cli = base.clone();
    cli.define("main", "qjs_main").files(
        ["qjs.c", "gen/repl.c", "gen/standalone.c"]
            .iter()
            .map(|f| src.join(f)),
    );
    cli.compile("qjs_cli");
    let mut runner = base.clone();
    runner
        .define("main", "run_test262_main")
        .define("help", "run_test262_help")
        .file(src.join("run-test262.c"));
    runner.compile("run_test262");

    println!("cargo:rustc-link-lib=m");
    println!("cargo:rustc-link-lib=pthread");
    println!("cargo:rustc-link-lib=dl");
    // For dependents (e.g. a C host build): where the patched tree is.
    println!("cargo:src={}", src.display());
    println!("cargo:include={}", src.display());

    bindings(&manifest, &src, &out);
}

#[cfg(not(feature = "bindgen"))]
fn bindings(manifest: &Path, _src: &Path, out: &Path) {
    let width = env::var("CARGO_CFG_TARGET_POINTER_WIDTH").unwrap();
    let file = manifest.join(format!("src/bindings/bindings_{width}.rs"));
    println!("cargo:rerun-if-changed={}", file.display());
    if !file.exists() {
        panic!(
            "no committed bindings for {width}-bit targets ({}); build with --features bindgen",
            file.display()
        );
    }
    fs::copy(&file, out.join("bindings.rs")).unwrap();
}

#[cfg(feature = "bindgen")]
fn bindings(_manifest: &Path, src: &Path, out: &Path) {
    let b = bindgen::Builder::default()
        .header(src.join("quickjs.h").to_str().unwrap())
        .header(src.join("quickjs-libc.h").to_str().unwrap())
        .clang_arg(format!("-I{}", src.display()))
        .allowlist_function("(JS|js|rust)_.*")
        .allowlist_type("JS.*")
        .allowlist_var("JS_.*")
        .blocklist_function("JS_DumpMemoryUsage")
        .blocklist_function("js_std_dump_error1")
        .opaque_type("FILE")
        .size_t_is_usize(true)
        .layout_tests(false)
        .generate_comments(false)
        .prepend_enum_name(false)
        .formatter(bindgen::Formatter::Prettyplease)
        .generate()
        .expect("bindgen");
    b.write_to_file(out.join("bindings.rs")).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != "docs" {
                copy_dir(&src, &dst);
            }
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// A minimal applier for the unified diffs in `patches/`: every hunk's old
/// lines (context and removals) must occur exactly once in the target file, so
/// a patch either applies unambiguously or fails loudly. Text before the first
/// `--- ` line is the patch's description.
#[path = "patch.rs"]
mod patch;
