#!/usr/bin/env python3
"""Work 3 steps of every update rule by hand, from torch.optim's algorithm boxes.

Independent of the C code: plain Python floats (double precision), one element
at a time, the equations as the documentation states them. Prints, per rule,
the state and parameters after each step; test_update_hand.c holds the result
(the table goes into its comments, the final numbers into its expectations).
Run: python3 tests/hand_values.py
"""
import math

W0 = [1.0, -0.5, 2.0]
G = [[0.5, -1.0, 0.25], [0.25, 0.5, -0.5], [-0.5, 0.5, 0.25]]  # g at steps 1..3


def sgd(w, g, t, s, lr=0.1):
    return w - lr * g


def momentum(w, g, t, s, lr=0.1, mu=0.9, damp=0.0, nesterov=False):
    b = g if t == 1 else mu * s.get('b', 0.0) + (1 - damp) * g
    s['b'] = b
    d = g + mu * b if nesterov else b
    return w - lr * d


def adagrad(w, g, t, s, lr=0.1, lr_decay=0.0, eps=1e-10):
    clr = lr / (1 + (t - 1) * lr_decay)
    s['sum'] = s.get('sum', 0.0) + g * g
    return w - clr * g / (math.sqrt(s['sum']) + eps)


def rmsprop(w, g, t, s, lr=0.01, alpha=0.99, eps=1e-8, mu=0.0, centered=False):
    s['v'] = alpha * s.get('v', 0.0) + (1 - alpha) * g * g
    vt = s['v']
    if centered:
        s['ga'] = alpha * s.get('ga', 0.0) + (1 - alpha) * g
        vt = vt - s['ga'] ** 2
    q = g / (math.sqrt(vt) + eps)
    if mu > 0:
        s['b'] = mu * s.get('b', 0.0) + q
        q = s['b']
    return w - lr * q


def adadelta(w, g, t, s, lr=1.0, rho=0.9, eps=1e-6):
    s['v'] = rho * s.get('v', 0.0) + (1 - rho) * g * g
    d = math.sqrt(s.get('u', 0.0) + eps) / math.sqrt(s['v'] + eps) * g
    s['u'] = rho * s.get('u', 0.0) + (1 - rho) * d * d
    return w - lr * d


def adam(w, g, t, s, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=False, ams=False):
    if decoupled:
        w = w * (1 - lr * wd)
    elif wd:
        g = g + wd * w
    s['m'] = b1 * s.get('m', 0.0) + (1 - b1) * g
    s['v'] = b2 * s.get('v', 0.0) + (1 - b2) * g * g
    v = s['v']
    if ams:
        s['vmax'] = max(s.get('vmax', 0.0), v)
        v = s['vmax']
    mhat = s['m'] / (1 - b1 ** t)
    vhat = v / (1 - b2 ** t)
    return w - lr * mhat / (math.sqrt(vhat) + eps)


def adamax(w, g, t, s, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    s['m'] = b1 * s.get('m', 0.0) + (1 - b1) * g
    s['u'] = max(b2 * s.get('u', 0.0), abs(g) + eps)
    return w - lr / (1 - b1 ** t) * s['m'] / s['u']


def nadam(w, g, t, s, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, psi=4e-3):
    mu = lambda k: b1 * (1 - 0.5 * 0.96 ** (k * psi))
    prod = 1.0
    for k in range(1, t + 1):
        prod *= mu(k)
    prod_next = prod * mu(t + 1)
    s['m'] = b1 * s.get('m', 0.0) + (1 - b1) * g
    s['v'] = b2 * s.get('v', 0.0) + (1 - b2) * g * g
    mhat = mu(t + 1) * s['m'] / (1 - prod_next) + (1 - mu(t)) * g / (1 - prod)
    vhat = s['v'] / (1 - b2 ** t)
    return w - lr * mhat / (math.sqrt(vhat) + eps)


def rprop(w, g, t, s, lr=0.1, em=0.5, ep=1.2, smin=1e-6, smax=50.0):
    step = s.get('step', lr)
    p = g * s.get('prev', 0.0)
    if p > 0:
        step = min(step * ep, smax)
    elif p < 0:
        step = max(step * em, smin)
        g = 0.0
    s['step'], s['prev'] = step, g
    sign = (g > 0) - (g < 0)
    return w - sign * step


def lion(w, g, t, s, lr=0.1, b1=0.9, b2=0.99, wd=0.0):
    # Chen et al. 2023, Algorithm 2: the update is the sign of an interpolation of m and g
    c = b1 * s.get('m', 0.0) + (1 - b1) * g
    sign = (c > 0) - (c < 0)
    w = w - lr * (sign + wd * w)
    s['m'] = b2 * s.get('m', 0.0) + (1 - b2) * g
    return w


RULES = [
    ('sgd', sgd, {}),
    ('momentum', momentum, dict(damp=0.5)),
    ('nesterov', momentum, dict(nesterov=True)),
    ('adagrad', adagrad, dict(lr_decay=0.5)),
    ('rmsprop', rmsprop, {}),
    ('rmsprop_centered_momentum', rmsprop, dict(centered=True, mu=0.5)),
    ('adadelta', adadelta, {}),
    ('adam', adam, {}),
    ('adam_l2', adam, dict(wd=0.1)),
    ('adamw', adam, dict(wd=0.1, decoupled=True)),
    ('amsgrad', adam, dict(ams=True, b2=0.5)),  # v falls at step 2: vmax matters
    ('adamax', adamax, {}),
    ('nadam', nadam, {}),
    ('rprop', rprop, {}),
    ('lion', lion, dict(wd=0.1)),
]

if __name__ == '__main__':
    for name, f, kw in RULES:
        print(f'== {name} {kw}')
        ws = list(W0)
        states = [dict() for _ in W0]
        for t in (1, 2, 3):
            for i in range(3):
                ws[i] = f(ws[i], G[t - 1][i], t, states[i], **kw)
            st = '; '.join(', '.join(f'{k}={v:.9g}' for k, v in s.items()) for s in states)
            print(f' t={t} w=[{", ".join(f"{x:.9g}" for x in ws)}]  state: {st}')
