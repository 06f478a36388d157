#!/usr/bin/env bash
# The installed package, as a user gets it (tools/test.sh's install stage):
# `meson install --destdir` into a temporary directory, every public header
# compiled against that tree alone, the examples built out of tree with its
# pkg-config (make, PKG_CONFIG_PATH + PKG_CONFIG_SYSROOT_DIR), then with the
# installed gdbench:
#   - kernels --plugin libplugin-adam.so --rules adam --sizes 16M: the plugin's
#     row beside the built-ins, with its ceiling fraction;
#   - run --plugin ... --opt adam --impl mine: the same loss trace as the
#     built-in adam within the verifier's f32 tolerance (64 ulp relative);
#   - the wrong plugin refused, naming its first mismatch;
#   - examples/api runs 10 steps of a kernel looked up by name;
#   - examples/plugin-rule (AdaBelief, a rule of its own): list shows it,
#     kernels --rules adabelief --sizes 16M times it with its ceiling fraction,
#     run --opt adabelief trains (the loss falls), a key it does not read is
#     refused (exit 2); its reference and AVX2 variant match an independent
#     implementation (tests/ref_adabelief.py, through tests/plugins/plugin_api.c
#     built against the installed API, whose gdbench_plugin_load it calls);
#   - examples/plugin-grad (an AVX2 lsq gradient): list --kind grad shows it,
#     kernels --what grad --impl mine times it (peak, xread), run --impl mine
#     trains with it.
# Ends with "N passed, N failed, N skipped". usage: tools/install-check.sh [BUILDDIR]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1"; sed 's/^/      /' "$tmp/out" | tail -15; fail=$((fail + 1)); }
# check 'WHAT' CMD...: CMD succeeds (its output in $tmp/out)
check() { local what=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$what"; else bad "$what"; fi; }
done_line() { echo "$pass passed, $fail failed, $skip skipped"; [ "$fail" -eq 0 ]; exit; }

dest=$tmp/dest
check "meson install --destdir" meson install -C "$build" --destdir "$dest" --quiet || done_line
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json, sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["prefix"])')
root=$dest$prefix
pc=$(find "$root" -name gdbench.pc | head -1)
echo "installed under $root:"
(cd "$root" && find . -type f -o -type l | sort | sed 's/^\./      /')
check "gdbench.pc, libgdbench.so, include/gdbench/plugin.h and api.h, share/gdbench/schema.json and suites, bin/gdbench" \
	test -n "$pc" -a -e "$(dirname "$(dirname "$pc")")/libgdbench.so" -a -f "$root/include/gdbench/plugin.h" \
	-a -f "$root/include/gdbench/api.h" -a -f "$root/share/gdbench/schema.json" -a -d "$root/share/gdbench/suites" \
	-a -x "$root/bin/gdbench"
