"""Broken references and documents that break OpenAPI's own schema: refused with the pointer, never a Python error
(run by test_codegen.py with its helpers)."""

import os

SCHEMAS = "#/components/schemas/"
ITEM = "#/paths/~1items~1{item_id}/get"


def schemas(s):
    return s["components"]["schemas"]


def item_get(s):
    return s["paths"]["/items/{item_id}"]["get"]


def test_refs(tmp, refused, accepted):
    """Every $ref of the document resolves, reached by an operation or not; a $id is declared once; a key of a map
    of names is a name (refs.py)."""
    # a broken $ref where nothing validates with it: still a broken document (the served spec carries it)
    refused(tmp, lambda s: schemas(s).update(Unused={"type": "array", "items": {"$ref": "#/components/schemas/No"}}),
            "unresolved $ref '#/components/schemas/No'", SCHEMAS + "Unused/items/$ref")
    refused(tmp, lambda s: s["components"].update(responses={"Gone": {"description": "x", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/No"}}}}}),
            "unresolved $ref '#/components/schemas/No'", "#/components/responses/Gone/content/application~1json/schema/$ref")
    refused(tmp, lambda s: item_get(s)["responses"].update({"default": {"$ref": "#/components/responses/No"}}),
            "unresolved $ref '#/components/responses/No'", ITEM + "/responses/default/$ref")
    # a $ref that is no text (YAML's unquoted number, a list), used or not: refused, not a Python error
    refused(tmp, lambda s: schemas(s)["Owner"]["properties"]["pet"]["oneOf"][1].update({"$ref": 1}),
            "1 is not a string: a $ref is a URI reference", SCHEMAS + "Owner/properties/pet/oneOf/1/$ref")
    refused(tmp, lambda s: schemas(s).update(Unused={"$ref": ["#/components/schemas/Pet"]}),
            '["#/components/schemas/Pet"] is not a string', SCHEMAS + "Unused/$ref")
    # a property named like a keyword ("default") is a schema: its $ref under a $id resolves against that $id
    accepted(tmp, lambda s: schemas(s).update(X={"$id": "https://x.example/x", "type": "object", "properties": {
        "default": {"$ref": "#/$defs/s"}}, "$defs": {"s": {"type": "string"}}}), "a property named default")
    refused(tmp, lambda s: schemas(s).update(A={"$id": "https://x.example/a", "type": "array"},
                                             B={"$id": "https://x.example/a", "type": "string"}),
            "'https://x.example/a' is the $id of #/components/schemas/A already", SCHEMAS + "B/$id")


def test_document_schema(tmp, refused):
    """A stage meeting a value of a shape OpenAPI does not allow: the refusal says where the document breaks the
    official schema of its version (docschema.py)."""
    refused(tmp, lambda s: s["components"]["securitySchemes"]["key_q"].update({"in": [1, 2]}),
            "[1, 2] is not one of ['query', 'header', 'cookie'] (the document is not valid OpenAPI 3.1",
            "#/components/securitySchemes/key_q/in")

    def in_list_and_int_code(s):  # YAML's unquoted 200: is an integer key, which the diagnosis must take
        s["components"]["securitySchemes"]["key_q"]["in"] = [1, 2]
        item_get(s)["responses"][299] = {"description": "an integer key"}
    refused(tmp, in_list_and_int_code, "[1, 2] is not one of ['query', 'header', 'cookie']",
            "#/components/securitySchemes/key_q/in")


DUP_HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
DUP_OP = ("paths:\n  /admin/{id}:\n    delete:\n      operationId: drop\n      security: [{key: []}]\n"
          "      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n")
DUP_TAIL = ("components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n")


def test_duplicate_keys(tmp, gen, ok):
    """A key written twice in one mapping is refused with its pointer and both lines (loader.py): the parser
    keeps the last one, so a leftover `security: []` would open an operation to anyone, and a property written
    twice would lose its bounds.  YAML's merge keys still override as YAML says."""
    cases = [
        ("security", DUP_HEAD + DUP_OP + "      security: []\n      responses: {'204': {description: gone}}\n"
         + DUP_TAIL, "#/paths/~1admin~1{id}/delete/security: key 'security' appears twice", "line 7 column 7, then line 9 column 7"),
        ("property", DUP_HEAD + "paths:\n  /u:\n    post:\n      operationId: u\n      requestBody:\n"
         "        content:\n          application/json:\n            schema:\n              type: object\n"
         "              properties:\n                name: {type: string, maxLength: 10}\n"
         "                name: {type: string}\n      responses: {'200': {description: ok}}\n",
         "schema/properties/name: key 'name' appears twice", "line 13 column 17, then line 14 column 17"),
        ("200 and '200'", DUP_HEAD + "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n"
         "        200: {description: x}\n        '200': {description: y}\n",
         "#/paths/~1a/get/responses/200: key '200' appears twice", "line 8"),
        ("true and True", DUP_HEAD + "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n"
         "        200: {description: x, headers: {true: {schema: {type: string}}, True: {schema: {type: string}}}}\n",
         "key 'true' appears twice", "line 8"),
        ("0o310 and 200", DUP_HEAD + "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n"
         "        0o310: {description: x}\n        200: {description: y}\n",
         "#/paths/~1a/get/responses/200: key '200' appears twice", "line 8"),
    ]
    for what, text, message, lines in cases:
        path = os.path.join(tmp, "dup.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        r = gen("--spec", path, "--out", os.path.join(tmp, "dup"))
        ok(r.returncode == 1 and message in r.stderr and lines in r.stderr and "Traceback" not in r.stderr,
           "a key written twice (%s) is refused: %s" % (what, r.stderr.strip()))
    path = os.path.join(tmp, "dup.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {\n'
                '"operationId": "a", "responses": {"200": {"description": "x", "description": "y"}}}}}}\n')
    r = gen("--spec", path, "--out", os.path.join(tmp, "dup"))
    ok(r.returncode == 1 and "#/paths/~1a/get/responses/200/description: key 'description' appears twice" in
       r.stderr, "a key written twice in JSON is refused: " + r.stderr.strip())
    path = os.path.join(tmp, "tabs.json")  # JSON but not YAML (a tab before a key): read as JSON
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n\t"openapi": "3.1.0",\n\t"info": {"title": "t", "version": "1"},\n\t"paths": {"/a": {"get": {\n'
                '\t\t"operationId": "a", "responses": {"200": {"description": "x"}}}}}\n}\n')
    r = gen("--spec", path, "--out", os.path.join(tmp, "tabs"))
    ok(r.returncode == 0, "tab-indented JSON builds: " + r.stderr.strip())
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n\t"openapi": "3.1.0",\n\t"openapi": "3.0.3",\n\t"info": {"title": "t", "version": "1"},\n'
                '\t"paths": {}\n}\n')
    r = gen("--spec", path, "--out", os.path.join(tmp, "tabs"))
    ok(r.returncode == 1 and "key 'openapi' appears twice in one JSON object" in r.stderr,
       "a key written twice in tab-indented JSON is refused: " + r.stderr.strip())
    path = os.path.join(tmp, "merge.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(DUP_HEAD + "x-ok: &ok {description: ok}\npaths:\n  /a:\n    get:\n      operationId: a\n"
                "      responses:\n        '200': {<<: *ok, description: fine}\n")
    r = gen("--spec", path, "--out", os.path.join(tmp, "merge"))
    ok(r.returncode == 0, "a YAML merge key overridden by an explicit key is accepted: " + r.stderr.strip())


def test_yaml_keys(tmp, gen, read_all, ok):
    """YAML's unquoted 404, true or ~ as a key is the JSON name "404", "true", "null" (loader.py json_keys): a
    property named 404 builds (it was a Python TypeError), and the served spec names it as JSON does."""
    path = os.path.join(tmp, "numkeys.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(DUP_HEAD + "paths:\n  /n:\n    post:\n      operationId: n\n      requestBody:\n"
                "        content:\n          application/json:\n            schema:\n              type: object\n"
                "              required: ['404']\n              properties:\n                404: {type: integer}\n"
                "                true: {type: string}\n      responses: {200: {description: ok}}\n")
    out = os.path.join(tmp, "numkeys")
    r = gen("--spec", path, "--out", out)
    ok(r.returncode == 0 and "Traceback" not in r.stderr, "a property named 404 (an unquoted YAML key) builds: "
       + r.stderr.strip())
    files = read_all(out) if r.returncode == 0 else {}
    ok('\\"404\\"' in files.get("api_spec.c", "") and '\\"true\\"' in files.get("api_spec.c", ""),
       "the served spec names the properties \"404\" and \"true\"")


def test_not_utf8(tmp, gen, ok):
    """A spec file that is not UTF-8 (OpenAPI's and JSON's encoding) is refused with the line and column of the
    first bad byte (loader.py read_utf8), not a Python UnicodeDecodeError."""
    path = os.path.join(tmp, "latin1.yaml")
    with open(path, "wb") as f:
        f.write(DUP_HEAD.encode() + b"paths:\n  /a:\n    get:\n      summary: caf\xe9\n      operationId: a\n"
                b"      responses: {'200': {description: ok}}\n")
    r = gen("--spec", path, "--out", os.path.join(tmp, "latin1"))
    ok(r.returncode == 1 and "latin1.yaml:6:19: byte 0xe9 is not UTF-8" in r.stderr and "Traceback" not in r.stderr,
       "a spec in Latin-1 is refused with the byte's line and column: " + r.stderr.strip())


def test_enum_types(tmp, refused, accepted):
    """An enum value or const its own schema's type never accepts is refused (keywords.py): YAML's unquoted 1 in
    a string enum would make "1" a 422 for ever."""
    prop = "#/components/schemas/Owner/properties/"

    def pet_prop(name, schema):
        return lambda s: schemas(s)["Owner"]["properties"].update({name: schema})
    refused(tmp, pet_prop("level", {"type": "string", "enum": [1, "high"]}),
            "the enum value 1 is of type integer, which the schema's type string never accepts (YAML reads it "
            "unquoted as an integer: quote it)", prop + "level/enum")
    refused(tmp, pet_prop("level", {"type": ["integer", "null"], "enum": [1, 2.5]}),
            "the enum value 2.5 is of type number", prop + "level/enum")
    refused(tmp, pet_prop("level", {"type": "boolean", "const": "true"}),
            "the const 'true' is of type string, which the schema's type boolean never accepts", prop + "level/const")
    accepted(tmp, pet_prop("level", {"type": "number", "enum": [1, 2.5]}), "an integer is a number")
    accepted(tmp, pet_prop("level", {"type": "integer", "enum": [1, 2.0]}), "2.0 is an integer")
    accepted(tmp, pet_prop("level", {"enum": [1, "a", None]}), "an enum without a type")
