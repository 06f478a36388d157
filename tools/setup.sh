#!/usr/bin/env bash
# Installs every build, test and run dependency of gdbench from Debian 12's archive (idempotent).
set -euo pipefail

pkgs=(
  build-essential meson ninja-build pkg-config git
  libhwloc-dev hwloc
  libopenblas-dev
  libjansson-dev
  libbenchmark-dev
  libcmocka-dev
  liblbfgs-dev
  zlib1g-dev
  python3 python3-jsonschema
  dataset-fashion-mnist
  gnuplot-nox
  clang-14 libclang-rt-14-dev   # libFuzzer targets (tools/fuzz.sh)
  openmpi-bin libopenmpi-dev   # run --mode mpi:... (meson option mpi=auto)
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#pkgs[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root (or install them with: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || { echo "setup: apt-get update failed" >&2; exit 1; }
apt-get install -y -q --no-install-recommends "${missing[@]}" || {
  echo "setup: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
echo "setup: done"
