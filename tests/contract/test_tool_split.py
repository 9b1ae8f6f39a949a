"""async-demo-contract on a spec split over several files (ctest contract.tool.split): the tool loads it as codegen
does (codegen/openapi_c/loader.py and bundle.py), so the parts kept in other files are tested, not skipped.

The split spec is codegen.bundle's fixture (tests/codegen/test_bundle.py: main.yaml with the /pets path item in
paths/pets.yaml, the Pet schema in schemas/Pet.yaml, a parameter and a response in common.yaml).
- the tool's loading step gives the same bundled document as codegen's loader (and as the spec written as one
  file by hand);
- a fake server (http.server on loopback) implementing that spec passes with 0 failures, and one that accepts a
  name longer than the maxLength written in schemas/Pet.yaml is reported (negative_4xx on addPet);
- a $ref to a URL is refused (exit status 2) and never fetched, and so is a file $ref in a spec read from a URL
  (codegen reads files only beside a spec on disk); the served, bundled document is accepted from its URL.
Usage: test_tool_split.py (no arguments).
"""

import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "codegen"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "codegen"))
sys.dont_write_bytecode = True
from async_demo_contract import load_spec  # noqa: E402  (the tool's own loading step)
import fake_server  # noqa: E402
from fake_server import FakeHandler, Served  # noqa: E402
from openapi_c.loader import load_spec as codegen_load_spec  # noqa: E402
from test_bundle import SINGLE, SPLIT, write  # noqa: E402  (codegen.bundle's split-spec fixture)


class Fake(FakeHandler):
    """The split spec's service: POST /pets (a Pet: name, a string of at most 20 characters, required; tag a
    string) answers 201 with the pet, GET /pets/{pet_id} (an integer >= 1) the pet or 404; refusals are 400
    (addPet documents no 422: 400 is a protocol refusal any server may give) and 422 (getPet's default).
    Also serves the spec documents it is given (served) and counts the requests for them (fetched)."""

    served = {}
    fetched = []

    def do_GET(self):
        if self.path in self.served:
            type(self).fetched.append(self.path)
            return self.send(200, self.served[self.path].encode(), "application/yaml")
        parts = self.path.split("/")
        if len(parts) != 3 or parts[1] != "pets":
            return self.send_json(404, {"detail": "not found"})
        try:
            n = int(parts[2])
        except ValueError:
            return self.send_json(422, {"detail": "pet_id is not an integer"})
        if n < 1:
            return self.send_json(422, {"detail": "pet_id is less than 1"})
        if n % 2 == 0:
            return self.send_json(404, {"detail": "no such pet"})
        return self.send_json(200, {"name": "pet %d" % n})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/pets":
            return self.send_json(404, {"detail": "not found"})
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            return self.send_json(415, {"detail": "application/json only"})
        try:
            pet = json.loads(body)
        except ValueError:
            return self.send_json(400, {"detail": "not JSON"})
        if not isinstance(pet, dict) or not isinstance(pet.get("name"), str) or \
                ("tag" in pet and not isinstance(pet["tag"], str)):
            return self.send_json(400, {"detail": "not a pet"})
        if len(pet["name"]) > 20 and self.fault != "length":
            return self.send_json(400, {"detail": "name too long"})
        return self.send_json(201, {k: pet[k] for k in ("name", "tag") if k in pet})


def serve(fault=None, served=None):
    """A Fake server on loopback, as a context manager: its url."""
    return Served(Fake, fault=fault, served=served or {}, fetched=[])


def run_tool(spec, base_url):
    return fake_server.run_tool(spec, base_url, 3)


class SplitSpec(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="contract-split-")
        write(self.tmp.name, SPLIT)
        self.main = os.path.join(self.tmp.name, "main.yaml")

    def tearDown(self):
        self.tmp.cleanup()

    def test_loaded_as_codegen_loads_it(self):
        spec = load_spec(self.main)
        self.assertEqual(spec, codegen_load_spec(self.main))
        self.assertEqual(spec, SINGLE)

    def test_correct_server_passes(self):
        with serve() as fake:
            rc, out = run_tool(self.main, fake.url)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("FAILED", out)
        for op in ("addPet", "getPet"):  # both operations sent requests (the table: name, then counts)
            row = [line.split() for line in out.splitlines() if line.startswith(op + " ")]
            self.assertTrue(row and int(row[0][1]) > 0, "%s: no requests\n%s" % (op, out))

    def test_constraint_of_another_file_checked(self):
        with serve("length") as fake:
            rc, out = run_tool(self.main, fake.url)
        self.assertEqual(rc, 1, out)
        self.assertIn("FAILED addPet [negative_4xx]", out)
        self.assertIn("maxLength", out)

    def test_remote_ref_refused_not_fetched(self):
        with serve(served={"/Pet.yaml": json.dumps(SPLIT["schemas/Pet.yaml"])}) as fake:
            files = dict(SPLIT)
            files["paths/pets.yaml"] = json.loads(json.dumps(SPLIT["paths/pets.yaml"]).replace(
                "../schemas/Pet.yaml", fake.url + "/Pet.yaml"))
            write(self.tmp.name, files)
            rc, out = run_tool(self.main, fake.url)
            fetched = list(fake.handler.fetched)
        self.assertEqual(rc, 2, out)
        self.assertIn("remote references are not fetched", out)
        self.assertIn("#/paths/~1pets/post/requestBody/content/application~1json/schema/$ref", out)
        self.assertEqual(fetched, [])

    def test_spec_from_a_url(self):
        bundled = json.dumps(SINGLE)
        with serve(served={"/openapi.json": bundled, "/split.yaml": json.dumps(SPLIT["main.yaml"])}) as fake:
            rc, out = run_tool(fake.url + "/openapi.json", fake.url)
            self.assertEqual(rc, 0, out)
            rc, out = run_tool(fake.url + "/split.yaml", fake.url)
            self.assertEqual(rc, 2, out)
            self.assertIn("'paths/pets.yaml' points outside the document", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
