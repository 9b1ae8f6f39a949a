"""TAP output for the test scripts written as plain Python rather than unittest suites (tests/codegen/test_*.py,
tests/bench/test_figures.py), as tests/unit/runtime/test.h gives it to the C tests: ok() prints one numbered line
per check, done() the plan and the count, and gives the exit status, 0 only if every check passed and at least
one ran (a script that checked nothing has not shown anything).

A script puts tests/ on sys.path and uses the module's own counters: `from tap import done, ok`.
"""

count = 0
failed = []  # the descriptions of the checks that failed, in order


def ok(cond, what):
    """One check: "ok N - what", or "not ok N - what" (counted as failed).  @return whether it passed."""
    global count
    count += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", count, what), flush=True)
    if not cond:
        failed.append(what)
    return bool(cond)


def done():
    """Print the plan (1..N) and the count.  @return the exit status: 0 if every check passed and one ran."""
    print("1..%d" % count)
    print("# %d passed, %d failed" % (count - len(failed), len(failed)))
    return 1 if failed or count == 0 else 0
