#!/usr/bin/env python3
"""examples/plugin-rule's AdaBelief against an independent implementation.

The equations of Zhuang et al. 2020, Algorithm 2, as adabelief-pytorch 0.2
writes them (rectify=False, weight_decouple=True), in float64, one element
at a time:
    w = w * (1 - lr*wd)
    m = b1 m + (1 - b1) g
    s = b2 s + (1 - b2) (g - m)^2 + eps            (exp_avg_var.add_(eps))
    w = w - lr/(1 - b1^t) * m / (sqrt(s)/sqrt(1 - b2^t) + eps)
on the inputs tests/plugins/plugin_api.c uses (w0 = 0.5 sin(i+1), g = cos(0.7 i t
+ 0.3), 37 elements), against what that program prints for the plugin's
reference (adabelief/scalar) and its AVX2 variant, loaded through the
installed API's gdbench_plugin_load. eps = 1e-3 makes both placements of eps
visible. Tolerance: float32 arithmetic over 10 steps, |c - py| <= 1e-5 |py| +
1e-6; Adam's trajectory on the same inputs is checked to miss by far more.
Also: the API refuses a plugin whose row disagrees with its reference.
usage: ref_adabelief.py PLUGIN_API PLUGIN_RULE WRONG_PLUGIN
"""
import math
import subprocess
import sys

N, STEPS = 37, 10
LR, B1, B2, EPS, WD = 0.01, 0.9, 0.999, 1e-3, 0.1


def trajectory(belief):
    w = [0.5 * math.sin(i + 1.0) for i in range(N)]
    m, s = [0.0] * N, [0.0] * N
    out = []
    for t in range(1, STEPS + 1):
        bc1, bc2 = 1 - B1 ** t, 1 - B2 ** t
        for i in range(N):
            g = math.cos(0.7 * i * t + 0.3)
            w[i] *= 1 - LR * WD
            m[i] = B1 * m[i] + (1 - B1) * g
            r = g - m[i] if belief else g  # Adam: the raw second moment, no eps inside
            s[i] = B2 * s[i] + (1 - B2) * r * r + (EPS if belief else 0)
            w[i] -= LR / bc1 * m[i] / (math.sqrt(s[i]) / math.sqrt(bc2) + EPS)
        out.append(list(w))
    return out


def main(api, plugin, wrong):
    want, adam = trajectory(True), trajectory(False)
    fails = 0
    for row in ('adabelief/scalar', 'adabelief/mine/avx2'):
        p = subprocess.run([api, plugin, row, str(LR), str(B1), str(B2), str(EPS), str(WD), str(STEPS)],
                           capture_output=True, text=True)
        if p.returncode == 77:
            print(f'skip  {row}: this CPU cannot run it')
            continue
        if p.returncode != 0:
            print(f'FAIL  {row}: plugin_api exited {p.returncode}: {p.stderr.strip()}')
            fails += 1
            continue
        got = [[float(v) for v in line.split()[2:]] for line in p.stdout.splitlines()]
        assert len(got) == STEPS and all(len(r) == N for r in got), p.stdout[:200]
        pairs = [(c, e) for gr, wr in zip(got, want) for c, e in zip(gr, wr)]
        within = all(abs(c - e) <= 1e-5 * abs(e) + 1e-6 for c, e in pairs)
        worst = max(abs(c - e) for c, e in pairs)
        apart = max(abs(c - a) for gr, ar in zip(got, adam) for c, a in zip(gr, ar))
        ok = within and apart > 1e-3
        print(f'{"ok   " if ok else "FAIL "} {row}: {STEPS} steps, largest |w - w_ref| {worst:.3g} '
              f'(tolerance 1e-5 |w_ref| + 1e-6); {apart:.3g} from Adam\'s trajectory')
        fails += not ok
    p = subprocess.run([api, '--refused', wrong], capture_output=True, text=True)
    ok = p.returncode == 0 and 'expected' in p.stdout
    print(f'{"ok   " if ok else "FAIL "} gdbench_plugin_load refuses {wrong}: {p.stdout.strip()}')
    fails += not ok
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:4]))
