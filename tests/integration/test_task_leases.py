"""Background tasks with leases: two instances on one PostgreSQL database, no task run by both.

  - 1,000 tasks accepted by two live instances (500 each, while both poll for expired leases every
    half second): exactly 1,000 executions (the sum of attempts), each task done once, counted as
    tasks_executed_total{outcome="done"} and nothing else;
  - one instance SIGKILLed mid-run: the other takes its tasks over once their leases expire, without a
    restart; every accepted task is done, and the only tasks run twice are those the killed instance
    had in flight ('running' under its id at the kill): counted and asserted;
  - a graceful stop releases the leases of the tasks it did not finish: the other instance takes them up
    at once (long before their lease would have expired), and a starting instance never takes tasks
    that a live instance holds;
  - 1,000 unowned tasks (as a stopped instance leaves them) claimed by two instances polling at once, in
    rounds bounded by their free queue places: each claimed and run once (FOR UPDATE SKIP LOCKED);
  - an idle task thread's connection, cut by the server, is reconnected without a task (its loop runs
    while idle).

PostgreSQL only (ASYNC_DEMO_DB=postgresql): SQLite is one process's file (test_tasks.py covers it).
About 30-50 s natively.
"""

import os
import re
import signal
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DB_BACKEND, Server, fresh_database_url, main, pg_cluster  # noqa: E402

N = 1000
BASE_ENV = {
    "DB_POOL_SIZE": "2",
    "TASK_WORKERS": "2",
    "TASK_QUEUE_SIZE": "100000",  # a 503 for a full queue would be a (correct) refusal, not what is tested
    "ACCESS_LOG": "off",
}


def instance_id(server):
    m = re.search(r"this instance's id is ([0-9a-f]+)", server.log())
    if m is None:
        raise AssertionError("no instance id in the log:\n" + server.log_tail())
    return m.group(1)


def executions(server):
    """tasks_executed_total by outcome, from the instance's /metrics."""
    text = server.get("/metrics").body.decode()
    return {m.group(1): int(float(m.group(2)))
            for m in re.finditer(r'^tasks_executed_total\{outcome="(\w+)"\} (\S+)$', text, re.MULTILINE)}


