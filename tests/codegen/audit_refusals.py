"""Constructs an adversarial audit found accepted and then ignored (or answered with a broken pointer): each is
now refused with its JSON pointer, or enforced.  Run by test_codegen.py with its helpers (kept apart so that each
file stays readable)."""

import re
import subprocess

ITEM = "#/paths/~1items~1{item_id}"
GET_ITEM = ITEM + "/get"


def item_get(s):
    return s["paths"]["/items/{item_id}"]["get"]


def test_params(tmp, refused, accepted):
    """One list naming a parameter twice (OpenAPI forbids it; only the last was enforced), a path parameter not
    required: true, and a default on a required parameter (the default was applied, required ignored)."""
    q_int = {"name": "q", "in": "query", "schema": {"type": "integer"}}
    refused(tmp, lambda s: item_get(s)["parameters"].append({"name": "item_id", "in": "query", "schema": {}}),
            "parameter 'item_id' in query maps to the C name item_id of parameter 'item_id' in path: both would be "
            "params->item_id (rename one)", GET_ITEM + "/parameters/7/name")
    refused(tmp, lambda s: item_get(s)["parameters"].append({"name": "x_trace", "in": "query", "schema": {}}),
            "parameter 'x_trace' in query maps to the C name x_trace of parameter 'x-trace' in header",
            GET_ITEM + "/parameters/7/name")
    refused(tmp, lambda s: item_get(s)["parameters"].append(q_int), "parameter 'q' in query is declared twice in "
            "one list (also at %s/parameters/1)" % GET_ITEM, GET_ITEM + "/parameters/7")
    refused(tmp, lambda s: item_get(s)["parameters"].append({"name": "X-Trace", "in": "header", "schema": {}}),
            "parameter 'X-Trace' in header is declared twice in one list", GET_ITEM + "/parameters/7")
    refused(tmp, lambda s: s["paths"]["/items/{item_id}"].update(parameters=[q_int, q_int]),
            "parameter 'q' in query is declared twice", ITEM + "/parameters/1")
    accepted(tmp, lambda s: s["paths"]["/items/{item_id}"].update(parameters=[
        {"name": "X-TRACE", "in": "header", "schema": {"type": "integer"}}]),
        "an operation's header parameter overrides the path item's of the same name in another case")
    refused(tmp, lambda s: item_get(s)["parameters"][0].update(required=False),
            "path parameter 'item_id' must have required: true", GET_ITEM + "/parameters/0/required")
    refused(tmp, lambda s: item_get(s)["parameters"][0].pop("required"),
            "path parameter 'item_id' must have required: true", GET_ITEM + "/parameters/0")
    refused(tmp, lambda s: item_get(s)["parameters"][1].update(required=True, schema={"type": "string",
                                                                                       "default": "abc"}),
            "a default on a required parameter is never applied", GET_ITEM + "/parameters/1/schema/default")
    accepted(tmp, lambda s: item_get(s)["parameters"][1].update(required=True), "a required parameter, no default")


def test_routes(tmp, refused, accepted, mutated, read_all, ok):
    """Paths that differ only in their parameters' names are one route: a second operation of the same method
    was never reached.  A declared HEAD operation answers HEAD (a GET route did); a path with a query, a
    fragment, a percent-escape or a dot segment never matched."""
    other = {"operationId": "other_item", "parameters": [{"name": "other", "in": "path", "required": True,
                                                          "schema": {"type": "string"}}],
             "responses": {"204": {"description": "x"}}}
    refused(tmp, lambda s: s["paths"].update({"/items/{other}": {"get": other}}),
            "GET /items/{other} is the same route as GET /items/{item_id} (%s)" % GET_ITEM,
            "#/paths/~1items~1{other}/get")
    accepted(tmp, lambda s: s["paths"].update({"/items/{other}": {"put": other}}),
             "the same path shape with another method (routed by method)")
    refused(tmp, lambda s: s["paths"].update({"/items?all=1": {"get": dict(other, parameters=[])}}),
            "path '/items?all=1' has a query or fragment", "#/paths/~1items?all=1")
    refused(tmp, lambda s: s["paths"].update({"/caf%C3%A9": {"get": dict(other, parameters=[])}}),
            "path '/caf%C3%A9' has a percent-escape", "#/paths/~1caf%C3%A9")
    refused(tmp, lambda s: s["paths"].update({"/items/../x": {"get": dict(other, parameters=[])}}),
            "has a '.' or '..' segment", "#/paths/~1items~1..~1x")
    accepted(tmp, lambda s: s["paths"].update({"/caf\u00e9": {"get": dict(other, parameters=[])}}),
             "a path with the character itself (the router matches decoded paths)")

    r, out = mutated(tmp, lambda s: s["paths"]["/items/{item_id}"].update(head=dict(
        other, operationId="head_item", parameters=[{"name": "item_id", "in": "path", "required": True,
                                                     "schema": {"type": "integer"}}])))
    ops = read_all(out)["api_ops.c"] if r.returncode == 0 else ""
    ok(re.search(r"\.methods = RT_METHOD_GET, \.op = API_OP_GET_ITEM\}", ops) is not None and
       re.search(r"\.methods = RT_METHOD_HEAD, \.op = API_OP_HEAD_ITEM\}", ops) is not None,
       "a declared HEAD operation is routed, its path's GET answers GET only: " + r.stderr.strip())
    subprocess.run(["rm", "-rf", out], check=True)


