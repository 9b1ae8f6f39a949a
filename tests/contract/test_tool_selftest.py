"""async-demo-contract catches faults: a small fake server (http.server on loopback) serves a tiny spec, correctly
or with one fault injected; the tool must pass the correct server and report each fault by its check's name.

Faults: "bounds" accepts an out-of-bounds value (check negative_4xx), "status" answers an undocumented
status (status_documented), "body" returns a body violating its schema (body_schema), "header" omits a
declared header (header_present).

And what the tool sends, to a second fake server that records it: --bearer's token in Authorization for an
oauth2, an openIdConnect and an http "Bearer" scheme (each enforced as a bearer token), and a float in a form
body in plain decimal notation (a form reader that takes only digits, a point and digits accepts every valid
one: 0.0000001, not 1e-07).

And a run that reached nothing fails: a --base-url without the spec's servers path (every request answered the
server's 404 for an unrouted path, though the operation documents 404), or no credentials (every positive request
answered 401), unless --allow-unreached names the operation.  Usage: test_tool_selftest.py (no arguments).
"""

import json
import os
import re
import sys
import unittest
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_server import FakeHandler, Served, run_tool  # noqa: E402

ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "array"}}}
SPEC = {
    "openapi": "3.1.0", "info": {"title": "fake", "version": "1"},
    "paths": {"/items/{n}": {"get": {
        "operationId": "get_item",
        "parameters": [{"name": "n", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 10}}],
        "responses": {
            "200": {"description": "the item",
                    "headers": {"X-Count": {"required": True, "schema": {"type": "integer"}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
            "422": {"description": "bad n", "content": {"application/json": {"schema": ERROR}}}}}}},
    "components": {"schemas": {"Item": {"type": "object", "required": ["n", "name"], "additionalProperties": False,
                                        "properties": {"n": {"type": "integer"}, "name": {"type": "string"}}}}},
}


class Fake(FakeHandler):
    """SPEC's server, correct or with the fault the module's docstring names."""

    def do_GET(self):
        parts = self.path.split("/")
        if len(parts) != 3 or parts[1] != "items":
            return self.send_json(404, {"detail": "not found"})
        try:
            n = int(parts[2])
        except ValueError:
            return self.send_json(422, {"detail": [{"loc": ["path", "n"], "msg": "not an integer"}]})
        if not 1 <= n <= 10 and self.fault != "bounds":
            return self.send_json(422, {"detail": [{"loc": ["path", "n"], "msg": "out of bounds"}]})
        if self.fault == "status" and n >= 5:
            return self.send_json(418, {"detail": "a teapot"})
        item = {"n": n, "name": "item %d" % n}
        if self.fault == "body" and n >= 3:
            item["name"] = None
        headers = [] if self.fault == "header" else [("X-Count", "1")]
        return self.send_json(200, item, headers)


TOKEN = "selftest-token"
SECURED = {"responses": {"200": {"description": "ok"}, "401": {"description": "no token"}}}
NUMBER = {"type": "object", "required": ["x"], "additionalProperties": False,
          "properties": {"x": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.001}}}
# (0.001: json.dump() writes 0.000001 as 1e-06, which codegen's YAML loader, used by the tool, reads as a string)
AUTH_SPEC = {
    "openapi": "3.1.0", "info": {"title": "fake", "version": "1"},
    "paths": {"/oauth": {"get": dict(SECURED, operationId="oauth", security=[{"o2": ["read"]}])},
              "/oidc": {"get": dict(SECURED, operationId="oidc", security=[{"oidc": []}])},
              "/bearer": {"get": dict(SECURED, operationId="bearer", security=[{"bear": []}])},
              "/measure": {"post": {"operationId": "measure", "requestBody": {"required": True, "content": {
                  "application/x-www-form-urlencoded": {"schema": NUMBER}}}, "responses": {
                  "200": {"description": "ok"}, "422": {"description": "bad",
                                                        "content": {"application/json": {"schema": ERROR}}}}}}},
    "components": {"securitySchemes": {
        "o2": {"type": "oauth2", "flows": {"password": {"tokenUrl": "/token", "scopes": {"read": "r"}}}},
        "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://127.0.0.1:9/.well-known/openid-configuration"},
        "bear": {"$ref": "#/components/securitySchemes/bear2"},
        "bear2": {"type": "http", "scheme": "Bearer"}}},
}


