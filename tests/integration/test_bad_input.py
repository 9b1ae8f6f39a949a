"""A catalogue of bad input against the running server.

Every case gets a clear answer: the exact 4xx with a JSON {"detail": ...}
body, or, for abuse of the protocol itself, that answer followed by a
closed connection (nothing after a broken request is read as another one).
All of it runs on ONE worker, with a slow request (/async-delay/1) in flight
on another connection during each barrage: that request must still complete
normally and on time, and /health must answer after every test.  The server
must finally stop cleanly (exit code 0, so under ASan or valgrind no leaks either).

Under valgrind (ASYNC_DEMO_WRAPPER) the bounds on the server's own work grow by slack(), capped where a
claim needs it (a bare-LF head is refused well before the 1 s head deadline).

tests/integration/test_protocol.py already covers the basic limits (413,
431 by size, 408 for a stalled head or body, 505, 501 for gzip, CL+TE);
this file covers the rest of the catalogue.
"""

import json
import os
import re
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, SocketReader, is_closed, main, send_request, slack  # noqa: E402

HOST = b"Host: x\r\n"


def strict_json(body):
    """Parse @body as RFC 8259 JSON: NaN, Infinity and -Infinity are refused, as is invalid UTF-8."""
    def refuse(name):
        raise ValueError("not JSON: %s" % name)
    return json.loads(body.decode("utf-8"), parse_constant=refuse)


