"""The API's base path (OpenAPI `servers`, the BASE_PATH setting) through the real server.

openapi.yaml serves at the root (its server URL is `/`); BASE_PATH moves everything under another path: the
operations, /docs, /redoc, /openapi.json and the docs' files, the welcome's links and the trailing-slash
redirects; every path outside it is 404, and the /openapi.json served names the base path in `servers` so that
Swagger UI's "Try it out" calls it.  (A spec whose own servers have a path: examples/notes, tests/examples.)
"""

import re
import unittest

from harness import Server, run_binary

BASE = "/api/v2"


class BasePath(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=1, env={"BASE_PATH": BASE + "/"}, base_path=BASE).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_operations_are_under_the_base_path_only(self):
        self.assertEqual(self.server.get("/health").json()["status"], "ok")
        self.assertEqual(self.server.get("/async-delay/abc").status, 422)
        for path in ("/health", "/", "/docs", "/openapi.json", "/api/v2x/health", "/api", "/api/v2health"):
            r = self.server.request("GET", path, raw=True)
            self.assertEqual((path, r.status, r.json()), (path, 404, {"detail": "Not Found"}))
        self.assertIn("/api/v2 (BASE_PATH", self.server.log())
        # the start-up line points at the pages where they are, under the base path
        self.assertRegex(self.server.log(), r"listening on http://127\.0\.0\.1:\d+ \(1 worker\); docs at "
                         r"/api/v2/docs and /api/v2/redoc, the spec at /api/v2/openapi\.json")

    def test_the_base_path_alone_is_the_root_operation(self):
        for path in (BASE, BASE + "/"):
            r = self.server.request("GET", path, raw=True)
            self.assertEqual(r.status, 200, path)
            self.assertEqual(r.json()["docs"], BASE + "/docs")  # the welcome's links follow
            self.assertEqual(r.json()["openapi"], BASE + "/openapi.json")

    def test_redirects_keep_the_base_path(self):
        r = self.server.request("GET", "/users?limit=1")
        self.assertEqual((r.status, r.header("location")), (307, BASE + "/users/?limit=1"))

    def test_docs_follow(self):
        spec = self.server.get("/openapi.json").json()
        self.assertEqual(spec["servers"], [{"url": BASE, "description": "This server (the base path set by "
                                                                         "BASE_PATH)"}])
        self.assertEqual(spec["info"]["title"], "async-demo")
        docs = self.server.get("/docs").body.decode()
        self.assertIn('src="%s/docs/swagger-ui-init.js"' % BASE, docs)
        init = self.server.get("/docs/swagger-ui-init.js").body.decode()
        self.assertIn("url: '%s/openapi.json'" % BASE, init)
        self.assertIn("'%s/docs/oauth2-redirect'" % BASE, init)
        redoc = self.server.get("/redoc").body.decode()
        self.assertIn('spec-url="%s/openapi.json"' % BASE, redoc)
        assets = re.findall(r'(?:src|href)="([^"]+)"', docs + redoc)
        self.assertTrue(assets)
        for url in assets:
            self.assertTrue(url.startswith(BASE + "/"), url)
            self.assertEqual(self.server.request("GET", url, raw=True).status, 200, url)
        self.assertEqual(self.server.get("/docs/oauth2-redirect").status, 200)

    def test_the_spec_is_served_unchanged_at_its_own_base_path(self):
        with Server(workers=1) as root:
            spec = root.get("/openapi.json").json()
            self.assertEqual(spec["servers"][0]["url"], "/")
            self.assertIn("description", spec["servers"][0])
            self.assertEqual(root.get("/").json()["docs"], "/docs")

    def test_bad_base_paths_are_refused_at_start(self):
        for bad in ("api", "/a b", "/a/../b", "/a//b", "/a%2Fb", "/a?x"):
            r = run_binary(["--base-path", bad, "--check-config"])
            self.assertEqual(r.returncode, 2, (bad, r.stdout, r.stderr))
            self.assertIn("base path", r.stderr, bad)
        listed = run_binary(["--list-options"]).stdout
        self.assertIn("BASE_PATH\t--base-path\t", listed)


if __name__ == "__main__":
    unittest.main(verbosity=2)
