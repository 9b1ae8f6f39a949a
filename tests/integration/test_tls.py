"""HTTPS served by the service itself (TLS_CERT_FILE + TLS_KEY_FILE), with a test CA.

Clients verify the certificate against the test CA (tests/integration/upstream.py's
make_test_pki), as a real client would.  Also: keep-alive, plain HTTP sent to the
TLS port, clients that stall before or during the handshake (cut off by
HEADER_TIMEOUT), unusable certificates refused at start, graceful stop.
"""

import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, is_closed, main  # noqa: E402
from upstream import make_test_pki  # noqa: E402

SLOW = bool(os.environ.get("ASYNC_DEMO_WRAPPER"))  # under valgrind: handshakes take far longer
HEADER_TIMEOUT = 8.0 if SLOW else 1.0


def setUpModule():
    global PKI, TMP
    TMP = tempfile.mkdtemp(prefix="async-demo-tls-")
    PKI = make_test_pki(os.path.join(TMP, "pki"))


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


def tls_env(cert="good"):
    c, k = PKI[cert]
    return {"TLS_CERT_FILE": c, "TLS_KEY_FILE": k, "HEADER_TIMEOUT": "%gs" % HEADER_TIMEOUT,
            "KEEPALIVE_TIMEOUT": "60s"}


def client_context():
    ctx = ssl.create_default_context(cafile=PKI["ca"])  # verifies the chain and the host name (127.0.0.1)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    return ctx


def https(server, timeout=30):
    return http.client.HTTPSConnection("127.0.0.1", server.port, context=client_context(), timeout=timeout)


