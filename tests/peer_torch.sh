#!/usr/bin/env bash
# tools/peer-torch.py: its JSON (gdbench's names with torch/IMPL, the peer key, Gelem/s), the
# unsupported entries (bf16 parameters with fp32 state, lion), the first step it times against
# Adam and SGD worked by hand, its table of rules against kernels/rules.h and the registry,
# usage errors, and a real pairing in gdbench-compare. Skipped (77) without python3-torch.
# Usage: tests/peer_torch.sh PATH/TO/peer-torch.py PATH/TO/rules.h PATH/TO/gdbench PATH/TO/gdbench-compare
set -u
PEER=${1:?usage: peer_torch.sh peer-torch.py rules.h gdbench gdbench-compare}
RULES_H=$2 GD=$3 CMP=$4
PY=/usr/bin/python3   # Debian's, with python3-torch (tools/setup.sh)
if ! $PY -c 'import torch' 2>/dev/null; then
	echo "SKIP: python3-torch not installed"
	exit 77
fi
. "$(dirname "$0")/lib.sh"

expect 0 'Benchmark names' "$PEER" --help
expect 0 'wrote' "$PEER" --rules adam,sgd,lion --sizes 4096 --min-time 0.01 --dtype f32/f32/f32,bf16/bf16/f32 \
	--out "$tmp/p.json"
check 'peer JSON: names, peer key, Gelem/s > 0, unsupported bf16/bf16/f32 and lion' $PY - "$tmp/p.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["context"]
assert c["library"].startswith("torch ") and c["num_cpus"] >= 1 and c["host_name"] and c["date"], c
b = {e["name"]: e for e in d["benchmarks"]}
for rule in ("adam", "sgd"):
    for impl in ("foreach", "forloop"):
        e = b[f"{rule}/torch/{impl}/n:4096/min_time:0.010/manual_time"]
        assert e["peer"] == "torch" and e["impl"] == impl and e["dtype"] == "f32/f32/f32", e
        assert e["Gelem/s"] > 0 and e["time_unit"] == "ns" and e["real_time"] > 0 and e["repetitions"] == 1, e
        assert abs(e["Gelem/s"] - 4096 / e["real_time"]) < 1e-9 * e["Gelem/s"], e
        u = b[f"{rule}/torch/{impl}/n:4096/dtype:bf16_bf16_f32/min_time:0.010/manual_time"]
        assert u["unsupported"] and u["error_occurred"] and "Gelem/s" not in u, u
        assert u["error_message"].startswith("torch cannot express bf16/bf16/f32:"), u
    lion = b[f"lion/torch/{impl}/n:4096/min_time:0.010/manual_time"]
    assert lion["unsupported"] and lion["error_message"].startswith("torch cannot express lion:"), lion
assert len(b) == 12, sorted(b)
PY
# the reasons on stderr, once each (every torch import costs ~3 s here: one run serves all)
cp "$tmp/out" "$tmp/first.out"
check 'stderr: why lion and bf16/bf16/f32 are unsupported, once each' eval \
	'[ "$(grep -c "^peer-torch.py: torch cannot express lion: .*no Lion" "$tmp/first.out")" -eq 1 ] &&
	 [ "$(grep -c "^peer-torch.py: torch cannot express bf16/bf16/f32: torch.optim keeps optimizer state in the parameters" "$tmp/first.out")" -eq 1 ]'

# what is timed: the first step from gdbench's inputs, against the rules worked by hand.
# Adam's first step: m = (1-b1) g, v = (1-b2) g^2, bias-corrected to g and g^2, so
# w1 = w0 - lr g / (|g| + eps), about w0 - lr sign(g); SGD: w1 = w0 - lr g.
"$PEER" --rules adam,sgd --opt adam:lr=0.01 --sizes 64 --first-step 16 >"$tmp/step.jsonl" 2>"$tmp/step.err"
check 'first step: Adam moves each w by lr*sign(g), SGD by lr*g, both implementations' $PY - "$tmp/step.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert sorted((r["rule"], r["impl"]) for r in rows) == [("adam", "foreach"), ("adam", "forloop"),
                                                         ("sgd", "foreach"), ("sgd", "forloop")], rows
for r in rows:
    assert len(r["w0"]) == len(r["g"]) == len(r["w1"]) == 16
    for i, (w0, g, w1) in enumerate(zip(r["w0"], r["g"], r["w1"])):
        # gdbench's inputs (kbench_update.c): g from the index's hash, never 0; w = 0.5 + g/4
        h = (i * 2654435761) & 0xffffffff
        assert g == ((h >> 8) & 0xffff) / 32768.0 - 1.0 + 1.0 / 65536.0 and w0 == 0.5 + g * 0.25 or \
            abs(w0 - (0.5 + g * 0.25)) < 6e-8, (i, w0, g)
        if r["rule"] == "adam":
            lr = 0.01
            want = w0 - lr * g / (abs(g) + 1e-8)
            assert abs(w1 - want) < 2e-7, (r["impl"], i, w0, g, w1, want)
            assert abs((w0 - w1) - lr * (1 if g > 0 else -1)) < 1e-6, (i, w0, w1, g)
        else:
            assert abs(w1 - (w0 - 1e-3 * g)) < 1e-7, (r["impl"], i, w0, g, w1)
PY

# the script's table of rules: rules.h's defaults and the registry's keys and torch names
"$GD" list --kind update --json >"$tmp/reg.json"
check 'peer-torch.py RULES agree with kernels/rules.h (defaults) and gdbench list (keys, torch class)' \
	$PY - "$PEER" "$RULES_H" "$tmp/reg.json" <<'PY'
