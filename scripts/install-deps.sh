#!/usr/bin/env bash
# Installs the Debian packages AscendSim builds and tests with, if any is missing.
# Debian 12 (bookworm) as root, or with sudo. Nothing is downloaded at build time.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsystemc-dev          # SystemC 2.3.4, built as C++17
  libyaml-cpp-dev         # configs
  catch2                  # tests (Catch2 v2)
  libboost-program-options-dev
  libeigen3-dev           # functional GEMM
  nlohmann-json3-dev      # report.json
  gnuplot-nox             # sweep plots
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
