"""GET /metrics: Prometheus' text format, and numbers that move as the service works.

The format is checked twice: with promtool (Debian's prometheus package) when it is installed, and
always with the small parser below.  Runs once per database backend (ASYNC_DEMO_DB).
"""

import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DB_BACKEND, Server, fresh_database_url, main, run_parallel, send_request  # noqa: E402
from upstream import Upstream  # noqa: E402

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
SAMPLE_RE = re.compile(r"^(%s)(?:\{((?:%s)(?:,%s)*)?\})? (\S+)$" % (NAME, LABEL, LABEL))
HELP_RE = re.compile(r"^# HELP (%s) (.*)$" % NAME)
TYPE_RE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % NAME)
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count", "")}


def parse(text):
    """Parse text format 0.0.4 strictly enough to catch what Prometheus would refuse.

    @return {(name, frozenset(labels.items())): value} and {family: type}."""
    assert text.endswith("\n"), "the exposition must end with a newline"
    types, helps, samples = {}, set(), {}
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d: %r" % (n, line)
        if line.startswith("# HELP "):
            m = HELP_RE.match(line)
            assert m and m.group(1) not in helps, where
            helps.add(m.group(1))
        elif line.startswith("# TYPE "):
            m = TYPE_RE.match(line)
            assert m and m.group(1) not in types, where
            assert not any(k[0].startswith(m.group(1)) for k in samples), "TYPE after samples: " + where
            types[m.group(1)] = m.group(2)
        else:
            assert not line.startswith("#") and line.strip(), where
            m = SAMPLE_RE.match(line)
            assert m, "not a sample: " + where
            name, value = m.group(1), float(m.group(m.lastindex))
            labels = frozenset(re.findall(LABEL, m.group(2) or ""))
            assert len(labels) == len(re.findall(LABEL, m.group(2) or "")), "repeated label: " + where
            assert (name, labels) not in samples, "duplicate sample: " + where
            family = family_of(name, types)
            assert family is not None, "sample without a TYPE: " + where
            assert family in helps, "sample without a HELP: " + where
            if types[family] == "counter":
                assert name.endswith("_total") and value >= 0, where
            samples[(name, labels)] = value
    check_histograms(samples, types)
    return samples, types


def family_of(name, types):
    if name in types:
        return name
    for family, kind in types.items():
        if any(name == family + s for s in SUFFIXES.get(kind, ())):
            return family
    return None


def check_histograms(samples, types):
    """Buckets cumulative, ending with +Inf equal to _count, for every series of every histogram."""
    for family, kind in types.items():
        if kind != "histogram":
            continue
        series = {}
        for (name, labels), value in samples.items():
            if name == family + "_bucket":
                rest = frozenset(kv for kv in labels if kv[0] != "le")
                le = dict(labels)["le"]
                series.setdefault(rest, []).append((math.inf if le == "+Inf" else float(le), value))
        assert series or not any(n.startswith(family) for n, _ in samples), family
        for rest, buckets in series.items():
            buckets.sort()
            assert buckets[-1][0] == math.inf, "%s%s: no +Inf bucket" % (family, dict(rest))
            counts = [v for _, v in buckets]
            assert counts == sorted(counts), "%s%s: buckets not cumulative" % (family, dict(rest))
            assert samples[(family + "_count", rest)] == counts[-1], "%s%s: _count != +Inf" % (family, dict(rest))
            assert (family + "_sum", rest) in samples, "%s%s: no _sum" % (family, dict(rest))


