"""The table of every construct an OpenAPI 3.1 document can use, and what the generator does with it.

Each schema keyword (JSON Schema 2020-12 and its OpenAPI dialect, plus 3.0's nullable) and each field of each
OpenAPI object is in exactly one of three categories:

  SUPPORTED   the generator enforces it (a check may restrict it to what is enforced: the values, or the places);
  REFUSED     the generator cannot enforce it yet: a spec using it fails to build, with the reason.  A few are
              accepted where they provably have no effect (`jsonSchemaDialect` naming the default...): the
              `harmless` predicate says where;
  ANNOTATION  no effect on validation by design (description, examples, title, deprecated, links, x-*...).

A key in none of them is an error too.  document.py walks a spec with this table; test_keywords.py checks it
against the official lists (tests/codegen/keywords/).

Validation keywords constrain what a request may send: JSON Schema 2020-12's, enforced by the Rules and Models
of schemas.py where they suffice and by the JSON Schema tables of jsonschema.py (runtime/valid/rt_valid_schema)
elsewhere.  A schema no request reaches (one used only in responses) describes what the handler builds: its
values are the handler's contract and are not checked when written; the generated client
(runtime/client/rt_api_client.c) and the exported api_<schema>__from_json() read a response with the same
tables and validators as a request.  A few keywords are accepted only where they have no effect (the
`harmless` predicates).  A schema's context (walked by document.py) is
PARAM (the schema of a parameter), BODY (any other schema a request reaches), OUTPUT (reached from a response
only) or None (a component nothing reaches: it still gets a model, but validates nothing).
"""

from .anchors import plain_name_refusal
from .regex import compile_error
from .security import a_url, http_scheme, oauth_flow, only_for, requirements, scheme_type

SUPPORTED, REFUSED, ANNOTATION = "supported", "refused", "annotation"
PARAM, BODY, OUTPUT = "param", "body", "output"
INPUT = (PARAM, BODY)


class Entry:
    """One keyword or field: its category, why (for REFUSED, the error's reason), what its value is (child: how
    document.py walks it) and, for SUPPORTED, check(value, node, ctx) -> None or why this use is refused; for
    REFUSED, harmless(value, node, ctx) -> whether this use has no effect and is accepted.  only_in: the prefix
    of the `openapi` versions the key exists in (None: all), with the reason it is refused in the others (and,
    third, a value that means nothing and is accepted there: nullable: false)."""

    def __init__(self, status, reason="", child=None, check=None, harmless=None, ctx=None, only_in=None):
        self.status, self.reason, self.child = status, reason, child
        self.check, self.harmless, self.ctx = check, harmless, ctx
        self.only_in = only_in

    def refusal(self, value, node, ctx):
        """None if this use is accepted, else the reason it is refused."""
        if self.status == SUPPORTED:
            return self.check(value, node, ctx) if self.check else None
        if self.status == REFUSED:
            if self.harmless and self.harmless(value, node, ctx):
                return None
            return self.reason
        return None


def S(child=None, check=None, ctx=None, only_in=None):
    return Entry(SUPPORTED, child=child, check=check, ctx=ctx, only_in=only_in)


def R(reason, harmless=None, child=None):
    return Entry(REFUSED, reason, child=child, harmless=harmless)


def A(child=None, note=""):
    return Entry(ANNOTATION, note, child=child)


# --- schema keywords: checks --------------------------------------------------------------------------------

def is_null_schema(schema):
    """{type: 'null'} (or ['null']): the null alternative of a union."""
    return isinstance(schema, dict) and schema.get("type") in ("null", ["null"])


def required_names(value, node, ctx):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "required must be a list of property names"
    return None


INPUT_FORMATS = {}


def input_format(value, node, ctx):
    if ctx in INPUT and value in INPUT_FORMATS:
        return INPUT_FORMATS[value] + " (allowed where no request reaches it)"
    return None


