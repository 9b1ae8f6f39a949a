#!/usr/bin/python3
"""RT_CODEGEN_ABI has one source of truth, runtime/valid/rt_valid.h (ctest codegen.abi).

- the value codegen writes into the generated #if check is the header's, read independently here; and the
  committed generated/ carries that value (a bump of the header without regenerating fails here, early, instead of
  as an #error in the middle of a build);
- codegen reads it from the header it is given (build.codegen_abi): another value is picked up, and a header it
  cannot read, or with no or two defines, is refused with a message naming the header;
- the codegen targets depend on the header (ASYNC_DEMO_CODEGEN_INPUTS, which CMake passes as argv[1], lists it), so
  a bump regenerates.
Usage: test_abi.py "<ASYNC_DEMO_CODEGEN_INPUTS as a CMake list>"
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "codegen"))
from tap import done, ok  # noqa: E402  (tests/tap.py)
from openapi_c.build import codegen_abi  # noqa: E402
from openapi_c.refusals import SpecError  # noqa: E402

HEADER = os.path.join(REPO, "runtime", "valid", "rt_valid.h")
WRITTEN = re.compile(r"RT_CODEGEN_ABI != ([0-9]+)")


def header_value():
    with open(HEADER, encoding="utf-8") as f:
        found = re.findall(r"^#define RT_CODEGEN_ABI ([0-9]+)\s*$", f.read(), re.M)
    ok(len(found) == 1, "rt_valid.h defines RT_CODEGEN_ABI once: %s" % found)
    return int(found[0]) if found else None


def written_values(directory):
    """{file: the ABI its #if check names} of the generated files in directory that carry one."""
    out = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            found = set(WRITTEN.findall(f.read()))
        if found:
            out[name] = found
    return out


def test_written_is_the_headers(tmp, abi):
    out = os.path.join(tmp, "gen")
    p = subprocess.run(["/usr/bin/python3", os.path.join(REPO, "codegen", "gen.py"), "--spec",
                        os.path.join(HERE, "fixture.yaml"), "--out", out], capture_output=True, text=True)
    ok(p.returncode == 0, "the fixture generates: %s" % p.stderr[-300:])
    if p.returncode != 0:
        return
    for where, values in (("generated from the fixture", written_values(out)),
                          ("committed in generated/", written_values(os.path.join(REPO, "generated")))):
        ok(values and all(v == {str(abi)} for v in values.values()),
           "the ABI %s equals the header's %s: %s" % (where, abi, values))


def test_read_from_the_header(tmp, abi):
    ok(codegen_abi() == abi, "codegen_abi() reads the header's value %s" % abi)
    other = os.path.join(tmp, "rt_valid.h")
    cases = [("/* a comment */\n#define RT_CODEGEN_ABI 4242\n", 4242, None),
             ("#define RT_CODEGEN_ABI_OTHER 3\n", None, "found 0"),
             ("#define RT_CODEGEN_ABI 3\n#define RT_CODEGEN_ABI 4\n", None, "found 2"),
             ("#define RT_CODEGEN_ABI twelve\n", None, "found 0")]
    for text, value, message in cases:
        with open(other, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            got, why = codegen_abi(other), None
        except SpecError as e:
            got, why = None, str(e)
        if value is not None:
            ok(got == value, "a header defining %s: read as %r" % (value, got))
        else:
            ok(why is not None and message in why and other in why and "RT_CODEGEN_ABI" in why,
               "a header with %r is refused naming it: %s" % (text.strip(), why))
    try:
        codegen_abi(os.path.join(tmp, "missing.h"))
        why = None
    except SpecError as e:
        why = str(e)
    ok(why is not None and "missing.h" in why, "a header that cannot be read is refused naming it: %s" % why)


def test_codegen_depends_on_the_header(inputs):
    listed = {os.path.realpath(p) for p in inputs.split(";") if p}
    ok(os.path.realpath(HEADER) in listed,
       "ASYNC_DEMO_CODEGEN_INPUTS (the codegen targets' dependencies) lists rt_valid.h: %d inputs" % len(listed))


def main():
    abi = header_value()
    with tempfile.TemporaryDirectory() as tmp:
        if abi is not None:
            test_written_is_the_headers(tmp, abi)
            test_read_from_the_header(tmp, abi)
    if len(sys.argv) > 1:
        test_codegen_depends_on_the_header(sys.argv[1])
    else:
        ok(False, "usage: test_abi.py \"<ASYNC_DEMO_CODEGEN_INPUTS>\" (ctest passes it)")
    return done()


if __name__ == "__main__":
    sys.exit(main())
