//! A crate's MicroQuickJS standard library, made in its build script: the
//! engine's own built-ins plus the crate's `#[js]` functions and classes,
//! compiled by MicroQuickJS's generator into ROM tables (no RAM at
//! start-up), then compiled for the target.
//!
//! ```no_run
//! // build.rs ([build-dependencies] quickjs-rust-mquickjs-sys, feature "build"),
//! // in its `fn main`:
//! mquickjs_sys::build::Stdlib::new().module("src/native.rs").build();
//! ```
//! and at the crate's root `mquickjs::stdlib!();`, which defines
//! `crate::STDLIB` for `Context::new`.
//!
//! **What is declared.** [`Stdlib::module`] reads a Rust file (and its
//! inline modules) for `#[js]` items: each function becomes a global, each
//! `#[js]` struct a global class with the members of its `#[js]` impl
//! block (constructor, methods, static methods, getters and setters,
//! `extends = Base`). The build and `#[js]` read the items with the same
//! code (`quickjs-macro/src/micro/items.rs`): the same names, lengths and
//! C symbols. A mismatch is a build error, both ways: a `#[js]` item the
//! build did not declare fails `#[js]`'s check against the generated list
//! (it names the item and says to add its file), and one declared but not
//! defined (a file the crate does not compile) is an unresolved symbol at
//! link time.
//!
//! **Globals of the host.** `print`, `console.log`, `Date.now` and
//! `performance.now` call the safe crate's host functions (the context's
//! print sink and clock); `gc()` collects. mqjs's `load` and timers are
//! left out, unless [`Stdlib::mqjs`] builds mqjs itself with this library.

#[path = "../../../quickjs-macro/src/micro/items.rs"]
#[allow(dead_code)]
mod items;
mod sources;

