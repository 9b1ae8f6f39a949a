"""Responses: each status (or `default`, or a range such as 4XX) of an operation -> Response, the reply helper
api_<op>__reply_<suffix>() the handler answers with, and the response headers that helper takes.

A helper for `default` or a range takes the status: one outside what the response covers (a status the
operation declares on its own, or one of another range) is a handler bug, answered 500 and logged
(rt_valid_reply_status()).  Each declared response header is an argument of the helper, after the body: a
required one by value (a string must not be NULL), an optional one as a pointer, NULL when not sent; the value
is written as its schema's type says (rt_valid_reply.h).  A header's schema describes what the handler sends,
like a response body's: its bounds are the handler's contract, not checked (keywords.py: OUTPUT).  A header with
content of one JSON media type (application/json, application/<x>+json) takes a struct json_object *, borrowed
(NULL: not sent; a required one NULL is a handler bug), written as compact JSON; its schema, too, is the
handler's contract.  Several media types, another one, or encoding are refused with the content's pointer.

A response's content may declare several media types: each has its own helper, and the handler picks one by
the request's Accept (respmedia.py says how they are named and what each may declare).
"""

import re

from .document import pointer
from .jsonschema import needs_schema, schema_table
from .model import Response
from .names import c_string, camel, field_name
from .rawbody import is_json, media_type
from .refusals import SpecError
from .respmedia import response_media
from .schemas import is_object_schema, model_for

STATUS = re.compile(r"[1-5][0-9][0-9]")
NO_CONTENT = ("204", "304")  # statuses whose answers carry no content (rt_http writes none)
RANGE = re.compile(r"([1-5])[Xx][Xx]")

# A header schema's type -> (C type of a required argument, of an optional one, rt_valid_reply_header_<kind>).
HEADER_TYPES = {"string": ("const char *", "const char *", "string"),
                "integer": ("int64_t", "const int64_t *", "int"),
                "number": ("double", "const double *", "number"),
                "boolean": ("bool", "const bool *", "bool")}
# Set by the runtime (rt_req_add_header() refuses them), or by the media type (OpenAPI: Content-Type is ignored).
RUNTIME_HEADERS = {"content-type", "content-length", "connection", "date", "server", "x-request-id",
                   "transfer-encoding"}
# Names the helpers' own arguments use.
TAKEN = {"req", "body", "detail", "status", "len"}


class Header:
    """One declared response header: an argument of the reply helper."""

    def __init__(self, name, c_name, required, kind, c_type):
        self.name = name
        self.name_c = c_string(name)
        self.c_name = c_name
        self.required = required
        self.kind = kind            # string, int, number, bool: rt_valid_reply_header_<kind>()
        self.c_type = c_type
        # What the setter gets: a pointer, or NULL when absent.
        self.value_c = c_name if kind == "string" or not required else "&" + c_name


def json_header(name, c_name, required):
    """The Header of a JSON header (content): the argument is a struct json_object *, sent as the text json-c
    writes for it compact (the string header's checks then apply to that text: NULL when required, no control
    character, which JSON text escapes anyway)."""
    h = Header(name, c_name, required, "string", "struct json_object *")
    h.value_c = ("(%s != NULL ? json_object_to_json_string_ext(%s, JSON_C_TO_STRING_PLAIN | "
                 "JSON_C_TO_STRING_NOSLASHESCAPE) : NULL)" % (c_name, c_name))
    return h


def json_header_content(h, here):
    """Refuse what a header's content cannot be here (see the module): several media types, not JSON, encoding,
    content beside schema, style or explode."""
    content = h["content"]
    for key in ("schema", "style", "explode"):
        if key in h:
            raise SpecError("%s/%s: a header has either content or schema (with style and explode), not both: "
                            "OpenAPI forbids %s beside content" % (here, key, key))
    if not isinstance(content, dict) or len(content) != 1:
        raise SpecError("%s/content: a response header's content must have exactly one media type (it has %d): "
                        "one value has one serialization" % (here, len(content) if isinstance(content, dict) else 0))
    media, mt_obj = next(iter(content.items()))
    where = pointer(here + "/content", media)
    if not is_json(media_type(media)[0]):
        raise SpecError("%s: only JSON (application/json or application/<x>+json) response header content is "
                        "supported, not %r" % (where, media))
    if isinstance(mt_obj, dict) and "encoding" in mt_obj:
        raise SpecError("%s/encoding: encoding applies to multipart and form request bodies only" % where)


