#!/usr/bin/python3
"""Files a reader can hold: no hand-written source file over MAX_FILE lines, no function over MAX_FUNCTION.

Checks the C (.c, .h) and Python (.py) files git tracks under the hand-written folders (runtime/,
handlers/, app/, codegen/, tools/, examples/, tests/, bench/); generated/ is the generator's output and is
not checked.  A C function is counted from its first line at column 0 to its closing brace at column 0
(the project's clang-format style puts both there); a Python function from its `def` to its last line.
Each file or function over its limit is printed with its size; the exit status is 1 if there is one, and
2 if no file was checked at all (a check that cannot fail is no check).

Usage: check_size.py SOURCE_DIR
"""

import os
import re
import subprocess
import sys

MAX_FILE = 600
MAX_FUNCTION = 80
FOLDERS = ("runtime/", "handlers/", "app/", "codegen/", "tools/", "examples/", "tests/", "bench/")
C_START = re.compile(r"^[A-Za-z_][A-Za-z0-9_ \t\*]*\b[A-Za-z_][A-Za-z0-9_]*\(")


def c_functions(lines):
    """(name, first line, length) of each function definition in C @lines."""
    out, start, name = [], None, None
    for i, line in enumerate(lines):
        if start is None and C_START.match(line) and not line.rstrip().endswith(";"):
            start, name = i, line.split("(")[0].split()[-1].lstrip("*")
        elif start is not None and line.startswith(";"):
            start = None
        elif start is not None and line.startswith("}"):
            out.append((name, start + 1, i - start + 1))
            start = None
        elif start is not None and line.rstrip().endswith(";") and not line.startswith((" ", "\t", "{")):
            start = None  # a prototype spread over several lines
    return out


def py_functions(lines):
    """(name, first line, length) of each def in Python @lines, nested ones included."""
    out = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)def (\w+)", line)
        if not m:
            continue
        indent, end = len(m.group(1)), i
        for j in range(i + 1, len(lines)):
            text = lines[j]
            if text.strip() and not text.strip().startswith("#") and len(text) - len(text.lstrip()) <= indent:
                break
            if text.strip():
                end = j
        out.append((m.group(2), i + 1, end - i + 1))
    return out


def main():
    root = os.path.abspath(sys.argv[1])
    tracked = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True, check=True).stdout
    files = [p for p in tracked.splitlines() if p.startswith(FOLDERS) and p.endswith((".c", ".h", ".py"))
             and os.path.isfile(os.path.join(root, p))]
    problems = []
    for path in files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        if len(lines) > MAX_FILE:
            problems.append("%s: %d lines (at most %d: split it by concern)" % (path, len(lines), MAX_FILE))
        functions = py_functions(lines) if path.endswith(".py") else c_functions(lines)
        for name, first, length in functions:
            if length > MAX_FUNCTION:
                problems.append("%s:%d: %s() is %d lines (at most %d)" % (path, first, name, length, MAX_FUNCTION))
    if not files:
        print("check_size: no source files found under %s" % root)
        return 2
    for p in problems:
        print(p)
    print("check_size: %d files, %d over a limit" % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
