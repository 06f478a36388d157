#!/usr/bin/env bash
# End-to-end checks of the gdbench command line: exit codes, messages, JSON output.
# Usage: tests/cli.sh PATH/TO/gdbench
set -u
GD=${1:?usage: cli.sh PATH/TO/gdbench}
PY=/usr/bin/python3   # Debian's, with python3-jsonschema (tools/setup.sh)
. "$(dirname "$0")/lib.sh"


expect 0 'kernels' "$GD" --help
expect 0 '^gdbench [0-9]' "$GD" --version
expect 2 'missing command' "$GD"
expect 2 "unknown command 'frobnicate'" "$GD" frobnicate

# list: 12 rules x 5 variants, best first, every rule present
expect 0 'adam/simd/avx512' "$GD" list
check 'list --kind update has 60 rows' [ "$("$GD" list --kind update | tail -n +2 | wc -l)" -eq 60 ]
check 'list --kind grad has 25 rows' [ "$("$GD" list --kind grad | grep -cE '^[a-z]+/')" -eq 25 ]
expect 0 'rosenbrock +2 +\(1, 1\)' "$GD" list --kind function
expect 0 'fashion-mnist' "$GD" list --kind dataset
expect 2 "--kind 'rules': expected update, grad, function, dataset or all" "$GD" list --kind rules
for r in sgd momentum nesterov adagrad rmsprop adadelta adam adamw amsgrad adamax nadam rprop; do
	check "list has $r/scalar" grep -q "^$r/scalar " <("$GD" list)
done
"$GD" list --json >"$tmp/list.json"
check 'list --json parses: 60 update, 25 dense + 9 CSR grad, 5 function, 4 dataset entries' $PY -c '
import json, sys, collections
a = json.load(open(sys.argv[1]))
n = collections.Counter(e["kind"] for e in a)
assert n == {"update": 60, "grad": 34, "function": 5, "dataset": 4}, n
assert sum(e.get("layout") == "csr" for e in a) == 9
for e in a:
    if e["kind"] == "update":
        assert {"name", "rule", "impl", "isa", "runnable", "flops_per_elem", "bytes_per_elem"} <= set(e)
    if e["kind"] == "grad":
        assert {"name", "model", "impl", "isa", "runnable", "params", "flops_per_row"} <= set(e)
' "$tmp/list.json"
expect 2 "--isa 'avx9' is not an ISA level; expected one of" "$GD" list --isa avx9
expect 2 "GDBENCH_ISA 'bogus' is not an ISA level" env GDBENCH_ISA=bogus "$GD" list
check 'list --isa scalar marks every SIMD row not runnable' \
	bash -c "[ \$('$GD' list --isa scalar | awk 'NR>1 && \$3!=\"scalar\" && \$5==\"yes\"' | wc -l) -eq 0 ]"
expect 2 "unknown option '--frob'" "$GD" list --frob

# kernels: registration through Google Benchmark
npu=$(nproc)
thr=$([ "$npu" -gt 1 ] && echo 2 || echo 1)
"$GD" kernels --what update --benchmark_list_tests >"$tmp/tests.txt" 2>&1
check "kernels lists 60 update kernels x 5 sizes x $thr thread counts" [ "$(wc -l <"$tmp/tests.txt")" -eq $((60 * 5 * thr)) ]
"$GD" kernels --what grad --benchmark_list_tests >"$tmp/gtests.txt" 2>&1
check "kernels lists 25 gradient kernels x 6 batches, less scalar at full" [ "$(wc -l <"$tmp/gtests.txt")" -eq $((25 * 6 - 5)) ]
check 'kernels --impl scalar,simd includes scalar at the full batch' \
	bash -c "'$GD' kernels --what grad --impl scalar,simd --benchmark_list_tests | grep -q '^mlp/scalar/full:60000'"
check 'kernels --what sparse lists 9 CSR kernels x 6 batches' \
	[ "$("$GD" kernels --what sparse --benchmark_list_tests | grep -c -- '-csr/')" -eq 54 ]
