#!/usr/bin/env python3
"""Checks a results file as users read it (tests/test_results.cpp runs this with Debian's python3).

Usage: check_results_h5py.py RESULTS.h5 RESOLVED.yaml
The run is tests/test_results.cpp's kConfig with training.learning_rate=0.4; RESOLVED.yaml is
`mindset validate --resolved` of the same. numpy recomputes the final cost and the accuracies from
the stored W, b and the flower data (the course's generator in numpy). Prints "h5py: ok".
"""
import re, sys
import h5py, numpy as np, yaml

f = h5py.File(sys.argv[1], "r")
resolved = yaml.safe_load(open(sys.argv[2]))

def s(v):  # h5py returns str for variable-length UTF-8 attributes (bytes in old versions)
    return v.decode() if isinstance(v, bytes) else v

a = f.attrs
for k in ("mindset_version", "format_version", "name", "status", "config", "overrides", "seed",
          "started_at", "finished_at", "wall_seconds"):
    assert k in a, "missing root attribute " + k
assert a["format_version"] == 1 and np.issubdtype(np.asarray(a["format_version"]).dtype, np.integer)
assert s(a["status"]) == "completed" and s(a["name"]) == "results_check"
assert a["seed"] == 5
iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
assert iso.match(s(a["started_at"])) and iso.match(s(a["finished_at"]))
assert float(a["wall_seconds"]) >= 0
assert [s(o) for o in a["overrides"]] == ["training.learning_rate=0.4"], a["overrides"]
config = yaml.safe_load(s(a["config"]))
assert config == resolved, (config, resolved)

expect = {  # path: (dtype kind, shape)
    "model/layer_1/W": ("f", (4, 2)), "model/layer_1/b": ("f", (4, 1)),
    "model/layer_2/W": ("f", (1, 4)), "model/layer_2/b": ("f", (1, 1)),
    "history/iteration": ("i", (10,)), "history/cost": ("f", (10,)),
    "history/evaluated_at": ("i", (4,)), "history/train_accuracy": ("f", (4,)),
    "history/test_accuracy": ("f", (4,)),
    "metrics/final_cost": ("f", ()), "metrics/train_accuracy": ("f", ()), "metrics/test_accuracy": ("f", ()),
}
for path, (kind, shape) in expect.items():
    d = f[path]
    assert isinstance(d, h5py.Dataset), path
    assert d.dtype.kind == kind and d.dtype.itemsize == 8, (path, d.dtype)
    assert d.shape == shape, (path, d.shape)
for l, (units, act) in enumerate([(4, "tanh"), (1, "sigmoid")], 1):
    g = f["model/layer_%d" % l].attrs
    assert s(g["type"]) == "dense" and g["units"] == units and s(g["activation"]) == act
assert f["model"].attrs["input_size"] == 2 and f["model"].attrs["parameter_count"] == 4 * 2 + 4 + 1 * 4 + 1
assert s(f["history/cost"].attrs["long_name"]) == "binary cross-entropy, mean over examples"
assert list(f["history/iteration"][:]) == list(range(0, 30, 3))
assert list(f["history/evaluated_at"][:]) == [0, 10, 20, 30]
assert s(f["data/train"].attrs["type"]) == "flower" and f["data/train"].attrs["m"] == 40

# The course's flower generator, in numpy.
def flower(m, noise, seed, a=4):
    np.random.seed(seed)
    N = m // 2
    X = np.zeros((m, 2)); Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * noise
        r = a * np.sin(4 * t) + np.random.randn(N) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T

def forward(X):
    A = np.tanh(f["model/layer_1/W"][:] @ X + f["model/layer_1/b"][:])
    return 1 / (1 + np.exp(-(f["model/layer_2/W"][:] @ A + f["model/layer_2/b"][:])))

X, Y = flower(40, 0.2, 1)
A = forward(X)
cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
assert abs(cost - f["metrics/final_cost"][()]) < 1e-12, (cost, f["metrics/final_cost"][()])
assert np.mean((A > 0.5) == Y) == f["metrics/train_accuracy"][()]
Xt, Yt = flower(20, 0.3, 2)
assert np.mean((forward(Xt) > 0.5) == Yt) == f["metrics/test_accuracy"][()]
print("h5py: ok")
