#!/usr/bin/python3
"""async-demo's benchmark: the service side by side with its references, in one run.

    ./demo bench                 build in release mode, run every scenario, write
                                 bench/results.json and bench/results.png
    bench/bench.py --smoke       a few seconds per scenario (what the tests run)
    bench/bench.py --only get_user_pg,root --duration 5

Each scenario loads one operation with wrk on loopback and measures, in the same
run on the same machine:
  async-demo        this service, release build, WORKERS=2
  fastapi           the FastAPI original (bench/fastapi_app.py) on uvicorn with the
                    same number of workers and the same database server
  nginx             (GET /) a fixed JSON body: the ceiling for HTTP/1.1 here
  pgbench           (PostgreSQL reads) pgbench -S -M prepared, the database's ceiling
and prints req/s, p50, p99, errors, the server's CPU seconds and peak RSS, the
ratios to the references and the issue's targets (met or not). The figures are
for reading, not a pass/fail: the exit status is non-zero only when the harness
itself fails or (with --strict) a scenario saw an error or a non-2xx reply.

Everything listens on 127.0.0.1 and is stopped at the end, also on failure.
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "db"))
import pg_cluster  # noqa: E402

PYTHON = "/usr/bin/python3"  # Debian's interpreter: the FastAPI stack comes from Debian's packages
WORKERS = 2
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The body nginx returns: the same bytes as async-demo's GET /.
ROOT_BODY = ('{"message":"Welcome to async-demo: the FastAPI async tutorial\'s service, spec-first in C",'
             '"docs":"/docs","redoc":"/redoc","openapi":"/openapi.json"}')
# What the three loopback upstreams of /fetch-external-data answer.
UPSTREAM_BODY = '{"userId":1,"id":%d,"title":"upstream %d","completed":false}'


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- processes: start, wait for, measure, stop ---


def descendants(pid):
    """pid and all its descendants (uvicorn's and nginx's workers)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def reset_peak_rss(pids):
    for pid in pids:
        with contextlib.suppress(OSError):
            with open("/proc/%d/clear_refs" % pid, "w") as f:
                f.write("5")  # resets VmHWM to the current RSS


def peak_rss_mb(pids):
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            with open("/proc/%d/status" % pid) as f:
                m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
            if m:
                total += int(m.group(1))
    return total / 1024.0


