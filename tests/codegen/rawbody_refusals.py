"""Issue 15's text and bytes request bodies and media types: what the generator refuses (and accepts) there,
run by test_codegen.py with its refused()/accepted() helpers (kept apart so that each file stays readable)."""

RAW = "#/paths/~1raw/post/requestBody"


def raw_op(s, content, required=True):
    """Add POST /raw (operationId raw) with a requestBody of this content to the spec s."""
    s["paths"]["/raw"] = {"post": {"operationId": "raw", "requestBody": {"required": required, "content": content},
                                   "responses": {"204": {"description": "done"}}}}


def text(schema, media="text/plain"):
    return {media: {"schema": schema}} if schema is not None else {media: {}}


def test_rawbody_refusals(tmp, refused, accepted):
    """Issue 15: a text body's schema is a string's, a bytes body's says binary and bounds its length;
    wildcards, foreign charsets, media type parameters and several media types are refused, with the pointer."""
    plain = RAW + "/content/text~1plain/schema"
    octets = RAW + "/content/application~1octet-stream/schema"
    refused(tmp, lambda s: raw_op(s, text({"type": "integer"})), "a body of type text/plain is text: its schema's type "
            "must be string", plain + "/type")
    refused(tmp, lambda s: raw_op(s, text({"type": "string", "minItems": 1})), "keyword(s) minItems are not "
            "supported in the schema of a body of type text/plain", plain)
    refused(tmp, lambda s: raw_op(s, text({"type": "string", "default": "x"})), "a request body's defaults are "
            "applied to absent properties only", plain + "/default")  # document.py, before rawbody.py
    refused(tmp, lambda s: raw_op(s, text({"type": "string", "format": "binary"})), "string format 'binary' is "
            "not supported", plain + "/format")
    refused(tmp, lambda s: raw_op(s, text({"const": 3})), "a text body's const must be a "
            "string", plain + "/const")
    refused(tmp, lambda s: raw_op(s, text({"type": "string"}, "text/plain; charset=latin-1")),
            "charset 'latin-1' is not supported: a text body is read as UTF-8",
            RAW + "/content/text~1plain; charset=latin-1")
    refused(tmp, lambda s: raw_op(s, text({"type": "string"}, "text/*")), "the wildcard media type 'text/*' is "
            "not supported in a request body", RAW + "/content/text~1*")
    refused(tmp, lambda s: raw_op(s, text({}, "*/*")), "the wildcard media type", RAW + "/content/*~1*")
    refused(tmp, lambda s: raw_op(s, text({}, "plain")), "'plain' is not a media type", RAW + "/content/plain")
    refused(tmp, lambda s: raw_op(s, text({"type": "string", "format": "byte"}, "application/octet-stream")),
            "format 'byte' is not supported (only binary)", octets + "/format")
    refused(tmp, lambda s: raw_op(s, text({"type": "object"}, "application/octet-stream")),
            "a body of type application/octet-stream is bytes: its schema's type", octets + "/type")
    refused(tmp, lambda s: raw_op(s, text({"type": "string", "pattern": "^a"}, "application/octet-stream")),
            "keyword(s) pattern are not supported in the schema of a body of type application/octet-stream", octets)
    refused(tmp, lambda s: raw_op(s, text({"type": "string", "contentEncoding": "base64"},
                                          "application/octet-stream")), "keyword(s) contentEncoding", octets)
    refused(tmp, lambda s: raw_op(s, text({"type": "string", "maxLength": 0}, "application/octet-stream")),
            "maxLength 0 is not supported", octets + "/maxLength")
    refused(tmp, lambda s: raw_op(s, text({}, "application/octet-stream; x=1")), "the media type parameter 'x' "
            "is not supported", RAW + "/content/application~1octet-stream; x=1")
    for other in ({"application/octet-stream": {}}, {"application/json": {"schema": {"type": "object"}}},
                  {"multipart/form-data": {"schema": {"type": "object"}}}):
        refused(tmp, lambda s: raw_op(s, dict(text({"type": "string"}), **other)), "a request body with several "
                "media types (", RAW + "/content")
        refused(tmp, lambda s: raw_op(s, dict(text({"type": "string"}), **other)), "%s" % next(iter(other)),
                RAW + "/content")
    accepted(tmp, lambda s: raw_op(s, text(None)), "a text/plain body without a schema (any UTF-8 text)")
    accepted(tmp, lambda s: raw_op(s, text({"type": "string", "minLength": 1, "maxLength": 9, "pattern": "^[a-z]+$",
                                            "format": "email", "description": "d", "x-note": 1}, "text/csv")),
             "a text/csv body with string constraints")
    accepted(tmp, lambda s: raw_op(s, text({"const": "ping"}, "text/plain; charset=UTF-8")), "a const text body")
    accepted(tmp, lambda s: (s["components"]["schemas"].update(Word={"type": "string", "enum": ["a", "b"]}),
                             raw_op(s, text({"$ref": "#/components/schemas/Word"}), required=False)),
             "an optional text body with a $ref'd string schema")
    accepted(tmp, lambda s: raw_op(s, text({}, "application/octet-stream")), "a bytes body with {}")
    accepted(tmp, lambda s: raw_op(s, text({"type": "string", "format": "binary", "maxLength": 10}, "image/png")),
             "an image/png body, format binary")
    accepted(tmp, lambda s: raw_op(s, text({"type": "string", "contentMediaType": "application/pdf",
                                            "minLength": 1}, "application/pdf")), "a bytes body, contentMediaType")
