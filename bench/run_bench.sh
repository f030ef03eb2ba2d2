#!/usr/bin/env bash
# Whole-process comparison of tlslens with tshark, tcpdump and ssldump on one capture.
#
#   bench/run_bench.sh [-m connections|decode|decrypt] [-n ROUNDS] [-b TLSLENS_BIN] [-k KEYLOG] [-L MAXLOAD] FILE
#
# Runs every tool once untimed (warm-up: the file enters the page cache; outputs are kept as a
# sanity check that all tools did the work), then ROUNDS (default 5) timed rounds, interleaved
# (each round runs every tool once, in a rotating order), and prints a Markdown table of medians
# on stdout: wall time, user+sys CPU time, MB/s (10^6 bytes of file per second), packets/s or
# records/s, peak RSS, and how tlslens compares (by wall time, and by CPU time, which is steadier
# on a busy machine). Progress and the agreement checks' details go to stderr.
#
# -m connections (default; the foundation stage: reading, reassembly, listing connections):
#   tlslens  -r FILE                       > /dev/null   (binary: -b, $TLSLENS or build/tlslens)
#   tshark   -n -r FILE -q -z conv,tcp     > /dev/null   (a TCP conversation list)
#   tcpdump  -n -r FILE -w /dev/null                     (reading and writing packets: the floor)
#   ssldump  -n -r FILE                    > /dev/null
#
# -m decode (the TLS decoding stage: every record framed, every handshake message decoded):
#   tlslens  -r FILE                       > /dev/null   (full text decoding and the audit,
#                                                         one worker thread per core)
#   tlslens  --threads 1 -r FILE           > /dev/null   (the same on one thread)
#   two `tlslens --threads 1 -r FILE` at once (tlslens_pair: twice the work on both cores with
#                                         nothing shared, the machine's own ceiling for threads)
#   tlslens  --no-audit -r FILE            > /dev/null   (without the audit)
#   tlslens  -q -r FILE                    > /dev/null   (one line per record)
#   tlslens  -j -r FILE                    > /dev/null   (JSON lines, every field)
#   tshark   -n -r FILE -Y tls -T fields -e tls.handshake.type > /dev/null   (TLS dissection)
#   ssldump  -n -r FILE                    > /dev/null
#   tcpdump  -n -r FILE -w /dev/null                     (the floor)
#   Records are counted once (tlslens -j: "record" events) for records/s. Checks, from the
#   warm-up outputs and one more untimed tshark run: connections and records each tool saw
#   (tshark: tls.record.content_type plus tls.record.opaque_type, TLS 1.3's outer type, per
#   TCP stream), handshake messages (tshark's tls.handshake.type vs tlslens -j), and which
#   connections tshark and tlslens disagree on.
#
# -m decrypt (the decryption stage; needs -k KEYLOG): the decode mode's commands, decrypting:
#   tlslens  -r FILE -l KEYLOG             > /dev/null   (and --threads 1, --no-audit)
#   tlslens  -q -r FILE -l KEYLOG          > /dev/null
#   tlslens  -j -r FILE -l KEYLOG          > /dev/null
#   tshark   -n -r FILE -o tls.keylog_file:KEYLOG -Y tls -T fields -e tls.handshake.type > /dev/null
#   ssldump  -n -d -l KEYLOG -r FILE       > /dev/null   (-d: print the decrypted data)
#   tcpdump  -n -r FILE -w /dev/null                     (the floor)
#   Reports decrypted records/s (counted once: tlslens -j records with "decrypted":true) and each
#   tool's decryption coverage: tlslens -j (decrypted records, and the summaries' undecryptable
#   records), ssldump (records of its -d output whose body is decrypted content), tshark (one
#   more untimed run). How each is counted: bench/decrypt_coverage.py.
#
# -L MAXLOAD (or $MAXLOAD): on a shared machine, first wait until the 1-minute load average is
# below MAXLOAD (polled every 30 s, for at most $MAXWAIT s, default 900; then it measures anyway
# and says so). The load averages at the start and end of the timed rounds are printed.
#
# With -k KEYLOG (or $KEYLOG) the TLS tools also get the key log and decrypt:
#   tlslens -l KEYLOG, ssldump -l KEYLOG, tshark -o tls.keylog_file:KEYLOG.
# Extra arguments per tool: $TLSLENS_ARGS (every tlslens run), $TSHARK_ARGS, $TCPDUMP_ARGS,
# $SSLDUMP_ARGS. $TOOLS picks and orders the tools (connections: "tlslens tshark tcpdump
# ssldump"; decode: "tlslens tlslens_q tlslens_j tshark ssldump tcpdump"); $TIMEOUT caps one run
# (default 600 s). Each run is `bench/measure.py -- timeout /usr/bin/time -f '%e %M' TOOL`:
# /usr/bin/time gives the peak RSS (%M); measure.py gives the wall time (monotonic clock around
# fork and wait, no shell start-up inside) and user+sys CPU time from wait4's rusage (µs
# resolution, where %U/%S have 10 ms).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
MODE=${MODE:-connections}
ROUNDS=${ROUNDS:-5}
TLSLENS=${TLSLENS:-$repo/build/tlslens}
KEYLOG=${KEYLOG:-}
TIMEOUT=${TIMEOUT:-600}
PYTHON=${PYTHON:-python3}
MAXLOAD=${MAXLOAD:-}
MAXWAIT=${MAXWAIT:-900}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "m:n:b:k:L:h" opt; do
  case $opt in
    L) MAXLOAD=$OPTARG ;;
    m) MODE=$OPTARG ;;
    n) ROUNDS=$OPTARG ;;
    b) TLSLENS=$OPTARG ;;
    k) KEYLOG=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || usage
