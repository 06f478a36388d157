#!/usr/bin/env bash
# The kernel-performance gate as CI uses it, and its self-test.
#
#   tools/perf-gate.sh BASE.json        measure now, compare against BASE (exit 1 on a regression)
#   tools/perf-gate.sh --record OUT     measure now, write OUT (a new baseline)
#   tools/perf-gate.sh --self-test [N]  N times (default 1): measure twice on this build (the second
#                                       comparison must pass) and once with adam/simd/avx512 slowed
#                                       by 10% (it must be caught); prints the false-alarm and
#                                       detection rates
#
# The measurement is a short `gdbench kernels` over a few update rules, with repetitions; the
# comparison is gdbench-compare on throughput as a fraction of the ceiling timed alongside, so
# the VM's bandwidth drift between the two runs cancels out.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
build=${GDBENCH_BUILD:-build}
GD="$build/bench/gdbench"
CMP="$build/tools/gdbench-compare"
[ -x "$GD" ] && [ -x "$CMP" ] || { echo "perf-gate: build first (tools/test.sh or meson compile -C $build)" >&2; exit 2; }
# what is measured: 3 rules x simd avx2/avx512 x L1 and 16M elements, 6 repetitions each
KARGS=(kernels --what update --rules adam,sgd,rmsprop --impl simd --sizes L1,16M --threads 1
       --min-time 0.05 --benchmark_repetitions=6 --benchmark_format=json)
measure() { "$GD" "${KARGS[@]}" --out "$1" >/dev/null 2>"$1.log" || { cat "$1.log" >&2; return 2; }; }

case "${1:-}" in
--record)
	[ -n "${2:-}" ] || { echo "usage: tools/perf-gate.sh --record OUT.json" >&2; exit 2; }
	measure "$2" && echo "perf-gate: recorded $2"
	;;
--self-test)
	tries=${2:-1}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	false_alarms=0 caught=0
	for i in $(seq "$tries"); do
		measure "$tmp/a.json" && measure "$tmp/b.json" || exit 2
		GDBENCH_TEST_SLOWDOWN=adam/simd/avx512=0.10 measure "$tmp/slow.json" || exit 2
		"$CMP" "$tmp/a.json" "$tmp/b.json" >"$tmp/same.txt"; same=$?
		"$CMP" "$tmp/a.json" "$tmp/slow.json" >"$tmp/slow.txt"; slow=$?
		[ "$same" -eq 1 ] && false_alarms=$((false_alarms + 1))
		[ "$slow" -eq 1 ] && grep -q 'adam/simd/avx512.*REGRESSION' "$tmp/slow.txt" && caught=$((caught + 1))
		echo "try $i: same build -> $([ "$same" -eq 0 ] && echo pass || echo 'FALSE ALARM'); 10% slower adam -> $([ "$slow" -eq 1 ] && echo caught || echo MISSED)"
		[ "$same" -eq 1 ] && grep REGRESSION "$tmp/same.txt" | sed 's/^/    /'
		[ "$slow" -ne 1 ] && grep 'adam/simd/avx512' "$tmp/slow.txt" | sed 's/^/    /'
	done
	echo "perf-gate self-test: false alarms $false_alarms/$tries, 10% slowdown caught $caught/$tries"
	[ "$false_alarms" -eq 0 ] && [ "$caught" -eq "$tries" ]
	;;
""|-h|--help)
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
	;;
*)
	base=$1
	[ -f "$base" ] || { echo "perf-gate: no baseline '$base' (record one with --record)" >&2; exit 2; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	measure "$tmp/now.json" || exit 2
	"$CMP" "$base" "$tmp/now.json"
	;;
esac
