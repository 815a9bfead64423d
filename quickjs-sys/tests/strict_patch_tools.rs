//! Every patch series applies with the strict tools of a packager's pipeline,
//! not only with the build's own applier (`patch.rs`): GNU `patch -p1
//! --fuzz=0` and `git apply`, patch after patch in the series' order, to the
//! pristine tree of each engine (quickjs-ng in `quickjs/`, Bellard's releases
//! in `tests/fixtures/bellard-*`, MicroQuickJS with its own series in
//! `mquickjs-sys/`). Each tool's result must be byte-identical
//! to the build's, file by file, with no stray `.orig`/`.rej` files.
//! `docs/c-hosts.md` tells C hosts to patch their own tree with these tools.
//!
//! A tool that is not installed skips its test with a message (both are on
//! the CI machine and on developers'; see `.ci/run`).

#[path = "../patch.rs"]
mod patch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (name, pristine tree, engine, release, patches folder) of every engine
/// a series serves.
fn engines() -> Vec<(String, PathBuf, &'static str, String, PathBuf)> {
    let patches = manifest().join("patches");
    let mquickjs = manifest().join("../mquickjs-sys");
    let mut all = vec![
        (
            "quickjs-ng".to_string(),
            manifest().join("quickjs"),
            "quickjs-ng",
            String::new(),
            patches.clone(),
        ),
        (
            "mquickjs".to_string(),
            mquickjs.join("mquickjs"),
            "mquickjs",
            String::new(),
            mquickjs.join("patches"),
        ),
    ];
    let fixtures = manifest().join("tests/fixtures");
    let mut releases: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("VERSION").exists())
        .collect();
    releases.sort();
    for dir in releases {
        let release = std::fs::read_to_string(dir.join("VERSION"))
            .unwrap()
            .trim()
            .to_string();
        all.push((
            format!("bellard-{release}"),
            dir,
            "bellard",
            release,
            patches.clone(),
        ));
    }
    assert_eq!(
        all.len(),
        4,
        "quickjs-ng, MicroQuickJS and two Bellard releases"
    );
    all
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every file under `root` (relative path -> bytes), skipping `skip` (a
/// tool's own metadata directory).
fn snapshot(root: &Path, skip: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, skip: &str, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if rel == Path::new(skip) {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(root, &path, skip, out);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, skip, &mut out);
    out
}

/// Whether `tool` runs at all; if not, says so (the test then skips).
fn installed(tool: &str) -> bool {
    match Command::new(tool).arg("--version").output() {
        Ok(_) => true,
        Err(e) => {
            eprintln!("SKIPPED: `{tool}` is not installed here ({e}); install it to run this test");
            false
        }
    }
}

/// Applies every engine's series with `tool` (its arguments before the
/// patch file, run in the tree) and compares with the build's applier.
fn applies_with(tool: &str, args: &[&str], init: Option<&[&str]>, meta: &str) {
    if !installed(tool) {
        return;
    }
    for (name, pristine, engine, release, patches) in engines() {
        let work = std::env::temp_dir().join(format!(
            "quickjs-rust-strict-{tool}-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&work);
        let (by_tool, by_build) = (work.join("tool"), work.join("build"));
        copy_tree(&pristine, &by_tool);
        copy_tree(&pristine, &by_build);
        if let Some(init) = init {
            let out = Command::new(tool)
                .args(init)
                .current_dir(&by_tool)
                .output()
                .unwrap();
            assert!(out.status.success(), "{tool} {init:?}: {out:?}");
        }
        let series = patch::series(&patches, engine, &release);
        let least = if engine == "mquickjs" { 1 } else { 13 };
        assert!(series.len() >= least, "{name}: {series:?}");
        for p in &series {
            // A variant without hunks says the shared patch does not apply
            // to that engine (its text says why): there is nothing to apply.
            let text = std::fs::read_to_string(p).unwrap();
            if !text.lines().any(|l| l.starts_with("@@ ")) {
                continue;
            }
            let out = Command::new(tool)
                .args(args)
                .arg(p)
                .current_dir(&by_tool)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: `{tool} {} {}` failed ({}):\n{}{}",
                args.join(" "),
                p.display(),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        patch::apply_series(&series, &by_build).unwrap();
        let (tool_tree, build_tree) = (snapshot(&by_tool, meta), snapshot(&by_build, meta));
        let _ = std::fs::remove_dir_all(&work);
        assert_eq!(
            tool_tree.keys().collect::<Vec<_>>(),
            build_tree.keys().collect::<Vec<_>>(),
            "{name}: {tool} left other files than the build's applier"
        );
        for (file, bytes) in &build_tree {
            assert!(
                tool_tree[file] == *bytes,
                "{name}: {} differs between {tool} and the build's applier",
                file.display()
            );
        }
        // A mark each series leaves: the Rust hooks, or a patch's comment.
        let (file, mark): (&str, &[u8]) = if engine == "mquickjs" {
            ("mquickjs.c", b"quickjs-rust")
        } else {
            ("quickjs.h", b"rust_run(")
        };
        assert!(
            build_tree[Path::new(file)]
                .windows(mark.len())
                .any(|w| w == mark),
            "{name}: not patched"
        );
    }
}

#[test]
fn every_series_applies_with_gnu_patch_without_fuzz() {
    // --batch: never ask (a reversed-looking patch fails instead);
    // --no-backup-if-mismatch: no .orig files to compare.
    applies_with(
        "patch",
        &[
            "-p1",
            "--fuzz=0",
            "--batch",
            "--no-backup-if-mismatch",
            "-i",
        ],
        None,
        "",
    );
}

#[test]
fn every_series_applies_with_git_apply() {
    // In a repository of its own, so that git applies relative to the tree
    // (not to a repository the temp dir might sit in).
    applies_with(
        "git",
        &["apply", "--whitespace=error"],
        Some(&["init", "-q"]),
        ".git",
    );
}

/// The build's applier refuses what the strict tools would anchor at an end
/// of the file, so a patch that builds applies with them too: a hunk with
/// less context after its change than before (GNU patch without fuzz puts it
/// at the end), or one whose old range starts at line 1 (both put it first).
#[test]
fn the_applier_refuses_lopsided_context() {
    let dir = std::env::temp_dir().join(format!("quickjs-rust-lopsided-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let text = "0\n1\n2\n3\n4\n5\n6\n7\n8\n";
    std::fs::write(dir.join("f.c"), text).unwrap();
    // Four lines before, three after (patch 0010 was so): refused.
    let four_three = "--- a/f.c\n+++ b/f.c\n@@ -2,7 +2,8 @@\n 1\n 2\n 3\n 4\n+x\n 5\n 6\n 7\n";
    let err = patch::apply(four_three, &dir).unwrap_err();
    assert!(
        err.contains("4 context lines before its change and 3 after"),
        "{err}"
    );
    // A hunk claiming line 1 that matches further down: refused.
    let not_first = "--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,3 @@\n 3\n+x\n 4\n";
    let err = patch::apply(not_first, &dir).unwrap_err();
    assert!(
        err.contains("1 context lines before its change and 1 after"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(dir.join("f.c")).unwrap(), text);
    // Lopsided where the file really ends or starts: what the tools do too.
    let at_end = "--- a/f.c\n+++ b/f.c\n@@ -7,3 +7,4 @@\n 6\n 7\n+x\n 8\n";
    patch::apply(at_end, &dir).unwrap();
    let at_start = "--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,3 @@\n+y\n 0\n 1\n";
    patch::apply(at_start, &dir).unwrap();
    let symmetric = "--- a/f.c\n+++ b/f.c\n@@ -4,4 +4,5 @@\n 3\n 4\n+z\n 5\n 6\n";
    patch::apply(symmetric, &dir).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("f.c")).unwrap(),
        "y\n0\n1\n2\n3\n4\nz\n5\n6\n7\nx\n8\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
