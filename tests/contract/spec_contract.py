"""Checking a running service against an OpenAPI document: generic, for any spec built with codegen/.

Spec(path) loads a document; Spec.check(op_id, response) asserts the answer is documented for the
operation (status, Content-Type, body against its JSON Schema 2020-12 with Debian's python3-jsonschema,
declared headers present and their text of their schema) and records the (operation, status) pair as covered; Spec.smoke_requests(op_id)
builds, from the spec's own `example`s, requests that must succeed (one per media type of the body) and ones
with a single value made invalid (422).  tests/contract/test_contract.py uses it for async-demo, tests/examples/ for the example
service.
"""

import json
import os
import sys
import threading
import urllib.parse

import jsonschema
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from contract_formats import FORMATS, Validator, write_only_missing  # noqa: E402  (shared with async-demo-contract)


def documented(spec):
    """{(operationId, status): (method, path, response object)} for every documented response (status as the
    spec writes it: "200", "4XX", "default"; a $ref to components/responses resolved)."""
    out = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for status, response in op["responses"].items():
                if "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                out[(op["operationId"], str(status))] = (method.upper(), path, response)
    return out


def documented_as(statuses, status):
    """The key of @statuses that documents @status: itself, else its range ("4XX"), else "default", or None."""
    for key in (status, status[0] + "XX", "default"):
        if key in statuses:
            return key
    return None




class Spec:
    """An OpenAPI document, and the (operation, status) pairs answers have covered so far."""

    def __init__(self, path):
        with open(path) as f:
            self.spec = yaml.safe_load(f)
        self.documented = documented(self.spec)
        self.operations = {op for op, _ in self.documented}
        self.resolver = jsonschema.RefResolver.from_schema(self.spec)
        self.covered = set()
        self.lock = threading.Lock()

    def check(self, op_id, r):
        statuses = {status for op, status in self.documented if op == op_id}
        status = documented_as(statuses, str(r.status))
        assert status is not None, "%s answered %s, which the spec does not document (%s): %r" % (
            op_id, r.status, sorted(statuses), r.body[:300])
        response = self.documented[(op_id, status)][2]
        content = response.get("content")
        if content:
            got = (r.header("content-type") or "").split(";")[0].strip()
            media_type = next((m for m in content if m.split(";")[0].strip().lower() == got.lower()), None)
            assert media_type is not None, "%s %s: Content-Type %r, documented %s" % (
                op_id, status, got, ", ".join(content))
            if media_type.startswith("text/"):  # parameters too: "text/plain; version=0.0.4"
                assert r.header("content-type") == media_type, "%s %s: Content-Type %r, documented %r" % (
                    op_id, status, r.header("content-type"), media_type)
            schema = content[media_type].get("schema", {})
            json_type = media_type == "application/json" or media_type.split(";")[0].endswith("+json")
            if not json_type and not media_type.startswith("text/"):  # bytes: their number is all a schema says
                bounds = (schema.get("minLength", 0), schema.get("maxLength", len(r.body)))
                assert bounds[0] <= len(r.body) <= bounds[1], "%s %s: %d bytes of %s, documented %r" % (
                    op_id, status, len(r.body), media_type, bounds)
                schema = {}
            validator = Validator(schema, resolver=self.resolver, format_checker=FORMATS)
            value = r.json() if json_type else None if schema == {} else r.body.decode("utf-8")
            errors = sorted((e for e in validator.iter_errors(value) if not write_only_missing(e)), key=str)
            assert not errors, "%s %s: body does not match the spec: %s\n%r" % (
                op_id, status, "; ".join(e.message for e in errors[:3]), r.body[:300])
        else:
            assert r.body == b"", "%s %s: documented without a body, got %r" % (op_id, status, r.body[:100])
        for name, header in response.get("headers", {}).items():
            self.check_header(op_id, status, name, header, r.header(name))
        with self.lock:
            self.covered.add((op_id, status))
        return r


    def check_header(self, op_id, status, name, header, text):
        """A response header the spec declares: present (the service sends every one its spec declares), and
        its text the value its schema describes (an integer Retry-After...)."""
        if "$ref" in header:
            header = self.resolver.resolve(header["$ref"])[1]
        assert text is not None, "%s %s: documented header %s missing" % (op_id, status, name)
        if "content" in header:  # a JSON header: strict JSON text, valid against its media type's schema
            schema = next(iter(header["content"].values())).get("schema", {})
            try:
                value = json.loads(text, parse_constant=lambda c: 1 / 0)  # NaN, Infinity: not JSON
            except (ValueError, ZeroDivisionError):
                raise AssertionError("%s %s: header %s: %r is not JSON" % (op_id, status, name, text))
            errors = list(Validator(schema, format_checker=FORMATS).iter_errors(value))
            assert not errors, "%s %s: header %s: %r does not match the spec: %s" % (
                op_id, status, name, text, errors[0].message)
            return
        schema = header.get("schema", {})
        if "$ref" in schema:
            schema = self.resolver.resolve(schema["$ref"])[1]
        value = text
        try:
            if schema.get("type") == "integer":
                value = int(text, 10)
            elif schema.get("type") == "number":
                value = float(text)
            elif schema.get("type") == "boolean":
                value = {"true": True, "false": False}[text]
        except (ValueError, KeyError):
            raise AssertionError("%s %s: header %s: %r is not a %s" % (op_id, status, name, text, schema["type"]))
        errors = list(Validator(schema, format_checker=FORMATS).iter_errors(value))
        assert not errors, "%s %s: header %s: %r does not match the spec: %s" % (
            op_id, status, name, text, errors[0].message)


