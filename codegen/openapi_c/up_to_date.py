"""gen.py --check: is the generated code up to date?  Compares with a directory and, for the service's own
generated/ in a clean git checkout, with what HEAD commits (ctest codegen_up_to_date)."""

import os
import subprocess

from .paths import DEFAULT_OUT, DEFAULT_SPEC, REPO


def git(*args):
    return subprocess.run(["git", "-C", REPO] + list(args), capture_output=True, text=True)


def check(files, out_dir, spec_path):
    """Compare with out_dir and, in a clean git checkout, with the committed generated/. @return problems."""
    problems = []
    for name, text in files.items():
        path = os.path.join(out_dir, name)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    problems.append("%s differs from what gen.py generates now" % path)
        except FileNotFoundError:
            problems.append("%s is missing" % path)
    default_out = os.path.abspath(out_dir) == DEFAULT_OUT
    default_spec = os.path.abspath(spec_path) == DEFAULT_SPEC
    if not (default_out and default_spec):
        return problems
    if git("rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        print("gen.py --check: not a git checkout with commits; skipped the comparison with HEAD")
        return problems
    # rt_valid.h: RT_CODEGEN_ABI, which generated/ carries, is read from it
    dirty = git("status", "--porcelain", "--", "openapi.yaml", "codegen/", "runtime/valid/rt_valid.h")
    if dirty.returncode != 0 or dirty.stdout.strip():
        print("gen.py --check: openapi.yaml, codegen/ or runtime/valid/rt_valid.h has uncommitted changes; skipped "
              "the comparison with HEAD")
        return problems
    return problems + committed_problems(files)


def committed_problems(files):
    """How the committed generated/ differs from files."""
    problems = []
    for name, text in files.items():
        shown = git("show", "HEAD:generated/" + name)
        if shown.returncode != 0:
            problems.append("generated/%s is not committed" % name)
        elif shown.stdout != text:
            problems.append("the committed generated/%s is stale: regenerate and commit it" % name)
    return problems
