"""Audit 25's formats and no-op fields: what other tools write (integer widths, numeric formats on strings or
without a type, char, decimal, ip; callbacks: {}, a header's allowEmptyValue: false, nullable: false in 3.1) is
enforced or refused with its JSON pointer, never ignored.  Run by test_codegen.py with its helpers."""

import re
import subprocess

ITEM = "#/paths/~1items~1{item_id}/get"
SCHEMAS = "#/components/schemas/"
REPLY = "#/paths/~1replies~1{mode}/get/responses"


def reply_header(name, header):
    return lambda s: s["paths"]["/replies/{mode}"]["get"]["responses"]["201"]["headers"].update({name: header})


def body_prop(name, schema):
    """A mutation adding property name (schema) to ItemCreate, the body of create_item."""
    return lambda s: s["components"]["schemas"]["ItemCreate"]["properties"].update({name: schema})


def test_noop_fields(tmp, refused, accepted):
    """Fields tools write with their default value, which says nothing, are accepted; other values refused."""
    item_get = lambda s: s["paths"]["/items/{item_id}"]["get"]
    accepted(tmp, lambda s: item_get(s).update(callbacks={}), "callbacks: {} (OpenApiSpex)")
    accepted(tmp, lambda s: s.update(webhooks={}), "webhooks: {}")
    accepted(tmp, lambda s: s["components"].update(callbacks={}), "components callbacks: {}")
    refused(tmp, lambda s: s["components"].update(callbacks={"c": {}}), "callbacks are not supported",
            "#/components/callbacks")
    accepted(tmp, reply_header("X-Quiet", {"schema": {"type": "string"}, "allowEmptyValue": False,
                                           "allowReserved": False}), "a header's allowEmptyValue/allowReserved false")
    refused(tmp, reply_header("X-Quiet", {"schema": {"type": "string"}, "allowEmptyValue": True}),
            "unknown Header field 'allowEmptyValue'", REPLY + "/201/headers/X-Quiet/allowEmptyValue")
    refused(tmp, reply_header("X-Quiet", {"schema": {"type": "string"}, "allowReserved": True}),
            "unknown Header field 'allowReserved'", REPLY + "/201/headers/X-Quiet/allowReserved")
    accepted(tmp, body_prop("x", {"type": "string", "nullable": False}), "nullable: false in 3.1")
    refused(tmp, body_prop("x", {"type": "string", "nullable": 0}), "nullable is an OpenAPI 3.0 keyword",
            SCHEMAS + "ItemCreate/properties/x/nullable")


def query_param(name, schema):
    """A mutation adding the query parameter name (schema) to get_item."""
    return lambda s: s["paths"]["/items/{item_id}"]["get"]["parameters"].append(
        {"name": name, "in": "query", "schema": schema})


def generated(tmp, mutated, read_all, ok, mutate, what):
    """The text of every generated file (the empty string if the spec was refused)."""
    r, out = mutated(tmp, mutate)
    ok(r.returncode == 0, "%s: %s" % (what, r.stderr.strip()))
    text = "".join(read_all(out).values()) if r.returncode == 0 else ""
    subprocess.run(["rm", "-rf", out], check=True)
    return text