def example_of(obj):
    """The example an OpenAPI object (parameter, media type, schema) gives, or None."""
    if obj is None:
        return None
    if "example" in obj:
        return obj["example"]
    if obj.get("examples"):
        examples = obj["examples"]
        first = examples[0] if isinstance(examples, list) else next(iter(examples.values())).get("value")
        return first
    schema = obj.get("schema")
    if isinstance(schema, dict) and "$ref" not in schema:
        for key in ("example", "default"):
            if key in schema:
                return schema[key]
        if schema.get("examples"):
            return schema["examples"][0]
    return None


def invalid_value(schema):
    """A value for a parameter of @schema that breaks one of its constraints, or None."""
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return "not-a-number"
    if kind == "string":
        if "maxLength" in schema:
            return "x" * (schema["maxLength"] + 1)
        if schema.get("format") in ("email", "uuid", "date-time", "date") or "pattern" in schema:
            return "not valid!"
    if kind == "boolean":
        return "maybe"
    return None


def quote(value):
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return urllib.parse.quote(text, safe="")


def path_text(name, value, style, explode):
    """A path parameter's example written in its style (simple, matrix, label; lists too)."""
    items = [quote(v) for v in value] if isinstance(value, list) else [quote(value)]
    if style == "matrix":
        return "".join(";%s=%s" % (name, v) for v in items) if explode else ";%s=%s" % (name, ",".join(items))
    if style == "label":
        return "." + ("." if explode else ",").join(items)
    return ",".join(items)


def query_pairs(name, value, style, explode):
    """A query parameter's example as name=value pairs in its style (form lists, deepObject)."""
    if isinstance(value, dict):
        return ["%s%%5B%s%%5D=%s" % (name, quote(k), quote(v)) for k, v in value.items()]
    if isinstance(value, list):
        if explode is not False:
            return ["%s=%s" % (name, quote(v)) for v in value]
        sep = {"pipeDelimited": "|", "spaceDelimited": "%20"}.get(style, ",")
        return ["%s=%s" % (name, sep.join(quote(v) for v in value))]
    return ["%s=%s" % (name, quote(value))]


