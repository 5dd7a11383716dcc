#!/usr/bin/env python3
"""Reference for the flower width sweep (configs/flower/width_sweep.yaml), in numpy: the course's
planar-data notebook (load_planar_dataset, a one-hidden-layer tanh network, batch gradient
descent, learning rate 1.2, weights randn * 0.01 after np.random.seed(2), 5000 iterations).

Regenerate with:  /usr/bin/python3 tests/reference/make_width_sweep.py > tests/reference/width_sweep.txt

Each line: "units_<n>", then the final cost and the training accuracy (%.17g).
"""
import numpy as np

def load_planar_dataset():
    np.random.seed(1)
    m, D, a = 400, 2, 4
    N = m // 2
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def nn_model(X, Y, n_h, iterations, lr):
    np.random.seed(2)
    W1 = np.random.randn(n_h, X.shape[0]) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(1, n_h) * 0.01
    b2 = np.zeros((1, 1))
    m = X.shape[1]
    for _ in range(iterations):
        A1 = np.tanh(W1 @ X + b1)
        A2 = sigmoid(W2 @ A1 + b2)
        dZ2 = A2 - Y
        dW2 = dZ2 @ A1.T / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    A2 = sigmoid(W2 @ np.tanh(W1 @ X + b1) + b2)
    cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
    accuracy = np.mean((A2 > 0.5) == Y)
    return cost, accuracy

X, Y = load_planar_dataset()
print("# numpy", np.__version__, "- made by tests/reference/make_width_sweep.py")
for n_h in (1, 2, 3, 4, 5, 20, 50):
    cost, acc = nn_model(X, Y, n_h, 5000, 1.2)
    print("units_%d %.17g %.17g" % (n_h, cost, acc))
