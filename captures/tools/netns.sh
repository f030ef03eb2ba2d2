# shellcheck shell=bash
# Shared by make_captures.sh and make_audit_captures.sh (sourced, not run): what runs inside the private network
# namespace (`unshare -n SCRIPT __inside ...`).  No traffic leaves the namespace: its only interface is loopback.

wait_listen() {  # PORT: wait until something listens on TCP PORT (without sending any packet)
  for _ in $(seq 100); do
    if [ -n "$(ss -Hltn "sport = :$1")" ]; then return 0; fi
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# inside OUT.pcap IFACE "TCPDUMP_EXTRA" COMMAND [ARGS...]: loopback up with an Ethernet MTU and no segmentation
# offloads, tcpdump on IFACE writing OUT.pcap while COMMAND runs, stopped with SIGINT half a second after it.
inside() {
  local out=$1 iface=$2 extra=$3
  shift 3
  ip link set lo up mtu 1500
  ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true
  local log
  log=$(mktemp)
  # shellcheck disable=SC2086
  tcpdump -i "$iface" $extra --immediate-mode -B 65536 -Z root -U -s 0 -w "$out" tcp 2>"$log" &
  local td=$!
  for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.05; done
  sleep 0.2
  local rc=0
  "$@" || rc=$?
  sleep 0.5
  kill -INT "$td"
  wait "$td" || true
  grep -E "captured|dropped" "$log" | tr '\n' ' ' >&2; echo >&2
  rm -f "$log"
  return "$rc"
}
