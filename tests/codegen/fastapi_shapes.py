"""Schemas as FastAPI (pydantic 1 and 2) writes them, which the generator takes as what they mean: an enum with a
default, OAuth2PasswordRequestForm's form, `X | None` parameters and bodies, readOnly in JSON values, a Literal's
default, `list[str] = []`.  Run by test_codegen.py with its helpers; fastapi.json (test_fastapi.c) has them at work
end to end."""

import os
import re

OAUTH2_FORM = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /token:
    post:
      operationId: login
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema: {$ref: '#/components/schemas/Body_login_token_post'}
      responses:
        '200': {description: ok}
components:
  schemas:
    Body_login_token_post:
      type: object
      title: Body_login_token_post
      required: [username, password]
      properties:
        grant_type: {anyOf: [{type: string, pattern: '^password$'}, {type: 'null'}], title: Grant Type}
        username: {type: string, title: Username}
        password: {type: string, format: password, title: Password}
        scope: {type: string, title: Scope, default: ''}
        client_id: {anyOf: [{type: string}, {type: 'null'}], title: Client Id}
        client_secret: {anyOf: [{type: string}, {type: 'null'}], format: password, title: Client Secret}
"""


def generate(tmp, name, text, gen):
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return gen("--spec", path, "--out", os.path.join(tmp, name))


def test_ref_default(tmp, gen, read_all, ok):
    """A query parameter as FastAPI writes `color: Color = Color.red` ({$ref, default}, pydantic 2) or
    {allOf: [$ref], default} (pydantic 1): the enum's rule with the default; a default outside the enum is
    refused with the parameter's pointer."""
    def spec(default):
        return ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n"
                "      parameters:\n"
                "        - {name: c, in: query, schema: {$ref: '#/components/schemas/Color', default: %s}}\n"
                "        - {name: d, in: query, schema: {allOf: [{$ref: '#/components/schemas/Color'}], "
                "default: blue}}\n"
                "      responses:\n        '200': {description: ok}\ncomponents:\n  schemas:\n"
                "    Color: {type: string, enum: [red, blue]}\n" % default)
    r = generate(tmp, "refdefault-red", spec("red"), gen)
    ops = read_all(os.path.join(tmp, "refdefault-red")).get("api_ops.c", "") if r.returncode == 0 else ""
    ok('.default_text = "red"' in ops and '.default_text = "blue"' in ops and
       re.search(r"enum_x_c\[\] = \{\"red\", \"blue\", NULL\}", ops) is not None,
       "{$ref: enum, default} and {allOf: [$ref], default} parameters: the enum's rule with the default: "
       + r.stderr.strip()[-300:])
    r = generate(tmp, "refdefault-green", spec("green"), gen)
    ok(r.returncode != 0 and "#/paths/~1x/get/parameters/0/schema/default: the default 'green'" in r.stderr,
       "a {$ref, default} parameter's default outside the enum is refused at it: " + r.stderr.strip())


def test_oauth2_form(tmp, gen, read_all, ok):
    """FastAPI's OAuth2PasswordRequestForm, as /openapi.json gives it: format password (a hint), nullable
    optional fields, a default on scope.  The fixture (test_fixture_styles.c) shows each at work."""
    r = generate(tmp, "oauth2form", OAUTH2_FORM, gen)
    models = read_all(os.path.join(tmp, "oauth2form")).get("api_models.c", "") if r.returncode == 0 else ""
    ok(r.returncode == 0 and '.default_json = "\\"\\""' in models and "RT_VALID_FORMAT" not in models,
       "OAuth2PasswordRequestForm generates: scope's default, no format check for password: "
       + r.stderr.strip()[-300:])


HERE = os.path.dirname(os.path.abspath(__file__))
PET = """components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        kind: {type: string, const: pet, default: %s}
        tags: {type: array, items: {type: string}, default: %s}
"""


def op_spec(op, pet_kind="pet", pet_tags="[]"):
    return ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /u:\n%s" % op) + PET % (pet_kind, pet_tags)


def response_of(schema):
    return ("    get:\n      operationId: op\n      responses:\n        '200':\n          description: ok\n"
            "          content: {application/json: {schema: %s}}\n" % schema)


def body_of(schema, required="false"):
    return ("    post:\n      operationId: op\n      requestBody:\n        required: %s\n        content: "
            "{application/json: {schema: %s}}\n      responses:\n        '200': {description: ok}\n"
            % (required, schema))