def item_create_prop(schema, **components):
    """A mutation adding property r (schema) to ItemCreate, the body of create_item, and these components."""
    def mutate(s):
        s["components"]["schemas"].update(components)
        s["components"]["schemas"]["ItemCreate"]["properties"]["r"] = schema
    return mutate


def test_json_value_defaults(tmp, refused, accepted):
    """A default on a property of an object model is filled in where the model is one (an array of X), and where
    the same object is validated as part of a request's JSON value (an array of X with minItems, a then:
    rt_valid_schema_fill_defaults); under not/if, which apply a schema as a test, nothing would fill it in:
    refused there when a request reaches it."""
    x = {"type": "object", "properties": {"k": {"type": "string"}, "n": {"type": "integer", "default": 9}}}
    accepted(tmp, item_create_prop({"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/X"}},
                                   X=x), "an object model's default inside a JSON value: filled in")
    accepted(tmp, item_create_prop({"type": "object", "if": {"required": ["a"]},
                                    "then": {"properties": {"b": {"type": "integer", "default": 1}}}}),
             "a default under then: filled in when the if holds")
    refused(tmp, item_create_prop({"type": "object", "if": {"properties": {"b": {"type": "integer", "default": 1}}},
                                   "then": {"required": ["a"]}}), "a default inside a subschema of contains, if, not",
            "#/components/schemas/ItemCreate/properties/r/if/properties/b/default")
    refused(tmp, item_create_prop({"type": "array", "minItems": 1, "contains": {"$ref": "#/components/schemas/X"}},
                                  X=x), "is never filled in where a request's value reaches it",
            "#/components/schemas/X/properties/n/default")
    accepted(tmp, item_create_prop({"type": "array", "items": {"$ref": "#/components/schemas/X"}}, X=x),
             "an array of object models: their defaults are filled in")
    accepted(tmp, item_create_prop({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]}, X=x),
             "a nullable object model")
    accepted(tmp, lambda s: s["components"]["schemas"].update(X=x, Unused={"type": "array", "minItems": 1, "items": {
        "$ref": "#/components/schemas/X"}}), "the same array where no request reaches it")


def test_flag_names(tmp, refused):
    """A property or parameter named has_<x> beside an optional integer x: the struct had has_x twice (the C
    compiler refused it, with no pointer)."""
    refused(tmp, lambda s: s["components"]["schemas"]["ItemCreate"]["properties"].update(
        k={"type": "integer"}, has_k={"type": "boolean"}),
        "property 'has_k' maps to the C field has_k, the flag saying whether property 'k' is set",
        "#/components/schemas/ItemCreate/properties/has_k")
    refused(tmp, lambda s: item_get(s)["parameters"].append({"name": "has_ratio", "in": "query",
                                                             "schema": {"type": "boolean"}}),
            "parameter 'has_ratio' maps to the C name has_ratio, the flag saying whether parameter 'ratio' was sent",
            GET_ITEM + "/parameters/7/name")


