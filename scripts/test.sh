#!/usr/bin/env bash
# Builds everything and runs every test: unit, end-to-end, corpus (../shared/corpus when
# present), GUI models (offscreen), then the core unit and e2e tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs="$(nproc)"

# tshark's outputs (the corpus tests' reference) computed by the first pass are reused by the
# sanitizer pass (tests/e2e/common.py run_reference); fresh for every run.
export TLSLENS_REFERENCE_CACHE="$PWD/build-ci/reference-cache"
rm -rf "$TLSLENS_REFERENCE_CACHE"

echo "== build (warnings are errors)"
BUILD_DIR=build-ci BUILD_TYPE=RelWithDebInfo scripts/build.sh -DTLSLENS_WERROR=ON
echo "== tests"
(cd build-ci && ctest --output-on-failure -j "$jobs")

if [[ "${TLSLENS_SKIP_SANITIZERS:-0}" != 1 ]]; then
  echo "== sanitizer build (ASan + UBSan)"
  BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DTLSLENS_WERROR=ON -DTLSLENS_SANITIZE=ON \
    -DTLSLENS_BUILD_GUI=OFF
  echo "== tests under sanitizers"
  # The unit tests run as one process here: under ASan, starting the binary once per test (as
  # ctest does) costs more than the tests themselves.
  (cd build-asan && export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 &&
    TLSLENS_SOURCE_DIR="$PWD/.." ./tests/unit_tests --gtest_brief=1 &&
    ctest --output-on-failure -j "$jobs" -LE 'live|unit')
fi
