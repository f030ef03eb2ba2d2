#!/usr/bin/env bash
# Generates a realistic TLS benchmark capture and its key log.
#
#   bench/make_capture.sh SIZE [OUTDIR]       e.g.  bench/make_capture.sh 20M
#                                                     bench/make_capture.sh 200M /var/tmp/tlslens-bench
#
# SIZE: bytes with an optional K/M/G suffix (powers of 1000). OUTDIR defaults to
# /var/tmp/tlslens-bench (bench/data/ in the tree is git-ignored and fine too). Never commit the output.
#
# Writes OUTDIR/tls-SIZE.pcap and OUTDIR/tls-SIZE.keys (SSLKEYLOGFILE format).
#
# How: inside a private network namespace (unshare -n) with loopback at MTU 1500 and the
# segmentation/receive offloads off (so frames are Ethernet-sized, not 64 KB super-segments),
# tcpdump -i lo records a python3 `ssl` client whose CONCURRENCY (default 40) workers keep a few
# dozen keep-alive connections open, paced so the capture grows by RATE (default 750K) bytes per
# second of capture time (20M spans about half a minute), against three threaded python3 servers (bench/tls_traffic.py): TLS 1.3 AES-256-GCM/AES-128-GCM/
# ChaCha20, TLS 1.2 ECDHE AES-GCM/ChaCha20/AES-CBC, TLS 1.2 static RSA AES-GCM/AES-CBC; 1-4
# requests per connection, bodies from a few hundred bytes to a few hundred KB.
#
# Captures larger than BASE (default 20M, env TLSLENS_BENCH_BASE) are not recorded directly: the
# BASE capture is recorded (or reused if OUTDIR already has it) and repeated with time and client-port
# offsets (bench/pcap_repeat.py). So tls-20M.pcap and tls-200M.pcap carry the same traffic pattern
# and the same concurrency, the second just ten times longer — what the "peak memory does not grow
# with capture length" check needs. The key log of the long capture is the base one (the repeated
# connections have the same client randoms).
#
# Needs root (unshare -n, ethtool), tcpdump, ethtool, iproute2, python3.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
PYTHON=${PYTHON:-python3}
CONCURRENCY=${CONCURRENCY:-40}
RATE=${RATE:-750K}
SEED=${SEED:-1}
CERT=${CERT:-$repo/captures/certs/server-chain.pem}
KEY=${KEY:-$repo/captures/certs/server.key}

die() { echo "make_capture: $*" >&2; exit 2; }

to_bytes() {
  local s=${1^^}
  [[ $s =~ ^([0-9]+)([KMG]?)B?$ ]] || die "bad size '$1' (want e.g. 500K, 20M, 1G)"
  local n=${BASH_REMATCH[1]}
  case ${BASH_REMATCH[2]} in
    K) n=$((n * 1000)) ;;
    M) n=$((n * 1000000)) ;;
    G) n=$((n * 1000000000)) ;;
  esac
  echo "$n"
}

