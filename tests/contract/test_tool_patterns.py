#!/usr/bin/python3
"""The contract checkers read `pattern` as the service does (ctest contract.tool.patterns).

contract_formats.Validator judges `pattern`, `patternProperties` and the additionalProperties that depend on
them as ECMA-262 with the u flag, through the service's engine; python3-jsonschema's own reading (Python's re)
differs on exactly these cases, so each assertion below fails with the stock validator.  contract_gen draws
pattern strings the service accepts.
Usage: test_tool_patterns.py (no arguments).
"""

import os
import sys
import unittest

import jsonschema
from hypothesis import given, settings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from contract_formats import Validator  # noqa: E402
from contract_gen import pattern_strings, strings  # noqa: E402

BENGALI_42 = "\u09ea\u09e8"


def both(schema, value):
    """(the service's verdict, python3-jsonschema's)"""
    return Validator(schema).is_valid(value), jsonschema.Draft202012Validator(schema).is_valid(value)


class Patterns(unittest.TestCase):
    def test_ascii_digits(self):
        self.assertEqual(both({"pattern": "^\\d+$"}, BENGALI_42), (False, True))

    def test_dollar_is_the_end(self):
        self.assertEqual(both({"pattern": "^abc$"}, "abc\n"), (False, True))

    def test_ecma_whitespace(self):
        self.assertEqual(both({"pattern": "^\\s$"}, "\ufeff"), (True, False))

    def test_unicode_property(self):
        self.assertTrue(Validator({"pattern": "^\\p{L}+$"}).is_valid("\u00e9cole"))
        self.assertFalse(Validator({"pattern": "^\\p{L}+$"}).is_valid("ecole1"))
        with self.assertRaises(Exception):  # Python's re has no \p{...}
            jsonschema.Draft202012Validator({"pattern": "^\\p{L}+$"}).is_valid("a")

    def test_pattern_properties(self):
        schema = {"type": "object", "patternProperties": {"^\\d+$": {"type": "integer"}},
                  "additionalProperties": False}
        self.assertEqual(both(schema, {"42": 1}), (True, True))
        self.assertEqual(both(schema, {BENGALI_42: 1}), (False, True))
        self.assertEqual(both(schema, {"42": "x"}), (False, False))

    @settings(max_examples=60, deadline=None, database=None)
    @given(strings({"type": "string", "pattern": "^\\d{2,4}-\\w+$"}, {}))
    def test_drawn_values_match(self, value):
        self.assertTrue(Validator({"pattern": "^\\d{2,4}-\\w+$"}).is_valid(value), value)
        self.assertTrue(value.isascii(), value)

    def test_unreadable_pattern_is_named(self):
        with self.assertRaisesRegex(ValueError, "cannot draw values"):
            pattern_strings("^\\p{L}+$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
