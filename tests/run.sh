#!/usr/bin/env bash
# End-to-end checks of `gdbench run`: result files that validate against results/schema.json,
# exit codes and one-line messages for bad input with no result file left, and SIGINT/SIGTERM
# keeping what was measured. Usage: tests/run.sh PATH/TO/gdbench SCHEMA VALIDATOR
set -u
GD=${1:?usage: run.sh gdbench schema.json validate_results.py}
SCHEMA=$2
VALIDATE=$3
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"
blobs='--data synth-blobs:n=3000:d=12:c=3 --quiet --no-roofline'

valid() { $PY "$VALIDATE" "$SCHEMA" "$@" >"$tmp/val" 2>&1 || { cat "$tmp/val"; return 1; }; }

# every optimizer kind and mode, 1 and 2 threads, one file that validates
expect 0 'wrote .*a.json \(6 runs\)' "$GD" run $blobs --opt sgd:lr=0.2,adam:lr=0.01,rprop \
	--mode full,minibatch:64 --threads 1 --epochs 2 -o "$tmp/a.json"
check 'a.json validates against the schema' valid "$tmp/a.json"
expect 0 'wrote' "$GD" run --data synth-blobs:n=500:d=4:c=2 --quiet --threads 1,2 --epochs 1 -o "$tmp/roof.json"
check 'the context holds the roofline measured on 1 and 2 threads' $PY -c '
import json, sys
c = json.load(open(sys.argv[1]))["context"]
for k in ("roofline_1t", "roofline_2t"):
    assert c[k]["triad_GBps"] > 0 and c[k]["fma_GFLOPs"] > 0, c.get(k)
' "$tmp/roof.json"
expect 0 'wrote' "$GD" run $blobs --opt lbfgs --mode full --threads 1,2 --epochs 4 --target 0.5 -o "$tmp/b.json"
check 'b.json validates (L-BFGS on 1 and 2 threads)' valid "$tmp/b.json"
expect 0 'wrote' "$GD" run $blobs --opt sgd:lr=0.1:momentum=0.9 --mode sample --epochs 1 --eval-every 500steps \
	--schedule invt:k=0.01:warmup=10 --clip 5 --noise 0.01 -o "$tmp/c.json"
check 'c.json validates (sample mode, schedule, clipping, noise)' valid "$tmp/c.json"
check 'the schema catches broken files' $PY "$VALIDATE" "$SCHEMA" "$tmp/a.json" --self-test
check 'sample mode: exactly N samples per epoch, 500-step cadence' $PY -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r["summary"]["samples"] == 3000 and r["summary"]["steps"] == 3000, r["summary"]
steps = [t["step"] for t in r["trace"]]
assert steps[:3] == [0, 500, 1000], steps
assert r["optimizer"]["rule"] == "momentum" and r["kernels"]["update"].startswith("momentum/")
' "$tmp/c.json"
expect 0 'wrote' "$GD" run $blobs --opt adagrad:lr=0.1 --mode hogwild:16 --threads 2 --epochs 2 -o "$tmp/h.json"
check 'hogwild on 2 threads validates and records both workers placement' $PY -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r["mode"] == "hogwild" and r["threads"] == 2 and len(r["placement"]["threads"]) == 2
assert r["summary"]["samples"] == 6000 and r["summary"]["final_loss"] < r["trace"][0]["loss"]
' "$tmp/h.json"
expect 0 'converged' "$GD" run --data synth-regression:n=2000:d=10 --opt newton --mode full --epochs 5 --quiet
# a fixed seed gives the same trace (at a fixed cadence: auto's evaluation times vary)
"$GD" run $blobs --opt adam:lr=0.01 --mode minibatch:32 --epochs 2 --seed 7 --eval-every epoch -o "$tmp/s1.json" >/dev/null 2>&1
"$GD" run $blobs --opt adam:lr=0.01 --mode minibatch:32 --epochs 2 --seed 7 --eval-every epoch -o "$tmp/s2.json" >/dev/null 2>&1
check 'same seed, same trace' $PY -c '
import json, sys
a, b = (json.load(open(p))["runs"][0]["trace"] for p in sys.argv[1:3])
assert [r["loss"] for r in a] == [r["loss"] for r in b]
' "$tmp/s1.json" "$tmp/s2.json"

