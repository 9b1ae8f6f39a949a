"""Users in the database, on the backend named by ASYNC_DEMO_DB (ctest runs this once per backend)."""

import os
import sqlite3
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DB_BACKEND, Server, fresh_database_url, main, pg_cluster, private_pg_cluster, run_parallel  # noqa: E402

RFC3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"


class Users(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="async-demo-users-")
        cls.url = fresh_database_url(cls.tmp.name)
        cls.server = Server(workers=2, database_url=cls.url, env={"DB_POOL_SIZE": "2"}).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def create(self, email, name="Ada Lovelace"):
        return self.server.post_json("/users/", {"email": email, "full_name": name})

    def test_create_and_read_back(self):
        r = self.create("ada@example.com")
        self.assertEqual(r.status, 201, r.body)
        user = r.json()
        self.assertIsInstance(user["id"], int)
        self.assertEqual(user["email"], "ada@example.com")
        self.assertEqual(user["full_name"], "Ada Lovelace")
        self.assertRegex(user["created_at"], RFC3339)
        got = self.server.get("/users/ada@example.com")
        self.assertEqual(got.status, 200, got.body)
        self.assertEqual(got.json(), user)
        # Emails compare case-insensitively.
        self.assertEqual(self.server.get("/users/ADA@Example.COM").json()["id"], user["id"])

    def test_duplicate_is_409_and_overwrites_nothing(self):
        first = self.create("grace@example.com", "Grace Hopper")
        self.assertEqual(first.status, 201)
        again = self.create("GRACE@example.com", "Someone Else")
        self.assertEqual(again.status, 409, again.body)
        self.assertEqual(again.json(), {"detail": "Email already registered"})
        self.assertEqual(self.server.get("/users/grace@example.com").json()["full_name"], "Grace Hopper")

    def test_unknown_user_is_404(self):
        r = self.server.get("/users/nobody@example.com")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json(), {"detail": "User not found"})

    def test_invalid_input_is_422(self):
        cases = [({"email": "not-an-email", "full_name": "X"}, ("body", "email")),
                 ({"email": "x@example.com"}, ("body", "full_name")),
                 ({"email": "x@example.com", "full_name": 5}, ("body", "full_name")),
                 ({"email": "x@example.com", "full_name": "n" * 101}, ("body", "full_name")),
                 ({"email": "a" * 250 + "@example.com", "full_name": "X"}, ("body", "email"))]
        for body, loc in cases:
            r = self.server.post_json("/users/", body)
            self.assertEqual(r.status, 422, (body, r.body))
            self.assertIn(list(loc), [d["loc"] for d in r.json()["detail"]])
        self.assertEqual(self.server.get("/users/not-an-email").status, 422)

    def test_input_is_never_pasted_into_sql(self):
        name = "Robert'); DROP TABLE users;--"
        r = self.create("bobby@example.com", name)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(self.server.get("/users/bobby@example.com").json()["full_name"], name)
        # A valid address full of SQL: found by nothing, breaks nothing.
        self.assertEqual(self.server.get("/users/x'or'1'='1@example.com").status, 404)
        self.assertEqual(self.server.get("/users/bobby@example.com").status, 200)

    def test_list_pages(self):
        for i in range(5):
            self.assertEqual(self.create("page%d@example.com" % i).status, 201)
        everyone = self.server.get("/users/?limit=100").json()
        self.assertEqual(everyone["limit"], 100)
        ids = [u["id"] for u in everyone["items"]]
        self.assertEqual(ids, sorted(ids))
        page = self.server.get("/users/?limit=2&offset=1").json()
        self.assertEqual([u["id"] for u in page["items"]], ids[1:3])
        self.assertEqual(self.server.get("/users/").json()["limit"], 20)
        self.assertEqual(self.server.get("/users/?limit=1000").status, 422)
        self.assertEqual(self.server.get("/users/?offset=-1").status, 422)

    def test_health_reports_the_database(self):
        r = self.server.get("/health")
        self.assertEqual(r.status, 200, r.body)
        db = r.json()["database"]
        self.assertEqual(db["backend"], DB_BACKEND)
        self.assertTrue(db["reachable"])
        self.assertGreaterEqual(db["latency_ms"], 0)
        self.assertIsNone(db["error"])

    def test_concurrent_creates_of_one_email_give_one_201(self):
        results = run_parallel([lambda: self.create("race@example.com")] * 50)
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses.count(201), 1, statuses)
        self.assertEqual(statuses.count(409), 49, statuses)

    def test_500_concurrent_requests_over_a_pool_of_two(self):
        def work(i):
            def go():
                if i % 2:
                    return self.create("many%d@example.com" % i)
                return self.server.get("/users/?limit=5")
            return go
        results = run_parallel([work(i) for i in range(500)])
        self.assertEqual(sorted({r.status for r in results}), [200, 201],
                         [r for r in results if r.status not in (200, 201)][:3])


