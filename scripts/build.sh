#!/usr/bin/env bash
# Configures and builds AscendSim into build/ (Release). The CLI lands at build/ascendsim.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# Test discovery runs the SystemC test binaries at build time; keep their banner out of the log.
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
