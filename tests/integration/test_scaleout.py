"""Scaling out: two instances on one PostgreSQL database behind nginx, run from deploy/.

nginx runs the shipped deploy/nginx.conf, rendered into a temporary directory with only its paths
(pid, logs, temporary files), its listen address and the upstream addresses replaced, so the
balancing, keep-alive, retry and request-id settings under test are the shipped ones.  Everything
listens on loopback and is stopped at the end, even on failure.

  - users created through one instance are read through the other; tasks likewise;
  - X-Request-ID goes through nginx to the instance and back;
  - one instance stopped under load: no request fails, every accepted POST is there afterwards;
  - both instances restarted one after the other under load, each as soon as the one before is ready
    (GET /health/ready; no sleeping, no waiting for nginx): no request fails;
  - the systemd units pass `systemd-analyze verify` (when it is there).

PostgreSQL only (ASYNC_DEMO_DB=postgresql): SQLite is one process's file.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DB_BACKEND, Server, fresh_database_url, main, pg_cluster  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")
NGINX = os.environ.get("ASYNC_DEMO_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"

INSTANCE_ENV = {
    "DB_POOL_SIZE": "2",
    "TASK_WORKERS": "2",
    "TASK_ITERATIONS": "1000",
    "TASK_QUEUE_SIZE": "100000",  # a 503 for a full queue would be a (correct) refusal, not what is tested
    "SHUTDOWN_TIMEOUT": "10s",
}
PACE = 0.01  # seconds between two requests of one load thread: load, not a stress test


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def substitute(text, pattern, replacement, count=1):
    """re.sub that insists on @count matches, so a change to the shipped file cannot go unnoticed."""
    new, n = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if n != count:
        raise AssertionError("deploy file: expected %d match(es) of %r, found %d" % (count, pattern, n))
    return new


class Nginx:
    """nginx running deploy/nginx.conf from a temporary prefix, in the foreground."""

    def __init__(self, tmpdir, upstreams):
        self.dir = tmpdir
        self.port = free_port()
        self.access_log = os.path.join(tmpdir, "access.log")
        self.error_log = os.path.join(tmpdir, "error.log")
        self.proc = None
        with open(os.path.join(DEPLOY, "nginx.conf")) as f:
            conf = f.read()
        conf = substitute(conf, r"^pid\s+\S+;", "pid %s/nginx.pid;" % tmpdir)
        conf = substitute(conf, r"^(error_log\s+)\S+", r"\g<1>" + self.error_log)
        conf = substitute(conf, r"^(\s*access_log\s+)/\S+", r"\g<1>" + self.access_log)
        conf = substitute(conf, r"^(\s*listen\s+)[^;]+;", r"\g<1>127.0.0.1:%d;" % self.port)
        temp = "".join("    %s_temp_path %s/%s;\n" % (m, tmpdir, m)
                       for m in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = substitute(conf, r"^http \{\n", "http {\n" + temp)
        with open(os.path.join(tmpdir, "nginx.conf"), "w") as f:
            f.write(conf)
        # The include in nginx.conf is relative: nginx resolves it from the directory of the -c file.
        with open(os.path.join(DEPLOY, "async-demo-upstreams.conf")) as f:
            ups = f.read()
        addrs = iter(upstreams)
        ups = substitute(ups, r"^(server\s+)\S+", lambda m: m.group(1) + next(addrs), count=len(upstreams))
        with open(os.path.join(tmpdir, "async-demo-upstreams.conf"), "w") as f:
            f.write(ups)

    def start(self, timeout=10.0):
        self.stderr = open(os.path.join(self.dir, "stderr.log"), "wb")
        argv = [NGINX, "-p", self.dir + "/", "-c", os.path.join(self.dir, "nginx.conf"), "-e", self.error_log,
                "-g", "daemon off;"]
        check = subprocess.run(argv[:-2] + ["-t"], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise AssertionError("nginx -t refused the rendered deploy/nginx.conf:\n" + check.stderr)
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("nginx exited with %s:\n%s" % (self.proc.returncode, self.errors()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("nginx did not listen within %.0fs:\n%s" % (timeout, self.errors()))

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)  # graceful
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.stderr.close()

    def errors(self):
        text = ""
        for path in (self.error_log, os.path.join(self.dir, "stderr.log")):
            try:
                with open(path, errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text[-4000:]

    def log_size(self):
        try:
            return os.path.getsize(self.access_log)
        except OSError:
            return 0

    def log_lines(self, since=0):
        try:
            with open(self.access_log, "rb") as f:
                f.seek(since)
                return f.read().decode("latin-1").splitlines()
        except OSError:
            return []

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        finally:
            conn.close()


def served_by(line):
    """(address, status) of the upstream attempt that answered, from an access-log line, or None."""
    m = re.search(r" upstream=(\S.*?) ustatus=(\S.*?) time=", line)
    if not m or m.group(1) == "-":
        return None
    return m.group(1).split(",")[-1].split(":")[-1].strip(), m.group(2).split(",")[-1].strip()


class Load:
    """Client threads, each with its own keep-alive connection to nginx, until stopped.

    A mix of POST /users/, GET /users/{email} (one it created: must be 200) and POST /process-data.
    Any exception or unexpected status is a failure.
    """

    def __init__(self, port, threads=3):
        self.port = port
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.failures = []
        self.users = []
        self.tasks = []
        self.ok = 0
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=60)

    def count(self):
        with self.lock:
            return self.ok

    def wait_for(self, n, timeout=30.0):
        """Wait until @n more requests have succeeded (bounded)."""
        target = self.count() + n
        deadline = time.monotonic() + timeout
        while self.count() < target and time.monotonic() < deadline and not self.failures:
            time.sleep(0.02)
        if self.count() < target and not self.failures:
            raise AssertionError("load made no progress: %d of %d requests in %.0fs" % (self.count(), target, timeout))

    def run(self, index):
        conn = None
        mine = []
        i = 0
        while not self.stop_event.wait(PACE):
            i += 1
            kind = i % 3
            rid = "load-%d-%d-%s" % (index, i, uuid.uuid4().hex[:8])
            headers = {"X-Request-ID": rid}
            if kind == 0:
                email = "u%s@example.com" % uuid.uuid4().hex[:16]
                method, path, expect = "POST", "/users/", 201
                body = json.dumps({"email": email, "full_name": "Load %d" % index})
                headers["Content-Type"] = "application/json"
            elif kind == 1 and mine:
                email = mine[i % len(mine)]
                method, path, expect, body = "GET", "/users/" + email, 200, None
            elif kind == 1:
                method, path, expect, body = "GET", "/users/nobody-%d@example.com" % index, 404, None
            else:
                method, path, expect, body = "POST", "/process-data/load-%d-%d" % (index, i), 202, None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request(method, path, body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                if r.will_close:
                    conn.close()
                    conn = None
            except Exception as e:  # noqa: B902 - every error is a failure of the test
                with self.lock:
                    self.failures.append("%s %s id=%s: %r" % (method, path, rid, e))
                if conn is not None:
                    conn.close()
                conn = None
                continue
            if r.status != expect:
                with self.lock:
                    self.failures.append("%s %s id=%s: %d %r" % (method, path, rid, r.status, data[:200]))
                continue
            with self.lock:
                self.ok += 1
                if kind == 0:
                    mine.append(email)
                    self.users.append(email)
                elif method == "POST":
                    self.tasks.append(json.loads(data)["task_id"])
        if conn is not None:
            conn.close()


@unittest.skipUnless(DB_BACKEND == "postgresql", "instances share a PostgreSQL database")
class ScaleOut(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(NGINX):
            self.fail("nginx not found (apt-get install nginx-light)")
        self.tmp = tempfile.TemporaryDirectory(prefix="async-demo-scaleout-")
        self.addCleanup(self.tmp.cleanup)
        self.url = fresh_database_url(self.tmp.name)
        self.instances = []
        self.all_servers = []
        self.addCleanup(self.remove_logs)
        self.addCleanup(self.stop_instances)
        for _ in range(2):
            self.instances.append(self.start_instance(0))
        self.nginx = Nginx(self.tmp.name, ["127.0.0.1:%d" % s.port for s in self.instances])
        self.addCleanup(self.nginx.stop)
        self.nginx.start()

    def start_instance(self, port):
        s = Server(workers=2, database_url=self.url, env=dict(INSTANCE_ENV, PORT=str(port)))
        self.all_servers.append(s)
        s.start()
        return s

    def stop_instances(self):
        for s in self.instances:
            if s.proc is not None and s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait(timeout=10)

    def remove_logs(self):
        for s in self.all_servers:
            if s.log_file is not None and os.path.exists(s.log_file.name):
                os.unlink(s.log_file.name)

    def stop_gracefully(self, s):
        """SIGTERM; the instance must drain and exit 0 within its SHUTDOWN_TIMEOUT (plus a margin)."""
        s.signal(signal.SIGTERM)
        code = s.wait(timeout=25)
        self.assertEqual(code, 0, s.log_tail())
        self.assertNotIn("shutdown timeout", s.log(), "idle upstream connections outlived the drain")

    def restart(self, index):
        """Stop instance @index and start it again on the same port: once it says it is ready, the rolling
        restart goes on at once (no waiting for nginx, whose upstreams have no passive health checks)."""
        old = self.instances[index]
        self.stop_gracefully(old)
        new = self.start_instance(old.port)
        self.instances[index] = new
        self.assertEqual(new.get("/health/ready").json(), {"status": "ready", "reason": None})

    @staticmethod
    def eventually(predicate, timeout=5.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def check_accepted(self, load):
        """Every accepted POST left its trace: users readable, tasks reported, on each instance."""
        self.assertGreater(len(load.users), 0)
        self.assertGreater(len(load.tasks), 0)
        live = [s for s in self.instances if s.proc.poll() is None]
        for n, email in enumerate(load.users):
            r = live[n % len(live)].get("/users/" + email)
            self.assertEqual(r.status, 200, (email, r))
        for n, task_id in enumerate(load.tasks):
            r = live[n % len(live)].get("/tasks/" + task_id)
            self.assertEqual(r.status, 200, (task_id, r))

    # --- the shared database ---

    def test_users_and_tasks_are_shared_by_the_instances(self):
        a, b = self.instances
        r = a.post_json("/users/", {"email": "shared@example.com", "full_name": "Shared"})
        self.assertEqual(r.status, 201, r.body)
        r2 = b.get("/users/shared@example.com")
        self.assertEqual(r2.status, 200, r2.body)
        self.assertEqual(r2.json(), r.json())
        r = b.request("POST", "/process-data/hello")
        self.assertEqual(r.status, 202, r.body)
        task_id = r.json()["task_id"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = a.get("/tasks/" + task_id)
            self.assertEqual(r.status, 200, r.body)
            if r.json()["status"] == "done":
                break
            time.sleep(0.05)
        self.assertEqual(r.json()["status"], "done")
        # Through nginx, both instances answer in turn (round robin) and agree.
        for _ in range(4):
            status, _, body = self.nginx.request("GET", "/users/shared@example.com")
            self.assertEqual(status, 200, body)
        ports = {served_by(line)[0] for line in self.nginx.log_lines() if served_by(line)}
        self.assertEqual(ports, {str(a.port), str(b.port)})

    def test_request_id_goes_through_nginx(self):
        status, headers, _ = self.nginx.request("GET", "/health", headers={"X-Request-ID": "scaleout-1234"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("x-request-id"), "scaleout-1234")
        # None given, or one the service would refuse: nginx makes one up, and the instance uses it.
        for given in (None, "bad%id"):
            status, headers, _ = self.nginx.request("GET", "/health", headers={"X-Request-ID": given} if given else {})
            self.assertEqual(status, 200)
            rid = headers.get("x-request-id")
            self.assertRegex(rid, r"^[0-9a-f]{32}$")
            # Both access logs are written after the answer is sent: wait for them (bounded).
            self.assertTrue(self.eventually(lambda: any("id=" + rid in s.log() for s in self.instances)), rid)
            self.assertTrue(self.eventually(lambda: "id=" + rid in "\n".join(self.nginx.log_lines())), rid)
        self.assertTrue(self.eventually(lambda: any("id=scaleout-1234" in s.log() for s in self.instances)))
        # nginx's own errors carry the id too, and are JSON.
        self.stop_instances()
        status, headers, body = self.nginx.request("GET", "/health", headers={"X-Request-ID": "scaleout-5678"})
        self.assertEqual(status, 502)
        self.assertEqual(headers.get("x-request-id"), "scaleout-5678")
        self.assertIn("detail", json.loads(body))

    # --- stopping and restarting under load ---

    def test_one_instance_stopped_under_load_loses_no_request(self):
        a, b = self.instances
        with Load(self.nginx.port) as load:
            load.wait_for(60)
            self.stop_gracefully(b)
            load.wait_for(60)
            load.stop()
        self.assertEqual(load.failures, [], "\n" + "\n".join(load.failures[:20]) + "\n" + self.nginx.errors())
        self.check_accepted(load)
        self.assertIn("shutting down gracefully", b.log())

    def test_rolling_restart_under_load_fails_no_request(self):
        with Load(self.nginx.port) as load:
            load.wait_for(60)
            for index in range(len(self.instances)):
                self.restart(index)
                load.wait_for(30)
            load.stop()
        self.assertEqual(load.failures, [], "\n" + "\n".join(load.failures[:20]) + "\n" + self.nginx.errors())
        self.check_accepted(load)
        # A stopped instance releases the leases of whatever it left queued, and the other one takes that
        # up at once: every accepted task gets done, each exactly once (the tasks are short: none is cut
        # by a stop, so none runs twice).
        a = self.instances[0]
        deadline = time.monotonic() + 30
        pending = list(load.tasks)
        while pending and time.monotonic() < deadline:
            pending = [t for t in pending if a.get("/tasks/" + t).json()["status"] != "done"]
            if pending:
                time.sleep(0.1)
        self.assertEqual(pending, [])
        dbname = self.url.rsplit("/", 1)[1]
        self.assertEqual(pg_cluster().psql("SELECT count(*) FROM tasks WHERE attempts <> 1", dbname=dbname).strip(),
                         "0")


class Units(unittest.TestCase):
    """The shipped systemd units and their timeouts."""

    def read(self, name):
        with open(os.path.join(DEPLOY, name)) as f:
            return f.read()

    def test_units_pass_systemd_analyze_verify(self):
        tool = shutil.which("systemd-analyze")
        if tool is None:
            self.skipTest("systemd-analyze is not installed")
        with tempfile.TemporaryDirectory(prefix="async-demo-units-") as tmp:
            for name in ("async-demo.service", "async-demo@.service"):
                text = self.read(name).replace("/usr/local/bin/async-demo", os.environ["ASYNC_DEMO_BIN"])
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(text)
            out = subprocess.run([tool, "verify", "async-demo.service", "async-demo@8001.service"], cwd=tmp,
                                 capture_output=True, text=True, timeout=60)
            report = out.stdout + out.stderr
            self.assertEqual(out.returncode, 0, report)
            self.assertNotIn("async-demo", report)  # no warning about our units

    def test_timeouts_fit_together(self):
        def seconds(text, key):
            m = re.search(r"^\s*%s\s*=?\s*(\d+)s\b" % key, text, re.MULTILINE)
            self.assertIsNotNone(m, key)
            return int(m.group(1))

        shutdown, keepalive = 10, 15  # the service's defaults (SHUTDOWN_TIMEOUT, KEEPALIVE_TIMEOUT)
        for name in ("async-demo.service", "async-demo@.service"):
            unit = self.read(name)
            # The drain, then the background tasks, may each take SHUTDOWN_TIMEOUT.
            self.assertGreater(seconds(unit, "TimeoutStopSec"), 2 * shutdown, name)
            self.assertIn("KillSignal=SIGTERM", unit)
            self.assertIn("LimitNOFILE=1048576", unit)
        upstream = re.search(r"upstream async_demo \{(.*?)\n    \}", self.read("nginx.conf"), re.DOTALL).group(1)
        # nginx closes idle upstream connections before an instance would, and before its drain ends.
        self.assertLess(seconds(upstream, "keepalive_timeout"), min(shutdown, keepalive))


if __name__ == "__main__":
    main()
