#!/usr/bin/python3
"""The generator's keyword table (codegen/openapi_c/keywords.py) against the official lists (run by ctest as
codegen.keywords).

Every keyword of JSON Schema 2020-12 (the properties of each vocabulary meta-schema), of the OpenAPI 3.1
Schema Object dialect (meta.yaml) and of OpenAPI 3.0's Schema Object, and every field of every object of the
OpenAPI 3.1 document schema (schema.yaml: its properties, and those of each object under $defs), must be
SUPPORTED, REFUSED or ANNOTATION in the table; the test lists every one that is in none, every entry of the
table that is in no official list (a typo), and prints the counts per category.  The lists are the verbatim
copies in keywords/ (JSON Schema's vocabularies; README.md there) and codegen/openapi_c/oas/ (OpenAPI's document
schemas, which the generator also reads: docschema.py).
"""

import glob
import json
import os
import sys

import yaml

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
KEYWORDS = os.path.join(HERE, "keywords")
OAS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "codegen", "openapi_c", "oas")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "codegen"))
sys.path.insert(0, os.path.dirname(HERE))

from openapi_c import keywords as kw  # noqa: E402
from openapi_c.dynamic import REWRITTEN  # noqa: E402
from openapi_c.jsonschema import INERT as JS_INERT, SCHEMA_KEYWORDS as JS_KEYWORDS  # noqa: E402
from openapi_c.refusals import DOC_KEYWORDS, KEYWORDS as KIND_KEYWORDS  # noqa: E402
from tap import done, ok  # noqa: E402  (tests/tap.py)

# $defs of the 3.1 document schema that are not objects of their own: mixins (their fields are counted in the
# objects that $ref them), maps, either-or wrappers (*-or-reference) and the schema (checked keyword by keyword).
NOT_OBJECTS = {"examples", "explode-for-form", "specification-extensions", "map-of-strings", "content", "paths",
               "callbacks", "security-requirement", "schema"}

# Keywords whose values are the schemas of an object's members or a map's values, not of the object itself.
MAP_VALUES = {"properties", "patternProperties", "additionalProperties", "unevaluatedProperties", "propertyNames"}


def load(rel):
    """A file of keywords/, or of codegen/openapi_c/oas/ for oas-3.x/..."""
    path = os.path.join(OAS, rel[len("oas-"):]) if rel.startswith("oas-") else os.path.join(KEYWORDS, rel)
    with open(path, encoding="utf-8") as f:
        return json.load(f) if rel.endswith(".json") else yaml.safe_load(f)


def official_schema_keywords():
    """{keyword: the file that defines it} for the schema keywords of every official list."""
    out = {}
    for path in sorted(glob.glob(os.path.join(KEYWORDS, "jsonschema-2020-12", "*.json"))):
        rel = os.path.relpath(path, KEYWORDS)
        for key in load(rel).get("properties", {}):
            out.setdefault(key, rel)
    for key in load("oas-3.1/meta.yaml").get("properties", {}):
        out.setdefault(key, "oas-3.1/meta.yaml")
    for key in load("oas-3.0/schema.yaml")["definitions"]["Schema"]["properties"]:
        out.setdefault(key, "oas-3.0/schema.yaml (Schema)")
    return out


