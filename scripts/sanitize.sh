#!/usr/bin/env bash
# Runs the quickjs crate's tests (and the root crate's in-process ones)
# with AddressSanitizer on the Rust side and AddressSanitizer + UBSan on
# the engine's C. UBSan traps (no runtime library needed): a report is a
# crashing test. Leak checking is on: JS_FreeRuntime's own leak assertion
# covers the JS heap, LeakSanitizer the Rust and C heaps; the default run
# then proves the leak check works (quickjs/tests/lsan_canary.rs: tests
# that leak on purpose must fail with LeakSanitizer's report).
#
#   scripts/sanitize.sh            # the default set of test binaries
#   scripts/sanitize.sh --test hostile
#
# Needs a nightly toolchain (or RUSTC_BOOTSTRAP=1 on stable, used when no
# nightly is installed). Builds into target/sanitize.
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain=+nightly
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=
  export RUSTC_BOOTSTRAP=1
fi
host=$(rustc -vV | sed -n 's/^host: //p')
export CFLAGS="-fsanitize=address -fsanitize=undefined -fsanitize-undefined-trap-on-error -fno-omit-frame-pointer -fno-sanitize=alignment"
export RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes"
export RUSTDOCFLAGS="$RUSTFLAGS"
# Suppressed: only what tests leak on purpose (scripts/lsan.supp says why).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
# --target keeps build scripts and proc macros uninstrumented.
cargo_test() { cargo $toolchain test --target "$host" --target-dir target/sanitize "$@"; }
run() { cargo_test "$@" -- --test-threads=2; }

# The step must fail on a leak: each test of quickjs/tests/lsan_canary.rs
# leaks on purpose (ignored elsewhere); its run must fail with
# LeakSanitizer's report naming it, else suppressions swallow real leaks.
canary() {
  local out
  if out=$(cargo_test -p quickjs-rust --test lsan_canary -- --ignored --exact "$1" 2>&1); then
    echo "$out"
    echo "sanitize.sh: $1 leaks, yet its run passed: LeakSanitizer missed it (scripts/lsan.supp?)" >&2
    exit 1
  fi
  if ! grep -q "ERROR: LeakSanitizer: detected memory leaks" <<<"$out" || ! grep -q "lsan_canary::$1" <<<"$out"; then
    echo "$out"
    echo "sanitize.sh: $1 failed, but not with LeakSanitizer's report of its leak" >&2
    exit 1
  fi
  echo "sanitize.sh: $1: LeakSanitizer reports its leak, as it must ($(grep -m1 '^SUMMARY' <<<"$out"))"
}

if [ $# -gt 0 ]; then
  run "$@"
else
  # Every in-process test binary (not trybuild's compile-fail runs, nor the
  # ones that drive child processes: those run uninstrumented binaries).
  run -p quickjs-rust --features inspector --lib --test hostile --test serde --test embedding \
    --test async_bridge --test js_extensions --test native_calls --test macro_paths --test bundle \
    --test realm_capture --test reentry --test deadlines --test panics --test conversion_memory \
    --test stack_limits --test inspector
  # MicroQuickJS's embedding: the Rust heap (GC refs, class instances) and
  # the engine's C (found its sweep leaking finalizers, patch 0005, and
  # signed shifts, patch 0004).
  run -p quickjs-rust-mquickjs-embed --test embed
  canary lsan_canary_leaks_rust_memory
  canary lsan_canary_leaks_a_runtime_through_a_cycle
fi
