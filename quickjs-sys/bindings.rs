//! Which committed bindings a build uses, and (feature `bindgen`) how they
//! are generated: one bindgen run per target triple, with clang's
//! `--target`, over the patched headers, against clang's freestanding
//! headers and the stand-ins of `c/bindgen-shims/` (no sysroot needed, the
//! same output on every machine).
//!
//! The files are `src/bindings/{engine}-{release}-{target}.rs`. A target
//! without its own file uses the first committed one of the same class
//! (pointer width, and whether it is MSVC: its enums are always `int`), with
//! a build warning naming it.

use std::path::{Path, PathBuf};

/// The targets whose quickjs-ng bindings are committed (Rust triple, clang
/// triple).
pub const NG_TARGETS: &[(&str, &str)] = &[
    ("x86_64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"),
    ("aarch64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"),
    ("i686-unknown-linux-gnu", "i686-unknown-linux-gnu"),
    ("x86_64-apple-darwin", "x86_64-apple-macosx10.12.0"),
    ("aarch64-apple-darwin", "arm64-apple-macosx11.0.0"),
    ("x86_64-pc-windows-msvc", "x86_64-pc-windows-msvc"),
    ("x86_64-pc-windows-gnu", "x86_64-pc-windows-gnu"),
    ("wasm32-wasip1", "wasm32-wasi"),
];

/// Bellard's releases: the C-host fixtures, committed for one target.
pub const BELLARD_TARGETS: &[(&str, &str)] =
    &[("x86_64-unknown-linux-gnu", "x86_64-unknown-linux-gnu")];

/// The targets committed for `engine`.
pub fn targets(engine: &str) -> &'static [(&'static str, &'static str)] {
    if engine == "bellard" {
        BELLARD_TARGETS
    } else {
        NG_TARGETS
    }
}

/// A target's class: pointer width, and MSVC or not.
fn class(target: &str) -> (u32, bool) {
    let width = if target.starts_with("x86_64")
        || target.starts_with("aarch64")
        || target.starts_with("powerpc64")
        || target.starts_with("riscv64")
        || target.starts_with("s390x")
        || target.starts_with("loongarch64")
        || target.starts_with("mips64")
        || target.starts_with("sparc64")
    {
        64
    } else {
        32
    };
    (width, target.ends_with("-msvc"))
}

/// The committed file for `engine`/`version` on `target`, and whether it
/// is a stand-in of the same class (not the target's own).
pub fn committed(manifest: &Path, engine: &str, version: &str, target: &str) -> (PathBuf, bool) {
    let file = |t: &str| manifest.join(format!("src/bindings/{engine}-{version}-{t}.rs"));
    let own = file(target);
    if own.exists() {
        return (own, false);
    }
    let stand_in = targets(engine)
        .iter()
        .map(|(t, _)| *t)
        .find(|t| class(t) == class(target) && file(t).exists());
    match stand_in {
        Some(t) => (file(t), true),
        None => (own, false),
    }
}

/// One generation of the bindings of the patched tree `src` for the clang
/// triple `clang_target`; `extra` are the engine's own defines.
#[cfg(feature = "bindgen")]
pub fn generate(src: &Path, shims: &Path, clang_target: &str, extra: &[String]) -> String {
    bindgen::Builder::default()
        .header(src.join("quickjs.h").to_str().unwrap())
        .header(src.join("quickjs-libc.h").to_str().unwrap())
        .clang_arg(format!("--target={clang_target}"))
        .clang_arg("-nostdinc")
        // WebAssembly's default is hidden, which bindgen skips.
        .clang_arg("-fvisibility=default")
        .clang_arg(format!("-isystem{}", shims.display()))
        .clang_arg(format!("-I{}", src.display()))
        .clang_args(extra)
        .allowlist_function("(__)?(JS|js|rust)_.*")
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
        .unwrap_or_else(|e| panic!("bindgen for {clang_target}: {e}"))
        .to_string()
}
