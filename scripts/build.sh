#!/usr/bin/env bash
# Configures and builds tlslens into BUILD_DIR (default: build). Extra arguments go to cmake.
# Quiet on success; prints the compiler's output on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "$@" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
if ! ninja -C "$build_dir" ${NINJA_TARGETS:-} >"$log" 2>&1; then
  grep -vE '^\[[0-9]+/[0-9]+\] ' "$log" >&2
  exit 1
fi
