"""Background tasks: accepted at once, computed off the loops, bounded, and never lost.

Runs once per database backend (ASYNC_DEMO_DB).

Under valgrind (ASYNC_DEMO_WRAPPER) SHA-256 runs about 150 times slower than natively, so the tasks that
must finish are made that much cheaper (rounds()), and each test lasts about as long as natively; tasks
that are only there to keep the pool busy until shutdown cancels them keep their cost.
"""

import hashlib
import os
import signal
import sqlite3
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DB_BACKEND, WRAPPER, Server, fresh_database_url, main, pg_cluster, run_binary, slack  # noqa: E402

# How many times slower a SHA-256 round is under the wrapper (valgrind: about 150).
ROUND_COST = 150 if WRAPPER else 1


def rounds(native):
    """TASK_ITERATIONS for a task that takes about as long as @native rounds take natively."""
    return max(1, native // ROUND_COST)


UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def expected_result(message, rounds):
    """What the service computes: SHA-256 of the message, then of the digest, `rounds` rounds in all."""
    digest = hashlib.sha256(message.encode()).digest()
    for _ in range(rounds - 1):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()


def wait_status(server, task_id, statuses, timeout):
    """Poll the task until its status is one of @statuses; returns it (@timeout: slack() of it)."""
    deadline = time.monotonic() + slack(timeout)
    while time.monotonic() < deadline:
        r = server.get("/tasks/" + task_id)
        if r.status == 200 and r.json()["status"] in statuses:
            return r.json()
        time.sleep(0.02)
    raise AssertionError("task %s not %s after %.0fs: %s" % (task_id, " or ".join(statuses), slack(timeout),
                                                           server.get("/tasks/" + task_id).body))


def wait_done(server, task_id, timeout=30.0):
    return wait_status(server, task_id, ("done", "failed"), timeout)


def wait_running(server, task_id):
    """Wait until a pool thread has taken the task up (and recorded it)."""
    return wait_status(server, task_id, ("running",), 10.0)


def query(url, tmp, sql):
    """One value straight from the database (the service may be down)."""
    if DB_BACKEND == "postgresql":
        return pg_cluster().psql(sql, dbname=url.rsplit("/", 1)[1]).strip()
    with sqlite3.connect(os.path.join(tmp, "test.db")) as conn:
        row = conn.execute(sql).fetchone()
        return None if row is None or row[0] is None else str(row[0])


def execute(url, tmp, sql):
    """Change the database behind the service's back (as another instance would)."""
    if DB_BACKEND == "postgresql":
        pg_cluster().psql(sql, dbname=url.rsplit("/", 1)[1])
        return
    with sqlite3.connect(os.path.join(tmp, "test.db"), timeout=10) as conn:
        conn.execute(sql)


def count_tasks(url, tmp):
    return int(query(url, tmp, "SELECT count(*) FROM tasks"))


def metric(server, name):
    """The value of one sample (name with its labels, as written) of /metrics, as an int."""
    for line in server.get("/metrics").body.decode().splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[-1]))
    raise AssertionError("no %s in /metrics" % name)


