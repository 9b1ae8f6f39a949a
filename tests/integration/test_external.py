"""Concurrent outbound HTTP: /fetch-external-data and /user-with-external-data against loopback upstreams.

Runs once per database backend (ASYNC_DEMO_DB), like the users tests.
"""

import asyncio
import json
import os
import re
import resource
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DB_BACKEND, Server, fresh_database_url, main, pg_cluster, run_parallel  # noqa: E402
from upstream import Upstream, make_test_pki  # noqa: E402


def closed_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(fn):
    start = time.monotonic()
    r = fn()
    return r, time.monotonic() - start


class FetchExternalData(unittest.TestCase):
    def serve(self, urls, **env):
        env = dict({"EXTERNAL_API_URLS": ",".join(urls), "EXTERNAL_API_TIMEOUT_MS": "2000"}, **env)
        return Server(workers=2, env=env)

    def test_three_sources_overlap(self):
        with Upstream("a") as a, Upstream("b") as b, Upstream("c") as c:
            urls = [u.url("/json?delay_ms=300") for u in (a, b, c)]
            with self.serve(urls) as s:
                s.get("/fetch-external-data")  # warm up: connections and the resolver
                r, t = timed(lambda: s.get("/fetch-external-data"))
                self.assertEqual(r.status, 200, r.body)
                body = r.json()
                self.assertEqual((body["succeeded"], body["failed"]), (3, 0))
                self.assertEqual([src["url"] for src in body["sources"]], urls)
                for src, name in zip(body["sources"], "abc"):
                    self.assertEqual(src["status"], 200)
                    self.assertIsNone(src["error"])
                    self.assertEqual(src["data"]["source"], name)
                    self.assertGreaterEqual(src["elapsed_ms"], 290)
                self.assertLess(t, 0.6, "three 300 ms calls must overlap")
                self.assertLess(body["total_elapsed_ms"], 600)

    def test_hanging_source_is_cut_at_the_timeout(self):
        with Upstream("fast") as fast, Upstream("hang") as hang:
            urls = [fast.url("/json"), hang.url("/hang")]
            with self.serve(urls, EXTERNAL_API_TIMEOUT_MS="500") as s:
                r, t = timed(lambda: s.get("/fetch-external-data"))
                self.assertEqual(r.status, 200, r.body)
                ok, hung = r.json()["sources"]
                self.assertEqual(ok["status"], 200)
                self.assertIsNone(hung["status"])
                self.assertIn("timed out", hung["error"])
                self.assertGreater(t, 0.45)
                self.assertLess(t, 1.5)

    def test_failures_are_reported_per_source(self):
        with Upstream("ok") as ok, Upstream("bad") as bad:
            urls = [ok.url("/json"), bad.url("/json?status=500"), bad.url("/text"),
                    "http://127.0.0.1:%d/json" % closed_port(), bad.url("/big?bytes=3000000")]
            with self.serve(urls) as s:
                r = s.get("/fetch-external-data")
                self.assertEqual(r.status, 200, r.body)
                body = r.json()
                self.assertEqual((body["succeeded"], body["failed"]), (1, 4))
                good, http500, text, refused, big = body["sources"]
                self.assertIsNone(good["error"])
                self.assertEqual(http500["status"], 500)
                self.assertIn("500", http500["error"])
                self.assertEqual(http500["data"]["source"], "bad")  # the error answer's JSON is kept
                self.assertEqual(text["status"], 200)
                self.assertIn("not JSON", text["error"])
                self.assertIsNone(refused["status"])
                self.assertTrue(refused["error"])
                self.assertIsNone(big["status"])
                self.assertIn("larger", big["error"])

    def test_https_is_verified(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-pki-") as tmp:
            pki = make_test_pki(tmp)
            with Upstream("good", cert=pki["good"]) as good, \
                    Upstream("wrong", cert=pki["wrong_host"]) as wrong, \
                    Upstream("self", cert=pki["untrusted"]) as untrusted:
                urls = [good.url("/json"), wrong.url("/json"), untrusted.url("/json")]
                with self.serve(urls, EXTERNAL_CA_FILE=pki["ca"]) as s:
                    r = s.get("/fetch-external-data")
                    self.assertEqual(r.status, 200, r.body)
                    ok, wrong_host, self_signed = r.json()["sources"]
                    self.assertEqual(ok["status"], 200, ok)
                    self.assertEqual(ok["data"]["source"], "good")
                    for refused in (wrong_host, self_signed):
                        self.assertIsNone(refused["status"], refused)
                        self.assertIn("certificate", refused["error"].lower())
                # Without the test CA, even the good certificate is refused.
                with self.serve([good.url("/json")]) as s:
                    src = s.get("/fetch-external-data").json()["sources"][0]
                    self.assertIn("certificate", src["error"].lower())

    def test_a_thousand_concurrent_requests(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
        with Upstream("a") as a, Upstream("b") as b, Upstream("c") as c:
            urls = [u.url("/json?delay_ms=20") for u in (a, b, c)]
            with self.serve(urls, EXTERNAL_API_TIMEOUT_MS="20000", EXTERNAL_MAX_CONNECTIONS="32",
                            ACCESS_LOG="off") as s:
                results = asyncio.run(fetch_many(s.port, "/fetch-external-data", 1000))
                statuses = [st for st, _ in results]
                self.assertEqual(statuses.count(200), 1000, sorted(set(statuses)))
                failed = [body for st, body in results if json.loads(body)["failed"] != 0]
                self.assertEqual(failed, [], failed[:1])
                self.assertEqual(a.requests, 1000)
                # Connections were capped (2 workers x 32 per origin) and reused, not one per call.  The
                # upstream counts a connection until its thread notices the close, a moment after the client
                # has dropped it and may have opened another: allow a few of those in the count.
                self.assertLessEqual(a.max_open_connections, 2 * 32 + 8)
                self.assertLess(a.connections, 1000 / 4)
                self.assertNotIn("Too many open files", s.log())


async def fetch_many(port, path, n):
    async def one():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout=60)
        writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), body

    return await asyncio.gather(*[one() for _ in range(n)])


