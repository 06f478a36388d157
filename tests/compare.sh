#!/usr/bin/env bash
# gdbench-compare verdicts on synthetic result files: identical, 10% slower with clear
# separation, overlapping noise, too few repetitions, mismatched context, convergence runs,
# a peer file (torch) beside a kernels file, and input errors (also perf-gate.sh --base's). Usage: tests/compare.sh PATH/TO/gdbench-compare PATH/TO/gdbench
set -u
CMP=${1:?usage: compare.sh gdbench-compare gdbench}
GD=$2
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"
# the kernel names in the synthetic files: the best variants this machine runs (from the registry)
registry "$GD" || { echo "not ok - $GD list --json"; exit 1; }
adam=$(reg 'next(e["name"] for e in run(U) if e["rule"] == "adam")')
sgd=$(reg 'next(e["name"] for e in run(U) if e["rule"] == "sgd")')
softmax=$(reg 'next(e["name"] for e in run(G) if e["model"] == "softmax")')
isa=$(reg 'next(e["isa"] for e in run(U) if e["rule"] == "adam")')

# kernels files in Google Benchmark's format: NAME:MEAN:SD:REPS per benchmark (seeded noise)
$PY - "$tmp" "$adam" "$sgd" "$softmax" "$isa" <<'PY'
import json, random, sys
d, adam, sgd, softmax, isa = sys.argv[1:6]
def kern(path, specs, cpu="Test CPU", nan=False, mid=None, ahead=None):
    rnd = random.Random(path)
    b = []
    for name, mean, sd, reps in specs:
        for r in range(reps):
            b.append({"name": name, "run_name": name, "run_type": "iteration", "repetitions": reps,
                      "repetition_index": r, "threads": 1, "real_time": 1.0, "roofline": rnd.gauss(mean, sd)})
        b.append({"name": name + "_mean", "run_name": name, "run_type": "aggregate", "aggregate_name": "mean",
                  "threads": 1, "roofline": mean, "x_cv": "NaN"})
    doc = {"context": {"cpu_model": cpu, "isa": isa, "openblas_corename": "Haswell"}, "benchmarks": b}
    if mid:
        doc["context"]["machine_id"] = mid
    if ahead is not None:
        doc["context"]["stream_ahead"] = ahead
    text = json.dumps(doc)
    if nan:  # Google Benchmark can write a bare NaN
        text = text.replace('"x_cv": "NaN"', '"x_cv": NaN')
    open(f"{d}/{path}", "w").write(text)
base = [(adam + "/L1", 1.0, 0.01, 10), (sgd + "/L1", 0.8, 0.01, 10)]
kern("base.json", base, nan=True)
kern("same.json", [(n, m, s, r) for n, m, s, r in base])
kern("slow.json", [(adam + "/L1", 0.9, 0.01, 10), (sgd + "/L1", 0.8, 0.01, 10)])
kern("noisy_a.json", [(adam + "/L1", 1.0, 0.10, 10)])
kern("noisy_b.json", [(adam + "/L1", 0.97, 0.10, 10)])
kern("few_a.json", [(adam + "/L1", 1.0, 0.01, 3)])
kern("few_b.json", [(adam + "/L1", 0.5, 0.01, 3)])
kern("other_cpu.json", base, cpu="Another CPU")
# two CPUs with one model name ("AMD EPYC") but different ids: refused unless asked for
kern("zen3.json", base, cpu="AMD EPYC", mid="amd-f25m1s1-avx2-2pu")
kern("zen3_again.json", base, cpu="AMD EPYC", mid="amd-f25m1s1-avx2-2pu")
kern("zen5.json", base, cpu="AMD EPYC", mid="amd-f26m2s0-avx512-2pu")
# one machine, two contiguous-row prefetch distances (GDBENCH_STREAM_AHEAD): compared, with a warning
kern("ahead0.json", base, ahead=0)
kern("ahead1568.json", base, ahead=1568)
def runs(path, times):
    rs = []
    for t in times:
        rs.append({"problem": {"model": "softmax", "dataset": "fashion-mnist/train"},
                   "optimizer": {"name": "adam:lr=5e-3"}, "mode": "minibatch", "batch": 128, "threads": 1,
                   "kernels": {"gradient": softmax, "update": adam},
                   "noise": {"noisy": False},
                   "summary": {"time_to_target": [{"target": 0.45, "train_s": t}], "samples_per_s": 1e6}})
    open(f"{d}/{path}", "w").write(json.dumps({"schema": "gdbench-results", "version": 1, "context": {}, "runs": rs}))
