//! Module resolution and loading for `import` in embedded runtimes, and
//! bytecode compilation.

use super::state::EmbedState;
use crate::engine::handle::boundary;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::ctx::EvalKind;
use crate::engine::handle::error::{Error, Result};
use quickjs_sys as sys;
use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};
use std::path::{Component, Path, PathBuf};

/// Resolves and loads ES modules for a [`crate::Runtime`]
/// (`Runtime::set_loader`). Native modules added with `NativeModule::add_to`
/// are found by their bare name before `load` is asked.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// struct Upper;
/// impl quickjs::Loader for Upper {
///     fn load(&mut self, name: &str) -> quickjs::Result<String> {
///         Ok(format!("export default {:?}", name.to_uppercase()))
///     }
/// }
/// rt.set_loader(Upper);
/// ctx.with(|ctx| {
///     let _: quickjs::Value = ctx.eval_with("import n from 'abc'; globalThis.n = n", "main.js", quickjs::EvalKind::Module).unwrap();
///     assert_eq!(ctx.globals().get::<_, String>("n").unwrap(), "ABC");
/// });
/// ```
pub trait Loader: Send + 'static {
    /// The canonical name of `specifier` imported by the module `base`.
    /// The default joins `./` and `../` specifiers to `base`'s directory
    /// and keeps bare names (`'rust'`) as they are.
    fn resolve(&mut self, base: &str, specifier: &str) -> Result<String> {
        join_relative(base, specifier)
    }

    /// The source text of the module named `name` (as `resolve` returned it).
    fn load(&mut self, name: &str) -> Result<String>;

    /// The module named `name` compiled at build time (an entry of a
    /// [`crate::Bundle`]), asked before [`Loader::load`]; `None` (the
    /// default) loads the source.
    fn compiled(&mut self, name: &str) -> Option<super::bundle::Compiled> {
        let _ = name;
        None
    }
}

/// `./x` and `../x` relative to `base`'s directory, normalized; other names
/// unchanged. A specifier that would climb above the root (the directory
/// names are relative to) is an error, never a path outside it.
///
/// ```
/// assert_eq!(quickjs::join_relative("app/src/main.js", "../lib/a.js").unwrap(), "app/lib/a.js");
/// assert_eq!(quickjs::join_relative("app/main.js", "rust").unwrap(), "rust");
/// assert!(quickjs::join_relative("main.js", "../../etc/passwd").is_err());
/// ```
pub fn join_relative(base: &str, specifier: &str) -> Result<String> {
    if !(specifier.starts_with("./") || specifier.starts_with("../")) {
        return Ok(specifier.to_owned());
    }
    // Specifiers are URL-like: '/'-separated on every platform (never the
    // OS's separator), so names mean the same on Windows.
    let dir = base.rfind('/').map_or("", |i| &base[..i]);
    let mut out: Vec<&str> = Vec::new();
    for segment in dir.split('/').chain(specifier.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                if out.pop().is_none() {
                    return Err(outside_root(specifier));
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    Ok(if base.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    })
}

fn outside_root(name: &str) -> Error {
    Error::message(format!("module {name:?} is outside the loader's root"))
}

/// Modules from memory: name → source.
///
/// ```
/// use quickjs::{Context, EvalKind, MemoryLoader, Runtime};
/// let rt = Runtime::new().unwrap();
/// rt.set_loader(MemoryLoader::new().with("lib/math.js", "export const two = 2"));
/// let ctx = Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     let _: quickjs::Value = ctx.eval_with("import { two } from './math.js'; globalThis.r = two", "lib/main.js", EvalKind::Module).unwrap();
///     assert_eq!(ctx.globals().get::<_, i32>("r").unwrap(), 2);
/// });
/// ```
#[derive(Debug, Default, Clone)]
pub struct MemoryLoader {
    modules: HashMap<String, String>,
}

impl MemoryLoader {
    /// An empty set.
    ///
    /// ```
    /// let loader = quickjs::MemoryLoader::new();
    /// assert!(format!("{loader:?}").contains("modules"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a module.
    ///
    /// ```
    /// let loader = quickjs::MemoryLoader::new().with("a.js", "export {}").with("b.js", "export {}");
    /// let _ = loader;
    /// ```
    pub fn with(mut self, name: impl Into<String>, source: impl Into<String>) -> Self {
        self.modules.insert(name.into(), source.into());
        self
    }
}

impl Loader for MemoryLoader {
    fn load(&mut self, name: &str) -> Result<String> {
        self.modules
            .get(name)
            .cloned()
            .ok_or_else(|| Error::message(format!("module not found: {name}")))
    }
}

/// Modules from files under a root directory; names are paths relative to
/// it. Specifiers that would leave the root are refused.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// rt.set_loader(quickjs::FileLoader::new("scripts"));
/// // `import './x.js'` from scripts/main.js now reads scripts/x.js;
/// // `import '../../etc/passwd'` is refused.
/// ```
#[derive(Debug, Clone)]
pub struct FileLoader {
    root: PathBuf,
}

impl FileLoader {
    /// Loads from files under `root`.
    ///
    /// ```
    /// let loader = quickjs::FileLoader::new(std::env::temp_dir());
    /// let _ = loader;
    /// ```
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileLoader { root: root.into() }
    }
}