class UserWithExternalData(unittest.TestCase):
    def test_lookup_and_call_overlap(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-ext-") as tmp, Upstream("svc") as svc:
            url = fresh_database_url(tmp)
            env = {"EXTERNAL_API_URLS": svc.url("/json?delay_ms=400"), "EXTERNAL_API_TIMEOUT_MS": "3000"}
            with Server(workers=1, database_url=url, env=env) as s:
                created = s.post_json("/users/", {"email": "ext@example.com", "full_name": "Ext"})
                self.assertEqual(created.status, 201, created.body)
                s.get("/user-with-external-data/ext@example.com")  # warm up
                r, t = timed(lambda: s.get("/user-with-external-data/EXT@example.com"))
                self.assertEqual(r.status, 200, r.body)
                body = r.json()
                self.assertEqual(body["user"], created.json())
                self.assertEqual(body["external"]["data"]["source"], "svc")
                self.assertLess(t, 0.75)

                missing = s.get("/user-with-external-data/nobody@example.com")
                self.assertEqual(missing.status, 404)
                self.assertEqual(missing.json(), {"detail": "User not found"})

                if DB_BACKEND == "postgresql":
                    # Make the lookup slow too (a lock held for 0.4 s): the total is about the longer, not the sum.
                    dbname = url.rsplit("/", 1)[1]

                    def hold_lock():
                        pg_cluster().psql("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE; "
                                          "SELECT pg_sleep(0.4); COMMIT;", dbname=dbname)

                    def call():
                        time.sleep(0.1)
                        return timed(lambda: s.get("/user-with-external-data/ext@example.com"))

                    _, (slow, slow_t) = run_parallel([hold_lock, call])
                    self.assertEqual(slow.status, 200, slow.body)
                    self.assertGreater(slow_t, 0.35)
                    self.assertLess(slow_t, 0.7, "about max(0.3 s lookup, 0.4 s call), not the sum")

    def test_service_failure_is_reported_not_fatal(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-ext-") as tmp:
            env = {"EXTERNAL_API_URLS": "http://127.0.0.1:%d/json" % closed_port()}
            with Server(workers=1, database_url=fresh_database_url(tmp), env=env) as s:
                s.post_json("/users/", {"email": "f@example.com", "full_name": "F"})
                r = s.get("/user-with-external-data/f@example.com")
                self.assertEqual(r.status, 200, r.body)
                self.assertTrue(r.json()["external"]["error"])
                self.assertIsNone(r.json()["external"]["status"])


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT_RE = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def json_log(server):
    """Every line of @server's log as a JSON object (LOG_FORMAT=json); fails on a line that is not one."""
    lines = server.log().splitlines()
    return [json.loads(line) for line in lines if line]


def access_line(server, request_id):
    found = [o for o in json_log(server) if o.get("request_id") == request_id]
    assert len(found) == 1, (request_id, found)
    return found[0]


class TraceContext(unittest.TestCase):
    """W3C Trace Context: one trace id from the client, through the handler's outbound call, to the log."""

    def test_one_trace_id_from_client_to_upstream_and_log(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-trace-") as tmp, Upstream("svc") as svc:
            env = {"EXTERNAL_API_URLS": svc.url("/json"), "LOG_FORMAT": "json"}
            with Server(workers=1, database_url=fresh_database_url(tmp), env=env) as s:
                self.assertEqual(s.post_json("/users/", {"email": "t@example.com", "full_name": "T"}).status, 201)
                r = s.get("/user-with-external-data/t@example.com",
                          headers={"traceparent": "00-%s-%s-01" % (TRACE_ID, PARENT_ID),
                                   "tracestate": "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
                                   "X-Request-ID": "trace-follow-1"})
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(r.json()["external"]["status"], 200)
                got = svc.received[-1]
                m = TRACEPARENT_RE.match(got.get("traceparent", ""))
                self.assertTrue(m, got)
                self.assertEqual(m.group(1), TRACE_ID)  # the same trace ...
                self.assertNotEqual(m.group(2), PARENT_ID)  # ... in a span of ours
                self.assertNotEqual(m.group(2), "0" * 16)
                self.assertEqual(m.group(3), "01")
                self.assertEqual(got.get("tracestate"), "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
                line = access_line(s, "trace-follow-1")
                self.assertEqual(line["trace_id"], TRACE_ID)
                self.assertEqual(line["operation"], "get_user_with_external_data")
                self.assertEqual((line["method"], line["path"], line["status"]),
                                 ("GET", "/user-with-external-data/t@example.com", 200))
                for key in ("time", "level", "worker", "duration_ms", "bytes_in", "bytes_out", "peer"):
                    self.assertIn(key, line)
                self.assertEqual(line["bytes_out"], len(r.body))

    def test_malformed_traceparent_is_replaced_never_refused(self):
        bad = ["00-%s-%s-01" % (TRACE_ID.upper(), PARENT_ID), "00-%s-%s-01" % ("0" * 32, PARENT_ID),
               "00-%s-%s-01" % (TRACE_ID, "0" * 16), "ff-%s-%s-01" % (TRACE_ID, PARENT_ID),
               "00-%s-%s-01-extra" % (TRACE_ID, PARENT_ID), "garbage", ""]
        with tempfile.TemporaryDirectory(prefix="async-demo-trace-") as tmp, Upstream("svc") as svc:
            env = {"EXTERNAL_API_URLS": svc.url("/json"), "LOG_FORMAT": "json"}
            with Server(workers=1, database_url=fresh_database_url(tmp), env=env) as s:
                s.post_json("/users/", {"email": "m@example.com", "full_name": "M"})
                seen = set()
                for i, value in enumerate(bad):
                    rid = "trace-bad-%d" % i
                    r = s.get("/user-with-external-data/m@example.com",
                              headers={"traceparent": value, "tracestate": "congo=x", "X-Request-ID": rid})
                    self.assertEqual(r.status, 200, (value, r.body))
                    got = svc.received[-1]
                    m = TRACEPARENT_RE.match(got.get("traceparent", ""))
                    self.assertTrue(m, (value, got))
                    self.assertNotEqual(m.group(1), TRACE_ID, value)
                    self.assertNotIn("tracestate", got, value)  # dropped with the traceparent it came with
                    self.assertEqual(access_line(s, rid)["trace_id"], m.group(1), value)
                    seen.add(m.group(1))
                self.assertEqual(len(seen), len(bad), "a new trace id per request")
                # Without any traceparent: a new trace too, propagated and logged the same way.
                s.get("/user-with-external-data/m@example.com", headers={"X-Request-ID": "trace-none"})
                m = TRACEPARENT_RE.match(svc.received[-1]["traceparent"])
                self.assertEqual(access_line(s, "trace-none")["trace_id"], m.group(1))

    def test_every_outbound_call_gets_its_own_span_and_text_log_has_the_trace(self):
        with Upstream("a") as a, Upstream("b") as b, Upstream("c") as c:
            env = {"EXTERNAL_API_URLS": ",".join(u.url("/json") for u in (a, b, c))}
            with Server(workers=2, env=env) as s:
                r = s.get("/fetch-external-data", headers={"traceparent": "00-%s-%s-00" % (TRACE_ID, PARENT_ID),
                                                             "X-Request-ID": "trace-fan-out"})
                self.assertEqual(r.status, 200, r.body)
                parents = [TRACEPARENT_RE.match(u.received[-1]["traceparent"]) for u in (a, b, c)]
                self.assertTrue(all(parents), [u.received for u in (a, b, c)])
                self.assertEqual({m.group(1) for m in parents}, {TRACE_ID})
                self.assertEqual(len({m.group(2) for m in parents}), 3, "a new span id per call")
                self.assertEqual({m.group(3) for m in parents}, {"00"})
                lines = [l for l in s.log().splitlines() if "id=trace-fan-out" in l]
                self.assertEqual(len(lines), 1, lines)
                self.assertIn("trace=%s op=fetch_external_data" % TRACE_ID, lines[0])

    def test_hostile_request_targets_cannot_break_a_json_line(self):
        # The parser refuses raw control bytes and non-ASCII in a target (400); their lines must still be whole
        # JSON.  (Whatever bytes a logged string holds are escaped: unit.rt_log feeds them to the formatter.)
        with Server(workers=1, env={"LOG_FORMAT": "json"}) as s:
            targets = [b"/users/a\x01\x1b[2J\"},{\"x\":1", b"/users/\xff\xfe\xc0\xaf", b"/users/a\x7f\"\n"]
            for t in targets:
                with s.connect() as sock:
                    sock.sendall(b"GET " + t + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    head = b""
                    while True:
                        chunk = sock.recv(65536)
                        if not chunk:
                            break
                        head += chunk
                    self.assertTrue(head.startswith(b"HTTP/1.1 400 "), head[:80])
            r = s.get("/users/%22%0A%7B%7D", headers={"X-Request-ID": "after-hostile"})
            lines = json_log(s)  # each line parses, so none was broken
            self.assertEqual(len([o for o in lines if o.get("status") == 400]), len(targets), lines)
            line = access_line(s, "after-hostile")
            self.assertEqual((line["status"], line["path"]), (r.status, "/users/%22%0A%7B%7D"))  # as received
            self.assertFalse([o for o in lines if "x" in o], "a target cannot add a field")

if __name__ == "__main__":
    threading.stack_size(512 * 1024)
    main()
