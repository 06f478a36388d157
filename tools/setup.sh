#!/usr/bin/env bash
# Installs every build, test and run dependency of gdbench from Debian 12's archive (idempotent).
#   tools/setup.sh             the native build, its tests and runs
#   tools/setup.sh --aarch64   also the aarch64 cross build and qemu-user to test it: Debian's
#                              cross gcc and the arm64 multiarch -dev packages (adds the arm64
#                              architecture to dpkg)
set -euo pipefail
aarch64=0
case ${1:-} in
--aarch64) aarch64=1 ;;
"") ;;
*) echo "usage: tools/setup.sh [--aarch64]" >&2; exit 2 ;;
esac

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

if [ "$aarch64" -eq 1 ]; then
  pkgs+=(
    gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user-static
    libhwloc-dev:arm64 libopenblas-dev:arm64 libjansson-dev:arm64 zlib1g-dev:arm64
    libcmocka-dev:arm64 libbenchmark-dev:arm64 liblbfgs-dev:arm64
  )
fi

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
if [ "$aarch64" -eq 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64 || { echo "setup: dpkg --add-architecture arm64 failed" >&2; exit 1; }
fi
apt-get update -q || { echo "setup: apt-get update failed" >&2; exit 1; }
apt-get install -y -q --no-install-recommends "${missing[@]}" || {
  echo "setup: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
echo "setup: done"
