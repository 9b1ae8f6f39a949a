"""Starting, configuring and stopping the service."""

import os
import signal
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, SocketReader, is_closed, main, run_parallel, send_request  # noqa: E402


class Lifecycle(unittest.TestCase):
    def test_graceful_shutdown_finishes_the_request_in_flight(self):
        s = Server(workers=2, env={"SHUTDOWN_TIMEOUT": "10s"})
        s.start()

        def slow_request():
            return s.get("/async-delay/1.5")

        def terminate_meanwhile():
            time.sleep(0.4)
            s.signal(signal.SIGTERM)
            time.sleep(0.3)
            try:  # no new connections once shutdown has begun
                socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
                return "accepted"
            except OSError:
                return "refused"

        start = time.monotonic()
        r, new_conn = run_parallel([slow_request, terminate_meanwhile])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["requested_seconds"], 1.5)
        self.assertEqual(r.header("connection"), "close")
        self.assertEqual(new_conn, "refused")
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn("shutting down gracefully", s.log())

    def test_shutdown_deadline_bounds_the_wait(self):
        s = Server(workers=1, env={"SHUTDOWN_TIMEOUT": "1s"})
        s.start()
        conn = s.connect()
        conn.sendall(b"GET /async-delay/30 HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        start = time.monotonic()
        s.signal(signal.SIGTERM)
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, 3.5)
        self.assertIn("shutdown timeout", s.log())
        conn.close()

    def wait_refused(self, s, timeout=5.0):
        """Wait until the server refuses new connections (it has begun draining)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.02)
        self.fail("new connections still accepted %.0fs after the signal" % timeout)

    def test_idle_keep_alive_connection_serves_one_more_request_while_draining(self):
        # An idle keep-alive connection is not closed under its client (which may be sending a request
        # on it at that very moment): its next request is served, with "Connection: close".
        s = Server(workers=1, env={"KEEPALIVE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "20s"})
        s.start()
        conn = s.connect()
        reader = SocketReader(conn)
        send_request(conn, "GET", "/")
        self.assertEqual(reader.read_response().status, 200)
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
        self.assertLess(time.monotonic() - start, 5)
        conn.close()

    def test_idle_keep_alive_connection_ends_the_drain_when_its_client_closes_it(self):
        s = Server(workers=1, env={"KEEPALIVE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "20s"})
        s.start()
        conn = s.connect()
        send_request(conn, "GET", "/")
        SocketReader(conn).read_response()
        s.signal(signal.SIGINT)
        self.wait_refused(s)
        self.assertIsNone(s.proc.poll())
        conn.close()
        start = time.monotonic()
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, 5)

    def test_idle_keep_alive_connections_are_closed_at_the_shutdown_deadline(self):
        s = Server(workers=1, env={"KEEPALIVE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "1s"})
        s.start()
        conn = s.connect()
        send_request(conn, "GET", "/")
        SocketReader(conn).read_response()
        start = time.monotonic()
        s.signal(signal.SIGTERM)
        self.assertEqual(s.wait(timeout=10), 0, s.log_tail())
        self.assertLess(time.monotonic() - start, 3.5)
        self.assertIn("shutdown timeout", s.log())
        self.assertTrue(is_closed(conn))
        conn.close()

    def test_help_and_version(self):
        binary = os.environ["ASYNC_DEMO_BIN"]
        out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        for name in ["HOST", "PORT", "WORKERS", "LOG_LEVEL", "MAX_BODY_SIZE", "HEADER_TIMEOUT", "SHUTDOWN_TIMEOUT"]:
            self.assertIn(name, out.stdout)
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertIn("0.1.0", out.stdout)

    def test_invalid_settings_are_refused_clearly(self):
        binary = os.environ["ASYNC_DEMO_BIN"]
        env = dict(os.environ, PORT="not-a-port")
        out = subprocess.run([binary], capture_output=True, text=True, env=env, timeout=10)
        self.assertEqual(out.returncode, 2)
        self.assertIn("PORT", out.stderr)
        out = subprocess.run([binary, "--workers", "0"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 2)
        self.assertIn("WORKERS", out.stderr)
        out = subprocess.run([binary, "--bogus"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 2)

    def test_flags_win_over_environment(self):
        with Server(workers=1, env={"WORKERS": "1"}, args=["--workers", "2"]) as s:
            self.assertEqual(s.get("/health").json()["workers"], 2)

    def test_port_in_use_is_a_clear_error(self):
        with Server(workers=1) as s:
            env = dict(os.environ, HOST="127.0.0.1", PORT=str(s.port), WORKERS="1")
            out = subprocess.run([os.environ["ASYNC_DEMO_BIN"]], capture_output=True, text=True, env=env,
                                 timeout=10)
            self.assertEqual(out.returncode, 1)
            self.assertIn("Address already in use", out.stderr)
            self.assertEqual(s.get("/").status, 200)

    def test_unresolvable_host_is_a_clear_error(self):
        env = dict(os.environ, HOST="256.256.256.256", PORT="0", WORKERS="1")
        out = subprocess.run([os.environ["ASYNC_DEMO_BIN"]], capture_output=True, text=True, env=env, timeout=10)
        self.assertEqual(out.returncode, 1)
        self.assertIn("HOST", out.stderr)

if __name__ == "__main__":
    main()