def smoke_requests(spec, op_id):
    """([(method, path+query, body or None)], [the same with one value made invalid]) built from @spec's examples
    for @op_id: one request per media type of its body (each sent as itself: a form as a form, multipart as
    multipart), and the invalid ones (a bad parameter, else a bad body of each media type; none when nothing can
    be made invalid), or raise AssertionError naming what lacks an example."""
    method, template, _ = next(v for (op, _), v in spec.documented.items() if op == op_id)
    op = spec.spec["paths"][template][method.lower()]
    own = {(p["name"], p["in"]) for p in op.get("parameters", [])}  # they override the path item's
    params = [p for p in spec.spec["paths"][template].get("parameters", []) if (p["name"], p["in"]) not in own] + \
        op.get("parameters", [])
    values, invalid = {}, None
    for p in params:
        value = example_of(p)
        if value is None and not p.get("required") and p["in"] == "query":
            continue
        assert value is not None, "%s: parameter %r has no example in the spec (add `example:`)" % (op_id, p["name"])
        values[p["name"]] = (p["in"], value)
        bad = invalid_value(p.get("schema", {}))
        if invalid is None and bad is not None:
            invalid = (p["name"], bad)
    bodies = request_bodies(spec, op_id, op["requestBody"]["content"]) if "requestBody" in op else [None]

    styles = {p["name"]: (p.get("style"), p.get("explode")) for p in params}

    def build(override):
        path, query = template, []
        for name, (where, value) in values.items():
            value = override[1] if override and override[0] == name else value
            if where == "path":
                path = path.replace("{%s}" % name, path_text(name, value, *styles[name]))
            elif where == "query":
                query += query_pairs(name, value, *styles[name])
        return path + ("?" + "&".join(query) if query else "")

    goods = [(method, build(None), body) for body in bodies]
    if invalid is not None:
        return goods, [(method, build(invalid), bodies[0])]
    bads = [(method, build(None), b) for b in (invalid_body(body) for body in bodies) if b is not None]
    return goods, bads


def request_bodies(spec, op_id, content):
    """The spec's example body of each declared media type, each sent as itself: JSON, a FormBody, a
    MultipartBody or a RawBody.  A media type without an example takes another's (a body declared under several
    media types has one schema)."""
    examples = [example_of(obj) for obj in content.values()]
    fallback = next((e for e in examples if e is not None), None)
    assert fallback is not None, "%s: the request body has no example in the spec (add `example:`)" % op_id
    bodies = []
    for (media, obj), example in zip(content.items(), examples):
        example = fallback if example is None else example
        kind = media.split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            bodies.append(FormBody(example))
        elif kind == "multipart/form-data":
            bodies.append(MultipartBody(example, multipart_files(spec, obj)))
        elif kind == "application/json":
            bodies.append(example)
        else:
            bodies.append(RawBody(media, example))
    return bodies


def invalid_body(body):
    """A body like @body (same media type) that its schema refuses, or None."""
    if isinstance(body, FormBody):
        return FormBody({})  # no field: the required ones are missing
    if isinstance(body, MultipartBody):
        return MultipartBody({}, body.files)  # no part: the required ones are missing
    if isinstance(body, RawBody):
        return RawBody(body.media, []) if body.media.endswith("+json") else None
    return [] if body is not None else None  # a JSON array where an object is expected


def path_of(spec, op_id, **params):
    method, template, _ = next(v for (op, _), v in spec.documented.items() if op == op_id)
    path = template
    for name, value in params.items():
        path = path.replace("{%s}" % name, urllib.parse.quote(str(value), safe=""))
    return method, path




class FormBody(dict):
    """A request body sent as application/x-www-form-urlencoded (lists as repeated keys)."""


class MultipartBody(dict):
    """A request body sent as multipart/form-data (lists as repeated parts); files: {file property: the
    Content-Type its part is sent with}."""

    def __init__(self, values, files):
        super().__init__(values)
        self.files = files


def multipart_files(spec, media):
    """{file property: a Content-Type the spec accepts} of a multipart/form-data Media Type Object: properties
    {type: string, format: binary} or with contentMediaType; the type from encoding's contentType, else
    contentMediaType, else application/octet-stream (the first one without a wildcard)."""
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = spec.resolver.resolve(schema["$ref"])[1]
    files = {}
    for name, prop in schema.get("properties", {}).items():
        item = prop.get("items", {}) if prop.get("type") == "array" else prop
        if item.get("format") == "binary" or "contentMediaType" in item:
            accepted = media.get("encoding", {}).get(name, {}).get("contentType") or item.get("contentMediaType")
            types = [t.strip() for t in (accepted or "").split(",") if t.strip() and "*" not in t]
            files[name] = types[0] if types else "application/octet-stream"
    return files


