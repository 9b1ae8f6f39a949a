"""The demo's timing claims, with generous tolerances (they are claims, not benchmarks)."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, main, run_parallel  # noqa: E402


def timed_get(server, path):
    start = time.monotonic()
    r = server.get(path)
    return r, time.monotonic() - start


class AsyncOverlaps(unittest.TestCase):
    def test_async_delays_overlap_even_on_one_worker(self):
        with Server(workers=1) as s:
            start = time.monotonic()
            (r3, t3), (r2, t2) = run_parallel([lambda: timed_get(s, "/async-delay/3"),
                                                lambda: timed_get(s, "/async-delay/2")])
            total = time.monotonic() - start
            self.assertEqual((r3.status, r2.status), (200, 200))
            self.assertAlmostEqual(t3, 3.0, delta=0.6)
            self.assertAlmostEqual(t2, 2.0, delta=0.6)
            self.assertLess(total, 4.0, "3 s and 2 s async delays must overlap (about 3 s, not 5 s)")

    def test_sync_delays_serialize_on_one_worker(self):
        with Server(workers=1) as s:
            start = time.monotonic()
            results = run_parallel([lambda: timed_get(s, "/sync-delay/1"), lambda: timed_get(s, "/sync-delay/1")])
            total = time.monotonic() - start
            self.assertEqual([r.status for r, _ in results], [200, 200])
            slower = max(t for _, t in results)
            self.assertGreater(slower, 1.8, "the second blocking request must wait for the first")
            self.assertGreater(total, 1.8)

    def test_blocking_delay_stalls_other_requests_on_its_worker(self):
        with Server(workers=1) as s:
            (_, _), (r, t) = run_parallel([lambda: timed_get(s, "/sync-delay/1.5"),
                                           lambda: (time.sleep(0.3), timed_get(s, "/"))[1]])
            self.assertEqual(r.status, 200)
            self.assertGreater(t, 0.8, "GET / must wait while the loop is blocked")

    def test_async_delay_does_not_stall_other_requests(self):
        with Server(workers=1) as s:
            (_, _), (r, t) = run_parallel([lambda: timed_get(s, "/async-delay/1.5"),
                                           lambda: (time.sleep(0.3), timed_get(s, "/"))[1]])
            self.assertEqual(r.status, 200)
            self.assertLess(t, 0.5, "GET / must be answered while an async delay waits")


class Performance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=1).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_concurrent_waits_take_about_one_second(self):
        r, t = timed_get(self.server, "/performance/async")
        self.assertEqual(r.status, 200)
        body = r.json()
        self.assertEqual(body["mode"], "concurrent")
        self.assertEqual(body["tasks"], 3)
        self.assertAlmostEqual(body["elapsed_seconds"], 1.0, delta=0.3)
        self.assertAlmostEqual(t, 1.0, delta=0.5)

    def test_sequential_waits_take_about_three_seconds(self):
        r, t = timed_get(self.server, "/performance/sync")
        self.assertEqual(r.status, 200)
        body = r.json()
        self.assertEqual(body["mode"], "sequential")
        self.assertEqual(body["tasks"], 3)
        self.assertAlmostEqual(body["elapsed_seconds"], 3.0, delta=0.5)
        self.assertAlmostEqual(t, 3.0, delta=0.7)


if __name__ == "__main__":
    main()
