//! The vendored MicroQuickJS (`mquickjs/`) is upstream's tree at the pinned
//! commit, byte for byte: every file `UPSTREAM.ls-tree` lists (the output
//! of `git ls-tree -r <commit>` in bellard/mquickjs) is there with the same
//! git blob id, and nothing else is. Changes go in a patch series applied
//! at build time, never into these files.

use std::path::Path;

/// The git blob id of `bytes` (SHA-1 of "blob <len>\0" and the bytes).
fn blob_id(bytes: &[u8]) -> String {
    let mut h = sha1_smol::Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.digest().to_string()
}

#[test]
fn the_vendored_sources_are_upstreams_at_the_pinned_commit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listing = std::fs::read_to_string(root.join("UPSTREAM.ls-tree")).unwrap();
    let mut listed = Vec::new();
    for line in listing.lines() {
        // "<mode> blob <id>\t<path>"
        let (meta, path) = line.split_once('\t').expect("a ls-tree line");
        let id = meta.split_whitespace().nth(2).expect("a blob id");
        let bytes = std::fs::read(root.join("mquickjs").join(path))
            .unwrap_or_else(|e| panic!("mquickjs/{path}: {e}"));
        assert_eq!(blob_id(&bytes), id, "mquickjs/{path} differs from upstream");
        listed.push(path.to_string());
    }
    // Nothing added beside them.
    let mut found = Vec::new();
    let mut dirs = vec![root.join("mquickjs")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let rel = p.strip_prefix(root.join("mquickjs")).unwrap();
                found.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    listed.sort();
    found.sort();
    assert_eq!(found, listed);
    assert!(listing.lines().count() > 30);
}
