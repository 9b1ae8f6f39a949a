"""Issue 15's parameter styles and form bodies, JSON parameters and JSON response headers (content): what the
generator refuses (and still accepts) there, run by test_codegen.py with its refused()/accepted() helpers (kept
apart so that each file stays readable)."""

SEARCH = "#/paths/~1search/get"


def test_param_refusals(tmp, refused, accepted):
    """Issue 15: what a parameter's place, style and type cannot carry is refused, with its pointer."""
    params = lambda s: s["paths"]["/search"]["get"]["parameters"]
    ints = {"type": "array", "items": {"type": "integer"}}
    refused(tmp, lambda s: params(s)[2].update(explode=True), "pipeDelimited with explode true is the same as "
            "style form", SEARCH + "/parameters/2/explode")
    refused(tmp, lambda s: params(s)[0].update(style="pipeDelimited", schema={"type": "integer"}),
            "pipeDelimited applies to arrays only", SEARCH + "/parameters/0/style")
    refused(tmp, lambda s: params(s)[4].update(style="form"), "an object parameter is supported only in the "
            "query with style deepObject", SEARCH + "/parameters/4/schema")
    refused(tmp, lambda s: params(s)[4].update(explode=False), "deepObject is defined for explode true only",
            SEARCH + "/parameters/4/explode")
    accepted(tmp, lambda s: params(s)[4].pop("explode"), "deepObject without explode (true, the only one defined)")
    refused(tmp, lambda s: params(s)[0].update(style="deepObject"), "deepObject needs an object schema",
            SEARCH + "/parameters/0/style")
    refused(tmp, lambda s: s["components"]["schemas"]["Filter"]["properties"].update(tags=ints),
            "property 'tags' of a deepObject parameter must be a string", SEARCH + "/parameters/4/schema")
    refused(tmp, lambda s: s["components"]["schemas"]["Filter"]["properties"]["age"].update(default=3),
            "defaults are not applied", "#/components/schemas/Filter/properties/age/default")
    refused(tmp, lambda s: params(s)[6].update(explode=True), "an exploded array cookie",
            SEARCH + "/parameters/6/explode")
    refused(tmp, lambda s: params(s)[0]["schema"].update(items={"type": "array", "items": {}}),
            "this parameter schema is not supported", SEARCH + "/parameters/0/schema/items")  # arrays of arrays
    refused(tmp, lambda s: params(s)[0]["schema"].update(items={"type": "object", "properties": {"a": {}}}),
            "the items of an array parameter must be strings", SEARCH + "/parameters/0/schema/items")
    refused(tmp, lambda s: params(s)[8].update(allowEmptyValue=True, schema=ints), "supported for scalar query "
            "parameters of style form only", SEARCH + "/parameters/8/allowEmptyValue")
    refused(tmp, lambda s: params(s)[1]["schema"].update(default=[1, 1]), "does not satisfy minItems/maxItems/"
            "uniqueItems", SEARCH + "/parameters/1/schema/default")
    refused(tmp, lambda s: params(s)[0]["schema"].update(maxItems=0), "maxItems 0 is not supported",
            SEARCH + "/parameters/0/schema/maxItems")
    refused(tmp, lambda s: params(s)[5]["schema"].update(minItems=1), "minItems applies to array parameters only",
            SEARCH + "/parameters/5/schema/minItems")
    # a scalar (or array item) with keywords beyond its rule is read, then checked against its whole schema
    accepted(tmp, lambda s: params(s)[0]["schema"]["items"].update(multipleOf=2),
             "multipleOf on an array parameter's integer items")
    refused(tmp, lambda s: params(s).append({"name": "lvl", "in": "query",
                                             "schema": {"type": "integer", "enum": [1, 2], "default": 3}}),
            "is not valid against its own schema", SEARCH + "/parameters/9/schema/default")
    # otherwise parameters are text, never JSON values: what only the JSON Schema validator enforces is refused
    refused(tmp, lambda s: params(s)[0]["schema"].update(items={"type": ["integer", "string"]}),
            "this parameter schema is not supported", SEARCH + "/parameters/0/schema/items")
    refused(tmp, lambda s: params(s)[0]["schema"].update(contains={"const": 1}), "this parameter schema is not "
            "supported", SEARCH + "/parameters/0/schema")
    accepted(tmp, lambda s: (s["components"]["schemas"].update(Ids={"type": "array", "items": {"type": "integer"},
                                                                     "minItems": 1, "uniqueItems": True}),
                             params(s)[1].update(schema={"$ref": "#/components/schemas/Ids"})),
             "minItems/uniqueItems of an array parameter's component schema")
    refused(tmp, lambda s: params(s)[7].update(style="matrix"), "style 'matrix' is not supported in header",
            SEARCH + "/parameters/7/style")
    refused(tmp, lambda s: s["paths"].update({"/f/{a}{b}": {"get": {
        "operationId": "f", "responses": {"200": {"description": "ok"}}, "parameters": [
            {"name": "a", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "b", "in": "path", "required": True, "schema": {"type": "string"}}]}}}),
        "two parameters with nothing between them", "#/paths/~1f~1{a}{b}/get")
    refused(tmp, lambda s: s["paths"]["/files/{name}.{ext}"]["get"]["parameters"][0].update(style="label"),
            "a parameter sharing its path segment with literal text must have style simple",
            "#/paths/~1files~1{name}.{ext}/get/parameters/0/style")
    refused(tmp, lambda s: s["components"]["schemas"]["FormIn"]["properties"].update(
        f={"type": "object", "properties": {"a": {"type": "string"}}}), "property 'f' of a form body must be a string",
        "#/paths/~1forms/post/requestBody/content/application~1x-www-form-urlencoded/schema")
    refused(tmp, lambda s: s["paths"]["/forms"]["post"]["requestBody"]["content"].update(
        {"text/plain": {"schema": {"type": "string"}}}), "several media types", "#/paths/~1forms/post/requestBody/content")
    refused(tmp, lambda s: s["components"]["schemas"]["Filter"].update(additionalProperties={"type": "string"}),
            "additionalProperties", "#/components/schemas/Filter/additionalProperties")
    accepted(tmp, lambda s: params(s)[4].update(schema={"type": "object", "additionalProperties": False,
                                                         "properties": {"a": {"type": "string"}}}),
             "an inline deepObject schema with additionalProperties: false")
    refused(tmp, lambda s: s["components"]["schemas"]["FormIn"]["properties"]["tags"].update(minItems=1),
            "property 'tags' of a form body uses keywords only the JSON Schema validator enforces",
            "#/paths/~1forms/post/requestBody/content/application~1x-www-form-urlencoded/schema")
    refused(tmp, lambda s: s["components"]["schemas"]["FormIn"]["properties"]["tags"].update(type=["array", "null"]),
            "property 'tags' of a form body must be a string, integer, number, boolean or an array of those (not null)",
            "#/paths/~1forms/post/requestBody/content/application~1x-www-form-urlencoded/schema")
    # readOnly on a form field builds (FormIn's id: refused when sent, by each reader: codegen.fixture_styles)
    form_extras(tmp, refused, accepted)


