#!/usr/bin/env bash
# Sweeps in `gdbench run` and `gdbench tune` end to end: grid expansion, the whole grid kept,
# the winner by the stated criterion, reruns over seeds, a file that validates, and the report's
# sensitivity and performance-profile figures. Usage: tests/tune.sh gdbench schema.json validate.py
set -u
GD=${1:?usage: tune.sh gdbench schema.json validate_results.py}
SCHEMA=$2
VALIDATE=$3
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"
blobs=(--data synth-blobs:n=2000:d=10:c=3 --quiet --no-roofline)

# a sweep in run: 4 log-spaced rates x 2 momenta = 8 runs
expect 0 'wrote .*sw.json \(8 runs\)' "$GD" run "${blobs[@]}" --opt 'sgd:lr=1e-3..1:log4:momentum=0.5|0.9' \
	--mode full --epochs 2 -o "$tmp/sw.json"
check 'the sweep ran every grid point' $PY -c '
import json, sys
names = [r["optimizer"]["name"] for r in json.load(open(sys.argv[1]))["runs"]]
assert names[0] == "sgd:lr=0.001:momentum=0.5" and names[-1] == "sgd:lr=1:momentum=0.9", names
' "$tmp/sw.json"
expect 2 "A..B:logN" "$GD" run "${blobs[@]}" --opt 'adam:lr=1e-4..1e-1' --epochs 1
expect 2 'a log range needs A, B > 0' "$GD" run "${blobs[@]}" --opt 'adam:lr=0..1:log3' --epochs 1

# tune: two families, time criterion, 3 seeds
expect 0 'wrote .*t.json: 8 grid runs, 6 reruns of 2 winners' "$GD" tune "${blobs[@]}" \
	--opt 'sgd:lr=1e-3..1:log4,adam:lr=1e-4..1e-1:log4' --mode minibatch:32 --grid-epochs 1 \
	--seeds 3 --epochs 3 --target 0.3 --eval-every 10steps -o "$tmp/t.json"
check 'tune names its final file, never its temporary one' bash -c "! grep -q 'grid\.tmp\.' '$tmp/out'"
check 't.json validates' $PY "$VALIDATE" "$SCHEMA" "$tmp/t.json"
check 'the whole grid, the criterion, winners and seeded reruns are recorded' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d["tune"]
assert t["criterion"] == "time" and t["seeds"] == 3 and len(t["groups"]) == 2
roles = [r["tune_role"] for r in d["runs"]]
assert roles == ["grid"] * 8 + ["rerun"] * 6, roles
for g in t["groups"]:
    assert len(g["grid"]) == 4
    # the winner is the fastest to the target among those that reached it
    reached = [e for e in g["grid"] if e["time_to_target"] is not None and not e["diverged"]]
    if reached:
        best = min(reached, key=lambda e: (e["time_to_target"], e["final_loss"]))
        assert g["winner"] == best["optimizer"], (g["winner"], best)
    reruns = [r for r in d["runs"] if r["tune_role"] == "rerun" and r["optimizer"]["name"] == g["winner"]]
    assert sorted(r["seed"] for r in reruns) == [1, 2, 3], [r["seed"] for r in reruns]
' "$tmp/t.json"
"$GD" report -o "$tmp/rep" "$tmp/t.json" >/dev/null 2>&1
check 'report: learning-rate sensitivity and performance profile' bash -c "grep -q 'Learning-rate sensitivity, minibatch:32' '$tmp/rep/index.html' && grep -q 'Performance profile' '$tmp/rep/index.html' && grep -q '<title>adam:lr=1e-4..1e-1:log4</title>' '$tmp/rep/index.html' && grep -q '<title>sgd:lr=1e-3..1:log4</title>' '$tmp/rep/index.html' && grep -q '<title>diverged</title>' '$tmp/rep/index.html'"
# the loss plots show the winners' reruns only (2 winners: 2 series), the grid has its own section
nser=$(/usr/bin/python3 -c '
import json, re, sys
specs = re.findall(r"class=gdspec data-for=\"plot\d+\">(.*?)</script>", open(sys.argv[1]).read(), re.S)
print(len({x["label"] for s in specs for x in json.loads(s)["series"]}))' "$tmp/rep/index.html")
check "report: grid runs apart from the reruns ($nser series in the loss plots, expected 2)" bash -c "[ '$nser' = 2 ] && grep -q 'grid runs of <code>gdbench tune</code>' '$tmp/rep/index.html'"
check 'report: the profile names solvers by rule (sgd and adam)' bash -c "grep -q '<td>sgd</td>' '$tmp/rep/index.html' && grep -q '<td>adam</td>' '$tmp/rep/index.html'"
# the mode label comes from one place (harness/runlabel.c): a locked Hogwild tune finds its winner,
# and gdbench-compare keeps locked and lock-free runs apart
expect 0 'wrote .*hl.json: 2 grid runs, 1 reruns of 1 winners' "$GD" tune "${blobs[@]}" --opt 'sgd:lr=0.01|0.1' \
	--mode hogwild-locked:16 --grid-epochs 1 --seeds 1 --epochs 1 -o "$tmp/hl.json"
"$GD" run "${blobs[@]}" --opt sgd:lr=0.1 --mode hogwild:16 --epochs 1 --repeat 3 -o "$tmp/hw.json" >/dev/null
"$GD" run "${blobs[@]}" --opt sgd:lr=0.1 --mode hogwild-locked:16 --epochs 1 --repeat 3 -o "$tmp/hwl.json" >/dev/null
expect 0 'only in .*hwl.json: .* hogwild-locked:16 ' "$GD" compare "$tmp/hw.json" "$tmp/hwl.json"
expect 2 'needs --target' "$GD" tune "${blobs[@]}" --opt 'sgd:lr=0.1|0.2' --criterion time -o "$tmp/x.json"
expect 2 "'--repeat' is not available in tune" "$GD" tune "${blobs[@]}" --opt 'sgd:lr=0.1|0.2' --repeat 2 -o "$tmp/x.json"
expect 2 'at least one optimizer family' "$GD" tune "${blobs[@]}" -o "$tmp/x.json"
check 'refused tunes left no file' test ! -e "$tmp/x.json"
finish tune
