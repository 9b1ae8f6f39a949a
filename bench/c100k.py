"""The scenario of very many connections (c100k): several instances of a server, each loaded by its own wrk.

A process here may hold at most 20,000 descriptors (the hard limit, which cannot be raised), so 100,000
waiting connections take several processes on both sides.  Each instance listens on a loopback address
of its own (127.0.0.10, .11, ...) and the same port: several addresses rather than one port shared with
SO_REUSEPORT, because then every wrk process has its own destination, so neither the client ports of one
(source address, destination) pair nor one instance's accept queue has to take all of them, and no
instance can steal another's connections (the service opts into SO_REUSEPORT only between its own
workers).  One wrk process per instance, started together, so the connects come as one burst: the
kernel's listen-queue counters (nstat) before and after show whether the burst cost a connection.

The figures are the sums (requests, req/s, errors, peak RSS and CPU of every instance) and, for latency,
the worst instance's p99 and the requests-weighted mean.  Memory is reported twice: the sum of each
process's peak RSS, which counts the pages the instances share (the binary and its libraries, about
16 MB of each async-demo's 20 MB at rest) once per process, and the peak of their PSS together (shared
pages counted once, sampled every 0.5 s), the memory the instances really take; the targets judge the
PSS.  The PSS at rest (after the warm-up, before the load) is reported too, and from it what one waiting
connection costs: (peak - rest) / connections.
"""

import contextlib
import math
import re
import subprocess

from loads import wrk_argv, wrk_figures, wrk_script
from procs import PeakSampler, cpu_seconds, log, peak_rss_mb, pss_mb, raise_nofile, reset_peak_rss

NSTAT_COUNTERS = ("TcpExtListenOverflows", "TcpExtListenDrops", "TcpExtSyncookiesSent")


def addresses(n):
    """The loopback addresses of n instances (any 127/8 address is the loopback's on Linux)."""
    return ["127.0.0.%d" % (10 + i) for i in range(n)]


def nstat():
    """The kernel's listen-queue counters, absolute ({name: value}; {} if nstat is missing)."""
    try:
        out = subprocess.run(["nstat", "-asz"] + list(NSTAT_COUNTERS), stdout=subprocess.PIPE, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)", out, re.M)}


# What a host that takes bursts of connects is given (as root; restored afterwards): Linux cuts a listen
# backlog to net.core.somaxconn (4096 here by default) and keeps at most tcp_max_syn_backlog half-open
# connections before it answers with SYN cookies.
SYSCTLS = {"net/core/somaxconn": 65535, "net/ipv4/tcp_max_syn_backlog": 65535}


@contextlib.contextmanager
def kernel_settings(enabled=True):
    """Raise SYSCTLS where they are lower and writable (root); yield what was changed; restore it."""
    changed = {}
    for name, want in SYSCTLS.items() if enabled else ():
        path = "/proc/sys/" + name
        try:
            with open(path) as f:
                have = int(f.read().split()[0])
            if have < want:
                with open(path, "w") as f:
                    f.write(str(want))
                changed[name] = (have, want)
        except (OSError, ValueError):
            continue
    try:
        yield changed
    finally:
        for name, (have, _) in changed.items():
            with contextlib.suppress(OSError):
                with open("/proc/sys/" + name, "w") as f:
                    f.write(str(have))


def worst_known(values, median=False):
    """The largest of the instances' latencies (or their median), None if any wrk gave none."""
    if any(v is None for v in values):
        return None
    return sorted(values)[len(values) // 2] if median else max(values)


def run_wrks(hosts, port, path, scenario, per, duration, env):
    """One wrk per host, started together, each with per connections and one thread; their figures."""
    script = wrk_script(scenario)
    procs = []
    try:
        for host in hosts:
            argv = wrk_argv(script, host, port, path, scenario, per, duration, 1)
            procs.append(subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                          text=True, preexec_fn=raise_nofile))
        outs = [p.communicate(timeout=duration + 180) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        subprocess.run(["rm", "-f", script])
    return [wrk_figures(p.returncode, out[0]) for p, out in zip(procs, outs)]


def combine(runs):
    """The figures of several wrk runs as one load."""
    requests = sum(r["requests"] for r in runs)
    return {
        "requests": requests,
        "rps": sum(r["rps"] for r in runs),
        "p50_ms": worst_known([r["p50_ms"] for r in runs], median=True),
        "p99_ms": worst_known([r["p99_ms"] for r in runs]),
        "max_ms": max(r["max_ms"] for r in runs),
        "mean_ms": sum(r["mean_ms"] * r["requests"] for r in runs) / requests if requests else None,
        "errors": sum(r["errors"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "per_instance_rps": [round(r["rps"]) for r in runs],
    }


def measure(bench, impl, scenario, connections, duration):
    """Start scenario["instances"] instances of impl, load them, stop them: the combined figures."""
    n = scenario["smoke_instances"] if bench.args.smoke else scenario["instances"]
    hosts = addresses(n)
    per = math.ceil(connections / n)
    port = bench.free_port_on(hosts)
    with kernel_settings(not bench.args.smoke) as changed:  # the smoke run (in the tests) leaves the host alone
        if changed:
            log("%s: raised for this run: %s" % (scenario["name"], ", ".join(
                "%s %d -> %d" % (k, a, b) for k, (a, b) in changed.items())))
        return load_instances(bench, impl, scenario, hosts, port, per, duration)


def load_instances(bench, impl, scenario, hosts, port, per, duration):
    """Start len(hosts) instances of impl on hosts:port, warm them up, load each with per connections."""
    n = len(hosts)
    procs = []
    try:
        for host in hosts:
            procs.append(bench.start_on(impl, host, port, per)[0])
        path = scenario["smoke_path"] if bench.args.smoke else scenario["path"]
        env = bench.wrk_env_all()
        log("%s: %s, warm-up: %d connections on each of %d instances" % (scenario["name"], impl, per // 10, n))
        run_wrks(hosts, port, scenario["warmup_path"], scenario, max(1, per // 10), 2, env)
        pids = [pid for p in procs for pid in p.pids()]
        reset_peak_rss(pids)
        rest = pss_mb(pids)  # after the warm-up: what the instances hold with no connection open
        cpu0 = cpu_seconds(pids)
        before = nstat()
        sampler = PeakSampler(lambda: [pid for p in procs for pid in p.pids()]).start()
        try:
            runs = run_wrks(hosts, port, path, scenario, per, duration, env)
        finally:
            pss = sampler.stop()
        result = combine(runs)
        result["pss_mb"] = pss
        result["pss_rest_mb"] = rest
        # What one waiting connection costs: the peak over the rest, per connection (all of them wait at the peak).
        result["pss_bytes_per_conn"] = round((pss - rest) * 1024 * 1024 / (per * n)) if per else None
        after = nstat()
        pids = [pid for p in procs for pid in p.pids()]
        result["cpu_s"] = cpu_seconds(pids) - cpu0
        result["cpu_us_per_req"] = result["cpu_s"] * 1e6 / result["requests"] if result["requests"] else None
        result["rss_mb"] = peak_rss_mb(pids)
        result["nstat"] = {k: after.get(k, 0) - before.get(k, 0) for k in after}
        result["instances"] = n
        log("%s: %s: %s; listen queue: %s; PSS %.0f MB at rest, %.0f MB at the peak (%s bytes per connection)" % (
            scenario["name"], impl, result["per_instance_rps"], result["nstat"], rest, pss,
            result["pss_bytes_per_conn"]))
        return result
    finally:
        for p in procs:
            p.stop()
