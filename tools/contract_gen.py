"""Request generation for async-demo-contract: Hypothesis strategies built from an OpenAPI 3.1 document.

positive(op) draws requests that satisfy every constraint of the operation's parameters and body;
negatives(op) lists the single-constraint violations an operation allows, each a (name, strategy) pair
whose requests break exactly that constraint (checked with the schema itself: a mutation that still
validates is discarded, so a "negative" request is never accidentally valid).

A request is a plain dict {"op", "path": {name: value}, "query", "header", "cookie", "body", "media",
"raw", "auth", "violates"}; the driver (async_demo_contract.py) turns it into HTTP.
"""

import base64
import copy
import decimal
import ipaddress
import json
import math
import re
import urllib.parse

from hypothesis import strategies as st

from contract_formats import FORMATS, Validator  # this folder (it puts codegen/ on the path)
from openapi_c.refusals import INTEGER_FORMATS  # noqa: E402
from contract_params_json import json_content, json_param_mutations, json_value  # this folder

TEMPLATE = "x-contract-path"  # the operation's path template, set by the driver
NO_DELIMITERS = "x-contract-no-delimiters"  # a string schema whose values leave out , ; = .
HEADER_TEXT = "\0header"  # a key of caps: draw strings for a header or cookie
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
MULTIPART = "multipart/form-data"
BOUNDARY = "contract-boundary-7MA4YWxkTrZu0gW"


def deref(spec, obj, depth=0):
    """@obj with every $ref replaced by what it points to (within @spec), recursively (bounded)."""
    if depth > 40:
        raise ValueError("schema nests deeper than 40 levels (recursive $ref?)")
    if isinstance(obj, dict):
        if "$ref" in obj:
            target = spec
            for part in obj["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            rest = {k: v for k, v in obj.items() if k != "$ref"}
            return deref(spec, {**target, **rest}, depth + 1)
        return {k: deref(spec, v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, list):
        return [deref(spec, v, depth + 1) for v in obj]
    return obj


def valid(schema, value):
    return Validator(schema, format_checker=FORMATS).is_valid(value)


EMAILS = st.builds(lambda a, b, c: "%s@%s.%s" % (a, b, c), st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,8})?", fullmatch=True),
                   st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True), st.sampled_from(["com", "org", "example"]))