class Https(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=1, env=tls_env())
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_logs_https(self):
        self.assertRegex(self.server.log(), r"listening on https://127\.0\.0\.1:\d+ ")

    def test_get_and_post_over_verified_tls(self):
        conn = https(self.server)
        conn.request("GET", "/")
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn("message", json.loads(r.read()))
        self.assertEqual(conn.sock.selected_alpn_protocol(), "http/1.1")
        self.assertGreaterEqual(conn.sock.version(), "TLSv1.2")
        body = json.dumps({"email": "tls@example.com", "full_name": "Tee Ell Ess"})
        conn.request("POST", "/users/", body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        self.assertEqual(r.status, 201, data)
        self.assertEqual(json.loads(data)["email"], "tls@example.com")
        conn.close()

    def test_keep_alive(self):
        conn = https(self.server)
        conn.request("GET", "/health")
        conn.getresponse().read()
        sock = conn.sock
        for _ in range(5):
            conn.request("GET", "/health")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            r.read()
            self.assertIs(conn.sock, sock)  # same TLS connection, no new handshake
        conn.close()

    def test_untrusted_client_side_fails_verification(self):
        ctx = ssl.create_default_context()  # the system's CAs: the test CA is not among them
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, context=ctx, timeout=10)
        with self.assertRaises(ssl.SSLCertVerificationError):
            conn.request("GET", "/")
        conn.close()
        self.assert_still_serving()

    def test_plain_http_to_the_tls_port_is_closed(self):
        s = self.server.connect()
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.assertTrue(is_closed(s, timeout=5))
        s.close()
        self.assert_still_serving()

    def test_silent_client_is_cut_off_by_the_header_timeout(self):
        start = time.monotonic()
        s = self.server.connect()
        self.assertTrue(is_closed(s, timeout=HEADER_TIMEOUT + 10))
        self.assertLess(time.monotonic() - start, HEADER_TIMEOUT + 5)  # not KEEPALIVE_TIMEOUT (60 s)
        s.close()
        self.assert_still_serving()

    def test_stalled_handshake_is_cut_off(self):
        start = time.monotonic()
        s = self.server.connect()
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # the start of a ClientHello, then nothing
        self.assertTrue(is_closed(s, timeout=HEADER_TIMEOUT + 10))
        self.assertLess(time.monotonic() - start, HEADER_TIMEOUT + 5)
        s.close()
        self.assert_still_serving()

    def test_idle_after_handshake_gets_the_keepalive_time(self):
        raw = self.server.connect()
        tls = client_context().wrap_socket(raw, server_hostname="127.0.0.1")
        time.sleep(HEADER_TIMEOUT + 0.5)  # handshake done: the header deadline no longer applies
        tls.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.assertTrue(tls.recv(65536).startswith(b"HTTP/1.1 200 "))
        tls.close()

    def test_command_line_client_with_ca_file(self):
        client = os.path.join(os.path.dirname(os.environ["ASYNC_DEMO_BIN"]), "async-demo-client")
        if not os.path.exists(client):
            self.skipTest("async-demo-client not built")
        url = "https://127.0.0.1:%d" % self.server.port
        r = subprocess.run([client, "--url", url, "--ca-file", PKI["ca"], "health"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["status"], "ok")
        r = subprocess.run([client, "--url", url, "--ca-file", PKI["good"][0], "health"], capture_output=True,
                           text=True, timeout=60)  # not the CA: verification fails
        self.assertNotEqual(r.returncode, 0)

    def assert_still_serving(self):
        conn = https(self.server)
        conn.request("GET", "/health")
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()


class GracefulStop(unittest.TestCase):
    def test_stop_with_tls_connections_open(self):
        s = Server(workers=1, env=dict(tls_env(), SHUTDOWN_TIMEOUT="10s"))
        s.start()
        idle = https(s)
        idle.request("GET", "/health")
        idle.getresponse().read()
        silent = s.connect()  # mid-handshake at the signal

        delay = 5 if SLOW else 2
        conn = https(s)
        conn.request("GET", "/async-delay/%d" % delay)  # handshake done and request sent
        time.sleep(3 if SLOW else 0.5)  # ... and being handled
        s.signal(signal.SIGTERM)
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Connection"), "close")
        self.assertEqual(json.loads(r.read())["requested_seconds"], delay)
        conn.close()
        self.assertEqual(s.wait(timeout=30), 0, s.log_tail())  # under ASan/valgrind: also no leaks
        idle.close()
        silent.close()


class RefusedAtStart(unittest.TestCase):
    def start_fails(self, env):
        s = Server(workers=1, env=env)
        with self.assertRaises(RuntimeError) as cm:
            s.start()
        return str(cm.exception)

    def test_missing_certificate_file(self):
        msg = self.start_fails(dict(tls_env(), TLS_CERT_FILE=os.path.join(TMP, "nope.pem")))
        self.assertIn("cannot read TLS_CERT_FILE '%s': No such file or directory" % os.path.join(TMP, "nope.pem"),
                      msg)

    def test_key_of_another_certificate(self):
        msg = self.start_fails(dict(tls_env(), TLS_KEY_FILE=PKI["untrusted"][1]))
        self.assertIn("TLS_KEY_FILE '%s'" % PKI["untrusted"][1], msg)
        self.assertIn("mismatch", msg)

    def test_not_a_certificate(self):
        msg = self.start_fails(dict(tls_env(), TLS_CERT_FILE=PKI["good"][1]))  # a key, not a certificate
        self.assertIn("TLS_CERT_FILE '%s' holds no usable PEM certificate" % PKI["good"][1], msg)

    def test_certificate_without_key(self):
        env = tls_env()
        del env["TLS_KEY_FILE"]
        msg = self.start_fails(env)
        self.assertIn("exited with 2", msg)
        self.assertIn("TLS_CERT_FILE is set but TLS_KEY_FILE is not", msg)

    def test_check_config_loads_the_certificate(self):
        binary = os.environ["ASYNC_DEMO_BIN"]
        env = dict(os.environ, **tls_env())
        ok = subprocess.run([binary, "--check-config"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("configuration OK", ok.stdout)
        self.assertIn("tls-cert-file = %s" % PKI["good"][0], ok.stdout)
        env["TLS_KEY_FILE"] = PKI["wrong_host"][1]
        bad = subprocess.run([binary, "--check-config"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("TLS_KEY_FILE '%s'" % PKI["wrong_host"][1], bad.stderr)
        self.assertIn("configuration invalid", bad.stderr)


if __name__ == "__main__":
    main()