def param_of(schema):
    return ("    get:\n      operationId: op\n      parameters:\n        - {name: limit, in: query, schema: %s}\n"
            "      responses:\n        '200': {description: ok}\n" % schema)


def built(tmp, gen, read_all, name, text):
    r = generate(tmp, name, text, gen)
    files = read_all(os.path.join(tmp, name)) if r.returncode == 0 else {}
    return r, files


def test_read_only_values(tmp, gen, read_all, ok):
    """readOnly on a property of a model met as a JSON value (a list of it, [it, null]): a response's takes it, a
    request's refuses it at run time (the table's read_only, rt_valid_schema_check_request()); writeOnly there builds,
    and the response's reply helper leaves it out (its table and those reaching it flagged; codegen.fastapi runs it)."""
    for name, schema in (("ro-list", "{type: array, items: {$ref: '#/components/schemas/Pet'}}"),
                         ("ro-nullable", "{anyOf: [{$ref: '#/components/schemas/Pet'}, {type: 'null'}]}")):
        r, files = built(tmp, gen, read_all, name, op_spec(response_of(schema)))
        ok(r.returncode == 0 and ".read_only = true," in files.get("api_models.c", ""),
           "readOnly in a response's JSON value (%s) builds, its table flagged: %s" % (name, r.stderr.strip()[-300:]))
    r, files = built(tmp, gen, read_all, "ro-request", op_spec(body_of(
        "{type: array, items: {$ref: '#/components/schemas/Pet'}}", "true"), "null", "null"))
    ok(r.returncode == 0 and "rt_valid_req_body_value" in files.get("api_ops.c", ""),
       "readOnly in a request's JSON value builds (enforced by the runtime): " + r.stderr.strip()[-300:])
    wo = op_spec(response_of("{type: array, items: {$ref: '#/components/schemas/Pet'}}")).replace(
        "name: {type: string}", "name: {type: string, writeOnly: true}")
    r, files = built(tmp, gen, read_all, "wo-list", wo)
    models, ops = files.get("api_models.c", ""), files.get("api_ops.c", "")
    ok(r.returncode == 0 and ".write_only = true," in models and models.count(".has_write_only = true,") >= 3 and
       "body = rt_valid_schema_without_write_only(&api_" in ops,
       "writeOnly in a response's JSON value builds, its reply helper leaves it out: " + r.stderr.strip()[-300:])
    r, files = built(tmp, gen, read_all, "ro-list-only", op_spec(response_of(
        "{type: array, items: {$ref: '#/components/schemas/Pet'}}")))
    ok(r.returncode == 0 and "has_write_only" not in files.get("api_models.c", "") and
       "without_write_only" not in files.get("api_ops.c", ""),
       "without writeOnly, no table is flagged and no reply walks its value")


def test_json_defaults(tmp, gen, read_all, ok):
    """A model's defaults where the model is a JSON value: a response's describe (built); a request's are filled in
    (the property's row has its default_json, the tables reaching it has_default: rt_valid_schema_fill_defaults),
    but under not/if/contains... (never walked) refused at the default; `list[str] = []` is the empty array an
    absent one already is; a Literal's const with its default is filled in (a JSON-value field), one the const
    refuses is refused."""
    r, _ = built(tmp, gen, read_all, "jd-response", op_spec(response_of(
        "{type: array, items: {$ref: '#/components/schemas/Pet'}}"), "pet"))
    ok(r.returncode == 0, "a model with defaults as a list response builds: " + r.stderr.strip()[-300:])
    r, files = built(tmp, gen, read_all, "jd-request", op_spec(body_of(
        "{type: array, items: {$ref: '#/components/schemas/Pet'}}", "true"), "pet", "null"))
    c = files.get("api_models.c", "")
    ok(r.returncode == 0 and '{.name = "kind", .schema = &schema_' in c and '.default_json = "\\"pet\\""}' in c
       and c.count(".has_default = true,") >= 3, "... as a request's list it is filled in: " + r.stderr.strip()[-300:])
    r, _ = built(tmp, gen, read_all, "jd-not", op_spec(body_of(
        "{type: object, not: {properties: {b: {type: string, default: x}}}}", "true")))
    ok(r.returncode != 0 and "#/paths/~1u/post/requestBody/content/application~1json/schema/not/properties/b/default: "
       "a default inside a subschema of contains, if, not" in r.stderr, "a default under not is refused: " + r.stderr)
    r, files = built(tmp, gen, read_all, "jd-model", op_spec(body_of("{$ref: '#/components/schemas/Pet'}"), "pet"))
    h = files.get("api_models.h", "")
    ok(r.returncode == 0 and 'default "pet" when absent' in h and "default []: absent reads as empty" in h and
       '.default_json = "\\"pet\\""' in files.get("api_models.c", ""),
       "a Literal's default and a default [] on a request model: " + r.stderr.strip()[-300:])
    for kind, tags, at, why in (("other", "[]", "kind", "other"), ("pet", "[a]", "tags", "not [\"a\"]")):
        r, _ = built(tmp, gen, read_all, "jd-bad", op_spec(body_of("{$ref: '#/components/schemas/Pet'}"), kind, tags))
        ok(r.returncode != 0 and "#/components/schemas/Pet/properties/%s/default: " % at in r.stderr and why in
           r.stderr, "a default %s/%s is refused at it: %s" % (kind, tags, r.stderr))


