#!/usr/bin/env python3
"""Recomputes `mindset predict --features` output with numpy from the results file alone.

Usage: check_predictions.py RUN.h5 PREDICTIONS.csv
The features in the CSV are before preprocessing; /data/preprocess's fitted steps (scale,
standardize, minmax) are applied here as numpy writes them, then the stored layers' forward pass.
Checks prob / prob_<k> and prediction columns (rtol 1e-12). Prints "predictions: ok".
"""
import sys

import h5py
import numpy as np
import pandas as pd

run, csv = sys.argv[1:3]
f = h5py.File(run, "r")
p = pd.read_csv(csv, float_precision="round_trip")
n = int(f["model"].attrs["input_size"])
X = p.iloc[:, :n].to_numpy().T  # n x m, examples as columns
if "data/preprocess" in f:
    for i in range(1, len(f["data/preprocess"]) + 1):
        s = f["data/preprocess/step_%d" % i]
        t = s.attrs["type"]
        if t == "scale":
            X = X / s["by"][()]
        elif t == "standardize":
            X = (X - s["mean"][:].reshape(-1, 1)) / s["std"][:].reshape(-1, 1)
        elif t == "minmax":
            X = (X - s["min"][:].reshape(-1, 1)) / s["span"][:].reshape(-1, 1)
        else:
            raise SystemExit("unknown step " + t)
g = {"relu": lambda z: np.maximum(0, z), "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
     "linear": lambda z: z, "softmax": lambda z: np.exp(z - z.max(0)) / np.exp(z - z.max(0)).sum(0)}
A = X
for name in sorted(f["model"], key=lambda k: int(k.split("_")[1])):
    layer = f["model"][name]
    if layer.attrs["type"] == "dropout":
        continue
    A = g[layer.attrs["activation"]](layer["W"][:] @ A + layer["b"][:])
probs = [c for c in p.columns if c == "prob" or c.startswith("prob_") or c.startswith("output_")]
if probs:
    got = p[probs].to_numpy().T
    assert got.shape == A.shape, (got.shape, A.shape)
    assert np.allclose(got, A, rtol=1e-12, atol=1e-15), np.abs(got - A).max()
    expect = (A[0] > 0.5).astype(float) if A.shape[0] == 1 else A.argmax(0).astype(float)
    if A.shape[0] > 1 and "output_1" in probs:
        expect = A[0]
else:
    expect = A[0]
assert np.allclose(p["prediction"].to_numpy(), expect, rtol=1e-12, atol=1e-15)
print("predictions: ok (%d examples)" % len(p))