class Process:
    """A server under test: started in its own process group, stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, name, argv, env=None, cwd=None, logdir=None):
        self.name = name
        self.log_path = os.path.join(logdir, name + ".log")
        self.log_file = open(self.log_path, "w")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(argv, env=full_env, cwd=cwd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=raise_nofile)

    def pids(self):
        return descendants(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log_file.close()

    def log_tail(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-3000:]


def http_request(port, method, path, body=None, timeout=10.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_ready(proc, port, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError("%s exited with %s:\n%s" % (proc.name, proc.proc.returncode, proc.log_tail()))
        with contextlib.suppress(OSError, http.client.HTTPException):
            if http_request(port, "GET", "/", timeout=2.0)[0] == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("%s did not answer on port %d within %.0f s:\n%s" % (proc.name, port, timeout,
                                                                           proc.log_tail()))


def create_users(port, count, threads=8):
    """count users named user<N>@bench.example through the service's own POST /users/."""
    errors = []

    def work(first):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for n in range(first, count, threads):
                body = json.dumps({"email": "user%d@bench.example" % n, "full_name": "User %d" % n})
                conn.request("POST", "/users/", body=body, headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 201:
                    errors.append(resp.status)
                    return
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
        finally:
            conn.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    if errors:
        raise RuntimeError("creating users failed: %s" % errors[:3])


# --- the references: nginx and pgbench ---


NGINX_CONF = """
worker_processes %(workers)d;
worker_rlimit_nofile 65536;
pid %(dir)s/nginx.pid;
error_log %(dir)s/nginx-error.log warn;
daemon off;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    default_type application/json;
%(servers)s
}
"""

NGINX_SERVER = """    server {
        listen 127.0.0.1:%d reuseport;
        location / { return 200 '%s'; }
    }
"""


def start_nginx(tmp, ref_port, upstream_ports, logdir):
    servers = NGINX_SERVER % (ref_port, ROOT_BODY.replace("'", "\\'"))
    for i, port in enumerate(upstream_ports, 1):
        servers += NGINX_SERVER % (port, UPSTREAM_BODY % (i, i))
    directory = os.path.join(tmp, "nginx")
    os.makedirs(directory, exist_ok=True)
    conf = os.path.join(directory, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF % {"workers": WORKERS, "dir": directory, "servers": servers})
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = Process("nginx", [nginx, "-p", directory, "-c", conf, "-e", os.path.join(directory, "nginx-error.log")],
                   logdir=logdir)
    wait_ready(proc, ref_port)
    for port in upstream_ports:
        wait_ready(proc, port)
    return proc


def run_pgbench(cluster, connections, duration, logdir):
    pgbench = pg_cluster.server_bin("pgbench")
    cluster.psql("DROP DATABASE IF EXISTS bench_pgbench")
    cluster.psql("CREATE DATABASE bench_pgbench")
    common = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    subprocess.run([pgbench, "-i", "-q", "-s", "1"] + common + ["bench_pgbench"], check=True, timeout=300,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run([pgbench, "-S", "-M", "prepared", "-n", "-c", str(connections), "-j", str(WORKERS),
                          "-T", str(max(1, round(duration)))] + common + ["bench_pgbench"],
                         check=True, timeout=duration + 120, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    with open(os.path.join(logdir, "pgbench.log"), "w") as f:
        f.write(out.stdout)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout)
    lat = re.search(r"latency average = ([\d.]+) ms", out.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    if not tps:
        raise RuntimeError("pgbench printed no rate:\n" + out.stdout)
    return {"rps": float(tps.group(1)), "p50_ms": None, "p99_ms": None,
            "mean_ms": float(lat.group(1)) if lat else None,
            "errors": int(failed.group(1)) if failed else 0, "non2xx": 0, "cpu_s": None, "rss_mb": None}


# --- wrk ---


def run_wrk(port, scenario, connections, duration, env_extra=None, threads=WORKERS):
    script_dir = os.path.join(HERE, "wrk")
    with open(os.path.join(script_dir, scenario["script"])) as f:
        script = f.read()
    with open(os.path.join(script_dir, "report.lua")) as f:
        script += "\n" + f.read()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        script_path = f.name
    try:
        # wrk takes whole seconds.
        argv = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", "%ds" % max(1, round(duration)),
                "--timeout", "%ds" % scenario.get("timeout", 5), "-s", script_path,
                "http://127.0.0.1:%d%s" % (port, scenario["path"])]
        env = dict(os.environ)
        env.update(env_extra or {})
        out = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=duration + 120, preexec_fn=raise_nofile)
    finally:
        os.unlink(script_path)
    m = re.search(r"^BENCH_JSON (.*)$", out.stdout, re.M)
    if out.returncode != 0 or not m:
        raise RuntimeError("wrk failed (%s):\n%s" % (out.returncode, out.stdout))
    figures = json.loads(m.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    errors = figures["errors"]
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["latency_us"]["p50"] / 1000.0,
        "p99_ms": figures["latency_us"]["p99"] / 1000.0,
        "max_ms": figures["latency_us"]["max"] / 1000.0,
        "mean_ms": figures["latency_us"]["mean"] / 1000.0,
        "errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }


# --- the implementations under test ---


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

    def start(self, impl, db_kind):
        port = free_port()
        url = self.database(db_kind, impl)
        env = {"DATABASE_URL": url, "EXTERNAL_API_URLS": self.upstream_urls(), "DB_POOL_SIZE": "4"}
        if impl == "async-demo":
            env.update({"HOST": "127.0.0.1", "PORT": str(port), "WORKERS": str(WORKERS), "LOG_LEVEL": "warn",
                        "ACCESS_LOG": "0", "TASK_WORKERS": "1"})
            proc = Process("async-demo-%d" % port, [self.binary], env=env, logdir=self.logdir)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            proc = Process("fastapi-%d" % port,
                           [PYTHON, "-m", "uvicorn", "fastapi_app:app", "--host", "127.0.0.1", "--port", str(port),
                            "--workers", str(WORKERS), "--loop", "uvloop", "--http", "httptools",
                            "--no-access-log", "--log-level", "warning", "--backlog", "4096"],
                           env=env, cwd=HERE, logdir=self.logdir)
        try:
            wait_ready(proc, port)
        except Exception:
            proc.stop()
            raise
        return proc, port

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

    def wrk_env(self):
        self.wrk_runs += 1  # each wrk run posts addresses of its own (warm-up included)
        return {"BENCH_USERS": str(self.users_count()), "BENCH_RUN": str(self.wrk_runs)}

    def run_round(self, scenario, connections, duration, label):
        results = {}
        for impl in ("async-demo", "fastapi"):
            log("%s%s: %s, %d connections, %.0f s" % (scenario["name"], label, impl, connections, duration))
            proc, port = self.start(impl, scenario.get("db", "sqlite"))
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
            log("%s%s: pgbench -S -M prepared" % (scenario["name"], label))
            results["pgbench"] = run_pgbench(self.cluster, connections, duration, self.logdir)
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
            results[impl] = dict(ordered[len(ordered) // 2], rounds=[round(r["rps"]) for r in ordered])
        return results


# --- scenarios and the targets ---

SCENARIOS = [
    {"name": "root", "title": "GET /", "path": "/", "script": "get.lua", "connections": 256, "nginx": True,
     "targets": [("nginx", 0.8), ("fastapi", 3.0)]},
    {"name": "async_delay_10k", "title": "GET /async-delay/1, 10,000 connections", "path": "/async-delay/1",
     "script": "get.lua", "connections": 10000, "smoke_connections": 200, "timeout": 10, "delay": 1.0,
     "duration": 11, "smoke_duration": 3, "rounds": 1, "targets": []},
    {"name": "get_user_sqlite", "title": "GET /users/{email}, SQLite", "path": "/users/", "script": "users_get.lua",
     "connections": 64, "db": "sqlite", "users": True, "targets": [("fastapi", 20.0)]},
    {"name": "get_user_pg", "title": "GET /users/{email}, PostgreSQL", "path": "/users/",
     "script": "users_get.lua", "connections": 64, "db": "postgresql", "users": True, "pgbench": True,
     "targets": [("fastapi", 10.0), ("pgbench", 0.6)]},
    {"name": "create_user_pg", "title": "POST /users/, PostgreSQL", "path": "/users/", "script": "users_post.lua",
     "connections": 64, "db": "postgresql", "targets": [("fastapi", 5.0)]},
    {"name": "fetch_external", "title": "GET /fetch-external-data, 3 loopback upstreams",
     "path": "/fetch-external-data", "script": "get.lua", "connections": 64, "targets": [("fastapi", 5.0)]},
]


def evaluate(scenario, results, connections, duration):
    """The issue's targets for one scenario: a list of (what, figure, needed, met)."""
    ours = results["async-demo"]
    checks = []
    for ref, needed in scenario["targets"]:
        if ref in results and results[ref]["rps"] > 0:
            ratio = ours["rps"] / results[ref]["rps"]
            checks.append(("req/s vs %s" % ref, round(ratio, 2), needed, ratio >= needed))
    if scenario.get("delay"):
        # The throughput the delay allows is connections / delay. wrk's own rate
        # (completed / window) undercounts it by up to a request per connection,
        # the one still waiting when the window closes, so the rate is taken from
        # Little's law instead (throughput = requests in flight / mean latency),
        # and a second check shows that every connection kept completing requests:
        # completing k requests takes more than k * delay, so a window of
        # `duration` seconds has room for ceil(duration / delay) - 1 per connection.
        share = scenario["delay"] / (ours["mean_ms"] / 1000.0)
        checks.append(("steady req/s / (connections / delay)", round(share, 3), 0.97, share >= 0.97))
        room = connections * (math.ceil(duration / scenario["delay"]) - 1)
        done = ours["requests"] / room
        checks.append(("completed / room in the window", round(done, 3), 0.97, done >= 0.97))
        checks.append(("p99 (ms)", round(ours["p99_ms"], 1), 1100, ours["p99_ms"] < 1100))
        checks.append(("peak RSS (MB)", round(ours["rss_mb"], 1), 100, ours["rss_mb"] < 100))
    failures = ours["errors"] + ours["non2xx"]
    checks.append(("errors + non-2xx", failures, 0, failures == 0))
    return [{"what": w, "value": v, "needed": n, "met": m} for w, v, n, m in checks]


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def print_table(report):
    head = "%-44s %-11s %10s %9s %9s %7s %7s %8s  %s"
    print(head % ("scenario", "server", "req/s", "p50 ms", "p99 ms", "errors", "CPU s", "RSS MB", "ratio"))
    for sc in report["scenarios"]:
        ours = sc["results"]["async-demo"]["rps"]
        for impl, r in sc["results"].items():
            ratio = "" if impl == "async-demo" or not r["rps"] else "async-demo = %.2fx" % (ours / r["rps"])
            print(head % (sc["title"][:44], impl, fmt(r["rps"], ".0f"), fmt(r["p50_ms"], ".2f"),
                          fmt(r["p99_ms"], ".2f"), r["errors"] + r["non2xx"], fmt(r["cpu_s"], ".1f"),
                          fmt(r["rss_mb"], ".1f"), ratio))
        for t in sc["targets"]:
            print("    target %-40s %10s (needed %s) %s" % (t["what"], t["value"], t["needed"],
                                                            "met" if t["met"] else "NOT MET"))


def write_chart(report, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"async-demo": "#2b6cb0", "fastapi": "#d69e2e", "nginx": "#38a169", "pgbench": "#805ad5"}
    scenarios = report["scenarios"]
    cols = 3
    rows = (len(scenarios) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[len(scenarios):]:
        ax.axis("off")
    for ax, sc in zip(axes.flat, scenarios):
        names = list(sc["results"])
        values = [sc["results"][n]["rps"] for n in names]
        bars = ax.bar(names, values, color=[colors.get(n, "#718096") for n in names])
        ax.set_title(sc["title"], fontsize=9)
        ax.set_ylabel("requests/s", fontsize=8)
        ax.tick_params(labelsize=8)
        for bar, v in zip(bars, values):
            ax.annotate("%.0f" % v, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                        va="bottom", fontsize=7)
        ax.margins(y=0.15)
    fig.suptitle("async-demo vs references, %s (%d workers each, wrk on loopback)" % (report["machine"]["cpu"],
                                                                                    WORKERS), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def machine_info():
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            if m:
                cpu = m.group(1).strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release()}


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
    args = parser.parse_args()
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
                                            "targets": evaluate(sc, results, connections, duration)})
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