class InFlight:
    """A slow request (/async-delay/1) sent on its own connection; finish() checks it completed normally."""

    def __init__(self, server, seconds=1):
        self.seconds = seconds
        self.sock = server.connect(timeout=30)
        self.start = time.monotonic()
        send_request(self.sock, "GET", "/async-delay/%g" % seconds)

    def finish(self, test):
        try:
            r = SocketReader(self.sock).read_response()
        finally:
            self.sock.close()
        elapsed = time.monotonic() - self.start
        test.assertEqual(r.status, 200, r.body)
        body = strict_json(r.body)
        test.assertEqual(body["requested_seconds"], float(self.seconds))
        test.assertGreaterEqual(body["actual_seconds"], self.seconds * 0.95)
        # The loop was never blocked by the barrage: the wait ended about on time.
        test.assertLess(body["actual_seconds"], self.seconds + slack(1.0), body)
        return elapsed


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One worker: every bad request shares the event loop with the request in flight.
        cls.server = Server(workers=1, env={
            "MAX_BODY_SIZE": "65536", "MAX_HEADER_SIZE": "8192", "MAX_HEADER_COUNT": "50",
            "HEADER_TIMEOUT": "1s", "BODY_TIMEOUT": "1s", "KEEPALIVE_TIMEOUT": "5s", "WRITE_TIMEOUT": "2s",
        }).__enter__()
        cls.server.warm_up("/health", "/async-delay/0", "/users/")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.in_flight = InFlight(self.server)

    def tearDown(self):
        self.in_flight.finish(self)
        self.assertIsNone(self.server.proc.poll(), "the server died:\n" + self.server.log_tail())
        self.assertEqual(self.server.get("/health", timeout=5).status, 200)

    # --- helpers ---

    def exchange(self, data, timeout=5.0):
        """Send raw bytes on a new connection; return (first response or None, connection closed after it)."""
        s = self.server.connect(timeout)
        try:
            s.sendall(data)
            reader = SocketReader(s)
            try:
                r = reader.read_response()
            except (EOFError, ConnectionResetError):
                return None, True
            if reader.buf:
                return r, False  # more bytes after the answer: a second response
            return r, is_closed(s, timeout=2.0)
        finally:
            s.close()

    def keep_alive_exchange(self, data):
        """Send raw bytes; return the response, after checking the connection still serves a next request."""
        s = self.server.connect()
        try:
            s.sendall(data)
            reader = SocketReader(s)
            r = reader.read_response()
            send_request(s, "GET", "/health")
            self.assertEqual(reader.read_response().status, 200, "keep-alive must go on after %r" % data[:40])
            return r
        finally:
            s.close()

    def assert_detail(self, r, status, detail=None):
        """@r is @status with Content-Type application/json and {"detail": ...}; returns the detail."""
        self.assertIsNotNone(r, "expected %d, the connection was closed without an answer" % status)
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.header("content-type"), "application/json")
        body = strict_json(r.body)
        self.assertEqual(list(body), ["detail"], body)
        if detail is not None:
            self.assertEqual(body["detail"], detail)
        return body["detail"]

    def assert_protocol_error(self, data, status, detail=None):
        """A broken request: @status with a JSON detail, Connection: close, and the connection closed."""
        r, closed = self.exchange(data)
        self.assert_detail(r, status, detail)
        self.assertEqual(r.header("connection"), "close")
        self.assertTrue(closed, "the connection must be closed after %r" % data[:60])

    def assert_422(self, r, loc, type_, input_=None):
        """A 422 whose first error is at @loc with @type_ (and echoes @input_ when given)."""
        errors = self.assert_detail(r, 422)
        self.assertIsInstance(errors, list)
        self.assertEqual(errors[0]["loc"], loc, errors)
        self.assertEqual(errors[0]["type"], type_, errors)
        if input_ is not None:
            self.assertEqual(errors[0]["input"], input_, errors)
        return errors

    def get(self, path):
        return self.server.get(path, timeout=10)

    def post_users(self, body, content_type="application/json"):
        headers = {"Content-Type": content_type} if content_type else {}
        return self.server.request("POST", "/users/", body=body, headers=headers, timeout=10)

    # --- malformed request lines, bad methods, HTTP/0.9 ---

    def test_range_and_conditionals_that_do_not_apply_are_ignored(self):
        """RFC 9110 14.2 and 13.1: a server that does not support ranges on a resource ignores Range (and
        If-Range); a condition on a validator the resource does not have is not a reason to refuse."""
        whole = self.server.get("/users/?limit=5")
        self.assertEqual(whole.status, 200)
        for headers in ({"Range": "bytes=0-3"}, {"Range": "bytes=0-3", "If-Range": '"x"'}, {"Range": "junk"},
                        {"If-Modified-Since": "Sat, 28 Nov 2026 00:00:00 GMT"},
                        {"If-Unmodified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}, {"If-None-Match": '"nope"'}):
            r = self.server.get("/users/?limit=5", headers=headers)
            self.assertEqual((r.status, r.body), (200, whole.body), headers)
            self.assertIsNone(r.header("content-range"), headers)
        spec = self.server.get("/openapi.json", headers={"Range": "bytes=0-9", "If-None-Match": '"other"'})
        self.assertEqual(spec.status, 200)
        self.assertIsNone(spec.header("content-range"))
        self.assertEqual(len(spec.body), int(spec.header("content-length")))

    def test_malformed_request_lines(self):
        line = "Malformed request line"
        target = "Invalid request target: expected an absolute path such as /users/"
        cases = [
            (b"GET\r\n\r\n", 400, line),                                  # method only
            (b"GET /\r\n\r\n", 400, line),                                # HTTP/0.9 simple request
            (b"\r\n \r\n\r\n", 400, line),                                 # a request line of white space
                                                                          # (empty lines before it are skipped)
            (b"GET / HTTP/1.1 extra\r\n" + HOST + b"\r\n", 400, line),    # four parts
            (b"GET  / HTTP/1.1\r\n" + HOST + b"\r\n", 400, line),         # double space
            (b"G@T / HTTP/1.1\r\n" + HOST + b"\r\n", 400, line),          # not a token
            (b"X" * 40 + b" / HTTP/1.1\r\n" + HOST + b"\r\n", 400, line),  # method of 40 characters
            (b"GET / HTTP/3\r\n" + HOST + b"\r\n", 400, line),
            (b"GET / http/1.1\r\n" + HOST + b"\r\n", 400, line),
            (b"GET * HTTP/1.1\r\n" + HOST + b"\r\n", 400, target),        # asterisk-form
            (b"CONNECT example.com:443 HTTP/1.1\r\n" + HOST + b"\r\n", 400, target),  # authority-form
            (b"GET users HTTP/1.1\r\n" + HOST + b"\r\n", 400, target),
            (b"GET /\xff HTTP/1.1\r\n" + HOST + b"\r\n", 400, target),    # raw non-ASCII byte in the target
            (b"GET /a\x7fb HTTP/1.1\r\n" + HOST + b"\r\n", 400, target),
            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "Invalid character in request head"),  # TLS
            (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: a\rb\r\n\r\n", 400, "Invalid character in request head"),
            (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: a\x00b\r\n\r\n", 400, "Invalid character in request head"),
            (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: a\x01b\r\n\r\n", 400, "Invalid character in header field value"),
            (b"GET / HTTP/1.1\r\n" + HOST + b"X-A: a\r\n b\r\n\r\n", 400,
             "Obsolete header line folding is not supported"),
            (b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "More than one Host header"),
            (b"GET / HTTP/1.1\r\n" + HOST + b"Expect: 200-ok\r\n\r\n", 417, "Only 'Expect: 100-continue' is supported"),
            (b"GET / HTTP/0.9\r\n" + HOST + b"\r\n", 505,
             "HTTP version not supported (this server speaks HTTP/1.0 and HTTP/1.1)"),
            (b"GET / HTTP/1.2\r\n" + HOST + b"\r\n", 505,
             "HTTP version not supported (this server speaks HTTP/1.0 and HTTP/1.1)"),
            (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505,  # the HTTP/2 connection preface
             "HTTP version not supported (this server speaks HTTP/1.0 and HTTP/1.1)"),
        ]
        for data, status, detail in cases:
            with self.subTest(data=data[:40]):
                self.assert_protocol_error(data, status, detail)

    def test_nothing_after_a_broken_request_is_read(self):
        # A second request pipelined behind a broken one must not be answered (no smuggling).
        self.assert_protocol_error(b"GET\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        self.assert_protocol_error(b"GET / HTTP/1.1\r\nContent-Length: 1\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n",
                                   400, "Missing Host header")
        # A body longer than its Content-Length: the rest is read as the next request, which is garbage.
        s = self.server.connect()
        try:
            s.sendall(b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}GARBAGE\r\n\r\n")
            reader = SocketReader(s)
            self.assert_422(reader.read_response(), ["body", "email"], "missing")
            r = reader.read_response()
            self.assert_detail(r, 400, "Malformed request line")
            self.assertTrue(is_closed(s))
        finally:
            s.close()

    def test_bare_lf_line_endings(self):
        # Lines ending in LF alone never complete a head (it must end with CRLF CRLF): refused at once,
        # not left to the head deadline.
        start = time.monotonic()
        self.assert_protocol_error(b"GET /health HTTP/1.1\nHost: x\n\n", 400,
                                   "Malformed request head: lines must end with CRLF")
        self.assertLess(time.monotonic() - start, min(slack(0.5), 0.9))
        # With a CRLF CRLF at the end, a bare LF inside is refused at once.
        self.assert_protocol_error(b"GET /health HTTP/1.1\nHost: x\r\n\r\n", 400)

    def test_bad_methods(self):
        # Syntactically valid but unknown or lower-case methods: 405 where the path exists, 404 where not.
        for method in (b"BREW", b"get", b"TRACE", b"CONNECT", b"PROPFIND"):
            with self.subTest(method=method):
                # Not protocol errors: the connection stays usable.
                r = self.keep_alive_exchange(method + b" /health HTTP/1.1\r\n" + HOST + b"\r\n")
                self.assert_detail(r, 405, "Method Not Allowed")
                self.assertEqual(r.header("allow"), "GET, HEAD")
                r = self.keep_alive_exchange(method + b" /nope HTTP/1.1\r\n" + HOST + b"\r\n")
                self.assert_detail(r, 404, "Not Found")
        r = self.server.request("DELETE", "/users/")
        self.assert_detail(r, 405, "Method Not Allowed")
        self.assertEqual(r.header("allow"), "GET, HEAD, POST")
        r = self.server.request("PUT", "/async-delay/1")
        self.assert_detail(r, 405)

    # --- oversized ---

    def test_oversized_heads(self):
        # A request line alone over MAX_HEADER_SIZE (8 KiB here).
        self.assert_protocol_error(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + HOST + b"\r\n", 431,
                                   "Request header fields too large")
        # More header fields than MAX_HEADER_COUNT (50), each small.
        many = b"".join(b"X-%d: y\r\n" % i for i in range(60))
        self.assert_protocol_error(b"GET / HTTP/1.1\r\n" + HOST + many + b"\r\n", 431, "Too many header fields")
        # A head that never ends is refused once it passes the limit, without waiting for the rest.
        s = self.server.connect()
        try:
            s.sendall(b"GET / HTTP/1.1\r\n" + HOST + b"X-Endless: " + b"z" * 9000)
            r = SocketReader(s).read_response()
            self.assert_detail(r, 431)
            self.assertTrue(is_closed(s))
        finally:
            s.close()

    def test_oversized_and_broken_bodies(self):
        # Over MAX_BODY_SIZE (64 KiB) on an endpoint that takes no body at all.
        self.assert_protocol_error(b"POST /process-data/x HTTP/1.1\r\n" + HOST + b"Content-Length: 70000\r\n\r\n", 413,
                                   "Request body too large (limit 65536 bytes)")
        chunked = b"POST /users/ HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        # A chunk size that overflows any integer, and one that is not hex.
        self.assert_protocol_error(chunked + b"ffffffffffffffffffff\r\n", 400,
                                   "Malformed chunked body: invalid chunk size (more than 64 bits)")
        self.assert_protocol_error(chunked + b"zz\r\nabc\r\n0\r\n\r\n", 400, "Malformed chunked body: invalid chunk size")
        self.assert_protocol_error(chunked + b"-1\r\nabc\r\n0\r\n\r\n", 400, "Malformed chunked body: invalid chunk size")
        # Chunk data longer than its size.
        self.assert_protocol_error(chunked + b"2\r\n{}xx\r\n0\r\n\r\n", 400,
                                   "Malformed chunked body: missing CRLF after chunk data")
        # Content-Length with junk in it.
        for value in (b"1e3", b"0x10", b"1 2", b"99999999999999999999"):
            with self.subTest(content_length=value):
                self.assert_protocol_error(b"POST /users/ HTTP/1.1\r\n" + HOST + b"Content-Length: " + value +
                                           b"\r\n\r\n", 400, "Invalid Content-Length header")

    # --- invalid UTF-8 ---

    def test_invalid_utf8_in_paths_and_queries(self):
        for path in ("/users/%FF%FE@example.com", "/users/%C0%AE%C0%AE",      # overlong '.'
                     "/users/%ED%A0%80@example.com",                          # UTF-16 surrogate
                     "/users/%F4%90%80%80@example.com",                        # above U+10FFFF
                     "/process-data/%E2%82", "/tasks/%80"):                    # truncated, lone continuation
            with self.subTest(path=path):
                method = "POST" if path.startswith("/process-data") else "GET"
                self.assert_detail(self.server.request(method, path), 400, "Invalid UTF-8 in URL path")
        self.assert_detail(self.get("/users/?limit=%FF"), 400, "Invalid query parameter 'limit': invalid UTF-8")
        self.assert_detail(self.get("/users/?offset=%C0%B1"), 400, "Invalid query parameter 'offset': invalid UTF-8")

    def test_invalid_utf8_in_json_strings(self):
        r = self.post_users(b'{"email":"\xff@example.com","full_name":"x"}')
        self.assert_422(r, ["body", 10], "json_invalid")
        self.assertEqual(strict_json(r.body)["detail"][0]["ctx"], {"error": "invalid utf-8 string"})
        # Encoded surrogates and overlong forms get past json-c's check; the model refuses them.
        for raw in (b"\xed\xa0\x80", b"\xc0\xae"):
            with self.subTest(raw=raw):
                r = self.post_users(b'{"email":"a@example.com","full_name":"' + raw + b'"}')
                self.assert_422(r, ["body", "full_name"], "string_unicode")
        # A byte-order mark is not JSON either.
        self.assert_422(self.post_users(b'\xef\xbb\xbf{"email":"a@example.com","full_name":"x"}'),
                        ["body", 0], "json_invalid")

    # --- JSON structure ---

    def test_deeply_nested_json(self):
        for body in (b"[" * 10000 + b"]" * 10000,
                     b'{"a":' * 10000 + b"1" + b"}" * 10000,
                     b'{"email":' + b"[" * 10000):  # and never closed
            with self.subTest(body=body[:12]):
                r = self.post_users(body)
                errors = self.assert_422(r, ["body", errors_at(body)], "json_invalid")
                self.assertEqual(errors[0]["ctx"], {"error": "nesting too deep"})
        # The limit is 32 levels: exactly 32 parse (and are then the wrong type), 33 do not.
        self.assert_422(self.post_users(b"[" * 32 + b"]" * 32), ["body"], "model_attributes_type")
        self.assert_422(self.post_users(b"[" * 33 + b"]" * 33), ["body", 32], "json_invalid")

    def test_wrong_or_missing_content_type(self):
        user = json.dumps({"email": "ct@example.com", "full_name": "CT"}).encode()
        for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                   "application/jsonx", "application/xml", "json"):
            with self.subTest(content_type=ct):
                r = self.post_users(user, content_type=ct)
                self.assert_422(r, ["body"], "model_attributes_type", user.decode())  # the raw text, unparsed
        # No Content-Type at all: FastAPI parses the body as JSON anyway, and so do we.
        self.assertEqual(self.post_users(user, content_type=None).status, 201)
        # No body, or an empty one, with the right type.
        self.assert_422(self.post_users(b""), ["body"], "missing")
        r = self.server.request("POST", "/users/", headers={"Content-Type": "application/json"})
        self.assert_422(r, ["body"], "missing")

    # --- numbers ---

    def test_numbers_out_of_range_in_paths(self):
        cases = [
            ("/async-delay/1e309", "finite_number"), ("/async-delay/61", "less_than_equal"),
            ("/async-delay/60.000001", "less_than_equal"), ("/async-delay/-0.0001", "greater_than_equal"),
            ("/async-delay/-1e309", "finite_number"), ("/sync-delay/10.5", "less_than_equal"),
            ("/async-delay/NaN", "finite_number"), ("/async-delay/nan", "finite_number"),
            ("/async-delay/Infinity", "finite_number"), ("/async-delay/inf", "finite_number"),
            ("/async-delay/-inf", "finite_number"), ("/async-delay/0x10", "float_parsing"),
            ("/async-delay/1%2C5", "float_parsing"), ("/async-delay/%E2%91%A0", "float_parsing"),
            ("/async-delay/" + "9" * 400, "finite_number"),
        ]
        for path, type_ in cases:
            with self.subTest(path=path):
                seconds = path.split("/")[2]
                expected_input = {"1%2C5": "1,5", "%E2%91%A0": "\u2460"}.get(seconds, seconds)
                self.assert_422(self.get(path), ["path", "seconds"], type_, expected_input)

    def test_numbers_out_of_range_in_queries(self):
        cases = [
            ("limit=99999999999999999999", "limit", "less_than_equal", "99999999999999999999"),
            ("limit=-99999999999999999999", "limit", "greater_than_equal", "-99999999999999999999"),
            ("offset=99999999999999999999999999999", "offset", "less_than_equal", None),
            ("limit=0", "limit", "greater_than_equal", "0"), ("limit=-1", "limit", "greater_than_equal", "-1"),
            ("offset=-5", "offset", "greater_than_equal", "-5"),
            ("offset=1000000001", "offset", "less_than_equal", "1000000001"),
            ("limit=1e2", "limit", "int_parsing", "1e2"), ("limit=2.5", "limit", "int_parsing", "2.5"),
            ("limit=NaN", "limit", "int_parsing", "NaN"), ("limit=inf", "limit", "int_parsing", "inf"),
            ("limit=", "limit", "int_parsing", ""), ("limit=0x10", "limit", "int_parsing", "0x10"),
            ("limit=5&limit=500", "limit", "less_than_equal", "500"),  # the last value wins
        ]
        for query, name, type_, input_ in cases:
            with self.subTest(query=query):
                self.assert_422(self.get("/users/?" + query), ["query", name], type_, input_)
        # Both wrong: both reported.
        errors = self.assert_detail(self.get("/users/?limit=-1&offset=-1"), 422)
        self.assertEqual([e["loc"] for e in errors], [["query", "limit"], ["query", "offset"]])

    def test_numbers_json_does_not_have(self):
        # json-c takes these even in strict mode; they are not JSON, and echoing them back in a 422
        # would make the answer itself invalid JSON (strict_json() checks every answer).
        for literal in (b"NaN", b"Infinity", b"-Infinity", b"1.", b"-01", b"-.5", b"1.e5"):
            with self.subTest(literal=literal):
                r = self.post_users(b'{"email":"a@example.com","full_name":' + literal + b"}")
                errors = self.assert_422(r, ["body", 37], "json_invalid")
                self.assertEqual(errors[0]["ctx"], {"error": "invalid number"})
        # Huge but well-formed numbers are JSON: a type error, echoed as written.
        r = self.post_users(b'{"email":"a@example.com","full_name":1e99999}')
        self.assert_422(r, ["body", "full_name"], "string_type")
        r = self.post_users(b'{"email":"a@example.com","full_name":-123456789012345678901234567890}')
        self.assert_422(r, ["body", "full_name"], "string_type")

    # --- percent-encoding tricks and path traversal ---

    def test_percent_encoding_tricks(self):
        self.assert_detail(self.get("/users/%00"), 400, "Invalid character (%00) in URL path")
        self.assert_detail(self.get("/users/a%00@example.com"), 400, "Invalid character (%00) in URL path")
        self.assert_detail(self.get("/users/?limit=%00"), 400, "Invalid query parameter 'limit': NUL character")
        for path in ("/users/%4", "/users/%", "/users/%zz@example.com", "/users/%4g", "/async-delay/1%"):
            with self.subTest(path=path):
                self.assert_detail(self.get(path), 400, "Invalid percent-encoding in URL path")
        self.assert_detail(self.get("/users/?limit=%4"), 400, "Invalid query parameter 'limit': invalid percent-escape")
        # A broken escape in a parameter nobody asked for is ignored, as Starlette does.
        self.assertEqual(self.get("/users/?foo=%zz&limit=5").status, 200)
        # Decoded once, never twice: %252e is the three characters "%2e".
        self.assert_422(self.get("/users/%252e%252e%252f"), ["path", "user_email"], "value_error", "%2e%2e%2f")
        # "+" is literal in a path; an encoded space is a space and is refused in an address.
        r = self.assert_422(self.get("/users/a%20b@example.com"), ["path", "user_email"], "value_error")
        self.assertIn("SPACE", r[0]["msg"])
        # Literal segments are compared decoded: %68ealth is /health, not a way around routing.
        self.assertEqual(self.get("/%68ealth").status, 200)

    def test_path_traversal(self):
        # %2F inside a parameter stays inside it: the value is data, validated like any other.
        self.assert_422(self.get("/users/..%2F..%2Fetc%2Fpasswd"), ["path", "user_email"], "value_error",
                        "../../etc/passwd")
        self.assert_422(self.get("/users/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), ["path", "user_email"], "value_error",
                        "../../etc/passwd")
        self.assert_422(self.get("/users/..%5C..%5Cwindows"), ["path", "user_email"], "value_error", "..\\..\\windows")
        self.assert_422(self.get("/users/%2e%2e"), ["path", "user_email"], "value_error", "..")
        self.assert_422(self.get("/tasks/..%2F..%2Fetc%2Fpasswd"), ["path", "task_id"], "uuid_parsing",
                        "../../etc/passwd")
        self.assert_422(self.get("/user-with-external-data/..%2F"), ["path", "user_email"], "value_error", "../")
        # A slash inside an e-mail parameter is looked up as it is, and simply not found.
        self.assert_detail(self.get("/users/a%2Fb@example.com"), 404, "User not found")
        # Dot segments are not resolved: they match no route.
        for path in ("/../docs", "/docs/../openapi.json", "/%2e%2e/health", "/./health", "/health/.",
                     "/static/../openapi.json", "/static/%2e%2e/openapi.json", "/static/..%2Fopenapi.json",
                     "//health", "/users/../health"):
            with self.subTest(path=path):
                self.assert_detail(self.get(path), 404, "Not Found")
        # The slash redirect never sends a client to another host ("//evil.example" would).
        for path in ("//evil.example/", "//evil.example/health/", "/\\evil.example/"):
            with self.subTest(path=path):
                r = self.get(path)
                self.assertNotIn(r.status, (301, 302, 307, 308), r.headers)

    # --- slow clients ---

    def test_many_trickling_heads_at_once(self):
        # Twenty clients trickle their heads a byte at a time; each is cut off by HEADER_TIMEOUT (1 s)
        # while the request in flight and /health go on unhindered.
        socks = [self.server.connect(10) for _ in range(20)]
        stop = threading.Event()

        def trickle():
            data = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
            for i in range(len(data)):
                if stop.is_set():
                    return
                for s in socks:
                    try:
                        s.sendall(data[i:i + 1])
                    except OSError:
                        pass
                time.sleep(0.05)

        t = threading.Thread(target=trickle)
        t.start()
        try:
            start = time.monotonic()
            self.assertEqual(self.server.get("/health", timeout=5).status, 200)
            self.assertLess(time.monotonic() - start, slack(0.5), "the loop must not wait for slow clients")
            for s in socks:
                r = SocketReader(s).read_response()
                self.assert_detail(r, 408)
            self.assertLess(time.monotonic() - start, min(slack(3.0), 6.0))  # the trickle would take 10 s
        finally:
            stop.set()
            t.join(10)
            for s in socks:
                s.close()

    def test_trickled_body_is_cut_off(self):
        # Unlike a stalled body (test_protocol.py), this one keeps coming, a byte every 50 ms:
        # BODY_TIMEOUT (1 s) bounds the whole body, not the gap between bytes.
        s = self.server.connect(10)
        try:
            s.sendall(b"POST /users/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1000\r\n\r\n")
            start = time.monotonic()
            bound = min(slack(3.0), 6.0)  # BODY_TIMEOUT is 1 s; the body would take 50 s
            s.setblocking(False)
            got = b""
            while time.monotonic() - start < bound + 1 and b"\r\n\r\n" not in got:
                try:
                    s.send(b" ")
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    pass
                time.sleep(0.05)
                try:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                except BlockingIOError:
                    pass
                except ConnectionResetError:
                    break
            s.setblocking(True)
            self.assertIn(b"\r\n\r\n", got, "no answer to a trickled body")
            self.assertLess(time.monotonic() - start, bound)
            reader = SocketReader(s)
            reader.buf = got
            self.assert_detail(reader.read_response(), 408)
        finally:
            s.close()

    def test_client_that_never_reads(self):
        # A client asks for a large response many times over and reads nothing.  The server must not
        # stall or buffer without end: WRITE_TIMEOUT (2 s) drops the client, and others are served meanwhile.
        docs = self.get("/docs").body.decode()
        bundle = re.search(r'src="(/static/[^"]+\.js)"', docs).group(1)
        size = len(self.get(bundle).body)
        self.assertGreater(size, 100000)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10)
        s.connect(("127.0.0.1", self.server.port))
        try:
            s.sendall(b"".join(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % bundle.encode() for _ in range(20)))
            start = time.monotonic()
            for _ in range(5):
                t = time.monotonic()
                self.assertEqual(self.server.get("/health", timeout=5).status, 200)
                self.assertLess(time.monotonic() - t, slack(0.5))
                time.sleep(0.2)
            time.sleep(max(0.0, 3.5 - (time.monotonic() - start)))
            # Long past WRITE_TIMEOUT: whatever was sent can be read, then the connection ends
            # well short of the twenty answers asked for.
            received = 0
            s.settimeout(5)
            try:
                while True:
                    chunk = s.recv(1 << 20)
                    if not chunk:
                        break
                    received += len(chunk)
            except ConnectionResetError:
                pass
            self.assertLess(received, 20 * size, "the slow reader was never dropped")
        finally:
            s.close()


def errors_at(body):
    """Where json-c gives up on @body: after RT_VALID_JSON_MAX_DEPTH (32) levels of nesting."""
    depth = 0
    for i, ch in enumerate(body):
        if ch in b"[{":
            depth += 1
            if depth > 32:
                return i
    raise AssertionError("not nested deeply enough")


if __name__ == "__main__":
    main()
