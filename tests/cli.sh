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

# list: every rule and model in every variant, best first. Every count and kernel name expected
# here comes from the registry (list --json, helpers in lib.sh): what is built for this
# architecture and runnable at this CPU's level, or under the GDBENCH_ISA cap.
check 'list --json parses' registry "$GD"
"$GD" info --no-probe --json >"$tmp/info.json"
cap=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["isa"])' "$tmp/info.json")
check "list --json: every rule and model in the same variants, best first, one scalar row last; runnable up to $cap" \
	$PY - "$tmp/registry.json" "$cap" <<'PY'
import json, sys, collections
a, cap = json.load(open(sys.argv[1])), sys.argv[2]
n = collections.Counter(e["kind"] for e in a)
assert n["function"] == 5 and n["dataset"] == 4 and set(n) == {"update", "per-tensor", "grad", "function", "dataset", "params"}, n
U = [e for e in a if e["kind"] == "update"]
G = [e for e in a if e["kind"] == "grad" and e["layout"] == "dense"]
C = [e for e in a if e["kind"] == "grad" and e["layout"] == "csr"]
assert U and G and C and len(G) + len(C) == n["grad"], (len(U), len(G), len(C))
levels = list(dict.fromkeys(e["isa"] for e in reversed(U)))
assert levels[0] == "scalar" and cap in levels, (levels, cap)
rank = {l: i for i, l in enumerate(levels)}
for rows, key, suffix in ((U, "rule", ""), (G, "model", ""), (C, "model", "-csr")):
    by = collections.defaultdict(list)
    for e in rows:
        by[e[key]].append(e)
    for k, rs in by.items():
        r = [rank[e["isa"]] for e in rs]
        assert r == sorted(r, reverse=True), (k, r)
        assert rs[-1]["impl"] == "scalar" and [e["impl"] for e in rs].count("scalar") == 1, k
        for e in rs:
            want = f"{k}{suffix}/scalar" if e["impl"] == "scalar" else f"{k}{suffix}/{e['impl']}/{e['isa']}"
            assert e["name"] == want, (e["name"], want)
            assert e["runnable"] == (rank[e["isa"]] <= rank[cap]), e
    variants = {tuple((e["impl"], e["isa"]) for e in rs) for rs in by.values()}
    assert len(variants) == 1, variants
for e in U:
    assert {"name", "rule", "impl", "isa", "runnable", "flops_per_elem", "bytes_per_elem"} <= set(e), e
for e in G + C:
    assert {"name", "model", "impl", "isa", "runnable", "params", "flops_per_row"} <= set(e), e
PY
nu=$(reg 'len(U)') nur=$(reg 'len(run(U))') ng=$(reg 'len(G)')
top=$(reg 'next(e["name"] for e in run(U) if e["rule"] == "adam")') # the best adam variant runnable here
expect 0 "^$top +adam +[a-z]+ +[a-z0-9]+ +yes " "$GD" list
"$GD" list --kind update | tail -n +2 | awk '{print $1}' >"$tmp/update.txt"
check "list --kind update has $nu rows, in the registry's order" \
	bash -c '[ "$1" -gt 0 ] && [ "$(cat "$2")" = "$3" ]' - "$nu" "$tmp/update.txt" "$(reg '[e["name"] for e in U]')"
check "list --kind update marks $nur rows runnable" [ "$("$GD" list --kind update | awk 'NR>1 && $5=="yes"' | wc -l)" -eq "$nur" ]
check "list --kind grad has $ng rows" [ "$("$GD" list --kind grad | grep -cE '^[a-z]+/')" -eq "$ng" ]
expect 0 'rosenbrock +2 +\(1, 1\)' "$GD" list --kind function
expect 0 'fashion-mnist' "$GD" list --kind dataset
expect 2 "--kind 'rules': expected update, per-tensor, grad, function, dataset, params or all" "$GD" list --kind rules
# parameter sets: the four built-in ones (their totals are test_params' to check), the table
# agreeing with the JSON, a user's file listed after them, and that file valid by the schema
pdata="$(dirname "$0")/data/params"
"$GD" list --kind params >"$tmp/params.txt" 2>&1
for set in resnet50 bert-base gpt2-small llama-1b; do
	check "list --kind params shows $set" grep -Eq "^$set +[0-9]+ +[0-9]+ " "$tmp/params.txt"
