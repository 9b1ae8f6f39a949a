"""Schemas as FastAPI (pydantic 1 and 2) writes them, which the generator takes as what they mean: an enum with a
default, and OAuth2PasswordRequestForm's form.  Run by test_codegen.py with its helpers."""

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


def test_fastapi_shapes(tmp, gen, read_all, ok):
    test_ref_default(tmp, gen, read_all, ok)
    test_oauth2_form(tmp, gen, read_all, ok)