file=$1
case $MODE in
  connections) TOOLS=${TOOLS:-tlslens tshark tcpdump ssldump} ;;
  decode) TOOLS=${TOOLS:-tlslens tlslens_1t tlslens_pair tlslens_na tlslens_q tlslens_j tshark ssldump tcpdump} ;;
  decrypt)
    TOOLS=${TOOLS:-tlslens tlslens_1t tlslens_pair tlslens_na tlslens_q tlslens_j tshark ssldump tcpdump}
    [[ -n $KEYLOG ]] || { echo "run_bench: -m decrypt needs -k KEYLOG" >&2; exit 2; } ;;
  *) echo "run_bench: unknown mode '$MODE' (connections, decode or decrypt)" >&2; exit 2 ;;
esac
[[ -r $file ]] || { echo "run_bench: cannot read $file" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run_bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
[[ -z $KEYLOG || -r $KEYLOG ]] || { echo "run_bench: cannot read key log $KEYLOG" >&2; exit 2; }

# The command line of each tool, as an array in cmd_<tool>; a tool that is not installed is dropped.
declare -a cmd_tlslens cmd_tlslens_q cmd_tlslens_j cmd_tlslens_1t cmd_tlslens_pair cmd_tlslens_na cmd_tshark cmd_tcpdump cmd_ssldump
# shellcheck disable=SC2206,SC2054,SC2034  # *_ARGS are word-split on purpose; cmd_* are used via namerefs
{
  cmd_tlslens=("$TLSLENS" -r "$file" ${TLSLENS_ARGS:-})
  cmd_tlslens_q=("$TLSLENS" -q -r "$file" ${TLSLENS_ARGS:-})
  cmd_tlslens_j=("$TLSLENS" -j -r "$file" ${TLSLENS_ARGS:-})
  cmd_tlslens_1t=("$TLSLENS" --threads 1 -r "$file" ${TLSLENS_ARGS:-})
  cmd_tlslens_na=("$TLSLENS" --no-audit -r "$file" ${TLSLENS_ARGS:-})
  if [[ $MODE == decode || $MODE == decrypt ]]; then
    cmd_tshark=(tshark -n -r "$file" -Y tls -T fields -e tls.handshake.type ${TSHARK_ARGS:-})
  else
    cmd_tshark=(tshark -n -r "$file" -q -z conv,tcp ${TSHARK_ARGS:-})
  fi
  cmd_tcpdump=(tcpdump -n -r "$file" -w /dev/null ${TCPDUMP_ARGS:-})
  cmd_ssldump=(ssldump -n -r "$file" ${SSLDUMP_ARGS:-})
  [[ $MODE == decrypt ]] && cmd_ssldump=(ssldump -n -d -r "$file" ${SSLDUMP_ARGS:-})
  if [[ -n $KEYLOG ]]; then
    cmd_tlslens+=(-l "$KEYLOG")
    cmd_tlslens_q+=(-l "$KEYLOG")
    cmd_tlslens_j+=(-l "$KEYLOG")
    cmd_tlslens_1t+=(-l "$KEYLOG")
    cmd_tlslens_na+=(-l "$KEYLOG")
    cmd_tshark+=(-o "tls.keylog_file:$KEYLOG")
    cmd_ssldump+=(-l "$KEYLOG")
  fi
  # Both runs' output is dropped here; the pair's time and CPU are bash's, its children's included.
  # shellcheck disable=SC2016  # expanded by the inner bash
  cmd_tlslens_pair=(bash -c '"$@" >/dev/null & "$@" >/dev/null; wait $!' tlslens_pair "${cmd_tlslens_1t[@]}")
}
tools=()
for t in $TOOLS; do
  case $t in tlslens | tlslens_q | tlslens_j | tlslens_1t | tlslens_pair | tlslens_na | tshark | tcpdump | ssldump) ;; *) echo "run_bench: unknown tool $t" >&2; exit 2 ;; esac
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
: >"$work/counts.tsv"      # tool, connections, records, handshake messages ("-" when not known)

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