done
check 'list --kind params --json parses' bash -c '"$1" list --kind params --json >"$2"' - "$GD" "$tmp/params.json"
check 'list --kind params --json: the four built-in sets, as the table shows them' $PY - "$tmp/params.json" "$tmp/params.txt" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
assert [e["name"] for e in a] == ["resnet50", "bert-base", "gpt2-small", "llama-1b"], a
rows = [l.split()[:3] for l in open(sys.argv[2]).read().splitlines()[2:]]
for e, r in zip(a, rows, strict=True):
    assert e["kind"] == "params" and e["builtin"] and e["source"], e
    assert r == [e["name"], str(e["tensors"]), str(e["parameters"])], (r, e)
    assert e["smallest"]["numel"] <= e["largest"]["numel"] < e["parameters"], e
PY
check 'list --json (all) has the parameter sets too' $PY -c \
	'import json, sys; assert sum(e["kind"] == "params" for e in json.load(open(sys.argv[1]))) == 4' "$tmp/registry.json"
expect 0 '^tiny-transformer +5 +76760 ' "$GD" list --params "$pdata/good.json"
check 'list --params FILE --json: the built-in sets, then the file'"'"'s' bash -c \
	'"$1" list --params "$2" --json | '"$PY"' -c "import json, sys; a = json.load(sys.stdin); assert [e[\"builtin\"] for e in a] == [True] * 4 + [False], a"' \
	- "$GD" "$pdata/good.json"
check 'tests/data/params/good.json is valid by results/params.schema.json' $PY - \
	"$(dirname "$0")/../results/params.schema.json" "$pdata/good.json" "$pdata/bad-ndim5.json" <<'PY'
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
v.validate(json.load(open(sys.argv[2])))
assert not v.is_valid(json.load(open(sys.argv[3]))), "the schema accepts 5 dimensions"
PY
# the schema's rule field accepts every registry rule and the two second-order drivers, and
# rejects what is not a rule name
check 'results/schema.json accepts every registry rule (+ lbfgs, newton)' $PY - "$tmp/registry.json" \
	"$(dirname "$0")/../results/schema.json" <<'PY'
import json, sys
a, schema = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
import jsonschema
rules = {e["rule"] for e in a if e["kind"] == "update"} | {"lbfgs", "newton"}
field = schema["$defs"]["run"]["properties"]["optimizer"]["properties"]["rule"]
for r in rules:
    jsonschema.validate(r, field)
for bad in ("", "Adam", "adam w", 3):
    try:
        jsonschema.validate(bad, field)
    except jsonschema.ValidationError:
        continue
    raise AssertionError(f"schema accepts rule {bad!r}")
for e in a:
    if e["kind"] == "update":
        assert e["torch"] and "lr" in e["keys"] and isinstance(e["decoupled_weight_decay"], bool), e
PY
for r in $(reg 'list(dict.fromkeys(e["rule"] for e in U))'); do
	check "list has $r/scalar" grep -q "^$r/scalar " <("$GD" list)
done
# --isa at each level this process runs: the rows above it not runnable, the others runnable
for l in $(reg '[l for l in levels if any(e["isa"] == l for e in run(U))]'); do
	want=$(reg "len([e for e in U if levels.index(e['isa']) <= levels.index('$l')])")
	check "list --isa $l marks the $want update rows at or below $l runnable" \
		[ "$("$GD" list --kind update --isa "$l" | awk 'NR>1 && $5=="yes"' | wc -l)" -eq "$want" ]
done
expect 2 "--isa 'avx9' is not an ISA level; expected one of" "$GD" list --isa avx9
expect 2 "GDBENCH_ISA 'bogus' is not an ISA level" env GDBENCH_ISA=bogus "$GD" list
expect 2 "GDBENCH_STREAM_AHEAD '-1' is not a prefetch distance; expected an integer 0..262144" \
	env GDBENCH_STREAM_AHEAD=-1 "$GD" info --no-probe
