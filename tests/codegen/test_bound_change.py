"""Changing a bound in openapi.yaml and rebuilding changes the service's validation.

Copies the project into a temporary directory, lowers the maximum of
/async-delay/{seconds} in the copy's openapi.yaml, builds the copy with
CMake (which regenerates generated/), starts the new binary and checks that
the new bound is enforced -- with no hand-written file touched.

Usage: test_bound_change.py SOURCE_DIR
"""

import os
import subprocess
import sys
import tempfile
import unittest

import yaml

SOURCE_DIR = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Server, copy_tracked  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


def seconds_schema(spec):
    params = spec["paths"]["/async-delay/{seconds}"]["get"]["parameters"]
    return [p for p in params if p["name"] == "seconds"][0]["schema"]


class BoundChange(unittest.TestCase):
    def test_new_maximum_is_enforced_after_rebuild(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-bound-") as tmp:
            copy_tracked(SOURCE_DIR, tmp)
            os.symlink(os.path.join(SOURCE_DIR, "node_modules"), os.path.join(tmp, "node_modules"))
            hand_written = {p: read(os.path.join(tmp, p)) for p in ["handlers/demo.c", "runtime/valid/rt_valid_scalar.c"]}

            spec_path = os.path.join(tmp, "openapi.yaml")
            with open(spec_path) as f:
                spec = yaml.safe_load(f)
            old_max = seconds_schema(spec)["maximum"]
            new_max = 5
            self.assertNotEqual(old_max, new_max)
            seconds_schema(spec)["maximum"] = new_max
            with open(spec_path, "w") as f:
                yaml.safe_dump(spec, f, sort_keys=False)

            build = os.path.join(tmp, "build")
            subprocess.run(["cmake", "-S", tmp, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DASYNC_DEMO_FUZZ=OFF"], check=True,
                           stdout=subprocess.DEVNULL, timeout=120)
            subprocess.run(["cmake", "--build", build, "--target", "async-demo", "-j", str(os.cpu_count() or 2)],
                           check=True, stdout=subprocess.DEVNULL, timeout=600)

            for path, content in hand_written.items():
                self.assertEqual(read(os.path.join(tmp, path)), content, path + " was modified")

            os.environ["ASYNC_DEMO_BIN"] = os.path.join(build, "async-demo")
            with Server(workers=1) as s:
                r = s.get("/async-delay/%d" % (new_max + 1))
                self.assertEqual(r.status, 422, r.body)
                item = r.json()["detail"][0]
                self.assertEqual(item["type"], "less_than_equal")
                self.assertEqual(item["ctx"], {"le": new_max})
                self.assertEqual(s.get("/async-delay/0").status, 200)
                published = s.get("/openapi.json").json()
                self.assertEqual(seconds_schema(published)["maximum"], new_max)


if __name__ == "__main__":
    unittest.main(verbosity=2)
