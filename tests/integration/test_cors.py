"""CORS, answered by the runtime before routing (runtime/server/rt_cors.c), against the running service.

Every header line of an answer is kept (http.client), so a second Vary or an Access-Control-* header
that should not be there is seen.  Covers: allowed and disallowed origins on successes and errors
(404, 422, 401, and those answered before routing: 413, 408, 400, 417, 501), one Vary line, preflights answered 204 with the path's methods from the spec, preflights for a
missing path or a method the path does not have (no CORS header), `*`, credentials, CORS off (the
default), and the settings refused at start-up.
"""

import http.client
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, main, run_binary  # noqa: E402

APP = "http://app.example:8080"
OTHER = "https://b.example"
EVIL = "https://evil.example"
ADMIN_KEY = "cors-admin-key-0123456789"


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(lower-case name, value)], in order, repeats kept
        self.body = body

    def all(self, name):
        return [v for k, v in self.headers if k == name.lower()]

    def one(self, name):
        values = self.all(name)
        assert len(values) <= 1, "%s given %d times: %r" % (name, len(values), values)
        return values[0] if values else None

    def cors(self):
        return [(k, v) for k, v in self.headers if k.startswith("access-control-")]

    def varies_on_origin(self):
        return any("origin" in [t.strip().lower() for t in v.split(",")] for v in self.all("vary"))


