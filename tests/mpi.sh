#!/usr/bin/env bash
# gdbench run --mode mpi:... on 2 ranks over loopback (mpirun --oversubscribe): the same
# loss trace and final parameters as one process, a failing rank that stops every rank
# with its name and cause, Ctrl-C on mpirun, results that validate. Skipped (exit 77)
# when gdbench was built without MPI or mpirun is missing; the skip itself is checked:
# the mode must then say that MPI is not built in.
# Usage: tests/mpi.sh PATH/TO/gdbench SCHEMA VALIDATOR
set -u
GD=${1:?usage: mpi.sh gdbench schema.json validate_results.py}
SCHEMA=$2
VALIDATE=$3
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"

if ! ldd "$GD" | grep -q libmpi || ! command -v mpirun >/dev/null; then
	expect 2 "MPI support is not built in" "$GD" run --mode mpi:full --data synth-blobs:n=100 --no-roofline
	[ "$fails" -eq 0 ] || { finish mpi; exit 1; }
	echo "SKIP: gdbench built without MPI (or no mpirun): install openmpi-bin libopenmpi-dev and reconfigure"
	exit 77
fi
# CI runs as root; the sanitizer runtimes report Open MPI's own allocations at exit
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0
# loopback only: no network interfaces probed, shared memory between the ranks
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
mpi() { timeout 120 mpirun --oversubscribe --bind-to none "$@"; }
valid() { $PY "$VALIDATE" "$SCHEMA" "$@" >"$tmp/val" 2>&1 || { cat "$tmp/val"; return 1; }; }
common=(--data synth-blobs:n=1001:d=12:c=3 --epochs 3 --no-roofline --quiet --keep-params --force --eval-every epoch)

# the same descent on 1 process and on 2 ranks (1001 rows: shards of 500 and 501)
expect 0 'wrote' "$GD" run "${common[@]}" --opt adam:lr=0.05 --mode full,minibatch:64 -o "$tmp/one.json"
expect 0 'wrote' mpi -np 2 "$GD" run "${common[@]}" --opt adam:lr=0.05 --mode mpi:full,mpi:minibatch:64 \
	-o "$tmp/two.json"
check 'two.json validates' valid "$tmp/two.json"
# tolerance: float32 sums in another order; adam's steps amplify rounding at most ~1e-5 relative here
check 'mpi:full and mpi:minibatch:64 on 2 ranks: the loss trace and final parameters of 1 process' $PY -c '
import json, sys
one, two = (json.load(open(f))["runs"] for f in sys.argv[1:3])
assert len(one) == len(two) == 2, (len(one), len(two))
for a, b in zip(one, two):
    assert b["mpi"]["ranks"] == 2 and a["mode"] == b["mode"], (a["mode"], b["mode"])
    ta, tb = a["trace"], b["trace"]
    assert [r["step"] for r in ta] == [r["step"] for r in tb], "different evaluation steps"
    for ra, rb in zip(ta, tb):
        assert abs(ra["loss"] - rb["loss"]) <= 1e-5 * abs(ra["loss"]) + 1e-7, (a["mode"], ra["loss"], rb["loss"])
    pa, pb = a["final_params"], b["final_params"]
    scale = max(abs(x) for x in pa)
    worst = max(abs(x - y) for x, y in zip(pa, pb))
    assert len(pa) == len(pb) and worst <= 1e-5 * scale, (a["mode"], worst, scale)
    m = b["mpi"]
    assert [r["rank"] for r in m["per_rank_timing"]] == [0, 1]
    assert m["per_step"]["allreduce_bytes"] == 4 * (len(pb) + 3) and m["per_step"]["bus_bw_GBps"] > 0
    assert abs(m["samples_per_s"]["per_rank"] * 2 - m["samples_per_s"]["all_ranks"]) < 1e-6 * m["samples_per_s"]["all_ranks"]
' "$tmp/one.json" "$tmp/two.json"
# gradient buckets: the same numbers in pieces
expect 0 'wrote' mpi -np 2 "$GD" run "${common[@]}" --opt adam:lr=0.05 --mode mpi:full --bucket-mb 0.0001 \
	-o "$tmp/bucket.json"
check '--bucket-mb: the same trace, bucket size recorded' $PY -c '
import json, sys
a = json.load(open(sys.argv[1]))["runs"][0]; b = json.load(open(sys.argv[2]))["runs"][0]
assert b["mpi"]["bucket_bytes"] == 104, b["mpi"]["bucket_bytes"]
assert all(abs(x["loss"] - y["loss"]) <= 1e-6 * abs(x["loss"]) for x, y in zip(a["trace"], b["trace"]))
' "$tmp/two.json" "$tmp/bucket.json"
# one rank alone (no mpirun) is a world of one
expect 0 'wrote' "$GD" run "${common[@]}" --mode mpi:full -o "$tmp/single.json"

# a rank that fails stops every rank, naming it and the cause; no hang (timeout 120)
expect 1 'rank 1 of 2 \(.*\): /nonexistent.svm: cannot open' mpi -np 1 "$GD" run "${common[@]}" --mode mpi:full \
	-o "$tmp/f.json" : -np 1 "$GD" run --data libsvm:/nonexistent.svm --mode mpi:full --no-roofline -o "$tmp/f.json"
check 'the failed job wrote no file' test ! -e "$tmp/f.json"
expect 2 'do not mix them with single-process modes' "$GD" run --mode mpi:full,full --data synth-blobs:n=100
expect 2 '--bucket-mb applies to mpi modes only' "$GD" run --bucket-mb 4 --data synth-blobs:n=100
expect 2 "expected mpi:full or mpi:minibatch:B" "$GD" run --mode mpi:hogwild:4 --data synth-blobs:n=100

# Ctrl-C on mpirun: every rank stops at the same step; rank 0 keeps the finished run and the interrupted one
mpi -np 2 "$GD" run --data synth-blobs:n=20000:d=50:c=5 --mode mpi:minibatch:16 --opt sgd --opt adam \
	--time 3s --epochs 1000 --no-roofline --quiet -o "$tmp/int.json" >/dev/null 2>&1 &
for _ in $(seq 600); do [ -e "$tmp/int.json" ] && break; sleep 0.1; done
pkill -INT -f "^mpirun .*$tmp/int.json" # this test's mpirun only: other runs may share the machine
wait
check 'Ctrl-C: the file ends with an interrupted run and validates' $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d.get("interrupted") is True and [r["status"] for r in d["runs"]] == ["complete", "interrupted"], d["runs"]
' "$tmp/int.json"
check 'Ctrl-C: validates' valid "$tmp/int.json"
# only this test's processes (their command line names its output): other gdbench runs may share the machine
check 'no gdbench process left behind' env OUT="$tmp/int.json" bash -c 'for _ in $(seq 50); do pgrep -f "gdbench .*$OUT" >/dev/null || exit 0; sleep 0.1; done; exit 1'

finish mpi