FORMAT_STRATEGIES = {
    "email": EMAILS,
    "uuid": st.uuids().map(str),
    "date": st.dates().map(lambda d: d.isoformat()),
    "date-time": st.datetimes(timezones=st.just(None)).map(lambda d: d.replace(microsecond=0).isoformat() + "Z"),
    "time": st.times().map(lambda t: t.replace(microsecond=0).isoformat() + "Z"),
    # python3-jsonschema checks none of these without optional modules (rfc3987) or at all (byte): drawn valid
    "byte": st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode()),
    "uri": st.builds(lambda host, path: "https://%s.example/%s" % (host, path),
                     st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True), st.from_regex(r"[a-z0-9_/-]{0,12}", fullmatch=True)),
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).map(str),
    "ipvanyaddress": st.ip_addresses().map(str),
    "uuid1": st.uuids(version=1).map(str), "uuid3": st.uuids(version=3).map(str),
    "uuid4": st.uuids(version=4).map(str), "uuid5": st.uuids(version=5).map(str),
    "ipv4network": st.builds(lambda a, p: str(ipaddress.ip_network("%s/%d" % (a, p), strict=False)),
                             st.ip_addresses(v=4), st.integers(0, 32)),
    "ipv6network": st.builds(lambda a, p: str(ipaddress.ip_network("%s/%d" % (a, p), strict=False)),
                             st.ip_addresses(v=6), st.integers(0, 128)),
    "ipv4interface": st.builds("{}/{}".format, st.ip_addresses(v=4), st.integers(0, 32)),
    "ipv6interface": st.builds("{}/{}".format, st.ip_addresses(v=6), st.integers(0, 128)),
    "duration": st.builds(lambda d, h, m: "P%dDT%dH%dM" % (d, h, m), st.integers(0, 99), st.integers(0, 23),
                          st.integers(0, 59)),
}
# JSON Schema's host names, URI references, templates and pointers, drawn valid (the mirror then judges each)
HOSTNAMES = st.from_regex(r"[a-z][a-z0-9]{0,10}(\.[a-z][a-z0-9]{0,10}){0,2}", fullmatch=True)
POINTERS = st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=6), max_size=4).map(
    lambda tokens: "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens))
FORMAT_STRATEGIES.update({
    "hostname": HOSTNAMES,
    "idn-hostname": HOSTNAMES | st.sampled_from(["b\u00fccher.example", "\u4f8b\u3048.\u30c6\u30b9\u30c8",
                                                 "xn--bcher-kva.example"]),
    "idn-email": EMAILS | st.sampled_from(["\u03b4\u03bf\u03ba\u03b9\u03bc\u03ae@example.com",
                                           "user@b\u00fccher.example"]),
    "uri-reference": FORMAT_STRATEGIES["uri"] | st.from_regex(r"(\.\./|/)?[a-z0-9_-]{0,12}(\?[a-z]=[0-9])?", fullmatch=True),
    "iri": FORMAT_STRATEGIES["uri"] | st.builds("https://{}.example/\u00e4{}".format, HOSTNAMES, st.integers(0, 99)),
    "uri-template": st.builds("https://{}.example/items{{/id}}{{?q,limit}}".format, HOSTNAMES),
    "json-pointer": POINTERS,
    "relative-json-pointer": st.builds("{}{}".format, st.integers(0, 12), POINTERS | st.just("#")),
})
# format regex: ECMA-262 expressions (u flag) joined from distinct pieces that are each valid (one named group),
# so the whole is
REGEX_PIECES = ["[a-z]+", "\\d{2,4}", "(?<id>[A-Z]{3})", "(?:ab|cd)*?", "\\p{L}", "[^\\s/]", "\\u{1F600}", "x?",
                "(?=\\w)", "(?<!-)", "\\.", "\\bfoo\\b", "[\\u0041-\\u005A]"]
FORMAT_STRATEGIES["regex"] = st.builds("{}{}{}".format, st.sampled_from(["", "^"]),
                                       st.lists(st.sampled_from(REGEX_PIECES), max_size=4, unique=True).map("".join),
                                       st.sampled_from(["", "$"]))
FORMAT_STRATEGIES["iri-reference"] = FORMAT_STRATEGIES["iri"] | FORMAT_STRATEGIES["uri-reference"]
FORMAT_STRATEGIES["ipvanynetwork"] = FORMAT_STRATEGIES["ipv4network"] | FORMAT_STRATEGIES["ipv6network"]
FORMAT_STRATEGIES["ipvanyinterface"] = FORMAT_STRATEGIES["ipv4interface"] | FORMAT_STRATEGIES["ipv6interface"]
# ogen's ip, ASP.NET's char, drf's decimal, and an integer format on a string (a decimal integer within its range)
FORMAT_STRATEGIES.update({"ip": FORMAT_STRATEGIES["ipvanyaddress"],
                          "char": st.characters(blacklist_categories=("Cs",)),
                          "decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)})
FORMAT_STRATEGIES.update({name: st.integers(lo, hi).map(str) for name, (lo, hi) in INTEGER_FORMATS.items()})


def caps_for(schema, name, caps):
    """@schema with the user's cap on parameter @name (--cap NAME=MAX) applied to its maximum."""
    if name in caps and schema.get("type") in ("number", "integer"):
        schema = dict(schema, maximum=min(schema.get("maximum", caps[name]), caps[name]))
    return schema


def from_schema(schema, name="", caps=None):
    """A strategy for values valid against @schema (dereferenced)."""
    caps = caps or {}
    schema = caps_for(schema, name, caps)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [from_schema({**{k: v for k, v in schema.items() if k != key}, **s}, name, caps)
                       for s in schema[key]]
            return st.one_of(options).filter(lambda v: valid(schema, v))
    if "allOf" in schema:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for s in schema["allOf"]:
            merged = {**merged, **s, "properties": {**merged.get("properties", {}), **s.get("properties", {})},
                      "required": merged.get("required", []) + s.get("required", [])}
        return from_schema(merged, name, caps)
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema(dict(schema, type=k), name, caps) for k in kind])
    return TYPED.get(kind, lambda s, c: st.none() | st.booleans() | st.integers() | st.text())(schema, caps)


def pattern_strings(pattern):
    """Text for a pattern.  Hypothesis draws from Python's re, which reads most ECMA-262 patterns alike once its
    classes are ASCII (ECMA-262's \\d and \\w are); strings() keeps only what the service's engine matches
    (valid(), contract_formats.Validator).  A pattern Python cannot read (\\p{...}, \\u{...}) cannot be drawn."""
    try:
        compiled = re.compile(pattern, re.ASCII)
    except re.error as e:
        raise ValueError("pattern %r: cannot draw values for it: Python's re, which Hypothesis draws from, does not "
                         "read it (%s)" % (pattern, e))
    return st.from_regex(compiled, fullmatch=True)


def strings(schema, caps):
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if schema.get("format") in FORMAT_STRATEGIES:
        base = FORMAT_STRATEGIES[schema["format"]]
    elif "pattern" in schema:
        base = pattern_strings(schema["pattern"])
    else:
        # A header's text is visible ASCII (http.client sends Latin-1; leading/trailing space is trimmed), and
    # no comma, which separates the items of an array in the simple style.
        banned = ",;=." if schema.get(NO_DELIMITERS) else ""
        alphabet = st.characters(min_codepoint=0x21, max_codepoint=0x7e, blacklist_characters=",") if caps.get(HEADER_TEXT) else \
            st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=banned)
        return st.text(alphabet, min_size=low, max_size=min(high if high is not None else 40, low + 40))
    return base.filter(lambda v: low <= len(v) and (high is None or len(v) <= high) and valid(schema, v))


