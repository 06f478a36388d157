#!/usr/bin/python3
"""Time torch.optim steps for the same rules, hyperparameters, sizes and dtypes as
`gdbench kernels --what update`, and write Google Benchmark JSON that gdbench-compare
sets beside gdbench's own (gdbench-compare GDBENCH.json PEER.json).

Run it with Debian's /usr/bin/python3 (python3-torch; tools/setup.sh installs it).

What is timed: one optimizer.step() over the whole set of tensors, the gradients preset
(never recomputed), after a warm-up that creates the optimizer state. Each repetition
times single steps until --min-time has passed and reports their median; Gelem/s is the
set's total elements over that median, ns_per_tensor the median over the tensor count.
Inputs are gdbench's (kbench_update.c): g in [-1, 1) and never 0 from a multiplicative
hash of the element's index in the whole set, w = 0.5 + g/4.

Benchmark names (the mapping onto gdbench's): gdbench names an update benchmark
    RULE/VARIANT/SIZE[/min_time:S.SSS]/manual_time[/threads:T]
VARIANT is simd/ISA, auto/ISA or scalar; SIZE is LEVEL:COUNT with LEVEL n for an explicit
count (4096 -> n:4096, 16M -> n:16777216) or L1, L2, L3, DRAM; /min_time appears when
--min-time was given and /threads when T > 1 (Google Benchmark's suffixes). This script
writes the same name with VARIANT replaced by torch/IMPL (IMPL foreach or forloop):
    adam/simd/avx2/n:16777216/manual_time   (gdbench)
    adam/torch/foreach/n:16777216/manual_time
and, for what gdbench has not named yet, SIZE params:SET for --params-json and a
/dtype:P_G_S part after SIZE for dtypes other than f32/f32/f32 (every entry also carries
"dtype": "P/G/S", which gdbench-compare reads first). gdbench-compare pairs entries by
rule, element count (or set), threads and dtype, not by the whole name.

Unsupported combinations (lion: not in torch.optim; fp32 state for bf16 or f16
parameters; +sr, stochastic rounding; gradients of another dtype; a key torch's class lacks;
a dtype torch's CPU kernels refuse, as f16 for all but sgd/momentum/nesterov) are written
as entries with "error_occurred": true, "unsupported": true and "error_message":
"torch cannot express ...", and the reason goes to stderr once.
"""
import argparse
import datetime
import inspect
import json
import math
import os
import socket
import statistics
import sys
import tempfile
import time

