#!/usr/bin/python3
"""Turn the JSON Schema Test Suite (suite/draft2020-12) into one OpenAPI document for the real generator.

Usage: make_suite.py SUITE_DIR OUT_DIR

Each test group becomes components/schemas/g<N> (its own "#..." refs rewritten to that place unless the group
has a $id, which the generator resolves itself) and an operation POST /g<N> whose JSON body is
{"v": <instance>} with v: {$ref: g<N>}: the request-body path of every generated service.  Each group is first
built alone by the generator (openapi_c.build.build); the ones it refuses are listed with its message and left
out of the document.  Writes:
  OUT_DIR/suite.yaml     the document (JSON, which is YAML) of the accepted groups
  OUT_DIR/cases.tsv      index-of-group TAB expected(1 valid, 0 invalid) TAB file TAB instance (JSON)
  OUT_DIR/refused.tsv    file TAB group description TAB the generator's message
  OUT_DIR/models.c       the table of body models the driver (suite_driver.c) validates with
  OUT_DIR/unrefused.txt  the groups that use a keyword keywords.py refuses but that the generator accepted
                         (run_suite.py fails on any)
"""

import copy
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "codegen"))
sys.dont_write_bytecode = True

from openapi_c.build import build  # noqa: E402
from openapi_c.keywords import REFUSED, SCHEMA  # noqa: E402
from openapi_c.refusals import SpecError  # noqa: E402

# The formats the generator asserts, each judged by its optional/format/<format>.json.  format.json is left out:
# it tests formats as annotations while we assert them; it is listed in refused.tsv as refused whole, so that
# run_suite.py judges a skipped file as it judges one whose groups were all refused.
FORMATS = ("email", "date-time", "uuid", "date", "time", "ipv4", "ipv6", "uri", "hostname", "duration",
           "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer",
           "idn-hostname", "idn-email", "regex")
# The optional files on patterns: JSON Schema reads them as ECMA-262 with the u flag (codegen/openapi_c/regex.py).
OPTIONAL = ("ecmascript-regex", "non-bmp-regex", "anchor", "dynamicRef")  # and on $anchor and $dynamicRef
# The other optional files the generator can take: big numbers, overflow, and references into known keywords
# (unknownKeyword.json and id.json are left out: they are about keywords the generator refuses by design).
OPTIONAL += ("bignum", "float-overflow", "refOfUnknownKeyword", "no-schema")
SKIPPED = {"format.json": "the whole file: it tests format as an annotation, while formats are asserted here "
                          "(optional/format/*.json judges the supported ones)"}


