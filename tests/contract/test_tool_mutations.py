#!/usr/bin/python3
"""The contract tool's negative requests for a closed body, and its JSON parameters (ctest contract.tool.mutations).

A body closed with additionalProperties: false, or with OpenAPI 3.1's unevaluatedProperties: false over an
allOf (which has no type of its own), gets a negative request with one property too many, which the schema
refuses; the service must answer it with a 4xx.
A JSON parameter (content application/json or +json) in a path, query, header or cookie is drawn valid against its
schema and sent as compact JSON, percent-encoded in the path, query and cookie, as it is in a header; its
negatives (malformed JSON, another type, a required property left out, a property out of bounds) are each invalid.
A JSON response header (content) is judged as strict JSON valid against its media type's schema.
Usage: test_tool_mutations.py (no arguments).
"""

import json
import os
import sys
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from contract_formats import Validator  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from contract_gen import TEMPLATE, apply_body, body_mutations, negatives, positive  # noqa: E402
from async_demo_contract import Judge, Target  # noqa: E402

TAG = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
CLOSED = {
    "additionalProperties": dict(TAG, additionalProperties=False),
    "unevaluatedProperties": {"allOf": [TAG], "properties": {"size": {"type": "integer"}},
                              "unevaluatedProperties": False},
}


def operation(schema):
    return {"operationId": "op", "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


class ClosedBodies(unittest.TestCase):
    def test_one_property_too_many(self):
        for key, schema in CLOSED.items():
            with self.subTest(key=key):
                mutations = [m for m in body_mutations(operation(schema)) if m[1] == "extra"]
                self.assertEqual(mutations, [("body: " + key, "extra", None)])
                req = apply_body({"body": {"name": "a", "size": 2} if "allOf" in schema else {"name": "a"},
                                  "media": "application/json"}, "extra", None, schema)
                self.assertIsNotNone(req)  # None: the mutated body would still be valid
                self.assertFalse(Validator(schema).is_valid(req["body"]))

    def test_open_body_has_none(self):
        self.assertEqual([m for m in body_mutations(operation(TAG)) if m[1] == "extra"], [])


FILTER = {"type": "object", "required": ["title"], "additionalProperties": False,
          "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 8},
                         "limit": {"type": "integer", "minimum": 1, "maximum": 20}}}
JSON_OP = {"operationId": "list", TEMPLATE: "/notes/{sel}", "parameters": [
    {"name": "sel", "in": "path", "required": True,
     "content": {"application/json": {"schema": {"type": "array", "items": {"type": "integer"}, "minItems": 1}}}},
    {"name": "filter", "in": "query", "required": True, "content": {"application/json": {"schema": FILTER}}},
    {"name": "X-Meta", "in": "header", "required": True,
     "content": {"application/vnd.meta+json": {"schema": {"type": "array", "items": {"type": "string"}}}}},
    {"name": "prefs", "in": "cookie", "content": {"application/json": {"schema": {"type": "object"}}}}]}
SCHEMAS = {p["name"]: next(iter(p["content"].values()))["schema"] for p in JSON_OP["parameters"]}
TARGET = Target("http://127.0.0.1:1/v1", {}, None, None, {})
DRAWS = settings(max_examples=60, database=None, deadline=None, suppress_health_check=list(HealthCheck))


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def sent(req):
    """{name: text} of each JSON parameter as the driver writes @req: percent-decoded from the path, query and
    cookie (which must hold no raw JSON punctuation), as it is from the header."""
    _, target, headers, _ = TARGET.build("GET", JSON_OP[TEMPLATE], JSON_OP, req, {})
    path, _, query = target.partition("?")
    out = {}
    for raw in [path[len("/v1/notes/"):]] + [v for k, v in (q.split("=", 1) for q in query.split("&") if q)] + \
            [v for k, v in (c.split("=", 1) for c in headers.get("Cookie", "").split("; ") if c)]:
        assert not set(raw) & set('{}[]",: '), raw  # percent-encoded
    out["sel"] = urllib.parse.unquote(path[len("/v1/notes/"):])
    out.update({k: urllib.parse.unquote(v) for k, v in (q.split("=", 1) for q in query.split("&") if q)})
    out.update({k: urllib.parse.unquote(v) for k, v in (c.split("=", 1) for c in headers.get("Cookie", "").split("; ")
                                                          if c)})
    if "X-Meta" in headers:
        out["X-Meta"] = headers["X-Meta"]
    return out


class JsonParameters(unittest.TestCase):
    @DRAWS
    @given(positive(JSON_OP, {}))
    def test_drawn_valid_and_sent_as_compact_json(self, req):
        texts = sent(req)
        self.assertLessEqual({"sel", "filter", "X-Meta"}, set(texts))
        for name, text in texts.items():
            value = json.loads(text)
            self.assertEqual(text, compact(value))  # compact: no space after , or :
            self.assertTrue(Validator(SCHEMAS[name]).is_valid(value), (name, text))

    def test_the_negatives_of_json_parameters(self):
        names = [name for name, _ in negatives(JSON_OP, {}, False)]
        for want in ("query filter: malformed JSON", "query filter: type", "query filter title: required",
                     "query filter title: maxLength", "query filter title: minLength", "query filter limit: maximum",
                     "query filter limit: minimum", "header X-Meta: malformed JSON", "header X-Meta: type",
                     "cookie prefs: malformed JSON", "path sel: malformed JSON", "query filter: required",
                     "header X-Meta: required"):
            self.assertIn(want, names)
        for name, strategy in negatives(JSON_OP, {}, False):
            if name.endswith(": required") and name.count(" ") == 2:
                continue  # the parameter itself left out

            @DRAWS
            @given(strategy)
            def each(req):
                self.assertEqual(req["violates"], name)
                where, pname = name.split(" ")[:2]
                text = sent(req)[pname.rstrip(":")]
                try:
                    value = json.loads(text)
                except ValueError:
                    self.assertTrue(name.endswith("malformed JSON"), (name, text))
                    return
                self.assertFalse(Validator(SCHEMAS[pname.rstrip(":")]).is_valid(value), (name, text))
            with self.subTest(name=name):
                each()


class JsonResponseHeaders(unittest.TestCase):
    def test_judged_as_strict_json_of_its_schema(self):
        page = {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer", "minimum": 0}}}
        documented = {"headers": {"X-Page": {"content": {"application/json": {"schema": page}}}}}
        judge = Judge({})
        self.assertEqual(judge.headers(documented, {"x-page": '{"count":2}'}), [])
        for text, check in (('{"count":-1}', "header_schema"), ("{}", "header_schema"), ("{count: 2}", "header_schema"),
                            ('{"count":NaN}', "header_schema"), (None, "header_present")):
            with self.subTest(text=text):
                got = judge.headers(documented, {"x-page": text} if text is not None else {})
                self.assertEqual([c for c, _ in got], [check])


if __name__ == "__main__":
    unittest.main(verbosity=1)