echo "run_bench: mode $MODE; warm-up (untimed), then $ROUNDS rounds of: ${tools[*]}" >&2
for t in "${tools[@]}"; do
  run "$t" 0 "$work/out-$t"
done

# What each tool saw, from its warm-up output, as a check that all of them did the work.
# Record lines of ssldump and of tlslens text/-q: "<conn> <record> <time> (<delta>) ..."
# (tlslens pads the columns; its note lines have no record number).
record_line='^[0-9]+ +[0-9]+ +[0-9]+\.[0-9]+ +\('
count() {  # count TOOL -> "connections<TAB>records<TAB>handshake messages"
  local out=$work/out-$1
  case $1 in
    tlslens | tlslens_q | tlslens_1t | tlslens_na | ssldump)
      local records=-
      [[ $MODE != connections ]] && records=$(grep -cE "$record_line" "$out" || true)
      printf '%s\t%s\t-\n' "$(grep -c '^New TCP connection' "$out" || true)" "$records" ;;
    tlslens_j)
      # A message line's first handshake_type is the message's (its fields repeat it).
      printf '%s\t%s\t%s\n' "$(grep -c '"event":"connection_start"' "$out" || true)" \
        "$(grep -c '"event":"record"' "$out" || true)" \
        "$(grep '"event":"message"' "$out" | grep -c '"content_type":{"code":22,[^}]*},"handshake_type"' || true)" ;;
    tshark)
      if [[ $MODE != connections ]]; then  # connections and records come from the check run below
        printf -- '-\t-\t%s\n' "$(tr ',' '\n' <"$out" | grep -c '[0-9]' || true)"
      else
        printf '%s\t-\t-\n' "$(grep -c '<->' "$out" || true)"
      fi ;;
    *) printf -- '-\t-\t-\n' ;;
  esac
}
for t in "${tools[@]}"; do
  printf '%s\t%s\n' "$t" "$(count "$t")" >>"$work/counts.tsv"
done

# Decode mode: records per connection as tshark frames them, to compare with tlslens -j.
# tls.record.content_type is the plaintext header's type; TLS 1.3 protected records show theirs
# as tls.record.opaque_type instead, so both are counted.
tshark_records=$work/tshark-records.tsv
: >"$tshark_records"
if [[ $MODE != connections ]] && command -v tshark >/dev/null; then
  echo "run_bench: untimed tshark run to count records per TCP stream" >&2
  # shellcheck disable=SC2086  # TSHARK_ARGS is word-split on purpose
  tshark -n -r "$file" -T fields -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst \
    -e tcp.dstport -e tls.record.content_type -e tls.record.opaque_type -e tls.record.length ${TSHARK_ARGS:-} \
    ${KEYLOG:+-o "tls.keylog_file:$KEYLOG"} >"$tshark_records" 2>/dev/null || true
fi
# The JSON output, if tlslens -j ran, for the per-connection comparison.
json_out=$work/out-tlslens_j
[[ -e $json_out ]] || json_out=

