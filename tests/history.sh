#!/usr/bin/env bash
# gdbench-history on synthetic kernels files: add, list, show, changes (a 10% step found where it
# is, --fail-recent), export (BMF, github-action-benchmark), two adds at once, an add killed with
# SIGKILL inside its transaction, an older or newer schema, foreign files, and input errors.
# gdbench-report --history draws the series with their change points.
# Usage: tests/history.sh PATH/TO/gdbench-history PATH/TO/gdbench-report
set -u
H=${1:?usage: history.sh gdbench-history gdbench-report}
RP=${2:?usage: history.sh gdbench-history gdbench-report}
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"
db=$tmp/h.sqlite

# kernels files in Google Benchmark's format: revision rI, 5 repetitions per entry; "step" drops
# 10% from r7 on (a regression of a higher-is-better metric), "flat" does not move; sd 1%
$PY - "$tmp" <<'PY'
import json, random, sys
d = sys.argv[1]
def kern(path, rev, specs, mid="amd-f25m1s1-avx2-2pu"):
    rnd = random.Random(path)
    b = [{"name": n, "run_name": n, "run_type": "iteration", "repetitions": 5, "repetition_index": r,
          "threads": 1, "real_time": 1.0, "roofline": rnd.gauss(m, 0.01 * m)} for n, m in specs for r in range(5)]
    ctx = {"git_revision": rev}
    if mid:
        ctx["machine_id"] = mid
    json.dump({"context": ctx, "benchmarks": b}, open(f"{d}/{path}", "w"))
for i in range(1, 13):
    kern(f"r{i}.json", f"r{i}", [("step/n:1", 1.0 if i < 7 else 0.9), ("flat/n:1", 0.5)])
kern("big.json", "r13", [(f"many/n:{k}", 0.5) for k in range(500)])
kern("noid.json", "r1", [("step/n:1", 1.0)], mid=None)
PY
for i in $(seq 1 12); do
	expect 0 "added .*r$i.json: 2 series of amd-f25m1s1-avx2-2pu at r$i" "$H" --db "$db" add --commit-time $((1000 + i)) "$tmp/r$i.json"
done
expect 0 'roofline +12 +0\.(49|50).*flat/n:1' "$H" --db "$db" list
expect 0 'r12 .* 5 +0\.9' "$H" --db "$db" show step/n:1/threads:1
n=$((n + 1))
if "$H" --db "$db" show --json step/n:1/threads:1 | $PY -c '
import json, sys
s = json.load(sys.stdin)[0]
p = s["points"]
assert s["higher_better"] and len(p) == 12 and [q["revision"] for q in p] == [f"r{i}" for i in range(1, 13)]
assert all(q["repetitions"] == 5 and q["min"] <= q["median"] <= q["max"] for q in p)
assert abs(p[0]["median"] - 1.0) < 0.03 and abs(p[11]["median"] - 0.9) < 0.03'; then
	echo "ok $n - show --json: 12 points in commit order"
else
	echo "not ok $n - show --json"; fails=$((fails + 1))
