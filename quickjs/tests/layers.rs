//! The folders of `src/` are layers, and no file imports a layer above its
//! own: `core` (values, conversions) < `exec` (the executor) < `native`
//! (state, functions, modules, classes) < `hooks.rs` (the C ABI) and
//! `embed` (the embedding API), which do not import each other. Inside the
//! layers, paths name the layer they come from (`crate::core::..`), not the
//! crate root's re-exports, so this test can see them.

use std::path::Path;

/// The layer of a top-level module of `src/` (`None`: not a layer: the
/// crate root, `qjs.rs`).
fn rank(module: &str) -> Option<u8> {
    Some(match module {
        "core" => 0,
        "exec" => 1,
        "native" => 2,
        "hooks" | "embed" => 3,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_file_imports_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel.iter().next().unwrap().to_string_lossy();
        let top = top.trim_end_matches(".rs");
        let Some(own) = rank(top) else { continue };
        checked += 1;
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue; // docs and comments may name any layer
            }
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                let before = rest[..at].chars().last();
                let name: String = rest[at + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                rest = &rest[at + 7..];
                if before.is_some_and(|c| c == '$' || c.is_alphanumeric() || c == '_') {
                    continue; // `$crate::` in macros, `some_crate::`
                }
                let ok = match rank(&name) {
                    Some(r) => r < own || (r == own && name == top),
                    None => false, // a root re-export hides the layer
                };
                if !ok {
                    wrong.push(format!("{}:{}: crate::{name}", rel.display(), n + 1));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} files checked");
    assert!(
        wrong.is_empty(),
        "imports of a layer above, or through the crate root:\n{}",
        wrong.join("\n")
    );
}