class Metrics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="async-demo-metrics-")
        cls.upstream = Upstream("svc").__enter__()
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        cls.closed_port = closed.getsockname()[1]
        closed.close()  # nothing listens there: connection refused
        urls = [cls.upstream.url("/json"), cls.upstream.url("/json?status=500"), cls.upstream.url("/hang"),
                "http://127.0.0.1:%d/x" % cls.closed_port]
        env = {"EXTERNAL_API_URLS": ",".join(urls), "EXTERNAL_API_TIMEOUT_MS": "500", "TASK_ITERATIONS": "1000",
               "TASK_WORKERS": "1", "DB_POOL_SIZE": "2"}
        cls.server = Server(workers=2, database_url=fresh_database_url(cls.tmp.name), env=env).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.upstream.__exit__(None, None, None)
        cls.tmp.cleanup()

    def scrape(self):
        r = self.server.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/plain; version=0.0.4")
        samples, types = parse(r.body.decode("utf-8"))
        return r.body, samples, types

    def value(self, samples, name, **labels):
        return samples.get((name, frozenset(labels.items())), 0.0)

    def test_format_passes_promtool(self):
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool not installed (Debian's prometheus package); the parser checked the format")
        self.server.get("/")
        body, _, _ = self.scrape()
        p = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, (p.stdout + p.stderr).decode())

    def test_every_family_is_there(self):
        _, _, types = self.scrape()
        for family, kind in [("http_requests_total", "counter"), ("http_request_duration_seconds", "histogram"),
                             ("http_connections_open", "gauge"), ("http_connections_total", "counter"),
                             ("http_handler_errors_total", "counter"),
                             ("db_pool_connections", "gauge"), ("db_pool_in_use", "gauge"),
                             ("db_pool_waiting", "gauge"), ("db_pool_wait_seconds", "histogram"),
                             ("db_pool_wait_timeouts_total", "counter"), ("outbound_requests_total", "counter"),
                             ("outbound_request_duration_seconds", "histogram"), ("tasks_queue_depth", "gauge"),
                             ("tasks_running", "gauge"), ("tasks_executed_total", "counter"),
                             ("task_duration_seconds", "histogram"),
                             ("process_start_time_seconds", "gauge"), ("process_cpu_seconds_total", "counter")]:
            self.assertEqual(types.get(family), kind, family)

    def test_requests_count_exactly_by_operation_and_status(self):
        _, before, _ = self.scrape()
        n = 25
        run_parallel([lambda: self.server.get("/")] * n)
        for _ in range(3):
            self.assertEqual(self.server.get("/async-delay/abc").status, 422)
        self.assertEqual(self.server.get("/nowhere").status, 404)
        self.assertEqual(self.server.request("DELETE", "/health").status, 405)
        _, after, _ = self.scrape()

        def delta(name, **labels):
            return self.value(after, name, **labels) - self.value(before, name, **labels)

        self.assertEqual(delta("http_requests_total", operation="read_root", status="200"), n)
        self.assertEqual(delta("http_request_duration_seconds_count", operation="read_root"), n)
        self.assertEqual(delta("http_request_duration_seconds_bucket", operation="read_root", le="+Inf"), n)
        self.assertGreater(delta("http_request_duration_seconds_sum", operation="read_root"), 0)
        self.assertEqual(delta("http_requests_total", operation="async_delay", status="422"), 3)
        self.assertEqual(delta("http_requests_total", operation="unmatched", status="404"), 1)
        self.assertEqual(delta("http_requests_total", operation="unmatched", status="405"), 1)
        # Every scrape is counted too, once it has been answered.
        self.assertEqual(delta("http_requests_total", operation="metrics", status="200"), 1)

    def test_no_request_is_answered_twice(self):
        """The handlers and the generated code answer each request exactly once, errors included.

        A second answer would not be sent (rt_req_reply refuses it) but counted here."""
        _, before, _ = self.scrape()
        self.assertIn(("http_handler_errors_total", frozenset({("kind", "second_answer")})), before)
        for path in ["/", "/health", "/nowhere", "/async-delay/abc", "/async-delay/0.01", "/users/nobody@example.com",
                     "/docs", "/openapi.json"]:
            self.server.get(path)
        self.server.request("DELETE", "/health")
        self.server.request("POST", "/users/", body=b"{not json", headers={"Content-Type": "application/json"})
        _, after, _ = self.scrape()
        self.assertEqual(self.value(after, "http_handler_errors_total", kind="second_answer")
                         - self.value(before, "http_handler_errors_total", kind="second_answer"), 0)

    def test_latency_lands_in_the_right_bucket(self):
        _, before, _ = self.scrape()
        self.assertEqual(self.server.get("/async-delay/0.3").status, 200)
        _, after, _ = self.scrape()

        def delta(le):
            return (self.value(after, "http_request_duration_seconds_bucket", operation="async_delay", le=le)
                    - self.value(before, "http_request_duration_seconds_bucket", operation="async_delay", le=le))

        self.assertEqual(delta("0.25"), 0)
        self.assertEqual(delta("0.5"), 1)
        self.assertEqual(delta("+Inf"), 1)

    def test_protocol_errors_are_counted(self):
        _, before, _ = self.scrape()
        s = self.server.connect()
        try:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad header line\r\n\r\n")
            s.recv(4096)
        finally:
            s.close()
        _, after, _ = self.scrape()
        self.assertEqual(self.value(after, "http_requests_total", operation="unmatched", status="400")
                         - self.value(before, "http_requests_total", operation="unmatched", status="400"), 1)

    def test_open_connections_follow_held_connections(self):
        held = 5
        _, before, _ = self.scrape()
        socks = []
        try:
            for _ in range(held):
                s = self.server.connect()
                send_request(s, "GET", "/")  # a request answered proves the connection was accepted
                s.recv(4096)
                socks.append(s)
            _, during, _ = self.scrape()
        finally:
            for s in socks:
                s.close()
        self.assertEqual(self.value(during, "http_connections_open") - self.value(before, "http_connections_open"),
                         held)
        self.assertGreaterEqual(self.value(during, "http_connections_total")
                                - self.value(before, "http_connections_total"), held + 1)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            _, after, _ = self.scrape()
            if self.value(after, "http_connections_open") == self.value(before, "http_connections_open"):
                break
            time.sleep(0.05)
        self.assertEqual(self.value(after, "http_connections_open"), self.value(before, "http_connections_open"))

    def test_tasks(self):
        _, before, _ = self.scrape()
        r = self.server.request("POST", "/process-data/hello")
        self.assertEqual(r.status, 202)
        task = r.header("location")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # done in the database, then counted: wait for both
            if self.server.get(task).json()["status"] == "done":
                _, after, _ = self.scrape()
                if self.value(after, "tasks_running") == 0:
                    break
            time.sleep(0.05)
        self.assertEqual(self.value(after, "http_requests_total", operation="process_data", status="202")
                         - self.value(before, "http_requests_total", operation="process_data", status="202"), 1)
        self.assertEqual(self.value(after, "task_duration_seconds_count")
                         - self.value(before, "task_duration_seconds_count"), 1)
        self.assertEqual(self.value(after, "tasks_executed_total", outcome="done")
                         - self.value(before, "tasks_executed_total", outcome="done"), 1)
        # Executions and nothing else: the histogram counts exactly what tasks_executed_total counts.
        self.assertEqual(sum(self.value(after, "tasks_executed_total", outcome=o)
                             for o in ("done", "lost_ownership", "interrupted", "unrecorded")),
                         self.value(after, "task_duration_seconds_count"))
        self.assertEqual(self.value(after, "tasks_queue_depth"), 0)
        self.assertEqual(self.value(after, "tasks_running"), 0)

    def test_outbound_calls_by_source_and_outcome(self):
        _, before, _ = self.scrape()
        r = self.server.get("/fetch-external-data")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["succeeded"] + r.json()["failed"], 4)
        _, after, _ = self.scrape()
        up = "http://127.0.0.1:%d" % self.upstream.port
        closed = "http://127.0.0.1:%d" % self.closed_port

        def delta(source, outcome):
            return (self.value(after, "outbound_requests_total", source=source, outcome=outcome)
                    - self.value(before, "outbound_requests_total", source=source, outcome=outcome))

        self.assertEqual(delta(up, "ok"), 1)
        self.assertEqual(delta(up, "http_error"), 1)
        self.assertEqual(delta(up, "timeout"), 1)
        self.assertEqual(delta(closed, "error"), 1)
        self.assertEqual(self.value(after, "outbound_request_duration_seconds_count", source=up)
                         - self.value(before, "outbound_request_duration_seconds_count", source=up), 3)

    def test_database_pool(self):
        _, before, _ = self.scrape()
        n = 10
        run_parallel([lambda: self.server.get("/users/nobody@example.com")] * n)
        _, after, _ = self.scrape()
        self.assertEqual(self.value(after, "http_requests_total", operation="get_user", status="404")
                         - self.value(before, "http_requests_total", operation="get_user", status="404"), n)
        self.assertGreaterEqual(self.value(after, "db_pool_wait_seconds_count")
                                - self.value(before, "db_pool_wait_seconds_count"), n)
        # SQLite: its one connection; PostgreSQL: DB_POOL_SIZE per loop (2 workers, 1 task thread, and the
        # tasks' lease keeper).
        pool = 1 if DB_BACKEND == "sqlite" else (2 + 1 + 1) * 2
        self.assertEqual(sum(self.value(after, "db_pool_connections", state=s)
                             for s in ("down", "connecting", "ready")), pool)
        # Every loop runs all the time, the task thread's too while it has no task (rt_pool), so every
        # connection becomes ready without a task needing it.
        serving = pool
        deadline = time.monotonic() + 10
        while self.value(after, "db_pool_connections", state="ready") < serving and time.monotonic() < deadline:
            time.sleep(0.1)
            _, after, _ = self.scrape()
        self.assertGreaterEqual(self.value(after, "db_pool_connections", state="ready"), serving)
        self.assertEqual(self.value(after, "db_pool_in_use"), 0)
        self.assertEqual(self.value(after, "db_pool_waiting"), 0)


if __name__ == "__main__":
    main()