class Recorder(Fake):
    """AUTH_SPEC's server: 401 without the bearer token, a form's number read strictly; what came, recorded."""
    seen = []

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Authorization")))
        return self.send(200 if self.headers.get("Authorization") == "Bearer " + TOKEN else 401)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        form = urllib.parse.parse_qs(body, keep_blank_values=True)
        x = form.get("x", [""])
        self.seen.append((self.path, x))
        if set(form) != {"x"} or len(x) != 1 or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", x[0]) or not 0 < float(x[0]) <= 0.001:
            return self.send_json(422, {"detail": [{"loc": ["body", "x"], "msg": "not a number in bounds"}]})
        return self.send(200)


# SPEC with a documented 404: a run whose every request gets the server's 404 for an unrouted path passes each check
SPEC_404 = json.loads(json.dumps(SPEC))
SPEC_404["paths"]["/items/{n}"]["get"]["responses"]["404"] = {
    "description": "no such item", "content": {"application/json": {"schema": {"type": "object"}}}}


def run_against(fault, spec=SPEC, handler=Fake, *extra, base_path=""):
    with Served(handler, spec, fault=fault) as served:
        return run_tool(served.spec, served.url + base_path, 7, workers=None, extra=extra)


class SelfTest(unittest.TestCase):
    def test_correct_server_passes(self):
        rc, out = run_against(None)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("FAILED", out)
        self.assertNotIn("WARNING", out)
        self.assertNotIn("warning", out)

    def test_a_base_url_without_the_servers_path_reaches_nothing(self):
        """Every request gets the 404 of an unrouted path, documented for the operation: not a pass."""
        rc, out = run_against(None, SPEC_404, Fake, base_path="/api")
        self.assertEqual(rc, 1, out)
        self.assertNotIn("FAILED", out)  # each answer on its own is fine
        self.assertIn("warning: --base-url's path is '/api' but the spec's first server's is '/'", out)
        self.assertIn("WARNING: 1 operation(s) never reached", out)
        self.assertRegex(out, r"get_item: all \d+ positive requests got the 404 the server gives a path it does "
                              r"not route: is the servers path \(/\) in --base-url\?")
        rc, out = run_against(None, SPEC_404, Fake, "--allow-unreached", "get_item", base_path="/api")
        self.assertEqual(rc, 0, out)
        self.assertIn("(--allow-unreached)", out)

    def test_missing_credentials_reach_nothing(self):
        """Without --bearer every positive request of the secured operations gets their documented 401."""
        rc, out = run_against(None, AUTH_SPEC, Recorder)
        self.assertEqual(rc, 1, out)
        self.assertIn("WARNING: 3 operation(s) never reached", out)
        for op in ("bearer", "oauth", "oidc"):
            self.assertRegex(out, r"\n  %s: all \d+ positive requests got 401: its security refused them" % op)
        self.assertNotIn("  measure:", out)
        rc, out = run_against(None, AUTH_SPEC, Recorder, "--allow-unreached", "all")
        self.assertEqual(rc, 0, out)

    def check_caught(self, fault, check, *also):
        rc, out = run_against(fault)
        self.assertEqual(rc, 1, out)
        self.assertIn("FAILED get_item [%s]" % check, out)
        self.assertIn("curl ", out)
        for text in also:
            self.assertIn(text, out)

    def test_out_of_bounds_accepted(self):
        self.check_caught("bounds", "negative_4xx", "path n: m")  # minimum or maximum

    def test_undocumented_status(self):
        self.check_caught("status", "status_documented", "418 is not documented", "/items/5")  # shrunk to 5

    def test_body_violates_schema(self):
        self.check_caught("body", "body_schema", "/items/3")  # shrunk: the first n that breaks it

    def test_declared_header_missing(self):
        self.check_caught("header", "header_present", "X-Count")

    def test_bearer_schemes_and_form_numbers(self):
        Recorder.seen.clear()
        rc, out = run_against(None, AUTH_SPEC, Recorder, "--bearer", TOKEN)
        self.assertEqual(rc, 0, out)
        for path in ("/oauth", "/oidc", "/bearer"):
            self.assertIn((path, "Bearer " + TOKEN), Recorder.seen, "--bearer's token for %s" % path)
        numbers = [x[0] for path, x in Recorder.seen if path == "/measure" and len(x) == 1 and
                   re.fullmatch(r"[-+0-9.eE]+", x[0])]  # not the negatives' "not-a-number"
        self.assertTrue(any(0 < float(n) < 0.0001 for n in numbers), numbers)  # what str() writes as 1e-05 and less
        self.assertFalse([n for n in numbers if "e" in n.lower()], "a number with an exponent in a form")


if __name__ == "__main__":
    unittest.main(verbosity=2)
