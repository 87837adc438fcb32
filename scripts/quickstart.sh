#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default simulation, printing its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
build/ascendsim run configs/runs/default.yaml "$@"