def form_extras(tmp, refused, accepted):
    """additionalProperties false on a form body: a closed model (extra_forbidden); true keeps extras, which a
    form's model cannot."""
    refused(tmp, lambda s: s["components"]["schemas"]["FormIn"].update(additionalProperties=True),
            "a form body must be an object schema with properties, and only the keywords its model enforces "
            "(additionalProperties false or left out: not true or a schema, whose extra fields a model cannot keep",
            "#/paths/~1forms/post/requestBody/content/application~1x-www-form-urlencoded/schema")
    accepted(tmp, lambda s: [o.update(additionalProperties=False) for o in (
        s["components"]["schemas"]["FormIn"], s["paths"]["/forms/optional"]["post"]["requestBody"]["content"][
            "application/x-www-form-urlencoded"]["schema"])], "a form body with additionalProperties false")


JSONP = "#/paths/~1json-params~1{sel}/get"


def pointer_node(node, where):
    """The node at the JSON pointer @where (no escapes) under @node."""
    for key in where.split("/")[1:]:
        node = node[key]
    return node


def test_json_param_refusals(tmp, refused, accepted):
    """Parameters with content: one JSON media type and nothing OpenAPI forbids beside it, else refused."""
    params = lambda s: s["paths"]["/json-params/{sel}"]["get"]["parameters"]
    content = lambda s: params(s)[1]["content"]
    refused(tmp, lambda s: content(s).update({"application/x+json": {}}), "must have exactly one media type",
            JSONP + "/parameters/1/content")
    refused(tmp, lambda s: params(s)[3].update(content={"text/plain": {"schema": {"type": "string"}}}),
            "only JSON (application/json or application/<x>+json) parameter content is supported",
            JSONP + "/parameters/3/content/text~1plain")
    refused(tmp, lambda s: params(s)[1].update(schema={"type": "string"}), "either content or schema",
            JSONP + "/parameters/1/schema")
    refused(tmp, lambda s: params(s)[1].update(style="form"), "OpenAPI forbids style beside content",
            JSONP + "/parameters/1/style")
    refused(tmp, lambda s: params(s)[2].update(explode=False), "OpenAPI forbids explode beside content",
            JSONP + "/parameters/2/explode")
    refused(tmp, lambda s: content(s)["application/json"].update(encoding={"status": {"contentType": "text/plain"}}),
            "encoding applies to multipart and form request bodies only",
            JSONP + "/parameters/1/content/application~1json/encoding")
    # a default in a JSON parameter's schema (whole value, property, item): nothing fills it in; the message
    # speaks of the parameter, not of a request body
    for where in ("", "/properties/limit", "/properties/status"):
        refused(tmp, lambda s, where=where: pointer_node(content(s)["application/json"]["schema"], where).update(
            default={"": {"status": "open"}, "/properties/limit": 5, "/properties/status": "open"}[where]),
            "schema keyword 'default' is refused in a JSON parameter's schema (a parameter with content): its "
            "value is handed to the handler as sent", JSONP + "/parameters/1/content/application~1json/schema%s/default"
            % where)
    refused(tmp, lambda s: (s["components"]["schemas"].update(Sel={"type": "array", "items": {"type": "integer",
                                                                                          "default": 1}}),
                            params(s)[0]["content"]["application/json"].update(schema={"$ref": "#/components/schemas/Sel"})),
            "nothing fills in a default (of the whole value, a property or an item)",
            "#/components/schemas/Sel/items/default")
    refused(tmp, lambda s: params(s)[2].update(allowEmptyValue=True), "allowEmptyValue applies to query "
            "parameters only", JSONP + "/parameters/2/allowEmptyValue")
    refused(tmp, lambda s: params(s)[1].pop("content"), "parameter 'filter' needs a schema (or content)",
            JSONP + "/parameters/1")
    refused(tmp, lambda s: content(s)["application/json"]["schema"].update(minLength="x"), "minLength",
            JSONP + "/parameters/1/content/application~1json/schema/minLength")
    refused(tmp, lambda s: params(s)[0].update(required=False), "path parameter 'sel' must have required: true",
            JSONP + "/parameters/0/required")
    accepted(tmp, lambda s: (params(s)[1].update(example='{"status": "open"}'),
                             content(s)["application/json"].update(examples={"a": {"value": {"status": "open"}}})),
             "example and examples on a JSON parameter (annotations)")
    accepted(tmp, lambda s: (s["components"]["schemas"].update(Sel={"type": "array", "contains": {"const": 1}}),
                             params(s)[0]["content"]["application/json"].update(schema={"$ref": "#/components/schemas/Sel"})),
             "a JSON parameter's schema by $ref, with keywords only the JSON Schema tables enforce")
    accepted(tmp, lambda s: params(s)[1].update(deprecated=True, content={"application/json; charset=utf-8": {}}),
             "deprecated, and a JSON media type with parameters")


