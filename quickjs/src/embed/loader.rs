//! Module resolution and loading for `import` in embedded runtimes, and
//! bytecode compilation.

use crate::engine::handle::error::{Error, Result};
use std::collections::HashMap;
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
    fn compiled(&mut self, name: &str) -> Option<super::bytecode::Compiled> {
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
