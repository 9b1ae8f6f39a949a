#!/usr/bin/python3
"""A spec split over several files (ctest codegen.bundle): codegen/openapi_c/bundle.py and gen.py on it.

- the bundled document equals the same spec written as one file by hand: components referenced in
  another file land under the same name, a schema kept in a file of its own becomes a component named
  after the file, path items and parameters are copied in place, a part used twice is placed once;
- a schema that refers to itself through its own file stays finite;
- gen.py generates from the split spec the same C as from the single file, and --depfile lists every file;
- a missing file, a file outside the spec's directory, keywords beside a copied-in-place $ref, two
  different components of one name and an anchor in another file are refused with a message;
- references() (the walk alone, for tools/contract_spec.py) lists a document's references as bundling reads
  them (not a property named $ref, nor an example's, nor the default of a property named "properties"; a component
  schema named "example" is one) and leaves the document as it was.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "codegen"))
sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True

from openapi_c.bundle import references  # noqa: E402
from openapi_c.loader import load_spec_files  # noqa: E402
from openapi_c.refusals import SpecError  # noqa: E402
from tap import done, ok  # noqa: E402  (tests/tap.py)

GEN = os.path.join(REPO, "codegen", "gen.py")


def write(root, files):
    for name, doc in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(doc, f, sort_keys=False)


PET = {"type": "object", "required": ["name"],
       "properties": {"name": {"type": "string", "maxLength": 20}, "tag": {"type": "string"}}}
# detail: a string (HTTPException) or, for the runtime's own 422 that default covers too, a list of errors
ERROR = {"type": "object", "properties": {"detail": {"type": ["string", "array"]}}}
PET_ID = {"name": "pet_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def json_content(schema):
    return {"application/json": {"schema": schema}}


SPLIT = {
    "main.yaml": {
        "openapi": "3.1.0", "info": {"title": "split", "version": "1"},
        "paths": {
            "/pets": {"$ref": "paths/pets.yaml"},
            "/pets/{pet_id}": {"get": {
                "operationId": "getPet",
                "parameters": [{"$ref": "common.yaml#/components/parameters/PetId"}],
                "responses": {"200": {"description": "ok", "content": json_content({"$ref": "schemas/Pet.yaml"})},
                              "default": {"$ref": "common.yaml#/components/responses/Problem"}}}},
        },
    },
    "paths/pets.yaml": {"post": {
        "operationId": "addPet",
        "requestBody": {"required": True, "content": json_content({"$ref": "../schemas/Pet.yaml"})},
        "responses": {"201": {"description": "created", "content": json_content({"$ref": "../schemas/Pet.yaml"})}},
    }},
    "schemas/Pet.yaml": PET,
    "common.yaml": {"components": {
        "parameters": {"PetId": PET_ID},
        "responses": {"Problem": {"description": "problem",
                                  "content": json_content({"$ref": "#/components/schemas/Error"})}},
        "schemas": {"Error": ERROR},
    }},
}

# The same spec in one file, as the bundler should write it.
SINGLE = {
    "openapi": "3.1.0", "info": {"title": "split", "version": "1"},
    "paths": {
        "/pets": {"post": {
            "operationId": "addPet",
            "requestBody": {"required": True, "content": json_content({"$ref": "#/components/schemas/Pet"})},
            "responses": {"201": {"description": "created", "content": json_content({"$ref": "#/components/schemas/Pet"})}},
        }},
        "/pets/{pet_id}": {"get": {
            "operationId": "getPet",
            "parameters": [{"$ref": "#/components/parameters/PetId"}],
            "responses": {"200": {"description": "ok", "content": json_content({"$ref": "#/components/schemas/Pet"})},
                          "default": {"$ref": "#/components/responses/Problem"}}}},
    },
    "components": {
        "schemas": {"Pet": PET, "Error": ERROR},
        "parameters": {"PetId": PET_ID},
        "responses": {"Problem": {"description": "problem", "content": json_content({"$ref": "#/components/schemas/Error"})}},
    },
}


def test_bundled_equals_single(tmp):
    write(tmp, SPLIT)
    spec, files = load_spec_files(os.path.join(tmp, "main.yaml"))
    ok(spec == SINGLE, "the split spec bundles into the single-file spec")
    if spec != SINGLE:
        print("# bundled: %s" % yaml.safe_dump(spec, sort_keys=False))
    names = sorted(os.path.relpath(f, tmp) for f in files)
    ok(names == ["common.yaml", "main.yaml", "paths/pets.yaml", "schemas/Pet.yaml"], "files read: %s" % names)


def test_recursive_file(tmp):
    write(tmp, {"main.yaml": {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
                              "components": {"schemas": {"Tree": {"$ref": "node.yaml"}}}},
                "node.yaml": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "node.yaml"}}}}})
    spec, _ = load_spec_files(os.path.join(tmp, "main.yaml"))
    tree = spec["components"]["schemas"]["Tree"]
    ok(tree.get("properties", {}).get("children", {}).get("items") == {"$ref": "#/components/schemas/Tree"},
       "a schema referring to its own file becomes a reference to where it was placed: %s" % tree)


def gen(*args):
    return subprocess.run(["/usr/bin/python3", GEN] + list(args), capture_output=True, text=True, cwd=REPO)


def test_generated_same(tmp):
    split, single = os.path.join(tmp, "split"), os.path.join(tmp, "single")
    write(split, SPLIT)
    write(single, {"main.yaml": SINGLE})
    stamp, dep = os.path.join(tmp, "stamp"), os.path.join(tmp, "stamp.d")
    a = gen("--spec", os.path.join(split, "main.yaml"), "--out", os.path.join(tmp, "out-split"),
            "--stamp", stamp, "--depfile", dep)
    b = gen("--spec", os.path.join(single, "main.yaml"), "--out", os.path.join(tmp, "out-single"))
    ok(a.returncode == 0 and b.returncode == 0, "gen.py on both: %s %s" % (a.stderr.strip(), b.stderr.strip()))
    if a.returncode or b.returncode:
        return
    same = True
    for name in sorted(os.listdir(os.path.join(tmp, "out-single"))):
        with open(os.path.join(tmp, "out-split", name), encoding="utf-8") as f1, \
                open(os.path.join(tmp, "out-single", name), encoding="utf-8") as f2:
            if f1.read() != f2.read():
                same = False
                print("# %s differs" % name)
    ok(same, "the split spec generates the same C as the single file")
    with open(dep, encoding="utf-8") as f:
        text = f.read()
    ok(text.startswith(stamp + ": ") and all(os.path.join(split, n) in text for n in SPLIT),
       "--depfile: the stamp depends on every file of the spec: %s" % text.strip())


def refused(tmp, files, message):
    write(tmp, files)
    try:
        load_spec_files(os.path.join(tmp, "main.yaml"))
        ok(False, "refused: %s (it was accepted)" % message)
    except SpecError as e:
        ok(message in str(e), "refused: %s (%s)" % (message, e))


def test_refusals(tmp):
    base = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}}
    for i, (files, message) in enumerate([
        ({"main.yaml": dict(base, paths={"/a": {"$ref": "../outside.yaml"}}), "../outside.yaml": {}},
         "leaves the directory of main.yaml"),
        ({"main.yaml": dict(base, paths={"/a": {"$ref": "a.yaml", "summary": "x"}}), "a.yaml": {}},
         "with keywords beside it"),
        ({"main.yaml": dict(base, paths={"/a": {"$ref": "a.yaml#/nope"}}), "a.yaml": {}},
         "unresolved $ref 'a.yaml#/nope'"),
        ({"main.yaml": dict(base, paths={}, components={"schemas": {"P": {"$ref": "a.yaml#pet"}}}),
          "a.yaml": {"pet": {"$anchor": "pet", "type": "string"}}},
         "#/components/schemas/P/$ref: $ref 'a.yaml#pet': an anchor in another file (a.yaml) is not supported"),
        ({"main.yaml": dict(base, paths={"/e": {"get": {"operationId": "e", "responses": {"200": {
            "description": "ok", "content": json_content({"$ref": "c.yaml#/components/schemas/Error"})}}}}},
            components={"schemas": {"Error": {"type": "string"}}}),
          "c.yaml": {"components": {"schemas": {"Error": {"type": "integer"}}}}},
         "main.yaml#/paths/~1e/get/responses/200/content/application~1json/schema/$ref: $ref "
         "'c.yaml#/components/schemas/Error': c.yaml#/components/schemas/Error and main.yaml#/components/schemas/Error "
         "are different schemas named 'Error'"),
    ]):
        d = os.path.join(tmp, "r%d" % i, "spec")
        os.makedirs(d)
        if "../outside.yaml" in files:
            write(os.path.dirname(d), {"outside.yaml": {}})
            files = {k: v for k, v in files.items() if k != "../outside.yaml"}
        refused(d, files, message)
    write(os.path.join(tmp, "m"), {"main.yaml": dict(base, paths={"/a": {"get": {
        "operationId": "a", "responses": {"200": {"description": "ok",
                                                  "content": json_content({"$ref": "gone.yaml"})}}}}})})
    missing = gen("--spec", os.path.join(tmp, "m", "main.yaml"), "--out", os.path.join(tmp, "m-out"))
    ok(missing.returncode != 0 and "main.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/$ref: "
       "$ref 'gone.yaml': no file gone.yaml" in missing.stderr,
       "a $ref to a file that does not exist: %s" % missing.stderr.strip())


def test_references(tmp):
    spec = {"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}},
                                                          "x-note": {"example": {"$ref": "not a reference"}}}}},
            "components": {"responses": {"R": {"description": "r", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"$ref": {"type": "string"}, "n": {"$ref": "n.yaml"},
                                                            # a property named "properties" is a schema: its
                                                            # default is data, its properties names
                                                            "properties": {"properties": {"m": {"$ref": "m.yaml"}},
                                                                           "default": {"$ref": "data"}}},
                           "default": {"$ref": "data"}}}}}},
                           # a component schema named "example" is a schema, not an example's data
                           "schemas": {"example": {"$ref": "e.yaml"}}}}
    before = copy.deepcopy(spec)
    got = references(spec)
    ok(got == [("#/paths/~1a/get/responses/200", "#/components/responses/R"),
               ("#/components/responses/R/content/application~1json/schema/properties/n", "n.yaml"),
               ("#/components/responses/R/content/application~1json/schema/properties/properties/properties/m",
                "m.yaml"),
               ("#/components/schemas/example", "e.yaml")],
       "references(): the walk's references, not data: %s" % got)
    ok(spec == before, "references() leaves the document as it was (n.yaml is not read)")


def test_yaml_12_numbers(tmp):
    """Numbers read as YAML 1.2's core schema (OpenAPI 3.1's), in a .yaml file and in a .json one (JSON is
    YAML 1.2): a JSON exponent without a dot is a number, not YAML 1.1's string."""
    yaml_text = ("openapi: 3.1.0\npaths: {}\nx-n: {exp: 1e-06, signed: -2.5E+3, dot: .5, lead0: 012, hex: 0x1F, "
                 "oct: 0o17, inf: .inf, under: 1_000, sexa: 1:30, date: 2024-01-01, on: on}\n")
    want = {"exp": 1e-06, "signed": -2500.0, "dot": 0.5, "lead0": 12, "hex": 31, "oct": 15, "inf": float("inf"),
            "under": "1_000", "sexa": "1:30", "date": "2024-01-01", "on": "on"}
    with open(os.path.join(tmp, "n.yaml"), "w") as f:
        f.write(yaml_text)
    got = load_spec_files(os.path.join(tmp, "n.yaml"))[0]["x-n"]
    ok(got == want and all(type(got[k]) is type(want[k]) for k in want), "YAML 1.2 numbers: %s" % got)
    doc = {"openapi": "3.1.0", "paths": {}, "x-n": [1e-06, 1e+300, -3e-10, 12, 2.5]}
    with open(os.path.join(tmp, "n.json"), "w") as f:
        json.dump(doc, f)  # writes 1e-06, as json.dumps() and JavaScript do
    got = load_spec_files(os.path.join(tmp, "n.json"))[0]["x-n"]
    ok(got == doc["x-n"] and [type(v) for v in got] == [float, float, float, int, float],
       "a JSON spec's exponents are numbers: %s" % got)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for i, t in enumerate([test_bundled_equals_single, test_recursive_file, test_generated_same, test_refusals,
                                 test_references, test_yaml_12_numbers]):
            d = os.path.join(tmp, str(i))
            os.makedirs(d)
            t(d)
    return done()


if __name__ == "__main__":
    sys.exit(main())
