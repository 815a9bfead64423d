#!/bin/sh
# Builds the example (release) and runs it on QEMU's MPS2 AN386 board
# (Cortex-M4F); fails unless the guest exits with success and prints the
# script's line and the TypeError. Installs what is missing (Debian/Ubuntu:
# qemu-system-arm, clang-14, libnewlib-dev; the rustup target), as CI needs.
set -eu
cd "$(dirname "$0")"
TARGET=thumbv7em-none-eabihf

missing=""
command -v qemu-system-arm >/dev/null 2>&1 || missing="$missing qemu-system-arm"
command -v clang-14 >/dev/null 2>&1 || missing="$missing clang-14"
[ -f /usr/include/newlib/setjmp.h ] || missing="$missing libnewlib-dev"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y --no-install-recommends $missing
fi
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$TARGET"; then
    rustup target add "$TARGET"
fi

nice -n 19 cargo build --release
elf="target/$TARGET/release/mquickjs-cortex-m"

status=0
out=$(timeout 60 qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic \
    -monitor none -serial none -semihosting-config enable=on,target=native \
    -kernel "$elf" </dev/null 2>&1) || status=$?
printf '%s\n' "$out"

fail() {
    echo "FAIL: $1" >&2
    exit 1
}
[ "$status" != 124 ] || fail "timed out (60 s)"
[ "$status" = 0 ] || fail "the guest exited with $status"
printf '%s\n' "$out" | grep -qx '6765 3' || fail "no '6765 3' line"
printf '%s\n' "$out" | grep -q '^smallest buffer for fib(20) in JS: [0-9]* bytes$' || fail "no smallest buffer line"
printf '%s\n' "$out" | grep -qx 'bytecode: 55 5' || fail "no 'bytecode: 55 5' line"
printf '%s\n' "$out" | grep -q '^fib(25) = 75025 (bytecode' || fail "no bytecode result line"
printf '%s\n' "$out" | grep -q '^TypeError: fib: argument 1: expected integer' || fail "no TypeError line"
echo "ok: mquickjs-cortex-m on qemu-system-arm (mps2-an386)"
