//! JS compiled to bytecode at build time: a [`Bundle`] of scripts and ES
//! modules (with the files their relative imports reach), written by a
//! build script with [`BundleBuilder::emit`] and embedded with
//! [`crate::include_bundle!`]. At run time no source is parsed: the bundle
//! is the runtime's [`Loader`], serving its modules' bytecode under their
//! names, and [`Compiled::eval`] runs an entry.
//!
//! Invariants:
//! - Bytecode reaches `JS_ReadObject` (which trusts its input) only from a
//!   [`Compiled`], which only a [`Bundle`] hands out, and a `Bundle` is made
//!   only by the `unsafe` [`Bundle::from_static`] (whose caller vouches for
//!   the bytes' origin) after its header checks: the magic, the engine and
//!   release that compiled it (a mismatch is an error naming both, never a
//!   read), and a checksum of the rest (a truncated or altered file is an
//!   error too).
//! - A module's name inside its bytecode is the name it is served under
//!   (its path relative to the bundle's root, '/'-separated), so the
//!   relative imports it makes resolve (with [`crate::join_relative`]) to other
//!   entries of the same bundle.
//!
//! The bundle file: `QJSRBNDL`, format version (u32), the engine id
//! (u16 length + UTF-8, e.g. `quickjs-ng 0.16.2`), an FNV-1a 64 checksum of
//! the rest (u64), the entry count (u32), then per entry its kind (u8: 0
//! script, 1 module), name (u32 length + UTF-8) and bytecode (u32 length +
//! bytes). Integers little-endian.

use super::bytecode::{self, Compiled};
use super::context::Context;
use super::loader::{FileLoader, Loader};
use super::runtime::Runtime;
use crate::engine::handle::ctx::EvalKind;
use crate::engine::handle::error::{Error, Result};
use quickjs_sys as sys;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const MAGIC: &[u8; 8] = b"QJSRBNDL";
const FORMAT: u32 = 1;

/// The engine and release whose bytecode this build reads.
fn engine_id() -> String {
    format!("{} {}", sys::ENGINE, sys::ENGINE_VERSION)
}

/// JS compiled at build time: named scripts and modules, as bytecode.
///
/// ```
/// use quickjs::{Bundle, BundleBuilder, Context, Runtime};
/// # let dir = std::env::temp_dir().join(format!("qjs-bundle-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(dir.join("lib")).unwrap();
/// # std::fs::write(dir.join("main.js"), "import { twice } from './lib/twice.js'; export const answer = twice(21);").unwrap();
/// # std::fs::write(dir.join("lib/twice.js"), "export const twice = (n) => n * 2;").unwrap();
/// // In a build script: BundleBuilder::new("js").module("main.js").emit("app"),
/// // then quickjs::include_bundle!("app") in the crate. By hand:
/// let built = BundleBuilder::new(&dir).module("main.js").build().unwrap();
/// let bytes: &'static [u8] = Box::leak(built.bytes.into_boxed_slice());
/// // SAFETY: written just above by this engine.
/// let bundle = unsafe { Bundle::from_static(bytes) }.unwrap();
/// assert_eq!(bundle.names().collect::<Vec<_>>(), ["main.js", "lib/twice.js"]);
///
/// let rt = Runtime::new().unwrap();
/// rt.set_loader(bundle.clone()); // imports are served from the bundle
/// let ctx = Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     let main = bundle.get("main.js").unwrap();
///     let done: quickjs::Promise = main.eval(ctx).unwrap();
///     done.wait::<()>().unwrap();
///     let answer: i32 = ctx.eval_with("import { answer } from 'main.js'; globalThis.a = answer", "x.js", quickjs::EvalKind::Module)
///         .map(|_: quickjs::Value| ctx.globals().get("a").unwrap()).unwrap();
///     assert_eq!(answer, 42);
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Bundle {
    bytes: &'static [u8],
    entries: Arc<[Entry]>,
}

/// Where an entry's name and code are in the bundle's bytes.
#[derive(Debug)]
struct Entry {
    name: &'static str,
    kind: EvalKind,
    code: Range<usize>,
}