expect 0 'Sparse gradient kernels' "$GD" kernels --what sparse --models logistic --batches 32 --min-time 0.01
expect 2 "--what: 'both' is not a kind" "$GD" kernels --what both
expect 2 "--models: 'cnn' is not a model" "$GD" kernels --models cnn
expect 2 "--batches: '0' is not a batch size" "$GD" kernels --batches 0
expect 2 "--batches: 'lots' is not a batch size" "$GD" kernels --batches lots
check 'kernels --isa scalar lists only scalar variants' \
	bash -c "! '$GD' kernels --isa scalar --benchmark_list_tests | grep -v /scalar/"
expect 0 '^adam/scalar/L1' "$GD" kernels --rules adam --impl scalar --benchmark_list_tests
expect 2 "--rules 'nope'" "$GD" kernels --rules nope
expect 2 "--impl: 'fast' is not an implementation" "$GD" kernels --impl fast
expect 2 "--sizes: 'Q' is not a size" "$GD" kernels --sizes Q
expect 2 "--threads '999'" "$GD" kernels --threads 999
expect 2 "--min-time '-1'" "$GD" kernels --min-time -1
expect 2 "unknown Google Benchmark flag '--benchmark_bogus=1'" "$GD" kernels --benchmark_bogus=1
expect 2 "--isa 'avx9'" "$GD" kernels --isa avx9

# a short real run, written atomically, with our context in Google Benchmark's JSON
expect 0 'Summary' "$GD" kernels --what update --rules sgd,adam --sizes 4096 --threads 1 --min-time 0.01 -o "$tmp/k.json"
check 'kernels JSON has context, every variant, and counters' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["context"]
for k in ("cpu_model", "isa", "topology", "openblas_corename", "compiler", "git_revision", "thread_pus"):
    assert k in c, k
names = [b["name"] for b in d["benchmarks"]]
assert any(n.startswith("adam/scalar/n:4096") for n in names), names
for b in d["benchmarks"]:
    assert 0 < b["roofline"] < 10, b
    assert b["items_per_second"] > 0 and b["ceiling_GBps"] > 0
' "$tmp/k.json"
expect 0 'Gradient kernels' "$GD" kernels --what grad --models softmax,svm --batches 8 --min-time 0.01 -o "$tmp/g.json"
check 'gradient benchmarks report rows/s, GFLOPs, peak fraction and xread' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert float(d["context"]["fma_peak_GFLOPs_1core"]) > 0  # Google Benchmark keeps context values as strings
names = [b["name"] for b in d["benchmarks"]]
assert len(names) == 10, names
for b in d["benchmarks"]:
    assert b["items_per_second"] > 0 and b["GFLOPs"] > 0 and 0 < b["peak"] < 1.5 and b["xread"] > 0, b
' "$tmp/g.json"
expect 2 "exists; use --force" "$GD" kernels --what update --rules sgd --sizes 64 -o "$tmp/k.json"
expect 0 'Summary' "$GD" kernels --what update --rules sgd --sizes 64 --threads 1 --min-time 0.01 --force -o "$tmp/k.json"
check 'no temporary file left behind' bash -c "! ls '$tmp'/k.json.tmp.* 2>/dev/null"
expect 1 "cannot write '/nonexistent/dir/k.json'" "$GD" kernels --rules sgd --sizes 64 --min-time 0.01 -o /nonexistent/dir/k.json

# gradcheck: every model x variant against finite differences
expect 0 'of 25 kernels within tolerance' "$GD" gradcheck
expect 0 'softmax/scalar .* ok' "$GD" gradcheck --models softmax --impl scalar --rows 3 --classes 7
expect 1 'FAIL' "$GD" gradcheck --models lsq --impl scalar --tol 1e-12
expect 2 "--models: 'cnn' is not a model" "$GD" gradcheck --models cnn
expect 2 "--rows '0': out of range" "$GD" gradcheck --rows 0
expect 2 "--l2 '-1': out of range" "$GD" gradcheck --l2 -1

# info
"$GD" info --no-probe --json >"$tmp/info.json"
check 'info --json parses with context keys' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("cpu_model", "isa_max", "cache_l1d", "openblas_config", "compiler", "date"):
    assert k in d, k
' "$tmp/info.json"
expect 2 "--threads '0'" "$GD" info --threads 0
expect 2 "--array-mb 'x'" "$GD" info --array-mb x

finish cli
