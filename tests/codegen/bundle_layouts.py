"""Specs split over several files as users write them, for test_bundle.py: {file name: document}, the root
document is main.yaml (a file named *.json is written as JSON)."""

INFO = {"openapi": "3.1.0", "info": {"title": "layout", "version": "1"}}


def json_content(schema, media="application/json"):
    return {media: {"schema": schema}}


def get(op_id, schema, **more):
    """A GET operation answering 200 with schema."""
    op = {"operationId": op_id, "responses": {"200": {"description": "ok", "content": json_content(schema)}}}
    op.update(more)
    return {"get": op}


# The auditor's case 1 (Redocly's starter writes it so): a root component that is only a $ref to a file, and a
# path referring to the file itself.  PATHS_FIRST and COMPONENTS_FIRST differ in the order of the root's keys.
ADDRESS = {"type": "object", "properties": {"city": {"type": "string", "minLength": 1}}}
PATHS_FIRST = {
    "main.yaml": dict(INFO, paths={"/users": get("get_user", {"$ref": "./models/Address.yaml"})},
                      components={"schemas": {"Address": {"$ref": "./models/Address.yaml"}}}),
    "models/Address.yaml": ADDRESS,
}
COMPONENTS_FIRST = {
    "main.yaml": dict(INFO, components={"schemas": {"Address": {"$ref": "./models/Address.yaml"}}},
                      paths={"/users": get("get_user", {"$ref": "./models/Address.yaml"})}),
    "models/Address.yaml": ADDRESS,
}

# The auditor's case 2: a path item file -> a response in another file -> a schema file beside that one.
NOT_FOUND = {"description": "nf", "content": json_content({"$ref": "./Address.yaml"})}
PATH_RESPONSE_SCHEMA = {
    "main.yaml": dict(INFO, paths={"/users/{id}": {"$ref": "./paths/user.yaml"}}),
    "paths/user.yaml": {"get": {
        "operationId": "get_user",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"404": {"$ref": "../models/responses.yaml#/NotFound"}}}},
    "models/responses.yaml": {"NotFound": NOT_FOUND},
    "models/Address.yaml": ADDRESS,
}

# Redocly's openapi-starter: paths/ files referring to ../components/<kind>/X.yaml, components referring to each
# other, responses, headers and parameters in files of their own, the root naming only security schemes, code
# samples in files of their own (a str: the file's text).
STARTER = {
    "main.yaml": dict(INFO, paths={"/users/{username}": {"$ref": "paths/users_{username}.yaml"},
                                   "/echo": {"$ref": "paths/echo.yaml"}},
                      components={"securitySchemes": {"api_key": {"type": "apiKey", "in": "header",
                                                                  "name": "api_key"}}}),
    "paths/users_{username}.yaml": {
        "parameters": [{"$ref": "../components/parameters/pretty_print.yaml"}],
        "get": {"operationId": "getUserByName", "security": [{"api_key": []}],
                "x-codeSamples": [{"lang": "C#", "source": {"$ref": "../code_samples/C_sharp/get.cs"}}],
                "parameters": [{"$ref": "../components/parameters/path/username.yaml"}],
                "responses": {"200": {"description": "Success",
                                      "headers": {"X-Expires-After": {
                                          "$ref": "../components/headers/ExpiresAfter.yaml"}},
                                      "content": json_content({"$ref": "../components/schemas/User.yaml"})},
                              "403": {"$ref": "../components/responses/Problem.yaml"}}},
        "put": {"operationId": "updateUser", "security": [{"api_key": []}],
                "parameters": [{"$ref": "../components/parameters/path/username.yaml"}],
                "requestBody": {"required": True,
                                "content": json_content({"$ref": "../components/schemas/User.yaml"})},
                "responses": {"200": {"description": "Success",
                                      "content": json_content({"$ref": "../components/schemas/User.yaml"})},
                              "400": {"$ref": "../components/responses/Problem.yaml"}}}},
    "paths/echo.yaml": {"post": {
        "operationId": "echo",
        "requestBody": {"$ref": "../components/requestBodies/Echo.yaml"},
        "responses": {"200": {"description": "Echo", "content": json_content({"type": "string"})},
                      "400": {"$ref": "../components/responses/Problem.yaml", "description": "Bad echo"}}}},
    "code_samples/C_sharp/get.cs": "var user = await client.GetUserByNameAsync(\"ada\");\n",
    "components/parameters/path/username.yaml": {
        "name": "username", "in": "path", "required": True,
        "schema": {"$ref": "../../schemas/Username.yaml"}},
    "components/parameters/pretty_print.yaml": {"name": "pretty_print", "in": "query", "required": False,
                                                "schema": {"type": "boolean"}},
    "components/headers/ExpiresAfter.yaml": {"description": "when it expires",
                                             "schema": {"type": "string", "format": "date-time"}},
    "components/requestBodies/Echo.yaml": {"required": True,
                                           "content": json_content({"type": "string", "maxLength": 100})},
    "components/responses/Problem.yaml": {"description": "Problem",
                                          "content": json_content({"$ref": "../schemas/Problem.yaml"})},
    "components/schemas/Username.yaml": {"type": "string", "minLength": 4, "maxLength": 16},
    "components/schemas/Email.yaml": {"type": "string", "format": "email"},
    "components/schemas/User.yaml": {"type": "object", "required": ["username"], "properties": {
        "username": {"$ref": "./Username.yaml"}, "email": {"$ref": "./Email.yaml"},
        "firstName": {"type": "string", "minLength": 1}}},
    "components/schemas/Problem.yaml": {"type": "object", "properties": {
        "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": ["string", "array"]}}},
}
# The starter with its schemas named in the root's components, after the paths (the starter's own order), one
# with a description of its own.
STARTER_NAMED = dict(STARTER, **{"main.yaml": dict(STARTER["main.yaml"], components=dict(
    STARTER["main.yaml"]["components"], schemas={"User": {"$ref": "components/schemas/User.yaml",
                                                          "description": "A user"},
                                                 "Problem": {"$ref": "components/schemas/Problem.yaml"}}))})