def resolve(doc, ref):
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def fields(doc, node, acc, seen, skip_defs=False):
    """Add to acc the properties an object schema node defines, through its allOf/if/then/dependentSchemas and
    the local $ref it makes at schema level (not those of its members' values: MAP_VALUES)."""
    if isinstance(node, list):
        for item in node:
            fields(doc, item, acc, seen)
        return acc
    if not isinstance(node, dict):
        return acc
    acc.update(node.get("properties") or {})
    for key, value in node.items():
        if key in MAP_VALUES or (skip_defs and key == "$defs"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#/") and value not in seen:
            seen.add(value)
            fields(doc, resolve(doc, value), acc, seen)
        elif key != "$ref":
            fields(doc, value, acc, seen)
    return acc


def official_objects():
    """{object name (a key of kw.OBJECTS): {field names}} from the OpenAPI 3.1 document schema."""
    doc = load("oas-3.1/schema.yaml")
    out = {"openapi": set(doc["properties"])}
    for name, node in doc["$defs"].items():
        if name in NOT_OBJECTS or name.endswith("-or-reference"):
            continue
        if name == "oauth-flows":  # its $defs are the OAuth Flow Objects
            for flow in node["$defs"].values():
                out.setdefault("oauth-flow", set()).update(fields(doc, flow, {}, set()))
        out[name] = set(fields(doc, node, {}, set(), skip_defs=name == "oauth-flows"))
    return out


def check_schema_keywords():
    official = official_schema_keywords()
    missing = sorted(k for k in official if k not in kw.SCHEMA)
    ok(not missing, "every official schema keyword is in the table%s" % "".join(
        "\n#   missing: %s (%s)" % (k, official[k]) for k in missing))
    extra = sorted(k for k in kw.SCHEMA if k not in official)
    ok(not extra, "every schema keyword of the table is an official one%s" % (": not %s" % extra if extra else ""))
    allowed = set(DOC_KEYWORDS).union(*KIND_KEYWORDS.values())
    bad = sorted(k for k in allowed if k not in kw.SCHEMA or (kw.SCHEMA[k].status == kw.REFUSED
                                                              and kw.SCHEMA[k].harmless is None))
    ok(not bad, "what the per-kind checks of refusals.py let through is in the table, not refused%s"
       % (": %s" % bad if bad else ""))
    # what the Rules do not enforce, the JSON Schema tables (jsonschema.py, rt_valid_schema) do; $dynamicRef is a
    # $ref by then (dynamic.py), or refused
    enforced = allowed | JS_KEYWORDS | JS_INERT | set(REWRITTEN)
    bad = sorted(k for k, e in kw.SCHEMA.items() if e.status == kw.SUPPORTED and k not in enforced)
    ok(not bad, "every SUPPORTED schema keyword is enforced by a Rule or a JSON Schema table%s"
       % (": %s" % bad if bad else ""))
    bad = sorted(k for k in JS_KEYWORDS if k not in kw.SCHEMA or kw.SCHEMA[k].status == kw.REFUSED)
    ok(not bad, "every keyword the JSON Schema tables enforce is in the table, not refused%s"
       % (": %s" % bad if bad else ""))
    bad = sorted(k for k, e in kw.SCHEMA.items() if e.status == kw.ANNOTATION and k not in DOC_KEYWORDS)
    ok(not bad, "every ANNOTATION schema keyword is in refusals.DOC_KEYWORDS%s" % (": %s" % bad if bad else ""))


def check_objects():
    official = official_objects()
    for name in sorted(set(official) | set(kw.OBJECTS)):
        table = kw.OBJECTS.get(name)
        if table is None:
            ok(False, "OpenAPI object %s is in the table (fields: %s)" % (name, ", ".join(sorted(official[name]))))
            continue
        if name not in official:
            ok(False, "the table's object %s is an official one" % name)
            continue
        missing = sorted(official[name] - set(table))
        extra = sorted(set(table) - official[name])
        ok(not missing and not extra, "%s (%s): every field is in the table%s%s" % (
            kw.NAMES[name], len(table), "; missing: %s" % ", ".join(missing) if missing else "",
            "; not official: %s" % ", ".join(extra) if extra else ""))


def check_entries():
    tables = [("schema", kw.SCHEMA)] + sorted(kw.OBJECTS.items())
    no_reason = ["%s.%s" % (t, k) for t, table in tables for k, e in table.items()
                 if e.status == kw.REFUSED and not e.reason]
    ok(not no_reason, "every REFUSED entry gives its reason%s" % (": %s" % no_reason if no_reason else ""))


def print_counts():
    schema = {s: sum(1 for e in kw.SCHEMA.values() if e.status == s) for s in kw.counts()}
    total = kw.counts()
    for s in (kw.SUPPORTED, kw.REFUSED, kw.ANNOTATION):
        print("# %-10s %3d schema keywords + %3d object fields = %3d" % (s, schema[s], total[s] - schema[s],
                                                                         total[s]))


def main():
    check_schema_keywords()
    check_objects()
    check_entries()
    print_counts()
    return done()


if __name__ == "__main__":
    sys.exit(main())
