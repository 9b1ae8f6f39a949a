"""Starting, configuring and stopping the service.

Under valgrind (ASYNC_DEMO_WRAPPER) the bounds on how long a stop takes grow by slack(): the leak check
at exit is work, and slow; they stay far below the waits the server is told to cut short.
"""

import os
import signal
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, SocketReader, is_closed, main, run_binary, run_parallel, send_request, slack  # noqa: E402


class Lifecycle(unittest.TestCase):
    def test_graceful_shutdown_finishes_the_request_in_flight(self):
        s = Server(workers=2, env={"SHUTDOWN_TIMEOUT": "10s", "LOG_LEVEL": "debug"})
        s.start()

        def slow_request():
            return s.get("/async-delay/1.5")

        def terminate_meanwhile():
            s.wait_handling("GET", "/async-delay/1.5")
            s.signal(signal.SIGTERM)
            s.wait_for_log("shutting down gracefully")
            # No new connections once shutdown has begun: refused within 0.3 s (the workers close their
            # listeners as soon as they hear of it).
            deadline = time.monotonic() + slack(0.3)
            while True:
                try:
                    socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
                except OSError:
                    return "refused"
                if time.monotonic() > deadline:
                    return "accepted"
                time.sleep(0.02)

        start = time.monotonic()
        r, new_conn = run_parallel([slow_request, terminate_meanwhile])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["requested_seconds"], 1.5)
        self.assertEqual(r.header("connection"), "close")
        self.assertEqual(new_conn, "refused")
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, 1.5 + slack(3.5))
        self.assertIn("shutting down gracefully", s.log())
        # A clean stop warns of nothing still running (the task lease keeper used to be called late).
        self.assertNotIn("still running at the deadline", s.log())

    def test_shutdown_deadline_bounds_the_wait(self):
        s = Server(workers=1, env={"SHUTDOWN_TIMEOUT": "1s", "LOG_LEVEL": "debug"})
        s.start()
        conn = s.connect()
        conn.sendall(b"GET /async-delay/30 HTTP/1.1\r\nHost: x\r\n\r\n")
        s.wait_handling("GET", "/async-delay/30")
        start = time.monotonic()
        s.signal(signal.SIGTERM)
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, 1.0 + min(slack(2.5), 15.0))  # far from the 30 s asked for
        self.assertIn("shutdown timeout", s.log())
        conn.close()

    def wait_refused(self, s, timeout=None):
        """Wait until the server refuses new connections (it has begun draining)."""
        timeout = timeout or slack(5.0)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.02)
        self.fail("new connections still accepted %.0fs after the signal" % timeout)

    def idle_keep_alive_connection(self, shutdown_timeout):
        """A started one-worker server, and a keep-alive connection to it that has served one request and is idle."""
        s = Server(workers=1, env={"KEEPALIVE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": shutdown_timeout})
        s.start()
        conn = s.connect()
        reader = SocketReader(conn)
        send_request(conn, "GET", "/")
        self.assertEqual(reader.read_response().status, 200)
        return s, conn, reader

    def test_idle_keep_alive_connection_serves_one_more_request_while_draining(self):
        # An idle keep-alive connection is not closed under its client (which may be sending a request
        # on it at that very moment): its next request is served, with "Connection: close".
        s, conn, reader = self.idle_keep_alive_connection("20s")
        s.signal(signal.SIGTERM)
        self.wait_refused(s)
        self.assertIsNone(s.proc.poll())
        send_request(conn, "GET", "/health")
        r = reader.read_response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("connection"), "close")
        self.assertTrue(is_closed(conn))
        start = time.monotonic()
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, min(slack(5), 15.0))
        conn.close()

    def test_readiness_says_draining_once_a_shutdown_begins(self):
        s, conn, reader = self.idle_keep_alive_connection("20s")
        send_request(conn, "GET", "/health/ready")
        r = reader.read_response()
        self.assertEqual((r.status, r.json()), (200, {"status": "ready", "reason": None}))
        s.signal(signal.SIGTERM)
        self.wait_refused(s)
        send_request(conn, "GET", "/health/ready")
        r = reader.read_response()
        self.assertEqual((r.status, r.json()), (503, {"status": "not_ready", "reason": "draining for a shutdown"}))
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        conn.close()

    def test_service_manager_is_told_ready_then_stopping(self):
        """sd_notify(3): with Type=notify, systemctl start/restart returns once the service says READY=1."""
        with tempfile.TemporaryDirectory(prefix="async-demo-notify-") as tmp:
            path = os.path.join(tmp, "notify")
            manager = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            manager.bind(path)
            manager.settimeout(slack(10))
            try:
                with Server(workers=2, env={"NOTIFY_SOCKET": path}) as s:
                    ready = manager.recv(4096).decode()
                    self.assertIn("READY=1", ready.splitlines())
                    self.assertIn("STATUS=listening on port %d" % s.port, ready.splitlines())
                    self.assertEqual(s.get("/health/live").status, 200)
                    s.signal(signal.SIGTERM)
                    self.assertIn("STOPPING=1", manager.recv(4096).decode().splitlines())
                    self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
            finally:
                manager.close()

    def test_idle_keep_alive_connection_ends_the_drain_when_its_client_closes_it(self):
        s, conn, _ = self.idle_keep_alive_connection("20s")
        s.signal(signal.SIGINT)
        self.wait_refused(s)
        self.assertIsNone(s.proc.poll())
        conn.close()
        start = time.monotonic()
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, min(slack(5), 15.0))

    def test_idle_keep_alive_connections_are_closed_at_the_shutdown_deadline(self):
        s, conn, _ = self.idle_keep_alive_connection("1s")
        start = time.monotonic()
        s.signal(signal.SIGTERM)
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, min(slack(3.5), 15.0))
        self.assertIn("shutdown timeout", s.log())
        self.assertTrue(is_closed(conn))
        conn.close()

    def test_help_and_version(self):
        out = run_binary(["--help"])
        self.assertEqual(out.returncode, 0)
        for name in ["HOST", "PORT", "WORKERS", "LOG_LEVEL", "MAX_BODY_SIZE", "HEADER_TIMEOUT", "SHUTDOWN_TIMEOUT"]:
            self.assertIn(name, out.stdout)
        out = run_binary(["--version"])
        self.assertEqual(out.returncode, 0)
        self.assertIn("0.1.0", out.stdout)

    def test_invalid_settings_are_refused_clearly(self):
        env = dict(os.environ, PORT="not-a-port")
        out = run_binary(env=env)
        self.assertEqual(out.returncode, 2)
        self.assertIn("PORT", out.stderr)
        out = run_binary(["--workers", "0"])
        self.assertEqual(out.returncode, 2)
        self.assertIn("WORKERS", out.stderr)
        out = run_binary(["--bogus"])
        self.assertEqual(out.returncode, 2)

    def test_flags_win_over_environment(self):
        with Server(workers=1, env={"WORKERS": "1"}, args=["--workers", "2"]) as s:
            self.assertEqual(s.get("/health").json()["workers"], 2)

    def test_port_in_use_is_a_clear_error(self):
        with Server(workers=1) as s:
            env = dict(os.environ, HOST="127.0.0.1", PORT=str(s.port), WORKERS="1")
            out = run_binary(env=env)
            self.assertEqual(out.returncode, 1)
            self.assertIn("Address already in use", out.stderr)
            self.assertEqual(s.get("/").status, 200)

    def test_unresolvable_host_is_a_clear_error(self):
        env = dict(os.environ, HOST="256.256.256.256", PORT="0", WORKERS="1")
        out = run_binary(env=env)
        self.assertEqual(out.returncode, 2)  # a setting, refused as --check-config refuses it
        self.assertIn("invalid HOST '256.256.256.256': cannot resolve it", out.stderr)

if __name__ == "__main__":
    main()
