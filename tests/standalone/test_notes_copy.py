"""A copy of examples/notes outside the repository builds, as README.md ("A second service") says to start one.

The copy, in a temporary directory, does not configure without -DASYNC_DEMO_REPO (it is in no checkout) nor with
a directory that is not one, and says to pass it; with the checkout it configures and builds (the service only:
the runtime and its generated API, at -O0) and serves its operations under /v1.

Usage: test_notes_copy.py SOURCE_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.path.abspath(sys.argv.pop(1))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Server  # noqa: E402


def cmake(*args, timeout=300):
    return subprocess.run(["cmake"] + list(args), capture_output=True, text=True, timeout=timeout)


def said(r):
    """cmake's messages on one line (it wraps them)."""
    return " ".join(r.stderr.split())


class NotesCopy(unittest.TestCase):
    def test_a_copy_outside_the_repository_builds_when_told_where_the_checkout_is(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-notes-copy-") as tmp:
            svc = os.path.join(tmp, "mysvc")
            shutil.copytree(os.path.join(SOURCE_DIR, "examples", "notes"), svc)
            build = os.path.join(svc, "build")
            r = cmake("-S", svc, "-B", build)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("ASYNC_DEMO_REPO is not set", said(r))
            self.assertIn("Pass -DASYNC_DEMO_REPO=/path/to/async-demo", said(r))
            r = cmake("-S", svc, "-B", build, "-DASYNC_DEMO_REPO=" + tmp)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("ASYNC_DEMO_REPO (%s) is not an async-demo checkout" % tmp, said(r))
            r = cmake("-S", svc, "-B", build, "-DASYNC_DEMO_REPO=" + SOURCE_DIR)
            self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
            r = cmake("--build", build, "-j2", "--target", "notes", timeout=600)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            os.environ["ASYNC_DEMO_BIN"] = os.path.join(build, "notes")
            with Server(workers=1, base_path="/v1", database_url="sqlite:///" + os.path.join(tmp, "notes.db")) as s:
                self.assertEqual(s.get("/hello/Ada").json(), {"message": "Hello, Ada!"})
                self.assertEqual(s.get("/openapi.json").json()["info"]["title"], "notes")


if __name__ == "__main__":
    unittest.main(verbosity=2)
