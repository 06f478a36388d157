#!/usr/bin/env python3
"""Reference trajectories of the per-tensor rules, from the papers' algorithm boxes.

Independent of the C code (numpy, float64, whole tensors at a time, the
equations as the boxes and the reference implementations write them):
  lamb       You et al. 2020, Algorithm 2, with NVIDIA apex FusedLAMB's
             defaults (phi = identity, trust ratio 1 where a norm is 0)
  lars       You et al. 2017, Algorithm 1 (local lr 1 where a norm is 0)
  adafactor  torch.optim.Adafactor's algorithm box (Shazeer & Stern 2018,
             Algorithms 4 and 5 with torch's means and epsilon placement)
  sfadamw    Defazio et al. 2024, the z/x/y form of
             schedule_free's adamw_schedulefree_reference.py
  muon       torch.optim.Muon: Nesterov momentum, Newton-Schulz quintic,
             lr * sqrt(max(1, rows/cols)); non-2-D tensors AdamW
For each case it writes a seeded random parameter set, gradient stream and
the parameters after every step, for tests/test_trules_ref.c:
  set N ndim d0 d1 ... (per tensor)
  case NAME key=value ...
  w0 v...
  g v...    (one per step)
  w v...    (after each step)
  end
Run: python3 tests/ref_rules.py [STEPS] > file
"""
import sys

import numpy as np

SHAPES = [(5, 7), (7,), (2, 3, 4), (9, 4)]  # a matrix, a bias, a 3-D tensor, a tall matrix
CASES = [
    ('lamb', dict(lr=0.01, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01)),
    ('lars', dict(lr=1.0, momentum=0.9, weight_decay=5e-4, trust_coefficient=0.02)),
    ('adafactor', dict(lr=0.01, beta2_decay=-0.8, eps=2.0 ** -23, eps2=1e-3, d=1.0, weight_decay=0.1)),
    ('sfadamw', dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, warmup_steps=5, r=0.0,
                     weight_lr_power=2.0)),
    ('muon', dict(lr=0.02, momentum=0.95, weight_decay=0.1, eps=1e-7, ns_steps=5, betas=(0.9, 0.999))),
]


def norm(x):
    return float(np.sqrt(np.sum(x * x)))


def lamb(ws, gs, t, st, lr, betas, eps, weight_decay):
    b1, b2 = betas
    out = []
    for k, (x, g) in enumerate(zip(ws, gs)):
        m, v = st.setdefault(k, [np.zeros_like(x), np.zeros_like(x)])
        m[:] = b1 * m + (1 - b1) * g
        v[:] = b2 * v + (1 - b2) * g * g
        mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
        r = mh / (np.sqrt(vh) + eps) + weight_decay * x
        wn, rn = norm(x), norm(r)
        ratio = wn / rn if wn > 0 and rn > 0 else 1.0
        out.append(x - lr * ratio * r)
    return out


def lars(ws, gs, t, st, lr, momentum, weight_decay, trust_coefficient):
    out = []
    for k, (w, g) in enumerate(zip(ws, gs)):
        v = st.setdefault(k, np.zeros_like(w))
        wn, gn = norm(w), norm(g)
        local = trust_coefficient * wn / (gn + weight_decay * wn) if wn > 0 and gn > 0 else 1.0
        v[:] = momentum * v + lr * local * (g + weight_decay * w)
        out.append(w - v)
    return out


def adafactor(ws, gs, t, st, lr, beta2_decay, eps, eps2, d, weight_decay):
    out = []
    one_minus_b2 = t ** beta2_decay
    rho = min(lr, 1 / np.sqrt(t))
    for k, (w, g) in enumerate(zip(ws, gs)):
        alpha = max(eps2, norm(w) / np.sqrt(w.size)) * rho
        w = w * (1 - lr * weight_decay)
        if g.ndim >= 2:
            R, C = st.setdefault(k, [np.zeros(g.shape[:-1] + (1,)), np.zeros(g.shape[:-2] + (1, g.shape[-1]))])
            R[:] = R + one_minus_b2 * ((g * g).mean(axis=-1, keepdims=True) - R)
            C[:] = C + one_minus_b2 * ((g * g).mean(axis=-2, keepdims=True) - C)
            V = (R @ C) / np.maximum(R.mean(axis=-2, keepdims=True), eps)
        else:
            V = st.setdefault(k, np.zeros_like(g))
            V[:] = V + one_minus_b2 * (g * g - V)
        U = g / np.maximum(np.sqrt(V), eps)
        rms = norm(U) / np.sqrt(U.size)
        out.append(w - alpha / max(1.0, rms / d) * U)
    return out