# gdbench rule -> (torch.optim class, fixed keyword arguments, gdbench's defaults as in
# kernels/rules.h (torch.optim's own defaults, except sgd's lr, which torch requires, and
# momentum/nesterov's momentum = 0.9), the gdbench keys the rule reads, state arrays).
# tests/peer_torch.sh checks the defaults and keys against rules.h and `gdbench list`.
RULES = {
    "sgd": ("SGD", {}, dict(lr=1e-3, weight_decay=0.0), ["lr", "weight_decay", "decoupled"], 0),
    "momentum": ("SGD", {}, dict(lr=1e-3, weight_decay=0.0, momentum=0.9, dampening=0.0),
                 ["lr", "weight_decay", "decoupled", "momentum", "dampening", "nesterov"], 1),
    "nesterov": ("SGD", {"nesterov": True}, dict(lr=1e-3, weight_decay=0.0, momentum=0.9, dampening=0.0),
                 ["lr", "weight_decay", "decoupled", "momentum", "dampening", "nesterov"], 1),
    "adagrad": ("Adagrad", {}, dict(lr=1e-2, weight_decay=0.0, lr_decay=0.0, initial_accumulator_value=0.0,
                                    eps=1e-10),
                ["lr", "weight_decay", "decoupled", "lr_decay", "initial_accumulator_value", "eps"], 1),
    "rmsprop": ("RMSprop", {}, dict(lr=1e-2, weight_decay=0.0, alpha=0.99, eps=1e-8, momentum=0.0, centered=False),
                ["lr", "weight_decay", "decoupled", "alpha", "eps", "momentum", "centered"], 1),
    "adadelta": ("Adadelta", {}, dict(lr=1.0, weight_decay=0.0, rho=0.9, eps=1e-6),
                 ["lr", "weight_decay", "decoupled", "rho", "eps"], 2),
    "adam": ("Adam", {}, dict(lr=1e-3, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-8),
             ["lr", "weight_decay", "decoupled", "betas", "eps", "amsgrad"], 2),
    "adamw": ("AdamW", {}, dict(lr=1e-3, weight_decay=1e-2, betas=(0.9, 0.999), eps=1e-8),
              ["lr", "weight_decay", "decoupled", "betas", "eps"], 2),
    "amsgrad": ("Adam", {"amsgrad": True}, dict(lr=1e-3, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-8),
                ["lr", "weight_decay", "decoupled", "betas", "eps", "amsgrad"], 3),
    "adamax": ("Adamax", {}, dict(lr=2e-3, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-8),
               ["lr", "weight_decay", "decoupled", "betas", "eps"], 2),
    "nadam": ("NAdam", {}, dict(lr=2e-3, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-8, momentum_decay=4e-3),
              ["lr", "weight_decay", "decoupled", "betas", "eps", "momentum_decay"], 2),
    "rprop": ("Rprop", {}, dict(lr=1e-2, weight_decay=0.0, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)),
              ["lr", "weight_decay", "decoupled", "etas", "step_sizes"], 2),
    # Chen et al. 2023; lion-pytorch is a separate package, not torch.optim
    "lion": (None, {}, dict(lr=1e-4, weight_decay=0.0, betas=(0.9, 0.99)), ["lr", "weight_decay", "decoupled", "betas"], 1),
}
DECOUPLED_BY_DEFAULT = {"adamw", "lion"}  # rules.h's decoupled column
PAIR_KEYS = {"betas", "etas", "step_sizes"}
FLAG_KEYS = {"nesterov", "amsgrad", "centered", "decoupled"}
ALL_KEYS = ["lr", "momentum", "dampening", "nesterov", "weight_decay", "decoupled", "lr_decay",
            "initial_accumulator_value", "alpha", "centered", "rho", "betas", "eps", "amsgrad",
            "momentum_decay", "etas", "step_sizes"]  # gdbench's --opt keys (harness/optspec.h)
STORES = {"f32": "float32", "bf16": "bfloat16", "f16": "float16"}
STORE_BYTES = {"f32": 4, "bf16": 2, "f16": 2}
PROG = "peer-torch.py"


class Usage(Exception):
    """A bad command line: one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Usage(message + f" (see {PROG} --help)")


def parse_count(word):
    """gdbench's --sizes counts: digits with an optional K or M (binary), 1 .. 2^32."""
    mult = 1
    digits = word
    if word[-1:] in ("K", "M"):
        mult = 1024 if word[-1] == "K" else 1 << 20
        digits = word[:-1]
    if not digits.isdigit():
        if word in ("L1", "L2", "L3", "DRAM"):
            raise Usage(f"--sizes: '{word}' depends on gdbench's topology and the rule's state; give the count "
                        "gdbench named (e.g. 2048 for L1:2048); expected counts like 4096, 64K, 16M")
        raise Usage(f"--sizes: '{word}' is not a size; expected a count like 4096, 64K, 16M")
    n = int(digits) * mult
    if not 1 <= n <= 1 << 32:
        raise Usage(f"--sizes: '{word}' is out of range; expected 1 to 4294967296 elements")
    return n


def parse_list(text, what, valid=None):
    words = [w for w in text.split(",")]
    if not words or any(not w for w in words):
        raise Usage(f"{what} '{text}': expected names separated by commas")
    for w in words:
        if valid is not None and w not in valid:
            raise Usage(f"{what}: '{w}' is not one of {', '.join(valid)}")
    return list(dict.fromkeys(words))


def parse_dtype(word):
    """P/G/S[+sr] as gdbench spells it -> (name, (p, g, s), sr)."""
    sr = word.endswith("+sr")
    parts = (word[:-3] if sr else word).split("/")
    if len(parts) != 3 or any(p not in STORES for p in parts):
        raise Usage(f"--dtype '{word}': expected PARAM/GRAD/STATE[+sr] of f32, bf16, f16 (e.g. bf16/bf16/f32)")
    return word, tuple(parts), sr


