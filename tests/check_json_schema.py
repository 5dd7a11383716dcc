"""Checks configs/schema.json with an independent validator (Debian's python3-jsonschema).

Usage: check_json_schema.py SCHEMA CONFIGS_DIR MINDSET

- the schema is a valid draft 2020-12 schema;
- every experiment config in CONFIGS_DIR (sweep files aside) is valid;
- each good config below is accepted by both the schema and `mindset validate`, and its resolved
  form (`mindset validate --resolved`: defaults filled, paths absolute) is valid too;
- each broken config below is rejected by both, for the reason given.
Prints one line per failure and exits 1 if there was any.
"""
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where 1e-3 is a string; mindset and editors read YAML 1.2 (a float)."""


Yaml12Loader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"),
    list("-+0123456789."))


def load(text):
    return yaml.load(text, Loader=Yaml12Loader)


schema_path, configs_dir, mindset = sys.argv[1:4]
with open(schema_path) as f:
    import json
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def errors_of(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def is_sweep(path, doc):
    return "sweep" in os.path.basename(path) or (isinstance(doc, dict) and "experiment" in doc)


# Every config shipped in configs/.
checked = 0
for root, _, files in os.walk(configs_dir):
    for name in sorted(files):
        if not name.endswith(".yaml"):
            continue
        path = os.path.join(root, name)
        with open(path) as f:
            doc = load(f.read())
        if is_sweep(path, doc):
            continue
        checked += 1
        for e in errors_of(doc):
            failures.append(f"{path}: rejected by the schema at {list(e.absolute_path)}: {e.message}")
if checked == 0:
    failures.append(f"no configs found in {configs_dir}")

BASE = """
data: {train: {type: flower, examples: 40}}
model:
  layers:
    - {units: 3, activation: tanh}
    - {units: 1, activation: sigmoid}
training: {learning_rate: 0.1, iterations: 2}
"""

GOOD = {
    "minimal": BASE,
    "every_top_level_key": BASE + "name: x\nseed: 7\ndtype: float32\nloss: binary_cross_entropy\n",
    "maps_for_names": """
data: {train: {type: flower}, test: {type: flower, seed: 2}, scale: 2}
model:
  init: {type: normal, scale: 0.5}
  layers:
    - {type: dense, units: 4, activation: {type: leaky_relu, slope: 0.1}, init: he_normal}
    - {units: 1, activation: {type: sigmoid}}
loss: {type: binary_cross_entropy}
training: {optimizer: {type: gd}, learning_rate: 1e-3, iterations: 0, record_every: 0,
           evaluate_every: 5, print_every: 0}