def request(server, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Answer(r.status, [(k.lower(), v) for k, v in r.getheaders()], r.read())
    finally:
        conn.close()


def preflight(server, path, method, origin=APP, req_headers="content-type"):
    return request(server, "OPTIONS", path, {"Origin": origin, "Access-Control-Request-Method": method,
                                             "Access-Control-Request-Headers": req_headers})


class Origins(unittest.TestCase):
    """A list of exact origins, no credentials."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(env={"CORS_ALLOW_ORIGINS": APP + ", " + OTHER, "ADMIN_API_KEYS": ADMIN_KEY}).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_start_up_logs_the_configuration(self):
        self.assertIn("CORS: on for 2 origins; preflights allow each path's methods, cached 600s; credentials off",
                      self.server.log())

    def assert_allowed(self, r, origin=APP):
        self.assertEqual(r.one("Access-Control-Allow-Origin"), origin, r.headers)
        self.assertTrue(r.varies_on_origin(), r.headers)
        self.assertIsNone(r.one("Access-Control-Allow-Credentials"))

    def test_simple_get_from_an_allowed_origin(self):
        r = request(self.server, "GET", "/", {"Origin": APP})
        self.assertEqual(r.status, 200)
        self.assert_allowed(r)
        self.assertEqual(r.one("Access-Control-Expose-Headers"), "Location, Retry-After, X-Request-ID")
        r = request(self.server, "GET", "/users/", {"Origin": OTHER})
        self.assertEqual(r.status, 200)
        self.assert_allowed(r, OTHER)

    def test_errors_carry_the_headers_too(self):
        r = request(self.server, "GET", "/nowhere", {"Origin": APP})
        self.assertEqual(r.status, 404)
        self.assert_allowed(r)
        r = request(self.server, "POST", "/users/", {"Origin": APP, "Content-Type": "application/json"},
                    json.dumps({"email": "not-an-email"}))
        self.assertEqual(r.status, 422)
        self.assert_allowed(r)
        r = request(self.server, "DELETE", "/users/x@example.com", {"Origin": APP})
        self.assertEqual(r.status, 401)
        self.assert_allowed(r)
        r = request(self.server, "PUT", "/users/", {"Origin": APP})
        self.assertEqual(r.status, 405)
        self.assert_allowed(r)

    def test_disallowed_origin_gets_no_cors_header_and_is_never_echoed(self):
        for method, path in (("GET", "/"), ("GET", "/nowhere"), ("DELETE", "/users/x@example.com")):
            r = request(self.server, method, path, {"Origin": EVIL})
            self.assertEqual(r.cors(), [], (method, path))
            self.assertTrue(r.varies_on_origin())
            self.assertFalse(any("evil" in v for _, v in r.headers), r.headers)
        r = preflight(self.server, "/users/", "POST", origin=EVIL)
        self.assertEqual(r.status, 405)  # routing answers it: OPTIONS is not an operation of /users/
        self.assertEqual(r.cors(), [])
        self.assertFalse(any("evil" in v for _, v in r.headers), r.headers)
        # a near miss is a miss: prefix, other port, other scheme, case
        for origin in (APP + ".evil.example", "http://app.example:8081", "https://app.example:8080",
                       "http://APP.example:8080", "null"):
            r = request(self.server, "GET", "/", {"Origin": origin})
            self.assertEqual(r.cors(), [], origin)

    def test_preflight_is_answered_with_the_paths_methods(self):
        r = preflight(self.server, "/users/", "POST")
        self.assertEqual(r.status, 204)
        self.assertEqual(r.body, b"")
        self.assert_allowed(r)
        self.assertEqual(r.one("Access-Control-Allow-Methods"), "GET, HEAD, POST")
        self.assertEqual(r.one("Access-Control-Allow-Headers"),
                         "Content-Type, Authorization, X-API-Key, X-Request-ID")
        self.assertEqual(r.one("Access-Control-Max-Age"), "600")
        r = preflight(self.server, "/users/someone%40example.com", "DELETE", req_headers="x-api-key")
        self.assertEqual(r.status, 204)
        self.assertEqual(r.one("Access-Control-Allow-Methods"), "GET, HEAD, DELETE")
        r = preflight(self.server, "/health", "GET", origin=OTHER)
        self.assertEqual(r.status, 204)
        self.assertEqual(r.one("Access-Control-Allow-Origin"), OTHER)
        self.assertEqual(r.one("Access-Control-Allow-Methods"), "GET, HEAD")

    def test_preflight_never_reaches_a_handler(self):
        # A handler would answer 422 (no body) or 201; and no user may be created by a preflight.
        r = request(self.server, "OPTIONS", "/users/", {"Origin": APP, "Access-Control-Request-Method": "POST",
                                                        "Content-Type": "application/json"},
                    json.dumps({"email": "preflight@example.com", "full_name": "P"}))
        self.assertEqual(r.status, 204)
        self.assertEqual(request(self.server, "GET", "/users/preflight@example.com").status, 404)

    def test_preflight_for_a_missing_path_or_method_gets_no_cors_header(self):
        r = preflight(self.server, "/users/", "DELETE")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.one("Allow"), "GET, HEAD, POST")
        self.assertEqual(r.cors(), [])
        r = preflight(self.server, "/nowhere", "GET")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.cors(), [])
        r = preflight(self.server, "/users", "POST")  # the other trailing-slash form is another path
        self.assertEqual(r.cors(), [])
        r = preflight(self.server, "/users/", "post")  # methods are case-sensitive
        self.assertEqual(r.cors(), [])

    def test_options_that_is_not_a_preflight_is_routed_as_before(self):
        r = request(self.server, "OPTIONS", "/users/", {"Origin": APP})
        self.assertEqual(r.status, 405)
        self.assert_allowed(r)
        self.assertIsNone(r.one("Access-Control-Allow-Methods"))


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def raw(server, data):
    """Send @data as it is on a new connection; the answer, every header line kept."""
    s = server.connect()
    try:
        s.sendall(data)
        r = http.client.HTTPResponse(s)
        r.begin()
        return Answer(r.status, [(k.lower(), v) for k, v in r.getheaders()], r.read())
    finally:
        s.close()


def head(request_line, *lines, origin=APP, host=True):
    """A request head whose Origin, X-Request-ID and traceparent come after @lines (a refusal is for one
    of those: the fields after it are read all the same)."""
    fields = (["Host: 127.0.0.1"] if host else []) + list(lines) + [
        "Origin: " + origin, "X-Request-ID: refused-1", "traceparent: 00-%s-00f067aa0ba902b7-01" % TRACE_ID]
    return ("\r\n".join([request_line] + fields) + "\r\n\r\n").encode()


class RefusedBeforeRouting(unittest.TestCase):
    """Errors rt_http answers itself before routing, once it has read the request's header fields (a body
    too large or too slow, a framing it refuses, a missing Host, too many fields): the CORS headers, one
    Vary line, and the client's X-Request-ID and trace id, as a routed error gets.  Before the fields are
    read (a broken request line or header line, a head over MAX_HEADER_SIZE: 431) nothing of the request
    is known, not even its Origin."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(env={"CORS_ALLOW_ORIGINS": APP, "MAX_BODY_SIZE": "1KiB", "BODY_TIMEOUT": "500ms",
                                 "MAX_HEADER_SIZE": "2KiB", "COMPRESS_MIN_SIZE": "16"}).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assert_like_a_routed_error(self, r, status):
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.one("Access-Control-Allow-Origin"), APP, r.headers)
        self.assertEqual(r.one("Access-Control-Expose-Headers"), "Location, Retry-After, X-Request-ID")
        self.assertEqual(r.all("vary"), ["Origin"])
        self.assertEqual(r.one("X-Request-ID"), "refused-1")
        self.assertIn("detail", json.loads(r.body))

    def test_body_too_large(self):
        r = raw(self.server, head("POST /users/ HTTP/1.1", "Content-Type: application/json", "Content-Length: 2048"))
        self.assert_like_a_routed_error(r, 413)
        self.server.wait_for_log(r'"POST /users/ HTTP/1\.1" 413 .* id=refused-1 trace=%s' % TRACE_ID)
        r = raw(self.server, head("POST /users/ HTTP/1.1", "Transfer-Encoding: chunked") + b"800\r\n" + b"x" * 64)
        self.assert_like_a_routed_error(r, 413)

    def test_framing_refused(self):
        cases = [
            (head("POST /users/ HTTP/1.1", "Transfer-Encoding: gzip"), 501),
            (head("POST /users/ HTTP/1.1", "Content-Length: x"), 400),
            (head("POST /users/ HTTP/1.1", "Transfer-Encoding: chunked") + b"zz\r\n", 400),
            (head("GET /users/ HTTP/1.1", "Expect: tea"), 417),
            (head("GET /users/ HTTP/1.1", host=False), 400),
            (head("GET /users/ HTTP/1.1", *["X-%d: y" % i for i in range(100)]), 431),  # over 100 fields
        ]
        for data, status in cases:
            with self.subTest(data=data):
                self.assert_like_a_routed_error(raw(self.server, data), status)

    def test_body_timeout(self):
        r = raw(self.server, head("POST /users/ HTTP/1.1", "Content-Type: application/json", "Content-Length: 10")
                + b'{"a"')
        self.assert_like_a_routed_error(r, 408)

    def test_disallowed_origin_is_not_echoed(self):
        r = raw(self.server, head("POST /users/ HTTP/1.1", "Content-Length: 2048", origin=EVIL))
        self.assertEqual(r.status, 413)
        self.assertEqual(r.cors(), [])
        self.assertEqual(r.all("vary"), ["Origin"])
        self.assertFalse(any("evil" in v for _, v in r.headers), r.headers)

    def test_before_the_fields_are_read_nothing_is_known(self):
        cases = [
            (head("GET /users/ HTTP/1.1 extra"), 400),  # the request line
            (head("GET /users/ HTTP/1.1", "Bad header line"), 400),
            (head("GET /users/ HTTP/1.1", "X-Big: " + "b" * 3000), 431),
        ]
        for data, status in cases:
            with self.subTest(data=data):
                r = raw(self.server, data)
                self.assertEqual(r.status, status)
                self.assertEqual(r.cors(), [])
                self.assertEqual(r.all("vary"), [])
                self.assertNotIn(r.one("X-Request-ID"), (None, "refused-1"))  # one of ours

    def test_one_vary_line_with_compression(self):
        r = request(self.server, "GET", "/", {"Origin": APP, "Accept-Encoding": "gzip"})
        self.assertEqual((r.status, r.one("Content-Encoding")), (200, "gzip"))
        self.assertEqual(r.all("vary"), ["Origin, Accept-Encoding"])
        r = request(self.server, "GET", "/openapi.json", {"Origin": APP, "Accept-Encoding": "gzip"})
        self.assertEqual((r.status, r.one("Content-Encoding")), (200, "gzip"))  # the docs' own, with their Vary
        self.assertEqual(r.all("vary"), ["Origin, Accept-Encoding"])


