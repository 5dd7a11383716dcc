#!/usr/bin/python3
"""mindset against numpy (and PyTorch, when installed) on the same work, side by side.

Each case trains the same network on the same data with the same initial weights in mindset
(`mindset train`/`mindset sweep`, time per iteration from the results' loop_seconds, so data
loading and process start are not counted), in numpy (bench/reference_impl.py, the course's
formulas; only its training loop is timed) and in PyTorch (the same code on torch tensors).
Runs alternate (mindset, numpy, torch, then the next repeat in rotated order) so that a busy
machine slows all of them alike; medians are reported, with the ratios and each case's target.
The costs each implementation computes are compared too: the same math, not just the same shapes.

    /usr/bin/python3 scripts/bench_compare.py            # full run (several minutes)
    /usr/bin/python3 scripts/bench_compare.py --quick    # short run (well under 2 minutes)
Options: --cases a,b  --repeats N  --no-torch  --mindset PATH  --json FILE
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import numpy as np  # noqa: E402
import h5py  # noqa: E402
import reference_impl as ref  # noqa: E402


def dataset_dir(name):
    for d in (os.path.join(ROOT, "data", name), os.path.join(os.path.dirname(ROOT), "shared", "datasets", name)):
        if os.path.isdir(d):
            return os.path.realpath(d)
    return None


def hdf5(path, features, labels):
    return "{type: hdf5, path: %s, features: %s, labels: %s}" % (path, features, labels)


class Case:
    """One comparison: a mindset config, the same network in reference_impl, iterations."""

    def __init__(self, key, title, data, layers, init, lr, iters, dtype="float64", scale=0.01, batch=None,
                 optimizer="gd", loss="binary_cross_entropy", widths=None, lrs=None, target=None):
        self.key, self.title, self.data, self.layers, self.init = key, title, data, layers, init
        self.lr, self.iters, self.dtype, self.scale, self.batch = lr, iters, dtype, scale, batch
        self.optimizer, self.loss, self.widths, self.lrs, self.target = optimizer, loss, widths, lrs, target

    def config(self, layers=None, lr=None):
        layers = layers or self.layers
        init = self.init if self.init != "normal" else "{type: normal, scale: %g}" % self.scale
        lines = ["name: %s" % self.key, "seed: 1", "dtype: %s" % self.dtype, "data:"]
        lines += ["  " + l for l in self.data["yaml"]]
        lines.append("model:")
        lines.append("  init: %s" % init)
        lines.append("  layers: [%s]" % ", ".join("{units: %d, activation: %s}" % (u, a) for u, a in layers))
        lines.append("loss: %s" % self.loss)
        t = "training: {optimizer: %s, learning_rate: %r, iterations: %d, evaluate_every: 0, record_every: 1" % (
            self.optimizer, lr if lr is not None else self.lr, self.iters)
        if self.batch:
            t += ", batch_size: %d" % self.batch
        lines.append(t + "}")
        return "\n".join(lines) + "\n"


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr.strip()[-500:]))
    return r


def mindset_train(exe, case, work, layers=None, lr=None):
    cfg = os.path.join(work, case.key + ".yaml")
    out = os.path.join(work, case.key + ".h5")
    with open(cfg, "w") as f:
        f.write(case.config(layers, lr))
    run([exe, "train", cfg, "-o", out, "--quiet"])
    with h5py.File(out, "r") as f:
        per_it = float(f.attrs["loop_seconds"]) / int(f.attrs["loop_iterations"])
        costs = f["history/cost"][:]
    return per_it, costs


def mindset_sweep(exe, case, work, axis, values, fuse):
    """Wall time of `mindset sweep` (all runs, one process per run or fused) and each run's costs."""
    base = os.path.join(work, case.key + "_base.yaml")
    with open(base, "w") as f:
        f.write(case.config())
    spec = os.path.join(work, case.key + "_sweep.yaml")
    with open(spec, "w") as f:
        f.write("experiment: %s\ngrid: {%s: [%s]}\n" % (os.path.basename(base), axis, ", ".join(map(str, values))))
    out = os.path.join(work, "%s_%s_%d" % (case.key, "fused" if fuse else "plain", time.monotonic_ns()))
    cmd = [exe, "sweep", spec, "-o", out] + ([] if fuse else ["--no-fuse"])
    t0 = time.perf_counter()
    run(cmd)
    wall = time.perf_counter() - t0
    loop = 0.0
    costs = {}
    import glob
    files = sorted(glob.glob(os.path.join(out, "**", "*.h5"), recursive=True))
    for p in files:
        with h5py.File(p, "r") as f:
            if "history" not in f:
                continue
            loop = max(loop, float(f.attrs.get("loop_seconds", 0.0))) if fuse else loop + float(f.attrs.get("loop_seconds", 0.0))
            costs[p] = f["history/cost"][:]
    return wall, loop, costs


