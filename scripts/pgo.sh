#!/usr/bin/env bash
# A profile-guided build of the engine (GCC), measured against the default
# build in the same run:
#   1. qjs with an engine that records its profile (QUICKJS_SYS_PGO=generate),
#   2. a training run: upstream's tests/microbench.js (every kind of
#      operation the interpreter has, none of the measured workload),
#   3. qjs again from that profile (QUICKJS_SYS_PGO=use), into target/pgo,
#   4. the measured workloads, each run in turn by the default qjs
#      (target/release) and the profile-guided one, 7 pairs: medians and
#      their ratio.
#
#   scripts/pgo.sh             # prints the table; target/pgo/release/qjs stays
#
# A Rust host builds its own engine the same way: set QUICKJS_SYS_PGO for
# its build (same target directory both times), train on its own scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="$PWD/target/pgo-profile"
rm -rf "$profile"
mkdir -p "$profile"
QUICKJS_SYS_PGO="generate:$profile" cargo build --release --bin qjs --target-dir target/pgo -q
echo "training: tests/microbench.js" >&2
target/pgo/release/qjs quickjs-sys/quickjs/tests/microbench.js >/dev/null
QUICKJS_SYS_PGO="use:$profile" cargo build --release --bin qjs --target-dir target/pgo -q
cargo build --release --bin qjs -q

ms() { # milliseconds of one run of "$@"
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-34s %12s %12s %8s\n' "workload (ms, median of 7)" "default" "PGO" "ratio"
for w in "benches/js/sort.js:script-bench's sort, pure JS"; do
  file=${w%%:*}
  name=${w#*:}
  a=() b=()
  for _ in 1 2 3 4 5 6 7; do
    a+=("$(ms target/release/qjs "$file")")
    b+=("$(ms target/pgo/release/qjs "$file")")
  done
  ma=$(printf '%s\n' "${a[@]}" | median)
  mb=$(printf '%s\n' "${b[@]}" | median)
  printf '%-34s %12s %12s %7.2fx\n' "$name" "$ma" "$mb" "$(awk "BEGIN { print $mb / $ma }")"
done
