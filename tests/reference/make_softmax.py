"""Reference softmax values and categorical cross-entropy for tests/test_softmax.cpp, as numpy
code writes them: e = np.exp(Z - np.max(Z, axis=0, keepdims=True)); A = e / np.sum(e, axis=0,
keepdims=True); J = -(1/m) * np.sum(np.sum(Y * np.log(A), axis=0)).
Run: /usr/bin/python3 tests/reference/make_softmax.py > tests/reference/softmax.txt
numpy's exp and log are Intel SVML's on AVX-512 CPUs and glibc's elsewhere; the two differ in
the last bit for a quarter of inputs, so mindset (glibc) agrees with these values to an ulp or
two, and bit for bit on CPUs where numpy uses glibc."""
import numpy as np


def emit(label, a):
    print(label, " ".join("%.17g" % v for v in np.asarray(a, dtype=float).ravel()))


rs = np.random.RandomState(4)
Z = rs.randn(10, 7) * 3
Z[:, 6] = Z[:, 6] + 800.0     # large logits: the max subtraction keeps exp finite
labels = np.array([3, 0, 9, 9, 1, 5, 2])
m = Z.shape[1]
e = np.exp(Z - np.max(Z, axis=0, keepdims=True))
A = e / np.sum(e, axis=0, keepdims=True)
Y = np.zeros((10, m))
Y[labels, np.arange(m)] = 1
cost = -(1.0 / m) * np.sum(np.sum(Y * np.log(A), axis=0))
emit("Z", Z)
emit("labels", labels)
emit("A", A)
emit("cost", [cost])
emit("argmax", np.argmax(A, axis=0))
