#!/usr/bin/env bash
# The main job on the bundled demo capture: installs what is missing, builds, and runs tlslens.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=build NINJA_TARGETS=tlslens scripts/build.sh
exec build/tlslens -r captures/demo.pcapng -l captures/demo.keys "$@"
