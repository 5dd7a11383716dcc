"""Reading mindset results files and sweep folders, for the plotting scripts beside this file.

Uses Debian's h5py, numpy, pandas and yaml (run the scripts with /usr/bin/python3). The layout
is docs/results-format.md; sweep folders are docs/sweeps.md (summary.csv, summary.h5, runs/).
Nothing here computes what the network does: `mindset predict` does that (see `predict`).
"""
import os
import re
import shutil
import subprocess
import sys

import numpy as np


class UsageError(Exception):
    """Bad input (a missing file, a folder that is not a sweep): one line, exit code 2."""


def text(v):
    """h5py gives str for variable-length UTF-8 strings (bytes in old versions)."""
    return v.decode() if isinstance(v, bytes) else str(v)


def _h5py():
    import h5py
    return h5py


class Run:
    """One results file: its config, history, metrics and model layout."""

    def __init__(self, path):
        if not os.path.exists(path):
            raise UsageError("%s: no such file" % path)
        if os.path.isdir(path):
            raise UsageError("%s: is a folder, not a results file" % path)
        import pandas as pd
        import yaml
        h5py = _h5py()
        if not h5py.is_hdf5(path):
            raise UsageError("%s: not an HDF5 file (a results file is what `mindset train` writes)" % path)
        self.path = path
        with h5py.File(path, "r") as f:
            if "format_version" not in f.attrs:
                raise UsageError("%s: an HDF5 file, but not a mindset results file (no format_version)" % path)
            a = f.attrs
            self.name = text(a["name"])
            self.status = text(a.get("status", ""))
            self.stop_reason = text(a.get("stop_reason", ""))
            self.wall_seconds = float(a.get("wall_seconds", float("nan")))
            self.config_text = text(a["config"])
            self.config = yaml.safe_load(self.config_text)
            self.overrides = [text(o) for o in a.get("overrides", [])]
            h = f["history"]
            self.cost_name = text(h["cost"].attrs.get("long_name", "cost"))
            it = pd.Index(h["iteration"][:], name="iteration")
            cols = {"cost": h["cost"][:]}
            if "learning_rate" in h and len(h["learning_rate"]) == len(it):
                cols["learning_rate"] = h["learning_rate"][:]
            self.history = pd.DataFrame(cols, index=it)
            ev = pd.Index(h["evaluated_at"][:], name="iteration")
            self.evaluations = pd.DataFrame(
                {k: h[k][:] for k in h if k.startswith(("train_", "test_")) and len(h[k]) == len(ev)}, index=ev)
            self.metrics = {k: float(f["metrics"][k][()]) for k in f["metrics"]}
            m = f["model"]
            self.input_size = int(m.attrs["input_size"])
            self.parameter_count = int(m.attrs.get("parameter_count", 0))
            layers = sorted((k for k in m if k.startswith("layer_")), key=lambda k: int(k.split("_")[1]))
            self.layers = [{k: (text(v) if isinstance(v, (str, bytes)) else v.item() if hasattr(v, "item") else v)
                            for k, v in m[k].attrs.items()} for k in layers]
            self.splits = [s for s in ("train", "test", "validation") if "data/" + s in f]

    def metric_names(self):
        return list(self.metrics)

    def architecture(self):
        parts = [str(self.input_size)]
        for l in self.layers:
            parts.append("dropout" if l.get("type") == "dropout" else str(l.get("units", "?")))
        return "→".join(parts)

    def activations(self):
        return ", ".join(str(l["activation"]) for l in self.layers if "activation" in l)


def short_key(key, keys=()):
    """model.layers[0].units -> units; training.learning_rate -> learning_rate (the full path when
    two keys would read the same)."""
    short = re.sub(r"\[\d+\]", "", key.split(".")[-1]) or key
    if sum(1 for k in keys if re.sub(r"\[\d+\]", "", k.split(".")[-1]) == short) > 1:
        return key
    return short