def build_responses(ctx, op, spec_op, where):
    """Set op.responses (exact statuses: the client parses them) and op.replies (every reply helper)."""
    op.responses, ranges = [], []
    for status, resp in (spec_op.get("responses") or {}).items():
        status = str(status)
        if status.startswith("x-"):
            continue
        r = response(ctx, op, status, resp, pointer(where + "/responses", status))
        (op.responses if STATUS.fullmatch(status) else ranges).append(r)
    exact = sorted(r.status for r in op.responses)
    classes = sum(1 << int(r.key[0]) for r in ranges if r.key != "default")  # bit n: nXX
    for r in ranges:
        if r.key == "default":  # the final statuses: a 1xx is not an answer
            r.lo, r.hi, r.excluded, r.excluded_classes = 200, 599, exact, classes
        else:
            n = int(r.key[0])
            r.lo, r.hi, r.excluded_classes = n * 100, n * 100 + 99, 0
            r.excluded = [s for s in exact if s // 100 == n]
    op.replies = op.responses + ranges


def response(ctx, op, status, resp, at):
    """The Response for one key of an operation's responses, at JSON pointer at."""
    m = RANGE.fullmatch(status)
    if not (STATUS.fullmatch(status) or m or status == "default"):
        raise SpecError("%s: unknown response status %r" % (at, status))
    if m and m.group(1) == "1":
        raise SpecError("%s: the range 1XX is refused: informational responses are not answers a handler can "
                        "send" % at)
    if "$ref" in resp:
        at = resp["$ref"]
        resp = ctx.resolve(resp["$ref"])
    if status in NO_CONTENT and resp.get("content"):
        raise SpecError("%s/content: a %s response has no content (RFC 9110 15.3.5, 15.4.5): the server never "
                        "sends a body with it, so this one could never arrive; remove content" % (at, status))
    media, primary = response_media(ctx, resp.get("content"), at)
    json_m = next((m for m in media if m.kind == "json"), None)
    schema, schema_at = (json_m.schema, json_m.schema_at) if json_m else (None, None)
    model, any_json = None, False
    inline_name = camel(op.id) + (status if STATUS.fullmatch(status) else camel(status.lower()))
    if schema is None:
        pass  # no JSON: each text or bytes type has its helper (respmedia.py)
    elif needs_schema(ctx, schema) or ("$ref" in schema and needs_schema(ctx, ctx.resolve(schema["$ref"]))):
        any_json = True  # a schema a C struct cannot represent: the handler writes JSON
    elif "$ref" in schema and is_object_schema(ctx.resolve(schema["$ref"])):
        model = model_for(ctx, schema["$ref"], schema["$ref"].rsplit("/", 1)[-1], ctx.resolve(schema["$ref"]),
                          schema["$ref"])
    elif is_object_schema(schema):
        model = model_for(ctx, inline_name, inline_name, schema, schema_at)
    else:
        any_json = True
    r = Response(int(status) if STATUS.fullmatch(status) else 0, model, any_json,
                 bool(model and model.is_http_error))
    r.key = status if STATUS.fullmatch(status) or status == "default" else m.group(1) + "XX"
    r.suffix = r.key.lower()
    r.media, r.primary = media, primary
    r.json_media_c = json_m.key_c if json_m and json_m.media != "application/json" else None  # a vendor type
    r.media_enum = "api_%s__%s_media" % (op.c_name, r.suffix)
    r.media_none = "API_%s__%s_NONE" % (op.c_name.upper(), r.suffix.upper())
    for m in media:
        m.enum = "API_%s__%s_%s" % (op.c_name.upper(), r.suffix.upper(), m.word.upper())
    if any_json and schema not in ({}, True):
        # the client validates a JSON body that is not an object model against its schema
        r.schema = schema_table(ctx, schema, schema_at, "api_%s__response_%s_schema" % (op.c_name, r.suffix))
        r.schema_where = schema_at
        ctx.body_schemas.append((r.schema, schema_at))
    r.takes_status = not STATUS.fullmatch(status)
    r.status_c = "status" if r.takes_status else str(r.status)
    r.headers = response_headers(ctx, resp.get("headers") or {}, at + "/headers")
    r.header_args = "".join(", %s%s%s" % (h.c_type, "" if h.c_type.endswith("*") else " ", h.c_name)
                            for h in r.headers)
    return r


def response_headers(ctx, headers, at):
    """The Headers of a response's headers map (at pointer at), in spec order."""
    out, seen = [], {}
    for name, h in headers.items():
        here = pointer(at, name)
        if "$ref" in h:
            here = h["$ref"]
            h = ctx.resolve(h["$ref"])
        if str(name).lower() in RUNTIME_HEADERS:
            raise SpecError("%s: response header %r is refused: the runtime sets it (Content-Type from the "
                            "media type)" % (pointer(at, name), name))
        c_name = field_name(name, pointer(at, name))
        if c_name in TAKEN or c_name in seen:
            raise SpecError("%s: response header %r maps to the C argument %s, already used by %s"
                            % (pointer(at, name), name, c_name, seen.get(c_name, "the reply helper")))
        seen[c_name] = repr(name)
        if "content" in h:
            json_header_content(h, here)
            out.append(json_header(name, c_name, h.get("required") is True))
            continue
        schema = h.get("schema")
        if schema is None:
            raise SpecError("%s: a response header needs a schema or content" % here)
        schema_at = here + "/schema"
        if isinstance(schema, dict) and "$ref" in schema:
            schema_at = schema["$ref"]
            schema = ctx.resolve(schema["$ref"])
        t = schema.get("type") if isinstance(schema, dict) else schema  # a boolean schema has no type
        if not isinstance(t, str) or t not in HEADER_TYPES:
            raise SpecError("%s: a response header must be a string, integer, number or boolean (one type, not "
                            "nullable), not %r" % (schema_at, t))
        required = h.get("required") is True
        req_type, opt_type, kind = HEADER_TYPES[t]
        out.append(Header(name, c_name, required, kind, req_type if required else opt_type))
    return out
