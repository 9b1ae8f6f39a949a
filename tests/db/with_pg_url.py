"""Run a command with the test cluster's URL and restart command in its environment.

    with_pg_url.py PG_DIR COMMAND [ARGS...]

Sets ASYNC_DEMO_TEST_PG_URL (the cluster's admin URL) and
ASYNC_DEMO_TEST_PG_RESTART_CMD (a shell command that restarts the server,
for outage tests), then runs COMMAND and exits with its status.
"""

import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pg_cluster  # noqa: E402


def main(argv):
    cluster = pg_cluster.Cluster(argv[1])
    restart = [sys.executable, os.path.join(HERE, "pg_cluster.py"), "restart", cluster.dir]
    env = dict(os.environ, ASYNC_DEMO_TEST_PG_URL=cluster.url,
               ASYNC_DEMO_TEST_PG_RESTART_CMD=" ".join(shlex.quote(a) for a in restart))
    return subprocess.run(argv[2:], env=env, timeout=170).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
