"""async-demo-contract (tools/async_demo_contract.py) against a real service: 0 failures required.

Usage: test_tool.py service SPEC  (ASYNC_DEMO_BIN: async-demo; ASYNC_DEMO_DB, ASYNC_DEMO_PG_DIR as ctest sets)
       test_tool.py notes SPEC    (ASYNC_DEMO_BIN: the example service, examples/notes)
       test_tool.py petstore SPEC (ASYNC_DEMO_BIN: the pet store, examples/petstore)
The run is bounded (CONTRACT_EXAMPLES requests per operation and kind, CONTRACT_BUDGET seconds of sending),
the delay endpoints capped to 0.05 s, and seeded by CONTRACT_SEED (default 1) so a failure reproduces.
"""

import os
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Server, fresh_database_url  # noqa: E402
from upstream import Upstream  # noqa: E402

TOOL = os.path.join(HERE, "..", "..", "tools", "async_demo_contract.py")
MODE, SPEC = sys.argv.pop(1), os.path.abspath(sys.argv.pop(1))
ADMIN_KEY = "contract-tool-admin-key-0123456789"
METRICS_TOKEN = "contract-tool-metrics-token-0123456789"


def run_tool(base_url, *extra):
    """The tool's exit status and output, with the test's bounds; its JUnit XML is parsed too."""
    with tempfile.NamedTemporaryFile(suffix=".xml") as junit:
        cmd = [sys.executable, TOOL, "--spec", SPEC, "--base-url", base_url, "--junit", junit.name,
               "--seed", os.environ.get("CONTRACT_SEED", "1"),
               "--max-examples", os.environ.get("CONTRACT_EXAMPLES", "250"),
               "--time-budget", os.environ.get("CONTRACT_BUDGET", "40"), "--workers", "6"] + list(extra)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
        suite = ET.parse(junit.name).getroot() if os.path.getsize(junit.name) else None
    return p.returncode, p.stdout + p.stderr, suite


class ToolTests(unittest.TestCase):
    def check_clean(self, base_url, *extra):
        rc, out, suite = run_tool(base_url, *extra)
        print(out)
        self.assertEqual(rc, 0, out)
        self.assertIsNotNone(suite, out)
        self.assertEqual(suite.get("failures"), "0", out)
        total = [line for line in out.splitlines() if line.startswith("TOTAL")][0].split()
        self.assertGreater(int(total[3]), 0, "no request was sent")  # TOTAL (s) requests ...
        # documented 503s are allowed one by one, but a run that got mostly 503 tested nothing
        self.assertLess(int(total[6]), int(total[3]) // 20, "the service answered 503 to most requests")
        return out

    def test_service(self):
        if MODE != "service":
            self.skipTest("mode %s" % MODE)
        with tempfile.TemporaryDirectory(prefix="async-demo-contract-tool-") as tmp, Upstream("svc") as upstream:
            env = {"EXTERNAL_API_URLS": upstream.url("/json"), "TASK_ITERATIONS": "1000",
                   "ADMIN_API_KEYS": ADMIN_KEY, "METRICS_TOKEN": METRICS_TOKEN}
            with Server(workers=2, database_url=fresh_database_url(tmp), env=env) as server:
                deadline = time.monotonic() + 20
                while server.get("/health").status != 200 and time.monotonic() < deadline:
                    time.sleep(0.1)
                out = self.check_clean("http://127.0.0.1:%d" % server.port, "--cap", "seconds=0.05",
                                       "--api-key", ADMIN_KEY, "--bearer", METRICS_TOKEN)
                # the links were followed: users created and read back, tasks queued and read back
                row = [line.split() for line in out.splitlines() if line.startswith("create_user ")][0]
                self.assertGreater(int(row[5]), 0, "no link followed from create_user")

    def test_notes(self):
        if MODE != "notes":
            self.skipTest("mode %s" % MODE)
        with tempfile.TemporaryDirectory(prefix="async-demo-contract-notes-") as tmp:
            with Server(workers=2, database_url="sqlite:///" + os.path.join(tmp, "notes.db"),
                        env={"GREETING": "Hi"}) as server:
                out = self.check_clean("http://127.0.0.1:%d/v1" % server.port)
                # list_notes' JSON query parameter (filter) was drawn: valid values, and invalid ones answered 422
                row = [line.split() for line in out.splitlines() if line.startswith("list_notes ")][0]
                self.assertGreater(int(row[2]), 0, "no positive list_notes request")
                self.assertGreater(int(row[3]), 0, "no negative list_notes request (the JSON parameter's)")

    def test_petstore(self):
        """The tool sends an API key in a header and a bearer token; the operations that take only basic
        credentials, a query key or the session cookie are answered their documented 401 (examples.petstore
        sends those)."""
        if MODE != "petstore":
            self.skipTest("mode %s" % MODE)
        env = {"PETSTORE_API_KEY": ADMIN_KEY, "PETSTORE_TOKEN": METRICS_TOKEN, "PETSTORE_RATE_LIMIT": "1000000"}
        # the tool cannot send those credentials: those operations are never reached, and said so
        unreached = ("add_litter", "delete_pet", "get_inventory", "get_user")
        with Server(workers=2, env=env) as server:
            out = self.check_clean("http://127.0.0.1:%d/api/v3" % server.port, "--api-key", ADMIN_KEY,
                                   "--bearer", METRICS_TOKEN,
                                   *[x for op in unreached for x in ("--allow-unreached", op)])
        self.assertIn("WARNING: %d operation(s) never reached" % len(unreached), out)
        for op in unreached:
            self.assertRegex(out, r"\n  %s: all \d+ positive requests got 401: .*\(--allow-unreached\)" % op)


if __name__ == "__main__":
    unittest.main(verbosity=2)
