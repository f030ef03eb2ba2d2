#!/usr/bin/env bash
# Runs libFuzzer targets until each has spent its MINUTES of CPU time in this campaign, in chunks of
# CHUNK seconds (default 300), at the lowest CPU priority so that builds and tests beside it keep
# the machine. Counts CPU time (user+sys from /usr/bin/time), not wall time, because a starved
# fuzzer's wall clock says nothing. One line per chunk is appended to LOG (default
# build-fuzz/campaign.log): date, target, wall s, cpu s, executions, new crash files.
#   fuzz/campaign.sh TARGET:MINUTES...     (build first: fuzz/run_fuzzers.sh 0 or ninja -C build-fuzz)
# A target that crashes stops at that chunk (its log is kept in build-fuzz/crash-TARGET-*.log).
# Slow units are reported only past 600 s: libFuzzer times them on the wall clock, and a fuzzer
# starved by its nice level (or stopped with SIGSTOP while benchmarks run) would report any
# input it happened to be running (three such false reports this session, each < 0.3 s alone).
set -euo pipefail
cd "$(dirname "$0")/.."
chunk="${CHUNK:-300}"
log="${LOG:-build-fuzz/campaign.log}"
for arg in "$@"; do
  t="${arg%%:*}"; minutes="${arg##*:}"
  work="build-fuzz/corpus-work/$t"
  crashes="fuzz/crashes/$t"
  mkdir -p "$work" "$crashes"
  extra=()
  [[ "$t" == capture_file ]] && extra=(captures)
  spent=0
  while (( spent < minutes * 60 )); do
    left=$(( minutes * 60 - spent ))
    (( left < chunk )) && run=$left || run=$chunk
    before=$(ls "$crashes" | wc -l)
    out=$(mktemp)
    /usr/bin/time -f 'TIME %e %U %S' nice -n 19 build-fuzz/fuzz/fuzz_"$t" -max_total_time="$run" \
      -artifact_prefix="$crashes/" -print_final_stats=1 -rss_limit_mb=2048 -report_slow_units=600 \
      "$work" "fuzz/corpus/$t" "${extra[@]}" >"$out" 2>&1 || true
    read -r wall user sys < <(grep '^TIME' "$out" | tail -1 | cut -d' ' -f2-)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$' || echo '?')
    cpu=$(python3 -c "print(round($user+$sys))")
    # A starved chunk still counts only what it used; a chunk ends on wall time, so go on.
    spent=$(( spent + cpu ))
    after=$(ls "$crashes" | wc -l)
    echo "$(date -u +%FT%TZ) $t wall=${wall}s cpu=${cpu}s execs=$execs new_crashes=$((after - before)) total_cpu=${spent}s" | tee -a "$log"
    if (( after > before )); then cp "$out" "build-fuzz/crash-$t-$(date +%s).log"; rm -f "$out"; break; fi
    rm -f "$out"
  done
done