def parse_opt(spec):
    """One gdbench --opt specification, rule:key=value:... -> (rule, {key: value}).
    torch's SGD is one class and gdbench's rules split it as optspec.c does:
    sgd:momentum=M (M > 0) is momentum, with nesterov=1 nesterov; adam:amsgrad=1 is amsgrad."""
    toks = spec.split(":")
    rule = toks[0]
    if rule not in RULES:
        raise Usage(f"--opt '{spec}': unknown optimizer '{rule}'; expected one of {', '.join(RULES)}")
    kv = {}
    for t in toks[1:]:
        k, eq, v = t.partition("=")
        if not eq or not k or not v:
            raise Usage(f"--opt: '{t}' in '{spec}': expected key=value")
        if k not in ALL_KEYS:
            raise Usage(f"--opt: unknown hyperparameter '{k}' in '{spec}' (torch.optim names: {', '.join(ALL_KEYS)})")
        if "|" in v or ".." in v:
            raise Usage(f"--opt: '{t}' in '{spec}': sweeps are gdbench run's; give one value here")
        try:
            if k in PAIR_KEYS:
                a, slash, b = v.partition("/")
                if not slash:
                    raise ValueError
                x = (float(a), float(b))
            else:
                x = float(v)
            if not all(math.isfinite(y) for y in (x if isinstance(x, tuple) else (x,))):
                raise ValueError
        except ValueError:
            want = "two numbers as a/b, e.g. 0.9/0.999" if k in PAIR_KEYS else "a number"
            raise Usage(f"--opt: {k} '{v}' in '{spec}': expected {want}") from None
        kv[k] = x
    if rule == "sgd" and kv.get("momentum", 0) > 0:
        rule = "nesterov" if kv.get("nesterov", 0) else "momentum"
    elif rule == "momentum" and kv.get("nesterov", 0):
        rule = "nesterov"
    elif kv.get("nesterov", 0) and rule != "nesterov":
        raise Usage(f"--opt '{spec}': nesterov=1 needs momentum > 0 (sgd:momentum=0.9:nesterov=1)")
    if kv.get("amsgrad", 0):
        if rule not in ("adam", "amsgrad"):
            raise Usage(f"--opt '{spec}': amsgrad=1 applies to adam only")
        rule = "amsgrad"
    keys = RULES[rule][3]
    for k, v in kv.items():
        if k not in keys and v != default_of(rule, k):
            raise Usage(f"--opt '{spec}': {rule} does not read '{k}' (it reads {', '.join(keys)})")
    return rule, {k: v for k, v in kv.items() if k in keys}


def default_of(rule, key):
    d = RULES[rule][2]
    if key == "decoupled":
        return 1.0 if rule in DECOUPLED_BY_DEFAULT else 0.0
    if key == "nesterov":
        return 1.0 if rule == "nesterov" else 0.0
    if key == "amsgrad":
        return 1.0 if rule == "amsgrad" else 0.0
    if key in d:
        return float(d[key]) if not isinstance(d[key], tuple) else d[key]
    return (0.0, 0.0) if key in PAIR_KEYS else 0.0