def have_sweep(exe):
    r = subprocess.run([exe, "sweep", "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.returncode == 0


def have_fusion(exe):
    r = subprocess.run([exe, "sweep", "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.returncode == 0 and "--no-fuse" in r.stdout


def reference(lib, case, X, Y, layers=None, lr=None):
    layers = layers or case.layers
    dims = [X.shape[0]] + [u for u, _ in layers]
    costs, seconds, n = ref.train(lib, X, Y, dims, [a for _, a in layers], init=case.init, scale=case.scale, seed=1,
                                  lr=case.lr if lr is None else lr, iterations=case.iters, batch_size=case.batch,
                                  optimizer=case.optimizer, dtype=case.dtype, threads=os.cpu_count())
    return seconds / n, np.array(costs)


def rel_diff(a, b):
    n = min(len(a), len(b))
    a, b = np.asarray(a[:n], float), np.asarray(b[:n], float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-300, np.abs(b)))) if n else float("nan")


def fmt_time(s):
    if s != s:
        return "-"
    return "%.2f ms" % (s * 1e3) if s >= 1e-3 else "%.2f us" % (s * 1e6)


def machine():
    cpu = "?"
    flags = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and cpu == "?":
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line
    except OSError:
        pass
    blas = "?"
    try:
        import ctypes
        import glob
        libs = glob.glob("/usr/lib/x86_64-linux-gnu/libopenblas*.so*")
        if libs:
            lib = ctypes.CDLL(libs[0])
            lib.openblas_get_config.restype = ctypes.c_char_p
            blas = lib.openblas_get_config().decode()
    except Exception:  # the description is informative only
        pass
    torch_v = ref.torch.__version__ if ref.torch is not None else "not installed"
    return ("%s, %d cores, AVX-512 %s; %s; numpy %s; PyTorch %s; Python %s" %
            (cpu, os.cpu_count(), "yes" if "avx512f" in flags else "no", blas, np.__version__, torch_v,
             platform.python_version()))


def limits(quick):
    """The machine's bounds, measured with numpy/OpenBLAS: dgemm rate on a large square product and
    on the course net's first-layer shapes, and the rate at which X (12288 x 209 doubles) streams."""
    n = 1500 if quick else 3000
    a = np.random.rand(n, n)
    a @ a
    t = time.perf_counter()
    a @ a
    big = 2 * n ** 3 / (time.perf_counter() - t) / 1e9
    X = np.random.rand(12288, 209)
    W = np.random.rand(20, 12288)
    dZ = np.random.rand(20, 209)
    def rate(f, flops, reps=10):
        f()
        t = time.perf_counter()
        for _ in range(reps):
            f()
        return flops * reps / (time.perf_counter() - t) / 1e9
    nn = rate(lambda: W @ X, 2 * 20 * 12288 * 209)
    nt = rate(lambda: dZ @ X.T, 2 * 20 * 12288 * 209)
    bw = rate(lambda: X.sum(), X.nbytes, reps=30)
    return ("machine limits (numpy/OpenBLAS): dgemm %.0f GFLOP/s (%dx%d square), %.0f GFLOP/s for W X and %.0f for "
            "dZ X^T at 20x12288x209; X streams at %.0f GB/s" % (big, n, n, nn, nt, bw))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short run (fewer iterations and repeats)")
    ap.add_argument("--cases", help="comma-separated case keys (default: all)")
    ap.add_argument("--repeats", type=int, help="alternating repeats per case (default 3 quick, 5 full)")
    ap.add_argument("--no-torch", action="store_true", help="leave PyTorch out even when installed")
    ap.add_argument("--mindset", default=os.path.join(ROOT, "build", "bin", "mindset"))
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    exe = args.mindset
    if not os.access(exe, os.X_OK):
        sys.exit("bench_compare: %s not found; build first (scripts/build.sh)" % exe)
    quick = args.quick
    repeats = args.repeats or (3 if quick else 5)
    use_torch = ref.torch is not None and not args.no_torch
    libs = ["numpy"] + (["torch"] if use_torch else [])

    cat = dataset_dir("catvnoncat")
    mnist = dataset_dir("mnist_t10k")
    data = {}
    if cat:
        X, Y = ref.catvnoncat(os.path.join(cat, "train_catvnoncat.h5"))
        data["cat"] = {"yaml": ["train: " + hdf5(os.path.join(cat, "train_catvnoncat.h5"), "train_set_x", "train_set_y"),
                                "scale: 255"], "X": X, "Y": Y}
    X, Y = ref.flower()
    data["flower"] = {"yaml": ["train: {type: flower}"], "X": X, "Y": Y}
    if mnist:
        X, Y = ref.mnist(os.path.join(mnist, "mnist_t10k.h5"))
        data["mnist"] = {"yaml": ["train: " + hdf5(os.path.join(mnist, "mnist_t10k.h5"), "images", "labels"),
                                  "scale: 255"], "X": X, "Y": Y}

    deep = [(20, "relu"), (7, "relu"), (5, "relu"), (1, "sigmoid")]
    q = lambda a, b: a if quick else b
    cases = []
    if cat:
        cases += [
            Case("course_f64", "course L-layer 12288-20-7-5-1, 209 ex., f64", data["cat"], deep, "lecun_normal", 0.0075,
                 q(15, 60), target=("numpy", 2.0, "torch", 2.0)),
            Case("course_f32", "course L-layer 12288-20-7-5-1, 209 ex., f32", data["cat"], deep, "lecun_normal", 0.0075,
                 q(15, 60), dtype="float32", target=("numpy", 1 / 0.3)),
            Case("seed_net", "seed network 12288-3-3-1, 209 ex., f64", data["cat"],
                 [(3, "relu"), (3, "relu"), (1, "sigmoid")], "lecun_normal", 0.0075, q(15, 60)),
        ]
    cases.append(Case("flower", "flower 2-4-1 tanh, 400 ex., f64", data["flower"], [(4, "tanh"), (1, "sigmoid")],
                      "normal", 1.2, q(1000, 5000), target=("numpy", 30.0)))
    cases.append(Case("flower_widths", "flower sweep, widths 1,2,3,4,5,20,50 (sum of 7 runs)", data["flower"],
                      [(4, "tanh"), (1, "sigmoid")], "normal", 1.2, q(500, 2000), widths=[1, 2, 3, 4, 5, 20, 50],
                      target=("numpy", 30.0)))
    if cat:
        cases.append(Case("lr_sweep", "catvnoncat L-layer, 8 learning rates (sum of 8 runs)", data["cat"], deep,
                          "lecun_normal", 0.0075, q(20, 200),
                          lrs=[0.02, 0.01, 0.0075, 0.005, 0.003, 0.002, 0.001, 0.0005], target=("unfused", 3.0)))
    if mnist:
        cases.append(Case("mnist", "MNIST 784-128-10, Adam, batches of 64, f64", data["mnist"],
                          [(128, "relu"), (10, "softmax")], "he_normal", 0.002, q(300, 1500), batch=64,
                          optimizer="adam", loss="categorical_cross_entropy"))
    if args.cases:
        keep = set(args.cases.split(","))
        cases = [c for c in cases if c.key in keep]

    print("machine: " + machine())
    print(limits(quick))
    print("mindset: %s; %d alternating repeats per case, medians%s" % (exe, repeats, " (quick)" if quick else ""))
    if not cat:
        print("note: catvnoncat not found (data/ or ../shared/datasets/): its cases are skipped")
    sweep_ok = have_sweep(exe)
    fusion_ok = have_fusion(exe)
    results = []
    with tempfile.TemporaryDirectory() as work:
        for case in cases:
            t0 = time.perf_counter()
            times = {k: [] for k in ["mindset", "unfused"] + libs}
            agree = {}
            X, Y = case.data["X"], case.data["Y"]
            for r in range(repeats):
                order = ["mindset"] + libs
                order = order[r % len(order):] + order[:r % len(order)]
                for who in order:
                    if case.widths:
                        if who == "mindset" and sweep_ok:
                            wall, loop, costs = mindset_sweep(exe, case, work, "model.layers[0].units", case.widths,
                                                              fuse=True)
                            times["mindset"].append(loop / case.iters)
                        elif who == "mindset":
                            total = 0.0
                            for w in case.widths:
                                per, c = mindset_train(exe, case, work, [(w, "tanh"), (1, "sigmoid")])
                                total += per
                            times["mindset"].append(total)
                        else:
                            total = 0.0
                            for w in case.widths:
                                per, c = reference(who, case, X, Y, [(w, "tanh"), (1, "sigmoid")])
                                total += per
                            times[who].append(total)
                    elif case.lrs:
                        if who == "mindset":
                            if not sweep_ok:
                                continue
                            wall, loop, costs = mindset_sweep(exe, case, work, "training.learning_rate", case.lrs,
                                                              fuse=fusion_ok)
                            times["mindset"].append(wall / case.iters)
                            wall2, loop2, costs2 = mindset_sweep(exe, case, work, "training.learning_rate", case.lrs,
                                                                 fuse=False)
                            times["unfused"].append(wall2 / case.iters)
                        else:
                            total = 0.0
                            for lr in case.lrs:
                                per, c = reference(who, case, X, Y, lr=lr)
                                total += per
                            times[who].append(total)
                    else:
                        if who == "mindset":
                            per, costs = mindset_train(exe, case, work)
                            agree["mindset"] = costs
                        else:
                            per, costs = reference(who, case, X, Y)
                            agree[who] = costs
                        times[who].append(per)
            med = {k: statistics.median(v) for k, v in times.items() if v}
            res = {"case": case.key, "title": case.title, "iterations": case.iters, "median_seconds": med,
                   "runs": times, "elapsed": time.perf_counter() - t0}
            if "mindset" in agree:
                res["cost_rel_diff"] = {lib: rel_diff(agree["mindset"], agree[lib]) for lib in libs if lib in agree}
            results.append(res)
            print_case(case, res, libs)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "quick": quick, "repeats": repeats, "results": results}, f, indent=1,
                      default=float)


