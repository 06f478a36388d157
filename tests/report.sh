#!/usr/bin/env bash
# gdbench-report on a small fixture result set: every expected figure and series (checked in
# the SVG: gnuplot writes one <g id="gnuplot_plot_N"> with a <title> per series, and the axis
# labels as text), a diverged run, data without a test split, and malformed input.
# Usage: tests/report.sh PATH/TO/gdbench
set -u
GD=${1:?usage: report.sh gdbench}
. "$(dirname "$0")/lib.sh"
has() { grep -q -- "$1" "$tmp/rep/index.html"; }
count() { grep -o -- "$1" "$tmp/rep/index.html" | wc -l; }

common=(--data synth-blobs:n=2000:d=8:c=3 --quiet --no-roofline --target 0.5,0.01)
"$GD" run "${common[@]}" --opt sgd:lr=0.1,adam:lr=0.01 --mode minibatch:32,full --epochs 3 --repeat 2 -o "$tmp/a.json" >/dev/null
# least squares at lr = 10 overflows to inf within a few steps: a diverged run
"$GD" run --data synth-regression:n=500:d=5 --model lsq --quiet --no-roofline --opt sgd:lr=10 --mode full \
	--epochs 50 -o "$tmp/div.json" >/dev/null
"$GD" kernels --what update --rules sgd,adam --sizes 4096 --threads 1 --min-time 0.01 -o "$tmp/k.json" >/dev/null 2>&1
"$GD" paths --steps 50 -o "$tmp/p.json"

"$GD" report -o "$tmp/rep" --title "fixture report" "$tmp/a.json" "$tmp/div.json" "$tmp/k.json" "$tmp/p.json" >"$tmp/out" 2>&1
check 'report written (exit 0, path printed)' grep -q 'index.html' "$tmp/out"
check 'self-contained: no external references' bash -c "! grep -Eq '(src|href)=\"(http|file|/)' '$tmp/rep/index.html'"
# blobs: 2 modes x (vs seconds, vs epochs) + time-to-target chart; regression (no target): 2;
# kernels: 2 charts; paths: 4 plots
# the kernels file's update variants (scalar alone under GDBENCH_ISA=scalar): with more than one,
# a speedup-over-scalar chart joins the roofline chart
nvar=$(/usr/bin/python3 -c '
import json, sys
print(len({b["name"].split("/n:")[0].split("/", 1)[1] for b in json.load(open(sys.argv[1]))["benchmarks"]}))' "$tmp/k.json")
nsvg=$((12 + (nvar > 1)))
check "figures: $(count '<svg') SVGs (expected $nsvg)" [ "$(count '<svg')" -eq "$nsvg" ]
check 'loss vs training seconds and vs epochs, per mode' bash -c "grep -q 'minibatch:32: training loss vs training seconds' '$tmp/rep/index.html' && grep -q 'full: training loss vs epochs' '$tmp/rep/index.html'"
check 'axis labels' bash -c "grep -q '>training seconds<' '$tmp/rep/index.html' && grep -q '>training loss (mean + penalty)<' '$tmp/rep/index.html'"
# series of runs on a scalar update kernel (no SIMD level runnable here, or GDBENCH_ISA=scalar)
# are tagged [scalar]: the tag each run should get, from the kernel its file records (as a regex)
tag() { /usr/bin/python3 -c '
import json, sys
r = next(r for r in json.load(open(sys.argv[1]))["runs"] if r["optimizer"]["name"] == sys.argv[2])
print(" \\[scalar\\]" if "/scalar" in r["kernels"]["update"] else "")' "$@"; }
check 'every optimizer is a series, repetitions as median with a band' \
	has "<title>adam:lr=0.01$(tag "$tmp/a.json" adam:lr=0.01) (median, min-max)</title>"
check 'the diverged run is named and flagged' bash -c "grep -q '<title>sgd:lr=10$(tag "$tmp/div.json" sgd:lr=10)</title>' '$tmp/rep/index.html' && grep -q 'class=nr>diverged' '$tmp/rep/index.html'"
check 'targets not reached are said so' has 'not reached'
check 'no test split: accuracy shown as -' has '<td>-</td>'
check "kernel charts: roofline fraction, and speedup over scalar with $nvar variants" bash -c "grep -q 'throughput / memory-only ceiling' '$tmp/rep/index.html' && [ \$(grep -q 'speedup over the scalar variant' '$tmp/rep/index.html' && echo 1 || echo 0) -eq \$(( $nvar > 1 )) ]"
check "kernel chart series: the $nvar variants of the file, scalar first" bash -c "grep -o '<title>[a-z0-9/]*</title>' '$tmp/rep/index.html' | grep -qx '<title>scalar</title>'"
check 'paths: 4 functions, 6 optimizers and the minimum marked on each with one' bash -c "[ \$(grep -o '<figcaption>[a-z]*[^<]*optimizer paths over contours' '$tmp/rep/index.html' | wc -l) -eq 4 ] && [ \$(grep -o '<title>minimum</title>' '$tmp/rep/index.html' | wc -l) -eq 3 ] && grep -q '<title>adam:lr=0.1</title>' '$tmp/rep/index.html'"
check 'context block' bash -c "grep -q '<th>cpu_model</th>' '$tmp/rep/index.html' && grep -q '<th>git_revision</th>' '$tmp/rep/index.html'"

# malformed input: exit 2, a message naming the file and position, no report written
echo '{"schema": "gdbench-results", "runs": [' >"$tmp/bad.json"
"$GD" report -o "$tmp/rep2" "$tmp/bad.json" >"$tmp/out" 2>&1
st=$?
check "malformed JSON: exit 2 (got $st)" [ "$st" -eq 2 ]
check 'malformed JSON: message names file:line:column' grep -Eq 'bad.json:[0-9]+:[0-9]+:' "$tmp/out"
check 'malformed JSON: nothing written' test ! -e "$tmp/rep2/index.html"
"$GD" report -o "$tmp/rep3" >"$tmp/out" 2>&1
check 'no input files: usage error' [ $? -eq 2 ]
echo '{"hello": 1}' >"$tmp/other.json"
"$GD" report -o "$tmp/rep3" "$tmp/other.json" >"$tmp/out" 2>&1
check 'not a gdbench file: exit 2 with a message' bash -c "[ $? -eq 2 ] && grep -q 'not a gdbench' '$tmp/out'"

finish report
