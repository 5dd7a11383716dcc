"""A numpy implementation of a whole mini-batch training run, for tests/test_trainer.cpp: the
draw order (initial weights, then np.random.permutation(m) at each epoch's start, then each
dropout layer's np.random.rand(units, batch) in every forward pass), inverted dropout, L2, Adam
and an epoch-based inverse-time decay, as the course's numpy code writes them.
Run: /usr/bin/python3 tests/reference/make_training.py > tests/reference/training.txt
The config it implements is kTrajectoryConfig in test_trainer.cpp."""
import numpy as np


def emit(label, a):
    print(label, " ".join("%.17g" % v for v in np.asarray(a, dtype=float).ravel()))


rs = np.random.RandomState(7)
X = rs.randn(2, 40)
Y = (X[0:1] * X[1:2] > 0).astype(float)
m, B, iterations, lambd, keep_prob = 40, 16, 20, 0.1, 1 - 0.25
lr0, decay = 0.01, 0.5
beta1, beta2, eps = 0.9, 0.999, 1e-8
emit("X", X)
emit("Y", Y)

np.random.seed(3)
params = {}
for l, (units, fan_in) in enumerate([(6, 2), (4, 6), (1, 4)], start=1):
    params["W%d" % l] = np.random.randn(units, fan_in) * 0.5
    params["b%d" % l] = np.zeros((units, 1))
v = {k: np.zeros_like(p) for k, p in params.items()}
s = {k: np.zeros_like(p) for k, p in params.items()}

costs, rates, epoch_costs = [], [], []
pos, epoch, epoch_sum = 0, 0, 0.0
for it in range(iterations):
    if pos == 0:
        permutation = np.random.permutation(m)
    idx = permutation[pos:pos + B]
    mb = len(idx)
    Xb, Yb = X[:, idx], Y[:, idx]
    lr = lr0 / (1 + decay * epoch)
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, Xb) + b1
    A1 = np.maximum(0, Z1)
    D1 = np.random.rand(A1.shape[0], A1.shape[1])
    D1 = (D1 < keep_prob).astype(int)
    A1 = A1 * D1
    A1 = A1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    A2 = np.tanh(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = 1 / (1 + np.exp(-Z3))
    logprobs = np.multiply(-np.log(A3), Yb) + np.multiply(-np.log(1 - A3), 1 - Yb)
    cost = 1. / mb * np.sum(logprobs)
    cost = cost + (1 / mb) * (lambd / 2) * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))
    costs.append(cost)
    rates.append(lr)
    epoch_sum += cost * mb

    dZ3 = A3 - Yb
    grads = {"W3": 1. / mb * np.dot(dZ3, A2.T) + (lambd / mb) * W3, "b3": 1. / mb * np.sum(dZ3, axis=1, keepdims=True)}
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = dA2 * (1 - A2 * A2)
    grads["W2"] = 1. / mb * np.dot(dZ2, A1.T) + (lambd / mb) * W2
    grads["b2"] = 1. / mb * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dA1 = dA1 * D1
    dA1 = dA1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(Z1 > 0))
    grads["W1"] = 1. / mb * np.dot(dZ1, Xb.T) + (lambd / mb) * W1
    grads["b1"] = 1. / mb * np.sum(dZ1, axis=1, keepdims=True)

    t = it + 1
    for k in params:
        v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
        s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
        v_corrected = v[k] / (1 - beta1 ** t)
        s_corrected = s[k] / (1 - beta2 ** t)
        params[k] = params[k] - lr * v_corrected / (np.sqrt(s_corrected) + eps)

    pos += mb
    if pos == m:
        pos, epoch = 0, epoch + 1
        epoch_costs.append(epoch_sum / m)
        epoch_sum = 0.0

emit("cost", costs)
emit("learning_rate", rates)
emit("epoch_cost", epoch_costs)
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):
    emit(k, params[k])
