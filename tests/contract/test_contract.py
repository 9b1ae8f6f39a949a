"""The spec as a contract: every documented operation and response status, against the running service.

Each response is checked against openapi.yaml: its status must be documented for the operation, its
Content-Type must be the documented one, and its body must validate against the documented schema
(JSON Schema 2020-12, as OpenAPI 3.1 uses, with Debian's python3-jsonschema).  At the end, every
(operation, status) pair the spec documents must have been produced, unless EXEMPT says why it cannot
be from outside the process.  Runs once per database backend (ASYNC_DEMO_DB).

Smoke cases come from the spec itself (test_0): every operation is called with its parameters' and
body's `example`s (which must succeed), and, where it documents 422, once more with one value made
invalid.  So a new operation whose documented statuses are its success status and 422 needs no edit
here; a status that needs a scenario (404, 409, 503...) needs a test below, and test_9 names the
operations and statuses that lack one.

Usage: test_contract.py SPEC  (with ASYNC_DEMO_BIN, ASYNC_DEMO_DB, ASYNC_DEMO_PG_DIR set, as ctest does)
"""

import os
import sqlite3
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, HERE)
from harness import DB_BACKEND, Server, fresh_database_url, private_pg_cluster, run_parallel  # noqa: E402
from spec_contract import Spec, assert_all_covered, path_of, smoke  # noqa: E402
from upstream import Upstream  # noqa: E402

SPEC_PATH = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "openapi.yaml")

ADMIN_KEY = "contract-admin-key-0123456789"
KEY = {"X-API-Key": ADMIN_KEY}
METRICS_TOKEN = "contract-metrics-token-0123456789"

# Statuses that cannot be produced from outside: say why, or the test fails.
EXEMPT = {
    ("async_delay", "500"): "only if libevent cannot allocate a timer (out of memory)",
    ("performance_async", "500"): "only if libevent cannot allocate a timer (out of memory)",
    ("performance_sync", "500"): "only if libevent cannot allocate a timer (out of memory)",
}


