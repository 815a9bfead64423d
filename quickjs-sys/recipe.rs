//! How Bellard's QuickJS releases are compiled, as his own Makefile does:
//! which sources make the engine and which defines and flags they need. One
//! recipe for the build script and for the tests that compile a release the
//! way a C host would (`tests/bellard_patches.rs`, the root crate's
//! `tests/c_host.rs`), so they cannot drift apart.
//!
//! The releases differ in what they ship, and the recipe reads that from
//! the tree rather than from a table of versions: 2021-03-27 has `libbf.c`
//! (BigInt behind `CONFIG_BIGNUM`), 2025 and later have `dtoa.c` and always
//! have BigInt; later Makefiles add `-fwrapv`.
#![allow(dead_code)] // each includer uses its part

use std::path::Path;

/// The engine's C sources and the preprocessor and compiler flags.
pub struct Recipe {
    /// The engine (his `QJS_LIB_OBJS` less quickjs-libc.c), relative to the tree.
    pub engine: Vec<&'static str>,
    /// `(name, value)` for `-Dname[=value]`.
    pub defines: Vec<(&'static str, Option<String>)>,
    /// Other compiler flags his Makefile always passes.
    pub flags: Vec<&'static str>,
}

/// The recipe of the Bellard release `version` in `tree`.
pub fn bellard(tree: &Path, version: &str) -> Recipe {
    let has = |f: &str| tree.join(f).exists();
    let mut engine = vec!["quickjs.c", "libregexp.c", "libunicode.c", "cutils.c"];
    let mut defines = vec![
        ("_GNU_SOURCE", None),
        ("CONFIG_VERSION", Some(format!("\"{version}\""))),
    ];
    if has("libbf.c") {
        engine.push("libbf.c");
        defines.push(("CONFIG_BIGNUM", None));
    }
    if has("dtoa.c") {
        engine.push("dtoa.c");
    }
    let makefile = std::fs::read_to_string(tree.join("Makefile")).unwrap_or_default();
    let flags = if makefile.contains("-fwrapv") {
        vec!["-fwrapv"]
    } else {
        vec![]
    };
    Recipe {
        engine,
        defines,
        flags,
    }
}

impl Recipe {
    /// The defines and flags as compiler arguments (`-D_GNU_SOURCE`, ...).
    pub fn cc_args(&self) -> Vec<String> {
        let defines = self.defines.iter().map(|(k, v)| match v {
            Some(v) => format!("-D{k}={v}"),
            None => format!("-D{k}"),
        });
        defines
            .chain(self.flags.iter().map(|f| f.to_string()))
            .collect()
    }
}