def print_case(case, res, libs):
    med = res["median_seconds"]
    unit = "per iteration" if not (case.widths or case.lrs) else "per iteration of all %d runs" % len(
        case.widths or case.lrs)
    print("\n%s (%s, %d iterations)" % (case.title, unit, case.iters))
    m = med.get("mindset", float("nan"))
    line = "  mindset %s" % fmt_time(m)
    if case.lrs:
        line += (" (sweep, fused, wall time incl. process start and data loading)" if "unfused" in med
                 else " (mindset sweep not available)")
    print(line)
    if "unfused" in med:
        print("  mindset --no-fuse %s   unfused/fused %.2fx" % (fmt_time(med["unfused"]), med["unfused"] / m))
    for lib in libs:
        if lib in med:
            ratio = med[lib] / m if m == m else float("nan")
            print("  %-7s %s   %s/mindset %.2fx (mindset at %.2f x %s)" % (lib, fmt_time(med[lib]), lib, ratio,
                                                                      1 / ratio if ratio else float("nan"), lib))
    if "cost_rel_diff" in res:
        print("  same costs: " + ", ".join("mindset vs %s max rel. diff %.1e" % (k, v)
                                            for k, v in res["cost_rel_diff"].items()))
    if case.target:
        t = case.target
        parts = []
        for i in range(0, len(t), 2):
            who, want = t[i], t[i + 1]
            have = med.get(who, float("nan")) / m if who in med else float("nan")
            parts.append("%s/mindset >= %.2gx: %s (%.2fx)" % (who, want, "met" if have >= want else "MISSED", have))
        print("  target: " + "; ".join(parts))


if __name__ == "__main__":
    main()
