"""Start the real async-demo binary on a free loopback port and talk HTTP to it.

Used by every integration test.  Only the standard library: the tests run
under Debian's /usr/bin/python3 with nothing installed from PyPI.

The binary comes from the ASYNC_DEMO_BIN environment variable (ctest sets it).
Every wait is bounded, and a server that does not stop is killed.
"""

import json
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

LISTEN_RE = re.compile(r"listening on https?://(?:\[[^\]]+\]|[^:]+):(\d+)")

# Which database backend the database tests run on: ctest runs them once per backend.
DB_BACKEND = os.environ.get("ASYNC_DEMO_DB", "sqlite")

# ASYNC_DEMO_WRAPPER runs the binary under a tool (valgrind memcheck): the server's own work is slower,
# its timers are not.  The first run of a code path is the slowest by far (valgrind translates it,
# seconds at start-up), so tests that time requests warm the server up first (Server.warm_up()); after
# that, SLOWDOWN (ASYNC_DEMO_SLOWDOWN) is how much longer the server's work may take than natively.
WRAPPER = shlex.split(os.environ.get("ASYNC_DEMO_WRAPPER", ""))
SLOWDOWN = float(os.environ.get("ASYNC_DEMO_SLOWDOWN") or (3.0 if WRAPPER else 1.0))


def slack(seconds):
    """A bound on time the server spends working (not waiting): @seconds natively, SLOWDOWN times that
    under the wrapper.  Tests cap it where a claim needs it (e.g. "answered before the delay ends")."""
    return seconds * SLOWDOWN


def run_binary(args=(), env=None, timeout=10.0):
    """Run the binary to completion (under the wrapper, if any); returns the CompletedProcess (text)."""
    binary = os.environ.get("ASYNC_DEMO_BIN")
    if not binary:
        raise RuntimeError("ASYNC_DEMO_BIN is not set (run the tests through ctest)")
    return subprocess.run(WRAPPER + [binary] + list(args), capture_output=True, text=True, env=env,
                          timeout=timeout * (6 if WRAPPER else 1))


def pg_cluster_module():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "db"))
    import pg_cluster as pc  # noqa: E402
    return pc


def pg_cluster():
    """The test run's PostgreSQL cluster (started by the ctest fixture tests/db/pg_cluster.py)."""
    directory = os.environ.get("ASYNC_DEMO_PG_DIR")
    if not directory:
        raise RuntimeError("ASYNC_DEMO_PG_DIR is not set (run the tests through ctest)")
    return pg_cluster_module().Cluster(directory)


def private_pg_cluster(directory):
    """A PostgreSQL cluster of the caller's own, initialized and started in @directory (destroy() it)."""
    cluster = pg_cluster_module().Cluster(directory)
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        cluster.destroy()
        raise
    return cluster


def fresh_database_url(tmpdir):
    """An empty database of the backend under test."""
    if DB_BACKEND == "postgresql":
        return pg_cluster().new_database()
    return "sqlite:///" + os.path.join(tmpdir, "test.db")