# Decrypt mode: how many records each tool decrypted (tshark: one more untimed run).
coverage=$work/coverage.md
: >"$coverage"
if [[ $MODE == decrypt ]]; then
  tshark_dec=
  if command -v tshark >/dev/null; then
    tshark_dec=$work/tshark-decrypt.tsv
    echo "run_bench: untimed tshark run to count decrypted records" >&2
    # shellcheck disable=SC2086  # TSHARK_ARGS is word-split on purpose
    tshark -n -r "$file" -o "tls.keylog_file:$KEYLOG" -Y tls -T fields -E occurrence=a -e tcp.stream \
      -e tls.record.length -e tls.record.content_type -e tls.record.opaque_type -e tls.segment.data \
      -e tls.alert_message.level -e tls.handshake.type -e data.len ${TSHARK_ARGS:-} >"$tshark_dec" 2>/dev/null || true
  fi
  ssl_out=$work/out-ssldump; [[ -e $ssl_out ]] || ssl_out=
  "$PYTHON" "$here/decrypt_coverage.py" --json "$json_out" --ssldump "$ssl_out" \
    --tshark "$tshark_dec" >"$coverage" || echo "run_bench: decrypt_coverage.py failed" >&2
fi

for t in "${tools[@]}"; do
  [[ $t == tlslens_j ]] || rm -f "$work/out-$t"
done

load1() { cut -d' ' -f1 /proc/loadavg; }
if [[ -n $MAXLOAD ]]; then
  waited=0
  while awk -v l="$(load1)" -v m="$MAXLOAD" 'BEGIN { exit !(l >= m) }'; do
    if ((waited >= MAXWAIT)); then
      echo "run_bench: load average still $(load1) after ${waited} s; measuring anyway" >&2
      break
    fi
    echo "run_bench: load average $(load1) >= $MAXLOAD; waiting (${waited} s so far)" >&2
    sleep 30
    waited=$((waited + 30))
  done
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

