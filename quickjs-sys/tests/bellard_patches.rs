//! The patch series applies to Bellard's QuickJS 2021-03-27 (the release
//! Kraken pinned; pristine copy with its LICENSE in
//! `tests/fixtures/bellard-2021-03-27`, from crates.io libquickjs-sys 0.10.0)
//! and 2026-06-04 (his current release; `tests/fixtures/bellard-2026-06-04`,
//! from crates.io hirofa-quickjs-sys 0.16.1, folder `bellard/quickjs`):
//! `patches/bellard/0001`, `0004`, `0009` (all his releases), `bellard-<release>/0003`,
//! `0006` (his code differs there), `bellard-2021-03-27/0011`, `bellard-2026-06-04/0013` and the shared `patches/0002`, `0005`, `0007`, `0008`, `0011`, `0012`, `0013`. The patched engine
//! is compiled with the system C compiler and linked into a small C program
//! whose own hooks count their calls, proving that `JS_ExecutePendingJob`
//! calls `rust_run` when the job queue is empty, and that `JS_FreeContext`
//! and `JS_FreeRuntime` report to the Rust layer (patch 0006), and that the
//! Rust state slots of a runtime and a context start NULL and keep what is set
//! (patch 0007), and that `JS_NewObjectLike` builds objects with or without a
//! matching shape (patch 0011), and that `JS_GetStringBytes8` lends an 8-bit
//! string's bytes and refuses anything else (patch 0012), and that
//! `JS_CountExternalMemory` counts toward the memory limit and gives back
//! (patch 0013). (The Rust module layer on this tree, with
//! quickjs-libc and qjs, is tested end to end by the root crate's
//! `tests/c_host.rs`.)

#[path = "../patch.rs"]
mod patch;
#[path = "../recipe.rs"]
mod recipe;

use std::path::{Path, PathBuf};
use std::process::Command;

