#!/usr/bin/env bash
# gdbench-report on a small fixture result set: every expected plot and series (the uPlot specs
# in the page; the contour SVGs: gnuplot writes one <g id="gnuplot_plot_N"> with a <title> per
# series), the summary and contents, a diverged run, data without a test split, --force, a
# missing uPlot, and malformed input. tests/report_browser.sh opens a report in Chromium.
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

uplot=${GDBENCH_UPLOT_DIR:-/usr/local/share/gdbench/node_modules/uplot/dist}/uPlot.iife.min.js
if [ ! -f "$uplot" ]; then
	echo "SKIP: $uplot is missing (uPlot: tools/setup.sh installs it with npm)"
	exit 77
fi
"$GD" report -o "$tmp/rep" --title "fixture report" "$tmp/a.json" "$tmp/div.json" "$tmp/k.json" "$tmp/p.json" >"$tmp/out" 2>&1
check 'report written (exit 0, path printed)' grep -q 'index.html' "$tmp/out"
check 'self-contained: no external references' bash -c "! grep -Eq '(src|href)=\"(http|file|/)' '$tmp/rep/index.html'"
# the plots' specs (tools/report_plot.h), as report.js reads them
specs() { /usr/bin/python3 -c '
import json, re, sys
html = open(sys.argv[1]).read()
for m in re.finditer(r"<script type=\"application/json\" class=gdspec data-for=\"plot\d+\">(.*?)</script>", html, re.S):
    exec(sys.argv[2], {"s": json.loads(m.group(1))})' "$tmp/rep/index.html" "$1"; }
# blobs: one interactive plot per mode (seconds and epochs switch inside it); regression: 1;
# runs on scalar kernels (GDBENCH_ISA=scalar: all) go to a panel of their own instead; kernels
# (--what update): bar tables only; paths: 4 gnuplot contour SVGs
nplot=$(specs 'print(s["title"])' | wc -l)
check "interactive plots: $nplot (expected 3)" [ "$nplot" -eq 3 ]
check "contour figures: $(count '<svg') SVGs (expected 4)" [ "$(count '<svg')" -eq 4 ]
shape=$(specs '
ok = all(len(x["x"][k["key"]]) == len(x["y"][k["key"]]) > 0 for x in s["series"] for k in s["x"])
print(int(ok and [k["key"] for k in s["x"]] == ["train_s", "epoch"] and len(s["series"]) > 0))' | sort -u)
check 'every plot: both x axes, every series with points on each' [ "$shape" = 1 ]
check 'blobs plots draw both targets as lines' grep -qxF '[0.01, 0.5]' <<<"$(specs 'print(sorted(h["y"] for h in s["hlines"]))')"
# series of runs on a scalar update kernel (no SIMD level runnable here, or GDBENCH_ISA=scalar)
# are tagged [scalar]: the tag each run should get, from the kernel its file records
tag() { /usr/bin/python3 -c '
import json, sys
r = next(r for r in json.load(open(sys.argv[1]))["runs"] if r["optimizer"]["name"] == sys.argv[2])
print(" [scalar]" if "/scalar" in r["kernels"]["update"] else "")' "$@"; }
# the kernels file's update variants (scalar alone under GDBENCH_ISA=scalar): with more than one,
# the tables show the speedup over scalar next to the fraction of the ceiling
nvar=$(/usr/bin/python3 -c '
import json, sys
print(len({b["name"].split("/n:")[0].split("/", 1)[1] for b in json.load(open(sys.argv[1]))["benchmarks"]}))' "$tmp/k.json")
labels=$(specs 'print("\n".join(x["label"] for x in s["series"]))')
check 'every optimizer is a series, repetitions as median with a band' \
	grep -qxF "adam:lr=0.01$(tag "$tmp/a.json" adam:lr=0.01) (median, min-max)" <<<"$labels"
colours=$(specs 'print("\n".join(x["label"].split(" (")[0] + " " + x["color"] for x in s["series"]))' | sort -u)
check 'one colour per optimizer configuration across the plots' [ -z "$(cut -d' ' -f1 <<<"$colours" | uniq -d)" ]
check 'the diverged run is named in the summary and flagged' bash -c "grep -qF 'Diverged: <span class=nr><b>sgd:lr=10$(tag "$tmp/div.json" sgd:lr=10)</b>' '$tmp/rep/index.html' && grep -q 'class=nr>diverged' '$tmp/rep/index.html'"
check 'summary: the fastest configuration to each blobs target' bash -c "[ \$(grep -o 'Fastest to loss &le; [0-9.]*, [a-z]* on synth-blobs' '$tmp/rep/index.html' | sort -u | wc -l) -eq 2 ]"
check 'summary, then contents linking every section' bash -c "grep -q '<section id=summary>' '$tmp/rep/index.html' && [ \$(grep -o '<li><a href=\"#[a-z0-9-]*\">' '$tmp/rep/index.html' | wc -l) -eq \$(grep -o '<h2 id=\"[a-z0-9-]*\">' '$tmp/rep/index.html' | wc -l) ]"
check 'time to target with its resolution (the evaluation cadence)' bash -c "grep -q '<th>eval. every</th>' '$tmp/rep/index.html' && grep -Eq '[0-9] &plusmn;[0-9.e-]+' '$tmp/rep/index.html'"
check 'targets not reached are said so' has 'not reached'
check 'no test split: accuracy shown as -' has '<td>-</td>'
check "kernel tables: fraction of the ceiling, and the speedup over scalar with $nvar variants" bash -c "grep -q 'of the ceiling' '$tmp/rep/index.html' && [ \$(grep -q '&times; scalar' '$tmp/rep/index.html' && echo 1 || echo 0) -eq \$(( $nvar > 1 )) ]"
check 'summary: the update rules closest to the memory ceiling' has 'Update rules: closest to the memory ceiling'
check 'paths: 4 functions, 6 optimizers and the minimum marked on each with one' bash -c "[ \$(grep -o '<figcaption>[a-z]*[^<]*optimizer paths over contours' '$tmp/rep/index.html' | wc -l) -eq 4 ] && [ \$(grep -o '<title>minimum</title>' '$tmp/rep/index.html' | wc -l) -eq 3 ] && grep -q '<title>adam:lr=0.1</title>' '$tmp/rep/index.html'"
check 'context block at the end, caches with units' bash -c "grep -q '<th>cpu_model</th>' '$tmp/rep/index.html' && grep -q '<th>git_revision</th>' '$tmp/rep/index.html' && grep -Eq '<th>cache_l1d</th><td>[0-9.]+ KiB' '$tmp/rep/index.html' && [ \"\$(grep -o '<h2 id=\"[a-z0-9-]*\">' '$tmp/rep/index.html' | tail -1)\" = '<h2 id=\"context\">' ]"

# gradient kernels: one plot per model, each variant against the FMA peak of its own ISA
# level (isa_peak), the blas rows (no isa_peak) against the CPU's; the summary's best is the
# largest fraction of the CPU's peak
"$GD" kernels --what grad --models softmax --batches 8,32 --min-time 0.01 -o "$tmp/g.json" >/dev/null 2>&1
"$GD" report -o "$tmp/repg" "$tmp/g.json" >/dev/null 2>&1
check 'gradient plot: every row at its isa_peak (peak where it has none), the best peak in the summary' \
	/usr/bin/python3 -c '
import json, re, sys
rows = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    model, var, batch = re.match(r"([a-z]+)/(.+?)/[A-Za-z]+:(\d+)", b["name"]).groups()
    rows[(var, float(batch))] = (b.get("isa_peak", b["peak"]), b["peak"])
html = open(sys.argv[2]).read()
specs = [json.loads(m) for m in re.findall(r"<script type=\"application/json\" class=gdspec data-for=\"plot\d+\">(.*?)</script>", html, re.S)]
assert len(specs) == 1 and "softmax" in specs[0]["title"], [s["title"] for s in specs]
seen = 0
for se in specs[0]["series"]:
    for x, y in zip(se["x"]["batch"], se["y"]["batch"]):
        assert abs(y - rows[(se["label"], x)][0]) < 1e-12, (se["label"], x, y, rows)
        seen += 1
assert seen == len(rows), (seen, rows)
best = re.search(r"closest to FMA peak</th><td><b>([0-9.]+)</b>", html).group(1)
assert best == "%.2f" % max(p for _, p in rows.values()), (best, rows)
' "$tmp/g.json" "$tmp/repg/index.html"

# an existing report is kept unless --force
expect 2 "already holds a report.*--force" "$GD" report -o "$tmp/rep" "$tmp/a.json"
expect 0 'index.html' "$GD" report --force -o "$tmp/rep" "$tmp/a.json"
# uPlot missing: exit 1, naming what installs it, nothing written
expect 1 'uPlot.*tools/setup.sh' env GDBENCH_UPLOT_DIR="$tmp/none" "$GD" report -o "$tmp/rep4" "$tmp/a.json"
check 'uPlot missing: nothing written' test ! -e "$tmp/rep4/index.html"

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
