#!/usr/bin/python3
"""codegen.spec_fuzz: a broken document gets a refusal, never a Python error.

Users write specs by hand, and specs have mistakes: a description that is a number, a security scheme without a
type, a `$ref` that is not a string, a schema where an object was due.  The generator must answer each with a
SpecError that says where (gen.py prints "gen.py: <pointer>: why" and exits 1), never with a traceback.

This test mutates the fixture and openapi.yaml at random (seeded, so a failure repeats; every other run is written
as YAML with an operation whose response code is an integer key, as unquoted YAML has it): one or two steps per
run, each setting a random node of the document to a value of another shape, deleting a member, adding a
keyword the generator knows with an odd value, or putting a copy of another node there.  Every run must build or
raise SpecError.  Any other exception fails the test, printed with the steps that produced it.  It also counts the
refusals made by docschema.py (a document that broke a stage, diagnosed by OpenAPI's own schema): at least one
run must take that path, so the test cannot pass without exercising it.

Usage: spec_fuzz.py [runs per spec, default 400] [seed, default 23]
"""

import copy
import json
import os
import random
import sys
import tempfile
import traceback

import yaml

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "codegen"))
sys.path.insert(0, os.path.dirname(HERE))

from openapi_c import generate, keywords  # noqa: E402
from openapi_c.loader import load_spec_files  # noqa: E402
from openapi_c.refusals import SpecError  # noqa: E402
from tap import done, ok  # noqa: E402  (tests/tap.py)

SPECS = (os.path.join(HERE, "fixture.yaml"), os.path.join(ROOT, "openapi.yaml"))
# Values of every JSON shape, and some a spec author gets wrong: an empty string, a pointer to nowhere, a
# template, a huge integer, a non-ASCII string, a $ref to something that is not a schema.
VALUES = (None, 0, -1, 1, 2 ** 70, 1.5, -0.0, "", "x", "#/nope", "{x}", "é", [], [None], ["a"], [1, 2], {},
          {"a": 1}, {"type": "string"}, True, False, {"$ref": "#/components/schemas"}, {"$ref": "#"},
          {"$ref": "#/paths"})
# Members the mutations add: every schema keyword of the table and the fields that steer the generator.
FIELDS = ("type", "in", "name", "style", "explode", "required", "schema", "content", "responses", "parameters",
          "requestBody", "security", "servers", "discriminator", "$ref", "flows", "scheme", "headers")
NAMES = sorted(set(keywords.SCHEMA) | set(FIELDS))


def nodes(node, path=()):
    """(path, node) for node and everything under it."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from nodes(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from nodes(v, path + (i,))


def at(doc, path):
    for token in path:
        doc = doc[token]
    return doc


def mutate(spec, rnd):
    """Change spec in place at one random node; what was done, for the report."""
    everything = list(nodes(spec))
    path, node = rnd.choice(everything[1:])
    parent, key = at(spec, path[:-1]), path[-1]
    step = rnd.randrange(4)
    if step == 1 and isinstance(parent, dict):
        del parent[key]
        return "delete %s" % (list(path),)
    if step == 2 and isinstance(node, dict):
        name, value = rnd.choice(NAMES), copy.deepcopy(rnd.choice(VALUES))
        node[name] = value
        return "set %s[%r] = %r" % (list(path), name, value)
    if step == 3:
        other_path, other = rnd.choice(everything)
        parent[key] = copy.deepcopy(other)
        return "set %s = a copy of %s" % (list(path), list(other_path))
    parent[key] = copy.deepcopy(rnd.choice(VALUES))
    return "set %s = %r" % (list(path), parent[key])


def run(spec_path, runs, rnd, scratch):
    """Mutate and generate runs times; (the failures, how many docschema.py diagnosed)."""
    base = load_spec_files(spec_path)[0]
    failures, diagnosed = [], 0
    for i in range(runs):
        spec = copy.deepcopy(base)
        steps = [mutate(spec, rnd) for _ in range(rnd.randint(1, 2))]
        # YAML for every other run: it keeps what JSON cannot, integer keys (unquoted response codes, 200:)
        path = os.path.join(scratch, "spec.json" if i % 2 else "spec.yaml")
        if i % 2 == 0 and isinstance(spec.get("paths"), dict):
            spec["paths"]["/int-keys"] = {"get": {"operationId": "int_keys", "responses": {200: {"description": "ok"}}}}
        with open(path, "w", encoding="utf-8") as f:
            if i % 2:
                json.dump(spec, f)
            else:
                yaml.safe_dump(spec, f)
        try:
            generate(path)
        except SpecError as e:
            diagnosed += "its official schema says so" in str(e)
        except Exception as e:  # noqa: B902 (the point: any other error is the bug)
            where = traceback.extract_tb(e.__traceback__)[-1]
            failures.append("run %d: %s; %s: %s at %s:%d" % (i, "; ".join(steps), type(e).__name__, e,
                                                             os.path.basename(where.filename), where.lineno))
    return failures, diagnosed


def main(argv):
    runs = int(argv[1]) if len(argv) > 1 else 400
    seed = int(argv[2]) if len(argv) > 2 else 23
    rnd = random.Random(seed)
    diagnosed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for spec_path in SPECS:
            failures, n = run(spec_path, runs, rnd, scratch)
            diagnosed += n
            for f in failures:
                print("# " + f)
            ok(not failures, "%s: %d mutated documents (seed %d) built or refused, %d Python errors"
               % (os.path.relpath(spec_path, ROOT), runs, seed, len(failures)))
    ok(diagnosed > 0, "%d refusals said where the document breaks OpenAPI's schema (docschema.py)" % diagnosed)
    return done()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
