"""The demo's timing claims, with generous tolerances (they are claims, not benchmarks).

Under valgrind (ASYNC_DEMO_WRAPPER) the same claims hold: timers are not slowed down, only the server's
own work is, so only the allowance for that work (the upper side of each bound) grows, by slack(), and
never so far that a claim is lost (overlapping delays still end well before their sum).
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, main, run_parallel, slack  # noqa: E402

# Every path the tests time, run once beforehand (see Server.warm_up()).
WARM_UP = ("/", "/async-delay/0", "/sync-delay/0", "/health")


def timed_get(server, path):
    start = time.monotonic()
    r = server.get(path)
    return r, time.monotonic() - start


def timed_get_once_handling(server, first, path):
    """GET @path once the request for @first reached its handler; returns (response, seconds)."""
    server.wait_handling("GET", first)
    return timed_get(server, path)


class AsyncOverlaps(unittest.TestCase):
    # One worker, shared by the tests (each waits for its own requests), logging each request that
    # reaches its handler (Server.wait_handling()).
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=1, env={"LOG_LEVEL": "debug"}).__enter__()
        cls.server.warm_up(*WARM_UP)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assert_about(self, seconds, expected, delta, msg=None):
        """@seconds is @expected within @delta below (timers are never early) and slack(@delta) above."""
        self.assertGreaterEqual(seconds, expected - delta, msg)
        self.assertLessEqual(seconds, expected + slack(delta), msg)

    def test_async_delays_overlap_even_on_one_worker(self):
        s = self.server
        start = time.monotonic()
        (r3, t3), (r2, t2) = run_parallel([lambda: timed_get(s, "/async-delay/3"),
                                            lambda: timed_get(s, "/async-delay/2")])
        total = time.monotonic() - start
        self.assertEqual((r3.status, r2.status), (200, 200))
        self.assert_about(t3, 3.0, 0.6)
        self.assert_about(t2, 2.0, 0.6)
        # However slow the server's work, never near 5 s, the sum.
        self.assertLess(total, min(3.0 + slack(1.0), 4.5),
                        "3 s and 2 s async delays must overlap (about 3 s, not 5 s)")

    def test_sync_delays_serialize_on_one_worker(self):
        s = self.server
        start = time.monotonic()
        results = run_parallel([lambda: timed_get(s, "/sync-delay/1"), lambda: timed_get(s, "/sync-delay/1")])
        total = time.monotonic() - start
        self.assertEqual([r.status for r, _ in results], [200, 200])
        slower = max(t for _, t in results)
        self.assertGreater(slower, 1.8, "the second blocking request must wait for the first")
        self.assertGreater(total, 1.8)

    def test_blocking_delay_stalls_other_requests_on_its_worker(self):
        s = self.server
        (_, _), (r, t) = run_parallel([lambda: timed_get(s, "/sync-delay/1.5"),
                                       lambda: timed_get_once_handling(s, "/sync-delay/1.5", "/")])
        self.assertEqual(r.status, 200)
        self.assertGreater(t, 0.8, "GET / must wait while the loop is blocked")

    def test_async_delay_does_not_stall_other_requests(self):
        s = self.server
        (_, td), (r, t) = run_parallel([lambda: timed_get(s, "/async-delay/1.5"),
                                        lambda: timed_get_once_handling(s, "/async-delay/1.5", "/")])
        self.assertEqual(r.status, 200)
        # Answered while the delay waits: well before it ends, however slow the server's work.
        self.assertLess(t, min(slack(0.5), 1.0), "GET / must be answered while an async delay waits")
        self.assertGreater(td, 1.4)


class Performance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=1).__enter__()
        cls.server.warm_up(*WARM_UP)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_concurrent_waits_take_about_one_second(self):
        r, t = timed_get(self.server, "/performance/async")
        self.assertEqual(r.status, 200)
        body = r.json()
        self.assertEqual(body["mode"], "concurrent")
        self.assertEqual(body["tasks"], 3)
        # The server's own clock: three timers started together, ending together.
        self.assertAlmostEqual(body["elapsed_seconds"], 1.0, delta=0.3)
        # The client's clock adds the server's work: about one second, never near three.
        self.assertGreaterEqual(t, 0.5)
        self.assertLess(t, 1.0 + min(slack(0.5), 1.0))

    def test_sequential_waits_take_about_three_seconds(self):
        r, t = timed_get(self.server, "/performance/sync")
        self.assertEqual(r.status, 200)
        body = r.json()
        self.assertEqual(body["mode"], "sequential")
        self.assertEqual(body["tasks"], 3)
        self.assertAlmostEqual(body["elapsed_seconds"], 3.0, delta=0.5)
        self.assertGreaterEqual(t, 2.3)
        self.assertLess(t, 3.0 + slack(0.7))


if __name__ == "__main__":
    main()