class Off(unittest.TestCase):
    """The default: no CORS at all, a preflight gets 405 as before."""

    def test_no_cors_headers_when_off(self):
        with Server() as server:
            r = preflight(server, "/users/", "POST")
            self.assertEqual(r.status, 405)
            self.assertEqual(r.cors(), [])
            self.assertFalse(r.varies_on_origin())
            self.assertNotIn("CORS:", server.log())
            r = request(server, "GET", "/", {"Origin": APP})
            self.assertEqual(r.status, 200)
            self.assertEqual(r.cors(), [])


class Variants(unittest.TestCase):
    def test_any_origin(self):
        with Server(env={"CORS_ALLOW_ORIGINS": "*"}) as server:
            r = request(server, "GET", "/", {"Origin": EVIL})
            self.assertEqual(r.one("Access-Control-Allow-Origin"), "*")
            self.assertIsNone(r.one("Access-Control-Allow-Credentials"))
            self.assertFalse(any("evil" in v for _, v in r.headers), r.headers)
            r = preflight(server, "/users/", "POST", origin=EVIL)
            self.assertEqual(r.status, 204)
            self.assertEqual(r.one("Access-Control-Allow-Origin"), "*")

    def test_credentials_echo_the_origin(self):
        env = {"CORS_ALLOW_ORIGINS": APP, "CORS_ALLOW_CREDENTIALS": "on", "CORS_ALLOW_METHODS": "GET,POST",
               "CORS_MAX_AGE": "30s"}
        with Server(env=env) as server:
            r = request(server, "GET", "/users/", {"Origin": APP})
            self.assertEqual(r.one("Access-Control-Allow-Origin"), APP)
            self.assertEqual(r.one("Access-Control-Allow-Credentials"), "true")
            r = preflight(server, "/users/", "POST")
            self.assertEqual(r.status, 204)
            self.assertEqual(r.one("Access-Control-Allow-Origin"), APP)
            self.assertEqual(r.one("Access-Control-Allow-Credentials"), "true")
            self.assertEqual(r.one("Access-Control-Allow-Methods"), "GET, POST")  # HEAD not configured
            self.assertEqual(r.one("Access-Control-Max-Age"), "30")
            # CORS_ALLOW_METHODS never adds a method the path does not have, nor keeps one it left out
            self.assertEqual(preflight(server, "/users/x@example.com", "DELETE").cors(), [])
            r = request(server, "GET", "/", {"Origin": EVIL})
            self.assertEqual(r.cors(), [])

    def test_under_a_base_path(self):
        with Server(env={"CORS_ALLOW_ORIGINS": APP, "BASE_PATH": "/api"}) as server:
            r = preflight(server, "/api/users/", "POST")
            self.assertEqual(r.status, 204)
            self.assertEqual(r.one("Access-Control-Allow-Methods"), "GET, HEAD, POST")
            r = preflight(server, "/users/", "POST")  # outside the base path: no such path
            self.assertEqual(r.status, 404)
            self.assertEqual(r.cors(), [])
            r = request(server, "GET", "/elsewhere", {"Origin": APP})  # the 404 outside it carries them too
            self.assertEqual(r.status, 404)
            self.assertEqual(r.one("Access-Control-Allow-Origin"), APP)
            r = request(server, "GET", "/api/users/", {"Origin": APP})
            self.assertEqual(r.status, 200)
            self.assertEqual(r.one("Access-Control-Allow-Origin"), APP)

    def test_refused_at_start(self):
        cases = [
            ({"CORS_ALLOW_ORIGINS": "*", "CORS_ALLOW_CREDENTIALS": "on"}, "never allowed from every origin"),
            ({"CORS_ALLOW_ORIGINS": "https://a.example/"}, "no path"),
            ({"CORS_ALLOW_ORIGINS": "*,https://a.example"}, "stands alone"),
            ({"CORS_ALLOW_ORIGINS": "https://a.example", "CORS_ALLOW_METHODS": "GET,FETCH"}, "'FETCH'"),
            ({"CORS_ALLOW_ORIGINS": "https://a.example", "CORS_ALLOW_HEADERS": "X Bad"}, "not a header name"),
            ({"CORS_ALLOW_CREDENTIALS": "on"}, "CORS_ALLOW_ORIGINS is not (CORS is off)"),
            ({"CORS_EXPOSE_HEADERS": "Location,"}, "'' is not a header name"),
        ]
        for env, why in cases:
            full = dict(os.environ, DATABASE_URL="sqlite::memory:", PORT="0", **env)
            r = run_binary(["--check-config"], env=full, timeout=30)
            self.assertEqual(r.returncode, 2, (env, r.stdout, r.stderr))
            self.assertIn(why, r.stdout + r.stderr, env)


if __name__ == "__main__":
    main()