[ -n "$pc" ] || done_line
libdir=$(dirname "$(dirname "$pc")")
# no installed header may include one that is not installed
hdr_ok=1
for h in "$root"/include/gdbench/*.h; do
	echo "#include <gdbench/$(basename "$h")>" >"$tmp/h.c"
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -fsyntax-only -nostdinc -isystem "$(${CC:-cc} -print-file-name=include)" \
		-isystem /usr/include -isystem "/usr/include/$(${CC:-cc} -dumpmachine)" -I"$root/include" "$tmp/h.c" >>"$tmp/out" 2>&1 ||
		{ echo "      $(basename "$h") does not compile alone against the installed headers"; hdr_ok=0; }
done
[ "$hdr_ok" -eq 1 ] && ok "every installed header compiles alone against the installed tree" || bad "installed headers"

export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
for ex in plugin-adam plugin-wrong plugin-rule plugin-grad api; do
	cp -r "examples/$ex" "$tmp/$ex"
	check "examples/$ex builds out of tree with pkg-config gdbench" make -C "$tmp/$ex"
done
GD=$root/bin/gdbench
check "examples/api: 10 steps of adam/scalar looked up by name" \
	bash -c "LD_LIBRARY_PATH='$libdir' '$tmp/api/api' adam/scalar | grep -q 'adam/scalar: w\[0\] = .* after 10 steps'"
check "examples/api: an unknown name is refused" \
	bash -c "! LD_LIBRARY_PATH='$libdir' '$tmp/api/api' adam/nope"

# the list whole, then grep: grep -q stopping early would fail the pipeline (pipefail, SIGPIPE)
check "the installed gdbench lists its kernels" bash -c "'$GD' list >'$tmp/list.txt'"
if ! grep -q '^adam/simd/avx2 .* yes' "$tmp/list.txt"; then
	echo "skip  plugin-adam needs AVX2 and FMA, which this CPU (or GDBENCH_ISA) lacks"
	skip=$((skip + 2))
else
	check "kernels --plugin libplugin-adam.so --rules adam --sizes 16M: adam/mine/avx2 beside the built-ins, with its ceiling fraction" \
		bash -c "'$GD' kernels --plugin '$tmp/plugin-adam/libplugin-adam.so' --what update --rules adam --sizes 16M \
			--threads 1 --min-time 0.01 2>&1 | tee '$tmp/k.txt' >/dev/null; cat '$tmp/k.txt';
			grep -Eq '^adam/mine/avx2 +n:16777216 +1 +[0-9.]+ \([0-9.]+\) +[0-9.]+ \([0-9.]+\) adam/' '$tmp/k.txt' &&
			grep -q '^adam/scalar/n:16777216' '$tmp/k.txt'"
	# a fixed evaluation cadence: auto adapts to measured time, so two runs' traces may differ in length
	runargs=(run --data synth-blobs:n=512:d=13:c=3 --model softmax --opt adam:lr=0.01 --mode full,minibatch:32 --epochs 3
	         --threads 1 --no-roofline --quiet --force --eval-every epoch)
	check "run --plugin ... --opt adam --impl mine: the built-in adam's trace within 64 f32 ulp" \
		bash -c "'$GD' ${runargs[*]} --plugin '$tmp/plugin-adam/libplugin-adam.so' --impl mine -o '$tmp/mine.json' &&
			'$GD' ${runargs[*]} -o '$tmp/builtin.json' &&
			python3 -c 'import json, sys; assert all(r[\"kernels\"][\"update\"] == \"adam/mine/avx2\" for r in json.load(open(sys.argv[1]))[\"runs\"])' '$tmp/mine.json' &&
			python3 tests/trace_match.py '$tmp/mine.json' '$tmp/builtin.json' 3.82e-6"
fi
rule=$tmp/plugin-rule/libplugin-rule.so grad=$tmp/plugin-grad/libplugin-grad.so
check "list --plugin libplugin-rule.so: adabelief/scalar and adabelief/mine/avx2, marked with the file" \
	bash -c "'$GD' list --plugin '$rule' >'$tmp/lr.txt' && cat '$tmp/lr.txt' | grep adabelief &&
		grep -Eq '^adabelief/scalar +adabelief +scalar +scalar +yes +2 +16 +28 .*plugin $rule' '$tmp/lr.txt' &&
		grep -Eq '^adabelief/mine/avx2 +adabelief +mine +avx2 .*plugin $rule' '$tmp/lr.txt'"
check "kernels --plugin libplugin-rule.so --rules adabelief --sizes 16M: its rows with their ceiling fraction" \
	bash -c "'$GD' kernels --plugin '$rule' --what update --rules adabelief --sizes 16M --threads 1 --min-time 0.01 \
		>'$tmp/kr.txt' 2>&1; cat '$tmp/kr.txt';
		grep -Eq '^adabelief +n:16777216 +1 +[0-9.]+ \([0-9.]+\)' '$tmp/kr.txt' &&
		{ ! grep -q '^adam/simd/avx2 .* yes' '$tmp/list.txt' ||
		  grep -Eq '^adabelief/mine/avx2 +n:16777216 +1 +[0-9.]+ \([0-9.]+\) +[0-9.]+ \([0-9.]+\) adabelief/scalar' '$tmp/kr.txt'; }"
rargs=(run --data synth-blobs:n=512:d=13:c=3 --model softmax --mode full --epochs 5 --threads 1 --no-roofline --quiet --force)
check "run --plugin libplugin-rule.so --opt adabelief:lr=0.05: trains, the loss falls" \
	bash -c "'$GD' ${rargs[*]} --plugin '$rule' --opt adabelief:lr=0.05 -o '$tmp/ab.json' &&
		python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))[\"runs\"][0]; l = [p[\"loss\"] for p in r[\"trace\"]]; print(r[\"kernels\"], l); assert r[\"optimizer\"][\"rule\"] == \"adabelief\" and l[-1] < 0.5 * l[0], l' '$tmp/ab.json'"
check "run --opt adabelief:momentum=0.9 is refused (exit 2): a key the rule does not read" \
	bash -c "'$GD' ${rargs[*]} --plugin '$rule' --opt adabelief:momentum=0.9 >'$tmp/ak.txt' 2>&1; rc=\$?; cat '$tmp/ak.txt';
		[ \$rc -eq 2 ] && grep -q \"adabelief does not read 'momentum'\" '$tmp/ak.txt'"
check "tests/plugins/plugin_api.c builds against the installed API" \
	bash -c "\${CC:-cc} -std=c11 -Wall -Wextra -Werror tests/plugins/plugin_api.c -o '$tmp/plugin_api' \$(pkg-config --cflags --libs gdbench) -lm"
check "AdaBelief's reference and AVX2 variant against tests/ref_adabelief.py (10 steps); gdbench_plugin_load refuses the wrong plugin" \
	env LD_LIBRARY_PATH="$libdir" python3 tests/ref_adabelief.py "$tmp/plugin_api" "$rule" "$tmp/plugin-wrong/libplugin-wrong.so"
sed 's/^/      /' "$tmp/out"
check "list --kind grad --plugin libplugin-grad.so: lsq/mine/avx2, marked with the file" \
	bash -c "'$GD' list --kind grad --plugin '$grad' >'$tmp/lg.txt' && grep -Eq '^lsq/mine/avx2 +lsq +mine +avx2 .*plugin $grad' '$tmp/lg.txt'"
if ! grep -q '^adam/simd/avx2 .* yes' "$tmp/list.txt"; then
	echo "skip  plugin-grad needs AVX2 and FMA, which this CPU (or GDBENCH_ISA) lacks"
	skip=$((skip + 2))
else
	check "kernels --what grad --plugin libplugin-grad.so --impl mine,simd: lsq/mine/avx2 with peak, no isa_peak, xread" \
		bash -c "'$GD' kernels --plugin '$grad' --what grad --models lsq --impl mine,simd --batches 32,1024 --min-time 0.01 \
			>'$tmp/kg.txt' 2>&1; sed -n '/^Gradient kernels/,\$p' '$tmp/kg.txt';
			grep -Eq '^lsq/mine/avx2 +B:1024 +[0-9.e+]+ +[0-9.]+ +[0-9.]+ +- +[0-9.]+' '$tmp/kg.txt'"
	gargs=(run --data synth-regression:n=512:d=13 --model lsq --opt sgd:lr=0.05 --mode full,minibatch:32 --epochs 3 --threads 1
	       --no-roofline --quiet --force --eval-every epoch)
	check "run --plugin libplugin-grad.so --model lsq --impl mine: gradient lsq/mine/avx2, the built-in trace within 1e-5" \
		bash -c "'$GD' ${gargs[*]} --plugin '$grad' --impl mine -o '$tmp/gm.json' && '$GD' ${gargs[*]} -o '$tmp/gb.json' &&
			python3 -c 'import json, sys; assert all(r[\"kernels\"][\"gradient\"] == \"lsq/mine/avx2\" for r in json.load(open(sys.argv[1]))[\"runs\"])' '$tmp/gm.json' &&
			python3 tests/trace_match.py '$tmp/gm.json' '$tmp/gb.json' 1e-5"
fi
check "the wrong plugin is refused with its first mismatch (exit 1)" \
	bash -c "'$GD' kernels --plugin '$tmp/plugin-wrong/libplugin-wrong.so' --what update --rules sgd >'$tmp/w.txt' 2>&1;
		rc=\$?; cat '$tmp/w.txt'; [ \$rc -eq 1 ] &&
		grep -Eq 'refusing a plugin row .*sgd/wrong at f32/f32/f32: w\[[0-9]+\] = .*, expected .* \(tolerance ' '$tmp/w.txt'"
done_line
