"""Loopback upstream services for the outbound-HTTP tests, and a test CA.

An Upstream is an HTTP/1.1 (keep-alive) server on 127.0.0.1 and a free port,
optionally with TLS, whose answers are steered by the request:

    /json?delay_ms=300&status=200   JSON {"source": NAME, "path": ...} after the delay, with the status
    /text                           text/plain, not JSON
    /big?bytes=N                    a JSON string of N bytes
    /hang                           never answers (the connection is held up to 30 s, then closed)
    /reset?bytes=N                  a 200 head announcing 2N bytes of JSON, N of them, then a TCP reset

Only the standard library and the openssl command-line tool are used.
"""

import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def finish(self):
        try:
            super().finish()
        except OSError:  # /reset closed the socket under the handler
            pass

    def _reset_mid_body(self, sent):
        """Half of the announced body, then RST (SO_LINGER 0): a peer dying mid-answer."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(2 * sent))
        self.end_headers()
        self.wfile.write(b'{"data":"' + b"x" * max(0, sent - 9))
        self.wfile.flush()
        time.sleep(0.05)  # let the head and the first half arrive before the reset
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.server.requests += 1
        with self.server.count_lock:
            self.server.received.append({k.lower(): v for k, v in self.headers.items()})
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/hang":
            self.server.hung.wait(30)
            self.close_connection = True
            return
        time.sleep(int(q.get("delay_ms", "0")) / 1000.0)
        if url.path == "/reset":
            self._reset_mid_body(int(q.get("bytes", "100")))
        elif url.path == "/json":
            body = json.dumps({"source": self.server.name, "path": self.path}).encode()
            self._send(int(q.get("status", "200")), body)
        elif url.path == "/text":
            self._send(200, b"hello, not json", "text/plain")
        elif url.path == "/big":
            self._send(200, json.dumps("x" * int(q.get("bytes", "0"))).encode())
        else:
            self._send(404, b'{"detail":"no such path"}')


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def process_request_thread(self, request, client_address):
        """One connection: counted while it is open (keep-alive: several requests)."""
        with self.count_lock:
            self.connections += 1
            self.open_connections += 1
            self.max_open_connections = max(self.max_open_connections, self.open_connections)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.count_lock:
                self.open_connections -= 1

    def handle_error(self, request, client_address):
        # A client that hangs up mid-answer (as one refusing an oversized body does) is normal here.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Upstream:
    """One loopback service; use as a context manager."""

    def __init__(self, name="upstream", cert=None):
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.name = name
        self.server.requests = 0
        self.server.connections = 0
        self.server.open_connections = 0
        self.server.max_open_connections = 0
        self.server.count_lock = threading.Lock()
        self.server.hung = threading.Event()
        self.server.received = []  # the header fields of each request, lower-case names, in arrival order
        self.scheme = "http"
        if cert is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*cert)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.hung.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def url(self, path):
        return "%s://127.0.0.1:%d%s" % (self.scheme, self.port, path)

    @property
    def requests(self):
        return self.server.requests

    @property
    def received(self):
        """The header fields (a dict, lower-case names) of every request received so far, oldest first."""
        with self.server.count_lock:
            return list(self.server.received)

    @property
    def connections(self):
        """Connections accepted so far."""
        return self.server.connections

    @property
    def max_open_connections(self):
        """The most connections that were open at the same time."""
        return self.server.max_open_connections


def _openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_test_pki(directory):
    """A test CA and certificates; returns a dict of (cert, key) pairs and the CA file.

    ca          ca.pem, the CA the service is told to trust
    good        for 127.0.0.1 and localhost, signed by the CA
    wrong_host  for other.example only, signed by the CA
    untrusted   for 127.0.0.1, self-signed (no trusted CA)
    """
    os.makedirs(directory, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=async-demo test CA", cwd=directory)

    def leaf(name, san, signed=True):
        ext = os.path.join(directory, name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n" % san)
        if signed:
            _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                     "-subj", "/CN=" + name, cwd=directory)
            _openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", name + ".pem", "-days", "2", "-extfile", ext, cwd=directory)
        else:
            _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
                     name + ".pem", "-days", "2", "-subj", "/CN=" + name, "-addext", san.join(["subjectAltName=", ""]),
                     cwd=directory)
        return (os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key"))

    return {
        "ca": os.path.join(directory, "ca.pem"),
        "good": leaf("good", "IP:127.0.0.1,DNS:localhost"),
        "wrong_host": leaf("wrong_host", "DNS:other.example"),
        "untrusted": leaf("untrusted", "IP:127.0.0.1,DNS:localhost", signed=False),
    }