class ContractTests(unittest.TestCase):
    contract = Spec(SPEC_PATH)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="async-demo-contract-")
        cls.upstream = Upstream("svc").__enter__()
        cls.cluster = None
        if DB_BACKEND == "postgresql":
            # A cluster of its own: test_5 stops it, which must not pull the database from under
            # other test programs running at the same time (ctest -j).
            os.chmod(cls.tmp.name, 0o711)  # the server runs as the postgres user
            cls.cluster = private_pg_cluster(os.path.join(cls.tmp.name, "pg"))
            cls.url = cls.cluster.new_database()
        else:
            cls.url = fresh_database_url(cls.tmp.name)
        env = {"EXTERNAL_API_URLS": cls.upstream.url("/json"), "TASK_ITERATIONS": "1000",
               "DB_ACQUIRE_TIMEOUT": "1s", "DB_POOL_SIZE": "2", "ADMIN_API_KEYS": "another-key-0123456789," + ADMIN_KEY}
        cls.server = Server(workers=2, database_url=cls.url, env=env).__enter__()
        cls.wait_healthy(cls.server)

    @staticmethod
    def wait_healthy(server, timeout=20.0, settle=0.0):
        """Until /health is 200 several times in a row: each worker connects to the database on its own, in
        the background, and a connection lands on either.  settle: seconds to wait after the first 200, for
        the workers whose answers did not come up yet to end their backoff (a worker's connections retry at
        most PG_BACKOFF_MAX_MS after the database is back: runtime/db/rt_db_pg_internal.h)."""
        deadline, healthy = time.monotonic() + timeout + settle, 0
        while healthy < 6 and time.monotonic() < deadline:
            healthy = healthy + 1 if server.get("/health").status == 200 else 0
            if healthy == 1 and settle > 0:
                time.sleep(settle)
                settle = 0.0
            if healthy == 0:
                time.sleep(0.1)
        return healthy == 6

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.upstream.__exit__(None, None, None)
        if cls.cluster is not None:
            cls.cluster.destroy()
        cls.tmp.cleanup()

    def call(self, op_id, query="", body=None, server=None, headers=None, **params):
        method, path = path_of(self.contract, op_id, **params)
        s = server or self.server
        if body is not None:
            r = s.post_json(path + query, body)
        else:
            r = s.request(method, path + query, headers=headers)
        return self.contract.check(op_id, r)

    def test_0_smoke_from_the_spec_examples(self):
        """Every operation, with the spec's examples: a documented success; and 422 for one invalid value."""
        smoke(self, self.contract, self.server, run_parallel, credentials={"delete_user": KEY})

    # --- one test per area; together they must produce every documented status ---

    def test_1_root_delays_performance(self):
        self.assertEqual(self.call("read_root").status, 200)
        self.assertEqual(self.call("async_delay", seconds="0.01").status, 200)
        self.assertEqual(self.call("async_delay", seconds="abc").status, 422)
        self.assertEqual(self.call("sync_delay", seconds="0.01").status, 200)
        self.assertEqual(self.call("sync_delay", seconds="-1").status, 422)
        self.assertEqual(self.call("performance_async").status, 200)
        self.assertEqual(self.call("performance_sync").status, 200)
        self.assertEqual(self.call("health").status, 200)
        self.assertEqual(self.call("health_live").status, 200)
        self.assertEqual(self.call("health_ready").status, 200)
        self.assertEqual(self.call("metrics").status, 200)

    def test_2_users(self):
        user = {"email": "contract@example.com", "full_name": "Contract"}
        self.assertEqual(self.call("create_user", body=user).status, 201)
        self.assertEqual(self.call("create_user", body=user).status, 409)
        self.assertEqual(self.call("create_user", body={"email": "nope"}).status, 422)
        self.assertEqual(self.call("list_users", query="?limit=5").status, 200)
        self.assertEqual(self.call("list_users", query="?limit=0").status, 422)
        self.assertEqual(self.call("get_user", user_email="contract@example.com").status, 200)
        self.assertEqual(self.call("get_user", user_email="nobody@example.com").status, 404)
        self.assertEqual(self.call("get_user", user_email="not-an-email").status, 422)

    def test_3_external(self):
        self.assertEqual(self.call("fetch_external_data").status, 200)
        self.server.post_json("/users/", {"email": "ext@example.com", "full_name": "E"})
        self.assertEqual(self.call("get_user_with_external_data", user_email="ext@example.com").status, 200)
        self.assertEqual(self.call("get_user_with_external_data", user_email="no@example.com").status, 404)
        self.assertEqual(self.call("get_user_with_external_data", user_email="bad").status, 422)

    def test_4_tasks(self):
        r = self.call("process_data", message="contract")
        self.assertEqual(r.status, 202)
        task_id = r.json()["task_id"]
        self.assertEqual(r.header("location"), r.json()["status_url"])  # the spec's Location header
        deadline = time.monotonic() + 30
        while self.call("get_task", task_id=task_id).json()["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.call("get_task", task_id=task_id).json()["status"], "done")
        self.assertEqual(self.call("get_task", task_id="00000000-0000-4000-8000-000000000000").status, 404)
        self.assertEqual(self.call("get_task", task_id="nope").status, 422)
        self.assertEqual(self.call("process_data", message="x" * 300).status, 422)
        env = {"TASK_WORKERS": "1", "TASK_QUEUE_SIZE": "1", "TASK_ITERATIONS": "100000000", "SHUTDOWN_TIMEOUT": "1s"}
        with tempfile.TemporaryDirectory(prefix="async-demo-contract-q-") as tmp:
            with Server(workers=1, database_url=fresh_database_url(tmp), env=env) as full:
                answers = [self.call("process_data", server=full, message="fill%d" % i) for i in range(4)]
                self.assertIn(503, [a.status for a in answers])
                # The spec's Retry-After (an integer) on the queue-full 503, through the reply helper.
                self.assertEqual({a.header("retry-after") for a in answers if a.status == 503}, {"1"})

    def test_5_database_unavailable(self):
        """Every operation that needs the database answers 503 while it cannot be reached."""
        email = "contract@example.com"
        task = "00000000-0000-4000-8000-000000000000"
        calls = [lambda: self.call("create_user", body={"email": "down@example.com", "full_name": "D"}),
                 lambda: self.call("list_users"),
                 lambda: self.call("get_user", user_email=email),
                 lambda: self.call("delete_user", user_email=email, headers=KEY),
                 lambda: self.call("get_user_with_external_data", user_email=email),
                 lambda: self.call("get_task", task_id=task),
                 lambda: self.call("process_data", message="while-down"),
                 lambda: self.call("health_ready"),
                 lambda: self.call("health")]
        if DB_BACKEND == "postgresql":
            self.cluster.stop("fast")
            try:
                results = [c() for c in calls]
            finally:
                self.cluster.start()
        else:
            results = self.sqlite_locked(calls)
        self.assertEqual([r.status for r in results], [503] * len(calls), [r.body[:120] for r in results])
        # The database is being reconnected to: every such 503 says when to retry (but the health reports).
        self.assertEqual([r.header("retry-after") for r in results[:-2]], ["1"] * (len(calls) - 2))
        self.assertEqual(self.call("health_live").status, 200)  # alive all along
        # Each worker reconnects on its own backoff, and a connection lands on either: recovered means
        # several answers in a row are healthy, not the first one.
        # 6 answers in a row may all come from one worker while the other still backs off (up to 5 s): the
        # next test's requests to it would wait DB_ACQUIRE_TIMEOUT (1 s) and get 503.
        settle = 5.5 if DB_BACKEND == "postgresql" else 0.0
        self.assertTrue(self.wait_healthy(self.server, settle=settle), "the service must recover by itself:\n" +
                        self.server.log_tail(30))

    def sqlite_locked(self, calls):
        """SQLite: another process holds the write lock; a write waits out the busy timeout (DB_ACQUIRE_TIMEOUT)
        on the database thread, and everything queued behind it waits longer than the timeout allows."""
        conn = sqlite3.connect(os.path.join(self.tmp.name, "test.db"), timeout=5, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            blocker = threading.Thread(target=lambda: self.server.post_json(
                "/users/", {"email": "blocker@example.com", "full_name": "B"}))
            blocker.start()
            time.sleep(0.1)
            results = run_parallel(calls)
            blocker.join(timeout=30)
        finally:
            conn.rollback()
            conn.close()
        return results

    def test_6_security(self):
        """DELETE /users/{user_email} needs an API key of ADMIN_API_KEYS; /metrics a bearer token once one is
        configured.  Credentials are checked before parameters."""
        self.server.post_json("/users/", {"email": "doomed@example.com", "full_name": "D"})
        r = self.call("delete_user", user_email="doomed@example.com")
        self.assertEqual((r.status, r.header("www-authenticate")), (401, 'APIKey header="X-API-Key"'))
        self.assertEqual(r.json(), {"detail": "Not authenticated"})
        r = self.call("delete_user", user_email="doomed@example.com", headers={"X-API-Key": ADMIN_KEY[:-1]})
        self.assertEqual(r.status, 401)  # a wrong key is not authenticated: 401, not 403 (see handlers/auth.c)
        self.assertEqual(self.call("delete_user", user_email="not-an-email").status, 401)  # before parameters
        self.assertEqual(self.call("get_user", user_email="doomed@example.com").status, 200)
        self.assertEqual(self.call("delete_user", user_email="DOOMED@example.com", headers=KEY).status, 204)
        self.assertEqual(self.call("get_user", user_email="doomed@example.com").status, 404)
        self.assertEqual(self.call("delete_user", user_email="doomed@example.com", headers=KEY).status, 404)
        self.assertEqual(self.call("delete_user", user_email="not-an-email", headers=KEY).status, 422)
        self.assertNotIn(ADMIN_KEY, self.server.log_tail(200))
        # No token configured: /metrics is open, but a token that is sent is still checked.
        self.assertEqual(self.call("metrics").status, 200)
        self.assertEqual(self.call("metrics", headers={"Authorization": "Bearer " + METRICS_TOKEN}).status, 401)
        env = {"METRICS_TOKEN": METRICS_TOKEN}
        with tempfile.TemporaryDirectory(prefix="async-demo-contract-auth-") as tmp:
            with Server(workers=1, database_url=fresh_database_url(tmp), env=env) as locked:
                r = self.call("metrics", server=locked)
                self.assertEqual((r.status, r.header("www-authenticate")), (401, "Bearer"))
                r = self.call("metrics", server=locked, headers={"Authorization": "Bearer wrong-token"})
                self.assertEqual((r.status, r.header("www-authenticate")), (401, 'Bearer error="invalid_token"'))
                r = self.call("metrics", server=locked, headers={"Authorization": "bearer " + METRICS_TOKEN})
                self.assertEqual(r.status, 200)
                # No ADMIN_API_KEYS: every DELETE is refused, and the log said why at start-up.
                self.assertEqual(self.call("delete_user", server=locked, user_email="a@example.com",
                                           headers=KEY).status, 401)
                log = locked.log_tail(200)
                self.assertIn("ADMIN_API_KEYS is not set", log)
                self.assertIn("GET /metrics requires the bearer token", log)
                self.assertNotIn(METRICS_TOKEN, log)

    def test_9_every_documented_status_was_produced(self):
        assert_all_covered(self, self.contract, EXEMPT, os.path.relpath(__file__))


if __name__ == "__main__":
    unittest.main(verbosity=2)
