"""A throwaway PostgreSQL cluster for the tests, from Debian's postgresql-15 server binaries.

    pg_cluster.py start DIR   initdb into DIR/data, start on a free 127.0.0.1 port, write DIR/url
    pg_cluster.py stop DIR    stop the server (fast) and remove DIR
    pg_cluster.py restart DIR stop the server (fast) and start it again on the same port

Also a module: Cluster(DIR) can stop and start the server again (for outage
tests) and create a fresh database per test.

initdb and postgres refuse to run as root (CI runs as root), so as root
everything runs as the 'postgres' system user that Debian's package creates.
Every wait is bounded.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import uuid


def server_bin(name):
    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name), reverse=True):
        return path
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError("PostgreSQL server binary %r not found (apt-get install postgresql-15)" % name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, directory, durable=False):
        self.dir = os.path.abspath(directory)
        # durable: fsync and synchronous_commit on, so that a crash (stop -m immediate) loses no
        # acknowledged commit; the shared test cluster trades that for speed.
        self.durable = durable
        self.data = os.path.join(self.dir, "data")
        self.url_file = os.path.join(self.dir, "url")

    # --- running as an unprivileged user ---

    def _user(self):
        return "postgres" if os.geteuid() == 0 else None

    def _run(self, argv, timeout=60, check=True):
        user = self._user()
        if user:
            argv = ["runuser", "-u", user, "--"] + argv
        return subprocess.run(argv, check=check, timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)

    @property
    def port(self):
        with open(os.path.join(self.dir, "port")) as f:
            return int(f.read())

    @property
    def url(self):
        with open(self.url_file) as f:
            return f.read().strip()

    # --- lifecycle ---

    def init(self):
        os.makedirs(self.dir, exist_ok=True)
        user = self._user()
        if user:
            pw = pwd.getpwnam(user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run([server_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync",
                   "-E", "UTF8", "--locale=C.UTF-8"], timeout=120)
        port = free_port()
        with open(os.path.join(self.dir, "port"), "w") as f:
            f.write(str(port))
        with open(self.url_file, "w") as f:
            f.write("postgresql://postgres@127.0.0.1:%d/postgres\n" % port)

    def start(self):
        durability = ("-c fsync=on -c synchronous_commit=on -c full_page_writes=on" if self.durable else
                      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        opts = ("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s %s -c max_connections=300"
                % (self.port, self.dir, durability))
        out = self._run([server_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "server.log"),
                         "-o", opts, "-w", "-t", "60", "start"], timeout=90, check=False)
        if out.returncode != 0:
            raise RuntimeError("pg_ctl start failed:\n%s\n%s" % (out.stdout, self.server_log()))

    def stop(self, mode="fast"):
        self._run([server_bin("pg_ctl"), "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"], timeout=90,
                  check=False)

    def server_log(self):
        try:
            with open(os.path.join(self.dir, "server.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def destroy(self):
        if os.path.isdir(self.data):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- databases ---

    def psql(self, sql, dbname="postgres"):
        out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                              str(self.port), "-U", "postgres", "-d", dbname, "-c", sql],
                             check=True, timeout=60, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return out.stdout

    def new_database(self):
        """Create an empty database; returns its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.psql("CREATE DATABASE %s" % name)
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, name)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop", "restart"):
        print(__doc__, file=sys.stderr)
        return 2
    cluster = Cluster(argv[2])
    if argv[1] == "start":
        cluster.destroy()  # a leftover from an interrupted run
        cluster.init()
        cluster.start()
        print("PostgreSQL running at %s" % cluster.url)
    elif argv[1] == "restart":
        cluster.stop("fast")
        cluster.start()
    else:
        cluster.destroy()
        print("PostgreSQL stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
