"""Reference learning rates for tests/test_schedules.cpp: each schedule's formula as numpy code
writes it (the course's decay: learning_rate0 / (1 + decay_rate * epoch_num), and its
scheduled form with np.floor). Run:
/usr/bin/python3 tests/reference/make_schedules.py > tests/reference/schedules.txt
Each line: label rate(t=0) rate(t=1) ... rate(t=29)."""
import math
import numpy as np

lr0 = 0.05
T = 30          # steps of the run (cosine's default `over`)
ts = range(30)


def emit(label, values):
    print(label, " ".join("%.17g" % v for v in values))


emit("constant", [lr0 for t in ts])
emit("step", [lr0 * 0.5 ** (t // 7) for t in ts])                       # every 7, factor 0.5
emit("exponential", [lr0 * 0.9 ** (t / 4) for t in ts])                  # rate 0.9, every 4
emit("exponential_staircase", [lr0 * 0.9 ** (t // 4) for t in ts])
emit("inverse_time", [lr0 / (1 + 0.3 * t) for t in ts])                  # decay 0.3
emit("inverse_time_every", [lr0 / (1 + 0.3 * t / 5) for t in ts])        # every 5
emit("inverse_time_staircase", [lr0 / (1 + 0.3 * np.floor(t / 5)) for t in ts])
emit("cosine", [lr0 * ((1 - 0.1) * (0.5 * (1 + math.cos(math.pi * (min(t, T) / T)))) + 0.1) for t in ts])
emit("cosine_over", [lr0 * ((1 - 0.0) * (0.5 * (1 + math.cos(math.pi * (min(t, 12) / 12)))) + 0.0) for t in ts])