# A path item file -> a parameter file -> a schema file, the parameter file used by two path items.
CHAIN = {
    "main.yaml": dict(INFO, paths={"/items/{id}": {"$ref": "paths/item.yaml"},
                                   "/items/{id}/owner": {"$ref": "paths/owner.yaml"}}),
    "paths/item.yaml": dict(get("getItem", {"$ref": "../schemas/Item.yaml"}),
                            parameters=[{"$ref": "../parameters/id.yaml"}]),
    "paths/owner.yaml": dict(get("getOwner", {"type": "string"}), parameters=[{"$ref": "../parameters/id.yaml"}]),
    "parameters/id.yaml": {"name": "id", "in": "path", "required": True, "schema": {"$ref": "../schemas/Id.yaml"}},
    "schemas/Id.yaml": {"type": "integer", "minimum": 1},
    "schemas/Item.yaml": {"type": "object", "properties": {"id": {"$ref": "./Id.yaml"}}},
}

# One file reached from several files by different relative paths: one component.
SAME_FILE = {
    "main.yaml": dict(INFO, paths={"/a": get("getA", {"$ref": "./models/a.yaml"}),
                                   "/b": {"$ref": "paths/b.yaml"},
                                   "/c": get("getC", {"$ref": "models/../models/c.yaml"})}),
    "paths/b.yaml": get("getB", {"$ref": "../models/a.yaml"}),
    "models/a.yaml": {"type": "object", "properties": {"n": {"type": "integer", "maximum": 9}}},
    "models/c.yaml": {"type": "object", "properties": {"a": {"$ref": "./a.yaml"}}},
}

# Recursive schemas through two files (A.yaml <-> B.yaml), and one referring to itself through its file.
CYCLE = {
    "main.yaml": dict(INFO, paths={"/a": get("getA", {"$ref": "schemas/A.yaml"}),
                                   "/b": get("getB", {"$ref": "schemas/B.yaml"})}),
    "schemas/A.yaml": {"type": "object", "properties": {"name": {"type": "string"},
                                                        "b": {"$ref": "B.yaml"}}},
    "schemas/B.yaml": {"type": "object", "properties": {"a": {"$ref": "./A.yaml"},
                                                        "next": {"$ref": "../schemas/B.yaml"}}},
}

# JSON files beside YAML ones, both ways.
JSON_BESIDE = {
    "main.yaml": dict(INFO, paths={"/pets": {"$ref": "paths/pets.json"}}),
    "paths/pets.json": get("listPets", {"type": "array", "items": {"$ref": "../schemas/Pet.yaml"}}),
    "schemas/Pet.yaml": {"type": "object", "properties": {"name": {"type": "string"},
                                                          "tag": {"$ref": "Tag.json"}}},
    "schemas/Tag.json": {"type": "string", "maxLength": 8},
}

# $ref with a fragment into another file: a component of another OpenAPI file, a definition of a plain one;
# both also from inside the other file (a local $ref there is the other file's).
ERROR = {"type": "object", "properties": {"detail": {"type": ["string", "array"]}}}
FRAGMENTS = {
    "main.yaml": dict(INFO, paths={
        "/a": {"get": {"operationId": "getA", "responses": {
            "200": {"description": "ok", "content": json_content({"$ref": "defs.yaml#/Thing"})},
            "default": {"description": "error",
                        "content": json_content({"$ref": "common.yaml#/components/schemas/Error"})}}}},
        "/b": {"get": {"operationId": "getB", "responses": {
            "200": {"description": "ok", "content": json_content({"$ref": "defs.yaml#/Other"})},
            "default": {"$ref": "common.yaml#/components/responses/Problem"}}}}}),
    "common.yaml": {"components": {
        "schemas": {"Error": ERROR},
        "responses": {"Problem": {"description": "problem",
                                  "content": json_content({"$ref": "#/components/schemas/Error"})}}}},
    "defs.yaml": {"Thing": {"type": "object", "properties": {"other": {"$ref": "#/Other"}}},
                  "Other": {"type": "object", "properties": {"n": {"type": "integer"}}}},
}

