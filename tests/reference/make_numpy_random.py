#!/usr/bin/env python3
"""Reference vectors for tests/test_random.cpp, test_initializers.cpp and test_loss.cpp, from
Debian's numpy (legacy np.random).

Regenerate with:  /usr/bin/python3 tests/reference/make_numpy_random.py > tests/reference/numpy_random.txt

Each line: a label, then the values (%.17g, so they read back exactly).
"""
import numpy as np

def line(label, values):
    print(label, " ".join("%.17g" % v for v in np.asarray(values, dtype=float).ravel()))

print("# numpy", np.__version__, "- made by tests/reference/make_numpy_random.py")
for seed in (0, 1, 2, 3, 42, 4294967295):
    np.random.seed(seed)
    line("randn_%d_7" % seed, np.random.randn(7))          # odd count: the cached value is left over
    line("randn_%d_next3" % seed, np.random.randn(3))      # ... and used first here
    np.random.seed(seed)
    line("rand_%d_5" % seed, np.random.rand(5))
    np.random.seed(seed)
    line("uint32_%d_5" % seed, np.random.randint(0, 2**32, size=5, dtype=np.uint64))
# Re-seeding drops the cached normal.
np.random.seed(5); np.random.randn(1); np.random.seed(5)
line("reseed_5_randn_2", np.random.randn(2))
# Mixed draws share one stream.
np.random.seed(7)
a = np.random.randn(3); b = np.random.rand(2); c = np.random.randn(2)
line("mixed_7", np.concatenate([a, b, c]))
for seed, n in ((1, 10), (3, 209), (11, 1)):
    np.random.seed(seed)
    line("perm_%d_%d" % (seed, n), np.random.permutation(n))
# Weights drawn layer after layer: np.random.seed(1); randn(3, 2) then randn(1, 3).
np.random.seed(1)
line("layers_1", np.concatenate([np.random.randn(3, 2).ravel(), np.random.randn(1, 3).ravel()]))
# The course's planar flower set (load_planar_dataset), first and last points of each class.
np.random.seed(1)
m, N, a = 400, 200, 4
X = np.zeros((m, 2)); Y = np.zeros((m, 1))
for j in range(2):
    ix = range(N * j, N * (j + 1))
    t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
    r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
    X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
    Y[ix] = j
line("flower_x0", X[:, 0])
line("flower_x1", X[:, 1])
# Initialisers, each as numpy code writes it, for a (units, fan_in) = (4, 5) layer drawn right
# after np.random.seed(3) (test_initializers.cpp).
units, fan_in = 4, 5
inits = {
    "normal_0.05": lambda: np.random.randn(units, fan_in) * 0.05,
    "lecun_normal": lambda: np.random.randn(units, fan_in) / np.sqrt(fan_in),
    "he_normal": lambda: np.random.randn(units, fan_in) * np.sqrt(2 / fan_in),
    "xavier_normal": lambda: np.random.randn(units, fan_in) * np.sqrt(2 / (fan_in + units)),
    "xavier_uniform": lambda: np.random.uniform(-np.sqrt(6 / (fan_in + units)), np.sqrt(6 / (fan_in + units)),
                                                (units, fan_in)),
}
for name, make in inits.items():
    np.random.seed(3)
    line("init_" + name, make())
# A layer's own init after model.init: seed 2, layer 1 (3, 2) lecun_normal, layer 2 (2, 3)
# xavier_uniform, layer 3 (1, 2) he_normal, one stream.
np.random.seed(2)
line("stack_2", np.concatenate([(np.random.randn(3, 2) / np.sqrt(2)).ravel(),
                                np.random.uniform(-np.sqrt(6 / 5), np.sqrt(6 / 5), (2, 3)).ravel(),
                                (np.random.randn(1, 2) * np.sqrt(2 / 2)).ravel()]))
# numpy's pairwise summation (db and the cost use it; test_loss.cpp).
for n in (100, 1000, 20000):
    line("sum_%d" % n, [np.sum(1 / np.arange(1, n + 1)), np.sum(np.arange(n) * 0.1)])
