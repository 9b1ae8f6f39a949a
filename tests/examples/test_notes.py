"""The example service (examples/notes/) end to end: a second spec on the same runtime target.

It is checked like async-demo: every answer against its own openapi.yaml (tests/contract/spec_contract.py),
smoke cases from its examples, the scenarios its examples cannot reach, its module's setting (GREETING)
in --help, --list-options, the environment and the configuration file, its docs pages and spec.

Usage: test_notes.py SPEC  (ASYNC_DEMO_BIN: the notes binary)
"""

import hashlib
import http.client
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "contract"))
from harness import Server, run_parallel  # noqa: E402
from spec_contract import Spec, assert_all_covered, path_of, smoke  # noqa: E402

SPEC_PATH = os.path.abspath(sys.argv.pop(1))
EXEMPT = {
    ("create_note", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
    ("get_note", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
    ("create_note_from_form", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
    ("add_attachment", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
    ("replace_note_text", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
    ("import_note", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
    ("list_notes", "503"): "the database-down path is the runtime's, tested on async-demo (contract.*)",
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

    def get(self, op_id, target, headers=None):
        """GET @target (a path and query written by hand, in the parameters' styles), checked against op_id."""
        return self.spec.check(op_id, self.server.request("GET", target, headers=headers))

    def locs(self, r):
        self.assertEqual(r.status, 422, r.body)
        return [e["loc"] for e in r.json()["detail"]]

    def test_4_query_arrays_deep_objects_empty_values_cookies_and_header_arrays(self):
        r = self.get("list_greetings", "/greetings?to=Ada&to=Bob&style[punctuation]=period&style%5Bshout%5D=true",
                     {"Cookie": "theme=dark; lang=fr", "X-Titles": "Dr, Ms"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"messages": ["BONJOUR, DR ADA.", "BONJOUR, MS BOB."]})
        r = self.get("list_greetings", "/greetings?to=Ada&excited=")  # allowEmptyValue: present and empty
        self.assertEqual(r.json(), {"messages": ["Hi, Ada!!"]})
        self.assertEqual(self.get("list_greetings", "/greetings?to=Ada&excited=false").json(),
                         {"messages": ["Hi, Ada!"]})
        # one 422 entry per failing item, property, cookie and header item
        r = self.get("list_greetings", "/greetings?to=Ada&to=&to=Ada&style[punctuation]=comma&style[size]=2"
                     "&excited=maybe", {"Cookie": "lang=de", "X-Titles": "Dr,Professor Emeritus"})
        self.assertEqual(self.locs(r), [["query", "to", 1], ["query", "to", 2], ["query", "style", "size"],
                                        ["query", "style", "punctuation"], ["query", "excited"],
                                        ["cookie", "lang"], ["header", "X-Titles", 1]])
        self.assertEqual(r.json()["detail"][1]["type"], "unique_items")
        self.assertEqual(r.json()["detail"][2]["type"], "extra_forbidden")
        self.assertEqual(self.locs(self.get("list_greetings", "/greetings")), [["query", "to"]])
        r = self.get("list_greetings", "/greetings?" + "&".join("to=n%d" % i for i in range(6)))
        self.assertEqual(r.json()["detail"][0]["type"], "too_long")
        self.assertEqual(self.locs(self.get("list_greetings", "/greetings?to=Ada&to=x,y&to=Bob",
                                            {"X-Titles": ",".join(["T"] * 6)})), [["header", "X-Titles"]])

    def test_5_path_styles_and_two_parameters_in_a_segment(self):
        r = self.get("get_card", "/cards/Ada.json")
        self.assertEqual(r.json(), {"message": "Hi, Ada!"})
        self.assertEqual(self.get("get_card", "/cards/Ada.txt").json(), {"message": "Card, Hi, Ada!"})
        self.assertEqual(self.locs(self.get("get_card", "/cards/Ada.pdf")), [["path", "format"]])
        self.assertEqual(self.server.get("/cards/Ada").status, 404)
        r = self.get("cheer", "/cheers/;names=Ada;names=Bob/.3")
        self.assertEqual(r.json(), {"messages": ["Hooray, Ada!!!", "Hooray, Bob!!!"]})
        self.assertEqual(self.locs(self.get("cheer", "/cheers/;names=Ada/.4")), [["path", "times"]])
        self.assertEqual(self.locs(self.get("cheer", "/cheers/names=Ada/3")), [["path", "names"], ["path", "times"]])
        self.assertEqual(self.locs(self.get("cheer", "/cheers/;names=A;names=B;names=C;names=D/.1")),
                         [["path", "names"]])

    def test_6_a_form_body(self):
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        r = self.spec.check("create_note_from_form", self.server.request(
            "POST", "/notes/form", body=b"title=Plan+B&text=caf%C3%A9%2C+%26+more&other=1", headers=form))
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["title"], "Plan B")
        self.assertEqual(self.call("get_note", note_id=r.json()["id"]).json()["text"], "café, & more")
        r = self.spec.check("create_note_from_form", self.server.request(
            "POST", "/notes/form", body=b"title=" + b"x" * 101 + b"&text=%FF", headers=form))
        self.assertEqual(self.locs(r), [["body", "title"], ["body", "text"]])
        self.assertEqual([e["type"] for e in r.json()["detail"]], ["string_too_long", "string_unicode"])
        r = self.spec.check("create_note_from_form", self.server.post_json("/notes/form", {"title": "a", "text": "b"}))
        self.assertEqual(self.locs(r), [["body"]])

    def test_6_b_one_body_several_media_types(self):
        """POST /notes/ declares NoteCreate as JSON, a form and multipart: each gives the same note; another
        Content-Type is 415, a form field out of bounds 422 in FastAPI's shape."""
        def post(body, content_type):
            headers = {"Content-Type": content_type} if content_type else {}
            return self.spec.check("create_note", self.server.request("POST", "/notes/", body=body, headers=headers))
        multipart = b"".join(b"--b0\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (k, v) for k, v in (
            (b"title", b"Plan C"), (b"text", "café, & more".encode()))) + b"--b0--\r\n"
        notes = [post(json.dumps({"title": "Plan C", "text": "café, & more"}).encode(), "application/json"),
                 post(b"title=Plan+C&text=caf%C3%A9%2C+%26+more", "Application/X-WWW-Form-URLEncoded; charset=UTF-8"),
                 post(multipart, "multipart/form-data; boundary=b0"),
                 post(b'{"title": "Plan C", "text": "caf\\u00e9, & more"}', None)]  # none: JSON, the primary type
        self.assertEqual([r.status for r in notes], [201] * 4, [r.body for r in notes])
        self.assertEqual(len({r.json()["id"] for r in notes}), 4)
        for r in notes:
            self.assertEqual({k: v for k, v in r.json().items() if k != "id"}, {"title": "Plan C", "text": "café, & more"})
            self.assertEqual(self.call("get_note", note_id=r.json()["id"]).json(), r.json())
        r = post(b"title=Plan+C&text=x", "text/plain")
        self.assertEqual((r.status, r.json()), (415, {"detail": "Unsupported Media Type: this operation takes a body of "
                                                      "type application/json, application/x-www-form-urlencoded or "
                                                      "multipart/form-data"}))
        self.assertEqual(r.header("accept"), "application/json, application/x-www-form-urlencoded, multipart/form-data")
        r = post(b"title=" + b"x" * 101 + b"&text=ok", "application/x-www-form-urlencoded")
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json(), {"detail": [{"type": "string_too_long", "loc": ["body", "title"],
                                                "msg": "String should have at most 100 characters", "input": "x" * 101,
                                                "ctx": {"max_length": 100}}]})
        r = post(b"--b0\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nA\r\n--b0--\r\n",
                 "multipart/form-data; boundary=b0")
        self.assertEqual((r.status, self.locs(r)), (422, [["body", "text"]]))

    def upload(self, note_id, parts, boundary="b0undary", content_type=None, server=None):
        """POST a multipart body of parts [(name, filename or None, Content-Type or None, bytes)]."""
        body = b"".join(b"--%s\r\nContent-Disposition: form-data; name=\"%s\"%s\r\n%s\r\n%s\r\n" % (
            boundary.encode(), name.encode(), b'; filename="%s"' % fn.replace("\\", "\\\\").replace('"', '\\"').encode() if fn is not None else b"",
            b"Content-Type: %s\r\n" % ct.encode() if ct else b"", data) for name, fn, ct, data in parts)
        body += b"--%s--\r\n" % boundary.encode()
        headers = {"Content-Type": content_type or "multipart/form-data; boundary=" + boundary}
        r = (server or self.server).request("POST", "/notes/%d/attachments" % note_id, body=body, headers=headers)
        return r if server else self.spec.check("add_attachment", r)

    @staticmethod
    def fnv1a(data):
        h = 0xcbf29ce484222325
        for b in data:
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        return "%016x" % h

    def test_7_a_multipart_upload(self):
        note = self.call("create_note", body={"title": "Scan", "text": "See the attachment."}).json()
        data = bytes(range(256)) + b"\r\n--b0undar\r\n\x00\r\n"  # every byte, NUL, CRLF, a near-delimiter
        r = self.upload(note["id"], [("caption", None, None, "Reçu".encode()),
                                     ("file", 'scan "1".png', "image/png", data), ("other", None, None, b"x")])
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual({k: v for k, v in r.json().items() if k != "id"}, {
            "note_id": note["id"], "filename": 'scan "1".png', "content_type": "image/png", "size": len(data),
            "checksum": self.fnv1a(data), "caption": "Reçu"})
        r = self.upload(note["id"], [("file", "a.txt", None, b"")])  # no Content-Type: text/plain; empty file
        self.assertEqual((r.status, r.json()["content_type"], r.json()["size"]), (201, "text/plain", 0), r.body)
        self.assertNotIn("caption", r.json())
        self.assertEqual(self.upload(999999, [("file", "a.txt", "text/plain", b"x")]).status, 404)
        # 422: one entry per failing field
        r = self.upload(note["id"], [("caption", None, None, b"x" * 201)])
        self.assertEqual(self.locs(r), [["body", "file"], ["body", "caption"]])
        self.assertEqual([e["type"] for e in r.json()["detail"]], ["missing", "string_too_long"])
        r = self.upload(note["id"], [("file", None, None, b"text, not a file"), ("caption", "c.txt", None, b"x")])
        self.assertEqual([(e["loc"], e["type"]) for e in r.json()["detail"]],
                         [(["body", "file"], "value_error"), (["body", "caption"], "string_type")])
        r = self.upload(note["id"], [("file", "a.exe", "application/x-msdownload", b"MZ")])
        self.assertEqual([(e["loc"], e["type"]) for e in r.json()["detail"]], [(["body", "file"], "content_type")])
        r = self.upload(note["id"], [("file", "a.txt", None, b"1"), ("file", "b.txt", None, b"2")])
        self.assertEqual([(e["loc"], e["type"]) for e in r.json()["detail"]], [(["body", "file"], "value_error")])
        # a malformed body: one multipart_invalid entry; another media type: model_attributes_type
        r = self.upload(note["id"], [("file", "a.txt", None, b"x")], content_type="multipart/form-data")
        self.assertEqual([(e["loc"], e["type"]) for e in r.json()["detail"]], [(["body"], "multipart_invalid")])
        self.assertIn("boundary", r.json()["detail"][0]["ctx"]["error"])
        r = self.upload(note["id"], [("file", "a.txt", None, b"x")],
                        content_type="multipart/form-data; boundary=" + "x" * 71)
        self.assertEqual(self.locs(r), [["body"]])
        r = self.spec.check("add_attachment", self.server.request(
            "POST", "/notes/%d/attachments" % note["id"], body=b"--b\r\nContent-Disposition: form-data; "
            b"name=\"file\"; filename=\"a\"\r\n\r\ntruncated", headers={"Content-Type": "multipart/form-data; boundary=b"}))
        self.assertEqual([(e["loc"][0], e["type"]) for e in r.json()["detail"]], [("body", "multipart_invalid")])
        self.assertIn("closing delimiter", r.json()["detail"][0]["ctx"]["error"])
        r = self.spec.check("add_attachment", self.server.post_json("/notes/%d/attachments" % note["id"], {"file": "x"}))
        self.assertEqual([(e["loc"], e["type"]) for e in r.json()["detail"]], [(["body"], "model_attributes_type")])

    def test_7_the_generated_client_uploads(self):
        """notes-client (tools/async_demo_client.c on notes' generated client): --file @PATH sends the file."""
        note = self.call("create_note", body={"title": "CLI", "text": "upload"}).json()
        url = "http://127.0.0.1:%d/v1" % self.server.port
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            data = b"\x00\r\n--rt-form-\xff" * 50
            f.write(data)
            f.flush()
            r = subprocess.run([os.environ["NOTES_CLIENT"], "--url", url, "add-attachment", str(note["id"]),
                                "--file", "@" + f.name, "--caption", "from the CLI"], capture_output=True,
                               timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = json.loads(r.stdout)
            self.assertEqual((got["filename"], got["content_type"], got["size"], got["checksum"], got["caption"]),
                             (os.path.basename(f.name), "application/octet-stream", len(data), self.fnv1a(data),
                              "from the CLI"))
            r = subprocess.run([os.environ["NOTES_CLIENT"], "--url", url, "add-attachment", str(note["id"]),
                                "--file", "@/nonexistent/file"], capture_output=True, timeout=30)
            self.assertNotEqual(r.returncode, 0)
        # Built for notes' spec, it speaks of notes, by the name it is run by: nothing says async-demo.
        r = subprocess.run([os.environ["NOTES_CLIENT"], "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("usage: notes-client ", r.stdout)
        self.assertIn("Calls one operation of the notes API", r.stdout)
        self.assertNotIn("async-demo", r.stdout + r.stderr)

    def relay(self):
        """(a base URL, the list of (path, Content-Type, body) the server got through it): a relay to the server
        that records each POST, and each GET (with no Content-Type and an empty body)."""
        seen, target = [], ("127.0.0.1", self.server.port)

        class Relay(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the server: the C client reuses its connection

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                seen.append((self.path, self.headers.get("Content-Type"), body))
                conn = http.client.HTTPConnection(*target, timeout=30)
                conn.request(self.command, self.path, body=body if self.command == "POST" else None,
                             headers={"Content-Type": self.headers["Content-Type"]} if self.command == "POST" else {})
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.getheader("Content-Type", "application/json"))
                if answer.getheader("X-Page") is not None:  # list_notes' JSON header, as the server wrote it
                    self.send_header("X-Page", answer.getheader("X-Page"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        relay = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Relay)
        threading.Thread(target=relay.serve_forever, daemon=True).start()
        self.addCleanup(relay.server_close)
        self.addCleanup(relay.shutdown)
        return "http://127.0.0.1:%d/v1" % relay.server_port, seen

    def test_7_b_the_generated_client_picks_the_media_type(self):
        """notes-client --content-type sends POST /notes/'s body as each media type it declares (the relay
        records what the server receives): each gives the same note; an undeclared type is refused before sending."""
        url, seen = self.relay()

        def create(*media):
            return subprocess.run([os.environ["NOTES_CLIENT"], "--url", url,
                                   "create-note", "--title", "Plan D", "--text", "café, & more"] + list(media),
                                  capture_output=True, timeout=30)
        answers = []
        for media in ([], ["--content-type", "application/json"], ["--content-type", "application/x-www-form-urlencoded"],
                      ["--content-type=Multipart/Form-Data"]):
            r = create(*media)
            self.assertEqual(r.returncode, 0, r.stderr)
            answers.append(json.loads(r.stdout))
        self.assertEqual([path for path, _, _ in seen], ["/v1/notes/"] * 4)
        self.assertEqual([ct.split(";")[0] for _, ct, _ in seen],
                         ["application/json", "application/json", "application/x-www-form-urlencoded",
                          "multipart/form-data"])
        self.assertEqual(json.loads(seen[0][2]), {"title": "Plan D", "text": "café, & more"})
        self.assertEqual(seen[2][2], b"title=Plan%20D&text=caf%C3%A9%2C%20%26%20more")
        self.assertRegex(seen[3][1], r"^multipart/form-data; boundary=\S+$")
        self.assertIn(b'Content-Disposition: form-data; name="text"\r\n\r\n' + "café, & more".encode() + b"\r\n",
                      seen[3][2])
        self.assertEqual(len({a["id"] for a in answers}), 4)
        for a in answers:
            self.assertEqual({k: v for k, v in a.items() if k != "id"}, {"title": "Plan D", "text": "café, & more"})
        # a type POST /notes/ does not declare: a usage error naming those it does, nothing sent
        r = create("--content-type", "text/plain")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"'text/plain' is not a media type this operation declares for its body: it takes "
                      b"application/json, application/x-www-form-urlencoded, multipart/form-data", r.stderr)
        self.assertEqual(len(seen), 4)
        r = subprocess.run([os.environ["NOTES_CLIENT"], "create-note", "--help"], capture_output=True, text=True,
                           timeout=30)
        self.assertIn("--content-type TYPE    the body's media type: application/json, "
                      "application/x-www-form-urlencoded, multipart/form-data (default application/json)", r.stdout)

    def test_7_c_the_typed_call_picks_the_media_type(self):
        """api_client_create_note(..., media_type, ...) of notes' generated C client (notes_typed_client.c): NULL
        (JSON), and each declared type by name, as the server receives them; text/plain refused at the call."""
        url, seen = self.relay()
        r = subprocess.run([os.environ["NOTES_TYPED_CLIENT"], url], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.splitlines(), ["%s 201 Typed|café, & more" % m for m in (
            "default", "application/json", "application/x-www-form-urlencoded", "Multipart/Form-Data")] +
            ["text/plain refused", 'list 200 Typed,Typed page {"count":2,"limit":2}', "list 422 query.filter.title"])
        self.assertEqual([ct.split(";")[0] for _, ct, _ in seen[:4]], ["application/json", "application/json",
                                                                      "application/x-www-form-urlencoded",
                                                                      "multipart/form-data"])
        # the JSON parameter as the server got it: compact JSON, percent-encoded in the query
        self.assertEqual([(path, ct) for path, ct, _ in seen[4:]], [
            ("/v1/notes/?filter=%7B%22title%22%3A%22Typed%22%2C%22limit%22%3A2%7D", None),
            ("/v1/notes/?filter=%7B%22limit%22%3A2%7D", None)])
        self.assertEqual(seen[2][2], b"title=Typed&text=caf%C3%A9%2C%20%26%20more")
        self.assertIn(b'name="title"\r\n\r\nTyped\r\n', seen[3][2])

    def test_8_the_body_size_limit_covers_the_whole_upload(self):
        with tempfile.TemporaryDirectory(prefix="notes-") as tmp, Server(
                workers=1, env={"MAX_BODY_SIZE": "2048"}, base_path="/v1",
                database_url="sqlite:///" + os.path.join(tmp, "notes.db")) as small:
            r = small.request("POST", "/notes/", body=b'{"title": "t", "text": "x"}',
                              headers={"Content-Type": "application/json"})
            self.assertEqual(r.status, 201, r.body)
            note_id = r.json()["id"]
            ok = self.upload(note_id, [("file", "a.bin", None, b"x" * 1800)], server=small)
            self.assertEqual((ok.status, ok.json()["size"]), (201, 1800), ok.body)
            # the same file with a caption making the whole body pass the limit: 413, whatever the parts
            r = self.upload(note_id, [("file", "a.bin", None, b"x" * 1800), ("caption", None, None, b"y" * 200)],
                            server=small)
            self.assertEqual(r.status, 413, r.body)
    # --- text, bytes and vendor JSON request bodies (issue 15, wt-rawbody) ---

    def send_raw(self, op_id, path, body, content_type, method="POST"):
        headers = {"Content-Type": content_type} if content_type is not None else {}
        return self.spec.check(op_id, self.server.request(method, path, body=body, headers=headers))

    def test_7_a_text_body(self):
        note = self.call("create_note", body={"title": "Text", "text": "old"}).json()
        path = "/notes/%d/text" % note["id"]
        r = self.send_raw("replace_note_text", path, "café au lait".encode(), "text/plain; charset=UTF-8", "PUT")
        self.assertEqual((r.status, r.json()["text"]), (200, "café au lait"), r.body)
        self.assertEqual(self.call("get_note", note_id=note["id"]).json()["text"], "café au lait")
        r = self.send_raw("replace_note_text", path, b"no type given", None, "PUT")  # taken as declared
        self.assertEqual(r.status, 200, r.body)
        r = self.send_raw("replace_note_text", "/notes/999999/text", b"x", "text/plain", "PUT")
        self.assertEqual(r.status, 404)
        # the schema's string constraints, through the same rules as JSON strings: one entry at ["body"]
        for body, kind in ((b"x" * 2001, "string_too_long"), (b"<b>", "string_pattern_mismatch"),
                           (b"\xff\xfe", "string_unicode"), (b"a\x00b", "value_error"), (b"", "missing")):
            r = self.send_raw("replace_note_text", path, body, "text/plain", "PUT")
            self.assertEqual(self.locs(r), [["body"]])
            self.assertEqual(r.json()["detail"][0]["type"], kind, body[:20])
        # another media type, or another charset: 415 in the {"detail": "..."} shape, before the handler
        for ct in ("application/json", "text/html", "text/plain; charset=latin-1"):
            r = self.send_raw("replace_note_text", path, b'"text"', ct, "PUT")
            self.assertEqual(r.status, 415, ct)
            self.assertIn("text/plain", r.json()["detail"])
            self.assertEqual(r.header("accept"), "text/plain", ct)  # RFC 9110 15.5.16
        self.assertEqual(self.call("get_note", note_id=note["id"]).json()["text"], "no type given")

    def test_7_a_bytes_body(self):
        blob = bytes(range(256)) * 16  # 4096 bytes, NULs and invalid UTF-8 included
        r = self.send_raw("digest_blob", "/digests", blob, "Application/Octet-Stream")
        self.assertEqual(r.json(), {"size": 4096, "sha256": hashlib.sha256(blob).hexdigest()})
        r = self.send_raw("digest_blob", "/digests", blob + b"!", "application/octet-stream")
        self.assertEqual(self.locs(r), [["body"]])
        self.assertEqual((r.json()["detail"][0]["type"], r.json()["detail"][0]["ctx"]),
                         ("bytes_too_long", {"max_length": 4096}))
        r = self.send_raw("digest_blob", "/digests", b"", "application/octet-stream")  # optional: none
        self.assertEqual(r.json(), {"size": 0, "sha256": hashlib.sha256(b"").hexdigest()})
        for ct in ("text/plain", "application/json", "image/png"):
            self.assertEqual(self.send_raw("digest_blob", "/digests", b"{}", ct).status, 415, ct)

    def test_7_a_vendor_json_body(self):
        note = {"title": "Vendor", "text": "typed"}
        r = self.send_raw("import_note", "/notes/import", json.dumps(note).encode(),
                          "application/vnd.notes+json; charset=utf-8")
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual({k: r.json()[k] for k in note}, note)
        # application/json (or another +json type) is not the declared type: FastAPI's 422 entry
        for ct in ("application/json", "application/vnd.other+json", "text/plain"):
            r = self.send_raw("import_note", "/notes/import", json.dumps(note).encode(), ct)
            self.assertEqual(self.locs(r), [["body"]])
            self.assertEqual(r.json()["detail"][0]["type"], "model_attributes_type", ct)
        r = self.send_raw("import_note", "/notes/import", b'{"title": ""}', "application/vnd.notes+json")
        self.assertEqual(self.locs(r), [["body", "title"], ["body", "text"]])

    def list_notes(self, query):
        return self.spec.check("list_notes", self.server.request("GET", "/notes/" + query))

    def test_7_d_a_json_query_parameter(self):
        """GET /notes/?filter=<JSON>: parsed as strict JSON after percent-decoding, validated against NoteFilter
        (422 at ["query", "filter", ...] in FastAPI's shape), applied by the handler."""
        ids = [self.call("create_note", body={"title": "Filtered \"x\" & y", "text": str(i)}).json()["id"]
               for i in range(3)]
        q = urllib.parse.quote(json.dumps({"title": "Filtered \"x\" & y", "limit": 2}), safe="")
        r = self.list_notes("?filter=" + q)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([(n["id"], n["text"]) for n in r.json()["notes"]], [(ids[0], "0"), (ids[1], "1")])
        self.assertEqual(r.header("x-page"), '{"count":2,"limit":2}')  # a JSON header (content): compact JSON
        r = self.list_notes("?filter=" + urllib.parse.quote('{"title":"Filtered \\"x\\" & y"}', safe=""))
        self.assertEqual([n["id"] for n in r.json()["notes"]], ids)  # no limit: up to 20
        self.assertEqual(r.header("x-page"), '{"count":3,"limit":20}')
        self.assertEqual(self.list_notes("?filter=%7B%22title%22%3A%22none%22%7D").json(), {"notes": []})
        self.assertEqual(len(self.list_notes("").json()["notes"]), min(20, max(ids)))  # no filter: the first 20
        cases = [  # (query value, [(loc, type)])
            ("%7B%22title%22%3A", [(["query", "filter"], "json_invalid")]),  # malformed: {"title":
            ("%7B%27title%27%3A%27x%27%7D", [(["query", "filter"], "json_invalid")]),  # single quotes: not JSON
            ("%7B%22limit%22%3A5%7D", [(["query", "filter", "title"], "missing")]),
            ("%7B%22title%22%3A%22x%22%2C%22limit%22%3A21%7D", [(["query", "filter", "limit"], "less_than_equal")]),
            ("%7B%22title%22%3A%22%22%2C%22limit%22%3A0%7D", [(["query", "filter", "title"], "string_too_short"),
                                                           (["query", "filter", "limit"], "greater_than_equal")]),
            ("%7B%22title%22%3A%22x%22%2C%22tag%22%3A1%7D", [(["query", "filter", "tag"], "extra_forbidden")]),
            ("%5B%5D", [(["query", "filter"], "dict_type")]),
        ]
        for query, want in cases:
            with self.subTest(query=query):
                r = self.list_notes("?filter=" + query)
                self.assertEqual(r.status, 422, r.body)
                self.assertEqual([(e["loc"], e["type"]) for e in r.json()["detail"]], want)
                for e in r.json()["detail"]:
                    self.assertTrue({"type", "loc", "msg", "input"} <= set(e), e)

    def test_9_every_documented_status_was_produced(self):
        assert_all_covered(self, self.spec, EXEMPT, os.path.relpath(__file__))


if __name__ == "__main__":
    unittest.main(verbosity=2)
