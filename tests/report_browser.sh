#!/usr/bin/env bash
# gdbench-report's page in a real browser: tests/report_browser.js drives headless Chromium through
# playwright-core over the report of a committed fixture (tests/data/report/runs.json, a short
# `gdbench run` on synth-blobs: 3 optimizers, 2 repetitions). Skips (exit 77) without Chromium,
# node, playwright-core or uPlot; tools/setup.sh installs them all.
# Usage: tests/report_browser.sh PATH/TO/gdbench-report
set -u
REPORT=${1:?usage: report_browser.sh gdbench-report}
here=$(cd "$(dirname "$0")" && pwd)
npm_dir=${GDBENCH_NPM_DIR:-/usr/local/share/gdbench/node_modules}
chromium=${CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIP: $1 (tools/setup.sh installs it)"; exit 77; }
[ -x "$chromium" ] || skip "no Chromium at $chromium"
command -v node >/dev/null || skip "no node"
[ -f "$npm_dir/playwright-core/package.json" ] || skip "no playwright-core in $npm_dir"
[ -f "${GDBENCH_UPLOT_DIR:-$npm_dir/uplot/dist}/uPlot.iife.min.js" ] || skip "no uPlot in $npm_dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fixture=$here/data/report/runs.json
"$REPORT" -o "$tmp/rep" --title "browser fixture" "$fixture" >"$tmp/out" 2>&1 || {
	echo "not ok - gdbench-report failed:"; cat "$tmp/out"; exit 1; }
node "$here/report_browser.js" "$npm_dir/playwright-core" "$chromium" "$tmp/rep/index.html" "$fixture" ${SCREENSHOT:+"$SCREENSHOT"}