impl Bundle {
    /// Reads a bundle file: checks its magic, format, engine and checksum,
    /// and indexes its entries (no bytecode is read yet).
    ///
    /// # Safety
    /// `bytes` must come from [`BundleBuilder`] (through
    /// [`crate::include_bundle!`] or [`BuiltBundle::bytes`]): the engine
    /// trusts bytecode, and the checks here catch a wrong engine, a wrong
    /// file or corruption, not crafted input.
    pub unsafe fn from_static(bytes: &'static [u8]) -> Result<Bundle> {
        let bad = |what: &str| Error::message(format!("not a valid quickjs bundle: {what}"));
        let mut r = Reader { bytes, at: 0 };
        if r.take(8).ok_or_else(|| bad("too short"))? != MAGIC {
            return Err(bad("no QJSRBNDL header"));
        }
        let format = r.u32().ok_or_else(|| bad("truncated"))?;
        if format != FORMAT {
            return Err(bad(&format!("format {format}, this build reads {FORMAT}")));
        }
        let id_len = r.u16().ok_or_else(|| bad("truncated"))? as usize;
        let id = r.take(id_len).ok_or_else(|| bad("truncated"))?;
        let id = std::str::from_utf8(id).map_err(|_| bad("engine id"))?;
        if id != engine_id() {
            return Err(Error::message(format!(
                "this bundle was compiled by {id}, but this program runs {}: rebuild it with the same engine",
                engine_id()
            )));
        }
        let sum = r.u64().ok_or_else(|| bad("truncated"))?;
        if fnv1a(&bytes[r.at..]) != sum {
            return Err(bad("checksum mismatch (truncated or altered)"));
        }
        let count = r.u32().ok_or_else(|| bad("truncated"))?;
        let mut entries = Vec::new();
        for _ in 0..count {
            let kind = match r.take(1).ok_or_else(|| bad("truncated"))?[0] {
                0 => EvalKind::Script,
                1 => EvalKind::Module,
                k => return Err(bad(&format!("entry kind {k}"))),
            };
            let len = r.u32().ok_or_else(|| bad("truncated"))? as usize;
            let name = r.take(len).ok_or_else(|| bad("truncated"))?;
            let name = std::str::from_utf8(name).map_err(|_| bad("entry name"))?;
            let len = r.u32().ok_or_else(|| bad("truncated"))? as usize;
            let start = r.at;
            r.take(len).ok_or_else(|| bad("truncated"))?;
            entries.push(Entry {
                name,
                kind,
                code: start..r.at,
            });
        }
        if r.at != bytes.len() {
            return Err(bad("trailing bytes"));
        }
        Ok(Bundle {
            bytes,
            entries: entries.into(),
        })
    }

    /// The entry named `name` (its path relative to the builder's root).
    pub fn get(&self, name: &str) -> Option<Compiled> {
        let e = self.entries.iter().find(|e| e.name == name)?;
        Some(Compiled {
            name: e.name,
            kind: e.kind,
            code: &self.bytes[e.code.clone()],
        })
    }

    /// The entries' names, in the order they were added (an entry's imports
    /// after it).
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|e| e.name)
    }
}

/// The bundle as a runtime's loader: its modules by name; anything else is
/// "not found" (native modules added with `NativeModule::add_to` are found
/// before the loader is asked).
impl Loader for Bundle {
    fn load(&mut self, name: &str) -> Result<String> {
        Err(Error::message(format!(
            "module not found in the bundle: {name}"
        )))
    }

    fn compiled(&mut self, name: &str) -> Option<Compiled> {
        self.get(name).filter(|c| c.kind == EvalKind::Module)
    }
}

/// Compiles JS files under a root directory into a [`Bundle`] file, for
/// build scripts ([`BundleBuilder::emit`]): modules with every file their
/// relative imports reach, and scripts. Nothing is evaluated: modules are
/// compiled and their imports loaded (bare names such as `'rust'` are left
/// to the run time). Syntax errors are errors naming the file, line and
/// column.
#[derive(Debug, Clone)]
pub struct BundleBuilder {
    root: PathBuf,
    entries: Vec<(String, EvalKind)>,
    write_flags: u32,
}

/// What [`BundleBuilder::build`] made.
#[derive(Debug, Clone)]
pub struct BuiltBundle {
    /// The bundle file.
    pub bytes: Vec<u8>,
    /// Every file read (for `cargo:rerun-if-changed`).
    pub files: Vec<PathBuf>,
}

