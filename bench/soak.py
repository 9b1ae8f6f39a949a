"""The soak: ./demo bench --soak MINUTES (bench/bench.py --soak MINUTES).

Mixed traffic (users created and read, tasks, outbound calls to loopback upstreams, one of which resets
mid-body) against the service on a PostgreSQL cluster of its own with fsync and synchronous_commit on,
for MINUTES, while faults are injected at random every few seconds: the service's PostgreSQL sessions
terminated, PostgreSQL restarted (fast or immediate shutdown), a lock held past the service's
statement_timeout, a slow reader on a large pipelined answer, the service stopped by SIGTERM or killed
by SIGKILL and started again.  The load, the checks of every answer and the audit are the fault
matrix's (tests/integration/faults.py).

At the end: requests, answers by kind, errors by kind, faults injected, acknowledged writes and writes
lost.  The exit status is non-zero if any acknowledged write is lost, any task does not end 'done', or
any answer broke the contract (an undocumented status, a 503 without Retry-After, a hang, a request
the server received left unanswered, no recovery after a fault).  Everything is on 127.0.0.1.
"""

import os
import random
import signal
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import faults  # noqa: E402
from faults import Traffic, wait_until  # noqa: E402
from harness import Server, private_pg_cluster  # noqa: E402
from procs import free_port, log  # noqa: E402
from upstream import Upstream  # noqa: E402

FAULTS = ["terminate", "restart_fast", "restart_immediate", "statement_timeout", "slow_reader", "sigterm",
          "sigkill"]
MIX = ["create_user", "create_task", "create_user", "list_users", "get_user", "fetch_external", "user_external"]