const PROBE: &str = r#"
#include <stdio.h>
#include "quickjs.h"
static int runs, contexts_released, runtimes_released;
void rust_run(JSRuntime *rt) { runs++; }
void rust_context_released(JSContext *ctx) { contexts_released++; }
void rust_runtime_released(JSRuntime *rt) { runtimes_released++; }
int rust_pending(JSRuntime *rt) { return 0; }
int rust_wake_fd(JSRuntime *rt) { return -1; }
int rust_next_timeout(JSRuntime *rt) { return -1; }
int JS_AddRust(JSContext *ctx, JSRuntime *rt) { return 0; }
int main(void) {
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt), *job_ctx;
    int state;
    int slots_start_null = !JS_GetRuntimeRustState(rt) && !JS_GetContextRustState(ctx);
    JS_SetRuntimeRustState(rt, &state);
    JS_SetContextRustState(ctx, &state + 1);
    printf("rust state slots: %s\n", slots_start_null && JS_GetRuntimeRustState(rt) == &state
        && JS_GetContextRustState(ctx) == &state + 1 && !JS_GetRuntimeOpaque(rt)
        && !JS_GetContextOpaque(ctx) ? "ok" : "broken");
    JSAtom ab[2] = { JS_NewAtom(ctx, "a"), JS_NewAtom(ctx, "b") }, ba[2] = { ab[1], ab[0] };
    JSValue vals[2] = { JS_NewInt32(ctx, 1), JS_NewString(ctx, "x") };
    JSValue first = JS_NewObjectLike(ctx, JS_UNDEFINED, 2, ab, vals);
    vals[0] = JS_NewInt32(ctx, 2); vals[1] = JS_NewInt32(ctx, 3);
    JSValue like = JS_NewObjectLike(ctx, first, 2, ab, vals);
    vals[0] = JS_NewInt32(ctx, 4); vals[1] = JS_NewInt32(ctx, 5);
    JSValue unlike = JS_NewObjectLike(ctx, first, 2, ba, vals);
    JSValue arr[3] = { first, like, unlike };
    JSValue all = JS_NewArray(ctx);
    for (int i = 0; i < 3; i++) JS_SetPropertyUint32(ctx, all, i, arr[i]);
    JSValue json = JS_JSONStringify(ctx, all, JS_UNDEFINED, JS_UNDEFINED);
    const char *text = JS_ToCString(ctx, json);
    printf("object like: %s\n", text);
    JS_FreeCString(ctx, text);
    JS_FreeValue(ctx, json);
    JS_FreeValue(ctx, all);
    JS_FreeAtom(ctx, ab[0]);
    JS_FreeAtom(ctx, ab[1]);
    JSValue narrow = JS_NewString(ctx, "hello"), wide = JS_NewString(ctx, "h\xc3\xa9\xe2\x82\xac");
    size_t n = 0, m = 99;
    const uint8_t *bytes = JS_GetStringBytes8(narrow, &n);
    printf("string bytes: %.*s (%d), wide %s, number %s\n", (int)n, (const char *)bytes, (int)n,
           JS_GetStringBytes8(wide, &m) || m != 99 ? "read" : "refused",
           JS_GetStringBytes8(JS_NewInt32(ctx, 1), &m) ? "read" : "refused");
    JS_FreeValue(ctx, narrow);
    JS_FreeValue(ctx, wide);
    JSMemoryUsage mu0, mu1, mu2;
    JS_ComputeMemoryUsage(rt, &mu0);
    JS_SetMemoryLimit(rt, mu0.malloc_size + 1000);
    int fits = JS_CountExternalMemory(rt, 500) == 0, over = JS_CountExternalMemory(rt, 1000) == -1;
    JS_ComputeMemoryUsage(rt, &mu1);
    JS_CountExternalMemory(rt, -500);
    JS_SetMemoryLimit(rt, (size_t)-1);
    JS_ComputeMemoryUsage(rt, &mu2);
    printf("external memory: %s, %s, %s\n", fits && mu1.malloc_size == mu0.malloc_size + 500 ? "counted" : "not counted",
           over ? "refused past the limit" : "passed the limit",
           mu2.malloc_size == mu0.malloc_size ? "given back" : "kept");
    JSValue v = JS_Eval(ctx, "Promise.resolve(1).then(x => x)", 31, "<probe>", JS_EVAL_TYPE_GLOBAL);
    JS_FreeValue(ctx, v);
    int jobs = 0;
    while (JS_ExecutePendingJob(rt, &job_ctx) > 0) jobs++;
    printf("jobs %d, rust_run called %d time(s)\n", jobs, runs);
    JS_FreeContext(ctx);
    printf("JS_FreeContext: context released %d time(s)\n", contexts_released);
    JS_FreeRuntime(rt);
    printf("JS_FreeRuntime: runtime released %d time(s)\n", runtimes_released);
    return 0;
}
"#;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn the_patch_series_applies_to_bellards_quickjs_2021_and_the_hooks_run() {
    probe("2021-03-27");
}

#[test]
fn the_patch_series_applies_to_bellards_quickjs_2026_and_the_hooks_run() {
    probe("2026-06-04");
}

