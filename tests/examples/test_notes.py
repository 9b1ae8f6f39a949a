"""The example service (examples/notes/) end to end: a second spec on the same runtime target.

It is checked like async-demo: every answer against its own openapi.yaml (tests/contract/spec_contract.py),
smoke cases from its examples, the scenarios its examples cannot reach, its module's setting (GREETING)
in --help, --list-options, the environment and the configuration file, its docs pages and spec.

Usage: test_notes.py SPEC  (ASYNC_DEMO_BIN: the notes binary)
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "contract"))
from harness import Server, run_parallel  # noqa: E402
from spec_contract import Spec, assert_all_covered, path_of, smoke  # noqa: E402

SPEC_PATH = os.path.abspath(sys.argv.pop(1))
EXEMPT = {
    ("create_note", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
    ("get_note", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
}


class Notes(unittest.TestCase):
    spec = Spec(SPEC_PATH)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="notes-")
        cls.server = Server(workers=2, database_url="sqlite:///" + os.path.join(cls.tmp.name, "notes.db"),
                            env={"GREETING": "Hi"}, base_path="/v1").__enter__()  # its servers: /{version}

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def call(self, op_id, body=None, **params):
        method, path = path_of(self.spec, op_id, **params)
        r = self.server.post_json(path, body) if body is not None else self.server.request(method, path)
        return self.spec.check(op_id, r)

    def test_0_smoke_from_the_spec_examples(self):
        smoke(self, self.spec, self.server, run_parallel)

    def test_1_notes_are_stored_and_read_back(self):
        r = self.call("create_note", body={"title": "Plan", "text": "Write the example."})
        self.assertEqual(r.status, 201, r.body)
        note = r.json()
        self.assertEqual(self.call("get_note", note_id=note["id"]).json(), note)
        self.assertEqual(self.call("get_note", note_id=999999).status, 404)
        r = self.call("create_note", body={"title": "", "text": "x"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["detail"][0]["loc"], ["body", "title"])

    def test_2_the_module_setting_is_the_runtimes_like_any_other(self):
        self.assertEqual(self.call("say_hello", name="Ada").json(), {"message": "Hi, Ada!"})  # GREETING=Hi
        binary = os.environ["ASYNC_DEMO_BIN"]
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10).stdout
        self.assertRegex(help_text, r"\n  --greeting +GREETING +what GET /hello/\{name\} says")
        self.assertIn("notes 1.0.0", help_text)
        listed = subprocess.run([binary, "--list-options"], capture_output=True, text=True, timeout=10).stdout
        self.assertIn("GREETING\t--greeting\tHello\tHello\t", listed)
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
            conf.write("greeting = Howdy\n")
            conf.flush()
            r = subprocess.run([binary, "--config", conf.name, "--check-config"], capture_output=True, text=True,
                               timeout=10)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("greeting = Howdy", r.stdout)
        r = subprocess.run([binary, "--greeting", ""], capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn("GREETING", r.stderr)

    def test_3_its_own_spec_and_docs(self):
        r = self.server.get("/openapi.json")
        self.assertEqual(r.json()["info"]["title"], "notes")
        self.assertEqual(r.json()["servers"][0]["url"], "/{version}")  # served as written: it says /v1
        self.assertEqual(r.header("server"), "notes")
        docs = self.server.get("/docs")
        self.assertEqual(docs.status, 200)
        self.assertIn(b"<title>notes", docs.body)
        self.assertIn(b'src="/v1/docs/swagger-ui-init.js"', docs.body)

    def test_4_served_under_its_servers_path(self):
        """servers: [{url: /{version}}] with default v1: everything under /v1, nothing outside it."""
        for path in ("/hello/Ada", "/openapi.json", "/docs", "/notes/1"):
            r = self.server.request("GET", path, raw=True)
            self.assertEqual((path, r.status, r.json()), (path, 404, {"detail": "Not Found"}))
        self.assertEqual(self.server.get("/hello/Ada").status, 200)
        self.assertEqual(self.server.request("GET", "/v1x/hello/Ada", raw=True).status, 404)
        r = self.server.request("GET", "/notes?a=1")  # the trailing-slash redirect keeps the base path
        self.assertEqual((r.status, r.header("location")), (307, "/v1/notes/?a=1"))
        # BASE_PATH=/ serves it at the root instead, and the spec served says so for "Try it out".
        with Server(workers=1, env={"BASE_PATH": "/"}) as root:
            self.assertEqual(root.get("/hello/Ada").status, 200)
            self.assertEqual(root.get("/v1/hello/Ada").status, 404)
            self.assertEqual(root.get("/openapi.json").json()["servers"], [
                {"url": "/", "description": "This server (the base path set by BASE_PATH)"}])

    def test_9_every_documented_status_was_produced(self):
        assert_all_covered(self, self.spec, EXEMPT, os.path.relpath(__file__))


if __name__ == "__main__":
    unittest.main(verbosity=2)