runs("runs_a.json", [0.030, 0.031, 0.029, 0.030, 0.032, 0.030])
runs("runs_b.json", [0.040, 0.041, 0.039, None, 0.042, 0.040])
# no target: samples/s (higher is better) falling from 9.58e5 to 8.01e5 is slower by 19.6%;
# a key longer than any column; two files with nothing in common
def sps(path, rate, opt="adam:lr=5e-3"):
    rs = [{"problem": {"model": "softmax", "dataset": "fashion-mnist/train"}, "optimizer": {"name": opt},
           "mode": "minibatch", "batch": 128, "threads": 1, "kernels": {"gradient": softmax, "update": adam},
           "noise": {"noisy": False}, "summary": {"time_to_target": [], "samples_per_s": rate * (1 + 0.001 * k)}}
          for k in range(6)]
    open(f"{d}/{path}", "w").write(json.dumps({"schema": "gdbench-results", "version": 1, "context": {}, "runs": rs}))
longopt = "sgd:lr=0.0123456789:momentum=0.9:nesterov=1:weight_decay=0.0001:dampening=0"
sps("sps_a.json", 9.58e5, longopt)
sps("sps_b.json", 8.01e5, longopt)
sps("sps_c.json", 8.01e5, "adam:lr=1e-3")
PY

expect 0 'adam.* same$' "$CMP" "$tmp/base.json" "$tmp/same.json"
expect 1 "$adam/L1.* slower by 1[01]\\.[0-9]% .*REGRESSION" "$CMP" "$tmp/base.json" "$tmp/slow.json"
expect 0 "$adam/L1.* faster by (9\\.[0-9]|10\\.[0-9])% .*improvement" "$CMP" "$tmp/slow.json" "$tmp/base.json"
expect 0 "$sgd/L1.* same" "$CMP" "$tmp/base.json" "$tmp/slow.json" --filter sgd
expect 0 ' same$' "$CMP" "$tmp/noisy_a.json" "$tmp/noisy_b.json"
expect 0 'not enough repetitions' "$CMP" "$tmp/few_a.json" "$tmp/few_b.json"
expect 0 "warning: cpu_model differs: 'Test CPU' vs 'Another CPU'" "$CMP" "$tmp/base.json" "$tmp/other_cpu.json"
expect 0 "warning: stream_ahead differs: 0 vs 1568" "$CMP" "$tmp/ahead0.json" "$tmp/ahead1568.json"
check 'no stream_ahead warning when a file has none (an older gdbench)' \
	bash -c "! '$CMP' '$tmp/base.json' '$tmp/ahead0.json' 2>&1 | grep -q stream_ahead"
expect 2 "from machine 'amd-f26m2s0-avx512-2pu' and .*zen3.json from 'amd-f25m1s1-avx2-2pu'.*--allow-other-machine" \
	"$CMP" "$tmp/zen5.json" "$tmp/zen3.json"
expect 0 ' same$' "$CMP" --allow-other-machine "$tmp/zen5.json" "$tmp/zen3.json"
# a file naming no machine id (an older gdbench's) against one that does: unknown machine, refused
expect 2 "base.json names no machine id and .*zen3.json is from 'amd-f25m1s1-avx2-2pu'.*--allow-other-machine" \
	"$CMP" "$tmp/zen3.json" "$tmp/base.json"
expect 0 ' same$' "$CMP" "$tmp/zen3.json" "$tmp/zen3_again.json"
expect 1 't\(<=0.45\).*REGRESSION' "$CMP" "$tmp/runs_a.json" "$tmp/runs_b.json"
expect 1 'samples/s .* slower by 19\.[0-9]% .*REGRESSION' "$CMP" "$tmp/sps_a.json" "$tmp/sps_b.json"
expect 1 "sgd:lr=0.0123456789:momentum=0.9:nesterov=1:weight_decay=0.0001:dampening=0.* samples/s " \
	"$CMP" "$tmp/sps_a.json" "$tmp/sps_b.json"
expect 0 'no pairs: no entry is in both files' "$CMP" "$tmp/sps_a.json" "$tmp/sps_c.json"
check 'no pairs: no "over 0 tests", no nan' bash -c "! '$CMP' '$tmp/sps_a.json' '$tmp/sps_c.json' | grep -Eq 'over 0 tests|nan'"
expect 1 'REGRESSION' "$CMP" --threshold 0.05 --alpha 0.01 --json "$tmp/v.json" "$tmp/base.json" "$tmp/slow.json"
n=$((n + 1))
if $PY -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["regressions"] == 1 and v["kind"] == "kernels"' "$tmp/v.json"; then
	echo "ok $n - --json verdict"; else echo "not ok $n - --json verdict"; fails=$((fails + 1)); fi
