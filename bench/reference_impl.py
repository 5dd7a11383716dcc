"""The course's network math in numpy, and the same math in PyTorch, for scripts/bench_compare.py.

Written for benchmarking: the loops are the course notebooks' (forward with Z = W A + b,
cost -(1/m) sum[y log a + (1-y) log(1-a)] every iteration, backward with dZ = A - Y at a
sigmoid/softmax output, dW = (1/m) dZ A_prev.T, db = (1/m) sum(dZ), dA_prev = W.T dZ, the
update W := W - lr dW, or Adam as update_parameters_with_adam writes it). Initial weights come
from np.random.RandomState(seed) in the order mindset draws them, so a run here and the same
config in mindset compute the same costs (bench_compare.py checks that they agree).

Data layout is the course's: X is n x m with examples as columns, made as
x.reshape(m, -1).T / 255 (Fortran-ordered in memory, as in the notebooks).
"""
import time

import numpy as np

try:  # PyTorch is optional: Debian's python3-torch when installed
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


def init_weights(dims, init, seed, scale=0.01):
    """Weights W[l] (dims[l] x dims[l-1]) and zero biases, drawn as mindset draws them."""
    rs = np.random.RandomState(seed)
    Ws, bs = [], []
    for l in range(1, len(dims)):
        z = rs.randn(dims[l], dims[l - 1])
        if init == "lecun_normal":
            W = z / np.sqrt(dims[l - 1])
        elif init == "he_normal":
            W = z * np.sqrt(2 / dims[l - 1])
        elif init == "normal":
            W = z * scale
        else:
            raise ValueError(init)
        Ws.append(W)
        bs.append(np.zeros((dims[l], 1)))
    return Ws, bs, rs


def _np_forward_act(Z, act):
    if act == "relu":
        return np.maximum(0, Z)
    if act == "tanh":
        return np.tanh(Z)
    if act == "sigmoid":
        return 1 / (1 + np.exp(-Z))
    if act == "softmax":
        e = np.exp(Z - np.max(Z, axis=0, keepdims=True))
        return e / np.sum(e, axis=0, keepdims=True)
    raise ValueError(act)


def _np_backward_act(dA, Z, A, act):
    if act == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
        return dZ
    if act == "tanh":
        return dA * (1 - np.power(A, 2))
    raise ValueError(act)


def _torch_forward_act(Z, act):
    if act == "relu":
        return torch.clamp(Z, min=0)
    if act == "tanh":
        return torch.tanh(Z)
    if act == "sigmoid":
        return 1 / (1 + torch.exp(-Z))
    if act == "softmax":
        e = torch.exp(Z - torch.max(Z, dim=0, keepdim=True).values)
        return e / torch.sum(e, dim=0, keepdim=True)
    raise ValueError(act)


def _torch_backward_act(dA, Z, A, act):
    if act == "relu":
        return dA * (Z > 0)
    if act == "tanh":
        return dA * (1 - A * A)
    raise ValueError(act)


