"""The runtime is a library of its own: it builds, and its tests pass, with nothing of async-demo's API.

A temporary tree gets runtime/, codegen/, examples/notes/ and tests/unit/, and nothing else:
no generated/, no handlers/, no app/, no node_modules.  There the runtime is built with
-DASYNC_DEMO_DOCS=OFF (no npm packages), its unit tests are built against async_demo_runtime alone and
run, and the example service is built on its own (as its README says) and started: /docs and /redoc
answer 404 with a message that says why (and the start-up line says there are none), /openapi.json and the
operations answer.

Usage: test_runtime_alone.py SOURCE_DIR
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.path.abspath(sys.argv.pop(1))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Server  # noqa: E402

CMAKELISTS = """cmake_minimum_required(VERSION 3.18)
project(runtime_alone LANGUAGES C)
set(CMAKE_C_STANDARD 11)
set(ASYNC_DEMO_PYTHON /usr/bin/python3)
add_compile_options(-Wall -Wextra -Wno-unused-parameter -Wcast-qual -Werror)
add_compile_definitions(_GNU_SOURCE)
set(ASYNC_DEMO_DOCS OFF CACHE BOOL "" FORCE)
add_subdirectory(runtime)
include(codegen/codegen.cmake)
enable_testing()
add_subdirectory(tests/unit)
"""


class RuntimeAlone(unittest.TestCase):
    def test_builds_and_passes_its_tests_without_the_api_or_npm(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-runtime-alone-") as tmp:
            for part in ("runtime", "codegen", "examples/notes", "tests/unit"):
                shutil.copytree(os.path.join(SOURCE_DIR, part), os.path.join(tmp, part),
                                ignore=shutil.ignore_patterns("__pycache__"))
            with open(os.path.join(tmp, "CMakeLists.txt"), "w") as f:
                f.write(CMAKELISTS)
            build = os.path.join(tmp, "build")
            r = subprocess.run(["cmake", "-S", tmp, "-B", build, "-DCMAKE_BUILD_TYPE=Release"],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
            r = subprocess.run(["cmake", "--build", build, "-j", str(os.cpu_count() or 2)],
                               capture_output=True, text=True, timeout=1200)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])

            # The runtime's unit tests, as tests/unit/CMakeLists.txt registers them (without the API's).
            r = subprocess.run(["ctest", "-L", "unit", "--output-on-failure"], cwd=build, capture_output=True,
                               text=True, timeout=900)
            self.assertEqual(r.returncode, 0, r.stdout[-4000:])
            ran = re.findall(r"Test +#\d+: unit\.(\S+)", r.stdout)
            self.assertGreater(len(ran), 10, r.stdout[-2000:])
            self.assertNotIn("api_dispatch", ran)

            # The example service on its own, as its README builds it: it brings the runtime in itself.
            notes = os.path.join(tmp, "build-notes")
            r = subprocess.run(["cmake", "-S", os.path.join(tmp, "examples", "notes"), "-B", notes,
                                "-DASYNC_DEMO_DOCS=OFF"], capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
            r = subprocess.run(["cmake", "--build", notes, "-j", str(os.cpu_count() or 2)], capture_output=True,
                               text=True, timeout=1200)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            os.environ["ASYNC_DEMO_BIN"] = os.path.join(notes, "notes")
            with Server(workers=1, base_path="/v1") as s:  # its servers: /{version}, v1
                for page in ("/docs", "/redoc"):
                    r = s.get(page)
                    self.assertEqual(r.status, 404, page)
                    self.assertIn("-DASYNC_DEMO_DOCS=OFF", r.json()["detail"])
                self.assertEqual(s.get("/openapi.json").json()["info"]["title"], "notes")
                self.assertEqual(s.get("/hello/Ada").json(), {"message": "Hello, Ada!"})
                # the start-up line says so, and where the spec is under the base path
                self.assertIn("; no docs pages (built with -DASYNC_DEMO_DOCS=OFF), the spec at /v1/openapi.json",
                              s.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
