#!/usr/bin/python3
"""The contract tool's negative requests for a closed body (ctest contract.tool.mutations).

A body closed with additionalProperties: false, or with OpenAPI 3.1's unevaluatedProperties: false over an
allOf (which has no type of its own), gets a negative request with one property too many, which the schema
refuses; the service must answer it with a 4xx.  Usage: test_tool_mutations.py (no arguments).
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from contract_formats import Validator  # noqa: E402
from contract_gen import apply_body, body_mutations  # noqa: E402

TAG = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
CLOSED = {
    "additionalProperties": dict(TAG, additionalProperties=False),
    "unevaluatedProperties": {"allOf": [TAG], "properties": {"size": {"type": "integer"}},
                              "unevaluatedProperties": False},
}


def operation(schema):
    return {"operationId": "op", "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


class ClosedBodies(unittest.TestCase):
    def test_one_property_too_many(self):
        for key, schema in CLOSED.items():
            with self.subTest(key=key):
                mutations = [m for m in body_mutations(operation(schema)) if m[1] == "extra"]
                self.assertEqual(mutations, [("body: " + key, "extra", None)])
                req = apply_body({"body": {"name": "a", "size": 2} if "allOf" in schema else {"name": "a"},
                                  "media": "application/json"}, "extra", None, schema)
                self.assertIsNotNone(req)  # None: the mutated body would still be valid
                self.assertFalse(Validator(schema).is_valid(req["body"]))

    def test_open_body_has_none(self):
        self.assertEqual([m for m in body_mutations(operation(TAG)) if m[1] == "extra"], [])


if __name__ == "__main__":
    unittest.main(verbosity=1)
