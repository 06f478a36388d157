#!/usr/bin/env python3
"""Work 3 steps of every per-tensor rule (kernels/trules.h) by hand.

Plain Python floats (double precision), one element at a time, no numpy, on
a set of 2 tensors: W, a 3x2 matrix, and b, a 3-vector. The equations as the
algorithm boxes state them (see tests/ref_rules.py for the sources).
test_trules_hand.c holds the printed values.
Run: python3 tests/hand_values_tensor.py
"""
import math

W0 = [[1.0, -0.5], [2.0, 0.25], [-1.0, 0.5]]
B0 = [0.5, -1.0, 0.0]
GW = [[[0.5, -1.0], [0.25, 0.5], [-0.5, 0.25]],
      [[0.25, 0.5], [-0.5, 0.5], [1.0, -0.25]],
      [[-0.5, 0.5], [0.25, 0.25], [0.5, -1.0]]]
GB = [[0.5, -0.25, 1.0], [-0.5, 0.5, 0.25], [0.25, 0.25, -0.5]]


def flat(m):
    return [x for row in m for x in row] if isinstance(m[0], list) else list(m)


def shape_like(v, like):
    if not isinstance(like[0], list):
        return v
    c = len(like[0])
    return [v[i * c:(i + 1) * c] for i in range(len(like))]


def nrm(v):
    return math.sqrt(sum(x * x for x in v))


def lamb(ws, gs, t, st, lr=0.1, b1=0.9, b2=0.999, eps=1e-6, wd=0.01):
    out = []
    for k, (w, g) in enumerate(zip(ws, gs)):
        m, v = st.setdefault(k, ([0.0] * len(w), [0.0] * len(w)))
        r = []
        for i in range(len(w)):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            r.append(m[i] / (1 - b1 ** t) / (math.sqrt(v[i] / (1 - b2 ** t)) + eps) + wd * w[i])
        ratio = nrm(w) / nrm(r) if nrm(w) > 0 and nrm(r) > 0 else 1.0
        out.append([w[i] - lr * ratio * r[i] for i in range(len(w))])
    return out


def lars(ws, gs, t, st, lr=1.0, mu=0.9, wd=5e-4, eta=0.1):
    out = []
    for k, (w, g) in enumerate(zip(ws, gs)):
        v = st.setdefault(k, [0.0] * len(w))
        local = eta * nrm(w) / (nrm(g) + wd * nrm(w)) if nrm(w) > 0 and nrm(g) > 0 else 1.0
        for i in range(len(w)):
            v[i] = mu * v[i] + lr * local * (g[i] + wd * w[i])
        out.append([w[i] - v[i] for i in range(len(w))])
    return out


def adafactor(ws, gs, t, st, lr=0.1, decay=-0.8, eps1=2.0 ** -23, eps2=1e-3, d=1.0, wd=0.0):
    om = t ** decay  # 1 - beta2_t
    rho = min(lr, 1 / math.sqrt(t))
    out = []
    for k, (w, g) in enumerate(zip(ws, gs)):
        alpha = max(eps2, nrm(w) / math.sqrt(len(w))) * rho
        w = [x * (1 - lr * wd) for x in w]
        if k == 0:  # W: 3 rows, 2 columns, factored
            rows, cols = 3, 2
            R, C = st.setdefault(k, ([0.0] * rows, [0.0] * cols))
            for i in range(rows):
                R[i] += om * (sum(g[i * cols + j] ** 2 for j in range(cols)) / cols - R[i])
            for j in range(cols):
                C[j] += om * (sum(g[i * cols + j] ** 2 for i in range(rows)) / rows - C[j])
            mean_r = max(sum(R) / rows, eps1)
            var = [R[i] * C[j] / mean_r for i in range(rows) for j in range(cols)]
        else:
            var = st.setdefault(k, [0.0] * len(w))
            for i in range(len(w)):
                var[i] += om * (g[i] ** 2 - var[i])
        u = [g[i] / max(math.sqrt(var[i]), eps1) for i in range(len(w))]
        clip = max(1.0, nrm(u) / math.sqrt(len(u)) / d)
        out.append([w[i] - alpha / clip * u[i] for i in range(len(w))])
    return out


