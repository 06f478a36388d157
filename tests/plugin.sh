#!/usr/bin/env bash
# Plugins end to end: loading (--plugin, GDBENCH_PLUGINS), a row in list marked
# with its file, verification before kernels/run use a row (a wrong one refused
# with its first mismatch, --no-verify recorded), --impl selecting a plugin's
# impl, rows needing features this CPU lacks skipped, and each refusal's message
# and exit status. The plugins are tests/plugins/plugin_cases.c, one per case.
# usage: plugin.sh GDBENCH SCHEMA VALIDATOR GOOD WRONG NO_INIT ABI DUP FEATURE IMPL NULL
set -u
GD=$1 SCHEMA=$2 VALIDATE=$3 GOOD=$4 WRONG=$5 NO_INIT=$6 ABI=$7 DUP=$8 FEATURE=$9 IMPL=${10} NULLFN=${11}
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
# the AVX-512 row is runnable only where the process may run AVX-512
avx512=$("$GD" info --no-probe --json | $PY -c 'import json, sys; d = json.load(sys.stdin); print(int(d["isa_levels"].index(d["isa_max"]) >= 2 and "avx512" in d["isa_levels"]))')

expect 0 "sgd/copy .*plugin $GOOD" "$GD" list --plugin "$GOOD"
expect 0 "sgd/copy/avx512 .*avx512 +$([ "$avx512" = 1 ] && echo yes || echo no) " "$GD" list --plugin "$GOOD"
expect 0 "sgd/copy .*plugin $GOOD" env GDBENCH_PLUGINS="$GOOD" "$GD" list
"$GD" list --json --plugin="$GOOD" >"$tmp/list.json"
check 'list --json: sgd/copy from the plugin, impl copy' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [r for v in (d.values() if isinstance(d, dict) else [d]) if isinstance(v, list) for r in v if isinstance(r, dict) and r.get("kind") == "update"]
mine = [r for r in rows if "plugin" in r]
assert sorted(r["name"] for r in mine) == ["sgd/copy", "sgd/copy/avx512"], mine
assert all(r["plugin"] == sys.argv[2] and r["impl"] == "copy" for r in mine), mine
' "$tmp/list.json" "$GOOD"

# kernels: only the plugin's impl, verified first; the AVX-512 row only where it runs
expect 0 'sgd/copy/' "$GD" kernels --plugin "$GOOD" --what update --rules sgd --impl copy --sizes 4K --threads 1 \
	--min-time 0.01 -o "$tmp/k.json"
check 'kernels --impl copy: the plugin rows this CPU runs, no built-in one; context.plugins verified' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = {b["name"].split("/4K")[0].split(":")[0].rsplit("/", 1)[0] for b in d["benchmarks"] if b.get("run_type") == "iteration"}
want = {"sgd/copy"} | ({"sgd/copy/avx512"} if sys.argv[2] == "1" else set())
assert names == want, (names, want)
p = json.loads(d["context"]["plugins"]) if isinstance(d["context"]["plugins"], str) else d["context"]["plugins"]
assert p[0]["verified"] is True and p[0]["rows"] == ["sgd/copy", "sgd/copy/avx512"], p
' "$tmp/k.json" "$avx512"

# run trains with the plugin's kernel: the same loss trace as the built-in scalar sgd
runargs=(run --data synth-blobs:n=256:d=7:c=3 --model softmax --opt sgd:lr=0.1 --mode full --epochs 5 --threads 1
         --no-roofline --quiet --force)
expect 0 'wrote' "$GD" "${runargs[@]}" --plugin "$GOOD" --impl copy -o "$tmp/mine.json"
expect 0 'wrote' "$GD" "${runargs[@]}" -o "$tmp/builtin.json"
check 'run --impl copy: update kernel sgd/copy, trace equal to the built-in one within 1e-5' $PY -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["runs"][0]["kernels"]["update"] == "sgd/copy", a["runs"][0]["kernels"]
assert a["context"]["plugins"][0]["verified"] is True
la, lb = ([p["loss"] for p in r["runs"][0]["trace"]] for r in (a, b))
assert len(la) == len(lb) >= 2 and all(abs(x - y) <= 1e-5 * abs(y) for x, y in zip(la, lb)), (la, lb)
' "$tmp/mine.json" "$tmp/builtin.json"
check 'run with a plugin: the result file is valid against the schema' $PY "$VALIDATE" "$SCHEMA" "$tmp/mine.json"

# a wrong row: refused before use, naming the row, element, values and tolerance; --no-verify runs it, recorded
expect 1 'refusing a plugin row .*sgd/wrong at f32/f32/f32: w\[0\] = .*, expected .* \(tolerance .*\), at n = 1' \
	"$GD" kernels --plugin "$WRONG" --what update --rules sgd --sizes 4K
expect 1 'refusing a plugin row .*sgd/wrong' "$GD" "${runargs[@]}" --plugin "$WRONG" --impl wrong -o "$tmp/w.json"
expect 0 'wrote' "$GD" "${runargs[@]}" --plugin "$WRONG" --impl wrong --no-verify -o "$tmp/w.json"
check 'run --no-verify: recorded as verified false' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["context"]["plugins"] == [{"path": sys.argv[2], "rows": ["sgd/wrong"], "verified": False}], d["context"]["plugins"]
' "$tmp/w.json" "$WRONG"
expect 0 'sgd/wrong' "$GD" list --plugin "$WRONG"   # list runs nothing: no verification

# refusals: one line each, exit 1; a missing argument is a usage error (2)
expect 1 "^gdbench list: --plugin $tmp/none.so: dlopen: .*No such file" "$GD" list --plugin "$tmp/none.so"
expect 1 'missing symbol gdbench_plugin_init' "$GD" list --plugin "$NO_INIT"
expect 1 "built for plugin ABI [0-9]+; this gdbench has ABI [0-9]+" "$GD" list --plugin "$ABI"
expect 1 'sgd/copy: duplicate row name' "$GD" list --plugin "$DUP"
expect 1 'sgd/copy: duplicate row name' "$GD" list --plugin "$GOOD" --plugin "$GOOD"
expect 1 "unknown CPU feature 'avx9'; expected some of: " "$GD" list --plugin "$FEATURE"
expect 1 "impl 'simd' clashes with a built-in one" "$GD" list --plugin "$IMPL"
expect 1 'null function for f32' "$GD" kernels --plugin "$NULLFN"
expect 1 "GDBENCH_PLUGINS: $ABI: built for plugin ABI" env GDBENCH_PLUGINS="$GOOD:$ABI" "$GD" run --help
expect 2 "option '--plugin' needs a value" "$GD" kernels --plugin
# a bare name is a path from the working directory, never a library-path search
expect 1 "--plugin ./libm.so.6: dlopen" "$GD" list --plugin libm.so.6
for c in GOOD WRONG NO_INIT ABI DUP FEATURE IMPL NULLFN; do
	[ "$(eval "$GD list --plugin \"\$$c\"" 2>&1 >/dev/null | wc -l)" -le 1 ] || { echo "not ok: $c: more than one line"; fails=$((fails + 1)); }
done
finish plugin