def test_formats(tmp, refused, accepted, mutated, read_all, ok):
    """Integer widths, numbers as text, char, decimal, ip: enforced in bodies, JSON values and parameters."""
    x = SCHEMAS + "ItemCreate/properties/x"
    text = generated(tmp, mutated, read_all, ok, lambda s: (
        body_prop("u8", {"type": "integer", "format": "uint8"})(s),
        body_prop("i16", {"type": "integer", "format": "int16", "minimum": -5})(s),
        body_prop("u64", {"type": "integer", "format": "uint64"})(s),
        body_prop("size", {"type": "string", "format": "int64"})(s),
        body_prop("letter", {"type": "string", "format": "char"})(s),
        body_prop("price", {"type": "string", "format": "decimal", "pattern": "^-?\\d{0,8}(?:\\.\\d{0,2})?$"})(s),
        body_prop("amount", {"type": "number", "format": "decimal"})(s),
        body_prop("addr", {"type": "string", "format": "ip"})(s),
        body_prop("id", {"pattern": "^-?(?:0|[1-9]\\d*)$", "format": "int32"})(s),
        body_prop("n", {"type": ["integer", "string"], "format": "int32"})(s),
        query_param("q8", {"type": "string", "format": "uint8"})(s),
        query_param("qc", {"type": "string", "format": "char"})(s),
        query_param("qi", {"type": "integer", "format": "uint16"})(s)), "integer widths and text formats")
    for want, what in (('"255"', "uint8's range"), ('"-5"', "int16 within the schema's minimum"),
                       ('"18446744073709551615"', "uint64's range"), ("RT_VALID_FORMAT_INT64_TEXT", "int64 on a string"),
                       ("RT_VALID_FORMAT_DECIMAL", "decimal"), ("RT_VALID_FORMAT_IPVANYADDRESS", "ip"),
                       ("RT_VALID_FORMAT_UINT8_TEXT", "uint8 on a string parameter"), ('"65535"', "a uint16 parameter"),
                       ("RT_VALID_FORMAT_INT32_TEXT", "[integer, string] with int32: strings as text")):
        ok(want in text, "generated: %s (%s)" % (what, want))
    ok(re.search(r'properties/id",\n(    \..*\n)*?    \.maximum = \{\.text = "2147483647"', text) is not None,
       "int32 without a type: its range, for numbers")
    ok(text.count(".min_length = 1,\n    .max_length = 1,") == 2, "char: exactly one character (body and query)")
    refused(tmp, body_prop("x", {"type": "integer", "format": "int128"}), "integer format 'int128' is not supported "
            "(supported: double, float, int, int16, int32, int64, int8, uint, uint16, uint32, uint64, uint8)", x + "/format")
    refused(tmp, body_prop("x", {"type": "integer", "format": "email"}), "format 'email' applies to strings only, and "
            "this schema's type is integer", x + "/format")
    refused(tmp, body_prop("x", {"type": "string", "format": "double"}), "format 'double' is a number's format, on a "
            "string", x + "/format")
    refused(tmp, body_prop("x", {"type": ["string", "boolean"], "format": "double"}), "format 'double' is a number's "
            "format, on a string", x + "/format")
    refused(tmp, body_prop("x", {"type": ["boolean", "null"], "format": "int32"}), "format 'int32' applies to numbers "
            "only, and this schema's type is boolean", x + "/format")
    refused(tmp, query_param("qf", {"type": "string", "format": "float"}), "format 'float' is a number's format",
            ITEM + "/parameters/7/schema/format")
    refused(tmp, body_prop("x", {"type": "string", "format": "char", "default": "ab"}), "format char", x + "/default")
    refused(tmp, body_prop("x", {"type": "string", "format": "int32", "default": "99999999999"}), "format int32",
            x + "/default")
    accepted(tmp, body_prop("x", {"type": "string", "format": "uint8", "default": "200"}), "a uint8 text default")
    # 3.0's nullable: a refusal names the schema's own pointer, not a made-up segment
    refused(tmp, lambda s: (s.update(openapi="3.0.3"), body_prop("x", {"type": "string", "nullable": True,
                                                                       "const": "a", "format": "color"})(s)),
            "string format 'color' is not supported", x + "/format")


def test_param_shapes(tmp, refused, accepted, mutated, read_all, ok):
    """ASP.NET Core 10's [integer, string] ints (and their typeless 3.0 form) read as text; Hono's string-or-array
    query as an array; the other parameter schemas of several types refused, naming the construct."""
    p = ITEM + "/parameters/7/schema"
    text = generated(tmp, mutated, read_all, ok, lambda s: (
        query_param("page", {"type": ["integer", "string"], "pattern": "^-?(?:0|[1-9]\\d*)$", "format": "int32",
                             "default": 1})(s),
        query_param("size", {"pattern": "^-?(?:0|[1-9]\\d*)$", "format": "int32"})(s),
        query_param("tag", {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})(s)),
        "ASP.NET Core's and Hono's parameter schemas")
    ok('.default_text = "1"' in text and text.count("RT_VALID_FORMAT_INT32_TEXT") >= 2,
       "[integer, string] and {pattern, format: int32}: text, an int32 as text, default 1 as \"1\"")
    ok(re.search(r"const char \*page;", text) is not None and re.search(r"const char \*size;", text) is not None,
       "the handler gets the text")
    ok(re.search(r"const char \*\*items;\n\s*\} tag;", text) is not None, "string-or-array: an array of strings")
    refused(tmp, query_param("n", {"type": ["integer", "boolean"]}), "several types ['integer', 'boolean']: a text "
            "is read into one type", p)
    refused(tmp, query_param("n", {"anyOf": [{"type": "string"}, {"type": "integer"}]}), "(anyOf: a text is read "
            "into one type", p)
    refused(tmp, query_param("n", {"minimum": 1}), "(no type, with minimum: a text is read into the type the schema "
            "declares; declare one)", p)
    refused(tmp, query_param("n", {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "array", "items": {
        "type": "string"}}]}), "(anyOf: a text is read into one type", p)
