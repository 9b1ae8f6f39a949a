"""HTTP/1.1 behaviour of the connection layer: limits, deadlines, keep-alive, framing errors."""

import json
import os
import select
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, SocketReader, is_closed, main, send_request  # noqa: E402


class Protocol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=2, env={"MAX_BODY_SIZE": "4096", "MAX_HEADER_SIZE": "2048",
                                            "HEADER_TIMEOUT": "1s", "BODY_TIMEOUT": "1s",
                                            "KEEPALIVE_TIMEOUT": "1s"}).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def raw(self, data, timeout=5.0):
        """Send raw bytes, return the first response (or None if closed without one)."""
        s = self.server.connect(timeout)
        try:
            s.sendall(data)
            try:
                return SocketReader(s).read_response()
            except (EOFError, ConnectionResetError):
                return None
        finally:
            s.close()

    def assert_json_error(self, r, status):
        self.assertIsNotNone(r, "expected a %d answer, the connection was closed" % status)
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.header("content-type"), "application/json")
        self.assertIsInstance(r.json()["detail"], str)
        self.assertEqual(r.header("connection"), "close")

    def test_body_over_limit_gets_413_json(self):
        r = self.server.request("POST", "/users/", body=b"x" * 5000, headers={"Content-Type": "application/json"})
        self.assert_json_error(r, 413)
        self.assertIn("4096", r.json()["detail"])

    def test_declared_huge_body_gets_413_before_it_is_sent(self):
        r = self.raw(b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
        self.assert_json_error(r, 413)

    def test_chunked_body_over_limit_gets_413(self):
        chunk = b"1000\r\n" + b"a" * 4096 + b"\r\n"
        r = self.raw(b"POST /users/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 2)
        self.assert_json_error(r, 413)

    def test_chunked_body_is_accepted(self):
        body = json.dumps({"email": "bad", "full_name": "x"}).encode()
        data = (b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % 5 + body[:5] + b"\r\n" +
                b"%x\r\n" % (len(body) - 5) + body[5:] + b"\r\n0\r\n\r\n")
        r = self.raw(data)
        self.assertEqual(r.status, 422, r.body)  # reached validation: the body was reassembled
        self.assertEqual(r.json()["detail"][0]["loc"], ["body", "email"])

    CHUNKED_POST = (b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n")

    def all_responses(self, data):
        """Send raw bytes on one connection; every response until the server closes it."""
        s = self.server.connect(5.0)
        try:
            s.sendall(data)
            reader, responses = SocketReader(s), []
            while True:
                try:
                    responses.append(reader.read_response())
                except (EOFError, ConnectionResetError):
                    return responses
                except socket.timeout:
                    self.fail("the connection was left open after %r" % responses)
        finally:
            s.close()

    def test_request_smuggled_in_a_chunk_extension_is_refused(self):
        # "10;\nxxxx\r\n" is one chunk line to a parser that ends lines at CRLF only, and two to one
        # that ends them at a bare LF: the two read different chunk sizes, and a GET hides in the body.
        body = (b"10;\nxxxx\r\n" + b"A" * 10 + b"\r\n40\r\n" + b"\r\n0\r\n\r\n" +
                b"GET /smuggled HTTP/1.1\r\nHost: x\r\nX-Pad: PPPPPPPPPPPPP\r\n\r\n" + b"\r\n0\r\n\r\n")
        responses = self.all_responses(self.CHUNKED_POST + body)
        self.assertEqual(len(responses), 1, responses)
        self.assert_json_error(responses[0], 400)
        self.assertIn("bare LF", responses[0].json()["detail"])
        self.server.wait_for_log(r'"POST /users/ HTTP/1\.1" 400')
        self.assertNotIn("/smuggled", self.server.log())

    def test_malformed_chunk_lines_and_trailers_are_refused_and_close(self):
        cases = {
            "bare CR in an extension": b"5;a\rb\r\n{\"a\":\r\n0\r\n\r\n",
            "no ';' before an extension": b"26 junk\r\n" + b"x" * 0x26 + b"\r\n0\r\n\r\n",
            "control byte in an extension": b"5;a=\x01\r\n{\"a\":\r\n0\r\n\r\n",
            "a request line as a trailer": b"0\r\nGET /admin HTTP/1.1\r\n\r\n",
            "a trailer ended by a bare LF": b"0\r\nX-T: v\n\r\n",
        }
        for name, body in cases.items():
            with self.subTest(name):
                responses = self.all_responses(self.CHUNKED_POST + body + b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(len(responses), 1, responses)
                self.assert_json_error(responses[0], 400)
        self.assertNotIn("/admin", self.server.log())

    def test_chunk_extensions_and_trailers_are_accepted_and_dropped(self):
        body = json.dumps({"email": "bad", "full_name": "x"}).encode()
        data = (self.CHUNKED_POST + b"%x ; name=\"quoted \\\" value\";flag\r\n" % len(body) + body +
                b"\r\n0;last=1\r\nX-Checksum: abc\r\nX-Request-ID: from-trailer\r\n\r\n" +
                b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        responses = self.all_responses(data)
        self.assertEqual([r.status for r in responses], [422, 200], responses)
        self.assertEqual(responses[0].json()["detail"][0]["loc"], ["body", "email"])
        self.assertNotEqual(responses[0].header("x-request-id"), "from-trailer")  # trailers are not headers

    def test_empty_lines_before_a_request_line_are_ignored(self):
        # RFC 9112 2.2: a server SHOULD ignore at least one CRLF before the request line (clients send one
        # after a POST body); a bare LF is no empty line.
        responses = self.all_responses(b"\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n\r\n" +
                                       b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual([r.status for r in responses], [200, 200], responses)
        s = self.server.connect(5.0)
        try:
            s.sendall(b"\r")
            time.sleep(0.05)
            s.sendall(b"\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            self.assertEqual(SocketReader(s).read_response().status, 200)
        finally:
            s.close()
        self.assert_json_error(self.raw(b"\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
        # An empty line after an answered request leaves the connection idle: closed at the keep-alive timeout
        # with nothing sent, not answered with a 408 for a request that never began.
        s = self.server.connect(5.0)
        try:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n\r\n")
            reader = SocketReader(s)
            self.assertEqual(reader.read_response().status, 200)
            with self.assertRaises(EOFError):
                reader.read_response()
            self.assertEqual(reader.buf, b"")
        finally:
            s.close()

    def test_headers_over_limit_get_431_json(self):
        r = self.server.get("/", headers={"X-Big": "y" * 3000})
        self.assert_json_error(r, 431)

    def test_malformed_request_line_gets_400_json(self):
        self.assert_json_error(self.raw(b"GARBAGE\r\n\r\n"), 400)
        self.assert_json_error(self.raw(b"GET / HTTP/1.1\r\n\r\n"), 400)  # no Host
        self.assert_json_error(self.raw(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n"), 400)
        self.assert_json_error(self.raw(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400)
        self.assert_json_error(self.raw(b"GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505)
        self.assert_json_error(self.raw(b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"), 501)
        self.assert_json_error(self.raw(b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                        b"Transfer-Encoding: chunked\r\n\r\nabc"), 400)

    def test_trickled_head_is_cut_off(self):
        s = self.server.connect(10)
        try:
            start = time.monotonic()
            reader = SocketReader(s)
            for b in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40:
                try:
                    s.sendall(bytes([b]))
                except (BrokenPipeError, ConnectionResetError):
                    break
                # Every byte comes well within any per-read timeout; stop once the server answers.
                readable, _, _ = select.select([s], [], [], 0.1)
                if readable or time.monotonic() - start > 4:
                    break
            r = reader.read_response()
            self.assertEqual(r.status, 408)
            self.assertLess(time.monotonic() - start, 3.0, "HEADER_TIMEOUT=1s must cut off a trickling client")
        finally:
            s.close()

    def test_slow_body_is_cut_off(self):
        s = self.server.connect(10)
        try:
            send = b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            s.sendall(send)
            start = time.monotonic()
            r = SocketReader(s).read_response()
            self.assertEqual(r.status, 408)
            self.assertLess(time.monotonic() - start, 3.0)
        finally:
            s.close()

    def test_keep_alive_and_pipelining(self):
        s = self.server.connect()
        try:
            reader = SocketReader(s)
            for _ in range(3):
                send_request(s, "GET", "/health")
                self.assertEqual(reader.read_response().status, 200)
            # Three requests in one write: three answers, in order.
            s.sendall(b"GET /async-delay/0.2 HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            statuses = [reader.read_response().status for _ in range(3)]
            self.assertEqual(statuses, [200, 404, 200])
        finally:
            s.close()

    def test_pipelined_flood_is_answered_in_order(self):
        """More pipelined requests than one connection may buffer (head + body limits + 64 KiB), sent while the
        first is still being handled: reading pauses at the limit and resumes as requests are answered, and
        every request gets its answer, in order."""
        count = 3000
        flood = b"GET /async-delay/0.3 HTTP/1.1\r\nHost: x\r\n\r\n" + \
            b"".join(b"GET /nope/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(count))
        self.assertGreater(len(flood), 2048 + 4096 + 64 * 1024)
        s = self.server.connect(timeout=20)
        sender = threading.Thread(target=s.sendall, args=(flood,), daemon=True)
        try:
            sender.start()
            reader = SocketReader(s)
            first = reader.read_response()
            self.assertEqual(first.status, 200)
            self.assertEqual(first.json()["requested_seconds"], 0.3)
            details = [reader.read_response().json()["detail"] for _ in range(count)]
            self.assertEqual(details, ["Not Found"] * count)
            sender.join(timeout=10)
            self.assertFalse(sender.is_alive())
            # The connection is still good for another request.
            send_request(s, "GET", "/health")
            self.assertEqual(reader.read_response().status, 200)
        finally:
            s.close()

    def test_requests_followed_at_once_by_the_client_closing_are_all_answered(self):
        """Pipelined requests and the client's FIN in one burst, sized so the server's reads fill their buffer
        exactly (2 x 16 KiB): every request is answered before the server acts on the end of the input."""
        one = b"GET /nope HTTP/1.1\r\nHost: x\r\nX-Pad: "
        one += b"p" * (2048 - len(one) - 4) + b"\r\n\r\n"
        self.assertEqual(len(one), 2048)
        for _ in range(3):
            s = self.server.connect(timeout=10)
            try:
                s.sendall(one * 16)
                s.shutdown(socket.SHUT_WR)
                reader = SocketReader(s)
                self.assertEqual([reader.read_response().status for _ in range(16)], [404] * 16)
            finally:
                s.close()

    def test_half_close_after_pipelined_async_requests_gets_every_answer(self):
        """RFC 9112 9.6: three requests to an async route, then the client's half-close (the FIN arrives while
        the first is still being handled): all three are answered, in order, the last with Connection: close."""
        for _ in range(3):
            s = self.server.connect(timeout=10)
            try:
                for n in range(3):
                    send_request(s, "GET", "/async-delay/0.0%d" % (n + 1))
                s.shutdown(socket.SHUT_WR)
                reader = SocketReader(s)
                answers = [reader.read_response() for _ in range(3)]
                self.assertEqual([a.status for a in answers], [200] * 3)
                self.assertEqual([json.loads(a.body)["requested_seconds"] for a in answers], [0.01, 0.02, 0.03])
                self.assertEqual(answers[-1].header("connection"), "close")
                self.assertEqual((reader.buf, s.recv(1)), (b"", b""))  # nothing more, then the close
            finally:
                s.close()

    def test_idle_keep_alive_connection_is_closed(self):
        s = self.server.connect()
        try:
            send_request(s, "GET", "/")
            SocketReader(s).read_response()
            self.assertTrue(is_closed(s, timeout=3.0), "KEEPALIVE_TIMEOUT=1s must close an idle connection")
        finally:
            s.close()

    def test_connection_close_and_http10(self):
        s = self.server.connect()
        try:
            send_request(s, "GET", "/", headers={"Connection": "close"})
            r = SocketReader(s).read_response()
            self.assertEqual(r.header("connection"), "close")
            self.assertTrue(is_closed(s))
        finally:
            s.close()
        r = self.raw(b"GET /health HTTP/1.0\r\n\r\n")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("connection"), "close")

    def test_expect_100_continue(self):
        s = self.server.connect()
        try:
            body = json.dumps({"email": "x", "full_name": "y"}).encode()
            s.sendall(b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
            reader = SocketReader(s)
            self.assertEqual(reader.read_response().status, 100)
            s.sendall(body)
            self.assertEqual(reader.read_response().status, 422)
        finally:
            s.close()

    def test_client_leaving_mid_request_does_not_hurt_the_server(self):
        s = self.server.connect()
        send_request(s, "GET", "/async-delay/0.3")
        s.close()
        s = self.server.connect()
        s.sendall(b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        s.close()
        self.assertEqual(self.server.get("/health").status, 200)
        # The delay still ends (0.3 s, longer under valgrind) and is logged as answered to nobody.
        deadline = time.monotonic() + 10
        while "(client gone)" not in self.server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn("(client gone)", self.server.log())


if __name__ == "__main__":
    main()
