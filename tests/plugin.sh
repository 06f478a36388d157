#!/usr/bin/env bash
# Plugins end to end: loading (--plugin, GDBENCH_PLUGINS), a row in list marked
# with its file, verification before kernels/run use a row (a wrong one refused
# with its first mismatch, --no-verify recorded), --impl selecting a plugin's
# impl, rows needing features this CPU lacks skipped, and each refusal's message
# and exit status; a plugin's own rule (listed, timed, trained with, tuned, its
# keys enforced) and gradient variant (verified, timed, trained with), and the
# refusals of a bad rule or gradient row. The plugins are
# tests/plugins/plugin_cases.c, one per case.
# usage: plugin.sh GDBENCH SCHEMA VALIDATOR GOOD WRONG NO_INIT ABI DUP FEATURE IMPL NULL RULE RULE_CLASH
#                  RULE_NOREF RULE_NSTATE RULE_KEY RULE_UNKNOWN GRAD_WRONG
set -u
GD=$1 SCHEMA=$2 VALIDATE=$3 GOOD=$4 WRONG=$5 NO_INIT=$6 ABI=$7 DUP=$8 FEATURE=$9 IMPL=${10} NULLFN=${11}
RULE=${12} RULE_CLASH=${13} RULE_NOREF=${14} RULE_NSTATE=${15} RULE_KEY=${16} RULE_UNKNOWN=${17} GRAD_WRONG=${18}
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
# a fixed evaluation cadence: auto adapts to measured time, so two runs' traces may differ in length
runargs=(run --data synth-blobs:n=256:d=7:c=3 --model softmax --opt sgd:lr=0.1 --mode full --epochs 5 --threads 1
         --no-roofline --quiet --force --eval-every epoch)
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

# a plugin's rule: its reference row and variant in list with the file, the gradient row too
expect 0 "halfstep/scalar +halfstep +scalar +scalar +yes +0 +3 +16 .*plugin $RULE" "$GD" list --plugin "$RULE"
expect 0 "halfstep/copy +halfstep +copy .*plugin $RULE" "$GD" list --plugin "$RULE"
expect 0 "lsq/copy +lsq +copy .*plugin $RULE" "$GD" list --kind grad --plugin "$RULE"
# kernels: both rows of the rule, with a ceiling fraction; context.plugins an array the schema describes
# (one kernels run for both kinds: its start-up measurements take seconds)
expect 0 'halfstep/copy +n:4096 +1 +[0-9.]+ \([0-9.]+\) +[0-9.]+ \([0-9.]+\) halfstep/scalar' "$GD" kernels --plugin "$RULE" \
	--what update,grad --rules halfstep --sizes 4K --threads 1 --models lsq --impl copy,scalar --batches 7 --min-time 0.01 \
	-o "$tmp/kr.json"
# the gradient row timed with peak and xread beside the built-in scalar one
check 'kernels --what grad: lsq/copy with rows/s, GFLOP/s, peak, no isa_peak (its width is its own), xread' grep -Eq '^lsq/copy +B:7 +[0-9.e+]+ +[0-9.]+ +[0-9.]+ +- +[0-9.]+' "$tmp/out"
check 'kernels -o: the rule'"'"'s rows; context.plugins a JSON array valid by results/schema.json $defs/plugins' $PY -c '
import json, sys
from jsonschema import Draft202012Validator
d, schema = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
names = {b["name"].split("/n:")[0].split("/B:")[0] for b in d["benchmarks"] if b.get("run_type") == "iteration"}
assert names == {"halfstep/scalar", "halfstep/copy", "lsq/copy", "lsq/scalar"}, names
# the ceiling fraction counts the rule'"'"'s declared 16 bytes against the ceiling kernel'"'"'s GB/s
for b in d["benchmarks"]:
    if b.get("run_type") == "iteration" and b["name"].startswith("halfstep"):
        assert abs(b["bytes_per_second"] / b["items_per_second"] - 16) < 1e-6, b
        assert abs(b["roofline"] * b["ceiling_GBps"] * 1e9 / b["bytes_per_second"] - 1) < 1e-3, b
p = d["context"]["plugins"]
assert p == [{"path": sys.argv[3], "rows": ["halfstep/scalar", "halfstep/copy", "lsq/copy"], "verified": True,
              "rules": ["halfstep"]}], p