def optional_param(node):
    """FastAPI's `x: int | None = Query(10)`, anyOf/oneOf [S, {type: 'null'}]: params.py reads it as S with the
    default beside."""
    alts = [node[k] for k in ("anyOf", "oneOf") if k in node]
    return len(alts) == 1 and isinstance(alts[0], list) and len(
        [a for a in alts[0] if not is_null_schema(a)]) == 1 and any(is_null_schema(a) for a in alts[0])


def applied_default(value, node, ctx):
    # BODY: applied to an absent optional scalar property (schemas.py); document.py refuses it elsewhere
    if ctx == PARAM and ("anyOf" in node or "oneOf" in node) and not optional_param(node):
        return "a default beside anyOf/oneOf is not applied: put it in the non-null alternative"
    return None


TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")


def schema_type(value, node, ctx):
    types = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if not types or not all(t in TYPES for t in types):
        return "type must be one of %s or a non-empty list of them" % ", ".join(TYPES)
    return None


def is_nullable(node):
    """Whether the schema node itself accepts null (type [X, 'null'], or 3.0's nullable: true)."""
    t = node.get("type")
    return node.get("nullable") is True or t == "null" or (isinstance(t, list) and "null" in t)


def json_type_of(value):
    """The JSON Schema type of a value of the document (2.0 is an integer, as JSON Schema counts it)."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else "boolean"
    if isinstance(value, (int, float)):
        return "integer" if isinstance(value, int) or value.is_integer() else "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "?")


def type_refuses(value, node):
    """Why the schema node's own type keyword can never accept value (None if it may: no type, or a match)."""
    t = node.get("type")
    types = [t] if isinstance(t, str) else t if isinstance(t, list) else None
    if types is None:
        return None
    types = list(types) + (["null"] if node.get("nullable") is True else [])
    got = json_type_of(value)
    if got in types or (got == "integer" and "number" in types):
        return None
    quote = " (YAML reads it unquoted as %s %s: quote it)" % ("an" if got == "integer" else "a", got) if got in ("integer", "number", "boolean", "null") \
        and "string" in types else ""
    return "%r is of type %s, which the schema's type %s never accepts%s" % (value, got, "/".join(types), quote)


def enum_list(value, node, ctx):
    if not isinstance(value, list):
        return "enum must be a list"
    for v in value:
        why = type_refuses(v, node)
        if why:
            return "the enum value %s: it can never be valid" % why
    return None


def const_value(value, node, ctx):
    why = type_refuses(value, node)
    return "the const %s: nothing can ever be valid" % why if why else None


def length(value, node, ctx):
    if isinstance(value, float) and value == int(value):
        value = int(value)  # 2.0 is the integer 2 in JSON
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return "must be a non-negative integer"
    if value > 2 ** 63 - 1:
        return "must be at most 2^63 - 1 (the generated C holds it in a size_t)"
    return None


def number(value, node, ctx):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number"
    if value != value or value in (float("inf"), float("-inf")):  # YAML's .inf and .nan
        return "must be a finite number (JSON has no infinity nor NaN)"
    return None


def exclusive_bound(inclusive):
    """exclusiveMinimum/Maximum: a number (3.1) or a flag on minimum/maximum (3.0), which needs it."""
    def check(value, node, ctx):
        if isinstance(value, bool):
            if value and inclusive not in node:
                return "true (OpenAPI 3.0's flag) needs %s beside it: there is no bound to make exclusive" % inclusive
            return None
        return number(value, node, ctx)
    return check


def pattern_compiles(value, node, ctx):
    return compile_error(value)


def a_string(value, node, ctx):
    return None if isinstance(value, str) and value else "must be a non-empty string"


def an_anchor(value, node, ctx):
    return plain_name_refusal(value)


def unresolved_dynamic_ref(value, node, ctx):
    return "not resolved: it is not where anchors.py reads schemas (a Schema Object's schema, components/schemas)"


def a_flag(value, node, ctx):
    return None if isinstance(value, bool) else "must be true or false"


def not_true(value, node, ctx):
    return value is not True


NOT_ENFORCED = "not enforced by the generated validation"

DIALECTS = ("https://json-schema.org/draft/2020-12/schema", "https://spec.openapis.org/oas/3.1/dialect/base")