expect 2 'compare files of one kind' "$CMP" "$tmp/base.json" "$tmp/runs_a.json"
# several files on one side pool their repetitions (separate processes)
expect 1 "$adam/L1/threads:1 +roofline +20/10 .*REGRESSION" "$CMP" "$tmp/base.json,$tmp/same.json" "$tmp/slow.json"
expect 2 'mixes run and kernels files' "$CMP" "$tmp/base.json,$tmp/runs_a.json" "$tmp/slow.json"
echo '{"benchmarks": [' >"$tmp/broken.json"
expect 2 'broken.json:[0-9]+:[0-9]+:' "$CMP" "$tmp/base.json" "$tmp/broken.json"
expect 2 'expected two files' "$CMP" "$tmp/base.json"
expect 2 "--alpha '2'" "$CMP" --alpha 2 "$tmp/base.json" "$tmp/same.json"
expect 2 'cannot open' "$CMP" "$tmp/base.json" /nonexistent.json
# a peer file (tools/peer-torch.py) beside a gdbench kernels file: per rule, size, threads and
# dtype, gdbench's best variant, each torch implementation and the ratio; what torch cannot
# express is shown with its reason; a count under another level (L1:2048) pairs with n:2048.
# The variant names are plain strings here (peer mode never looks them up in the registry).
$PY - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
adam = "adam/simd/avx2"
def row(name, **kv):
    return {"name": name, "run_name": name, "run_type": "iteration", "repetitions": 2, "threads": 1, **kv}
gd = [row(f"{adam}/n:4096/manual_time", items_per_second=2.0e9, roofline=0.5),
      row(f"{adam}/n:4096/manual_time", items_per_second=2.2e9, roofline=0.55),
      row("adam/scalar/n:4096/manual_time", items_per_second=0.2e9, roofline=0.05),
      row(f"{adam}/L1:2048/manual_time", items_per_second=3.0e9, roofline=0.6),
      row("lion/scalar/n:4096/manual_time", items_per_second=0.3e9, roofline=0.1),
      row("softmax/scalar/batch:1", xread=0.5)]
open(f"{d}/gd.json", "w").write(json.dumps({"context": {"host_name": "h", "cpu_model": "Test CPU"}, "benchmarks": gd}))
def peer(name, impl, dtype="f32/f32/f32", g=None, why=None):
    e = row(name, peer="torch", impl=impl, dtype=dtype, rule=name.split("/")[0])
    if why:
        e.update(error_occurred=True, error_message="torch cannot express " + why, unsupported=True)
    else:
        e.update({"Gelem/s": g, "real_time": 4096 / g, "time_unit": "ns"})
    return e
pe = [peer("adam/torch/foreach/n:4096/manual_time", "foreach", g=0.5),
      peer("adam/torch/foreach/n:4096/manual_time", "foreach", g=0.52),
      peer("adam/torch/forloop/n:4096/manual_time", "forloop", g=0.26),
      peer("adam/torch/forloop/n:4096/manual_time", "forloop", g=0.27),
      peer("adam/torch/foreach/n:2048/manual_time", "foreach", g=1.5),
      peer("adam/torch/foreach/n:4096/dtype:bf16_bf16_f32/manual_time", "foreach", "bf16/bf16/f32",
           why="bf16/bf16/f32: fp32 state"),
      peer("lion/torch/foreach/n:4096/manual_time", "foreach", why="lion: not in torch.optim")]
open(f"{d}/peer.json", "w").write(json.dumps({"context": {"host_name": "h", "library": "torch 9.9"}, "benchmarks": pe}))
open(f"{d}/peer_other.json", "w").write(json.dumps({"context": {"host_name": "elsewhere"}, "benchmarks": pe}))
PY
# best variant 2.1 (median of 2.0 and 2.2) over torch's 0.51 and 0.265
expect 0 "^adam +n:4096 +1 f32/f32/f32 +2\\.100 simd/avx2 +0\\.510 +4\\.12x +0\\.265 +7\\.92x$" \
	"$CMP" "$tmp/gd.json" "$tmp/peer.json"
expect 0 "^adam +L1:2048 +1 f32/f32/f32 +3\\.000 simd/avx2 +1\\.500 +2\\.00x +- *$" "$CMP" "$tmp/peer.json" "$tmp/gd.json"
expect 0 "^lion +n:4096 +1 f32/f32/f32 +0\\.300 scalar +torch cannot express lion: not in torch.optim$" \
	"$CMP" "$tmp/gd.json" "$tmp/peer.json"
expect 0 "^adam +n:4096 +1 bf16/bf16/f32 +- +torch cannot express bf16/bf16/f32: fp32 state$" \
	"$CMP" "$tmp/gd.json" "$tmp/peer.json"