class SlowStatement(unittest.TestCase):
    """A statement held up in the database does not delay other requests on the same worker."""

    def test_loop_stays_free_while_the_database_is_slow(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-slow-") as tmp:
            url = fresh_database_url(tmp)
            with Server(workers=1, database_url=url) as s:
                self.assertEqual(s.post_json("/users/", {"email": "a@b.co", "full_name": "A"}).status, 201)
                release_after = 2.0

                def lock_table():
                    if DB_BACKEND == "postgresql":
                        pg_cluster().psql("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(%s); COMMIT;"
                                          % release_after, dbname=url.rsplit("/", 1)[1])
                    else:
                        conn = sqlite3.connect(os.path.join(tmp, "test.db"), timeout=5)
                        conn.execute("BEGIN EXCLUSIVE")
                        time.sleep(release_after)
                        conn.rollback()
                        conn.close()

                def slow_insert():
                    time.sleep(0.5)  # let the lock be taken first
                    start = time.monotonic()
                    r = s.post_json("/users/", {"email": "slow@b.co", "full_name": "S"})
                    return r, time.monotonic() - start

                def fast_root():
                    time.sleep(0.8)
                    start = time.monotonic()
                    r = s.get("/")
                    return r, time.monotonic() - start

                _, (slow, slow_t), (fast, fast_t) = run_parallel([lock_table, slow_insert, fast_root])
                self.assertEqual(slow.status, 201, slow.body)
                self.assertGreater(slow_t, 1.0, "the insert should have waited for the lock")
                self.assertEqual(fast.status, 200)
                self.assertLess(fast_t, 0.5, "GET / must not wait for the database")


@unittest.skipUnless(DB_BACKEND == "postgresql", "PostgreSQL outage")
class Outage(unittest.TestCase):
    """PostgreSQL stopped and restarted mid-run: 503 while down, recovery, nothing acknowledged is lost."""

    def setUp(self):
        # A cluster of its own: stopping the shared one would pull the database from under the other test
        # programs running at the same time (ctest -j).
        self.tmp = tempfile.TemporaryDirectory(prefix="async-demo-outage-")
        os.chmod(self.tmp.name, 0o711)  # the server runs as the postgres user
        self.cluster = private_pg_cluster(os.path.join(self.tmp.name, "pg"))

    def tearDown(self):
        self.cluster.destroy()
        self.tmp.cleanup()

    def test_restart_mid_run(self):
        cluster = self.cluster
        url = cluster.new_database()
        created = []
        statuses = []
        with Server(workers=2, database_url=url, env={"DB_ACQUIRE_TIMEOUT": "1s", "DB_POOL_SIZE": "2"}) as s:
            stop_at = time.monotonic() + 12
            state = {"i": 0}
            lock = threading.Lock()

            def client():
                while time.monotonic() < stop_at:
                    with lock:
                        state["i"] += 1
                        i = state["i"]
                    email = "outage%d@example.com" % i
                    try:
                        r = s.post_json("/users/", {"email": email, "full_name": "O"}, timeout=15)
                    except OSError:
                        continue
                    with lock:
                        statuses.append(r.status)
                        if r.status == 201:
                            created.append(email)
                    time.sleep(0.02)

            def outage():
                time.sleep(2)
                cluster.stop("fast")
                time.sleep(3)
                down = s.get("/health")
                cluster.start()
                return down

            results = run_parallel([client, client, client, outage])
            down = results[3]
            self.assertEqual(down.status, 503, down.body)
            self.assertFalse(down.json()["database"]["reachable"])
            self.assertIn(503, statuses, "requests made while the database was down must get 503")
            # Recovered by itself: the last requests succeed again.
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and s.get("/health").status != 200:
                time.sleep(0.2)
            self.assertEqual(s.get("/health").status, 200)
            self.assertEqual(s.post_json("/users/", {"email": "after@example.com", "full_name": "A"}).status, 201)
        stored = set(cluster.psql("SELECT email FROM users", dbname=url.rsplit("/", 1)[1]).split())
        missing = [e for e in created if e not in stored]
        self.assertEqual(missing, [], "users acknowledged with 201 must be in the database")
        self.assertGreater(len(created), 10)


# What builds that numbered migrations across modules left behind: schema_version 1 was the users
# module's table, 2 the tasks module's; and a user.
OLD_TABLES = {
    "sqlite": """
        CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, full_name TEXT NOT NULL,
                            created_at TEXT NOT NULL);
        CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
        CREATE TABLE tasks (id TEXT PRIMARY KEY, message TEXT NOT NULL,
                            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
                            result TEXT, error TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT);
        CREATE INDEX tasks_unfinished ON tasks (created_at) WHERE status IN ('queued', 'running');""",
    "postgresql": """
        CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL,
                            full_name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
        CREATE TABLE tasks (id uuid PRIMARY KEY, message text NOT NULL,
                            status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
                            result text, error text, created_at timestamptz NOT NULL, started_at timestamptz,
                            finished_at timestamptz);
        CREATE INDEX tasks_unfinished ON tasks (created_at) WHERE status IN ('queued', 'running');""",
}
OLD_RECORD = """
    CREATE TABLE schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL);
    INSERT INTO schema_version VALUES (1, 'users', '2025-06-01T10:00:00.000Z'),
                                      (2, 'background tasks', '2025-06-01T10:00:00.001Z');
    INSERT INTO users (email, full_name, created_at) VALUES ('old@example.com', 'Old', '2025-06-01T10:00:01Z');"""


class OldSchemaRecord(unittest.TestCase):
    """A database whose migrations were recorded with versions numbered across modules starts as it is."""

    def test_taken_over_without_running_anything_again(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-old-") as tmp:
            url = fresh_database_url(tmp)
            if DB_BACKEND == "postgresql":
                dbname = url.rsplit("/", 1)[1]
                pg_cluster().psql(OLD_TABLES[DB_BACKEND] + OLD_RECORD, dbname=dbname)

                def query(sql):
                    return [tuple(line.split("|")) for line in pg_cluster().psql(sql, dbname=dbname).splitlines()]
            else:
                conn = sqlite3.connect(os.path.join(tmp, "test.db"))
                conn.executescript(OLD_TABLES[DB_BACKEND] + OLD_RECORD)
                conn.close()

                def query(sql):
                    conn = sqlite3.connect(os.path.join(tmp, "test.db"))
                    rows = [tuple(str(v) for v in row) for row in conn.execute(sql)]
                    conn.close()
                    return rows
            # Running either migration again would fail (its table exists): the server would not start.
            with Server(workers=1, database_url=url) as s:
                got = s.get("/users/old@example.com")
                self.assertEqual(got.status, 200, got.body)
                self.assertEqual(got.json()["created_at"], "2025-06-01T10:00:01.000Z")
                self.assertEqual(s.post_json("/users/", {"email": "new@example.com", "full_name": "N"}).status, 201)
                self.assertEqual(s.get("/tasks/00000000-0000-4000-8000-000000000000").status, 404)
                self.assertIn("was applied as version 2 when versions were numbered across modules", s.log())
            self.assertEqual(query("SELECT module, version, applied_at FROM schema_migrations WHERE version = 1"
                                   " ORDER BY module"),
                             [("tasks", "1", "2025-06-01T10:00:00.001Z"), ("users", "1", "2025-06-01T10:00:00.000Z")])
            # Only the steps added since (recorded per module from the start) ran.
            self.assertEqual(query("SELECT module, version FROM schema_migrations WHERE version > 1"
                                   " ORDER BY module, version"), [("tasks", "2")])
            self.assertEqual(query("SELECT count(*) FROM schema_version"), [("2",)])
            # And once more: nothing to do.
            with Server(workers=1, database_url=url) as s:
                self.assertEqual(s.get("/users/new@example.com").status, 200)
                self.assertNotIn("when versions were numbered across modules", s.log())


@unittest.skipUnless(DB_BACKEND == "sqlite", "the SQLite database file")
class SqliteFileLost(unittest.TestCase):
    """The SQLite file deleted while the service runs: no write is acknowledged into a file nobody will open
    again; /health says the database is unreachable; a restart creates and serves a new database."""

    def test_deleted_file_refuses_writes_and_health(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-lost-") as tmp:
            url = fresh_database_url(tmp)
            with Server(workers=2, database_url=url) as s:
                self.assertEqual(s.post_json("/users/", {"email": "kept@example.com", "full_name": "K"}).status, 201)
                os.unlink(os.path.join(tmp, "test.db"))
                r = s.post_json("/users/", {"email": "lost@example.com", "full_name": "L"})
                self.assertEqual(r.status, 503, r.body)
                self.assertIsNotNone(r.header("retry-after"))
                health = s.get("/health")
                self.assertEqual(health.status, 503)
                self.assertFalse(health.json()["database"]["reachable"])
                self.assertIn("deleted or replaced", health.json()["database"]["error"])
                self.assertEqual(s.get("/").status, 200)  # the rest of the service stays up
                self.assertIn("was deleted or replaced while open", s.log())
            self.assertFalse(os.path.exists(os.path.join(tmp, "test.db")))  # nothing written to a new file
            with Server(workers=1, database_url=url) as s:
                self.assertEqual(s.get("/health").status, 200)
                self.assertEqual(s.get("/users/lost@example.com").status, 404)


@unittest.skipUnless(DB_BACKEND == "sqlite", "the SQLite database file")
class SqliteDiskFull(unittest.TestCase):
    """Writes until the disk is full (a file size limit on the process: writes past it fail with EFBIG, as
    ENOSPC would on a full disk): 503 with Retry-After, the service stays up, and every write acknowledged
    before is there after a restart."""

    def test_full_disk_gets_503_and_loses_nothing_acknowledged(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-full-") as tmp:
            url = fresh_database_url(tmp)
            acknowledged, refused = [], None
            with Server(workers=1, database_url=url, file_size_limit=256 * 1024) as s:
                for i in range(3000):  # about 60 commits fill 256 KiB of write-ahead log
                    email = "full%d@example.com" % i
                    r = s.post_json("/users/", {"email": email, "full_name": "F" * 100})
                    if r.status == 201:
                        acknowledged.append(email)
                        continue
                    refused = r
                    break
                self.assertIsNotNone(refused, "the limit was never reached")
                self.assertEqual(refused.status, 503, refused.body)
                self.assertTrue(refused.json()["detail"].startswith("Database unavailable"), refused.body)
                self.assertIsNotNone(refused.header("retry-after"))
                self.assertGreater(len(acknowledged), 10)
                self.assertEqual(s.get("/").status, 200)  # the service stays up
                self.assertEqual(s.post_json("/users/", {"email": "again@example.com", "full_name": "F"}).status,
                                 503)
            with Server(workers=1, database_url=url) as s:
                missing = [e for e in acknowledged if s.get("/users/" + e).status != 200]
                self.assertEqual(missing, [])


@unittest.skipUnless(DB_BACKEND == "postgresql", "PostgreSQL host names")
class HostName(Outage):
    """A host name in DATABASE_URL is resolved once, at start-up: reconnects never resolve on a loop."""

    test_restart_mid_run = None

    def test_named_host_is_pinned_and_reconnects(self):
        cluster = self.cluster
        url = cluster.new_database().replace("@127.0.0.1:", "@localhost:")
        with Server(workers=1, database_url=url, env={"DB_ACQUIRE_TIMEOUT": "1s"}) as s:
            self.assertIn("host localhost is 127.0.0.1", s.log())
            self.assertEqual(s.post_json("/users/", {"email": "named@example.com", "full_name": "N"}).status, 201)
            cluster.stop("fast")
            self.assertEqual(s.get("/health").status, 503)
            cluster.start()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and s.get("/health").status != 200:
                time.sleep(0.2)
            self.assertEqual(s.get("/users/named@example.com").status, 200)


if __name__ == "__main__":
    main()
