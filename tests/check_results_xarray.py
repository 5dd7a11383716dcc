#!/usr/bin/env python3
"""Opens results files as users do with xarray (h5netcdf engine) and checks what they get.

Usage: check_results_xarray.py MINIBATCH.h5 EMPTY.h5 DIVERGED.h5
MINIBATCH.h5: 2 epochs of mini-batches with test and validation splits (tests/test_results_layout.cpp);
EMPTY.h5: iterations 0; DIVERGED.h5: a diverged run. Compares xarray's values with h5py's.
Prints "xarray: ok".
"""
import sys

import h5py
import numpy as np
import xarray as xr

path, empty, diverged = sys.argv[1:4]
f = h5py.File(path, "r")
h = xr.open_dataset(path, group="history", engine="h5netcdf")
assert set(h.coords) == {"iteration", "evaluated_at", "epoch"}, h.coords
assert h["cost"].dims == ("iteration",) and h["learning_rate"].dims == ("iteration",)
for v in ("train_accuracy", "test_accuracy"):
    assert h[v].dims == ("evaluated_at",), (v, h[v].dims)
for v in ("epoch_iteration", "epoch_cost", "epoch_train_accuracy", "validation_cost", "validation_accuracy"):
    assert h[v].dims == ("epoch",), (v, h[v].dims)
assert set(h.data_vars) == set(f["history"]) - {"iteration", "evaluated_at", "epoch"}, (set(h.data_vars), set(f["history"]))
for name in f["history"]:
    assert np.array_equal(h[name].values, f["history"][name][:]), name
per_epoch = int(h["epoch_iteration"][0])  # mini-batches of 20: ceil(m / 20) updates an epoch
assert per_epoch > 1 and list(h["epoch"].values) == [1, 2] and list(h["epoch_iteration"].values) == [per_epoch, 2 * per_epoch]
assert list(h["iteration"].values) == list(range(0, 2 * per_epoch, 2)), h["iteration"].values  # record_every 2
assert h["cost"].attrs["long_name"] == "binary cross-entropy, mean over examples"
assert h["test_accuracy"].attrs["units"] == "1" and "long_name" in h["test_accuracy"].attrs
assert float(h["cost"].sel(iteration=4)) == f["history/cost"][2]
df = h[["cost", "learning_rate"]].to_dataframe()
assert df.index.name == "iteration" and len(df) == len(range(0, 2 * per_epoch, 2))

m = xr.open_dataset(path, group="metrics", engine="h5netcdf")
assert set(m.data_vars) == {"final_cost", "train_accuracy", "test_accuracy", "validation_accuracy"}, m.data_vars
assert float(m["test_accuracy"]) == f["metrics/test_accuracy"][()]

e = xr.open_dataset(empty, group="history", engine="h5netcdf")  # iterations: 0, nothing recorded
assert e.sizes["iteration"] == 0 and e["cost"].size == 0 and list(e["evaluated_at"].values) == [0], e

d = xr.open_dataset(diverged, group="history", engine="h5netcdf")
with h5py.File(diverged, "r") as g:
    assert g.attrs["status"] == "diverged"
    assert d.sizes["iteration"] == len(g["history/cost"]) > 0
print("xarray: ok")