impl BundleBuilder {
    /// Files are named relative to `root` (e.g. the crate's `js/`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BundleBuilder {
            root: root.into(),
            entries: Vec::new(),
            write_flags: 0,
        }
    }

    /// Leaves the functions' source text out (smaller; `f.toString()` then
    /// gives no source).
    pub fn strip_source(mut self) -> Self {
        self.write_flags |= sys::JS_WRITE_OBJ_STRIP_SOURCE;
        self
    }

    /// Leaves debug information out (smaller; stack traces then have no
    /// file names or line numbers).
    pub fn strip_debug(mut self) -> Self {
        self.write_flags |= sys::JS_WRITE_OBJ_STRIP_DEBUG;
        self
    }

    /// Adds the ES module `name` (a '/'-separated path under the root), and
    /// the files its relative imports reach.
    pub fn module(mut self, name: impl Into<String>) -> Self {
        self.entries.push((name.into(), EvalKind::Module));
        self
    }

    /// Adds the script `name`.
    pub fn script(mut self, name: impl Into<String>) -> Self {
        self.entries.push((name.into(), EvalKind::Script));
        self
    }

    /// Compiles every entry (and the modules they import) into a bundle.
    pub fn build(&self) -> Result<BuiltBundle> {
        let rt = Runtime::new()?;
        let found = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
        rt.set_loader(Discover {
            files: FileLoader::new(&self.root),
            found: found.clone(),
        });
        let ctx = Context::full(&rt)?;
        // Entries are read as imports are: confined to the root.
        let mut files = FileLoader::new(&self.root);
        let mut out: Vec<(String, EvalKind, Vec<u8>)> = Vec::new();
        ctx.with(|ctx| -> Result<()> {
            for (name, kind) in &self.entries {
                let source = files.load(name)?;
                let compiled = bytecode::compile_raw(ctx, &source, name, *kind)
                    .map_err(|e| located(&self.root, name, e))?;
                let code = bytecode::write_bytecode(ctx, &compiled, self.write_flags)?;
                // Resolving loads its imports (recursively) through Discover.
                if *kind == EvalKind::Module
                    // SAFETY: a live module value of this context.
                    && unsafe { sys::JS_ResolveModule(ctx.as_raw(), compiled.as_raw()) } < 0
                {
                    return Err(located(&self.root, name, ctx.catch()));
                }
                push_unique(&mut out, name.clone(), *kind, code);
                let imported =
                    std::mem::take(&mut *found.lock().unwrap_or_else(|e| e.into_inner()));
                for (dep, source) in imported {
                    let code = bytecode::compile_with(
                        ctx,
                        &source,
                        &dep,
                        EvalKind::Module,
                        self.write_flags,
                    )
                    .map_err(|e| located(&self.root, &dep, e))?;
                    push_unique(&mut out, dep, EvalKind::Module, code);
                }
            }
            Ok(())
        })?;
        let files = out.iter().map(|(n, _, _)| self.root.join(n)).collect();
        Ok(BuiltBundle {
            bytes: write(&out),
            files,
        })
    }

    /// For build scripts: builds the bundle and writes it to
    /// `$OUT_DIR/{name}.qjsbundle` (what [`crate::include_bundle!`]`(name)`
    /// embeds), telling cargo to rebuild when a file read changes. On an
    /// error (a syntax error: `file:line:column: SyntaxError: ...`) it
    /// prints the error and ends the build script with status 1, which
    /// fails the build; [`BundleBuilder::try_emit`] returns it instead.
    ///
    /// ```no_run
    /// // in build.rs's main:
    /// quickjs::BundleBuilder::new("js").module("main.js").emit("app");
    /// ```
    pub fn emit(&self, name: &str) {
        if let Err(e) = self.try_emit(name) {
            let e = e.to_string();
            eprintln!("error: {}", e.strip_prefix("Error: ").unwrap_or(&e));
            std::process::exit(1);
        }
    }

    /// [`BundleBuilder::emit`], with the error returned.
    pub fn try_emit(&self, name: &str) -> Result<()> {
        let out = std::env::var_os("OUT_DIR").ok_or_else(|| {
            Error::message("BundleBuilder::emit runs in a build script (no OUT_DIR)")
        })?;
        println!("cargo:rerun-if-changed={}", self.root.display());
        let built = self.build()?;
        for f in &built.files {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        let path = Path::new(&out).join(format!("{name}.qjsbundle"));
        std::fs::write(&path, &built.bytes)
            .map_err(|e| Error::message(format!("{}: {e}", path.display())))
    }
}

