#!/usr/bin/python3
"""C names made from spec names (run by ctest as codegen.cnames): every case builds to C that compiles
(cc -fsyntax-only -Werror with the runtime's headers) or is refused with the JSON pointer of the construct,
never a C compiler error nor a Python traceback.

- operationIds that are the generator's own words (count, op, dispatch, spec, routes...), C keywords, leading
  digits, case and -/_ variants; an operation without operationId gets a derived one (FastAPI's
  generate_unique_id), refused only where it meets a declared one;
- property names and enum values C cannot spell (GitHub's +1/-1, JSON-LD's @id beside id, "", "<", non-ASCII,
  ASC beside asc) get fallback C names (names.c_names) while the JSON names stay exact;
- parameters whose C names meet in one struct or function (q with allowEmptyValue beside q_empty);
- a trace operation and non-finite bounds are refused with their pointers.
Usage: test_cnames.py [C compiler]
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from tap import done, ok  # noqa: E402  (tests/tap.py)

GEN = os.path.join(REPO, "codegen", "gen.py")
CC = sys.argv[1] if len(sys.argv) > 1 else "cc"
OK200 = {"200": {"description": "ok"}}


def spec(paths, schemas=None):
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas:
        doc["components"] = {"schemas": schemas}
    return doc


def ops(*ids):
    """One GET operation per operationId, on paths /p0, /p1..."""
    return spec({"/p%d" % i: {"get": {"operationId": oid, "responses": OK200}} for i, oid in enumerate(ids)})


def cflags():
    inc = ["-I" + d for d in sorted(glob.glob(os.path.join(REPO, "runtime", "*"))) if os.path.isdir(d)]
    r = subprocess.run(["pkg-config", "--cflags", "json-c", "libevent"], capture_output=True, text=True)
    return inc + (r.stdout.split() if r.returncode == 0 else ["-I/usr/include/json-c"])


def generate(tmp, doc):
    path = os.path.join(tmp, "spec.yaml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False)
    out = os.path.join(tmp, "out")
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run([sys.executable, GEN, "--spec", path, "--out", out], capture_output=True, text=True, cwd=REPO)
    return r, out


def builds(tmp, doc, what, expect=()):
    """doc generates, every .c compiles, and each text of expect is in the generated files."""
    r, out = generate(tmp, doc)
    if r.returncode != 0:
        ok(False, "builds (%s): %s" % (what, r.stderr.strip()))
        return
    errors = []
    for c in sorted(glob.glob(os.path.join(out, "*.c"))):
        cr = subprocess.run([CC, "-std=gnu11", "-fsyntax-only", "-Wall", "-Werror", "-I" + out] + cflags() + [c],
                            capture_output=True, text=True)
        errors += [cr.stderr.strip()] if cr.returncode != 0 else []
    ok(not errors, "compiles (%s)%s" % (what, ": " + "\n".join(errors)[:2000] if errors else ""))
    text = "".join(open(f, encoding="utf-8").read() for f in glob.glob(os.path.join(out, "*")))
    for e in expect:
        ok(e in text, "%s: generated code has %s" % (what, e))


def refused(tmp, doc, message, pointer):
    r, out = generate(tmp, doc)
    ok(r.returncode == 1 and message in r.stderr and (pointer + ": ") in r.stderr and "Traceback" not in r.stderr
       and not os.path.exists(out), "refused (%s at %s): %s" % (message, pointer, r.stderr.strip()))


def test_operation_ids(tmp):
    nasty = ["list", "body_list", "count", "op", "dispatch", "spec", "routes", "models", "client", "int", "default", "switch", "auto",
             "init", "runners", "op_names", "path_methods", "1st", "2nd-op", "getÜber", "x", "client_y", "API"]
    builds(tmp, ops(*nasty), "operationIds the generator or C uses",
           ["handle_count(", "API_OP_COUNT,", "handle_op(", "handle_int(", "API_OP_DEFAULT,", "handle__1st(",
            "handle__2nd_op(", "handle_get_ber(", "API_OP__COUNT"])
    p1 = "#/paths/~1p1/get/operationId"
    for a, b in (("getItem", "get_item"), ("get-item", "get_item"), ("GetItem", "getItem"), ("A", "a")):
        refused(tmp, ops(a, b), "is used twice (or maps to the C name of another", p1)
    refused(tmp, ops("中文"), "operationId '中文' makes no C name", "#/paths/~1p0/get/operationId")
    refused(tmp, ops("find_op"), "the generated code declares itself", "#/paths/~1p0/get/operationId")
    builds(tmp, ops("x", "client_x"), "operations x and client_x without parameters", ["handle_client_x("])
    doc = ops("x", "client_x")
    for p, where in (("/p0", "query"), ("/p1", "query")):
        doc["paths"][p]["get"]["parameters"] = [{"name": "q", "in": where, "schema": {"type": "string"}}]
    refused(tmp, doc, "struct api_client_x_params, which operation 'x'", "#/paths/~1p1/get")
    two_media = lambda: {"content": {m: {"schema": {"$ref": "#/components/schemas/T"}} for m in (
        "application/json", "application/x-www-form-urlencoded")}}
    doc = spec({"/%s" % o: {"post": {"operationId": o, "responses": OK200, "requestBody": two_media()}}
                for o in ("x", "body_x")}, {"T": {"type": "object", "properties": {"a": {"type": "string"}}}})
    refused(tmp, doc, "makes the C name media_body_x, which operation 'x'", "#/paths/~1body_x/post")
    del doc["paths"]["/x"]["post"]["requestBody"]
    builds(tmp, doc, "operations x and body_x, one with a body of two media types", ["media_body_body_x"])
    refused(tmp, ops("n_ops"), "makes the C name api_client_n_ops", "#/paths/~1p0/get/operationId")
    # operation x_y_z's enumerator API_OP_X_Y_Z is schema OpX's enum constant for property y, value z
    doc = ops("x_y_z")
    doc["paths"]["/p0"]["get"]["responses"] = {"200": {"description": "ok", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/OpX"}}}}}
    doc["components"] = {"schemas": {"OpX": {"type": "object", "properties": {"y": {"enum": ["z"], "type": "string"}}}}}
    refused(tmp, doc, "makes the C name API_OP_X_Y_Z, which the enum value 'z' (#/components/schemas/OpX/properties/y)",
            "#/paths/~1p0/get/operationId")
    builds(tmp, body_schema({"x": {"type": "string", "enum": ["count"]}}, name="Op"), "a schema named Op",
           ["struct api_op {", "API_OP_X_COUNT", "API_OP__COUNT"])


def test_derived_ids(tmp):
    params = [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    doc = spec({"/": {"get": {"responses": OK200}}, "/users/{user_id}": {
        "get": {"parameters": params, "responses": OK200}, "delete": {"parameters": params, "responses": OK200}},
        "/a-b.c": {"post": {"responses": OK200}}})
    builds(tmp, doc, "operations without operationId",
           ["handle_get(", "handle_get_users_user_id(struct rt_req *req, const struct api_get_users_user_id_params",
            "handle_delete_users_user_id(", "handle_post_a_b_c(", '"get_users__user_id_"'])
    r, out = generate(tmp, doc)
    served = open(os.path.join(out, "api_spec.c"), encoding="utf-8").read() if r.returncode == 0 else ""
    ok(r.returncode == 0 and "operationId" not in served, "the served spec is the document as written (no "
       "operationId added)")
    doc["paths"]["/x"] = {"get": {"operationId": "get_users_user_id", "responses": OK200}}
    refused(tmp, doc, "is used twice (or maps to the C name of another: get_users_user_id, of operation GET "
            "/users/{user_id} (no operationId: its derived one is 'get_users__user_id_')",
            "#/paths/~1x/get/operationId")
    doc["paths"]["/x"]["get"]["operationId"] = "getUsersUserId"
    refused(tmp, doc, "of operation GET /users/{user_id}", "#/paths/~1x/get/operationId")


def body_schema(props, required=(), name="T"):
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return spec({"/u": {"post": {"operationId": "make", "responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/" + name}}}}}, "requestBody": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/" + name}}}}}}}, {name: schema})


def test_fallback_names(tmp):
    builds(tmp, body_schema({"+1": {"type": "integer"}, "-1": {"type": "integer"}, "laugh": {"type": "integer"}},
                            ["+1", "-1"]), "GitHub's reactions +1 and -1",
           ["int64_t _1;", "int64_t _1_2;", '"+1"', '"-1"'])
    builds(tmp, body_schema({"@id": {"type": "string"}, "@type": {"type": "string"}, "id": {"type": "integer"}}),
           "JSON-LD's @id beside id", ["const char *id_2;", "int64_t id;", '"@id"', "const char *type;"])
    odd = {"": {"type": "string"}, "<": {"type": "string"}, "+": {"type": "string"}, "中文": {"type": "string"},
           "a-b": {"type": "string"}, "a_b": {"type": "string"}, "int": {"type": "string"},
           "has_x": {"type": "string"}, "x": {"type": "string"}, "o": {"type": "object", "properties": {}}}
    builds(tmp, body_schema(odd), "property names C cannot spell",
           ["const char *_1;", "const char *_2;", "const char *_3;", "const char *_4;", "const char *a_b_2;",
            "const char *a_b;", "const char *int_;", '"\\344\\270\\255\\346\\226\\207"'])
    enum = ["", "<", "+", "中文", "ASC", "asc", "a-b", "a_b", "A", "a", "+1", "-1"]
    builds(tmp, body_schema({"o": {"type": "string", "enum": enum}}), "enum values C cannot spell",
           ["API_T_O__1 \"\"", "API_T_O__2 \"<\"", "API_T_O__3 \"+\"", "API_T_O__4 \"\\344", "API_T_O_ASC \"ASC\"",
            "API_T_O_ASC_2 \"asc\"", "API_T_O_A_B_2 \"a-b\"", "API_T_O_A_B \"a_b\"", "API_T_O_A \"A\"",
            "API_T_O_A_2 \"a\"", "API_T_O__1_2 \"+1\"", "API_T_O__1_3 \"-1\""])
    refused(tmp, body_schema({"x": {"type": "integer"}, "has_x": {"type": "string"}}), "the flag saying whether",
            "#/components/schemas/T/properties/has_x")
    refused(tmp, body_schema({"x": {"type": ["integer", "null"]}, "x_null": {"type": "string"}}),
            "property 'x_null' maps to the C field x_null, the flag saying whether property 'x' is null",
            "#/components/schemas/T/properties/x_null")
    refused(tmp, body_schema({"a_null": {"type": "integer"}, "has_a": {"type": ["string", "null"]}}),
            "the flags of properties 'a_null' and 'has_a' are both the C field has_a_null",
            "#/components/schemas/T/properties/has_a")
    refused(tmp, spec({"/u": {"get": {"operationId": "op", "responses": OK200}}},
                      {"中文": {"type": "object", "properties": {"a": {}}}}),
            "cannot make a C name from '中文'", "#/components/schemas/中文")


def union_doc(extra):
    """Schema Pet's property owner is a tagged union of A and B (struct api_pet_owner, API_PET_OWNER_A...)."""
    branch = lambda k: {"type": "object", "properties": {"kind": {"const": k}}, "required": ["kind"]}
    schemas = {"A": branch("a"), "B": branch("b"), "Pet": {"type": "object", "properties": {"owner": {
        "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
        "discriminator": {"propertyName": "kind"}}}}}
    schemas.update(extra)
    return spec({"/u": {"post": {"operationId": "op", "responses": OK200, "requestBody": {"content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}}, schemas)


def test_unions(tmp):
    builds(tmp, union_doc({}), "a tagged union", ["struct api_pet_owner {", "API_PET_OWNER_A"])
    refused(tmp, union_doc({"PetOwner": {"type": "object", "properties": {"x": {"type": "string"}}}}),
            "makes the C name struct api_pet_owner, which property 'owner' (#/components/schemas/Pet/properties/owner)",
            "#/components/schemas/PetOwner")
    refused(tmp, union_doc({"PetOwnerKind": {"type": "object", "properties": {"x": {"type": "string"}}}}),
            "makes the C name struct api_pet_owner_kind", "#/components/schemas/PetOwnerKind")


def query(*params):
    return spec({"/u/{c}": {"get": {"operationId": "op", "responses": OK200, "parameters": [
        {"name": "c", "in": "path", "required": True, "schema": {"type": "string"}}] + list(params)}}})


def test_members(tmp):
    q = {"name": "q", "in": "query", "allowEmptyValue": True, "schema": {"type": "string"}}
    refused(tmp, spec({"/u": {"get": {"operationId": "op", "responses": OK200, "parameters": [
        q, {"name": "q_empty", "in": "query", "schema": {"type": "integer"}}]}}}),
        "params->q_empty of struct api_op_params, which parameter 'q'", "#/paths/~1u/get/parameters/1/name")
    refused(tmp, query({"name": "n", "in": "query", "schema": {"type": "integer"}},
                       {"name": "has_n", "in": "query", "schema": {"type": "string"}}),
            "the flag saying whether parameter 'n'", "#/paths/~1u~1{c}/get/parameters/2/name")
    refused(tmp, query(), "makes the C name c in api_client_op(), which the generated code uses itself",
            "#/paths/~1u~1{c}/get/parameters/0/name")
    refused(tmp, spec({"/v/{values}": {"get": {"operationId": "op", "responses": OK200, "parameters": [
        {"name": "values", "in": "path", "required": True, "schema": {"type": "integer"}}]}}}),
        "values in api_client_op()", "#/paths/~1v~1{values}/get/parameters/0/name")
    builds(tmp, spec({"/u/{path}/{req}": {"get": {"operationId": "op", "responses": OK200, "parameters": [
        {"name": n, "in": "path", "required": True, "schema": {"type": "integer"}} for n in ("path", "req")] + [
        {"name": n, "in": "query", "schema": {"type": "integer"}}
        for n in ("params", "errs", "q_empty", "values_")]}}}),
        "parameters named like the generated code's locals", ["int64_t path;", "int64_t params_;"])


def test_refused_constructs(tmp):
    for name in ("中文", "<"):  # "" is refused as a name (document.py)
        refused(tmp, query({"name": "x", "in": "query", "schema": {"type": "string"}},
                           {"name": name, "in": "query", "schema": {"type": "string"}}),
                "cannot make a C name from %r" % name, "#/paths/~1u~1{c}/get/parameters/2/name")
        refused(tmp, spec({"/u": {"get": {"operationId": "a", "responses": OK200, "parameters": [
            {"name": name, "in": "header", "schema": {"type": "string"}}]}}}), "cannot make a C name from %r" % name,
            "#/paths/~1u/get/parameters/0/name")
    doc = ops("a")
    doc["paths"]["/p0"]["trace"] = {"operationId": "t", "responses": OK200}
    refused(tmp, doc, "a trace operation is not supported", "#/paths/~1p0/trace")
    for key, value in (("maximum", float("inf")), ("minimum", float("-inf")), ("multipleOf", float("nan")),
                       ("exclusiveMaximum", float("inf"))):
        refused(tmp, body_schema({"x": {"type": "number", key: value}}), "must be a finite number",
                "#/components/schemas/T/properties/x/" + key)


def test_response_names(tmp):
    """A response's names: the client's media and headers tables, a several-media response's enumerators (from a
    review: both made C the compiler rejected)."""
    json_csv = {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/X"}}, "text/plain": {"schema": {
            "type": "string"}}}}}
    two_media = {"content": {m: {"schema": {"$ref": "#/components/schemas/X"}} for m in (
        "application/json", "application/x-www-form-urlencoded")}}
    x = {"type": "object", "properties": {"a": {"type": "string"}}}
    doc = spec({"/a": {"get": {"operationId": "a", "responses": json_csv}},
                "/b": {"post": {"operationId": "a_200", "responses": OK200, "requestBody": two_media}}}, {"X": x})
    refused(tmp, doc, "makes the C name media_a_200, which response 200 of operation 'a'", "#/paths/~1b/post")
    doc = spec({"/x": {"get": {"operationId": "x", "responses": json_csv}}}, {"X": {
        "type": "object", "properties": {"_200": {"type": "string", "enum": ["text_plain", "other"]}}}})
    refused(tmp, doc, "makes the C name API_X__200_TEXT_PLAIN, which the enum value 'text_plain'", "#/paths/~1x/get")
    builds(tmp, spec({"/x": {"get": {"operationId": "x", "responses": json_csv}}}, {"X": x}),
           "a response of two media types", ["API_X__200_TEXT_PLAIN", "api_x__accept_200"])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_operation_ids(tmp)
        test_derived_ids(tmp)
        test_fallback_names(tmp)
        test_members(tmp)
        test_unions(tmp)
        test_refused_constructs(tmp)
        test_response_names(tmp)
    return done()


if __name__ == "__main__":
    sys.exit(main())