# bad input: exit 2 (usage) or 1 (failure), one line of message, no result file
bad() { # bad STATUS 'PATTERN' ARGS...
	local st=$1 pat=$2; shift 2
	rm -f "$tmp/bad.json"
	expect "$st" "$pat" "$GD" run $blobs --epochs 1 "$@" -o "$tmp/bad.json"
	check '  ... and left no result file' test ! -e "$tmp/bad.json"
}
bad 2 "unknown optimizer 'adamx'" --opt adamx
bad 2 "unknown hyperparameter 'mu'" --opt sgd:mu=0.9
bad 2 "bad lr \\(must be > 0\\)" --opt sgd:lr=0
bad 2 "bad betas" --opt adam:betas=0.9/1.5
bad 2 "unknown mode 'turbo'" --mode turbo
bad 2 "batch 5000 is larger than the 3000 training rows" --mode minibatch:5000
bad 2 "--threads '64'" --threads 64
bad 2 "mode sample runs on one thread .* hogwild:1" --mode sample --threads 2
bad 2 "lbfgs runs in full mode only" --opt lbfgs --mode minibatch:10
bad 2 "--schedule 'cosine'" --schedule cosine
bad 2 "--time 'soon'" --time soon
bad 2 "--model 'lsq' does not fit the data" --model lsq
expect 1 "cannot open" "$GD" run --data libsvm:/nonexistent.svm --quiet
expect 1 "cannot write '/nonexistent/dir/r.json'" "$GD" run $blobs --epochs 1 -o /nonexistent/dir/r.json
# storage dtypes: one run per dtype, each recorded and named; bf16 nearest-even rounding
# of the parameters must change the trajectory, fp32 arithmetic inside stays reproducible
expect 0 'wrote' "$GD" run $blobs --opt adam:lr=0.01 --epochs 2 --threads 1,2 \
	--dtype f32/f32/f32,bf16/bf16/f32,bf16/bf16/bf16+sr,f16/f16/f32 -o "$tmp/dt.json"
check 'dt.json validates' valid "$tmp/dt.json"
check 'each dtype is its own run, recorded and named, on 1 and 2 threads' $PY -c '
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
got = sorted((r["dtype"], r["threads"], r["optimizer"]["name"]) for r in runs)
want = sorted((d, t, "adam:lr=0.01" + ("" if d == "f32/f32/f32" else " @" + d))
              for d in ("f32/f32/f32", "bf16/bf16/f32", "bf16/bf16/bf16+sr", "f16/f16/f32") for t in (1, 2))
assert got == want, got
loss = {(r["dtype"], r["threads"]): r["summary"]["final_loss"] for r in runs}
assert loss[("bf16/bf16/f32", 1)] != loss[("f32/f32/f32", 1)], loss
' "$tmp/dt.json"
"$GD" run $blobs --opt adam:lr=0.01 --epochs 1 --dtype bf16/bf16/bf16+sr -o "$tmp/sr1.json"
"$GD" run $blobs --opt adam:lr=0.01 --epochs 1 --dtype bf16/bf16/bf16+sr -o "$tmp/sr2.json"
check 'stochastic rounding is reproducible from the seed' $PY -c '
import json, sys
a, b = (json.load(open(f))["runs"][0]["summary"]["final_loss"] for f in sys.argv[1:3])
assert a == b, (a, b)
' "$tmp/sr1.json" "$tmp/sr2.json"
expect 2 "--dtype: 'f32/f32' is not a storage type" "$GD" run $blobs --dtype f32/f32
expect 2 "storage dtypes run in full, minibatch and sample modes" "$GD" run $blobs --dtype bf16/bf16/f32 --mode hogwild:8 --threads 2
expect 2 "lbfgs keeps fp32 parameters" "$GD" run $blobs --dtype bf16/bf16/f32 --opt lbfgs --mode full

expect 2 "exists; use --force" "$GD" run $blobs --epochs 1 -o "$tmp/a.json"
check 'a refused overwrite left the old file intact' valid "$tmp/a.json"

