//! Builds the patched QuickJS engine.
//!
//! 1. Picks the tree: the vendored quickjs-ng (`quickjs/`), or a host's own
//!    QuickJS named by `QUICKJS_SYS_SOURCE_DIR` (quickjs-ng, or Bellard's
//!    QuickJS, recognised by its `VERSION` file).
//! 2. Copies it into `OUT_DIR/quickjs/` and applies `patches/*.patch`
//!    (unified diffs, in name order; for Bellard's release V, a file of the
//!    same name in `patches/bellard-V/` replaces the shared one) with the
//!    small applier of `patch.rs`: no external `patch` tool. A tree that is
//!    already patched (its quickjs.h declares `rust_run`) is used as it is.
//! 3. Compiles the engine and quickjs-libc (unless `QUICKJS_SYS_NO_ENGINE=1`:
//!    the host links its own patched engine, and no second copy may be
//!    linked); for the vendored tree also the qjs CLI (`main` renamed
//!    `qjs_main`) and upstream's test runner (`main` renamed
//!    `run_test262_main`), with the flags of upstream's CMake Release build.
//! 4. Selects the committed bindings of that engine and release, or
//!    regenerates them (`bindgen` feature). Bindings and library always come
//!    from the same tree: the engines differ in tag numbers and signatures.
//!
//! For dependents (`links = "quickjs"`): `DEP_QUICKJS_ENGINE` (`quickjs-ng`
//! or `bellard`), `DEP_QUICKJS_CLI` (1 when qjs_main is built),
//! `DEP_QUICKJS_INCLUDE` (the patched headers).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// quickjs-ng's engine sources, as upstream's CMakeLists.txt lists them for
/// the `qjs` library.
const NG_ENGINE: &[&str] = &[
    "dtoa.c",
    "libregexp.c",
    "libunicode.c",
    "quickjs.c",
    "quickjs-libc.c",
];
/// Every file build.rs reads from the vendored tree (the rest is copied for tests).
const NG_READ: &[&str] = &[
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

/// Which engine a tree holds, and which release.
struct Tree {
    dir: PathBuf,
    vendored: bool,
    engine: &'static str,
    version: String,
}

impl Tree {
    fn find(manifest: &Path) -> Tree {
        println!("cargo:rerun-if-env-changed=QUICKJS_SYS_SOURCE_DIR");
        let (dir, vendored) = match env::var_os("QUICKJS_SYS_SOURCE_DIR") {
            Some(d) if !d.is_empty() => (PathBuf::from(d), false),
            _ => (manifest.join("quickjs"), true),
        };
        let header = fs::read_to_string(dir.join("quickjs.h")).unwrap_or_else(|e| {
            panic!(
                "QUICKJS_SYS_SOURCE_DIR: no quickjs.h in {}: {e}",
                dir.display()
            )
        });
        if header.contains("QJS_VERSION_MAJOR") {
            let part = |name: &str| {
                let line = header
                    .lines()
                    .find(|l| l.starts_with(&format!("#define {name} ")))
                    .unwrap_or_else(|| panic!("quickjs.h: no {name}"));
                line.split_whitespace().nth(2).unwrap().to_string()
            };
            let version = format!(
                "{}.{}.{}",
                part("QJS_VERSION_MAJOR"),
                part("QJS_VERSION_MINOR"),
                part("QJS_VERSION_PATCH")
            );
            Tree {
                dir,
                vendored,
                engine: "quickjs-ng",
                version,
            }
        } else {
            let version = fs::read_to_string(dir.join("VERSION")).unwrap_or_else(|e| {
                panic!(
                    "{}: neither quickjs-ng (QJS_VERSION_MAJOR in quickjs.h) nor Bellard's \
                     QuickJS (a VERSION file): {e}",
                    dir.display()
                )
            });
            Tree {
                dir,
                vendored,
                engine: "bellard",
                version: version.trim().to_string(),
            }
        }
    }

    /// For a Bellard release without its own patch folder: what supporting
    /// it takes (empty otherwise).
    fn unsupported(&self, manifest: &Path) -> String {
        let patches = manifest.join("patches");
        let folder = format!("bellard-{}", self.version);
        if self.engine != "bellard" || patches.join(&folder).is_dir() {
            return String::new();
        }
        let mut known: Vec<String> = fs::read_dir(&patches)
            .map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter_map(|n| n.strip_prefix("bellard-").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        known.sort();
        format!(
            "\n\nBellard's QuickJS {v} is not a supported release (supported: {known}). \
             Supporting it takes a folder patches/{folder}/ with its variants of the \
             patches that do not apply to it (see patches/README.md), and the bindings \
             {bindings} (build with --features bindgen, which needs libclang, and commit \
             $OUT_DIR/bindings.rs there).",
            v = self.version,
            known = known.join(", "),
            bindings = self.bindings_file(manifest).display(),
        )
    }

    /// The committed bindings for this engine, release and target (or a
    /// stand-in of the target's class: see `bindings.rs`).
    fn bindings_file(&self, manifest: &Path) -> PathBuf {
        let target = env::var("TARGET").unwrap();
        let (file, stand_in) = bindings::committed(manifest, self.engine, &self.version, &target);
        if stand_in {
            println!(
                "cargo:warning=no committed bindings for {target}: using {} (same pointer width and ABI class); \
                 check with --features bindgen",
                file.display()
            );
        }
        file
    }
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let patches_dir = manifest.join("patches");
    let src = out.join("quickjs");
    let tree = Tree::find(&manifest);

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=patch.rs");
    println!("cargo:rerun-if-changed=recipe.rs");
    println!("cargo:rerun-if-changed={}", patches_dir.display());
    println!("cargo:rerun-if-env-changed=QUICKJS_SYS_NO_ENGINE");
    if tree.vendored {
        for f in NG_READ {
            println!("cargo:rerun-if-changed={}", tree.dir.join(f).display());
        }
    } else {
        println!("cargo:rerun-if-changed={}", tree.dir.display());
    }

    if src.exists() {
        fs::remove_dir_all(&src).expect("clean OUT_DIR/quickjs");
    }
    copy_dir(&tree.dir, &src);

    let header = fs::read_to_string(src.join("quickjs.h")).unwrap();
    if !header.contains("rust_run(") {
        let series = patch::series(&patches_dir, tree.engine, &tree.version);
        for p in &series {
            println!("cargo:rerun-if-changed={}", p.display());
        }
        if let Err(e) = patch::apply_series(&series, &src) {
            panic!("{e}{}", tree.unsupported(&manifest));
        }
    }

    let no_engine = env::var("QUICKJS_SYS_NO_ENGINE").is_ok_and(|v| v == "1");
    let cli = tree.vendored && !no_engine;
    if !no_engine {
        compile(&tree, &src, &manifest, cli);
    }
    // quickjs-libc's system libraries (Windows: winsock, for its select).
    if env::var("CARGO_CFG_TARGET_OS").unwrap() == "windows" {
        println!("cargo:rustc-link-lib=ws2_32");
    } else {
        println!("cargo:rustc-link-lib=m");
        println!("cargo:rustc-link-lib=pthread");
        println!("cargo:rustc-link-lib=dl");
    }

    // For this crate and its dependents: which engine, and where its headers are.
    println!("cargo::rustc-check-cfg=cfg(quickjs_bellard, quickjs_bellard_2025, quickjs_cli)");
    if tree.engine == "bellard" {
        println!("cargo:rustc-cfg=quickjs_bellard");
        // His API since the 2025 releases: rope strings and short BigInts
        // (new tags), a 64-bit integer slot in JSValueUnion, JS_NewString
        // inline, JS_SetPropertyInternal with a receiver, JS_HasException.
        let patched = fs::read_to_string(src.join("quickjs.h")).unwrap();
        if patched.contains("JS_TAG_SHORT_BIG_INT") {
            println!("cargo:rustc-cfg=quickjs_bellard_2025");
        }
    }
    if cli {
        println!("cargo:rustc-cfg=quickjs_cli");
    }
    println!("cargo:rustc-env=QUICKJS_SYS_ENGINE={}", tree.engine);
    println!("cargo:rustc-env=QUICKJS_SYS_VERSION={}", tree.version);
    println!("cargo:engine={}", tree.engine);
    println!("cargo:cli={}", cli as u8);
    println!("cargo:src={}", src.display());
    println!("cargo:include={}", src.display());

    bindings(&tree, &manifest, &src, &out);
}

/// Profile-guided optimization of the C (GCC): `QUICKJS_SYS_PGO=generate:DIR`
/// builds an engine that writes its profile into DIR as it runs (a
/// training run), `QUICKJS_SYS_PGO=use:DIR` compiles it again from that
/// profile: branches laid out and functions inlined as the training ran
/// them. Both builds must use the same target directory (GCC finds a
/// profile by its object file's path). `scripts/pgo.sh` does all three
/// steps and measures the result against the default build.
fn profile_guided(base: &mut cc::Build) {
    println!("cargo:rerun-if-env-changed=QUICKJS_SYS_PGO");
    let Ok(pgo) = env::var("QUICKJS_SYS_PGO") else {
        return;
    };
    if !base.get_compiler().is_like_gnu() || base.get_compiler().is_like_clang() {
        panic!("QUICKJS_SYS_PGO: profile-guided builds need GCC (CC=gcc)");
    }
    match pgo.split_once(':') {
        Some(("generate", dir)) => {
            base.flag(format!("-fprofile-generate={dir}"))
                .flag("-fprofile-update=prefer-atomic");
            // The profiling runtime, for the program that links the engine.
            println!("cargo:rustc-link-lib=gcov");
        }
        Some(("use", dir)) => {
            // Code the training did not run stays optimized as usual.
            base.flag(format!("-fprofile-use={dir}"))
                .flag("-fprofile-partial-training")
                .flag("-Wno-missing-profile");
        }
        _ => panic!("QUICKJS_SYS_PGO: `generate:DIR` or `use:DIR`, not {pgo:?}"),
    }
}

fn compile(tree: &Tree, src: &Path, manifest: &Path, cli: bool) {
    // Upstream's CMake Release build: -O3 -DNDEBUG (debug builds keep the
    // engine's assertions, so tests catch objects leaked at runtime teardown).
    let assertions = env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let mut base = cc::Build::new();
    base.include(src)
        .std("gnu11")
        .define("_GNU_SOURCE", None)
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
        .flag_if_supported("-Wno-enum-conversion")
        // cc compiles with -fPIC (the objects may end up in a shared
        // library), which makes GCC treat every global function as
        // interposable: no inlining or direct calls between the engine's
        // own exported functions. Upstream's executable build (-fPIE) has
        // none of that; nor do we need it (a library preloaded to replace
        // JS_* functions is not a use we support).
        .flag_if_supported("-fno-semantic-interposition");
    if assertions {
        base.opt_level(2).debug(true);
    } else {
        // cc keeps the frame pointer whenever debug info is on (the release
        // profile's line tables): one register fewer in the interpreter's
        // loop, 5% on upstream's microbench.js (16% on its empty loop).
        // Upstream's Release build omits it, as -O3 does by default.
        base.opt_level(3)
            .define("NDEBUG", None)
            .force_frame_pointer(false);
    }
    profile_guided(&mut base);

    let mut engine = base.clone();
    if tree.engine == "bellard" {
        // As his Makefile (recipe.rs), with quickjs-libc.
        let recipe = recipe::bellard(src, &tree.version);
        for (name, value) in &recipe.defines {
            engine.define(name, value.as_deref());
        }
        for flag in &recipe.flags {
            engine.flag(flag);
        }
        engine
            .flag_if_supported("-Wno-unused-variable")
            .flag_if_supported("-Wno-unused-function")
            .flag_if_supported("-Wno-maybe-uninitialized")
            .flag_if_supported("-Wno-format-truncation")
            .files(recipe.engine.iter().map(|f| src.join(f)))
            .file(src.join("quickjs-libc.c"));
    } else {
        engine
            .define("QUICKJS_NG_BUILD", None)
            .files(NG_ENGINE.iter().map(|f| src.join(f)));
    }
    // The weak default `JS_AddRust` (see the file's comment).
    let fallback = manifest.join("c/js_add_rust_fallback.c");
    println!("cargo:rerun-if-changed={}", fallback.display());
    if env::var("CARGO_CFG_TARGET_OS").unwrap() == "windows" {
        // PE has no usable weak definitions (MinGW's ld does not resolve
        // other objects' references to them, MSVC has none): there the
        // default is the only `JS_AddRust`, and `js_add_rust!` is refused.
        engine.define("QUICKJS_RUST_NO_WEAK", None);
    }
    engine.file(fallback);
    engine.compile("quickjs");

    if cli {
        // The CLI and the conformance runner: each `main` renamed so a Rust
        // binary (which also provides the hooks) can call it.
        base.define("QUICKJS_NG_BUILD", None);
        let mut qjs = base.clone();
        qjs.define("main", "qjs_main").files(
            ["qjs.c", "gen/repl.c", "gen/standalone.c"]
                .iter()
                .map(|f| src.join(f)),
        );
        qjs.compile("qjs_cli");
        let mut runner = base.clone();
        runner
            .define("main", "run_test262_main")
            .define("help", "run_test262_help")
            .file(src.join("run-test262.c"));
        runner.compile("run_test262");
    }
}

/// The committed bindings of the tree's engine and release (with `bindgen`,
/// a fresh generation; the drift test compares the two).
#[cfg(not(feature = "bindgen"))]
fn bindings(tree: &Tree, manifest: &Path, _src: &Path, out: &Path) {
    let file = tree.bindings_file(manifest);
    println!("cargo:rerun-if-changed={}", file.display());
    if !file.exists() {
        panic!(
            "no committed bindings for {} {} ({}); build with --features bindgen (needs libclang){}",
            tree.engine,
            tree.version,
            file.display(),
            tree.unsupported(manifest)
        );
    }
    println!(
        "cargo:rustc-env=QUICKJS_SYS_COMMITTED_BINDINGS={}",
        file.display()
    );
    fs::copy(&file, out.join("bindings.rs")).unwrap();
}

/// A fresh generation for this target (the crate uses it), and one for
/// every committed target of this engine in `OUT_DIR/bindings/` (the drift
/// test compares them with the committed files).
#[cfg(feature = "bindgen")]
fn bindings(tree: &Tree, manifest: &Path, src: &Path, out: &Path) {
    let shims = manifest.join("c/bindgen-shims");
    println!("cargo:rerun-if-changed={}", shims.display());
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("bindings.rs").display()
    );
    let extra = if tree.engine == "bellard" {
        recipe::bellard(src, &tree.version).cc_args()
    } else {
        vec![]
    };
    let target = env::var("TARGET").unwrap();
    let clang_target = bindings::targets(tree.engine)
        .iter()
        .find(|(t, _)| *t == target)
        .map_or(target.as_str(), |(_, c)| c);
    let own = bindings::generate(src, &shims, clang_target, &extra);
    fs::write(out.join("bindings.rs"), own).unwrap();

    let all = out.join("bindings");
    fs::create_dir_all(&all).unwrap();
    for (t, c) in bindings::targets(tree.engine) {
        let name = format!("{}-{}-{t}.rs", tree.engine, tree.version);
        fs::write(all.join(name), bindings::generate(src, &shims, c, &extra)).unwrap();
    }
    println!(
        "cargo:rustc-env=QUICKJS_SYS_FRESH_BINDINGS={}",
        all.display()
    );
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

/// How Bellard's releases are compiled (shared with the tests).
#[path = "recipe.rs"]
mod recipe;

/// The committed bindings per target, and their generation.
#[path = "bindings.rs"]
mod bindings;
