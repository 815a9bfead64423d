//! The folders of `src/` are layers, and no file imports a layer above its
//! own: `engine` (values, conversions, objects, the runtime's state) <
//! `exec` (the executor) < `native` (functions, modules, classes) <
//! `hooks.rs` (the C ABI) and `embed` (the embedding API), which do not
//! import each other. Inside a layer, its folders are floors, checked the
//! same way: `engine/handle` (handles, values, errors, state) <
//! `engine/convert` (conversions of Rust's types, limits) <
//! `engine/objects` (JS object types, builders, the realm); `exec`'s
//! `signal/` < `wake.rs`, `timers.rs` < `polling.rs` < `task.rs`,
//! `timer.rs` < `executor.rs` < `blocking.rs`; `native`'s `async_ctx` <
//! `function/` < `class/` < `module.rs`; `embed`'s primitives (`lock.rs`,
//! `bytecode.rs`, ...) < loaders < its part of the runtime's state <
//! `runtime.rs` < `jobs.rs`, `context.rs` < `promise.rs`, `drive.rs`,
//! `bundle.rs`. Paths name the
//! layer and floor they come from (`crate::engine::handle::..`), not the
//! crate root's re-exports, so this test can see them.

use std::path::Path;

/// The layer of a top-level module of `src/` (`None`: not a layer: the
/// crate root, `qjs.rs`).
fn rank(module: &str) -> Option<u8> {
    Some(match module {
        "engine" => 0,
        "exec" => 1,
        "native" => 2,
        "hooks" | "embed" => 3,
        // The debugger and profiler (Chrome DevTools Protocol) goes on top:
        // it builds on the engine layers and the embedding API, and nothing
        // builds on it (a host without it pays nothing).
        "inspect" => 4,
        _ => return None,
    })
}

/// The floor of a folder inside a layer (`None`: the layer has no floors).
fn floor(layer: &str, folder: &str) -> Option<u8> {
    Some(match (layer, folder) {
        ("engine", "handle") => 0,
        ("engine", "convert") => 1,
        ("engine", "objects") => 2,
        ("native", "async_ctx") => 0,
        ("native", "function") => 1,
        ("native", "class") => 2,
        ("native", "module") => 3,
        ("exec", "signal") => 0,
        ("exec", "wake" | "timers") => 1,
        ("exec", "polling") => 2,
        ("exec", "task" | "timer") => 3,
        ("exec", "executor") => 4,
        ("exec", "blocking") => 5,
        ("embed", "lock" | "bytecode" | "cancel" | "binary" | "closure") => 0,
        ("embed", "loader" | "precompiled" | "serde") => 1,
        ("embed", "state") => 2,
        ("embed", "runtime") => 3,
        ("embed", "jobs" | "context" | "persistent") => 4,
        ("embed", "promise" | "drive" | "bundle") => 5,
        ("inspect", "messages") => 0,
        ("inspect", "server" | "profiler") => 1,
        ("inspect", "debugger") => 2,
        ("inspect", "protocol") => 3,
        ("inspect", "hooks") => 4,
        _ => return None,
    })
}

/// The floors named by `crate::<layer>::<floor>` paths in `text` (and by
/// `super::<floor>` where `super` is the layer: `layer_super`), with their
/// line numbers.
fn floor_paths<'a>(
    text: &'a str,
    layer: &'a str,
    layer_super: bool,
) -> impl Iterator<Item = (usize, String)> + 'a {
    let needle = format!("crate::{layer}::");
    text.lines().enumerate().flat_map(move |(n, line)| {
        let mut found = Vec::new();
        if !line.trim_start().starts_with("//") {
            let mut rest = line;
            loop {
                let at_crate = rest.find(&needle).map(|at| (at, needle.len()));
                let at_super = layer_super
                    .then(|| rest.find("super::"))
                    .flatten()
                    .filter(|&at| !rest[..at].ends_with("::"))
                    .map(|at| (at, "super::".len()));
                let Some((at, len)) = [at_crate, at_super].into_iter().flatten().min() else {
                    break;
                };
                rest = &rest[at + len..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push((n + 1, name));
            }
        }
        found
    })
}

/// The crate's `src/`, and every Rust file in it with its path relative
/// to `src/` and that path's parts.
fn sources() -> (std::path::PathBuf, Vec<(std::path::PathBuf, Vec<String>)>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let files = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(&src).unwrap().to_path_buf();
            let parts = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            (rel, parts)
        })
        .collect();
    (src, files)
}

#[test]
fn no_file_imports_a_floor_above_its_own() {
    let (src, files) = sources();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (rel, parts) in &files {
        if parts.len() < 2 || parts[1] == "mod.rs" {
            continue; // a layer that is a file, or a layer's own mod.rs
        }
        // A floor is a folder of the layer or a file of it (`module.rs`).
        let (layer, folder) = (&parts[0], parts[1].trim_end_matches(".rs"));
        let Some(own) = floor(layer, folder) else {
            // Every file of a layer with floors is on one.
            if ["engine", "exec", "native", "embed"].contains(&layer.as_str()) {
                wrong.push(format!("{}: on no floor of `{layer}`", rel.display()));
            }
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(src.join(rel)).unwrap();
        // `super::` is the layer in a file of the layer and in a floor
        // folder's mod.rs; elsewhere it is the floor itself.
        let layer_super = parts.len() == 2 || parts[2] == "mod.rs";
        for (line, name) in floor_paths(&text, layer, layer_super) {
            match floor(layer, &name) {
                Some(f) if f <= own => {}
                // `super::{A, B}`, or an item of the layer's own mod.rs.
                None if name.is_empty()
                    || (!src.join(layer).join(&name).is_dir()
                        && !src.join(layer).join(format!("{name}.rs")).is_file()) => {}
                _ => wrong.push(format!("{}:{line}: crate::{layer}::{name}", rel.display())),
            }
        }
        // `super::super::..` would reach another floor unseen.
        if text
            .lines()
            .any(|l| !l.trim_start().starts_with("//") && l.contains("super::super::"))
        {
            wrong.push(format!("{}: super::super::", rel.display()));
        }
    }
    assert!(checked > 15, "only {checked} files checked");
    assert!(
        wrong.is_empty(),
        "imports of a floor above, or of no floor:\n{}",
        wrong.join("\n")
    );
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
    let (src, files) = sources();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (rel, parts) in &files {
        let top = parts[0].trim_end_matches(".rs");
        let Some(own) = rank(top) else { continue };
        checked += 1;
        let text = std::fs::read_to_string(src.join(rel)).unwrap();
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
