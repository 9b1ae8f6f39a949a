"""async-demo-contract tests a body declared under several media types under each (ctest contract.tool.media).

A fake server (http.server on loopback) serves POST /notes, whose requestBody declares one schema as
application/json, application/x-www-form-urlencoded and multipart/form-data (as examples/notes does); it reads
each strictly (a form must be a well-formed form, multipart must carry the boundary its Content-Type names, with
every part delimited by it and the closing delimiter last) and answers 415 to any other type.
- the correct server passes, and it was sent valid bodies of each of the three types (each read as itself:
  a form body is not JSON, a multipart body has proper boundaries) and invalid ones of each;
- faults are caught by name: a form reader that does not check maxLength (negative_4xx on the form's
  violation), a server refusing multipart with 415 (positive_media_accepted), a server answering 422 instead
  of 415 to text/plain (unsupported_media_415);
- spec_contract.smoke_requests (the example-driven checker) sends each media type's example as itself, and the
  fake server accepts each (before, the form example went out as multipart when both were declared).
Usage: test_tool_media.py (no arguments).
"""

import collections
import http.client
import json
import os
import re
import sys
import unittest
import urllib.parse

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from fake_server import FakeHandler, Served  # noqa: E402
from spec_contract import FormBody, MultipartBody, Spec, send, smoke_requests  # noqa: E402

FORM, MULTIPART = "application/x-www-form-urlencoded", "multipart/form-data"
NOTE = {"type": "object", "required": ["title"], "additionalProperties": False,
        "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 20},
                       "priority": {"type": "integer", "minimum": 0, "maximum": 5}}}
ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {}}}
EXAMPLE = {"title": "Groceries", "priority": 2}
SPEC = {
    "openapi": "3.1.0", "info": {"title": "fake notes", "version": "1"},
    "paths": {"/notes": {"post": {
        "operationId": "create_note",
        "requestBody": {"required": True, "content": {
            media: {"schema": {"$ref": "#/components/schemas/NoteCreate"}, "example": EXAMPLE}
            for media in ("application/json", FORM, MULTIPART)}},
        "responses": {
            "201": {"description": "stored", "content": {"application/json": {"schema": NOTE}}},
            "415": {"description": "another media type", "content": {"application/json": {"schema": ERROR}}},
            "422": {"description": "invalid", "content": {"application/json": {"schema": ERROR}}}}}}},
    "components": {"schemas": {"NoteCreate": NOTE}},
}


class Malformed(ValueError):
    pass


def read_form(data):
    """{field: [texts]} of a form body, strictly (ASCII, well-formed pairs)."""
    try:
        return urllib.parse.parse_qs(data.decode("ascii"), keep_blank_values=True, strict_parsing=bool(data),
                                     errors="strict")
    except (UnicodeDecodeError, ValueError) as e:
        raise Malformed("form: %s" % e)


def read_multipart(data, content_type):
    """{field: [texts]} of a multipart/form-data body: the boundary its Content-Type names opens every part and
    closes the body; each part a form-data Content-Disposition with a name (and no file)."""
    m = re.search(r";\s*boundary=([^;\s]+)", content_type)
    if not m:
        raise Malformed("multipart: no boundary in %r" % content_type)
    delim = b"--" + m.group(1).strip('"').encode()
    if not data.startswith(delim + b"\r\n") or not data.endswith(b"\r\n" + delim + b"--\r\n"):
        raise Malformed("multipart: not opened and closed by the boundary")
    out = collections.defaultdict(list)
    for part in data[len(delim) + 2:-(len(delim) + 6)].split(b"\r\n" + delim + b"\r\n"):
        head, sep, value = part.partition(b"\r\n\r\n")
        name = re.match(rb'Content-Disposition: form-data; name="([^"]+)"$', head)
        if not sep or not name:
            raise Malformed("multipart: a part without a form-data name: %r" % head[:80])
        out[name.group(1).decode()].append(value.decode("utf-8"))
    return out


def typed(fields, lax_length=False):
    """A form's or multipart's {field: [texts]} as the model: one text per field, priority as an integer."""
    out = {}
    for key, texts in fields.items():
        if len(texts) != 1:
            raise Malformed("%s: %d values" % (key, len(texts)))
        out[key] = int(texts[0]) if key == "priority" and re.fullmatch(r"-?[0-9]+", texts[0]) else texts[0]
    if lax_length and isinstance(out.get("title"), str):
        out["title"] = out["title"][:20]  # the fault: the form reader cuts instead of refusing
    return out


