#!/usr/bin/python3
"""async-demo's benchmark: the service side by side with its references, in one run.

    ./demo bench                 build in release mode, run every scenario, write
                                 bench/results.json and bench/results.png
    bench/bench.py --smoke       a few seconds per scenario (what the tests run)
    bench/bench.py --only get_user_pg,root --duration 5
    ./demo bench --soak 10       10 minutes of mixed traffic with faults injected at random, then an
                                 audit that no acknowledged write was lost (bench/soak.py; not in CI)

Each scenario loads one operation with wrk on loopback and measures, in the same
run on the same machine:
  async-demo        this service, release build, WORKERS=2
  fastapi           the FastAPI original (bench/fastapi_app.py) on uvicorn with the
                    same number of workers and the same database server
  nginx             (GET /) a fixed JSON body: the ceiling for HTTP/1.1 here
  pgbench           (PostgreSQL) pgbench -S -M prepared for reads, and a script running POST /users/'s
                    INSERT for writes (-M prepared): the database's ceiling
and prints req/s, p50, p99, errors, the server's CPU seconds and peak RSS, the
ratios to the references and the issue's targets (met or not). The figures are
for reading, not a pass/fail: the exit status is non-zero only when the harness
itself fails or (with --strict) a scenario saw an error or a non-2xx reply.

Everything listens on 127.0.0.1 and is stopped at the end, also on failure.
"""

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "db"))
import pg_cluster  # noqa: E402
sys.path.insert(0, HERE)
import c100k  # noqa: E402
from loads import create_users, run_pgbench, run_wrk, start_nginx  # noqa: E402
from procs import Process, cpu_seconds, free_port, log, peak_rss_mb, raise_nofile, reset_peak_rss, wait_ready  # noqa: E402
from report import machine_info, print_table, write_chart  # noqa: E402

PYTHON = "/usr/bin/python3"  # Debian's interpreter: the FastAPI stack comes from Debian's packages
WORKERS = 2


