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


def never_reached(stats, servers_path):
    """[(operationId, why)] for every operation whose positive requests all stopped before it (each stats entry's
    "refused": the positive requests' statuses, "unrouted" for the server's 404 of a path it does not route): by
    that 404 (--base-url without the spec's servers path, @servers_path), or by 401/403 (credentials missing or
    refused).  Such a run passes while testing nothing of the operation."""
    out = []
    for op_id in sorted(stats):
        refused = stats[op_id]["refused"]
        if not refused or any(r not in ("unrouted", 401, 403) for r in refused):
            continue
        if all(r == "unrouted" for r in refused):
            why = ("all %d positive requests got the 404 the server gives a path it does not route: is the servers "
                   "path (%s) in --base-url?" % (len(refused), servers_path or "/"))
        else:
            why = ("all %d positive requests got %s: its security refused them (give its credentials: --api-key, "
                   "--bearer)" % (len(refused), "/".join(sorted({str(r) for r in refused if r != "unrouted"}))))
        out.append((op_id, why))
    return out


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


def junit(path, stats, reports, unreached=()):
    """One testcase per operation; a failure element per failed check, with its minimal curl command, and one for
    an operation that no positive request reached (@unreached: [(operationId, why)], those not allowed)."""
    unreached = dict(unreached)
    failures = sum(1 for op_id, s in stats.items() if s["failures"] or op_id in unreached)
    suite = ET.Element("testsuite", name="async-demo-contract", tests=str(len(stats)), failures=str(failures))
    for op_id in sorted(stats):
        case = ET.SubElement(suite, "testcase", classname="contract", name=op_id)
        if op_id in unreached:
            ET.SubElement(case, "failure", message="unreached: %s" % unreached[op_id], type="unreached")
        for op, check, message, violates, command in reports:
            if op == op_id:
                f = ET.SubElement(case, "failure", message="%s: %s" % (check, message), type=check)
                f.text = "%s\n%s" % ("negative: %s" % violates if violates else "positive", command)
        s = stats[op_id]
        ET.SubElement(case, "system-out").text = "requests=%d positive=%d negative=%d 503=%d links=%d failures=%d" % (
            s["requests"], s["positive"], s["negative"], s["503"], s["links"], len(s["failures"]))
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
