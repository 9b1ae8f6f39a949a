"""The configuration file (--config / CONFIG_FILE), its precedence and --check-config, on the real binary.

Precedence: defaults < file < environment < flags.  The harness sets HOST, PORT,
WORKERS, LOG_LEVEL and DATABASE_URL in the environment, so the file's values for
those are overridden, as they should be.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "docs", "async-demo.conf.example")


def run(args, env=None, timeout=30):
    full_env = {k: v for k, v in os.environ.items() if k not in ("CONFIG_FILE", "PORT", "WORKERS", "DATABASE_URL")}
    full_env.update(env or {})
    return subprocess.run([os.environ["ASYNC_DEMO_BIN"]] + list(args), env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def listen_backlogs(port):
    """The backlog of each socket listening on @port, as the kernel holds it (ss, from iproute2, which ./demo
    installs: the Send-Q of a listener)."""
    out = subprocess.run(["ss", "-ltnH", "sport = :%d" % port], capture_output=True, text=True, check=True).stdout
    return [int(line.split()[2]) for line in out.splitlines() if line.startswith("LISTEN")]


def somaxconn():
    with open("/proc/sys/net/core/somaxconn") as f:
        return int(f.read())


class Backlog(unittest.TestCase):
    """BACKLOG reaches listen(2) of every worker's socket (capped by net.core.somaxconn), and stays."""

    def test_each_listener_has_the_backlog_asked_for(self):
        asked = min(1000, somaxconn())
        with Server(workers=2, env={"BACKLOG": str(asked)}) as s:
            self.assertEqual(listen_backlogs(s.port), [asked, asked])

    def test_default_is_the_largest_allowed(self):
        with Server(workers=1) as s:
            self.assertEqual(listen_backlogs(s.port), [min(65535, somaxconn())])


