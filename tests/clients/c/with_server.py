#!/usr/bin/python3
"""Run a test program against a freshly started server (ctest: client.api).

Usage: with_server.py PROGRAM [ARGS...]
Starts ASYNC_DEMO_BIN on a free loopback port (tests/integration/harness.py),
runs PROGRAM with ASYNC_DEMO_URL=http://127.0.0.1:<port>, stops the server
(which must exit 0) and exits with PROGRAM's status.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integration"))
from harness import Server  # noqa: E402


def main():
    with Server(workers=2) as server:
        env = dict(os.environ, ASYNC_DEMO_URL="http://127.0.0.1:%d" % server.port)
        rc = subprocess.run(sys.argv[1:], env=env, timeout=240).returncode
    return rc


if __name__ == "__main__":
    sys.exit(main())
