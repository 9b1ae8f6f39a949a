#!/usr/bin/python3
"""A default its schema's format refuses is refused at build time (ctest codegen.default_formats).

The service hands a default to its handlers for every request that leaves the value out, though its own
validator would refuse the same text as input; so codegen checks a default against the format as the runtime
checks it (codegen/openapi_c/formats.py, a Python mirror of runtime/valid/rt_valid_format*.c):
- the mirror agrees with the JSON Schema Test Suite's verdict on every string case of the runtime's formats
  (the suite the generated C validators pass in full: codegen.jsonschema_suite), and on base64 (byte);
- a body property's or a parameter's default that its format refuses is refused with the default's JSON pointer
  (email, date-time, date, time, uuid, byte, ipv4, ipv6, uri, hostname, pydantic's IP types, JSON Schema's
  uri-reference, iri, iri-reference, uri-template, json-pointer, relative-json-pointer, idn-hostname, idn-email); a
  valid one builds;
- an array parameter's default with an item its items' schema refuses (format, maxLength, maximum) is refused
  with the item's pointer (only the array's own minItems/maxItems/uniqueItems were checked);
- a body property's default under anyOf/oneOf (a nullable [X, null]) is checked against the schema as a whole (a
  branch at least for anyOf, exactly one for oneOf, with the keywords beside the union), with its pointer;
- the contract checkers judge formats with the same checks (tools/contract_formats.py).
"""

import glob
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from test_codegen import ITEM, SCHEMAS, accepted, body_prop, refused  # noqa: E402  (puts tests/ on the path)
from tap import done, ok  # noqa: E402  (tests/tap.py: the same counters as test_codegen's helpers)

REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "codegen"))
sys.path.insert(0, os.path.join(REPO, "tools"))
from openapi_c.formats import CHECKS, reason  # noqa: E402
from openapi_c.refusals import INTEGER_FORMATS, LENGTH_FORMATS, STRING_FORMATS  # noqa: E402
from contract_formats import FORMATS  # noqa: E402

