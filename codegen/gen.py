#!/usr/bin/python3
"""Generate generated/ (C models, parameter tables, router, embedded spec, client) from openapi.yaml.

Usage:
  codegen/gen.py [--spec openapi.yaml] [--out generated] [--stamp FILE]   write what changed
  codegen/gen.py --check                                                  compare, write nothing

The generator only builds tables and thin typed wrappers; the logic they
drive lives in runtime/valid/ (rt_valid_*.c) and runtime/core/rt_url.c.
Everything it does not understand in the spec is an error, so that nothing
is silently left unvalidated.  Output is deterministic: no timestamps, no absolute paths,
spec order wherever the spec has one.

This file is the command line; the generator is the package openapi_c/ next to it
(openapi_c/__init__.py lists its stages, one module each).

Run it with Debian's /usr/bin/python3 (python3-jinja2, python3-yaml).
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (the build runs this from there)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jinja2  # noqa: E402
import yaml  # noqa: E402

from openapi_c import generate  # noqa: E402
from openapi_c.paths import DEFAULT_OUT, DEFAULT_SPEC  # noqa: E402
from openapi_c.refusals import SpecError  # noqa: E402
from openapi_c.render import write_outputs  # noqa: E402
from openapi_c.up_to_date import check  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate C from the OpenAPI spec.")
    ap.add_argument("--spec", default=DEFAULT_SPEC)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with --out (and HEAD) instead of writing")
    ap.add_argument("--lax", action="store_true",
                    help="pydantic's lax conversions in JSON bodies (\"3\" is an integer, 1 a boolean); "
                         "default: JSON types strictly, as JSON Schema")
    ap.add_argument("--stamp", help="touch this file after a successful run (for the build)")
    ap.add_argument("--depfile", help="with --stamp: write the files the spec spans (it may $ref others) to this "
                                      "Makefile-style dependency file")
    args = ap.parse_args(argv)
    inputs = []
    try:
        files = generate(args.spec, args.lax, inputs)
    except (SpecError, OSError, yaml.YAMLError, jinja2.TemplateError) as e:
        print("gen.py: %s" % e, file=sys.stderr)
        return 1
    if args.check:
        problems = check(files, args.out, args.spec)
        for p in problems:
            print("gen.py --check: %s" % p, file=sys.stderr)
        if problems:
            print("gen.py --check: run codegen/gen.py (or build the 'codegen' target) and commit generated/",
                  file=sys.stderr)
            return 1
        print("gen.py --check: generated/ is up to date")
        return 0
    for name in write_outputs(files, args.out):
        print("gen.py: wrote %s" % os.path.join(os.path.relpath(args.out), name))
    if args.stamp:
        with open(args.stamp, "w", encoding="utf-8") as f:
            f.write("")
        if args.depfile:
            write_depfile(args.depfile, args.stamp, inputs)
    return 0


def write_depfile(path, target, inputs):
    """target depends on inputs, in the make syntax CMake's DEPFILE reads (spaces escaped)."""
    esc = lambda p: os.path.abspath(p).replace("\\", "\\\\").replace(" ", "\\ ").replace("$", "$$")
    with open(path, "w", encoding="utf-8") as f:
        f.write("%s: %s\n" % (esc(target), " ".join(esc(p) for p in inputs)))


if __name__ == "__main__":
    sys.exit(main())