def train(lib, X, Y, dims, acts, *, init="lecun_normal", scale=0.01, seed=1, lr=0.0075, iterations=100,
          batch_size=None, optimizer="gd", dtype="float64", threads=None):
    """Trains the network; returns (costs, loop_seconds, iterations). Only the loop is timed."""
    if lib == "torch" and torch is None:
        raise RuntimeError("PyTorch is not installed")
    Ws, bs, rs = init_weights(dims, init, seed, scale)
    m_all = X.shape[1]
    if lib == "numpy":
        cast = lambda a: np.asarray(a, dtype=dtype)
        X = X.astype(dtype, order="K", copy=False)
        Yd = Y.astype(dtype, copy=False)
        fwd, bwd = _np_forward_act, _np_backward_act
        log, sqrt, sum_rows = np.log, np.sqrt, lambda a: np.sum(a, axis=1, keepdims=True)
        mm = lambda a, b: a @ b
        T = lambda a: a.T
    else:
        if threads:
            torch.set_num_threads(threads)
        tdtype = torch.float64 if dtype == "float64" else torch.float32
        # Keep the course's memory layout: X.T stored contiguously (F-ordered X).
        cast = lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(tdtype)
        X = torch.from_numpy(np.ascontiguousarray(X.T)).to(tdtype).T
        Yd = cast(Y)
        fwd, bwd = _torch_forward_act, _torch_backward_act
        log, sqrt, sum_rows = torch.log, torch.sqrt, lambda a: torch.sum(a, dim=1, keepdim=True)
        mm = lambda a, b: a @ b
        T = lambda a: a.T
    Ws = [cast(W) for W in Ws]
    bs = [cast(b) for b in bs]
    L = len(Ws)
    out_act = acts[-1]
    if optimizer == "adam":
        vW = [W * 0 for W in Ws]; vb = [b * 0 for b in bs]
        sW = [W * 0 for W in Ws]; sb = [b * 0 for b in bs]
        beta1, beta2, eps = 0.9, 0.999, 1e-8
    costs = []
    batches = None
    if batch_size and batch_size < m_all:
        batches = []
    perm = None
    pos = 0
    t_adam = 0
    t0 = time.perf_counter()
    for it in range(iterations):
        if batches is not None:
            if pos == 0:
                perm = rs.permutation(m_all)
                if lib == "torch":
                    perm = torch.from_numpy(perm)
            idx = perm[pos:pos + batch_size]
            pos = pos + batch_size if pos + batch_size < m_all else 0
            Xb, Yb = X[:, idx], Yd[:, idx]
        else:
            Xb, Yb = X, Yd
        m = Xb.shape[1]
        # Forward.
        A = Xb
        cache = []
        for l in range(L):
            Z = mm(Ws[l], A) + bs[l]
            cache.append((A, Z))
            A = fwd(Z, acts[l])
        AL = A
        # Cost.
        if out_act == "sigmoid":
            cost = -1 / m * (Yb * log(AL) + (1 - Yb) * log(1 - AL)).sum()
        else:
            cost = -1 / m * (Yb * log(AL)).sum()
        costs.append(float(cost))
        # Backward: dZ = A - Y at the output (sigmoid + cross-entropy, softmax + CCE).
        dZ = AL - Yb
        grads = [None] * L
        for l in reversed(range(L)):
            A_prev, Z = cache[l]
            if l < L - 1:
                dZ = bwd(dA, Z, cache[l + 1][0], acts[l])
            dW = 1 / m * mm(dZ, T(A_prev))
            db = 1 / m * sum_rows(dZ)
            if l > 0:
                dA = mm(T(Ws[l]), dZ)
            grads[l] = (dW, db)
        # Update.
        if optimizer == "adam":
            t_adam += 1
            for l in range(L):
                dW, db = grads[l]
                vW[l] = beta1 * vW[l] + (1 - beta1) * dW
                vb[l] = beta1 * vb[l] + (1 - beta1) * db
                sW[l] = beta2 * sW[l] + (1 - beta2) * (dW * dW)
                sb[l] = beta2 * sb[l] + (1 - beta2) * (db * db)
                vWc = vW[l] / (1 - beta1 ** t_adam); vbc = vb[l] / (1 - beta1 ** t_adam)
                sWc = sW[l] / (1 - beta2 ** t_adam); sbc = sb[l] / (1 - beta2 ** t_adam)
                Ws[l] = Ws[l] - lr * vWc / (sqrt(sWc) + eps)
                bs[l] = bs[l] - lr * vbc / (sqrt(sbc) + eps)
        else:
            for l in range(L):
                dW, db = grads[l]
                Ws[l] = Ws[l] - lr * dW
                bs[l] = bs[l] - lr * db
    seconds = time.perf_counter() - t0
    return costs, seconds, iterations


# Data, as the course notebooks load it.

def catvnoncat(path):
    import h5py
    with h5py.File(path, "r") as f:
        x = f["train_set_x"][:]
        y = f["train_set_y"][:]
    X = x.reshape(x.shape[0], -1).T / 255
    return X, y.reshape(1, -1).astype(np.float64)


def flower(m=400, noise=0.2, a=4, seed=1):
    """planar_utils.load_planar_dataset, with its np.random.seed(1)."""
    rs = np.random.RandomState(seed)
    N = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rs.randn(N) * noise
        r = a * np.sin(4 * t) + rs.randn(N) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T.copy(), Y.T.copy()


def mnist(path):
    import h5py
    with h5py.File(path, "r") as f:
        x = f["images"][:]
        y = f["labels"][:]
    X = x.reshape(x.shape[0], -1).T / 255
    Y = np.zeros((10, y.shape[0]))
    Y[y.astype(int), np.arange(y.shape[0])] = 1
    return X, Y