def load_params(path):
    """A parameter-set file: {"name": NAME, "tensors": [{"name": ..., "shape": [...]}, ...]}."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise Usage(f"--params-json: cannot read '{path}': {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise Usage(f"--params-json: {path}:{e.lineno}:{e.colno}: {e.msg}") from None
    name = doc.get("name") if isinstance(doc, dict) else None
    tensors = doc.get("tensors") if isinstance(doc, dict) else None
    if not isinstance(name, str) or not name or any(c in name for c in "/ \t\n") or not isinstance(tensors, list) \
            or not tensors:
        raise Usage(f"--params-json: {path}: expected {{\"name\": NAME (no '/' or spaces), \"tensors\": "
                    "[{\"name\": ..., \"shape\": [...]}, ...]}} with at least one tensor")
    shapes = []
    for k, t in enumerate(tensors):
        shape = t.get("shape") if isinstance(t, dict) else None
        if not isinstance(shape, list) or not 1 <= len(shape) <= 4 or \
                any(not isinstance(d, int) or isinstance(d, bool) or d < 1 for d in shape):
            raise Usage(f"--params-json: {path}: tensor {k} ({t.get('name', '?') if isinstance(t, dict) else t!r}): "
                        "expected a shape of 1 to 4 positive integers")
        shapes.append(tuple(shape))
    return name, shapes


def unsupported_reason(torch, rule, hp, dtype, impl):
    """Why torch.optim cannot run this combination, or None."""
    cls_name, fixed, _, _, _ = RULES[rule]
    if cls_name is None:
        return f"{rule}: torch.optim {torch.__version__.split('+')[0]} has no {rule.capitalize()} " \
               "(Chen et al. 2023; lion-pytorch is a separate package)"
    cls = getattr(torch.optim, cls_name, None)
    if cls is None:
        return f"{rule}: torch {torch.__version__} has no torch.optim.{cls_name}"
    params = inspect.signature(cls.__init__).parameters
    if impl == "foreach" and "foreach" not in params:
        return f"{rule} with foreach: torch {torch.__version__} torch.optim.{cls_name} has no foreach implementation"
    name, (p, g, s), sr = dtype
    if sr:
        return f"{name}: torch.optim rounds to nearest; it has no stochastic rounding"
    if g != p:
        return f"{name}: torch.optim needs gradients of the parameters' dtype ({p}), not {g}"
    if s != p:
        return f"{name}: torch.optim keeps optimizer state in the parameters' dtype ({p}); {s} state for {p} " \
               "parameters (master copies) needs a mixed-precision wrapper outside torch.optim"
    if hp.get("decoupled", default_of(rule, "decoupled")) != default_of(rule, "decoupled"):
        return f"{rule} decoupled={hp['decoupled']:g}: torch.optim.{cls_name} has no switch for decoupled " \
               "weight decay (torch.optim.AdamW is gdbench's adamw)"
    for k, v in hp.items():
        if k in ("decoupled", "nesterov", "amsgrad"):
            continue
        if k not in params and v != default_of(rule, k):
            return f"{rule} {k}={v}: torch {torch.__version__} torch.optim.{cls_name} has no '{k}'"
    return None


def torch_kwargs(torch, rule, hp, impl):
    """The torch.optim class and keyword arguments for gdbench's rule and hyperparameters."""
    cls_name, fixed, defaults, _, _ = RULES[rule]
    cls = getattr(torch.optim, cls_name)
    params = inspect.signature(cls.__init__).parameters
    kw = dict(fixed)
    for k, v in {**defaults, **hp}.items():
        if k in ("decoupled", "nesterov", "amsgrad") or k not in params:
            continue  # not in the class: unsupported_reason has refused any value but the default
        kw[k] = bool(v) if k in FLAG_KEYS else v
    kw["foreach"] = impl == "foreach"
    return cls, kw


def make_set(torch, shapes, store):
    """The tensors of one set with gdbench's inputs (kbench_update.c) over the whole flat vector."""
    dt = getattr(torch, STORES[store])
    ws, gs = [], []
    off = 0
    chunk = 1 << 22  # the index arithmetic runs in int64 chunks: 32 MiB of temporaries at most
    for shape in shapes:
        n = math.prod(shape)
        g = torch.empty(n, dtype=torch.float32)
        for lo in range(0, n, chunk):
            i = torch.arange(off + lo, off + min(n, lo + chunk), dtype=torch.int64)
            h = ((i & 0xffffffff) * 2654435761) & 0xffffffff  # (unsigned)i * 2654435761u
            g[lo:lo + len(i)] = ((h >> 8) & 0xffff).to(torch.float32) / 32768.0 - 1.0 + 1.0 / 65536.0
        w = (0.5 + g * 0.25).to(dt).reshape(shape).requires_grad_(True)
        w.grad = g.to(dt).reshape(shape)
        ws.append(w)
        gs.append(w.grad)
        off += n
    return ws


