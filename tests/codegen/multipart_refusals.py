"""Issue 15's multipart/form-data bodies: what the generator builds (file parts, their accepted Content-Types) and
what it refuses, with the JSON pointer, run by test_codegen.py with its helpers (kept apart so that each file stays
readable).  Each case adds an operation POST /uploads to the fixture."""

import os
import subprocess

UP = "#/paths/~1uploads/post/requestBody/content/multipart~1form-data"
SCHEMA = "#/components/schemas/Upload"


def upload_op(schema=None, encoding=None, extra=None):
    """A mutation adding POST /uploads with a multipart body (the Upload component unless schema is given)."""
    def mutate(s):
        props = {"file": {"type": "string", "format": "binary"}, "caption": {"type": "string", "maxLength": 10},
                 "scans": {"type": "array", "items": {"type": "string", "contentMediaType": "image/png"}}}
        s["components"]["schemas"]["Upload"] = {"type": "object", "required": ["file"], "properties": props}
        media = {"schema": schema or {"$ref": SCHEMA}}
        if encoding is not None:
            media["encoding"] = encoding
        s["paths"]["/uploads"] = {"post": {"operationId": "upload", "requestBody": {
            "required": True, "content": {"multipart/form-data": media}},
            "responses": {"204": {"description": "stored"}}}}
        if extra:
            extra(s)
    return mutate


def upload_props(s):
    return s["components"]["schemas"]["Upload"]["properties"]


def test_multipart(tmp, refused, accepted, mutated, ok):
    """Issue 15: multipart bodies with file parts are built, and what they cannot enforce is refused."""
    r, out = mutated(tmp, upload_op(encoding={"file": {"contentType": "image/png, image/*"}}))
    ok(r.returncode == 0, "a multipart body with a file, a text field and files: %s" % r.stderr.strip())
    if r.returncode == 0:
        with open(os.path.join(out, "api_models.h"), encoding="utf-8") as f:
            models = f.read()
        with open(os.path.join(out, "api_models.c"), encoding="utf-8") as f:
            tables = f.read()
        with open(os.path.join(out, "api_ops.c"), encoding="utf-8") as f:
            ops = f.read()
        ok("struct rt_valid_file file;" in models, "a file property is a struct rt_valid_file")
        ok("struct rt_valid_file *items;" in models, "an array of files is an array of struct rt_valid_file")
        ok('{"image/png", "image/*", NULL}' in tables, "encoding contentType: the file's accepted types")
        ok('rule_upload_scans_items_types[] = {"image/png", NULL}' in tables,
           "contentMediaType: the accepted type of each file of an array")
        ok("rt_valid_multipart_body(req, &api_upload__model, true, &params->body, &errs)" in ops,
           "the body is read by rt_valid_multipart_body")
        subprocess.run(["rm", "-rf", out], check=True)
    accepted(tmp, upload_op(schema={"type": "object", "properties": {"f": {"type": "string", "format": "binary"}}}),
             "an inline multipart schema")
    accepted(tmp, upload_op(schema={"$ref": "#/components/schemas/FormIn"}), "a multipart body of text fields only")
    refused(tmp, upload_op(extra=lambda s: upload_props(s)["file"].update(contentEncoding="base64")),
            "would have to be decoded", SCHEMA + "/properties/file/contentEncoding")
    refused(tmp, upload_op(encoding={"file": {"contentType": "text/csv; charset=utf-8"}}),
            "media type parameters (;charset=...) in a part's accepted types are not supported",
            "#/paths/~1uploads/post/requestBody/content/multipart~1form-data/encoding/file/contentType")
    refused(tmp, upload_op(extra=lambda s: upload_props(s)["file"].update(maxLength=10)),
            "maxLength on a file part is not enforced", SCHEMA + "/properties/file")
    refused(tmp, upload_op(extra=lambda s: upload_props(s)["scans"].update(maxItems=2)),
            "maxItems on an array of files is not enforced", SCHEMA + "/properties/scans")
    refused(tmp, upload_op(extra=lambda s: upload_props(s).update(meta={"type": "object", "properties": {}})),
            "property 'meta' of a form body uses keywords only the JSON Schema validator enforces", SCHEMA)
    refused(tmp, upload_op(extra=lambda s: upload_props(s).update(meta={"type": "object", "properties": {"a": {}}})),
            "property 'meta' of a form body must be a string", SCHEMA)
    refused(tmp, upload_op(extra=lambda s: upload_props(s)["caption"].update(minItems=1, type="array")),
            "property 'caption' of a form body uses keywords only the JSON Schema validator enforces", SCHEMA)
    refused(tmp, upload_op(schema={"type": "array", "items": {}}), "a multipart/form-data body must be an object "
            "schema with properties", UP + "/schema")
    refused(tmp, upload_op(encoding={"caption": {"contentType": "text/plain"}}),
            "contentType is enforced on file parts only", UP + "/encoding/caption/contentType")
    refused(tmp, upload_op(encoding={"nope": {"contentType": "text/plain"}}), "encoding names 'nope'",
            UP + "/encoding/nope")
    refused(tmp, upload_op(encoding={"file": {"contentType": "image/png, png"}}),
            "is not a comma-separated list of media types", UP + "/encoding/file/contentType")
    refused(tmp, upload_op(encoding={"file": {"headers": {}}}), "Encoding field 'headers' is refused",
            UP + "/encoding/file/headers")
    refused(tmp, upload_op(encoding={"file": {"style": "form"}}), "Encoding field 'style: form' is refused",
            UP + "/encoding/file/style")
    refused(tmp, lambda s: s["paths"]["/forms"]["post"]["requestBody"]["content"][
        "application/x-www-form-urlencoded"].update(encoding={"name": {"contentType": "text/plain"}}),
        "encoding is supported for multipart/form-data bodies only",
        "#/paths/~1forms/post/requestBody/content/application~1x-www-form-urlencoded/encoding")
    refused(tmp, upload_op(encoding={"file": {"contentType": "image/png"}}, extra=lambda s: s["paths"].update(
        {"/uploads2": {"post": dict(s["paths"]["/uploads"]["post"], operationId="upload2", requestBody={
            "content": {"multipart/form-data": {"schema": {"$ref": SCHEMA}}}})}})),
        "two multipart bodies use this schema with different accepted Content-Types", SCHEMA + "/properties/file")
    accepted(tmp, upload_op(extra=lambda s: s["paths"].update(
        {"/uploads2": {"post": dict(s["paths"]["/uploads"]["post"], operationId="upload2")}})),
        "two multipart bodies on one schema")
    refused(tmp, upload_op(schema={}, extra=lambda s: s["paths"]["/uploads"]["post"]["requestBody"].update(
        content={"text/plain": {"schema": {"type": "string"}, "encoding": {}}})),
        "encoding is supported for multipart/form-data bodies only",
        "#/paths/~1uploads/post/requestBody/content/text~1plain/encoding")
    refused(tmp, upload_op(extra=lambda s: s["paths"]["/items/"]["post"].update(
        requestBody={"content": {"application/json": {"schema": {"$ref": SCHEMA}}}})),
        "format 'binary' is not supported", SCHEMA + "/properties/file/format")  # files in a JSON body