def numbers(schema, caps):
    integer = schema.get("type") == "integer"
    low, high = schema.get("minimum"), schema.get("maximum")
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + (1 if integer else 0)
    if "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - (1 if integer else 0)
    if integer:
        # An integer without bounds is drawn as an int64 (format int32 narrower): the width OpenAPI's formats
        # name and this project's services parse; wider is an implementation limit, not a finding.
        bits = 31 if schema.get("format") == "int32" else 63
        low = max(low, -2 ** bits) if low is not None else -2 ** bits
        high = min(high, 2 ** bits - 1) if high is not None else 2 ** bits - 1
        base = st.integers(low, high)
    else:
        base = st.floats(low, high, allow_nan=False, allow_infinity=False,
                         exclude_min="exclusiveMinimum" in schema, exclude_max="exclusiveMaximum" in schema)
        base = base.map(lambda v: round(v, 6)).filter(lambda v: valid(schema, v))
    if "multipleOf" in schema:
        base = base.filter(lambda v: valid(schema, v))
    return base


def arrays(schema, caps):
    items = from_schema(schema.get("items", {}), "", caps)
    low, high = schema.get("minItems", 0), schema.get("maxItems")
    high = min(high if high is not None else low + 5, low + 5)
    return st.lists(items, min_size=low, max_size=high, unique_by=(lambda v: json.dumps(v, sort_keys=True))
                    if schema.get("uniqueItems") else None)


def objects(schema, caps):
    props = schema.get("properties", {})
    # a readOnly property is the server's to write, required or not: a request never carries it
    required = [k for k in schema.get("required", []) if k in props and not props[k].get("readOnly")]
    optional = [k for k in props if k not in required and not props[k].get("readOnly")]
    fixed = st.fixed_dictionaries({k: from_schema(props[k], k, caps) for k in required},
                                  optional={k: from_schema(props[k], k, caps) for k in optional})
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and not props:  # a map
        keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
        return st.dictionaries(keys, from_schema(extra, "", caps), max_size=4).filter(lambda v: valid(schema, v))
    return fixed.filter(lambda v: valid(schema, v))


TYPED = {"string": strings, "integer": numbers, "number": numbers, "boolean": lambda s, c: st.booleans(),
         "null": lambda s, c: st.none(), "array": arrays, "object": objects}


def is_json(media):
    """Whether @media is application/json or a vendor JSON type (application/vnd.x+json)."""
    mt = (media or "").split(";")[0].strip().lower()
    return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))


