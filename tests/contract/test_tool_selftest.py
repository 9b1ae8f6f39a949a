"""async-demo-contract catches faults: a small fake server (http.server on loopback) serves a tiny spec, correctly
or with one fault injected; the tool must pass the correct server and report each fault by its check's name.

Faults: "bounds" accepts an out-of-bounds value (check negative_4xx), "status" answers an undocumented
status (status_documented), "body" returns a body violating its schema (body_schema), "header" omits a
declared header (header_present).  Usage: test_tool_selftest.py (no arguments).
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "tools", "async_demo_contract.py")

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


class Fake(BaseHTTPRequestHandler):
    fault = None  # set per server class

    def log_message(self, *args):
        pass

    def reply(self, status, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = self.path.split("/")
        if len(parts) != 3 or parts[1] != "items":
            return self.reply(404, {"detail": "not found"})
        try:
            n = int(parts[2])
        except ValueError:
            return self.reply(422, {"detail": [{"loc": ["path", "n"], "msg": "not an integer"}]})
        if not 1 <= n <= 10 and self.fault != "bounds":
            return self.reply(422, {"detail": [{"loc": ["path", "n"], "msg": "out of bounds"}]})
        if self.fault == "status" and n >= 5:
            return self.reply(418, {"detail": "a teapot"})
        item = {"n": n, "name": "item %d" % n}
        if self.fault == "body" and n >= 3:
            item["name"] = None
        headers = [] if self.fault == "header" else [("X-Count", "1")]
        return self.reply(200, item, headers)


def run_against(fault):
    handler = type("Fake_%s" % fault, (Fake,), {"fault": fault})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(SPEC, f)
        cmd = [sys.executable, TOOL, "--spec", f.name, "--base-url", "http://127.0.0.1:%d" % server.server_port,
               "--seed", "7", "--max-examples", "30", "--time-budget", "20", "--shrink-budget", "10"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout + p.stderr
    finally:
        os.unlink(f.name)
        server.shutdown()
        server.server_close()


class SelfTest(unittest.TestCase):
    def test_correct_server_passes(self):
        rc, out = run_against(None)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("FAILED", out)

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