@unittest.skipUnless(DB_BACKEND == "postgresql", "two instances share a PostgreSQL database")
class Leases(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="async-demo-leases-")
        self.url = fresh_database_url(self.tmp.name)
        self.dbname = self.url.rsplit("/", 1)[1]
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            if s.proc is not None and s.proc.poll() is None:
                s.signal(signal.SIGKILL)
                s.wait(timeout=10)
        self.tmp.cleanup()

    def sql(self, query):
        return pg_cluster().psql(query, dbname=self.dbname).strip()

    def start(self, **env):
        s = Server(workers=2, database_url=self.url, env=dict(BASE_ENV, **env))
        s.start()
        self.servers.append(s)
        return s

    def post(self, servers, n, threads=4):
        """Accept @n tasks, round-robin over @servers; returns their ids."""
        ids, errors, lock = [], [], threading.Lock()

        def run(k):
            for i in range(k, n, threads):
                r = servers[i % len(servers)].request("POST", "/process-data/lease%d" % i)
                with lock:
                    if r.status == 202:
                        ids.append(r.json()["task_id"])
                    else:
                        errors.append(r)

        workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        self.assertEqual(errors, [])
        return ids

    def wait_all_done(self, n, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if int(self.sql("SELECT count(*) FROM tasks WHERE status = 'done'")) == n:
                return
            time.sleep(0.2)
        raise AssertionError("not every task done after %.0fs: %s" % (
            timeout, self.sql("SELECT status, owner, count(*) FROM tasks GROUP BY 1, 2")))

    def test_thousand_tasks_run_exactly_once(self):
        # Short heartbeats: both instances look for expired leases every half second while the other runs.
        env = {"TASK_ITERATIONS": "1000", "TASK_LEASE": "5s", "TASK_HEARTBEAT": "500ms"}
        a, b = self.start(**env), self.start(**env)
        self.assertEqual(len(self.post([a, b], N)), N)
        self.wait_all_done(N, timeout=120)
        self.assertEqual(self.sql("SELECT sum(attempts) FROM tasks"), str(N))
        self.assertEqual(self.sql("SELECT count(*) FROM tasks WHERE attempts <> 1"), "0")
        owners = dict(line.split("|") for line in self.sql("SELECT owner, count(*) FROM tasks GROUP BY 1").split())
        self.assertEqual(sorted(owners), sorted([instance_id(a), instance_id(b)]))
        # Counted by outcome, and nothing else: two tasks' worth of executions per task would show here.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ea, eb = executions(a), executions(b)
            if ea.get("done", 0) + eb.get("done", 0) == N:
                break
            time.sleep(0.1)
        self.assertEqual(ea.get("done", 0) + eb.get("done", 0), N)
        self.assertEqual(sum(ea.values()) + sum(eb.values()), N)
        self.assertEqual(ea["done"], int(owners[instance_id(a)]))

    def test_sigkill_mid_run_every_task_done_and_only_in_flight_ones_twice(self):
        # Each task a few milliseconds; leases short enough for the takeover to be quick.
        env = {"TASK_ITERATIONS": "40000", "TASK_LEASE": "3s", "TASK_HEARTBEAT": "500ms"}
        a, b = self.start(**env), self.start(**env)
        killed = instance_id(a)
        ids = self.post([a, b], N)
        self.assertEqual(len(ids), N)
        deadline = time.monotonic() + 60
        while int(self.sql("SELECT count(*) FROM tasks WHERE status = 'done' AND owner = '%s'" % killed)) < 100:
            self.assertLess(time.monotonic(), deadline, "instance A did not get going")
            time.sleep(0.05)
        a.signal(signal.SIGKILL)
        a.wait(timeout=10)
        in_flight = set(self.sql("SELECT id FROM tasks WHERE owner = '%s' AND status = 'running'" % killed).split())
        left = int(self.sql("SELECT count(*) FROM tasks WHERE owner = '%s' AND status = 'queued'" % killed))
        print("# at the kill: %d task(s) in flight, %d queued under the killed instance" % (len(in_flight), left),
              file=sys.stderr)
        self.assertLessEqual(len(in_flight), 2)  # TASK_WORKERS
        self.assertGreater(left + len(in_flight), 0, "the kill came too late to leave work behind")
        self.wait_all_done(N, timeout=120)  # no restart: B takes A's tasks over once their leases expire
        self.assertIn("taking up", b.log())
        twice = set(self.sql("SELECT id FROM tasks WHERE attempts > 1").split())
        self.assertEqual(twice, in_flight, "run twice: only the tasks in flight at the kill")
        self.assertEqual(self.sql("SELECT max(attempts) FROM tasks"), "2" if in_flight else "1")
        self.assertEqual(int(self.sql("SELECT sum(attempts) FROM tasks")), N + len(in_flight))
        self.assertEqual(self.sql("SELECT count(*) FROM tasks WHERE owner = '%s'" % killed),
                         self.sql("SELECT count(*) FROM tasks WHERE owner = '%s' AND attempts = 1" % killed))
        eb = executions(b)
        self.assertEqual(eb.get("lost_ownership", 0), 0)

    def test_graceful_stop_hands_over_at_once_and_a_start_takes_nothing_held(self):
        # A minute's lease: only a release can let B take A's tasks within the test.
        slow = {"TASK_ITERATIONS": "400000", "TASK_WORKERS": "1", "TASK_LEASE": "60s", "TASK_HEARTBEAT": "1s",
                "SHUTDOWN_TIMEOUT": "1s"}
        a = self.start(**slow)
        ids = self.post([a], 40, threads=2)
        b = self.start(**slow)
        b.wait_for_log(r"this instance's id is")
        time.sleep(2.5)  # two of B's rounds: it must take none of A's tasks
        mine = instance_id(b)
        self.assertEqual(self.sql("SELECT count(*) FROM tasks WHERE owner = '%s'" % mine), "0")
        self.assertNotIn("taking up", b.log())
        a.signal(signal.SIGTERM)
        self.assertEqual(a.wait(timeout=15), 0, a.log_tail())
        self.assertIn("released the leases", a.log())
        start = time.monotonic()
        b.wait_for_log(r"taking up \d+ unfinished", timeout=10)
        self.assertLess(time.monotonic() - start, 10)  # a round or two, not the minute of the lease
        self.wait_all_done(len(ids), timeout=120)
        self.assertEqual(self.sql("SELECT count(*) FROM tasks WHERE attempts > 2"), "0")

    def test_two_instances_claiming_at_once_take_each_task_once(self):
        # Small queues and fast rounds: many claims by both instances, racing for the same rows.
        env = {"TASK_ITERATIONS": "1000", "TASK_QUEUE_SIZE": "50", "TASK_LEASE": "2s", "TASK_HEARTBEAT": "200ms"}
        a, b = self.start(**env), self.start(**env)
        self.sql("INSERT INTO tasks (id, message, status, created_at)"
                 " SELECT gen_random_uuid(), 'unowned' || i, 'queued', now() FROM generate_series(1, %d) AS i" % N)
        self.wait_all_done(N, timeout=120)
        self.assertEqual(self.sql("SELECT sum(attempts) FROM tasks"), str(N))
        self.assertEqual(self.sql("SELECT count(*) FROM tasks WHERE attempts <> 1"), "0")
        rounds = [int(n) for s in (a, b) for n in re.findall(r"taking up (\d+) unfinished", s.log())]
        self.assertEqual(sum(rounds), N)
        self.assertLessEqual(max(rounds), 50)  # never more than the queue's free places
        print("# claims: %d rounds; instance A ran %s, B %s" % (
            len(rounds), self.sql("SELECT count(*) FROM tasks WHERE owner = '%s'" % instance_id(a)),
            self.sql("SELECT count(*) FROM tasks WHERE owner = '%s'" % instance_id(b))), file=sys.stderr)

    def test_idle_task_thread_reconnects_without_a_task(self):
        # One connection per loop: the worker's, the task thread's and the lease keeper's.
        s = self.start(WORKERS="1", TASK_WORKERS="1", DB_POOL_SIZE="1")
        backends = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'")

        def wait_backends(n, exclude=()):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                pids = set(self.sql(backends).split()) - set(exclude)
                if len(pids) == n:
                    return pids
                time.sleep(0.1)
            raise AssertionError("%d of %d connections after 20 s: %s" % (len(pids), n, s.log_tail()))

        before = wait_backends(3)
        self.sql("SELECT count(pg_terminate_backend(pid)) FROM (%s) AS b" % backends)
        # No request, no task: every loop must notice and reconnect on its own.
        wait_backends(3, exclude=before)
        self.assertEqual(s.get("/health/ready").status, 200)


if __name__ == "__main__":
    main()
