#!/usr/bin/env python3
"""Reference vectors for tests/test_synthetic.cpp, tests/test_split.cpp and tests/test_preprocess.cpp:
the formulas of docs/data.md run by Debian's numpy (legacy np.random streams).

Regenerate with:  /usr/bin/python3 tests/reference/make_data_reference.py > tests/reference/data_reference.txt

Each line: a label, then the values (%.17g, so they read back exactly).
"""
import numpy as np


def line(label, values):
    print(label, " ".join("%.17g" % v for v in np.asarray(values, dtype=float).ravel()))


# ---- synthetic generators (docs/data.md) --------------------------------------------------
def moons(m, noise, seed):
    rng = np.random.RandomState(seed)
    n_out = m // 2; n_in = m - n_out
    t_out = np.linspace(0, np.pi, n_out); t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.append(np.cos(t_out), 1 - np.cos(t_in)),
                   np.append(np.sin(t_out), 1 - np.sin(t_in) - .5)])
    y = np.append(np.zeros(n_out), np.ones(n_in))
    return X + noise * rng.randn(2, m), y


def circles(m, noise, seed, factor):
    rng = np.random.RandomState(seed)
    n_out = m // 2; n_in = m - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False); t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.append(np.cos(t_out), np.cos(t_in) * factor),
                   np.append(np.sin(t_out), np.sin(t_in) * factor)])
    y = np.append(np.zeros(n_out), np.ones(n_in))
    return X + noise * rng.randn(2, m), y


def blobs(m, noise, seed, centers):
    rng = np.random.RandomState(seed)
    c = np.array(centers, dtype=float); n = c.shape[1]; k0 = m - m // 2; k1 = m // 2
    X = np.hstack([c[0][:, None] + noise * rng.randn(n, k0), c[1][:, None] + noise * rng.randn(n, k1)])
    return X, np.append(np.zeros(k0), np.ones(k1))


def xor(m, noise, seed):
    rng = np.random.RandomState(seed)
    X = rng.rand(2, m) * 2 - 1
    y = ((X[0] > 0) != (X[1] > 0)).astype(float)
    return X + noise * rng.randn(2, m), y


def gaussian_quantiles(m, noise, seed, features):
    rng = np.random.RandomState(seed)
    X = rng.randn(features, m)
    order = np.argsort((X ** 2).sum(axis=0), kind="stable"); X = X[:, order]
    y = np.append(np.zeros(m // 2), np.ones(m - m // 2))
    return X + noise * rng.randn(features, m), y


def flower(m, noise, seed, a=4.0):
    # The course notebook's planar data set, with X as 2 x m.
    rng = np.random.RandomState(seed)
    N = m // 2; X = np.zeros((m, 2)); y = np.zeros(m)
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * noise
        r = a * np.sin(4 * t) + rng.randn(N) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]; y[ix] = j
    return X.T, y


print("# numpy", np.__version__, "- made by tests/reference/make_data_reference.py")
cases = [
    ("moons_7_0.3_0", moons(7, 0.3, 0)), ("moons_10_0_3", moons(10, 0.0, 3)),
    ("circles_9_0.1_2_0.5", circles(9, 0.1, 2, 0.5)), ("circles_6_0.05_4294967295_0.3", circles(6, 0.05, 4294967295, 0.3)),
    ("blobs_7_1.5_1_3d", blobs(7, 1.5, 1, [[-1, 0.5, 2], [3, -2, 0.25]])), ("blobs_8_1_5_2d", blobs(8, 1.0, 5, [[-2, -2], [2, 2]])),
    ("xor_9_0.1_1", xor(9, 0.1, 1)), ("xor_6_0_42", xor(6, 0.0, 42)),
    ("gaussian_quantiles_9_0_1_2", gaussian_quantiles(9, 0.0, 1, 2)),
    ("gaussian_quantiles_12_0.2_7_3", gaussian_quantiles(12, 0.2, 7, 3)),
    ("flower_10_0.2_1", flower(10, 0.2, 1)),
]
for label, (X, y) in cases:
    line(label + "_x", X)
    line(label + "_y", y)

# ---- split (runner/split.hpp) --------------------------------------------------------------
def split(y, test_fraction, validation_fraction, seed, stratify):
    rng = np.random.RandomState(seed)
    m = len(y)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(m)]
    train, test, val = [], [], []
    for g in groups:
        g = g[rng.permutation(len(g))]
        k_test = int(np.round(test_fraction * len(g))); k_val = int(np.round(validation_fraction * len(g)))
        test += list(g[:k_test]); val += list(g[k_test:k_test + k_val]); train += list(g[k_test + k_val:])
    return np.sort(train), np.sort(test), np.sort(val)


y = np.random.RandomState(99).rand(37) < 0.3
y = y.astype(float)
line("split_y", y)
for tf, vf, seed, strat in ((0.25, 0.0, 1, True), (0.25, 0.0, 1, False), (0.2, 0.1, 7, True), (0.3, 0.15, 4294967295, False)):
    tr, te, va = split(y, tf, vf, seed, strat)
    label = "split_%g_%g_%d_%d" % (tf, vf, seed, strat)
    line(label + "_train", tr); line(label + "_test", te); line(label + "_validation", va)

# ---- preprocessing (docs/data.md) ----------------------------------------------------------
rng = np.random.RandomState(3)
X = rng.randn(4, 13) * np.array([[1.0], [100.0], [0.001], [0.0]]) + np.array([[0.0], [5.0], [-3.0], [7.0]])
T = rng.randn(4, 5) * 2
line("pre_X", X); line("pre_T", T)
mu = X.mean(axis=1, keepdims=True); sigma = X.std(axis=1, keepdims=True); sigma[sigma == 0] = 1
line("standardize_mean", mu); line("standardize_std", sigma)
line("standardize_X", (X - mu) / sigma); line("standardize_T", (T - mu) / sigma)
lo = X.min(axis=1, keepdims=True); span = X.max(axis=1, keepdims=True) - lo; span[span == 0] = 1
line("minmax_X", (X - lo) / span); line("minmax_T", (T - lo) / span)
line("scale_X", X / 255.)