# ---- inner mode: runs inside the network namespace ---------------------------------------------
if [[ ${1:-} == --inner ]]; then
  pcap=$2 keylog=$3 target=$4
  ip link set lo up mtu 1500
  ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || echo "make_capture: warning: ethtool -K lo failed" >&2
  tmp=$(mktemp -d)
  pids=()
  # shellcheck disable=SC2317  # called by the trap
  cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
  }
  trap cleanup EXIT

  # Servers: port 4431 takes OpenSSL's defaults (TLS 1.3 AES-256-GCM, any TLS 1.2 suite the client
  # asks for); 4432 and 4433 limit TLS 1.3 to AES-128-GCM and ChaCha20 through an OpenSSL config.
  for spec in 4431: 4432:TLS_AES_128_GCM_SHA256 4433:TLS_CHACHA20_POLY1305_SHA256; do
    port=${spec%%:*} suites=${spec#*:}
    conf=/dev/null
    if [[ -n $suites ]]; then
      conf=$tmp/openssl-$port.cnf
      printf '%s\n' 'openssl_conf = openssl_init' '[openssl_init]' 'ssl_conf = ssl_sect' \
        '[ssl_sect]' 'system_default = sd' '[sd]' "Ciphersuites = $suites" >"$conf"
    fi
    OPENSSL_CONF=$conf "$PYTHON" "$here/tls_traffic.py" server --port "$port" --cert "$CERT" --key "$KEY" &
    pids+=($!)
  done

  tcpdump -i lo -n -s 0 -B 131072 -w "$pcap" 'tcp' 2>"$tmp/tcpdump.err" &
  tcpdump_pid=$!
  pids+=("$tcpdump_pid")
  for _ in $(seq 100); do
    grep -q "listening on" "$tmp/tcpdump.err" 2>/dev/null && break
    sleep 0.05
  done
  for port in 4431 4432 4433; do
    for _ in $(seq 100); do
      (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
      sleep 0.05
    done
  done
  # The readiness probes above are in the capture as tiny non-TLS connections; that is harmless,
  # but keep the capture clean: restart tcpdump now that everything is listening.
  kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
  : >"$tmp/tcpdump.err"
  tcpdump -i lo -n -s 0 -B 131072 -w "$pcap" 'tcp' 2>"$tmp/tcpdump.err" &
  tcpdump_pid=$!
  pids+=("$tcpdump_pid")
  for _ in $(seq 100); do
    grep -q "listening on" "$tmp/tcpdump.err" 2>/dev/null && break
    sleep 0.05
  done

  rc=0
  "$PYTHON" "$here/tls_traffic.py" client --pcap "$pcap" --target-bytes "$target" --keylog "$keylog" \
    --concurrency "$CONCURRENCY" --seed "$SEED" --rate "$(to_bytes "$RATE")" || rc=$?
  sleep 0.5
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  cat "$tmp/tcpdump.err" >&2
  if grep -Eq '^[1-9][0-9]* packets dropped by kernel' "$tmp/tcpdump.err"; then
    echo "make_capture: tcpdump dropped packets; lower CONCURRENCY or retry" >&2
    rc=1
  fi
  exit "$rc"
fi

# ---- outer mode ---------------------------------------------------------------------------------
[[ $# -ge 1 && $# -le 2 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
size_arg=${1^^}
outdir=${2:-/var/tmp/tlslens-bench}
target=$(to_bytes "$size_arg")
base_arg=${TLSLENS_BENCH_BASE:-20M}
base_arg=${base_arg^^}
base=$(to_bytes "$base_arg")
[[ $(id -u) -eq 0 ]] || die "needs root (unshare -n, ethtool)"
for t in tcpdump ethtool ip unshare "$PYTHON"; do command -v "$t" >/dev/null || die "missing $t"; done
[[ -r $CERT && -r $KEY ]] || die "missing server certificate/key ($CERT, $KEY)"
mkdir -p "$outdir"

record() {  # record SIZE_ARG BYTES
  local pcap=$outdir/tls-$1.pcap keys=$outdir/tls-$1.keys
  rm -f "$pcap" "$keys"
  echo "make_capture: recording $pcap (target $2 bytes, concurrency $CONCURRENCY)" >&2
  local t0=$SECONDS
  # tcpdump drops root privileges to user tcpdump by default: let it write into a world-writable
  # temporary directory, then move the result.
  local work
  work=$(mktemp -d "$outdir/.rec.XXXXXX")
  chmod 777 "$work"
  unshare -n -- "$0" --inner "$work/cap.pcap" "$work/cap.keys" "$2"
  chown "$(id -u):$(id -g)" "$work/cap.pcap"  # it belongs to the user tcpdump dropped to
  mv "$work/cap.pcap" "$pcap"
  mv "$work/cap.keys" "$keys"
  rmdir "$work"
  echo "make_capture: recorded $(stat -c %s "$pcap") bytes in $((SECONDS - t0)) s" >&2
}

if ((target <= base)); then
  record "$size_arg" "$target"
  out=$outdir/tls-$size_arg.pcap
else
  base_pcap=$outdir/tls-$base_arg.pcap
  if [[ ! -s $base_pcap || ! -s $outdir/tls-$base_arg.keys ]]; then
    record "$base_arg" "$base"
  else
    echo "make_capture: reusing $base_pcap" >&2
  fi
  base_size=$(stat -c %s "$base_pcap")
  times=$(( (target + base_size / 2) / base_size ))
  ((times >= 1)) || times=1
  out=$outdir/tls-$size_arg.pcap
  echo "make_capture: repeating $base_pcap $times times -> $out" >&2
  "$PYTHON" "$here/pcap_repeat.py" "$base_pcap" "$out" --times "$times"
  cp "$outdir/tls-$base_arg.keys" "$outdir/tls-$size_arg.keys"
fi

if command -v capinfos >/dev/null; then
  capinfos -c -d -u -M "$out" | sed 's/^/  /' >&2 || true
fi
echo "$out"