errors = list(Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/plugins"}).iter_errors(p))
assert not errors, errors
bad = [dict(p[0], rules=[])]
assert list(Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/plugins"}).iter_errors(bad))
' "$tmp/kr.json" "$SCHEMA" "$RULE"
# run: halfstep at lr 0.2 is sgd at lr 0.1 (its first variant without --impl); its keys only
hargs=(run --data synth-blobs:n=256:d=7:c=3 --model softmax --mode full --epochs 5 --threads 1 --no-roofline --quiet --force
       --eval-every epoch)
expect 0 'wrote' "$GD" "${hargs[@]}" --plugin "$RULE" --opt halfstep:lr=0.2 -o "$tmp/half.json"
expect 0 'wrote' "$GD" "${hargs[@]}" --opt sgd:lr=0.1 -o "$tmp/sgd.json"
check 'run --opt halfstep:lr=0.2: halfstep/copy, the rule recorded, sgd:lr=0.1'"'"'s trace within 1e-5' $PY -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
r = a["runs"][0]
assert r["kernels"]["update"] == "halfstep/copy" and r["optimizer"]["rule"] == "halfstep", r["kernels"]
assert sorted(r["optimizer"]["hparams"]) == ["decoupled_weight_decay", "lr", "weight_decay"], r["optimizer"]
la, lb = ([p["loss"] for p in x["runs"][0]["trace"]] for x in (a, b))
assert len(la) == len(lb) >= 2 and all(abs(x - y) <= 1e-5 * abs(y) for x, y in zip(la, lb)), (la, lb)
' "$tmp/half.json" "$tmp/sgd.json"
check 'run with a plugin rule: valid against the schema' $PY "$VALIDATE" "$SCHEMA" "$tmp/half.json"
expect 2 "halfstep does not read 'betas' \(it reads lr, weight_decay, decoupled\)" "$GD" "${hargs[@]}" --plugin "$RULE" \
	--opt halfstep:betas=0.9/0.99
expect 2 "unknown optimizer 'halfstep'" "$GD" "${hargs[@]}" --opt halfstep
# --impl copy: the plugin's lsq gradient (its sgd/copy is another plugin's), our update
largs=(run --data synth-regression:n=256:d=9 --model lsq --opt sgd:lr=0.05 --mode full --epochs 4 --threads 1 --no-roofline
       --quiet --force --eval-every epoch)
expect 0 'wrote' "$GD" "${largs[@]}" --plugin "$RULE" --impl copy -o "$tmp/lg.json"
expect 0 'wrote' "$GD" "${largs[@]}" --impl scalar -o "$tmp/ls.json"
check 'run --model lsq --impl copy: gradient lsq/copy, update built-in, the scalar trace within 1e-5' $PY -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
k = a["runs"][0]["kernels"]
assert k["gradient"] == "lsq/copy" and not k["update"].startswith("sgd/copy"), k
la, lb = ([p["loss"] for p in x["runs"][0]["trace"]] for x in (a, b))
assert len(la) == len(lb) >= 2 and all(abs(x - y) <= 1e-5 * abs(y) for x, y in zip(la, lb)), (la, lb)
' "$tmp/lg.json" "$tmp/ls.json"
expect 2 "no plugin row for sgd \(update\) nor softmax \(gradient\)" "$GD" "${hargs[@]}" --plugin "$RULE" --opt sgd --impl copy
# tune: a plugin's impl and a plugin's rule in the grid, every run on the plugin's kernels
expect 0 'wrote .*t.json: 2 grid runs' "$GD" tune --plugin "$RULE" --data synth-regression:n=256:d=9 --model lsq \
	--opt 'halfstep:lr=0.02..0.1:log2' --mode full --grid-epochs 1 --seeds 1 --epochs 2 --impl copy --quiet --no-roofline \
	-o "$tmp/t.json"
check 'tune --impl copy: every run on halfstep/copy and lsq/copy; valid' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
ks = {(r["kernels"]["update"], r["kernels"]["gradient"]) for r in d["runs"]}
assert ks == {("halfstep/copy", "lsq/copy")}, ks
assert d["context"]["plugins"][0]["rules"] == ["halfstep"]
' "$tmp/t.json"
check 'tune with a plugin: valid against the schema' $PY "$VALIDATE" "$SCHEMA" "$tmp/t.json"
# a wrong gradient row: refused before use with its first mismatch; --no-verify runs it, recorded
expect 1 'refusing a plugin row .*lsq/wrong: grad\[37\] = .*, expected .* \(tolerance .*\), at batch 1 \(contiguous rows, d = 37\)' \
	"$GD" "${largs[@]}" --plugin "$GRAD_WRONG" --impl wrong -o "$tmp/gw.json"
expect 1 'refusing a plugin row .*lsq/wrong' "$GD" kernels --plugin "$GRAD_WRONG" --what grad --models lsq --impl wrong
expect 0 'wrote' "$GD" "${largs[@]}" --plugin "$GRAD_WRONG" --impl wrong --no-verify -o "$tmp/gw.json"
check 'run --no-verify with a wrong gradient row: lsq/wrong used, recorded as verified false' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["runs"][0]["kernels"]["gradient"] == "lsq/wrong", d["runs"][0]["kernels"]
assert d["context"]["plugins"] == [{"path": sys.argv[2], "rows": ["lsq/wrong"], "verified": False}], d["context"]["plugins"]
' "$tmp/gw.json" "$GRAD_WRONG"
expect 0 'lsq/wrong .*plugin' "$GD" list --kind grad --plugin "$GRAD_WRONG"
# a bad rule: one line each, exit 1
expect 1 "rule adam: clashes with a built-in rule" "$GD" list --plugin "$RULE_CLASH"
expect 1 "rule halfstep: missing reference" "$GD" list --plugin "$RULE_NOREF"
expect 1 "rule halfstep: nstate 4 out of range; expected 0..3" "$GD" list --plugin "$RULE_NSTATE"
expect 1 "rule halfstep: unknown hyperparameter key 'lr_warmup'; expected some of: lr momentum" "$GD" list --plugin "$RULE_KEY"
expect 1 "halfstep/copy: 'halfstep' is not a rule of this gdbench" "$GD" list --plugin "$RULE_UNKNOWN"
expect 1 "rule halfstep: duplicate rule name" "$GD" list --plugin "$RULE" --plugin "$RULE"
for c in GOOD WRONG NO_INIT ABI DUP FEATURE IMPL NULLFN RULE RULE_CLASH RULE_NOREF RULE_NSTATE RULE_KEY RULE_UNKNOWN GRAD_WRONG; do
	[ "$(eval "$GD list --plugin \"\$$c\"" 2>&1 >/dev/null | wc -l)" -le 1 ] || { echo "not ok: $c: more than one line"; fails=$((fails + 1)); }
done
finish plugin
