#!/usr/bin/env bash
# Installs dependencies, builds gdbench with meson and runs every test.
# Ends with the line "N passed, N failed, N skipped" (meson tests); exit status 0 only if none failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
builddir=${GDBENCH_BUILD:-build}

bash tools/setup.sh || { echo "test: dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

if [ -d "$builddir/meson-private" ]; then
	meson setup --reconfigure "$builddir" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
else
	meson setup "$builddir" || { echo "0 passed, 1 failed"; exit 1; }
fi
meson compile -C "$builddir" || { echo "test: build failed"; echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
meson test -C "$builddir" --print-errorlogs 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# meson's summary lines: "Ok: 4", "Fail: 0", "Unexpected Pass: 0", ...
count() { awk -v k="$1" 'index($0, k) == 1 {v = $NF} END {print v + 0}' "$log"; }
ok=$(count 'Ok:')
fail=$(( $(count 'Fail:') + $(count 'Timeout:') + $(count 'Unexpected Pass:') ))
skip=$(count 'Skipped:')
echo "$ok passed, $fail failed, $skip skipped"
[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ]
