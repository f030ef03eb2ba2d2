#!/bin/bash
# Regenerates the project's test captures in this directory (see README.md).
#
#   sudo captures/make_captures.sh            # everything: certs (only if missing), live captures, derived, verify
#   sudo captures/make_captures.sh NAME...    # only the named live captures (e.g. tls13-hrr), then derived + verify
#
# Needs root (unshare -n, tcpdump), /usr/bin/python3 with python3-scapy and python3-cryptography, openssl,
# tcpdump, iproute2, ethtool, tshark/editcap (wireshark-common).  Not run in CI: the results are committed.
# Every live capture runs server, client and tcpdump inside a private network namespace whose loopback has an
# Ethernet MTU (1500) and no segmentation offloads, so frames are Ethernet-sized.  No traffic leaves the namespace.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
PY=/usr/bin/python3                      # Debian's python: has scapy and cryptography
PEER="timeout 60 $PY $HERE/tools/tlspeer.py"
SRV_CERT="--cert certs/server-chain.pem --key certs/server.key"
CLI_CA="--ca certs/ca.pem"
CLI_CERT="--cert certs/client-chain.pem --key certs/client.key"

# ---------------------------------------------------------------------------------------------------------------
# Inside the namespace:  make_captures.sh __inside OUT.pcap IFACE "TCPDUMP_EXTRA" SCENARIO [ARGS...]
# ---------------------------------------------------------------------------------------------------------------
. "$HERE/tools/netns.sh"      # wait_listen PORT; inside OUT IFACE EXTRA COMMAND... (shared with make_audit_captures.sh)

# py PORT HOST "COMMON ARGS" "SERVER ARGS" "CLIENT ARGS": one tlspeer server and one tlspeer client run
py() {
  local port=$1 host=$2 common=$3 sargs=$4 cargs=$5
  # shellcheck disable=SC2086
  $PEER server --host "$host" --port "$port" $SRV_CERT $common $sargs &
  local srv=$!
  wait_listen "$port"
  # shellcheck disable=SC2086
  $PEER client --host "$host" --port "$port" $CLI_CA --keylog "$KEYS" $common $cargs
  wait "$srv"
}

# keyupdate PORT: python TLS 1.3 server, openssl s_client sends two requests with a KeyUpdate
# (update_requested, the 'K' command) between them; the server answers it with its own KeyUpdate.
keyupdate() {
  local port=$1
  # shellcheck disable=SC2086
  $PEER server --port "$port" $SRV_CERT --min 1.3 --body 3000 --chunks 3000 &
  local srv=$!
  wait_listen "$port"
  {
    printf 'GET /before-keyupdate HTTP/1.1\r\nHost: localhost\r\n\r\n'; sleep 0.5
    printf 'K\n'; sleep 0.5
    printf 'GET /after-keyupdate HTTP/1.1\r\nHost: localhost\r\n\r\n'; sleep 0.5
  } | openssl s_client -connect "127.0.0.1:$port" -servername localhost -tls1_3 -alpn http/1.1 \
        -CAfile certs/ca.pem -keylogfile "$KEYS" >/dev/null 2>&1
  wait "$srv"
}

# reneg PORT: TLS 1.2, openssl s_client renegotiates (the 'R' command) between two requests; the python server
# allows client-initiated renegotiation (SSL_OP_ALLOW_CLIENT_RENEGOTIATION).  The second handshake is encrypted.
reneg() {
  local port=$1
  # shellcheck disable=SC2086
  $PEER server --port "$port" $SRV_CERT --max 1.2 --options 0x100 --body 3000 --chunks 3000 &
  local srv=$!
  wait_listen "$port"
  {
    printf 'GET /before-renegotiation HTTP/1.1\r\nHost: localhost\r\n\r\n'; sleep 0.5
    printf 'R\n'; sleep 0.5
    printf 'GET /after-renegotiation HTTP/1.1\r\nHost: localhost\r\n\r\n'; sleep 0.5
  } | openssl s_client -connect "127.0.0.1:$port" -servername localhost -tls1_2 \
        -cipher ECDHE-RSA-AES128-GCM-SHA256 -alpn http/1.1 \
        -CAfile certs/ca.pem -keylogfile "$KEYS" >/dev/null 2>&1
  wait "$srv"
}

