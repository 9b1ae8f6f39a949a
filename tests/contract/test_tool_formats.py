#!/usr/bin/python3
"""The contract tool draws a valid value for every format the generator enforces (ctest contract.tool.formats).

A format without a strategy of its own is drawn as any text and then filtered by the format checker, which
mostly finds nothing: the operation goes untested, or the tool reports a failure that is its own.  So every
format that codegen/openapi_c/refusals.py maps to a runtime check must have a strategy in
tools/contract_gen.py, and what it draws must pass that check (as the generator's mirror of it,
codegen/openapi_c/formats.py, judges it).
Usage: test_tool_formats.py (no arguments).
"""

import os
import sys
import unittest

from hypothesis import given, settings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "codegen"))
from contract_gen import FORMAT_STRATEGIES  # noqa: E402
from openapi_c.formats import reason  # noqa: E402
from openapi_c.refusals import STRING_FORMATS  # noqa: E402

CHECKED = sorted(name for name, constant in STRING_FORMATS.items() if constant is not None)


class Formats(unittest.TestCase):
    def test_every_checked_format_has_a_strategy(self):
        self.assertEqual([f for f in CHECKED if f not in FORMAT_STRATEGIES], [])


def drawn_values_pass(fmt):
    @settings(max_examples=40, database=None, derandomize=True, deadline=None)
    @given(FORMAT_STRATEGIES[fmt])
    def check(self, value):
        self.assertIsNone(reason(fmt, value), "%s drawn for format %s" % (value, fmt))
    return check


for _fmt in CHECKED:
    if _fmt in FORMAT_STRATEGIES:
        setattr(Formats, "test_drawn_%s" % _fmt.replace("-", "_"), drawn_values_pass(_fmt))


if __name__ == "__main__":
    unittest.main(verbosity=1)
