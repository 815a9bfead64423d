//! Every file or folder path that the docs name exists: the README, the
//! guides in `docs/`, the crates' READMEs and the fuzz findings. A path is
//! a code span (`` `a/b.rs` ``) with a `/` and a file extension or a
//! trailing `/`; docs write them from the folder they talk about (the
//! layout table names `engine/handle/state.rs` inside `quickjs/src/`), so
//! a path exists when it exists below some folder of the repository: a
//! moved or renamed file (`native/function.rs` after it became
//! `native/function/`) is still caught. Build outputs (`target/...`,
//! `OUT_DIR/...`, generated `gen/...`), globs, placeholders and URLs are
//! not paths here.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The docs whose paths are checked.
fn docs() -> Vec<PathBuf> {
    let r = root();
    let mut out = vec![
        r.join("README.md"),
        r.join("quickjs/README.md"),
        r.join("quickjs-sys/README.md"),
        r.join("quickjs-macro/README.md"),
        r.join("quickjs-sys/patches/README.md"),
        r.join("fuzz/findings/README.md"),
    ];
    for e in std::fs::read_dir(r.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out.retain(|p| p.exists());
    out
}

/// The code spans of `text` that name a path.
fn paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 0 || span.contains(char::is_whitespace) || !span.contains('/') {
            continue;
        }
        let p = span.trim_end_matches(':');
        let skip = [
            "target/",
            "/tmp",
            "http",
            "ws:",
            "devtools:",
            "~",
            "$",
            "../",
            "OUT_DIR/",
            "gen/",
        ];
        if skip.iter().any(|s| p.starts_with(s))
            || p.contains(['*', '<', '>', '{', '}', '(', ')', '=', '\'', '"', ',', '|'])
        {
            continue;
        }
        let file = Path::new(p).extension().is_some_and(|x| {
            x.len() <= 4
                && x.to_string_lossy()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric())
        });
        if file || p.ends_with('/') {
            out.push(p.to_string());
        }
    }
    out
}

/// Every folder of the repository (not build outputs, fuzz corpora or
/// version control).
fn folders(dir: &Path, out: &mut Vec<PathBuf>) {
    out.push(dir.to_path_buf());
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy();
        let skip = ["target", ".git", "corpus", "artifacts", "node_modules"];
        if p.is_dir() && !skip.contains(&name.as_ref()) && !name.starts_with("target") {
            folders(&p, out);
        }
    }
}

#[test]
fn every_path_the_docs_name_exists() {
    let r = root();
    let mut bases = Vec::new();
    folders(&r, &mut bases);
    let mut missing = Vec::new();
    let mut checked = 0;
    for doc in docs() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let dir = doc.parent().unwrap().to_path_buf();
        for p in paths(&text) {
            checked += 1;
            let found = std::iter::once(&dir)
                .chain(bases.iter())
                .any(|b| b.join(&p).exists());
            if !found {
                missing.push(format!(
                    "{}: `{p}`",
                    doc.strip_prefix(&r).unwrap().display()
                ));
            }
        }
    }
    assert!(checked > 50, "only {checked} paths found");
    assert!(
        missing.is_empty(),
        "paths named in docs that do not exist:\n{}",
        missing.join("\n")
    );
}
