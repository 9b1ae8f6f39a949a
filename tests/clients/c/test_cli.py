#!/usr/bin/python3
"""The async-demo-client command-line tool against the real server (ctest: client.cli).

Drives tools/async_demo_client.c, and so the generated client
(generated/api_client.c) and rt_client's general requests, end to end:
a create-user / get-user round trip, 404, 422, list-users with --limit,
percent-encoding of path values, usage errors and --help from the spec,
and load mode: concurrent non-blocking waits finish together, blocking
ones (WORKERS=1) one after another.

Needs ASYNC_DEMO_BIN (the server) and ASYNC_DEMO_CLIENT (the tool); ctest sets both.
"""

import json
import os
import re
import subprocess
import sys
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))
from harness import Server  # noqa: E402

CLIENT = os.environ.get("ASYNC_DEMO_CLIENT")
ADMIN_KEY = "cli-admin-key-0123456789"
METRICS_TOKEN = "cli-metrics-token-0123456789"
SPEC = os.path.join(HERE, "..", "..", "..", "openapi.yaml")


def run(server, *args, timeout=60):
    """Run the tool against @server; returns (exit code, stdout, stderr)."""
    url = "http://127.0.0.1:%d" % server.port if server else "http://127.0.0.1:1"
    p = subprocess.run([CLIENT, "--url", url] + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def load_summary(out):
    """Per-request lines and the summary of a load run."""
    lines = [l.split() for l in out.splitlines() if re.match(r"^\s*\d+\s+(\d{3}|ERR)\s", l)]
    ok = re.search(r"^ok: (\d+), failed: (\d+)$", out, re.M)
    wall = re.search(r"^wall time: ([0-9.]+) s, ([0-9.]+) req/s$", out, re.M)
    lat = re.search(r"^latency ms: min ([0-9.]+)  p50 ([0-9.]+)  p90 ([0-9.]+)  p99 ([0-9.]+)  max ([0-9.]+)$", out, re.M)
    return lines, ok, wall, lat


class CallsOnce(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not CLIENT:
            raise RuntimeError("ASYNC_DEMO_CLIENT is not set (run the tests through ctest)")
        cls.server = Server(workers=2, env={"ADMIN_API_KEYS": ADMIN_KEY, "METRICS_TOKEN": METRICS_TOKEN})
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_create_then_get_round_trip(self):
        rc, out, err = run(self.server, "create-user", "--email", "ada@example.com", "--full-name", "Ada Lovelace")
        self.assertEqual(rc, 0, err)
        self.assertIn("HTTP 201", err)
        created = json.loads(out)
        self.assertEqual(created["email"], "ada@example.com")
        self.assertEqual(created["full_name"], "Ada Lovelace")
        rc, out, err = run(self.server, "get-user", "ada@example.com")
        self.assertEqual(rc, 0, err)
        self.assertIn("HTTP 200", err)
        self.assertEqual(json.loads(out), created)
        # operationId with underscores, and the body as --json
        rc, out, err = run(self.server, "create_user", "--json", '{"email":"bob@example.com","full_name":"Bob"}')
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["full_name"], "Bob")

    def test_credentials(self):
        """--api-key goes in X-API-Key where the operation's scheme says; --bearer in Authorization."""
        run(self.server, "create-user", "--email", "del@example.com", "--full_name", "Del")
        rc, out, err = run(self.server, "delete-user", "del@example.com")
        self.assertEqual((rc, json.loads(out)), (1, {"detail": "Not authenticated"}), err)
        rc, out, err = run(self.server, "--api-key", ADMIN_KEY, "delete-user", "del@example.com")
        self.assertEqual(rc, 0, err)
        self.assertIn("HTTP 204", err)
        rc, out, err = run(self.server, "delete-user", "del@example.com", "--api-key", ADMIN_KEY)
        self.assertIn("HTTP 404", err)
        rc, out, err = run(self.server, "metrics")
        self.assertIn("HTTP 401", err)
        rc, out, err = run(self.server, "--bearer", METRICS_TOKEN, "metrics")
        self.assertEqual(rc, 0, err)
        self.assertIn("http_requests_total", out)
        rc, out, err = run(self.server, "--basic", "no-colon", "metrics")
        self.assertEqual(rc, 2)
        self.assertIn("--basic needs USER:PASSWORD", err)

    def test_conflict_is_documented_409(self):
        run(self.server, "create-user", "--email", "dup@example.com", "--full_name", "One")
        rc, out, err = run(self.server, "create-user", "--email", "DUP@example.com", "--full_name", "Two")
        self.assertEqual(rc, 1)
        self.assertIn("HTTP 409", err)
        self.assertNotIn("note:", err)
        self.assertEqual(json.loads(out), {"detail": "Email already registered"})

    def test_404(self):
        rc, out, err = run(self.server, "get-user", "nobody@example.com")
        self.assertEqual(rc, 1)
        self.assertIn("HTTP 404", err)
        self.assertEqual(json.loads(out), {"detail": "User not found"})

    def test_422_invalid_email(self):
        rc, out, err = run(self.server, "create-user", "--json", '{"email":"nope","full_name":"X"}')
        self.assertEqual(rc, 1)
        self.assertIn("HTTP 422", err)
        detail = json.loads(out)["detail"]
        self.assertEqual([d["loc"] for d in detail], [["body", "email"]])
        # invalid JSON is sent as is: the server's json_invalid
        rc, out, err = run(self.server, "create-user", "--json", '{"email":')
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["detail"][0]["type"], "json_invalid")

    def test_list_users_with_limit(self):
        for i in range(3):
            rc, _, err = run(self.server, "create-user", "--email", "page%d@example.com" % i, "--full-name", "P%d" % i)
            self.assertEqual(rc, 0, err)
        rc, out, err = run(self.server, "list-users", "--limit", "2")
        self.assertEqual(rc, 0, err)
        page = json.loads(out)
        self.assertEqual((page["limit"], page["offset"], len(page["items"])), (2, 0, 2))
        rc, out, err = run(self.server, "list-users", "--limit=1", "--offset", "1")
        self.assertEqual(rc, 0, err)
        page = json.loads(out)
        self.assertEqual((page["limit"], page["offset"], len(page["items"])), (1, 1, 1))
        rc, out, err = run(self.server, "list-users", "--limit", "0")
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["detail"][0]["loc"], ["query", "limit"])

    def test_path_values_are_percent_encoded(self):
        message = "hello world/?#&%+ caf\u00e9"
        rc, out, err = run(self.server, "process-data", message)
        self.assertEqual(rc, 0, err)
        self.assertIn("HTTP 202", err)
        accepted = json.loads(out)
        self.assertIn(message, accepted["message"])
        self.assertIn("\nLocation: /tasks/%s\n" % accepted["task_id"], err)  # a header the spec declares
        rc, out, err = run(self.server, "get-task", accepted["task_id"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["message"], message)

    def test_422_of_a_path_parameter(self):
        rc, out, err = run(self.server, "async-delay", "abc")
        self.assertEqual(rc, 1)
        self.assertIn("HTTP 422", err)
        self.assertEqual(json.loads(out)["detail"][0]["type"], "float_parsing")

    def test_undocumented_status_is_flagged(self):
        # a base URL with a prefix the server does not know: 404, which read_root does not document
        p = subprocess.run([CLIENT, "--url", "http://127.0.0.1:%d/prefix" % self.server.port, "read-root"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("HTTP 404", p.stderr)
        self.assertIn("not a documented status of read_root", p.stderr)
        self.assertEqual(json.loads(p.stdout), {"detail": "Not Found"})

    def test_no_server(self):
        rc, out, err = run(None, "health")
        self.assertEqual(rc, 1)
        self.assertIn("cannot connect", err)
        self.assertEqual(out, "")

    def test_usage_errors(self):
        for args, message in [(["bogus"], "unknown operation 'bogus'"),
                              (["get-user"], "missing the path parameter USER_EMAIL"),
                              (["get-user", "a@example.com", "b"], "too many arguments"),
                              (["list-users", "--nope", "1"], "'--nope' is no parameter or body field"),
                              (["list-users", "--limit"], "--limit needs a value"),
                              (["async-delay", "1", "--concurrency", "0"], "--concurrency needs a whole number"),
                              ([], "no operation given")]:
            rc, out, err = run(self.server, *args)
            self.assertEqual(rc, 2, args)
            self.assertIn(message, err, args)
            self.assertIn("operations: read-root async-delay sync-delay", err, args)
        p = subprocess.run([CLIENT, "--url", "ftp://x", "health"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--url must be an http:// or https:// URL", p.stderr)

    def test_help_lists_every_operation_of_the_spec(self):
        with open(SPEC, encoding="utf-8") as f:
            spec = yaml.safe_load(f)
        p = subprocess.run([CLIENT, "--help"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0)
        for path, item in spec["paths"].items():
            for method, op in item.items():
                if not isinstance(op, dict) or "operationId" not in op:
                    continue
                name = op["operationId"].replace("_", "-")
                self.assertRegex(p.stdout, r"(?m)^  %s\b" % re.escape(name))
                self.assertIn("%s %s" % (method.upper(), path), p.stdout)
                for param in op.get("parameters", []):
                    if param["in"] == "path":
                        self.assertIn(param["name"].upper(), p.stdout)
                    else:
                        self.assertIn("--" + param["name"].replace("_", "-"), p.stdout)
        self.assertIn("--concurrency", p.stdout)
        self.assertRegex(p.stdout, r"--full-name +string, required")  # a field's name dashed, as options are
        p = subprocess.run([CLIENT, "list-users", "--help"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--limit", p.stdout)
        self.assertIn("default 20, 1 <= x <= 100", p.stdout)


class LoadMode(unittest.TestCase):
    def test_async_delay_requests_overlap(self):
        with Server(workers=1) as server:
            rc, out, err = run(server, "async-delay", "0.5", "--concurrency", "20")
            self.assertEqual(rc, 0, out + err)
            lines, ok, wall, lat = load_summary(out)
            self.assertEqual(len(lines), 20, out)
            self.assertEqual(sorted(int(l[0]) for l in lines), list(range(1, 21)))
            self.assertTrue(all(l[1] == "200" for l in lines), out)
            self.assertEqual(ok.groups(), ("20", "0"), out)
            self.assertIn("status 200: 20", out)
            # 20 waits of 0.5 s on one event loop, all at once: about 0.5 s in all, not 10 s
            self.assertTrue(0.45 <= float(wall.group(1)) <= 1.5, out)
            self.assertTrue(float(lat.group(1)) >= 450, out)

    def test_sync_delay_requests_queue_up_on_one_worker(self):
        with Server(workers=1) as server:
            rc, out, err = run(server, "sync-delay", "0.2", "--concurrency", "5")
            self.assertEqual(rc, 0, out + err)
            lines, ok, wall, lat = load_summary(out)
            self.assertEqual(ok.groups(), ("5", "0"), out)
            # each blocks the only loop for 0.2 s: one after another, about 1 s in all
            self.assertTrue(0.9 <= float(wall.group(1)) <= 2.0, out)
            self.assertTrue(float(lat.group(5)) >= 900, out)  # the last one waited for the other four

    def test_more_requests_than_concurrency(self):
        with Server(workers=1) as server:
            rc, out, err = run(server, "async-delay", "0.2", "--concurrency", "4", "--requests", "12")
            self.assertEqual(rc, 0, out + err)
            lines, ok, wall, lat = load_summary(out)
            self.assertEqual(len(lines), 12, out)
            self.assertIn("12 requests, concurrency 4", out)
            # three waves of four
            self.assertTrue(0.55 <= float(wall.group(1)) <= 1.5, out)

    def test_failures_are_counted_by_status(self):
        with Server(workers=1) as server:
            rc, out, err = run(server, "async-delay", "100", "--requests", "3")
            self.assertEqual(rc, 1, out + err)
            lines, ok, wall, lat = load_summary(out)
            self.assertEqual(ok.groups(), ("0", "3"), out)
            self.assertIn("status 422: 3", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