def pattern_keys(value, node, ctx):
    if not isinstance(value, dict):
        return "must be a mapping of patterns to schemas"
    for k in value:
        why = compile_error(k)  # names the pattern
        if why:
            return why
    return None


def schema_map(value, node, ctx):
    return None if isinstance(value, dict) else "must be a mapping of names to schemas"


def names_map(value, node, ctx):
    if not isinstance(value, dict) or not all(isinstance(v, list) and all(isinstance(n, str) for n in v)
                                              for v in value.values()):
        return "must be a mapping of property names to lists of property names"
    return None


def schema_list(value, node, ctx):
    return None if isinstance(value, list) and value else "must be a non-empty list of schemas"


def discriminator_check(value, node, ctx):
    if not isinstance(value, dict) or not isinstance(value.get("propertyName"), str):
        return "a discriminator needs a propertyName"
    if "oneOf" not in node and "anyOf" not in node:
        return ("a discriminator needs a oneOf or anyOf beside it: it picks one of its branches (OpenAPI's "
                "inheritance form, a discriminator on a parent schema that the subschemas extend with allOf, is not "
                "supported: list the subschemas in a oneOf beside the discriminator instead)")
    return None


def a_boolean(value, node, ctx):
    return None if isinstance(value, bool) else "must be true or false"


SCHEMA = {
    # core
    "$ref": S(),
    "$comment": A(),
    "$schema": R("only the dialect of JSON Schema 2020-12 (OpenAPI 3.1's) is supported",
                 harmless=lambda v, n, c: v in DIALECTS),
    "$id": S(check=a_string),
    "$anchor": S(check=an_anchor),  # anchors.py rewrites each $ref to it into its JSON pointer
    "$dynamicAnchor": S(check=an_anchor),  # dynamic.py: the $dynamicRef to it are resolved or refused
    "$dynamicRef": S(check=unresolved_dynamic_ref),  # dynamic.py rewrites each into a $ref, or refuses it
    "$vocabulary": R("the dialect is OpenAPI 3.1's"),
    "$defs": S(child="{schema}", check=schema_map),
    # 2019-09 keywords the 2020-12 meta-schema still lists
    "$recursiveAnchor": R("a 2019-09 keyword, replaced by $dynamicAnchor in 2020-12"),
    "$recursiveRef": R("a 2019-09 keyword, replaced by $dynamicRef in 2020-12"),
    "definitions": R("put the schemas under components/schemas"),
    "dependencies": R(NOT_ENFORCED),
    # applicator
    "properties": S(child="{schema}"),
    "items": S(child="schema"),
    "additionalProperties": S(child="schema"),
    "allOf": S(child="[schema]", check=schema_list),
    "anyOf": S(child="[schema]", check=schema_list),
    "oneOf": S(child="[schema]", check=schema_list),
    "not": S(child="schema"),
    "if": S(child="schema"), "then": S(child="schema"), "else": S(child="schema"),
    "dependentSchemas": S(child="{schema}", check=schema_map),
    "prefixItems": S(child="[schema]", check=schema_list),
    "contains": S(child="schema"),
    "patternProperties": S(child="{schema}", check=pattern_keys),
    "propertyNames": S(child="schema"),
    # unevaluated
    "unevaluatedItems": S(child="schema"),
    "unevaluatedProperties": S(child="schema"),
    # validation
    "type": S(check=schema_type),
    "enum": S(check=enum_list),
    "required": S(check=required_names),
    "minLength": S(check=length), "maxLength": S(check=length), "pattern": S(check=pattern_compiles),
    "minimum": S(check=number), "maximum": S(check=number),
    "exclusiveMinimum": S(check=exclusive_bound("minimum")), "exclusiveMaximum": S(check=exclusive_bound("maximum")),
    "const": S(check=const_value),
    "multipleOf": S(check=number),
    # on a parameter's array, params.py takes minItems/maxItems/uniqueItems out and enforces them with the
    # parameter's table (rt_valid_param); elsewhere the JSON Schema tables do
    "minItems": S(check=length), "maxItems": S(check=length),
    "uniqueItems": S(check=a_boolean),
    "minContains": S(check=length), "maxContains": S(check=length),
    "minProperties": S(check=length), "maxProperties": S(check=length),
    "dependentRequired": S(check=names_map),
    # format (annotation and assertion vocabularies): the formats themselves are in refusals.py
    "format": S(check=input_format),
    # meta-data
    "default": S(check=applied_default),
    "title": A(), "description": A(), "examples": A(), "deprecated": A(),
    # on properties (document.py refuses them elsewhere): readOnly ones are not required in requests and refused
    # there (422: rt_valid_model, and rt_valid_schema in a JSON value), writeOnly ones are never written into
    # responses (rt_valid_model; refused in a JSON value, jsonschema.py)
    "readOnly": S(check=a_flag), "writeOnly": S(check=a_flag),
    # content: annotations in 2020-12 (the content vocabulary asserts nothing)
    "contentEncoding": A(), "contentMediaType": A(), "contentSchema": A(),
    # the OpenAPI 3.1 dialect
    "discriminator": S(check=discriminator_check),
    "xml": A(note="models are written as JSON; an application/xml response is bytes its handler renders"),
    "externalDocs": A(),
    "example": A(),
    # OpenAPI 3.0 (not a keyword of the 3.1 dialect: there, type: [X, 'null'])
    # (nullable: false, its default, says nothing and is accepted in 3.1 too: tools write it on every schema)
    "nullable": S(only_in=("3.0.", "nullable is an OpenAPI 3.0 keyword, not one of the 3.1 dialect: write "
                                    "type: [X, 'null'] instead", False)),
}