expect 2 "GDBENCH_STREAM_AHEAD '262145' is not a prefetch distance" env GDBENCH_STREAM_AHEAD=262145 "$GD" kernels
check 'GDBENCH_STREAM_AHEAD=3136 is the context'"'"'s stream_ahead, and its source' \
	bash -c "GDBENCH_STREAM_AHEAD=3136 '$GD' info --json --no-probe | python3 -c 'import json,sys; c=json.load(sys.stdin); c=c.get(\"context\", c); assert c[\"stream_ahead\"] == 3136 and c[\"stream_ahead_src\"] == \"GDBENCH_STREAM_AHEAD\", c'"
check 'list --isa scalar marks every SIMD row not runnable' \
	bash -c "[ \$('$GD' list --isa scalar | awk 'NR>1 && \$3!=\"scalar\" && \$5==\"yes\"' | wc -l) -eq 0 ]"
check 'GDBENCH_ISA=scalar caps list as --isa scalar does' \
	bash -c "[ \$(GDBENCH_ISA=scalar '$GD' list | awk 'NR>1 && \$3!=\"scalar\" && \$5==\"yes\"' | wc -l) -eq 0 ]"
expect 2 "unknown option '--frob'" "$GD" list --frob

# kernels: registration through Google Benchmark, of the variants runnable here
# listed FILE 'ROWS': the kernels in a --benchmark_list_tests output are exactly ROWS' names
listed() {
	[ -s "$1" ] && [ "$(sed -E 's#/[^/]*:.*##' "$1" | LC_ALL=C sort -u)" = "$(reg "sorted(e['name'] for e in $2)")" ]
}
npu=$(nproc)
thr=$([ "$npu" -gt 1 ] && echo 2 || echo 1)
"$GD" kernels --what update --benchmark_list_tests >"$tmp/tests.txt" 2>&1
check "kernels lists $nur update kernels x 5 sizes x $thr thread counts" [ "$(wc -l <"$tmp/tests.txt")" -eq $((nur * 5 * thr)) ]
check 'kernels lists every runnable update kernel, no other' listed "$tmp/tests.txt" 'run(U)'
ngr=$(reg 'len(run(G))') ngs=$(reg 'len([e for e in run(G) if e["impl"] == "scalar"])')
"$GD" kernels --what grad --benchmark_list_tests >"$tmp/gtests.txt" 2>&1
check "kernels lists $ngr gradient kernels x 6 batches, less the $ngs scalar ones at full" \
	[ "$(wc -l <"$tmp/gtests.txt")" -eq $((ngr * 6 - ngs)) ]
check 'kernels lists every runnable gradient kernel, no other' listed "$tmp/gtests.txt" 'run(G)'
check 'kernels --impl scalar,simd includes scalar at the full batch' \
	bash -c "'$GD' kernels --what grad --impl scalar,simd --benchmark_list_tests | grep -q '^mlp/scalar/full:60000'"