def by_ref(s):
    """ASP.NET's IFormFile and IFormFileCollection: file parts written as a $ref."""
    s["components"]["schemas"]["IFormFile"] = {"type": "string", "format": "binary"}
    s["components"]["schemas"]["IFormFileCollection"] = {"type": "array",
                                                         "items": {"$ref": "#/components/schemas/IFormFile"}}
    upload_props(s)["file"] = {"$ref": "#/components/schemas/IFormFile"}
    upload_props(s)["scans"] = {"$ref": "#/components/schemas/IFormFileCollection"}


def test_multipart_refs(tmp, refused, mutated, ok):
    """A file part (or an array of them) by $ref is a file part, its checks made at the $ref's target."""
    r, out = mutated(tmp, upload_op(extra=by_ref))
    ok(r.returncode == 0, "IFormFile and IFormFileCollection by $ref: %s" % r.stderr.strip())
    if r.returncode == 0:
        with open(os.path.join(out, "api_models.h"), encoding="utf-8") as f:
            models = f.read()
        ok("struct rt_valid_file file;" in models and "struct rt_valid_file *items;" in models,
           "a file part and an array of files by $ref are struct rt_valid_file")
        subprocess.run(["rm", "-rf", out], check=True)
    refused(tmp, upload_op(extra=lambda s: (by_ref(s), s["components"]["schemas"]["IFormFile"].update(
        maxLength=3))), "maxLength on a file part is not enforced", "#/components/schemas/IFormFile")
    refused(tmp, upload_op(extra=lambda s: (by_ref(s), s["components"]["schemas"]["IFormFileCollection"].update(
        maxItems=3))), "maxItems on an array of files is not enforced", "#/components/schemas/IFormFileCollection")