# suites: every group appended to one file; bad suites refused before anything runs
cat >"$tmp/suite.json" <<'JSON'
{"name": "t", "groups": [
  {"data": "synth-blobs:n=1000:d=5:c=2", "opt": ["sgd:lr=0.1", "adam:lr=0.01"], "mode": "full", "epochs": 2},
  {"data": "synth-regression:n=500:d=4", "model": "lsq", "opt": "newton", "mode": "full", "epochs": 3, "no-test": true}
]}
JSON
expect 0 'wrote .*suite-out.json \(3 runs\)' "$GD" run --suite "$tmp/suite.json" --quiet -o "$tmp/suite-out.json"
check 'the suite file validates' valid "$tmp/suite-out.json"
echo '{"groups": [{"opt": "sgd", "lerning-rate": 3}]}' >"$tmp/bad1.json"
expect 2 "group 0: unknown key 'lerning-rate'" "$GD" run --suite "$tmp/bad1.json" -o "$tmp/never.json"
echo '{"groups": [{"opt": "sgd",}]}' >"$tmp/bad2.json"
expect 2 "bad2.json:1:" "$GD" run --suite "$tmp/bad2.json" -o "$tmp/never.json"
echo '{"groups": [{"no-test": 3}]}' >"$tmp/bad3.json"
expect 2 "'no-test' must be true or false" "$GD" run --suite "$tmp/bad3.json" -o "$tmp/never.json"
check 'bad suites left no file' test ! -e "$tmp/never.json"

# sparse (CSR) data: lazy and dense updates, per-sample and hogwild (locked too); the file validates
sp="$(dirname "$VALIDATE")/data/sparse.libsvm"
expect 0 'wrote .*csr.json \(4 runs\)' "$GD" run --data "libsvm:$sp" --storage csr --opt adagrad:lr=0.5 \
	--mode sample,minibatch:2,hogwild:1,hogwild-locked:1 --epochs 3 --no-roofline --quiet -o "$tmp/csr.json"
expect 0 'wrote' "$GD" run --data "libsvm:$sp" --storage csr --opt sgd:lr=0.5 --l2 0.01 --mode minibatch:2 \
	--sparse-update dense --epochs 3 --no-roofline --quiet --append -o "$tmp/csr.json"
check 'csr.json validates' valid "$tmp/csr.json"
check 'csr.json: CSR kernels, the update kind and exactness, the locked hogwild marked' $PY -c '
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
assert all(r["kernels"]["gradient"].startswith("softmax-csr/") for r in runs), [r["kernels"] for r in runs]
assert [r["sparse"]["update"] for r in runs] == ["lazy"] * 4 + ["dense"]
assert all(r["sparse"]["exact"] for r in runs)  # adagrad lazy, and any dense update
assert [r.get("hogwild_lock", False) for r in runs] == [False, False, False, True, False]
assert all(0 < r["sparse"]["coords_per_step"] <= 8 * 3 + 3 for r in runs[:4])
' "$tmp/csr.json"
expect 0 'bench/suites/default.json|groups' "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print("groups", len(d["groups"]))' \
	"$(dirname "$VALIDATE")/../bench/suites/default.json"

# SIGINT / SIGTERM: finished runs plus the interrupted one, status interrupted, 130 / 143
for sig in INT TERM; do
	rm -f "$tmp/int.json"
	"$GD" run --data synth-blobs:n=20000:d=50:c=5 --quiet --opt sgd:lr=0.05 --opt adam:lr=0.01 \
		--mode minibatch:16 --time 1.5s --epochs 1000 --no-roofline -o "$tmp/int.json" --force >/dev/null 2>&1 &
	pid=$!
	sleep 0.3
	# wait until the first run is written, then interrupt the second
	for _ in $(seq 600); do [ -e "$tmp/int.json" ] && break; sleep 0.1; done
	kill -s $sig $pid
	wait $pid
	st=$?
	want=$([ $sig = INT ] && echo 130 || echo 143)
	check "SIG$sig: exit $want (got $st)" [ "$st" -eq "$want" ]
	check "SIG$sig: the file validates and ends with an interrupted run" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d.get("interrupted") is True, d.keys()
st = [r["status"] for r in d["runs"]]
assert st[-1] == "interrupted" and all(s == "complete" for s in st[:-1]), st
assert d["runs"][-1]["summary"]["stop_reason"] == "interrupted"
' "$tmp/int.json"
	check "SIG$sig: validates" valid "$tmp/int.json"
done

# what run prints: the targets and the cadence, a header per group (problem, data, mode, ISA,
# gradient kernel; scalar kernels said so), columns headed by their target and as wide as the
# longest optimizer text; the cadence recorded: auto by default, an explicit one wins
long=sgd:lr=0.05:momentum=0.9:nesterov=1:weight_decay=0.0001
expect 0 'wrote' "$GD" run $blobs --opt "adam:lr=0.01,$long" --mode full,minibatch:64 --epochs 2 --target 0.9,0.5 \
	-o "$tmp/tab.json"