ncr=$(reg 'len(run(C))')
"$GD" kernels --what sparse --benchmark_list_tests >"$tmp/stests.txt" 2>&1
check "kernels --what sparse lists $ncr CSR kernels x 6 batches" [ "$(grep -c -- '-csr/' "$tmp/stests.txt")" -eq $((ncr * 6)) ]
check 'kernels --what sparse lists every runnable CSR kernel, no other' listed "$tmp/stests.txt" 'run(C)'
expect 0 'Sparse gradient kernels' "$GD" kernels --what sparse --models logistic --batches 32 --min-time 0.01
expect 2 "--what: 'both' is not a kind" "$GD" kernels --what both
models=$(reg '", ".join(dict.fromkeys(e["model"] for e in G))')
rules=$(reg '", ".join(dict.fromkeys(e["rule"] for e in U))')
# the names a bad one is told to choose from come from the registry: every one of them
named_all() { # named_all 'MESSAGE-REGEX' 'a, b, c' CMD...: exit 2, the message, every name in its list
	local pat=$1 names=$2; shift 2
	"$@" >"$tmp/named" 2>&1
	local st=$? list
	list=$(grep -Eo -- "$pat \\(expected one of: [^)]*\\)" "$tmp/named") || { cat "$tmp/named"; return 1; }
	[ "$st" -eq 2 ] || return 1
	for w in ${names//,/ }; do grep -q "[ :]$w[,)]" <<<"$list" || { echo "missing $w: $list"; return 1; }; done
}
check "kernels --models cnn: unknown model, every model named ($models)" \
	named_all "--models: unknown model 'cnn'" "$models" "$GD" kernels --models cnn
check "kernels --rules adma: unknown rule, every rule named" named_all "--rules: unknown rule 'adma'" "$rules" \
	"$GD" kernels --rules adma
check "kernels --impl fast: unknown implementation, the implementations named" \
	named_all "--impl: unknown implementation 'fast'" "scalar, simd, best, all" "$GD" kernels --impl fast
# --rules times update rules only, --models gradients only; the plan and an estimate come first
check 'kernels --rules adam lists update benchmarks only' \
	bash -c "'$GD' kernels --rules adam --benchmark_list_tests | grep -v '^adam/' | (! grep -q .)"
check 'kernels --models softmax lists gradient benchmarks only' \
	bash -c "'$GD' kernels --models softmax --benchmark_list_tests | grep -v '^softmax/' | (! grep -q .)"
nsgd=$(reg 'len([e for e in run(U) if e["rule"] == "sgd"])')
"$GD" kernels --rules sgd --sizes 64 --threads 1 --min-time 0.01 >"$tmp/plan.out" 2>"$tmp/plan.err"
check "kernels prints its plan ($nsgd update-rule benchmarks) and an estimated duration on stderr" \
	grep -Eq "plan: $nsgd update-rule, 0 parameter-set, 0 gradient and 0 sparse-gradient benchmarks" "$tmp/plan.err"
check '  ... and the estimate' grep -Eq 'estimated duration [0-9]+m[0-9]{2}s' "$tmp/plan.err"
check "  ... without Google Benchmark's context block or its DEBUG-build warning" \
	bash -c "! grep -Eq 'Run on \\(|WARNING|CPU Caches' '$tmp/plan.out' '$tmp/plan.err'"
check "kernels --verbose shows Google Benchmark's context block" \
	bash -c "'$GD' kernels --rules sgd --sizes 64 --threads 1 --min-time 0.01 --verbose 2>&1 | grep -q 'Run on ('"
expect 2 "--batches: '0' is not a batch size" "$GD" kernels --batches 0
expect 2 "--batches: 'lots' is not a batch size" "$GD" kernels --batches lots
check 'kernels --isa scalar lists only scalar variants' \
	bash -c "! '$GD' kernels --isa scalar --benchmark_list_tests | grep -v /scalar/"
expect 0 '^adam/scalar/L1' "$GD" kernels --rules adam --impl scalar --benchmark_list_tests
expect 2 "--sizes: 'Q' is not a size" "$GD" kernels --sizes Q
expect 2 "--threads '999'" "$GD" kernels --threads 999
expect 2 "--min-time '-1'" "$GD" kernels --min-time -1
expect 2 "unknown Google Benchmark flag '--benchmark_bogus=1'" "$GD" kernels --benchmark_bogus=1
expect 2 "--isa 'avx9'" "$GD" kernels --isa avx9

# storage dtypes and parameter sets: every dtype row of the build, names from the registry
dts=$("$GD" kernels --help | $PY -c 'import sys, re; t = sys.stdin.read(); print(",".join(dict.fromkeys(re.findall(r"\b(?:f32|bf16|f16)/(?:f32|bf16|f16)/(?:f32|bf16|f16)(?:\+sr)?", t.split("--dtype", 1)[1].split("--threads", 1)[0]))))')
ndt=$(echo "$dts" | tr , '\n' | wc -l)
check "kernels --help lists the dtypes ($ndt)" [ "$ndt" -ge 4 ]
"$GD" kernels --what update --rules adam --sizes 4096 --threads 1 --dtype "$dts" --benchmark_list_tests >"$tmp/dt.txt" 2>&1
check "kernels --dtype: every runnable adam variant at each of the $ndt dtypes" \
	[ "$(wc -l <"$tmp/dt.txt")" -eq $(( $($PY -c 'import json, sys; print(sum(1 for e in json.load(open(sys.argv[1])) if e["kind"] == "update" and e["rule"] == "adam" and e["runnable"]))' "$tmp/registry.json") * ndt )) ]
expect 0 'Parameter sets' "$GD" kernels --what update --rules sgd,adam --impl scalar,simd --params "$pdata/good.json" \
	--dtype f32/f32/f32,bf16/bf16/f32+sr --threads 1 --min-time 0.01 -o "$tmp/kp.json"
check 'kernels --params: flat, multi and per-tensor for each row and dtype, with counters' $PY -c '
import json, sys
b = [x for x in json.load(open(sys.argv[1]))["benchmarks"] if x.get("run_type") == "iteration"]
names = {x["name"].split("/manual_time")[0].split("/min_time")[0] for x in b}
for m in ("flat", "multi", "pertensor"):
    for d in ("", "/dtype:bf16_bf16_f32_sr"):
        assert any(n.startswith("adam/") and "/" + m + "/params:tiny-transformer" + d in n and n.endswith("transformer" + d)
                   for n in names), (m, d, sorted(names))
assert all(x["roofline"] > 0 and x["items_per_second"] > 0 and x["calls"] >= 1 for x in b)
' "$tmp/kp.json"
expect 2 "--dtype: 'f64/f32/f32' is not a storage type" "$GD" kernels --dtype f64/f32/f32
expect 2 "--dtype: 'f16/f16/f32\\+sr' has no kernels" "$GD" kernels --dtype f16/f16/f32+sr
expect 2 "--params: 'nosuchset' is neither a built-in set" "$GD" kernels --what update --params nosuchset
expect 2 "params/bad-dim-zero.json:" "$GD" kernels --what update --params "$pdata/bad-dim-zero.json"
expect 2 "--params times update rules" "$GD" kernels --what grad --params resnet50

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
want = sys.argv[2].split()  # every variant of sgd and adam runnable here
assert sorted({n.split("/n:")[0] for n in names}) == sorted(want), (names, want)
for b in d["benchmarks"]:
    assert 0 < b["roofline"] < 10, b
    assert b["items_per_second"] > 0 and b["ceiling_GBps"] > 0
' "$tmp/k.json" "$(reg '[e["name"] for e in run(U) if e["rule"] in ("sgd", "adam")]')"
expect 0 'Gradient kernels' "$GD" kernels --what grad --models softmax,svm --batches 8 --min-time 0.01 -o "$tmp/g.json"
check 'gradient benchmarks report rows/s, GFLOPs, peak fraction and xread' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert float(d["context"]["fma_peak_GFLOPs_1core"]) > 0  # Google Benchmark keeps context values as strings
names = [b["name"] for b in d["benchmarks"]]
assert len(names) == int(sys.argv[2]), (names, sys.argv[2])  # the runnable softmax and svm variants, at 1 batch
for b in d["benchmarks"]:
    assert b["items_per_second"] > 0 and b["GFLOPs"] > 0 and 0 < b["peak"] < 1.5 and b["xread"] > 0, b
' "$tmp/g.json" "$(reg 'len([e for e in run(G) if e["model"] in ("softmax", "svm")])')"
# isa_peak: the same GFLOP/s over the peak measured at the row's own level, for the rows whose
# width gdbench compiles; the widest level's peak is the one every row's peak uses
check 'gradient rows: isa_peak against their own level, none for blas' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
ctx = d["context"]
rows = json.loads(sys.argv[2])
peak = {k[len("fma_peak_GFLOPs_1core_"):]: float(v) for k, v in ctx.items() if k.startswith("fma_peak_GFLOPs_1core_")}
top = float(ctx["fma_peak_GFLOPs_1core"])
assert top in peak.values(), (top, peak)
if "emulated" not in ctx:  # timings under an emulator are not measurements
    for isa, p in peak.items():
        assert 0 < p <= top * 1.02, (isa, p, top)  # no narrower level beats the widest (one measurement each)
    if len(peak) > 1:
        assert peak["scalar"] < top / 2, peak  # a lane against 4 or more: the probes do measure widths
for b in d["benchmarks"]:
    impl, isa = rows[b["name"].split("/B:")[0]]
    if impl == "blas":
        assert "isa_peak" not in b, b
        continue
    want = b["peak"] * top / peak[isa]
    assert abs(b["isa_peak"] - want) <= 1e-6 * want, (b, want)
' "$tmp/g.json" "$(reg 'json.dumps({e["name"]: [e["impl"], e["isa"]] for e in run(G) if e["model"] in ("softmax", "svm")})')"
expect 2 "exists; use --force" "$GD" kernels --what update --rules sgd --sizes 64 -o "$tmp/k.json"
expect 0 'Summary' "$GD" kernels --what update --rules sgd --sizes 64 --threads 1 --min-time 0.01 --force -o "$tmp/k.json"
check 'no temporary file left behind' bash -c "! ls '$tmp'/k.json.tmp.* 2>/dev/null"
# --no-triad (perf-gate's processes): the ceilings are still timed, the triad is not
check 'kernels context holds the 1-thread triad' $PY -c '
import json, sys
assert "roofline_1t" in json.load(open(sys.argv[1]))["context"]' "$tmp/k.json"
expect 0 'Summary' "$GD" kernels --what update --rules sgd --sizes 64 --threads 1 --min-time 0.01 --no-triad -o "$tmp/kn.json"
check 'kernels --no-triad: no triad in the context, every ceiling still timed' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not any(k.startswith("roofline_") for k in d["context"]), d["context"]
assert d["benchmarks"] and all(b["ceiling_GBps"] > 0 and b["roofline"] > 0 for b in d["benchmarks"])' "$tmp/kn.json"
expect 1 "cannot write '/nonexistent/dir/k.json'" "$GD" kernels --rules sgd --sizes 64 --min-time 0.01 -o /nonexistent/dir/k.json

# gradcheck: every model x variant against finite differences
expect 0 "^$ngr of $ngr kernels within tolerance" "$GD" gradcheck
expect 0 'softmax/scalar .* ok' "$GD" gradcheck --models softmax --impl scalar --rows 3 --classes 7
expect 1 'FAIL' "$GD" gradcheck --models lsq --impl scalar --tol 1e-12
expect 2 "--models: unknown model 'cnn' \\(expected one of: " "$GD" gradcheck --models cnn
expect 2 "--rows '0': out of range" "$GD" gradcheck --rows 0
expect 2 "--l2 '-1': out of range" "$GD" gradcheck --l2 -1

# info (info.json: written at the top)
check 'info --json parses with context keys' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("cpu_model", "isa_max", "cache_l1d", "openblas_config", "compiler", "date"):
    assert k in d, k
' "$tmp/info.json"
expect 2 "--threads '0'" "$GD" info --threads 0
expect 2 "--array-mb 'x'" "$GD" info --array-mb x

# kernels --what ns: one row per backend for each distinct 2-D shape of the set (the muon rule's tensors; the conv gets AdamW)
"$GD" kernels --what ns --params "$pdata/good.json" --min-time 0.01 >"$tmp/ns.txt" 2>&1
nshape=$($PY -c 'import json, sys
t = json.load(open(sys.argv[1]))["tensors"]
print(len({tuple(x["shape"]) for x in t if len(x["shape"]) == 2}))' "$pdata/good.json")
check "kernels --what ns: blas and own on each of the $nshape 2-D shapes, with AUTO's pick" \
	[ "$(grep -cE '^[0-9]+x[0-9]+ +[0-9]+ +(blas|own) +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+% +(blas|own) ' "$tmp/ns.txt")" -eq $((2 * nshape)) ]

finish cli
