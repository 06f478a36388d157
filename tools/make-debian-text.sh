#!/usr/bin/env bash
# A real sparse dataset that no one here wrote, built from this machine's Debian archive:
# every package in `apt-cache dumpavail` becomes a row: its name and one-line description
# as a bag of words, hashed to 2^18 features (FNV-1a), term counts (or --binary) scaled to
# unit L2 norm, labelled by its section: the 9 largest sections are classes 0..8, every other
# section is class 9 ("other"). A fixed split by package name (FNV-1a of the name mod 5 == 0:
# test, about 20%) gives train.libsvm and test.libsvm in OUTDIR (default results/debian-text),
# with classes.txt (class, section, rows) and stats.json. Needs apt's package lists (apt-get update).
#   tools/make-debian-text.sh [--binary] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=0
if [ "${1:-}" = "--binary" ]; then binary=1; shift; fi
case ${1:-} in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; -*) echo "usage: tools/make-debian-text.sh [--binary] [OUTDIR]" >&2; exit 2 ;; esac
out=${1:-results/debian-text}
command -v apt-cache >/dev/null || { echo "make-debian-text: apt-cache not found (a Debian machine is needed)" >&2; exit 1; }
mkdir -p "$out"
script=$(cat <<'EOF'
import json, math, os, re, sys
from collections import Counter

out, binary = sys.argv[1], sys.argv[2] == "1"
D = 1 << 18


def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


pkgs, cur = {}, {}
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line:
        if "Package" in cur and "Section" in cur and "Description" in cur:
            pkgs.setdefault(cur["Package"], cur)  # first stanza of a package wins
        cur = {}
        continue
    if line[0] in " \t":
        continue  # continuation lines (no long descriptions in dumpavail)
    k, _, v = line.partition(":")
    cur[k] = v.strip()
if not pkgs:
    sys.exit("make-debian-text: apt-cache dumpavail listed no packages: run apt-get update first")

section = {p: s["Section"].split("/")[-1] for p, s in pkgs.items()}  # contrib/net -> net
counts = Counter(section.values())
top = [s for s, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:9]]
label = {s: i for i, s in enumerate(top)}
token = re.compile(r"[a-z0-9]+")

rows = {"train": [], "test": []}
used, nnz = set(), 0
for p in sorted(pkgs):
    words = token.findall((p.replace("-", " ").replace(".", " ") + " " + pkgs[p]["Description"]).lower())
    words = [w for w in words if len(w) > 1 and not w.isdigit()]
    tf = Counter(fnv1a(w) % D + 1 for w in words)
    if binary:
        tf = Counter({k: 1 for k in tf})
    norm = math.sqrt(sum(v * v for v in tf.values())) or 1.0
    feats = " ".join(f"{k}:{v / norm:.6g}" for k, v in sorted(tf.items()))
    y = label.get(section[p], 9)
    rows["test" if fnv1a(p) % 5 == 0 else "train"].append(f"{y} {feats}".rstrip())
    used.update(tf)
    nnz += len(tf)
for split, lines in rows.items():
    tmp = os.path.join(out, split + ".libsvm.tmp")
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, os.path.join(out, split + ".libsvm"))
with open(os.path.join(out, "classes.txt"), "w") as f:
    for i, s in enumerate(top):
        f.write(f"{i} {s} {counts[s]}\n")
    f.write(f"9 other {sum(v for s, v in counts.items() if s not in label)}\n")
stats = {"rows": len(pkgs), "train_rows": len(rows["train"]), "test_rows": len(rows["test"]),
         "features": D, "features_used": len(used), "classes": 10, "nonzeros": nnz,
         "nonzeros_per_row": round(nnz / len(pkgs), 2), "values": "binary" if binary else "tf",
         "sections": top + ["other"]}
with open(os.path.join(out, "stats.json"), "w") as f:
    json.dump(stats, f, indent=1)
print(f"make-debian-text: {stats['rows']} packages -> {out}/train.libsvm ({stats['train_rows']} rows), "
      f"test.libsvm ({stats['test_rows']}); {D} hashed features ({len(used)} used), 10 classes, "
      f"{nnz} nonzeros ({stats['nonzeros_per_row']} per row)")
EOF
)
apt-cache dumpavail | python3 -c "$script" "$out" "$binary"