use items::{Export, Func, MemberKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A standard library to build (see the module documentation).
#[derive(Default)]
pub struct Stdlib {
    modules: Vec<PathBuf>,
    scripts: Vec<PathBuf>,
    mqjs: bool,
}

/// A class as the tables need it.
struct ClassDef {
    rust: String,
    js: String,
    extends: Option<String>,
    ctor: Option<(String, usize)>,
    statics: Vec<(String, String, usize)>,
    methods: Vec<(String, String, usize)>,
    props: BTreeMap<String, (Option<String>, Option<String>)>,
}

impl Stdlib {
    /// An empty declaration: the engine's built-ins only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares the `#[js]` items of a Rust file (a path relative to the
    /// crate's manifest).
    pub fn module(mut self, path: impl AsRef<Path>) -> Self {
        self.modules.push(path.as_ref().to_path_buf());
        self
    }

    /// Compiles a JS file (a path relative to the crate's manifest) to
    /// bytecode for the target at build time, as `mqjs -o` (`-m32` for a
    /// 32-bit target) would: `stdlib!()` then defines a `static` named
    /// after the file (`js/blink-led.js` is `BLINK_LED`), a
    /// `mquickjs::Bytecode` that `Context::run` runs without parsing.
    /// A syntax error is a build error.
    pub fn bytecode(mut self, path: impl AsRef<Path>) -> Self {
        self.scripts.push(path.as_ref().to_path_buf());
        self
    }

    /// Also compiles MicroQuickJS's `mqjs` tool (its `main` as `mqjs_main`,
    /// with its `load`, timers and REPL) over this library, for a crate
    /// that ships it with its functions built in.
    pub fn mqjs(mut self) -> Self {
        self.mqjs = true;
        self
    }

    /// Generates the tables, compiles them for the target and writes
    /// `OUT_DIR/mquickjs_stdlib.rs` (included by `mquickjs::stdlib!()`).
    /// Panics with the reason on an error, as a build script does.
    pub fn build(self) {
        if let Err(e) = self.try_build() {
            panic!("mquickjs Stdlib: {e}");
        }
    }

    fn try_build(self) -> Result<(), String> {
        let env = |k: &str| {
            std::env::var(k)
                .map_err(|_| format!("{k} is not set: call build() from a build script"))
        };
        let out = PathBuf::from(env("OUT_DIR")?);
        let manifest = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
        let package = env("CARGO_PKG_NAME")?;
        let sys_dir = Path::new(env!("CARGO_MANIFEST_DIR"));

        // 1. The items.
        let mut functions: Vec<(Vec<String>, Func)> = Vec::new();
        let mut classes: Vec<ClassDef> = Vec::new();
        let mut members = Vec::new();
        for m in &self.modules {
            let file = manifest.join(m);
            println!("cargo:rerun-if-changed={}", file.display());
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let parsed = syn::parse_file(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            let mut path = module_path(m);
            let mut found = Vec::new();
            items::scan(&parsed.items, &mut path, &mut found).map_err(|e| {
                let at = e.span().start();
                format!("{}:{}:{}: {e}", file.display(), at.line, at.column + 1)
            })?;
            for e in found {
                match e {
                    Export::Function(p, f) => functions.push((p, f)),
                    Export::Class(_, c) => classes.push(ClassDef {
                        rust: c.rust.to_string(),
                        js: c.js,
                        extends: c
                            .extends
                            .map(|p| p.segments.last().unwrap().ident.to_string()),
                        ctor: None,
                        statics: Vec::new(),
                        methods: Vec::new(),
                        props: BTreeMap::new(),
                    }),
                    Export::Members(_, c, m) => members.push((c, m)),
                }
            }
        }
        for (class, ms) in members {
            let Some(c) = classes.iter_mut().find(|c| class == c.rust) else {
                return Err(format!(
                    "`#[js] impl {class}`: no `#[js] struct {class}` in the declared modules"
                ));
            };
            for m in ms {
                let sym = items::member_symbol(&package, &class, &m);
                let len = m.func.length();
                match m.kind {
                    MemberKind::Constructor => c.ctor = Some((sym, len)),
                    MemberKind::Method => c.methods.push((m.func.js.clone(), sym, len)),
                    MemberKind::Static => c.statics.push((m.func.js.clone(), sym, len)),
                    MemberKind::Getter(p) => c.props.entry(p).or_default().0 = Some(sym),
                    MemberKind::Setter(p) => c.props.entry(p).or_default().1 = Some(sym),
                }
            }
        }
        let mut seen = BTreeMap::new();
        for name in functions
            .iter()
            .map(|f| &f.1.js)
            .chain(classes.iter().map(|c| &c.js))
        {
            if seen.insert(name.clone(), ()).is_some() {
                return Err(format!("two #[js] globals named `{name}`"));
            }
        }
        // Bases first (a class's table refers to its base's).
        let order = base_first(&classes)?;

        // 2. The generator's input: the tables, then upstream's library.
        let mut gen = String::from("/* generated by quickjs-rust's Stdlib: do not edit */\n#include \"mquickjs_build.h\"\n\n");
        let mut globals = String::new();
        for (_, f) in &functions {
            let sym = items::fn_symbol(&package, f);
            let _ = write!(
                globals,
                " JS_CFUNC_DEF(\"{}\", {}, {sym}),",
                f.js,
                f.length()
            );
        }
        for &i in &order {
            let c = &classes[i];
            let r = &c.rust;
            let mut proto = String::new();
            for (js, sym, len) in &c.methods {
                let _ = writeln!(proto, "    JS_CFUNC_DEF(\"{js}\", {len}, {sym}),");
            }
            for (js, (g, s)) in &c.props {
                let or_null = |x: &Option<String>| x.clone().unwrap_or_else(|| "NULL".into());
                let _ = writeln!(
                    proto,
                    "    JS_CGETSET_DEF(\"{js}\", {}, {}),",
                    or_null(g),
                    or_null(s)
                );
            }
            let mut statics = String::new();
            for (js, sym, len) in &c.statics {
                let _ = writeln!(statics, "    JS_CFUNC_DEF(\"{js}\", {len}, {sym}),");
            }
            let table = |name: &str, body: &str| {
                if body.is_empty() {
                    ("NULL".to_string(), String::new())
                } else {
                    (
                        name.to_string(),
                        format!(
                            "static const JSPropDef {name}[] = {{\n{body}    JS_PROP_END,\n}};\n"
                        ),
                    )
                }
            };
            let (proto_ref, proto_def) = table(&format!("rust_{r}_proto"), &proto);
            let (static_ref, static_def) = table(&format!("rust_{r}_static"), &statics);
            let parent = match &c.extends {
                Some(b) => format!("&rust_{b}_class"),
                None => "NULL".into(),
            };
            let (ctor, len) = c
                .ctor
                .clone()
                .unwrap_or(("mquickjs_rust_no_constructor".into(), 0));
            let _ = write!(
                gen,
                "{proto_def}{static_def}static const JSClassDef rust_{r}_class =\n    JS_CLASS_DEF(\"{}\", {len}, {ctor}, JS_CLASS_rust_{r}, {static_ref}, {proto_ref}, {parent}, mquickjs_rust_finalize);\n\n",
                c.js
            );
            let _ = write!(
                globals,
                " JS_PROP_CLASS_DEF(\"{}\", &rust_{r}_class),",
                c.js
            );
        }
        if !self.mqjs {
            gen.push_str("#define CONFIG_NO_MQJS_GLOBALS\n");
            globals.push_str(" JS_CFUNC_DEF(\"gc\", 0, js_gc),");
        }
        let _ = write!(
            gen,
            "#define CONFIG_USER_GLOBALS{globals}\n#include \"mqjs_stdlib.c\"\n"
        );
        let gen_c = out.join("mquickjs_stdlib_gen.c");
        std::fs::write(&gen_c, gen).unwrap();

        // 3. The tables, for the target's word size.
        let src = sources::prepare(sys_dir, &out);
        let generator = out.join("mquickjs_stdlib_gen");
        sources::generator(&src, &gen_c, &generator);
        sources::generate(&generator, &["-a"], &out.join("mquickjs_atom.h"), false);
        let tables = out.join("mquickjs_stdlib_tables.h");
        sources::generate(&generator, &[], &tables, false);

        // 4. The declarations the tables refer to, and the C file that
        // compiles them for the target.
        let mut decls = String::from("/* generated by quickjs-rust's Stdlib: do not edit */\n#include <stddef.h>\n#include \"mquickjs.h\"\n");
        for (i, c) in order.iter().map(|&i| &classes[i]).enumerate() {
            let _ = writeln!(
                decls,
                "#define JS_CLASS_rust_{} (JS_CLASS_USER + {i})",
                c.rust
            );
        }
        let _ = writeln!(
            decls,
            "#undef JS_CLASS_COUNT\n#define JS_CLASS_COUNT (JS_CLASS_USER + {})",
            classes.len()
        );
        let mut syms: Vec<String> = functions
            .iter()
            .map(|(_, f)| items::fn_symbol(&package, f))
            .collect();
        for c in &classes {
            syms.extend(c.ctor.iter().map(|x| x.0.clone()));
            syms.extend(c.methods.iter().chain(&c.statics).map(|x| x.1.clone()));
            syms.extend(
                c.props
                    .values()
                    .flat_map(|(g, s)| g.iter().chain(s))
                    .cloned(),
            );
        }
        if !classes.is_empty() {
            // Every class's finalizer: the safe crate's, which frees an
            // instance through its own class's function.
            decls.push_str("void mquickjs_rust_finalize(JSContext *ctx, void *opaque);\n");
        }
        if classes.iter().any(|c| c.ctor.is_none()) {
            syms.push("mquickjs_rust_no_constructor".into());
        }
        for s in &syms {
            let _ = writeln!(
                decls,
                "JSValue {s}(JSContext *ctx, JSValue *this_val, int argc, JSValue *argv);"
            );
        }
        let tables_text = std::fs::read_to_string(&tables).unwrap();
        let mut build = sources::c_build(&src, &out);
        if self.mqjs {
            // mqjs.c includes "mqjs_stdlib.h" from its own folder.
            std::fs::write(src.join("mqjs_stdlib.h"), format!("{decls}\n{tables_text}")).unwrap();
            build
                .define("main", "mqjs_main")
                .files(["mqjs.c", "readline.c", "readline_tty.c"].map(|f| src.join(f)));
        } else {
            let host = "JSValue mquickjs_rust_print(JSContext *, JSValue *, int, JSValue *);\n\
                 JSValue mquickjs_rust_date_now(JSContext *, JSValue *, int, JSValue *);\n\
                 JSValue mquickjs_rust_performance_now(JSContext *, JSValue *, int, JSValue *);\n\
                 JSValue mquickjs_rust_gc(JSContext *, JSValue *, int, JSValue *);\n\
                 #define js_print mquickjs_rust_print\n\
                 #define js_date_now mquickjs_rust_date_now\n\
                 #define js_performance_now mquickjs_rust_performance_now\n\
                 #define js_gc mquickjs_rust_gc\n";
            let stdlib_sym = stdlib_symbol(&package);
            let file = out.join("mquickjs_stdlib.c");
            std::fs::write(
                &file,
                format!("{decls}{host}#define js_stdlib {stdlib_sym}\n#include \"mquickjs_stdlib_tables.h\"\n"),
            )
            .unwrap();
            build.file(file);
        }
        build.compile(&format!("mquickjs_stdlib_{}", package.replace('-', "_")));

        // 5. The Rust side: the library's handle and what was declared.
        let mut rs =
            String::from("// generated by quickjs-rust's Stdlib (build.rs): do not edit\n");
        if self.mqjs {
            rs.push_str("extern \"C\" {\n    #[link_name = \"js_stdlib\"]\n    static __MQUICKJS_STDLIB: ::mquickjs::__private::sys::JSSTDLibraryDef;\n}\n");
        } else {
            let _ = write!(rs, "extern \"C\" {{\n    #[link_name = \"{}\"]\n    static __MQUICKJS_STDLIB: ::mquickjs::__private::sys::JSSTDLibraryDef;\n}}\n", stdlib_symbol(&package));
        }
        rs.push_str("/// This crate's MicroQuickJS standard library: the engine's built-ins and\n/// the `#[js]` items its build script declared, in ROM.\npub static STDLIB: ::mquickjs::Stdlib =\n    // SAFETY: the generated C tables the build compiled and linked, for\n    // this target's word size.\n    unsafe { ::mquickjs::Stdlib::from_raw(&raw const __MQUICKJS_STDLIB, &__mquickjs_stdlib::CLASSES) };\n");
        if !self.scripts.is_empty() {
            let host_words = if cfg!(target_pointer_width = "64") {
                64
            } else {
                32
            };
            let target_words: u32 = env("CARGO_CFG_TARGET_POINTER_WIDTH")?.parse().unwrap_or(0);
            if env("CARGO_CFG_TARGET_ENDIAN")?
                != if cfg!(target_endian = "little") {
                    "little"
                } else {
                    "big"
                }
                || target_words > host_words
            {
                return Err("bytecode: the build host must have the target's byte order and at least its word size".into());
            }
            let compiler = sources::compiler(&src, &out.join("host"));
            for script in &self.scripts {
                let file = manifest.join(script);
                println!("cargo:rerun-if-changed={}", file.display());
                let name = script
                    .file_stem()
                    .map(|s| {
                        s.to_string_lossy()
                            .to_uppercase()
                            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                    })
                    .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()))
                    .ok_or_else(|| {
                        format!(
                            "{}: a file name that starts with a letter",
                            script.display()
                        )
                    })?;
                let bin = out.join(format!("bytecode_{name}.bin"));
                let mut cmd = sources::host_tool(&compiler);
                if sources::target_is_32bit() && host_words == 64 {
                    cmd.arg("-m32");
                }
                let o = cmd
                    .arg(&file)
                    .arg(&bin)
                    .output()
                    .map_err(|e| e.to_string())?;
                if !o.status.success() {
                    return Err(format!(
                        "compiling {} to bytecode:\n{}",
                        file.display(),
                        String::from_utf8_lossy(&o.stderr)
                    ));
                }
                let _ = write!(rs, "/// `{}`, compiled to bytecode by the build script.\npub static {name}: ::mquickjs::Bytecode =\n    // SAFETY: the engine's own compiler's output, for this target.\n    unsafe {{ ::mquickjs::Bytecode::from_build(include_bytes!({:?})) }};\n", script.display(), bin.display().to_string());
            }
        }
        rs.push_str("#[doc(hidden)]\npub mod __mquickjs_stdlib {\n");
        let _ = writeln!(rs, "    /// The declared `#[js]` functions (Rust name, JS name, length).\n    pub const FUNCTIONS: &[(&str, &str, usize)] = &[{}];",
            functions.iter().map(|(_, f)| format!("({:?}, {:?}, {})", f.rust.to_string(), f.js, f.length())).collect::<Vec<_>>().join(", "));
        let _ = writeln!(rs, "    /// The declared classes (Rust name, JS name), in id order: as the build\n    /// wrote the library's tables.\n    pub const CLASSES: [::mquickjs::__private::ClassInfo; {}] = [{}];",
            classes.len(),
            order.iter().map(|&ci| {
                let c = &classes[ci];
                format!("\n        // SAFETY: the class's place in the tables the build wrote.\n        unsafe {{ ::mquickjs::__private::ClassInfo::new({:?}, {:?}) }}", c.rust, c.js)
            }).collect::<Vec<_>>().join(","));
        rs.push_str("}\n");
        std::fs::write(out.join("mquickjs_stdlib.rs"), rs).unwrap();
        Ok(())
    }
}