/// Applies the series to the pristine fixture of `release`, compiles it as
/// his Makefile does (recipe.rs) with the probe, and runs it.
fn probe(release: &str) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work: PathBuf = std::env::temp_dir().join(format!(
        "quickjs-rust-bellard-{release}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&work);
    let tree = work.join("quickjs");
    copy_dir(
        &manifest.join(format!("tests/fixtures/bellard-{release}")),
        &tree,
    );
    assert_eq!(
        std::fs::read_to_string(tree.join("VERSION"))
            .unwrap()
            .trim(),
        release
    );
    let series = patch::series(&manifest.join("patches"), "bellard", release);
    let names: Vec<String> = series
        .iter()
        .map(|p| {
            let parent = p.parent().unwrap().file_name().unwrap().to_string_lossy();
            format!("{parent}/{}", p.file_name().unwrap().to_string_lossy())
        })
        .collect();
    let own = format!("bellard-{release}");
    assert_eq!(
        names,
        [
            "bellard/0001-declare-rust-hooks.patch".to_string(),
            "patches/0002-execute-pending-job-calls-rust-run.patch".into(),
            format!("{own}/0003-libc-waits-on-rust-wake-fd.patch"),
            "bellard/0004-qjs-registers-rust-modules.patch".into(),
            "patches/0005-export-interrupt-poll.patch".into(),
            format!("{own}/0006-context-released-hook.patch"),
            "patches/0007-rust-state-slots.patch".into(),
            "patches/0008-interrupt-interval.patch".into(),
            "bellard/0009-poll-in-indexed-access.patch".into(),
            "bellard/0010-tocstring-frees-on-failure.patch".into(),
            // his 2021 JS_NewObjectFromShape has three arguments
            if release == "2021-03-27" {
                format!("{own}/0011-new-object-like.patch")
            } else {
                "patches/0011-new-object-like.patch".into()
            },
            "patches/0012-string-bytes.patch".into(),
            // his 2026 allocator state is in rt->malloc_ctx
            if release == "2021-03-27" {
                "patches/0013-count-external-memory.patch".into()
            } else {
                format!("{own}/0013-count-external-memory.patch")
            },
            // not applied: a variant without hunks
            "bellard/0014-await-ends-on-uncatchable-error.patch".into(),
            "patches/0015-compile-fails-on-bytecode-oom.patch".into(),
            // not applied: the debugger hooks follow quickjs-ng's interpreter
            "bellard/0016-debugger-hooks.patch".into(),
            // not applied: a quickjs-ng fast path
            "bellard/0017-string-relational-fast-path.patch".into(),
        ]
    );
    patch::apply_series(&series, &tree).unwrap();
    let probe = work.join("probe.c");
    std::fs::write(&probe, PROBE).unwrap();
    let exe = work.join("probe");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let recipe = recipe::bellard(&tree, release);
    let status = Command::new(cc)
        .args(["-O1", "-w"])
        .args(recipe.cc_args())
        .arg("-I")
        .arg(&tree)
        .arg(&probe)
        .args(recipe.engine.iter().map(|f| tree.join(f)))
        .arg("-o")
        .arg(&exe)
        .args(["-lm", "-lpthread", "-ldl"])
        .status()
        .unwrap();
    assert!(
        status.success(),
        "compiling patched Bellard QuickJS failed ({status})"
    );
    let out = Command::new(&exe).output().unwrap();
    let _ = std::fs::remove_dir_all(&work);
    assert!(
        out.status.success(),
        "the probe failed ({})\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // One job (the reaction), then the empty queue calls rust_run (once per
    // JS_ExecutePendingJob that found it empty).
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "rust state slots: ok\n\
         object like: [{\"a\":1,\"b\":\"x\"},{\"a\":2,\"b\":3},{\"b\":4,\"a\":5}]\n\
         string bytes: hello (5), wide refused, number refused\n\
         external memory: counted, refused past the limit, given back\n\
         jobs 1, rust_run called 1 time(s)\n\
         JS_FreeContext: context released 1 time(s)\n\
         JS_FreeRuntime: runtime released 1 time(s)\n"
    );
}

/// A hunk must apply with GNU patch and git apply too (docs/c-hosts.md
/// tells C hosts to use them): those read a hunk with no context after its
/// change as sitting at the end of the file, so the applier refuses one.
#[test]
fn a_hunk_that_other_tools_would_anchor_at_the_end_of_the_file_is_refused() {
    let dir = std::env::temp_dir().join(format!("quickjs-rust-patch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f.c"), "int a;\nint b;\n\nint c;\n").unwrap();
    let no_context_after = "--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,3 @@\n int a;\n int b;\n+int ab;\n";
    let err = patch::apply(no_context_after, &dir).unwrap_err();
    assert!(
        err.contains("2 context lines before its change and 0 after"),
        "{err}"
    );
    let both_sides = "--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,3 @@\n int a;\n+int ab;\n int b;\n";
    patch::apply(both_sides, &dir).unwrap();
    let after_only = "--- a/f.c\n+++ b/f.c\n@@ -4,1 +4,2 @@\n+int bc;\n int c;\n";
    patch::apply(after_only, &dir).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("f.c")).unwrap(),
        "int a;\nint ab;\nint b;\n\nint bc;\nint c;\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
