#!/usr/bin/python3
"""One self-contained HTML page about a run or a sweep: config, metrics, cost curves, the sweep's
heatmap and its best runs. Images are inlined (base64 PNG), so the file can be mailed or archived.

    report.py RUN.h5 -o report.html
    report.py SWEEP_DIR -o report.html [--metric test_accuracy] [--top 10]

Decision regions are drawn for runs on 2-D data when the mindset executable is found (they call
`mindset predict`). Run with Debian's python3 (matplotlib, pandas, h5py).
"""
import argparse
import base64
import datetime
import html
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mindset_results as mr  # noqa: E402
import plot_costs  # noqa: E402
import plot_decision_boundary  # noqa: E402
import plot_sweep  # noqa: E402

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1000px;
       color: #222; background: #fff; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.7em; text-align: left; }
th { background: #f3f5f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { background: #fff4d6; font-weight: 600; }
.status-completed { color: #1a7f37; } .status-other { color: #b3261e; font-weight: 600; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
.figs { display: flex; flex-wrap: wrap; gap: 1em; } .figs figure { margin: 0; flex: 1 1 420px; }
figcaption { color: #666; font-size: 0.85em; } .note { color: #666; font-style: italic; }
"""


def esc(v):
    return html.escape(str(v))


def fmt(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "–"
        return "%.6g" % v
    return str(v)


def img(fig, alt):
    data = base64.b64encode(mr.figure_png(fig)).decode()
    mr.pyplot().close(fig)
    return '<img alt="%s" src="data:image/png;base64,%s">' % (esc(alt), data)


def figure(fig, caption):
    return "<figure>%s<figcaption>%s</figcaption></figure>" % (img(fig, caption), esc(caption))


def table(header, rows, best_row=None, numeric=()):
    out = ["<table><tr>%s</tr>" % "".join("<th>%s</th>" % esc(h) for h in header)]
    for i, r in enumerate(rows):
        cls = ' class="best"' if i == best_row else ""
        cells = "".join('<td%s>%s</td>' % (' class="num"' if j in numeric else "", c) for j, c in enumerate(r))
        out.append("<tr%s>%s</tr>" % (cls, cells))
    return "".join(out) + "</table>"


def status_html(s):
    return '<span class="%s">%s</span>' % ("status-completed" if s == "completed" else "status-other", esc(s))


def boundary(run, mindset):
    if run.input_size != 2:
        return ""
    if mindset is None:
        return '<p class="note">Decision regions skipped: the mindset executable was not found.</p>'
    try:
        return figure(plot_decision_boundary.make_figure(run, mindset, 150), "decision regions and examples")
    except mr.UsageError as e:
        return '<p class="note">Decision regions skipped: %s</p>' % esc(e)


def run_section(run, mindset, with_config=True):
    cfg = run.config
    tr = cfg.get("training", {})
    opt = tr.get("optimizer", "gd")
    opt = opt.get("type", opt) if isinstance(opt, dict) else opt
    rows = [("status", status_html(run.status) + (" – " + esc(run.stop_reason) if run.stop_reason else "")),
            ("architecture", esc("%s (%s), %d parameters" % (run.architecture(), run.activations(), run.parameter_count))),
            ("loss", esc(cfg.get("loss", ""))),
            ("training", esc("%s, learning rate %s, %s" % (opt, tr.get("learning_rate"),
                                                            "%s iterations" % tr["iterations"] if "iterations" in tr
                                                            else "%s epochs" % tr.get("epochs")))),
            ("seed", esc(cfg.get("seed", ""))),
            ("data splits", esc(", ".join(run.splits))),
            ("wall time", esc("%.3g s" % run.wall_seconds)),
            ("file", esc(os.path.abspath(run.path)))]
    if run.overrides:
        rows.append(("overrides", esc(" ".join(run.overrides))))
    parts = [table(["", ""], [(esc(k), v) for k, v in rows])]
    parts.append("<h3>Final metrics</h3>" + table(["metric", "value"], [(esc(k), fmt(v)) for k, v in run.metrics.items()],
                                                   numeric=(1,)))
    figs = [figure(plot_costs.make_figure([(run.name, run)]), "cost per iteration (%s)" % run.cost_name)]
    if not run.evaluations.empty and len(run.evaluations) > 1:
        plt = mr.pyplot()
        fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
        for c in run.evaluations.columns:
            ax.plot(run.evaluations.index, run.evaluations[c], marker=".", label=c)
        ax.set_xlabel("iterations")
        ax.set_ylabel("metric")
        ax.grid(True, alpha=0.3)
        ax.legend(frameon=False)
        ax.set_title(run.name)
        fig.tight_layout()
        figs.append(figure(fig, "metrics at the evaluated iterations"))
    b = boundary(run, mindset)
    if b.startswith("<figure>"):
        figs.append(b)
    parts.append('<div class="figs">%s</div>' % "".join(figs))
    if b and not b.startswith("<figure>"):
        parts.append(b)
    if with_config:
        parts.append("<h3>Resolved config</h3><pre>%s</pre>" % esc(run.config_text))
    return "".join(parts)


def run_report(path, mindset):
    run = mr.Run(path)
    title = "mindset run: %s" % run.name
    body = "<h1>%s</h1><p class=\"sub\">%s</p>%s" % (esc(run.name), esc(path), run_section(run, mindset))
    return title, body


def sweep_report(path, mindset, metric, top):
    sweep = mr.Sweep(path)
    t = sweep.table
    metric = plot_sweep.choose_metric(sweep, metric)
    lower = mr.lower_is_better(metric)
    counts = t["status"].value_counts().to_dict() if "status" in t else {}
    parts = ["<h1>Sweep %s</h1>" % esc(sweep.name),
             '<p class="sub">%s: %d runs (%s) over %s</p>' % (
                 esc(path), len(t), esc(", ".join("%d %s" % (n, s) for s, n in counts.items())),
                 esc(", ".join(sweep.keys) or "no swept keys"))]
    parts.append("<h2>%s across the sweep</h2>" % esc(metric))
    try:
        parts.append('<div class="figs">%s</div>' % figure(plot_sweep.make_figure(sweep, metric),
                                                           "%s per swept value; best outlined" % metric))
    except mr.UsageError as e:
        parts.append('<p class="note">No sweep plot: %s</p>' % esc(e))
    ranked = t.sort_values(metric, ascending=lower, na_position="last")
    shown = ranked.head(top)
    metrics = [m for m in ("final_cost", "train_accuracy", "test_accuracy", "validation_accuracy",
                           "train_rmse", "test_rmse") if m in t and t[m].notna().any()]
    if metric not in metrics:
        metrics.append(metric)
    header = ["rank", "run"] + [mr.short_key(k, sweep.keys) for k in sweep.keys] + ["status"] + metrics + ["wall s"]
    rows = []
    for rank, (_, r) in enumerate(shown.iterrows(), 1):
        rows.append([str(rank), esc(r["run_id"])] + [esc(fmt(r[k])) for k in sweep.keys] + [status_html(r["status"])] +
                    [fmt(r[m]) for m in metrics] + ["%.3g" % r.get("wall_seconds", float("nan"))])
    best = 0 if len(shown) and not math.isnan(float(shown.iloc[0][metric])) else None
    numeric = set(range(2 + len(sweep.keys) + 1, len(header)))
    parts.append("<h2>Best runs by %s (%s first)</h2>" % (esc(metric), "lowest" if lower else "highest"))
    parts.append(table(header, rows, best_row=best, numeric=numeric))
    if len(t) > top:
        parts.append('<p class="note">%d of %d runs shown.</p>' % (top, len(t)))
    failed = t[t["status"].astype(str) != "completed"] if "status" in t else t.iloc[0:0]
    if len(failed):
        parts.append("<h2>Runs not completed</h2>" + table(
            ["run", "status", "error"], [(esc(r["run_id"]), status_html(r["status"]), esc(r.get("error", "")))
                                         for _, r in failed.iterrows()]))
    files = dict(sweep.run_files())
    curves = [(sweep.label(i), mr.Run(files[i])) for i in shown.index[:min(top, 8)] if i in files]
    if curves:
        parts.append("<h2>Cost curves of the best runs</h2>")
        parts.append('<div class="figs">%s</div>' % figure(plot_costs.make_figure(curves, title="best %d runs" % len(curves)),
                                                           "cost per iteration"))
        best_label, best_run = curves[0]
        parts.append("<h2>Best run: %s</h2>" % esc(best_label))
        parts.append(run_section(best_run, mindset))
    return "mindset sweep: %s" % sweep.name, "".join(parts)


def main():
    p = argparse.ArgumentParser(prog="report.py", description=__doc__.split("\n\n")[0],
                                epilog="Exit 2 on bad input.")
    p.add_argument("path", metavar="RUN.h5|SWEEP_DIR", help="a results file or a sweep folder")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--metric", help="sweeps: the metric to rank by (default test_accuracy, else train_accuracy)")
    p.add_argument("--top", type=int, default=10, help="sweeps: runs in the best-run table (default 10)")
    p.add_argument("--mindset", help="the mindset executable, for decision regions (default: build/bin/mindset)")
    a = p.parse_args()
    if a.top < 1:
        raise mr.UsageError("--top %d: must be at least 1" % a.top)
    try:
        mindset = mr.find_mindset(a.mindset)
    except mr.UsageError:
        if a.mindset:
            raise
        mindset = None
    if os.path.isdir(a.path):
        title, body = sweep_report(a.path, mindset, a.metric, a.top)
    else:
        if a.metric:
            raise mr.UsageError("--metric applies to a sweep folder; %s is a single run" % a.path)
        title, body = run_report(a.path, mindset)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>%s</title><style>%s</style></head>'
            '<body>%s<p class="note">Made by scripts/report.py on %s.</p></body></html>\n'
            % (esc(title), CSS, body, stamp))
    folder = os.path.dirname(os.path.abspath(a.output))
    if not os.path.isdir(folder):
        raise mr.UsageError("-o %s: the folder %s does not exist" % (a.output, folder))
    tmp = os.path.join(folder, ".%s.tmp-%d" % (os.path.basename(a.output), os.getpid()))
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(page)
        os.replace(tmp, a.output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(a.output)


if __name__ == "__main__":
    sys.exit(mr.main_guard("report.py", main))