/// The C name of a package's `JSSTDLibraryDef`.
fn stdlib_symbol(package: &str) -> String {
    format!(
        "mqjs_{}__stdlib",
        package.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    )
}

/// The module path of a file under `src/`: `src/lib.rs` and `src/main.rs`
/// are the root, `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_path(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .skip_while(|c| c != "src")
        .skip(1)
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if !matches!(stem, "lib" | "main" | "mod") {
            parts.push(stem.to_string());
        }
    }
    parts
}

/// Indexes of `classes` with every base before its subclasses.
fn base_first(classes: &[ClassDef]) -> Result<Vec<usize>, String> {
    let mut order: Vec<usize> = Vec::new();
    fn visit(
        i: usize,
        classes: &[ClassDef],
        order: &mut Vec<usize>,
        depth: usize,
    ) -> Result<(), String> {
        if order.contains(&i) {
            return Ok(());
        }
        if depth > classes.len() {
            return Err(format!(
                "class `{}`: its `extends` chain loops",
                classes[i].rust
            ));
        }
        if let Some(b) = &classes[i].extends {
            let Some(bi) = classes.iter().position(|c| &c.rust == b) else {
                return Err(format!(
                    "class `{}` extends `{b}`, which is not a declared #[js] struct",
                    classes[i].rust
                ));
            };
            visit(bi, classes, order, depth + 1)?;
        }
        order.push(i);
        Ok(())
    }
    for i in 0..classes.len() {
        visit(i, classes, &mut order, 0)?;
    }
    Ok(order)
}
