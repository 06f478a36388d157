#!/usr/bin/env bash
# Seed corpus of a fuzz target from the test fixtures, plus the committed
# seeds and regression inputs in tests/data/fuzz/TARGET.
#   seeds.sh TARGET DIR          write the corpus into DIR
#   seeds.sh TARGET PROGRAM      run PROGRAM (a replay build) over it (the meson test)
set -euo pipefail
t=${1:?usage: seeds.sh TARGET DIR|PROGRAM}
root=${GD_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
data=$root/tests/data
if [ -x "${2:?}" ] && [ ! -d "$2" ]; then
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
	"$0" "$t" "$out"
	"$2" "$out" # not exec: the trap must still remove the corpus
	exit
fi
out=$2
mkdir -p "$out"
case $t in
idx) # 2 bytes little-endian length of the images file, images, labels (fuzz_idx.c)
	for i in "$data"/tiny-images-idx3-ubyte*; do
		for l in "$data"/tiny-labels-idx1-ubyte*; do
			n=$(stat -c %s "$i")
			{ printf "\\x$(printf %02x $((n & 255)))\\x$(printf %02x $((n >> 8)))"; cat "$i" "$l"; } \
				>"$out/$(basename "$i")+$(basename "$l")"
		done
	done ;;
libsvm) cp "$data"/*.libsvm "$out"/ ;;
suite) cp "$root"/bench/suites/*.json "$out"/ ;;
results) ;; # tests/data/fuzz/results: a kernels file and a run file
optspec) ;;
params) cp "$data"/params/*.json "$out"/ ;;
*) echo "seeds.sh: unknown target '$t' (idx, libsvm, suite, results, optspec, params)" >&2; exit 2 ;;
esac
if [ -d "$data/fuzz/$t" ]; then cp "$data/fuzz/$t"/* "$out"/; fi
