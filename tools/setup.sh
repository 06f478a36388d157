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
  libsqlite3-dev   # gdbench history (tools/history*.c)
  liblbfgs-dev
  zlib1g-dev
  python3 python3-jsonschema
  python3-numpy   # tests/ref_rules.py
  dataset-fashion-mnist
  gnuplot-nox
  clang-14 libclang-rt-14-dev   # libFuzzer targets (tools/fuzz.sh)
  openmpi-bin libopenmpi-dev   # run --mode mpi:... (meson option mpi=auto)
  nodejs chromium   # the report's plots (uPlot from npm) and its browser test (tests/report_browser.sh)
)

if [ "$aarch64" -eq 1 ]; then
  pkgs+=(
    gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user-static
    libhwloc-dev:arm64 libopenblas-dev:arm64 libjansson-dev:arm64 zlib1g-dev:arm64
    libcmocka-dev:arm64 libbenchmark-dev:arm64 liblbfgs-dev:arm64 libsqlite3-dev:arm64
  )
fi

# npm packages, pinned, into one fixed folder that gdbench-report reads at report time (it inlines
# uPlot into the page, so the page needs no network; tools/report_plot.h names the folder) and
# tests/report_browser.sh drives Chromium from (playwright-core never downloads a browser: the
# test points it at Debian's /usr/bin/chromium).
npm_dir=/usr/local/share/gdbench
npm_pkgs=(uplot@1.6.32 playwright-core@1.65.1)
npm_deps() {
  local want=() p
  for p in "${npm_pkgs[@]}"; do
    [ -f "$npm_dir/node_modules/${p%@*}/package.json" ] &&
      grep -q "\"version\": \"${p##*@}\"" "$npm_dir/node_modules/${p%@*}/package.json" || want+=("$p")
  done
  [ ${#want[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && [ ! -w "$npm_dir" ]; then
    echo "setup: missing npm packages: ${want[*]} (run as root, or: sudo npm install --prefix $npm_dir ${want[*]})" >&2
    return 1
  fi
  echo "setup: installing ${want[*]} into $npm_dir (npm)"
  mkdir -p "$npm_dir" && npm install --prefix "$npm_dir" --no-audit --no-fund --save-exact "${want[@]}" >/dev/null || {
    echo "setup: npm install failed for: ${want[*]}" >&2; return 1; }
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in "${pkgs[@]}"; do
  installed "$p" || missing+=("$p")
done
# Debian's nodejs comes without npm (package npm); NodeSource's nodejs brings its own and conflicts with it
command -v npm >/dev/null || missing+=(npm)

# python3-torch (tools/peer-torch.py, tests/peer_torch.sh) where Debian builds it for this
# architecture; elsewhere a notice, and that test skips. It is large: on a machine with only the
# packages above, apt-get install -s counts 238 packages, 194 MB to download, 834 MB installed.
torch=python3-torch torch_absent=0
torch_notice() {
  echo "setup: notice: $torch is not in this archive for $(dpkg --print-architecture): tools/peer-torch.py" \
    "cannot run and tests/peer_torch.sh will skip"
}
if ! installed "$torch"; then
  if apt-cache show "$torch" >/dev/null 2>&1; then
    missing+=("$torch")
  else
    torch_absent=1 # maybe only a stale package list: asked again after apt-get update
  fi
fi

if [ ${#missing[@]} -eq 0 ]; then
  [ "$torch_absent" -eq 1 ] && torch_notice
  echo "setup: all ${#pkgs[@]} packages already installed"
  npm_deps || exit 1
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
if [ "$torch_absent" -eq 1 ]; then
  if apt-cache show "$torch" >/dev/null 2>&1; then missing+=("$torch"); else torch_notice; fi
fi
apt-get install -y -q --no-install-recommends "${missing[@]}" || {
  echo "setup: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
npm_deps || exit 1
echo "setup: done"
