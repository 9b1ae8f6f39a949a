#!/usr/bin/python3
"""The service's CPU time per request, this checkout beside an earlier revision.

    bench/cpu_compare.py                    this checkout vs 7cb3765 (the last commit before
                                            the generator's JSON Schema, security and parameter
                                            work of issue 15)
    bench/cpu_compare.py --base REV --rounds 7 --duration 10

Issue 15's budget: the generated validators must not cost throughput, i.e. the
server's CPU time per request (user + system of every process of the service,
from /proc, over a fixed wrk run) for GET / and POST /users/ (PostgreSQL) stays
within 5% of the base's.  CPU time per request, not req/s, because it is what
the validators add and it barely depends on how busy the rest of the machine is;
the rounds alternate base and head (and start with each in turn) so that a slow
spell of the machine hits both, and the median round of each is compared.

Both revisions are built in release mode (the base in a detached worktree under
build-cpu-base/, kept between runs); the service runs with WORKERS=2 on
127.0.0.1 against a throwaway PostgreSQL cluster, like bench/bench.py.  The
figures are for reading: the exit status is non-zero only when the harness fails
or (with --strict) the head costs more than the budget.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "db"))
import pg_cluster  # noqa: E402
sys.path.insert(0, HERE)
from loads import run_wrk  # noqa: E402
from procs import Process, cpu_seconds, free_port, log, raise_nofile, wait_ready  # noqa: E402

DEFAULT_BASE = "7cb3765"
BUDGET = 1.05
SCENARIOS = [
    {"name": "GET /", "path": "/", "script": "get.lua", "connections": 64},
    {"name": "POST /users/ (PostgreSQL)", "path": "/users/", "script": "users_post.lua", "connections": 64},
]


def build(source, build_dir):
    """Configure and build the service (release) from @source into @build_dir; the binary's path."""
    subprocess.run(["cmake", "-S", source, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", "async-demo"], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(build_dir, "async-demo")


def build_base(rev):
    """The base revision's binary, built in a detached worktree (kept in build-cpu-base/)."""
    home = os.path.join(ROOT, "build-cpu-base")
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--verify", rev + "^{commit}"], check=True,
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    source = os.path.join(home, "src-" + commit[:12])
    if not os.path.isdir(source):
        os.makedirs(home, exist_ok=True)
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", source, commit], check=True,
                       stdout=subprocess.DEVNULL)
    modules = os.path.join(ROOT, "node_modules")  # the docs' assets, as the checkout has them
    if os.path.isdir(modules) and not os.path.exists(os.path.join(source, "node_modules")):
        os.symlink(modules, os.path.join(source, "node_modules"))
    return build(source, os.path.join(home, "build-" + commit[:12])), commit[:12]


class Run:
    def __init__(self, cluster, tmp):
        self.cluster = cluster
        self.tmp = tmp
        self.serial = 0

    def database(self):
        self.serial += 1
        name = "cpu_%d" % self.serial
        self.cluster.psql("CREATE DATABASE %s" % name)
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.cluster.port, name)

    def measure(self, binary, scenario, duration):
        """CPU microseconds per request of one wrk run (after a warm-up) on a fresh server and database."""
        port = free_port()
        env = {"DATABASE_URL": self.database(), "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": "2",
               "LOG_LEVEL": "warn", "ACCESS_LOG": "0", "DB_POOL_SIZE": "4", "TASK_WORKERS": "1"}
        proc = Process("server-%d" % port, [binary], env=env, logdir=self.tmp)
        try:
            wait_ready(proc, port)
            self.serial += 1
            wrk_env = {"BENCH_RUN": "w%d" % self.serial}
            run_wrk(port, scenario, scenario["connections"], 2, wrk_env)
            self.serial += 1
            pids = proc.pids()
            cpu0 = cpu_seconds(pids)
            result = run_wrk(port, scenario, scenario["connections"], duration, {"BENCH_RUN": "m%d" % self.serial})
            cpu = cpu_seconds(proc.pids()) - cpu0
        finally:
            proc.stop()
        if result["errors"] or result["non2xx"] or not result["requests"]:
            raise RuntimeError("%s: %d errors, %d non-2xx of %d requests" % (scenario["name"], result["errors"],
                                                                           result["non2xx"], result["requests"]))
        return {"us_per_req": cpu * 1e6 / result["requests"], "rps": result["rps"]}


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=DEFAULT_BASE, help="the revision to compare with (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=8, help="seconds per measured wrk run")
    parser.add_argument("--strict", action="store_true", help="fail when the head is over the 5%% budget")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (./demo test installs it)")
    log("building the base (%s) and this checkout, release" % args.base)
    base_bin, base_commit = build_base(args.base)
    head_bin = build(ROOT, os.path.join(ROOT, "build-bench"))
    binaries = [("base " + base_commit, base_bin), ("head", head_bin)]
    over = []
    raise_nofile()
    with tempfile.TemporaryDirectory(prefix="cpu-compare-") as tmp:
        os.chmod(tmp, 0o755)  # PostgreSQL runs as the postgres user when we are root
        cluster = pg_cluster.Cluster(os.path.join(tmp, "pg"))
        try:
            cluster.init()
            cluster.start()
            run = Run(cluster, tmp)
            print("%-28s %-18s %14s %10s  rounds: us/req (req/s)" % ("scenario", "build", "CPU us/req", "req/s"))
            for scenario in SCENARIOS:
                figures = {name: [] for name, _ in binaries}
                for i in range(args.rounds):
                    order = binaries if i % 2 == 0 else binaries[::-1]
                    for name, binary in order:
                        log("%s: %s, round %d/%d" % (scenario["name"], name, i + 1, args.rounds))
                        figures[name].append(run.measure(binary, scenario, args.duration))
                medians = {}
                for name, _ in binaries:
                    rounds = figures[name]
                    medians[name] = median([r["us_per_req"] for r in rounds])
                    print("%-28s %-18s %14.2f %10.0f  %s" % (
                        scenario["name"], name, medians[name], median([r["rps"] for r in rounds]),
                        " ".join("%.1f (%.0f/s)" % (r["us_per_req"], r["rps"]) for r in rounds)))
                ratio = medians["head"] / medians[binaries[0][0]]
                verdict = "within" if ratio <= BUDGET else "OVER"
                print("%-28s head / base = %.3f (%s the %.0f%% budget)" % ("", ratio, verdict, (BUDGET - 1) * 100))
                if ratio > BUDGET:
                    over.append(scenario["name"])
        finally:
            cluster.destroy()
    if args.strict and over:
        sys.exit("over budget: " + ", ".join(over))


if __name__ == "__main__":
    main()
