"""Request bodies that are neither JSON nor forms (issue 15), and the media type a JSON body is taken with.

A requestBody whose one media type is
  - text/<x>: the body is UTF-8 text, checked against a string schema (minLength, maxLength, pattern, enum,
    const, format) by the same rule machinery as string parameters (rt_valid_raw, rt_valid_scalar); a declared
    charset must be utf-8 or us-ascii;
  - any other concrete type but JSON, application/x-www-form-urlencoded and multipart/* (application/
    octet-stream, image/png, application/pdf...): opaque bytes; the schema may only say so ({}, type string with
    format binary (3.0's idiom) or contentMediaType (3.1's)) and bound the length in bytes (minLength,
    maxLength).
The handler gets `const char *body; size_t body_len` (and has_body when the body is optional); a body sent
under another media type is answered 415 (rt_valid_raw.h).  Wildcards (text/*, */*, image/*) are refused: the
runtime would have to pick a media type to send and to check, and the handler could not tell which one came.
A vendor JSON type (application/vnd.x+json) accepts only that type (op.body_json_media_c); application/json
keeps FastAPI's acceptance of every JSON type.
"""

import re

from .document import pointer
from .names import c_string
from .refusals import SpecError, check_string_enum, string_format
from .schemas import build_rule

FORM = "application/x-www-form-urlencoded"
TOKEN = r"[!#$%&'*+.^_`|~0-9a-z-]+"
MEDIA = re.compile(r"(%s)/(%s)" % (TOKEN, TOKEN))
# What only documents a raw body's schema (x-* extensions too).
ANNOTATIONS = {"title", "description", "examples", "example", "deprecated", "$comment", "externalDocs",
               "contentMediaType"}
TEXT_KEYWORDS = {"type", "minLength", "maxLength", "pattern", "format", "enum", "const"}
BYTES_KEYWORDS = {"type", "format", "minLength", "maxLength"}
TEXT_CHARSETS = ("utf-8", "us-ascii")


class RawBody:
    """A text or bytes request body: what the rt_valid_raw_body table and the templates need."""

    def __init__(self, media, text):
        self.media = media                 # type/subtype, lower case
        self.media_c = c_string(media)
        self.text = text                   # text/<x>: UTF-8 checked against rule; else bytes
        self.rule = None                   # text: the string Rule (api_ops.c)
        self.min_bytes = self.max_bytes = 0  # bytes: minLength, maxLength (0: no limit)


def media_type(media):
    """(type/subtype in lower case, {parameter: value}) of a media type key."""
    parts = [p.strip() for p in str(media).split(";")]
    params = {}
    for p in parts[1:]:
        name, _, value = p.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), params


def is_json(mt):
    return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))


def is_raw(mt):
    """Whether a request body of media type mt (type/subtype) is this module's to read."""
    return not (is_json(mt) or mt == FORM or mt.startswith("multipart/"))


def json_media(rb):
    """The C literal of the vendor JSON media type rb declares (application/vnd.x+json), which the runtime
    matches exactly; None for application/json (every JSON type, as FastAPI) or no JSON content."""
    for media in rb.get("content") or {}:
        mt = media_type(media)[0]
        if is_json(mt):
            return None if mt == "application/json" else c_string(mt)
    return None


def raw_body(ctx, op, rb, at):
    """If the requestBody rb (at pointer at) has a text or bytes media type, set op.body_raw (a RawBody) and
    op.body_required and return True; False for JSON, form and multipart content (request_body() reads them).
    A body of several media types is bodymedia.py's (which refuses text and bytes among them) before this runs."""
    content = rb.get("content") or {}
    raw = [m for m in content if is_raw(media_type(m)[0])]
    if not raw:
        return False
    if len(content) > 1:  # bodymedia.py refuses it first; kept so that nothing is dropped if that changes
        raise SpecError("%s/content: a request body with several media types (%s) is not supported"
                        % (at, ", ".join(content)))
    media = raw[0]
    where = pointer(at + "/content", media)
    mt, params = media_type(media)
    m = MEDIA.fullmatch(mt)
    if m is None:
        raise SpecError("%s: %r is not a media type (type/subtype)" % (where, media))
    if "*" in (m.group(1), m.group(2)):
        raise SpecError("%s: the wildcard media type %r is not supported in a request body: declare the "
                        "concrete media type the operation takes" % (where, media))
    body = RawBody(mt, mt.startswith("text/"))
    check_params(params, body.text, where)
    node = content[media] if isinstance(content[media], dict) else {}
    schema, schema_at = object_schema(ctx, node.get("schema", {}), where + "/schema", mt)
    if body.text:
        text_rule(ctx, op, body, schema, schema_at)
    else:
        bytes_limits(body, schema, schema_at)
    op.body_raw = body
    op.body_required = bool(rb.get("required", False))
    return True