class Soak:
    def __init__(self, binary, tmp, seed):
        os.environ["ASYNC_DEMO_BIN"] = binary
        self.random = random.Random(seed)
        self.cluster = private_pg_cluster(os.path.join(tmp, "pg"), durable=True)
        self.url = self.cluster.new_database()
        self.dbname = self.url.rsplit("/", 1)[1]
        self.port = free_port()
        self.server = None
        self.injected = {}
        self.problems = []  # faults the service did not recover from, or a wrong exit
        self.windows = []  # [kind, start, end]: the service was being stopped or killed

    def env(self, upstreams):
        ok, bad = upstreams
        urls = [ok.url("/json"), bad.url("/reset?bytes=3000"), ok.url("/json?delay_ms=20")]
        return {"PORT": str(self.port), "ACCESS_LOG": "off", "TASK_ITERATIONS": "1000", "TASK_WORKERS": "2",
                "DB_POOL_SIZE": "2", "DB_ACQUIRE_TIMEOUT": "1s", "WRITE_TIMEOUT": "2s", "SHUTDOWN_TIMEOUT": "5s",
                "EXTERNAL_API_URLS": ",".join(urls), "EXTERNAL_API_TIMEOUT_MS": "2000"}

    def start_server(self):
        # Every session of the service runs with statement_timeout=1s (the statement_timeout fault).
        self.server = Server(workers=2, database_url=self.url + "?options=-c%20statement_timeout%3D1000",
                             env=self.server_env)
        self.server.start(timeout=30)

    def tolerate(self, r):
        """A transport error is expected for a request caught by a stop or kill of the service: for
        SIGTERM, only one not yet fully sent when the signal went (one received must be answered)."""
        for kind, start, end in self.windows:
            if r.started > end or (r.ended or time.monotonic()) < start:
                continue
            if kind == "sigkill" or r.sent is None or r.sent >= start - 0.01:
                return True
        return False

    def recovered(self, what, since):
        ok = wait_until(lambda: self.traffic.successes_since(since) >= 5, 30)
        if not ok:
            self.problems.append("no recovery within 30 s after %s (%s)" % (what, self.traffic.summary()))

    def inject(self, kind):
        self.injected[kind] = self.injected.get(kind, 0) + 1
        log("soak: %s" % kind)
        if kind == "terminate":
            faults.terminate_backends(self.cluster, self.dbname)
        elif kind.startswith("restart_"):
            faults.restart_postgresql(self.cluster, kind.split("_")[1], down_seconds=self.random.uniform(0.5, 3))
        elif kind == "statement_timeout":
            faults.hold_locks(self.cluster, self.dbname, self.random.uniform(1.5, 3)).join(timeout=60)
        elif kind == "slow_reader":
            received, drained = faults.slow_reader(self.port, asked=1500, seconds=4.0)
            if drained is None or drained > 3.0:
                self.problems.append("a slow reader was not dropped by WRITE_TIMEOUT (%d bytes read)" % received)
        else:
            self.stop_and_start(kind)
        self.recovered(kind, time.monotonic())

    def stop_and_start(self, kind):
        window = [kind, time.monotonic(), float("inf")]
        self.windows.append(window)
        self.server.signal(signal.SIGTERM if kind == "sigterm" else signal.SIGKILL)
        code = self.server.wait(timeout=30)
        self.server.exit_code = code
        if code != (0 if kind == "sigterm" else -signal.SIGKILL):
            self.problems.append("%s: the service exited with %s: %s" % (kind, code, self.server.log_tail(5)))
        os.unlink(self.server.log_file.name)
        self.start_server()
        window[2] = time.monotonic()

    def run(self, minutes):
        with Upstream("ok") as ok, Upstream("reset") as bad:
            self.server_env = self.env((ok, bad))
            self.start_server()
            self.traffic = Traffic(lambda: self.port, threads=6, mix=MIX)
            self.traffic.tolerate = self.tolerate
            self.traffic.start()
            end = time.monotonic() + minutes * 60
            order = []
            try:
                while time.monotonic() < end:
                    time.sleep(min(self.random.uniform(3, 8), max(0.0, end - time.monotonic())))
                    if not order:  # every fault once per shuffled round: all of them come up in a short run
                        order = self.random.sample(FAULTS, len(FAULTS))
                    if time.monotonic() < end:
                        self.inject(order.pop())
            finally:
                self.traffic.stop()
                self.server.stop()
            # Tasks cut by a database fault stay unfinished until the service starts again (see
            # tests/integration/test_faults.py); a start takes them up.
            self.start_server()
            try:
                unfinished = faults.unfinished_tasks(self.cluster, self.dbname, self.traffic.tasks, within=60)
            finally:
                self.server.stop()
        lost = faults.audit(self.cluster, self.dbname, self.traffic.users, self.traffic.tasks)
        return lost, unfinished

    def report(self, minutes, lost, unfinished):
        t = self.traffic
        summary = t.summary()
        kinds = {}
        for p in t.problems + self.problems:
            key = p.split(":", 1)[0]
            kinds[key] = kinds.get(key, 0) + 1
        print("soak: %.1f minutes, faults injected: %s" % (minutes, ", ".join(
            "%s %d" % (k, self.injected[k]) for k in sorted(self.injected)) or "none"))
        print("requests: %d; answers: %s" % (summary.pop("requests"), ", ".join(
            "%s %d" % (k, v) for k, v in sorted(summary.items()))))
        print("errors by kind (contract broken): %s" % (", ".join("%s %d" % kv for kv in sorted(kinds.items()))
                                                      or "none"))
        for p in (t.problems + self.problems)[:10]:
            print("  " + p)
        print("acknowledged writes: %d users (201), %d tasks (202)" % (len(t.users), len(t.tasks)))
        print("writes lost: %d" % len(lost))
        for p in lost[:10]:
            print("  " + p)
        print("tasks not done 60 s after the end: %d %s" % (len(unfinished), sorted(set(unfinished.values()))))
        return 1 if lost or unfinished or kinds else 0


def main(minutes, binary, seed=None):
    seed = seed if seed is not None else int(time.time())
    log("soak: %.1f minutes, seed %d, binary %s" % (minutes, seed, binary))
    with tempfile.TemporaryDirectory(prefix="async-demo-soak-") as tmp:
        os.chmod(tmp, 0o711)  # PostgreSQL runs as the postgres user when we are root
        soak = Soak(binary, tmp, seed)
        try:
            lost, unfinished = soak.run(minutes)
        finally:
            soak.cluster.destroy()
    return soak.report(minutes, lost, unfinished)


if __name__ == "__main__":
    threading.stack_size(512 * 1024)
    sys.exit(main(float(sys.argv[1]), sys.argv[2]))
