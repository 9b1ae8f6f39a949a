"""Every endpoint of the skeleton against the real binary: bodies, errors, headers."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, main  # noqa: E402


class Endpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=2).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_root_welcomes_and_points_to_docs(self):
        r = self.server.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "application/json")
        body = r.json()
        self.assertIn("Welcome", body["message"])
        self.assertEqual(body["docs"], "/docs")
        self.assertEqual(body["redoc"], "/redoc")
        self.assertEqual(body["openapi"], "/openapi.json")

    def test_health(self):
        r = self.server.get("/health")
        self.assertEqual(r.status, 200)
        body = r.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["version"], "0.1.0")
        self.assertGreaterEqual(body["uptime_seconds"], 0)
        self.assertEqual(body["workers"], 2)

    def test_async_delay_reports_requested_and_measured(self):
        r = self.server.get("/async-delay/0.2")
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["requested_seconds"], 0.2)
        self.assertGreaterEqual(body["actual_seconds"], 0.19)
        self.assertLess(body["actual_seconds"], 1.0)
        self.assertFalse(body["blocking"])

    def test_sync_delay_says_it_blocked(self):
        r = self.server.get("/sync-delay/0.1")
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertTrue(body["blocking"])
        self.assertGreaterEqual(body["actual_seconds"], 0.09)

    def test_openapi_json_is_the_spec(self):
        r = self.server.get("/openapi.json")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("application/json"))
        spec = r.json()
        self.assertTrue(spec["openapi"].startswith("3."))
        for path in ["/", "/async-delay/{seconds}", "/sync-delay/{seconds}", "/users/", "/users/{user_email}",
                     "/fetch-external-data", "/user-with-external-data/{user_email}", "/process-data/{message}",
                     "/performance/async", "/performance/sync", "/health"]:
            self.assertIn(path, spec["paths"])

    def test_request_id_is_generated_and_echoed(self):
        r = self.server.get("/")
        self.assertRegex(r.header("x-request-id"), r"^[0-9a-f]{20}$")
        r2 = self.server.get("/", headers={"X-Request-ID": "my-trace-123"})
        self.assertEqual(r2.header("x-request-id"), "my-trace-123")
        # An unsafe id is replaced, not echoed.
        r3 = self.server.get("/", headers={"X-Request-ID": "bad id\"<>"})
        self.assertRegex(r3.header("x-request-id"), r"^[0-9a-f]{20}$")
        self.assertIn("id=my-trace-123", self.server.log())

    def test_access_log_line(self):
        self.server.get("/health?probe=1", headers={"X-Request-ID": "log-line-check"})
        lines = [l for l in self.server.log().splitlines() if "id=log-line-check" in l]
        self.assertEqual(len(lines), 1, self.server.log_tail())
        self.assertRegex(lines[0], r'"GET /health\?probe=1 HTTP/1.1" 200 \d+B [0-9.]+ms id=log-line-check')

    def test_404_json(self):
        r = self.server.get("/no/such/thing")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json(), {"detail": "Not Found"})

    def test_405_json_with_allow(self):
        r = self.server.request("DELETE", "/health")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.json(), {"detail": "Method Not Allowed"})
        self.assertEqual(r.header("allow"), "GET, HEAD")
        head = self.server.request("HEAD", "/health")  # HEAD is served wherever GET is, without a body
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        r = self.server.request("DELETE", "/users/")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD, POST")

    def test_trailing_slash_redirect(self):
        r = self.server.request("POST", "/users?x=1", body=b"{}", headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 307)
        self.assertEqual(r.header("location"), "/users/?x=1")

    def test_422_path_not_a_number(self):
        r = self.server.get("/async-delay/abc")
        self.assertEqual(r.status, 422)
        detail = r.json()["detail"]
        self.assertEqual(len(detail), 1)
        self.assertEqual(detail[0]["loc"], ["path", "seconds"])
        self.assertEqual(detail[0]["type"], "float_parsing")
        self.assertEqual(detail[0]["msg"], "Input should be a valid number, unable to parse string as a number")
        self.assertEqual(detail[0]["input"], "abc")

    def test_422_bounds_come_from_the_spec(self):
        spec = self.server.get("/openapi.json").json()
        params = spec["paths"]["/async-delay/{seconds}"]["get"]["parameters"]
        maximum = [p for p in params if p["name"] == "seconds"][0]["schema"]["maximum"]
        r = self.server.get("/async-delay/%s" % (maximum + 1))
        self.assertEqual(r.status, 422)
        item = r.json()["detail"][0]
        self.assertEqual(item["type"], "less_than_equal")
        self.assertEqual(item["loc"], ["path", "seconds"])
        self.assertEqual(item["ctx"], {"le": maximum})
        r = self.server.get("/async-delay/-1")
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["detail"][0]["type"], "greater_than_equal")

    def test_422_lists_every_failing_body_field(self):
        r = self.server.post_json("/users/", {"email": "not-an-email", "full_name": ""})
        self.assertEqual(r.status, 422, r.body)
        locs = sorted(tuple(d["loc"]) for d in r.json()["detail"])
        self.assertEqual(locs, [("body", "email"), ("body", "full_name")])
        r = self.server.post_json("/users/", {})
        self.assertEqual(r.status, 422)
        self.assertEqual(sorted(tuple(d["loc"]) for d in r.json()["detail"]),
                         [("body", "email"), ("body", "full_name")])
        self.assertTrue(all(d["type"] == "missing" for d in r.json()["detail"]))

    def test_422_invalid_json_body(self):
        r = self.server.request("POST", "/users/", body=b'{"email": ', headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["detail"][0]["type"], "json_invalid")

    def test_percent_decoded_path_parameter(self):
        # %2E is '.', so this is /async-delay/0.1
        r = self.server.get("/async-delay/0%2E1")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["requested_seconds"], 0.1)


if __name__ == "__main__":
    main()