def check_params(params, text, where):
    """A declared charset must be UTF-8 (what the runtime reads); other parameters would not be enforced."""
    for name, value in params.items():
        if text and name == "charset" and value.lower() in TEXT_CHARSETS:
            continue
        what = "charset %r" % value if name == "charset" else "the media type parameter %r" % name
        raise SpecError("%s: %s is not supported: %s" % (
            where, what, "a text body is read as UTF-8" if name == "charset" and text else
            "parameters of a request body's media type are not enforced (only charset=utf-8 on text/*)"))


def unknown_keywords(schema, allowed, where, mt, what="a body"):
    """Refuse the keywords of a raw body's schema (what: "a body", "a response") beyond allowed and the
    annotations."""
    unknown = sorted(k for k in schema if k not in allowed and k not in ANNOTATIONS and not k.startswith("x-"))
    if unknown:
        raise SpecError("%s: keyword(s) %s are not supported in the schema of %s of type %s (supported: %s)"
                        % (where, ", ".join(unknown), what, mt, ", ".join(sorted(allowed))))


def object_schema(ctx, schema, where, mt, what="a body"):
    """(schema, its pointer) with a $ref followed and true read as {}; refused unless an object."""
    if isinstance(schema, dict) and "$ref" in schema:
        where = schema["$ref"]
        schema = ctx.resolve(schema["$ref"])
    if schema is True:
        schema = {}
    if not isinstance(schema, dict):
        raise SpecError("%s: the schema of %s of type %s must be an object" % (where, what, mt))
    return schema, where


def text_rule(ctx, op, body, schema, where):
    """The string Rule of a text body's schema (absent or {}: any UTF-8 text)."""
    unknown_keywords(schema, TEXT_KEYWORDS, where, body.media)
    schema = dict((k, v) for k, v in schema.items() if k in TEXT_KEYWORDS)
    if schema.get("type", "string") != "string":
        raise SpecError("%s/type: a body of type %s is text: its schema's type must be string, not %r"
                        % (where, body.media, schema["type"]))
    schema["type"] = "string"
    if "const" in schema:
        if "enum" in schema or not isinstance(schema["const"], str):
            raise SpecError("%s/const: a text body's const must be a string, without enum" % where)
        schema["enum"] = [schema.pop("const")]
    if "format" in schema:  # before build_rule, whose refusal would speak of parameters
        string_format(schema["format"], where + "/format")
    if "enum" in schema:
        check_string_enum(schema["enum"], where + "/enum")
    body.rule = build_rule(ctx, schema, "rule_%s__body" % op.c_name, where, "", for_ops=True)
    if body.rule.kind != "RT_VALID_STRING":  # keywords only the JSON Schema validator enforces
        raise SpecError("%s: the schema of this body of type %s is not supported" % (where, body.media))


def bytes_limits(body, schema, where):
    """A bytes body's schema says what it is (binary) and bounds its length in bytes; nothing else."""
    unknown_keywords(schema, BYTES_KEYWORDS, where, body.media)
    if schema.get("type", "string") != "string":
        raise SpecError("%s/type: a body of type %s is bytes: its schema's type, if any, must be string (with format "
                        "binary or contentMediaType), not %r" % (where, body.media, schema["type"]))
    if schema.get("format", "binary") != "binary":
        raise SpecError("%s/format: a body of type %s is bytes: format %r is not supported (only binary)"
                        % (where, body.media, schema["format"]))
    for key in ("minLength", "maxLength"):
        if key in schema and (not isinstance(schema[key], int) or isinstance(schema[key], bool) or schema[key] < 0):
            raise SpecError("%s/%s: must be a non-negative integer" % (where, key))
    body.min_bytes = schema.get("minLength", 0)
    body.max_bytes = schema.get("maxLength", 0)
    if "maxLength" in schema and body.max_bytes == 0:
        raise SpecError("%s/maxLength: maxLength 0 is not supported: an empty body is no body" % where)