class Fake(FakeHandler):
    seen = None  # Counter of (media type, status) answered, per server class

    def reply(self, status, obj, media):
        self.seen[(media, status)] += 1
        self.send_json(status, obj)

    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        ctype = self.headers.get("Content-Type") or ""
        media = ctype.split(";")[0].strip().lower()
        if self.path != "/notes":
            return self.reply(404, {"detail": "not found"}, media)
        try:
            if media == "application/json":
                value = json.loads(data)
            elif media == FORM:
                value = typed(read_form(data), lax_length=self.fault == "form_bounds")
            elif media == MULTIPART and self.fault != "multipart_415":
                value = typed(read_multipart(data, ctype))
            else:
                status = 422 if self.fault == "plain_422" else 415
                return self.reply(status, {"detail": "Unsupported Media Type: %s" % media}, media)
        except (ValueError, UnicodeDecodeError) as e:
            return self.reply(422, {"detail": [{"type": "malformed", "loc": ["body"], "msg": str(e)}]}, media)
        errors = list(jsonschema.Draft202012Validator(NOTE).iter_errors(value))
        if errors:
            return self.reply(422, {"detail": [{"type": "invalid", "loc": ["body"], "msg": errors[0].message}]}, media)
        return self.reply(201, value, media)


def serve(fault):
    """The fake server with @fault, on loopback, and the spec written to a file."""
    return Served(Fake, SPEC, fault=fault, seen=collections.Counter())


def tool(served):
    return served.tool(3, max_examples=60, time_budget=30, timeout=150)


class MediaTest(unittest.TestCase):
    def test_correct_server_passes_and_gets_each_type(self):
        with serve(None) as served:
            rc, out = tool(served)
            seen = served.handler.seen
        self.assertEqual(rc, 0, out)
        self.assertNotIn("FAILED", out)
        for media in ("application/json", FORM, MULTIPART):
            self.assertGreater(seen[(media, 201)], 5, "valid %s bodies accepted: %s\n%s" % (media, seen, out))
            self.assertGreater(seen[(media, 422)], 5, "invalid %s bodies refused: %s\n%s" % (media, seen, out))
        self.assertGreater(seen[("text/plain", 415)], 0, "a text/plain body got 415: %s" % seen)

    def check_caught(self, fault, check, *also):
        with serve(fault) as served:
            rc, out = tool(served)
        self.assertEqual(rc, 1, out)
        self.assertIn("FAILED create_note [%s]" % check, out)
        for text in also:
            self.assertIn(text, out)

    def test_form_without_max_length(self):
        self.check_caught("form_bounds", "negative_4xx", "body title: maxLength [%s]" % FORM)

    def test_multipart_refused(self):
        self.check_caught("multipart_415", "positive_media_accepted", "a body of a declared type (multipart/form-data) got 415")

    def test_plain_text_not_415(self):
        self.check_caught("plain_422", "unsupported_media_415", "got 422, not 415")

    def test_smoke_sends_each_media_type_as_itself(self):
        with serve(None) as served:
            goods, bads = smoke_requests(Spec(served.spec), "create_note")
            kinds = [type(body).__name__ for _, _, body in goods]
            self.assertEqual(kinds, ["dict", "FormBody", "MultipartBody"], goods)
            self.assertEqual([type(body).__name__ for _, _, body in bads], ["list", "FormBody", "MultipartBody"])
            server = Client(served.port)
            for method, target, body in goods:
                r = send(server, method, target, body)
                self.assertEqual(r.status, 201, (body, r.body))
            for method, target, body in bads:
                self.assertEqual(send(server, method, target, body).status, 422, body)
            seen = served.handler.seen
        self.assertEqual({m: seen[(m, 201)] for m in ("application/json", FORM, MULTIPART)},
                         {"application/json": 1, FORM: 1, MULTIPART: 1}, seen)
        self.assertIsInstance(goods[1][2], FormBody)
        self.assertIsInstance(goods[2][2], MultipartBody)


class Client:
    """The one method of tests/integration's harness.Server that spec_contract.send() calls."""

    def __init__(self, port):
        self.port = port

    def request(self, method, target, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            r = conn.getresponse()
            r.body = r.read()
            return r
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