class Tasks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="async-demo-tasks-")
        self.url = fresh_database_url(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_accepted_then_done_with_the_expected_result(self):
        with Server(workers=2, database_url=self.url, env={"TASK_ITERATIONS": str(rounds(5000))}) as s:
            r = s.request("POST", "/process-data/hello%20world")
            self.assertEqual(r.status, 202, r.body)
            body = r.json()
            self.assertRegex(body["task_id"], UUID)
            self.assertEqual(body["status"], "queued")
            self.assertEqual(body["status_url"], "/tasks/" + body["task_id"])
            self.assertEqual(r.header("location"), body["status_url"])
            task = wait_done(s, body["task_id"])
            self.assertEqual(task["status"], "done")
            self.assertEqual(task["message"], "hello world")
            self.assertEqual(task["result"], expected_result("hello world", rounds(5000)))
            self.assertIsNone(task["error"])
            for key in ("created_at", "started_at", "finished_at"):
                self.assertRegex(task[key], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
            self.assertEqual(s.get("/tasks/" + body["task_id"].upper()).json()["task_id"], body["task_id"])
            self.assertEqual(s.get("/tasks/00000000-0000-4000-8000-000000000000").status, 404)
            self.assertEqual(s.get("/tasks/not-a-uuid").status, 422)
            self.assertEqual(s.request("POST", "/process-data/" + "x" * 300).status, 422)

    def test_loops_stay_responsive_while_the_pool_is_saturated(self):
        env = {"TASK_ITERATIONS": "3000000", "TASK_WORKERS": "2", "ACCESS_LOG": "off"}
        if WRAPPER:  # the tasks only keep the pool busy: cut them short at the stop, not minutes later
            env["SHUTDOWN_TIMEOUT"] = "1s"
        with Server(workers=2, database_url=self.url, env=env) as s:
            def latency(path):
                start = time.monotonic()
                self.assertEqual(s.get(path).status, 200)
                return time.monotonic() - start

            s.warm_up("/", "/async-delay/0.1")
            idle = max(latency("/") for _ in range(5))
            idle_delay = max(latency("/async-delay/0.1") for _ in range(3))
            ids = [s.request("POST", "/process-data/busy%d" % i).json()["task_id"] for i in range(4)]
            wait_running(s, ids[0])
            wait_running(s, ids[1])
            busy = max(latency("/") for _ in range(10))
            busy_delay = max(latency("/async-delay/0.1") for _ in range(3))
            self.assertLess(busy, idle + slack(0.15), "GET / while tasks run: %.3fs (idle %.3fs)" % (busy, idle))
            self.assertLess(busy_delay, idle_delay + slack(0.15),
                            "async-delay while tasks run: %.3fs (idle %.3fs)" % (busy_delay, idle_delay))
            self.assertIn(s.get("/tasks/" + ids[-1]).json()["status"], ("queued", "running"))

    def test_full_queue_is_503_and_records_nothing(self):
        with Server(workers=1, database_url=self.url, env={"TASK_ITERATIONS": "20000000", "TASK_WORKERS": "1",
                                                           "TASK_QUEUE_SIZE": "2", "SHUTDOWN_TIMEOUT": "1s"}) as s:
            statuses = []
            for i in range(6):
                r = s.request("POST", "/process-data/fill%d" % i)
                statuses.append(r.status)
                if r.status == 503:
                    self.assertEqual(r.header("retry-after"), "1")
                    self.assertIn("queue is full", r.json()["detail"])
            accepted = statuses.count(202)
            self.assertIn(503, statuses)
            self.assertGreaterEqual(accepted, 2)  # the queue's two places (plus one taken up already)
            self.assertEqual(count_tasks(self.url, self.tmp.name), accepted)

    def test_tasks_survive_sigkill(self):
        # The killed instance's leases must expire before the next one takes its tasks over: keep them short.
        env = {"TASK_ITERATIONS": str(rounds(400000)), "TASK_WORKERS": "1", "TASK_LEASE": "2s",
               "TASK_HEARTBEAT": "500ms"}
        s = Server(workers=1, database_url=self.url, env=env)
        s.start()
        ids = []
        for i in range(8):
            r = s.request("POST", "/process-data/survivor%d" % i)
            self.assertEqual(r.status, 202, r.body)
            ids.append(r.json()["task_id"])
        wait_status(s, ids[0], ("running", "done"), 10.0)  # the pool is at work
        s.signal(signal.SIGKILL)
        s.wait(timeout=10)
        unfinished = [i for i in ids if s2_status(self.url, self.tmp.name, i) != "done"]
        in_flight = [i for i in ids if s2_status(self.url, self.tmp.name, i) == "running"]
        self.assertTrue(unfinished, "the kill should have left some tasks unfinished")
        self.assertLessEqual(len(in_flight), 1)  # TASK_WORKERS
        with Server(workers=1, database_url=self.url, env=env) as again:
            for i, task_id in enumerate(ids):
                task = wait_done(again, task_id, timeout=60)
                self.assertEqual(task["status"], "done")
                self.assertEqual(task["result"], expected_result("survivor%d" % i, rounds(400000)))
            self.assertIn("taking up", again.log())
            # Executions only: the unfinished tasks, each once (no start-up job counted with them).
            deadline = time.monotonic() + slack(5)
            while metric(again, "tasks_running") > 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(metric(again, 'tasks_executed_total{outcome="done"}'), len(unfinished))
            self.assertEqual(metric(again, "task_duration_seconds_count"), len(unfinished))
        # Run twice: only the one in flight at the kill.
        self.assertEqual(int(query(self.url, self.tmp.name, "SELECT sum(attempts) FROM tasks")),
                         len(ids) + len(in_flight))

    def test_result_recorded_only_while_owned(self):
        """Another instance taking a task over (owner changed) stops this one recording it, or starting it."""
        env = {"TASK_ITERATIONS": str(rounds(3000000)), "TASK_WORKERS": "1"}
        with Server(workers=1, database_url=self.url, env=env) as s:
            running = s.request("POST", "/process-data/stolen").json()["task_id"]
            queued = s.request("POST", "/process-data/stolen-too").json()["task_id"]
            wait_running(s, running)
            execute(self.url, self.tmp.name, "UPDATE tasks SET owner = 'another', lease_until = "
                    "'9999-12-31T00:00:00.000Z' WHERE id IN ('%s', '%s')" % (running, queued))
            s.wait_for_log(r"task %s: no longer this instance's" % queued, timeout=slack(30))
            self.assertEqual(metric(s, 'tasks_executed_total{outcome="lost_ownership"}'), 1)
            self.assertEqual(metric(s, 'tasks_executed_total{outcome="done"}'), 0)
            task = s.get("/tasks/" + running).json()
            self.assertEqual((task["status"], task["result"]), ("running", None))  # the new owner's to finish
            self.assertEqual(s.get("/tasks/" + queued).json()["status"], "queued")
            self.assertEqual(query(self.url, self.tmp.name, "SELECT attempts FROM tasks WHERE id = '%s'" % queued),
                             "0")

    def test_heartbeat_must_come_well_within_the_lease(self):
        env = dict(os.environ, TASK_LEASE="1s", TASK_HEARTBEAT="800ms")
        r = run_binary(["--check-config"], env=env)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("TASK_HEARTBEAT", r.stderr)
        env["TASK_HEARTBEAT"] = "500ms"
        self.assertEqual(run_binary(["--check-config"], env=env).returncode, 0)

    def test_graceful_shutdown_leaves_the_rest_queued(self):
        env = {"TASK_ITERATIONS": "200000000", "TASK_WORKERS": "1", "SHUTDOWN_TIMEOUT": "1s"}
        s = Server(workers=1, database_url=self.url, env=env)
        s.start()
        ids = [s.request("POST", "/process-data/long%d" % i).json()["task_id"] for i in range(3)]
        wait_running(s, ids[0])
        start = time.monotonic()
        s.signal(signal.SIGTERM)
        self.assertEqual(s.wait(timeout=15), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, slack(5))
        states = [s2_status(self.url, self.tmp.name, i) for i in ids]
        self.assertEqual(states, ["running", "queued", "queued"])


def s2_status(url, tmp, task_id):
    """A task's status straight from the database (the service may be down)."""
    if DB_BACKEND == "postgresql":
        return pg_cluster().psql("SELECT status FROM tasks WHERE id = '%s'" % task_id,
                                 dbname=url.rsplit("/", 1)[1]).strip()
    with sqlite3.connect(os.path.join(tmp, "test.db")) as conn:
        row = conn.execute("SELECT status FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return row[0] if row else None


if __name__ == "__main__":
    main()
