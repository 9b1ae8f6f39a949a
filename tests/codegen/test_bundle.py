#!/usr/bin/python3
"""A spec split over several files (ctest codegen.bundle): codegen/openapi_c/bundle.py and gen.py on it.

- the bundled document equals the same spec written as one file by hand: components referenced in
  another file land under the same name, a schema kept in a file of its own becomes a component named
  after the file, path items and parameters are copied in place, a part used twice is placed once;
- a schema that refers to itself through its own file stays finite;
- gen.py generates from the split spec the same C as from the single file, and --depfile lists every file;
- a missing file, a file outside the spec's directory, keywords beside a copied-in-place $ref, two
  different components of one name and an anchor in another file are refused with a message;
- the layouts users write (bundle_layouts.py: Redocly's openapi-starter, a path item -> parameter file -> schema
  file, one file reached by several relative paths, A.yaml <-> B.yaml, JSON beside YAML, fragments into other
  files, two Address.yaml named apart in the root, JSON Schema files with a $id) build, with the components
  expected, whatever the order of any file's keys; the document api_spec.c serves is the bundled one, every
  $ref in it local, and valid by OpenAPI 3.1's official schema (docschema.py);
- what stays refused (two files' schemas of one name, a missing file or pointer, an anchor in another file,
  keywords beside a $ref copied in place, a cycle of bare $ref, another file named from under a $id) names the
  file and JSON pointer of the $ref written;
- references() (the walk alone, for tools/contract_spec.py) lists a document's references as bundling reads
  them (not a property named $ref, nor an example's, nor the default of a property named "properties"; a component
  schema named "example" is one) and leaves the document as it was.
"""

import ast
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "codegen"))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import bundle_layouts as layouts  # noqa: E402  (tests/codegen/bundle_layouts.py)
from openapi_c import generate  # noqa: E402
from openapi_c.bundle import references  # noqa: E402
from openapi_c.docschema import document_error  # noqa: E402
from openapi_c.loader import load_spec_files  # noqa: E402
from openapi_c.refusals import SpecError  # noqa: E402
from tap import done, ok  # noqa: E402  (tests/tap.py)

GEN = os.path.join(REPO, "codegen", "gen.py")


def write(root, files):
    for name, doc in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            if isinstance(doc, str):
                f.write(doc)  # a text file (a code sample)
            elif name.endswith(".json"):
                json.dump(doc, f, indent=2)
            else:
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
        ({"main.yaml": dict(base, paths={"/a": {"$ref": "a.yaml", "summary": "x", "parameters": []}}), "a.yaml": {}},
         "with keywords beside it (parameters): beside a $ref, OpenAPI 3.1 allows only description, summary, which "
         "override the part's"),
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

# --- layouts users write (bundle_layouts.py) ---

def served(files):
    """The document api_spec.c serves as /openapi.json, read back from its C string literals."""
    text = files["api_spec.c"]
    body = text[text.index("api_spec_json[] ="):text.index("const size_t api_spec_json_len")]
    raw = b"".join(ast.literal_eval("b" + lit) for lit in re.findall(r'"(?:[^"\\]|\\.)*"', body))
    return json.loads(raw.decode("utf-8"))


def refs_of(node, key="$ref", found=None):
    """Every $ref (or $id: key) string of node (the layouts hold no data with such a key)."""
    found = [] if found is None else found
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, str):
                found.append(v)
            else:
                refs_of(v, key, found)
    elif isinstance(node, list):
        for v in node:
            refs_of(v, key, found)
    return found


def build_layout(tmp, name, files):
    """(bundled document, generated files) of the layout written under tmp/name; records a check if it fails."""
    d = os.path.join(tmp, name)
    write(d, files)
    try:
        spec, _ = load_spec_files(os.path.join(d, "main.yaml"))
        return spec, generate(os.path.join(d, "main.yaml"))
    except SpecError as e:
        ok(False, "%s builds: %s" % (name, e))
        return None, None


