#!/usr/bin/env bash
# First run on a new machine: install dependencies, build, measure this machine's roofline and
# the update-rule kernels, write the results JSON, print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${GDBENCH_BUILD:-build}

bash tools/setup.sh
if [ -d "$builddir/meson-private" ]; then
	meson setup --reconfigure "$builddir" >/dev/null
else
	meson setup "$builddir" >/dev/null
fi
meson compile -C "$builddir" >/dev/null
gd="$builddir/bench/gdbench"

mkdir -p results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="results/kernels-$stamp.json"

echo "== machine and roofline (gdbench info)"
"$gd" info
echo
echo "== update-rule kernels, L1-resident and 16M elements, 1 thread (gdbench kernels --quick)"
"$gd" kernels --quick --out "$out" --benchmark_format=console | tail -n 30
echo
echo "Results (Google Benchmark JSON with gdbench's context): $out"
echo "Full sweep (all sizes and thread counts, ~10 min): $gd kernels --out results/kernels-full.json"
