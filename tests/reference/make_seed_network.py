#!/usr/bin/env python3
"""Reference numbers for tests/test_course.cpp: the first iterations of
configs/catvnoncat/seed_network.yaml (12288 -> 3 -> 3 -> 1, ReLU, ReLU, sigmoid, lecun_normal,
seed 1, learning rate 0.0075) written as plain numpy, the way the course writes it.

Regenerate with (from the project root, with the course data in data/catvnoncat):
  /usr/bin/python3 tests/reference/make_seed_network.py data/catvnoncat > tests/reference/seed_network_catvnoncat.txt

Each line: a label, then the values (%.17g, so they read back exactly).
"""
import os
import sys

import h5py
import numpy as np

ITERATIONS = 10
folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "data", "catvnoncat")
with h5py.File(os.path.join(folder, "train_catvnoncat.h5"), "r") as f:
    x = f["train_set_x"][:]
    y = f["train_set_y"][:]
m = x.shape[0]
X = x.reshape(m, -1).T / 255.
Y = y.reshape(1, m).astype(float)

# Parameters: one stream, layer after layer, W = randn(units, fan_in) / sqrt(fan_in), b = 0.
np.random.seed(1)
dims = [X.shape[0], 3, 3, 1]
W = [np.random.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1]) for l in range(1, 4)]
b = [np.zeros((dims[l], 1)) for l in range(1, 4)]
lr = 0.0075


def forward():
    A, cache = X, []
    for l in range(3):
        Z = W[l].dot(A) + b[l]
        cache.append((A, Z))
        A = np.maximum(0, Z) if l < 2 else 1 / (1 + np.exp(-Z))
    return A, cache


def cost_of(A):
    return -(1. / m) * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))


costs = []
for it in range(ITERATIONS):
    A, cache = forward()
    costs.append(cost_of(A))
    dZ = A - Y  # sigmoid with cross-entropy
    for l in reversed(range(3)):
        A_prev, Z = cache[l]
        if l < 2:
            dZ = dA * (Z > 0)
        dW = 1. / m * dZ.dot(A_prev.T)
        db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
        dA = W[l].T.dot(dZ)
        W[l] = W[l] - lr * dW
        b[l] = b[l] - lr * db
A, _ = forward()


def line(label, values):
    print(label, " ".join("%.17g" % v for v in np.asarray(values, dtype=float).ravel()))


print("# numpy", np.__version__, "- made by tests/reference/make_seed_network.py")
line("cost", costs)                       # iterations 0 .. ITERATIONS-1, before each update
line("final_cost", [cost_of(A)])          # after ITERATIONS updates
line("train_accuracy", [np.mean((A > 0.5) == Y)])
line("W1_first", W[0][:, :8])             # each row's first 8 weights
line("b1", b[0])
line("W2", W[1])
line("b2", b[1])
line("W3", W[2])
line("b3", b[2])