# Two different files whose schemas share a name: refused (a schema kept in a file is named after it), unless
# the root names them; TWINS_NAMED names them.
TWINS = {
    "main.yaml": dict(INFO, paths={"/a": get("getA", {"$ref": "models/Address.yaml"}),
                                   "/b": {"$ref": "paths/b.yaml"}}),
    "paths/b.yaml": get("getB", {"$ref": "../legacy/Address.yaml"}),
    "models/Address.yaml": ADDRESS,
    "legacy/Address.yaml": {"type": "object", "properties": {"zip": {"type": "string", "maxLength": 5}}},
}
TWINS_NAMED = dict(TWINS, **{"main.yaml": dict(TWINS["main.yaml"], components={"schemas": {
    "Address": {"$ref": "models/Address.yaml"}, "LegacyAddress": {"$ref": "legacy/Address.yaml"}}})})

# JSON Schema files with a $id: a $ref inside one resolves against the $id (refs.py), so another file is named by
# its own $id, and a pointer inside the file stays the schema's own.
WITH_IDS = {
    "main.yaml": dict(INFO, paths={"/pets": get("getPet", {"$ref": "schemas/pet.json"}),
                                   "/tags": get("getTag", {"$ref": "schemas/tag.json"})}),
    "schemas/pet.json": {"$id": "https://example.com/schemas/pet", "type": "object", "properties": {
        "tag": {"$ref": "tag.json"}, "name": {"$ref": "#/$defs/name"}},
        "$defs": {"name": {"type": "string", "minLength": 1}}},
    "schemas/tag.json": {"$id": "https://example.com/schemas/tag", "type": "string", "maxLength": 3},
}

# A reference by a $id that looks like a file's path (JSON Schema Test Suite's ref.json, "$id with file URI"):
# no file, so the $id's, left to refs.py.
ID_PATH = {
    "main.yaml": dict(INFO, paths={"/x": get("getX", {"$ref": "#/components/schemas/X"})}, components={"schemas": {
        "X": {"$id": "http://example.com/ref/absref.json", "$ref": "/absref/foobar.json", "$defs": {
            "b": {"$id": "http://example.com/absref/foobar.json", "type": "string"}}}}}),
}

# A discriminator whose mapping names its branches by file, written before the oneOf (Redocly's starter,
# components/schemas/MenuItem.yaml); the branches refer back to a base through allOf.
MAPPING = {
    "main.yaml": dict(INFO, paths={"/menu": get("getItem", {"$ref": "schemas/MenuItem.yaml"})}),
    "schemas/MenuItem.yaml": {"discriminator": {"propertyName": "category",
                                                "mapping": {"beverage": "./Beverage.yaml", "dessert": "Dessert.yaml"}},
                              "oneOf": [{"$ref": "./Beverage.yaml"}, {"$ref": "./Dessert.yaml"}],
                              "required": ["category"]},
    "schemas/Beverage.yaml": {"type": "object", "required": ["category"], "properties": {
        "category": {"type": "string", "const": "beverage"}, "caffeine": {"type": "integer", "minimum": 0}}},
    "schemas/Dessert.yaml": {"type": "object", "required": ["category"], "properties": {
        "category": {"type": "string", "const": "dessert"}, "calories": {"type": "integer", "minimum": 0}}},
}

# Path items in files of their own, the schemas in the root document: named from the files through the root.
ROOT_BACK = {
    "main.yaml": dict(INFO, paths={"/pets": {"$ref": "paths/pets.yaml"}},
                      components={"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}}),
    "paths/pets.yaml": get("listPets", {"type": "array", "items": {"$ref": "../main.yaml#/components/schemas/Pet"}}),
}

# Every layout that must build, with the component schemas its bundled document has (in order).
BUILDS = {
    "paths_first": (PATHS_FIRST, ["Address"]),
    "components_first": (COMPONENTS_FIRST, ["Address"]),
    "path_response_schema": (PATH_RESPONSE_SCHEMA, ["Address"]),
    "starter": (STARTER, ["Username", "User", "Email", "Problem"]),
    "starter_named": (STARTER_NAMED, ["User", "Problem", "Username", "Email"]),
    "chain": (CHAIN, ["Item", "Id"]),
    "same_file": (SAME_FILE, ["a", "c"]),
    "cycle": (CYCLE, ["A", "B"]),
    "json_beside": (JSON_BESIDE, ["Pet", "Tag"]),
    "fragments": (FRAGMENTS, ["Thing", "Other", "Error"]),
    "twins_named": (TWINS_NAMED, ["Address", "LegacyAddress"]),
    "with_ids": (WITH_IDS, ["pet", "tag"]),
    "mapping": (MAPPING, ["MenuItem", "Beverage", "Dessert"]),
    "root_back": (ROOT_BACK, ["Pet"]),
}