expect 0 "warning: host_name differs: \"h\" vs \"elsewhere\"" "$CMP" "$tmp/gd.json" "$tmp/peer_other.json"
expect 0 "^adam +n:4096 .*4\\.12x" "$CMP" --filter '^adam/n:4096/threads:1/f32' --json "$tmp/pv.json" "$tmp/gd.json" "$tmp/peer.json"
n=$((n + 1))
if $PY -c 'import json,sys; v=json.load(open(sys.argv[1])); r=v["rows"]; assert v["kind"] == "peer" and len(r) == 1 and abs(r[0]["peers"]["torch/foreach"]["ratio"] - 2.1/0.51) < 1e-9' "$tmp/pv.json"; then
	echo "ok $n - peer --json rows and ratio"; else echo "not ok $n - peer --json rows and ratio"; fails=$((fails + 1)); fi
expect 2 'needs a gdbench kernels file with update-rule entries' "$CMP" "$tmp/peer.json" "$tmp/peer.json"
# --paired: 8 processes a side whose levels drift 30% from one process to the next (the same
# drift in both files of a pair) with 0.5% noise within each; NEW 8% slower in every pair.
# Pooled, the drift hides the step; paired, it cancels.
$PY - "$tmp" "$adam" "$isa" <<'PY'
import json, random, sys
d, adam, isa = sys.argv[1:4]
rnd = random.Random(18)
def proc(path, level):
    b = [{"name": adam + "/n:16777216", "run_name": adam + "/n:16777216", "run_type": "iteration", "repetitions": 3,
          "repetition_index": r, "threads": 1, "real_time": 1.0, "roofline": level * rnd.gauss(1, 0.005)}
         for r in range(3)]
    open(f"{d}/{path}", "w").write(json.dumps({"context": {"cpu_model": "Test CPU", "isa": isa}, "benchmarks": b}))
for p in range(8):
    level = rnd.gauss(1, 0.3)
    proc(f"pa.{p}.json", level)
    proc(f"pb.{p}.json", level * rnd.gauss(1, 0.005))
    proc(f"ps.{p}.json", level * 0.92)
PY
pa=$(ls "$tmp"/pa.*.json | tr '\n' , | sed 's/,$//')
pb=$(ls "$tmp"/pb.*.json | tr '\n' , | sed 's/,$//')
ps=$(ls "$tmp"/ps.*.json | tr '\n' , | sed 's/,$//')
expect 0 "$adam/n:16777216/threads:1 .* 24/24 .* same$" "$CMP" "$pa" "$ps"
expect 1 "$adam/n:16777216/threads:1 .* 8/8 .*slower by 8\\.[0-9]% .*REGRESSION" "$CMP" --paired "$pa" "$ps"
expect 0 "paired: 8 pairs of files.*$adam/n:16777216/threads:1 .* 8/8 .* same" sh -c '"$0" --paired "$1" "$2" | tr "\n" " "' "$CMP" "$pa" "$pb"
expect 0 'not enough pairs' "$CMP" --paired "${pa%%,"$tmp"/pa.5*}" "${ps%%,"$tmp"/ps.5*}"
expect 2 "gdbench-compare: --paired: BASE names 8 files and NEW 7: give one file per process" \
	"$CMP" --paired "$pa" "${ps%,*}"
# git-style from the main executable
expect 1 'REGRESSION' "$GD" compare "$tmp/base.json" "$tmp/slow.json"
# the A/B gate's input errors, found before anything is built
GATE="$(dirname "$0")/../tools/perf-gate.sh"
expect 2 "perf-gate: 'no-such-rev' is not a revision of this repository" "$GATE" --base no-such-rev
expect 2 'perf-gate: --head needs a value' "$GATE" --base HEAD --head
expect 2 "perf-gate: unknown argument '--bogus' with --base" "$GATE" --base HEAD --bogus
expect 2 "perf-gate: no suite file '/nonexistent.json'" "$GATE" --base HEAD --suite /nonexistent.json
echo '{"name": "x", "groups": []}' >"$tmp/empty-suite.json"
expect 2 "perf-gate: '$tmp/empty-suite.json' is not a suite file" "$GATE" --base HEAD --suite "$tmp/empty-suite.json"
expect 2 "perf-gate: '$tmp/base.json' is not a suite file" "$GATE" --base HEAD --suite "$tmp/base.json"
expect 2 'perf-gate: --suite needs a value' "$GATE" --base HEAD --suite
# no baseline kept for this machine (none is committed): the message names both ways out
expect 2 "perf-gate: no baseline for this machine .*--base REV.*--record" \
	env GDBENCH_BUILD="$(dirname "$(dirname "$GD")")" PERF_GATE_BASELINES="$tmp/no-baselines" "$GATE"
expect 2 "perf-gate: no baseline file '$tmp/none.json'" env GDBENCH_BUILD="$(dirname "$(dirname "$GD")")" "$GATE" "$tmp/none.json"

finish compare
