#!/usr/bin/python3
"""The benchmark's reading of wrk: a percentile wrk reports as 0 for a run with answers is no latency
(None, shown as "-" and never a met target), and a real one is kept, in ms."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench  # noqa: E402
import c100k  # noqa: E402
from loads import wrk_figures  # noqa: E402
from tap import done, ok  # noqa: E402  (tests/tap.py)


def report(p50, p99, requests=1000):
    return ('BENCH_JSON {"requests":%d,"duration_us":1000000,"bytes":1,"errors":{"connect":0,"read":0,'
            '"write":0,"status":0,"timeout":0},"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%d}}\n'
            % (requests, p50, p99, p99, p99, p50))


def main():
    good = wrk_figures(0, report(1500, 10250000))
    ok(good["p50_ms"] == 1.5 and good["p99_ms"] == 10250.0, "percentiles in ms")
    bad = wrk_figures(0, report(121000, 0))
    ok(bad["p50_ms"] == 121.0 and bad["p99_ms"] is None, "a p99 of 0 with answers is no figure")
    ok(wrk_figures(0, report(0, 0, requests=0))["p99_ms"] == 0.0, "no answers: 0 stays 0")
    ok(c100k.worst_known([1.0, None, 3.0]) is None, "one instance without a p99: none for all")
    ok(c100k.worst_known([1.0, 5.0, 3.0]) == 5.0 and c100k.worst_known([1.0, 5.0, 3.0], median=True) == 3.0,
       "the worst p99 and the median p50 over instances")
    scenario = next(s for s in bench.SCENARIOS if s["name"] == "async_delay_10k")
    ours = dict(bad, rps=9900.0, mean_ms=1010.0, rss_mb=40.0, errors=0, non2xx=0, requests=100000)
    checks = {c["what"]: c for c in bench.evaluate(scenario, {"async-demo": ours}, 10000, 11)}
    ok(checks["p99 (ms)"]["value"] is None and not checks["p99 (ms)"]["met"], "an unknown p99 is not met")
    none = dict(ours, requests=0, mean_ms=None, p99_ms=None)
    checks = {c["what"]: c for c in bench.evaluate(scenario, {"async-demo": none}, 10000, 11)}
    ok(not any(c["met"] for w, c in checks.items() if not w.startswith("peak")),
       "a run without answers meets no target (and the evaluation does not fail)")
    return done()


if __name__ == "__main__":
    sys.exit(main())
