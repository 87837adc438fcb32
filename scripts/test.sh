#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (ctest: every SystemC test
# case in its own process, plus the golden regression files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
ctest --test-dir build --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