class Bench:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.logdir = os.path.join(tmp, "logs")
        os.makedirs(self.logdir)
        self.binary = args.binary or os.path.join(args.build_dir, "async-demo")
        self.cluster = None
        self.nginx = None
        self.nginx_port = free_port()
        self.upstream_ports = [free_port() for _ in range(3)]
        self.db_serial = 0
        self.wrk_runs = 0

    # databases: each implementation gets its own database, on the same server

    def database(self, kind, impl):
        self.db_serial += 1
        if kind == "sqlite":
            path = os.path.join(self.tmp, "%s-%d.db" % (impl, self.db_serial))
            return ("sqlite:///" + path) if impl == "async-demo" else ("sqlite+aiosqlite:///" + path)
        name = "bench_%s_%d" % (impl.replace("-", "_"), self.db_serial)
        self.cluster.psql("CREATE DATABASE %s" % name)
        base = "postgresql://postgres@127.0.0.1:%d/%s" % (self.cluster.port, name)
        return base if impl == "async-demo" else base.replace("postgresql://", "postgresql+asyncpg://", 1)

    def upstream_urls(self):
        return ",".join("http://127.0.0.1:%d/item/%d" % (p, i) for i, p in enumerate(self.upstream_ports, 1))

    def start(self, impl, db_kind, connections=64):
        return self.start_on(impl, "127.0.0.1", free_port(), connections, db_kind)

    def start_on(self, impl, host, port, connections, db_kind="sqlite"):
        """Start impl listening on host:port; (the process, port) once it answers."""
        url = self.database(db_kind, impl)
        env = {"DATABASE_URL": url, "EXTERNAL_API_URLS": self.upstream_urls(), "DB_POOL_SIZE": "4"}
        if impl == "fastapi":
            # One session per request in flight, at most 40 per worker (2 x 40 of PostgreSQL's 100
            # connections); async-demo pipelines its statements, 4 connections per worker serve it.
            env["DB_POOL_SIZE"] = str(max(4, min(40, math.ceil(connections / WORKERS))))
        if impl == "async-demo":
            env.update({"HOST": host, "PORT": str(port), "WORKERS": str(WORKERS), "LOG_LEVEL": "warn",
                        "ACCESS_LOG": "0", "TASK_WORKERS": "1"})
            proc = Process("async-demo-%s-%d" % (host, port), [self.binary], env=env, logdir=self.logdir)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            proc = Process("fastapi-%s-%d" % (host, port),
                           [PYTHON, "-m", "uvicorn", "fastapi_app:app", "--host", host, "--port", str(port),
                            "--workers", str(WORKERS), "--loop", "uvloop", "--http", "httptools",
                            "--no-access-log", "--log-level", "warning", "--backlog", "65535"],
                           env=env, cwd=HERE, logdir=self.logdir)
        try:
            wait_ready(proc, port, host=host)
        except Exception:
            proc.stop()
            raise
        return proc, port

    @staticmethod
    def free_port_on(hosts):
        """A port free on every one of hosts."""
        for _ in range(100):
            port = free_port()
            try:
                for host in hosts:
                    with socket.socket() as s:
                        s.bind((host, port))
                return port
            except OSError:
                continue
        raise RuntimeError("no port free on all of %s" % hosts)

    def measure(self, proc, port, scenario, connections, duration):
        if scenario.get("users"):
            create_users(port, self.users_count())
        # Warm up (pools filled, caches hot), then measure with fresh CPU and peak-RSS counters.
        run_wrk(port, scenario, min(connections, 256), self.args.warmup, self.wrk_env())
        pids = proc.pids()
        reset_peak_rss(pids)
        cpu0 = cpu_seconds(pids)
        result = run_wrk(port, scenario, connections, duration, self.wrk_env())
        pids = proc.pids()
        result["cpu_s"] = cpu_seconds(pids) - cpu0
        result["cpu_us_per_req"] = result["cpu_s"] * 1e6 / result["requests"] if result["requests"] else None
        result["rss_mb"] = peak_rss_mb(pids)
        return result

    def load(self, scenario):
        """(connections, seconds) for a scenario in this run."""
        if self.args.smoke:
            return (min(scenario["connections"], scenario.get("smoke_connections", 64)),
                    scenario.get("smoke_duration", self.args.duration))
        return scenario["connections"], scenario.get("duration", self.args.duration)

    def users_count(self):
        return 100 if self.args.smoke else 1000

    def wrk_env_all(self):
        """The environment of a wrk run: ours, with wrk_env()'s numbering."""
        env = dict(os.environ)
        env.update(self.wrk_env())
        return env

    def wrk_env(self):
        self.wrk_runs += 1  # each wrk run posts addresses of its own (warm-up included)
        return {"BENCH_USERS": str(self.users_count()), "BENCH_RUN": str(self.wrk_runs)}

    def run_round(self, scenario, connections, duration, label):
        results = {}
        for impl in ("async-demo", "fastapi"):
            log("%s%s: %s, %d connections, %.0f s" % (scenario["name"], label, impl, connections, duration))
            if scenario.get("instances"):
                results[impl] = c100k.measure(self, impl, scenario, connections, duration)
                continue
            proc, port = self.start(impl, scenario.get("db", "sqlite"), connections)
            try:
                results[impl] = self.measure(proc, port, scenario, connections, duration)
            finally:
                proc.stop()
            if proc.proc.returncode not in (0, -signal.SIGTERM):
                raise RuntimeError("%s exited with %s:\n%s" % (impl, proc.proc.returncode, proc.log_tail()))
        if scenario.get("nginx"):
            log("%s%s: nginx" % (scenario["name"], label))
            results["nginx"] = self.measure(self.nginx, self.nginx_port, scenario, connections, duration)
        if scenario.get("pgbench"):
            insert = scenario["pgbench"] == "insert"
            log("%s%s: pgbench %s -M prepared" % (scenario["name"], label, "-f INSERT" if insert else "-S"))
            results["pgbench"] = run_pgbench(self.cluster, connections, duration, self.logdir, insert)
        return results

    def run_scenario(self, scenario):
        """Each implementation's median round (by req/s); the rounds alternate the
        implementations, so that a slow spell of the machine hits all of them."""
        connections, duration = self.load(scenario)
        rounds = 1 if self.args.smoke else scenario.get("rounds", self.args.rounds)
        runs = [self.run_round(scenario, connections, duration, " (round %d/%d)" % (i + 1, rounds) if rounds > 1
                               else "") for i in range(rounds)]
        results = {}
        for impl in runs[0]:
            ordered = sorted((run[impl] for run in runs), key=lambda r: r["rps"])
            results[impl] = dict(ordered[len(ordered) // 2], rounds=[round(r["rps"]) for r in ordered],
                                 cpu_rounds=[run[impl].get("cpu_us_per_req") for run in runs])
        return results


# --- scenarios and the targets ---

SCENARIOS = [
    {"name": "root", "title": "GET /", "path": "/", "script": "get.lua", "connections": 256, "nginx": True,
     "targets": [("nginx", 0.8), ("fastapi", 3.0)], "cpu_targets": [("nginx", 0.8)]},
    {"name": "pipelined_256", "title": "GET /, 16 pipelined per connection, 256 connections", "path": "/",
     "script": "pipeline.lua", "connections": 256, "nginx": True, "targets": [("nginx", 1.3)],
     "cpu_targets": [("nginx", 0.7)]},
    {"name": "pipelined_4k", "title": "GET /, 16 pipelined per connection, 4,096 connections", "path": "/",
     "script": "pipeline.lua", "connections": 4096, "smoke_connections": 256, "nginx": True, "timeout": 10,
     "targets": [("nginx", 1.3)], "cpu_targets": [("nginx", 0.7)]},
    {"name": "async_delay_10k", "title": "GET /async-delay/1, 10,000 connections", "path": "/async-delay/1",
     "script": "get.lua", "connections": 10000, "smoke_connections": 200, "timeout": 10, "delay": 1.0,
     "duration": 11, "smoke_duration": 3, "targets": []},
    {"name": "c100k", "title": "GET /async-delay/10, 100,000 connections, 6 instances", "path": "/async-delay/10",
     "smoke_path": "/async-delay/1", "warmup_path": "/async-delay/1", "script": "get.lua", "connections": 100000,
     "smoke_connections": 1200, "instances": 6, "smoke_instances": 2, "timeout": 30, "delay": 10.0, "smoke_delay": 1.0, "duration": 35,
     "smoke_duration": 3, "p99_max_ms": 10300, "rss_max_mb": 300, "rss_vs": ("fastapi", 0.2), "targets": []},
    {"name": "get_user_sqlite", "title": "GET /users/{email}, SQLite", "path": "/users/", "script": "users_get.lua",
     "connections": 64, "db": "sqlite", "users": True, "targets": [("fastapi", 20.0)]},
    {"name": "get_user_pg", "title": "GET /users/{email}, PostgreSQL", "path": "/users/",
     "script": "users_get.lua", "connections": 64, "db": "postgresql", "users": True, "pgbench": True,
     "targets": [("fastapi", 10.0), ("pgbench", 0.9)]},
    {"name": "create_user_pg", "title": "POST /users/, PostgreSQL", "path": "/users/", "script": "users_post.lua",
     "connections": 64, "db": "postgresql", "pgbench": "insert", "targets": [("fastapi", 5.0), ("pgbench", 0.9)]},
    {"name": "fetch_external", "title": "GET /fetch-external-data, 3 loopback upstreams",
     "path": "/fetch-external-data", "script": "get.lua", "connections": 64, "targets": [("fastapi", 5.0)]},
]


def evaluate(scenario, results, connections, duration, smoke=False):
    """The issue's targets for one scenario: a list of (what, figure, needed, met)."""
    ours = results["async-demo"]
    checks = []
    for ref, needed in scenario["targets"]:
        if ref in results and results[ref]["rps"] > 0:
            ratio = ours["rps"] / results[ref]["rps"]
            checks.append(("req/s vs %s" % ref, round(ratio, 2), needed, ratio >= needed))
    for ref, most in scenario.get("cpu_targets", []):
        theirs = results.get(ref, {}).get("cpu_us_per_req")
        if theirs and ours.get("cpu_us_per_req"):
            ratio = ours["cpu_us_per_req"] / theirs
            checks.append(("CPU per request vs %s (at most)" % ref, round(ratio, 2), most, ratio <= most))
    delay = scenario.get("smoke_delay" if smoke else "delay", scenario.get("delay"))
    if delay:
        # The throughput the delay allows is connections / delay. wrk's own rate
        # (completed / window) undercounts it by up to a request per connection,
        # the one still waiting when the window closes, so the rate is taken from
        # Little's law instead (throughput = requests in flight / mean latency),
        # and a second check shows that every connection kept completing requests:
        # completing k requests takes more than k * delay, so a window of
        # `duration` seconds has room for ceil(duration / delay) - 1 per connection.
        mean_ms = ours["mean_ms"]
        share = delay / (mean_ms / 1000.0) if mean_ms else 0.0  # no answers at all: none of the rate
        checks.append(("steady req/s / (connections / delay)", round(share, 3), 0.97, share >= 0.97))
        room = connections * (math.ceil(duration / delay) - 1)
        done = ours["requests"] / room
        checks.append(("completed / room in the window", round(done, 3), 0.97, done >= 0.97))
        p99_max = scenario.get("p99_max_ms", 1100) if not smoke else delay * 1000 * 1.1
        p99 = ours["p99_ms"]
        checks.append(("p99 (ms)", None if p99 is None else round(p99, 1), p99_max,
                       p99 is not None and p99 <= p99_max))
        rss_max = scenario.get("rss_max_mb", 100)
        mem = "pss_mb" if "pss_mb" in ours else "rss_mb"  # several instances: shared pages counted once
        checks.append(("peak %s (MB)" % mem[:3].upper(), round(ours[mem], 1), rss_max, ours[mem] <= rss_max))
    if scenario.get("rss_vs") and results.get(scenario["rss_vs"][0], {}).get("rss_mb"):
        ref, most = scenario["rss_vs"]
        mem = "pss_mb" if "pss_mb" in ours and results[ref].get("pss_mb") else "rss_mb"
        ratio = ours[mem] / results[ref][mem]
        checks.append(("peak %s vs %s (at most)" % (mem[:3].upper(), ref), round(ratio, 2), most, ratio <= most))
    failures = ours["errors"] + ours["non2xx"]
    checks.append(("errors + non-2xx", failures, 0, failures == 0 and ours["requests"] > 0))  # no answers: failed
    return [{"what": w, "value": v, "needed": n, "met": m} for w, v, n, m in checks]


def build(build_dir):
    log("building %s (Release)" % build_dir)
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                        "-DASYNC_DEMO_FUZZ=OFF"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2), "--target", "async-demo"],
                   check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a few seconds per scenario, few connections")
    parser.add_argument("--duration", type=float, help="seconds per measurement (default 5; smoke 1)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measurements per scenario, the median reported (default 3; smoke 1)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up before each (default 2; smoke 1)")
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    parser.add_argument("--no-build", action="store_true", help="use the binary in --build-dir as it is")
    parser.add_argument("--binary", help="the async-demo binary to measure (implies --no-build)")
    parser.add_argument("--json", help="where to write the results (default bench/results.json; "
                        "--smoke or --only: none)")
    parser.add_argument("--chart", help="where to draw the chart (default bench/results.png; --smoke or --only: none)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any scenario saw an error or non-2xx")
    parser.add_argument("--soak", type=float, metavar="MINUTES",
                        help="instead of the scenarios: mixed traffic with faults injected at random for MINUTES, "
                        "then the audit of acknowledged writes (bench/soak.py); exit 1 if one was lost")
    parser.add_argument("--seed", type=int, help="--soak: the random seed (default: the time; printed)")
    args = parser.parse_args()
    if args.soak is not None:
        return run_soak(parser, args)
    args.duration = args.duration or (1.0 if args.smoke else 5.0)
    args.warmup = args.warmup or (1.0 if args.smoke else 2.0)
    if not args.smoke and not args.only:  # a partial run leaves the recorded full run alone
        args.json = args.json or os.path.join(HERE, "results.json")
        args.chart = args.chart or os.path.join(HERE, "results.png")
    scenarios = SCENARIOS
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {s["name"] for s in SCENARIOS}
        if unknown:
            parser.error("unknown scenario(s): %s" % ", ".join(sorted(unknown)))
        scenarios = [s for s in SCENARIOS if s["name"] in wanted]
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            sys.exit("bench: %s is not installed (./demo setup installs it)" % tool)

    if not args.no_build and not args.binary:
        build(args.build_dir)
    raise_nofile()
    report = {"machine": machine_info(), "date": time.strftime("%Y-%m-%d %H:%M:%S"), "workers": WORKERS,
              "duration_s": args.duration, "smoke": args.smoke, "scenarios": []}
    with tempfile.TemporaryDirectory(prefix="async-demo-bench-") as tmp:
        os.chmod(tmp, 0o755)  # PostgreSQL runs as the postgres user when we are root
        bench = Bench(args, tmp)
        try:
            if any(s.get("db") == "postgresql" for s in scenarios):
                log("starting PostgreSQL")
                bench.cluster = pg_cluster.Cluster(os.path.join(tmp, "pg"))
                bench.cluster.init()
                bench.cluster.start()
            bench.nginx = start_nginx(tmp, bench.nginx_port, bench.upstream_ports, bench.logdir)
            for sc in scenarios:
                results = bench.run_scenario(sc)
                connections, duration = bench.load(sc)
                report["scenarios"].append({"name": sc["name"], "title": sc["title"], "connections": connections,
                                            "duration_s": duration, "results": results,
                                            "targets": evaluate(sc, results, connections, duration, args.smoke)})
        finally:
            if bench.nginx:
                bench.nginx.stop()
            if bench.cluster:
                bench.cluster.destroy()
    print_table(report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
        log("wrote " + args.json)
    if args.chart:
        write_chart(report, args.chart)
        log("wrote " + args.chart)
    if args.strict:
        problems = strict_problems(report, scenarios)
        if problems:
            log("FAILED:\n  " + "\n  ".join(problems))
            return 1
    return 0


def run_soak(parser, args):
    """--soak MINUTES: bench/soak.py on the release build (or --binary)."""
    if args.soak <= 0:
        parser.error("--soak takes a positive number of minutes")
    if not args.no_build and not args.binary:
        build(args.build_dir)
    import soak
    return soak.main(args.soak, args.binary or os.path.join(args.build_dir, "async-demo"), args.seed)


def strict_problems(report, scenarios):
    """What --strict refuses: a scenario or reference that measured nothing, or an
    error or non-2xx reply from async-demo."""
    problems = []
    for sc, ran in zip(scenarios, report["scenarios"]):
        expected = ["async-demo", "fastapi"] + [r for r in ("nginx", "pgbench") if sc.get(r)]
        for impl in expected:
            r = ran["results"].get(impl)
            if r is None or not r["rps"] > 0:
                problems.append("%s: %s measured nothing" % (sc["name"], impl))
        ours = ran["results"].get("async-demo")
        if ours and ours["errors"] + ours["non2xx"]:
            problems.append("%s: async-demo had %d errors and %d non-2xx replies" % (sc["name"], ours["errors"],
                                                                                   ours["non2xx"]))
    return problems


if __name__ == "__main__":
    sys.exit(main())