def body_medias(op):
    """[(media type, schema, required)] of every structured media type of @op's request body we can generate:
    JSON (application/json, else a vendor JSON type), then a form, then multipart/form-data.  A body declared
    under several is tested under each (the Content-Type picks the reader on the server)."""
    body = op.get("requestBody") or {}
    content = body.get("content", {})
    json_types = [m for m in content if m == "application/json"] or [m for m in content if is_json(m)]
    return [(m, content[m].get("schema", {}), body.get("required", False))
            for m in json_types[:1] + [m for m in BODY_TYPES[1:] if m in content]]


def body_media(op):
    """(media type, schema, required) of @op's primary request body we can generate (JSON when declared), or
    None."""
    medias = body_medias(op)
    return medias[0] if medias else None


def raw_media(op):
    """(media type, schema, required) of @op's text or bytes request body (its one media type, concrete, and
    neither JSON, a form nor multipart), or None."""
    body = op.get("requestBody") or {}
    content = body.get("content", {})
    if len(content) != 1 or body_media(op) is not None:
        return None
    media = next(iter(content))
    mt = media.split(";")[0].strip().lower()
    if "*" in mt or mt.startswith("multipart/") or mt.endswith("json"):
        return None
    return media, content[media].get("schema") or {}, body.get("required", False)


def raw_strategy(media, schema, caps):
    """Bodies of a raw media type: UTF-8 text for text/*, else bytes; never empty (that is no body)."""
    low, high = max(1, schema.get("minLength", 0)), schema.get("maxLength")
    if media.lower().startswith("text/"):
        text = strings(dict(schema, type="string", minLength=low), caps)
        return text.filter(lambda v: "\0" not in v and not any(0xD800 <= ord(c) <= 0xDFFF for c in v)).map(
            lambda v: v.encode("utf-8"))
    return st.binary(min_size=low, max_size=min(high if high is not None else 64, low + 64))


def routable(schema, style, inner=False):
    """A path parameter's @schema narrowed so its text is never empty: an empty segment or an empty list
    routes to another path (or none), so such a value cannot be sent to this operation at all.  Items of a
    list (and label/matrix values) also leave out the style's delimiters: this project's router decodes a
    segment before it splits it, so an encoded ',' ';' '=' '.' inside an item is split anyway (a known
    limitation, docs/CONTRACT.md)."""
    if schema.get("type") == "string":
        out = dict(schema, minLength=max(1, schema.get("minLength", 0)))
        if inner or style in ("matrix", "label"):
            out[NO_DELIMITERS] = True
        return out
    if schema.get("type") == "array":
        return dict(schema, minItems=max(1, schema.get("minItems", 0)), items=routable(schema.get("items", {}), style, True))
    return schema


def positives(op, caps):
    """[(name, strategy)] of valid requests of @op: one strategy, or one per media type of a body declared under
    several ("positive application/x-www-form-urlencoded"...)."""
    medias = body_medias(op)
    if len(medias) < 2:
        return [("positive", positive(op, caps))]
    return [("positive " + m[0], positive(op, caps, m)) for m in medias]


def positive(op, caps, media=None):
    """A strategy for valid requests of @op (dereferenced operation, with "operationId"); @media: the body's
    media type, one of body_medias(op) (default the primary one)."""
    params = {"path": {}, "query": {}, "header": {}, "cookie": {}}
    optional = {"path": {}, "query": {}, "header": {}, "cookie": {}}
    for p in op.get("parameters", []):
        # A parameter sharing its segment with other text ({name}.{format}) cannot hold that text's delimiter.
        shared = "/{%s}/" % p["name"] not in op.get(TEMPLATE, "") + "/"
        schema = routable(p.get("schema", {}), "label" if shared else p.get("style", "simple")) if p["in"] == "path" else p.get("schema", {})
        target = params if p.get("required") or p["in"] == "path" else optional
        where_caps = dict(caps, **{HEADER_TEXT: 1}) if p["in"] in ("header", "cookie") else caps
        target[p["in"]][p["name"]] = from_schema(schema, p["name"], where_caps) if "content" not in p else \
            json_value(p, where_caps)  # content: its value as compact JSON text
    parts = {where: st.fixed_dictionaries(params[where], optional=optional[where]) for where in params}
    media = media or body_media(op)
    raw = raw_media(op)
    body = st.none()
    if media or raw:
        body = from_schema(media[1], "", caps) if media else raw_strategy(raw[0], raw[1], caps)
        if not (media or raw)[2]:
            body = st.none() | body
        media = media or raw
    return st.builds(lambda path, query, header, cookie, body: {
        "op": op["operationId"], "path": path, "query": query, "header": header, "cookie": cookie,
        "body": None if raw else body, "media": media[0] if media and body is not None else None,
        "raw": body if raw else None, "auth": True, "violates": None},
        parts["path"], parts["query"], parts["header"], parts["cookie"], body)


