#!/usr/bin/python3
"""JSON Schema's URI-family and JSON-pointer formats: the runtime and the generator's mirror agree (ctest
codegen.json_formats).

The runtime (runtime/valid/rt_valid_format_uri.c, rt_valid_format_pointer.c, driven by valid_probe) enforces
uri, uri-reference, iri, iri-reference, uri-template, json-pointer and relative-json-pointer; the generator's
mirror (codegen/openapi_c/formats.py) judges defaults and the contract checkers' answers with the same checks.
For each format, on:
- every string of the JSON Schema Test Suite's files for these formats (each file's values, used with every
  format: a URI case is a useful value for the pointer formats too), where the runtime must also give the
  suite's verdict for its own format (codegen.jsonschema_suite runs the same cases through generated code);
- mutations of those values (a character inserted, deleted or replaced, from an alphabet of the grammars' edges:
  delimiters, %, hex digits, ~0/~1, braces, non-ASCII characters in and out of RFC 3987's ranges, controls);
- random strings of that alphabet;
the runtime and the mirror must give the same verdict, and json-pointer must agree with the jsonpointer module
(python3-jsonpointer, an outside reading of RFC 6901), where it is installed.
Usage: uri_diff.py VALID_PROBE
"""

import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "codegen"))
from openapi_c import formats  # noqa: E402

FORMATS = ("uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer")
SUITE = os.path.join(HERE, "..", "jsonschema", "suite", "draft2020-12", "optional", "format")
ALPHABET = (list("aZ09fF:/?#[]@!$&'()*+,;=-._~%{}<>\"\\^`| vV") + ["%41", "%zz", "~0", "~1", "~2", "::1", "//"]
            + ["\x00", "\n", "\x7f", "\x85", "\xa0", "\xe9", "\u0660", "\ud7ff", "\ue000", "\uf8ff", "\uf900",
               "\ufdd0", "\ufdef", "\ufff0", "\uffff", "\U0001F600", "\U0001FFFE", "\U000E0001", "\U000E1000",
               "\U000F0000", "\U0010FFFD", "\U0010FFFF"])


def suite_values():
    """{format: [(value, valid)]} of the suite's files, and every string value in them."""
    cases, values = {}, []
    for fmt in FORMATS:
        with open(os.path.join(SUITE, fmt + ".json"), encoding="utf-8") as f:
            for group in json.load(f):
                for t in group["tests"]:
                    if isinstance(t["data"], str):
                        cases.setdefault(fmt, []).append((t["data"], t["valid"]))
                        values.append(t["data"])
    return cases, values


def mutations(values, rng, n):
    out = []
    for _ in range(n):
        v = rng.choice(values)
        i = rng.randrange(len(v) + 1)
        op = rng.randrange(3)
        if op == 0 or not v:
            v = v[:i] + rng.choice(ALPHABET) + v[i:]
        elif op == 1:
            v = v[:i] + v[i + 1:]
        else:
            v = v[:i] + rng.choice(ALPHABET) + v[i + 1:]
        out.append(v)
    return out


def random_values(rng, n):
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(12))) for _ in range(n)]


def pointer_reference(value):
    """The jsonpointer module's verdict on value, or None if it is not installed."""
    try:
        import jsonpointer
    except ImportError:
        return None
    try:
        jsonpointer.JsonPointer(value)
        return True
    except jsonpointer.JsonPointerException:
        return False


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    rng = random.Random(6570)
    cases, values = suite_values()
    corpus = values + mutations(values, rng, 4000) + random_values(rng, 3000)
    lines = "".join(json.dumps(["format", fmt] + corpus) + "\n" for fmt in FORMATS)
    proc = subprocess.run([argv[1]], input=lines.encode(), capture_output=True, timeout=60)
    answers = proc.stdout.decode().splitlines()
    if proc.returncode != 0 or len(answers) != len(FORMATS) or "E" in answers:
        print("FAIL: %s answered %r (exit %d): %s" % (argv[1], answers[:3], proc.returncode, proc.stderr.decode()))
        return 1
    bad = 0
    for fmt, answer in zip(FORMATS, answers):
        runtime = dict(zip(corpus, (a == "1" for a in answer)))
        valid = sum(runtime.values())
        for value in runtime:
            mirror = formats.reason(fmt, value) is None
            ref = pointer_reference(value) if fmt == "json-pointer" else None
            if mirror != runtime[value] or (ref is not None and ref != runtime[value]):
                bad += 1
                print("DISAGREE %s %r: runtime %s, generator's mirror %s%s"
                      % (fmt, value, runtime[value], mirror, "" if ref is None else ", jsonpointer %s" % ref))
        for value, want in cases[fmt]:
            if runtime[value] != want:
                bad += 1
                print("SUITE %s %r: runtime %s, the suite says %s" % (fmt, value, runtime[value], want))
        print("# %s: %d distinct values (%d valid), %d suite cases" % (fmt, len(runtime), valid, len(cases[fmt])))
        if valid == 0 or valid == len(runtime):
            print("FAIL: %s: the corpus must hold valid and invalid values" % fmt)
            bad += 1
    print("# %d disagreements" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