def multipart_bytes(body, boundary=b"spec-contract-boundary"):
    """The multipart/form-data encoding of a MultipartBody (a file part named after its property)."""
    out = []
    for name, value in body.items():
        for v in value if isinstance(value, list) else [value]:
            head = 'Content-Disposition: form-data; name="%s"' % name
            if name in body.files:
                head += '; filename="%s.bin"\r\nContent-Type: %s' % (name, body.files[name])
            data = v if isinstance(v, bytes) else (v if isinstance(v, str) else json.dumps(v)).encode()
            out.append(b"--" + boundary + b"\r\n" + head.encode() + b"\r\n\r\n" + data + b"\r\n")
    return b"".join(out) + b"--" + boundary + b"--\r\n"


class RawBody:
    """A request body sent with its own media type (text, bytes, a vendor JSON type): @value is the
    spec's example, as JSON for a +json type, else as UTF-8 text."""

    def __init__(self, media, value):
        self.media, self.value = media, value

    def encode(self):
        return json.dumps(self.value).encode() if self.media.endswith("+json") else str(self.value).encode()


def send(server, method, target, body, headers=None):
    """One request to @server (harness.Server); a JSON @body when not None, or a FormBody; extra @headers."""
    headers = dict(headers or {})
    if body is None:
        return server.request(method, target, headers=headers)
    if isinstance(body, MultipartBody):
        headers["Content-Type"] = "multipart/form-data; boundary=spec-contract-boundary"
        return server.request(method, target, body=multipart_bytes(body), headers=headers)
    if isinstance(body, RawBody):
        headers["Content-Type"] = body.media
        return server.request(method, target, body=body.encode(), headers=headers)
    if isinstance(body, FormBody):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return server.request(method, target, body=urllib.parse.urlencode(body, doseq=True).encode(),
                              headers=headers)
    headers["Content-Type"] = "application/json"
    return server.request(method, target, body=json.dumps(body).encode(), headers=headers)


def smoke(test, spec, server, run_parallel, credentials=None):
    """Every operation of @spec with its examples (a documented answer below 500) and, where 422 is
    documented, with one invalid value (422); all at once.  Failures are reported through @test.
    @credentials: {operationId: headers} for the operations that need them (the router checks credentials
    before parameters, so without them the invalid value would get 401, not 422)."""
    credentials = credentials or {}
    cases = []
    for op_id in sorted(spec.operations):
        goods, bads = smoke_requests(spec, op_id)  # a body declared under several media types: one each
        cases += [(op_id, good, False) for good in goods]
        if documented_as({s for o, s in spec.documented if o == op_id}, "422") is not None:
            cases += [(op_id, bad, True) for bad in bads]
    results = run_parallel([lambda c=c: spec.check(c[0], send(server, *c[1], credentials.get(c[0])))
                            for c in cases])
    for (op_id, (method, target, _), negative), r in zip(cases, results):
        with test.subTest(op_id, target=target, negative=negative):
            if negative:
                test.assertEqual(r.status, 422, r.body[:300])
            else:  # a documented answer, not a refusal of the spec's own examples
                test.assertLess(r.status, 500, "%s %s with the spec's examples: %r" % (method, target, r.body[:300]))
                test.assertNotEqual(r.status, 422, "the spec's examples for %s are refused: %r" % (op_id, r.body[:300]))


def assert_all_covered(test, spec, exempt, where):
    """Every operation was called and every documented status produced (or @exempt says why not)."""
    missing_ops = sorted(spec.operations - {op for op, _ in spec.covered})
    test.assertEqual(missing_ops, [], "operations in the spec that no test called")
    missing = sorted(set(spec.documented) - spec.covered - set(exempt))
    test.assertEqual(missing, [], "documented (operation, status) pairs never produced: the examples in the "
                     "spec cover success and 422; a status that needs a scenario needs a test in %s, or an "
                     "exemption saying why it cannot be produced from outside" % where)
    stale = sorted(set(exempt) - set(spec.documented))
    test.assertEqual(stale, [], "exemptions for statuses the spec no longer documents")
