#!/bin/sh
# Makes the GUI screenshots in docs/images/ from captures/ files: the main window (timeline,
# fields, hex), the certificate view, the audit panel, and the live capture dialog (capturing on
# lo when run as root; otherwise it shows the permission error). Runs headless: under Xvfb when
# xvfb-run is installed (real fonts and window decorations), else on Qt's offscreen platform.
# Usage: scripts/screenshots.sh [build-dir]   (default: build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
out="$root/docs/images"
mkdir -p "$out"
gui="$build/tlslens-gui"
[ -x "$gui" ] || { echo "screenshots.sh: $gui not built (ninja -C $build tlslens-gui)" >&2; exit 2; }

run() {
  if command -v xvfb-run >/dev/null 2>&1; then
    xvfb-run -a -s "-screen 0 1400x900x24" "$gui" "$@"
  else
    QT_QPA_PLATFORM=offscreen "$gui" "$@"
  fi
}

# TLS connections to 127.0.0.1:4433 while the GUI runs, for the live capture screenshot (the
# capture needs root; without it the dialog shows the permission error and these go unseen).
(
  while :; do
    python3 "$root/tests/gui/tls_exchange.py" 4433 "$root/captures/certs/server-chain.pem" \
      "$root/captures/certs/server.key" 2>/dev/null || true
    sleep 0.3
  done
) &
traffic=$!
trap 'kill $traffic 2>/dev/null' EXIT

# The expired-leaf capture shows a finding in every view; its CA makes the rest of the chain trusted.
run --screenshots "$out" \
    --keylog "$root/captures/audit/audit-expired.keys" \
    --ca-file "$root/captures/certs/audit/root-ca.pem" \
    "$root/captures/audit/audit-expired.pcap"
ls -l "$out"/gui-*.png
