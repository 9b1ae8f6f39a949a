"""The benchmark's processes: starting and stopping servers, and what they cost (CPU seconds, peak RSS)."""

import contextlib
import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


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


def pss_mb(pids):
    """The proportional set size of pids together, in MB: pages shared between them (the binary, the
    libraries) counted once, not once per process as a sum of RSS does."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            with open("/proc/%d/smaps_rollup" % pid) as f:
                m = re.search(r"^Pss:\s+(\d+) kB", f.read(), re.M)
            if m:
                total += int(m.group(1))
    return total / 1024.0


class PeakSampler:
    """The peak of pss_mb(pids()) sampled every interval seconds in a thread, between start() and stop()."""

    def __init__(self, pids, interval=0.5):
        self.pids = pids
        self.interval = interval
        self.peak = 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, pss_mb(self.pids()))
            self.done.wait(self.interval)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.done.set()
        self.thread.join(timeout=30)
        return self.peak


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


def http_request(port, method, path, body=None, timeout=10.0, host="127.0.0.1"):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_ready(proc, port, timeout=60.0, host="127.0.0.1"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError("%s exited with %s:\n%s" % (proc.name, proc.proc.returncode, proc.log_tail()))
        with contextlib.suppress(OSError, http.client.HTTPException):
            if http_request(port, "GET", "/", timeout=2.0, host=host)[0] == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("%s did not answer on port %d within %.0f s:\n%s" % (proc.name, port, timeout,
                                                                           proc.log_tail()))
