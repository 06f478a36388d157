#!/usr/bin/env bash
# First run on a new machine: install dependencies, build, measure this machine's roofline,
# check the gradients, benchmark update rules and gradient kernels, run the default convergence
# suite on Fashion-MNIST, write the results JSON and an HTML report, print summaries.
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
echo "== gradient check: every model x variant against finite differences (gdbench gradcheck)"
"$gd" gradcheck | tail -n 1
echo
echo "== kernels: update rules (L1, 16M elements) and softmax/MLP gradients on Fashion-MNIST (gdbench kernels --quick)"
"$gd" kernels --quick --out "$out" --benchmark_format=console | sed -n '/^Summary/,$p'
echo
conv="results/run-$stamp.json"
echo "== convergence: the default suite (bench/suites/default.json) on Fashion-MNIST and an ill-conditioned quadratic"
"$gd" run --suite bench/suites/default.json --out "$conv"
echo
report="results/report-$stamp"
paths="results/paths-$stamp.json"
"$gd" paths -o "$paths"
"$builddir/tools/gdbench-report" --title "gdbench quickstart $stamp" -o "$report" "$conv" "$out" "$paths" >/dev/null
echo "Kernel microbenchmarks (Google Benchmark JSON with gdbench's context): $out"
echo "Convergence runs (results/schema.json): $conv"
echo "Report: $report/index.html"
echo "Full kernel sweep (all sizes and thread counts, ~20 min): $gd kernels --out results/kernels-full.json"