""",
}

# name -> (text, a word the schema's error must mention: the key or the value at fault)
BROKEN = {
    "unknown_top_level_key": (BASE + "seeds: 3\n", "seeds"),
    "misspelt_nested_key": (BASE.replace("iterations: 2", "iteratons: 2"), "iteratons"),
    "missing_required_key": (BASE.replace("learning_rate: 0.1, ", ""), "learning_rate"),
    "missing_data": ("\n".join(l for l in BASE.splitlines() if not l.startswith("data")), "data"),
    "wrong_type": (BASE.replace("learning_rate: 0.1", "learning_rate: fast"), "fast"),
    "unknown_activation": (BASE.replace("tanh", "tahn"), "tahn"),
    "zero_units": (BASE.replace("units: 3", "units: 0"), "0"),
    "zero_learning_rate": (BASE.replace("learning_rate: 0.1", "learning_rate: 0"), "0"),
    "negative_iterations": (BASE.replace("iterations: 2", "iterations: -1"), "-1"),
    "negative_interval": (BASE.replace("iterations: 2", "iterations: 2, evaluate_every: -5"), "-5"),
    "no_layers": ("data: {train: {type: flower}}\nmodel: {init: zeros}\n"
                  "training: {learning_rate: 0.1, iterations: 2}\n", "layers"),
    "empty_layer_list": ("data: {train: {type: flower}}\nmodel: {layers: []}\n"
                         "training: {learning_rate: 0.1, iterations: 2}\n", "[]"),
    "unknown_dtype": (BASE + "dtype: float16\n", "float16"),
    "bare_name_for_map_only_data": (BASE.replace("{type: flower, examples: 40}", "flower"), "flower"),
    "unknown_data_type": (BASE.replace("type: flower", "type: csvv"), "csvv"),
    "negative_leaky_slope": (BASE.replace("activation: tanh", "activation: {type: leaky_relu, slope: -1}"), "-1"),
    "unknown_layer_option": (BASE.replace("activation: tanh}", "activation: tanh, dropout: 0.5}"), "dropout"),
    "layer_as_bare_name": (BASE.replace("- {units: 3, activation: tanh}", "- dense"), "dense"),
    "init_scale_negative": (BASE.replace("model:\n", "model:\n  init: {type: normal, scale: -1}\n"), "-1"),
    "odd_flower_examples": (BASE.replace("examples: 40", "examples: 41"), "41"),
    "seed_too_big": (BASE + "seed: 4294967296\n", "4294967296"),
    "unknown_loss": (BASE + "loss: hinge\n", "hinge"),
    "string_for_list": (BASE.replace("layers:\n    - {units: 3, activation: tanh}\n    - {units: 1, activation: sigmoid}",
                                     "layers: dense"), "dense"),
}

# Partial configs (with `extends`) are checked without required keys, but still strictly.
EXTENDS_GOOD = {"child_overrides_one_key": "extends: base.yaml\ntraining: {iterations: 3}\n"}
EXTENDS_BROKEN = {
    "child_unknown_key": ("extends: base.yaml\ntraining: {iteratons: 3}\n", "iteratons"),
    "child_bad_value": ("extends: base.yaml\ntraining: {learning_rate: -1}\n", "-1"),
    "child_empty_extends": ("extends: ''\ntraining: {iterations: 3}\n", "''"),
}


def mindset_validate(path, resolved=False):
    args = [mindset, "validate", path] + (["--resolved"] if resolved else [])
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "base.yaml"), "w") as f:
        f.write(BASE)

    def write(name, text):
        path = os.path.join(tmp, name + ".yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    for name, text in list(GOOD.items()) + list(EXTENDS_GOOD.items()):
        path = write(name, text)
        for e in errors_of(load(text)):
            failures.append(f"good config {name}: rejected by the schema at {list(e.absolute_path)}: {e.message}")
        r = mindset_validate(path, resolved=True)
        if r.returncode != 0:
            failures.append(f"good config {name}: mindset validate exit {r.returncode}: {r.stderr.strip()}")
            continue
        # Plain PyYAML (YAML 1.1), as users load the results' config attribute.
        for e in errors_of(yaml.safe_load(r.stdout)):
            failures.append(f"good config {name}, resolved: rejected by the schema at "
                            f"{list(e.absolute_path)}: {e.message}")

    for name, (text, word) in list(BROKEN.items()) + list(EXTENDS_BROKEN.items()):
        path = write(name, text)
        errs = errors_of(load(text))
        if not errs:
            failures.append(f"broken config {name}: accepted by the schema")
        else:
            # The error (or one of its sub-errors under anyOf) must be about the value at fault.
            blob = " ".join(str(e.message) + " " + " ".join(str(p) for p in e.absolute_path) + " " +
                            " ".join(c.message for c in (e.context or [])) for e in errs)
            w = word.strip("'")
            if w and w not in blob and word != "''":
                failures.append(f"broken config {name}: schema errors do not mention {word!r}: {blob[:300]}")
        r = mindset_validate(path)
        if r.returncode != 2:
            failures.append(f"broken config {name}: mindset validate exit {r.returncode}, expected 2")

for line in failures:
    print(line)
print(f"checked {checked} configs in {configs_dir}, {len(GOOD) + len(EXTENDS_GOOD)} good and "
      f"{len(BROKEN) + len(EXTENDS_BROKEN)} broken examples: {len(failures)} failures")
sys.exit(1 if failures else 0)
