"""The runtime is a library of its own: it builds, and its tests pass, with nothing of async-demo's API.

A temporary tree gets runtime/, codegen/, examples/notes/ and the runtime's unit tests, and nothing else:
no generated/, no handlers/, no app/, no node_modules.  There the runtime is built with
-DASYNC_DEMO_DOCS=OFF (no npm packages), its unit tests are built against async_demo_runtime alone and
run, and the example service is built on it and started: /docs and /redoc answer 404 with a message that
says why, /openapi.json and the operations answer.

Usage: test_runtime_alone.py SOURCE_DIR
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

# The PostgreSQL test needs a cluster (it runs in the full build); everything else runs here.
SKIPPED_TESTS = {"test_rt_db_pg.c"}

CMAKELISTS = """cmake_minimum_required(VERSION 3.18)
project(runtime_alone LANGUAGES C)
set(CMAKE_C_STANDARD 11)
set(ASYNC_DEMO_PYTHON /usr/bin/python3)
add_compile_options(-Wall -Wextra -Wno-unused-parameter -Werror)
set(ASYNC_DEMO_DOCS OFF CACHE BOOL "" FORCE)
add_subdirectory(runtime)
include(codegen/codegen.cmake)
file(GLOB tests tests/unit/runtime/test_rt_*.c)
foreach(src ${tests})
  get_filename_component(name ${src} NAME_WE)
  if(NOT name STREQUAL "test_rt_db_pg")
    add_executable(${name} ${src})
    target_compile_definitions(${name} PRIVATE ASYNC_DEMO_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    target_link_libraries(${name} PRIVATE async_demo_runtime)
  endif()
endforeach()
add_subdirectory(examples/notes)
"""


class RuntimeAlone(unittest.TestCase):
    def test_builds_and_passes_its_tests_without_the_api_or_npm(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-runtime-alone-") as tmp:
            for part in ("runtime", "codegen", "examples/notes", "tests/unit/runtime"):
                shutil.copytree(os.path.join(SOURCE_DIR, part), os.path.join(tmp, part),
                                ignore=shutil.ignore_patterns("__pycache__"))
            with open(os.path.join(tmp, "CMakeLists.txt"), "w") as f:
                f.write(CMAKELISTS)
            for absent in ("generated", "handlers", "app", "node_modules"):
                self.assertFalse(os.path.exists(os.path.join(tmp, absent)))
            build = os.path.join(tmp, "build")
            r = subprocess.run(["cmake", "-S", tmp, "-B", build, "-DCMAKE_BUILD_TYPE=Release"],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
            r = subprocess.run(["cmake", "--build", build, "-j", str(os.cpu_count() or 2)],
                               capture_output=True, text=True, timeout=1200)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])

            tests = sorted(n for n in os.listdir(os.path.join(tmp, "tests", "unit", "runtime"))
                           if n.startswith("test_rt_") and n.endswith(".c") and n not in SKIPPED_TESTS)
            self.assertGreater(len(tests), 5)
            for name in tests:
                with self.subTest(name):
                    r = subprocess.run([os.path.join(build, name[:-2])], capture_output=True, text=True,
                                       timeout=300, cwd=tmp)
                    self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-2000:])

            os.environ["ASYNC_DEMO_BIN"] = os.path.join(build, "examples", "notes", "notes")
            with Server(workers=1) as s:
                for page in ("/docs", "/redoc"):
                    r = s.get(page)
                    self.assertEqual(r.status, 404, page)
                    self.assertIn("-DASYNC_DEMO_DOCS=OFF", r.json()["detail"])
                self.assertEqual(s.get("/openapi.json").json()["info"]["title"], "notes")
                self.assertEqual(s.get("/hello/Ada").json(), {"message": "Hello, Ada!"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
