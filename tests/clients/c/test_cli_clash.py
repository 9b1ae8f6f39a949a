#!/usr/bin/python3
"""The command-line client on a spec whose names are its own options (clash.yaml; ctest: clients.cli_clash).

create_bookmark has query parameters timeout and accept and body fields url, requests and full_name.  After the
operation those names are the operation's (the request carries them); the tool's --url goes before it; the same
name twice after the operation is refused, saying where the tool's option goes; --help marks each such name.
A recording server on loopback answers 201 with the body it got.

Usage: test_cli_clash.py CLIENT
"""

import json
import subprocess
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT = sys.argv.pop(1)


class Recorder(BaseHTTPRequestHandler):
    seen = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append((self.path, json.loads(body)))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run(*args):
    p = subprocess.run([CLIENT] + list(args), capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


class Clash(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = "http://127.0.0.1:%d" % cls.server.server_port

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def test_after_the_operation_its_names_win(self):
        Recorder.seen.clear()
        rc, out, err = run("--url", self.url, "--timeout", "30", "create-bookmark", "--url", "https://a.example/",
                           "--title", "A", "--timeout", "5", "--accept", "all", "--requests", "3",
                           "--full-name", "Ada")
        self.assertEqual(rc, 0, err)
        self.assertIn("HTTP 201", err)
        self.assertEqual(len(Recorder.seen), 1, "one call, not a load run (--requests is the body's)")
        path, body = Recorder.seen[0]
        self.assertEqual(path, "/bookmarks/?timeout=5&accept=all")
        self.assertEqual(body, {"url": "https://a.example/", "title": "A", "requests": 3, "full_name": "Ada"})

    def test_tool_options_still_work_after_the_operation_where_nothing_shadows_them(self):
        Recorder.seen.clear()
        rc, out, err = run("--url", self.url, "create-bookmark", "--url", "https://b.example/", "--content-type",
                           "application/json", "--concurrency", "2")
        self.assertEqual(rc, 0, err + out)  # load mode: two calls
        self.assertEqual([b for _, b in Recorder.seen], [{"url": "https://b.example/"}] * 2)
        rc, out, err = run("--json", '{"url": "https://j.example/"}', "--url", self.url, "create-bookmark")
        self.assertEqual(rc, 0, err)  # --json before the operation too
        self.assertEqual(Recorder.seen[-1][1], {"url": "https://j.example/"})

    def test_the_same_name_twice_after_the_operation_is_refused(self):
        rc, out, err = run("create-bookmark", "--url", "https://a.example/", "--url", self.url)
        self.assertEqual(rc, 2)
        self.assertIn("'--url' is given twice after the operation, where it is the operation's own url: give the "
                      "tool's --url before the operation", err)
        rc, out, err = run("--url", self.url, "create-bookmark", "--url", "x", "--title", "A", "--title", "B")
        self.assertEqual(rc, 2)
        self.assertIn("'--title' is given twice", err)

    def test_help_marks_the_shadowed_options(self):
        rc, out, err = run("--help")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"--url +string, required \(the tool's --url goes before the operation\)")
        self.assertRegex(out, r"--timeout +integer; .*\(the tool's --timeout goes before the operation\)")
        self.assertRegex(out, r"--requests +integer, optional \(the tool's --requests goes before the operation\)")
        self.assertRegex(out, r"--full-name +string, optional\n")  # dashed, as the README spells fields
        self.assertIn("After it, a name the operation\nhas as a parameter or body field is the operation's", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
