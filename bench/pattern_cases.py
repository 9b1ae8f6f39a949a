#!/usr/bin/python3
"""The cases of bench/pattern_bench.c, written as a C header with the generator's PCRE2 rewrite of each pattern.

Usage: pattern_cases.py OUT.h

Each case is an ECMA-262 pattern a spec author writes, the POSIX ERE the generator wrote for glibc's regcomp
before PCRE2 (kept as text: that generator is gone), and a value that matches.  The PCRE2 expression is what
codegen/openapi_c/regex.py writes today, so the benchmark measures what the service runs, whatever the
translation becomes.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "codegen"))

from openapi_c.names import c_string  # noqa: E402
from openapi_c.regex import pcre2_regex  # noqa: E402

NOTES = ("Remember to water the plants on the balcony every morning, and the ones in the hall twice a week; "
         "the fern by the window likes the mist spray more than watering, so give it that on Sundays instead!")
# (name, ECMA-262 pattern, the ERE written for regcomp before, a matching value)
CASES = (
    ("slug", r"^[a-z0-9_-]+$", r"^[a-z0-9_-]+$", "front-door_2"),
    ("sha256", r"^[0-9a-f]{64}$", r"^[0-9a-f]{64}$", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    ("no tags (200 B)", r"^[^<>]*$", r"^[^<>]*$", NOTES),
    ("phone", r"^\d{3}-\d{4}$", r"^[0-9]{3}-[0-9]{4}$", "555-0199"),
    ("username", r"^[a-z][a-z0-9_]{2,19}$", r"^[a-z][a-z0-9_]{2,19}$", "ada_lovelace"),
    ("email-ish", r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", r"^[^@[:space:]]+@[^@[:space:]]+\.[a-z]{2,}$",
     "ada.lovelace@example.org"),
)


def main(argv):
    rows = ["    {%s, %s, %s, %s, %s}," % (c_string(name), c_string(ecma), c_string(ere), c_string(pcre2_regex(ecma)),
                                         c_string(value))
            for name, ecma, ere, value in CASES]
    text = "/* Written by bench/pattern_cases.py at build time. DO NOT EDIT. */\n" \
           "static const struct bench_case cases[] = {\n%s\n};\n" % "\n".join(rows)
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
