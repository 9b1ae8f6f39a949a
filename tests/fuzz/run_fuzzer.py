"""Run one libFuzzer target for a bounded time; ctest's fuzz.<target> tests.

The committed seed corpus (tests/fuzz/corpus/<target>/) is only read: new
inputs go to <work>/corpus in the build tree, and a crash, leak, timeout or
broken invariant leaves its reproducer in <work>/ (crash-*, leak-*,
timeout-*, oom-*), with the command that replays it printed here.

Exit codes: 0 nothing found, 1 something found (or the fuzzer would not
run), 77 skipped (no clang / fuzzer runtime at configure time).
"""

import argparse
import glob
import os
import subprocess
import sys


def suite_seeds(cases, out):
    """Write each case of the JSON Schema Test Suite's cases.tsv (group TAB expected TAB file TAB instance) as a
    seed of fuzz_schema into the directory out; return out."""
    os.makedirs(out, exist_ok=True)
    with open(cases, encoding="utf-8") as f:
        for n, line in enumerate(f):
            group, _, _, instance = line.rstrip("\n").split("\t", 3)
            with open(os.path.join(out, "case-%d" % n), "wb") as seed:
                seed.write(int(group).to_bytes(2, "little") + instance.encode("utf-8"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fuzzer", required=True)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--dict")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--max-len", type=int, default=4096)
    ap.add_argument("--skip-reason", default="")
    ap.add_argument("--suite-cases", help="tests/jsonschema's cases.tsv: each case becomes a seed (fuzz_schema's "
                    "input: the group's index in two bytes, little-endian, then the instance)")
    args = ap.parse_args()

    if args.skip_reason:
        print("SKIP: %s" % args.skip_reason)
        return 77
    if not os.access(args.fuzzer, os.X_OK):
        print("FAIL: %s was not built (is the build up to date?)" % args.fuzzer)
        return 1
    corpus = os.path.join(args.work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    artifacts = os.path.join(args.work, "")
    before = set(glob.glob(artifacts + "*-*"))

    cmd = [args.fuzzer,
           "-max_total_time=%d" % args.seconds,
           "-rss_limit_mb=2048",
           "-timeout=10",           # one input taking this long is a finding (timeout-*)
           "-max_len=%d" % args.max_len,
           "-print_final_stats=1",
           "-artifact_prefix=" + artifacts]
    if args.dict and os.path.exists(args.dict):
        cmd.append("-dict=" + args.dict)
    cmd += [corpus, args.seeds]  # the first directory receives new inputs; the seeds stay as committed
    if args.suite_cases:
        cmd.append(suite_seeds(args.suite_cases, os.path.join(args.work, "suite-seeds")))
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:allocator_may_return_null=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    print("+ " + " ".join(cmd), flush=True)
    rc = subprocess.call(cmd, env=env)

    found = sorted(set(glob.glob(artifacts + "*-*")) - before)
    found = [f for f in found if os.path.isfile(f)]
    if rc != 0 or found:
        print("FAIL: %s exited with %d" % (os.path.basename(args.fuzzer), rc))
        for f in found:
            print("  reproducer: %s\n  replay:     %s %s" % (f, args.fuzzer, f))
        return 1
    print("OK: %s ran %d s with nothing found" % (os.path.basename(args.fuzzer), args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
