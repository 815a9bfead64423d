//! (d) Module specifiers: `join_relative` never climbs above the root, and
//! `FileLoader` never reads a file outside its root, whatever the base and
//! specifier (dots, slashes, NULs, absolute paths, symlinks in the root).
#![no_main]
use libfuzzer_sys::fuzz_target;
use quickjs::{join_relative, FileLoader, Loader};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

const SECRET: &str = "export default 'secret'";

/// root/{a.js, lib/b.js, out.js -> ../secret.js, up -> ..}, secret.js beside it.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("quickjs-fuzz-loader-{}", std::process::id()));
        let root = dir.join("root");
        std::fs::create_dir_all(root.join("lib")).unwrap();
        std::fs::write(dir.join("secret.js"), SECRET).unwrap();
        std::fs::write(root.join("a.js"), "export default 'a'").unwrap();
        std::fs::write(root.join("lib/b.js"), "export default 'b'").unwrap();
        let _ = std::os::unix::fs::symlink(dir.join("secret.js"), root.join("out.js"));
        let _ = std::os::unix::fs::symlink(&dir, root.join("up"));
        root
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (base, spec) = text.split_once('\n').unwrap_or(("main.js", &text));
    if let Ok(joined) = join_relative(base, spec) {
        let base_inside = !Path::new(base).is_absolute()
            && !Path::new(base).components().any(|c| c == Component::ParentDir);
        if base_inside && (spec.starts_with("./") || spec.starts_with("../")) {
            let p = Path::new(&joined);
            assert!(!p.is_absolute(), "{base:?} + {spec:?} -> {joined:?}");
            assert!(
                !p.components().any(|c| c == Component::ParentDir),
                "{base:?} + {spec:?} -> {joined:?}"
            );
        }
    }
    let mut loader = FileLoader::new(root());
    for name in [spec.to_owned(), join_relative(base, spec).unwrap_or_default()] {
        if let Ok(source) = loader.load(&name) {
            assert_ne!(source, SECRET, "{name:?} escaped the root");
        }
    }
});