def test_optional_params(tmp, gen, read_all, ok):
    """`limit: int | None = Query(10)`: anyOf [S, null] with a default beside is S with that default (text never
    carries null); a default S refuses, or a second default in S, is refused at the default."""
    r, files = built(tmp, gen, read_all, "op-limit", op_spec(param_of(
        "{anyOf: [{type: integer, minimum: 1, maximum: 100}, {type: 'null'}], default: 10, title: Limit}")))
    ops = files.get("api_ops.c", "")
    ok(r.returncode == 0 and '.default_text = "10"' in ops and ".nullable" not in ops and
       ".maximum = {.text = \"100\"" in ops, "an int | None query parameter with default 10: " + r.stderr[-300:])
    r, files = built(tmp, gen, read_all, "op-list", op_spec(param_of(
        "{anyOf: [{type: array, items: {type: integer}, maxItems: 3}, {type: 'null'}], title: Tags}")))
    ok(r.returncode == 0 and ".max_items = 3" in files.get("api_ops.c", ""),
       "an Optional[List[int]] query parameter, its maxItems enforced: " + r.stderr[-300:])
    r, _ = built(tmp, gen, read_all, "op-fa", open(os.path.join(HERE, "fastapi.json"), encoding="utf-8").read())
    ok(r.returncode == 0, "fastapi.json (FastAPI 0.110's shapes) builds: " + r.stderr[-300:])
    for schema, why in (("{anyOf: [{type: integer, maximum: 5}, {type: 'null'}], default: 10}", "maximum 5"),
                        ("{anyOf: [{type: integer, default: 3}, {type: 'null'}], default: 10}", "only one")):
        r, _ = built(tmp, gen, read_all, "op-bad", op_spec(param_of(schema)))
        ok(r.returncode != 0 and "#/paths/~1u/get/parameters/0/schema/default: " in r.stderr and why in r.stderr,
           "%s is refused at its default: %s" % (schema, r.stderr))


def test_optional_body(tmp, gen, read_all, ok):
    """`item: Item | None = None`: the typed Item and has_body (JSON null reads as none); a required one refused."""
    r, files = built(tmp, gen, read_all, "ob", op_spec(body_of(
        "{anyOf: [{$ref: '#/components/schemas/Pet'}, {type: 'null'}], title: Item}")))
    h = files.get("api_ops.h", "")
    ok(r.returncode == 0 and "struct api_pet body;" in h and "bool has_body;" in h,
       "an optional Item | None body is the typed model: " + r.stderr[-300:])
    r, _ = built(tmp, gen, read_all, "ob-req", op_spec(body_of(
        "{anyOf: [{$ref: '#/components/schemas/Pet'}, {type: 'null'}]}", "true")))
    ok(r.returncode != 0 and "a required nullable request body" in r.stderr, "a required one: " + r.stderr)


def test_fastapi_shapes(tmp, gen, read_all, ok):
    test_ref_default(tmp, gen, read_all, ok)
    test_oauth2_form(tmp, gen, read_all, ok)
    test_read_only_values(tmp, gen, read_all, ok)
    test_json_defaults(tmp, gen, read_all, ok)
    test_optional_params(tmp, gen, read_all, ok)
    test_optional_body(tmp, gen, read_all, ok)