fi
# one change point, at r7, for step only; recent = within the last K revisions (r7 is the 6th last)
expect 0 'step/n:1/threads:1 \(roofline\): change after r6, at r7: (1|0\.99).* -> 0\.9.* \(-(9|10)\.[0-9]%, regression\), p = 0\.0' "$H" --db "$db" changes
expect 0 '^1 change point$' "$H" --db "$db" changes
expect 0 '^0 change points$' "$H" --db "$db" changes --key flat/n:1/threads:1
expect 0 '0 regressions larger than 0.05 within the last 5' "$H" --db "$db" changes --fail-recent 5 --threshold 0.05
expect 1 'RECENT REGRESSION' "$H" --db "$db" changes --fail-recent 6 --threshold 0.05
expect 0 '0 regressions larger than 0.2' "$H" --db "$db" changes --fail-recent 6 --threshold 0.2
# convergence runs whose target stops being reached at c7 (time to target +inf from there on):
# a change point there, a regression of +inf%; in a database of their own
$PY - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
for i in range(1, 13):
    rs = [{"problem": {"model": "softmax", "dataset": "fashion-mnist/train"}, "optimizer": {"name": "adam:lr=5e-3"},
           "mode": "minibatch", "batch": 128, "threads": 1, "kernels": {"gradient": "g", "update": "u"},
           "noise": {"noisy": False},
           "summary": {"time_to_target": [{"target": 0.45, "train_s": None if i >= 7 else 0.030 + 0.001 * (k + i % 3)}],
                       "samples_per_s": 1e6}} for k in range(3)]
    json.dump({"schema": "gdbench-results", "version": 1, "context": {"git_revision": f"c{i}", "machine_id": "m"},
               "runs": rs}, open(f"{d}/c{i}.json", "w"))
PY
for i in $(seq 1 12); do "$H" --db "$tmp/ttt.sqlite" add --commit-time $((1000 + i)) "$tmp/c$i.json" >/dev/null; done
expect 0 'change after c6, at c7: 0\.03.* -> inf \(\+inf%, regression\), p = 0\.00' "$H" --db "$tmp/ttt.sqlite" changes
expect 1 'RECENT REGRESSION' "$H" --db "$tmp/ttt.sqlite" changes --fail-recent 6 --threshold 0.05
# the report: a table row per change point, one figure per series
expect 0 'index.html' "$RP" -o "$tmp/rep" --history "$db"
check "report --history: the change point's row, r6 to r7, marked as a regression" \
	grep -q '<td>step/n:1/threads:1</td><td>r6</td><td>r7</td><td>[0-9.]*</td><td>[0-9.]*</td><td class=nr>-' "$tmp/rep/index.html"
check "report --history: one figure per series" [ "$(grep -c '<figure>' "$tmp/rep/index.html")" -eq 2 ]
expect 2 'gdbench-report: --history .*r1.json: not a gdbench history database' "$RP" -o "$tmp/rep-bad" --history "$tmp/r1.json"
# exports: one revision's medians
n=$((n + 1))
if "$H" --db "$db" export --format bmf --machine-id amd-f25m1s1-avx2-2pu | $PY -c '
import json, sys
b = json.load(sys.stdin)
assert set(b) == {"step/n:1/threads:1", "flat/n:1/threads:1"}
m = b["step/n:1/threads:1"]["roofline"]
assert m["lower_value"] <= m["value"] <= m["upper_value"] and abs(m["value"] - 0.9) < 0.03'; then
	echo "ok $n - export --format bmf: the latest revision, {key: {metric: {value, lower_value, upper_value}}}"
else
	echo "not ok $n - export --format bmf"; fails=$((fails + 1))
fi
n=$((n + 1))
if "$H" --db "$db" export --format gab --revision r1 | $PY -c '
import json, sys
g = json.load(sys.stdin)
assert len(g) == 2 and all(e["unit"] == "1/roofline" and e["extra"] == "r1" for e in g)
e = next(e for e in g if "step" in e["name"])
assert abs(e["value"] - 1.0) < 0.03 and e["name"].startswith("amd-f25m1s1-avx2-2pu step/n:1/threads:1")'; then
	echo "ok $n - export --format gab: customSmallerIsBetter, higher-is-better as the reciprocal"
else
	echo "not ok $n - export --format gab"; fails=$((fails + 1))
fi
expect 1 "no series has revision 'nope'" "$H" --db "$db" export --format gab --revision nope

