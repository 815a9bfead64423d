#!/usr/bin/env bash
# The 32-bit build: the engine compiled with `gcc -m32` (JSValue NaN-boxed,
# quickjs-sys/src/inline/nan_boxing.rs), the quickjs-rust tests and the
# bytecode example (its bundle compiled on the 64-bit host) run natively,
# and qjs runs the README's example. Needs Debian's gcc-multilib and
# rustup's i686-unknown-linux-gnu standard library (CI installs them).
#
#   scripts/i686/test.sh [test names...]   (default: all of quickjs-rust's)
set -euo pipefail
cd "$(dirname "$0")/../.."
target=i686-unknown-linux-gnu
dir=${CROSS_TARGET_DIR:-target/cross}

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(async_bridge bundle embedding hostile js_extensions native_calls serde macro_paths)
args=()
for t in "${tests[@]}"; do args+=(--test "$t"); done
cargo test -p quickjs-rust --target $target --target-dir $dir --lib "${args[@]}"
cargo test -p quickjs-rust-sys --target $target --target-dir $dir --lib
cargo test -p bytecode-example --target $target --target-dir $dir
cargo build --bin qjs --target $target --target-dir $dir
# MicroQuickJS: mqjs with the Rust module, and the embedding tests, their
# standard libraries generated on this 64-bit host for the 32-bit target
# (-m32), passing upstream's tests and ours.
cargo test -p quickjs-rust-mquickjs-sys -p quickjs-rust-mqjs -p quickjs-rust-mquickjs-embed --target $target --target-dir $dir
out=$($dir/$target/debug/qjs examples/test.js)
echo "$out"
grep -q 'sleep done' <<<"$out" && grep -q 'fib(3) = 6' <<<"$out"