def time_case(torch, opt, min_time, reps):
    """Median ns of one step per repetition, after a warm-up; (median_ns, steps, cpu_ns) each."""
    t0 = time.perf_counter()
    k = 0
    while k < 2 or time.perf_counter() - t0 < 0.2 * min_time:  # the first step creates the state
        opt.step()
        k += 1
    out = []
    for _ in range(reps):
        ts = []
        c0 = time.process_time_ns()
        start = time.perf_counter_ns()
        while True:
            a = time.perf_counter_ns()
            opt.step()
            b = time.perf_counter_ns()
            ts.append(b - a)
            if b - start >= min_time * 1e9:
                break
        out.append((statistics.median(ts), len(ts), (time.process_time_ns() - c0) / len(ts)))
    return out


def bench_name(rule, impl, size_label, dtype_name, min_time_given, min_time, threads):
    name = f"{rule}/torch/{impl}/{size_label}"
    if dtype_name != "f32/f32/f32":
        name += "/dtype:" + dtype_name.replace("/", "_").replace("+", "_")
    if min_time_given:
        name += f"/min_time:{min_time:.3f}"  # Google Benchmark's spelling of MinTime
    name += "/manual_time"
    if threads > 1:
        name += f"/threads:{threads}"
    return name


def context(torch):
    ctx = {
        "date": datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "host_name": socket.gethostname(),
        "executable": os.path.abspath(__file__),
        "num_cpus": os.cpu_count(),
        "library": f"torch {torch.__version__}",
        "peer": "torch",
        "torch_version": torch.__version__,
        "python": sys.version.split()[0],
        "torch_parallel": next((l.split(":", 1)[1].strip() for l in torch.__config__.parallel_info().splitlines()
                                if l.startswith("ATen parallel backend")), ""),
        "load_avg": list(os.getloadavg()),
    }
    try:
        with open("/proc/cpuinfo") as f:
            ctx["cpu_model_name"] = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return ctx


