#!/usr/bin/python3
"""async-demo-contract: property-based contract testing of a running HTTP service against its OpenAPI 3.1 spec.

Usage: async_demo_contract.py --spec FILE_OR_URL --base-url URL [--seed N] [--max-examples N]
         [--time-budget S] [--cap NAME=MAX]... [--skip OPERATION_ID]... [--header K:V]... [--api-key KEY]
         [--bearer TOKEN] [--junit FILE] [--workers N] [--allow-unreached OPERATION_ID|all]...

For every operation, tools/contract_gen.py builds Hypothesis strategies from the spec's schemas: positive
requests (every constraint satisfied) and negative ones (exactly one constraint broken, recorded); a body
declared under several media types gets both under each (JSON, form, multipart/form-data).  Hypothesis
runs examples one by one, so it is used here only to *draw* them (a @given test that collects its examples,
seeded by --seed: the same seed draws the same requests); a thread pool sends them concurrently and each
answer is judged (see judge()): documented status, no 422 or undocumented 5xx for a valid request (a
documented 503 with its headers is counted, not failed), a 4xx for an invalid one, the body valid against
the documented schema of the media type its Content-Type names (Draft 2020-12, components resolved; JSON parsed,
text/* as UTF-8 text, any other type as bytes whose number minLength/maxLength bound; an undeclared Content-Type
fails), declared headers present and of their schema, no
415 for a body of a declared type, and 415 for an undeclared one (text/plain) where several are declared.
An operation whose responses declare several media types is sent an Accept naming each in turn (picked by the
target's hash), so that every declared type is answered and judged.
After a 2xx whose response declares `links`, the linked operation is called with the values the links'
runtime expressions ($response.body#/...) pick, and must answer 2xx echoing them.

Shrinking: for the first failure of each (operation, check), hypothesis.find() runs the same strategy again
with the property "this request fails this check" and shrinks what it finds (fewer optional fields, smaller
values) to a minimal failing request, bounded in time; if find() does not hit the failure again (it may
depend on state, e.g. a full queue) the original request is reported.  Each failure is printed as a curl
command with its check.  An operation whose positive requests all stopped before it (the server's 404 for a path
it does not route, as a probe of an unrouted path shows it, or 401/403) is reported as never reached, and fails
the run unless --allow-unreached names it.  Exit status: 0 no failure, 1 failures, 2 usage or spec error.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Hypothesis keeps a directory of its own (examples database, caches): not in the caller's working tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "async-demo-contract-hypothesis"))
from hypothesis import HealthCheck, Phase, find, given, seed, settings  # noqa: E402
from hypothesis.errors import Flaky, NoSuchExample, Unsatisfiable  # noqa: E402
from contract_formats import Validator, write_only_missing  # noqa: E402
from contract_gen import (FORMATS, TEMPLATE, body_media, body_medias, deref, form_body, multipart_body,  # noqa: E402
                          json_content, negatives, positives, raw_media, text_of)
from contract_report import curl, junit, never_reached, table  # noqa: E402
from contract_spec import LOAD_ERRORS, load_spec, spec_base_path  # noqa: E402  (codegen's loader: bundled, YAML 1.2)

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
# Refusals at the protocol level the HTTP layer may give any operation, documented or not.
GENERIC = {"400", "405", "411", "413", "414", "415", "431"}


def operations(spec):
    """[(method, path template, dereferenced operation)] with the path item's parameters merged in."""
    out = []
    for path, item in spec.get("paths", {}).items():
        item = deref(spec, item)
        for method in METHODS:
            if method in item:
                op = dict(item[method])
                names = {(p["name"], p["in"]) for p in op.get("parameters", [])}
                op["parameters"] = op.get("parameters", []) + [
                    p for p in item.get("parameters", []) if (p["name"], p["in"]) not in names]
                op.setdefault("operationId", "%s %s" % (method.upper(), path))
                op[TEMPLATE] = path
                out.append((method.upper(), path, op))
    return out


def quote(value):
    return urllib.parse.quote(text_of(value), safe="")


def path_text(p, value):
    style, explode = p.get("style", "simple"), p.get("explode", False)
    items = [quote(v) for v in value] if isinstance(value, list) else None
    if isinstance(value, dict):
        items = ["%s=%s" % (quote(k), quote(v)) for k, v in value.items()] if explode else \
            [x for k, v in value.items() for x in (quote(k), quote(v))]
    if items is None:
        items = [quote(value)]
    name = p["name"]
    if style == "matrix":
        if explode and isinstance(value, list):
            return "".join(";%s=%s" % (name, v) for v in items)
        return ";%s=%s" % (name, ",".join(items)) if not (explode and isinstance(value, dict)) else \
            "".join(";" + v for v in items)
    if style == "label":  # a dot inside a value would read as a separator: percent-encoded
        return "." + ("." if explode else ",").join(i.replace(".", "%2E") for i in items)
    return ",".join(items)


