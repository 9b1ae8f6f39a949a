"""A requestBody of several media types (codegen/openapi_c/bodymedia.py): one schema as JSON, a form or multipart is
built with a reader per media type; everything else with several media types is refused with the content's JSON
pointer and why.  Run by test_codegen.py with its helpers (kept apart so that each file stays readable); each case
adds POST /many (operationId many) to the fixture, whose FormIn is a form-shaped model."""

import os
import subprocess

MANY = "#/paths/~1many/post/requestBody/content"
FORM_IN = {"$ref": "#/components/schemas/FormIn"}
FORM = "application/x-www-form-urlencoded"
MULTI = "multipart/form-data"
JSON = "application/json"


def many_op(content, required=True, extra=None):
    """A mutation adding POST /many with a requestBody of this content ({media: schema})."""
    def mutate(s):
        s["paths"]["/many"] = {"post": {"operationId": "many", "requestBody": {
            "required": required, "content": {m: {"schema": schema} for m, schema in content.items()}},
            "responses": {"204": {"description": "done"}}}}
        if extra:
            extra(s)
    return mutate


def inline_form_in(s):
    return dict(s["components"]["schemas"]["FormIn"])


def test_bodymedia(tmp, refused, accepted, mutated, ok):
    """One schema under JSON, form and multipart: a table of readers, the same model; the rest refused."""
    r, out = mutated(tmp, many_op({JSON: FORM_IN, FORM: FORM_IN}))
    ok(r.returncode == 0, "JSON and a form with the same $ref build: %s" % r.stderr.strip())
    if r.returncode == 0:
        with open(os.path.join(out, "api_ops.c"), encoding="utf-8") as f:
            ops = f.read()
        with open(os.path.join(out, "api_ops.h"), encoding="utf-8") as f:
            decls = f.read()
        with open(os.path.join(out, "api_client.h"), encoding="utf-8") as f:
            client = f.read()
        ok('{"application/json", RT_VALID_MEDIA_JSON},\n    {"application/x-www-form-urlencoded", '
           'RT_VALID_MEDIA_FORM},' in ops, "a reader per media type, in the spec's order")
        ok(".n_media = 2, .primary = 0, .model = &api_form_in__model" in ops, "one model, JSON primary")
        ok("rt_valid_media_req_body(req, &media_body_many, &params->body, &errs)" in ops,
           "the Content-Type picks the reader (rt_valid_media_req_body)")
        ok("struct api_form_in body; /* request body (FormIn), read from application/json, "
           "application/x-www-form-urlencoded as its Content-Type says */" in decls, "the handler's typed body")
        ok(" * The body is sent as @p media_type: application/json, application/x-www-form-urlencoded; NULL: "
           "application/json." in client, "the client says what it sends, and what it may send")
        ok("const struct api_form_in *body, const char *media_type, api_client_many_cb cb" in client,
           "the caller picks the media type")
        subprocess.run(["rm", "-rf", out], check=True)
    accepted(tmp, many_op({FORM: FORM_IN, MULTI: FORM_IN, JSON: FORM_IN}), "JSON, form and multipart")
    accepted(tmp, many_op({JSON: dict(FORM_IN, description="d"), FORM: FORM_IN}, extra=lambda s: s["paths"]["/many"][
        "post"]["requestBody"]["content"][FORM].update(schema=inline_form_in(s))),
        "a $ref beside an inline copy of its target (annotations beside the $ref aside)")
    accepted(tmp, many_op({MULTI: FORM_IN, FORM: FORM_IN}, required=False), "optional, multipart and a form")
    accepted(tmp, many_op({"application/vnd.x+json": FORM_IN, FORM: FORM_IN}), "a vendor JSON type and a form")

    refused(tmp, many_op({JSON: FORM_IN, FORM: {"type": "object", "properties": {"name": {"type": "string"}}}}),
            "several media types (application/json, application/x-www-form-urlencoded) is not supported: different "
            "schemas per media type are not supported: the handler gets one typed body", MANY)
    refused(tmp, many_op({JSON: FORM_IN, MULTI: {"$ref": "#/components/schemas/Filter"}}),
            "the schema of multipart/form-data differs from that of application/json", MANY)
    refused(tmp, many_op({JSON: FORM_IN, "text/plain": {"type": "string"}}), "text/plain is not JSON, a form or "
            "multipart/form-data: the handler gets such a body as its text or bytes", MANY)
    refused(tmp, many_op({FORM: FORM_IN, "multipart/mixed": FORM_IN}), "multipart/mixed is not supported, in a body of several media types or alone", MANY)
    refused(tmp, many_op({JSON: FORM_IN, "*/*": FORM_IN}), "the wildcard media type '*/*'", MANY)
    refused(tmp, many_op({JSON + "; charset=utf-8": FORM_IN, FORM: FORM_IN}),
            "'application/json; charset=utf-8' has parameters, which would not be enforced", MANY)
    refused(tmp, many_op({JSON: FORM_IN, "application/vnd.x+json": FORM_IN, FORM: FORM_IN}),
            "several JSON media types: declare application/json", MANY)
    refused(tmp, many_op({FORM: FORM_IN, "Application/X-WWW-Form-URLEncoded": FORM_IN}),
            "are the same media type", MANY)
    refused(tmp, many_op({JSON: {"type": "array", "items": {"type": "string"}}, FORM: {"type": "array", "items": {
        "type": "string"}}}), "a form body must be an object schema", MANY + "/" + FORM.replace("/", "~1") + "/schema")
    nested = {"type": "object", "properties": {"meta": {"type": "object", "properties": {"a": {}}}}}
    refused(tmp, many_op({JSON: nested, FORM: nested}), "property 'meta' of a form body must be",
            MANY + "/" + FORM.replace("/", "~1") + "/schema")
    upload = {"type": "object", "properties": {"name": {"type": "string"}, "scan": {"type": "string",
                                                                                   "format": "binary"}}}
    refused(tmp, many_op({JSON: upload, MULTI: upload}), "the file part(s) scan of multipart/form-data cannot be "
            "sent as application/json", MANY)
    refused(tmp, many_op({JSON: FORM_IN, FORM: FORM_IN}, extra=lambda s: s["paths"]["/many"]["post"]["requestBody"][
        "content"][FORM].update(encoding={"name": {"contentType": "text/plain"}})),
        "encoding is supported for multipart/form-data bodies only", MANY + "/" + FORM.replace("/", "~1") + "/encoding")

    refused(tmp, many_op({JSON: FORM_IN, MULTI: FORM_IN}, extra=lambda s: s["paths"]["/many"]["post"]["requestBody"][
        "content"][MULTI].update(encoding={"name": {"contentType": "text/plain"}})),
        "contentType is enforced on file parts only", MANY + "/" + MULTI.replace("/", "~1") + "/encoding/name/contentType")

    def shared(s):  # the requestBody in components: its pointer is the component's
        s["components"]["requestBodies"] = {"Many": s["paths"]["/many"]["post"]["requestBody"]}
        s["paths"]["/many"]["post"]["requestBody"] = {"$ref": "#/components/requestBodies/Many"}
    refused(tmp, many_op({JSON: FORM_IN, "text/csv": {}}, extra=shared), "text/csv is not JSON",
            "#/components/requestBodies/Many/content")
