"""The benchmark's report: the table it prints, the chart it draws, the machine it ran on."""

import contextlib
import os
import platform
import re

WORKERS = 2


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def spread(rounds):
    """The rounds' range as a share of their median: "±N%" (half the range), or "" for one round."""
    values = sorted(v for v in rounds or [] if v)
    if len(values) < 2:
        return ""
    return "±%.0f%%" % (50.0 * (values[-1] - values[0]) / values[len(values) // 2])


def print_table(report):
    """req/s is each implementation's median round, with the spread of its rounds; CPU µs/req is that
    round's CPU time (user + system, all its processes) per request, steadier than req/s on a shared
    machine."""
    head = "%-44s %-11s %10s %6s %9s %9s %7s %10s %8s  %s"
    print(head % ("scenario", "server", "req/s", "spread", "p50 ms", "p99 ms", "errors", "CPU us/req", "RSS MB",
                  "ratio"))
    for sc in report["scenarios"]:
        ours = sc["results"]["async-demo"]["rps"]
        for impl, r in sc["results"].items():
            ratio = "" if impl == "async-demo" or not r["rps"] else "async-demo = %.2fx" % (ours / r["rps"])
            print(head % (sc["title"][:44], impl, fmt(r["rps"], ".0f"), spread(r.get("rounds")),
                          fmt(r["p50_ms"], ".2f"), fmt(r["p99_ms"], ".2f"), r["errors"] + r["non2xx"],
                          fmt(r.get("cpu_us_per_req"), ".2f"), fmt(r["rss_mb"], ".1f"), ratio))
            if "instances" in r:
                print("    %s: %d instances, peak PSS together %.1f MB (RSS summed: %.1f MB), listen queue %s, "
                      "req/s per instance %s" % (impl, r["instances"], r["pss_mb"], r["rss_mb"], r.get("nstat"),
                                                 r.get("per_instance_rps")))
        for t in sc["targets"]:
            value = "n/a" if t["value"] is None else t["value"]
            print("    target %-40s %10s (needed %s) %s" % (t["what"], value, t["needed"],
                                                            "met" if t["met"] else "NOT MET"))


def write_chart(report, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"async-demo": "#2b6cb0", "fastapi": "#d69e2e", "nginx": "#38a169", "pgbench": "#805ad5"}
    scenarios = report["scenarios"]
    cols = 3
    rows = (len(scenarios) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[len(scenarios):]:
        ax.axis("off")
    for ax, sc in zip(axes.flat, scenarios):
        names = list(sc["results"])
        values = [sc["results"][n]["rps"] for n in names]
        bars = ax.bar(names, values, color=[colors.get(n, "#718096") for n in names])
        ax.set_title(sc["title"], fontsize=9)
        ax.set_ylabel("requests/s", fontsize=8)
        ax.tick_params(labelsize=8)
        for bar, v in zip(bars, values):
            ax.annotate("%.0f" % v, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                        va="bottom", fontsize=7)
        ax.margins(y=0.15)
    fig.suptitle("async-demo vs references, %s (%d workers each, wrk on loopback)" % (report["machine"]["cpu"],
                                                                                    WORKERS), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def machine_info():
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            if m:
                cpu = m.group(1).strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release()}
