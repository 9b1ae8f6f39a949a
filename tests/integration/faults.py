"""Write load, fault injection and the audit of acknowledged writes, for the fault matrix
(test_faults.py) and the soak (bench/soak.py).

Traffic runs client threads against a running service: POST /users/, POST /process-data/{message},
GET /users/?limit=10 and GET /users/{email} of a user it created.  Every answer is checked against
what the spec documents for the operation (no 500, a 503 carries Retry-After and a JSON detail, a
user acknowledged with 201 is never 404), every request is bounded (a hang is a problem), and a
connection closed or reset without an answer is a problem unless the caller says the server was
being killed.  Acknowledged writes (201 users, 202 tasks) are kept for audit(), which checks them
in the database itself with psql.

Only the standard library; loopback only; every wait bounded.
"""

import json
import socket
import threading
import time
import uuid

from harness import send_request, read_response

# Statuses each kind of request may get (openapi.yaml), besides errors of the transport.
DOCUMENTED = {
    "create_user": {201, 503},
    "create_task": {202, 503},
    "list_users": {200, 503},
    "get_user": {200, 503},  # only users acknowledged with 201 are asked for: never 404
    "fetch_external": {200},  # a failing upstream is reported in its source's entry
    "user_external": {200, 503},
}
REQUEST_BOUND = 15.0  # seconds: an answer later than this is a hang


class Record:
    """One request: what was asked, when, and what came back (status, or the transport error)."""

    def __init__(self, kind, what):
        self.kind = kind
        self.what = what
        self.started = time.monotonic()
        self.sent = None  # when the whole request had been written
        self.ended = None
        self.status = None
        self.error = None  # "refused", "reset", "hang", or None
        self.body = b""
        self.headers = {}

    def describe(self):
        got = ("%d %r" % (self.status, self.body[:200])) if self.status is not None else self.error
        return "%s -> %s (after %.2fs)" % (self.what, got, (self.ended or time.monotonic()) - self.started)


