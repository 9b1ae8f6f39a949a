"""The Debian package, installed and removed the Debian way (label package).

    test_package.py BUILD_DIR

Builds the .deb from BUILD_DIR with cpack (into a temporary folder), checks it with lintian (no errors),
installs it with dpkg -i, starts the installed binary the way the installed unit does (systemd itself may
not run here: its ExecStart line, as the async-demo user, in /var/lib/async-demo), checks /health and
writes a user; then dpkg -r keeps the configuration and the data, and dpkg -P removes the configuration and
keeps the data (README, "Deploying").  Needs root for dpkg: skipped (77) otherwise, but never under CI.
Leaves the machine as it found it; refuses to run where async-demo is already installed or has data.
"""

import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

BUILD = None
CONF = "/etc/async-demo/async-demo.conf"
DATA = "/var/lib/async-demo"
UNIT = "/lib/systemd/system/async-demo.service"


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def installed():
    return sh("dpkg-query", "-W", "-f=${Status}", "async-demo", check=False).stdout.startswith("install ok")


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="async-demo-deb-")
        out = sh("cpack", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", cls.tmp).stdout
        debs = [f for f in os.listdir(cls.tmp) if f.endswith(".deb")]
        assert len(debs) == 1, out
        cls.deb = os.path.join(cls.tmp, debs[0])

    @classmethod
    def tearDownClass(cls):
        if installed():
            sh("dpkg", "-P", "async-demo", check=False)
        shutil.rmtree(DATA, ignore_errors=True)
        if sh("getent", "passwd", "async-demo", check=False).returncode == 0:
            sh("deluser", "--system", "--quiet", "async-demo", check=False)
        if sh("getent", "group", "async-demo", check=False).returncode == 0:
            sh("delgroup", "--system", "--quiet", "async-demo", check=False)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_1_lintian_finds_no_error(self):
        if shutil.which("lintian") is None:
            if os.environ.get("CI"):
                self.fail("lintian is not installed (./demo setup installs it)")
            self.skipTest("lintian is not installed")
        r = sh("lintian", "--fail-on", "error", "--tag-display-limit", "0", self.deb, check=False)
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_2_dependencies_are_runtime_libraries(self):
        depends = sh("dpkg-deb", "-f", self.deb, "Depends").stdout
        for lib in ("libevent-core", "libjson-c", "libpq5", "libsqlite3", "libssl", "zlib1g", "libidn2",
                    "libpcre2-8"):
            self.assertIn(lib, depends)
        self.assertNotIn("-dev", depends)

    def test_3_install_run_remove_purge(self):
        sh("dpkg", "-i", self.deb)
        self.assertTrue(installed())
        for path in ("/usr/bin/async-demo", "/usr/bin/async-demo-client", "/usr/share/man/man1/async-demo.1.gz",
                     CONF, UNIT, "/lib/systemd/system/async-demo@.service", "/usr/share/doc/async-demo/copyright"):
            self.assertTrue(os.path.exists(path), path)
        user = pwd.getpwnam("async-demo")
        self.assertEqual((os.stat(DATA).st_uid, os.stat(DATA).st_mode & 0o777), (user.pw_uid, 0o750))
        self.assertEqual((os.stat(CONF).st_gid, os.stat(CONF).st_mode & 0o777), (user.pw_gid, 0o640))
        man = sh("man", "-l", "-P", "cat", "/usr/share/man/man1/async-demo.1.gz", check=False).stdout
        self.assertIn("--database-url", man)
        self.assertIn("DATABASE_URL", man)
        self.run_installed_service()
        sh("dpkg", "-r", "async-demo")
        self.assertFalse(os.path.exists("/usr/bin/async-demo"))
        self.assertTrue(os.path.exists(CONF), "dpkg -r keeps the configuration")
        self.assertTrue(os.path.exists(os.path.join(DATA, "async-demo.db")), "dpkg -r keeps the data")
        sh("dpkg", "-P", "async-demo")
        self.assertFalse(installed())
        self.assertFalse(os.path.exists(CONF), "dpkg -P removes the configuration")
        self.assertTrue(os.path.exists(os.path.join(DATA, "async-demo.db")), "dpkg -P keeps the data")

    def run_installed_service(self):
        """The unit's ExecStart, as its user, in its working directory; PORT from the environment."""
        with open(UNIT) as f:
            exec_start = [l.split("=", 1)[1].strip() for l in f if l.startswith("ExecStart=")][0]
        self.assertEqual(exec_start, "/usr/bin/async-demo --config " + CONF)
        port = free_port()
        env = {"PATH": "/usr/bin:/bin", "PORT": str(port), "HOST": "127.0.0.1", "WORKERS": "1"}
        proc = subprocess.Popen(shlex.split(exec_start), cwd=DATA, env=env, user="async-demo", group="async-demo",
                                extra_groups=[], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            base = "http://127.0.0.1:%d" % port
            deadline = time.monotonic() + 20
            while True:
                try:
                    with urllib.request.urlopen(base + "/health", timeout=2) as r:
                        self.assertEqual(json.load(r)["status"], "ok")
                        break
                except OSError:
                    self.assertIsNone(proc.poll(), "the installed service exited")
                    self.assertLess(time.monotonic(), deadline, "the installed service did not answer /health")
                    time.sleep(0.1)
            req = urllib.request.Request(base + "/users/", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"email": "deb@example.com", "full_name": "Deb"}).encode())
            with urllib.request.urlopen(req, timeout=5) as r:
                self.assertEqual(r.status, 201)
        finally:
            proc.send_signal(signal.SIGTERM)
            out = proc.communicate(timeout=20)[0]
        self.assertEqual(proc.returncode, 0, out)


def main():
    global BUILD
    BUILD = sys.argv.pop(1)
    if os.geteuid() != 0 or shutil.which("dpkg") is None:
        if os.environ.get("CI"):
            print("the package test needs root and dpkg under CI")
            return 1
        print("skipped: dpkg -i needs root")
        return 77
    if installed() or os.path.exists(DATA):
        print("skipped: async-demo is installed here, or %s exists: not touching a real installation" % DATA)
        return 77
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
