#!/usr/bin/env python3
"""Compare the traces of two gdbench run files run by run: the same
configurations in the same order, every traced loss within a relative
tolerance. Used by the aarch64 stage (tools/test.sh --aarch64) to check an
emulated aarch64 run against the native x86-64 scalar run.

usage: trace_match.py A.json B.json RTOL"""
import json
import sys


def main():
    a_path, b_path, rtol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    a, b = (json.load(open(p))["runs"] for p in (a_path, b_path))
    if len(a) != len(b):
        sys.exit(f"trace_match: {len(a)} runs in {a_path}, {len(b)} in {b_path}")
    worst = 0.0
    for ra, rb in zip(a, b):
        key = (ra["optimizer"]["name"], ra["mode"], ra["problem"]["model"])
        if key != (rb["optimizer"]["name"], rb["mode"], rb["problem"]["model"]):
            sys.exit(f"trace_match: run {key} is paired with a different configuration")
        la = [p["loss"] for p in ra["trace"]]
        lb = [p["loss"] for p in rb["trace"]]
        if len(la) != len(lb) or len(la) < 2:
            sys.exit(f"trace_match: {key}: {len(la)} against {len(lb)} traced points")
        for k, (x, y) in enumerate(zip(la, lb)):
            rel = abs(x - y) / max(abs(y), 1e-30)
            worst = max(worst, rel)
            if rel > rtol:
                sys.exit(f"trace_match: {key} point {k}: loss {x!r} against {y!r} (relative {rel:.2e} > {rtol:g})")
    print(f"trace_match: {len(a)} runs, {sum(len(r['trace']) for r in a)} points, "
          f"worst relative difference {worst:.2e} (tolerance {rtol:g})")


main()