REPLY = "#/paths/~1replies~1{mode}/get/responses"


def test_json_header_refusals(tmp, refused, accepted):
    """Response headers with content: one JSON media type, nothing beside it, else refused with the pointer."""
    headers = lambda s: s["paths"]["/replies/{mode}"]["get"]["responses"]["201"]["headers"]
    page = lambda s: headers(s)["X-Page"]
    refused(tmp, lambda s: page(s)["content"].update({"application/x+json": {}}),
            "a response header's content must have exactly one media type (it has 2)", REPLY + "/201/headers/X-Page/content")
    refused(tmp, lambda s: page(s).update(content={}), "must have exactly one media type (it has 0)",
            REPLY + "/201/headers/X-Page/content")
    refused(tmp, lambda s: page(s).update(schema={"type": "string"}), "a header has either content or schema",
            REPLY + "/201/headers/X-Page/schema")
    refused(tmp, lambda s: page(s).update(explode=False), "OpenAPI forbids explode beside content",
            REPLY + "/201/headers/X-Page/explode")
    refused(tmp, lambda s: page(s).update(content={"application/xml": {"schema": {}}}), "only JSON (application/"
            "json or application/<x>+json) response header content is supported, not 'application/xml'",
            REPLY + "/201/headers/X-Page/content/application~1xml")
    refused(tmp, lambda s: page(s)["content"]["application/json"].update(encoding={"a": {"contentType": "x/y"}}),
            "encoding", REPLY + "/201/headers/X-Page/content/application~1json/encoding")
    refused(tmp, lambda s: page(s)["content"]["application/json"]["schema"].update(minimum="x"), "minimum",
            REPLY + "/201/headers/X-Page/content/application~1json/schema/minimum")
    refused(tmp, lambda s: headers(s).update({"X_Page": {"content": {"application/json": {}}}}),
            "maps to the C argument x_page, already used by 'X-Page'", REPLY + "/201/headers/X_Page")
    accepted(tmp, lambda s: (s["components"]["headers"].update(Page=page(s)),
                             headers(s).update({"X-Page": {"$ref": "#/components/headers/Page"}})),
             "a JSON response header by $ref")
    accepted(tmp, lambda s: page(s).update(content={"application/vnd.page+json; charset=utf-8": {}}),
             "a vendor JSON media type with parameters, and no schema")
