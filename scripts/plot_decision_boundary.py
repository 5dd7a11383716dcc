#!/usr/bin/python3
"""Decision regions of a run on 2-D data, with its examples, as in the course's planar notebook.

    plot_decision_boundary.py RUN.h5 [-o boundary.png] [--resolution 200] [--mindset PATH]

The network is evaluated by `mindset predict` (on a grid of points and on the run's own training
and test examples, recreated from its stored config): nothing here re-implements it. The run
must take 2 features. Run with Debian's python3 (matplotlib, pandas, h5py).
"""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mindset_results as mr  # noqa: E402


def predictions(run, mindset, resolution=200, workdir=None):
    """The run's examples (per split) and its predictions on a grid covering them."""
    import pandas as pd
    if run.input_size != 2:
        raise mr.UsageError("%s: the network takes %d features; decision regions need 2-D data"
                            % (run.path, run.input_size))
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        points = {}
        for split in ("train", "test"):
            if split in run.splits:
                points[split] = mr.predict(mindset, run.path, ["--split", split, "--features"],
                                           os.path.join(tmp, split + ".csv"))
        if not points:
            raise mr.UsageError("%s: the run records no data splits" % run.path)
        first = next(iter(points.values()))
        fx, fy = first.columns[0], first.columns[1]
        xs = np.concatenate([p[fx].to_numpy() for p in points.values()])
        ys = np.concatenate([p[fy].to_numpy() for p in points.values()])
        pad_x, pad_y = 0.1 * (np.ptp(xs) or 1.0), 0.1 * (np.ptp(ys) or 1.0)
        gx = np.linspace(xs.min() - pad_x, xs.max() + pad_x, resolution)
        gy = np.linspace(ys.min() - pad_y, ys.max() + pad_y, resolution)
        mx, my = np.meshgrid(gx, gy)
        grid_csv = os.path.join(tmp, "grid.csv")
        pd.DataFrame({fx: mx.ravel(), fy: my.ravel()}).to_csv(grid_csv, index=False, float_format="%.17g")
        grid = mr.predict(mindset, run.path, ["--data", "{type: csv, path: '%s'}" % grid_csv.replace("'", "''")],
                          os.path.join(tmp, "grid_predictions.csv"))
    return points, (fx, fy), mx, my, grid


def make_figure(run, mindset, resolution=200):
    plt = mr.pyplot()
    points, (fx, fy), mx, my, grid = predictions(run, mindset, resolution)
    fig, ax = plt.subplots(figsize=(6.5, 5.2), dpi=100)
    from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize
    probs = [c for c in grid.columns if c == "prob" or c.startswith("prob_")]
    if probs == ["prob"]:  # binary: P(class 1) shaded, the 0.5 contour drawn
        z = grid["prob"].to_numpy().reshape(mx.shape)
        cs = ax.contourf(mx, my, z, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55)
        ax.contour(mx, my, z, levels=[0.5], colors="k", linewidths=1.2)
        fig.colorbar(cs, ax=ax).set_label("P(class 1)")
        cmap, norm = plt.get_cmap("RdBu_r"), Normalize(0, 1)
    elif probs:  # several classes: each class's region in its colour, the points in theirs
        k = len(probs)
        cmap = ListedColormap(plt.get_cmap("tab10").colors[:k] if k <= 10 else plt.get_cmap("tab20").colors[:k])
        norm = BoundaryNorm(np.arange(-0.5, k + 0.5), k)
        z = grid["prediction"].to_numpy().reshape(mx.shape)
        ax.contourf(mx, my, z, levels=np.arange(-0.5, k + 0.5), cmap=cmap, norm=norm, alpha=0.35)
    else:  # a regression: the predicted value
        z = grid["prediction"].to_numpy().reshape(mx.shape)
        cmap = plt.get_cmap("viridis")
        cs = ax.contourf(mx, my, z, levels=15, cmap=cmap, alpha=0.6)
        norm = cs.norm
        fig.colorbar(cs, ax=ax).set_label("prediction")
    markers = {"train": ("o", "training"), "test": ("^", "test")}
    for split, p in points.items():
        marker, name = markers[split]
        colour = p["label"] if "label" in p else p["prediction"]
        ax.scatter(p[fx], p[fy], c=colour, cmap=cmap, norm=norm, marker=marker, s=18 if split == "train" else 34,
                   edgecolors="k", linewidths=0.4, label="%s examples (%d)" % (name, len(p)))
    acc = ", ".join("%s accuracy %.3f" % (s, run.metrics[s + "_accuracy"]) for s in ("train", "test", "validation")
                    if s + "_accuracy" in run.metrics)
    ax.set_title("%s: %s (%s)%s" % (run.name, run.architecture(), run.activations(), "\n" + acc if acc else ""),
                 fontsize=10)
    ax.set_xlabel(fx)
    ax.set_ylabel(fy)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    fig.tight_layout()
    return fig


def main():
    p = argparse.ArgumentParser(prog="plot_decision_boundary.py", description=__doc__.split("\n\n")[0],
                                epilog="Calls `mindset predict`. Exit 2 on bad input.")
    p.add_argument("run", metavar="RUN.h5", help="results file of a run on 2-D data")
    p.add_argument("-o", "--output", default="boundary.png", help="PNG to write (default boundary.png)")
    p.add_argument("--resolution", type=int, default=200, help="grid points per axis (default 200)")
    p.add_argument("--mindset", help="the mindset executable (default: build/bin/mindset, $MINDSET, PATH)")
    a = p.parse_args()
    if not 10 <= a.resolution <= 2000:
        raise mr.UsageError("--resolution %d: allowed 10 to 2000" % a.resolution)
    run = mr.Run(a.run)
    fig = make_figure(run, mr.find_mindset(a.mindset), a.resolution)
    mr.save(fig, a.output)
    print(a.output)


if __name__ == "__main__":
    sys.exit(mr.main_guard("plot_decision_boundary.py", main))
