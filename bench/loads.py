"""The benchmark's loads and references: users to read, nginx, pgbench, and wrk itself."""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

from procs import Process, raise_nofile, wait_ready

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "db"))
import pg_cluster  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORKERS = 2

# The body nginx returns: the same bytes as async-demo's GET /.
ROOT_BODY = ('{"message":"Welcome to async-demo: the FastAPI async tutorial\'s service, spec-first in C",'
             '"docs":"/docs","redoc":"/redoc","openapi":"/openapi.json"}')
# What the three loopback upstreams of /fetch-external-data answer.
UPSTREAM_BODY = '{"userId":1,"id":%d,"title":"upstream %d","completed":false}'


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


# POST /users/'s statement, as the service runs it (handlers/users.c), on the same table and index.
USERS_TABLE = ("CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, "
               "full_name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()); "
               "CREATE UNIQUE INDEX users_email_lower ON users (lower(email))")
# Each transaction a fresh address: random over 9e18, where the first range (1e9) saw a repeat within one
# client in about one run of four at 37,000 inserts/s (the birthday bound), which aborted pgbench.
INSERT_SCRIPT = """\\set n random(1, 9000000000000000000)
INSERT INTO users (email, full_name, created_at) VALUES ('pg' || :client_id || '-' || :n || '@pgbench.example', \
'Bench User', now()) RETURNING id, email, full_name, created_at;
"""


def run_pgbench(cluster, connections, duration, logdir, insert=False):
    """pgbench at @connections clients: -S (the read-only select) by default, or, with @insert, a custom
    script running POST /users/'s INSERT ... RETURNING on its table; both -M prepared."""
    pgbench = pg_cluster.server_bin("pgbench")
    cluster.psql("DROP DATABASE IF EXISTS bench_pgbench")
    cluster.psql("CREATE DATABASE bench_pgbench")
    common = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    if insert:
        cluster.psql(USERS_TABLE, dbname="bench_pgbench")
        script = os.path.join(logdir, "pgbench-insert.sql")
        with open(script, "w") as f:
            f.write(INSERT_SCRIPT)
        workload = ["-f", script]
    else:
        subprocess.run([pgbench, "-i", "-q", "-s", "1"] + common + ["bench_pgbench"], check=True, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workload = ["-S"]
    out = subprocess.run([pgbench] + workload + ["-M", "prepared", "-n", "-c", str(connections), "-j", str(WORKERS),
                                                 "-T", str(max(1, round(duration)))] + common + ["bench_pgbench"],
                         timeout=duration + 120, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(os.path.join(logdir, "pgbench-insert.log" if insert else "pgbench.log"), "w") as f:
        f.write(out.stdout)
    if out.returncode != 0:
        raise RuntimeError("pgbench exited with %d:\n%s" % (out.returncode, out.stdout[-3000:]))
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout)
    lat = re.search(r"latency average = ([\d.]+) ms", out.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    if not tps:
        raise RuntimeError("pgbench printed no rate:\n" + out.stdout)
    return {"rps": float(tps.group(1)), "p50_ms": None, "p99_ms": None,
            "mean_ms": float(lat.group(1)) if lat else None,
            "errors": int(failed.group(1)) if failed else 0, "non2xx": 0, "cpu_s": None, "rss_mb": None}


# --- wrk ---


def wrk_script(scenario):
    """The scenario's wrk script with the report appended, in a temporary file (the caller removes it)."""
    script_dir = os.path.join(HERE, "wrk")
    with open(os.path.join(script_dir, scenario["script"])) as f:
        script = f.read()
    with open(os.path.join(script_dir, "report.lua")) as f:
        script += "\n" + f.read()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        return f.name


def wrk_argv(script_path, host, port, path, scenario, connections, duration, threads):
    # wrk takes whole seconds.
    return ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", "%ds" % max(1, round(duration)),
            "--timeout", "%ds" % scenario.get("timeout", 5), "-s", script_path, "http://%s:%d%s" % (host, port, path)]


def run_wrk(port, scenario, connections, duration, env_extra=None, threads=WORKERS):
    script_path = wrk_script(scenario)
    try:
        env = dict(os.environ)
        env.update(env_extra or {})
        argv = wrk_argv(script_path, "127.0.0.1", port, scenario["path"], scenario, connections, duration, threads)
        out = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=duration + 120, preexec_fn=raise_nofile)
    finally:
        os.unlink(script_path)
    return wrk_figures(out.returncode, out.stdout)


def percentile_ms(figures, name):
    """A latency percentile of wrk's report in ms, or None where wrk gave 0 for a run that had answers:
    its histogram's search came up short (seen with 4,096 pipelined connections), which is no latency."""
    value = figures["latency_us"][name]
    if value == 0 and figures["requests"] > 0:
        return None
    return value / 1000.0


def wrk_figures(returncode, stdout):
    """What one wrk run printed (the report.lua line and its own counters) as the benchmark's figures."""
    m = re.search(r"^BENCH_JSON (.*)$", stdout, re.M)
    if returncode != 0 or not m:
        raise RuntimeError("wrk failed (%s):\n%s" % (returncode, stdout))
    figures = json.loads(m.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    errors = figures["errors"]
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": percentile_ms(figures, "p50"),
        "p99_ms": percentile_ms(figures, "p99"),
        "max_ms": figures["latency_us"]["max"] / 1000.0,
        "mean_ms": figures["latency_us"]["mean"] / 1000.0,
        "errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }


# --- the implementations under test ---
