"""Differential test of our HTTP/1.1 framing against llhttp (see CMakeLists.txt and corpus.py).

    test_llhttp.py HTTP_FRAMING NODE FUZZ_CORPUS_DIR

Both sides frame every case of the corpus; for each case the verdict is:
  same      the same messages (method, target, body) and both stop with an error, or neither does;
  stricter  ours is llhttp's list cut short by an error of ours: we refused what llhttp tolerates.  Allowed
            only where STRICTER below names the case with the reason (our documented decision);
  lenient   llhttp's is ours cut short by an error of llhttp's: we took a well-delimited message it refuses.
            Allowed only where LENIENT names the case with the reason;
  differs   anything else: a message framed differently (where it ends, its method, target or body).
            Never allowed: that is where request smuggling lives.
Before comparing, an absolute-form target is taken as its path (RFC 9112 3.2.2, as our server does), and
llhttp's HPE_CLOSED_CONNECTION (bytes after a message that closes the connection) counts as a plain stop.
After an upgrade (llhttp hands the rest of the stream to the application) only the messages up to it count.
Every STRICTER rule must still match a case, so the list cannot go stale.
"""

import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

MIN_CASES = 500
ABSOLUTE_FORM = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([/?].*)?$", re.S)

# Where we refuse what llhttp accepts, and why.  Patterns match case names (fnmatch; "after_get." variants
# included by the leading *).
STRICTER = {
    "*rfc.target_asterisk": "asterisk-form is only for a server-wide OPTIONS, which this server does not offer: 400",
    "*rfc.version_[02]*": "only HTTP/1.0 and HTTP/1.1 are spoken: 505 (RFC 9110 15.6.6)",
    "*rfc.version_missing": "HTTP/0.9 simple requests are not supported: 400",
    "*seed.head_http09": "HTTP/0.9 simple requests are not supported: 400",
    "*rfc.no_host": "an HTTP/1.1 request without Host gets 400 (RFC 9112 3.2: a server MUST)",
    "*cl.value_u64": "a declared body over MAX_BODY_SIZE (or 18 digits) is refused before it is sent",
    "*cl.value_i64max": "a declared body over MAX_BODY_SIZE (or 18 digits) is refused before it is sent",
    "*cl.get_huge": "a declared body over MAX_BODY_SIZE is refused before it is sent: 413",
    "*chunk.size_max_u64": "a chunked body over MAX_BODY_SIZE is refused as soon as a chunk size says so: 413",
    "*te.value_identity_chunked": "only a single chunked coding is supported: 501 (RFC 9112 6.1)",
    "*te.value_gzip_chunked": "only a single chunked coding is supported: 501 (RFC 9112 6.1)",
    "*te.value_deflate": "only a single chunked coding is supported: 501 (RFC 9112 6.1)",
    "*te.value_space_comma": "only a single chunked coding is supported: 501 (RFC 9112 6.1)",
    "*te.value_comma_lead": "only a single chunked coding is supported (an empty list element included): 501",
    "*te.value_empty*": "an empty Transfer-Encoding is no coding we support: 501",
    "*te.dup_identity_then_chunked": "two Transfer-Encoding fields are two codings; only a single chunked is supported",
    "*te.value_tab": "a tab around Transfer-Encoding's value is refused, leading or trailing (llhttp refuses a "
                     "trailing one only): no intermediary can read this framing differently",
    "*te.http10": "Transfer-Encoding in HTTP/1.0 is faulty framing (RFC 9112 6.1): 400",
    "*chunk.ext_empty_*": "a chunk-ext-name is a token and its value a token or quoted-string, neither empty",
    "*line.request_double_space": "the request line's parts are separated by exactly one SP (RFC 9112 3)",
    "*lead.lf": "only whole CRLF empty lines are skipped before a request line (RFC 9112 2.2)",
    "*lead.cr": "only whole CRLF empty lines are skipped before a request line (RFC 9112 2.2)",
    "*lead.crlf_lf": "only whole CRLF empty lines are skipped before a request line (RFC 9112 2.2)",
    "*lead.lf_crlf": "only whole CRLF empty lines are skipped before a request line (RFC 9112 2.2)",
}

