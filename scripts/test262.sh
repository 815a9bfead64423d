#!/usr/bin/env bash
# tc39 test262 on the patched engine, with upstream's configuration
# (test262.conf and -a, as `make test262`: strict and sloppy modes, async,
# modules) and upstream's
# list of known errors (test262_errors.txt: 52 for quickjs-ng 0.16.2).
# Passes when the patched engine fails exactly those tests: no new error,
# no changed one, none fixed, i.e. the result of the pristine engine.
#
#   scripts/test262.sh /path/to/test262     # a checkout of tc39/test262
#
# The checkout is not committed (it is ~100k files); use the commit that
# upstream pins for this release (quickjs-sys/README.md says which).
# Also run by `cargo test --test test262` when TEST262_DIR is set.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:?usage: scripts/test262.sh /path/to/test262}"
dir="$(cd "$dir" && pwd)"
[ -d "$dir/test" ] && [ -d "$dir/harness" ] || { echo "$dir is not a test262 checkout (no test/ and harness/)" >&2; exit 2; }

cargo build --release --bin run-test262 --manifest-path "$root/Cargo.toml" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/quickjs-sys/quickjs/test262.conf" "$root/quickjs-sys/quickjs/test262_errors.txt" "$work/"
ln -s "$dir" "$work/test262"
cd "$work"
# Exit status: 0 when the errors equal the known list (see run-test262.c).
"$root/target/release/run-test262" -c test262.conf -a -t "$(nproc)" 2>&1 | tee run.log | grep -E '^Result: '
