#!/usr/bin/env bash
# The aarch64 checks that need gdbench itself under qemu-user (the cmocka
# suites run through meson's exe_wrapper; see tools/test.sh --aarch64):
#   1. gradcheck of every model x variant at each emulated CPU;
#   2. a short run whose traced losses match the native x86-64 scalar run:
#      aarch64 scalar within RTOL_SCALAR (the same C, only libm may differ),
#      aarch64 at its best level within RTOL_SIMD (FMAs and vector sums
#      change the rounding);
#   3. the files of an emulated run are marked (context.emulated) and
#      gdbench-compare refuses them.
# Usage: tests/aarch64.sh ARM_GDBENCH X86_GDBENCH X86_COMPARE QEMU_CPU...
# Prints "N passed, N failed" for tools/test.sh to add up.
set -u
ARM=${1:?usage: aarch64.sh ARM_GDBENCH X86_GDBENCH X86_COMPARE QEMU_CPU...}
X86=${2:?}
CMP=${3:?}
shift 3
RTOL_SCALAR=1e-6
RTOL_SIMD=1e-5
QEMU=${QEMU:-qemu-aarch64-static}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME COMMAND...: one test
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		pass=$((pass + 1))
		echo "ok    $name$(grep -m1 'trace_match\|within tolerance' "$tmp/out" | sed 's/^/: /')"
	else
		fail=$((fail + 1))
		echo "FAIL  $name"
		sed 's/^/      /' "$tmp/out" | tail -15
	fi
}
run_args=(run --data synth-blobs:n=512:d=13:c=3 --model softmax --opt sgd:lr=0.1,adam:lr=0.01,rmsprop:lr=0.01
          --mode full,minibatch:32 --epochs 5 --threads 1 --no-roofline --quiet --force --eval-every epoch)
"$X86" "${run_args[@]}" --impl scalar --isa scalar -o "$tmp/x86.json" >/dev/null ||
	{ echo "aarch64: the x86-64 reference run failed"; echo "0 passed, 1 failed"; exit 1; }
for cpu in "$@"; do
	export QEMU_CPU=$cpu
	check "gradcheck [$cpu]" "$QEMU" "$ARM" gradcheck
	check "run --isa scalar matches x86-64 scalar [$cpu]" bash -c \
		"'$QEMU' '$ARM' ${run_args[*]} --impl scalar --isa scalar -o '$tmp/arm-s.json' &&
		 python3 '$here/trace_match.py' '$tmp/arm-s.json' '$tmp/x86.json' $RTOL_SCALAR"
	check "run --isa best matches x86-64 scalar [$cpu]" bash -c \
		"'$QEMU' '$ARM' ${run_args[*]} --impl simd -o '$tmp/arm-b.json' &&
		 python3 '$here/trace_match.py' '$tmp/arm-b.json' '$tmp/x86.json' $RTOL_SIMD"
done
check "emulated run is marked and refused by gdbench-compare" bash -c \
	"python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))[\"context\"][\"emulated\"]' '$tmp/arm-b.json' &&
	 '$CMP' '$tmp/x86.json' '$tmp/arm-b.json' 2>&1 | grep -q 'measured under emulation'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