def is_annotation(table, key):
    return key.startswith("x-") or (key in table and table[key].status == ANNOTATION)


# --- OpenAPI objects ----------------------------------------------------------------------------------------

DEFAULT_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
CALLBACKS = "callbacks are not supported: nothing would call them"
TRACE = ("a trace operation is not supported: TRACE echoes a request back (Cross-Site Tracing), so the runtime "
         "has no TRACE method: it answers TRACE with 405, as it does any method no route declares")


def openapi_version(value, node, ctx):
    if not isinstance(value, str) or not value.startswith(("3.1.", "3.0.")):
        return "only OpenAPI 3.1 (and 3.0) documents are supported, not %r" % (value,)
    return None


def path_item_ref(value, node, ctx):
    others = [k for k in node if k != "$ref" and not is_annotation(OBJECTS["path-item"], k)]
    if others:
        return "fields beside $ref in a path item (%s) are not supported: they would be ignored" % ", ".join(others)
    return None


def request_only(value, node, ctx):
    if ctx == "response":
        return "encoding applies to request bodies only: in a response it would be ignored"
    return None


def supported_location(value, node, ctx):
    if value not in ("path", "query", "header", "cookie"):
        return "parameters in %r are not supported" % (value,)
    return None


# What params.py parses; which types each style may carry is checked there (with the same pointer).
PARAM_STYLES = {"path": ("simple", "matrix", "label"), "header": ("simple",),
                "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"), "cookie": ("form",)}


def param_style(value, node, ctx):
    if value not in PARAM_STYLES.get(node.get("in"), (value,)):
        return "style %r is not supported in %s (supported: %s)" % (
            value, node.get("in"), ", ".join(PARAM_STYLES[node.get("in")]))
    return None


def query_only(value, node, ctx):
    if value is True and node.get("in") != "query":
        return "allowEmptyValue applies to query parameters only"
    return None


def empty_map(value, node, ctx):
    """callbacks: {} or webhooks: {} (OpenApiSpex writes the first on every operation): nothing to call."""
    return value == {}


# Fields an object of 3.1 does not have, written by tools with their default value, which says nothing: accepted
# with exactly that value (Litestar's response headers carry the Parameter Object's allowEmptyValue and
# allowReserved, false); any other value is refused as an unknown field.
NOOP_FIELDS = {"header": {"allowEmptyValue": False, "allowReserved": False}}