class Server:
    """One running service process.  Use as a context manager."""

    def __init__(self, workers=2, env=None, args=(), database_url="sqlite::memory:", file_size_limit=None,
                 base_path=""):
        self.binary = os.environ.get("ASYNC_DEMO_BIN")
        if not self.binary:
            raise RuntimeError("ASYNC_DEMO_BIN is not set (run the tests through ctest)")
        self.env = dict(os.environ)
        self.env.update({"HOST": "127.0.0.1", "PORT": "0", "WORKERS": str(workers), "LOG_LEVEL": "info",
                         "DATABASE_URL": database_url})
        self.env.update(env or {})
        self.args = list(args)
        self.base_path = base_path  # prefixed to the paths request() is given (the API's servers path)
        self.file_size_limit = file_size_limit  # RLIMIT_FSIZE of the process, in bytes (a full disk)
        self.proc = None
        self.port = None
        self.log_file = None
        self.exit_code = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=10.0):
        # Under the wrapper start-up takes seconds, so the wait is longer.
        if WRAPPER:
            timeout *= 6
        self.log_file = tempfile.NamedTemporaryFile(prefix="async-demo-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(WRAPPER + [self.binary] + self.args, env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self.log_file, stderr=self.log_file, preexec_fn=self._limit_files)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = LISTEN_RE.search(self.log())
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %s before listening:\n%s" % (self.proc.returncode, self.log()))
            time.sleep(0.02)
        self.proc.kill()
        raise RuntimeError("server did not start within %.0fs:\n%s" % (timeout, self.log()))

    def _limit_files(self):
        if self.file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.file_size_limit, self.file_size_limit))

    def log(self):
        with open(self.log_file.name, "r", errors="replace") as f:
            return f.read()

    def wait_for_log(self, pattern, timeout=10.0, count=1):
        """Wait until the log has @count lines matching the regular expression @pattern; returns the
        last match.  Under the wrapper @timeout is longer (it bounds the server's work)."""
        if WRAPPER:
            timeout *= 6
        deadline = time.monotonic() + timeout
        while True:
            found = list(re.finditer(pattern, self.log()))
            if len(found) >= count:
                return found[count - 1]
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("no %r in the log after %.0fs:\n%s" % (pattern, timeout, self.log_tail()))
            time.sleep(0.01)

    def wait_handling(self, method, target, count=1):
        """Wait until a request for @target reached its handler (needs LOG_LEVEL=debug)."""
        return self.wait_for_log(r'"%s %s HTTP/1\.\d" handling' % (re.escape(method), re.escape(target)),
                                 count=count)

    def warm_up(self, *paths):
        """GET each of @paths once (under the wrapper, a first run is seconds of translation, not work)."""
        for path in paths:
            self.get(path)

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def wait(self, timeout=15.0):
        """Wait for the process to exit; returns its exit code (kills it after @timeout, four times that
        under the wrapper, whose leak check at exit takes seconds)."""
        if WRAPPER:
            timeout *= 4
        try:
            self.exit_code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
            raise AssertionError("server did not exit within %.0fs:\n%s" % (timeout, self.log()))
        return self.exit_code

    def stop(self, timeout=15.0):
        """SIGTERM and wait; the exit code must be 0 (under sanitizers or valgrind this also catches leaks)."""
        if self.proc is None or self.exit_code is not None:
            return self.exit_code
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
        code = self.wait(timeout)
        os.unlink(self.log_file.name)
        if code != 0:
            raise AssertionError("server exited with %d:\n%s" % (code, self.log_tail()))
        return code

    def log_tail(self, n=60):
        try:
            return "\n".join(self.log().splitlines()[-n:])
        except OSError:
            return "(log gone)"

    def connect(self, timeout=10.0):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def request(self, method, path, body=None, headers=None, timeout=30.0, raw=False):
        """One request on a new connection, to base_path + path (to path alone if raw); returns a Response."""
        s = self.connect(timeout)
        try:
            send_request(s, method, path if raw else self.base_path + path, body, headers)
            return read_response(s, head=(method == "HEAD"))
        finally:
            s.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_json(self, path, obj, **kw):
        return self.request("POST", path, body=json.dumps(obj).encode(),
                            headers={"Content-Type": "application/json"}, **kw)


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # dict, lower-case names
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.body[:200])


def send_request(sock, method, path, body=None, headers=None, version="HTTP/1.1"):
    lines = ["%s %s %s" % (method, path, version), "Host: 127.0.0.1"]
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    if body is not None:
        lines.append("Content-Length: %d" % len(body))
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    sock.sendall(raw)


class SocketReader:
    """Buffered reads of HTTP responses from a socket (keeps leftovers for pipelining)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def read_response(self, head=False):
        """The next response; @head: it answers a HEAD request, so it has no body."""
        bodyless = head
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        length = 0 if bodyless else int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return Response(int(status), reason, headers, body)


def read_response(sock, head=False):
    return SocketReader(sock).read_response(head)


def is_closed(sock, timeout=3.0):
    """True if the peer closes the connection within @timeout (reads and discards data)."""
    sock.settimeout(timeout)
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return False


def copy_tracked(src, dst):
    """Copy the files git tracks in @src (as they are in the working tree) into @dst; return their paths."""
    import shutil

    out = subprocess.run(["git", "-C", src, "ls-files"], capture_output=True, text=True, check=True).stdout
    paths = [p for p in out.splitlines() if os.path.isfile(os.path.join(src, p))]
    for path in paths:
        os.makedirs(os.path.dirname(os.path.join(dst, path)), exist_ok=True)
        shutil.copy2(os.path.join(src, path), os.path.join(dst, path))
    return paths


def run_parallel(fns):
    """Run callables at the same moment in threads; returns their results (re-raising errors)."""
    results = [None] * len(fns)
    errors = []
    barrier = threading.Barrier(len(fns))

    def run(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except BaseException as e:  # noqa: B902 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def main():
    unittest.main(verbosity=2)