/// The build-time loader: reads imported files (confined to the root) and
/// records them; bare names are left to the run time (an empty stand-in).
struct Discover {
    files: FileLoader,
    found: Arc<Mutex<Vec<(String, String)>>>,
}

impl Loader for Discover {
    fn load(&mut self, name: &str) -> Result<String> {
        if !(name.ends_with(".js") || name.ends_with(".mjs")) || name.contains(':') {
            return Ok(String::new()); // a native or host module, e.g. 'rust'
        }
        let source = self.files.load(name)?;
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((name.to_owned(), source.clone()));
        Ok(source)
    }
}

/// A build error as compilers print them: `file:line:column: message`
/// (a syntax error's location is the first frame of its stack), naming the
/// entry whose imports reached the file when that is another one.
fn located(root: &Path, entry: &str, e: Error) -> Error {
    let text = format!("{e:#}");
    let mut lines = text.lines();
    let message = lines.next().unwrap_or_default();
    let at = lines.find_map(|l| l.trim().strip_prefix("at ").map(str::trim));
    let (place, file) = match at {
        Some(at) => (at.to_owned(), at.split(':').next().unwrap_or(at)),
        None => (entry.to_owned(), entry),
    };
    let reached = if file == entry {
        String::new()
    } else {
        format!(" (imported from {entry})")
    };
    Error::message(format!(
        "{}: {message}{reached}",
        root.join(place).display()
    ))
}

fn push_unique(
    out: &mut Vec<(String, EvalKind, Vec<u8>)>,
    name: String,
    kind: EvalKind,
    code: Vec<u8>,
) {
    if !out.iter().any(|(n, _, _)| *n == name) {
        out.push((name, kind, code));
    }
}

fn write(entries: &[(String, EvalKind, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for (name, kind, code) in entries {
        body.push(u8::from(*kind == EvalKind::Module));
        body.extend_from_slice(&(name.len() as u32).to_le_bytes());
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&(code.len() as u32).to_le_bytes());
        body.extend_from_slice(code);
    }
    let id = engine_id();
    let mut out = Vec::with_capacity(body.len() + 32 + id.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(id.len() as u16).to_le_bytes());
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(&fnv1a(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Bounds-checked reads from the bundle bytes.
struct Reader {
    bytes: &'static [u8],
    at: usize,
}

impl Reader {
    fn take(&mut self, n: usize) -> Option<&'static [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(v: Vec<u8>) -> &'static [u8] {
        Box::leak(v.into_boxed_slice())
    }

    #[test]
    fn a_wrong_engine_a_corrupt_file_and_garbage_are_clear_errors() {
        let good = write(&[("a.js".into(), EvalKind::Script, vec![1, 2, 3])]);
        // SAFETY: nothing is read as bytecode here: only the header checks run.
        let bundle = unsafe { Bundle::from_static(leak(good.clone())) }.unwrap();
        assert_eq!(bundle.get("a.js").unwrap().name(), "a.js");

        let mut other = good.clone();
        let at = MAGIC.len() + 4 + 2;
        other[at..at + 10].copy_from_slice(b"quickjs-xx");
        // SAFETY: as above.
        let e = unsafe { Bundle::from_static(leak(other)) }
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("compiled by quickjs-xx") && e.contains("rebuild"),
            "{e}"
        );

        let mut altered = good.clone();
        *altered.last_mut().unwrap() ^= 1;
        // SAFETY: as above.
        let e = unsafe { Bundle::from_static(leak(altered)) }
            .unwrap_err()
            .to_string();
        assert!(e.contains("checksum"), "{e}");

        for cut in [0, 5, good.len() - 1] {
            // SAFETY: as above.
            assert!(unsafe { Bundle::from_static(leak(good[..cut].to_vec())) }.is_err());
        }
        // SAFETY: as above.
        assert!(unsafe { Bundle::from_static(b"#!/usr/bin/env qjs\nconsole.log(1)") }.is_err());
    }
}
