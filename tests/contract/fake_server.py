"""Fake HTTP servers for the contract tool's self-tests (test_tool_*.py): an http.server handler on loopback,
the spec it implements written to a file, and async-demo-contract run against it.

- FakeHandler: a quiet BaseHTTPRequestHandler with send() and send_json(); a test subclasses it with its
  do_GET/do_POST and class attributes (fault, seen...).
- Served(handler, spec, **attrs): a context manager; serves a subclass of handler with attrs set on it (one per
  server, so a Counter or list in attrs is this server's alone) from a thread on 127.0.0.1; .url, .port,
  .handler, and .spec, the path of spec written as JSON (None without a spec), deleted on exit with the server.
- run_tool(spec, base_url, seed, ...): the tool's command line, run to its end: (exit status, stdout + stderr).
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "tools", "async_demo_contract.py")


class FakeHandler(BaseHTTPRequestHandler):
    fault = None  # the fault the server injects (a name its test knows), or None for a correct server

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", media=None, headers=()):
        """Answer @status with @body (bytes), a Content-Type of @media (none if None) and @headers' (name, value)."""
        self.send_response(status)
        if media is not None:
            self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status, obj, headers=()):
        """Answer @status with @obj as application/json."""
        self.send(status, json.dumps(obj).encode(), "application/json", headers)


class Served:
    """@handler (a FakeHandler) with @attrs on loopback, and @spec (a dict, or None) written to a file."""

    def __init__(self, handler, spec=None, **attrs):
        self.handler = type("%s_%s" % (handler.__name__, attrs.get("fault")), (handler,), attrs)
        self.spec_document = spec
        self.spec = None

    def __enter__(self):
        if self.spec_document is not None:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(self.spec_document, f)
            self.spec = f.name
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_port
        self.url = "http://127.0.0.1:%d" % self.port
        return self

    def __exit__(self, *exc):
        if self.spec is not None:
            os.unlink(self.spec)
        self.server.shutdown()
        self.server.server_close()

    def tool(self, seed, **options):
        """run_tool() on this server's spec and URL."""
        return run_tool(self.spec, self.url, seed, **options)


def run_tool(spec, base_url, seed, max_examples=30, time_budget=20, shrink_budget=10, workers=4, extra=(),
             timeout=120):
    """Run async-demo-contract on @spec (a path or URL) against @base_url (no --workers if @workers is None).
    Returns (exit status, stdout + stderr)."""
    cmd = [sys.executable, TOOL, "--spec", spec, "--base-url", base_url, "--seed", str(seed),
           "--max-examples", str(max_examples), "--time-budget", str(time_budget),
           "--shrink-budget", str(shrink_budget)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    p = subprocess.run(cmd + list(extra), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr
