#!/usr/bin/env bash
# Installs the Debian 12 packages tlslens needs to build, test and benchmark.
# Idempotent and quiet when everything is already there. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libpcap-dev libssl-dev qt6-base-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev zlib1g-dev libzstd-dev liblz4-dev
  python3 python3-scapy python3-cryptography
  tcpdump tshark ssldump openssl iproute2 ethtool time
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
)
if [[ "${TLSLENS_WITH_GUI_TOOLS:-0}" == 1 ]]; then
  packages+=(xvfb imagemagick)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
