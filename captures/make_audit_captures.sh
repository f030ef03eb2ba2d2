#!/bin/bash
# shellcheck disable=SC2086  # the option variables ($ROOT, $T12G, ...) are meant to split into words
# Makes the certificate/handshake AUDIT captures in captures/audit/ (see README.md, "Audit captures").
#
#   sudo captures/make_audit_captures.sh              # every audit capture, then the tshark check
#   sudo captures/make_audit_captures.sh NAME...      # only the named ones (e.g. audit-good audit-tls10), then check
#   AUDIT_REDATE=1 sudo captures/make_audit_captures.sh   # re-issue the date-relative leaves for today, make all
#
# Needs what make_captures.sh needs (root, unshare, tcpdump, iproute2, ethtool, openssl, tshark/editcap,
# /usr/bin/python3 with python3-cryptography) plus gnutls-bin (gnutls-cli/gnutls-serv: a client that does not
# offer secure renegotiation, RC4 and 3DES, heartbeat).  The PKI is certs/audit/ (tools/mkauditcerts.py; made only if missing).
# Every capture runs its peers and tcpdump in a private network namespace (unshare -n) whose loopback has MTU 1500
# and no offloads; the server listens on 127.0.0.1:443.  No traffic leaves the namespace.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
PY=/usr/bin/python3                      # Debian's python: has cryptography (which still signs with SHA-1/MD5)
PEER="timeout 60 $PY $HERE/tools/tlspeer.py"
OUT="$HERE/audit"
C="$HERE/certs/audit"
ROOT="--ca $C/root-ca.pem"               # a verifying client (the trusted root of the audit PKI)
OTHER_ROOT="--ca $C/other-root-ca.pem"   # a client that trusts the wrong root
PORT=443
SMALL="--body 600 --chunks 600"          # small responses: one 600-byte body record
T12G="--max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256"
T12G0="--max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"
T13="--min 1.3"
GNUTLS_SERV_OPTS="--http --disable-client-cert --noticket -p $PORT"
REQ='GET /index.html HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tlslens-test\r\nAccept: */*\r\n\r\n'

. "$HERE/tools/netns.sh"      # wait_listen PORT; inside OUT IFACE EXTRA COMMAND...

