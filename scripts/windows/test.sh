#!/usr/bin/env bash
# The Windows build, tested on Linux: cross-compiles the engine (MinGW-w64's
# gcc, with patch 0003's Windows branch) and the quickjs-rust tests for
# x86_64-pc-windows-gnu, then runs them, and qjs with the README's example,
# under Wine. Needs the Debian packages gcc-mingw-w64-x86-64 and wine64 and
# rustup's x86_64-pc-windows-gnu standard library (CI installs them).
#
#   scripts/windows/test.sh [test names...]   (default: all of quickjs-rust's)
set -euo pipefail
cd "$(dirname "$0")/../.."
target=x86_64-pc-windows-gnu
dir=${CROSS_TARGET_DIR:-target/cross}
wine=${WINE:-/usr/lib/wine/wine64}
export WINEDEBUG=-all WINEPREFIX=${WINEPREFIX:-$PWD/$dir/wineprefix}

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(async_bridge embedding hostile js_extensions native_calls serde macro_paths)
args=()
for t in "${tests[@]}"; do args+=(--test "$t"); done
cargo build -p quickjs-rust --target $target --target-dir $dir "${args[@]}"
cargo build --bin qjs --target $target --target-dir $dir

# Wine 8 has no bcryptprimitives.dll (Rust's std needs its ProcessPrng).
for d in $dir/$target/debug/deps $dir/$target/debug; do
  x86_64-w64-mingw32-gcc -shared -O2 -o $d/bcryptprimitives.dll \
    scripts/windows/bcryptprimitives.c -Wl,--kill-at -ladvapi32
done

status=0
for t in "${tests[@]}"; do
  exe=$(ls -t $dir/$target/debug/deps/"$t"-*.exe | head -1)
  echo "== $t (wine)"
  "$wine" "$exe" -q || status=1
done
echo "== qjs examples/test.js (wine)"
out=$("$wine" $dir/$target/debug/qjs.exe examples/test.js)
echo "$out"
grep -q 'sleep done' <<<"$out" && grep -q 'fib(3) = 6' <<<"$out" || status=1
exit $status
