//! The unified-diff applier of the build (shared with the tests that apply
//! the patch series to other QuickJS trees). No external `patch` tool.
#![allow(dead_code)] // each includer uses its part

use std::fs;
use std::path::{Path, PathBuf};

/// The patch series for an engine, in order: `patches_dir/*.patch`; for
/// Bellard's QuickJS release `version`, a file of the same name in
/// `patches_dir/bellard-<version>/` (what that release needs) or else in
/// `patches_dir/bellard/` (what all his releases share) replaces the shared
/// one: his code differs there.
pub fn series(patches_dir: &Path, engine: &str, version: &str) -> Vec<PathBuf> {
    let mut patches: Vec<PathBuf> = fs::read_dir(patches_dir)
        .expect("read patches/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "patch"))
        .collect();
    patches.sort();
    if engine == "bellard" {
        let folders = [
            patches_dir.join(format!("bellard-{version}")),
            patches_dir.join("bellard"),
        ];
        for p in &mut patches {
            let name = p.file_name().unwrap().to_owned();
            if let Some(variant) = folders.iter().map(|f| f.join(&name)).find(|v| v.exists()) {
                *p = variant;
            }
        }
    }
    patches
}

/// Applies the whole series to the tree at `root`.
pub fn apply_series(patches: &[PathBuf], root: &Path) -> Result<(), String> {
    for p in patches {
        let text = fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        apply(&text, root).map_err(|e| format!("patch {} does not apply: {e}", p.display()))?;
    }
    Ok(())
}

pub fn apply(text: &str, root: &Path) -> Result<(), String> {
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(old) = line.strip_prefix("--- ") else {
            continue;
        };
        let new = lines
            .next()
            .and_then(|l| l.strip_prefix("+++ "))
            .ok_or("missing +++")?;
        let _ = old;
        let rel = new.split('\t').next().unwrap().trim();
        let rel = rel.strip_prefix("b/").unwrap_or(rel);
        let path = root.join(rel);
        let mut content = fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
        while let Some(header) = lines.next_if(|l| l.starts_with("@@")) {
            let (mut old_left, mut new_left) = hunk_sizes(header)?;
            let (mut before, mut after) = (String::new(), String::new());
            // Context lines before the first change and after the last.
            let (mut leading, mut trailing, mut changed) = (0, 0, false);
            while old_left + new_left > 0 {
                let l = lines.next().ok_or("truncated hunk")?;
                // An empty line is a context line whose space was stripped.
                let (kind, body) = if l.is_empty() {
                    (' ', "")
                } else {
                    (l.as_bytes()[0] as char, &l[1..])
                };
                match (kind, changed) {
                    (' ', false) => leading += 1,
                    (' ', true) => trailing += 1,
                    _ => (changed, trailing) = (true, 0),
                }
                if kind != '+' {
                    before.push_str(body);
                    before.push('\n');
                    old_left = old_left.checked_sub(1).ok_or("bad hunk")?;
                }
                if kind != '-' {
                    after.push_str(body);
                    after.push('\n');
                    new_left = new_left.checked_sub(1).ok_or("bad hunk")?;
                }
            }
            // Strict tools (`patch --fuzz=0`, `git apply`) anchor a hunk
            // whose context is lopsided: GNU patch puts one with less context
            // after its change than before at the end of the file, git apply
            // one with none after at the end, and both one whose old range
            // starts at line 0 or 1 at the start. The patches must apply with
            // them too (docs/c-hosts.md), not only here: such a hunk must
            // really sit there, else its context is made symmetric.
            let starts_at_top = hunk_start(header)? <= 1;
            let found: Vec<usize> = content
                .match_indices(before.as_str())
                .map(|(i, _)| i)
                .collect();
            let &[at] = found.as_slice() else {
                return Err(format!(
                    "{rel}: hunk context found {} times:\n{before}",
                    found.len()
                ));
            };
            let at_end = trailing < leading && at + before.len() != content.len();
            let at_start = starts_at_top && at != 0;
            if at_end || at_start {
                return Err(format!(
                    "{rel}: hunk {header} has {leading} context lines before its change and \
                     {trailing} after: GNU patch without fuzz (or git apply) would anchor it at \
                     an end of the file (give it as many lines of context after its change \
                     as before, and its real line)"
                ));
            }
            content.replace_range(at..at + before.len(), &after);
        }
        fs::write(&path, content).map_err(|e| format!("{rel}: {e}"))?;
    }
    Ok(())
}

/// `@@ -12,7 +12,9 @@` -> 12: the first line of the old range.
fn hunk_start(header: &str) -> Result<usize, String> {
    header
        .split_whitespace()
        .nth(1)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.split(',').next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("bad @@ line: {header}"))
}

/// `@@ -12,7 +12,9 @@` -> (7, 9); a missing count means 1.
fn hunk_sizes(header: &str) -> Result<(usize, usize), String> {
    let mut parts = header.split_whitespace().skip(1);
    let mut count = |sign: char| -> Result<usize, String> {
        let range = parts
            .next()
            .and_then(|r| r.strip_prefix(sign))
            .ok_or("bad @@ line")?;
        Ok(range
            .split_once(',')
            .map_or(Ok(1), |(_, n)| n.parse())
            .map_err(|_| "bad @@ count")?)
    };
    Ok((count('-')?, count('+')?))
}