def query_pairs(p, value):
    name, style = p["name"], p.get("style", "form")
    explode = p.get("explode", style == "form")
    if isinstance(value, dict):
        if style == "deepObject":
            return ["%s%%5B%s%%5D=%s" % (quote(name), quote(k), quote(v)) for k, v in value.items()]
        if explode:
            return ["%s=%s" % (quote(k), quote(v)) for k, v in value.items()]
        return ["%s=%s" % (quote(name), ",".join(quote(x) for kv in value.items() for x in kv))]
    if isinstance(value, list):
        if explode:
            return ["%s=%s" % (quote(name), quote(v)) for v in value]
        sep = {"pipeDelimited": "|", "spaceDelimited": "%20"}.get(style, ",")
        return ["%s=%s" % (quote(name), sep.join(quote(v) for v in value))]
    return ["%s=%s" % (quote(name), quote(value))]


def header_text(value):
    if isinstance(value, list):
        return ",".join(text_of(v) for v in value)
    if isinstance(value, dict):
        return ",".join("%s,%s" % (k, text_of(v)) for k, v in value.items())
    return text_of(value)


def is_bearer(scheme):
    """Whether the security scheme takes a bearer token in Authorization: http bearer (the scheme's name in any
    case, RFC 7235), and oauth2 and openIdConnect, whose tokens go as RFC 6750 bearer tokens (as codegen's
    security.py enforces them: TOKEN_TYPES)."""
    return (scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer") or \
        scheme.get("type") in ("oauth2", "openIdConnect")


class Target:
    """The service under test: its base URL, the headers every request carries, the credentials."""

    def __init__(self, base_url, headers, api_key, bearer, spec):
        url = urllib.parse.urlsplit(base_url)
        self.scheme, self.host, self.port = url.scheme, url.hostname, url.port or (443 if url.scheme == "https" else 80)
        self.base_path = url.path.rstrip("/")
        self.base_url = base_url.rstrip("/")
        self.headers, self.api_key, self.bearer = headers, api_key, bearer
        self.schemes = {name: deref(spec, scheme) for name, scheme in
                        spec.get("components", {}).get("securitySchemes", {}).items()}

    def credentials(self, op, spec):
        """Headers that satisfy @op's security: the first requirement the supplied options meet, the anonymous
        one ({}) only when they meet none (a service may refuse anonymous calls by configuration)."""
        for requirement in op.get("security", spec.get("security", [])):
            headers = {}
            for name in requirement:
                scheme = self.schemes.get(name, {})
                if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and self.api_key:
                    headers[scheme["name"]] = self.api_key
                elif is_bearer(scheme) and self.bearer:
                    headers["Authorization"] = "Bearer " + self.bearer
                else:
                    break
            else:
                if headers:
                    return headers
        return {}

    def build(self, method, template, op, req, spec):
        """(method, target, headers, body bytes or None) of the generated request @req."""
        params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
        path = template
        for name, value in req["path"].items():
            path = path.replace("{%s}" % name, path_text(params[("path", name)], value))
        query = [x for name, value in req["query"].items() for x in query_pairs(params[("query", name)], value)]
        target = self.base_path + path + ("?" + "&".join(query) if query else "")
        headers = dict(self.headers)
        if req["auth"]:
            headers.update(self.credentials(op, spec))
        headers.update({name: header_text(v) for name, v in req["header"].items()})
        if req["cookie"]:
            headers["Cookie"] = "; ".join("%s=%s" % (k, quote(header_text(v))) for k, v in req["cookie"].items())
        body, media = req["raw"], req["media"]
        if body is None and req["body"] is not None:
            if media == "application/x-www-form-urlencoded":
                body = form_body(req["body"])
            elif media == "multipart/form-data":
                body, media = multipart_body(op, req["body"], req.get("part_types", {}))
            else:
                body = json.dumps(req["body"]).encode()
        if body is not None:
            headers["Content-Type"] = media
        accept = response_medias(op)
        if len(accept) > 1:  # each declared type asked for in turn (by the target's hash: the seed's draw)
            headers.setdefault("Accept", accept[zlib.crc32(target.encode()) % len(accept)])
        return method, target, headers, body

    def send(self, method, target, headers, body):
        """(status, {lower-case header: value}, body bytes)."""
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        conn = cls(self.host, self.port, timeout=60)
        try:
            conn.request(method, target, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()


def media_kind(media):
    """json, text or bytes: how a response body of media type @media (as the spec writes it) is judged."""
    base = media.split(";")[0].strip().lower()
    if base == "application/json" or (base.startswith("application/") and base.endswith("+json")):
        return "json"
    return "text" if base.startswith("text/") else "bytes"


def documented_media(content, got):
    """The key of @content that the answer's media type @got (type/subtype) is documented by: its own, else a
    range covering it (*/*, application/*: springdoc's */*, which a JSON answer satisfies); None if neither."""
    bases = [(m, m.split(";")[0].strip().lower()) for m in content]
    exact = next((m for m, base in bases if base == got), None)
    if exact is not None or "/" not in got:
        return exact
    return next((m for m, base in bases if base == "*/*" or base == got.split("/")[0] + "/*"), None)


def response_medias(op):
    """The media types (type/subtype) @op's responses declare, in spec order, each once."""
    out = []
    for response in op.get("responses", {}).values():
        for media in (response.get("content") or {}) if isinstance(response, dict) else ():
            base = media.split(";")[0].strip().lower()
            if base not in out:
                out.append(base)
    return out


class Judge:
    """The checks of one answer against the spec; failures as [(check, message)]."""

    def __init__(self, spec):
        self.spec = spec
        self.resolver = jsonschema.RefResolver.from_schema(spec)

    def response(self, op, status):
        responses = op["responses"]
        return responses.get(str(status)) or responses.get("%dXX" % (status // 100)) or responses.get("default")

    def judge(self, op, req, status, headers, body):
        out, negative = [], req["violates"] is not None
        documented = self.response(op, status)
        if documented is None and str(status) not in GENERIC:
            out.append(("status_documented", "%d is not documented (%s)" % (status, ", ".join(op["responses"]))))
        if not negative and status == 422:
            out.append(("positive_not_refused", "a valid request got 422: %r" % body[:300]))
        if not negative and status >= 500 and documented is None:
            out.append(("positive_no_5xx", "a valid request got an undocumented %d: %r" % (status, body[:300])))
        if negative and not 400 <= status < 500:
            out.append(("negative_4xx", "a request violating %s got %d" % (req["violates"], status)))
        elif negative and req.get("expect_status") and status != req["expect_status"]:
            out.append(("unsupported_media_415", "a body of an undeclared type (%s) got %d, not %d: the operation "
                        "declares %s" % (req["media"], status, req["expect_status"],
                                         ", ".join(m[0] for m in body_medias(op)))))
        if not negative and status == 415:
            out.append(("positive_media_accepted", "a valid request with a body of a declared type (%s) got 415: %r"
                        % (req["media"], body[:300])))
        if documented is not None:
            out += self.body(documented, status, headers, body) + self.headers(documented, headers)
        return out

    def body(self, documented, status, headers, body):
        content = documented.get("content")
        if not content:
            return [] if body == b"" else [("body_schema", "%d documents no body, got %r" % (status, body[:200]))]
        got = (headers.get("content-type") or "").split(";")[0].strip().lower()
        media = documented_media(content, got)
        if media is None:
            return [("content_type", "Content-Type %r, documented %s" % (got, ", ".join(content)))]
        schema, kind = content[media].get("schema"), media_kind(got if "*" in media else media)
        if kind == "bytes":  # opaque: a schema may only bound their number (codegen's respmedia.py)
            schema = schema if isinstance(schema, dict) else {}
            if not schema.get("minLength", 0) <= len(body) <= schema.get("maxLength", len(body)):
                return [("body_schema", "%d body: %d bytes of %s, outside its schema's minLength/maxLength" % (
                    status, len(body), media))]
            return []
        if schema is None:
            return []
        try:
            value = body.decode("utf-8") if kind == "text" else json.loads(body)
        except ValueError as e:
            return [("body_schema", "body is not %s: %s" % (media, e))]
        validator = Validator(schema, resolver=self.resolver, format_checker=FORMATS)
        errors = sorted((e for e in validator.iter_errors(value) if not write_only_missing(e)), key=str)
        if errors:
            return [("body_schema", "%d body does not match the schema: %s at /%s" % (
                status, errors[0].message[:200], "/".join(str(p) for p in errors[0].absolute_path)))]
        return []

    def headers(self, documented, headers):
        out = []
        for name, header in documented.get("headers", {}).items():
            header = deref(self.spec, header)
            text = headers.get(name.lower())
            if text is None:  # declared is promised: Location, Retry-After, WWW-Authenticate and the rest
                out.append(("header_present", "declared header %s missing" % name))
                continue
            schema = header.get("schema", {})
            kind = {"integer": int, "number": float}.get(schema.get("type"))
            if "content" in header:  # a JSON header: strict JSON text (NaN, Infinity are not), of its schema
                schema = deref(self.spec, next(iter(header["content"].values())).get("schema", {}))
                kind = lambda t: json.loads(t, parse_constant=lambda c: float("x" + c))
            try:
                value = kind(text) if kind else text
            except ValueError:
                out.append(("header_schema", "header %s: %r is not a %s" % (
                    name, text, "JSON text" if "content" in header else schema.get("type"))))
                continue
            if not Validator(schema, format_checker=FORMATS).is_valid(value):
                out.append(("header_schema", "header %s: %r does not match its schema" % (name, text)))
        return out


def collect(strategy, count, run_seed):
    """Up to @count requests drawn from @strategy by Hypothesis, reproducibly for @run_seed."""
    drawn = []

    @seed(run_seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(req):
        drawn.append(req)

    try:
        draw()
    except Unsatisfiable:
        pass
    return drawn


def pointer(value, expression):
    """The value a runtime expression `$response.body#/a/b` picks from @value, or None."""
    if not isinstance(expression, str) or not expression.startswith("$response.body#"):
        return None
    for part in expression.split("#", 1)[1].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


class Run:
    """One run: every operation's requests sent, judged, counted; failures kept for shrinking."""

    def __init__(self, spec, target, args):
        self.spec, self.target, self.args = spec, target, args
        self.judge = Judge(spec)
        self.ops = [o for o in operations(spec) if o[2]["operationId"] not in args.skip]
        self.by_id = {o[2]["operationId"]: o for o in operations(spec)}
        self.lock = threading.Lock()
        self.stats = {o[2]["operationId"]: {"requests": 0, "positive": 0, "negative": 0, "503": 0, "links": 0,
                                            "failures": [], "refused": []} for o in self.ops}
        self.unsupported = []
        self.unrouted = None  # the body of the server's 404 for a path it does not route (probe_unrouted())

    def probe_unrouted(self):
        """What the server answers a path under --base-url that no operation has: with a 404 there, a positive
        request answered the same 404, byte for byte, never reached its operation."""
        target = self.target.base_path + "/async-demo-contract-no-such-path-%08x" % zlib.crc32(
            str(self.args.seed).encode())
        try:
            status, _, body = self.target.send("GET", target, dict(self.target.headers), None)
        except (OSError, http.client.HTTPException):
            return
        self.unrouted = body if status == 404 else None

    def secured(self, op):
        requirements = op.get("security", self.spec.get("security", []))
        return bool(requirements) and all(requirements) and bool(self.target.credentials(op, self.spec))

    def plan(self):
        """[(operation, strategy name, strategy, request)] for every operation, seeded."""
        work = []
        for n, (method, template, op) in enumerate(self.ops):
            body = op.get("requestBody", {}).get("content", {})
            if body and body_media(op) is None and raw_media(op) is None:
                self.unsupported.append("%s: request body %s" % (op["operationId"], ", ".join(body)))
                continue
            encoded = [p["name"] for p in op.get("parameters", []) if "schema" not in p and not json_content(p)]
            if encoded:  # `content` parameters of a media type other than JSON: not generated, said so
                self.unsupported.append("%s: parameters with content: %s" % (op["operationId"], ", ".join(encoded)))
                continue
            caps = self.args.caps
            try:
                valid = positives(op, caps)  # one per media type of a body declared under several
                strategies = valid + negatives(op, caps, self.secured(op))
            except ValueError as e:  # a pattern Hypothesis cannot draw from (contract_gen.pattern_strings)
                self.unsupported.append("%s: %s" % (op["operationId"], e))
                continue
            per_positive = max(2, self.args.max_examples // len(valid))
            per_negative = max(2, self.args.max_examples // max(1, len(strategies) - len(valid)))
            for k, (name, strategy) in enumerate(strategies):
                count = per_positive if k < len(valid) else per_negative
                for req in collect(strategy, count, self.args.seed * 1000003 + n * 1009 + k):
                    work.append((op["operationId"], name, strategy, req))
        return work

    def exchange(self, op_id, req):
        """Send @req, judge the answer, follow links: [(check, message)], and the request as curl."""
        method, template, op = self.by_id[op_id]
        built = self.target.build(method, template, op, req, self.spec)
        status, headers, body = self.target.send(*built)
        failures = self.judge.judge(op, req, status, headers, body)
        if not failures and req["violates"] is None and 200 <= status < 300:
            failures += self.follow(op, status, body)
        return failures, status, built, body

    def follow(self, op, status, body):
        """Call the operations the answer's `links` point to with the values they pick; each must answer 2xx,
        echo those values at the same place, and agree on every other field both bodies have (but the ones
        the link's `x-contract-changes` lists: state that moves on, a task's status)."""
        links = (self.judge.response(op, status) or {}).get("links", {})
        if not links:
            return []
        try:
            created = json.loads(body)
        except ValueError:
            return [("link", "a body with links is not JSON")]
        out = []
        for name, link in links.items():
            out += self.follow_one(op, name, link, created)
        return out

    def follow_one(self, op, name, link, created):
        target = self.by_id.get(link.get("operationId"))
        if target is None:
            return [("link", "link %s: operation %r not in the spec" % (name, link.get("operationId")))]
        values = {p: pointer(created, e) for p, e in link.get("parameters", {}).items()}
        # the echo compares JSON: ask for it where the linked answer has other media types too (build())
        req = {"op": target[2]["operationId"], "path": {}, "query": {}, "header": {"Accept": "application/json"},
               "cookie": {}, "body": None, "media": None, "raw": None, "auth": True, "violates": None}
        for p in target[2].get("parameters", []):
            if p["name"] in values:
                req[p["in"]][p["name"]] = values[p["name"]]
        status, headers, body = self.target.send(*self.target.build(*target, req, self.spec))
        with self.lock:
            self.stats[op["operationId"]]["links"] += 1
        if not 200 <= status < 300:
            return [("link", "link %s -> %s answered %d: %r" % (name, req["op"], status, body[:200]))]
        out = [(c, "link %s: %s" % (name, m)) for c, m in self.judge.judge(target[2], req, status, headers, body)]
        try:
            read = json.loads(body)
        except ValueError:
            return out + [("link_echo", "link %s: the linked answer is not JSON" % name)]
        for p, expression in link.get("parameters", {}).items():
            if pointer(read, expression) != values[p]:
                out.append(("link_echo", "link %s -> %s: %s is %r, the created resource has %r" % (
                    name, req["op"], expression.split("#", 1)[1], pointer(read, expression), values[p])))
        if isinstance(created, dict) and isinstance(read, dict):
            changes = set(link.get("x-contract-changes", []))
            for key in sorted(set(created) & set(read) - changes):
                if created[key] != read[key]:
                    out.append(("link_echo", "link %s -> %s: %s is %r, the created resource has %r" % (
                        name, req["op"], key, read[key], created[key])))
        return out

    def run(self, work):
        deadline = time.monotonic() + self.args.time_budget
        first = {}

        def one(item):
            op_id, name, strategy, req = item
            if time.monotonic() > deadline:
                return
            body = None
            try:
                failures, status, _, body = self.exchange(op_id, req)
            except (OSError, http.client.HTTPException) as e:
                failures, status = [("connection", "%s: %s" % (type(e).__name__, e))], 0
            with self.lock:
                stats = self.stats[op_id]
                stats["requests"] += 1
                stats["negative" if req["violates"] else "positive"] += 1
                if not req["violates"]:
                    # 404 as the server answers a path it does not route: the request never reached the operation
                    stats["refused"].append("unrouted" if status == 404 and self.unrouted is not None and
                                            body == self.unrouted else status)
                stats["503"] += status == 503 and not failures
                for check, message in failures:
                    first.setdefault((op_id, check), (name, strategy, req, message))
                    stats["failures"].append((check, message))

        with concurrent.futures.ThreadPoolExecutor(self.args.workers) as pool:
            list(pool.map(one, work))
        return first

    def shrink(self, op_id, check, strategy, req, budget):
        """A minimal request failing @check (hypothesis.find over the same strategy), or @req.  A failure that
        depends on state (a user created by the first try answers 409 to the replay) makes Hypothesis call the
        property flaky: then the last request seen failing is the answer."""
        stop = time.monotonic() + budget
        seen = [req]

        def fails(candidate):
            if time.monotonic() > stop:
                return False
            try:
                failed = any(c == check for c, _ in self.exchange(op_id, candidate)[0])
            except (OSError, http.client.HTTPException):
                failed = check == "connection"
            if failed:
                seen.append(candidate)
            return failed

        try:
            return find(strategy, fails, settings=settings(
                max_examples=200, database=None, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck)))
        except (NoSuchExample, Unsatisfiable, Flaky):
            return seen[-1]


def parse_args(argv):
    a = argparse.ArgumentParser(prog="async-demo-contract", description=__doc__.split("\n\n")[0])
    a.add_argument("--spec", required=True, help="the OpenAPI document: a file (YAML or JSON) or a URL")
    a.add_argument("--base-url", required=True, help="where the service answers, with its servers path")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--max-examples", type=int, default=100, help="positive requests per operation (and as many negative)")
    a.add_argument("--time-budget", type=float, default=60.0, help="seconds for sending (shrinking has its own)")
    a.add_argument("--cap", action="append", default=[], help="NAME=MAX: a numeric parameter's largest value")
    a.add_argument("--skip", action="append", default=[], help="an operationId not to test")
    a.add_argument("--header", action="append", default=[], help="K:V sent with every request")
    a.add_argument("--api-key", help="the value of every apiKey security scheme in a header")
    a.add_argument("--bearer", help="the token of every http bearer, oauth2 and openIdConnect security scheme "
                   "(each sent as Authorization: Bearer TOKEN)")
    a.add_argument("--junit", help="write the results as JUnit XML to this file")
    a.add_argument("--workers", type=int, default=8, help="requests in flight")
    a.add_argument("--shrink-budget", type=float, default=30.0, help="seconds for shrinking, all failures together")
    a.add_argument("--allow-unreached", action="append", default=[], metavar="OPERATION_ID",
                   help="an operation whose positive requests may all stop before it (404 of an unrouted path, "
                   "401/403): reported, not failed ('all' for every one)")
    args = a.parse_args(argv)
    try:
        args.caps = {k: float(v) for k, v in (c.split("=", 1) for c in args.cap)}
        args.headers = dict(tuple(x.strip() for x in h.split(":", 1)) for h in args.header)
    except ValueError:
        a.error("--cap is NAME=NUMBER, --header is K:V")
    return args


def main(argv):
    args = parse_args(argv)
    try:
        spec = load_spec(args.spec)
    except LOAD_ERRORS as e:
        print("async-demo-contract: cannot load %s: %s" % (args.spec, e), file=sys.stderr)
        return 2
    target = Target(args.base_url, args.headers, args.api_key, args.bearer, spec)
    if spec_base_path(spec) != target.base_path:
        print("async-demo-contract: warning: --base-url's path is %r but the spec's first server's is %r: requests "
              "go to %s/..." % (target.base_path or "/", spec_base_path(spec) or "/", target.base_path),
              file=sys.stderr)
    run = Run(spec, target, args)
    started = time.monotonic()
    work = run.plan()
    run.probe_unrouted()
    first = run.run(work)
    shrink_stop = time.monotonic() + args.shrink_budget
    reports = []
    for (op_id, check), (name, strategy, req, message) in sorted(first.items(), key=lambda kv: kv[0]):
        budget = max(0.0, min(10.0, shrink_stop - time.monotonic()))
        minimal = run.shrink(op_id, check, strategy, req, budget) if budget > 0 else req
        method, template, op = run.by_id[op_id]
        reports.append((op_id, check, message, req["violates"], curl(target.base_url, target.base_path,
                                                                      *target.build(method, template, op, minimal, spec))))
    print(table(run.stats, time.monotonic() - started, run.unsupported))
    for op_id, check, message, violates, command in reports:
        print("\nFAILED %s [%s]%s: %s\n  %s" % (op_id, check, " (negative: %s)" % violates if violates else "",
                                                message, command))
    unreached = never_reached(run.stats, spec_base_path(spec))
    failing = [(op_id, why) for op_id, why in unreached
               if op_id not in args.allow_unreached and "all" not in args.allow_unreached]
    if unreached:
        print("\nWARNING: %d operation(s) never reached: this run tested little of them" % len(unreached))
        for op_id, why in unreached:
            print("  %s: %s%s" % (op_id, why, "" if (op_id, why) in failing else " (--allow-unreached)"))
        if failing:
            print("exit status 1: fix the run, or accept it with --allow-unreached OPERATION_ID (or all)")
    if args.junit:
        junit(args.junit, run.stats, reports, failing)
    return 1 if reports or failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
