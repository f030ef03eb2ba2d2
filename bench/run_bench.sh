#!/usr/bin/env bash
# Whole-process comparison of tlslens with tshark, tcpdump and ssldump on one capture.
#
#   bench/run_bench.sh [-n ROUNDS] [-b TLSLENS_BIN] [-k KEYLOG] FILE
#
# Runs every tool once untimed (warm-up: the file enters the page cache; outputs are kept to count
# connections as a sanity check), then ROUNDS (default 5) timed rounds, interleaved (each round runs
# every tool once, in a rotating order), and prints a Markdown table of medians on stdout:
# wall time, MB/s (10^6 bytes of file per second), packets/s, peak RSS, and how many times faster
# tlslens is than each tool (by wall time, and by user+sys CPU time, which is steadier on a busy machine).
#
#   tlslens  -r FILE                       > /dev/null   (binary: -b, $TLSLENS or build/tlslens)
#   tshark   -n -r FILE -q -z conv,tcp     > /dev/null   (a TCP conversation list: what tlslens does now)
#   tcpdump  -n -r FILE -w /dev/null                     (reading and writing packets: the floor)
#   ssldump  -n -r FILE                    > /dev/null
#
# With -k KEYLOG (or $KEYLOG) the TLS tools also get the key log and decrypt:
#   tlslens -l KEYLOG, ssldump -l KEYLOG, tshark -o tls.keylog_file:KEYLOG.
# Extra arguments per tool: $TLSLENS_ARGS, $TSHARK_ARGS, $TCPDUMP_ARGS, $SSLDUMP_ARGS.
# $TOOLS picks and orders the tools (default "tlslens tshark tcpdump ssldump"); $TIMEOUT caps one
# run (default 600 s). Each run is `bench/measure.py -- timeout /usr/bin/time -f '%e %M' TOOL`:
# /usr/bin/time gives the peak RSS (%M); measure.py gives the wall time (monotonic clock around
# fork and wait, no shell start-up inside) and user+sys CPU time from wait4's rusage (µs
# resolution, where %U/%S have 10 ms). Progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
ROUNDS=${ROUNDS:-5}
TLSLENS=${TLSLENS:-$repo/build/tlslens}
KEYLOG=${KEYLOG:-}
TOOLS=${TOOLS:-tlslens tshark tcpdump ssldump}
TIMEOUT=${TIMEOUT:-600}
PYTHON=${PYTHON:-python3}

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "n:b:k:h" opt; do
  case $opt in
    n) ROUNDS=$OPTARG ;;
    b) TLSLENS=$OPTARG ;;
    k) KEYLOG=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || usage
file=$1
[[ -r $file ]] || { echo "run_bench: cannot read $file" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run_bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
[[ -z $KEYLOG || -r $KEYLOG ]] || { echo "run_bench: cannot read key log $KEYLOG" >&2; exit 2; }

# The command line of each tool, as an array in cmd_<tool>; a tool that is not installed is dropped.
declare -a cmd_tlslens cmd_tshark cmd_tcpdump cmd_ssldump
# shellcheck disable=SC2206,SC2054,SC2034  # *_ARGS are word-split on purpose; cmd_* are used via namerefs
{
  cmd_tlslens=("$TLSLENS" -r "$file" ${TLSLENS_ARGS:-})
  cmd_tshark=(tshark -n -r "$file" -q -z conv,tcp ${TSHARK_ARGS:-})
  cmd_tcpdump=(tcpdump -n -r "$file" -w /dev/null ${TCPDUMP_ARGS:-})
  cmd_ssldump=(ssldump -n -r "$file" ${SSLDUMP_ARGS:-})
  if [[ -n $KEYLOG ]]; then
    cmd_tlslens+=(-l "$KEYLOG")
    cmd_tshark+=(-o "tls.keylog_file:$KEYLOG")
    cmd_ssldump+=(-l "$KEYLOG")
  fi
}
tools=()
for t in $TOOLS; do
  case $t in tlslens | tshark | tcpdump | ssldump) ;; *) echo "run_bench: unknown tool $t" >&2; exit 2 ;; esac
  declare -n c="cmd_$t"
  if command -v "${c[0]}" >/dev/null; then
    tools+=("$t")
  else
    echo "run_bench: ${c[0]} not found; skipping $t" >&2
  fi
  unset -n c