cp "$tmp/out" "$tmp/tab.txt"
check 'run prints the targets, a header per group, t(<=target) headers, aligned columns' $PY - "$tmp/tab.txt" "$long" <<'PY'
import re, sys
text, long = open(sys.argv[1]).read(), sys.argv[2]
assert "targets (training loss): 0.9, 0.5;" in text, text
assert re.search(r"^evaluations: auto, every .*s of training", text, re.M), text
heads = re.findall(r"^== softmax on synth-blobs:n=3000:d=12:c=3 \| mode (\S+) \| ISA \S+ \| gradient kernel softmax/", text, re.M)
assert heads == ["full", "minibatch:64"], heads
hdr = [l for l in text.splitlines() if l.startswith("optimizer ")]
assert len(hdr) == 2 and "t(<=0.9)" in hdr[0] and "t(<=0.5)" in hdr[0] and "t(loss" not in hdr[0], hdr
rows = [l for l in text.splitlines() if l.startswith(("adam:lr=0.01 ", long + " "))]
assert len(rows) == 4, rows
col = hdr[0].index("update")  # every row's update kernel starts under its header
assert all(r[col - 2:col] == "  " and r[col] != " " for r in rows), (col, rows)
PY
check 'the cadence is recorded: auto, its fraction and the period it chose' $PY -c '
import json, sys
for r in json.load(open(sys.argv[1]))["runs"]:
    b = r["budget"]
    assert b["eval_every"] == "auto" and b["eval_auto_fraction"] == 0.2 and b["eval_period_s"] > 0, b
' "$tmp/tab.json"
check 'tab.json validates' valid "$tmp/tab.json"
expect 0 'evaluations: every 7 steps' "$GD" run $blobs --opt sgd:lr=0.1 --epochs 1 --eval-every 7steps -o "$tmp/e7.json"
check 'an explicit --eval-every wins over auto' $PY -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r["budget"]["eval_every"] == "steps" and "eval_period_s" not in r["budget"], r["budget"]
assert [t["step"] for t in r["trace"]][:3] == [0, 7, 14], r["trace"][:3]
' "$tmp/e7.json"
# auto when one evaluation (20000 rows) costs more than a fifth of the training (an epoch of
# steps of 32): the fraction alone gave two rows, the first and the last
expect 0 'wrote' "$GD" run --data synth-blobs:n=20000:d=50:c=3 --opt sgd:lr=0.1 --mode minibatch:32 --epochs 1 \
	--quiet --no-roofline -o "$tmp/cap.json"
check 'auto under an epoch budget: at least 20 evaluations, one every 1/20 of the budget or sooner' $PY -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
s = [t["samples"] for t in r["trace"]]
assert len(s) >= 21 and s[0] == 0 and s[-1] == 20000, s
assert max(b - a for a, b in zip(s, s[1:])) <= 20000 // 20 + 32, s
' "$tmp/cap.json"
expect 0 'ISA scalar \| gradient kernel softmax/scalar \(SCALAR' "$GD" run $blobs --opt sgd:lr=0.1 --epochs 1 --isa scalar
# progress: periodic lines on a stderr that is not a terminal (--progress=S), none with --quiet
"$GD" run $blobs --opt sgd:lr=0.1 --epochs 3 --eval-every 10steps --progress=1e-9 >/dev/null 2>"$tmp/prog.txt"
check 'progress lines on a pipe: "[1/1] ... ETA", one per line, no carriage return' $PY -c '
import re, sys
t = open(sys.argv[1]).read()
lines = [l for l in t.splitlines() if l.startswith("gdbench run: [1/1] sgd:lr=0.1 minibatch:128 T=1: epoch ")]
assert len(lines) >= 3 and all(re.search(r"; ETA (\?|[0-9]+s)$", l) for l in lines) and "\r" not in t, t
' "$tmp/prog.txt"
"$GD" run $blobs --opt sgd:lr=0.1 --epochs 3 --eval-every 10steps >/dev/null 2>"$tmp/quiet.txt"
check '--quiet: nothing on stderr' test ! -s "$tmp/quiet.txt"

finish run