import importlib.machinery, importlib.util, json, re, sys
peer, rules_h, reg = sys.argv[1:4]
loader = importlib.machinery.SourceFileLoader("peer_torch", peer)
spec = importlib.util.spec_from_loader("peer_torch", loader)
m = importlib.util.module_from_spec(spec)
loader.exec_module(m)
text = open(rules_h).read()
body = re.sub(r"/\*.*?\*/", "", text[text.index("#define GD_RULE_MAP(X)"):].replace("\\\n", " "), flags=re.S)
rows = re.findall(r"\bX\((\w+), (\w+), (\"[^\"]*\"), (.*?)\)\s*(?=X\(|$|\n)", body, re.S)
assert len(rows) == len(m.RULES), ([r[1] for r in rows], list(m.RULES))
field = {"beta1": ("betas", 0), "beta2": ("betas", 1), "eta_minus": ("etas", 0), "eta_plus": ("etas", 1),
         "step_min": ("step_sizes", 0), "step_max": ("step_sizes", 1)}
for up, lo, torch_name, rest in rows:
    init = dict(re.findall(r"\.(\w+)\s*=\s*([-0-9.e]+)", rest))
    cls, fixed, defaults, keys, nstate = m.RULES[lo]
    for f, v in init.items():
        k, i = field.get(f, (f, None))
        got = defaults[k] if i is None else defaults[k][i]
        assert float(v) == float(got), (lo, f, v, got)
    for k, v in defaults.items():  # and nothing rules.h leaves at 0 is set otherwise here
        for i, x in enumerate(v if isinstance(v, tuple) else (v,)):
            f = next((f for f, (kk, ii) in field.items() if kk == k and ii == i), k)
            assert float(init.get(f, 0)) == float(x), (lo, k, x)
    if cls:
        assert torch_name.strip('"').startswith("torch.optim." + cls), (lo, torch_name, cls)
    else:
        assert "not in torch.optim" in torch_name, (lo, torch_name)
r = {e["rule"]: e for e in json.load(open(reg))}
assert set(r) == set(m.RULES), (set(r), set(m.RULES))
for lo, e in r.items():
    assert sorted(e["keys"]) == sorted(m.RULES[lo][3]), (lo, e["keys"], m.RULES[lo][3])
    assert e["state_arrays"] == m.RULES[lo][4], (lo, e["state_arrays"])
    assert e["decoupled_weight_decay"] == (lo in m.DECOUPLED_BY_DEFAULT), lo
PY

# usage errors: one line, exit 2; failures exit 1
expect 2 "--sizes: 'L1' depends on gdbench's topology" "$PEER" --sizes L1
expect 2 "--rules: 'frob' is not one of" "$PEER" --rules frob
expect 2 "adam does not read 'rho'" "$PEER" --opt adam:rho=0.5
expect 2 "torch.optim.Adam refuses it: Invalid beta" "$PEER" --opt adam:betas=1.5/0.9 --sizes 16
expect 2 "--dtype 'bf16/f32': expected PARAM/GRAD/STATE" "$PEER" --dtype bf16/f32
expect 2 "p.json' exists; use --force" "$PEER" --rules sgd --sizes 16 --out "$tmp/p.json"
expect 1 "cannot write '$tmp/no/such/dir/p.json'" "$PEER" --rules sgd --sizes 16 --min-time 0.01 --out "$tmp/no/such/dir/p.json"
check 'a failed write: one line, no traceback' eval '[ "$(grep -c "cannot write" "$tmp/out")" -eq 1 ] && ! grep -q Traceback "$tmp/out"'

# the names pair with gdbench's own in gdbench-compare
"$GD" kernels --what update --rules adam --sizes 4096 --threads 1 --impl best --min-time 0.01 \
	--out "$tmp/k.json" >/dev/null 2>&1
expect 0 '^adam +n:4096 +1 f32/f32/f32 +[0-9.]+ [a-z0-9/]+ +[0-9.]+ +[0-9.]+x +[0-9.]+ +[0-9.]+x$' \
	"$CMP" "$tmp/k.json" "$tmp/p.json"

# gdbench kernels --peer torch: two torch rounds around ours, one peer file, the comparison printed;
# on 2 threads where there are 2 CPUs (the peer must not inherit a pinned thread's single CPU)
thr=1
[ "$(nproc)" -gt 1 ] && thr=1,2
expect 0 'gdbench against torch.optim' env GDBENCH_PEER_TORCH="$PEER" "$GD" kernels --what update --rules adam \
	--impl best --sizes 4096 --params "$(dirname "$0")/data/params/good.json" --threads $thr --min-time 0.01 \
	--peer torch -o "$tmp/kk.json"
check 'kernels --peer torch: both rounds in kk.torch.json, flat and set entries, none left over' $PY - "$tmp" \
	"$(tr , '\n' <<<"$thr" | wc -l)" <<'PY'
import json, os, sys
d = json.load(open(os.path.join(sys.argv[1], "kk.torch.json")))
assert d["context"]["peer_rounds"].startswith("2"), d["context"]
n = [e["name"] for e in d["benchmarks"] if e.get("run_type", "iteration") == "iteration" and not e.get("error_occurred")]
for size in ("n:4096", "params:tiny-transformer"):
    for impl in ("foreach", "forloop"):
        assert sum(x.startswith(f"adam/torch/{impl}/{size}/") for x in n) == 2 * int(sys.argv[2]), (size, impl, n)
assert not [f for f in os.listdir(sys.argv[1]) if ".tmp." in f or ".set" in f], os.listdir(sys.argv[1])
PY

finish peer_torch