def test_layouts(tmp):
    """Each layout builds, with the components expected; the served document is the bundled one, self-contained
    (every $ref local) and valid by OpenAPI 3.1's official schema."""
    for name, (files, schemas) in layouts.BUILDS.items():
        spec, out = build_layout(tmp, name, files)
        if spec is None:
            continue
        got = list(spec.get("components", {}).get("schemas", {}))
        ok(got == schemas, "%s builds, with the component schemas %s: %s" % (name, schemas, got))
        doc = served(out)
        external = [r for r in refs_of(doc) if not r.startswith("#") and r not in refs_of(doc, "$id")]
        ok(doc == json.loads(json.dumps(spec)) and not external,
           "%s: the served document is the bundled one, every $ref local (a pointer, or a $id in it): %s"
           % (name, external))
        why = document_error(doc)
        ok(why is None, "%s: the served document is valid OpenAPI 3.1: %s" % (name, why))


def schema_at(spec, path, status="200", op="get"):
    return spec["paths"][path][op]["responses"][status]["content"]["application/json"]["schema"]


def test_layout_shapes(tmp):
    """What each layout bundles into: one component per file, however it is reached and whatever the key order."""
    a, out_a = build_layout(tmp, "pf", layouts.PATHS_FIRST)
    b, out_b = build_layout(tmp, "cf", layouts.COMPONENTS_FIRST)
    if a and b:
        same = all(out_a[f] == out_b[f] for f in out_a if f != "api_spec.c")
        ok(a == b and schema_at(a, "/users") == {"$ref": "#/components/schemas/Address"}
           and a["components"]["schemas"]["Address"] == layouts.ADDRESS and same,
           "a root component that is only a $ref to a file is that file, components written after the paths or "
           "before (the same C)")
    spec, _ = build_layout(tmp, "prs", layouts.PATH_RESPONSE_SCHEMA)
    if spec:
        ok(schema_at(spec, "/users/{id}", "404") == {"$ref": "#/components/schemas/Address"},
           "a path item file -> a response in another file -> a schema file beside it")
    spec, _ = build_layout(tmp, "same", layouts.SAME_FILE)
    if spec:
        refs = {schema_at(spec, "/a")["$ref"], schema_at(spec, "/b")["$ref"],
                spec["components"]["schemas"]["c"]["properties"]["a"]["$ref"]}
        ok(refs == {"#/components/schemas/a"}, "./a.yaml, ../models/a.yaml and models/../models/a.yaml are one "
           "component: %s" % refs)
    spec, _ = build_layout(tmp, "cycle", layouts.CYCLE)
    if spec:
        s = spec["components"]["schemas"]
        ok([s["A"]["properties"]["b"], s["B"]["properties"]["a"], s["B"]["properties"]["next"]] ==
           [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
           "A.yaml <-> B.yaml: each a component, referring to the other: %s" % s)
    spec, _ = build_layout(tmp, "starter", layouts.STARTER)
    if spec:
        echo = spec["paths"]["/echo"]["post"]["responses"]["400"]
        user = spec["paths"]["/users/{username}"]
        ok(echo == {"$ref": "#/paths/~1users~1%7Busername%7D/get/responses/403", "description": "Bad echo"}
           and user["get"]["responses"]["403"]["description"] == "Problem"
           and user["put"]["responses"]["400"] == {"$ref": "#/paths/~1users~1%7Busername%7D/get/responses/403"},
           "a second use of a response file refers to the first copy, a description beside it kept there "
           "(OpenAPI 3.1's Reference Object overrides the part's)")
    if spec:
        sample = layouts.STARTER["code_samples/C_sharp/get.cs"]
        ok(user["get"]["x-codeSamples"] == [{"lang": "C#", "source": sample}],
           "a $ref to a code sample's text in x-codeSamples is its text, as Redocly bundles it")


def test_layout_overrides(tmp):
    """Keywords beside a $ref, a discriminator's mapping, $id: what the other layouts bundle into."""
    spec, _ = build_layout(tmp, "named", layouts.STARTER_NAMED)
    if spec:
        user = spec["components"]["schemas"]["User"]
        ok(user == dict(layouts.STARTER["components/schemas/User.yaml"], description="A user", properties=dict(
            user["properties"], username={"$ref": "#/components/schemas/Username"}))
           and schema_at(spec, "/users/{username}") == {"$ref": "#/components/schemas/User"},
           "a root component naming a file with a description beside the $ref: the file's schema, described")
    d = dict(layouts.INFO, paths={"/a": {"get": {"operationId": "a", "responses": {"404": {
        "$ref": "r.yaml", "description": "no a"}}}}, "/b": {"get": {"operationId": "b", "responses": {"404": {
            "$ref": "r.yaml"}}}}})
    spec, _ = build_layout(tmp, "override", {"main.yaml": d, "r.yaml": {"description": "r"}})
    if spec:
        ok([spec["paths"][p]["get"]["responses"]["404"] for p in ("/a", "/b")] == [{"description": "no a"},
                                                                                   {"description": "r"}],
           "a description beside a $ref copied in place overrides the file's there only")
    spec, _ = build_layout(tmp, "ids", layouts.WITH_IDS)
    if spec:
        ok(spec["components"]["schemas"]["pet"]["properties"] == {"tag": {"$ref": "https://example.com/schemas/tag"},
                                                                  "name": {"$ref": "#/$defs/name"}},
           "inside a schema with a $id, another file is named by its $id, a pointer is left as the schema's own")
    spec, _ = build_layout(tmp, "mapping", layouts.MAPPING)
    if spec:
        item = spec["components"]["schemas"]["MenuItem"]
        ok(item["discriminator"]["mapping"] == {"beverage": "#/components/schemas/Beverage",
                                                "dessert": "#/components/schemas/Dessert"}
           and item["oneOf"] == [{"$ref": "#/components/schemas/Beverage"}, {"$ref": "#/components/schemas/Dessert"}],
           "a discriminator's mapping naming files names the components its branches refer to: %s" % item)
    write(os.path.join(tmp, "id_path"), layouts.ID_PATH)
    try:
        spec, _ = load_spec_files(os.path.join(tmp, "id_path", "main.yaml"))
        ok(spec == layouts.ID_PATH["main.yaml"], "a $ref beside a $id to no file is left to the $id")
    except SpecError as e:
        ok(False, "a $ref beside a $id to no file is left to the $id: %s" % e)


def test_layout_parts(tmp):
    """Parts copied once, fragments into other files, files named apart: what the other layouts bundle into."""
    spec, _ = build_layout(tmp, "chain", layouts.CHAIN)
    if spec:
        first, second = spec["paths"]["/items/{id}"]["parameters"], spec["paths"]["/items/{id}/owner"]["parameters"]
        ok(first == [{"name": "id", "in": "path", "required": True, "schema": {"$ref": "#/components/schemas/Id"}}]
           and second == [{"$ref": "#/paths/~1items~1%7Bid%7D/parameters/0"}],
           "a parameter file used by two path items is copied once, the second refers to it: %s" % second)
    spec, _ = build_layout(tmp, "fragments", layouts.FRAGMENTS)
    if spec:
        s = spec["components"]["schemas"]
        ok(s["Thing"]["properties"]["other"] == {"$ref": "#/components/schemas/Other"}
           and s["Error"] == layouts.ERROR and spec["components"]["responses"]["Problem"]["content"] ==
           layouts.json_content({"$ref": "#/components/schemas/Error"}),
           "defs.yaml#/Thing, common.yaml#/components/...: a local $ref of the other file is the other file's")
    spec, _ = build_layout(tmp, "twins", layouts.TWINS_NAMED)
    if spec:
        ok(schema_at(spec, "/b") == {"$ref": "#/components/schemas/LegacyAddress"}
           and spec["components"]["schemas"]["LegacyAddress"] == layouts.TWINS["legacy/Address.yaml"],
           "two files Address.yaml named apart in the root's components")


def reordered(node):
    """node with the keys of every mapping in reverse order (a list's items kept in order)."""
    if isinstance(node, dict):
        return {k: reordered(node[k]) for k in reversed(list(node))}
    if isinstance(node, list):
        return [reordered(v) for v in node]
    return node


def test_key_order(tmp):
    """The order of the keys of any file does not change what builds, nor the components' content."""
    for name, (files, schemas) in layouts.BUILDS.items():
        spec, _ = build_layout(tmp, name + "-r", {f: reordered(doc) for f, doc in files.items()})
        straight, _ = build_layout(tmp, name, files)
        if spec is None or straight is None:
            continue
        ok(spec["components"]["schemas"] == straight["components"]["schemas"],
           "%s with every mapping's keys reversed: the same components" % name)


def test_layout_refusals(tmp):
    """What stays refused names the file and the JSON pointer of the $ref the user wrote."""
    info = layouts.INFO
    path_b = {"main.yaml": dict(info, paths={"/b": {"$ref": "paths/b.yaml"}})}
    at_b = "paths/b.yaml#/get/responses/200/content/application~1json/schema/$ref: "
    for i, (files, message) in enumerate([
        (layouts.TWINS, at_b + "$ref '../legacy/Address.yaml': legacy/Address.yaml and models/Address.yaml are "
         "different schemas named 'Address'"),
        (dict(layouts.PATHS_FIRST, **{"main.yaml": dict(layouts.PATHS_FIRST["main.yaml"], components={
            "schemas": {"Address": {"type": "string"}}})}),
         "main.yaml#/paths/~1users/get/responses/200/content/application~1json/schema/$ref: $ref "
         "'./models/Address.yaml': models/Address.yaml and main.yaml#/components/schemas/Address are different"),
        (dict(path_b, **{"paths/b.yaml": layouts.get("b", {"$ref": "../models/x.yaml#/Nope"}), "models/x.yaml": {}}),
         at_b + "unresolved $ref '../models/x.yaml#/Nope': models/x.yaml has no #/Nope"),
        (dict(path_b, **{"paths/b.yaml": layouts.get("b", {"$ref": "#/components/schemas/P"}), "main.yaml": dict(
            path_b["main.yaml"], components={"schemas": {"P": {"type": "string"}}})}),
         at_b + "unresolved $ref '#/components/schemas/P': paths/b.yaml has no #/components/schemas/P (a $ref is "
         "read in the file that writes it: to name the root document's, write ../main.yaml#/components/schemas/P)"),
        (dict(path_b, **{"paths/b.yaml": layouts.get("b", {"$ref": "../models/gone.yaml"})}),
         at_b + "$ref '../models/gone.yaml': no file models/gone.yaml"),
        (dict(path_b, **{"paths/b.yaml": layouts.get("b", {"$ref": "x.yaml#pet"}), "paths/x.yaml": {}}),
         at_b + "$ref 'x.yaml#pet': an anchor in another file (paths/x.yaml) is not supported"),
        (dict(path_b, **{"paths/b.yaml": {"get": {"operationId": "b", "responses": {
            "200": {"$ref": "r.yaml", "description": "x", "summary": "s"}}}}, "paths/r.yaml": {"description": "r"}}),
         "paths/b.yaml#/get/responses/200/$ref: $ref 'r.yaml' to another file with keywords beside it (summary): "
         "beside a $ref, OpenAPI 3.1 allows only description, which override the part's: move them into the "
         "referenced part"),
        (dict(path_b, **{"paths/b.yaml": layouts.get("b", {"$ref": "A.yaml"}), "paths/A.yaml": {"$ref": "B.yaml"},
                         "paths/B.yaml": {"$ref": "A.yaml"}}),
         "paths/B.yaml#/$ref: $ref 'A.yaml': a cycle of $ref that are nothing else"),
        (dict(layouts.CHAIN, **{"paths/owner.yaml": dict(layouts.CHAIN["paths/owner.yaml"], parameters=[
            {"$ref": "../parameters/id.yaml", "required": True}])}),
         "paths/owner.yaml#/parameters/0/$ref: $ref '../parameters/id.yaml' to another file with keywords beside "
         "it (required): beside a $ref, OpenAPI 3.1 allows only description, which override"),
        (dict(layouts.PATHS_FIRST, **{"main.yaml": dict(layouts.PATHS_FIRST["main.yaml"], components={"schemas": {
            "Address": {"$ref": "./models/Address.yaml", "required": ["city"], "title": "t"}}})}),
         "main.yaml#/components/schemas/Address/$ref: $ref './models/Address.yaml' to another file with keywords "
         "beside it (required): a component naming a schema file may only document it ($comment, deprecated, "),
        (dict(layouts.WITH_IDS, **{"schemas/tag.json": {"type": "string"}}),
         "schemas/pet.json#/properties/tag/$ref: $ref 'tag.json' inside a schema with a $id: a reference there "
         "resolves against the $id, not against the file, so the bundled document could not name "
         "schemas/tag.json from there"),
    ]):
        refused(os.path.join(tmp, str(i)), files, message)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for i, t in enumerate([test_bundled_equals_single, test_recursive_file, test_generated_same, test_refusals,
                                 test_references, test_yaml_12_numbers, test_layouts, test_layout_shapes,
                                 test_layout_overrides, test_layout_parts, test_key_order, test_layout_refusals]):
            d = os.path.join(tmp, str(i))
            os.makedirs(d)
            t(d)
    return done()


if __name__ == "__main__":
    sys.exit(main())
