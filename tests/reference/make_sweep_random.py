#!/usr/bin/env python3
"""Reference numbers for tests/test_sweep.cpp: random-search samples and number formatting, from
Debian's numpy (legacy RandomState) and Python's repr().

Regenerate with:  /usr/bin/python3 tests/reference/make_sweep_random.py > tests/reference/sweep_random.txt

The sweep file these samples belong to is in tests/test_sweep.cpp (random_search_is_numpy_exact):
    random: {trials: 8, seed: 7, params: {
      training.learning_rate: {distribution: log_uniform, min: 1.0e-4, max: 1.0},
      model.layers[0].units:  {distribution: int_uniform, min: 1, max: 64},
      model.layers[0].activation: {values: [relu, tanh, sigmoid]},
      training.iterations:    {distribution: int_uniform, min: 3, max: 3},
      data.train.noise:       {distribution: uniform, min: 0.1, max: 0.3},
      model.init:             [zeros, {type: normal, scale: 0.5}]}}
Each line: a label, then the values (%.17g, so they read back exactly).
"""
import math
import numpy as np

def line(label, values):
    print(label, " ".join("%.17g" % v for v in values))

print("# numpy", np.__version__, "- made by tests/reference/make_sweep_random.py")
acts = ["relu", "tanh", "sigmoid"]
inits = ["zeros", {"type": "normal", "scale": 0.5}]
for seed, trials in ((7, 8), (4294967295, 3)):
    rs = np.random.RandomState(seed)
    for t in range(trials):
        lr = math.exp(rs.uniform(math.log(1.0e-4), math.log(1.0)))
        units = rs.randint(1, 64 + 1)
        act = acts.index(rs.choice(acts))          # {values: [...]} draws what rs.choice draws
        iterations = rs.randint(3, 3 + 1)          # a one-value range draws nothing
        noise = rs.uniform(0.1, 0.3)
        init = rs.randint(0, len(inits))           # rs.choice on a list of dicts is not allowed; same draw
        line("seed_%d_trial_%d" % (seed, t), [lr, units, act, iterations, noise, init])
# Python's repr() of doubles: how the summary writes numbers.
values = [0.01, 0.001, 0.0001, 1e-05, 1.5e-07, 1.2, 100.0, 1500.0, 0.1 + 0.2, 1e16, 1.2345678901234567e16,
          123456789012345.6, 2.0 ** -1074, 1.7976931348623157e308, -0.5, 0.9952153110047847, 5e-324 * 3]
for i, v in enumerate(values):
    print("repr_%d %.17g %s" % (i, v, repr(v)))