class ConfigFile(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="async-demo-config-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, text, name="async-demo.conf"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_file_setting_takes_effect_env_and_flags_win(self):
        path = self.write("# test\nmax-body-size = 10\nworkers = 3\nmax-header-count = 4\n")
        # From the file alone: max-body-size; WORKERS (environment, 2) beats the file's 3.
        with Server(workers=2, env={"CONFIG_FILE": path}) as s:
            self.assertEqual(s.post_json("/users/", {"email": "a@example.com"}).status, 413)
            self.assertEqual(s.get("/health").json()["workers"], 2)
            self.assertEqual(s.get("/health", headers={"A": "1", "B": "2", "C": "3", "D": "4"}).status, 431)
        # A flag beats the environment, and --config names the file.
        with Server(workers=2, args=["--config", path, "--workers", "1", "--max-body-size", "1MiB"]) as s:
            self.assertEqual(s.get("/health").json()["workers"], 1)
            self.assertEqual(s.post_json("/users/", {"email": "nope", "full_name": "x"}).status, 422)

    def test_bad_file_refuses_to_start(self):
        path = self.write("port = 8000\nprot = 8001\n")
        s = Server(workers=1, env={"CONFIG_FILE": path})
        with self.assertRaises(RuntimeError) as cm:
            s.start()
        self.assertIn("exited with 2", str(cm.exception))
        self.assertIn("%s:2: unknown setting 'prot'" % path, str(cm.exception))

    def test_check_config_ok(self):
        path = self.write("port = 8123\ndatabase-url = postgresql://app:s3cret@db.example:5432/app\n")
        r = run(["--config", path, "--check-config"], env={"LOG_LEVEL": "warning"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK (file %s)" % path, r.stdout)
        self.assertIn("\nport = 8123\n", r.stdout)
        self.assertIn("\nlog-level = warning\n", r.stdout)  # the environment, over the default
        self.assertIn("postgresql://app:***@db.example:5432/app", r.stdout)
        self.assertNotIn("s3cret", r.stdout + r.stderr)
        # The effective settings are themselves a valid file.
        again = run(["--config", self.write(r.stdout, "effective.conf"), "--check-config"])
        self.assertEqual(again.returncode, 0, again.stderr)

    def test_check_config_reports_every_error(self):
        path = self.write("port = 99999\nworkers = 2\nworkers = 3\nhost\n"
                          "database-url = 'mysql://root:hunter2@h/db'\n")
        r = run(["--check-config"], env={"CONFIG_FILE": path, "BACKLOG": "many"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("%s:1: invalid port '99999'" % path, r.stderr)
        self.assertIn("%s:3: duplicate setting 'workers' (already set on line 2)" % path, r.stderr)
        self.assertIn("%s:4: expected 'name = value'" % path, r.stderr)
        self.assertIn("invalid BACKLOG 'many' (from the environment)", r.stderr)
        self.assertIn("configuration invalid", r.stderr)
        self.assertNotIn("configuration OK", r.stdout)
        # A database URL that parses as a setting but names no backend: found by the deeper check.
        r = run(["--check-config", "--database-url", "mysql://root:hunter2@h/db"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("invalid DATABASE_URL", r.stderr)
        self.assertNotIn("hunter2", r.stderr)

    def test_timeouts_of_zero_are_refused(self):
        """0 would turn a guard off (rt_http_conn_set_timer() takes it as no deadline): refused, at load."""
        for name in ("HEADER_TIMEOUT", "BODY_TIMEOUT", "KEEPALIVE_TIMEOUT", "WRITE_TIMEOUT", "DB_ACQUIRE_TIMEOUT",
                     "DB_CONNECT_TIMEOUT", "TASK_LEASE", "TASK_HEARTBEAT"):
            for value in ("0", "0s", "0.0001s"):
                r = run(["--check-config"], env={name: value})
                self.assertEqual(r.returncode, 2, (name, value, r.stdout))
                self.assertIn("invalid %s '%s' (from the environment): expected a duration of at least 1ms" % (
                    name, value), r.stderr)
        # where 0 means something, it stays allowed: no grace period, no preflight caching
        r = run(["--check-config"], env={"SHUTDOWN_TIMEOUT": "0", "CORS_MAX_AGE": "0", "HEADER_TIMEOUT": "1ms"})
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_start_stops_on_what_check_config_finds(self):
        """The same checks, the same message, the same exit status (2), whether --check-config or a start."""
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        cases = [({"TASK_HEARTBEAT": "20s"}, "TASK_HEARTBEAT (20000 ms) must be at most half of TASK_LEASE"),
                 ({"DATABASE_URL": "mysql://x"}, "invalid DATABASE_URL"),
                 ({"HOST": "999.1.1.1"}, "invalid HOST '999.1.1.1': cannot resolve it"),
                 ({"LOG_LEVEL": "verbose"}, "invalid LOG_LEVEL 'verbose' (from the environment): expected debug, "
                                            "info, warning, error or off")]
        if hard != resource.RLIM_INFINITY and hard // 8 + 1 < 10 ** 9:
            cases.append(({"WORKERS": str(hard // 8 + 1)}, "invalid WORKERS %d: " % (hard // 8 + 1)))
        for env, message in cases:
            env = dict(env)
            env.setdefault("DATABASE_URL", "sqlite::memory:")
            checked = run(["--check-config"], env=env)
            started = run([], env=dict(env, PORT="0"), timeout=20)
            for how, r in (("--check-config", checked), ("start", started)):
                self.assertEqual(r.returncode, 2, (how, env, r.stderr))
                self.assertIn(message, r.stderr, (how, env))
                self.assertNotIn("listening on", r.stderr)
                self.assertNotIn("or off (", r.stderr)  # LOG_LEVEL's list, said once
        # WORKERS' message says how many would fit
        if len(cases) == 5:
            self.assertRegex(checked.stderr, r"more than the limit of %d \(ulimit -Hn\): at most \d+ here" % hard)

    def test_missing_file(self):
        r = run(["--config", os.path.join(self.dir, "absent.conf"), "--check-config"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot read configuration file '%s'" % os.path.join(self.dir, "absent.conf"), r.stderr)

    def test_example_file_checks(self):
        # Commented out, the example is the defaults; uncommented (without its TLS paths), it is valid too.
        r = run(["--config", EXAMPLE, "--check-config"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = []
        for line in open(EXAMPLE):
            name = line[2:].split(" = ")[0] if line.startswith("# ") else ""
            if name and name.replace("-", "").isalpha() and " = " in line and not name.startswith("tls-"):
                line = line[2:]
            lines.append(line)
        r = run(["--config", self.write("".join(lines)), "--check-config"])
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    main()