def bad_values(schema):
    """(constraint, value) pairs, each breaking one constraint of @schema (checked against it)."""
    kind, out = schema.get("type"), []
    if isinstance(kind, list):  # OpenAPI 3.1's nullable: [X, "null"]; a value of no listed type breaks it
        kind = next((k for k in kind if k != "null"), None)
    out.append(("type", {"string": 12345, "integer": "not-a-number", "number": "not-a-number",
                         "boolean": "maybe", "array": 7, "object": 7}.get(kind)))
    if "minimum" in schema:
        out.append(("minimum", schema["minimum"] - 1))
    if "maximum" in schema:
        out.append(("maximum", schema["maximum"] + 1))
    if "maxLength" in schema:
        out.append(("maxLength", "x" * (schema["maxLength"] + 1)))
    if schema.get("minLength", 0) > 0:
        out.append(("minLength", ""))
    if "format" in schema or "pattern" in schema:
        out.append(("format" if "format" in schema else "pattern", "not valid!"))
    if "enum" in schema:
        out.append(("enum", "not-one-of-the-enum"))
    return [(c, v) for c, v in out if v is not None and not valid(schema, v)]


def text_of(value):
    """@value as text in a parameter, a form field or a multipart part: booleans as true/false, and a float in plain
    decimal notation, exactly its shortest repr's digits (0.0000001 and 10000000000000000, not Python's str()
    1e-07 and 1e+16): digits, a point and digits are what every form reader takes as a number (pydantic's and
    runtime/valid's rt_valid_parse_number() take an exponent too, a stricter reader may not)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and math.isfinite(value):
        return format(decimal.Decimal(repr(value)), "f")
    return str(value)


def param_mutations(op):
    """(name, where, parameter name, value) for each single-parameter violation of @op: a bad value, or a missing
    required one (value None); for a JSON parameter, value may be an edit (contract_params_json)."""
    out = []
    for p in op.get("parameters", []):
        schema, where, name = p.get("schema", {}), p["in"], p["name"]
        if json_content(p):  # the value's edits (contract_params_json), then a required one left out
            out += [(label, where, name, edit) for label, edit in json_param_mutations(p)]
            schema = {}
        if schema.get("type") in ("array", "object"):
            continue  # a bad element is written like a good one in most styles: not one clear violation
        for constraint, value in bad_values(schema):
            # In a path, query or header the value is text: "12345" is a valid string, so type is moot there.
            if constraint == "type" and schema.get("type") == "string":
                continue
            if where == "path" and text_of(value) == "":
                continue  # an empty path segment routes elsewhere
            out.append(("%s %s: %s" % (where, name, constraint), where, name, value))
        if p.get("required") and where != "path":
            out.append(("%s %s: required" % (where, name), where, name, None))
    return out


def body_mutations(op, media=None):
    """(name, kind, arg) for single violations of @op's body as @media (one of body_medias(op), default the
    primary one); the violations of the body as a whole (wrong Content-Type, a required body left out) come
    with the primary media type only."""
    primary = body_media(op)
    media = media or primary
    if not media:
        return []
    schema, out = media[1], []
    out.append(("body: malformed JSON" if media[0] == "application/json" else "body: malformed " + media[0], "raw", None))
    if media == primary:
        out.append(("body: wrong Content-Type", "media", None))
        if media[2]:
            out.append(("body: required", "drop", None))
    closed = [k for k in ("additionalProperties", "unevaluatedProperties") if schema.get(k) is False]
    if schema.get("type") == "object" or closed:  # (a body closed over an allOf may have no type of its own)
        for key in schema.get("required", []):
            out.append(("body %s: required" % key, "del", key))
        if media[0] == MULTIPART:
            out += multipart_mutations(op)
        out += [("body: " + key, "extra", None) for key in closed]
        files = file_fields(op)
        for key, sub in schema.get("properties", {}).items():
            if key in files and media[0] == MULTIPART:
                continue  # a file's bytes have no constraint the generator accepts; multipart_mutations()
            for constraint, value in bad_values(sub):
                # A form's or a part's field is text: a number is a valid string, one item a valid list.
                if not is_json(media[0]) and constraint == "type" and sub.get("type") not in (
                        "integer", "number", "boolean"):
                    continue
                out.append(("body %s: %s" % (key, constraint), "set", (key, value)))
    return out


# --- multipart/form-data: files are the string properties in binary (format binary, contentMediaType) ---


def is_file(schema):
    return schema.get("type") == "string" and (schema.get("format") == "binary" or "contentMediaType" in schema)


def file_fields(op):
    """{property: its schema} of @op's multipart body's files (an array of files: the items' schema)."""
    media = next((m for m in body_medias(op) if m[0] == MULTIPART), None)
    if media is None:
        return {}
    out = {}
    for key, sub in media[1].get("properties", {}).items():
        item = sub.get("items", {}) if sub.get("type") == "array" else sub
        if is_file(item):
            out[key] = item
    return out


def part_type(op, field, schema):
    """The Content-Type a valid file part of @field is sent with: the first its encoding accepts."""
    encoding = (op.get("requestBody") or {}).get("content", {}).get(MULTIPART, {}).get("encoding", {})
    accepted = encoding.get(field, {}).get("contentType") or schema.get("contentMediaType") or ""
    first = accepted.split(",")[0].strip() or "application/octet-stream"
    return "application/octet-stream" if first == "*/*" else first.replace("/*", "/x-contract")


def text_items(body):
    """[(field, its text)] of a form or multipart @body (a dict of the schema's properties), lists repeated."""
    return [(key, text_of(item)) for key, value in body.items() for item in (value if isinstance(value, list) else [value])]


def form_body(body):
    """@body as application/x-www-form-urlencoded bytes (booleans as true/false, lists as repeated keys)."""
    return urllib.parse.urlencode(text_items(body)).encode()


def multipart_body(op, body, part_types):
    """@body (a dict of the schema's properties) as (multipart/form-data bytes, its Content-Type); files as file
    parts (their Content-Type from @part_types, else part_type()), the rest as text parts, lists repeated.  The
    boundary is one no part's content holds (RFC 2046 5.1.1)."""
    files, parts = file_fields(op), []
    for key, text in text_items(body):
        disp = 'form-data; name="%s"' % key
        head = ""
        if key in files and key not in part_types.get("as_text", ()):
            disp += '; filename="%s.bin"' % key
            head = "Content-Type: %s\r\n" % part_types.get(key, part_type(op, key, files[key]))
        parts.append(("Content-Disposition: %s\r\n%s\r\n" % (disp, head), text.encode("utf-8")))
    boundary, n = BOUNDARY, 0
    while any(boundary.encode() in data for _, data in parts):
        n += 1
        boundary = "%s-%d" % (BOUNDARY, n)
    out = b"".join(("--%s\r\n%s" % (boundary, head)).encode() + data + b"\r\n" for head, data in parts)
    return out + ("--%s--\r\n" % boundary).encode(), "%s; boundary=%s" % (MULTIPART, boundary)


def multipart_mutations(op):
    """(name, kind, field) of the violations only a multipart body has: a file part of a type its encoding does
    not accept, a file sent as a text part."""
    out = []
    encoding = (op.get("requestBody") or {}).get("content", {}).get(MULTIPART, {}).get("encoding", {})
    for key in file_fields(op):
        if encoding.get(key, {}).get("contentType", "*/*").strip() != "*/*":
            out.append(("body %s: contentType" % key, "part_type", key))
        out.append(("body %s: text, not a file" % key, "as_text", key))
    return out


def apply_body(req, kind, arg, schema, media="application/json"):
    """@req with the body violation (@kind, @arg) applied (None: the mutation leaves it valid); @media: the type
    of the body mutated, when the drawn request has none (an optional body left out)."""
    req = copy.deepcopy(req)
    body = req["body"] if req["body"] is not None else {}
    if kind in ("part_type", "as_text"):  # multipart only: a file part sent wrong
        if arg not in body:
            return None
        types = req.setdefault("part_types", {})
        if kind == "part_type":
            types[arg] = "application/x-contract-other"
        else:
            types["as_text"] = [arg]
        return req
    if kind == "raw":
        req["media"] = req["media"] or media
        if req["media"] == MULTIPART:  # no closing delimiter
            req["raw"] = ('--%s\r\nContent-Disposition: form-data; name="x"\r\n\r\ncut' % BOUNDARY).encode()
            req["media"] = "%s; boundary=%s" % (MULTIPART, BOUNDARY)
            return req
        req["raw"] = b'{"unterminated": ' if is_json(req["media"]) else b"%zz=%"
    elif kind == "media":  # a type the operation does not declare
        req["raw"], req["media"] = (json.dumps(body).encode(), "text/plain")
    elif kind == "drop":
        req["body"], req["media"] = None, None
    elif kind == "del":
        body.pop(arg, None)
    elif kind == "extra":
        body["x_unexpected_property"] = 1
    elif kind == "set":
        body[arg[0]] = arg[1]
    if kind in ("del", "extra", "set"):
        req["body"] = body
        req["media"] = req["media"] or media
        if valid(schema, body):
            return None
    return req


def raw_mutations(op):
    """(name, kind) of the single violations of @op's text or bytes body."""
    raw = raw_media(op)
    if not raw:
        return []
    out = [("body: wrong Content-Type", "media")]
    if raw[2]:
        out.append(("body: required", "drop"))
    if "maxLength" in raw[1]:
        out.append(("body: maxLength", "long"))
    return out


def apply_raw(req, kind, raw):
    req = copy.deepcopy(req)
    if kind == "drop":
        req["raw"], req["media"] = None, None
    elif kind == "media":  # a type no operation declares
        req["raw"], req["media"] = req["raw"] or b"x", "application/x-contract-other"
    elif kind == "long":  # one character (one byte) too many
        req["raw"], req["media"] = b"x" * (raw[1]["maxLength"] + 1), raw[0]
    return req


def negatives(op, caps, secured):
    """[(violation, strategy)] of @op: requests each breaking exactly one constraint.  A body declared under
    several media types gets its violations under each (named "... [media type]"), and a body of an undeclared
    type (text/plain) must then be answered 415: the Content-Type picks the reader, and there is none for it."""
    base = positive(op, caps)
    out = []
    params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
    for name, where, pname, value in param_mutations(op):
        def mutate(req, where=where, pname=pname, value=value, name=name):
            req = copy.deepcopy(req)
            if value is None:
                req[where].pop(pname, None)
            else:
                req[where][pname] = value
            req["violates"] = name
            return req

        def edit(drawn, edit=value, mutate=mutate):  # a JSON parameter's value edited: its text
            text = edit(json.loads(drawn[1]))
            return None if text is None else mutate(drawn[0], value=text)
        if callable(value):  # from a valid value drawn for it (the request may have left it out)
            p = params[(where, pname)]
            drawn = json_value(p, dict(caps, **{HEADER_TEXT: 1}) if where in ("header", "cookie") else caps)
            out.append((name, st.tuples(base, drawn).map(edit).filter(lambda r: r is not None)))
        else:
            out.append((name, base.map(mutate)))
    medias = body_medias(op)
    for media in medias:
        media_base = positive(op, caps, media) if media != medias[0] else base
        for name, kind, arg in body_mutations(op, media):
            if len(medias) > 1 and kind != "media" and kind != "drop":
                name = "%s [%s]" % (name, media[0])
            expect = 415 if kind == "media" and len(medias) > 1 else None

            def mutate_body(req, kind=kind, arg=arg, name=name, schema=media[1], expect=expect, media=media):
                req = apply_body(req, kind, arg, schema, media[0])
                if req is not None:
                    req["violates"], req["expect_status"] = name, expect
                return req
            out.append((name, media_base.map(mutate_body).filter(lambda r: r is not None)))
    for name, kind in raw_mutations(op):
        out.append((name, base.map(lambda req, kind=kind, name=name: dict(apply_raw(req, kind, raw_media(op)),
                                                                           violates=name))))
    if secured:
        out.append(("credentials: missing", base.map(lambda r: dict(r, auth=False, violates="credentials: missing"))))
    return out
