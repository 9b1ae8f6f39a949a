#!/usr/bin/python3
"""The Unicode property names of format `regex`'s runtime check, written as a C header at build time.

Usage: regex_props_c.py OUT.h

rt_valid_format_regex_props.c looks the names of \\p{...} and \\P{...} up in these tables.  They come from
codegen/openapi_c/regex_props.py, the generator's own tables for rewriting patterns for PCRE2, so the runtime's
`format: regex` and the generator's `pattern` accept exactly the same property names (one source, two readers).
Each table is sorted by byte value (strcmp), for bsearch.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from openapi_c.names import c_string  # noqa: E402
from openapi_c import regex_props  # noqa: E402

WIDTH = 110


def c_table(name, names):
    """A static const char *const table of the names, sorted by their UTF-8 bytes (strcmp's order)."""
    rows, line = [], "   "
    for s in sorted(names, key=lambda n: n.encode("utf-8")):
        item = " %s," % c_string(s)
        if len(line) + len(item) > WIDTH:
            rows.append(line)
            line = "   "
        line += item
    rows.append(line)
    return "static const char *const %s[] = {\n%s\n};\n" % (name, "\n".join(rows))


def header():
    return ("/* Written by codegen/regex_props_c.py at build time from codegen/openapi_c/regex_props.py. "
            "DO NOT EDIT. */\n"
            + c_table("general_categories", regex_props.GENERAL_CATEGORY)
            + c_table("binary_properties", regex_props.BINARY)
            + c_table("scripts", regex_props.SCRIPT_NAMES)
            + c_table("category_keys", regex_props.CATEGORY_KEYS)
            + c_table("script_keys", regex_props.SCRIPT_KEYS))


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    text = header()
    try:
        with open(argv[1], encoding="utf-8") as f:
            if f.read() == text:
                return 0  # unchanged: keep its time, so nothing recompiles
    except OSError:
        pass
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