# child: how document.py walks the value: an object name, "schema", "[x]" a list of x, "{x}" a map of x, "x?"
# x or a Reference Object; "paths", "responses" and "content" are maps with keys of their own; None: not walked.
# ctx: the context the value is walked in ("request" or "response"), when the object is reached by a request.
OBJECTS = {
    "openapi": {
        "openapi": S(check=openapi_version), "info": S(child="info"),
        "jsonSchemaDialect": R("only OpenAPI 3.1's default schema dialect is supported",
                               harmless=lambda v, n, c: v == DEFAULT_DIALECT),
        "servers": S(child="[server]"),  # the first one's path is the base path (servers.py)
        "paths": S(child="paths"),
        "webhooks": R("webhooks are not supported: nothing would send them", harmless=empty_map),
        "components": S(child="components"),
        "security": S(check=requirements),  # security.py
        "tags": A(child="[tag]"), "externalDocs": A(child="external-documentation"),
    },
    "info": {
        "title": S(), "version": S(),  # embedded in the generated banner and API description
        "summary": A(), "description": A(), "termsOfService": A(), "contact": A(child="contact"),
        "license": A(child="license"),
    },
    "contact": {"name": A(), "url": A(), "email": A()},
    "license": {"name": A(), "identifier": A(), "url": A()},
    "server": {"url": S(), "description": A(), "variables": S(child="{server-variable}")},
    "server-variable": {"enum": S(), "default": S(), "description": A()},  # the default is substituted
    "components": {
        "schemas": S(child="{schema}"), "responses": S(child="{response?}"),
        "parameters": S(child="{parameter?}"), "requestBodies": S(child="{request-body?}"),
        "pathItems": S(child="{path-item?}"),
        "headers": S(child="{header?}"), "examples": A(child="{example?}"), "links": A(child="{link?}"),
        "callbacks": R(CALLBACKS, harmless=empty_map),
        "securitySchemes": S(child="{security-scheme?}"),
    },
    "path-item": {
        "$ref": S(check=path_item_ref), "summary": A(), "description": A(),
        "get": S(child="operation"), "put": S(child="operation"), "post": S(child="operation"),
        "delete": S(child="operation"), "options": S(child="operation"), "head": S(child="operation"),
        "patch": S(child="operation"), "trace": R(TRACE, child="operation"),
        "servers": S(child="[server]"),  # must say the document's base path (servers.py)
        "parameters": S(child="[parameter?]", ctx="request"),
    },
    "operation": {
        "tags": A(), "summary": A(), "description": A(), "externalDocs": A(child="external-documentation"),
        "operationId": S(), "parameters": S(child="[parameter?]", ctx="request"),
        "requestBody": S(child="request-body?", ctx="request"), "responses": S(child="responses", ctx="response"),
        "callbacks": R(CALLBACKS, harmless=empty_map), "deprecated": A(),
        "security": S(check=requirements),
        "servers": S(child="[server]"),  # must say the document's base path (servers.py)
    },
    "external-documentation": {"description": A(), "url": A()},
    "parameter": {
        "name": S(check=a_string), "in": S(check=supported_location), "required": S(check=a_flag),
        "schema": S(child="schema", ctx=PARAM),
        "description": A(), "deprecated": A(), "example": A(), "examples": A(child="{example?}"),
        "style": S(check=param_style), "explode": S(check=a_flag),  # params.py parses each style, per type
        "allowEmptyValue": S(check=query_only),
        "allowReserved": R("the generated client percent-encodes reserved characters", harmless=not_true),
        # one JSON media type: the value is parsed and validated as JSON (params_json.py refuses the rest)
        "content": S(child="content"),
    },
    # several media types: one schema as JSON, form or multipart, the Content-Type picking the reader; the rest is
    # refused by bodymedia.py, with the content's pointer
    "request-body": {"description": A(), "content": S(child="content"), "required": S(check=a_flag)},
    "media-type": {
        "schema": S(child="schema"), "example": A(), "examples": A(child="{example?}"),
        # multipart/form-data request bodies only (multipart.py refuses it on the others)
        "encoding": S(child="{encoding}", check=request_only),
    },
    # multipart.py: contentType is the accepted Content-Types of a file part (rt_valid_multipart)
    "encoding": dict({key: R("encoding %s is not supported (only contentType, on file parts)" % key) for key in
                      ("headers", "style", "explode", "allowReserved")}, contentType=S()),
    # default and the ranges (1XX..5XX) get reply helpers that take the status (responses.py)
    "responses": {"default": S(child="response?")},
    "response": {
        "description": A(), "content": S(child="content"), "links": A(child="{link?}"),
        # each one an argument of the reply helper, written as its schema says (responses.py)
        "headers": S(child="{header?}"),
    },
    "example": {"summary": A(), "description": A(), "value": A(), "externalValue": A()},
    "link": {key: A() for key in ("operationRef", "operationId", "parameters", "requestBody", "description",
                                  "server")},
    # Header Objects: response headers, arguments of the reply helpers (responses.py: scalar schemas, or content
    # of one JSON media type written as compact JSON; the rest is refused there, with the content's pointer).
    "header": {"description": A(), "deprecated": A(), "example": A(), "examples": A(child="{example?}"),
               "required": S(check=a_flag), "schema": S(child="schema"),
               "content": S(child="content"),
               "style": R("only style simple is supported for headers", harmless=lambda v, n, c: v == "simple"),
               "explode": S(check=a_flag)},  # no effect on the scalar headers responses.py accepts
    "tag": {"name": A(), "description": A(), "externalDocs": A(child="external-documentation")},
    "reference": {"$ref": S(), "summary": A(), "description": A()},
    # security.py: apiKey (header, query, cookie), http bearer and basic, oauth2 and openIdConnect (bearer tokens);
    # the rest is refused by type's check
    "security-scheme": {
        "type": S(check=scheme_type), "name": S(check=only_for("apiKey")), "in": S(check=only_for("apiKey")),
        "scheme": S(check=http_scheme), "bearerFormat": A(), "description": A(),
        # where a client gets its token: for the docs (Swagger UI's Authorize dialog); the server reads the
        # token as a bearer token, and the verifier judges it
        "flows": S(child="oauth-flows", check=only_for("oauth2")),
        "openIdConnectUrl": S(check=lambda v, n, c: only_for("openIdConnect")(v, n, c) or a_url(v, n, c)),
    },
    # each flow: the URLs its kind requires (security.py oauth_flow), and its scopes
    "oauth-flows": {key: S(child="oauth-flow", check=oauth_flow(key))
                    for key in ("implicit", "password", "clientCredentials", "authorizationCode")},
    # the URLs are for the docs; scopes are what a requirement may list (security.py check_scopes)
    "oauth-flow": {"authorizationUrl": A(), "tokenUrl": A(), "refreshUrl": A(), "scopes": S()},
}

# The fields an object must have (OpenAPI 3.1 requires them, and the build reads them).
REQUIRED = {"parameter": ("name", "in"), "reference": ("$ref",), "server": ("url",), "server-variable": ("default",)}

NAMES = {"openapi": "OpenAPI Object", "info": "Info", "contact": "Contact", "license": "License",
         "server": "Server", "server-variable": "Server Variable", "components": "Components",
         "path-item": "Path Item", "operation": "Operation", "external-documentation": "External Documentation",
         "parameter": "Parameter", "request-body": "Request Body", "media-type": "Media Type",
         "encoding": "Encoding", "responses": "Responses", "response": "Response", "example": "Example",
         "link": "Link", "header": "Header", "tag": "Tag", "reference": "Reference",
         "security-scheme": "Security Scheme", "oauth-flows": "OAuth Flows", "oauth-flow": "OAuth Flow"}


def counts():
    """{category: number of entries} over the schema keywords and every object's fields."""
    out = {SUPPORTED: 0, REFUSED: 0, ANNOTATION: 0}
    for table in [SCHEMA] + list(OBJECTS.values()):
        for entry in table.values():
            out[entry.status] += 1
    return out
