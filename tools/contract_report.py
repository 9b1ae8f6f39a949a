"""Reporting for async-demo-contract: a failing request as a curl command, the summary table, JUnit XML."""

import shlex
import xml.etree.ElementTree as ET


def curl(base_url, base_path, method, target, headers, body):
    """A curl command line that sends the request again."""
    origin = base_url[:len(base_url) - len(base_path)] if base_path and base_url.endswith(base_path) else base_url
    words = ["curl", "-sS", "-i", "-X", method]
    for k, v in headers.items():
        words += ["-H", "%s: %s" % (k, v)]
    if body is not None:
        words += ["--data-binary", body.decode("utf-8", "replace")]
    words.append(origin + target)
    return " ".join(shlex.quote(w) for w in words)


def table(stats, seconds, unsupported):
    """Per operation: requests, positive, negative, documented 503s, links followed, failures."""
    rows = [("operation", "requests", "positive", "negative", "503", "links", "failures")]
    total = [0] * 6
    for op_id in sorted(stats):
        s = stats[op_id]
        cells = [s["requests"], s["positive"], s["negative"], s["503"], s["links"], len(s["failures"])]
        total = [a + b for a, b in zip(total, cells)]
        rows.append((op_id,) + tuple(str(c) for c in cells))
    rows.append(("TOTAL (%.1f s)" % seconds,) + tuple(str(c) for c in total))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines += ["not tested: %s" % u for u in unsupported]
    return "\n".join(lines)


def junit(path, stats, reports):
    """One testcase per operation; a failure element per failed check, with its minimal curl command."""
    failures = sum(1 for s in stats.values() if s["failures"])
    suite = ET.Element("testsuite", name="async-demo-contract", tests=str(len(stats)), failures=str(failures))
    for op_id in sorted(stats):
        case = ET.SubElement(suite, "testcase", classname="contract", name=op_id)
        for op, check, message, violates, command in reports:
            if op == op_id:
                f = ET.SubElement(case, "failure", message="%s: %s" % (check, message), type=check)
                f.text = "%s\n%s" % ("negative: %s" % violates if violates else "positive", command)
        s = stats[op_id]
        ET.SubElement(case, "system-out").text = "requests=%d positive=%d negative=%d 503=%d links=%d failures=%d" % (
            s["requests"], s["positive"], s["negative"], s["503"], s["links"], len(s["failures"]))
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
