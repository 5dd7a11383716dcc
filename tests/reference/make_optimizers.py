"""Reference updates for tests/test_optimizers.cpp, written the way the course's numpy code
writes them (update_parameters_with_momentum / _with_adam) plus Nesterov and RMSprop in the
same style. The updates use only +, -, *, / and sqrt, which numpy rounds correctly on every
CPU, so mindset's values equal these bit for bit. Run: /usr/bin/python3 tests/reference/make_optimizers.py > tests/reference/optimizers.txt
Each line: label v1 v2 ... (C order, %.17g, so values round-trip exactly)."""
import numpy as np

rs = np.random.RandomState(0)
W0, b0 = rs.randn(3, 4), rs.randn(3, 1)
steps = 5
grads = [(rs.randn(3, 4), rs.randn(3, 1)) for _ in range(steps)]


def emit(label, a):
    print(label, " ".join("%.17g" % v for v in np.asarray(a).ravel()))


emit("init_W", W0)
emit("init_b", b0)
for k, (gW, gb) in enumerate(grads):
    emit("grad%d_W" % k, gW)
    emit("grad%d_b" % k, gb)


def gd(lr):
    def step(p, g, st, t):
        return p - lr * g
    return step


def momentum(lr, beta, nesterov):
    def step(p, g, st, t):
        st["v"] = beta * st["v"] + (1 - beta) * g
        if nesterov:
            return p - lr * (beta * st["v"] + (1 - beta) * g)
        return p - lr * st["v"]
    return step


def rmsprop(lr, beta, eps):
    def step(p, g, st, t):
        st["s"] = beta * st["s"] + (1 - beta) * np.square(g)
        return p - lr * g / (np.sqrt(st["s"]) + eps)
    return step


def adam(lr, beta1, beta2, eps, correct):
    def step(p, g, st, t):
        st["v"] = beta1 * st["v"] + (1 - beta1) * g
        # The course writes np.power(g, 2). On CPUs with AVX-512, numpy computes np.power with
        # Intel's SVML, whose results differ from g * g in the last bit for ~14% of values;
        # g ** 2 and np.square(g) are exact squares everywhere, and so is mindset.
        st["s"] = beta2 * st["s"] + (1 - beta2) * g ** 2
        v, s = st["v"], st["s"]
        if correct:
            v = st["v"] / (1 - beta1 ** t)
            s = st["s"] / (1 - beta2 ** t)
        return p - lr * v / (np.sqrt(s) + eps)
    return step


# Labels match the optimiser configs in test_optimizers.cpp.
configs = {
    "gd": gd(0.1),
    "momentum": momentum(0.1, 0.9, False),
    "nesterov": momentum(0.1, 0.8, True),
    "rmsprop": rmsprop(0.01, 0.9, 1e-8),
    "adam": adam(0.01, 0.9, 0.999, 1e-8, True),
    "adam_raw": adam(0.02, 0.8, 0.99, 1e-7, False),
}
for name, step in configs.items():
    W, b = W0.copy(), b0.copy()
    sW = {"v": np.zeros_like(W), "s": np.zeros_like(W)}
    sb = {"v": np.zeros_like(b), "s": np.zeros_like(b)}
    for k, (gW, gb) in enumerate(grads):
        W = step(W, gW, sW, k + 1)
        b = step(b, gb, sb, k + 1)
        emit("%s_step%d_W" % (name, k), W)
        emit("%s_step%d_b" % (name, k), b)
