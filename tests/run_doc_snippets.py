#!/usr/bin/env python3
"""Runs every ```python block of a Markdown file, each in a fresh interpreter, in a given folder.

Usage: run_doc_snippets.py DOC.md WORKDIR [--expect N]
Exit 0 when all blocks run cleanly (and there are N of them, with --expect); otherwise prints the
failing block's number, first line and error. Used by tests/test_results_layout.cpp on
docs/results-format.md, whose snippets read results/default.h5 under WORKDIR.
"""
import re
import subprocess
import sys


def blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def main():
    doc, workdir = sys.argv[1], sys.argv[2]
    expect = int(sys.argv[sys.argv.index("--expect") + 1]) if "--expect" in sys.argv else None
    code = blocks(open(doc, encoding="utf-8").read())
    if expect is not None and len(code) != expect:
        print("expected %d python blocks in %s, found %d" % (expect, doc, len(code)))
        return 1
    for i, block in enumerate(code, 1):
        p = subprocess.run([sys.executable, "-"], input=block, cwd=workdir, capture_output=True, text=True)
        if p.returncode != 0:
            print("block %d of %s (%s) failed:\n%s" % (i, doc, block.splitlines()[0], p.stderr[-2000:]))
            return 1
        print("block %d: ok (%d lines of output)" % (i, len(p.stdout.splitlines())))
    print("snippets: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
