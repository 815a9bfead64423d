#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, with
# AddressSanitizer on the Rust side and the engine's C, and prints each
# run's execs and whether it found anything (crashes land in artifacts/).
#
#   fuzz/run.sh 60                # CI: each target 60 s
#   fuzz/run.sh 1800 eval serde   # 30 minutes each for two targets
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain
# (or RUSTC_BOOTSTRAP=1 on stable, used when no nightly is installed).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(eval from_js serde loader lifecycle inspector)

toolchain=+nightly
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=
  export RUSTC_BOOTSTRAP=1
fi
# The engine's C gets AddressSanitizer too (the cc crate reads CFLAGS).
export CFLAGS="-fsanitize=address -fno-omit-frame-pointer"
# A sandboxed runtime may use 32 MiB of heap; libFuzzer's own limits are
# for leaks and hangs that escape the interrupt handler.
opts=(-rss_limit_mb=4096 -timeout=30 -max_total_time="$seconds" -print_final_stats=1)

for t in "${targets[@]}"; do cargo $toolchain fuzz build --release --debug-assertions "$t" 2>&1 | tail -n 1; done
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="artifacts/$t/last-run.log"
  dict=()
  [ "$t" != eval ] || dict=(-dict=seeds/js.dict)
  if cargo $toolchain fuzz run --release --debug-assertions "$t" "corpus/$t" "seeds/$t" -- "${opts[@]}" "${dict[@]}" >"$log" 2>&1; then
    result="no findings"
  else
    result="FOUND A FAILURE (see $log and artifacts/$t/)"
    status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz $t: ${seconds}s, $execs execs, $result"
done
exit $status