def sfadamw(ws, gs, t, st, lr, betas, eps, weight_decay, warmup_steps, r, weight_lr_power):
    b1, b2 = betas
    k = t - 1
    sched = (k + 1) / warmup_steps if k < warmup_steps else 1.0
    lr_t = lr * sched * np.sqrt(1 - b2 ** (k + 1))
    st['lr_max'] = max(lr_t, st.get('lr_max', -1.0))
    weight = (k + 1) ** r * st['lr_max'] ** weight_lr_power
    st['weight_sum'] = st.get('weight_sum', 0.0) + weight
    ckp1 = weight / st['weight_sum'] if st['weight_sum'] else 0.0
    out = []
    for j, (y, g) in enumerate(zip(ws, gs)):
        z, x, v = st.setdefault(j, [y.copy(), y.copy(), np.zeros_like(y)])
        z[:] = z - lr_t * weight_decay * y
        v[:] = b2 * v + (1 - b2) * g * g
        z[:] = z - lr_t * g / (np.sqrt(v) + eps)
        x[:] = (1 - ckp1) * x + ckp1 * z
        out.append(b1 * x + (1 - b1) * z)
    st['x'] = [st[j][1].copy() for j in range(len(ws))]
    return out


def newton_schulz(G, steps, eps, a=3.4445, b=-4.7750, c=2.0315):
    X = G / (norm(G) + eps)
    tall = X.shape[0] > X.shape[1]
    if tall:
        X = X.T
    for _ in range(steps):
        A = X @ X.T
        B = b * A + c * A @ A
        X = a * X + B @ X
    return X.T if tall else X


def muon(ws, gs, t, st, lr, momentum, weight_decay, eps, ns_steps, betas):
    out = []
    b1, b2 = betas
    for k, (w, g) in enumerate(zip(ws, gs)):
        if w.ndim == 2:
            buf = st.setdefault(k, np.zeros_like(w))
            buf[:] = momentum * buf + (1 - momentum) * g
            u = (1 - momentum) * g + momentum * buf
            o = newton_schulz(u, ns_steps, eps)
            scale = np.sqrt(max(1.0, w.shape[0] / w.shape[1]))
            out.append(w * (1 - lr * weight_decay) - lr * scale * o)
        else:  # torch.optim.AdamW's box
            m, v = st.setdefault(k, [np.zeros_like(w), np.zeros_like(w)])
            w = w * (1 - lr * weight_decay)
            m[:] = b1 * m + (1 - b1) * g
            v[:] = b2 * v + (1 - b2) * g * g
            mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
            out.append(w - lr * mh / (np.sqrt(vh) + 1e-8))
    return out


def flat(ts):
    return ' '.join('%.17g' % x for t in ts for x in t.ravel())


def fmt(v):
    return '/'.join('%.17g' % x for x in v) if isinstance(v, tuple) else '%.17g' % v


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    rng = np.random.default_rng(20240611)
    print('set', len(SHAPES), ' '.join('%d %s' % (len(s), ' '.join(map(str, s))) for s in SHAPES))
    for name, hp in CASES:
        # float32-representable inputs, so C and numpy start from the same numbers
        w0 = [rng.normal(0, 1, s).astype(np.float32).astype(np.float64) for s in SHAPES]
        w0[1][:] = 0  # a bias at 0: the zero-norm cases of LAMB's and LARS's ratios
        grads = [[rng.normal(0, 0.5, s).astype(np.float32).astype(np.float64) for s in SHAPES]
                 for _ in range(steps)]
        print('case', name, ' '.join('%s=%s' % (k, fmt(v)) for k, v in hp.items()))
        print('w0', flat(w0))
        for g in grads:
            print('g', flat(g))
        ws, st = [w.copy() for w in w0], {}
        fn = globals()[name]
        for t in range(1, steps + 1):
            ws = fn(ws, grads[t - 1], t, st, **hp)
            print('w', flat(ws))
            if name == 'sfadamw':
                print('x', flat(st['x']))
        print('end')


if __name__ == '__main__':
    main()