class Traffic:
    """Client threads sending mixed writes and reads to the service at port_fn() until stop()."""

    def __init__(self, port_fn, threads=4, prefix=None, pause=0.005, mix=None):
        self.port_fn = port_fn
        self.n_threads = threads
        self.prefix = prefix or uuid.uuid4().hex[:8]
        self.pause = pause
        self.mix = mix or ["create_user", "create_task", "create_user", "list_users", "get_user"]
        self.lock = threading.Lock()
        self.users = []  # emails acknowledged with 201
        self.tasks = []  # task ids acknowledged with 202
        self.records = []
        self.problems = []
        self.counter = 0
        self.stopping = threading.Event()
        self.threads = []
        # tolerate(record) -> True when a transport error is expected (the server was being killed).
        self.tolerate = lambda record: False

    # --- running ---

    def start(self):
        for i in range(self.n_threads):
            t = threading.Thread(target=self._run, args=(i,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=REQUEST_BOUND + 5)
        hung = [t for t in self.threads if t.is_alive()]
        if hung:
            self.problems.append("%d client threads still waiting %.0fs after stop" % (len(hung), REQUEST_BOUND))
        self.threads = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _run(self, index):
        step = index
        while not self.stopping.is_set():
            kind = self.mix[step % len(self.mix)]
            step += 1
            self.one(kind)
            time.sleep(self.pause)

    def _next(self):
        with self.lock:
            self.counter += 1
            return self.counter

    def one(self, kind):
        """Send one request of @kind, check its answer, keep what it acknowledged; returns its Record."""
        n = self._next()
        body = None
        if kind == "create_user":
            email = "f%s-%d@example.com" % (self.prefix, n)
            method, path, body = "POST", "/users/", json.dumps({"email": email, "full_name": "F %d" % n}).encode()
        elif kind == "create_task":
            method, path = "POST", "/process-data/%s-%d" % (self.prefix, n)
        elif kind in ("get_user", "user_external"):
            with self.lock:
                email = self.users[n % len(self.users)] if self.users else None
            if email is None:
                return self.one("create_user")
            method, path = "GET", ("/users/" if kind == "get_user" else "/user-with-external-data/") + email
        elif kind == "fetch_external":
            method, path = "GET", "/fetch-external-data"
        else:
            method, path = "GET", "/users/?limit=10"
        rec = Record(kind, "%s %s" % (method, path))
        self._exchange(rec, method, path, body)
        self._check(rec, body)
        with self.lock:
            self.records.append(rec)
        return rec

    def _exchange(self, rec, method, path, body):
        headers = {"Content-Type": "application/json"} if body is not None else None
        try:
            s = socket.create_connection(("127.0.0.1", self.port_fn()), timeout=REQUEST_BOUND)
        except OSError:
            rec.error, rec.ended = "refused", time.monotonic()
            return
        try:
            s.settimeout(REQUEST_BOUND)
            send_request(s, method, path, body, headers)
            rec.sent = time.monotonic()
            r = read_response(s)
            rec.status, rec.body, rec.headers = r.status, r.body, r.headers
        except socket.timeout:
            rec.error = "hang"
        except (OSError, EOFError, ValueError):
            rec.error = "reset"
        finally:
            rec.ended = time.monotonic()
            s.close()

    # --- checking ---

    def _check(self, rec, body):
        problem = self._problem(rec)
        with self.lock:
            if problem:
                self.problems.append("%s: %s" % (problem, rec.describe()))
            if rec.status == 201 and rec.kind == "create_user":
                self.users.append(json.loads(body)["email"])
            elif rec.status == 202 and rec.kind == "create_task":
                self.tasks.append(json.loads(rec.body)["task_id"])

    def _problem(self, rec):
        if rec.error is not None:
            if rec.error == "hang" or not self.tolerate(rec):
                return "no answer (%s)" % rec.error
            return None
        if rec.status not in DOCUMENTED[rec.kind]:
            return "undocumented status %d" % rec.status
        if rec.status >= 400:
            try:
                detail = json.loads(rec.body).get("detail")
            except ValueError:
                detail = None
            if not detail:
                return "an error without a JSON detail"
        if rec.status == 503 and not rec.headers.get("retry-after"):
            return "503 without Retry-After"
        try:
            json.loads(rec.body)
        except ValueError:
            return "a body that is not JSON"
        return None

    # --- figures ---

    def count(self, predicate):
        with self.lock:
            return sum(1 for r in self.records if predicate(r))

    def summary(self):
        """{"requests": n, "ok": n, "503": n, "<error>": n, ...}: every request by outcome."""
        out = {"requests": 0}
        with self.lock:
            for r in self.records:
                out["requests"] += 1
                key = r.error or ("ok" if r.status < 400 else str(r.status))
                out[key] = out.get(key, 0) + 1
        return out

    def successes_since(self, t):
        return self.count(lambda r: r.started >= t and r.status is not None and r.status < 400)


def wait_until(predicate, timeout, step=0.1):
    """Poll @predicate until it is true or @timeout passes; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


# --- faults (loopback PostgreSQL cluster of the caller's own) ---

def terminate_backends(cluster, dbname):
    """pg_terminate_backend on every session of the service on @dbname; returns how many."""
    out = cluster.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = '%s' AND pid <> pg_backend_pid()" % dbname)
    return int(out.strip() or 0)


def restart_postgresql(cluster, mode, down_seconds=1.0):
    """Stop PostgreSQL (@mode: fast or immediate), leave it down @down_seconds, start it again."""
    cluster.stop(mode)
    time.sleep(down_seconds)
    cluster.start()


def hold_locks(cluster, dbname, seconds):
    """Another session holds an exclusive lock on users and tasks for @seconds (a background thread);
    the service's statements wait on it until their statement_timeout.  Returns the thread."""
    def hold():
        cluster.psql("BEGIN; LOCK TABLE users, tasks IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(%.2f); COMMIT"
                     % seconds, dbname=dbname)
    t = threading.Thread(target=hold, daemon=True)
    t.start()
    return t


def slow_reader(port, asked, seconds):
    """Pipeline @asked GET /users/?limit=100 on one connection with a small receive buffer, read 16 bytes
    every 0.25 s for @seconds, then read fast.  Returns (bytes received, seconds the fast read took to
    reach the end of the connection, or None if it did not end within 5 s)."""
    reader = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    received = 0
    drain = None
    try:
        reader.settimeout(5)
        reader.connect(("127.0.0.1", port))
        reader.sendall(b"GET /users/?limit=100 HTTP/1.1\r\nHost: x\r\n\r\n" * asked)
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            chunk = reader.recv(16)
            if not chunk:
                return received, 0.0
            received += len(chunk)
            time.sleep(0.25)
        drain = time.monotonic()
        while True:
            chunk = reader.recv(1 << 20)
            if not chunk:
                break
            received += len(chunk)
    except ConnectionResetError:
        pass
    except OSError:
        return received, None
    finally:
        reader.close()
    return received, (time.monotonic() - drain) if drain is not None else 0.0


# --- the audit ---

def stored(cluster, dbname):
    """(set of user emails, {task id: status}) as the database has them."""
    emails = set(cluster.psql("SELECT email FROM users", dbname=dbname).split())
    tasks = {}
    for line in cluster.psql("SELECT id, status FROM tasks", dbname=dbname).splitlines():
        tid, status = line.split("|")
        tasks[tid] = status
    return emails, tasks


def audit(cluster, dbname, users, tasks):
    """Every acknowledged user and task is in the database.  Returns a list of problems (empty: nothing
    lost)."""
    users, tasks = list(users), list(tasks)  # what was acknowledged before the database is read
    emails, stored_tasks = stored(cluster, dbname)
    problems = ["user acknowledged with 201 missing: %s" % e for e in users if e not in emails]
    problems += ["task acknowledged with 202 missing: %s" % t for t in tasks if t not in stored_tasks]
    return problems


def unfinished_tasks(cluster, dbname, tasks, within=0.0):
    """{task id: status} of the acknowledged @tasks not 'done' after waiting up to @within seconds."""
    def left():
        states = stored(cluster, dbname)[1]
        return {t: states.get(t) for t in tasks if states.get(t) != "done"}

    deadline = time.monotonic() + within
    while True:
        found = left()
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.5)