def test_runtime_replies(tmp, refused, accepted):
    """A declared response covering the runtime's own 422 (or 401/403/415) whose schema rejects what the runtime
    sends: the server broke its contract on every refused request."""
    replies = lambda s: s["paths"]["/replies/{mode}"]["get"]["responses"]
    refused(tmp, lambda s: replies(s).pop("422"), "response 4XX covers the runtime's 422 for a parameter or the "
            "body it refuses, whose body this schema does not accept: {\"detail\": [{\"type\": \"missing\"",
            "#/paths/~1replies~1{mode}/get/responses/4XX/content/application~1json/schema")
    refused(tmp, lambda s: replies(s).update({"422": {"description": "x", "content": {"text/plain": {"schema": {"type": "string"}}}}}),
            "response 422 covers the runtime's 422", "#/paths/~1replies~1{mode}/get/responses/422/content")
    refused(tmp, lambda s: (replies(s).pop("422"), replies(s).update({"4XX": {"description": "x", "content": {
        "application/problem+json": {"schema": {"type": "object"}}}}})),  # huma's default: RFC 9457 only
        "which is application/json ({\"detail\": [{\"type\": \"missing\"", "#/paths/~1replies~1{mode}/get/responses/4XX/content")
    refused(tmp, lambda s: (replies(s).pop("422"), replies(s).update({"4XX": {"description": "x", "content": {
        "application/problem+json": {"schema": {"type": "object"}}}}})),
        "or declare 422 itself (FastAPI's HTTPValidationError), so that 4XX describes only what the handler sends")
    accepted(tmp, lambda s: replies(s).update({"422": {"description": "x"}}), "a 422 without content")
    accepted(tmp, lambda s: replies(s).update({"422": {"description": "x", "content": {"application/json": {
        "schema": {"type": "object", "properties": {"detail": {}}}}}}}), "a 422 schema that accepts the runtime's")
    secure = "#/paths/~1secure~1alt/get/responses/401/content/application~1json/schema"
    refused(tmp, lambda s: s["paths"]["/secure/alt"]["get"]["responses"].update({"401": {"description": "x", "content": {
        "application/json": {"schema": {"type": "object", "required": ["code"]}}}}}),
        "response 401 covers the runtime's 401 for missing or refused credentials", secure)
    create = lambda s: s["paths"]["/items/"]["post"]
    text_body = {"text/plain": {"schema": {"type": "string"}}}
    refused(tmp, lambda s: (create(s)["requestBody"].update(content=text_body), create(s)["responses"].update({
        "415": {"description": "x", "content": {"application/json": {"schema": {"type": "object",
                                                                                "required": ["code"]}}}}})),
            "response 415 covers the runtime's 415 for a body of a media type it does not take",
            "#/paths/~1items~1/post/responses/415/content/application~1json/schema")
    accepted(tmp, lambda s: (create(s)["requestBody"].update(content=text_body), create(s)["responses"].update({
        "415": {"description": "x", "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/HTTPError"}}}}})), "a 415 in the runtime's {detail: text} shape")


def test_values(tmp, refused):
    """A string where a flag belongs was read as Python's truth ('false' meant required); a length beyond what a
    size_t holds failed the C compiler, with no pointer.  A request body with no content named 'None' for its
    pointer."""
    refused(tmp, lambda s: item_get(s)["parameters"][1].update(required="false"), "Parameter field 'required: "
            "false' is refused: must be true or false", GET_ITEM + "/parameters/1/required")
    refused(tmp, lambda s: item_get(s)["parameters"][1].update(explode="no"), "must be true or false",
            GET_ITEM + "/parameters/1/explode")
    refused(tmp, lambda s: s["paths"]["/items/"]["post"]["requestBody"].update(required="yes"),
            "Request Body field 'required: yes' is refused: must be true or false",
            "#/paths/~1items~1/post/requestBody/required")
    refused(tmp, lambda s: item_get(s)["parameters"][1]["schema"].update(maxLength=10 ** 30),
            "must be at most 2^63 - 1", GET_ITEM + "/parameters/1/schema/maxLength")
    refused(tmp, lambda s: s["paths"]["/items/"]["post"]["requestBody"].update(content={}),
            "only application/json and application/x-www-form-urlencoded request bodies are supported",
            "#/paths/~1items~1/post/requestBody/content")


def test_inline_tags(tmp, refused, mutated, read_all, ok):
    """A discriminator without a mapping over inline branches (utoipa's `#[serde(tag = "type")]`): each branch's tag
    is the one value it gives the property, in its properties or an allOf member; a branch giving none, or another
    branch's, is refused (unions.py inline_tag)."""
    def branch(name, tag):
        return {"allOf": [{"$ref": "#/components/schemas/" + name}, {"type": "object", "required": ["type"],
                "properties": {"type": {"type": "string", "enum": [tag]}}}]}
    event = lambda a, b: {"type": "array", "items": {"oneOf": [a, b], "discriminator": {"propertyName": "type"}}}
    r, out = mutated(tmp, item_create_prop(event(branch("Cat", "cat"), {"type": "object", "properties": {
        "type": {"const": "other"}}})))
    models = read_all(out).get("api_models.c", "") if r.returncode == 0 else ""
    ok(re.search(r"_tags\[\] = \{\{\"cat\", 0\}, \{\"other\", 1\}\};", models) is not None,
       "inline branches' own values are their tags: " + r.stderr.strip()[-300:])
    subprocess.run(["rm", "-rf", out], check=True)
    at = "#/components/schemas/ItemCreate/properties/r/items/oneOf/1"
    refused(tmp, item_create_prop(event(branch("Cat", "cat"), branch("Dog", "cat"))),
            "its discriminator value 'cat' is another branch's too", at)
    refused(tmp, item_create_prop(event(branch("Cat", "cat"), {"type": "object", "properties": {
        "type": {"enum": ["a", "b"]}}})), "an inline branch needs a discriminator mapping naming it, or its own "
            "value of 'type'", at)


def test_audit(tmp, refused, accepted, mutated, read_all, ok):
    test_params(tmp, refused, accepted)
    test_routes(tmp, refused, accepted, mutated, read_all, ok)
    test_json_value_defaults(tmp, refused, accepted)
    test_flag_names(tmp, refused)
    test_runtime_replies(tmp, refused, accepted)
    test_values(tmp, refused)
    test_inline_tags(tmp, refused, mutated, read_all, ok)
