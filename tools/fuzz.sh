#!/usr/bin/env bash
# Fuzz one parser with libFuzzer (clang-14), under ASan+UBSan.
#   tools/fuzz.sh TARGET SECONDS     TARGET: idx, libsvm, suite, results, optspec (or all)
# Builds build-fuzz/ (clang, -Dfuzz=true) on first use; seeds come from the test
# fixtures (tests/fuzz/seeds.sh); the corpus grows in build-fuzz/corpus/TARGET.
# A crash is saved in build-fuzz/artifacts/TARGET/: fix it, then keep it as a
# regression input with  cp ARTIFACT tests/data/fuzz/TARGET/  (meson test replays
# every file there). Prints one summary line per target; exit 1 if any crashed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
targets="idx libsvm suite results optspec params"
t=${1:-}; secs=${2:-}
if [ -z "$t" ] || [ -z "$secs" ] || ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "usage: tools/fuzz.sh TARGET SECONDS   (TARGET: $targets, all)" >&2; exit 2
fi
[ "$t" = all ] && list=$targets || list=$t
for x in $list; do
	case " $targets " in *" $x "*) ;; *) echo "fuzz: unknown target '$x' (expected one of: $targets, all)" >&2; exit 2 ;; esac
done
cc=$(command -v clang-14 || command -v clang) || { echo "fuzz: clang not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
cxx=$(command -v clang++-14 || command -v clang++)
b=${GDBENCH_FUZZ_BUILD:-build-fuzz}
if [ ! -d "$b/meson-private" ]; then
	CC=$cc CXX=$cxx meson setup "$b" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debugoptimized >/dev/null || { echo "fuzz: meson setup failed" >&2; exit 1; }
fi
ninja -C "$b" $(for x in $list; do echo "tests/fuzz/fuzz_$x"; done) >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }
rc=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1
for x in $list; do
	corpus=$b/corpus/$x seeds=$b/seeds/$x art=$b/artifacts/$x log=$b/fuzz-$x.log
	rm -rf "$seeds"; mkdir -p "$corpus" "$art"
	bash tests/fuzz/seeds.sh "$x" "$seeds"
	# -rss_limit_mb: the loaders must refuse absurd sizes before allocating them
	"$b/tests/fuzz/fuzz_$x" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=1024 \
		-max_len=65536 -timeout=10 -artifact_prefix="$art/" "$corpus" "$seeds" >"$log" 2>&1
	st=$?
	execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
	if [ "$st" -eq 0 ]; then
		echo "fuzz $x: ok, ${execs:-?} execs in ${secs} s ($(( ${execs:-0} / secs ))/s), ${cov:-no coverage line}"
	else
		rc=1
		echo "fuzz $x: FAILED (exit $st) after ${execs:-?} execs; input in $art/, log $log:"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -5 | sed 's/^/    /'
	fi
done
exit $rc