n=${#tools[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((i = 0; i < n; i++)); do
    t=${tools[$(( (i + r - 1) % n ))]}
    run "$t" "$r" /dev/null
  done
  echo "run_bench: round $r/$ROUNDS done" >&2
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
echo "run_bench: load average (1, 5, 15 min) $load_start at the start of the timed rounds, $load_end at the end" >&2

# Packet count, once.
if command -v capinfos >/dev/null; then
  packets=$(capinfos -c -M "$file" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
else
  packets=$(tcpdump -n -r "$file" 2>/dev/null | wc -l)
fi

"$PYTHON" - "$results" "$work/counts.tsv" "$file" "$(stat -c %s "$file")" "$packets" "$ROUNDS" \
  "${KEYLOG:+decrypting with $KEYLOG}" "$MODE" "$tshark_records" "$json_out" "$load_start" "$load_end" "$coverage" <<'EOF'
import json, statistics, sys, os
from collections import Counter
results, counts_path, path, size, packets, rounds, keymode, mode, tshark_records, json_out, load_start, load_end, \
    coverage = sys.argv[1:14]
loads = f"; load average {load_start.split()[0]} → {load_end.split()[0]}"
size, packets, rounds = int(size), int(packets), int(rounds)
NAMES = {"tlslens": "tlslens", "tlslens_q": "tlslens -q", "tlslens_j": "tlslens -j",
         "tlslens_1t": "tlslens --threads 1", "tlslens_na": "tlslens --no-audit",
         "tlslens_pair": "2 × tlslens --threads 1 at once"}
runs = {}
order = []
for line in open(results):
    tool, rnd, us, rss, rc, cpu = line.rstrip("\n").split("\t")
    if tool not in order:
        order.append(tool)
    if rnd == "0":
        continue
    runs.setdefault(tool, []).append((int(us) / 1e6, int(rss), int(rc), int(cpu) / 1e6))
counts = {}
for l in open(counts_path):
    t, c, r, h = l.rstrip("\n").split("\t")
    counts[t] = {"connections": c, "records": r, "handshakes": h}

med = {t: statistics.median(r[0] for r in runs[t]) for t in runs}
medcpu = {t: statistics.median(r[3] for r in runs[t]) for t in runs}


def row_common(t):
    walls = [r[0] for r in runs[t]]
    rss = statistics.median(r[1] for r in runs[t]) / 1024
    failed = sum(1 for r in runs[t] if r[2])
    note = f" ({failed} failed)" if failed else ""
    return NAMES.get(t, t) + note, walls, rss


def ratio(a, b):
    return f"{a / b:.1f}×" if b > 0 else "—"


if mode == "connections":
    print(f"**{os.path.basename(path)}**: {size / 1e6:.1f} MB, {packets:,} packets; "
          f"median of {rounds} interleaved rounds{', ' + keymode if keymode else ''}{loads}\n")
    print("| tool | wall s (median) | min–max s | CPU s | MB/s | packets/s | peak RSS MiB | connections "
          "| tlslens N× faster (wall) | (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in order:
        if t not in runs:
            continue
        name, walls, rss = row_common(t)
        m = med[t]
        mine = "tlslens" in med and t != "tlslens"
        wr = ratio(m, med["tlslens"]) if mine else "—"
        cr = ratio(medcpu[t], medcpu["tlslens"]) if mine else "—"
        print(f"| {name} | {m:.3f} | {min(walls):.3f}–{max(walls):.3f} | {medcpu[t]:.3f} | {size / 1e6 / m:,.1f} | "
              f"{packets / m:,.0f} | {rss:,.1f} | {counts.get(t, {}).get('connections', '-')} | {wr} | {cr} |")
    sys.exit(0)

# ---- decode mode --------------------------------------------------------------------------------
# tshark's records per TCP stream, keyed by the unordered endpoint pair and its occurrence.
ts_streams = {}  # stream -> [pair, records, content_type-only records]
for line in open(tshark_records) if tshark_records and os.path.getsize(tshark_records) else []:
    f = line.rstrip("\n").split("\t")
    if len(f) < 9 or not f[0]:
        continue
    stream = int(f[0])
    if stream not in ts_streams:
        a = (f[1] or f[2], int(f[3] or 0))
        b = (f[4] or f[5], int(f[6] or 0))
        ts_streams[stream] = [tuple(sorted([a, b])), 0, 0]
    ct = [x for x in f[7].split(",") if x]
    ot = [x for x in f[8].split(",") if x]
    ln = [x for x in f[9].split(",") if x] if len(f) > 9 else []
    # Decrypted TLS 1.3 records show both types (outer opaque_type, inner content_type): count
    # records by their length field (one per record) when decrypting.
    ts_streams[stream][1] += len(ln) if mode == "decrypt" else len(ct) + len(ot)
    ts_streams[stream][2] += len(ct)
ts_by_key = {}
seen = Counter()
for stream in sorted(ts_streams):
    pair, n, _ = ts_streams[stream]
    ts_by_key[(pair, seen[pair])] = (stream, n)
    seen[pair] += 1
if ts_streams:
    counts.setdefault("tshark", {"connections": "-", "records": "-", "handshakes": "-"})
    counts["tshark"]["connections"] = str(len(ts_streams))
    counts["tshark"]["records"] = str(sum(s[1] for s in ts_streams.values()))

# tlslens -j: records per connection, same keys.
tl_by_key = {}
total_records = None
records_from = "tlslens -j"
if json_out:
    conns = {}
    recs = Counter()
    decrypted = 0
    for line in open(json_out):
        if '"event":"record"' in line:
            recs[json.loads(line)["connection"]] += 1
            decrypted += '"decrypted":true' in line
        elif '"event":"connection_start"' in line:
            e = json.loads(line)
            conns[e["connection"]] = tuple(sorted([(e["client"]["ip"], e["client"]["port"]),
                                                  (e["server"]["ip"], e["server"]["port"])]))
    total_records = sum(recs.values())
    seen = Counter()
    for c in sorted(conns):
        tl_by_key[(conns[c], seen[conns[c]])] = (c, recs[c])
        seen[conns[c]] += 1
if total_records is None:  # no -j run: fall back on the text output's count
    for t in ("tlslens", "tlslens_q", "ssldump"):
        if counts.get(t, {}).get("records", "-") not in ("-", ""):
            total_records = int(counts[t]["records"])
            records_from = NAMES.get(t, t)
            break

rate_name = "records/s"
all_records = total_records
if mode == "decrypt" and json_out:
    print(f"**{os.path.basename(path)}**: {size / 1e6:.1f} MB, {packets:,} packets, {total_records:,} TLS records, "
          f"{decrypted:,} of them decrypted by tlslens (-j); median of {rounds} interleaved rounds, "
          f"{keymode}{loads}\n")
    all_records, total_records, rate_name = total_records, decrypted, "decrypted records/s"
else:
    print(f"**{os.path.basename(path)}**: {size / 1e6:.1f} MB, {packets:,} packets, "
          f"{total_records if total_records is not None else 0:,} TLS records ({records_from}); "
          f"median of {rounds} interleaved rounds{', ' + keymode if keymode else ''}{loads}\n")
print(f"| tool | wall s (median) | min–max s | CPU s | MB/s | {rate_name} | peak RSS MiB | connections | records "
      "| handshake msgs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for t in order:
    if t not in runs:
        continue
    name, walls, rss = row_common(t)
    m = med[t]
    rps = f"{total_records / m:,.0f}" if total_records else "-"
    c = counts.get(t, {})
    print(f"| {name} | {m:.3f} | {min(walls):.3f}–{max(walls):.3f} | {medcpu[t]:.3f} | {size / 1e6 / m:,.1f} | "
          f"{rps} | {rss:,.1f} | {c.get('connections', '-')} | {c.get('records', '-')} | {c.get('handshakes', '-')} |")

# Ratios: the other tool's median time over tlslens's (> 1: tlslens is faster).
others = [t for t in ("tshark", "ssldump", "tcpdump") if t in med]
mine = [t for t in ("tlslens", "tlslens_q", "tlslens_j", "tlslens_1t", "tlslens_na") if t in med]
if others and mine:
    print("\nSpeed-up: the other tool's median time ÷ tlslens's (> 1 means tlslens is faster), wall / CPU\n")
    print("| | " + " | ".join(f"vs {o}" for o in others) + " |")
    print("|---|" + "---:|" * len(others))
    for t in mine:
        cells = [f"{ratio(med[o], med[t])} / {ratio(medcpu[o], medcpu[t])}" for o in others]
        print(f"| {NAMES[t]} | " + " | ".join(cells) + " |")
if "tlslens" in med and "tlslens_1t" in med:
    print(f"\nThreads: tlslens (default: {os.cpu_count()} threads) is {med['tlslens_1t'] / med['tlslens']:.2f}× "
          f"as fast as --threads 1 by wall time (CPU time {medcpu['tlslens']:.3f} s vs {medcpu['tlslens_1t']:.3f} s).")
    # The same, round by round: both ran within seconds of each other, while the machine's
    # speed drifts over minutes, so the ratio within a round is steadier than that of medians.
    paired = sorted(one[0] / two[0] for one, two in zip(runs["tlslens_1t"], runs["tlslens"]) if two[0] > 0)
    if paired:
        print(f"Paired: --threads 1's time over tlslens's within each round: median {statistics.median(paired):.2f}×, "
              f"rounds {paired[0]:.2f}–{paired[-1]:.2f}×.")
    if "tlslens_pair" in med:
        # Two independent one-thread runs at once do twice the work: what two cores give when
        # nothing at all is shared. On a virtual machine whose cores share a physical one, or
        # whose host is busy, that is well under 2x, and no program can beat it.
        ceiling = 2 * med["tlslens_1t"] / med["tlslens_pair"]
        print(f"Ceiling: two --threads 1 runs at once take {med['tlslens_pair']:.3f} s for twice the work, so this "
              f"machine's two cores give at most {ceiling:.2f}x one (CPU time {medcpu['tlslens_pair'] / 2:.3f} s per run "
              f"vs {medcpu['tlslens_1t']:.3f} s alone); tlslens's threads reach "
              f"{med['tlslens_1t'] / med['tlslens'] / ceiling:.0%} of it.")

# Agreement on records, connection by connection (stderr: details, stdout: one line).
if ts_by_key and tl_by_key:
    ts_total = sum(v[1] for v in ts_by_key.values())
    ct_only = sum(s[2] for s in ts_streams.values())
    differ = []
    for k in sorted(set(ts_by_key) | set(tl_by_key), key=lambda k: tl_by_key.get(k, (1 << 60,))[0]):
        a = tl_by_key.get(k, (None, 0))
        b = ts_by_key.get(k, (None, 0))
        if a[1] != b[1]:
            differ.append((k, a, b))
    how = ("tls.record.length, one per record" if mode == "decrypt" else
           f"tls.record.content_type alone: {ct_only:,}; + tls.record.opaque_type for TLS 1.3 protected records")
    print(f"\nRecords: tlslens {all_records:,}; tshark {ts_total:,} ({how}); {len(differ)} connection(s) differ.")
    for k, a, b in differ[:10]:
        (ip1, p1), (ip2, p2) = k[0]
        print(f"run_bench:   {ip1}:{p1} <-> {ip2}:{p2}: tlslens #{a[0]} {a[1]} records, tshark stream {b[0]} {b[1]}",
              file=sys.stderr)
    if len(differ) > 10:
        print(f"run_bench:   ... and {len(differ) - 10} more", file=sys.stderr)
if coverage and os.path.getsize(coverage):
    print()
    print(open(coverage).read(), end="")
EOF
