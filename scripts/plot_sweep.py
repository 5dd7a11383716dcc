#!/usr/bin/python3
"""A sweep's outcome at a glance: a heatmap for two swept keys, a line plot for one.

    plot_sweep.py SWEEP_DIR [-o sweep.png] [--metric test_accuracy] [--x KEY] [--y KEY]

SWEEP_DIR is what `mindset sweep` writes (summary.csv). With more than two swept keys, --x and
--y choose the axes (default: the first two) and each cell shows the best run over the other
keys. Failed runs are grey cells. Run with Debian's python3 (matplotlib, pandas, h5py).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mindset_results as mr  # noqa: E402


def _order(values):
    """Distinct values in a natural order: numerically when all are numbers, else as first seen."""
    distinct = list(dict.fromkeys(values))
    try:
        return sorted(distinct, key=float)
    except (TypeError, ValueError):
        return distinct


def _numeric(values):
    try:
        [float(v) for v in values]
        return True
    except (TypeError, ValueError):
        return False


def _fmt(v):
    if isinstance(v, float):
        return "%.4g" % v
    return str(v)


def choose_metric(sweep, metric):
    if metric is None:
        return sweep.default_metric()
    if metric not in sweep.table.columns:
        import difflib
        close = difflib.get_close_matches(metric, sweep.metrics(), n=1)
        raise mr.UsageError("--metric %s: no such column%s; metrics: %s" % (
            metric, " (did you mean %s?)" % close[0] if close else "", ", ".join(sweep.metrics())))
    if metric in sweep.keys or sweep.table[metric].dtype.kind not in "fi":
        raise mr.UsageError("--metric %s: not a numeric metric; metrics: %s" % (metric, ", ".join(sweep.metrics())))
    return metric


def choose_axes(sweep, x, y):
    keys = sweep.keys
    if not keys:
        raise mr.UsageError("%s: the sweep has no swept keys to plot against" % sweep.path)
    for name, k in (("--x", x), ("--y", y)):
        if k is not None and k not in keys:
            raise mr.UsageError("%s %s: not a swept key; swept keys: %s" % (name, k, ", ".join(keys)))
    if len(keys) == 1:
        if y is not None:
            raise mr.UsageError("--y: the sweep has one swept key (%s)" % keys[0])
        return keys[0], None
    x = x or next(k for k in keys[1:] + keys[:1] if k != y)
    y = y or next(k for k in keys if k != x)
    if x == y:
        raise mr.UsageError("--x and --y name the same key %s" % x)
    return x, y


def make_figure(sweep, metric=None, x=None, y=None):
    plt = mr.pyplot()
    metric = choose_metric(sweep, metric)
    xk, yk = choose_axes(sweep, x, y)
    t = sweep.table
    lower = mr.lower_is_better(metric)
    best = (lambda s: s.min()) if lower else (lambda s: s.max())
    others = [k for k in sweep.keys if k not in (xk, yk)]
    note = " (best over %s)" % ", ".join(mr.short_key(k, sweep.keys) for k in others) if others else ""
    title = "%s: %s%s" % (sweep.name, metric, note)

    if yk is None:
        fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=100)
        xs = _order(t[xk].tolist())
        vals = [best(t.loc[t[xk] == v, metric]) for v in xs]
        numeric = _numeric(xs)
        pos = [float(v) for v in xs] if numeric else list(range(len(xs)))
        ax.plot(pos, vals, marker="o", linewidth=1.5)
        finite = [(p, v) for p, v in zip(pos, vals) if np.isfinite(v)]
        if finite:
            bp, bv = (min if lower else max)(finite, key=lambda pv: pv[1])
            ax.plot([bp], [bv], marker="*", markersize=16, color="tab:red", linestyle="none",
                    label="best: %s=%s, %s" % (mr.short_key(xk), _fmt(xs[pos.index(bp)]), _fmt(bv)))
            ax.legend(frameon=False, fontsize=9)
        if numeric and min(pos) > 0 and max(pos) / min(pos) >= 100:
            ax.set_xscale("log")
        if not numeric:
            ax.set_xticks(pos)
            ax.set_xticklabels([_fmt(v) for v in xs], rotation=30, ha="right")
        ax.set_xlabel(xk)
        ax.set_ylabel(metric)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        return fig

    xs, ys = _order(t[xk].tolist()), _order(t[yk].tolist())
    grid = np.full((len(ys), len(xs)), np.nan)
    for i, yv in enumerate(ys):
        for j, xv in enumerate(xs):
            cell = t.loc[(t[xk] == xv) & (t[yk] == yv), metric]
            if len(cell) and cell.notna().any():
                grid[i, j] = best(cell)
    fig, ax = plt.subplots(figsize=(max(5.5, 1.1 * len(xs) + 3), max(4.0, 0.6 * len(ys) + 2.2)), dpi=100)
    cmap = plt.get_cmap("viridis_r" if lower else "viridis").copy()
    cmap.set_bad("#d0d0d0")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, aspect="auto", origin="lower")
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(metric)
    finite = grid[np.isfinite(grid)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0, 1)
    for i in range(len(ys)):
        for j in range(len(xs)):
            v = grid[i, j]
            if not np.isfinite(v):
                ax.text(j, i, "failed", ha="center", va="center", fontsize=8, color="#555555")
                continue
            frac = 0.5 if hi == lo else (v - lo) / (hi - lo)
            dark = frac < 0.5 if not lower else frac > 0.5
            ax.text(j, i, "%.3g" % v, ha="center", va="center", fontsize=9, color="white" if dark else "black")
    if finite.size:
        bi, bj = np.unravel_index(np.nanargmin(grid) if lower else np.nanargmax(grid), grid.shape)
        ax.add_patch(plt.Rectangle((bj - 0.5, bi - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2.5))
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels([_fmt(v) for v in xs])
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels([_fmt(v) for v in ys])
    ax.set_xlabel(xk)
    ax.set_ylabel(yk)
    ax.set_title(title + "; best outlined", fontsize=11)
    fig.tight_layout()
    return fig


def main():
    p = argparse.ArgumentParser(prog="plot_sweep.py", description=__doc__.split("\n\n")[0],
                                epilog="Sweep folders: docs/sweeps.md. Exit 2 on bad input.")
    p.add_argument("sweep", metavar="SWEEP_DIR", help="a folder written by mindset sweep")
    p.add_argument("-o", "--output", default="sweep.png", help="PNG to write (default sweep.png)")
    p.add_argument("--metric", help="summary column to show (default test_accuracy, else train_accuracy)")
    p.add_argument("--x", help="swept key on the horizontal axis")
    p.add_argument("--y", help="swept key on the vertical axis (heatmaps)")
    a = p.parse_args()
    fig = make_figure(mr.Sweep(a.sweep), a.metric, a.x, a.y)
    mr.save(fig, a.output)
    print(a.output)


if __name__ == "__main__":
    sys.exit(mr.main_guard("plot_sweep.py", main))