# Where we accept what llhttp refuses, with every message before it framed identically, and why.  Never a
# difference in where a message ends: only in whether a well-delimited one is taken.
LENIENT = {
    "*rfc.methodname_*": "a method is any RFC 9110 token (extension methods are routed, then 405 or 404); "
                        "llhttp knows a fixed list",
    "*cl.name_typo": "the body of a request without a length is the next request's start: its method is "
                     "a token to us (then 405), unknown to llhttp",
    "*cl.body_then_garbage": "bytes after a body start the next request, whose method is a token to us "
                             "(then 405), unknown to llhttp",
    "*chunk.ext_bws*": "RFC 9112 7.1.1 allows BWS around a chunk extension's ';' and '=', and RFC 9110 5.6.3 "
                       "says a recipient MUST parse and remove it; llhttp refuses it",
}


def run(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, timeout=240).stdout.decode()
    return {r["name"]: r for r in map(json.loads, out.splitlines())}


def effective_target(target):
    """RFC 9112 3.2.2: a server takes an absolute-form target's path (and query) as the request's target."""
    m = ABSOLUTE_FORM.match(target)
    return (m.group(1) or "/") if m else target


def normalized(result):
    """Messages as the application sees them; llhttp's error for bytes after a closing message (HTTP/1.0 or
    Connection: close) is no error: both sides stop there, and we simply close."""
    messages = [dict(m, target=effective_target(m["target"])) for m in result["messages"]]
    error = result["error"] if result["error"] != "HPE_CLOSED_CONNECTION" else None
    return dict(result, messages=messages, error=error)


def verdict(ours, ref):
    ours, ref = normalized(ours), normalized(ref)
    mine, theirs = ours["messages"], ref["messages"]
    if ref.get("upgrade"):
        n = len(theirs)
        return "same" if mine[:n] == theirs else "differs"
    if mine == theirs and bool(ours["error"]) == bool(ref["error"]):
        return "same"
    if ours["error"] and mine == theirs[:len(mine)]:
        return "stricter"
    if ref["error"] and theirs == mine[:len(theirs)]:
        return "lenient"
    return "differs"


def allowed(name, rules):
    return [p for p in rules if fnmatch.fnmatchcase(name, p)]


def main():
    framing, node, fuzz_corpus = sys.argv[1:4]
    cases = corpus.cases(fuzz_corpus)
    with tempfile.TemporaryDirectory(prefix="async-demo-diff-") as tmp:
        path = os.path.join(tmp, "corpus.bin")
        corpus.write(path, cases)
        ours = run([framing, path])
        ref = run([node, os.path.join(os.path.dirname(os.path.abspath(__file__)), "llhttp_framing.js"), path])
    counts = {"same": 0, "stricter": 0, "lenient": 0, "differs": 0}
    used, problems = set(), []
    for name, _ in cases:
        if name not in ours or name not in ref:
            problems.append("%s: not framed by %s" % (name, "us" if name not in ours else "llhttp"))
            continue
        v = verdict(ours[name], ref[name])
        counts[v] += 1
        if v == "same":
            continue
        rules = allowed(name, STRICTER if v == "stricter" else LENIENT if v == "lenient" else {})
        if rules:
            used.update(rules)
            continue
        problems.append("%s: %s\n    ours:   %s\n    llhttp: %s" % (
            name, v if v == "differs" else v + ", and not a documented decision",
            json.dumps({k: ours[name][k] for k in ("messages", "error")}),
            json.dumps({k: ref[name][k] for k in ("messages", "error")})))
    for pattern in sorted((set(STRICTER) | set(LENIENT)) - used):
        problems.append("STRICTER rule %r matches no case any more: remove it" % pattern)
    print("%d cases: %d same, %d stricter and %d more lenient (documented decisions), %d differ" % (
        len(cases), counts["same"], counts["stricter"], counts["lenient"], counts["differs"]))
    for p in problems:
        print("FAIL " + p)
    if len(cases) < MIN_CASES:
        print("FAIL the corpus has %d cases, fewer than %d" % (len(cases), MIN_CASES))
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