# rsapsk PORT: TLS 1.2 RSA_PSK (RFC 4279 s.4) between openssl s_server and s_client: the premaster
# combines the PSK with an RSA-encrypted secret, so decrypting needs both -k and --psk (the key log is
# written too, for tshark). PSK 1a2b3c4d5e6f708192a3b4c5d6e7f801, identity "tlslens-client".
rsapsk() {
  local port=$1
  openssl s_server -accept "$port" -cert certs/server.pem -key certs/server.key -cert_chain certs/intermediate.pem \
      -psk 1a2b3c4d5e6f708192a3b4c5d6e7f801 -psk_hint tlslens -tls1_2 -cipher RSA-PSK-AES128-GCM-SHA256 \
      -naccept 1 -quiet >/dev/null 2>&1 &
  local srv=$!
  wait_listen "$port"
  { printf 'GET /rsa-psk HTTP/1.0\r\n\r\n'; sleep 0.5; } |
    openssl s_client -connect "127.0.0.1:$port" -tls1_2 -cipher RSA-PSK-AES128-GCM-SHA256 \
        -psk 1a2b3c4d5e6f708192a3b4c5d6e7f801 -psk_identity tlslens-client -keylogfile "$KEYS" -quiet >/dev/null 2>&1
  wait "$srv" || true
}

# demo: six connections on three servers (see README.md)
demo() {
  # shellcheck disable=SC2086
  $PEER server --port 443 $SRV_CERT --conns 3 --body 4000 --chunks 4000 &
  local s1=$!
  # shellcheck disable=SC2086
  $PEER server --port 8443 $SRV_CERT --conns 2 --max 1.2 --body 6000 --chunks 3000,3000 &
  local s2=$!
  # shellcheck disable=SC2086
  $PEER server --port 9443 $SRV_CERT --conns 1 --max 1.2 --ca certs/ca.pem --body 2000 --chunks 2000 &
  local s3=$!
  wait_listen 443; wait_listen 8443; wait_listen 9443
  # shellcheck disable=SC2086
  {
    $PEER client --port 443 $CLI_CA --keylog "$KEYS" --path /demo/tls13.html
    sleep 0.2
    $PEER client --port 8443 $CLI_CA --keylog "$KEYS" --max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 \
          --conns 2 --resume --path /demo/tls12.html
    sleep 0.2
    $PEER client --port 9443 $CLI_CA --keylog "$KEYS" $CLI_CERT --max 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305 \
          --path /demo/mtls.html
    sleep 0.2
    $PEER client --port 443 $CLI_CA --keylog "$KEYS" --conns 2 --resume --requests 2 --path /demo/psk.html
  }
  wait "$s1" "$s2" "$s3"
}

if [ "${1:-}" = "__inside" ]; then
  shift
  inside "$@"
  exit $?
fi

# ---------------------------------------------------------------------------------------------------------------
# Outside: the list of live captures
# ---------------------------------------------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then echo "make_captures.sh: needs root (unshare -n, tcpdump)" >&2; exit 2; fi
for t in tcpdump openssl ip ethtool ss unshare tshark editcap; do
  command -v "$t" >/dev/null || { echo "make_captures.sh: missing $t" >&2; exit 2; }
done
$PY -c 'import scapy, cryptography' || { echo "make_captures.sh: need python3-scapy and python3-cryptography" >&2; exit 2; }

$PY tools/mkcerts.py certs     # keeps an existing PKI