SUITE = os.path.join(REPO, "tests", "jsonschema", "suite", "draft2020-12", "optional", "format")
# (format, a default the runtime refuses, one it accepts)
CASES = [
    ("email", "nope", "ada@example.com"),
    ("email", "a@b", "a.b+c@example.org"),
    ("date-time", "yesterday", "2024-01-31T12:00:00Z"),
    ("date-time", "2024-01-31 12:00:00Z", "2016-12-31T23:59:60Z"),
    ("date", "2024-02-30", "2024-02-29"),
    ("time", "25:00:00Z", "10:15:00+02:00"),
    ("uuid", "not-a-uuid", "123e4567-e89b-12d3-a456-426614174000"),
    ("byte", "aGVsbG8", "aGVsbG8="),
    ("ipv4", "256.1.1.1", "192.0.2.1"),
    ("int64", "9223372036854775808", "-9223372036854775808"),
    ("decimal", "12abc", "-12.50"),
    ("ipv6", "fe80::1%eth0", "2001:db8::1"),
    ("ipvanyaddress", "1.2.3", "2001:db8::1"),
    ("ipv4network", "10.0.0.1/8", "10.0.0.0/255.0.0.0"),
    ("ipv6interface", "2001:db8::1/129", "2001:db8::1/64"),
    ("uuid4", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-42d3-a456-426614174000"),
    ("uri", "not a uri", "https://example.com/a?b=c#d"),
    ("hostname", "-bad-.example", "xn--bcher-kva.example"),
    ("uri-reference", "1:b", "../a?b#c"),
    ("iri", "/relative", "https://b\u00fccher.example/\u00e4"),
    ("iri-reference", "a b", "/\u00e4\u00f6"),
    ("uri-template", "{a,,b}", "/items{/id}{?q,limit}"),
    ("json-pointer", "a/b", "/a/b~1c"),
    ("relative-json-pointer", "01/a", "1/a"),
    ("idn-hostname", "a\u00b7l", "b\u00fccher.example"),
    ("idn-email", "user\uff20example.com", "\u03b4\u03bf\u03ba@b\u00fccher.example"),
]


def test_mirror_agrees_with_the_suite():
    n, wrong = 0, []
    for path in sorted(glob.glob(os.path.join(SUITE, "*.json"))):
        with open(path, encoding="utf-8") as f:
            groups = json.load(f)
        for group in groups:
            fmt = group["schema"].get("format")
            for case in group["tests"]:
                if fmt in CHECKS and isinstance(case["data"], str):
                    n += 1
                    if (reason(fmt, case["data"]) is None) != case["valid"]:
                        wrong.append("%s %r" % (fmt, case["data"]))
    ok(n > 300 and not wrong, "the mirror's verdict is the suite's on its %d string cases: %s" % (n, wrong[:5]))
    enforced = [f for f, constant in STRING_FORMATS.items() if constant is not None]  # password: a hint
    # and char (a length), and an integer format on a string (a decimal integer within its range)
    ok(sorted(CHECKS) == sorted(enforced + list(LENGTH_FORMATS) + list(INTEGER_FORMATS)),
       "a check for each format the runtime enforces (refusals.py)")
    for value, valid in (("", True), ("aGk=", True), ("aA==", True), ("a===", False), ("aGk", False),
                         ("a=Gk", False), ("aG k", False)):
        ok((reason("byte", value) is None) == valid, "byte %r: %s" % (value, "valid" if valid else "invalid"))


def test_defaults(tmp):
    x = SCHEMAS + "ItemCreate/properties/x"
    for fmt, bad, good in CASES:
        refused(tmp, body_prop("x", {"type": "string", "format": fmt, "default": bad}),
                "the default %r does not satisfy its own schema (format %s: " % (bad, fmt), x + "/default")
        accepted(tmp, body_prop("x", {"type": "string", "format": fmt, "default": good}),
                 "a %s default the runtime accepts: %r" % (fmt, good))
    params = lambda s: s["paths"]["/items/{item_id}"]["get"]["parameters"]
    refused(tmp, lambda s: params(s).append({"name": "since", "in": "query",
                                             "schema": {"type": "string", "format": "date-time",
                                                        "default": "yesterday"}}),
            "the default 'yesterday' does not satisfy its own schema (format date-time: ",
            ITEM + "/parameters/7/schema/default")
    accepted(tmp, lambda s: params(s).append({"name": "since", "in": "query",
                                              "schema": {"type": "string", "format": "date-time",
                                                         "default": "2024-01-31T12:00:00Z"}}),
             "a query parameter's valid date-time default")
    # an array parameter's default: each item against the items' schema (format, length, bound), at its pointer
    for items, bad, message in (({"type": "string", "format": "email"}, ["a@example.com", "nope"], "format email: "),
                                ({"type": "string", "maxLength": 2}, ["ab", "toolong"], "maxLength 2"),
                                ({"type": "integer", "maximum": 3}, [1, 10], "maximum 3")):
        refused(tmp, lambda s: params(s).append({"name": "tags", "in": "query",
                                                 "schema": {"type": "array", "items": items, "default": bad}}),
                "the default %r does not satisfy its own schema (%s" % (bad[1], message),
                ITEM + "/parameters/7/schema/default/1")
    accepted(tmp, lambda s: params(s).append({"name": "tags", "in": "query", "schema": {
        "type": "array", "items": {"type": "string", "format": "email"}, "default": ["a@example.com"]}}),
        "an array parameter's default whose items are valid")


def with_small(schema):
    """A mutation adding the property x (schema) to ItemCreate and the component Small, an integer up to 5."""
    def mutate(s):
        s["components"]["schemas"]["Small"] = {"type": "integer", "maximum": 5}
        body_prop("x", schema)(s)
    return mutate


def test_union_defaults(tmp):
    """A body property's default under anyOf/oneOf ([X, null]) is checked against the schema as a whole, as the
    runtime validates the value: a branch at least for anyOf, exactly one for oneOf, and the keywords beside."""
    x = SCHEMAS + "ItemCreate/properties/x/default"
    null = {"type": "null"}
    for key in ("anyOf", "oneOf"):
        refused(tmp, body_prop("x", {key: [{"type": "integer", "maximum": 5}, null], "default": 10}),
                "the default 10 does not satisfy its own schema (no branch of /%s accepts it: /%s/0: maximum 5" % (
                    key, key), x)
        accepted(tmp, body_prop("x", {key: [{"type": "integer", "maximum": 5}, null], "default": 5}),
                 "a %s default its non-null branch accepts" % key)
    for branch, bad, good, why in (({"type": "string", "maxLength": 2}, "abc", "ab", "maxLength 2"),
                                   ({"type": "string", "format": "email"}, "nope", "a@example.com", "format email"),
                                   ({"type": "string", "enum": ["a", "b"]}, "c", "b", "not in the enum"),
                                   ({"type": "number", "exclusiveMinimum": 0}, 0, 0.5, "exclusiveMinimum 0"),
                                   ({"type": "string", "pattern": "^[a-z]+$"}, "A1", "ab", "pattern ^[a-z]+$"),
                                   ({"type": "boolean"}, "yes", True, "it is not a boolean")):
        refused(tmp, body_prop("x", {"anyOf": [branch, null], "default": bad}),
                "the default %r does not satisfy its own schema (no branch of /anyOf accepts it: /anyOf/0: %s" % (
                    bad, why), x)
        accepted(tmp, body_prop("x", {"anyOf": [branch, null], "default": good}), "a default %r of %s" % (good, branch))
    # the keywords beside the union apply too, and a branch that is a $ref is checked as its target
    refused(tmp, body_prop("x", {"anyOf": [{"type": "integer"}, null], "maximum": 5, "default": 6}),
            "the default 6 does not satisfy its own schema (maximum 5)", x)
    refused(tmp, with_small({"oneOf": [{"$ref": "#/components/schemas/Small"}, null], "default": 9}),
            "(no branch of /oneOf accepts it: /oneOf/0/$ref: maximum 5", x)
    accepted(tmp, with_small({"oneOf": [{"$ref": "#/components/schemas/Small"}, null], "default": 4}),
             "a oneOf default its $ref branch accepts")
    # a property that is a $ref to a nullable union: its default, on the target, is checked there too
    refused(tmp, lambda s: (s["components"]["schemas"].update(Opt={"anyOf": [{"type": "integer", "minimum": 1}, null],
                                                                   "default": 0}),
                            body_prop("x", {"$ref": "#/components/schemas/Opt"})(s)),
            "the default 0 does not satisfy its own schema (no branch of /anyOf accepts it: /anyOf/0: minimum 1", x)


def test_contract_checkers_share_it():
    for fmt, bad, good in CASES:
        ok(not FORMATS.conforms(bad, fmt) and FORMATS.conforms(good, fmt),
           "the contract checkers' %s: %r refused, %r accepted" % (fmt, bad, good))


def main():
    test_mirror_agrees_with_the_suite()
    with tempfile.TemporaryDirectory() as tmp:
        test_defaults(tmp)
        test_union_defaults(tmp)
    test_contract_checkers_share_it()
    return done()


if __name__ == "__main__":
    sys.exit(main())
