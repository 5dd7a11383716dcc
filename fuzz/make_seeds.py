#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora under fuzz/corpus/<target>/ (see fuzz/targets.hpp for
each target's input format). Run from anywhere with Debian's python3 (h5py, numpy):

    /usr/bin/python3 fuzz/make_seeds.py

Seeds: every experiment and sweep file in configs/ (with and without overrides), the configs and
sweep files of the tests, small CSV tables with source options, and small HDF5 files of every
layout and type the hdf5 source reads, and results files and a sweep summary written by
build/bin/mindset. Deterministic but for the results seeds' timestamps: rerunning rewrites the same
files (the HDF5 ones with track_times off)."""
import os
import pathlib

import h5py
import numpy as np

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"


def put(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data.encode() if isinstance(data, str) else data)


# ---- config and sweep: the files in configs/ ------------------------------------------------
overrides = ["training.iterations=5\nmodel.layers[0].units=3\n",
             "+model.layers[0].init=zeros\n~training.print_every\ntraining.optimizer={type: adam, beta1: 0.8}\n",
             "data.train={type: moons, examples: 30}\nmodel.layers=[{units: 2, activation: softmax}]\n"
             "loss=categorical_cross_entropy\n"]
for path in sorted((root / "configs").rglob("*.yaml")):
    text = path.read_text()
    name = "configs_" + "_".join(path.relative_to(root / "configs").with_suffix("").parts)
    target = "sweep" if "\nexperiment:" in "\n" + text else "config"
    put(target, name, text)
    for i, o in enumerate(overrides):
        put(target, f"{name}_o{i}", text + "#overrides\n" + o)

configs = {
    "anchors": "seed: 3\ndata: {train: {type: xor, examples: 20}}\nlayer: &l {units: 4, activation: tanh}\n"
               "model:\n  layers: [*l, *l, {<<: *l, units: 1, activation: sigmoid}]\n"
               "training: {learning_rate: 0.5, iterations: 3}\n",
    "quoted": "name: 'a: b'\nseed: 0x10\ndtype: \"float32\"\ndata: {train: {type: circles, noise: 0.1, factor: 0.5}}\n"
              "model: {init: {type: normal, scale: 1e-2}, layers: [{units: 1, activation: sigmoid}]}\n"
              "training: {learning_rate: .5, iterations: 1_000, record_every: 0}\n",
    "everything": "name: all\nseed: 7\ndtype: float64\ndata:\n  train: {type: blobs, examples: 60, centers: 3}\n"
                  "  test_fraction: 0.2\n  validation_fraction: 0.1\n  preprocess: [standardize, {type: minmax}]\n"
                  "model:\n  init: xavier_uniform\n  layers:\n    - {units: 8, activation: {type: leaky_relu, slope: 0.1}}\n"
                  "    - {type: dropout, rate: 0.25}\n    - {units: 3, activation: softmax, init: he_normal}\n"
                  "loss: categorical_cross_entropy\ntraining:\n  optimizer: {type: momentum, beta: 0.9, nesterov: true}\n"
                  "  learning_rate: 0.05\n  schedule: {type: step, every: 10, factor: 0.5}\n  epochs: 4\n"
                  "  batch_size: 16\n  l2: 0.001\n  early_stopping: {patience: 2}\n  checkpoint_every: 10\n",
    "regression": "data: {train: {type: gaussian_quantiles, examples: 30}}\n"
                  "model: {layers: [{units: 2, activation: relu}, {units: 1, activation: linear}]}\n"
                  "loss: mse\ntraining: {optimizer: rmsprop, learning_rate: 0.01, iterations: 4, schedule: cosine}\n",
    "flow": "{data: {train: {type: flower}}, model: {layers: [{units: 1, activation: sigmoid}]}, "
            "training: {learning_rate: 1, iterations: 0}}",
    "errors": "seed: -1\ndata: {train: {type: flowr}}\nmodel: {layers: [{units: 0, activation: sigmoud}]}\n"
              "training: {learning_rate: .nan, iterations: -3, extra: 1}\ntraining: {}\n",
    "bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "deep": "a: " + "[" * 70 + "]" * 70 + "\n",
    "tags": "!!map {? !!str data : {train: {type: flower}}, model: {layers: [{units: !!int '1', activation: sigmoid}]},"
            " training: {learning_rate: !!float 1, iterations: 2}}\n",
    "multi": "data: {train: {type: flower}}\n---\nmodel: {}\n...\n",
    "extends": "extends: base.yaml\ntraining: {learning_rate: 0.3}\n",
}
for name, text in configs.items():
    put("config", name, text)
put("config", "anchors_o", configs["anchors"] + "#overrides\nmodel.layers[1].units=2\n+name=x\nmodel.layers[5]=1\n"
    "training.learning_rate=[1\n=3\nmodel..layers=2\n")

sweeps = {
    "grid": "experiment: base.yaml\nset: {training.iterations: 7}\n"
            "grid:\n  model.layers[0].units: [1, 2, 3]\n  training.learning_rate: [0.5, 0.05]\n",
    "subtrees": "name: depth\nexperiment: base.yaml\ngrid:\n  model.layers:\n    - [{units: 1, activation: sigmoid}]\n"
                "    - [{units: 3, activation: relu}, {units: 3, activation: relu}, {units: 1, activation: sigmoid}]\n",
    "inline": "experiment:\n  extends: base.yaml\n  training: {learning_rate: 0.3, iterations: 4}\ngrid: {seed: [1, 2]}\n"
              "#overrides\ntraining.iterations=9\n",
    "duplicates": "experiment: base.yaml\ngrid: {training.learning_rate: [0.1, 0.10, 0.2]}\n",
    "random": "experiment: base.yaml\nrandom:\n  trials: 4\n  seed: 3\n  params:\n"
              "    training.learning_rate: {distribution: log_uniform, min: 1.0e-4, max: 1}\n"
              "    model.layers[0].units: {distribution: int_uniform, min: 1, max: 8}\n"
              "    model.layers[0].activation: {values: [tanh, relu]}\n"
              "    seed: {distribution: uniform, min: 0, max: 10}\n",
    "grid_random": "experiment: base.yaml\ngrid: {seed: [1, 2]}\nrandom: {trials: 2, params: "
                   "{training.learning_rate: {distribution: uniform, min: 0.1, max: 0.2}}}\n",
    "names": "experiment: base.yaml\nset: {training.iterations: 5}\n"
             "grid: {name: ['../../escaped', '/abs/escaped', \"c\\x01\\n\", ok, '', '.hidden']}\n",
    "errors": "experiment: nowhere.yaml\ngrid: {model.layers[0].units: [2, -1], training.learnin_rate: [1]}\n"
              "random: {trials: 0}\nextra: 1\n",
    "big": "experiment: base.yaml\ngrid:\n  seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  training.iterations: [1, 2, 3, 4, 5]\n"
           "  model.layers[0].units: [1, 2, 3, 4]\n",
}
for name, text in sweeps.items():
    put("sweep", name, text)

# ---- csv: one line of source options, then the table ----------------------------------------
people = ("id,name,sex,age,city,paid\n1,\"Ann, A.\",female,31,Oslo,yes\n2,Bob,male,,Rome,no\n"
          "3,Cy,male,22,,yes\n4,Di,female,40,Oslo,no\n5,Ed,male,NA,Rome,no\n")
tables = {
    "people": ("label: paid, positive: 'yes', ignore: [id, name], categorical: [sex, city], "
               "missing: {age: median, city: most_frequent}", people),
    "people_drop": ("label: paid, positive: 'yes', columns: [age, sex], categorical: [sex], missing: drop", people),
    "numbers": ("label: y", "a,b,y\n1,2,0\n3.5,-4e3,1\n0x10,inf,0\n1,2,1\n"),
    "quotes": ("label: y, delimiter: ';'", "\ufeff\"a;1\";\"b\"\"2\";y\r\n\"1\";\"x\ny\";1\r\n2;3;0\r\r\n4;\"\";1\r"),
    "ragged": ("label: c", "a,b,c\n1,2\n3,4,5,6\n\"unterminated,1,0\n"),
    "numeric_categories": ("label: y, categorical: [k]", "k,y\n10,1\n9,0\n10.0,1\n-1,0\n"),
    "na": ("label: y, na_values: ['?', '-'], missing: mean", "a,b,y\n?,1,1\n2,-,0\n3,4,1\n"),
    "empty": ("label: y", ""),
    "header_only": ("label: y", "a,y\n"),
    "duplicate_header": ("label: y", "a,a,y\n1,2,1\n"),
}
for name, (options, table) in tables.items():
    put("csv", name, options + "\n" + table)


# ---- hdf5: one line of source options, then the file ----------------------------------------
def h5file(build, **kw):
    import io
    buf = io.BytesIO()
    with h5py.File(buf, "w", track_order=False, **kw) as f:
        build(f)
    return buf.getvalue()


def ds(f, name, data, **kw):
    f.create_dataset(name, data=data, track_times=False, **kw)


rng = np.random.RandomState(0)
x = rng.randn(6, 2)
y = np.array([0, 1, 1, 0, 1, 0])


def simple(f):
    ds(f, "x", x)
    ds(f, "y", y)


def images(f):
    ds(f, "train_set_x", rng.randint(0, 255, size=(4, 3, 3, 3)).astype(np.uint8))
    ds(f, "train_set_y", np.array([1, 0, 1, 0], dtype=np.int64))
    ds(f, "list_classes", np.array([b"non-cat", b"cat"], dtype="S7"))


def layouts(f):
    ds(f, "train/x", x.astype(np.float32), chunks=(2, 2), compression="gzip")
    ds(f, "x_last", x.T.copy())
    ds(f, "y_row", y.reshape(1, -1).astype(np.int8))
    ds(f, "y_col", y.reshape(-1, 1).astype(np.uint16))
    ds(f, "names", np.array(["no", "yes"], dtype=h5py.string_dtype()))


def wrong(f):
    ds(f, "text", np.array([b"a", b"b"]))
    ds(f, "scalar", 3.0)
    ds(f, "x", x)
    ds(f, "y", y[:4])
    f.create_dataset("huge", shape=(10 ** 7, 10 ** 5), dtype="f8", chunks=(1, 100), track_times=False)
    f.create_dataset("compound", data=np.zeros(6, dtype=[("a", "f8"), ("b", "i4")]), track_times=False)


files = {
    "simple": ("features: x, labels: y", h5file(simple)),
    "simple_latest": ("features: x, labels: y", h5file(simple, libver="latest")),
    "images": ("features: train_set_x, labels: train_set_y, classes: list_classes", h5file(images)),
    "layouts": ("features: train/x, labels: y_row, classes: names", h5file(layouts)),
    "layouts_last": ("features: x_last, labels: y_col, examples_axis: last", h5file(layouts)),
    "wrong_short": ("features: x, labels: y", h5file(wrong)),
    "wrong_huge": ("features: huge, labels: y", h5file(wrong)),
    "wrong_compound": ("features: compound, labels: y", h5file(wrong)),
    "wrong_text": ("features: text, labels: scalar", h5file(wrong)),
}
for name, (options, data) in files.items():
    put("hdf5", name, options.encode() + b"\n" + data)


# ---- results: results files and a sweep's summary.h5, written by mindset itself -------------
# (needs the mindset binary: $MINDSET or build/bin/mindset; these seeds hold timestamps, so a
# rerun rewrites them with other bytes)
def results_seeds():
    import shutil
    import subprocess
    import tempfile
    mindset = os.environ.get("MINDSET", str(root / "build" / "bin" / "mindset"))
    if not os.access(mindset, os.X_OK):
        print("no mindset binary at", mindset, "(build first, or set MINDSET=): results seeds not written")
        return
    short = "training: {learning_rate: 0.1, iterations: 4, record_every: 2}\n"
    runs = {
        "logistic": "data: {train: {type: flower, examples: 20}, test_fraction: 0.25}\n"
                    "model: {layers: [{units: 1, activation: sigmoid}]}\n" + short,
        "float32_standardize": "dtype: float32\ndata: {train: {type: moons, examples: 20}, preprocess: [standardize]}\n"
                               "model: {layers: [{units: 3, activation: tanh}, {units: 1, activation: sigmoid}]}\n" + short,
        "softmax_dropout": "data: {train: {type: blobs, examples: 30}, preprocess: [minmax]}\n"
                           "model: {layers: [{units: 4, activation: relu}, {type: dropout, rate: 0.2},"
                           " {units: 2, activation: softmax}]}\nloss: categorical_cross_entropy\n" + short,
        "regression": "data: {train: {type: gaussian_quantiles, examples: 20}}\n"
                      "model: {layers: [{units: 1, activation: linear}]}\nloss: mse\n" + short,
        "table": "data: {train: {type: csv, path: people.csv, label: paid, positive: 'yes', ignore: [id, name],"
                 " categorical: [sex, city], missing: {age: median, city: most_frequent}}}\n"
                 "model: {layers: [{units: 1, activation: sigmoid}]}\n" + short,
        "classes": "data: {train: {type: hdf5, path: images.h5, features: train_set_x, labels: train_set_y,"
                   " classes: list_classes}, preprocess: [{type: scale, by: 255}]}\n"
                   "model: {layers: [{units: 1, activation: sigmoid}]}\n" + short,
    }
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        (t / "people.csv").write_text(people)
        (t / "images.h5").write_bytes(h5file(images))
        for name, text in runs.items():
            (t / f"{name}.yaml").write_text(f"name: {name}\nseed: 1\n" + text)
            subprocess.run([mindset, "train", str(t / f"{name}.yaml"), "-o", str(t / f"{name}.h5"), "--quiet"],
                           check=True)
            put("results", name, (t / f"{name}.h5").read_bytes())
        (t / "sweep.yaml").write_text("name: lr\nexperiment: logistic.yaml\ngrid: {training.learning_rate: [0.1, 1]}\n")
        subprocess.run([mindset, "sweep", str(t / "sweep.yaml"), "-o", str(t / "lr"), "--jobs", "1", "--quiet"], check=True)
        put("results", "sweep_summary", (t / "lr" / "summary.h5").read_bytes())
        shutil.rmtree(t / "lr")


results_seeds()
print("seeds written under", os.path.relpath(corpus))