ONLY=("$@")
want() { [ ${#ONLY[@]} -eq 0 ] && return 0; local n; for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

# cap NAME FORMAT IFACE "TCPDUMP_EXTRA" SCENARIO [ARGS...]   -> NAME.pcap (or .pcapng) + NAME.keys
cap() {
  local name=$1 fmt=$2 iface=$3 extra=$4
  shift 4
  want "$name" || return 0
  echo "== $name" >&2
  local out="$HERE/$name.$fmt" raw="$HERE/.$name.tmp.pcap"
  export KEYS="$HERE/$name.keys"
  rm -f "$out" "$KEYS" "$raw"
  unshare -n "$HERE/make_captures.sh" __inside "$raw" "$iface" "$extra" "$@"
  if [ "$fmt" = pcapng ]; then
    editcap -F pcapng "$raw" "$out"
    rm -f "$raw"
  else
    mv "$raw" "$out"
  fi
  chmod 644 "$out" "$KEYS"
}

T12="--max 1.2"
T13="--min 1.3"
cap tls12-ecdhe-aes128gcm        pcap lo "" py 4431 127.0.0.1 "$T12 --ciphers ECDHE-RSA-AES128-GCM-SHA256" "" ""
cap tls12-ecdhe-chacha20         pcap lo "" py 4432 127.0.0.1 "$T12 --ciphers ECDHE-RSA-CHACHA20-POLY1305" "" ""
cap tls12-ecdhe-aes128cbc-sha256 pcap lo "" py 4433 127.0.0.1 "$T12 --ciphers ECDHE-RSA-AES128-SHA256" "" ""
cap tls12-ecdhe-aes128cbc-sha256-noetm pcap lo "" py 4436 127.0.0.1 \
    "$T12 --ciphers ECDHE-RSA-AES128-SHA256 --options 0x80000" "" ""
cap tls12-rsa-aes128gcm          pcap lo "" py 4434 127.0.0.1 "$T12 --ciphers AES128-GCM-SHA256" "" ""
cap tls12-rsa-aes128gcm-noems    pcap lo "" py 4435 127.0.0.1 "$T12 --ciphers AES128-GCM-SHA256 --options 0x1" "" ""
cap tls13-aes128gcm              pcap lo "" py 4441 127.0.0.1 "$T13 --ossl Ciphersuites=TLS_AES_128_GCM_SHA256" "" ""
cap tls13-aes256gcm              pcap lo "" py 4442 127.0.0.1 "$T13 --ossl Ciphersuites=TLS_AES_256_GCM_SHA384" "" ""
cap tls13-chacha20               pcap lo "" py 4443 127.0.0.1 "$T13 --ossl Ciphersuites=TLS_CHACHA20_POLY1305_SHA256" "" ""
cap tls12-resume-ticket          pcap lo "" py 4451 127.0.0.1 "$T12 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --conns 2" \
    "" "--resume"
cap tls12-resume-sessionid       pcap lo "" py 4452 127.0.0.1 \
    "$T12 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --conns 2 --no-tickets" "" "--resume"
cap tls13-resume-psk             pcap lo "" py 4453 127.0.0.1 "$T13 --conns 2" "" "--resume"
cap tls12-mtls                   pcap lo "" py 4461 127.0.0.1 "$T12 --ciphers ECDHE-RSA-AES128-GCM-SHA256" \
    "--ca certs/ca.pem" "$CLI_CERT"
cap tls13-mtls                   pcap lo "" py 4462 127.0.0.1 "$T13" "--ca certs/ca.pem" "$CLI_CERT"
cap tls13-mtls-pha               pcap lo "" py 4463 127.0.0.1 "$T13 --pha" "--ca certs/ca.pem" "$CLI_CERT --requests 2"
cap tls12-renegotiation          pcap lo "" reneg 4464
cap tls12-rsa-psk                pcap lo "" rsapsk 4465
cap tls13-hrr                    pcap lo "" py 4471 127.0.0.1 "$T13" "--ossl Groups=P-256" ""
cap tls13-keyupdate              pcap lo "" keyupdate 4472
cap tls13-ipv6                   pcap lo "" py 4481 ::1 "$T13" "" ""
cap sll2-tls12                   pcap any "" py 4482 127.0.0.1 "$T12 --ciphers ECDHE-RSA-AES128-GCM-SHA256" "" ""
cap sll-tls13                    pcap any "-y LINUX_SLL" py 4483 127.0.0.1 "$T13" "" ""
cap demo                         pcapng lo "" demo
if want demo; then
  # the same capture with its key log embedded as a pcapng Decryption Secrets Block
  editcap --inject-secrets "tls,$HERE/demo.keys" "$HERE/demo.pcapng" "$HERE/demo-dsb.pcapng"
  cp "$HERE/demo.keys" "$HERE/demo-dsb.keys"
fi

# ---------------------------------------------------------------------------------------------------------------
# Derived captures (scapy, deterministic) and verification with tshark
# ---------------------------------------------------------------------------------------------------------------
[ -n "${NO_POST:-}" ] && exit 0     # NO_POST=1: live captures only, skip derive + verify
$PY tools/derive.py "$HERE"
$PY tools/verify.py "$HERE"
du -ch "$HERE"/*.pcap "$HERE"/*.pcapng "$HERE"/*.keys | tail -1
