#!/usr/bin/python3
"""Static analysis stays quiet: cppcheck and clang-tidy find nothing in the C the project compiles.

- cppcheck (warning, performance and portability checks) reads every translation unit of the build's
  compile_commands.json, tests and generated code included, with each unit's own defines and include paths.
- clang-tidy, with the checks of the repository's .clang-tidy (the static analyzer and bugprone-*), reads the
  hand-written C that ships: runtime/, handlers/, app/, tools/ and the examples' handlers and app/.  It is the
  slow one (the analyzer: about a second per file), so files run in parallel, one per core.

Each file checked is one TAP line; a finding prints as the tool wrote it, under its file.  A wrong finding is
suppressed where it stands, with its reason (cppcheck-suppress ID, NOLINTNEXTLINE(check)), never here.  Exit 1
on a finding, 2 if the tool is missing or no file was checked (a check that cannot fail is no check).

Usage: check_static.py cppcheck|clang-tidy SOURCE_DIR BUILD_DIR TOOL_PATH
"""

import concurrent.futures
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402

# The hand-written, shipped C clang-tidy reads (paths relative to the source tree).
TIDY_FOLDERS = re.compile(r"^(runtime|handlers|app|tools|examples/[^/]+/(handlers|app))/[^ ]*\.c$")
FINDING = re.compile(r"^(?P<file>[^:\s]+):\d+:\d+: (warning|error|style|performance|portability): ")


def units(build):
    """The source files of @build's compile_commands.json, each once, as absolute paths."""
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    out = []
    for e in entries:
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if path not in out:
            out.append(path)
    return out


def findings_by_file(text, files):
    """The finding lines of a tool's output, with the lines after each (its notes), grouped by their file."""
    found, current = {f: [] for f in files}, None
    for line in text.splitlines():
        m = FINDING.match(line)
        if m:
            current = os.path.normpath(m.group("file"))
            found.setdefault(current, []).append(line)
        elif current is not None and line.strip():
            found[current].append("    " + line)
    return found


def run_cppcheck(tool, source, build):
    """cppcheck over the whole compilation database (it parallelises itself with -j)."""
    files = [f for f in units(build) if "/_deps/" not in f]
    cmd = [tool, "-q", "--project=" + os.path.join(build, "compile_commands.json"), "--inline-suppr",
           "--enable=warning,performance,portability", "-j", str(os.cpu_count() or 1), "-i",
           os.path.join(build, "_deps"), "--template={file}:{line}:{column}: {severity}: {message} [{id}]"]
    proc = subprocess.run(cmd, cwd=source, capture_output=True, text=True)
    if proc.returncode != 0:
        print("# cppcheck exited %d: %s" % (proc.returncode, proc.stderr.strip()[-2000:]))
        return None
    return files, findings_by_file(proc.stderr + proc.stdout, files)


def tidy_one(tool, build, path):
    """clang-tidy on one file: (path, its output)."""
    proc = subprocess.run([tool, "-p", build, "--quiet", path], capture_output=True, text=True)
    text = proc.stdout
    if proc.returncode != 0 and not text.strip():
        text = "%s:0:0: error: clang-tidy exited %d: %s" % (path, proc.returncode, proc.stderr.strip()[-500:])
    return path, text


def run_clang_tidy(tool, source, build):
    """clang-tidy on the shipped hand-written files, one process per core."""
    files = [f for f in units(build) if TIDY_FOLDERS.match(os.path.relpath(f, source))]
    found = {f: [] for f in files}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for path, text in pool.map(lambda f: tidy_one(tool, build, f), files):
            for file, lines in findings_by_file(text, [path]).items():
                found.setdefault(file, []).extend(lines)
    return files, found


def main(argv):
    if len(argv) != 5 or argv[1] not in ("cppcheck", "clang-tidy"):
        print(__doc__.strip().splitlines()[-1])
        return 2
    which, source, build, tool = argv[1], os.path.abspath(argv[2]), os.path.abspath(argv[3]), argv[4]
    if not os.access(tool, os.X_OK):
        print("# %s not found at %s (./demo setup installs it)" % (which, tool))
        return 2
    result = (run_cppcheck if which == "cppcheck" else run_clang_tidy)(tool, source, build)
    if result is None:
        return 2
    files, found = result
    for path in sorted(found):
        lines = found[path]
        ok(not lines, "%s: %s" % (which, os.path.relpath(path, source)))
        for line in lines:
            print("# " + line)
    if not files:
        print("# no file to check in %s/compile_commands.json" % build)
        return 2
    return done()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
