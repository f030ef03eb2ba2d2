#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 and runs each for SECONDS (default 60).
# New crashes land in fuzz/crashes/<target>/; copy a fixed one into fuzz/corpus/<target>/
# so it runs as a regression test from then on.
#   fuzz/run_fuzzers.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for f in fuzz/fuzz_*.cpp; do t="${f#fuzz/fuzz_}"; targets+=("${t%.cpp}"); done
fi

CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTLSLENS_FUZZ=ON -DTLSLENS_BUILD_GUI=OFF -DTLSLENS_BUILD_TESTS=OFF >/dev/null
ninja -C build-fuzz $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

for t in "${targets[@]}"; do
  work="build-fuzz/corpus-work/$t"
  crashes="fuzz/crashes/$t"
  mkdir -p "$work" "$crashes"
  extra=()
  [[ "$t" == capture_file ]] && extra=(captures)
  echo "== fuzz_$t for ${seconds}s"
  build-fuzz/fuzz/fuzz_"$t" -max_total_time="$seconds" -artifact_prefix="$crashes/" -print_final_stats=1 \
    -rss_limit_mb=2048 "$work" "fuzz/corpus/$t" "${extra[@]}" 2>&1 | grep -E '^(stat::|==|INFO: Seed|#[0-9]+ *DONE)' || true
done
