"""Adding a stateless endpoint takes the spec and one handler file, nothing else (README: "Adding an endpoint").

In a copy of the project: GET /echo/{word} is added to openapi.yaml and the build is run.  Without a
handler the build names the operation (a warning; an error with -DASYNC_DEMO_STRICT_HANDLERS=ON) and the
operation answers 501.  Then handlers/echo.c is written and the project rebuilt: the endpoint answers, its
bound is enforced, and the contract test, unedited, passes on the changed spec (its smoke cases come from
the spec's examples).  Nothing but openapi.yaml, handlers/echo.c and the regenerated generated/ changed.

Usage: test_add_endpoint.py SOURCE_DIR
"""

import os
import subprocess
import sys
import tempfile
import unittest

import yaml

SOURCE_DIR = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Server, copy_tracked  # noqa: E402

HANDLER = r"""/*
 * GET /echo/{word}: the word back.
 */
#include "api.h"

#include <string.h>

void handle_echo_word(struct rt_req *req, const struct api_echo_word_params *params)
{
    struct api_echo body = {.word = rt_req_strndup(req, params->word, strlen(params->word))};

    api_echo_word__reply_200(req, &body);
}
"""


def read(path):
    with open(path, "rb") as f:
        return f.read()


def add_echo(spec_path):
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    spec["paths"]["/echo/{word}"] = {"get": {
        "operationId": "echo_word", "tags": ["demo"], "summary": "Echo a word",
        "description": "Answers the word it is given.",
        "parameters": [{"name": "word", "in": "path", "required": True, "description": "A word.",
                        "schema": {"type": "string", "maxLength": 20}, "example": "hello"}],
        "responses": {
            "200": {"description": "The word.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Echo"}, "example": {"word": "hello"}}}},
            "422": {"description": "Validation error.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}},
        }}}
    spec["components"]["schemas"]["Echo"] = {
        "type": "object", "description": "A word, echoed.", "required": ["word"],
        "properties": {"word": {"type": "string", "description": "The word."}}}
    with open(spec_path, "w") as f:
        yaml.safe_dump(spec, f, sort_keys=False)


class AddEndpoint(unittest.TestCase):
    def build(self, tmp, strict):
        build = os.path.join(tmp, "build")
        subprocess.run(["cmake", "-S", tmp, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DASYNC_DEMO_FUZZ=OFF",
                        "-DASYNC_DEMO_STRICT_HANDLERS=" + ("ON" if strict else "OFF")],
                       check=True, stdout=subprocess.DEVNULL, timeout=300)
        r = subprocess.run(["cmake", "--build", build, "--target", "async-demo", "-j", str(os.cpu_count() or 2)],
                           capture_output=True, text=True, timeout=900)
        return r, os.path.join(build, "async-demo")

    def test_spec_plus_one_handler_file(self):
        with tempfile.TemporaryDirectory(prefix="async-demo-add-endpoint-") as tmp:
            copied = copy_tracked(SOURCE_DIR, tmp)
            os.symlink(os.path.join(SOURCE_DIR, "node_modules"), os.path.join(tmp, "node_modules"))
            before = {p: read(os.path.join(tmp, p)) for p in copied}
            add_echo(os.path.join(tmp, "openapi.yaml"))

            # 1. The spec alone: the build names the operation that lacks a handler; it answers 501.
            r, binary = self.build(tmp, strict=False)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            self.assertIn("echo_word (GET /echo/{word}): write handle_echo_word()", r.stdout + r.stderr)
            os.environ["ASYNC_DEMO_BIN"] = binary
            with Server(workers=1) as s:
                self.assertEqual(s.get("/echo/hi").status, 501)
            r, _ = self.build(tmp, strict=True)
            self.assertNotEqual(r.returncode, 0, "a missing handler must fail a strict build")
            self.assertIn("echo_word (GET /echo/{word})", r.stdout + r.stderr)

            # 2. One handler file, found by the build with no other edit.
            with open(os.path.join(tmp, "handlers", "echo.c"), "w") as f:
                f.write(HANDLER)
            r, binary = self.build(tmp, strict=True)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            self.assertNotIn("have no handler", r.stdout + r.stderr)
            os.environ["ASYNC_DEMO_BIN"] = binary
            with Server(workers=1) as s:
                r = s.get("/echo/hi")
                self.assertEqual((r.status, r.json()), (200, {"word": "hi"}))
                r = s.get("/echo/" + "w" * 21)
                self.assertEqual(r.status, 422)
                self.assertEqual(r.json()["detail"][0]["type"], "string_too_long")

            # 3. The contract test, unedited, covers the new operation from the spec's examples.
            env = dict(os.environ, ASYNC_DEMO_BIN=binary, ASYNC_DEMO_DB="sqlite", PYTHONDONTWRITEBYTECODE="1")
            r = subprocess.run([sys.executable, os.path.join(tmp, "tests", "contract", "test_contract.py"),
                                os.path.join(tmp, "openapi.yaml")], capture_output=True, text=True, env=env,
                               timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr[-4000:])

            # 4. What changed: the spec, the handler, and generated/ (regenerated by the build).
            changed = sorted(p for p, content in before.items()
                             if not p.startswith("generated/") and read(os.path.join(tmp, p)) != content)
            self.assertEqual(changed, ["openapi.yaml"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
