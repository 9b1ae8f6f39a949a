"""async-demo-contract judges a response by the media type its Content-Type names (ctest contract.tool.responses).

A fake server (http.server on loopback) serves GET /items/{id}, whose 200 declares application/json (an object)
and application/xml (a string), answering the one the request's Accept names, and GET /photo, whose 200 is
image/png bytes (minLength 8), answered with bytes that are not UTF-8.
- the correct server passes, and was asked for each of the item's two media types (the tool sends an Accept
  naming each declared type in turn when a response has several);
- faults are caught by name: a PNG shorter than its minLength (body_schema), the XML sent as text/html, a type
  the response does not declare (content_type), JSON that breaks its schema under Accept: application/json
  (body_schema).
Usage: test_tool_responses.py (no arguments).
"""

import collections
import json
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_server import TOOL, FakeHandler, Served  # noqa: E402
ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 1}}}
ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {}}}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82"
SPEC = {
    "openapi": "3.1.0", "info": {"title": "fake items", "version": "1"},
    "paths": {
        "/items/{id}": {"get": {
            "operationId": "get_item",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 9}}],
            "responses": {
                "200": {"description": "the item", "content": {
                    "application/json": {"schema": ITEM},
                    "application/xml": {"schema": {"type": "string", "minLength": 1}}}},
                "422": {"description": "invalid", "content": {"application/json": {"schema": ERROR}}}}}},
        "/photo": {"get": {
            "operationId": "get_photo",
            "responses": {"200": {"description": "a photo", "content": {
                "image/png": {"schema": {"type": "string", "format": "binary", "minLength": 8}}}}}}}},
}


class Fake(FakeHandler):
    seen = None  # Counter of the Content-Types answered, per server class

    def reply(self, status, body, media):
        self.seen[media] += 1
        self.send(status, body, media)

    def do_GET(self):
        if self.path == "/photo":
            return self.reply(200, PNG[:4] if self.fault == "short_png" else PNG, "image/png")
        item = self.path[len("/items/"):]
        if not self.path.startswith("/items/") or not item.isdigit() or not 1 <= int(item) <= 9:
            return self.reply(422, json.dumps({"detail": [{"type": "invalid", "loc": ["path", "id"]}]}).encode(),
                              "application/json")
        if "application/xml" in (self.headers.get("Accept") or ""):
            media = "text/html" if self.fault == "xml_as_html" else "application/xml"
            return self.reply(200, ("<item><id>%s</id></item>" % item).encode(), media)
        value = {"id": "x"} if self.fault == "bad_json" else {"id": int(item)}
        return self.reply(200, json.dumps(value).encode(), "application/json")


def serve(fault):
    """The fake server with @fault, on loopback, and the spec written to a file."""
    return Served(Fake, SPEC, fault=fault, seen=collections.Counter())


def tool(served):
    return served.tool(5, shrink_budget=5)


class ResponseMediaTest(unittest.TestCase):
    def test_correct_server_passes_and_is_asked_for_each_type(self):
        with serve(None) as served:
            rc, out = tool(served)
            seen = served.handler.seen
        self.assertEqual(rc, 0, out)
        self.assertNotIn("FAILED", out)
        for media in ("application/json", "application/xml", "image/png"):
            self.assertGreater(seen[media], 0, "%s answered: %s\n%s" % (media, seen, out))

    def check_caught(self, fault, op, check, *also):
        with serve(fault) as served:
            rc, out = tool(served)
        self.assertEqual(rc, 1, out)
        self.assertIn("FAILED %s [%s]" % (op, check), out)
        for text in also:
            self.assertIn(text, out)

    def test_short_png(self):
        self.check_caught("short_png", "get_photo", "body_schema", "4 bytes of image/png")

    def test_undeclared_content_type(self):
        self.check_caught("xml_as_html", "get_item", "content_type", "'text/html'")

    def test_json_against_its_schema(self):
        self.check_caught("bad_json", "get_item", "body_schema")


class DocumentedMediaTest(unittest.TestCase):
    """The media type an answer is documented by: its own, else a range covering it (springdoc's */*)."""

    def test_ranges(self):
        sys.path.insert(0, os.path.dirname(TOOL))
        from async_demo_contract import documented_media
        content = {"*/*": {}, "text/plain; version=1": {}}
        self.assertEqual(documented_media(content, "text/plain"), "text/plain; version=1")
        self.assertEqual(documented_media(content, "application/json"), "*/*")
        self.assertEqual(documented_media({"application/*": {}}, "application/json"), "application/*")
        self.assertIsNone(documented_media({"application/*": {}}, "text/html"))
        self.assertIsNone(documented_media({"application/json": {}}, "application/xml"))



if __name__ == "__main__":
    unittest.main(verbosity=2)