def sfadamw(ws, gs, t, st, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, wd=0.01, warmup=2, r=0.0, power=2.0):
    sched = t / warmup if t <= warmup else 1.0
    lr_t = lr * sched * math.sqrt(1 - b2 ** t)
    st['lr_max'] = max(lr_t, st.get('lr_max', -1.0))
    weight = t ** r * st['lr_max'] ** power
    st['sum'] = st.get('sum', 0.0) + weight
    c = weight / st['sum']
    out = []
    for k, (y, g) in enumerate(zip(ws, gs)):
        z, x, v = st.setdefault(k, (list(y), list(y), [0.0] * len(y)))
        for i in range(len(y)):
            z[i] -= lr_t * wd * y[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            z[i] -= lr_t * g[i] / (math.sqrt(v[i]) + eps)
            x[i] = (1 - c) * x[i] + c * z[i]
        out.append([b1 * x[i] + (1 - b1) * z[i] for i in range(len(y))])
    st['x'] = [list(st[k][1]) for k in range(len(ws))]
    return out


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def transpose(a):
    return [list(col) for col in zip(*a)]


def newton_schulz(G, steps=5, eps=1e-7, a=3.4445, b=-4.7750, c=2.0315):
    n = math.sqrt(sum(x * x for row in G for x in row)) + eps
    X = [[x / n for x in row] for row in G]
    tall = len(X) > len(X[0])
    if tall:
        X = transpose(X)
    for _ in range(steps):
        A = matmul(X, transpose(X))
        AA = matmul(A, A)
        B = [[b * A[i][j] + c * AA[i][j] for j in range(len(A))] for i in range(len(A))]
        BX = matmul(B, X)
        X = [[a * X[i][j] + BX[i][j] for j in range(len(X[0]))] for i in range(len(X))]
    return transpose(X) if tall else X


def muon(ws, gs, t, st, lr=0.1, mu=0.95, wd=0.1, b1=0.9, b2=0.999):
    out = []
    for k, (w, g) in enumerate(zip(ws, gs)):
        if k == 0:  # W, 2-D: Muon
            buf = st.setdefault(k, [0.0] * len(w))
            u = []
            for i in range(len(w)):
                buf[i] = mu * buf[i] + (1 - mu) * g[i]
                u.append((1 - mu) * g[i] + mu * buf[i])
            o = flat(newton_schulz(shape_like(u, W0)))
            scale = math.sqrt(max(1.0, 3 / 2))
            out.append([w[i] * (1 - lr * wd) - lr * scale * o[i] for i in range(len(w))])
        else:  # b, 1-D: AdamW (torch.optim.AdamW, eps 1e-8)
            m, v = st.setdefault(k, ([0.0] * len(w), [0.0] * len(w)))
            nw = []
            for i in range(len(w)):
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
                x = w[i] * (1 - lr * wd)
                nw.append(x - lr * (m[i] / (1 - b1 ** t)) / (math.sqrt(v[i] / (1 - b2 ** t)) + 1e-8))
            out.append(nw)
    return out


RULES = [('lamb', lamb), ('lars', lars), ('adafactor', adafactor), ('sfadamw', sfadamw), ('muon', muon)]

if __name__ == '__main__':
    for name, fn in RULES:
        ws, st = [flat(W0), list(B0)], {}
        print(f'== {name}')
        for t in range(1, 4):
            ws = fn(ws, [flat(GW[t - 1]), GB[t - 1]], t, st)
            print(f' t={t} w=[{", ".join(f"{x:.9g}" for x in ws[0] + ws[1])}]')
            if name == 'sfadamw':
                print(f'     x=[{", ".join(f"{x:.9g}" for x in st["x"][0] + st["x"][1])}]')