def write_atomic(path, doc):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".tmp.", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    ap = Parser(prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
                description=__doc__.split("\n\n")[0],
                epilog="\n\n".join(__doc__.split("\n\n")[1:]) +
                "\n\nExit status: 0 done (unsupported entries included), 1 failure (torch missing, a write "
                "failed), 2 usage.")
    ap.add_argument("--rules", help="rules, e.g. adam,sgd (default: all of gdbench's, or those --opt names): "
                    + ", ".join(RULES))
    ap.add_argument("--opt", help="hyperparameters in gdbench's --opt spelling, specifications separated by "
                    "commas: RULE:KEY=VALUE[:KEY=VALUE...], e.g. adam:lr=1e-2:betas=0.8/0.99,sgd:lr=0.1 "
                    "(sgd:momentum=0.9 is rule momentum, adam:amsgrad=1 amsgrad); the rules named join --rules; "
                    "default: gdbench's defaults (kernels/rules.h)")
    ap.add_argument("--sizes", help="element counts, one flat tensor each: 4096, 64K, 16M (default: 16M unless "
                    "--params-json is given)")
    ap.add_argument("--params-json", action="append", default=[], metavar="FILE",
                    help="a parameter set: {\"name\": ..., \"tensors\": [{\"name\": ..., \"shape\": [...]}]} "
                    "(repeatable); benchmark SIZE part params:NAME")
    ap.add_argument("--dtype", default="f32/f32/f32",
                    help="storage PARAM/GRAD/STATE[+sr], comma-separated list (default f32/f32/f32); torch "
                    "runs P/P/P only (state follows the parameters): others become unsupported entries")
    ap.add_argument("--threads", default="1", help="torch.set_num_threads counts, e.g. 1,2 (default 1; "
                    "torch's own intra-op threads, not pinned)")
    ap.add_argument("--impl", default="foreach,forloop", help="foreach (foreach=True), forloop (foreach=False); "
                    "default both")
    ap.add_argument("--min-time", type=float, default=None, metavar="S",
                    help="seconds of timed steps per repetition (default 0.5, Google Benchmark's; when given, "
                    "names carry /min_time:S as gdbench's do)")
    ap.add_argument("--repetitions", type=int, default=1, metavar="R", help="repetitions (default 1)")
    ap.add_argument("--out", metavar="FILE", help="write the JSON to FILE atomically (default: standard output)")
    ap.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    ap.add_argument("--first-step", type=int, metavar="K",
                    help="no timing: for each case, one step from the inputs, and print the first K elements "
                    "of w before, g and w after as JSON lines (what the tests check by hand)")
    a = ap.parse_args(argv)

    opts = {}
    for spec in (a.opt.split(",") if a.opt else []):
        rule, kv = parse_opt(spec)
        if rule in opts:
            raise Usage(f"--opt: two specifications for {rule}; give one per rule")
        opts[rule] = kv
    if a.rules:
        rules = parse_list(a.rules, "--rules", list(RULES))
        rules += [r for r in opts if r not in rules]
    else:
        rules = list(opts) if opts else list(RULES)
    impls = parse_list(a.impl, "--impl", ["foreach", "forloop"])
    dtypes = [parse_dtype(w) for w in parse_list(a.dtype, "--dtype")]
    try:
        threads = [int(t) for t in parse_list(a.threads, "--threads")]
    except ValueError:
        raise Usage(f"--threads '{a.threads}': expected counts such as 1,2") from None
    npu = len(os.sched_getaffinity(0))
    if any(not 1 <= t <= npu for t in threads):
        raise Usage(f"--threads '{a.threads}': expected counts from 1 to {npu} (the PUs this process may use)")
    min_time = 0.5 if a.min_time is None else a.min_time
    if not 0 < min_time <= 3600:
        raise Usage(f"--min-time '{a.min_time}': expected seconds, > 0 and <= 3600")
    if not 1 <= a.repetitions <= 1000:
        raise Usage(f"--repetitions '{a.repetitions}': expected 1 to 1000")
    if a.first_step is not None and not 1 <= a.first_step <= 4096:
        raise Usage(f"--first-step '{a.first_step}': expected 1 to 4096 elements")
    sets = []  # (SIZE label, shapes)
    if a.sizes:
        sets += [(f"n:{n}", [(n,)]) for n in dict.fromkeys(parse_count(w) for w in parse_list(a.sizes, "--sizes"))]
    for path in a.params_json:
        name, shapes = load_params(path)
        sets.append((f"params:{name}", shapes))
    if not sets:
        sets = [(f"n:{16 << 20}", [(16 << 20,)])]
    if a.out and not a.force and os.path.exists(a.out) and a.first_step is None:
        raise Usage(f"'{a.out}' exists; use --force to overwrite it")
    phys = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for label, shapes in sets:
        n = sum(math.prod(s) for s in shapes)
        for rule in rules:
            for _, (p, g, s), _ in dtypes:
                need = n * (STORE_BYTES[p] + STORE_BYTES[g] + RULES[rule][4] * STORE_BYTES[s])
                if need > phys // 2:
                    raise Usage(f"{label}: {rule} needs {need >> 20} MiB, more than half of this machine's "
                                f"{phys >> 20} MiB")

    try:
        import torch
    except ImportError as e:
        print(f"{PROG}: cannot import torch under {sys.executable} ({e}); install python3-torch "
              "(tools/setup.sh) and run this with /usr/bin/python3", file=sys.stderr)
        return 1
    # a bad hyperparameter is a usage error: let torch's own checks say so before any timing
    f32 = ("f32/f32/f32", ("f32",) * 3, False)
    for rule in rules:
        hp = opts.get(rule, {})
        if unsupported_reason(torch, rule, hp, f32, "forloop"):
            continue  # an unsupported entry says why
        cls, kw = torch_kwargs(torch, rule, hp, "forloop")
        try:
            cls([torch.zeros(1, requires_grad=True)], **kw)
        except (ValueError, TypeError) as e:
            raise Usage(f"--opt {rule}: torch.optim.{cls.__name__} refuses it: {e}") from None

    told = set()

    def tell(msg):
        if msg not in told:
            print(f"{PROG}: {msg}", file=sys.stderr)
            told.add(msg)

    benchmarks = []
    family = 0
    for label, shapes in sets:
        nel = sum(math.prod(s) for s in shapes)
        for T in threads:
            torch.set_num_threads(T)
            for rule in rules:
                hp = opts.get(rule, {})
                for dtype in dtypes:
                    for impl in impls:
                        name = bench_name(rule, impl, label, dtype[0], a.min_time is not None, min_time, T)
                        base = {"name": name, "family_index": family, "per_family_instance_index": 0,
                                "run_name": name, "run_type": "iteration", "repetitions": a.repetitions,
                                "threads": T, "peer": "torch", "impl": impl, "dtype": dtype[0], "rule": rule,
                                "tensors": len(shapes), "elements": nel}
                        family += 1
                        why = unsupported_reason(torch, rule, hp, dtype, impl)
                        if why is None:
                            cls, kw = torch_kwargs(torch, rule, hp, impl)
                            ws = make_set(torch, shapes, dtype[1][0])
                            opt = cls(ws, **kw)
                            w0 = ws[0].detach().flatten()[:a.first_step or 1].float().tolist()
                            try:
                                if a.first_step is not None:
                                    opt.step()
                                else:
                                    times = time_case(torch, opt, min_time, a.repetitions)
                            except RuntimeError as e:  # e.g. torch 1.13's CPU kernels have no f16 addcmul
                                why = f"{dtype[0]} for {rule} on this CPU: torch {torch.__version__}'s " \
                                      f"kernels fail: {str(e).splitlines()[0]}"
                        if why is not None:
                            msg = f"torch cannot express {why}"
                            tell(msg)
                            if a.first_step is None:
                                benchmarks.append({**base, "repetition_index": 0, "error_occurred": True,
                                                   "error_message": msg, "unsupported": True})
                            continue
                        desc = f"torch.optim.{cls.__name__}(" + ", ".join(
                            f"{k}={v}" for k, v in kw.items()) + ")"
                        if a.first_step is not None:
                            k = a.first_step
                            print(json.dumps({"rule": rule, "impl": impl, "dtype": dtype[0], "size": label,
                                              "torch_optimizer": desc, "w0": w0,
                                              "g": ws[0].grad.flatten()[:k].float().tolist(),
                                              "w1": ws[0].detach().flatten()[:k].float().tolist()}))
                            continue
                        del ws, opt
                        for r, (ns, steps, cpu) in enumerate(times):
                            benchmarks.append({**base, "repetition_index": r, "iterations": steps,
                                               "real_time": ns, "cpu_time": cpu, "time_unit": "ns",
                                               "Gelem/s": nel / ns, "items_per_second": nel / ns * 1e9,
                                               "ns_per_tensor": ns / len(shapes), "torch_optimizer": desc})
                        if a.repetitions > 1:  # Google Benchmark's aggregates, over the repetitions
                            v = [t[0] for t in times]
                            for agg, x in (("mean", statistics.mean(v)), ("median", statistics.median(v)),
                                           ("stddev", statistics.stdev(v))):
                                row = {**base, "name": f"{name}_{agg}", "run_type": "aggregate",
                                       "aggregate_name": agg, "aggregate_unit": "time", "iterations": a.repetitions,
                                       "real_time": x, "time_unit": "ns", "torch_optimizer": desc}
                                if agg != "stddev":
                                    row["Gelem/s"] = nel / x
                                benchmarks.append(row)
                        med = statistics.median(t[0] for t in times)
                        print(f"{name:60s} {nel / med:9.4g} Gelem/s {med / len(shapes):12.0f} ns/tensor", file=sys.stderr)
    if a.first_step is not None:
        return 0
    doc = {"context": context(torch), "benchmarks": benchmarks}
    try:
        if a.out:
            write_atomic(a.out, doc)
            print(f"{PROG}: wrote {a.out}", file=sys.stderr)
        else:
            json.dump(doc, sys.stdout, indent=2)
            sys.stdout.write("\n")
            sys.stdout.flush()
    except OSError as e:
        print(f"{PROG}: cannot write '{a.out or '<stdout>'}': {e.strerror or e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Usage as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        sys.exit(2)
