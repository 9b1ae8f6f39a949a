"""The media types of a response's content: one reply helper each, and the Accept negotiation between them.

Each declared media type is JSON (application/json or one application/*+json type: the typed model or JSON
helper, sent with that type), text (text/<x>: the text the handler renders, `const char *body, size_t len`) or
bytes (any other concrete type, application/octet-stream, image/png, application/xml: `const void *body,
size_t len`).  The Content-Type sent is the media type as the spec writes it, parameters included (text/plain;
version=0.0.4); a text type's charset, if declared, must be UTF-8 or US-ASCII, as a text request body's
(rawbody.py).  A text schema says what the handler sends: a string (rawbody.py's text keywords; its bounds are
the handler's contract, not checked, as for any response).  A bytes schema may only say that it is bytes and
bound their number: rawbody.py's rules for a bytes request body ({}, type string, format binary,
contentMediaType, minLength, maxLength); anything else is refused with its pointer.

*/* and application/* (springdoc writes */* for every response) are JSON sent as application/json, one of the
types they allow, unless their schema says bytes (format binary, contentMediaType).

Refused: other wildcard media types (image/*, text/*, and */* for bytes: the handler would have to name the type
it sends, and a client could not tell what to expect), two JSON types in one response (one typed body per response), media types
that are not type/subtype, and two types whose C names collide.

Naming: the primary media type — the JSON one when declared, else the first declared — keeps the helper name
api_<op>__reply_<status>(); every other gets _<type>_<subtype> appended, its non-alphanumerics as '_'
(api_get_pet__reply_200_application_xml).  A response of several media types also gets
api_<op>__accept_<status>(req), which returns the one the request's Accept prefers (rt_negotiate.h) as a
value of enum api_<op>__<status>_media (API_<OP>__<STATUS>_<TYPE>_<SUBTYPE>), or API_<OP>__<STATUS>_NONE
when Accept excludes every declared type: the handler then chooses (FastAPI would send its one type anyway).
"""

import re

from .document import pointer
from .names import c_string
from .rawbody import (MEDIA, TEXT_CHARSETS, TEXT_KEYWORDS, RawBody, bytes_limits, is_json, media_type,
                      object_schema, unknown_keywords)
from .refusals import SpecError

# Ranges that name JSON among others: springdoc writes */* for every response of a JSON API.  The handler
# answers application/json, one of the types the range allows, so nothing the spec says goes unkept.
JSON_RANGES = ("*/*", "application/*")
# RFC 9110 §5.6.6 parameters, each present: ;name=token or ;name="quoted string"
PARAMS = re.compile(r'(?:[ \t]*;[ \t]*[!#$%&\'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&\'*+.^_`|~0-9A-Za-z-]+|"(?:[^"\\]|\\.)*"))*[ \t]*')


class ResponseMedia:
    """One declared media type of a response: its reply helper's kind and name suffix."""

    def __init__(self, key, media, kind):
        self.key = key                  # as written in the spec (the Content-Type sent)
        self.media = media              # type/subtype, lower case
        self.key_c = c_string(key)
        self.kind = kind                # json, text or bytes
        self.word = re.sub(r"[^a-z0-9]+", "_", media).strip("_")  # application_xml
        self.suffix = ""                # "" for the primary type, else "_" + word
        self.schema, self.schema_at = None, None  # JSON: its schema; text and bytes: checked here


def response_media(ctx, content, at):
    """The ResponseMedia list (spec order) of a response's content (at pointer at + "/content"), and the index
    of the primary one; ([], 0) for no content."""
    if content is None or content == {}:
        return [], 0
    if not isinstance(content, dict):
        raise SpecError("%s/content: must be a map of media types to Media Type Objects" % at)
    out, words = [], {}
    for key, node in content.items():
        key = str(key)
        where = pointer(at + "/content", key)
        mt, params = media_type(key)
        m = MEDIA.fullmatch(mt)
        if m is None:
            raise SpecError("%s: %r is not a media type (type/subtype)" % (where, key))
        if not PARAMS.fullmatch(key.partition(";")[1] + key.partition(";")[2]) or "q" in params:
            raise SpecError("%s: the parameters of %r are not media type parameters (;name=token or ;name=\"quoted\", "
                            "never q, no empty one): sent as the Content-Type and matched against Accept, they must "
                            "parse" % (where, key))
        node = node if isinstance(node, dict) else {}
        if mt in JSON_RANGES and not bytes_schema(ctx, node.get("schema", {})):
            mt, params = "application/json", {}  # springdoc's */*: sent as JSON
        elif "*" in (m.group(1), m.group(2)):
            raise SpecError("%s: the wildcard media type %r is not supported in a response: declare the concrete "
                            "media type(s) the operation sends (the handler would have to name the type, and a "
                            "client could not tell what to expect)" % (where, key))
        kind = "json" if is_json(mt) else "text" if mt.startswith("text/") else "bytes"
        if kind == "text" and "charset" in params and params["charset"].lower() not in TEXT_CHARSETS:
            raise SpecError("%s: charset %r is not supported: a text response is sent as the UTF-8 the handler "
                            "writes" % (where, params["charset"]))
        r = ResponseMedia(key if mt == media_type(key)[0] else mt, mt, kind)
        r.written = key
        if r.word in words:
            raise SpecError("%s: media types %r and %r of one response map to the same C name %r (or are the "
                            "same type)" % (where, words[r.word], key, r.word))
        words[r.word] = key
        r.schema_at = pointer(where, "schema")
        r.schema = node.get("schema", {})
        if kind != "json":
            check_schema(ctx, r, at=r.schema_at)
        out.append(r)
    jsons = [r for r in out if r.kind == "json"]
    if len(jsons) > 1:
        raise SpecError("%s/content: several JSON media types in one response (%s) are not supported: one "
                        "typed body per response" % (at, ", ".join(r.written for r in jsons)))
    primary = out.index(jsons[0]) if jsons else 0
    for i, r in enumerate(out):
        r.suffix = "" if i == primary else "_" + r.word
    return out, primary


def bytes_schema(ctx, schema):
    """Whether a schema says its value is bytes (format binary, contentMediaType), not a JSON value."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        schema = ctx.resolve(schema["$ref"])
    return isinstance(schema, dict) and (schema.get("format") == "binary" or "contentMediaType" in schema)


def check_schema(ctx, r, at):
    """A text type's schema must be a string's; a bytes type's may only say bytes and bound their number."""
    schema, at = object_schema(ctx, r.schema, at, r.media, "a response")
    if r.kind == "bytes":
        bytes_limits(RawBody(r.media, False), schema, at)
        return
    unknown_keywords(schema, TEXT_KEYWORDS, at, r.media, "a response")
    if schema.get("type") != "string":
        raise SpecError("%s: a %s body must have a string schema" % (at, r.key))