def rewrite_refs(node, base):
    """The group's own "#/..." refs ($ref and $dynamicRef) made pointers into the document (the group sits at base);
    a "#name" stays: the generator looks its anchor up in the document, the group's resource here."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in ("$ref", "$dynamicRef") and isinstance(v, str) and (v == "#" or v.startswith("#/")):  # not "#name"
                out[k] = base + v[1:]
            elif k in ("const", "enum", "default", "examples"):
                out[k] = v
            else:
                out[k] = rewrite_refs(v, base)
        return out
    if isinstance(node, list):
        return [rewrite_refs(v, base) for v in node]
    return node


def uses_refused(node):
    """A keyword keywords.py refuses (whatever the context), anywhere in the schema."""
    if isinstance(node, dict):
        for k, v in node.items():
            entry = SCHEMA.get(k)
            if entry is not None and entry.status == REFUSED and not (entry.harmless and entry.harmless(v, node, None)):
                return k
            if k not in ("const", "enum", "default", "examples"):
                found = uses_refused(v)
                if found:
                    return found
    elif isinstance(node, list):
        for v in node:
            found = uses_refused(v)
            if found:
                return found
    return None


def without_dialect(schema):
    """The group's schema without its root $schema (the dialect every document here has), so that the
    generator picks the representation it would for the same schema in a spec (a struct, a map...)."""
    if isinstance(schema, dict) and schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema":
        schema = {k: v for k, v in schema.items() if k != "$schema"}
    return schema


def document(groups):
    """The OpenAPI document of groups [(index, schema)]."""
    spec = {"openapi": "3.1.0", "info": {"title": "JSON Schema Test Suite", "version": "1"},
            "paths": {}, "components": {"schemas": {}}}
    for i, schema in groups:
        schema = without_dialect(schema)
        name = "g%d" % i
        base = "#/components/schemas/" + name
        has_id = '"$id"' in json.dumps(schema)  # a group with $id resolves its refs against it
        spec["components"]["schemas"][name] = schema if has_id else rewrite_refs(schema, base)
        body = {"type": "object", "required": ["v"], "properties": {"v": {"$ref": base}}}
        spec["paths"]["/" + name] = {"post": {
            "operationId": name, "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"204": {"description": "valid"}}}}
    return spec


def yaml_safe_json(node):
    """JSON text of node whose floats YAML 1.1 also reads as floats (1e-08 is a string there: 1.0e-08)."""
    if isinstance(node, dict):
        return "{%s}" % ",".join("%s:%s" % (json.dumps(k, ensure_ascii=False), yaml_safe_json(v))
                                 for k, v in node.items())
    if isinstance(node, list):
        return "[%s]" % ",".join(yaml_safe_json(v) for v in node)
    if isinstance(node, float):
        text = repr(node)
        mantissa, e, exp = text.partition("e")
        if e:
            text = "%s%se%s%s" % (mantissa, "" if "." in mantissa else ".0", "" if exp[0] in "+-" else "+", exp)
        return text
    return json.dumps(node, ensure_ascii=False)


def suite_files(suite):
    files = sorted(glob.glob(os.path.join(suite, "*.json")))
    files += [os.path.join(suite, "optional", "format", f + ".json") for f in FORMATS]
    files += [os.path.join(suite, "optional", f + ".json") for f in OPTIONAL]
    return files


def main(argv):
    suite, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    accepted, cases, refused, bad = [], [], [], []
    n = 0
    for path in suite_files(suite):
        fname = os.path.relpath(path, suite)
        if fname in SKIPPED:
            refused.append((fname, "(all groups)", SKIPPED[fname]))
            continue
        with open(path, encoding="utf-8") as f:
            groups = json.load(f)
        for g in groups:
            n += 1
            try:
                build(document([(n, copy.deepcopy(g["schema"]))]), "suite")
            except SpecError as e:
                refused.append((fname, g["description"], str(e)))
                continue
            kw = uses_refused(g["schema"])
            if kw:
                bad.append("%s: %s: uses %s, which keywords.py refuses, yet the generator accepted it"
                           % (fname, g["description"], kw))
            accepted.append((n, g["schema"]))
            for t in g["tests"]:
                cases.append("%d\t%d\t%s\t%s" % (len(accepted) - 1, 1 if t["valid"] else 0, fname,
                                                 json.dumps(t["data"], ensure_ascii=False)))
    spec = document(accepted)
    ctx = build(copy.deepcopy(spec), "suite")  # the whole document must build too
    bodies = {op.c_name: op.body for op in ctx.ops}
    with open(os.path.join(out, "suite.yaml"), "w", encoding="utf-8") as f:
        f.write(yaml_safe_json(spec) + "\n")
    with open(os.path.join(out, "cases.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(cases) + "\n")
    with open(os.path.join(out, "refused.tsv"), "w", encoding="utf-8") as f:
        for r in refused:
            f.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in r) + "\n")
    with open(os.path.join(out, "models.c"), "w", encoding="utf-8") as f:
        f.write('#include "api_models.h"\n\nconst struct rt_valid_model *const suite_models[] = {\n')
        for i, _ in accepted:
            f.write("    &api_%s__model,\n" % bodies["g%d" % i].c_name)
        f.write("};\nconst unsigned long suite_n_models = %d;\n" % len(accepted))
    with open(os.path.join(out, "unrefused.txt"), "w", encoding="utf-8") as f:
        f.write("".join(b + "\n" for b in bad))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
