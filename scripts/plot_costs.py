#!/usr/bin/python3
"""Cost curves of one or more mindset runs, as the course compares learning rates.

    plot_costs.py RUN.h5 [RUN.h5 ...] [-o costs.png] [--log]
    plot_costs.py SWEEP_DIR [-o costs.png]          # every run of a sweep, labelled by its swept values

The legend names each run by the config values that differ between the runs (learning_rate=0.01),
or by its name. Run with Debian's python3 (matplotlib, h5py, pandas).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mindset_results as mr  # noqa: E402


def collect(paths):
    """(label, Run) pairs for results files and sweep folders, and a title."""
    runs, labels, title = [], [], None
    for p in paths:
        if os.path.isdir(p):
            sweep = mr.Sweep(p)
            title = "%s: cost per iteration" % sweep.name if len(paths) == 1 else None
            files = sweep.run_files()
            if not files:
                raise mr.UsageError("%s: the sweep has no results files yet" % p)
            for i, f in files:
                runs.append(mr.Run(f))
                labels.append(sweep.label(i) if sweep.keys else None)
        else:
            runs.append(mr.Run(p))
            labels.append(None)
    if any(l is None for l in labels):
        auto = mr.run_labels(runs)
        labels = [l if l is not None else a for l, a in zip(labels, auto)]
    return list(zip(labels, runs)), title


def make_figure(labelled, log=False, title=None):
    plt = mr.pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    drawn = 0
    for label, run in labelled:
        h = run.history
        if h.empty:
            print("plot_costs.py: note: %s recorded no cost history (record_every: 0?)" % run.path, file=sys.stderr)
            continue
        status = "" if run.status == "completed" else " (%s)" % run.status
        ax.plot(h.index, h["cost"], label=label + status, linewidth=1.5)
        drawn += 1
    if not drawn:
        raise mr.UsageError("no cost history to plot in %s" % ", ".join(r.path for _, r in labelled))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iterations")
    names = {r.cost_name for _, r in labelled}
    ax.set_ylabel("cost" + (" (%s)" % names.pop() if len(names) == 1 else ""), fontsize=9)
    if title is None:
        title = labelled[0][1].name if len(labelled) == 1 else "cost per iteration, %d runs" % len(labelled)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if len(labelled) > 1 or labelled[0][0] != labelled[0][1].name:
        if drawn > 8:
            ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        else:
            ax.legend(fontsize=9, frameon=False)
    fig.tight_layout()
    return fig


def main():
    p = argparse.ArgumentParser(prog="plot_costs.py", description=__doc__.split("\n\n")[0],
                                epilog="Files: docs/results-format.md. Exit 2 on bad input.")
    p.add_argument("runs", nargs="+", metavar="RUN.h5|SWEEP_DIR", help="results files and/or sweep folders")
    p.add_argument("-o", "--output", default="costs.png", help="PNG to write (default costs.png)")
    p.add_argument("--log", action="store_true", help="logarithmic cost axis")
    p.add_argument("--title", help="figure title")
    a = p.parse_args()
    labelled, title = collect(a.runs)
    fig = make_figure(labelled, log=a.log, title=a.title or title)
    mr.save(fig, a.output)
    print(a.output)


if __name__ == "__main__":
    sys.exit(mr.main_guard("plot_costs.py", main))