done
((${#tools[@]})) || { echo "run_bench: no tool to run" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv  # tool, round, wall µs, peak RSS KiB, exit code, user+sys CPU µs
: >"$results"

cat "$file" >/dev/null  # into the page cache

# run TOOL ROUND OUTFILE
run() {
  local -n cmd="cmd_$1"
  local rc=0
  "$PYTHON" "$here/measure.py" "$work/measure" "$3" -- \
    timeout "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$work/time" "${cmd[@]}" 2>"$work/stderr" || rc=$?
  local wall_us cpu_us rss
  read -r wall_us cpu_us rc <"$work/measure"
  rss=$(awk 'END { print $2 }' "$work/time" 2>/dev/null || echo 0)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$wall_us" "${rss:-0}" "$rc" "$cpu_us" >>"$results"
  if ((rc != 0)); then
    echo "run_bench: $1 exited with $rc: $(head -c 300 "$work/stderr")" >&2
  fi
}

echo "run_bench: warm-up (untimed), then $ROUNDS rounds of: ${tools[*]}" >&2
for t in "${tools[@]}"; do
  run "$t" 0 "$work/out-$t"
done
# Connections each tool saw, as a sanity check that all of them did the work.
count_connections() {
  case $1 in
    tlslens | ssldump) grep -c '^New TCP connection' "$work/out-$1" || true ;;
    tshark) grep -c '<->' "$work/out-$1" || true ;;
    *) echo "-" ;;
  esac
}
for t in "${tools[@]}"; do
  printf '%s\t%s\n' "$t" "$(count_connections "$t")" >>"$work/connections.tsv"
  rm -f "$work/out-$t"
done

n=${#tools[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((i = 0; i < n; i++)); do
    t=${tools[$(( (i + r - 1) % n ))]}
    run "$t" "$r" /dev/null
  done
  echo "run_bench: round $r/$ROUNDS done" >&2
done

# Packet count, once.
if command -v capinfos >/dev/null; then
  packets=$(capinfos -c -M "$file" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
else
  packets=$(tcpdump -n -r "$file" 2>/dev/null | wc -l)
fi

"$PYTHON" - "$results" "$work/connections.tsv" "$file" "$(stat -c %s "$file")" "$packets" "$ROUNDS" \
  "${KEYLOG:+decrypting with $KEYLOG}" <<'EOF'
import statistics, sys, os
results, conns_path, path, size, packets, rounds, mode = sys.argv[1:8]
size, packets, rounds = int(size), int(packets), int(rounds)
runs = {}
order = []
for line in open(results):
    tool, rnd, us, rss, rc, cpu = line.rstrip("\n").split("\t")
    if tool not in order:
        order.append(tool)
    if rnd == "0":
        continue
    runs.setdefault(tool, []).append((int(us) / 1e6, int(rss), int(rc), int(cpu) / 1e6))
conns = dict(l.rstrip("\n").split("\t") for l in open(conns_path))

med = {t: statistics.median(r[0] for r in runs[t]) for t in runs}
medcpu = {t: statistics.median(r[3] for r in runs[t]) for t in runs}
print(f"**{os.path.basename(path)}**: {size / 1e6:.1f} MB, {packets:,} packets; "
      f"median of {rounds} interleaved rounds{', ' + mode if mode else ''}\n")
print("| tool | wall s (median) | min–max s | CPU s | MB/s | packets/s | peak RSS MiB | connections "
      "| tlslens N× faster (wall) | (CPU) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for t in order:
    if t not in runs:
        continue
    walls = [r[0] for r in runs[t]]
    rss = statistics.median(r[1] for r in runs[t]) / 1024
    failed = sum(1 for r in runs[t] if r[2])
    m = med[t]
    mine = "tlslens" in med and t != "tlslens"
    ratio = f"{m / med['tlslens']:.1f}×" if mine else "—"
    cratio = f"{medcpu[t] / medcpu['tlslens']:.1f}×" if mine and medcpu["tlslens"] > 0 else "—"
    note = f" ({failed} failed)" if failed else ""
    print(f"| {t}{note} | {m:.3f} | {min(walls):.3f}–{max(walls):.3f} | {medcpu[t]:.3f} | {size / 1e6 / m:,.1f} | "
          f"{packets / m:,.0f} | {rss:,.1f} | {conns.get(t, '-')} | {ratio} | {cratio} |")
EOF
