"""Responses of any media type and of several: what the generator refuses (and accepts) there, run by
test_codegen.py with its refused()/accepted() helpers (respmedia.py states the rules)."""

RESP = "#/paths/~1resp/get/responses/200"


def resp_op(s, content, status="200"):
    """Add GET /resp (operationId resp) answering status with this content to the spec s."""
    s["paths"]["/resp"] = {"get": {"operationId": "resp", "responses": {status: {"description": "d",
                                                                                  "content": content}}}}


def test_respmedia_refusals(tmp, refused, accepted):
    """A bytes response's schema says bytes and bounds their number, a text one's is a string's; wildcards,
    foreign charsets, two JSON types and C names that collide are refused, each with its pointer."""
    png = RESP + "/content/image~1png/schema"
    obj = {"schema": {"type": "object"}}
    refused(tmp, lambda s: resp_op(s, {"image/png": {"schema": {"type": "object"}}}),
            "a body of type image/png is bytes: its schema's type, if any, must be string", png + "/type")
    refused(tmp, lambda s: resp_op(s, {"image/png": {"schema": {"type": "string", "format": "byte"}}}),
            "format 'byte' is not supported (only binary)", png + "/format")
    refused(tmp, lambda s: resp_op(s, {"image/png": {"schema": {"type": "string", "pattern": "^a"}}}),
            "keyword(s) pattern are not supported in the schema of a body of type image/png", png)
    refused(tmp, lambda s: resp_op(s, {"image/png": {"schema": {"type": "string", "maxLength": 0}}}),
            "maxLength 0 is not supported", png + "/maxLength")
    refused(tmp, lambda s: resp_op(s, {"text/plain": {"schema": {"type": "integer"}}}),
            "a text/plain body must have a string schema", RESP + "/content/text~1plain/schema")
    refused(tmp, lambda s: resp_op(s, {"text/csv": {"schema": {"type": "string", "minItems": 1}}}),
            "keyword(s) minItems are not supported in the schema of a response of type text/csv",
            RESP + "/content/text~1csv/schema")
    refused(tmp, lambda s: resp_op(s, {"text/plain; charset=latin-1": {"schema": {"type": "string"}}}),
            "charset 'latin-1' is not supported: a text response is sent as the UTF-8",
            RESP + "/content/text~1plain; charset=latin-1")
    for wild in ("image/*", "text/*"):
        refused(tmp, lambda s: resp_op(s, {"application/json": obj, wild: {}}), "the wildcard media type %r is "
                "not supported in a response" % wild, RESP + "/content/" + wild.replace("/", "~1"))
    refused(tmp, lambda s: resp_op(s, {"*/*": {"schema": {"type": "string", "format": "binary"}}}),
            "the wildcard media type '*/*' is not supported in a response", RESP + "/content/*~1*")
    refused(tmp, lambda s: resp_op(s, {"application/json": obj, "*/*": obj}), "media types '*/*' and "
            "'application/json' of one response map to the same C name", RESP + "/content/application~1json")
    accepted(tmp, lambda s: resp_op(s, {"*/*": obj}), "springdoc's */* with a JSON schema: sent as application/json")
    accepted(tmp, lambda s: resp_op(s, {"application/*": {"schema": {"type": "array"}}, "text/csv": {"schema": {"type": "string"}}}),
             "application/* with a JSON schema beside text/csv")
    refused(tmp, lambda s: resp_op(s, {"json": obj}), "'json' is not a media type", RESP + "/content/json")
    refused(tmp, lambda s: resp_op(s, {"application/json": obj, "application/problem+json": obj}),
            "several JSON media types in one response (application/json, application/problem+json) are not "
            "supported", RESP + "/content")
    # (the fixture is written back with its keys sorted: the second of the pair is the one refused)
    refused(tmp, lambda s: resp_op(s, {"application/x-y": {}, "application/x.y": {}}), "media types "
            "'application/x-y' and 'application/x.y' of one response map to the same C name 'application_x_y'",
            RESP + "/content/application~1x.y")
    accepted(tmp, lambda s: resp_op(s, {"application/octet-stream": {}, "application/pdf": {"schema": {
        "type": "string", "format": "binary", "contentMediaType": "application/pdf", "minLength": 1, "maxLength": 99}},
        "application/vnd.x+json": obj, "text/plain; version=0.0.4": {"schema": {"type": "string"}}}, "default"),
             "a default response of bytes without a schema, bytes with format binary, contentMediaType and length "
             "bounds, a vendor JSON type and text with a parameter (sent as written)")


def test_no_content(tmp, refused):
    """204 and 304 carry no content (RFC 9110): a body declared there could never arrive."""
    for status in ("204", "304"):
        refused(tmp, lambda s: resp_op(s, {"application/json": {"schema": {"type": "object"}}}, status),
                "a %s response has no content (RFC 9110 15.3.5, 15.4.5)" % status,
                "#/paths/~1resp/get/responses/%s/content" % status)


def test_media_params(tmp, refused):
    """A response media type's parameters must parse (they are sent as the Content-Type and matched against
    Accept): an empty one, an unclosed quote, q (from a review: such a type was never chosen)."""
    for key in ("text/plain;", 'text/plain; charset="utf-8', "text/plain; q=0.5"):
        refused(tmp, lambda s: resp_op(s, {key: {"schema": {"type": "string"}}}), "are not media type parameters",
                RESP + "/content/" + key.replace("/", "~1"))
