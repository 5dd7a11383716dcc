"""Reference inverted-dropout masks for tests/test_dropout.cpp, as the course draws them:
D = np.random.rand(units, m) < keep_prob; A = A * D; A = A / keep_prob (and the same for dA).
Run: /usr/bin/python3 tests/reference/make_dropout.py > tests/reference/dropout.txt"""
import numpy as np


def emit(label, a):
    print(label, " ".join("%.17g" % v for v in np.asarray(a, dtype=float).ravel()))


keep_prob = 1 - 0.3
A = np.arange(24, dtype=float).reshape(4, 6) * 0.25 - 2.0
dA = np.arange(24, dtype=float).reshape(4, 6)[::-1] * 0.5 + 1.0
np.random.seed(11)
D = np.random.rand(4, 6)
D = (D < keep_prob).astype(int)
out = A * D
out = out / keep_prob
dA_prev = dA * D
dA_prev = dA_prev / keep_prob
emit("A", A)
emit("dA", dA)
emit("D1", D)
emit("out1", out)
emit("dA_prev1", dA_prev)
# The next training pass continues the same stream: a batch of 3 examples.
D2 = (np.random.rand(4, 3) < keep_prob).astype(int)
emit("D2", D2)
emit("out2", (A[:, :3] * D2) / keep_prob)