class Sweep:
    """A sweep folder: the summary table (one row per run), the swept keys, the run files."""

    def __init__(self, path):
        import pandas as pd
        self.path = path
        csv = os.path.join(path, "summary.csv")
        h5 = os.path.join(path, "summary.h5")
        if not os.path.isdir(path):
            raise UsageError("%s: not a folder (a sweep folder is what `mindset sweep` writes)" % path)
        if not os.path.exists(csv):
            hint = " (a sweep still running writes it at its end; `mindset sweep --merge DIR` rebuilds it)" \
                if os.path.isdir(os.path.join(path, "runs")) else ""
            raise UsageError("%s: no summary.csv; not a sweep folder%s" % (path, hint))
        self.table = pd.read_csv(csv, float_precision="round_trip", keep_default_na=False,
                                 na_values={c: [""] for c in ("final_cost", "train_accuracy", "test_accuracy",
                                                              "wall_seconds")})
        self.keys = []
        if os.path.exists(h5):
            with _h5py().File(h5, "r") as f:
                self.keys = [text(k) for k in f.attrs.get("keys", [])]
        if not self.keys:  # the columns between run_id and status
            cols = list(self.table.columns)
            if "run_id" in cols and "status" in cols:
                self.keys = cols[cols.index("run_id") + 1:cols.index("status")]
        for c in self.table.columns:  # metric columns: numbers (empty cells of failed runs: NaN)
            if c not in self.keys and c not in ("run_id", "status", "file", "error"):
                self.table[c] = pd.to_numeric(self.table[c], errors="coerce")
        self.name = os.path.basename(os.path.normpath(path))
        if os.path.exists(h5):
            with _h5py().File(h5, "r") as f:
                self.name = text(f.attrs.get("name", self.name))

    def metrics(self):
        skip = set(self.keys) | {"run_id", "status", "file", "error"}
        return [c for c in self.table.columns if c not in skip and self.table[c].dtype.kind == "f"]

    def default_metric(self):
        for m in ("test_accuracy", "validation_accuracy", "train_accuracy", "test_rmse", "train_rmse", "final_cost"):
            if m in self.table and self.table[m].notna().any():
                return m
        raise UsageError("%s: the summary has no metric with values (did every run fail?)" % self.path)

    def run_files(self):
        """(row index, absolute path) of every run with a results file."""
        out = []
        for i, row in self.table.iterrows():
            f = row.get("file", "")
            if isinstance(f, str) and f and os.path.exists(os.path.join(self.path, f)):
                out.append((i, os.path.join(self.path, f)))
        return out

    def label(self, i):
        row = self.table.loc[i]
        return ", ".join("%s=%s" % (short_key(k, self.keys), row[k]) for k in self.keys)


def is_sweep(path):
    return os.path.isdir(path) and os.path.exists(os.path.join(path, "summary.csv"))


def lower_is_better(metric):
    return any(s in metric for s in ("cost", "rmse", "loss", "seconds", "error"))


def _leaves(tree, prefix=""):
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _leaves(v, "%s.%s" % (prefix, k) if prefix else str(k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from _leaves(v, "%s[%d]" % (prefix, i))
    else:
        yield prefix, tree


def run_labels(runs):
    """Legend labels: the config values that differ between runs (as `learning_rate=0.01`), or
    the run names when too many differ."""
    if len(runs) == 1:
        return [runs[0].name]
    flat = [dict(_leaves(r.config)) for r in runs]
    keys = sorted(set().union(*flat) - {"name"})
    differ = [k for k in keys if len({repr(f.get(k)) for f in flat}) > 1]
    if 0 < len(differ) <= 3:
        return [", ".join("%s=%s" % (short_key(k, differ), f.get(k, "-")) for k in differ) for f in flat]
    names = [r.name for r in runs]
    if len(set(names)) == len(names):
        return names
    return [os.path.basename(r.path) for r in runs]


def find_mindset(explicit=None):
    """The mindset executable: --mindset, $MINDSET, this checkout's build/bin/mindset, PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    if explicit and not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
        raise UsageError("--mindset %s: not an executable file" % explicit)
    for c in (explicit, os.environ.get("MINDSET"), os.path.join(here, "..", "build", "bin", "mindset"),
              shutil.which("mindset")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    raise UsageError("cannot find the mindset executable: build it (./scripts/build.sh), set $MINDSET or pass --mindset")


def predict(mindset, run, args, output):
    """Runs `mindset predict RUN ARGS -o OUTPUT` and returns its pandas table."""
    import pandas as pd
    p = subprocess.run([mindset, "predict", run] + list(args) + ["-o", output], capture_output=True, text=True)
    if p.returncode != 0:
        msg = (p.stderr.strip().splitlines() or ["exit code %d" % p.returncode])[-1]
        raise UsageError("mindset predict failed: %s" % msg.replace("error: ", "", 1))
    return pd.read_csv(output, float_precision="round_trip")


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig, output):
    """Writes a figure as PNG under a temporary name, then renames it into place."""
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise UsageError("-o %s: the folder %s does not exist" % (output, folder))
    tmp = os.path.join(folder, ".%s.tmp-%d" % (os.path.basename(output), os.getpid()))
    try:
        fig.savefig(tmp, format="png", dpi=fig.dpi, bbox_inches="tight")
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main_guard(prog, main):
    """Runs main(); a UsageError is one line on stderr and exit code 2."""
    try:
        return main() or 0
    except UsageError as e:
        print("%s: error: %s" % (prog, e), file=sys.stderr)
        return 2
    except OSError as e:
        print("%s: error: %s" % (prog, e), file=sys.stderr)
        return 2


def figure_png(fig):
    """PNG bytes of a figure (for reports)."""
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight")
    return buf.getvalue()


def finite(values):
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]