runs() { $PY -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM run").fetchone()[0])' "$db"; }
intact() { $PY -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$db"; }
# holding_lock: another connection holds the write lock (an add is inside its transaction)
holding_lock() {
	$PY -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    c.execute("BEGIN IMMEDIATE"); c.execute("ROLLBACK"); sys.exit(1)
except sqlite3.OperationalError:
    sys.exit(0)' "$db"
}
# two adds at once: the second waits on the first's transaction (busy timeout), both land
GDBENCH_TEST_HISTORY_STALL=1 "$H" --db "$db" add --commit-time 2001 --revision c1 "$tmp/r1.json" >"$tmp/c1" 2>&1 &
p1=$!
GDBENCH_TEST_HISTORY_STALL=1 "$H" --db "$db" add --commit-time 2002 --revision c2 "$tmp/r2.json" >"$tmp/c2" 2>&1 &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
check "two concurrent adds both succeed (exit $s1, $s2)" [ "$s1" -eq 0 ] && [ "$s2" -eq 0 ]
check "two concurrent adds: 14 runs" [ "$(runs)" -eq 14 ]
# SIGKILL inside the transaction (its rows written, not committed): nothing of it stays
GDBENCH_TEST_HISTORY_STALL=30 "$H" --db "$db" add --commit-time 3000 "$tmp/big.json" >/dev/null 2>&1 &
pk=$!
for _ in $(seq 100); do holding_lock && break; sleep 0.1; done
kill -9 $pk
wait $pk 2>/dev/null
check "kill -9 mid-add: still 14 runs" [ "$(runs)" -eq 14 ]
check "kill -9 mid-add: integrity_check ok" [ "$(intact)" = ok ]
expect 0 '^machine' "$H" --db "$db" list
expect 0 'added .*big.json: 500 series' "$H" --db "$db" add --commit-time 3000 "$tmp/big.json"

# what is not this database's current schema, or not a gdbench database at all, is refused
cp "$db" "$tmp/old.sqlite"
$PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version=0"); c.commit()' "$tmp/old.sqlite"
expect 2 'old.sqlite: history schema version 0, this gdbench reads version 1 only \(no migration from it\)' "$H" --db "$tmp/old.sqlite" list
$PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version=7"); c.commit()' "$tmp/old.sqlite"
expect 2 'schema version 7, .*written by a newer gdbench' "$H" --db "$tmp/old.sqlite" add "$tmp/r1.json"
$PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE t(x)"); c.commit()' "$tmp/foreign.sqlite"
expect 2 'foreign.sqlite: not a gdbench history database \(SQLite application_id 0x00000000, expected 0x67644842\)' \
	"$H" --db "$tmp/foreign.sqlite" add "$tmp/r1.json"
check "a foreign SQLite file is left as it was (no tables added)" \
	[ "$($PY -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM sqlite_master").fetchone()[0])' "$tmp/foreign.sqlite")" -eq 1 ]
expect 2 'r1.json: not a gdbench history database \(not an SQLite file\)' "$H" --db "$tmp/r1.json" list

# input errors
expect 2 'cannot open: .*gdbench history add. creates it' "$H" --db "$tmp/none.sqlite" list
expect 2 "unknown command 'frobnicate'" "$H" --db "$db" frobnicate
expect 2 'missing command' "$H" --db "$db"
expect 2 'show: expected one KEY' "$H" --db "$db" show
expect 2 "show: no series 'nope'" "$H" --db "$db" show nope
expect 2 "--format 'xml': expected bmf or gab" "$H" --db "$db" export --format xml
expect 2 '--fail-recent K and --threshold X go together' "$H" --db "$db" changes --fail-recent 3
expect 2 "--alpha '2': expected a number in" "$H" --db "$db" changes --alpha 2
expect 2 'noid.json: has no machine_id in its context .*--machine-id' "$H" --db "$db" add --commit-time 1 "$tmp/noid.json"
expect 2 "cannot tell its revision's commit time" "$H" --db "$db" add --revision no-such-rev "$tmp/r1.json"
expect 2 'add: no result file given' "$H" --db "$db" add
expect 2 'missing.json' "$H" --db "$db" add --commit-time 1 "$tmp/missing.json"
expect 0 'Usage: gdbench-history' "$H" changes --help
finish history
