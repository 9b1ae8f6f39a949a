#!/usr/bin/python3
"""lint.tap: the TAP helper of the plain-Python test scripts (tests/tap.py) can fail, and is the only one.

- a script whose checks all pass exits 0 with the plan 1..N; one failed check makes it exit 1 and prints
  "not ok N - ..."; a script that checked nothing exits 1 (it showed nothing);
- no Python file under tests/ or bench/ defines its own ok() (a module-level `def ok(`): they import tests/tap.py
  instead of copying it again.
Usage: check_tap.py SOURCE_DIR
"""

import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1])
TESTS = os.path.join(ROOT, "tests")
failures = []


def run(body):
    code = "import sys\nsys.path.insert(0, %r)\nfrom tap import done, ok\n%s\nsys.exit(done())\n" % (TESTS, body)
    p = subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


def expect(cond, what, out):
    print("%s - %s" % ("ok" if cond else "not ok", what))
    if not cond:
        failures.append(what)
        print("# " + out.replace("\n", "\n# "))


rc, out = run("ok(True, 'a')\nok(1 == 1, 'b')")
expect(rc == 0 and "ok 1 - a\nok 2 - b\n1..2\n" in out, "all passed: exit 0, numbered, the plan", out)
rc, out = run("ok(True, 'a')\nok(False, 'b')\nok(True, 'c')")
expect(rc == 1 and "not ok 2 - b" in out and "1..3" in out and "# 2 passed, 1 failed" in out,
       "one failed: exit 1, not ok", out)
rc, out = run("")
expect(rc == 1 and "1..0" in out, "no check: exit 1", out)

copies = []
for top in ("tests", "bench"):
    for folder, _, files in os.walk(os.path.join(ROOT, top)):
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".py") and path != os.path.join(TESTS, "tap.py"):
                with open(path, encoding="utf-8") as f:
                    if re.search(r"^def ok\(", f.read(), re.M):
                        copies.append(os.path.relpath(path, ROOT))
expect(not copies, "no copy of ok(): import tests/tap.py instead (%s)" % ", ".join(copies), "")
print("1..4")
sys.exit(1 if failures else 0)
