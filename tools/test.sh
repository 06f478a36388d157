#!/usr/bin/env bash
# Installs dependencies, builds gdbench with meson and runs every test:
#   1. the whole suite (gcc, debugoptimized)                      build/
#   2. the whole suite again at each dispatch cap below this CPU's level
#      (GDBENCH_ISA=scalar is what a CPU without AVX2 or NEON sees;
#      on an AVX-512 CPU also GDBENCH_ISA=avx2)                     build/
#   2b. the installed package: meson install --destdir, the public headers
#      alone, examples/ built with its pkg-config, plugins (tools/install-check.sh)
#   3. the whole suite under AddressSanitizer + UBSan             build-asan/
#   4. the threaded tests (suite 'threads') under ThreadSanitizer  build-tsan/
#   5. each libFuzzer target for GDBENCH_FUZZ_SECONDS (default 30) build-fuzz/
#   6. aarch64: cross-compiled, the unit tests under qemu-user at SVE
#      vector lengths of 128, 256 and 512 bits and on a NEON-only CPU,
#      then gradcheck and a short run against x86-64 (tests/aarch64.sh)  build-aarch64/
# tools/test.sh --quick runs stage 1 only; --aarch64 stage 6 only. Ends with
# the line "N passed, N failed, N skipped" over all stages (a fuzz target is
# one test); exit status 0 only if none failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
quick=0 arm_only=0
case ${1:-} in
--quick) quick=1 ;;
--aarch64) arm_only=1 ;;
"") ;;
*) echo "usage: tools/test.sh [--quick | --aarch64]" >&2; exit 2 ;;
esac
pass=0 fail=0 skip=0
total() { echo "$pass passed, $fail failed, $skip skipped"; }

bash tools/setup.sh || { echo "test: dependency installation failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# build NAME BUILDDIR "SETUP OPTIONS": configure and compile (counts a failure)
build() {
	local name=$1 dir=$2 setup=$3
	if [ -d "$dir/meson-private" ]; then
		meson setup --reconfigure "$dir" $setup >/dev/null
	else
		meson setup "$dir" $setup >/dev/null
	fi && meson compile -C "$dir" >/dev/null || { echo "test: $name: build failed"; fail=$((fail + 1)); return 1; }
}
# run_tests NAME BUILDDIR "TEST OPTIONS": meson test, add up its summary
run_tests() {
	local name=$1 dir=$2 targs=$3
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
# stage NAME BUILDDIR "SETUP OPTIONS" "TEST OPTIONS"
stage() {
	echo "== test: $1 ($2)"
	build "$1" "$2" "$3" && run_tests "$1" "$2" "$4"
}

aarch64_stage() {
	local dir=build-aarch64 t0=$SECONDS
	echo "== test: aarch64 under qemu-user ($dir)"
	bash tools/setup.sh --aarch64 || { echo "test: aarch64: dependency installation failed"; fail=$((fail + 1)); return; }
	build "aarch64 cross build" "$dir" "--cross-file tools/cross/aarch64-linux-gnu.ini -Dmpi=disabled" || return
	# QEMU_CPU reaches qemu-aarch64-static, meson's exe_wrapper (tools/cross/aarch64-linux-gnu.ini);
	# cortex-a57 has NEON and no SVE, so every SVE test must skip there. Only the cmocka suites:
	# the script tests (cli, fuzz replay) start binaries themselves, which need binfmt_misc
	local cpus=("max,sve-default-vector-length=16" "max,sve-default-vector-length=32"
	            "max,sve-default-vector-length=64" "cortex-a57") cpu
	for cpu in "${cpus[@]}"; do
		echo "-- QEMU_CPU=$cpu"
		QEMU_CPU=$cpu run_tests "aarch64 [$cpu]" "$dir" "--suite unit"
	done
	# gradcheck and a run against the native x86-64 scalar run need the native build
	[ -x build/bench/gdbench ] || build "native build" build "" || return
	bash tests/aarch64.sh "$dir/bench/gdbench" build/bench/gdbench build/tools/gdbench-compare "${cpus[@]}" | tee "$log"
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	if [ -z "$line" ]; then
		fail=$((fail + 1))
	else
		pass=$((pass + $(echo "$line" | cut -d' ' -f1))) fail=$((fail + $(echo "$line" | cut -d' ' -f3)))
	fi
	echo "test: aarch64 stage took $((SECONDS - t0)) s"
}

install_stage() {
	local t0=$SECONDS line
	echo "== test: the installed package and examples/ (tools/install-check.sh)"
	bash tools/install-check.sh "${GDBENCH_BUILD:-build}" | tee "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1)
	if [ -z "$line" ]; then
		fail=$((fail + 1))
	else
		pass=$((pass + $(echo "$line" | cut -d' ' -f1))) fail=$((fail + $(echo "$line" | cut -d' ' -f3)))
		skip=$((skip + $(echo "$line" | cut -d' ' -f5)))
	fi
	echo "test: install stage took $((SECONDS - t0)) s"
}

if [ "$arm_only" -eq 1 ]; then
	aarch64_stage
	total
	[ "$fail" -eq 0 ]
	exit
fi

stage "all tests" "${GDBENCH_BUILD:-build}" "" ""
if [ "$quick" -eq 0 ]; then
	# the levels below this CPU's, from the build's own list (gdbench info --json)
	caps=$("${GDBENCH_BUILD:-build}/bench/gdbench" info --no-probe --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
lv = d["isa_levels"]
print(" ".join(lv[:lv.index(d["isa_hw_max"])]))') || { echo "test: could not read the ISA levels"; fail=$((fail + 1)); }
	for cap in $caps; do
		echo "== test: all tests at GDBENCH_ISA=$cap (${GDBENCH_BUILD:-build})"
		GDBENCH_ISA=$cap run_tests "GDBENCH_ISA=$cap" "${GDBENCH_BUILD:-build}" ""
	done
	install_stage
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
		stage "AddressSanitizer + UBSan" build-asan "-Db_sanitize=address,undefined" ""
	# OpenBLAS's own threads are not instrumented: keep it to the calling thread
	TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp" OPENBLAS_NUM_THREADS=1 \
		stage "ThreadSanitizer" build-tsan "-Db_sanitize=thread" "--suite threads"
	echo "== test: fuzzing, ${GDBENCH_FUZZ_SECONDS:-30} s per target (build-fuzz)"
	for t in idx libsvm suite results optspec params; do
		if bash tools/fuzz.sh "$t" "${GDBENCH_FUZZ_SECONDS:-30}"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	done
	aarch64_stage
fi
total
[ "$fail" -eq 0 ]