/// Confinement holds after canonicalisation: names with `..` or a root
/// are refused outright, and the file actually opened (symlinks resolved)
/// must lie under the canonical root.
impl Loader for FileLoader {
    fn load(&mut self, name: &str) -> Result<String> {
        let rel = Path::new(name);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(outside_root(name));
        }
        let cannot =
            |e: std::io::Error| Error::message(format!("cannot load module {name:?}: {e}"));
        let root = self.root.canonicalize().map_err(cannot)?;
        let path = root.join(rel).canonicalize().map_err(cannot)?;
        if !path.starts_with(&root) {
            return Err(outside_root(name));
        }
        std::fs::read_to_string(path).map_err(cannot)
    }
}

/// The normalize hook: `Loader::resolve`, the result in engine memory.
pub(crate) unsafe extern "C" fn normalize(
    ctx: *mut sys::JSContext,
    base: *const c_char,
    name: *const c_char,
    opaque: *mut c_void,
) -> *mut c_char {
    // SAFETY: the engine passes a live ctx and NUL-terminated strings, alive
    // for the call; opaque is the runtime's EmbedState (Runtime::set_loader).
    let (ctx, embed, base, name) = unsafe {
        (
            Ctx::from_raw(ctx),
            &*(opaque as *const EmbedState),
            CStr::from_ptr(base).to_string_lossy(),
            CStr::from_ptr(name).to_string_lossy(),
        )
    };
    boundary::enter(ctx, "module resolver", || {
        let resolved = match embed
            .loader
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            Some(l) => l.resolve(&base, &name),
            None => join_relative(&base, &name),
        }?;
        let r = CString::new(resolved)
            .map_err(|_| Error::type_error("module name contains a NUL byte"))?;
        // SAFETY: js_strdup copies into engine memory, which the engine frees.
        let p = unsafe { sys::js_strdup(ctx.as_raw(), r.as_ptr()) };
        if p.is_null() {
            return Err(ctx.catch());
        }
        Ok(p)
    })
}

/// The load hook: `Loader::load`, compiled as a module.
pub(crate) unsafe extern "C" fn load(
    ctx: *mut sys::JSContext,
    name: *const c_char,
    opaque: *mut c_void,
    _attributes: sys::JSValue,
) -> *mut sys::JSModuleDef {
    // SAFETY: as in normalize.
    let (ctx, embed, name) = unsafe {
        (
            Ctx::from_raw(ctx),
            &*(opaque as *const EmbedState),
            CStr::from_ptr(name).to_string_lossy().into_owned(),
        )
    };
    boundary::enter(ctx, "module loader", || {
        let mut loader = embed.loader.lock().unwrap_or_else(|e| e.into_inner());
        let source = match loader.as_mut() {
            Some(l) => match l.compiled(&name) {
                Some(compiled) => {
                    drop(loader); // reading runs no JS, but keep the rule: no lock across the engine
                    return compiled.read_module(ctx);
                }
                None => l.load(&name),
            },
            None => Err(Error::message(format!("module not found: {name}"))),
        };
        drop(loader);
        let source = source?;
        let module = super::bytecode::compile_raw(ctx, &source, &name, EvalKind::Module)?;
        // The module stays in the context's module list; we drop our reference.
        let m: *mut sys::JSModuleDef = sys::JS_VALUE_GET_PTR(module.as_raw()).cast();
        drop(module);
        Ok(m)
    })
}
