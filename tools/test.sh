#!/usr/bin/env bash
# Installs dependencies, builds gdbench with meson and runs every test:
#   1. the whole suite (gcc, debugoptimized)                      build/
#   2. the whole suite under AddressSanitizer + UBSan             build-asan/
#   3. the threaded tests (suite 'threads') under ThreadSanitizer  build-tsan/
#   4. each libFuzzer target for GDBENCH_FUZZ_SECONDS (default 30) build-fuzz/
# tools/test.sh --quick runs stage 1 only. Ends with the line
# "N passed, N failed, N skipped" over all stages (a fuzz target is one test);
# exit status 0 only if none failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
quick=0
case ${1:-} in
--quick) quick=1 ;;
"") ;;
*) echo "usage: tools/test.sh [--quick]" >&2; exit 2 ;;
esac
pass=0 fail=0 skip=0
total() { echo "$pass passed, $fail failed, $skip skipped"; }

bash tools/setup.sh || { echo "test: dependency installation failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# stage NAME BUILDDIR "SETUP OPTIONS" "TEST OPTIONS": configure, build, meson test, add up its summary
stage() {
	local name=$1 dir=$2 setup=$3 targs=$4
	echo "== test: $name ($dir)"
	if [ -d "$dir/meson-private" ]; then
		meson setup --reconfigure "$dir" $setup >/dev/null
	else
		meson setup "$dir" $setup >/dev/null
	fi && meson compile -C "$dir" >/dev/null || { echo "test: $name: build failed"; fail=$((fail + 1)); return; }
	meson test -C "$dir" --print-errorlogs $targs 2>&1 | tee "$log" | grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout):'
	# meson's summary lines: "Ok: 4", "Fail: 0", "Unexpected Pass: 0", ...
	count() { awk -v k="$1" 'index($0, k) == 1 {v = $NF} END {print v + 0}' "$log"; }
	local ok bad
	ok=$(count 'Ok:')
	bad=$(( $(count 'Fail:') + $(count 'Timeout:') + $(count 'Unexpected Pass:') ))
	if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then bad=1; echo "test: $name: no test ran"; fi
	pass=$((pass + ok)) fail=$((fail + bad)) skip=$((skip + $(count 'Skipped:')))
	if [ "$bad" -gt 0 ]; then sed -n '/Summary of Failures/,$p' "$log" | head -20; fi
}

stage "all tests" "${GDBENCH_BUILD:-build}" "" ""
if [ "$quick" -eq 0 ]; then
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
		stage "AddressSanitizer + UBSan" build-asan "-Db_sanitize=address,undefined" ""
	# OpenBLAS's own threads are not instrumented: keep it to the calling thread
	TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp" OPENBLAS_NUM_THREADS=1 \
		stage "ThreadSanitizer" build-tsan "-Db_sanitize=thread" "--suite threads"
	echo "== test: fuzzing, ${GDBENCH_FUZZ_SECONDS:-30} s per target (build-fuzz)"
	for t in idx libsvm suite results optspec; do
		if bash tools/fuzz.sh "$t" "${GDBENCH_FUZZ_SECONDS:-30}"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	done
fi
total
[ "$fail" -eq 0 ]