# ---------------------------------------------------------------------------------------------------------------
# Inside the namespace:  make_audit_captures.sh __inside OUT.pcap IFACE "TCPDUMP_EXTRA" SCENARIO
# ---------------------------------------------------------------------------------------------------------------
# serve CHAIN KEY [SERVER ARGS...]: a tlspeer server in the background sending $C/CHAIN.pem with $C/KEY.key
serve() {
  local chain=$1 key=$2
  shift 2
  # shellcheck disable=SC2086
  $PEER server --port $PORT --cert "$C/$chain.pem" --key "$C/$key.key" $SMALL "$@" &
  SRV=$!
  wait_listen $PORT
}
# client [CLIENT ARGS...]: a tlspeer client to 127.0.0.1:443 writing the key log (SNI localhost unless --sni)
client() {
  # shellcheck disable=SC2086
  $PEER client --port $PORT --keylog "$KEYS" "$@"
}
# one CHAIN KEY "COMMON ARGS" "CLIENT ARGS": one server, one client, one connection
one() {
  # shellcheck disable=SC2086
  serve "$1" "$2" $3
  # shellcheck disable=SC2086
  client $3 $4
  wait "$SRV"
}
# gserve CHAIN KEY PRIORITY [OPTIONS...]: gnutls-serv in the background (its HTTP status page as the response); pid
# in SRV
gserve() {
  # shellcheck disable=SC2086
  timeout 60 gnutls-serv $GNUTLS_SERV_OPTS --x509certfile "$C/$1.pem" --x509keyfile "$C/$2.key" --priority "$3" \
      "${@:4}" >/dev/null 2>&1 &
  SRV=$!
  wait_listen $PORT
}
gstop() { kill "$SRV" 2>/dev/null || true; wait "$SRV" 2>/dev/null || true; }
# gclient PRIORITY [OPTIONS...]: gnutls-cli sends one request (it does not verify: --insecure); SSLKEYLOGFILE is
# the key log
gclient() {
  { printf "%b" "$REQ"; sleep 1; } | SSLKEYLOGFILE="$KEYS" timeout 20 gnutls-cli --insecure --sni-hostname localhost \
      -p $PORT --priority "$1" "${@:2}" 127.0.0.1 >/dev/null 2>&1
}
# mkwww: a directory with index.html = a whole HTTP/1.1 response with a 600-byte body, for `openssl s_server -HTTP`
mkwww() {
  local www
  www=$(mktemp -d)
  printf 'HTTP/1.1 200 OK\r\nServer: tlslens-test\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n' \
      >"$www/index.html"
  $PY -c 'import sys; sys.stdout.write(("line of the tlslens audit body\n" * 30)[:600])' >>"$www/index.html"
  echo "$www"
}
# ocsp_response LEAF SIGNER OUT.der: the DER OCSP response for $C/LEAF.pem (issuer intermediate-ca) that `openssl ocsp`
# gives as a responder signing with $C/SIGNER (intermediate-ca itself, or the delegated ocsp-responder), from an
# index.txt where good is valid and revoked was revoked on 2026-12-01 (keyCompromise); thisUpdate now, nextUpdate +7d
ocsp_response() {
  local leaf=$1 signer=$2 out=$3 dir l
  dir=$(mktemp -d)
  : >"$dir/index.txt"
  for l in good revoked; do
    local serial enddate subject
    serial=$(openssl x509 -in "$C/$l.pem" -noout -serial | cut -d= -f2)
    enddate=$(date -u -d "$(openssl x509 -in "$C/$l.pem" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
    subject=$(openssl x509 -in "$C/$l.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
    if [ $l = revoked ]; then
      printf 'R\t%s\t261201000000Z,keyCompromise\t%s\tunknown\t%s\n' "$enddate" "$serial" "$subject"
    else
      printf 'V\t%s\t\t%s\tunknown\t%s\n' "$enddate" "$serial" "$subject"
    fi >>"$dir/index.txt"
  done
  openssl ocsp -issuer "$C/intermediate-ca.pem" -cert "$C/$leaf.pem" -no_nonce -reqout "$dir/req.der" >/dev/null
  openssl ocsp -index "$dir/index.txt" -CA "$C/intermediate-ca.pem" -rsigner "$C/$signer.pem" -rkey "$C/$signer.key" \
      -reqin "$dir/req.der" -respout "$out" -ndays 7 >/dev/null
  openssl ocsp -respin "$out" -resp_text -noverify 2>/dev/null | grep -E "Responder Id|Cert Status|Revocation" >&2
  rm -rf "$dir"
}
# ocsp_pair LEAF SIGNER VERSION: openssl s_server (VERSION -tls1_2/-tls1_3, -HTTP) sends $C/LEAF.pem + intermediate-ca
# and staples the OCSP response ocsp_response makes; openssl s_client asks for it (-status), verifies the chain and
# the name, sends one request and writes the key log
ocsp_pair() {
  local leaf=$1 signer=$2 v=$3 www
  www=$(mkwww)
  ocsp_response "$leaf" "$signer" "$www/ocsp.der"
  (cd "$www" && exec timeout 60 openssl s_server -accept $PORT -naccept 1 -HTTP -quiet "$v" \
      -cert "$C/$leaf.pem" -key "$C/$leaf.key" -cert_chain "$C/intermediate-ca.pem" -status_file "$www/ocsp.der" \
      >/dev/null 2>&1) &
  SRV=$!
  wait_listen $PORT
  printf "%b" "$REQ" | timeout 20 openssl s_client -connect 127.0.0.1:$PORT -servername localhost -alpn http/1.1 "$v" \
      -status -CAfile "$C/root-ca.pem" -verify_return_error -verify_hostname localhost -keylogfile "$KEYS" -ign_eof \
      >"$www/client.log" 2>&1
  grep -E "Cert Status|^ *Protocol  :|^ *Verify return code" "$www/client.log" | sed 's/^ *//' | sort -u >&2
  wait "$SRV" || true
  rm -rf "$www"
}

sc_good() {                 # TLS 1.3, then TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 (EMS); verifying client
  serve good-chain good --conns 2
  client $ROOT
  client $ROOT $T12G
  wait "$SRV"
}
sc_expired()         { one expired-chain expired "$T12G" ""; }
sc_not_yet_valid()   { one not-yet-valid-chain not-yet-valid "$T12G" ""; }
sc_wrong_host()      { one good-chain good "$T12G" "--sni www.example.test"; }
sc_wildcard() {             # a.wild.test matches *.wild.test (verified); x.a.wild.test does not (not verified)
  serve wildcard-chain wildcard $T12G --conns 2
  client $T12G $ROOT --sni a.wild.test
  client $T12G --sni x.a.wild.test
  wait "$SRV"
}
sc_ip_san()          { one ip-only-chain ip-only "$T12G" "$ROOT --sni 127.0.0.1"; }  # python sends no SNI for an IP
sc_cn_only()         { one cn-only-chain cn-only "$T12G" ""; }
sc_self_signed()     { one self-signed-chain self-signed "$T12G" ""; }
sc_missing_intermediate() { one good good "$T12G" ""; }              # good.pem alone: the leaf only
sc_wrong_order()     { one good-wrong-order-chain good "$T12G" "$ROOT"; }   # leaf, root, intermediate
sc_extra_cert()      { one good-extra-chain good "$T12G" "$ROOT"; }   # leaf, intermediate, unrelated CA
sc_untrusted_root() {       # another PKI: [leaf, intermediate, its root], then [leaf, intermediate]
  one other-full-chain other-leaf "$T12G" ""
  one other-leaf-chain other-leaf "$T12G" ""
}
sc_rsa1024()         { one rsa1024-chain rsa1024 "$T12G0" "$ROOT"; }
sc_sha1_leaf()       { one sha1-chain sha1 "$T12G0" "$ROOT"; }
sc_md5_leaf()        { one md5-chain md5 "$T12G0" "$ROOT"; }
sc_long_validity()   { one long-validity-chain long-validity "$T12G" "$ROOT"; }
sc_expires_soon()    { one expires-soon-chain expires-soon "$T12G" "$ROOT"; }
sc_bad_usage() {            # EKU clientAuth only; then keyUsage nonRepudiation only
  one eku-clientauth-chain eku-clientauth "$T12G" ""
  one ku-nonrepudiation-chain ku-nonrepudiation "$T12G" ""
}
sc_tls10()       { one good-chain good "--min 1.0 --max 1.0 --ciphers ECDHE-RSA-AES128-SHA:@SECLEVEL=0" "$ROOT"; }
sc_tls11()       { one good-chain good "--min 1.1 --max 1.1 --ciphers ECDHE-RSA-AES128-SHA:@SECLEVEL=0" "$ROOT"; }
sc_static_rsa()  { one good-chain good "--max 1.2 --ciphers AES128-GCM-SHA256" "$ROOT"; }
sc_no_ems()      { one good-chain good "$T12G --options 0x1" "$ROOT"; }     # SSL_OP_NO_EXTENDED_MASTER_SECRET
sc_cbc_noetm()   { one good-chain good "--max 1.2 --ciphers ECDHE-RSA-AES128-SHA256 --options 0x80000" "$ROOT"; }
sc_dhe_1024() {
  serve good-chain good --max 1.2 --ciphers DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0 --dhparams "$C/dh1024.pem"
  client $ROOT --max 1.2 --ciphers DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0
  wait "$SRV"
}
sc_no_reneg() {
  # 1. gnutls-cli with %DISABLE_SAFE_RENEGOTIATION: neither the SCSV nor renegotiation_info in its ClientHello;
  #    the tlspeer (OpenSSL) server accepts it and so sends no renegotiation_info either.
  serve good-chain good $T12G
  gclient 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:-KX-ALL:+ECDHE-RSA:%DISABLE_SAFE_RENEGOTIATION'
  wait "$SRV"
  # 2. a server without secure renegotiation: gnutls-serv with %DISABLE_SAFE_RENEGOTIATION ignores the client's
  #    renegotiation_info; the OpenSSL client connects only with SSL_OP_LEGACY_SERVER_CONNECT (0x4).
  gserve good-chain good 'NORMAL:%DISABLE_SAFE_RENEGOTIATION'
  client $T12G --options 0x4
  gstop
}
sc_tls13_bad_chain() { one expired-chain expired "$T13" ""; }
sc_client_cert() {
  # 1-2. a good client chain (client.pem + intermediate), TLS 1.2 then TLS 1.3; the tlspeer server verifies it
  serve good-chain good $T12G $ROOT
  client $T12G $ROOT --cert "$C/client-chain.pem" --key "$C/client.key"
  wait "$SRV"
  serve good-chain good $T13 $ROOT
  client $T13 $ROOT --cert "$C/client-chain.pem" --key "$C/client.key"
  wait "$SRV"
  # 3-4. a client certificate whose EKU is serverAuth only, TLS 1.2 then TLS 1.3: openssl s_server -verify asks
  #      for a certificate and accepts it although it does not verify for a client ("unsuitable certificate purpose")
  local www v vers
  www=$(mkwww)
  for v in -tls1_2 -tls1_3; do
    (cd "$www" && exec timeout 60 openssl s_server -accept $PORT -naccept 1 -HTTP -quiet "$v" \
        -cert "$C/good.pem" -key "$C/good.key" -cert_chain "$C/intermediate-ca.pem" \
        -verify 2 -CAfile "$C/root-ca.pem" >/dev/null 2>&1) &
    SRV=$!
    wait_listen $PORT
    if [ "$v" = -tls1_2 ]; then vers=$T12G; else vers=$T13; fi
    client $ROOT $vers --cert "$C/client-serverauth-chain.pem" --key "$C/client-serverauth.key"
    wait "$SRV" || true
  done
  rm -rf "$www"
}
sc_fatal_alert() {
  # 1-2. the client trusts another root and aborts with unknown_ca: TLS 1.2, then TLS 1.3 (OpenSSL's client sends
  #      this alert unencrypted: it has not switched to its handshake keys yet)
  serve good-chain good $T12G --expect-fail
  client $T12G $OTHER_ROOT --expect-fail
  wait "$SRV"
  serve good-chain good $T13 --expect-fail
  client $T13 $OTHER_ROOT --expect-fail
  wait "$SRV"
  # 3. TLS 1.3 mutual TLS: the server rejects the client certificate (EKU serverAuth only) with an alert encrypted
  #    under its application traffic key, after its Finished
  serve good-chain good $T13 $ROOT --expect-fail
  client $T13 $ROOT --cert "$C/client-serverauth-chain.pem" --key "$C/client-serverauth.key" --expect-fail
  wait "$SRV"
}
sc_time_shifted()    { one leaf-2020-chain leaf-2020 "$T12G" ""; }   # then shifted to 2020-06-15 (see cap)
sc_weak_cipher() {
  # 1-2. gnutls on both sides: ECDHE-RSA-RC4-128-SHA, then ECDHE-RSA-DES-CBC3-SHA (3DES, with encrypt_then_mac)
  gserve good-chain good 'NORMAL:+ARCFOUR-128:+3DES-CBC'
  gclient 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+ARCFOUR-128:-KX-ALL:+ECDHE-RSA'
  gclient 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+ECDHE-RSA'
  gstop
  # 3. OpenSSL on both sides: ECDHE-RSA-NULL-SHA (no encryption at all)
  one good-chain good "--max 1.2 --ciphers ECDHE-RSA-NULL-SHA:@SECLEVEL=0" "$ROOT"
}
sc_ocsp_good()        { ocsp_pair good intermediate-ca -tls1_2; }     # a good staple signed by the issuer itself
sc_ocsp_revoked()     { ocsp_pair revoked ocsp-responder -tls1_2; }   # revoked, signed by a delegated responder
sc_tls13_ocsp_revoked() { ocsp_pair revoked ocsp-responder -tls1_3; } # the same in the leaf's CertificateEntry
sc_downgrade() {
  # a man in the middle (tools/downgrade_proxy.py, 443 -> 4443) removes supported_versions from the ClientHello of a
  # TLS 1.3 client: the TLS 1.3-capable tlspeer server answers TLS 1.2 with DOWNGRD\x01 in its random, the client
  # aborts (illegal_parameter), the proxy relays the alert. Both legs are captured: s0 client <-> proxy (offered
  # TLS 1.3), s1 proxy <-> server (the rewritten ClientHello offers TLS 1.2 at most)
  $PEER server --port 4443 --cert "$C/good-chain.pem" --key "$C/good.key" $SMALL --expect-fail &
  SRV=$!
  wait_listen 4443
  timeout 60 $PY "$HERE/tools/downgrade_proxy.py" --listen $PORT --to 4443 &
  local proxy=$!
  wait_listen $PORT
  client $ROOT --expect-fail
  wait "$proxy"
  wait "$SRV"
}
sc_host_mismatch() {        # SNI localhost, but the request inside asks for Host: other.example.test; TLS 1.2 then 1.3
  serve good-chain good --conns 2
  client $ROOT $T12G --host-header other.example.test
  client $ROOT --host-header other.example.test
  wait "$SRV"
}
sc_heartbeat() {            # gnutls-serv and gnutls-cli, TLS 1.2, both with --heartbeat: the server accepts it
  gserve good-chain good 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --heartbeat
  gclient 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --heartbeat
  gstop
}
sc_tls13_heartbeat() {      # the same in TLS 1.3: the server's heartbeat extension is in EncryptedExtensions
  gserve good-chain good 'NORMAL' --heartbeat
  gclient 'NORMAL' --heartbeat
  gstop
}

if [ "${1:-}" = "__inside" ]; then
  shift
  inside "$@"
  exit $?
fi

# ---------------------------------------------------------------------------------------------------------------
# Outside
# ---------------------------------------------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then echo "make_audit_captures.sh: needs root (unshare -n, tcpdump)" >&2; exit 2; fi
for t in tcpdump openssl ip ethtool ss unshare tshark editcap capinfos gnutls-cli gnutls-serv; do
  command -v "$t" >/dev/null || { echo "make_audit_captures.sh: missing $t (gnutls-cli: apt-get install gnutls-bin)" >&2; exit 2; }
done
$PY -c 'import cryptography' || { echo "make_audit_captures.sh: need python3-cryptography" >&2; exit 2; }

ALL=(audit-good audit-expired audit-not-yet-valid audit-wrong-host audit-wildcard audit-ip-san audit-cn-only
     audit-self-signed audit-missing-intermediate audit-wrong-order audit-extra-cert audit-untrusted-root
     audit-rsa1024 audit-sha1-leaf audit-md5-leaf audit-long-validity audit-expires-soon audit-bad-usage
     audit-tls10 audit-tls11 audit-static-rsa audit-no-ems audit-cbc-noetm audit-dhe-1024 audit-no-reneg audit-tls13-bad-chain
     audit-client-cert audit-fatal-alert audit-time-shifted audit-weak-cipher audit-ocsp-good audit-ocsp-revoked
     audit-tls13-ocsp-revoked audit-downgrade audit-host-mismatch audit-heartbeat audit-tls13-heartbeat)
if [ $# -gt 0 ]; then NAMES=("$@"); else NAMES=("${ALL[@]}"); fi
for n in "${NAMES[@]}"; do
  [[ " ${ALL[*]} " == *" $n "* ]] || { echo "make_audit_captures.sh: unknown capture $n (known: ${ALL[*]})" >&2; exit 2; }
done

# The PKI: made only if missing.  Some leaves are dated relative to the day they were issued (certs/audit/ANCHOR);
# a capture made on a day they no longer fit would not show what README.md says, so refuse (or re-issue them).
if [ -n "${AUDIT_REDATE:-}" ]; then
  [ $# -eq 0 ] || { echo "make_audit_captures.sh: AUDIT_REDATE re-issues the leaves: make every capture (no NAME)" >&2; exit 2; }
  $PY tools/mkauditcerts.py "$C" --redate
else
  $PY tools/mkauditcerts.py "$C"
fi
if ! $PY tools/mkauditcerts.py "$C" --check; then
  echo "make_audit_captures.sh: the date-relative leaves of $C (issued $(cat "$C/ANCHOR")) do not fit today;" \
       "run AUDIT_REDATE=1 $0 to re-issue them and re-make every capture" >&2
  exit 1
fi

mkdir -p "$OUT"
SHIFT_TO=$(date -u -d '2020-06-15 12:00:00' +%s)    # audit-time-shifted: the first packet's new timestamp

for name in "${NAMES[@]}"; do
  echo "== $name" >&2
  fn="sc_$(echo "${name#audit-}" | tr - _)"
  out="$OUT/$name.pcap" raw="$OUT/.$name.tmp.pcap"
  export KEYS="$OUT/$name.keys"
  rm -f "$out" "$KEYS" "$raw"
  echo "# $name: SSLKEYLOGFILE written by the client(s) ($(date -u +%Y-%m-%d))" >"$KEYS"
  unshare -n "$HERE/make_audit_captures.sh" __inside "$raw" lo "" "$fn"
  if [ "$name" = audit-time-shifted ]; then
    # every timestamp moved so that the capture starts on 2020-06-15 12:00:00 UTC; the unshifted file is not kept
    first=$(capinfos -a -T -r -S "$raw" | awk -F'\t' 'NR==1{print $2}')
    delta=$(awk -v a="$SHIFT_TO" -v b="$first" 'BEGIN{printf "%.6f", a - b}')
    editcap -t "$delta" "$raw" "$out"
    rm -f "$raw"
  else
    mv "$raw" "$out"
  fi
  chmod 644 "$out" "$KEYS"
done

# ---------------------------------------------------------------------------------------------------------------
# Check: tshark decodes every capture as intended (versions, suites, SNI, chains, alerts, HTTP; TLS 1.3
# certificates only with the key log)
# ---------------------------------------------------------------------------------------------------------------
[ -n "${NO_CHECK:-}" ] && exit 0
$PY tools/auditcheck.py "$OUT" "${NAMES[@]/%/.pcap}"
du -cb "$OUT"/*.pcap "$OUT"/*.keys | tail -1 | sed "s/total/bytes in $(basename "$OUT")\//"
